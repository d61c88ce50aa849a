"""``AsyncSqliteCache``: a cache in one SQL database (``cache.sqlite`` by default, or any SQLAlchemy engine).

The attrs models are mapped imperatively onto the tables of ``toggl_api._core.models.tables`` (once per process).
Every operation uses its own short-lived session and transaction; nothing stays open between calls except the
engine's connection pool (``aclose()`` releases it). Writes are upserts by primary key that ignore expiry, so
refreshing an expired entity never collides with the stale row; a batch is one transaction. Queries use only
portable SQL (PostgreSQL works as well as SQLite). The schema is created on the first operation.

SQLAlchemy is optional: constructing the cache without it raises an ``ImportError`` naming the extra.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..._concurrency import AsyncLock
from ..._core.clock import Clock
from ..._core.models import TogglClass, TogglTag, TogglTracker
from ..._core.query import TogglQuery, distinct_keys, validate_queries
from ..._sqlcompat import (
    async_create_all,
    async_dispose,
    async_open_session,
    async_prepare_engine,
    create_async_engine,
)
from .base import TogglAsyncCache

if TYPE_CHECKING:
    from sqlalchemy import MetaData, Table

    from ..._sqlcompat import AsyncEngine, AsyncSession
    from ..endpoint import TogglAsyncCachedEndpoint

__all__ = ["AsyncSqliteCache", "async_register_tables"]

T = TypeVar("T", bound=TogglClass)

#: Ids per ``IN (...)`` list, well below every database's bound-parameter limit.
_CHUNK = 500
_WRITE_ATTEMPTS = 3


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _entry_id(entry: Any) -> int:
    if isinstance(entry, TogglClass):
        return entry.id
    if isinstance(entry, dict) and "id" in entry:
        return int(entry["id"])
    if isinstance(entry, int) and not isinstance(entry, bool):
        return entry
    msg = f"expected a model, an id or a dict with 'id', got {type(entry).__name__}"
    raise TypeError(msg)


def _private_file(path: Path) -> None:
    # Create the database file ourselves so it (and SQLite's -wal/-shm files, which copy its mode) is 0600.
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


async def async_register_tables(engine: AsyncEngine) -> MetaData:
    """Map the models and create every cache table on ``engine``; returns the one shared ``MetaData``."""
    engine = async_prepare_engine(engine)
    from ..._core.models.tables import map_models

    metadata = map_models()
    await async_create_all(engine, metadata)
    return metadata


class AsyncSqliteCache(TogglAsyncCache[T]):
    """SQL cache (SQLite by default).

    Args:
        path: Directory of ``cache.sqlite`` (created if missing; ignored for the database when ``engine`` is
            given).
        expire_after: Seconds or a timedelta after which entries are stale; ``None`` never; 0 disables caching.
        parent: The endpoint using the cache.
        engine: An engine to use instead of ``sqlite:///<path>/cache.sqlite`` (e.g. PostgreSQL).
        echo_db: Log every SQL statement (SQLAlchemy's ``echo``).
        clock: Time source for expiry.

    Raises:
        ImportError: SQLAlchemy (or the async driver) is not installed.
    """

    def __init__(
        self,
        path: Path | PathLike[str] | str,
        expire_after: timedelta | int | None = None,
        parent: TogglAsyncCachedEndpoint[T] | None = None,
        *,
        engine: AsyncEngine | None = None,
        echo_db: bool = False,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(path, expire_after, parent, clock=clock)
        if engine is None:
            self._cache_path.mkdir(parents=True, exist_ok=True, mode=0o700)
            _private_file(self.cache_path)
            engine = create_async_engine(f"sqlite+aiosqlite:///{self.cache_path}")
            self._owns_engine = True
        else:
            engine = async_prepare_engine(engine)
            self._owns_engine = False
        if echo_db:
            engine.echo = True
        from ..._core.models.tables import map_models

        self.database: AsyncEngine = engine
        self.metadata: MetaData = map_models()
        self._schema_ready = False
        self._schema_lock = AsyncLock()
        self._statements: dict[tuple[type[TogglClass], bool], tuple[Any, Any]] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.database.url!r}, expire_after={self._expire_after!r})"

    @property
    def cache_path(self) -> Path:
        """``<path>/cache.sqlite`` (one database for every model)."""
        return self._cache_path / "cache.sqlite"

    async def aclose(self) -> None:
        """Close the pooled connections of the engine the cache created (a given engine is left alone)."""
        if self._owns_engine:
            await async_dispose(self.database)

    # -- plumbing -------------------------------------------------------------------------------------------

    async def _ready(self) -> AsyncEngine:
        if not self._schema_ready:
            async with self._schema_lock:
                if not self._schema_ready:
                    from sqlalchemy.exc import OperationalError

                    try:
                        await async_create_all(self.database, self.metadata)
                    except OperationalError:  # another process created the tables at the same moment
                        await async_create_all(self.database, self.metadata)
                    self._schema_ready = True
        return self.database

    def _table(self, model: type[TogglClass]) -> Table:
        from ..._core.models.tables import table_for

        return table_for(model)

    def _fresh_clauses(self, model: type[TogglClass]) -> list[Any]:
        from ..._core.sql_query import expiry_clause

        clause = expiry_clause(model, self.now(), self._expire_after)
        return [] if clause is None else [clause]

    async def _select(self, session: AsyncSession, model: type[T], clauses: Sequence[Any]) -> list[T]:
        from sqlalchemy import select

        table = self._table(model)
        stmt = select(model).where(*clauses).order_by(table.c.id)
        found: list[T] = list((await session.scalars(stmt)).all())
        if found and issubclass(model, TogglTracker):
            await self._attach_tags(session, found, select(table.c.id).where(*clauses))
        return found

    async def _attach_tags(self, session: AsyncSession, trackers: Sequence[TogglClass], ids: Any) -> None:
        from sqlalchemy import select

        from ..._core.models.tables import TRACKER_TAGS as TT

        rows = (
            await session.execute(
                select(TT.c.tracker, TT.c.tag, TT.c.name, TT.c.workspace)
                .where(TT.c.tracker.in_(ids))
                .order_by(TT.c.tracker, TT.c.position)
            )
        ).all()
        by_tracker: dict[int, list[tuple[int, str, int]]] = {}
        for tracker_id, tag_id, name, workspace in rows:
            by_tracker.setdefault(tracker_id, []).append((tag_id, name, workspace))
        for tracker in trackers:
            stamp = tracker.timestamp
            tracker.__dict__["tags"] = [
                TogglTag(tag_id, name, stamp, workspace=workspace)
                for tag_id, name, workspace in by_tracker.get(tracker.id, ())
            ]

    @staticmethod
    def _row(table: Table, entry: TogglClass) -> dict[str, Any]:
        row = {column.name: getattr(entry, column.name) for column in table.columns}
        row["extra"] = dict(entry.extra)
        return row

    async def _upsert(self, session: AsyncSession, model: type[TogglClass], entries: Sequence[TogglClass]) -> None:
        from sqlalchemy import bindparam, delete, insert, select, update

        from ..._core.models.tables import TRACKER_TAGS as TT

        table = self._table(model)
        latest = {e.id: e for e in entries}  # the last copy of an id wins
        ids = list(latest)
        existing: set[int] = set()
        for chunk in _chunks(ids):
            existing.update((await session.scalars(select(table.c.id).where(table.c.id.in_(chunk)))).all())
        new_rows = [self._row(table, e) for i, e in latest.items() if i not in existing]
        if new_rows:
            await session.execute(insert(table), new_rows)
        old_rows = []
        for ident in ids:
            if ident in existing:
                row = self._row(table, latest[ident])
                row["_key"] = row.pop("id")
                old_rows.append(row)
        if old_rows:
            columns = [c.name for c in table.columns if c.name != "id"]
            stmt = update(table).where(table.c.id == bindparam("_key")).values({c: bindparam(c) for c in columns})
            await session.execute(stmt, old_rows)
        if issubclass(model, TogglTracker):
            for chunk in _chunks(ids):
                await session.execute(delete(TT).where(TT.c.tracker.in_(chunk)))
            tag_rows = [
                {"tracker": e.id, "position": n, "tag": tag.id, "name": tag.name, "workspace": tag.workspace}
                for e in latest.values()
                for n, tag in enumerate(e.tags)  # type: ignore[attr-defined]
            ]
            if tag_rows:
                await session.execute(insert(TT), tag_rows)

    # -- the contract ---------------------------------------------------------------------------------------

    async def commit(self) -> None:
        """Nothing to do: every operation commits its own transaction."""

    async def load(self, model: type[T] | None = None) -> list[T]:
        """Every fresh entry of ``model``, ordered by id."""
        target = self._model(model)
        engine = await self._ready()
        async with async_open_session(engine) as session:
            return await self._select(session, target, self._fresh_clauses(target))

    async def find(
        self, entry: T | int | dict[str, Any], model: type[T] | None = None, *, include_expired: bool = False
    ) -> T | None:
        """The fresh entry with this id (any entry with ``include_expired``), or ``None``."""
        if model is None and isinstance(entry, TogglClass):
            model = type(entry)
        target = self._model(model)
        ident = _entry_id(entry)
        engine = await self._ready()
        fresh = not include_expired and self._expire_after is not None
        stmt, tags_stmt = self._find_statements(target, fresh=fresh)
        params: dict[str, Any] = {"ident": ident}
        if fresh:
            params["cutoff"] = self.now() - self._expire_after  # type: ignore[operator]
        async with async_open_session(engine) as session:
            found = (await session.scalars(stmt, params)).first()
            if found is not None and tags_stmt is not None:
                rows = (await session.execute(tags_stmt, {"ident": ident})).all()
                found.__dict__["tags"] = [TogglTag(i, n, found.timestamp, workspace=w) for i, n, w in rows]
        return found

    def _find_statements(self, model: type[TogglClass], *, fresh: bool) -> tuple[Any, Any]:
        # Built once per model: a lookup by id is the hot path, and building statements costs more than running
        # them.
        key = (model, fresh)
        cached = self._statements.get(key)
        if cached is None:
            from sqlalchemy import bindparam, select

            from ..._core.models.tables import TRACKER_TAGS as TT

            table = self._table(model)
            clauses = [table.c.id == bindparam("ident")]
            if fresh:
                clauses.append(table.c.timestamp > bindparam("cutoff", type_=table.c.timestamp.type))
            tags = None
            if issubclass(model, TogglTracker):
                tags = (
                    select(TT.c.tag, TT.c.name, TT.c.workspace)
                    .where(TT.c.tracker == bindparam("ident"))
                    .order_by(TT.c.position)
                )
            cached = (select(model).where(*clauses), tags)
            self._statements[key] = cached
        return cached

    async def add(self, *entries: T) -> None:
        """Insert or replace entries by primary key (expired rows included), all in one transaction."""
        by_model: dict[type[TogglClass], list[TogglClass]] = {}
        for entry in entries:
            if not isinstance(entry, TogglClass):
                msg = f"the cache stores Toggl models, got {type(entry).__name__}"
                raise TypeError(msg)
            by_model.setdefault(type(entry), []).append(entry)
        if not by_model:
            return
        from sqlalchemy.exc import IntegrityError, OperationalError

        engine = await self._ready()
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                async with async_open_session(engine) as session, session.begin():
                    for model, items in by_model.items():
                        await self._upsert(session, model, items)
                return
            except (IntegrityError, OperationalError):
                # Another process inserted one of these ids (or held the write lock) between our read and write:
                # the next attempt sees its rows and updates them.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise

    async def update(self, *entries: T) -> None:
        """Insert or replace entries (the same as ``add``)."""
        await self.add(*entries)

    async def delete(self, *entries: T | int, model: type[T] | None = None) -> None:
        """Delete entries (models, or ids of ``model``), expired or not, in one transaction."""
        from sqlalchemy import delete

        from ..._core.models.tables import TRACKER_TAGS as TT

        by_model: dict[type[TogglClass], list[int]] = {}
        for entry in entries:
            owner: type[TogglClass] = type(entry) if isinstance(entry, TogglClass) else self._model(model)
            by_model.setdefault(owner, []).append(_entry_id(entry))
        if not by_model:
            return
        engine = await self._ready()
        async with async_open_session(engine) as session, session.begin():
            for kind, ids in by_model.items():
                table = self._table(kind)
                for chunk in _chunks(ids):
                    if issubclass(kind, TogglTracker):
                        await session.execute(delete(TT).where(TT.c.tracker.in_(chunk)))
                    await session.execute(delete(table).where(table.c.id.in_(chunk)))

    async def query(self, *query: TogglQuery[Any], distinct: bool = False, model: type[T] | None = None) -> list[T]:
        """Fresh entries matching every query, ordered by id; ``distinct`` keeps the lowest id per combination
        of the queried values (portable SQL, no ``DISTINCT ON``).

        Raises:
            ValueError: a query key that is not a field of the model.
        """
        from sqlalchemy import func, select

        from ..._core.sql_query import compile_queries

        target = self._model(model)
        validate_queries(target, query)
        clauses = compile_queries(target, query) + self._fresh_clauses(target)
        keys = distinct_keys(query) if distinct else []
        if keys:
            table = self._table(target)
            first = select(func.min(table.c.id)).where(*clauses).group_by(*(table.c[k] for k in keys))
            clauses = [table.c.id.in_(first)]
        engine = await self._ready()
        async with async_open_session(engine) as session:
            return await self._select(session, target, clauses)

    async def mark_complete(self, scope: str, when: datetime | None) -> None:
        """Record when the list ``scope`` was fetched completely (``None`` forgets it)."""
        from sqlalchemy import delete, insert, select, update

        from ..._core.models.tables import MARKERS

        engine = await self._ready()
        async with async_open_session(engine) as session, session.begin():
            if when is None:
                await session.execute(delete(MARKERS).where(MARKERS.c.scope == scope))
                return
            found = (await session.execute(select(MARKERS.c.scope).where(MARKERS.c.scope == scope))).first()
            if found is None:
                await session.execute(insert(MARKERS).values(scope=scope, completed_at=when))
            else:
                await session.execute(update(MARKERS).where(MARKERS.c.scope == scope).values(completed_at=when))

    async def completed_at(self, scope: str) -> datetime | None:
        """When the list ``scope`` was last fetched completely, if ever."""
        from sqlalchemy import select

        from ..._core.models.tables import MARKERS

        engine = await self._ready()
        async with async_open_session(engine) as session:
            value: datetime | None = (
                await session.execute(select(MARKERS.c.completed_at).where(MARKERS.c.scope == scope))
            ).scalar_one_or_none()
        return value

    async def entry_count(self, model: type[T] | None = None) -> int:
        """How many fresh entries of ``model`` the database holds (also stored in ``stats.entries``)."""
        from sqlalchemy import func, select

        target = self._model(model)
        engine = await self._ready()
        stmt = select(func.count()).select_from(self._table(target)).where(*self._fresh_clauses(target))
        async with async_open_session(engine) as session:
            count = int((await session.execute(stmt)).scalar_one())
        self.stats.entries = count
        return count
