"""``AsyncBackfill``: read the user's time entries older than ``/me/time_entries`` serves through Reports v3.

The decisions (windows, the request, the row mapping, the cursor) are pure values in ``toggl_api._core.history``;
this module sends the pages, stores their entries, keeps the resume cursor and replaces each finished window in
the cache (``async_replace_window``). ``AsyncTogglSync`` (``sync(since=...)``) and
``AsyncTrackerEndpoint.collect`` (old ``start_date``) both run it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from attrs import evolve

from .._core.answers import unexpected
from .._core.api.reports import parse_cursor
from .._core.api.request import ApiRequest, Shape
from .._core.coverage import as_instant
from .._core.errors import PagingLimitError
from .._core.history import (
    BACKFILL_KEY,
    BackfillCursor,
    BackfillProgress,
    BackfillResult,
    HistoryWindow,
    entries_from_rows,
    plan_windows,
    search_request,
    uncovered,
)
from .._core.models import TogglTag, TogglTracker
from .._core.paging import PageGuard
from .cache.base import TogglAsyncCache
from .coverage import async_load_coverage, async_replace_window, async_update_coverage
from .endpoint import TogglAsyncEndpoint, decode_json

__all__ = ["AsyncBackfill"]

log = logging.getLogger("toggl_api.sync")


class AsyncBackfill:
    """One backfill of the user's entries starting in ``[lo, limit)`` over ``workspace_ids``.

    Args:
        endpoint: Sends the requests (its requester's retry policy, session and clock apply).
        cache: Where entries, coverage and the resume cursor go (``None``: entries are only collected in
            ``collected``; nothing is remembered).
        user_id: The user whose entries are read (``user_ids=[me]``, as ``/me/time_entries`` reads).
        workspace_ids: Every workspace to read (entries of each are stored with its id).
        before_request: Called with a description before each request; it may raise to stop the run (the
            state of every finished page is saved).
        progress: Called with a ``BackfillProgress`` after each page.
    """

    def __init__(
        self,
        endpoint: TogglAsyncEndpoint[Any],
        cache: TogglAsyncCache[Any] | None,
        *,
        user_id: int,
        workspace_ids: Sequence[int],
        before_request: Callable[[str], None] | None = None,
        progress: Callable[[BackfillProgress], None] | None = None,
    ) -> None:
        self._endpoint = endpoint
        self.cache = cache
        self.user_id = user_id
        self.workspace_ids = tuple(sorted(set(workspace_ids)))
        self.before_request = before_request
        self.progress = progress
        self.requests = 0
        self.fetched = 0
        self._added = self._changed = self._removed = 0
        self._windows_done = 0
        self._windows: list[HistoryWindow] = []
        #: Every entry received, by id (what ``collect`` answers without a cache).
        self.collected: dict[int, TogglTracker] = {}

    def _now(self) -> datetime:
        return self._endpoint.clock.now()

    async def _load_cursor(self) -> BackfillCursor | None:
        if self.cache is None:
            return None
        try:
            return BackfillCursor.from_json(await self.cache.get_value(BACKFILL_KEY))
        except ValueError as exc:
            log.warning("ignoring the stored backfill cursor (%s); its window starts again", exc)
            return None

    @staticmethod
    async def windows_to_read(cache: TogglAsyncCache[Any] | None, lo: datetime, limit: datetime) -> list[HistoryWindow]:
        """The windows still to read for ``[lo, limit)`` (none when the cache's coverage holds all of it)."""
        if cache is None:
            return plan_windows([(lo, limit)], limit)
        coverage = await async_load_coverage(cache)
        return plan_windows(uncovered(coverage, lo, limit, cache.now(), cache.effective_expire_after), limit)

    async def run(self, lo: datetime, limit: datetime, *, rescan: bool = False) -> BackfillResult:
        """Read every window of ``[lo, limit)`` the cache does not cover (``rescan``: every window).

        ``limit`` is a UTC midnight at or before the look-back floor of ``/me/time_entries``. A stop raised by
        ``before_request`` (or any error) propagates after the finished pages were saved; call ``result()``
        for what was done.

        Raises:
            UnexpectedResponseError: a page was not a list of detailed rows (nothing of it was stored).
            PagingLimitError: the server repeated a cursor.
        """
        lo = as_instant(lo, "lo")
        if not lo < limit:
            return self.result()
        cursor = await self._load_cursor()
        span = (lo, limit)
        if self.cache is not None and rescan and (cursor is None or cursor.rescan != span):
            # Forget what the cache knew of the range (once per rescan, so a resumed rescan keeps its progress).
            await async_update_coverage(self.cache, lambda c: c.remove(lo, limit))
            await self.cache.set_value(BACKFILL_KEY, None)
            await self.cache.commit()
            cursor = None
        marker = span if rescan else (cursor.rescan if cursor is not None else None)
        self._windows = await self.windows_to_read(self.cache, lo, limit)
        for index, window in enumerate(self._windows):
            if cursor is None or cursor.window != window:
                cursor = BackfillCursor(window, self._now(), rescan=marker)
            cursor = await self._read_window(cursor, index)
        return self.result()

    def result(self) -> BackfillResult:
        """What the run did so far."""
        left = max(0, len(self._windows) - self._windows_done)
        return BackfillResult(
            requests=self.requests,
            fetched=self.fetched,
            added=self._added,
            changed=self._changed,
            removed=self._removed,
            windows_done=self._windows_done,
            windows_left=left,
            complete=left == 0,
        )

    async def _read_window(self, cursor: BackfillCursor, index: int) -> BackfillCursor:
        window = cursor.window
        cached_tags = await self.cache.load(TogglTag) if self.cache is not None else []
        known_tags = {t.id: t.name for t in cached_tags if isinstance(t, TogglTag)}
        for wid in self.workspace_ids:
            if wid in cursor.done:
                continue
            if cursor.workspace != wid:
                cursor = evolve(cursor, workspace=wid, next_row=None, next_id=None, seen=())
            guard = PageGuard(f"POST workspace/{wid}/search/time_entries")
            while True:
                guard.admit((cursor.next_row, cursor.next_id))
                request = search_request(wid, self.user_id, window, cursor.next_row, cursor.next_id)
                received, next_row, next_id = await self._page(request, wid, window, known_tags)
                # Entries of the margin days belong to a neighbouring range: stored only when read for it, so an
                # entry imported from a CSV export there is never beside its API copy.
                entries = [e for e in received if window.lo <= e.start < window.hi]
                if next_row is None and next_id is None:
                    cursor = await self._finish_workspace(cursor, wid, entries, index)
                    break
                if (next_row, next_id) == (cursor.next_row, cursor.next_id):
                    msg = f"workspace {wid}: the next-page cursor repeats the current one; stopped instead of looping"
                    raise PagingLimitError(msg, route=guard.route, pages=guard.pages)
                cursor = evolve(
                    cursor,
                    next_row=next_row,
                    next_id=next_id,
                    seen=(*cursor.seen, *(e.id for e in entries)),
                    pages=cursor.pages + 1,
                )
                await self._store(entries, cursor)
                self._report(window, index, wid)
        return cursor

    async def _store(self, entries: list[TogglTracker], cursor: BackfillCursor) -> None:
        self.collected.update((e.id, e) for e in entries)
        if self.cache is None:
            return
        for entry in entries:
            old = await self.cache.find(entry.id, TogglTracker, include_expired=True)
            if old is None:
                self._added += 1
            elif old != entry:
                self._changed += 1
        if entries:
            await self.cache.add(*entries)
        await self.cache.set_value(BACKFILL_KEY, cursor.to_json())
        await self.cache.commit()  # the page and the cursor together: a crash resumes after this page

    async def _page(
        self, request: ApiRequest, wid: int, window: HistoryWindow, known_tags: dict[int, str]
    ) -> tuple[list[TogglTracker], int | None, int | None]:
        if self.before_request is not None:
            self.before_request(f"older time entries {window.label()} (workspace {wid})")
        # The requester picks the Reports base URL from ``request.api`` (the endpoint's own base is Track's).
        response = await self._endpoint._requester.send(evolve(request, expect=Shape.LIST))
        self.requests += 1
        try:
            next_id = parse_cursor(response.headers.get("X-Next-ID"))
            next_row = parse_cursor(response.headers.get("X-Next-Row-Number"))
        except ValueError:
            raise unexpected(response, "a next-page cursor header that is not a non-negative int") from None
        rows = decode_json(response)
        try:
            entries = entries_from_rows(rows or [], workspace_id=wid, now=self._now(), known_tags=known_tags)
        except ValueError as exc:
            raise unexpected(response, f"a detailed report row that cannot be read ({exc})") from None
        self.fetched += len(entries)
        return entries, next_row, next_id

    async def _finish_workspace(
        self, cursor: BackfillCursor, wid: int, entries: list[TogglTracker], index: int
    ) -> BackfillCursor:
        window = cursor.window
        done = (*cursor.done, wid)
        last = all(w in done for w in self.workspace_ids)
        if last:
            following = self._windows[index + 1] if index + 1 < len(self._windows) else None
            after = BackfillCursor(following, self._now(), rescan=cursor.rescan) if following else None
        else:
            after = evolve(cursor, workspace=None, done=done, next_row=None, next_id=None, seen=())
        self.collected.update((e.id, e) for e in entries)
        if self.cache is None:
            if last:
                self._windows_done += 1
            return after if after is not None else evolve(cursor, done=done)
        await self.cache.set_value(BACKFILL_KEY, after.to_json() if after is not None else None)
        changes = await async_replace_window(
            self.cache,
            entries,
            workspace_id=wid,
            lo=window.lo,
            hi=window.hi,
            user_id=self.user_id,
            keep_ids=cursor.seen,
            covered_at=cursor.started if last else None,
        )
        self._added += len(changes.added)
        self._changed += len(changes.changed)
        self._removed += len(changes.removed)
        if last:
            self._windows_done += 1
        self._report(window, index, wid, finished=last and after is None)
        return after if after is not None else evolve(cursor, done=done)

    def _report(self, window: HistoryWindow, index: int, wid: int, *, finished: bool = False) -> None:
        if self.progress is None:
            return
        position = self.workspace_ids.index(wid)
        self.progress(
            BackfillProgress(
                fetched=self.fetched,
                requests=self.requests,
                window=None if finished else window,
                windows_left=len(self._windows) - index - (1 if finished else 0),
                workspaces_left=len(self.workspace_ids) - position,
                finished=finished,
            )
        )
