"""``AsyncJSONCache``: a cache in JSON files, one per model (``cache_<tablename>.json``), safe to share between
processes.

Storage, merging and crash safety live in ``toggl_api._io.json_store``; this class adds the cache contract:
models per call, expiry by fetch ``timestamp`` with the cache's clock (the same rule in ``load``, ``find`` and
``query``), list-completeness markers (``cache_meta.json``) and statistics. File I/O is small and local, so the
async variant performs it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from filelock import FileLock

from ..._core.api.request import RequestMethod
from ..._core.cache_args import check_find, find_target
from ..._core.clock import Clock
from ..._core.coverage import COVERAGE_KEY
from ..._core.errors import CorruptCacheError
from ..._core.models import TogglClass, TogglTracker
from ..._core.models._base import MAX_ID
from ..._core.query import TogglQuery, distinct, validate_queries
from ..._io.json_store import (
    COMMIT_LOCK,
    META_FILE,
    ChangeCounter,
    JSONSession,
    MarkerStore,
    clear_directory,
    commit_together,
    recover_commit,
)
from ..._io.paths import make_private_dirs
from .base import TogglAsyncCache, entry_id_of

if TYPE_CHECKING:
    from ..endpoint import TogglAsyncCachedEndpoint

__all__ = ["AsyncJSONCache"]

T = TypeVar("T", bound=TogglClass)

#: Operations between two checks that the mapped change counter is still the folder's file.
_COUNTER_CHECK_EVERY = 1024


class AsyncJSONCache(TogglAsyncCache[T]):
    """JSON file cache.

    Args:
        path: Directory of the cache files (created 0700 if missing).
        expire_after: Seconds or a timedelta after which entries are stale; ``None`` never; 0 disables caching.
        parent: The endpoint using the cache.
        max_length: Most entries kept per model file; the newest are kept.
        clock: Time source for expiry.
        strict: Raise ``CorruptCacheError`` for an unreadable file instead of quarantining it and starting empty.

    Models returned by the cache are the cached objects themselves: change them through ``add``/``update``.
    """

    def __init__(
        self,
        path: Path | PathLike[str] | str,
        expire_after: timedelta | int | None = None,
        parent: TogglAsyncCachedEndpoint[T] | None = None,
        *,
        max_length: int = 10_000,
        clock: Clock | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(path, expire_after, parent, clock=clock)
        JSONSession(max_length)  # validates max_length early
        self.max_length = max_length
        self.strict = strict
        make_private_dirs(self._cache_path)
        self._sessions: dict[type[TogglClass], JSONSession[Any]] = {}
        self._commit_lock = FileLock(str(self._cache_path / COMMIT_LOCK), timeout=60.0, mode=0o600)
        #: The folder's change counter: reads look at the files only after a commit bumped it.
        self._counter = ChangeCounter(self._cache_path)  # mapped by the first operation
        #: Operations left before the map is checked against the folder's counter file (0: at the next one).
        self._checks_left = 0
        self._markers = MarkerStore(clock=self.clock, strict=strict)
        self._markers.before_reload = self._recover
        self._markers.counter = self._counter
        self._markers.commit_lock = self._commit_lock

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={str(self._cache_path)!r}, expire_after={self._expire_after!r})"

    # -- files --------------------------------------------------------------------------------------------

    @property
    def cache_path(self) -> Path:
        """The file of the parent's model (``MissingParentError`` without a parent)."""
        return self.cache_path_for(self.model)

    def cache_path_for(self, model: type[TogglClass]) -> Path:
        """The file that stores ``model``."""
        return self._cache_path / f"cache_{model.__tablename__}.json"

    @property
    def session(self) -> JSONSession[T]:
        """The session of the parent's model."""
        return self._session(self.model)

    @property
    def problems(self) -> list[CorruptCacheError]:
        """Unreadable files or records met so far (each was quarantined or skipped and logged)."""
        found: list[CorruptCacheError] = []
        for session in self._sessions.values():
            found += session.problems
        return found + self._markers.problems

    def _session(self, model: type[T]) -> JSONSession[T]:
        self._checks_left -= 1
        if self._checks_left <= 0:
            self._check_counter()
        session = self._sessions.get(model)
        if session is None:
            session = JSONSession(self.max_length, model=model, clock=self.clock, strict=self.strict)
            session.before_reload = self._recover
            session.counter = self._counter
            session.commit_lock = self._commit_lock
            self._sessions[model] = session
            session.load(self.cache_path_for(model))
        else:
            session.refresh()
        return session

    def _keep(self) -> Callable[[TogglClass], bool] | None:
        """The freshness test of one read (``is_fresh`` with the clock read once), ``None`` when nothing expires."""
        if self._expire_after is None:
            return None
        cutoff = self.now() - self._expire_after
        return lambda entry: entry.timestamp > cutoff  # now - timestamp < expire_after

    def _recover(self) -> None:
        # Before any file is re-read: finish a multi-file commit a dead writer left (or wait for a live one).
        recover_commit(self._cache_path, self._commit_lock)

    def _marker_store(self) -> MarkerStore:
        self._checks_left -= 1
        if self._checks_left <= 0:
            self._check_counter()
        self._markers.refresh(self._cache_path / META_FILE)
        return self._markers

    def _check_counter(self) -> None:
        # Now and then (and after aclose, a commit or a clear): is the map still the folder's counter file? One
        # deleted under us (the folder removed and made again, say) would never change again, so it is mapped
        # anew. Every store also looks at its files once more, so a commit whose writer died before its bump is
        # seen within this many operations even when no other commit follows.
        self._checks_left = _COUNTER_CHECK_EVERY
        if not self._counter.current():
            self._counter.close()
            self._counter.open()
        for store in [*self._sessions.values(), self._markers]:
            store._seen = None

    async def aclose(self) -> None:
        """Unmap the folder's change counter (the cache stays usable and maps it again on demand)."""
        self._counter.close()
        self._checks_left = 0

    # -- the contract ---------------------------------------------------------------------------------------

    async def commit(self) -> None:
        """Write every model file (and the markers) with pending changes, all or nothing.

        The changes of every file are one line appended to the folder's log ``cache.log``; when the log has
        outgrown the files, the files are rewritten whole instead, as one journaled commit (see
        ``toggl_api._io.json_store``). Either way a reader, even after a crash at any instant, sees either every
        change of the commit or none, and its cost follows the size of the change, not of the cache (the
        rewrites, once per log's worth of changes, excepted). A pending value that cannot be
        encoded raises ``ValueError``/``TypeError`` naming the entity; nothing is written, every pending change
        is dropped (memory equals the files again) and the cache stays usable.

        When ``max_length`` drops entries of a model, the lists of that model (and for time entries the
        covered ranges) are no longer known complete: their markers are forgotten in the same commit, so the
        next read asks Toggl instead of answering with a list missing the dropped entries.
        """
        sessions = list(self._sessions.items())
        if not self._markers._has_pending() and not any(s._has_pending() for _, s in sessions):
            return
        markers = self._marker_store()
        evicted = {model: session.evicted for model, session in sessions}

        def forget_trimmed() -> None:
            for model, session in sessions:
                if session.evicted != evicted[model]:
                    self._forget_lists_of(model)

        commit_together([session for _, session in sessions] + [markers], self._commit_lock, forget_trimmed)
        self._checks_left = 0  # the commit may have made the folder again: check the counter at the next read

    def _forget_lists_of(self, model: type[TogglClass]) -> None:
        markers = self._marker_store()
        prefix = f"{model.__tablename__}s"  # list scopes are named after the plural: "tags/<ws>", "workspaces"
        for scope in markers.scopes():
            if scope.startswith(prefix):
                markers.set(scope, None)
        if issubclass(model, TogglTracker) and markers.get_value(COVERAGE_KEY) is not None:
            markers.set_value(COVERAGE_KEY, None)

    async def save(self, update: Iterable[T] | T, method: RequestMethod) -> None:
        """Apply a response to the cache through ``find_method`` and commit (toggl-api-wrapper's ``update``)."""
        await super().save(update, method)

    async def load(self, model: type[T] | None = None) -> list[T]:
        """Every fresh entry of ``model``, ordered by id (a new list)."""
        return self._session(self._model(model)).select((), keep=self._keep())

    async def find(
        self,
        entry: T | int | dict[str, Any] | None = None,
        model: type[T] | None = None,
        *,
        include_expired: bool = False,
        **kwargs: Any,
    ) -> T | None:
        """The fresh entry with this id (any entry with ``include_expired``), or ``None``; O(1)."""
        # The common call, find(<int id>, <model class>), while no other commit happened since the last check
        # (the change counter holds the value the session saw) and no ``data`` list has changes to take in:
        # straight from the session's dict. Anything else takes the checked path below.
        if type(entry) is int and not kwargs and type(model) is type and -MAX_ID <= entry <= MAX_ID:
            session = self._sessions.get(model)
            view = self._counter.view
            self._checks_left -= 1
            if (
                self._checks_left > 0
                and session is not None
                and view is not None
                and session._seen == view[0]
                and session._loaded
                and (session._view is None or not session._view.changed)
            ):
                slot = session._live.get(entry)
                if slot is None:
                    return None
                found = slot.model
                if found is None:
                    found = session._decode_slot(entry, slot)
                if found is None or include_expired or self._ttl is None or self.is_fresh(found):
                    return found  # type: ignore[return-value]
                return None
        check_find(entry, model, include_expired=include_expired, **kwargs)
        entry = find_target(entry, kwargs)
        if model is None:
            model = type(entry) if isinstance(entry, TogglClass) else self.model
        found = self._session(model).get(entry if type(entry) is int else entry_id_of(entry))
        if found is None or include_expired or self._expire_after is None or self.is_fresh(found):
            return found
        return None

    find._arguments_checked = True  # type: ignore[attr-defined]  # checked above, after the fast path

    async def add(self, *entries: T) -> None:
        """Insert or replace entries (pending until ``commit``); O(n)."""
        by_model: dict[type[T], list[T]] = {}
        for entry in entries:
            if not isinstance(entry, TogglClass):
                msg = f"the cache stores Toggl models, got {type(entry).__name__}"
                raise TypeError(msg)
            by_model.setdefault(type(entry), []).append(entry)
        for model, items in by_model.items():
            self._session(model).upsert(items)

    async def update(self, *entries: T) -> None:
        """Insert or replace entries (the same as ``add``)."""
        await self.add(*entries)

    async def delete(self, *entries: T | int, model: type[T] | None = None) -> None:
        """Delete entries (models, or ids of ``model``), leaving tombstones so other processes cannot revive
        them."""
        by_model: dict[type[T], list[int]] = {}
        for entry in entries:
            target = type(entry) if isinstance(entry, TogglClass) else self._model(model)
            by_model.setdefault(target, []).append(entry_id_of(entry))
        for target, ids in by_model.items():
            self._session(target).remove(ids, self.now())

    async def query(self, *query: TogglQuery[Any], distinct: bool = False, model: type[T] | None = None) -> list[T]:
        """Fresh entries matching every query, ordered by id.

        Raises:
            ValueError: a query key that is not a field of the model.
        """
        target = self._model(model)
        validate_queries(target, query)
        found = self._session(target).select(query, keep=self._keep())
        if distinct:
            return _distinct(found, query)
        return found

    async def clear(self) -> None:
        """Remove every cached entity, list marker, covered range and sync state: the next sync is a full one.

        Every ``cache_*.json`` file of the folder is emptied in one all-or-nothing commit, under the same locks
        as any commit, so another process sharing the folder sees either the old cache or an empty one; what it
        commits afterwards is kept. Changes of this object not yet committed are dropped. The files stay 0600.
        """
        clear_directory(self._cache_path, self._commit_lock)
        self._checks_left = 0
        for store in [*self._sessions.values(), self._markers]:
            if store.path is not None:
                store.rollback()  # drop pending changes and re-read: empty now

    async def mark_complete(self, scope: str, when: datetime | None) -> None:
        """Record when the list ``scope`` was fetched completely (written on ``commit``)."""
        self._marker_store().set(scope, when)

    async def completed_at(self, scope: str) -> datetime | None:
        """When the list ``scope`` was last fetched completely (by any process sharing the directory)."""
        return self._marker_store().get(scope)

    async def set_value(self, key: str, value: str | None) -> None:
        """Store a small text value under ``key`` in ``cache_meta.json`` (``None`` removes it; written on
        ``commit``)."""
        self._marker_store().set_value(key, value)

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key`` (by any process sharing the directory), if any."""
        return self._marker_store().get_value(key)


def _distinct(models: Sequence[T], queries: Sequence[TogglQuery[Any]]) -> list[T]:
    return distinct(models, queries)  # type: ignore[return-value]
