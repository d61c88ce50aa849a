"""``AsyncTogglSync``: mirror a Toggl account into any cache, incrementally and within a request budget.

The decisions (what to fetch, where to resume, when to stop, what changed) are pure functions in
``toggl_api._core.sync_plan``; this module only sends the requests and applies the answers to the cache.

For example:

```python
async with AsyncTogglSync(auth, AsyncSqliteCache("toggl-cache")) as syncer:
    report = await syncer.sync()
    print(report.requests, report.added)
```
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, cast

import httpx
from attrs import evolve, frozen

from .._core.answers import check_me, decode_list_field, decode_many
from .._core.api import client as client_api
from .._core.api import organization as organization_api
from .._core.api import project as project_api
from .._core.api import tag as tag_api
from .._core.api import task as task_api
from .._core.api import users as users_api
from .._core.api import workspace as workspace_api
from .._core.api.request import ApiRequest, RequestMethod, Shape
from .._core.clock import Clock
from .._core.coverage import Coverage, as_instant
from .._core.errors import (
    BudgetExhaustedError,
    DateTimeError,
    PagingLimitError,
    QuotaExceededError,
    TogglAPIError,
    UnexpectedResponseError,
)
from .._core.history import OLDEST_DAY, BackfillProgress, BackfillResult
from .._core.models import (
    TogglClass,
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTask,
    TogglTracker,
    TogglWorkspace,
    TogglWorkspaceUser,
)
from .._core.outbox import OUTBOX_KEY, FlushReport
from .._core.pacing import AUTO, PacingSetting
from .._core.paging import PageGuard
from .._core.policy import RetryPolicy
from .._core.quota import bucket_for_path
from .._core.session import TogglSession
from .._core.sync_plan import (
    Changes,
    StopReason,
    SyncReport,
    SyncState,
    after_since,
    after_window,
    begin_full_fetch,
    budget_stop,
    covered_span,
    current_window,
    diff_models,
    history_share,
    lookback_start,
    needs_full_fetch,
    organizations_needed,
    related_needed,
    since_params,
    users_needed,
    window_covers,
    window_params,
    windows_left,
)
from .._core.user_facts import USER_FACTS_KEY, UserFacts
from .backfill import AsyncBackfill
from .cache.base import TogglAsyncCache
from .coverage import async_update_coverage
from .endpoint import TogglAsyncEndpoint, decode_json

__all__ = ["DEFAULT_RESERVE", "AsyncTogglSync", "SyncProgress"]

log = logging.getLogger("toggl_api.sync")

#: Requests left in the hourly quota that a sync never spends (for the user's other tools).
DEFAULT_RESERVE = 3

_RELATED: tuple[tuple[str, type[TogglClass]], ...] = (
    ("workspaces", TogglWorkspace),
    ("clients", TogglClient),
    ("projects", TogglProject),
    ("tags", TogglTag),
)


@frozen
class SyncProgress:
    """Reported to the ``progress`` callback before each request.

    Attributes:
        step: What is fetched next (e.g. ``"time entries 2026-08-21 → 2026-10-02"``).
        requests: Requests sent so far in this run.
        stored: Entities added, changed or removed in the cache so far in this run.
        windows_done: Time-entry windows of a full fetch read so far in this run.
        windows_left: Estimated windows still to read (``None``: unknown, or no full fetch).
        share: Part of a full fetch's time span read, 0.0 to 1.0 (``None`` when no full fetch runs).
    """

    step: str
    requests: int
    stored: int = 0
    windows_done: int = 0
    windows_left: int | None = None
    share: float | None = None


class _Stop(Exception):
    def __init__(self, reason: StopReason, message: str, resets_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.resets_at = resets_at


class _Tally:
    """Per-model counters of one run."""

    def __init__(self) -> None:
        self.added: dict[str, int] = {}
        self.changed: dict[str, int] = {}
        self.removed: dict[str, int] = {}
        #: User ids of the time entries added or changed in this run.
        self.entry_users: set[int | None] = set()

    def count(self, table: str, changes: Changes) -> None:
        for counter, items in ((self.added, changes.added), (self.changed, changes.changed),
                               (self.removed, changes.removed)):
            if items:
                counter[table] = counter.get(table, 0) + len(items)

    @property
    def stored(self) -> int:
        """Entities added, changed or removed so far."""
        return sum(self.added.values()) + sum(self.changed.values()) + sum(self.removed.values())


class AsyncTogglSync:
    """Mirror organizations, workspaces, clients, projects, tags, open tasks, workspace members and time entries
    into ``cache``.

    The first run fetches everything in the fewest requests (one ``/me?with_related_data=true``, one
    ``/me/organizations``, a few windows of ``/me/time_entries`` and one member list per workspace); later runs
    read only what changed
    (``since``), remove what was deleted, and fall back to a full fetch when the watermark is too old.
    Each run stops cleanly before ``max_requests`` or when the quota the latest answer reported drops to
    ``reserve``; the next run resumes where it stopped. The sync state lives in the cache's completeness store
    (``sync:*`` scopes), and the list scopes endpoints use are marked complete, so endpoint ``collect()`` calls
    are answered from the cache afterwards. Each time-entry window fetched is recorded as coverage (the cache's
    value store), so ``TrackerEndpoint.collect(start_date=..., end_date=...)`` inside the mirrored span is
    answered from the cache too; a new full fetch starts that coverage afresh.

    ```python
    async with AsyncTogglSync(auth, AsyncSqliteCache("toggl-cache", expire_after=None)) as syncer:
        report = await syncer.sync()  # run it again later: only what changed is fetched
    print(report.requests, report.total_added, report.complete)
    ```

    Args:
        auth: Credentials (``httpx.BasicAuth``).
        cache: Any cache (JSON, SQLite, SQL URL). Use ``expire_after=None`` for a mirror: expired entries are
            invisible to the cache's reads.
        client: An ``httpx.AsyncClient`` to send with (never modified).
        base_url: Host to talk to instead of Toggl (e.g. the emulator's URL).
        clock: Time source (tests and the emulator pass a fake clock).
        session: Shared limits and quota view (e.g. with an hourly budget).
        pacing: Burst pacing, as for endpoints (default ``"auto"``: Toggl's hosts only, 1 request/s, burst 2).
        max_requests: Most requests one run may send (``None``: no explicit limit).
        reserve: Requests to leave in the hourly quota; the run stops when the latest answer reports this many.
        timeout: Seconds per request.
        retries: Retries of each request on server and network errors.
        progress: Called with a ``SyncProgress`` before each request.
        backfill_progress: Called with a ``BackfillProgress`` after each page of a backfill
            (``sync(since=...)``), and once when it pauses for the quota.
    """

    def __init__(
        self,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[Any],
        *,
        client: httpx.AsyncClient | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        session: TogglSession | None = None,
        pacing: PacingSetting = AUTO,
        max_requests: int | None = None,
        reserve: int = DEFAULT_RESERVE,
        timeout: float = 30,
        retries: int = 3,
        progress: Callable[[SyncProgress], None] | None = None,
        backfill_progress: Callable[[BackfillProgress], None] | None = None,
    ) -> None:
        if not isinstance(cache, TogglAsyncCache):
            msg = f"cache must be a {TogglAsyncCache.__name__}, got {type(cache).__name__}"
            raise TypeError(msg)
        if max_requests is not None and (isinstance(max_requests, bool) or max_requests < 0):
            msg = f"max_requests must be a non-negative int or None, got {max_requests!r}"
            raise ValueError(msg)
        if isinstance(reserve, bool) or reserve < 0:
            msg = f"reserve must be a non-negative int, got {reserve!r}"
            raise ValueError(msg)
        self.cache = cache
        self.max_requests = max_requests
        self.reserve = reserve
        self.progress = progress
        self.backfill_progress = backfill_progress
        # A quota 402 stops the run (the state is saved); waiting up to an hour inside a sync helps nobody.
        self._endpoint: TogglAsyncEndpoint[TogglClass] = TogglAsyncEndpoint(
            auth,
            client=client,
            timeout=timeout,
            retries=retries,
            base_url=base_url,
            clock=clock,
            policy=RetryPolicy(retries=retries, wait_for_quota=False),
            session=session,
            pacing=pacing,
        )
        self._sent_at_start = 0
        self._state = SyncState()
        self._backfill: AsyncBackfill | None = None
        self._tally = _Tally()
        self._windows_done = 0
        self._auth = auth
        #: What the outbox flush at the start of the last ``sync()`` did (``None``: nothing was pending).
        self.last_flush: FlushReport | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cache={self.cache!r}, max_requests={self.max_requests}, reserve={self.reserve})"

    @property
    def clock(self) -> Clock:
        """The engine's time source."""
        return self._endpoint.clock

    @property
    def session(self) -> TogglSession:
        """The shared limits and quota view (``session.quota`` is the latest quota seen)."""
        return self._endpoint.session

    async def aclose(self) -> None:
        """Close the httpx client if the engine created it (the cache stays open)."""
        await self._endpoint.aclose()

    async def __aenter__(self) -> AsyncTogglSync:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- state -------------------------------------------------------------------------------------

    async def load_state(self) -> SyncState:
        """The sync state stored in the cache (all ``None`` before the first sync)."""
        values = {scope: await self.cache.completed_at(scope) for scope in SyncState.scope_names()}
        return SyncState.from_scopes(values)

    async def _set_state(self, state: SyncState) -> None:
        self._state = state
        for scope, when in state.scopes().items():
            await self.cache.mark_complete(scope, when)
        await self.cache.commit()

    # -- the run -----------------------------------------------------------------------------------

    async def sync(self, *, full: bool = False, since: date | None = None, rescan: bool = False) -> SyncReport:
        """Run one sync.

        Args:
            full: Re-read every time entry within the look-back even when an incremental read would do.
            since: Also mirror the entries older than ``/me/time_entries`` serves, back to this day (UTC), through
                Reports v3 (a *backfill*: windows of up to a year per workspace, paged, resumable). Windows the
                cache already covers cost nothing.
            rescan: With ``since``: read the whole range again (old and recent), replacing its entries and
                removing those gone from Toggl.

        Returns:
            What the run did: requests spent, entities added/changed/removed per model, and whether (and
            why) it stopped early.

        Raises:
            TypeError: ``since`` is not a ``date``.
            ValueError: ``rescan`` without ``since``.
            DateTimeError: ``since`` before 2006-01-01.
            TogglAPIError: Toggl refused a request for a reason other than the quota (e.g. bad credentials).
            UnexpectedResponseError: an answer was not what its route documents (e.g. a Wi-Fi login page);
                nothing of it was applied and earlier steps stay as they were saved.
            PagingLimitError: the time-entry windows did not end within the window cap.
            httpx.TransportError: Toggl could not be reached (after retries).
        """
        self.last_flush = await self._flush_outbox()
        self._sent_at_start = self._endpoint._requester.request_count
        if since is not None and (isinstance(since, datetime) or not isinstance(since, date)):
            msg = f"since must be a date (YYYY-MM-DD), got {type(since).__name__}"
            raise TypeError(msg)
        if since is not None and since < OLDEST_DAY:
            msg = f"since must be on or after {OLDEST_DAY.isoformat()} (Toggl holds no older entry), got {since}"
            raise DateTimeError(msg)
        if rescan and since is None:
            msg = "rescan needs since: the first day of the range to read again"
            raise ValueError(msg)
        tally = self._tally = _Tally()
        self._windows_done = 0
        state = await self.load_state()
        is_full = needs_full_fetch(state, self.clock.now(), force=full or rescan)
        self._backfill = None
        stop: _Stop | None = None
        bad_answer = False
        # Each phase saves the state after every request it applies, and keeps ``self._state`` current, so an
        # early stop (or a crash) leaves exactly the resume point behind.
        self._state = state
        try:
            if related_needed(state):
                await self._sync_related(tally)
            if organizations_needed(
                self._state,
                self.clock.now(),
                [w.organization for w in await self.cache.load(TogglWorkspace)],
                [o.id for o in await self.cache.load(TogglOrganization)],
            ):
                await self._sync_organizations(tally)
            if is_full:
                await self._sync_windows(tally, force=full)
            else:
                await self._sync_since(tally)
            if users_needed(
                self._state,
                self.clock.now(),
                tally.entry_users,
                [m.user for m in await self.cache.load(TogglWorkspaceUser)],
            ):
                await self._sync_users(tally)
            if since is not None:
                await self._sync_history(tally, since, rescan=rescan)
        except _Stop as exc:
            stop = exc
        except QuotaExceededError as exc:
            when = f" (resets at {exc.resets_at.isoformat()})" if exc.resets_at else ""
            stop = _Stop(StopReason.QUOTA_EXCEEDED, f"Toggl's hourly quota is exhausted{when}", exc.resets_at)
        except BudgetExhaustedError as exc:
            resets_at = self.clock.now() + timedelta(seconds=exc.resets_in) if exc.resets_in is not None else None
            stop = _Stop(StopReason.BUDGET_EXHAUSTED, str(exc), resets_at)
        except UnexpectedResponseError:
            # Nothing of a bad answer was applied; the run is not recorded either, so the cache stays as it was.
            bad_answer = True
            raise
        finally:
            if not bad_answer:
                await self._set_state(evolve(self._state, last_run=self.clock.now()))
        backfill = self._backfill.result() if self._backfill is not None else None
        if stop is not None and backfill is not None and not backfill.complete:
            stop = self._backfill_paused(stop, backfill)
        report = SyncReport(
            requests=self._spent(),
            added=tally.added,
            changed=tally.changed,
            removed=tally.removed,
            full=is_full,
            complete=stop is None,
            stopped=stop.reason if stop else None,
            resets_at=stop.resets_at if stop else None,
            message=stop.message if stop else "",
            backfill=backfill,
        )
        log.info("sync %s: %d requests, +%d ~%d -%d", "complete" if report.complete else "stopped",
                 report.requests, report.total_added, report.total_changed, report.total_removed)
        return report

    async def _flush_outbox(self) -> FlushReport | None:
        """Send the writes waiting in the cache's offline outbox first (see docs/outbox.md), so the mirror then
        reads them back from Toggl."""
        if not (await self.cache.get_value(OUTBOX_KEY)):
            return None
        from .endpoints.tracker import AsyncTrackerEndpoint  # the endpoints build on this module's neighbours

        # Each write names its own workspace; the endpoint's own workspace is never used by a replay. Assigning
        # the cache makes the endpoint its parent: the cache's own parent is put back afterwards.
        parent = self.cache._parent
        try:
            tracker = AsyncTrackerEndpoint(
                0, self._auth, cast("TogglAsyncCache[TogglTracker]", self.cache), client=self._endpoint.client,
                clock=self.clock, session=self.session, retries=self._endpoint.retries,
            )
            if tracker._usable_cache() is None:
                return None
            report = await tracker.flush()
        finally:
            self.cache._parent = parent
        log.info("outbox: %d writes landed, %d remain, %d conflicts", report.landed, report.remaining,
                 len(report.conflicts))
        return report

    def _spent(self) -> int:
        return self._endpoint._requester.request_count - self._sent_at_start

    async def _get(
        self, step: str, path: str, params: Sequence[tuple[str, str]] = (), *, expect: Shape = Shape.LIST
    ) -> tuple[Any, httpx.Response]:
        """Send one GET after checking the budget; the checked JSON (``UnexpectedResponseError`` when it is not
        ``expect``) and the response."""
        self._check_budget(step, path)
        response = await self._endpoint._send(ApiRequest(RequestMethod.GET, path, tuple(params), expect=expect))
        return decode_json(response), response

    def _check_budget(self, step: str, path: str) -> None:
        """Raise ``_Stop`` when one more request to ``path`` would pass the budget; else report ``step``."""
        quota = self.session.quotas.get(bucket_for_path(path))
        reason = budget_stop(
            self._spent(),
            max_requests=self.max_requests,
            quota_remaining=quota.remaining if quota is not None else None,
            reserve=self.reserve,
        )
        if reason is StopReason.MAX_REQUESTS:
            raise _Stop(reason, f"stopped after {self._spent()} requests (max_requests); run again to resume")
        if reason is StopReason.QUOTA_RESERVE and quota is not None:
            raise _Stop(
                reason,
                f"stopped with {quota.remaining} requests left in the hourly quota (reserve {self.reserve}); "
                "run again after the reset to resume",
                quota.resets_at,
            )
        if self.progress is not None:
            share = history_share(self._state)
            self.progress(
                SyncProgress(
                    step,
                    self._spent(),
                    stored=self._tally.stored,
                    windows_done=self._windows_done,
                    windows_left=windows_left(share, self._windows_done),
                    share=share,
                )
            )

    async def _apply(self, model: type[TogglClass], changes: Changes, tally: _Tally) -> None:
        if changes.removed:
            await self.cache.delete(*changes.removed)
        if changes.added or changes.changed:
            await self.cache.add(*changes.added, *changes.changed)
        tally.count(model.__tablename__, changes)
        if model is TogglTracker:
            tally.entry_users.update(getattr(m, "user", None) for m in (*changes.added, *changes.changed))

    def _decode(self, model: type[TogglClass], items: Any, response: httpx.Response) -> list[TogglClass]:
        # Any item out of shape fails the whole answer before anything is applied: a partial list would
        # delete what it lacks from the cache.
        return list(decode_many(model, items, now=self.clock.now(), response=response))

    async def _cached(self, model: type[TogglClass]) -> dict[int, TogglClass]:
        return {m.id: m for m in await self.cache.load(model)}

    # -- phases ------------------------------------------------------------------------------------

    async def _sync_related(self, tally: _Tally) -> None:
        data, response = await self._get(
            "workspaces, clients, projects and tags", "me", (("with_related_data", "true"),), expect=Shape.OBJECT
        )
        data = check_me(data, response=response, related=True)
        now = self.clock.now()
        # Decode every list before touching the cache: one bad list must leave all of them as they were.
        decoded = {key: decode_list_field(model, data, key, now=now, response=response) for key, model in _RELATED}
        tasks = decode_list_field(TogglTask, data, "tasks", now=now, response=response)
        workspace_ids: list[int] = []
        for key, model in _RELATED:
            incoming: list[TogglClass] = list(decoded[key])
            cached = await self._cached(model)
            await self._apply(model, diff_models(cached, incoming, replace_ids=list(cached)), tally)
            if model is TogglWorkspace:
                workspace_ids = [w.id for w in incoming]
        # Toggl's related data holds the open tasks only (as /me/tasks without include_not_active): it replaces
        # the cached open tasks and leaves done ones an endpoint cached alone.
        cached_tasks = await self._cached(TogglTask)
        open_ids = [i for i, t in cached_tasks.items() if isinstance(t, TogglTask) and t.active]
        await self._apply(TogglTask, diff_models(cached_tasks, tasks, replace_ids=open_ids), tally)
        now = self.clock.now()
        # The answer holds every workspace, client (archived too), project (archived too) and tag: every list
        # scope the endpoints use for them is now complete.
        await self.cache.mark_complete(workspace_api.list_scope(), now)
        for wid in workspace_ids:
            await self.cache.mark_complete(tag_api.list_scope(wid), now)
            for status in ("active", "archived", "both"):
                await self.cache.mark_complete(client_api.list_scope(wid, status), now)
            for active in (True, False, "both"):
                await self.cache.mark_complete(project_api.list_scope(wid, active), now)
            await self.cache.mark_complete(task_api.list_scope(wid, True), now)
        # The user's time zone and default workspace, for offline readers (the CLI's --tz default, report scope).
        await self.cache.set_value(USER_FACTS_KEY, UserFacts.from_me(data).to_json())
        await self._set_state(evolve(self._state, related_at=now))

    async def _sync_organizations(self, tally: _Tally) -> None:
        data, response = await self._get("organizations", "me/organizations")
        incoming = self._decode(TogglOrganization, data, response)
        cached = await self._cached(TogglOrganization)
        await self._apply(TogglOrganization, diff_models(cached, incoming, replace_ids=list(cached)), tally)
        now = self.clock.now()
        await self.cache.mark_complete(organization_api.list_scope(), now)
        await self._set_state(evolve(self._state, organizations_at=now))

    async def _sync_users(self, tally: _Tally) -> None:
        cached = await self._cached(TogglWorkspaceUser)
        for workspace in sorted(await self.cache.load(TogglWorkspace), key=lambda w: w.id):
            request = users_api.collect_workspace(workspace.id)
            try:
                data, response = await self._get(
                    f"members of workspace {workspace.id}", request.path, request.params, expect=Shape.LIST
                )
            except TogglAPIError as exc:
                if exc.status != 403:
                    raise
                # Only admins may list members in some workspaces: keep what the cache has and go on.
                log.info("not allowed to list the members of workspace %s; skipped", workspace.id)
                continue
            incoming = [
                m if m.workspace else evolve(m, workspace=workspace.id)
                for m in self._decode(TogglWorkspaceUser, data, response)
                if isinstance(m, TogglWorkspaceUser)
            ]
            mine = [i for i, m in cached.items() if isinstance(m, TogglWorkspaceUser) and m.workspace == workspace.id]
            await self._apply(TogglWorkspaceUser, diff_models(cached, incoming, replace_ids=mine), tally)
            await self.cache.mark_complete(users_api.workspace_list_scope(workspace.id), self.clock.now())
        await self._set_state(evolve(self._state, users_at=self.clock.now()))

    async def _sync_windows(self, tally: _Tally, *, force: bool) -> None:
        if not self._state.full_fetch_in_progress:
            # A new full fetch replaces what the cache knew about complete time-entry ranges within its reach
            # (older ranges, read by a backfill, stay covered).
            floor = lookback_start(self.clock.now())
            end = datetime.max.replace(tzinfo=floor.tzinfo)
            await async_update_coverage(self.cache, lambda c: c.remove(floor, end))
        await self._set_state(begin_full_fetch(self._state, self.clock.now()))
        cached = await self._cached(TogglTracker)
        done = False
        guard = PageGuard("GET /me/time_entries (sync windows)")
        while not done:
            window = current_window(self._state)
            guard.admit((window.floor, window.end))
            step = f"time entries {window.floor.date().isoformat()} → {window.end.date().isoformat()}"
            requested_at = self.clock.now()
            data, response = await self._get(step, "me/time_entries", window_params(window))
            entries = self._decode(TogglTracker, data, response)
            starts = [e.start for e in entries if isinstance(e, TogglTracker)]
            lower, inclusive = window_covers(window, starts)
            in_window = [
                i
                for i, t in cached.items()
                if isinstance(t, TogglTracker)
                and (t.start > lower or (inclusive and t.start >= lower))
                and t.start < window.end
            ]
            changes = diff_models(cached, entries, replace_ids=in_window)
            await self._apply(TogglTracker, changes, tally)
            for gone in changes.removed:
                cached.pop(gone.id, None)
            cached.update({m.id: m for m in (*changes.added, *changes.changed)})
            # The cache now holds every entry of the covered part; it stays covered until its oldest fetched
            # entry expires (unchanged entries keep the time they were fetched at).
            lo, hi = covered_span(window, starts)
            fetched = [
                t.timestamp
                for t in cached.values()
                if isinstance(t, TogglTracker) and t.timestamp is not None and lo <= t.start < hi
            ]
            known_at = min([requested_at, *fetched])
            await async_update_coverage(self.cache, partial(Coverage.add, lo=lo, hi=hi, at=known_at))
            self._windows_done += 1
            try:
                state, done = after_window(self._state, starts)
            except ValueError as exc:  # a capped answer that cannot move the window: paging cannot go on
                raise PagingLimitError(str(exc), route=guard.route, pages=guard.pages) from None
            await self._set_state(state)

    async def _sync_since(self, tally: _Tally) -> None:
        watermark = self._state.watermark
        if watermark is None:  # pragma: no cover - needs_full_fetch covers it
            return
        requested_at = self.clock.now()
        data, response = await self._get("changed time entries", "me/time_entries", since_params(watermark))
        entries = self._decode(TogglTracker, data, response)
        cached = await self._cached(TogglTracker)
        await self._apply(TogglTracker, diff_models(cached, entries), tally)
        await self._set_state(after_since(self._state, [e.at for e in entries], requested_at))

    async def _user_id(self) -> int:
        known = UserFacts.from_json(await self.cache.get_value(USER_FACTS_KEY)).user_id
        if known is not None:
            return known
        data, response = await self._get("your user id", "me", expect=Shape.OBJECT)
        facts = UserFacts.from_me(check_me(data, response=response))
        await self.cache.set_value(USER_FACTS_KEY, facts.to_json())
        await self.cache.commit()
        return int(data["id"])

    async def _sync_history(self, tally: _Tally, since: date, *, rescan: bool) -> None:
        """The backfill phase: entries starting from ``since`` up to the look-back floor, through Reports v3."""
        limit = lookback_start(self.clock.now())
        lower = as_instant(since, "since")
        if lower >= limit:
            return
        workspaces = [w.id for w in await self.cache.load(TogglWorkspace)]
        backfill = AsyncBackfill(
            self._endpoint,
            self.cache,
            user_id=await self._user_id(),
            workspace_ids=workspaces,
            before_request=lambda step: self._check_budget(step, "workspace/search/time_entries"),
            progress=self.backfill_progress,
        )
        self._backfill = backfill
        try:
            await backfill.run(lower, limit, rescan=rescan)
        finally:
            result = backfill.result()
            for counter, value in ((tally.added, result.added), (tally.changed, result.changed),
                                   (tally.removed, result.removed)):
                if value:
                    counter["tracker"] = counter.get("tracker", 0) + value

    def _backfill_paused(self, stop: _Stop, backfill: BackfillResult) -> _Stop:
        """The stop, saying how much of the backfill is left; the progress callback hears of the pause."""
        workspaces = len(self._backfill.workspace_ids) if self._backfill is not None else 1
        left = backfill.windows_left
        message = (
            f"{stop.message}; backfill: {left} window(s) left over {workspaces} workspace(s) "
            f"(at least {left * workspaces} more requests), resumes where it stopped"
        )
        if self.backfill_progress is not None:
            self.backfill_progress(
                BackfillProgress(
                    fetched=backfill.fetched,
                    requests=backfill.requests,
                    window=None,
                    windows_left=left,
                    paused_until=stop.resets_at,
                )
            )
        return _Stop(stop.reason, message, stop.resets_at)
