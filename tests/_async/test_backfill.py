"""Backfill through Reports v3 against the emulator: ``sync(since=...)``, resumption, rescans, ``collect()``."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import DateTimeError, TogglTracker, TogglWorkspace
from toggl_api._async.backfill import AsyncBackfill
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.coverage import async_load_coverage, async_replace_window
from toggl_api._async.sync import AsyncTogglSync
from toggl_api._core.errors import UnexpectedResponseError
from toggl_api._core.history import BACKFILL_KEY, BackfillCursor, BackfillProgress, plan_windows
from toggl_api._core.session import TogglSession
from toggl_api._core.sync_plan import StopReason, lookback_start
from toggl_api.asyncio import AsyncSqliteCache, AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock, Limits

from ._history_seed import pages_needed, seed_history, user_entries

# A starter plan's 240 requests an hour hold a year's pages; the quota test uses a free plan on purpose.
pytestmark = pytest.mark.toggl_emulator(plan="starter")

UTC = timezone.utc
SEARCH = "/search/time_entries"


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)


@pytest.fixture
def emulator(toggl_emulator: Emulator) -> Emulator:
    seed_history(toggl_emulator)
    return toggl_emulator


def _syncer(
    cache: AsyncJSONCache[TogglTracker],
    auth: httpx.BasicAuth,
    client: httpx.AsyncClient,
    clock: FakeClock,
    **kw: object,
) -> AsyncTogglSync:
    return AsyncTogglSync(auth, cache, client=client, clock=clock, session=TogglSession(), **kw)  # type: ignore[arg-type]


def _year_ago(clock: FakeClock) -> date:
    return clock.now().date() - timedelta(days=365)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def test_sync_since_a_year_ago_mirrors_every_entry_of_the_year_in_exactly_the_pages_needed(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    since = _year_ago(fake_clock)
    windows = plan_windows([(_midnight(since), lookback_start(fake_clock.now()))], lookback_start(fake_clock.now()))

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)

    assert report.complete
    assert report.backfill is not None
    needed = pages_needed(emulator, windows)
    assert report.backfill.requests == emulator.request_count(path_contains=SEARCH) == needed
    assert report.requests == 6 + needed  # the ordinary first sync costs 6
    cached = {t.id for t in await cache.load(TogglTracker) if t.start >= _midnight(since)}
    assert cached == user_entries(emulator, _midnight(since))


async def test_a_second_sync_since_the_same_day_sends_no_report_request(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    since = _year_ago(fake_clock)
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)
    emulator.requests.clear()
    fake_clock.advance(300)

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)

    assert report.complete
    assert emulator.request_count(path_contains=SEARCH) == 0
    assert report.backfill is not None
    assert report.backfill.requests == 0


async def test_backfilled_entries_have_the_workspace_of_their_request_and_utc_times(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    since = _year_ago(fake_clock)
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)

    old = [t for t in await cache.load(TogglTracker) if t.start < lookback_start(fake_clock.now())]
    assert old
    for entry in old:
        truth = emulator.state.time_entries[entry.id]
        assert (entry.workspace, entry.start, entry.stop, entry.description) == (
            truth.workspace_id, truth.start, truth.stop, truth.description or "",
        )
        assert entry.start.utcoffset() == timedelta(0)


async def test_collect_of_a_backfilled_range_is_answered_from_the_cache_with_no_request(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=_year_ago(fake_clock))
    emulator.requests.clear()
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    start = fake_clock.now().date() - timedelta(days=300)

    found = await tracker.collect(start_date=start, end_date=start + timedelta(days=30))

    assert emulator.requests == []
    assert {t.id for t in found} == user_entries(emulator, _midnight(start), _midnight(start + timedelta(days=30)))


async def test_collect_of_an_old_range_reads_reports_then_answers_it_from_the_cache(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    start = fake_clock.now().date() - timedelta(days=300)
    end = start + timedelta(days=20)
    expected = user_entries(emulator, _midnight(start), _midnight(end))

    first = await tracker.collect(start_date=start, end_date=end)
    assert {t.id for t in first} == expected
    windows = plan_windows([(_midnight(start), _midnight(end))], _midnight(end))
    assert emulator.request_count(path_contains=SEARCH) == pages_needed(emulator, windows)
    emulator.requests.clear()

    again = await tracker.collect(start_date=start, end_date=end)

    assert emulator.requests == []
    assert {t.id for t in again} == expected


async def test_collect_of_a_range_straddling_the_look_back_uses_both_sources(
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)
    start = fake_clock.now().date() - timedelta(days=120)
    end = fake_clock.now().date() - timedelta(days=60)

    found = await tracker.collect(start_date=start, end_date=end)

    assert sorted(t.id for t in found) == sorted(user_entries(emulator, _midnight(start), _midnight(end)))
    assert emulator.request_count(path_contains=SEARCH) >= 2
    assert emulator.request_count(path_contains="/me/time_entries") >= 1


async def test_a_backfill_stopped_by_the_quota_reserve_says_what_is_left_and_resumes_exactly_there(
    cache_dir: Path, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth
) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(burst=False))
    seed_history(emulator)
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)
    since = _year_ago(fake_clock)
    paused: list[BackfillProgress] = []
    async with httpx.AsyncClient(transport=emulator.transport()) as client:
        first = await _syncer(
            cache, toggl_auth, client, fake_clock, reserve=10, backfill_progress=paused.append
        ).sync(since=since)
        assert first.stopped is StopReason.QUOTA_RESERVE
        assert first.resets_at is not None
        assert "window(s) left" in first.message
        assert paused[-1].paused_until == first.resets_at
        cursor = BackfillCursor.from_json(await cache.get_value(BACKFILL_KEY))
        assert cursor is not None
        assert cursor.next_row is not None
        report = first
        runs = 1
        while not report.complete:  # a free plan's hour holds ~20 pages: a year takes a few hours
            assert report.resets_at is not None
            fake_clock.set(report.resets_at + timedelta(seconds=1))
            report = await _syncer(cache, toggl_auth, client, fake_clock, reserve=10).sync(since=since)
            runs += 1

    assert runs > 1
    limit = lookback_start(fake_clock.now())
    windows = plan_windows([(_midnight(since), limit)], limit)
    # Not one page is read twice (the clock moved a few hours: the plan is the same window).
    assert emulator.request_count(path_contains=SEARCH) == pages_needed(emulator, windows)
    cached = {t.id for t in await cache.load(TogglTracker) if _midnight(since) <= t.start < limit}
    assert cached == user_entries(emulator, _midnight(since), limit)
    assert await cache.get_value(BACKFILL_KEY) is None


async def test_a_crash_between_two_pages_resumes_at_the_next_page(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    fake_clock: FakeClock,
) -> None:
    inner = emulator.transport()
    pages = 0

    def crash_on_the_fourth_page(request: httpx.Request) -> httpx.Response:
        nonlocal pages
        if SEARCH in request.url.path:
            pages += 1
            if pages == 4:
                raise KeyboardInterrupt  # Ctrl-C while the request is on its way
        return inner.handle_request(request)

    since = _year_ago(fake_clock)
    async with httpx.AsyncClient(transport=httpx.MockTransport(crash_on_the_fourth_page)) as client:
        with pytest.raises(KeyboardInterrupt):
            await _syncer(cache, toggl_auth, client, fake_clock).sync(since=since)
    cursor = BackfillCursor.from_json(await cache.get_value(BACKFILL_KEY))
    assert cursor is not None
    assert cursor.pages == 3
    emulator.requests.clear()

    async with httpx.AsyncClient(transport=emulator.transport()) as client:
        report = await _syncer(cache, toggl_auth, client, fake_clock).sync(since=since)

    assert report.complete
    limit = lookback_start(fake_clock.now())
    windows = plan_windows([(_midnight(since), limit)], limit)
    assert emulator.request_count(path_contains=SEARCH) == pages_needed(emulator, windows) - 3
    cached = {t.id for t in await cache.load(TogglTracker) if _midnight(since) <= t.start < limit}
    assert cached == user_entries(emulator, _midnight(since), limit)


async def test_an_old_entry_deleted_on_toggl_stays_after_a_plain_rerun_and_goes_with_a_rescan(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    since = _year_ago(fake_clock)
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)
    old = min((t for t in await cache.load(TogglTracker) if t.start >= _midnight(since)), key=lambda t: t.start)
    # Deleted long ago on Toggl, with an `at` older than the sync's watermark: `since` cannot report it.
    del emulator.state.time_entries[old.id]
    fake_clock.advance(300)

    await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since)
    assert await cache.find(old.id, TogglTracker) is not None

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync(since=since, rescan=True)

    assert report.complete
    assert await cache.find(old.id, TogglTracker) is None
    assert report.removed.get("tracker", 0) >= 1


async def test_a_window_replacement_removes_entries_of_the_workspace_the_answer_lacks(
    cache: AsyncJSONCache[TogglTracker], fake_clock: FakeClock
) -> None:
    lo, hi = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    now = fake_clock.now()

    def entry(ident: int, workspace: int, start: datetime) -> TogglTracker:
        stop = start + timedelta(hours=1)
        return TogglTracker(ident, "x", workspace=workspace, start=start, stop=stop, timestamp=now)

    gone = entry(5, 1, datetime(2025, 1, 3, 9, tzinfo=UTC))
    other_workspace = entry(6, 2, datetime(2025, 1, 3, 9, tzinfo=UTC))
    before_window = entry(7, 1, datetime(2024, 12, 31, 9, tzinfo=UTC))
    from_an_earlier_page = entry(8, 1, datetime(2025, 1, 4, 9, tzinfo=UTC))
    await cache.add(gone, other_workspace, before_window, from_an_earlier_page)
    await cache.commit()

    answer = [entry(9, 1, datetime(2025, 1, 5, 9, tzinfo=UTC))]
    changes = await async_replace_window(cache, answer, workspace_id=1, lo=lo, hi=hi, keep_ids=[8], covered_at=now)

    assert sorted(t.id for t in await cache.load(TogglTracker)) == [6, 7, 8, 9]
    assert [t.id for t in changes.removed] == [5]
    assert (await async_load_coverage(cache)).covers(lo, hi, now, None)


async def test_a_backfill_covers_each_workspace_of_the_user(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    account = emulator.account
    assert account is not None
    assert len(account.workspace_ids) == 2
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    limit = _midnight(fake_clock.now().date() - timedelta(days=200))
    backfill = AsyncBackfill(tracker, cache, user_id=account.user_id, workspace_ids=account.workspace_ids)

    await backfill.run(limit - timedelta(days=30), limit)

    cached = await cache.load(TogglTracker)
    assert {t.workspace for t in cached} == set(account.workspace_ids)
    assert {t.id for t in cached} == user_entries(emulator, limit - timedelta(days=30), limit)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"since": date(2005, 12, 31)}, DateTimeError, "2006-01-01"),
        ({"since": datetime(2025, 1, 1, tzinfo=UTC)}, TypeError, "since must be a date"),
        ({"rescan": True}, ValueError, "rescan needs since"),
    ],
)
async def test_odd_backfill_arguments_are_refused_before_any_request(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        await _syncer(cache, toggl_auth, http_client, fake_clock).sync(**kwargs)  # type: ignore[arg-type]
    assert toggl_emulator.requests == []


async def test_an_sqlite_cache_answers_the_backfilled_year_with_no_request(
    cache_dir: Path,
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    sql: AsyncSqliteCache[Any] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    since = _year_ago(fake_clock)
    report = await _syncer(sql, toggl_auth, http_client, fake_clock).sync(since=since)  # type: ignore[arg-type]
    assert report.complete
    emulator.requests.clear()
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, sql, client=http_client, clock=fake_clock)

    found = await tracker.collect(start_date=since, end_date=fake_clock.now().date() - timedelta(days=100))

    assert emulator.requests == []
    upper = _midnight(fake_clock.now().date() - timedelta(days=100))
    assert {t.id for t in found} == user_entries(emulator, _midnight(since), upper)


async def test_the_progress_callback_hears_each_page_and_the_end(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    heard: list[BackfillProgress] = []

    report = await _syncer(cache, toggl_auth, http_client, fake_clock, backfill_progress=heard.append).sync(
        since=_year_ago(fake_clock)
    )

    assert report.backfill is not None
    assert len(heard) == report.backfill.requests  # one report per page
    assert [p.fetched for p in heard] == sorted(p.fetched for p in heard)
    assert heard[-1].finished
    assert heard[-1].windows_left == 0
    assert heard[-1].fetched == report.backfill.fetched
    assert all(not p.finished and p.window is not None for p in heard[:-1])


async def test_a_garbled_page_stores_nothing_of_it_and_the_next_run_reads_it_again(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    fake_clock: FakeClock,
) -> None:
    inner = emulator.transport()
    pages = 0

    def garble_the_second_page(request: httpx.Request) -> httpx.Response:
        nonlocal pages
        response = inner.handle_request(request)
        if SEARCH in request.url.path:
            pages += 1
            if pages == 2:
                rows = json.loads(response.read())
                rows[0]["time_entries"] = "not a list"
                return httpx.Response(200, json=rows, headers=dict(response.headers))
        return response

    since = _year_ago(fake_clock)
    async with httpx.AsyncClient(transport=httpx.MockTransport(garble_the_second_page)) as client:
        with pytest.raises(UnexpectedResponseError, match="row 0"):
            await _syncer(cache, toggl_auth, client, fake_clock, retries=0).sync(since=since)
    cursor = BackfillCursor.from_json(await cache.get_value(BACKFILL_KEY))
    assert cursor is not None
    assert cursor.pages == 1  # the first page is kept, the garbled one is not
    emulator.requests.clear()

    async with httpx.AsyncClient(transport=emulator.transport()) as client:
        report = await _syncer(cache, toggl_auth, client, fake_clock).sync(since=since)

    assert report.complete
    limit = lookback_start(fake_clock.now())
    windows = plan_windows([(_midnight(since), limit)], limit)
    assert emulator.request_count(path_contains=SEARCH) == pages_needed(emulator, windows) - 1
    cached = {t.id for t in await cache.load(TogglTracker) if _midnight(since) <= t.start < limit}
    assert cached == user_entries(emulator, _midnight(since), limit)


async def test_collect_reads_every_workspace_even_when_the_cache_knows_only_one(
    cache: AsyncJSONCache[TogglTracker],
    emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    await cache.add(TogglWorkspace(toggl_workspace_id, "Demo", timestamp=fake_clock.now()))  # type: ignore[arg-type]
    await cache.commit()
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    start = fake_clock.now().date() - timedelta(days=300)

    found = await tracker.collect(start_date=start, end_date=start + timedelta(days=10))

    account = emulator.account
    assert account is not None
    assert {t.workspace for t in found} == set(account.workspace_ids)
    assert emulator.request_count(path_contains="/me/workspaces") == 1
