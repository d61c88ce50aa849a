"""File storage of the JSON cache: one file per model, shared safely between processes.

``JSONSession`` keeps one model's entries in memory (a dict by id, so a lookup is O(1)) and mirrors one file:

- local changes are *pending* until ``commit``; on re-read and on commit they are merged with what other
  processes wrote, entity by entity: the newer server ``at`` wins, then the newer fetch ``timestamp``;
- deletions are kept as tombstones with their time, so a process still holding an older copy cannot bring a
  deleted entity back. Tombstones do not expire by age (the newest ``max_length`` are kept when a snapshot is
  written): Toggl never reuses an id, and a copy fetched *after* the deletion (the server restored the entity)
  is newer than the tombstone and replaces it;
- the server ``at`` decides between two copies only when both carry one; otherwise the later fetch wins;
- a file that cannot be decoded (or has an unknown format) is renamed ``<file>.corrupt-<time>``, reported
  with a logged warning and a ``CorruptCacheError`` in ``problems`` (raised instead with ``strict=True``), and
  the session starts empty; a file that merely could not be read (an ``OSError``) is never replaced.

``MarkerStore`` stores list-completeness markers and small values (``cache_meta.json``) the same way.

On disk, a cache folder holds (every file 0600, created by the first writer):

- the *snapshots* ``cache_<table>.json`` and ``cache_meta.json`` (``"format": 1``), each naming in ``"log"``
  the id of the log it is the base of;
- the *log* ``cache.log``: a header line ``{"format": 1, "log": <random id>, "snapshots": <their bytes>}``, then
  one line per commit, ``{"n": [<file names>], "f": {<file name>: <its changes>, ...}}`` (the names first, so
  a reader decodes only the lines of its file): for a model file ``{"up": [records],
  "del": {id: deleted at}, "evict": [ids]}`` (applied in that order), for ``cache_meta.json`` ``{"markers":
  {...}, "values": {...}}`` as in its snapshot. Lines are applied as written, in order: the writer merged them
  (the rules above) under the lock;
- the change counter ``cache.gen`` and the commit lock ``cache_commit.lock``.

What a reader holds for a file is its snapshot plus every whole line of the log, when the snapshot names the log
(or the file has no snapshot). The rules:

1. A commit, under the commit lock (``commit_together``): each store first catches up (it reads the log's new
   lines, or the snapshot again when the log is another one); each pending change is encoded (a value that
   cannot be encoded aborts the commit before anything is written, and every store drops its pending changes
   and re-reads, so memory equals disk again); then ONE line holding every changed file's part is written at
   the end of the log and fsynced. A line is a commit once its newline is written, so a commit touching several
   files is all-or-nothing. A last line without its newline (a writer died writing it) is not a commit: readers
   stop before it and the next writer cuts it off before appending.
2. Readers apply only the bytes after the last whole line they applied (the log is only appended to, until a
   compaction replaces it with a log of another id, which they notice by its header).
3. Compaction: when the log is missing (the folder's first commit, or a folder written before the log existed:
   its files are read as snapshots naming no log), when a file the commit changes has a snapshot naming another
   log, or when the log outgrew ``max(snapshot bytes, LOG_MIN_COMPACT)``, the commit instead rewrites every
   snapshot of the folder (every ``cache_*.json``, and every file the log has lines for) from memory, naming a
   new log id, together with a new log holding only its header, as one journaled multi-file commit:

   a. each content is written to a temp file ``.<file>.<random>.pending`` (fsynced);
   b. the journal ``cache_commit.journal`` naming every (temp, target) pair is written atomically: this is the
      commit point;
   c. the temps are renamed over their targets (the log last), then the journal is removed.

   A reader about to re-read a changed file first looks for the journal; when one is there it takes the commit
   lock, which makes it wait for a live writer, or finishes a dead writer's renames (every temp still there is
   renamed) and removes the journal. Temps without a journal belong to a writer that died before its commit
   point and are deleted. ``clear`` is the same commit with empty snapshots.
4. A snapshot naming another log than the log's header is a compaction between its renames, or a file an older
   version rewrote whole: the reader takes the commit lock (waiting for a live compactor, finishing a dead one's
   journal) and reads again; a snapshot that still names another log is taken alone, without the log's lines
   (and the next commit changing that file compacts first, so no line is ever written for it).
5. The change counter ``cache.gen`` (8 bytes, native order, mapped shared so a read costs no system call) is
   incremented under the commit lock after every append, compaction, finished dead commit and ``clear``, once
   the files are in place (step ``counter``). A reader compares it with the value it saw before its last look at
   the files and looks again only when it differs, so a commit is seen by the very next read anywhere. A writer
   that dies after its line or files are in place but before the bump is seen by live readers at the next
   commit, or within 1,024 operations of the JSON cache (which then looks at its files once); a new process
   reads the files anyway. A counter that cannot be created or mapped means one ``stat``
   of the snapshot and of the log per read; a short or garbage counter is extended and used (any value does,
   only a change matters); the cache checks every 1,024 operations (and after each of its commits) that its map
   is still the folder's file, so a counter deleted with its folder is replaced.

A log only a foreign hand can damage (lines are written whole, under the lock; a log is created whole): a line
that cannot be applied is skipped and reported in ``problems``; a log whose header cannot be read is ignored
(its snapshots are taken alone). Either way, the compaction that replaces such a log first keeps a copy of it,
``cache.log.corrupt-<time>`` (0600), reported in ``problems``.

Each step calls ``toggl_api._io.seams.step`` (the crash tests stop a writer there): ``begin``, ``append``,
``counter``, ``done`` for an append; ``begin``, ``compact``, ``temp <file>``, ``journal``, ``rename <file>``,
``counter``, ``done`` for a compaction.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import logging
import mmap
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from filelock import FileLock

from ..__about__ import __version__
from .._core.cache_rules import check_marker_time, check_stored_value
from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.errors import CorruptCacheError
from .._core.models import TogglClass, from_record, to_record
from .._core.models.convert import MODELS_BY_TABLE
from .._core.query import FieldIndex, TogglQuery, build_index, compile_matcher
from .paths import make_private_dirs
from .seams import step as _step

__all__ = [
    "COUNTER_FILE",
    "FORMAT",
    "JOURNAL",
    "META_FILE",
    "CustomDecoder",
    "CustomEncoder",
    "ChangeCounter",
    "JSONSession",
    "MarkerStore",
    "atomic_write",
    "bump_counter",
    "clear_directory",
    "commit_together",
    "compact_directory",
    "recover_commit",
]

log = logging.getLogger("toggl_api.cache")

#: Version of the file layout; files with another value are quarantined.
FORMAT = 1
_MIN = datetime.min.replace(tzinfo=timezone.utc)
_LOCK_TIMEOUT = 60.0

#: File naming the temp files of a multi-file commit past its commit point (see the module docstring).
JOURNAL = "cache_commit.journal"
#: Lock serializing multi-file commits (and journal recovery) of one cache directory.
COMMIT_LOCK = "cache_commit.lock"
#: The JSON cache's file of list markers and stored values (next to the ``cache_<table>.json`` model files).
META_FILE = "cache_meta.json"
_PENDING_SUFFIX = ".pending"
#: The directory's change counter (8 bytes, native byte order): every commit bumps it once its files are in place.
COUNTER_FILE = "cache.gen"
_COUNTER_SIZE = 8
_COUNTER_WRAP = 1 << 64

T = TypeVar("T", bound=TogglClass)
StatKey = tuple[int, int, int]



# -- file primitives ----------------------------------------------------------------------------------------


def _stat_key(st: os.stat_result) -> StatKey:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _stat(path: Path) -> StatKey | None:
    try:
        return _stat_key(os.stat(path))
    except FileNotFoundError:
        return None


def _stat_path(path: str) -> StatKey | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read(path: Path) -> tuple[StatKey, bytes] | None:
    """The file's content and the key of exactly that content (``None`` when it does not exist)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        key = _stat_key(os.fstat(handle.fileno()))
        return key, handle.read()


def _replace(source: str, target: Path) -> None:
    # A seam of its own so crash tests can stop a writer right before the switch.
    os.replace(source, target)


def atomic_write(path: Path, data: bytes) -> StatKey:
    """Write ``data`` to ``path`` atomically (temp file + fsync + ``os.replace``); new files are 0600.

    Returns the key (mtime ns, size, inode) of the written file.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            key = _stat_key(os.fstat(handle.fileno()))
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return key


def _remove_stale_temps(path: Path) -> None:
    # Called with the lock held: any temp file of ours still there belongs to a writer that died.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


# -- the change counter -------------------------------------------------------------------------------------


class ChangeCounter:
    """The directory's change counter (``cache.gen``), mapped in memory so a read costs no system call.

    Every commit of the directory bumps it under the commit lock once its files are in place (``bump_counter``);
    a store compares it with the value it saw at its last check and only then looks at its file. When the file
    cannot be created or mapped (read-only folder, a file system without shared maps), ``view`` stays ``None``
    and the stores check their file on every operation, as without a counter.
    """

    __slots__ = ("_identity", "_map", "_raw", "path", "view")

    def __init__(self, directory: Path) -> None:
        self.path = directory / COUNTER_FILE
        self._map: mmap.mmap | None = None
        self._raw: memoryview | None = None
        self._identity: tuple[int, int] | None = None
        #: The counter as an array of one unsigned 64-bit integer (``view[0]``), or ``None`` when unmapped.
        self.view: memoryview | None = None

    def open(self) -> bool:
        """Map the counter (created 0600 holding 0 if missing); False when it cannot be, and then stays unmapped."""
        if self.view is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            log.debug("no change counter in %s (%s): every read checks the files", self.path.parent, exc)
            return False
        try:
            if os.fstat(fd).st_size < _COUNTER_SIZE:
                # Grows a new (or damaged, short) file with zeros; never shrinks it, so a writer that raced us is
                # not undone. Any 8 bytes are a valid counter: only "changed or not" matters.
                os.ftruncate(fd, _COUNTER_SIZE)
            mapped = mmap.mmap(fd, _COUNTER_SIZE)  # shared, read-write (the default on every platform)
            st = os.fstat(fd)
        except (OSError, ValueError) as exc:
            log.debug("cannot map the change counter %s (%s): every read checks the files", self.path, exc)
            return False
        finally:
            os.close(fd)  # the map keeps its own handle
        self._map = mapped
        self._raw = memoryview(mapped)
        self.view = self._raw.cast("Q")
        self._identity = (st.st_dev, st.st_ino)
        return True

    def current(self) -> bool:
        """Whether the map is the counter file the folder holds now (not one deleted, or replaced, meanwhile)."""
        if self.view is None:
            return False
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._identity

    def value(self) -> int | None:
        """The counter now (``None`` when unmapped)."""
        view = self.view
        return None if view is None else int(view[0])

    def close(self) -> None:
        """Unmap the counter (``open`` maps it again)."""
        view, raw, mapped = self.view, self._raw, self._map
        self.view = self._raw = self._map = None
        self._identity = None
        for item in (view, raw, mapped):
            if item is not None:
                item.release() if isinstance(item, memoryview) else item.close()


def bump_counter(directory: Path) -> None:
    """Increment the change counter of ``directory``, with its commit lock held (no counter file: nothing to do).

    Written through the file, not a map: the page is shared with every process's map of it. Without the lock two
    writers could both write n + 1 and a reader that saw n + 1 in between would miss the second commit.
    """
    try:
        fd = os.open(directory / COUNTER_FILE, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return  # nobody reads through a counter: every reader that maps one later checks its files first
    except OSError as exc:
        log.warning("cannot bump the change counter of %s (%s): other processes may miss this commit", directory,
                    exc)
        return
    try:
        raw = os.read(fd, _COUNTER_SIZE)
        value = int.from_bytes(raw, sys.byteorder) if len(raw) == _COUNTER_SIZE else 0
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, ((value + 1) % _COUNTER_WRAP).to_bytes(_COUNTER_SIZE, sys.byteorder))
    except OSError as exc:
        log.warning("cannot bump the change counter of %s (%s): other processes may miss this commit", directory,
                    exc)
    finally:
        os.close(fd)


# -- the commit log -----------------------------------------------------------------------------------------

#: The folder's append-only commit log (see the module docstring).
LOG_FILE = "cache.log"
#: A log smaller than this is never compacted (below it, rewriting the snapshots costs more than reading it).
LOG_MIN_COMPACT = 4 << 20


class _LogRead:
    """Complete commit lines of the log read from ``start`` (the header's id when read from the beginning)."""

    __slots__ = ("end", "ident", "key", "lines", "same", "snapshots")

    def __init__(self, key: StatKey, same: bool, ident: str, snapshots: int, end: int,
                 lines: list[bytes]) -> None:
        self.key = key
        self.same = same
        self.ident = ident
        self.snapshots = snapshots
        self.end = end
        self.lines = lines


def read_path(store: _SyncedFile) -> Path:
    """The folder's log, as named in messages about one store's lines."""
    return store._require_path(None).parent / LOG_FILE


def _set_aside_log(directory: Path, stores: Sequence[_SyncedFile], stamp: str) -> None:
    """With the commit lock held, before a compaction replaces the log: keep a copy of a damaged one.

    A log whose header cannot be read, or with a line a store could not apply, only a foreign hand made; its
    lines may still hold what someone wants back, so it is copied to ``cache.log.corrupt-<time>`` (0600) and
    reported in the first store's ``problems``, as an unreadable cache file is.
    """
    path = directory / LOG_FILE
    if not path.exists():
        return
    header_bad = _read_log(directory) is None
    if not header_bad and not any(store._log_damaged for store in stores):
        return
    copy = path.with_name(f"{LOG_FILE}.corrupt-{stamp}")
    try:
        data = path.read_bytes()
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        log.warning("cannot keep a copy of the damaged commit log %s: %s", path, exc)
        return
    for store in stores:
        store._log_damaged = False
    error = CorruptCacheError(
        f"the commit log {path} was damaged ({'unreadable header' if header_bad else 'unreadable lines'}); "
        f"kept a copy as {copy.name} before starting a new log",
        path=path,
        moved_to=copy,
    )
    log.warning("%s", error)
    if stores:
        stores[0].problems.append(error)


def _log_header(ident: str, snapshots: int) -> bytes:
    return json.dumps({"format": FORMAT, "log": ident, "snapshots": snapshots}, separators=(",", ":")).encode() + b"\n"


def _read_log(directory: Path, start: int = 0, ident: str | None = None) -> _LogRead | None:
    """The log's complete lines from ``start`` when it is still the log ``ident``, else from its beginning.

    A last line without its newline is a commit being written, or one a writer died writing: not a commit (yet).
    ``None`` when there is no log (or its header is unreadable: a log is created whole, so only a foreign file).
    """
    try:
        fd = os.open(directory / LOG_FILE, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        head = handle.read(1024)
        cut = head.find(b"\n")
        try:
            header: Any = json.loads(head[:cut]) if cut >= 0 else None
            found, snapshots = str(header["log"]), int(header.get("snapshots", 0))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            log.warning("ignoring an unreadable commit log in %s (a copy is kept when it is replaced)", directory)
            return None
        same = ident is not None and found == ident and cut + 1 <= start <= st.st_size
        if not same:
            start = cut + 1
        handle.seek(start)
        data = handle.read()
    end = data.rfind(b"\n") + 1
    # Split on newlines only: JSON escapes every control character inside strings, so each is a line's end.
    return _LogRead(_stat_key(st), same, found, snapshots, start + end, data[:end].split(b"\n")[:-1])


def _append_log(directory: Path, end: int, line: bytes) -> StatKey:
    """Append one commit line at ``end`` (cutting what a dead writer left after it), synced; the log's new key."""
    fd = os.open(directory / LOG_FILE, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        if os.fstat(fd).st_size != end:
            os.ftruncate(fd, end)  # a torn last line: never a commit, and nobody applied it
        os.lseek(fd, end, os.SEEK_SET)
        view = memoryview(line)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        return _stat_key(os.fstat(fd))
    finally:
        os.close(fd)


def _iso(value: datetime) -> str:
    return value.isoformat()


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


class _SyncedFile:
    """What both stores share: the path, the lock, change detection (snapshot and log) and quarantine."""

    def __init__(self, *, clock: Clock | None = None, strict: bool = False) -> None:
        self.path: Path | None = None
        self._fspath = ""
        self._logpath = ""
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.strict = strict
        self.problems: list[CorruptCacheError] = []
        #: A line of the log could not be applied: the log is copied aside before a compaction replaces it.
        self._log_damaged = False
        #: Key of the snapshot file version held in memory (``None``: no snapshot).
        self._key: StatKey | None = None
        self._loaded = False
        self._filelock: FileLock | None = None
        #: The commit lock of the folder (``commit_together`` serializes on it); made from the path when unset.
        self.commit_lock: FileLock | None = None
        #: Called before the file is re-read (the JSON cache finishes a dead writer's multi-file commit there).
        self.before_reload: Callable[[], None] | None = None
        #: The directory's change counter: while it holds the value seen at the last check, the file is not
        #: looked at (``None``, or unmapped: one ``stat`` per operation).
        self.counter: ChangeCounter | None = None
        self._seen: int | None = None
        #: The log the memory follows: its id, key, inode and how many of its bytes are applied.
        self._log_id: str | None = None
        self._log_key: StatKey | None = None
        self._log_pos = 0
        self._log_snapshots = 0
        #: The log id the snapshot names (``None``: a snapshot of an older version, or none).
        self._snap_log: str | None = None

    @property
    def modified(self) -> int:
        """mtime (ns) of the file version held in memory (0 before the first read or without a file)."""
        return self._key[0] if self._key else 0

    def _require_path(self, path: Path | str | None) -> Path:
        if path is not None:
            new = Path(path)
            if new != self.path:
                self.path = new
                self._fspath = os.fspath(new)
                self._logpath = os.fspath(new.parent / LOG_FILE)
                self._loaded = False
                self._key = None
        if self.path is None:
            msg = f"{type(self).__name__} has no file yet; call load(path) first"
            raise ValueError(msg)
        return self.path

    def _lock(self, path: Path) -> FileLock:
        # One lock object per file and session: FileLock is re-entrant per object, so quarantining a file while
        # committing (which already holds the lock) cannot deadlock.
        lock_path = f"{path}.lock"
        if self._filelock is None or self._filelock.lock_file != lock_path:
            self._filelock = FileLock(lock_path, timeout=_LOCK_TIMEOUT, mode=0o600)
        return self._filelock

    def _folder_lock(self) -> FileLock:
        path = os.fspath(self._require_path(None).parent / COMMIT_LOCK)
        if self.commit_lock is None or self.commit_lock.lock_file != path:
            self.commit_lock = FileLock(path, timeout=_LOCK_TIMEOUT, mode=0o600)
        return self.commit_lock

    # -- hooks --------------------------------------------------------------------------------------------

    def _has_pending(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _encode(self) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def _encode_changes(self) -> bytes:  # pragma: no cover - abstract
        """The pending changes as one JSON object (this file's part of a log line)."""
        raise NotImplementedError

    def _apply_changes(self, part: Any) -> None:  # pragma: no cover - abstract
        """Apply one log line's part for this file (as written, in order); pending changes are laid over later."""
        raise NotImplementedError

    def _clear_pending(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _decode(self, payload: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _reset(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply_pending(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- committing ---------------------------------------------------------------------------------------

    def _finish(self, key: StatKey, data: bytes) -> None:
        """A new snapshot of this file is in place (a compaction or a clear)."""
        self._key = key
        self._clear_pending()

    def rollback(self) -> None:
        """Drop every pending change and re-read the file, so memory equals disk again."""
        self._clear_pending()
        self._loaded = False
        self._key = None
        if self.path is not None:
            self._reload(self.path)

    def commit(self, path: Path | str | None = None) -> None:
        """Write pending changes, merged with what other processes wrote meanwhile, atomically and locked.

        A pending value that cannot be encoded raises ``ValueError``/``TypeError`` naming it; the pending
        changes are then dropped (memory equals disk) and the store stays usable.
        """
        self._require_path(path)
        if not self._has_pending():
            return
        commit_together([self], self._folder_lock())

    # -- synchronisation ----------------------------------------------------------------------------------

    def refresh(self, path: Path | str | None = None) -> bool:
        """Re-read what another writer changed. True if anything was read.

        With a mapped change counter that still holds the value seen at the last check, nothing is looked at;
        otherwise a ``stat`` of the snapshot and of the log tell whether either changed, and a grown log is read
        from where this store stopped (only its new bytes).
        """
        target = self._require_path(path) if path is not None or self.path is None else self.path
        counter = self.counter
        view = counter.view if counter is not None else None
        # Read before the stat: a commit that bumps it later is noticed at the next check.
        seen = int(view[0]) if view is not None else None
        if seen is not None and self._loaded and seen == self._seen:
            return False
        key = _stat_path(self._fspath)
        log_key = _stat_path(self._logpath)
        if self._loaded and key == self._key and log_key == self._log_key:
            self._seen = seen
            return False
        if not (self._loaded and key == self._key and self._log_id is not None and self._catch_up()):
            # Only a new snapshot or another log can be part of a multi-file commit in progress.
            if self.before_reload is not None:
                self.before_reload()
            self._reload(target)
        self._seen = seen
        return True

    def _catch_up(self) -> bool:
        """Apply the log's new lines when it is still the log this store follows (False: it is not)."""
        read = _read_log(self._require_path(None).parent, self._log_pos, self._log_id)
        if read is None or not read.same:
            return False
        self._apply_lines(read)
        return True

    def _catch_up_locked(self) -> None:
        """With the commit lock held: bring memory to exactly the snapshot plus the whole log.

        Snapshots change only with a new log (a compaction or a clear), so a store following the log that is still
        there only reads its new lines; anything else (no log yet, another log) re-reads the snapshot.
        """
        path = self._require_path(None)
        if self._loaded and self._log_id is not None and _stat(path) == self._key and self._catch_up():
            return
        self._reload(path, locked=True)

    def _apply_lines(self, read: _LogRead) -> None:
        name = self._require_path(None).name
        for line in read.lines:
            try:
                if name not in _line_names(line):  # only the lines that change this file are decoded
                    continue
                self._apply_changes(json.loads(line)["f"][name])
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
                # Lines are written whole by one write under the lock: only a foreign hand makes one unreadable.
                # The next compaction keeps a copy of the log before replacing it (``_set_aside_log``).
                self._log_damaged = True
                message = f"skipped an unreadable line of the commit log {read_path(self)}: {exc}"
                if all(str(known) != message for known in self.problems):
                    log.warning("%s", message)
                    self.problems.append(CorruptCacheError(message, path=read_path(self)))
        self._log_key = read.key
        self._log_pos = read.end
        self._log_id = read.ident
        self._log_snapshots = read.snapshots
        if read.lines:
            self._apply_pending()

    def _reload(self, path: Path, *, locked: bool = False) -> None:
        """Read the snapshot, then the log on top of it when the snapshot names it.

        A snapshot naming another log than the folder's (a compaction between its renames, or a snapshot an older
        version wrote) is looked at again under the commit lock; one that still differs is taken alone (writers
        compact before writing a line for such a file).
        """
        # The log first: a compaction renames its snapshots before its log, so a snapshot found missing after the
        # log was read was missing while that log was the folder's (read the other way round, a snapshot that a
        # compaction creates between the two reads would be missed).
        read = _read_log(path.parent)
        content = _read(path)  # an OSError other than "missing" propagates: we must not overwrite it
        self._take(path, content)
        if self._key is not None and read is not None and self._snap_log != read.ident and not locked:
            with self._folder_lock():
                recover_commit(path.parent, self._folder_lock())
                self._reload(path, locked=True)
            return
        self._log_id = self._log_key = None
        self._log_pos = self._log_snapshots = 0
        if read is not None:
            follows = self._key is None or self._snap_log == read.ident
            if follows:
                self._apply_lines(read)
            else:
                self._log_key, self._log_pos, self._log_id = read.key, read.end, read.ident
                self._log_snapshots = read.snapshots

    def _take(self, path: Path, content: tuple[StatKey, bytes] | None) -> None:
        self._loaded = True
        self._snap_log = None
        if content is None:
            self._key = None
            self._reset()
            return
        key, raw = content
        try:
            payload = json.loads(raw)
            self._decode(payload)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
            self._key = None
            self._reset()
            self._quarantine(path, key, exc)
            return
        self._key = key
        self._snap_log = payload.get("log") if isinstance(payload.get("log"), str) else None

    def _quarantine(self, path: Path, key: StatKey, reason: Exception) -> None:
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        moved: Path | None = path.with_name(f"{path.name}.corrupt-{stamp}")
        counter = 1
        while moved is not None and moved.exists():
            moved = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        with self._lock(path):
            if _stat(path) != key:  # another process already replaced or moved it
                moved = None
            else:
                try:
                    os.replace(path, moved)  # type: ignore[arg-type]
                except OSError:
                    moved = None
        error = CorruptCacheError(
            f"cache file {path} is unreadable ({reason}); "
            + (f"moved it to {moved.name} and started empty" if moved else "started empty"),
            path=path,
            moved_to=moved,
        )
        log.warning("%s", error)
        self.problems.append(error)
        if self.strict:
            raise error


# -- entity store -------------------------------------------------------------------------------------------


class _Slot:
    """One cached entity: its record (what is written) and the decoded model (made on first use)."""

    __slots__ = ("model", "record")

    def __init__(self, record: dict[str, Any], model: TogglClass | None = None) -> None:
        self.record = record
        self.model = model

    def timestamp(self) -> datetime:
        if self.model is not None:
            return self.model.timestamp
        return _parse(self.record.get("timestamp")) or _MIN

    def at(self) -> datetime | None:
        return self.model.at if self.model is not None else _parse(self.record.get("at"))

    def newer_or_same(self, other: _Slot) -> bool:
        # The server's ``at`` decides when both copies carry one (a later fetch may still return an older
        # version); otherwise the later fetch wins, so a copy built without ``at`` is not shadowed forever.
        mine, theirs = self.at(), other.at()
        if mine is not None and theirs is not None and mine != theirs:
            return mine > theirs
        return self.timestamp() >= other.timestamp()


_Pending = _Slot | datetime  # an upsert, or a deletion at that time


def _local_wins(local: _Pending, other: _Pending | None) -> bool:
    """Whether a pending local change beats the state another process wrote for the same id."""
    if other is None:
        return True
    if isinstance(local, _Slot):
        if isinstance(other, _Slot):
            return local.newer_or_same(other)
        return local.timestamp() > other  # fetched after that deletion
    if isinstance(other, _Slot):
        return local >= other.timestamp()  # deleted after (or when) that copy was fetched
    return local >= other


class _TrackedList(list):  # type: ignore[type-arg]
    """A plain list that remembers whether it was changed (``JSONSession.data``)."""

    __slots__ = ("changed",)

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self.changed = False


def _tracking(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def changing(self: _TrackedList, *args: Any) -> Any:
        self.changed = True
        return method(self, *args)

    changing.__name__ = name
    return changing


for _name in ("append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__delitem__", "__iadd__",
              "__imul__"):
    setattr(_TrackedList, _name, _tracking(_name))


class JSONSession(_SyncedFile, Generic[T]):
    """The entries of one model, mirrored to one JSON file.

    ``data`` is a plain list, as in toggl-api-wrapper: append to it, remove from it, assign an item or the
    whole attribute, and the change reaches the cache like ``add``/``delete`` would (it is merged into the
    session at its next operation and written by ``commit``). A model changed in place is not noticed: put it
    back (``session.data[i] = model``) or use the cache's ``add``.

    Args:
        max_length: Most entries kept in the file; the newest (by fetch ``timestamp``) are kept.
        data: Entries to start with (pending until ``commit``), as toggl-api-wrapper's ``JSONSession(data=...)``.
        model: Class records decode into (records also name their class).
        clock: Time source for tombstones and quarantine names.
        strict: Raise ``CorruptCacheError`` instead of only reporting it in ``problems``.
    """

    def __init__(
        self,
        max_length: int = 10_000,
        data: Iterable[T] | None = None,
        *,
        model: type[T] | None = None,
        clock: Clock | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(clock=clock, strict=strict)
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            msg = f"max_length must be a positive int, got {max_length!r}"
            raise ValueError(msg)
        self.max_length = max_length
        self.model = model
        self.version = __version__
        self._live: dict[int, _Slot] = {}
        self._dead: dict[int, datetime] = {}
        #: Tombstones this session wrote itself (id → time), to order them against its own later upserts.
        self._own_dead: dict[int, datetime] = {}
        self._pending: dict[int, _Pending] = {}
        self._generation = 0
        self._indexes: dict[str, FieldIndex | None] = {}
        self._indexed_generation = -1
        self._sorted_ids: list[int] | None = None
        #: Entries ``max_length`` dropped so far; the cache then stops claiming lists of this model complete.
        self.evicted = 0
        #: Ids dropped by ``max_length`` since the last commit (written to the log with the commit).
        self._evicted_ids: list[int] = []
        self._copied: StatKey | None = None
        self._view: _TrackedList | None = None
        self._view_snapshot: dict[int, Any] = {}
        self._view_generation = -1
        if data is not None:
            self.upsert(self._checked(data))

    def __repr__(self) -> str:
        return f"JSONSession(path={self.path!s}, entries={len(self._live)}, pending={len(self._pending)})"

    # -- file format --------------------------------------------------------------------------------------

    def _reset(self) -> None:
        self._live = {}
        self._dead = {}
        self._apply_pending()

    def _decode(self, payload: Any) -> None:
        if not isinstance(payload, dict):
            msg = "not a JSON object"
            raise TypeError(msg)
        fmt = payload.get("format")
        if fmt is None and "data" in payload and "version" in payload:
            fmt = FORMAT  # toggl-api-wrapper's layout: the same records, without tombstones
        if fmt != FORMAT:
            msg = f"unknown cache format {fmt!r} (this version reads format {FORMAT})"
            raise ValueError(msg)
        data = payload["data"]
        if not isinstance(data, list):
            msg = "'data' is not a list"
            raise TypeError(msg)
        live: dict[int, _Slot] = {}
        for record in data:
            if not isinstance(record, dict) or not isinstance(record.get("id"), int):
                msg = f"record without an integer id: {str(record)[:80]}"
                raise TypeError(msg)
            live[record["id"]] = _Slot(record)
        dead: dict[int, datetime] = {}
        for ident, when in (payload.get("deleted") or {}).items():
            parsed = _parse(when)
            if parsed is not None:
                dead[int(ident)] = parsed
        self.version = str(payload.get("version", __version__))
        self._live = live
        self._dead = dead
        self._apply_pending()

    def _apply_pending(self) -> None:
        """Lay the pending local changes over the state just read, dropping those that lost the merge."""
        for ident, change in list(self._pending.items()):
            other: _Pending | None = self._live.get(ident) or self._dead.get(ident)
            if not self._wins(ident, change, other):
                del self._pending[ident]
                continue
            if isinstance(change, _Slot):
                self._live[ident] = change
                self._dead.pop(ident, None)
            else:
                self._live.pop(ident, None)
                self._dead[ident] = change
        self._changed()

    def _payload(self) -> bytes:
        tables = {type(s.model).__tablename__ for s in self._live.values() if s.model is not None}
        payload = {
            "format": FORMAT,
            "version": __version__,
            "model": self.model.__tablename__ if self.model else (tables.pop() if len(tables) == 1 else None),
            "log": self._snap_log,
            "data": [slot.record for slot in self._live.values()],
            "deleted": {str(i): _iso(t) for i, t in self._dead.items()},
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def _trim(self, *, tombstones: bool = True) -> None:
        excess = len(self._live) - self.max_length
        if excess > 0:
            # The oldest fetches go; among equal times the later-stored ones, as a stable sort newest-first would.
            oldest = heapq.nsmallest(
                excess, enumerate(self._live.items()), key=lambda item: (item[1][1].timestamp(), -item[0])
            )
            for _, (ident, _slot) in oldest:
                del self._live[ident]
                self._evicted_ids.append(ident)
            self.evicted += excess
            self._changed()
        if tombstones and len(self._dead) > self.max_length:  # only when the snapshot is rewritten
            newest_dead = sorted(self._dead.items(), key=lambda item: item[1], reverse=True)
            self._dead = dict(newest_dead[: self.max_length])

    def _encode_changes(self) -> bytes:
        self._trim(tombstones=False)
        upserts = [change.record for change in self._pending.values() if isinstance(change, _Slot)]
        deleted = {str(i): _iso(t) for i, t in self._pending.items() if isinstance(t, datetime)}
        part = {"up": upserts, "del": deleted, "evict": self._evicted_ids}
        try:
            return json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
        except (ValueError, TypeError) as exc:
            raise self._encoding_error(exc) from exc

    def _apply_changes(self, part: Any) -> None:
        upserts = list(part.get("up", ()))
        for record in upserts:
            if not isinstance(record, dict) or not isinstance(record.get("id"), int):
                msg = f"record without an integer id: {str(record)[:80]}"
                raise TypeError(msg)
        deleted = [(int(ident), _parse(when)) for ident, when in part.get("del", {}).items()]
        evicted = [int(ident) for ident in part.get("evict", ())]
        # Checked whole before anything is applied: an unreadable part changes nothing.
        for record in upserts:
            self._live[record["id"]] = _Slot(record)
            self._dead.pop(record["id"], None)
        for ident, when in deleted:
            if when is not None:
                self._live.pop(ident, None)
                self._dead[ident] = when
        for ident in evicted:
            self._live.pop(ident, None)
        self._changed()

    # -- public operations --------------------------------------------------------------------------------

    def refresh(self, path: Path | str | None = None) -> bool:
        """Re-read the file if another writer changed it (after taking in changes made to ``data``)."""
        self._flush_view()
        return super().refresh(path)

    def load(self, path: Path | str) -> None:
        """Bind the session to ``path`` and read it (a missing file is an empty cache)."""
        self._require_path(path)
        self.refresh()

    def _has_pending(self) -> bool:
        self._flush_view()  # changes made to the list ``data`` returned are pending changes too
        return bool(self._pending)

    def _clear_pending(self) -> None:
        self._pending.clear()
        self._evicted_ids = []

    def rollback(self) -> None:
        """Drop every pending change (own deletions not written included) and re-read the file."""
        for ident, change in self._pending.items():
            if isinstance(change, datetime) and self._own_dead.get(ident) == change:
                del self._own_dead[ident]
        super().rollback()

    def _encode(self) -> bytes:
        self._trim()
        try:
            return self._payload()
        except (ValueError, TypeError) as exc:
            raise self._encoding_error(exc) from exc

    def _encoding_error(self, exc: Exception) -> Exception:
        """The error naming the first pending entity that cannot be encoded."""
        for ident, change in self._pending.items():
            if not isinstance(change, _Slot):
                continue
            try:
                json.dumps(change.record, ensure_ascii=False, separators=(",", ":")).encode()
            except (ValueError, TypeError) as bad:
                model = change.record.get("class", self.model.__tablename__ if self.model else "entry")
                msg = (
                    f"cannot store {model} {ident} in {self.path}: {bad}; "
                    "the pending changes of this commit were dropped (the cache holds what the file holds)"
                )
                return ValueError(msg) if isinstance(bad, ValueError) else TypeError(msg)
        msg = f"cannot encode {self.path}: {exc}; the pending changes of this commit were dropped"
        return ValueError(msg) if isinstance(exc, ValueError) else TypeError(msg)

    @property
    def data(self) -> list[T]:
        """Every entry (expired ones too), ordered by id, as a list you may change (see the class docstring)."""
        self._flush_view()
        if self._view is None or self._view_generation != self._generation:
            models = [m for m in (self._decoded(i) for i in self._ids()) if m is not None]
            self._view = _TrackedList(models)
            self._view_snapshot = {m.id: m for m in models}
            self._view_generation = self._generation
        return self._view

    @data.setter
    def data(self, entries: Iterable[T]) -> None:
        new = self._checked(entries)
        self.data[:] = new
        self._flush_view()

    def process_data(self, data: list[T]) -> list[T]:
        """toggl-api-wrapper's trimming step: the newest ``max_length`` of ``data`` by fetch ``timestamp``,
        oldest first, as a new list (2.2.0 kept the oldest and sorted the caller's list in place, C7)."""
        newest = sorted(self._checked(data), key=lambda m: m.timestamp, reverse=True)[: self.max_length]
        return newest[::-1]

    @staticmethod
    def _checked(entries: Iterable[Any]) -> list[T]:
        items = list(entries)
        for item in items:
            if not isinstance(item, TogglClass):
                msg = f"JSONSession.data holds Toggl models, got {type(item).__name__}"
                raise TypeError(msg)
        return items

    def _flush_view(self) -> None:
        """Turn changes made to the list ``data`` returned into upserts and deletions."""
        view = self._view
        if view is None or not view.changed:
            return
        self._view = None
        entries = self._checked(view)
        kept = {entry.id for entry in entries}
        removed = [ident for ident in self._view_snapshot if ident not in kept]
        changed = [entry for entry in entries if self._view_snapshot.get(entry.id) is not entry]
        if removed:
            self.remove(removed)
        if changed:
            self.upsert(changed)

    def __len__(self) -> int:
        self._flush_view()
        return len(self._live)

    def get(self, ident: int) -> T | None:
        """The entry with this id (no refresh, no expiry), or ``None``."""
        self._flush_view()
        slot = self._live.get(ident)
        if slot is None:
            return None
        return self._decode_slot(ident, slot)

    def upsert(self, entries: Sequence[T]) -> None:
        """Insert or replace entries (pending until ``commit``)."""
        for entry in entries:
            slot = _Slot(to_record(entry), entry)
            if not self._beats_stored(entry.id, slot):
                continue
            self._live[entry.id] = slot
            self._dead.pop(entry.id, None)
            self._own_dead.pop(entry.id, None)
            self._pending[entry.id] = slot
        self._changed()

    def remove(self, ids: Sequence[int], when: datetime | None = None) -> None:
        """Delete entries by id, leaving tombstones dated ``when`` (the clock's now by default)."""
        moment = when or self.clock.now()
        for ident in ids:
            if not self._beats_stored(ident, moment):
                continue
            self._live.pop(ident, None)
            self._dead[ident] = moment
            self._own_dead[ident] = moment
            self._pending[ident] = moment
        self._changed()

    def _beats_stored(self, ident: int, change: _Pending) -> bool:
        # Our own earlier changes are simply replaced; what another process wrote is only replaced by a newer
        # version (the same rule as when merging on re-read), so a stale copy cannot undo a newer write or
        # revive a deleted entity.
        if ident in self._pending:
            return True
        return self._wins(ident, change, self._live.get(ident) or self._dead.get(ident))

    def _wins(self, ident: int, change: _Pending, other: _Pending | None) -> bool:
        if isinstance(change, _Slot) and isinstance(other, datetime) and self._own_dead.get(ident) == other:
            # Our own deletion: a copy we store after it was fetched no earlier (a refetch right after dropping
            # an entry), so the same instant is no conflict; only an older copy stays deleted.
            return change.timestamp() >= other
        return _local_wins(change, other)

    def select(self, queries: Sequence[TogglQuery[Any]], keep: Callable[[T], bool] | None = None) -> list[T]:
        """Entries matching every query (and ``keep``), ordered by id; indexes narrow range and IN lookups."""
        self._flush_view()
        ids: Sequence[int] | None = None
        by_key: dict[str, list[TogglQuery[Any]]] = {}
        for query in queries:
            by_key.setdefault(query.key, []).append(query)
        for key, on_key in by_key.items():
            index = self._index(key)
            found = index.candidates_all(on_key) if index is not None else None
            if found is not None and (ids is None or len(found) < len(ids)):
                ids = found
        ordered = sorted(set(ids)) if ids is not None else self._ids()
        matches = compile_matcher(queries) if queries else None
        result: list[T] = []
        for ident in ordered:
            model = self._decoded(ident)
            if model is None or (keep is not None and not keep(model)):
                continue
            if matches is not None and not matches(model):
                continue
            result.append(model)
        return result

    # -- internals ----------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self._generation += 1
        self._sorted_ids = None

    def _ids(self) -> list[int]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self._live)
        return self._sorted_ids

    def _decoded(self, ident: int) -> T | None:
        slot = self._live.get(ident)
        return None if slot is None else self._decode_slot(ident, slot)

    def _decode_slot(self, ident: int, slot: _Slot) -> T | None:
        if slot.model is None:
            try:
                slot.model = from_record(slot.record, self.model)
            except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
                # Values out of range (absurd dates, wrong types): the record is dropped from memory, and the
                # file version holding it is copied aside once, like a corrupt file, so nothing is lost unseen.
                moved = self._copy_aside()
                error = CorruptCacheError(
                    f"record {ident} in {self.path} is unreadable ({type(exc).__name__}: {exc}); skipped it"
                    + (f" and kept a copy of the file as {moved.name}" if moved is not None else ""),
                    path=self.path,
                    moved_to=moved,
                )
                log.warning("%s", error)
                self.problems.append(error)
                del self._live[ident]
                self._changed()
                if self.strict:
                    raise error from exc
                return None
        return slot.model  # type: ignore[return-value]

    def _copy_aside(self) -> Path | None:
        """Copy the file version in memory to ``<file>.corrupt-<time>`` (once per version)."""
        if self.path is None or self._key is None or self._copied == self._key:
            return None
        self._copied = self._key
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%fZ")
        copy = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while copy.exists():
            copy = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        try:
            content = _read(self.path)
            if content is None or content[0] != self._key:
                return None
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content[1])
        except OSError:
            return None
        return copy

    def _index(self, name: str) -> FieldIndex | None:
        if self._indexed_generation != self._generation:
            self._indexes = {}
            self._indexed_generation = self._generation
        if name not in self._indexes:
            models = [m for m in (self._decoded(i) for i in list(self._live)) if m is not None]
            if self._indexed_generation != self._generation:  # decoding dropped unreadable records
                self._indexes = {}
                self._indexed_generation = self._generation
            self._indexes[name] = build_index(models, name) if name != "tags" else None
        return self._indexes[name]


# -- completeness markers -----------------------------------------------------------------------------------


class MarkerStore(_SyncedFile):
    """When each list (``scope``) was last fetched completely; merged across processes by the time of marking."""

    def __init__(self, *, clock: Clock | None = None, strict: bool = False) -> None:
        super().__init__(clock=clock, strict=strict)
        self._markers: dict[str, tuple[datetime | None, datetime]] = {}
        self._pending: dict[str, tuple[datetime | None, datetime]] = {}
        # Small text values (``TogglCache.set_value``), merged the same way: the latest ``set_at`` wins.
        self._values: dict[str, tuple[str | None, datetime]] = {}
        self._pending_values: dict[str, tuple[str | None, datetime]] = {}

    def _reset(self) -> None:
        self._markers = {}
        self._values = {}
        self._apply_pending()

    def _decode(self, payload: Any) -> None:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            msg = "unknown marker file format"
            raise ValueError(msg)
        self._markers, self._values = self._parse_entries(payload)
        self._apply_pending()

    @staticmethod
    def _parse_entries(
        payload: dict[str, Any],
    ) -> tuple[dict[str, tuple[datetime | None, datetime]], dict[str, tuple[str | None, datetime]]]:
        markers: dict[str, tuple[datetime | None, datetime]] = {}
        for scope, entry in (payload.get("markers") or {}).items():
            set_at = _parse(entry["set_at"])
            if set_at is None:
                msg = f"marker {scope!r} has no valid set_at"
                raise ValueError(msg)
            markers[str(scope)] = (_parse(entry.get("completed_at")), set_at)
        values: dict[str, tuple[str | None, datetime]] = {}
        for key, entry in (payload.get("values") or {}).items():
            set_at = _parse(entry["set_at"])
            value = entry.get("value")
            if set_at is None or not (value is None or isinstance(value, str)):
                msg = f"value {key!r} is not a string with a valid set_at"
                raise ValueError(msg)
            values[str(key)] = (value, set_at)
        return markers, values

    def _apply_pending(self) -> None:
        for scope, change in list(self._pending.items()):
            other = self._markers.get(scope)
            if other is not None and other[1] > change[1]:
                del self._pending[scope]
            else:
                self._markers[scope] = change
        for key, value_change in list(self._pending_values.items()):
            current = self._values.get(key)
            if current is not None and current[1] > value_change[1]:
                del self._pending_values[key]
            else:
                self._values[key] = value_change

    def get(self, scope: str) -> datetime | None:
        """When ``scope`` was completed (no refresh)."""
        entry = self._markers.get(scope)
        return entry[0] if entry else None

    def set(self, scope: str, when: datetime | None) -> None:
        """Record (or with ``None`` forget) a completed list; pending until ``commit``.

        Raises:
            TypeError: ``when`` is neither an aware datetime nor ``None`` (nothing is recorded).
        """
        check_marker_time(scope, when)
        change = (when, self.clock.now())
        self._markers[scope] = change
        self._pending[scope] = change

    def scopes(self) -> list[str]:
        """Every scope with a marker (no refresh)."""
        return [scope for scope, (when, _) in self._markers.items() if when is not None]

    def get_value(self, key: str) -> str | None:
        """The text stored under ``key`` (no refresh)."""
        entry = self._values.get(key)
        return entry[0] if entry else None

    def set_value(self, key: str, value: str | None) -> None:
        """Store (or with ``None`` forget) a text value; pending until ``commit``.

        Raises:
            TypeError: ``value`` is neither a string nor ``None`` (nothing is stored).
        """
        check_stored_value(key, value)
        change = (value, self.clock.now())
        self._values[key] = change
        self._pending_values[key] = change

    def _has_pending(self) -> bool:
        return bool(self._pending or self._pending_values)

    @staticmethod
    def _records(markers: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Markers and values as a snapshot and a log line both store them."""
        return {
            "markers": {
                scope: {"completed_at": _iso(when) if when else None, "set_at": _iso(set_at)}
                for scope, (when, set_at) in markers.items()
            },
            "values": {key: {"value": value, "set_at": _iso(set_at)} for key, (value, set_at) in values.items()},
        }

    def _encode_changes(self) -> bytes:
        return json.dumps(self._records(self._pending, self._pending_values), separators=(",", ":")).encode()

    def _apply_changes(self, part: Any) -> None:
        markers, values = self._parse_entries(part)
        self._markers.update(markers)
        self._values.update(values)

    def _clear_pending(self) -> None:
        self._pending.clear()
        self._pending_values.clear()

    def _encode(self) -> bytes:
        payload = {
            "format": FORMAT,
            "version": __version__,
            "log": self._snap_log,
            **self._records(self._markers, self._values),
        }
        return json.dumps(payload, separators=(",", ":")).encode()


# -- multi-file commits -------------------------------------------------------------------------------------


def _write_temp(target: Path, data: bytes) -> tuple[str, StatKey]:
    """``data`` in a fsynced temp file next to ``target`` (0600); its path and the key it keeps once renamed."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PENDING_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            return tmp, _stat_key(os.fstat(handle.fileno()))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _sync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # make renames durable where the platform allows it
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def recover_commit(directory: Path, lock: FileLock) -> bool:
    """Finish (or discard) a multi-file commit a writer left behind; True when there was one.

    A journal means the writer passed its commit point: every temp it names that is still there is renamed over
    its target. Temps without a journal never reached the commit point and are deleted.
    """
    journal = directory / JOURNAL
    if not journal.exists() and not any(directory.glob(f".*{_PENDING_SUFFIX}")):
        return False
    with lock:
        found = _read(journal)
        if found is not None:
            try:
                pairs = _journal_pairs(directory, json.loads(found[1]))
            except (ValueError, TypeError, KeyError) as exc:  # written atomically, so only a foreign file
                log.warning("ignoring an unreadable commit journal in %s: %s", directory, exc)
                pairs = []
            for tmp, target in pairs:
                if tmp.exists():
                    _replace(os.fspath(tmp), target)
                    _step(f"recover {target.name}")
            _sync_dir(directory)
            journal.unlink()
            bump_counter(directory)
            log.warning("finished a commit of %s that a writer left half done", directory)
        for stale in [*directory.glob(f".*{_PENDING_SUFFIX}"), *directory.glob(f".{JOURNAL}.*.tmp")]:
            with contextlib.suppress(OSError):
                stale.unlink()
    return found is not None


def _journal_pairs(directory: Path, journal: Any) -> list[tuple[Path, Path]]:
    """The (temp, target) paths a journal names; only plain names of this directory's cache files count."""
    pairs = []
    for tmp, target in journal["renames"]:
        tmp, target = str(tmp), str(target)
        plain = Path(tmp).name == tmp and Path(target).name == target
        if not (plain and tmp.startswith(f".{target}.") and tmp.endswith(_PENDING_SUFFIX)):
            msg = f"unexpected entry {tmp!r} -> {target!r}"
            raise ValueError(msg)
        pairs.append((directory / tmp, directory / target))
    return pairs


def commit_together(stores: Sequence[_SyncedFile], lock: FileLock, before_encode: Callable[[], None] | None = None
                    ) -> None:
    """Commit several stores of one directory so that a reader sees all of their changes or none.

    One line appended to the folder's log holds every store's changes; when the log is missing (the folder's
    first commit, or a folder of an older version), when a changed file's snapshot does not name the log, or when
    the log outgrew the snapshots, the snapshots are rewritten instead (a compaction), in one journaled commit.

    Args:
        stores: The stores to commit (each bound to a file of the same directory).
        lock: The directory's commit lock.
        before_encode: Called once the stores are merged with the disk and their own content is final, before
            the last store is encoded (the JSON cache forgets markers of trimmed models there).

    Raises:
        ValueError, TypeError: a pending value cannot be encoded; every store then drops its pending changes
            and re-reads its file, and nothing is written.
    """
    stores = [store for store in stores if store.path is not None]
    if not any(store._has_pending() for store in stores):
        return
    directory = stores[0].path.parent  # type: ignore[union-attr]
    make_private_dirs(directory)
    with lock, contextlib.ExitStack() as held:
        recover_commit(directory, lock)
        _step("begin")
        for store in sorted(stores, key=lambda item: str(item.path)):
            store.commit_lock = lock
            held.enter_context(store._lock(store.path))  # type: ignore[arg-type]
        try:
            for store in stores:
                store._catch_up_locked()
            read = _read_log(directory, stores[0]._log_pos, stores[0]._log_id)
            if read is not None and not read.same:  # pragma: no cover - every store just read this very log
                read = None
            compact = read is None or _compact_due(read) or any(
                store._key is not None and store._snap_log != read.ident and store._has_pending() for store in stores
            )
            if compact:
                _compact(directory, stores, before_encode, held, lock)
                return
            parts: list[tuple[_SyncedFile, bytes]] = []
            for n, store in enumerate(stores):
                if n == len(stores) - 1 and before_encode is not None:
                    before_encode()
                if store._has_pending():
                    parts.append((store, store._encode_changes()))
            assert read is not None
            if any(store._key is not None and store._snap_log != read.ident for store, _ in parts):
                # ``before_encode`` changed a file whose snapshot names another log: no line may be written for it
                _compact(directory, stores, before_encode, held, lock)
                return
        except (ValueError, TypeError):
            for store in stores:
                store.rollback()
            raise
        if not parts:
            return
        names = [store.path.name for store, _ in parts]  # type: ignore[union-attr]
        line = b'{"n":' + json.dumps(names).encode() + b',"f":{' + b",".join(
            json.dumps(name).encode() + b":" + part for name, (_, part) in zip(names, parts, strict=True)
        ) + b"}}\n"
        _step("append")
        key = _append_log(directory, read.end, line)
        for store, _ in parts:
            store._clear_pending()
        for store in stores:
            store._log_key, store._log_pos, store._log_id = key, read.end + len(line), read.ident
        _step("counter")
        bump_counter(directory)
        _step("done")


def _compact_due(read: _LogRead) -> bool:
    """Whether the log outgrew the snapshots (and ``LOG_MIN_COMPACT``): then a commit compacts."""
    return read.end > max(read.snapshots, LOG_MIN_COMPACT)


def _line_names(line: bytes) -> list[str]:
    """The files a log line has changes for, read from its head (``{"n": [names], "f": ...}``) alone.

    Raises:
        ValueError: not a line of this layout.
    """
    cut = line.index(b',"f":')  # file names are plain ``cache_*.json`` names: this cannot occur inside them
    names = json.loads(line[5:cut])
    if not line.startswith(b'{"n":') or not isinstance(names, list):
        msg = "not a commit line"
        raise ValueError(msg)
    return [str(name) for name in names]


def _log_names(directory: Path) -> set[str]:
    """The files the folder's log has lines for."""
    names: set[str] = set()
    read = _read_log(directory)
    for line in read.lines if read is not None else ():
        with contextlib.suppress(ValueError, RecursionError):
            names.update(_line_names(line))
    return names


def _store_for(path: Path) -> _SyncedFile:
    """A store for a file of the folder that no store of the commit holds (it keeps whatever it holds)."""
    if path.name == META_FILE:
        return MarkerStore()
    model = MODELS_BY_TABLE.get(path.name[len("cache_") : -len(".json")])
    return JSONSession(sys.maxsize, model=model)


def compact_directory(directory: Path, lock: FileLock) -> None:
    """Rewrite every snapshot of ``directory`` whole and start an empty log (as a commit does when the log outgrew
    the snapshots): afterwards each ``cache_*.json`` holds all of its file's data, for tools that read it alone."""
    with lock, contextlib.ExitStack() as held:
        recover_commit(directory, lock)
        if (directory / LOG_FILE).exists():
            _compact(directory, [], None, held, lock)


def _compact(directory: Path, stores: list[_SyncedFile], before_encode: Callable[[], None] | None,
             held: contextlib.ExitStack, lock: FileLock) -> None:
    """With the commit lock held: rewrite every snapshot of the folder from memory and start a fresh log.

    Snapshots and the new log are written as one journaled commit, so a reader sees the old snapshots with the old
    log or the new ones with the new log (a reader meeting a snapshot that names another log takes the lock and
    looks again: see the module docstring).
    """
    ident = secrets.token_hex(16)
    held_names = {store.path.name for store in stores}  # type: ignore[union-attr]
    logged = _log_names(directory)
    # Every snapshot is rewritten: one left naming the old log would be read without its lines.
    names = {p.name for p in directory.glob("cache_*.json") if p.is_file()} | logged
    extra: list[_SyncedFile] = []
    for name in sorted(names - held_names):
        if not (name.startswith("cache_") and name.endswith(".json") and Path(name).name == name):
            continue
        store = _store_for(directory / name)
        store.commit_lock = lock
        store._require_path(directory / name)
        held.enter_context(store._lock(directory / name))
        store._reload(directory / name, locked=True)
        extra.append(store)
    everything = extra + stores
    clock = everything[0].clock if everything else SYSTEM_CLOCK
    _set_aside_log(directory, everything, clock.now().strftime("%Y%m%dT%H%M%S%fZ"))
    prepared: list[tuple[_SyncedFile, bytes]] = []
    for n, store in enumerate(everything):
        if n == len(everything) - 1 and before_encode is not None:
            before_encode()
        name = store.path.name  # type: ignore[union-attr]
        if store in extra or store._key is not None or store._has_pending() or name in logged:
            store._snap_log = ident
            prepared.append((store, store._encode()))
    for store, _ in prepared:
        _remove_stale_temps(store.path)  # type: ignore[arg-type]  # an atomic_write's temp a writer left
    size = sum(len(data) for _, data in prepared)
    header = _log_header(ident, size)
    log_file = _Emptied(directory / LOG_FILE)
    _step("compact")
    _commit_journaled(directory, [*prepared, (log_file, header)])
    for store in everything:
        store._log_id, store._log_key, store._log_pos, store._log_snapshots = ident, log_file._key, len(header), size
    _step("counter")
    bump_counter(directory)
    _step("done")


def _commit_journaled(directory: Path, prepared: list[tuple[_SyncedFile, bytes]]) -> None:
    written: list[tuple[_SyncedFile, str, StatKey, bytes]] = []
    try:
        for store, data in prepared:
            tmp, key = _write_temp(store.path, data)  # type: ignore[arg-type]
            written.append((store, tmp, key, data))
            _step(f"temp {store.path.name}")  # type: ignore[union-attr]
        journal = {
            "format": FORMAT,
            "renames": [[Path(tmp).name, store.path.name] for store, tmp, _, _ in written],  # type: ignore[union-attr]
        }
        atomic_write(directory / JOURNAL, json.dumps(journal).encode())
    except BaseException:
        for _, tmp, _, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    try:
        _step("journal")
        for store, tmp, _, _ in written:
            _replace(tmp, store.path)  # type: ignore[arg-type]
            _step(f"rename {store.path.name}")  # type: ignore[union-attr]
        _sync_dir(directory)
        (directory / JOURNAL).unlink()
    except BaseException:
        for store, _, _, _ in written:  # the journal finishes the commit later; re-read then
            store._loaded = False
        raise
    for store, _, key, data in written:
        store._finish(key, data)


class _Emptied(_SyncedFile):
    """A file rewritten whole by a compaction or a clear (it has no pending changes of its own)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._fspath = os.fspath(path)

    def _clear_pending(self) -> None:
        pass


def _empty_content(path: Path, ident: str) -> bytes:
    """The content of an empty cache file: no entities and no tombstones, or no markers and no values."""
    if path.name == META_FILE:
        payload: dict[str, Any] = {"format": FORMAT, "version": __version__, "log": ident, "markers": {},
                                   "values": {}}
    else:
        table = path.name[len("cache_") : -len(".json")]
        payload = {"format": FORMAT, "version": __version__, "model": table, "log": ident, "data": [],
                   "deleted": {}}
    return json.dumps(payload, separators=(",", ":")).encode()


def clear_directory(directory: Path, lock: FileLock) -> list[Path]:
    """Empty every cache file of ``directory`` (entities, tombstones, list markers, stored values) at once.

    One journaled commit (see the module docstring) under the commit lock and every file's own lock, writing
    empty snapshots and a fresh (empty) log: a reader in another process sees the whole old cache or an empty
    one, never a mix, and a writer waits for the locks and then merges its own pending changes into the emptied
    files (what it writes after the clear is kept). Files are rewritten in place of being deleted, so they stay
    0600. Quarantined copies (``*.corrupt-*``) are left alone: they are the user's to inspect.

    Returns:
        The files emptied.
    """
    make_private_dirs(directory)
    with lock, contextlib.ExitStack() as held:
        recover_commit(directory, lock)
        files = sorted(p for p in directory.glob("cache_*.json") if p.is_file())
        stores = [_Emptied(path) for path in files]
        for store in stores:
            held.enter_context(store._lock(store._require_path(None)))
        ident = secrets.token_hex(16)
        prepared: list[tuple[_SyncedFile, bytes]] = [
            (store, _empty_content(store._require_path(None), ident)) for store in stores
        ]
        if prepared or (directory / LOG_FILE).exists():
            prepared.append((_Emptied(directory / LOG_FILE), _log_header(ident, 0)))
            _commit_journaled(directory, prepared)
        bump_counter(directory)
    return files


def iter_problems(*stores: _SyncedFile) -> Iterator[CorruptCacheError]:
    """Every problem the stores reported."""
    for store in stores:
        yield from store.problems


def expired_before(now: datetime, expire_after: timedelta | None) -> datetime | None:
    """The cut-off fetch time (entries fetched at or before it are stale), or ``None``."""
    return None if expire_after is None else now - expire_after


class CustomEncoder(json.JSONEncoder):
    """toggl-api-wrapper's encoder name: models become records, dates ISO 8601 strings, durations seconds."""

    def default(self, obj: Any) -> Any:
        """Encode a model, a date/datetime or a timedelta (anything else: ``TypeError``)."""
        if isinstance(obj, TogglClass):
            return to_record(obj)
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, timedelta):
            return obj.total_seconds()
        return super().default(obj)


class CustomDecoder(json.JSONDecoder):
    """toggl-api-wrapper's decoder name: objects with a ``"class"`` become models; strings are never sniffed."""

    #: Record ``"class"`` → model (2.2.0's name; its ``"base"`` tag is not read, see docs/migrating.md).
    MATCH_DICT: ClassVar[dict[str, type[TogglClass]]] = MODELS_BY_TABLE

    def __init__(
        self,
        *,
        object_hook: Callable[[dict[str, Any]], Any] | None = None,
        parse_float: Callable[[str], Any] | None = None,
        parse_int: Callable[[str], Any] | None = None,
        parse_constant: Callable[[str], Any] | None = None,
        strict: bool = True,
        object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
    ) -> None:
        super().__init__(
            object_hook=object_hook or self._object_hook,
            parse_float=parse_float,
            parse_int=parse_int,
            parse_constant=parse_constant,
            strict=strict,
            object_pairs_hook=object_pairs_hook,
        )

    def decode(self, obj: Any, *args: Any) -> Any:
        """Decode a JSON document; already-parsed lists and dicts (as 2.2.0 accepted) get their models built."""
        if isinstance(obj, str):
            return super().decode(obj, *args)
        if isinstance(obj, list):
            return [self.decode(item) for item in obj]
        if isinstance(obj, dict):
            decoded = {key: self.decode(value) for key, value in obj.items()}
            return self.object_hook(decoded) if self.object_hook is not None else decoded
        return obj

    @staticmethod
    def _object_hook(obj: dict[str, Any]) -> Any:
        if isinstance(obj.get("class"), str) and isinstance(obj.get("id"), int):
            try:
                return from_record(obj)
            except KeyError:
                return obj
        return obj
