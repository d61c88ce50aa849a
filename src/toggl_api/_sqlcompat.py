"""SQLAlchemy pairs for the generated code: each async name has a sync twin that ``scripts/unasync.py`` maps.

``AsyncEngine``/``Engine``, ``AsyncSession``/``Session``, ``create_async_engine``/``create_engine``,
``async_open_session``/``open_session``, ``async_create_all``/``create_all``, ``async_dispose``/``dispose``,
``async_run_read``/``run_read``, ``async_run_write``/``run_write`` and ``async_run_dbapi``/``run_dbapi`` (run a
plain function on one pooled connection; the async variants run it through ``run_sync``, so the same code serves
both worlds).

SQLAlchemy is an optional dependency, so nothing here imports it at module import time: every function imports
it when called and raises an ``ImportError`` naming the extra to install when it is missing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._io.seams import step

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy import Connection, Engine, MetaData, Select
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
    from sqlalchemy.orm import Session

    from ._core.models import TogglProject
    from ._core.query import TogglQuery

__all__ = [
    "AsyncEngine",
    "AsyncSession",
    "Engine",
    "Session",
    "async_create_all",
    "async_dispose",
    "async_open_session",
    "async_prepare_engine",
    "async_run_dbapi",
    "async_run_read",
    "async_run_write",
    "create_all",
    "create_async_engine",
    "create_engine",
    "dispose",
    "open_session",
    "prepare_engine",
    "async_status_to_query",
    "require_sqlalchemy",
    "run_dbapi",
    "run_read",
    "run_write",
    "status_to_query",
]

R = TypeVar("R")

#: SQLite waits this long (ms) for another connection's write lock before failing with "database is locked".
BUSY_TIMEOUT_MS = 30_000


def require_sqlalchemy(*, async_: bool = False, sqlite_driver: bool = True) -> None:
    """Raise ``ImportError`` naming the extra to install when SQLAlchemy (or the async drivers) is missing.

    ``sqlite_driver=False`` leaves out ``aiosqlite``: an async engine the user built already has its driver
    (e.g. ``postgresql+psycopg``), and only SQLAlchemy's asyncio layer (``greenlet``) is needed besides.
    """
    needed = ["sqlalchemy", "greenlet"] if async_ else ["sqlalchemy"]
    if async_ and sqlite_driver:
        needed.insert(1, "aiosqlite")
    from .__about__ import __title__

    extra = f"{__title__}[async]" if async_ else f"{__title__}[sqlite]"
    for name in needed:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            msg = f"the SQL cache needs {name!r}: pip install '{extra}'"
            raise ImportError(msg, name=name) from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while another process writes; the busy timeout makes concurrent writers wait
    # instead of failing at once; foreign keys make the tracker/tag association rows follow deletions.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def configure_engine(engine: Engine) -> None:
    """Install the SQLite connection settings on a (sync) engine; other databases are left as they are."""
    from sqlalchemy import event

    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def create_engine(url: str, **kwargs: Any) -> Engine:
    """A SQLAlchemy engine for ``url`` with the SQLite settings installed."""
    require_sqlalchemy()
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, **kwargs)
    configure_engine(engine)
    return engine


def create_async_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async SQLAlchemy engine for ``url`` with the SQLite settings installed."""
    require_sqlalchemy(async_=True)
    from sqlalchemy.ext.asyncio import create_async_engine as _create

    engine = _create(url, **kwargs)
    configure_engine(engine.sync_engine)
    return engine


def prepare_engine(engine: Engine) -> Engine:
    """Check and configure an engine given by the user."""
    require_sqlalchemy()
    from sqlalchemy import Engine as _Engine

    if not isinstance(engine, _Engine):
        msg = f"engine must be a sqlalchemy.Engine, got {type(engine).__name__}"
        raise TypeError(msg)
    configure_engine(engine)
    return engine


def async_prepare_engine(engine: AsyncEngine) -> AsyncEngine:
    """Check and configure an async engine given by the user."""
    require_sqlalchemy(async_=True, sqlite_driver=False)
    from sqlalchemy.ext.asyncio import AsyncEngine as _AsyncEngine

    if not isinstance(engine, _AsyncEngine):
        msg = f"engine must be a sqlalchemy.ext.asyncio.AsyncEngine, got {type(engine).__name__}"
        raise TypeError(msg)
    configure_engine(engine.sync_engine)
    return engine


def open_session(engine: Engine) -> Session:
    """A short-lived session whose objects stay readable after commit."""
    from sqlalchemy.orm import Session as _Session

    return _Session(engine, expire_on_commit=False, autoflush=False)


def async_open_session(engine: AsyncEngine) -> AsyncSession:
    """A short-lived async session whose objects stay readable after commit."""
    from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

    return _AsyncSession(engine, expire_on_commit=False, autoflush=False)


#: Key of the PostgreSQL advisory lock that serializes the cache's schema creation across connections.
SCHEMA_LOCK_KEY = 0x746F67676C  # "toggl"


def _create_tables(conn: Connection, metadata: MetaData) -> None:
    if conn.dialect.name == "postgresql":
        # Two processes creating the tables at the same moment collide in PostgreSQL's catalog (a unique
        # violation on pg_type, not "table exists"): the transaction-scoped lock makes the second one wait and
        # then find the tables already there.
        from sqlalchemy import text

        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    metadata.create_all(conn)
    _add_missing_columns(conn, metadata)
    _migrate_indexes(conn, metadata)


def _add_missing_columns(conn: Connection, metadata: MetaData) -> None:
    """Add the nullable columns a newer release added to tables an older one created (e.g. ``tracker.task``).

    Only nullable columns are ever added, so rows written before read back with ``NULL`` there.
    """
    from sqlalchemy import inspect, text

    inspector = inspect(conn)
    for table in metadata.sorted_tables:
        existing = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in existing or not column.nullable:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            preparer = conn.dialect.identifier_preparer
            conn.execute(
                text(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.quote(column.name)} {kind}")
            )


def _index_names(conn: Connection, metadata: MetaData) -> set[str]:
    """Names of the indexes the database holds on the tables of ``metadata``."""
    if conn.dialect.name == "sqlite":  # one query instead of one per table: this runs whenever a cache opens
        from sqlalchemy import text

        return {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
    from sqlalchemy import inspect

    inspector = inspect(conn)
    return {str(index["name"]) for table in metadata.sorted_tables for index in inspector.get_indexes(table.name)}


def _migrate_indexes(conn: Connection, metadata: MetaData) -> None:
    """Give tables an older release created the indexes added since, and drop those they replaced.

    ``create_all`` makes indexes only with a new table. Idempotent: a database that has every index is only
    looked at. On SQLite, a table that got an index is analyzed again, so the planner has statistics for it
    (without them it may keep using the index it knows).
    """
    from sqlalchemy import text

    from ._core.models.tables import RETIRED_INDEXES

    existing = _index_names(conn, metadata)
    preparer = conn.dialect.identifier_preparer
    for table in metadata.sorted_tables:
        missing = [index for index in table.indexes if index.name not in existing]
        for index in missing:
            index.create(conn, checkfirst=True)  # another process may have made it meanwhile
        for name in RETIRED_INDEXES.get(table.name, ()):
            if name in existing:
                conn.execute(text(f"DROP INDEX IF EXISTS {preparer.quote(name)}"))
        if missing and conn.dialect.name == "sqlite":
            conn.execute(text(f"ANALYZE {preparer.format_table(table)}"))


def create_all(engine: Engine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet (safe to run from several processes at once on
    PostgreSQL)."""
    with engine.begin() as conn:
        _create_tables(conn, metadata)


async def async_create_all(engine: AsyncEngine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet (safe to run from several processes at once on
    PostgreSQL)."""
    async with engine.begin() as conn:
        await conn.run_sync(_create_tables, metadata)


def run_read(engine: Engine, func: Callable[..., R], *args: Any) -> R:
    """``func(connection, *args)`` on one pooled connection, outside any explicit transaction."""
    with engine.connect() as conn:
        return func(conn, *args)


async def async_run_read(engine: AsyncEngine, func: Callable[..., R], *args: Any) -> R:
    """``func(connection, *args)`` on one pooled connection (a sync ``Connection``, through ``run_sync``)."""
    async with engine.connect() as conn:
        return await conn.run_sync(func, *args)


class _Readers(threading.local):
    """This thread's read connection to one engine's database (``None`` until the first read)."""

    connection: Any = None
    pid: int = 0


#: Per SQLite file engine: a DBAPI connection per thread kept for reads, and every one made (closed on dispose).
_ReadersEntry = tuple[_Readers, list[Any], threading.Lock, int]  # this thread's, every one made, its lock, the pid
_READERS: weakref.WeakKeyDictionary[Any, _ReadersEntry] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()
#: The engine attribute holding its ``_READERS`` entry, or ``False`` when its reads are not kept (found once per
#: engine: looking it up in the weak dictionary on every read costs more than a lookup by id in SQLite).
_READERS_ATTR = "_toggl_api_readers"


def _keeps_readers(engine: Engine) -> bool:
    from sqlalchemy.pool import QueuePool

    database = engine.url.database
    return (
        engine.dialect.name == "sqlite"
        and bool(database)
        and database != ":memory:"
        and not str(database).startswith("file:")
        and isinstance(engine.pool, QueuePool)
    )


def _held_reader(engine: Engine) -> Any:
    """This thread's DBAPI connection for reads on an SQLite *file* engine with a queue pool, else ``None``.

    A pool checkout and check-in (with its reset) costs more than a lookup by primary key, so reads keep one
    connection per thread, detached from the pool (the pool never hands it to a writer). This is safe on SQLite:
    a SELECT outside a transaction holds no lock once its rows are fetched, and in WAL mode it sees every commit
    made before it. Not for in-memory databases (each connection is a different database), other pools (the
    user chose how connections are shared) or another process (a connection never crosses ``fork``).
    """
    entry: _ReadersEntry | bool | None = engine.__dict__.get(_READERS_ATTR)
    if entry is None:
        with _READERS_LOCK:
            entry = engine.__dict__.get(_READERS_ATTR)
            if entry is None:
                entry = False
                if _keeps_readers(engine):
                    entry = _READERS[engine] = (_Readers(), [], threading.Lock(), os.getpid())
                engine.__dict__[_READERS_ATTR] = entry
    if not isinstance(entry, tuple):
        return None
    local, made, lock, made_in = entry
    connection, pid = local.connection, os.getpid()
    if connection is not None and local.pid == pid:
        return connection
    if made_in != pid:
        return _held_reader_after_fork(engine, entry)
    raw = engine.raw_connection()  # runs the engine's connect events (WAL, busy timeout, foreign keys)
    raw.detach()
    local.connection, local.pid = raw.dbapi_connection, pid
    with lock:
        made.append(local.connection)
    return local.connection


def _held_reader_after_fork(engine: Engine, inherited: _ReadersEntry) -> Any:
    """This (forked) process's first read on ``engine``: a connection of the parent must not be used here.

    The inherited read connections are forgotten (not closed: they are the parent's), and so are the pool's,
    as SQLAlchemy advises for a forked child (``dispose(close=False)``), so writes open their own too.
    """
    with _READERS_LOCK:
        if engine.__dict__.get(_READERS_ATTR) is inherited:
            engine.dispose(close=False)
            engine.__dict__.pop(_READERS_ATTR, None)
            _READERS.pop(engine, None)
    return _held_reader(engine)


def _release_readers(engine: Any) -> bool:
    """Close the read connections kept for ``engine`` (on dispose); True when another process (the parent of
    this forked one) made them, and they were left alone."""
    with _READERS_LOCK:
        engine.__dict__.pop(_READERS_ATTR, None)
        entry = _READERS.pop(engine, None)
    if entry is None:
        return False
    local, made, lock, pid = entry
    if pid != os.getpid():
        # Closing a parent's SQLite connection in a child can undo the parent's locks (and checkpoint or remove
        # its WAL file under it): they are only forgotten.
        return True
    with lock:
        for connection in made:
            # A connection of another thread may refuse to be closed here: it is dropped with its thread.
            with contextlib.suppress(Exception):
                connection.close()
        made.clear()
    local.connection = None
    return False


def run_dbapi(engine: Engine, func: Callable[..., R], *args: Any) -> R:
    """``func(dbapi_connection, *args)`` on this thread's read connection of an SQLite file (see
    ``_held_reader``), else on one pooled DBAPI connection (the cheapest checkout)."""
    held = _held_reader(engine)
    if held is not None:
        return func(held, *args)
    raw = engine.raw_connection()
    try:
        return func(raw.dbapi_connection, *args)
    finally:
        raw.close()


async def async_run_dbapi(engine: AsyncEngine, func: Callable[..., R], *args: Any) -> R:
    """``func(dbapi_connection, *args)`` on one pooled connection; the DBAPI adapter of the async driver is
    usable there because the function runs through ``run_sync``."""
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: func(sync.connection.dbapi_connection, *args))


def _in_transaction(conn: Connection, func: Callable[..., R], *args: Any) -> R:
    result = func(conn, *args)
    step(f"before commit {getattr(func, '__name__', 'write')}")  # crash tests stop a writer here and after
    return result


def run_write(engine: Engine, func: Callable[..., R], *args: Any) -> R:
    """``func(connection, *args)`` in one transaction, committed when ``func`` returns."""
    with engine.begin() as conn:
        result = _in_transaction(conn, func, *args)
    step(f"after commit {getattr(func, '__name__', 'write')}")
    return result


async def async_run_write(engine: AsyncEngine, func: Callable[..., R], *args: Any) -> R:
    """``func(connection, *args)`` in one transaction (through ``run_sync``), committed when ``func`` returns."""
    async with engine.begin() as conn:
        result = await conn.run_sync(_in_transaction, func, *args)
    step(f"after commit {getattr(func, '__name__', 'write')}")
    return result


def dispose(engine: Engine) -> None:
    """Close the engine's pooled connections (and the read connections kept for it); in a forked process whose
    parent read through the engine, the inherited connections are forgotten instead of closed."""
    inherited = _release_readers(engine)
    engine.dispose(close=not inherited)


async def async_dispose(engine: AsyncEngine) -> None:
    """Close the engine's pooled connections."""
    await engine.dispose()


def status_to_query(status: TogglProject.Status, *, today: date | None = None) -> list[TogglQuery[Any]]:
    """Cache queries (``TogglQuery``) selecting projects in ``status`` on ``today`` (UTC today by default).

    ``ARCHIVED``, ``UPCOMING`` and ``ENDED`` are supported; ``ACTIVE``/``DELETED`` raise ``NotImplementedError``
    (filter those with ``TogglProject.get_status``). This is ``ProjectEndpoint.status_to_query``.
    """
    from ._core.api import project as api
    from ._core.models._base import now_utc

    return api.status_to_query(status, today=today or now_utc().date())


def async_status_to_query(
    status: TogglProject.Status, statement: Select[Any], *, today: date | None = None
) -> Select[Any]:
    """``statement`` (a SELECT over the SQL cache's project table) narrowed to projects in ``status``.

    This is toggl-api-wrapper's ``AsyncProjectEndpoint.status_to_query(status, statement)``; the table is
    ``toggl_api._core.models.tables.table_for(TogglProject)`` or ``cache.metadata.tables["project"]``.
    The rules are those of ``ProjectEndpoint.status_to_query`` (2.2.0's inverted and failing ones, C19, are
    fixed); ``ACTIVE``/``DELETED`` raise ``NotImplementedError``.
    """
    require_sqlalchemy()
    from ._core.models import TogglProject as Project
    from ._core.sql_query import compile_queries

    return statement.where(*compile_queries(Project, status_to_query(status, today=today)))


def __getattr__(name: str) -> Any:
    # The class names are importable at run time too (lazily, so SQLAlchemy stays optional).
    if name in ("Engine", "MetaData"):
        require_sqlalchemy()
        return getattr(importlib.import_module("sqlalchemy"), name)
    if name == "Session":
        require_sqlalchemy()
        return importlib.import_module("sqlalchemy.orm").Session
    if name in ("AsyncEngine", "AsyncSession"):
        require_sqlalchemy(async_=True)
        return getattr(importlib.import_module("sqlalchemy.ext.asyncio"), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
