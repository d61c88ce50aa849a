"""A minimal in-memory cache honouring the ``TogglAsyncCache`` contract, for tests of endpoint behaviour that
must not depend on a storage backend."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from toggl_api._core.models import TogglClass
from toggl_api._core.query import TogglQuery, distinct, matches_all
from toggl_api.asyncio import TogglAsyncCache

T = TypeVar("T", bound=TogglClass)


class AsyncMemoryCache(TogglAsyncCache[T]):
    """Entities in a dict keyed by (model, id); nothing is persisted."""

    def __init__(self, expire_after: Any = None, **kwargs: Any) -> None:
        super().__init__(Path("memory"), expire_after, **kwargs)
        self.entries: dict[tuple[type[Any], int], T] = {}
        self.complete: dict[str, datetime] = {}

    @property
    def cache_path(self) -> Path:
        return self.path

    async def commit(self) -> None:
        return None

    async def load(self, model: type[T] | None = None) -> list[T]:
        kind = self._model(model)
        return [e for (m, _), e in self.entries.items() if m is kind and self.is_fresh(e)]

    async def find(
        self, entry: T | int | dict[str, Any], model: type[T] | None = None, *, include_expired: bool = False
    ) -> T | None:
        key = entry if isinstance(entry, int) else entry["id"] if isinstance(entry, dict) else entry.id
        found = self.entries.get((self._model(model), key))
        if found is None or not (include_expired or self.is_fresh(found)):
            return None
        return found

    async def add(self, *entries: T) -> None:
        for entry in entries:
            self.entries[(type(entry), entry.id)] = entry

    async def update(self, *entries: T) -> None:
        await self.add(*entries)

    async def delete(self, *entries: T | int, model: type[T] | None = None) -> None:
        for entry in entries:
            if isinstance(entry, int):
                self.entries.pop((self._model(model), entry), None)
            else:
                self.entries.pop((type(entry), entry.id), None)

    async def query(self, *query: TogglQuery[Any], distinct: bool = False, model: type[T] | None = None) -> list[T]:
        found = [e for e in await self.load(model) if matches_all(e, list(query))]
        return _distinct(found, query) if distinct else found

    async def mark_complete(self, scope: str, when: datetime | None) -> None:
        if when is None:
            self.complete.pop(scope, None)
        else:
            self.complete[scope] = when

    async def completed_at(self, scope: str) -> datetime | None:
        return self.complete.get(scope)


def _distinct(found: list[T], query: tuple[TogglQuery[Any], ...]) -> list[T]:
    return distinct(found, list(query))  # type: ignore[return-value]
