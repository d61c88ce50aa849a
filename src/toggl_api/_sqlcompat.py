"""SQLAlchemy pairs for the generated code: each async name has a sync twin that ``scripts/unasync.py`` maps.

``AsyncEngine``/``Engine``, ``AsyncSession``/``Session``, ``create_async_engine``/``create_engine``,
``async_open_session``/``open_session``, ``async_create_all``/``create_all``, ``async_dispose``/``dispose``.

SQLAlchemy is an optional dependency, so nothing here imports it at module import time: every function imports
it when called and raises an ``ImportError`` naming the extra to install when it is missing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine, MetaData
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
    from sqlalchemy.orm import Session

__all__ = [
    "AsyncEngine",
    "AsyncSession",
    "Engine",
    "Session",
    "async_create_all",
    "async_dispose",
    "async_open_session",
    "async_prepare_engine",
    "create_all",
    "create_async_engine",
    "create_engine",
    "dispose",
    "open_session",
    "prepare_engine",
    "require_sqlalchemy",
]

#: SQLite waits this long (ms) for another connection's write lock before failing with "database is locked".
BUSY_TIMEOUT_MS = 30_000


def require_sqlalchemy(*, async_: bool = False) -> None:
    """Raise ``ImportError`` naming the extra to install when SQLAlchemy (or the async drivers) is missing."""
    needed = ["sqlalchemy", "aiosqlite", "greenlet"] if async_ else ["sqlalchemy"]
    extra = "toggl-api[async]" if async_ else "toggl-api[sqlite]"
    for name in needed:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            msg = f"the SQL cache needs {name!r}: install {extra}"
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
    require_sqlalchemy(async_=True)
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


def create_all(engine: Engine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet."""
    with engine.begin() as conn:
        metadata.create_all(conn)


async def async_create_all(engine: AsyncEngine, metadata: MetaData) -> None:
    """Create the tables of ``metadata`` that do not exist yet."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


def dispose(engine: Engine) -> None:
    """Close the engine's pooled connections."""
    engine.dispose()


async def async_dispose(engine: AsyncEngine) -> None:
    """Close the engine's pooled connections."""
    await engine.dispose()


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
