"""``AsyncTogglSync`` against the emulator: request counts, incremental reads, deletions, budget stops, resumption."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from toggl_api import TaskBody, TogglClient, TogglProject, TogglTag, TogglTracker, TogglWorkspace
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.sync import AsyncTogglSync, SyncProgress
from toggl_api._core.session import TogglSession
from toggl_api._core.sync_plan import StopReason, lookback_start
from toggl_api._core.user_facts import USER_FACTS_KEY, UserFacts
from toggl_api.asyncio import AsyncTagEndpoint, AsyncTaskEndpoint, AsyncTrackerEndpoint, AsyncWorkspaceUserEndpoint
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)


def _syncer(
    cache: AsyncJSONCache[TogglTracker],
    auth: httpx.BasicAuth,
    client: httpx.AsyncClient,
    clock: FakeClock,
    **kwargs: object,
) -> AsyncTogglSync:
    return AsyncTogglSync(auth, cache, client=client, clock=clock, session=TogglSession(), **kwargs)  # type: ignore[arg-type]


def _expected_entries(emulator: Emulator, user_id: int) -> set[int]:
    floor = lookback_start(emulator.clock.now())
    return {
        t.id
        for t in emulator.state.time_entries.values()
        if t.user_id == user_id and not t.deleted and t.start >= floor
    }


async def test_first_sync_mirrors_the_account_in_six_requests(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.complete
    assert report.full
    assert report.requests == toggl_emulator.request_count() == 6
    assert toggl_emulator.request_count(path_contains="/me/time_entries") == 2  # > 1000 entries: two windows
    assert toggl_emulator.request_count(path_contains="/workspace_users") == 2  # one member list per workspace
    account = toggl_emulator.account
    assert account is not None
    assert {t.id for t in await cache.load(TogglTracker)} == _expected_entries(toggl_emulator, account.user_id)
    assert len(await cache.load(TogglWorkspace)) == 2
    assert len(await cache.load(TogglClient)) == 6
    assert len(await cache.load(TogglProject)) == 15
    assert report.added["tracker"] == len(await cache.load(TogglTracker))


async def test_sync_is_not_stopped_by_the_reserve_when_the_quota_is_not_enforced(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    """With limits off the emulator, like Toggl when it does not enforce the quota, reports a negative remainder."""
    for _ in range(40):
        await http_client.get("http://toggl.test/api/v9/me", auth=toggl_auth)

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.complete
    assert report.requests == 6


async def test_second_sync_is_incremental_and_costs_two_requests(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    toggl_emulator.requests.clear()
    fake_clock.advance(600)

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.complete
    assert not report.full
    assert report.requests == toggl_emulator.request_count() == 2
    since = [r for r in toggl_emulator.requests if r.path.endswith("/me/time_entries")]
    assert len(since) == 1
    assert "since" in since[0].params
    assert report.total_added == report.total_changed == report.total_removed == 0


async def test_incremental_sync_removes_entries_deleted_on_toggl(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    victim = max(await cache.load(TogglTracker), key=lambda t: t.start if t.stop else t.start - timedelta(days=1))
    fake_clock.advance(60)
    with toggl_emulator.client() as raw:
        raw.delete(f"/api/v9/workspaces/{toggl_workspace_id}/time_entries/{victim.id}").raise_for_status()
    fake_clock.advance(60)

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.removed == {"tracker": 1}
    assert await cache.find(victim.id, TogglTracker) is None


async def test_incremental_sync_replaces_entries_edited_on_toggl(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    target = min(await cache.load(TogglTracker), key=lambda t: t.start)
    fake_clock.advance(60)
    with toggl_emulator.client() as raw:
        raw.put(
            f"/api/v9/workspaces/{toggl_workspace_id}/time_entries/{target.id}", json={"description": "Edited"}
        ).raise_for_status()

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.changed == {"tracker": 1}
    found = await cache.find(target.id, TogglTracker)
    assert found is not None
    assert found.name == "Edited"


async def test_sync_removes_a_tag_deleted_on_toggl(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    tag = next(t for t in await cache.load(TogglTag) if t.workspace == toggl_workspace_id)
    with toggl_emulator.client() as raw:
        raw.delete(f"/api/v9/workspaces/{toggl_workspace_id}/tags/{tag.id}").raise_for_status()

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.removed.get("tag") == 1
    assert await cache.find(tag.id, TogglTag) is None


async def test_stop_at_max_requests_resumes_at_the_next_window(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    first = await _syncer(cache, toggl_auth, http_client, fake_clock, max_requests=3).sync()
    assert not first.complete
    assert first.stopped is StopReason.MAX_REQUESTS
    assert first.requests == 3
    toggl_emulator.requests.clear()

    second = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert second.complete
    # Only the window left, then the members (never read yet); related data is kept.
    assert second.requests == toggl_emulator.request_count() == 1 + 2
    account = toggl_emulator.account
    assert account is not None
    assert {t.id for t in await cache.load(TogglTracker)} == _expected_entries(toggl_emulator, account.user_id)


async def test_sync_stops_before_spending_the_quota_reserve(
    cache_dir: Path, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth
) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(burst=False, user_quota=5))
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)
    async with httpx.AsyncClient(transport=emulator.transport()) as client:
        report = await _syncer(cache, toggl_auth, client, fake_clock, reserve=3).sync()

    assert report.stopped is StopReason.QUOTA_RESERVE
    assert report.requests == emulator.request_count() == 2  # 5 - 2 = 3 left: the reserve
    assert report.resets_at is not None


async def test_quota_exhausted_stops_cleanly_and_the_next_run_resumes(
    cache_dir: Path, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth
) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(burst=False))
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)

    def other_tool_spends_the_quota(progress: SyncProgress) -> None:
        if progress.requests == 2:  # after related data and organizations, before the first window
            with emulator.client() as other:
                while other.get("/api/v9/me").status_code != 402:
                    pass

    async with httpx.AsyncClient(transport=emulator.transport()) as client:
        first = await _syncer(
            cache, toggl_auth, client, fake_clock, reserve=0, progress=other_tool_spends_the_quota
        ).sync()
        assert first.stopped is StopReason.QUOTA_EXCEEDED
        assert first.resets_at is not None
        assert first.resets_at > fake_clock.now()
        fake_clock.set(first.resets_at + timedelta(seconds=1))
        emulator.requests.clear()

        second = await _syncer(cache, toggl_auth, client, fake_clock, reserve=0).sync()

    assert second.complete
    # The two windows and the two member lists; nothing before them is repeated.
    assert second.requests == emulator.request_count() == 2 + 2
    account = emulator.account
    assert account is not None
    assert {t.id for t in await cache.load(TogglTracker)} == _expected_entries(emulator, account.user_id)


async def test_watermark_older_than_the_look_back_triggers_a_full_fetch(
    cache: AsyncJSONCache[TogglTracker],
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    fake_clock.advance(timedelta(days=100).total_seconds())

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.full
    assert report.complete


async def test_endpoints_answer_lists_from_the_cache_after_a_sync(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    toggl_emulator.requests.clear()

    tags = await AsyncTagEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock).collect()  # type: ignore[arg-type]

    assert len(tags) == 10
    assert toggl_emulator.request_count() == 0


async def test_sync_mirrors_open_tasks_and_members_so_endpoints_answer_from_the_cache(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    toggl_emulator.requests.clear()
    kw = {"client": http_client, "clock": fake_clock}

    tasks = await AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, cache, **kw).collect()  # type: ignore[arg-type]
    members = AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, cache, **kw)  # type: ignore[arg-type]
    people = await members.collect()
    account = toggl_emulator.account
    assert account is not None
    me = await members.by_user(account.user_id)

    assert toggl_emulator.request_count() == 0
    assert me is not None
    assert me.name == toggl_emulator.state.users[account.user_id].fullname
    api_tasks = await AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, **kw).collect()  # type: ignore[arg-type]
    api_people = await AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, **kw).collect()  # type: ignore[arg-type]
    assert {t.id for t in tasks} == {t.id for t in api_tasks}
    assert tasks
    assert {(m.id, m.user) for m in people} == {(m.id, m.user) for m in api_people}


async def test_a_task_done_elsewhere_leaves_the_cached_open_tasks_after_the_next_sync(
    cache: AsyncJSONCache[TogglTracker],
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    kw = {"client": http_client, "clock": fake_clock}
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    other_device = AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, **kw)  # type: ignore[arg-type]
    task = (await other_device.collect())[0]
    await other_device.edit(task, TaskBody(active=False))
    fake_clock.advance(600)

    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    cached = await AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, cache, **kw).collect()  # type: ignore[arg-type]
    assert task.id not in {t.id for t in cached}


async def test_members_are_read_again_after_a_day_but_not_sooner(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    fake_clock.advance(timedelta(hours=23).total_seconds())
    toggl_emulator.requests.clear()
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    assert toggl_emulator.request_count(path_contains="/workspace_users") == 0
    fake_clock.advance(timedelta(hours=2).total_seconds())

    report = await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    assert report.complete
    assert toggl_emulator.request_count(path_contains="/workspace_users") == 2


async def test_bad_credentials_raise_and_leave_the_state_untouched(
    cache: AsyncJSONCache[TogglTracker], http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    from toggl_api._core.errors import ForbiddenError

    syncer = _syncer(cache, httpx.BasicAuth("wrong-token", "api_token"), http_client, fake_clock)
    with pytest.raises(ForbiddenError):
        await syncer.sync()
    assert (await syncer.load_state()).watermark is None


def _tracker(
    cache: AsyncJSONCache[TogglTracker],
    workspace_id: int,
    auth: httpx.BasicAuth,
    client: httpx.AsyncClient,
    clock: FakeClock,
) -> AsyncTrackerEndpoint:
    return AsyncTrackerEndpoint(workspace_id, auth, cache, client=client, clock=clock)


async def test_after_a_sync_a_two_month_range_is_answered_from_the_cache_as_toggl_would(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    second_window_end = [r.params["end_date"] for r in toggl_emulator.requests if "end_date" in r.params][-1]
    assert "2026-09-01" < second_window_end < "2026-11-01"  # the range below spans both windows
    toggl_emulator.requests.clear()
    tracker = _tracker(cache, toggl_workspace_id, toggl_auth, http_client, fake_clock)

    cached = await tracker.collect(start_date=date(2026, 9, 1), end_date=date(2026, 11, 1))
    assert toggl_emulator.request_count() == 0
    from_toggl = await tracker.collect(start_date=date(2026, 9, 1), end_date=date(2026, 11, 1), refresh=True)
    assert cached
    assert cached == from_toggl


async def test_after_a_deletion_elsewhere_and_an_incremental_sync_the_cached_range_leaves_it_out(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    victim = max((t for t in await cache.load(TogglTracker) if t.stop), key=lambda t: t.start)
    fake_clock.advance(60)
    with toggl_emulator.client() as raw:
        raw.delete(f"/api/v9/workspaces/{toggl_workspace_id}/time_entries/{victim.id}").raise_for_status()
    fake_clock.advance(60)
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    toggl_emulator.requests.clear()

    tracker = _tracker(cache, toggl_workspace_id, toggl_auth, http_client, fake_clock)
    entries = await tracker.collect(start_date=victim.start.date(), end_date=date(2026, 11, 21))

    assert toggl_emulator.request_count() == 0
    assert victim.id not in {t.id for t in entries}


async def test_a_sync_stopped_after_its_first_window_covers_only_the_newest_entries(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock, max_requests=3).sync()
    toggl_emulator.requests.clear()
    tracker = _tracker(cache, toggl_workspace_id, toggl_auth, http_client, fake_clock)

    await tracker.collect(start_date=date(2026, 11, 10), end_date=date(2026, 11, 21))
    assert toggl_emulator.request_count() == 0
    await tracker.collect(start_date=date(2026, 8, 25), end_date=date(2026, 9, 1))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 1


async def test_a_range_older_than_the_sync_look_back_asks_toggl(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()
    toggl_emulator.requests.clear()
    tracker = _tracker(cache, toggl_workspace_id, toggl_auth, http_client, fake_clock)

    await tracker.collect(start_date=date(2026, 8, 20), end_date=date(2026, 9, 1))  # the sync starts a day later

    # Only the day before the sync's look-back is read, through Reports v3 (each workspace, paged).
    assert toggl_emulator.request_count("POST", "/search/time_entries") >= 2
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 0


async def test_sync_remembers_the_users_time_zone_and_default_workspace(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _syncer(cache, toggl_auth, http_client, fake_clock).sync()

    account = toggl_emulator.account
    assert account is not None
    user = toggl_emulator.state.users[account.user_id]
    assert UserFacts.from_json(await cache.get_value(USER_FACTS_KEY)) == UserFacts(
        account.user_id, user.timezone, account.workspace_id
    )
