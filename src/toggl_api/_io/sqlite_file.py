"""The SQLite cache's own database file: created whole and private, checked at open, set aside when damaged.

The same rules as the JSON cache's files (``json_store``): a file that is not a sound SQLite database (a wrong
header, a ``PRAGMA quick_check`` that is not ``ok``, a file SQLite refuses to open, zero bytes) is renamed
``<file>.corrupt-<time>`` together with its ``-wal`` and ``-shm`` files, reported as a ``CorruptCacheError``
(raised instead with ``strict=True``), and a fresh database takes its place.

The cache never leaves a zero-byte database behind: it creates the file as a one-page SQLite database in a temp
file and links it into place (so two processes creating it at once cannot clobber each other). A zero-byte file
is therefore damage (a truncated file, or something else's), not an empty cache. Plain ``sqlite3`` is used, so
the check needs no SQLAlchemy and runs the same for the sync and async caches.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

from filelock import FileLock

from .._core.clock import Clock
from .._core.errors import CorruptCacheError

__all__ = ["HEADER", "check_database", "create_database", "open_database"]

log = logging.getLogger("toggl_api.cache")

#: The first 16 bytes of every SQLite 3 database.
HEADER = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of the databases this cache creates ("togl").
APPLICATION_ID = 0x746F676C
_LOCK_TIMEOUT = 60.0


def create_database(path: Path) -> bool:
    """Create ``path`` as an empty one-page SQLite database (0600) unless it exists; True if created here."""
    if path.exists():
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)  # mode 0600
    os.close(fd)
    try:
        connection = sqlite3.connect(tmp)
        try:
            connection.execute(f"PRAGMA application_id={APPLICATION_ID}")  # writes page 1: a whole header
            connection.commit()
        finally:
            connection.close()
        try:
            os.link(tmp, path)  # never replaces: another process that created it first wins
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def check_database(path: Path) -> str | None:
    """Why ``path`` is not a sound SQLite database, or ``None`` when it is (or does not exist)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(HEADER))
    except FileNotFoundError:
        return None
    if not head:
        return "the file is empty (zero bytes)"
    if head != HEADER:
        return "the file is not an SQLite database (wrong header)"
    try:
        connection = sqlite3.connect(path, timeout=30)  # read-write, so SQLite may recover a left-over WAL
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        # Locked, busy, no permission, an I/O error: the file could not be checked, which is not damage, and a
        # file that merely could not be read is never replaced (the same rule as the JSON cache).
        log.warning("could not check the cache database %s (%s); using it as it is", path, exc)
        return None
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        return f"SQLite cannot read it ({exc})"
    if rows != [("ok",)]:
        found = "; ".join(str(row[0]) for row in rows[:3])
        return f"PRAGMA quick_check found damage ({found})"
    return None


def _set_aside(path: Path, stamp: str) -> Path | None:
    moved = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while moved.exists():
        moved = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, moved)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError, OSError):
            os.replace(companion, moved.with_name(moved.name + suffix))
    return moved


def open_database(path: Path, *, clock: Clock, create: bool = True) -> CorruptCacheError | None:
    """Make ``path`` a sound database: check it, set a damaged one aside, create a fresh one if ``create``.

    Returns the problem found (already logged), or ``None``. Holds ``<path>.lock`` meanwhile, so two processes
    opening the same damaged file set it aside once.
    """
    with FileLock(f"{path}.lock", timeout=_LOCK_TIMEOUT, mode=0o600):
        reason = check_database(path)
        problem = None
        if reason is not None:
            moved = _set_aside(path, clock.now().strftime("%Y%m%dT%H%M%S%fZ"))
            problem = CorruptCacheError(
                f"cache database {path} is unreadable: {reason}; "
                + (f"moved it to {moved.name} and started empty" if moved else "started empty"),
                path=path,
                moved_to=moved,
            )
            log.warning("%s", problem)
        if create:
            create_database(path)
    return problem
