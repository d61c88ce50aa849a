"""``toggl-api``: mirror a Toggl account into a local cache and read it offline.

Commands: ``sync``, ``entries``, ``projects``, ``clients``, ``tags``, ``workspaces``, ``report``, ``quota``,
``cache stats|check|export|clear``, ``start``, ``stop``, ``current``, ``config path|show`` and ``fake-server``.
``--fake`` runs everything against the built-in emulator's demo account (deterministic data and clock), so
``toggl-api --fake sync && toggl-api --fake report --by project`` works without an account. Errors are one line
on stderr and a non-zero exit code (``--debug`` shows tracebacks); Ctrl-C is one line and exit code 130.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import logging
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource
from rich.console import Console

from ..__about__ import __title__, __version__
from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.models import (
    MODELS,
    TogglClass,
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTask,
    TogglTracker,
    TogglWorkspace,
    to_record,
)
from .._core.pacing import AUTO, PACING_ENV, TOGGL_PACING, Pacing, PacingSetting, parse_pacing
from .._core.plain_errors import AuthenticationError, BudgetExhaustedError, CorruptCacheError, TogglError
from .._core.user_facts import USER_FACTS_KEY, UserFacts
from .._io.paths import make_private_dirs
from . import filters, render, scope, shape, tally
from .offline import EntryFilter, OfflineReader, day_start

if TYPE_CHECKING:
    import httpx

    from .._core.history import BackfillProgress
    from .._sync.cache.base import TogglCache
    from .._sync.sync import SyncProgress

# Sessions, endpoints, the sync engine and HTTP are imported by the commands that use them: the offline commands
# (``entries``, ``report``) start without them (see docs/cli.md, "Speed").
_LAZY = {
    "TogglEndpoint": "toggl_api._sync.endpoint",
    "TogglSync": "toggl_api._sync.sync",
    "TogglSession": "toggl_api._core.session",
    "StopReason": "toggl_api._core.sync_plan",
    "SyncState": "toggl_api._core.sync_plan",
}


def __getattr__(name: str) -> Any:
    """The names this module imported eagerly before, still reachable as its attributes."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    return getattr(import_module(module), name)

__all__ = ["DEFAULT_CACHE_ENV", "cli", "default_cache_dir", "main", "make_emulator"]

log = logging.getLogger("toggl_api.cli")

#: Environment variable naming the cache folder (overrides the per-user default; not used with ``--fake``).
DEFAULT_CACHE_ENV = "TOGGL_API_CACHE_DIR"
#: Environment variable naming the cache folder of ``--fake`` runs.
FAKE_CACHE_ENV = "TOGGL_API_FAKE_CACHE_DIR"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
#: Base URL of ``--fake`` requests: the in-process emulator answers them. A reserved name (RFC 2606) that never
#: resolves, so ``--debug`` logs show where requests really go and none could ever leave the machine.
FAKE_BASE_URL = "http://emulator.invalid"
NO_CREDENTIALS = (
    "No Toggl credentials: set TOGGL_API_TOKEN (plus TOGGL_PASSWORD for an email login) or add an [auth] "
    "section to ~/.togglrc; or try the demo account with --fake."
)


def default_cache_dir(*, fake: bool) -> Path:
    """The cache folder when ``--cache`` is not given.

    Real account: ``$TOGGL_API_CACHE_DIR``, else ``$XDG_CACHE_HOME/toggl-api``, else ``~/.cache/toggl-api``.
    ``--fake``: ``$TOGGL_API_FAKE_CACHE_DIR``, else ``fake-<version>-<install id>`` in the platform's per-user cache
    folder (``$XDG_CACHE_HOME/toggl-api`` on Linux): kept between runs so a second ``--fake sync`` is incremental,
    never mixed with a real account's cache, another version's or another installation's.
    """
    if fake:
        explicit = os.environ.get(FAKE_CACHE_ENV)
        if explicit:
            return Path(explicit)
        import platformdirs

        # Two checkouts or virtual environments of the same version must not share the demo cache either.
        install = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
        root = Path(platformdirs.user_cache_dir("toggl-api", appauthor=False))
        return root / f"fake-{__version__}-{install}"
    explicit = os.environ.get(DEFAULT_CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "toggl-api"


def default_kind(folder: Path) -> str:
    """The cache kind of a folder given without ``--cache-type``: ``json`` for a folder holding a JSON cache
    (``cache_*.json``) or for a path that is a file (refused later with a hint), else ``sqlite``.

    New caches are SQLite because the offline commands then read only what they show (SQL filters, sorts and
    limits; see ``cli.offline``) instead of loading every entry; JSON caches made by earlier versions keep
    working. Without SQLAlchemy (the ``sqlite`` extra) a new cache is JSON.
    """
    if folder.is_file():
        return "json"
    if folder.is_dir() and (folder / "cache.sqlite").is_file():
        return "sqlite"
    if folder.is_dir() and any(folder.glob("cache_*.json")):
        return "json"
    from importlib.util import find_spec

    return "sqlite" if find_spec("sqlalchemy") is not None else "json"


def _current_uid() -> int | None:
    """The user id owning the process (``None`` where the platform has none, e.g. Windows)."""
    return os.getuid() if hasattr(os, "getuid") else None


def ensure_private_folder(path: Path) -> Path:
    """Create ``path`` owner-only (0700), or check that the existing one is a real folder of this user.

    A symlink or a folder of another user is refused: another local user could otherwise prepare the data the
    CLI reads, or read what it writes.

    Raises:
        CliError: ``path`` is a symlink, not a folder, or owned by another user.
    """
    fix = f"remove it or set {FAKE_CACHE_ENV} to a folder of yours"
    try:
        info = path.lstat()
    except FileNotFoundError:
        make_private_dirs(path)
        info = path.lstat()  # checked again: someone may have raced us to the name
    if stat.S_ISLNK(info.st_mode):
        raise CliError(f"the cache folder {path} is a symlink; refusing to follow it: {fix}")
    if not stat.S_ISDIR(info.st_mode):
        raise CliError(f"the cache folder {path} is not a folder: {fix}")
    uid = _current_uid()
    if uid is not None and info.st_uid != uid:
        raise CliError(f"the cache folder {path} belongs to another user (uid {info.st_uid}): {fix}")
    if uid is not None and info.st_mode & 0o077:
        os.chmod(path, 0o700)  # ours but open to others (an older version made it): owner-only from now on
    return path


def make_emulator() -> Any:
    """The in-process emulator behind ``--fake``: the demo account on a fixed fake clock, limits on."""
    from ..testing import Emulator, FakeClock

    return Emulator("demo", clock=FakeClock(), limits=True)


class CliError(click.ClickException):
    """An error shown as one line (``Error: ...``) with exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class Env:
    """What every command needs: where the cache is, how to reach Toggl (or the emulator), the clock."""

    def __init__(
        self,
        cache: str | None,
        cache_type: str | None,
        fake: bool,
        debug: bool,
        tz: str | None = None,
        pacing: PacingSetting = AUTO,
    ) -> None:
        self.fake = fake
        self.debug = debug
        self.tz_option = tz
        self._zone: scope.Zone | None = None
        # --fake paces like Toggl by default: the emulator enforces Toggl's burst limit, on a fake clock (free).
        self.pacing: PacingSetting = TOGGL_PACING if fake and pacing == AUTO else pacing
        # An SQLAlchemy URL (e.g. postgresql+psycopg://...) selects an SQL cache on that database.
        self.cache_url = cache if cache is not None and "://" in cache else None
        path = Path(cache) if cache is not None and self.cache_url is None else default_cache_dir(fake=fake)
        if cache_type is None:
            cache_type = "sqlite" if self.cache_url or path.suffix in SQLITE_SUFFIXES else default_kind(path)
        self.cache_type = cache_type
        self.cache_path = path
        # The --fake default folder is shared by nobody: checked (owner, no symlink) before use.
        self.private_folder = fake and cache is None
        self._cache: TogglCache[Any] | None = None
        self._reader: OfflineReader | None = None
        self._emulator: Any = None

    @property
    def location(self) -> str:
        """Where the cache lives, for messages: the folder or file, or the database URL without its password."""
        if self.cache_url is None:
            return str(self.cache_path)
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.cache_url).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL: say which scheme, never echo credentials
            return self.cache_url.split("://", 1)[0] + "://..."

    # -- connection --------------------------------------------------------------------------------

    @property
    def emulator(self) -> Any:
        if self._emulator is None:
            self._emulator = make_emulator()
        return self._emulator

    @property
    def clock(self) -> Clock:
        """The emulator's fake clock with ``--fake``, else the system clock."""
        clock: Clock = self.emulator.clock if self.fake else SYSTEM_CLOCK
        return clock

    def auth(self) -> httpx.BasicAuth:
        """The credentials (demo account with ``--fake``)."""
        if self.fake:
            demo: httpx.BasicAuth = self.emulator.account.auth()
            return demo
        from ..config import generate_authentication, use_togglrc

        try:
            return generate_authentication()
        except AuthenticationError:
            pass
        try:
            return use_togglrc()
        except (FileNotFoundError, AuthenticationError):
            raise CliError(NO_CREDENTIALS) from None

    @contextmanager
    def http(self) -> Iterator[dict[str, Any]]:
        """Keyword arguments for an endpoint or the sync engine: auth, client, clock, session, base_url, pacing."""
        import httpx

        from .._core.session import TogglSession

        auth = self.auth()
        transport = self.emulator.transport() if self.fake else None
        client = httpx.Client(transport=transport) if transport is not None else httpx.Client()
        try:
            yield {
                "auth": auth,
                "client": client,
                "clock": self.clock,
                "session": TogglSession(),
                "base_url": FAKE_BASE_URL if self.fake else None,
                "pacing": self.pacing,
            }
        finally:
            client.close()

    # -- cache -------------------------------------------------------------------------------------

    def cache(self) -> TogglCache[Any]:
        """The cache (created on first use; expired entries never hide: it is a mirror)."""
        if self._cache is None:
            self._cache = self._open_cache()
        return self._cache

    def _open_cache(self) -> TogglCache[Any]:
        path = self.cache_path
        if self.private_folder:
            ensure_private_folder(path)
        if self.cache_type == "sqlite":
            try:
                from sqlalchemy import create_engine

                from .._sync.cache.sqlite import SqliteCache
            except ImportError as exc:
                msg = (
                    f"SQLite caches need SQLAlchemy ({exc.name or exc}); pip install '{__title__}[sqlite]' or use "
                    "--cache-type json"
                )
                raise CliError(msg) from None
            if self.cache_url is not None:
                engine = self._engine(create_engine)
                return SqliteCache(Path.cwd(), expire_after=None, clock=self.clock, engine=engine)
            # An existing file is the database whatever its name (--cache-type sqlite); a new one needs a suffix.
            if path.suffix in SQLITE_SUFFIXES or path.is_file():
                if path.suffix not in SQLITE_SUFFIXES and not _is_sqlite_file(path):
                    # Never hand a foreign file to the cache: it would set it aside as a damaged database. (A
                    # damaged file named like a database is the cache's to handle: set aside, or refused if strict.)
                    raise CliError(
                        f"{path} is not an SQLite database: pass a folder (JSON cache), an SQLite database file, "
                        f"or a new file name ending in {', '.join(SQLITE_SUFFIXES)}"
                    )
                from .._io.sqlite_file import create_database

                make_private_dirs(path.parent)
                create_database(path)  # user data: owner-only from the start (SQLite would create it 0644)
                engine = create_engine(f"sqlite:///{path}")
                return SqliteCache(path.parent, expire_after=None, clock=self.clock, engine=engine)
            make_private_dirs(path)
            return SqliteCache(path, expire_after=None, clock=self.clock)
        from .._sync.cache.json import JSONCache

        if path.exists() and not path.is_dir():
            if _is_sqlite_file(path):
                raise CliError(f"{path} is an SQLite database, not a JSON cache folder: add --cache-type sqlite")
            raise CliError(
                f"{path} is a file; a JSON cache is a folder: pass a folder, or an SQLite file ending in "
                f"{', '.join(SQLITE_SUFFIXES)}"
            )
        return JSONCache(path, expire_after=None, clock=self.clock, max_length=10_000_000, strict=True)

    def _engine(self, create_engine: Callable[[str], Any]) -> Any:
        """The SQLAlchemy engine of ``--cache URL``, or a one-line error naming what to install or fix."""
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        assert self.cache_url is not None
        scheme = self.cache_url.split("://", 1)[0]
        try:
            return create_engine(self.cache_url)
        except NoSuchModuleError:
            msg = (
                f"the cache URL's scheme {scheme!r} is no database SQLAlchemy knows: pass e.g. "
                "postgresql+psycopg://USER@HOST/DB, sqlite:///PATH, a .sqlite file or a folder"
            )
            raise CliError(msg) from None
        except ArgumentError:
            msg = f"the cache URL {self.location} cannot be parsed: pass DIALECT+DRIVER://USER@HOST/DB"
            raise CliError(msg) from None
        except ImportError as exc:  # the database driver of the URL is missing
            driver = exc.name or str(exc)
            if scheme.startswith("postgresql") and driver != "psycopg":
                hint = (
                    f"use postgresql+psycopg://... (the driver of '{__title__}[postgres]') or install {driver}"
                )
            elif scheme.startswith("postgresql"):
                hint = f"pip install '{__title__}[postgres]'"
            else:  # this package ships no driver for other databases
                hint = f"install a {scheme.split('+', 1)[0]} driver providing the module {driver} with pip"
            msg = f"the cache URL needs the database driver {driver}, which is not installed: {hint}"
            raise CliError(msg) from None

    def load(self, model: type[TogglClass]) -> list[Any]:
        if self._reader is not None and self._cache is None:
            return self._reader.load(model)
        return self.cache().load(model)

    def offline(self) -> OfflineReader | None:
        """Read this command's cached data with plain ``sqlite3`` (``cli.offline``) when the cache is an SQLite
        file that reader can open; ``None`` otherwise (the cache answers). For read-only commands only."""
        if self._reader is not None:
            return self._reader
        if self.cache_type != "sqlite" or self.cache_url is not None or self._cache is not None:
            return None
        path = self.cache_path
        if self.private_folder:
            ensure_private_folder(path)
        if not (path.suffix in SQLITE_SUFFIXES or path.is_file()):
            path = path / "cache.sqlite"
        try:
            reader = OfflineReader(path)
            reader.load(TogglWorkspace)  # a damaged or foreign file fails here, before anything is shown
        except sqlite3.Error:
            return None
        self._reader = reader
        return reader

    def close_offline(self) -> None:
        """Close the plain ``sqlite3`` reader (a command that found it cannot answer goes on through the cache)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def now(self) -> datetime:
        return self.clock.now()

    def user_facts(self) -> UserFacts:
        """The current user's id, Toggl time zone and default workspace as the last sync saw them."""
        if self._reader is not None and self._cache is None:
            return UserFacts.from_json(self._reader.get_value(USER_FACTS_KEY))
        return UserFacts.from_json(self.cache().get_value(USER_FACTS_KEY))

    def zone(self) -> scope.Zone:
        """The zone of shown times and of ``--since``/``--until`` days: ``--tz``, Toggl's, this computer's, UTC."""
        if self._zone is None:
            toggl = None if self.tz_option is not None else self.user_facts().timezone
            try:
                self._zone = scope.choose_zone(self.tz_option, toggl, local_zone_name())
            except filters.FilterError as exc:
                raise CliError(str(exc)) from None
        return self._zone

    def names(self) -> shape.Names:
        """Names of cached workspaces, projects, clients, tasks and tags by id."""
        return shape.Names.from_models(
            workspaces=self.load(TogglWorkspace),
            projects=self.load(TogglProject),
            clients=self.load(TogglClient),
            tasks=self.load(TogglTask),
            tags=self.load(TogglTag),
        )


def local_zone_name() -> str | None:
    """This computer's IANA zone name: ``$TZ``, else where ``/etc/localtime`` points; ``None`` when unknown.

    A ``$TZ`` that names no zone (a POSIX rule such as ``CET-1CEST``, a typo) is passed over, not trusted.
    """
    raw = os.environ.get("TZ", "").strip().lstrip(":")
    if raw:
        try:
            scope.parse_zone(raw)
        except filters.FilterError:
            pass
        else:
            return raw
    try:
        target = os.readlink("/etc/localtime")
    except OSError:  # not a symlink, or no such file (Windows): no name to give
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


pass_env = click.make_pass_decorator(Env)


def _fail(message: str) -> NoReturn:
    raise CliError(message)


def _error_line(exc: BaseException, env: Env | None) -> str | None:
    """The one-line message for an error a person can act on, or ``None`` for a bug."""
    # Without httpx imported no exception can be an HTTP one (the offline commands never import it).
    line = _http_error_line(exc) if "httpx" in sys.modules else None
    if line is not None:
        return line
    if isinstance(exc, CorruptCacheError):
        return f"Corrupt cache: {exc}. Run `toggl-api sync --full` to refill it."
    if isinstance(exc, BudgetExhaustedError):
        return str(exc)
    if isinstance(exc, TogglError):
        return str(exc)
    if isinstance(exc, OSError):
        return _os_error_line(exc, env)
    return _database_error_line(exc, env)


def _http_error_line(exc: BaseException) -> str | None:
    """The line for Toggl's error answers and network trouble, ``None`` for other errors."""
    import httpx

    from .._core.errors import AuthenticationFailedError, QuotaExceededError, TogglAPIError

    if isinstance(exc, QuotaExceededError):
        when = f"; it resets at {exc.resets_at:%Y-%m-%d %H:%M:%S} UTC" if exc.resets_at else ""
        wait = f" (in {exc.resets_in}s)" if exc.resets_in is not None else ""
        return f"Toggl's hourly API quota is exhausted{when}{wait}. Try again after the reset."
    if isinstance(exc, AuthenticationFailedError):
        return (
            f"Toggl refused the credentials ({exc.status}): check TOGGL_API_TOKEN / TOGGL_PASSWORD or the "
            "[auth] section of ~/.togglrc."
        )
    if isinstance(exc, TogglAPIError):
        return f"Toggl answered {exc.status}: {exc.message or exc}"
    if isinstance(exc, httpx.TimeoutException):
        return f"Toggl did not answer in time ({exc.request.url.host}): check your network connection and retry."
    if isinstance(exc, httpx.TransportError):
        host = exc.request.url.host if _has_request(exc) else "Toggl"
        return f"Cannot reach {host}: {exc}. Check your network connection."
    return None


def _is_sqlite_file(path: Path) -> bool:
    """True when ``path`` starts with SQLite's header (a readable database file)."""
    from .._io.sqlite_file import HEADER

    try:
        with path.open("rb") as handle:
            return handle.read(len(HEADER)) == HEADER
    except OSError:
        return False


def _file_in_the_way(path: Path) -> Path | None:
    """The first existing part of ``path`` (or ``path`` itself) that is a file where a folder must be."""
    for part in reversed([path, *path.parents]):
        if part.exists() and not part.is_dir():
            return part
        if not part.exists():
            return None
    return None


def _os_error_line(exc: OSError, env: Env | None) -> str | None:
    """Foreseeable trouble with the cache's folder or files, said in one line with what to do."""
    where = Path(exc.filename) if exc.filename else (env.cache_path if env is not None else None)
    other = "or pass another --cache"
    if isinstance(exc, PermissionError):
        return f"permission denied on {where}: make the cache folder readable and writable by you ({other})"
    if isinstance(exc, NotADirectoryError | FileExistsError) and where is not None:
        blocker = _file_in_the_way(where) or where
        return f"{blocker} is a file where the cache needs a folder: move it away {other}"
    if isinstance(exc, IsADirectoryError):
        return f"{where} is a folder where the cache needs a file: {other}"
    if env is not None and where is not None and isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"no space left for the cache at {where}: free some space {other}"
    return None


def _database_error_line(exc: BaseException, env: Env | None) -> str | None:
    """An SQL cache that cannot be opened or used (server down, unreachable file), in one line."""
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:
        return None
    if not isinstance(exc, DBAPIError):
        return None
    where = env.location if env is not None else "the cache"
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
    return f"cannot use the cache database {where}: {reason} (check the --cache path or URL)"


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


#: Exit code when the reader of the output went away (``toggl-api entries | head -1``): 128 + SIGPIPE, the status
#: a shell reports for ``cat`` or ``grep`` stopped the same way, so a pipeline under ``set -o pipefail`` treats
#: ``toggl-api`` as it treats them; 0 would claim that everything was written.
BROKEN_PIPE_EXIT = 141


def output_gone() -> NoReturn:
    """Exit quietly with ``BROKEN_PIPE_EXIT`` once the reader of stdout closed it: no message, no traceback.

    Python ignores SIGPIPE, so a write to a closed pipe raises ``BrokenPipeError``, and Python's own flush of
    stdout at exit would fail again ("Exception ignored ..."): stdout is pointed at the null device first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (tests, embedding): nothing to flush at exit
        pass
    raise click.exceptions.Exit(BROKEN_PIPE_EXIT)


def interrupted_line(command: str | None) -> str:
    """The one line shown on Ctrl-C: every cache write is all-or-nothing, so nothing is half-written."""
    if command == "sync":
        return "interrupted; the cache is consistent; run `toggl-api sync` again to resume"
    return "interrupted; the cache is consistent"


class _Context(click.Context):
    """A context whose own options may also take defaults from the config file's global keys.

    They are kept apart from ``default_map`` (which holds the commands' tables): the global option ``--cache`` and
    the command group ``cache`` would otherwise share one key.
    """

    file_globals: dict[str, Any] | None = None

    def lookup_default(self, name: str, call: bool = True) -> Any:
        if self.file_globals is not None and name in self.file_globals:
            return self.file_globals[name]
        return super().lookup_default(name, call=call)  # type: ignore[call-overload]


class _Group(click.Group):
    """Turns actionable errors into one line on stderr and exit code 1 (tracebacks only with ``--debug``)."""

    context_class = _Context

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        # The top-level command reads the config file: its values become defaults (the command line wins).
        problem: Exception | None = None
        file_globals: dict[str, Any] | None = None
        if parent is None and "default_map" not in extra:
            from .config_file import ConfigFileError, read_defaults

            try:
                found = read_defaults(self)
            except ConfigFileError as exc:
                problem = exc  # raised once the command is known: `config path` must still work
            else:
                if found is not None:
                    file_globals, extra["default_map"] = found
        # As click's own make_context, with the file's global defaults set before the arguments are parsed.
        for key, value in self.context_settings.items():
            extra.setdefault(key, value)
        ctx = self.context_class(self, info_name=info_name, parent=parent, **extra)
        if isinstance(ctx, _Context):
            ctx.file_globals = file_globals
        if problem is not None:
            ctx.meta["toggl_api.config_error"] = problem
        with ctx.scope(cleanup=False):
            self.parse_args(ctx, args)
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            env = ctx.find_object(Env)
            if env is not None and env.debug:
                import traceback

                traceback.print_exc()  # click would only say "Aborted!"
            click.echo(interrupted_line(ctx.invoked_subcommand), err=True)
            raise click.exceptions.Exit(130) from None
        except BrokenPipeError:
            output_gone()
        except Exception as exc:
            env = ctx.find_object(Env)
            if env is not None and env.debug:
                raise
            line = _error_line(exc, env)
            if line is None:
                line = f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"
            raise CliError(line) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--cache",
    "cache",
    default=None,
    help="Cache folder, .sqlite file or SQLAlchemy URL. Default: the user cache folder (--fake: a folder of its own).",
)
@click.option(
    "--cache-type",
    type=click.Choice(["json", "sqlite"]),
    default=None,
    help="Cache backend (default: sqlite for a .sqlite/.sqlite3/.db path, else json). sqlite also opens an "
    "existing SQLite file of any name.",
)
@click.option("--fake", is_flag=True, help="Use the built-in emulator's demo account instead of Toggl.")
@click.option("--debug", is_flag=True, help="Log requests and show tracebacks.")
@click.option(
    "--tz",
    "tz",
    default=None,
    metavar="ZONE",
    help="Time zone of shown times and of --since/--until days, e.g. Europe/Paris or UTC. Default: your Toggl "
    "time zone (cached by sync), else this computer's, else UTC.",
)
@click.option(
    "--pacing",
    "pacing",
    default=None,
    metavar="RATE[:BURST]|off",
    callback=lambda _ctx, _param, value: _pacing_option(value),
    help=f"Requests per second to Toggl, with an optional burst (default 1:2, Toggl's safe rate; ${PACING_ENV} "
    "sets the default too); 'off' sends at full speed.",
)
@click.version_option(package_name=__title__, prog_name="toggl-api")
@click.pass_context
def cli(
    ctx: click.Context,
    cache: str | None,
    cache_type: str | None,
    fake: bool,
    debug: bool,
    tz: str | None,
    pacing: PacingSetting,
) -> None:
    """Mirror your Toggl Track account into a local cache and query it offline."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    problem = ctx.meta.get("toggl_api.config_error")
    if problem is not None and ctx.invoked_subcommand != "config":
        raise CliError(str(problem))
    if os.environ.get(DEFAULT_CACHE_ENV) and ctx.get_parameter_source("cache") is ParameterSource.DEFAULT_MAP:
        cache = None  # the environment variable wins over the file, as an option given on the command line does
    if fake:  # the demo account never uses the config file (its cache would land in the real one)
        ctx.default_map = None
        if isinstance(ctx, _Context):
            ctx.file_globals = None
        cache = None if ctx.get_parameter_source("cache") is ParameterSource.DEFAULT_MAP else cache
        if ctx.get_parameter_source("cache_type") is ParameterSource.DEFAULT_MAP:
            cache_type = None
        if ctx.get_parameter_source("tz") is ParameterSource.DEFAULT_MAP:
            tz = None
        if ctx.get_parameter_source("pacing") is ParameterSource.DEFAULT_MAP:
            pacing = AUTO
    if tz is not None:
        try:
            scope.parse_zone(tz)  # an unknown zone fails before any work, whatever the command
        except filters.FilterError as exc:
            raise CliError(str(exc)) from None
    ctx.obj = Env(cache, cache_type, fake, debug, tz, pacing)


def _pacing_option(value: str | None) -> Pacing | str | None:
    if value is None:
        return AUTO
    try:
        return parse_pacing(value, source="--pacing")
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


class _Console(Console):
    """A rich console that leaves a closed pipe to the CLI (rich would exit 1 on its own; see ``output_gone``)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _console(err: bool = False) -> Console:
    return _Console(stderr=err, highlight=False, soft_wrap=False)


def _emit_json(value: Any) -> None:
    click.echo(render.json_text(value))


# -- sync ----------------------------------------------------------------------------------------------


@cli.command()
@click.option("--full", is_flag=True, help="Re-read every time entry within Toggl's 3-month look-back.")
@click.option("--max-requests", type=click.IntRange(min=0), default=None, help="Stop after this many requests.")
@click.option(
    "--reserve", type=click.IntRange(min=0), default=3, show_default=True, help="Requests to leave in the hourly quota."
)
@click.option(
    "--since",
    "since_day",
    metavar="YYYY-MM-DD",
    default=None,
    help="Also mirror older entries back to this day, through Reports v3 (a resumable backfill).",
)
@click.option("--rescan", is_flag=True, help="With --since: read the whole range again and drop what Toggl lost.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_env
def sync(
    env: Env, full: bool, max_requests: int | None, reserve: int, since_day: str | None, rescan: bool, as_json: bool
) -> None:
    """Mirror organizations, workspaces, clients, projects, tags and time entries into the cache."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

    from .._core.sync_plan import StopReason
    from .._sync.sync import TogglSync
    from .sync_progress import progress_counts

    since = _parse_day(since_day, "--since")
    if rescan and since is None:
        raise CliError("--rescan needs --since: the first day of the range to read again")
    cache = env.cache()
    err = _console(err=True)
    with (
        env.http() as http,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[counts]}"),
            console=err,
            transient=True,
            # Only for a person watching: never in --json runs, pipes or logs.
            disable=as_json or not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task("syncing", total=None, counts="")
        backfill_task: list[Any] = []

        def on_step(step: SyncProgress) -> None:
            progress.update(
                task,
                description=f"request {step.requests + 1}: {step.step}",
                counts=progress_counts(step),
                # The bar and its ETA follow the share of the time-entry history read (a full fetch only).
                total=1.0 if step.share is not None else None,
                completed=step.share or 0.0,
            )

        def on_backfill(step: BackfillProgress) -> None:
            if not backfill_task:  # the first report knows how many windows the backfill has
                backfill_task.append(progress.add_task("backfill", total=step.windows_left, counts=""))
            total = progress.tasks[backfill_task[0]].total or step.windows_left
            progress.update(
                backfill_task[0], completed=total - step.windows_left, description=render.backfill_line(step)
            )
            if step.paused_until is not None and not as_json:
                err.print(render.backfill_line(step, now=http["clock"].now()))

        with TogglSync(
            http["auth"],
            cache,
            client=http["client"],
            clock=http["clock"],
            session=http["session"],
            base_url=http["base_url"],
            pacing=http["pacing"],
            max_requests=max_requests,
            reserve=reserve,
            progress=on_step,
            backfill_progress=on_backfill,
        ) as syncer:
            report = syncer.sync(full=full, since=since, rescan=rescan)
    if syncer.last_flush is not None:  # writes waiting in the offline outbox were sent first
        flushed = syncer.last_flush
        click.echo(f"outbox: {flushed.landed} writes sent, {flushed.remaining} pending, "
                   f"{len(flushed.conflicts)} conflicts (toggl-api outbox list)", err=True)
    if as_json:
        _emit_json(report.as_dict())
    else:
        out = _console()
        out.print(render.sync_table(report))
        kind = "full" if report.full else "incremental"
        # Plain echo: a long cache path must stay on one line to be copied (rich would fold it at the width).
        click.echo(f"{report.requests} requests ({kind} sync) → {env.location}")
    if report.stopped is not None:
        click.echo(f"Stopped early: {report.message}", err=True)
        if report.stopped in (StopReason.QUOTA_EXCEEDED, StopReason.BUDGET_EXHAUSTED):
            sys.exit(1)


# -- listings ------------------------------------------------------------------------------------------


def _parse_day(value: str | None, name: str) -> date | None:
    try:
        return filters.parse_day(value, name)
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None


def _parse_range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    first, last = _parse_day(since, "--since"), _parse_day(until, "--until")
    try:
        filters.check_range(first, last)
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None
    return first, last


def _match(models: list[Any], wanted: str, kind: str, workspace: int | None = None) -> int:
    """The id of the cached ``kind`` the user named (within ``workspace`` when one was given)."""
    if workspace is not None and kind != "workspace":
        models = [m for m in models if getattr(m, "workspace", None) == workspace]
    try:
        return filters.match_name(models, wanted, kind)
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None


def _filtered_entries(
    env: Env,
    since: str | None,
    until: str | None,
    project: str | None,
    client: str | None,
    tag: str | None,
    workspace: str | None = None,
    zone: tzinfo = timezone.utc,
    *,
    limit: int = 0,
    light: bool = False,
) -> tuple[list[Any], dict[int, TogglProject]]:
    """Cached entries matching the filters, newest first; ``--since``/``--until`` are days in ``zone``.

    On the offline path (``Env.offline``) SQL filters, sorts and keeps the first ``limit`` (0: all), and with
    ``light`` the entries are ``cli.offline.LightEntry`` objects (what a report reads) instead of models.
    """
    first, last = _parse_range(since, until)
    projects = {p.id: p for p in env.load(TogglProject)}
    names_given = any(v is not None for v in (project, client, tag, workspace))
    if names_given and not env.load(TogglWorkspace):  # nothing to match names against yet
        _fail("the cache is empty: run `toggl-api sync` first, then filter by name.")
    wid = _match(env.load(TogglWorkspace), workspace, "workspace") if workspace is not None else None
    project_id = _match(list(projects.values()), project, "project", wid) if project is not None else None
    client_id = _match(env.load(TogglClient), client, "client", wid) if client is not None else None
    tag_id = _match(env.load(TogglTag), tag, "tag", wid) if tag is not None else None
    reader = env.offline()
    if reader is not None:
        wanted = EntryFilter(
            start_from=None if first is None else day_start(first, zone),
            start_before=None if last is None else day_start(last + timedelta(days=1), zone),
            workspace=wid,
            project=project_id,
            client=client_id,
            tag=tag_id,
        )
        found: list[Any] = reader.light_entries(wanted) if light else reader.entries(wanted, limit)
        if first is not None or last is not None:  # the local days themselves, as the regular path checks them
            found = [e for e in found if (first is None or scope.local_day(e.start, zone) >= first)
                     and (last is None or scope.local_day(e.start, zone) <= last)]
        return found, projects
    entries: list[TogglTracker] = env.load(TogglTracker)
    if wid is not None:
        entries = [e for e in entries if e.workspace == wid]
    if first is not None:
        entries = [e for e in entries if scope.local_day(e.start, zone) >= first]
    if last is not None:
        entries = [e for e in entries if scope.local_day(e.start, zone) <= last]
    if project_id is not None:
        entries = [e for e in entries if e.project == project_id]
    if client_id is not None:
        entries = [
            e
            for e in entries
            if e.project is not None and projects.get(e.project) and projects[e.project].client == client_id
        ]
    if tag_id is not None:
        entries = [e for e in entries if any(t.id == tag_id for t in e.tags)]
    entries.sort(key=lambda e: (e.start, e.id), reverse=True)
    return entries, projects


def _hint_if_never_synced(env: Env, found: list[Any]) -> None:
    """An empty answer from a cache that holds no workspace at all means it was never synced: say so."""
    if not found and not env.load(TogglWorkspace):
        click.echo("The cache is empty: run `toggl-api sync` first.", err=True)


def _range_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--workspace", default=None, help="Only entries of this workspace (exact name, any case, or id)."
    )(func)
    func = click.option("--tag", default=None, help="Only entries with this tag (exact name, any case, or id).")(func)
    func = click.option(
        "--client", default=None, help="Only entries of this client's projects (exact name, any case, or id)."
    )(func)
    func = click.option(
        "--project", default=None, help="Only entries of this project (exact name, any case, or id)."
    )(func)
    func = click.option("--until", default=None, help="Last day (YYYY-MM-DD, in the --tz zone), inclusive.")(func)
    return click.option("--since", default=None, help="First day (YYYY-MM-DD, in the --tz zone).")(func)


@cli.command()
@_range_options
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Most entries shown (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
@pass_env
def entries(
    env: Env,
    since: str | None,
    until: str | None,
    project: str | None,
    client: str | None,
    tag: str | None,
    workspace: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Time entries from the cache, newest first (no request)."""
    env.offline()  # read-only: plain sqlite3 on an SQLite cache file, when it can
    zone = env.zone()
    found, _ = _filtered_entries(env, since, until, project, client, tag, workspace, zone.tz, limit=limit)
    _hint_if_never_synced(env, found)
    if limit:
        found = found[:limit]
    names, now = env.names(), env.now()
    if as_json:
        shaped = [shape.public_entry(e, names=names, tz=zone.tz, now=now) for e in found]
        _emit_json(shape.document("entries", shaped, tz=zone.tz))
        return
    _console().print(render.entries_table(found, names, now, zone.tz, zone.describe()))


def _list_command(name: str, model: type[TogglClass], help_text: str) -> None:
    @cli.command(name=name, help=help_text)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
    @pass_env
    def command(env: Env, as_json: bool) -> None:
        env.offline()  # read-only: plain sqlite3 on an SQLite cache file, when it can
        items = sorted(env.load(model), key=lambda m: (m.name.lower(), m.id))
        _hint_if_never_synced(env, items)
        if as_json:
            _emit_json([to_record(m) for m in items])
            return
        names = {c.id: c.name for c in env.load(TogglClient)} if model is TogglProject else None
        _console().print(render.models_table(name, items, names))


_list_command("projects", TogglProject, "Projects from the cache (no request).")
_list_command("clients", TogglClient, "Clients from the cache (no request).")
_list_command("tags", TogglTag, "Tags from the cache (no request).")
_list_command("workspaces", TogglWorkspace, "Workspaces from the cache (no request).")
_list_command("organizations", TogglOrganization, "Organizations from the cache (no request).")


# -- report --------------------------------------------------------------------------------------------


def _workspace_id(env: Env, workspace: str | int | None) -> int:
    if isinstance(workspace, int):
        return workspace
    if workspace is not None:
        if workspace.strip().isdigit():  # an id needs no cache (a remote report may run before any sync)
            return int(workspace)
        return _match(env.load(TogglWorkspace), workspace, "workspace")
    if env.fake:
        return int(env.emulator.account.workspace_id)
    raw = os.environ.get("TOGGL_WORKSPACE_ID")
    if raw and raw.strip().isdigit():
        return int(raw)
    cached = env.load(TogglWorkspace)
    if len(cached) == 1:
        return int(cached[0].id)
    _fail("which workspace? pass --workspace ID or set TOGGL_WORKSPACE_ID")


def _default_workspace(env: Env) -> int | None:
    """The workspace a remote report takes without --workspace: TOGGL_WORKSPACE_ID, else the user's default."""
    raw = os.environ.get("TOGGL_WORKSPACE_ID")
    if raw and raw.strip().isdigit():
        return int(raw)
    if env.fake:
        return int(env.emulator.account.workspace_id)
    return env.user_facts().default_workspace_id


def _report_workspaces(env: Env, workspace: str | None, remote: bool) -> scope.ReportWorkspaces:
    cached = {w.id: w.name for w in env.load(TogglWorkspace)}
    given = _workspace_id(env, workspace) if workspace is not None else None
    try:
        return scope.report_workspaces(
            given=given, remote=remote, cached=cached, default=None if given is not None else _default_workspace(env)
        )
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None


def remote_report(
    env: Env, by: str, first: date, last: date, wid: int, names: shape.Names, user_id: int | None
) -> tuple[tuple[tally.Row, ...], int, int]:
    """Rows, distinct total seconds and requests spent, from the Reports API summary endpoint.

    One request by project or client. By tag, a second one (grouped by project) gives the distinct total: an
    entry with several tags is in several tag groups, so their sum counts it more than once.
    """
    from .._core.api.reports import ReportBody

    grouping = tally.GROUPINGS[by]
    if grouping is None:
        _fail("--remote reports group by project, client or tag (Toggl's summary report has no days)")
    users = [user_id] if user_id is not None else []

    def body(group: str) -> ReportBody:
        return ReportBody(
            start_date=first,
            end_date=last,
            grouping=group,
            sub_grouping="time_entries",
            include_time_entry_ids=False,
            user_ids=users,
        )

    from .._sync.endpoints.reports import SummaryReportEndpoint

    # One session for both requests of a tag report: its pacing spaces them as Toggl asks.
    with env.http() as http:
        endpoint = SummaryReportEndpoint(
            wid, http["auth"], client=http["client"], clock=http["clock"], session=http["session"],
            base_url=http["base_url"], pacing=http["pacing"],
        )
        answer = endpoint.search_time_entries(body(grouping))
        rows = tally.remote_rows(answer, by, names)
        if by != "tag":
            return rows, tally.remote_total(answer), 1
        return rows, tally.remote_total(endpoint.search_time_entries(body("projects"))), 2


def _row_json(row: tally.Row, whole: int) -> dict[str, Any]:
    return {
        "id": row.key if isinstance(row.key, int) else None,
        "name": row.name,
        "seconds": row.seconds,
        "entries": row.entries,
        "share": tally.share(row.seconds, whole),
    }


@cli.command()
@click.option("--by", type=click.Choice(["project", "client", "tag", "day"]), default="project", show_default=True)
@_range_options
@click.option(
    "--remote",
    is_flag=True,
    help="Ask Toggl's Reports API (summary) instead of the cache: 1 request (2 with --by tag).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_env
def report(
    env: Env,
    by: str,
    since: str | None,
    until: str | None,
    project: str | None,
    client: str | None,
    tag: str | None,
    workspace: str | None,
    remote: bool,
    as_json: bool,
) -> None:
    """Tracked time per project, client, tag or day (from the cache: no request).

    Local and --remote reports cover the same days (default: the last 30, today included, cut in the --tz
    zone) and, given --workspace, the same workspace; like Toggl's reports, running entries are not counted.
    """
    if not remote:
        env.offline()  # read-only: plain sqlite3 on an SQLite cache file, when it can
    zone = env.zone()
    given_first, given_last = _parse_range(since, until)
    try:
        first, last = scope.report_range(env.now().astimezone(zone.tz).date(), given_first, given_last)
    except filters.FilterError as exc:
        raise CliError(str(exc)) from None
    names = env.names()
    notes: list[str] = []
    facts = env.user_facts()
    if remote:
        if project or client or tag:
            _fail("--project/--client/--tag filters apply to cached reports only")
        covered = _report_workspaces(env, workspace, remote=True)
        rows, total, requests = remote_report(env, by, first, last, covered.ids[0], names, facts.user_id)
        entries_total: int | None = None
        source = "Toggl's Reports API"
        if facts.user_id is None:
            notes.append(
                "Every member's time is counted: run sync once so the report keeps to your own entries (and "
                f"shows the days Toggl cuts in your Toggl time zone, which may not be {zone.name})."
            )
        if facts.timezone is not None and zone.name != facts.timezone:
            notes.append(
                f"Toggl cuts report days in your Toggl time zone ({facts.timezone}), not in {zone.name}: entries "
                "near midnight may fall on other days than in the local report."
            )
        running = None
    else:
        covered = _report_workspaces(env, workspace, remote=False)
        found, _ = _filtered_entries(
            env, first.isoformat(), last.isoformat(), project, client, tag, workspace, zone.tz, light=True
        )
        _hint_if_never_synced(env, found)
        counted = tally.local_tally(found, by, names=names, zone=zone.tz, now=env.now())
        rows, total, entries_total = counted.rows, counted.total_seconds, counted.total_entries
        source, requests = "the cache", 0
        running = {"entries": counted.running_entries, "seconds": counted.running_seconds}
        if counted.running_entries:
            what = "the running entry" if counted.running_entries == 1 else f"{counted.running_entries} running entries"
            notes.append(
                f"Not counted: {what} ({render.duration_text(counted.running_seconds)} so far), as in Toggl's reports."
            )
    overlap = tally.shares_sum(rows, total)
    if by == "tag":
        notes.insert(
            0,
            f"An entry with several tags counts once per tag: shares add up to {render.percent_text(overlap)}; "
            "the total counts each entry once.",
        )
    if covered.note:
        notes.append(covered.note)
    elif not remote and workspace is None and len(covered.ids) > 1:
        notes.append(
            f"This covers all {len(covered.ids)} cached workspaces; Toggl's reports (--remote) cover one at a time: "
            "pass --workspace to compare the same one."
        )
    if as_json:
        body: dict[str, Any] = {
            "by": by,
            "source": "reports_api" if remote else "cache",
            "since": first.isoformat(),
            "until": last.isoformat(),
            "workspaces": [{"id": i, "name": names.workspaces.get(i)} for i in covered.ids],
            "rows": [_row_json(r, total) for r in rows],
            "total": {"seconds": total, "entries": entries_total},
            "shares_sum": overlap,
            "requests": requests,
            "notes": notes,
        }
        if running is not None:
            body["running_not_counted"] = running
        _emit_json(shape.document("report", body, tz=zone.tz))
        return
    days = (last - first).days + 1
    click.echo(f"Time per {by} from {source}")
    click.echo(f"Days: {first} → {last}, {days} days in {zone.describe()}")
    click.echo(f"Covers: {covered.label}")
    _console().print(render.report_table(by, rows, total, entries_total))
    for note in notes:
        click.echo(note)


# -- quota ---------------------------------------------------------------------------------------------


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def quota(env: Env, as_json: bool) -> None:
    """Toggl's hourly request quota per bucket (GET /me/quota, which does not count against it)."""
    from .._sync.endpoint import TogglEndpoint

    with env.http() as http:
        endpoint: TogglEndpoint[Any] = TogglEndpoint(
            http["auth"], client=http["client"], clock=http["clock"], session=http["session"],
            base_url=http["base_url"], pacing=http["pacing"],
        )
        infos = endpoint.get_quota()
    zone = env.zone()
    orgs = {o.id: o.name for o in env.load(TogglOrganization)}
    if as_json:
        buckets = [
            {
                "bucket": i.bucket.value,
                "organization_id": i.organization_id,
                "organization": None if i.organization_id is None else orgs.get(i.organization_id),
                "limit": i.total,
                "remaining": i.remaining,
                "resets_in": i.resets_in,
                "resets_at": shape.iso(i.resets_at, zone.tz),
            }
            for i in infos
        ]
        _emit_json(shape.document("quota", buckets, tz=zone.tz))
        return
    for line in render.quota_lines(infos, orgs, zone.tz, zone.name):
        click.echo(line)


# -- cache ---------------------------------------------------------------------------------------------


@cli.group(name="cache", cls=_Group)
def cache_group() -> None:
    """Inspect, check and export the cache."""


def _files(env: Env) -> list[Path]:
    if env.cache_url is not None:  # a database server: no local files
        return []
    path = env.cache_path
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())
    return []


@cache_group.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def stats(env: Env, as_json: bool) -> None:
    """Entities per model, files, and the sync state."""
    from .._core.sync_plan import SyncState

    cache = env.cache()
    counts = {m.__tablename__: len(cache.load(m)) for m in MODELS}
    state = SyncState.from_scopes({s: cache.completed_at(s) for s in SyncState.scope_names()})
    files = {str(p): p.stat().st_size for p in _files(env)}
    info = {
        "path": env.location,
        "type": env.cache_type,
        "entities": counts,
        "files": files,
        "last_sync": state.last_run,
        "watermark": state.watermark,
        "full_fetch_in_progress": state.full_fetch_in_progress,
    }
    if as_json:
        _emit_json(info)
        return
    out = _console()
    where = "database server" if env.cache_url else f"{sum(files.values())} bytes in {len(files)} files"
    out.print(f"cache: {env.location} ({env.cache_type}, {where})")
    for table, count in counts.items():
        out.print(f"  {render.MODEL_LABELS.get(table, table):<14} {count:>7}")
    last = state.last_run.isoformat() if state.last_run else "never"
    out.print(
        f"last sync: {last}; watermark: {state.watermark.isoformat() if state.watermark else 'none'}"
        + ("; a full fetch is in progress (run sync to resume)" if state.full_fetch_in_progress else "")
    )


@cache_group.command()
@pass_env
def check(env: Env) -> None:
    """Read every model file and record; exit 1 when something is unreadable."""
    cache = env.cache()
    total = 0
    problems: list[str] = []
    for model in MODELS:
        try:
            items = cache.load(model)
        except CorruptCacheError as exc:
            problems.append(str(exc))
            continue
        ids = [m.id for m in items]
        if len(ids) != len(set(ids)):
            problems.append(f"{model.__tablename__}: duplicate ids")
        total += len(items)
    problems += [str(p) for p in getattr(cache, "problems", [])]
    if problems:
        for problem in problems:
            click.echo(f"Error: {problem}", err=True)
        sys.exit(1)
    click.echo(f"ok: {total} entities readable in {env.location}")


_CSV_FIELDS = (
    "id",
    "workspace",
    "start",
    "stop",
    "seconds",
    "project_id",
    "project",
    "client",
    "tags",
    "description",
    "billable",
)


def _csv_rows(env: Env) -> Iterator[dict[str, Any]]:
    projects = {p.id: p for p in env.load(TogglProject)}
    clients = {c.id: c for c in env.load(TogglClient)}
    now = env.now()
    for entry in sorted(env.load(TogglTracker), key=lambda e: (e.start, e.id)):
        project = projects.get(entry.project) if entry.project is not None else None
        client = clients.get(project.client) if project is not None and project.client is not None else None
        yield {
            "id": entry.id,
            "workspace": entry.workspace,
            "start": entry.start.isoformat(),
            "stop": entry.stop.isoformat() if entry.stop else "",
            "seconds": int(entry.elapsed(now).total_seconds()),
            "project_id": entry.project or "",
            "project": project.name if project else "",
            "client": client.name if client else "",
            "tags": ";".join(entry.tag_names()),
            "description": entry.name,
            "billable": entry.billable,
        }


@cache_group.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: every model as records; csv: one row per time entry.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (created 0600); default stdout.",
)
@pass_env
def export(env: Env, fmt: str, output: Path | None) -> None:
    """Export the cache as JSON (all models) or CSV (time entries)."""
    if fmt == "json":
        text = render.json_text({m.__tablename__: [to_record(x) for x in env.load(m)] for m in MODELS}) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_CSV_FIELDS)
        writer.writeheader()
        writer.writerows(_csv_rows(env))
        text = buffer.getvalue()
    if output is None:
        click.echo(text, nl=False)
        return
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    click.echo(f"wrote {output}", err=True)


# -- fake server ---------------------------------------------------------------------------------------


@cli.command(name="fake-server")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0 picks a free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface (loopback by default).")
@click.option(
    "--log",
    "log_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append one JSON line per request (never a token or password).",
)
@click.option(
    "--plan",
    type=click.Choice(["free", "starter", "premium", "enterprise"]),
    default="free",
    show_default=True,
    help="The organization's plan, which sets its hourly quota (30, 240, 600, 2000).",
)
@click.option("--no-limits", is_flag=True, help="Enforce neither 429 nor 402.")
def fake_server(port: int, host: str, log_file: Path | None, plan: str, no_limits: bool) -> None:
    """Serve the emulator's demo account over HTTP until interrupted (Ctrl-C)."""
    import time

    from ..testing import DEMO_API_TOKEN, Emulator, FakeClock, serve

    emulator = Emulator("demo", clock=FakeClock.system(), limits=not no_limits, plan=plan, log_file=log_file)
    emulator.webhooks.run_in_background()  # retries and delayed webhook deliveries follow the real clock
    try:
        server_cm = serve(emulator, host=host, port=port)
        server = server_cm.__enter__()
    except OSError as exc:
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        click.echo(f"Toggl emulator listening on {server.url} (demo API token: {DEMO_API_TOKEN})", err=False)
        click.echo(f"  export TOGGL_API_BASE_URL={server.url} TOGGL_API_TOKEN={DEMO_API_TOKEN}")
        click.echo(emulator.limits.summary(plan))
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server_cm.__exit__(None, None, None)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point of ``toggl-api``."""
    try:
        cli.main(args=argv, prog_name="toggl-api")
    except SystemExit:
        # What is still buffered goes out here, where a reader that went away exits quietly (``output_gone``);
        # at interpreter exit the same failure would print a warning.
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            try:
                output_gone()
            except click.exceptions.Exit as gone:
                raise SystemExit(gone.exit_code) from None
        raise


# The other commands live in their own modules; importing them registers them on ``cli``.
from . import cache_clear as _cache_clear  # noqa: E402, F401
from . import config_file as _config_file  # noqa: E402, F401
from . import history as _history  # noqa: E402, F401  (toggl-api import, likewise)
from . import outbox as _outbox  # noqa: E402, F401
from . import timer as _timer  # noqa: E402, F401
from . import webhooks as _webhooks  # noqa: E402, F401
