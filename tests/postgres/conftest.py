"""A throwaway PostgreSQL server for the SQL cache tests.

``postgres_url`` is session-scoped: with ``TOGGL_TEST_POSTGRES_URL`` set it is that URL (a server you run);
otherwise a private cluster is created with the local PostgreSQL binaries (``initdb`` into a temp dir, started
with ``pg_ctl -w`` listening only on a unix socket in that dir), and stopped and removed at the end of the
session whatever happened. Without a driver (``psycopg``) or without binaries the tests are skipped, saying why.

The cache tables are created once per session in a private schema (``pg_url``) and emptied after every test,
so tests never see each other's rows; tests of what happens before the tables exist get a fresh empty schema
(``pg_empty_url``). Engines made by the factories point their ``search_path`` at the schema and are disposed at
teardown.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

URL_ENV = "TOGGL_TEST_POSTGRES_URL"
#: Bounded waits: a server that does not start or stop in this many seconds fails the session instead of hanging.
_PG_CTL_TIMEOUT = 30
_DATABASE = "toggl_cache_test"
_USER = "toggl"


def _binaries() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: on PATH, else the newest Debian-style install."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def _as_server_user() -> list[str]:
    """The prefix that runs a server command as a non-root user (initdb and postgres refuse to run as root)."""
    if os.geteuid() != 0:
        return []
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the PostgreSQL server as")
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without 'runuser' to start PostgreSQL as the 'postgres' user")
    return [runuser, "-u", "postgres", "--"]


class _Cluster:
    """One private PostgreSQL cluster in a temp dir, reachable only through its unix socket."""

    def __init__(self, bindir: Path, prefix: list[str]) -> None:
        self.bindir, self.prefix = bindir, prefix
        # Under /tmp rather than $TMPDIR: the server user must reach the dir, and a unix socket path has to stay
        # under ~100 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="toggl-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.started = False
        if prefix:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *args: str, timeout: float = _PG_CTL_TIMEOUT) -> None:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            msg = f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            raise RuntimeError(msg)

    def start(self) -> str:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", _USER, "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")
        # Socket only (no TCP), private dir; durability off: the cluster lives for one test session.
        options = (f"-c listen_addresses='' -k {self.root} -p 5432 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=60")
        self.started = True  # from here on, teardown tries to stop it even if start fails halfway
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", str(_PG_CTL_TIMEOUT), "start", timeout=_PG_CTL_TIMEOUT + 5)
        base = f"postgresql+psycopg://{_USER}@/{{db}}?host={quote(str(self.root), safe='')}&port=5432"
        import psycopg

        with psycopg.connect(f"host={self.root} port=5432 user={_USER} dbname=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {_DATABASE}")
        return base.format(db=_DATABASE)

    def stop(self) -> None:
        try:
            if self.started:
                try:
                    self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                              "-t", "10", "stop", timeout=15)
                except (RuntimeError, subprocess.TimeoutExpired):
                    self._kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill(self) -> None:
        # pg_ctl could not stop it: end the postmaster by the pid it wrote (its children follow it).
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """An SQLAlchemy URL (``postgresql+psycopg://``) of a database the tests may create schemas in."""
    pytest.importorskip("psycopg", reason="the PostgreSQL tests need psycopg: install toggl-track-sdk[postgres]")
    given = os.environ.get(URL_ENV)
    if given:
        yield given
        return
    bindir = _binaries()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server binaries (initdb, pg_ctl) found; set {URL_ENV} to use a running server")
    cluster = _Cluster(bindir, _as_server_user())
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def with_schema(url: str, schema: str) -> str:
    """``url`` with its connections' ``search_path`` set to ``schema``."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}', safe='')}"


def _admin(url: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _new_schema(url: str) -> str:
    from sqlalchemy import text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {name}"))
    finally:
        admin.dispose()
    return name


def _drop_schema(url: str, name: str) -> None:
    from sqlalchemy import text

    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def _tables_schema(postgres_url: str) -> Iterator[str]:
    """One schema with the cache tables already created (creating them costs ~0.1 s, too much per test)."""
    from toggl_api._core.models.tables import map_models
    from toggl_api._sqlcompat import create_all

    name = _new_schema(postgres_url)
    engine = _admin(with_schema(postgres_url, name))
    try:
        create_all(engine, map_models())
    finally:
        engine.dispose()
    yield name
    _drop_schema(postgres_url, name)


@pytest.fixture
def pg_url(postgres_url: str, _tables_schema: str) -> Iterator[str]:
    """The URL of a schema holding the (empty) cache tables; every row is deleted after the test."""
    from sqlalchemy import text

    from toggl_api._core.models.tables import map_models

    url = with_schema(postgres_url, _tables_schema)
    yield url
    admin = _admin(url)
    try:
        with admin.begin() as conn:
            for table in reversed(map_models().sorted_tables):
                conn.execute(text(f'DELETE FROM "{table.name}"'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_empty_url(postgres_url: str) -> Iterator[str]:
    """The URL of a fresh, empty schema (for what happens before the cache tables exist); dropped afterwards."""
    name = _new_schema(postgres_url)
    yield with_schema(postgres_url, name)
    _drop_schema(postgres_url, name)


class _Engines:
    """Makes engines on one URL (each like one team member's process) and disposes them all at teardown."""

    def __init__(self, url: str, make: Callable[..., Any]) -> None:
        self.url, self._make, self.made = url, make, list[Any]()

    def __call__(self, **kwargs: Any) -> Any:
        engine = self._make(self.url, **kwargs)
        self.made.append(engine)
        return engine


def _sync_engines(url: str) -> Iterator[_Engines]:
    from toggl_api._sqlcompat import create_engine

    engines = _Engines(url, create_engine)
    yield engines
    for engine in engines.made:
        engine.dispose()


async def _async_engines(url: str) -> AsyncIterator[_Engines]:
    from toggl_api._sqlcompat import create_async_engine

    engines = _Engines(url, create_async_engine)
    yield engines
    for engine in engines.made:
        await engine.dispose()


@pytest.fixture
def pg_engines(pg_url: str) -> Iterator[_Engines]:
    """Makes sync engines on the test's tables."""
    yield from _sync_engines(pg_url)


@pytest.fixture
def pg_empty_engines(pg_empty_url: str) -> Iterator[_Engines]:
    """Makes sync engines on a fresh, empty schema."""
    yield from _sync_engines(pg_empty_url)


@pytest.fixture
def pg_engine(pg_engines: _Engines) -> Any:
    """One sync engine on the test's tables."""
    return pg_engines()


@pytest.fixture
async def pg_async_engines(pg_url: str) -> AsyncIterator[_Engines]:
    """Makes async engines (``postgresql+psycopg``, the driver's async mode) on the test's tables."""
    async for engines in _async_engines(pg_url):
        yield engines


@pytest.fixture
async def pg_async_empty_engines(pg_empty_url: str) -> AsyncIterator[_Engines]:
    """Makes async engines on a fresh, empty schema."""
    async for engines in _async_engines(pg_empty_url):
        yield engines


@pytest.fixture
async def pg_async_engine(pg_async_engines: _Engines) -> Any:
    """One async engine on the test's tables."""
    return pg_async_engines()


@pytest.fixture
async def http_client(toggl_transport: Any) -> AsyncIterator[Any]:
    """An async httpx client wired to the in-process emulator."""
    import httpx

    async with httpx.AsyncClient(transport=toggl_transport) as client:
        yield client
