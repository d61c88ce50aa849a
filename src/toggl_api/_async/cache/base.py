"""``TogglAsyncCache``: the contract every async cache implements, plus the parts all of them share.

A cache stores several models (each operation takes the model class, defaulting to the parent endpoint's), so
one cache object can serve several endpoints. Besides entities it records when a *list* was last fetched
completely (``mark_complete``/``completed_at``), so a list read is answered from the cache only when the cache
is known to hold everything the API would return.
"""

from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import define

from ..._core.api.request import RequestMethod
from ..._core.cache_args import CHECKS
from ..._core.cache_rules import CacheAction, action_for, caching_disabled, is_fresh, normalize_expiry
from ..._core.clock import SYSTEM_CLOCK, Clock
from ..._core.errors import MissingParentError
from ..._core.models import TogglClass
from ..._core.query import TogglQuery
from ..._io.live import LiveMarker

if TYPE_CHECKING:
    from ..endpoint import TogglAsyncCachedEndpoint

__all__ = ["CacheStats", "TogglAsyncCache"]

log = logging.getLogger("toggl_api.cache")

T = TypeVar("T", bound=TogglClass)


@define
class CacheStats:
    """Counters of one cache object.

    Attributes:
        hits: Reads answered from the cache.
        misses: Reads the cache could not answer.
        requests_saved: API requests avoided thanks to hits.
        entries: Fresh entries the cache held when ``entry_count()`` last counted them.
    """

    hits: int = 0
    misses: int = 0
    requests_saved: int = 0
    entries: int = 0


def entry_id_of(entry: Any) -> int:
    """The id of a cache argument given as a model, an int or ``{"id": ...}``.

    Raises:
        TypeError: anything else.
    """
    if isinstance(entry, TogglClass):
        return entry.id
    if isinstance(entry, dict) and "id" in entry:
        return int(entry["id"])
    if isinstance(entry, int) and not isinstance(entry, bool):
        return entry
    msg = f"expected a model, an id or a dict with 'id', got {type(entry).__name__}"
    raise TypeError(msg)


def _with_check(method: Any, check: Callable[..., None]) -> Any:
    @functools.wraps(method)
    async def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return await method(self, *args, **kwargs)

    checked._arguments_checked = True  # type: ignore[attr-defined]
    return checked




class TogglAsyncCache(ABC, Generic[T]):
    """Abstract async cache.

    Args:
        path: Directory (or file location) of the cache.
        expire_after: Seconds or a timedelta after which an entry is stale; ``None`` never; 0 disables caching.
        parent: The endpoint that uses the cache (its ``MODEL`` is the default model).
        clock: Time source for expiry.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every implementation of the public methods checks its arguments first (``_core.cache_args``): a wrong
        # one is a TypeError/ValueError saying what to pass, never a backend's AttributeError or SQL error.
        super().__init_subclass__(**kwargs)
        for name, check in CHECKS.items():
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "_arguments_checked", False):
                setattr(cls, name, _with_check(method, check))

    def __init__(
        self,
        path: Path | PathLike[str] | str,
        expire_after: timedelta | int | None = None,
        parent: TogglAsyncCachedEndpoint[T] | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._cache_path = Path(path)
        self._ttl = normalize_expiry(expire_after)
        self._live = LiveMarker(self._cache_path)
        self._parent: TogglAsyncCachedEndpoint[T] | None = None
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.stats = CacheStats()
        if parent is not None:
            self.parent = parent

    # -- properties -------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The directory given at construction."""
        return self._cache_path

    @property
    @abstractmethod
    def cache_path(self) -> Path:
        """The file this cache stores in (for the default model, for per-model caches)."""

    @property
    def expire_after(self) -> timedelta | None:
        """Age after which an entry is stale (``None``: never; 0: caching disabled)."""
        return self._ttl

    @expire_after.setter
    def expire_after(self, value: timedelta | int | None) -> None:
        self._ttl = normalize_expiry(value)

    @property
    def effective_expire_after(self) -> timedelta | None:
        """The expiry in effect now: ``expire_after``, or none while webhook pushes keep the cache live (see
        ``toggl_api.webhooks``)."""
        ttl = self._ttl
        if ttl is None or ttl == timedelta(0):
            return ttl
        return None if self._live.active(self.now()) else ttl

    @property
    def _expire_after(self) -> timedelta | None:
        return self.effective_expire_after

    @property
    def live(self) -> bool:
        """Whether webhook pushes keep this cache live now (a receiver marked it within its health interval)."""
        return self._ttl != timedelta(0) and self._live.active(self.now())

    @property
    def disabled(self) -> bool:
        """True when ``expire_after`` is 0 (endpoints then neither read nor write the cache)."""
        return caching_disabled(self._expire_after)

    @property
    def parent(self) -> TogglAsyncCachedEndpoint[T]:
        """The endpoint using this cache; ``MissingParentError`` when none was set."""
        if self._parent is None:
            msg = "Can not use cache without a parent set!"
            raise MissingParentError(msg)
        return self._parent

    @parent.setter
    def parent(self, parent: TogglAsyncCachedEndpoint[T] | None) -> None:
        self._parent = parent

    @property
    def model(self) -> type[T]:
        """The parent endpoint's model."""
        model = self.parent.MODEL
        if model is None:  # pragma: no cover - cached endpoints always have a model
            msg = f"{type(self.parent).__name__} has no MODEL"
            raise MissingParentError(msg)
        return model

    def _model(self, model: type[T] | None) -> type[T]:
        return model if model is not None else self.model

    def now(self) -> datetime:
        """The cache's current time."""
        return self.clock.now()

    def is_fresh(self, entry: TogglClass) -> bool:
        """Whether ``entry`` (by its fetch ``timestamp``) has not expired."""
        return is_fresh(entry.timestamp, self.now(), self._expire_after)

    # -- the contract -----------------------------------------------------------------------------

    @abstractmethod
    async def commit(self) -> None:
        """Persist pending changes."""

    @abstractmethod
    async def load(self, model: type[T] | None = None) -> list[T]:
        """Every fresh entry of ``model``."""

    @abstractmethod
    async def find(
        self,
        entry: T | int | dict[str, Any] | None = None,
        model: type[T] | None = None,
        *,
        include_expired: bool = False,
        **kwargs: Any,
    ) -> T | None:
        """The fresh entry with this id (a model, an int or ``{"id": ...}``), or ``None``.

        With ``include_expired`` an expired entry is returned too (endpoints serve it when Toggl fails). The
        entry may also be passed as ``pk=`` or ``query=`` (toggl-api-wrapper's names).
        """

    @abstractmethod
    async def add(self, *entries: T) -> None:
        """Insert or replace entries (upsert), keyed by model and id."""

    @abstractmethod
    async def update(self, *entries: T) -> None:
        """Insert or replace entries (upsert)."""

    @abstractmethod
    async def delete(self, *entries: T | int, model: type[T] | None = None) -> None:
        """Remove entries, given as models or as ids of ``model`` (a no-op for ids not cached, expired or not)."""

    @abstractmethod
    async def query(self, *query: TogglQuery[Any], distinct: bool = False, model: type[T] | None = None) -> list[T]:
        """Fresh entries of ``model`` matching every query; ``distinct`` drops repeats of the queried values."""

    @abstractmethod
    async def mark_complete(self, scope: str, when: datetime | None) -> None:
        """Record that the list identified by ``scope`` was fetched completely at ``when`` (None forgets it)."""

    @abstractmethod
    async def completed_at(self, scope: str) -> datetime | None:
        """When the list ``scope`` was last fetched completely, if ever."""

    async def clear(self) -> None:
        """Remove every cached entity, list marker and stored value, so the next sync is a full one.

        The JSON and SQL caches implement it; this default refuses.

        Raises:
            NotImplementedError: the cache class does not implement clearing.
        """
        msg = f"{type(self).__name__} cannot be cleared: it does not implement clear()"
        raise NotImplementedError(msg)

    async def set_value(self, key: str, value: str | None) -> None:
        """Store a small text value under ``key`` (``None`` removes it); written on ``commit`` where the cache
        defers writes.

        Endpoints keep bookkeeping here (e.g. which time-entry ranges the cache holds completely). The JSON and
        SQL caches store values; this default stores nothing, so a cache that does not override both methods
        simply never answers reads that depend on a value.
        """

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key``, if any (see ``set_value``)."""
        return None

    # -- shared behaviour --------------------------------------------------------------------------

    def find_method(self, method: RequestMethod) -> Any:
        """The cache operation for a request method: GET/PUT → ``add``, PATCH/POST → ``update``, DELETE →
        ``delete``."""
        action = action_for(method)
        if action is CacheAction.ADD:
            return self.add
        if action is CacheAction.UPDATE:
            return self.update
        return self.delete

    async def save(self, entry: Iterable[T] | T, method: RequestMethod) -> None:
        """Apply a response to the cache through ``find_method`` and commit."""
        func = self.find_method(method)
        entries: Sequence[T] = [entry] if isinstance(entry, TogglClass) else list(entry)
        if entries:
            await func(*entries)
        await self.commit()

    async def entry_count(self, model: type[T] | None = None) -> int:
        """How many fresh entries of ``model`` (default: the parent's model) the cache holds; also stored in
        ``stats.entries``."""
        count = len(await self.load(model))
        self.stats.entries = count
        return count

    async def aclose(self) -> None:
        """Release what the cache holds open (connections); the cache stays usable and reopens on demand."""

    async def __aenter__(self) -> TogglAsyncCache[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def list_is_fresh(self, scope: str) -> bool:
        """Whether the list ``scope`` was fetched completely and has not expired."""
        return is_fresh(await self.completed_at(scope), self.now(), self._expire_after)
