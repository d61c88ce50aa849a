"""``AsyncTrackerEndpoint``: the user's time entries."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final

import httpx
from attrs import define
from httpx import codes

from ..._core.answers import check_me
from ..._core.api import tag as tag_api
from ..._core.api import tracker as api
from ..._core.api import workspace as workspace_api
from ..._core.api._fields import chunked, entity_id
from ..._core.api.request import ApiRequest, RequestMethod, Shape
from ..._core.api.tracker import BulkEditFailure, BulkEditParameter, Edits, TrackerBody
from ..._core.clock import Clock
from ..._core.coverage import Coverage, as_instant
from ..._core.errors import NoCacheAssignedError, TogglAPIError
from ..._core.history import window_limit
from ..._core.models import TogglTag, TogglTracker, TogglWorkspace
from ..._core.outbox import FlushReport, PendingWrite, WriteKind, WriteState, is_pending_id, queue_state
from ..._core.paging import PageGuard
from ..._core.policy import RetryPolicy
from ..._core.query import TogglQuery
from ..._core.sync_plan import lookback_start
from ..._core.timeutil import format_iso
from ..._core.user_facts import USER_FACTS_KEY, UserFacts
from ..backfill import AsyncBackfill
from ..cache.base import TogglAsyncCache
from ..coverage import async_load_coverage, async_update_coverage
from ..outbox import AsyncOutbox
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncTrackerEndpoint", "BulkEditParameter", "Edits", "TrackerBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncTrackerEndpoint(AsyncWorkspaceScopedEndpoint[TogglTracker]):
    """Time entries: writes under ``/workspaces/{workspace_id}/time_entries``, reads under ``/me/time_entries``.

    Args:
        workspace_id: The workspace, as an id or a ``TogglWorkspace``.
        auth: ``httpx.BasicAuth`` with an API token or email and password.
        cache: A cache of time entries (needed by ``offline``).
        offline: Queue writes that cannot reach Toggl (no network, 402 quota, 429, 5xx after retries, the request
            budget) in the cache's outbox and return the entry as it will be (``entry.pending`` is true) instead
            of raising; they are sent, in order and once, at the next contact, on ``flush()``, by ``TogglSync`` and
            by ``toggl-api outbox push`` (see docs/outbox.md).
        kwargs: The options of every workspace endpoint (``client``, ``timeout``, ``retries``, ``clock``, ...).
    """

    MODEL = TogglTracker
    TRACKER_ALREADY_STOPPED: Final = codes.CONFLICT
    TRACKER_NOT_RUNNING: Final = codes.METHOD_NOT_ALLOWED

    def __init__(
        self,
        workspace_id: int | TogglWorkspace,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[TogglTracker] | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        offline: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(offline, bool):
            msg = f"offline must be True or False, not {type(offline).__name__}"
            raise TypeError(msg)
        if offline and cache is None:
            msg = "offline=True keeps pending writes in the cache: pass cache=... (a JSON or SQL cache)"
            raise ValueError(msg)
        super().__init__(
            workspace_id, auth, cache, client=client, timeout=timeout, re_raise=re_raise, retries=retries,
            base_url=base_url, clock=clock, policy=policy, **kwargs,
        )
        self.offline = offline

    # -- the outbox -------------------------------------------------------------------------------

    @property
    def outbox(self) -> AsyncOutbox:
        """The pending writes of this endpoint's cache (``NoCacheAssignedError`` without a usable cache)."""
        cache = self._usable_cache()
        if cache is None:
            msg = "the outbox lives in the cache: this endpoint has no usable cache (pass cache=...)"
            raise NoCacheAssignedError(msg)
        return AsyncOutbox(self, cache)

    async def flush(self, *, force: bool = False) -> FlushReport:
        """Send the pending writes of the outbox now, in order (see docs/outbox.md).

        Args:
            force: Also send deletes held because their entry was edited elsewhere.

        Returns:
            What landed, the conflicts met (also logged), what Toggl refused, what remains, requests spent.
        """
        return await self.outbox.flush(force=force)

    async def pending(self) -> list[PendingWrite]:
        """Writes waiting in the outbox, oldest first."""
        return await self.outbox.pending()

    def _offline_outbox(self) -> AsyncOutbox | None:
        return self.outbox if self.offline and self._usable_cache() is not None else None

    async def _contact(self) -> None:
        """With ``offline``, send pending writes before talking to Toggl (so reads see them and order holds)."""
        outbox = self._offline_outbox()
        if outbox is not None and any(w.state is not WriteState.HELD for w in await outbox.pending()):
            await outbox.flush()

    async def _queue_first(
        self, kind: WriteKind, entity: int, workspace_id: int, fields: dict[str, Any], current: TogglTracker | None
    ) -> tuple[int, _Queued | None, TogglTracker | None]:
        """Before an offline write: send what waits; the entry's real id, the queued result when this write
        must wait behind earlier ones (so Toggl sees writes in the order they were made), and the entry as known
        now (a failed send may make the cache forget it, and the conflict rule needs it)."""
        outbox = self.outbox
        if any(w.state is not WriteState.HELD for w in await outbox.pending()):
            await outbox.flush()
        stored = await outbox.load()
        real = stored.real_id(entity)
        if any(w.state is not WriteState.HELD for w in stored.writes) or is_pending_id(real):
            return real, _Queued(await outbox.queue(kind, real, workspace_id, fields, current=current)), current
        known = None if kind is WriteKind.CREATE else await outbox.cache.find(real, TogglTracker, include_expired=True)
        return real, None, known if known is not None else current

    async def _queue_failed(
        self,
        error: Exception,
        sent: int,
        kind: WriteKind,
        real: int,
        workspace_id: int,
        fields: dict[str, Any],
        current: TogglTracker | None,
    ) -> TogglTracker | None:
        """Queue an offline write that failed in a queueable way (else re-raise ``error``)."""
        state = queue_state(error, requests_sent=sent)
        if state is None:
            raise error
        return await self.outbox.queue(kind, real, workspace_id, fields, state=state, current=current)

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/time_entries"

    def _workspace_of(self, tracker: TogglTracker | int) -> int:
        # An entry of another workspace is written under its own workspace.
        if isinstance(tracker, TogglTracker) and tracker.workspace:
            return tracker.workspace
        return self.workspace_id

    # -- reads ------------------------------------------------------------------------------------

    async def current(self, *, refresh: bool = True) -> TogglTracker | None:
        """The running entry, or ``None``.

        With ``refresh=False`` and a fresh running entry in the cache, that entry answers. When Toggl says
        nothing runs, cached entries still marked running are re-read so the cache learns how they ended.
        """
        await self._contact()
        cache = self._usable_cache()
        if cache is not None and not refresh:
            running = await cache.query(TogglQuery("stop", None), model=TogglTracker)
            if running:
                self._count_hit(cache)
                return max(running, key=lambda t: t.start)
            if cache.live:  # pushes report every timer started anywhere: none cached means none runs
                self._count_hit(cache)
                return None
            cache.stats.misses += 1
        try:
            found = await self._one_or_none(api.current())
        except TogglAPIError as exc:
            if not self._tolerated(exc, self.TRACKER_NOT_RUNNING):
                raise
            found = None
        if found is not None:
            await self._write_cache(found, RequestMethod.GET)
            return found
        if cache is not None:
            # Toggl says nothing runs: cached "running" entries are outdated; the next read fetches them anew.
            for stale in await cache.query(TogglQuery("stop", None), model=TogglTracker):
                if not stale.pending:  # a timer waiting in the outbox is not on Toggl yet
                    await self._drop_unseen(stale)
        return None

    async def get(self, tracker_id: int | TogglTracker, *, refresh: bool = False) -> TogglTracker | None:
        """An entry by id: from the cache when fresh, else from Toggl (``None`` if Toggl has none)."""
        tid = entity_id(tracker_id, "tracker_id")
        await self._contact()
        if self.offline and self._usable_cache() is not None:
            tid = (await self.outbox.load()).real_id(tid)
            if is_pending_id(tid):  # created offline and not on Toggl yet: the cache shows it
                return await self._usable_cache().find(tid, TogglTracker)  # type: ignore[union-attr]
        return await self._read_one(tid, api.get(tid), refresh=refresh, tolerated=(404,))

    async def collect(
        self,
        since: int | datetime | None = None,
        before: date | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        *,
        refresh: bool = False,
    ) -> list[TogglTracker]:
        """The user's entries, with Toggl's filters as query parameters.

        Args:
            since: Entries modified since (unix seconds or an aware datetime). Deleted ones are removed from the
                cache and not returned.
            before: Entries starting before this day or instant (not with ``since``).
            start_date: Entries starting at or after. Older than three calendar months (what
                ``/me/time_entries`` serves), the older part is read through Reports v3 detailed search, one
                workspace at a time in windows of up to a year (see ``TogglSync.sync(since=...)``).
            end_date: Entries starting before. With only one of ``start_date``/``end_date`` the other defaults
                to tomorrow / the look-back limit.
            refresh: Skip the cache.

        A ``start_date``/``end_date`` range is fetched completely: when Toggl's 1000-entry cap is hit, further
        windows are requested (each ending where the previous one's oldest entry started) and entries are
        de-duplicated by id. Such a range is answered from the cache when the cache is known to hold every entry
        starting in it and that knowledge has not expired (``expire_after``): after a fetch of a range
        containing it, or after ``TogglSync`` mirrored the account. Entries of every workspace are returned,
        from Toggl and from the cache alike. ``since``, ``before`` and unfiltered reads always ask Toggl. A range
        reaching past the look-back costs, for its old part, one request per workspace and page of each window
        the cache does not cover (plus ``/me`` and ``/me/workspaces`` when the cache does not know them), and is
        recorded as coverage like any range.

        Raises:
            DateTimeError: ``since`` with ``before``, naive datetimes, years outside 2006-2030, a ``start_date``
                older than three months together with ``since``/``before`` or in the future, or an ``end_date``
                before it (nothing is sent).
        """
        await self._contact()
        now = self.clock.now()
        today = now.date()
        stamp = api.validate_collect(since, before, start_date, end_date, today=today, now=now)
        window = api.resolve_range(start_date, end_date, today=today)
        if window is not None and stamp is None and before is None:
            return await self._collect_range(*window, refresh=refresh)
        request = api.collect(
            since=stamp,
            before=before,
            start_date=window[0] if window else None,
            end_date=window[1] if window else None,
        )
        models = await self._many(request)
        live = [m for m in models if m.server_deleted_at is None]
        await self._store(*live)
        for gone in (m for m in models if m.server_deleted_at is not None):
            await self._forget(TogglTracker, gone.id)
        return live

    async def _collect_range(
        self, start_date: date | datetime, end_date: date | datetime, *, refresh: bool
    ) -> list[TogglTracker]:
        lower, upper_at = as_instant(start_date, "start_date"), as_instant(end_date, "end_date")
        floor = lookback_start(self.clock.now())
        if lower < floor:
            # The part /me/time_entries does not serve comes from Reports v3; the rest as usual.
            old = await self._collect_history(lower, min(upper_at, floor), refresh=refresh)
            if upper_at <= floor:
                return _newest_first(old)
            recent = await self._collect_range(floor, end_date, refresh=refresh)
            return _newest_first({t.id: t for t in (*old, *recent)}.values())
        queries = api.range_queries(lower, upper_at)
        cache = self._usable_cache()
        if cache is not None and not refresh:
            coverage = await async_load_coverage(cache)
            if coverage.covers(lower, upper_at, cache.now(), cache.effective_expire_after):
                self._count_hit(cache)
                cached = await cache.query(*queries, model=TogglTracker)
                return _newest_first(t for t in cached if t.server_deleted_at is None)
            cache.stats.misses += 1
        fetched_at = self.clock.now()
        seen: dict[int, TogglTracker] = {}
        upper: date | datetime = end_date
        complete = True
        guard = PageGuard("GET /me/time_entries (windows)")
        while True:
            guard.admit(str(upper))
            page = await self._many(api.collect(start_date=start_date, end_date=upper))
            fresh = [t for t in page if t.id not in seen]
            seen.update((t.id, t) for t in page)
            next_end = api.next_window_end(page)
            if next_end is None:
                break
            if not fresh:
                log.warning("more than %d entries start within one second; some may be missing", api.LIST_CAP)
                complete = False
                break
            upper = next_end
        models = _newest_first(seen.values())
        if cache is not None:
            if complete:
                # The answer is the whole range: cached entries of it that Toggl no longer returns are gone, and
                # the range is covered from now on.
                keep = set(seen)
                # Entries waiting in the outbox are not on Toggl yet (or not as shown): they stay.
                stale = [
                    t for t in await cache.query(*queries, model=TogglTracker) if t.id not in keep and not t.pending
                ]
                if stale:
                    # Uncover first: a cache writing step by step (SQL) that stops halfway then asks Toggl
                    # instead of answering the old range minus what was already dropped.
                    await async_update_coverage(cache, lambda c: c.remove(lower, upper_at))
                    await cache.delete(*stale)
            if models:
                await cache.add(*models)
            if complete:
                await async_update_coverage(cache, lambda c: c.add(lower, upper_at, fetched_at))
            await cache.commit()
        return models

    async def _collect_history(self, lower: datetime, upper: datetime, *, refresh: bool) -> list[TogglTracker]:
        """Entries starting in ``[lower, upper)``, all older than the look-back, through Reports v3."""
        cache = self._usable_cache()
        limit = window_limit(upper)
        if cache is not None and not refresh and not await AsyncBackfill.windows_to_read(cache, lower, limit):
            self._count_hit(cache)  # covered: not even /me is asked
            found = await cache.query(*api.range_queries(lower, upper), model=TogglTracker)
        else:
            if cache is not None:
                cache.stats.misses += 1
            user_id, workspaces = await self._history_scope(cache)
            backfill = AsyncBackfill(self, cache, user_id=user_id, workspace_ids=workspaces)
            await backfill.run(lower, limit, rescan=refresh and cache is not None)
            if cache is None:
                found = list(backfill.collected.values())
            else:
                found = await cache.query(*api.range_queries(lower, upper), model=TogglTracker)
        return [t for t in found if lower <= t.start < upper and t.server_deleted_at is None]

    async def _history_scope(self, cache: TogglAsyncCache[Any] | None) -> tuple[int, list[int]]:
        """The user's id and workspace ids: from the cache when it knows them (all of them), else ``/me`` and
        ``/me/workspaces``."""
        known = UserFacts.from_json(await cache.get_value(USER_FACTS_KEY)).user_id if cache is not None else None
        if known is not None:
            user_id = known
        else:
            data, response = await self._answer(ApiRequest(RequestMethod.GET, "me"), Shape.OBJECT)
            user_id = int(check_me(data, response=response)["id"])
            if cache is not None:
                await cache.set_value(USER_FACTS_KEY, UserFacts.from_me(data).to_json())
        workspaces: list[int] = []
        # Only a list the cache holds completely (a sync or a workspace listing wrote it) may stand for "every
        # workspace": a partial one would record coverage for entries never read.
        if cache is not None and await cache.completed_at(workspace_api.list_scope()) is not None:
            workspaces = [w.id for w in await cache.load(TogglWorkspace)]
        if not workspaces:
            listed = await self._answer(ApiRequest(RequestMethod.GET, "me/workspaces"), Shape.LIST)
            workspaces = [w["id"] for w in listed[0] or [] if isinstance(w, dict) and isinstance(w.get("id"), int)]
        return user_id, workspaces

    # -- writes -----------------------------------------------------------------------------------

    async def add(self, body: TrackerBody) -> TogglTracker:
        """Create an entry (running unless ``stop`` or ``duration`` is set; ``start`` defaults to now).

        Raises:
            NamingError: no description.
            DateTimeError: naive datetimes, years outside 2006-2030, ``stop`` before ``start``.

        With ``offline=True`` an entry Toggl cannot take now is queued and returned with a temporary id
        (``entry.pending``).
        """
        now = self.clock.now()
        request = api.add(self.workspace_id, body, now)
        if self._offline_outbox() is None:
            return await self._add_now(body, request, now)
        fields = dict(request.json or {})
        _, queued, _ = await self._queue_first(WriteKind.CREATE, 0, self.workspace_id, fields, None)
        if queued is not None:
            created = queued.shown
        else:
            before = self._requester.request_count
            try:
                return await self._add_now(body, request, now)
            except Exception as exc:
                created = await self._queue_failed(exc, self._requester.request_count - before,
                                                   WriteKind.CREATE, 0, self.workspace_id, fields, None)
        assert created is not None  # a create always shows its entry
        return created

    async def _add_now(self, body: TrackerBody, request: ApiRequest, now: datetime) -> TogglTracker:
        async with self._write_guard(scopes=self._tag_scopes(body)) as guard:
            guard.starts.append(body.start or now)
            if body.stop is None and body.duration is None:  # a running entry stops the one running before
                guard.dependents.append((TogglTracker, [TogglQuery("stop", None)]))
            created = await self._one(request)
            if created is None:  # pragma: no cover - Toggl answers the entry
                msg = "Toggl answered no time entry"
                raise TypeError(msg)
        cache = self._usable_cache()
        if cache is not None and created.stop is None:
            # Toggl stops the previous running entry when a new one starts; mirror that in the cache.
            # (dropped here; the next read fetches them with their stop).
            for other in await cache.query(TogglQuery("stop", None), model=TogglTracker):
                if other.id != created.id:
                    await self._drop_unseen(other)
        await self._write_cache(created, RequestMethod.POST)
        await self._learn_tags(created)
        return created

    async def edit(self, tracker: TogglTracker | int, body: TrackerBody, *, meta: bool = False) -> TogglTracker:
        """Change the fields of ``body`` you set (``meta=True`` adds project/client names to the answer).

        Tags are added (``tag_action="remove"`` removes them); the body itself is not modified. With
        ``offline=True`` an edit Toggl cannot take now is queued and the entry is returned as it will be.
        """
        tid = entity_id(tracker, "tracker")
        if self._offline_outbox() is None:
            return await self._edit_now(tracker, tid, body, meta=meta)
        wid = self._workspace_of(tracker)
        fields = dict(api.edit(wid, tid, body).json or {})
        current = tracker if isinstance(tracker, TogglTracker) else None
        real, queued, known = await self._queue_first(WriteKind.EDIT, tid, wid, fields, current)
        if queued is not None:
            edited = queued.shown
        else:
            before = self._requester.request_count
            try:
                return await self._edit_now(tracker, real, body, meta=meta)
            except Exception as exc:
                edited = await self._queue_failed(exc, self._requester.request_count - before,
                                                  WriteKind.EDIT, real, wid, fields, known)
        return edited if edited is not None else _placeholder(real, wid, fields, self.clock.now())

    async def _edit_now(self, tracker: TogglTracker | int, tid: int, body: TrackerBody, *, meta: bool) -> TogglTracker:
        async with self._write_guard(ids=[tid], starts=_given_start(body), scopes=self._tag_scopes(body)):
            request = api.edit(self._workspace_of(tracker), tid, body, meta=meta)
            edited = await self._one(request)
            if edited is None:  # pragma: no cover - Toggl answers the entry
                msg = "Toggl answered no time entry"
                raise TypeError(msg)
        await self._write_cache(edited, RequestMethod.PUT)
        await self._learn_tags(edited)
        return edited

    async def bulk_edit(self, *trackers: int | TogglTracker, body: TrackerBody) -> Edits:
        """Apply the same change to many entries, 100 per request.

        Returns:
            ``Edits(successes, failures)``: the ids changed, and ``{"id", "message"}`` for each failure.

        The cache is brought up to date with one ``since`` read after the edits.
        """
        operations = api.bulk_operations(body)
        ids = list(dict.fromkeys(entity_id(t, "tracker") for t in trackers))
        if not ids:
            return Edits([], [])
        started = self.clock.now()
        successes: list[int] = []
        failures: list[BulkEditFailure] = []
        async with self._write_guard(ids=ids, starts=_given_start(body), scopes=self._tag_scopes(body)):
            for chunk in chunked(ids, api.BULK_EDIT_LIMIT):
                data = await self._json(api.bulk_edit(self.workspace_id, chunk, operations), Shape.OBJECT)
                successes.extend(_ints(data, "success"))
                failures.extend(_failures(data))
        if successes and self._usable_cache() is not None:
            await self._refresh_since(started - timedelta(seconds=1), successes)
        return Edits(successes, failures)

    async def _refresh_since(self, since: datetime, changed: list[int]) -> None:
        models = await self._many(api.collect(since=int(since.timestamp())))
        await self._store(*(m for m in models if m.server_deleted_at is None))
        await self._learn_tags(*models)
        returned = {m.id for m in models}
        for model in models:
            if model.server_deleted_at is not None:
                await self._forget(TogglTracker, model.id)
        for missing in (i for i in changed if i not in returned):
            await self._drop_unseen(missing)  # unknown state: let the next read fetch it

    def _tag_scopes(self, body: TrackerBody) -> list[str]:
        """Tag lists a write naming tags may extend (unknown names create tags)."""
        # A wrong body type is refused by the request builder inside the guard; nothing to widen here.
        return [tag_api.list_scope(self.workspace_id)] if getattr(body, "tags", None) else []

    async def _learn_tags(self, *trackers: TogglTracker) -> None:
        """Tag names Toggl did not know create tags: cached tag lists of their workspaces are no longer complete."""
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is None:
            return
        unknown: set[int] = set()
        for tracker in trackers:
            for tag in tracker.tags:
                if await cache.find(tag.id, TogglTag, include_expired=True) is None:
                    unknown.add(tag.workspace or tracker.workspace or self.workspace_id)
        if unknown:
            await self._forget_lists(*(tag_api.list_scope(wid) for wid in sorted(unknown)))

    async def _drop_unseen(self, tracker: TogglTracker | int) -> None:
        """Forget a cached entry that still exists on Toggl in a state we did not see.

        Ranges holding its start are no longer covered, so the next read of them asks Toggl.
        """
        cache = self._usable_cache()
        if cache is None:
            return
        tid = tracker.id if isinstance(tracker, TogglTracker) else tracker
        cached = await cache.find(tid, TogglTracker, include_expired=True)
        starts = {t.start for t in (cached, tracker) if isinstance(t, TogglTracker)}
        if starts:
            await async_update_coverage(cache, lambda c: _without_starts(c, starts))
        await self._forget(TogglTracker, tid)

    async def delete(self, tracker: TogglTracker | int) -> None:
        """Delete an entry (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        tid = entity_id(tracker, "tracker")
        if self._offline_outbox() is None:
            await self._delete_now(tracker, tid)
            return
        wid = self._workspace_of(tracker)
        real, queued, known = await self._queue_first(WriteKind.DELETE, tid, wid, {}, None)
        if queued is not None:
            return
        before = self._requester.request_count
        try:
            await self._delete_now(tracker, real)
        except Exception as exc:
            await self._queue_failed(exc, self._requester.request_count - before, WriteKind.DELETE, real, wid, {},
                                     known)

    async def _delete_now(self, tracker: TogglTracker | int, tid: int) -> None:
        try:
            async with self._write_guard(ids=[tid]):
                await self._send(api.delete(self._workspace_of(tracker), tid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("time entry %s was not found; nothing to delete", tid)
        await self._forget(TogglTracker, tid)

    async def stop(self, tracker: TogglTracker | int) -> TogglTracker | None:
        """Stop a running entry; ``None`` if it was already stopped (409, unless ``re_raise``).

        With ``offline=True`` a stop Toggl cannot take now is queued with the time of this call (sent as an edit
        of ``stop``, so the entry ends when you stopped it, not when the outbox is sent) and the stopped entry is
        returned (``pending``).
        """
        tid = entity_id(tracker, "tracker")
        if self._offline_outbox() is None:
            return await self._stop_now(tracker, tid)
        wid = self._workspace_of(tracker)
        fields: dict[str, Any] = {"stop": format_iso(self.clock.now().replace(microsecond=0), "stop")}
        current = tracker if isinstance(tracker, TogglTracker) else None
        real, queued, known = await self._queue_first(WriteKind.STOP, tid, wid, fields, current)
        if queued is not None:
            stopped = queued.shown
        else:
            before = self._requester.request_count
            try:
                return await self._stop_now(tracker, real)
            except Exception as exc:
                stopped = await self._queue_failed(exc, self._requester.request_count - before,
                                                   WriteKind.STOP, real, wid, fields, known)
        return stopped if stopped is not None else _placeholder(real, wid, fields, self.clock.now())

    async def _stop_now(self, tracker: TogglTracker | int, tid: int) -> TogglTracker | None:
        try:
            async with self._write_guard(ids=[tid]):
                stopped = await self._one(api.stop(self._workspace_of(tracker), tid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, self.TRACKER_ALREADY_STOPPED):
                raise
            log.warning("time entry %s was already stopped", tid)
            await self._drop_unseen(tid)  # a cached copy may still think it runs
            return None
        await self._write_cache(stopped, RequestMethod.PATCH)
        return stopped

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"


def _without_starts(coverage: Coverage, starts: Iterable[datetime]) -> Coverage:
    for start in starts:
        coverage = coverage.remove_start(start)
    return coverage


@define(frozen=True)
class _Queued:
    """An offline write that was queued: the entry as the cache now shows it (``None`` after a delete)."""

    shown: TogglTracker | None


def _placeholder(tid: int, workspace_id: int, fields: dict[str, Any], now: datetime) -> TogglTracker:
    """What an offline edit of an entry the cache does not hold returns: its id and the fields sent, marked
    pending (the rest is unknown until the write lands)."""
    from ..._core.outbox import PENDING_EXTRA

    return TogglTracker.from_kwargs(
        id=tid, workspace_id=workspace_id, timestamp=now, description=fields.get("description"),
        start=fields.get("start") or now, stop=fields.get("stop"), project_id=fields.get("project_id"),
        extra={PENDING_EXTRA: 0},
    )


def _given_start(body: TrackerBody) -> list[datetime]:
    start = getattr(body, "start", None)
    return [start] if isinstance(start, datetime) else []


def _newest_first(entries: Iterable[TogglTracker]) -> list[TogglTracker]:
    return sorted(entries, key=lambda t: (t.start, t.id), reverse=True)


def _ints(data: Any, key: str) -> list[int]:
    values = data.get(key) if isinstance(data, dict) else None
    return [int(v) for v in values or [] if isinstance(v, int)]


def _failures(data: Any) -> list[BulkEditFailure]:
    values = data.get("failure") if isinstance(data, dict) else None
    out: list[BulkEditFailure] = []
    for item in values or []:
        if isinstance(item, dict):
            out.append({"id": int(item.get("id", 0)), "message": str(item.get("message", ""))})
        elif isinstance(item, int):
            out.append({"id": item, "message": ""})
    return out
