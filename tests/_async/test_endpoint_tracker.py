"""``AsyncTrackerEndpoint`` against the emulator: requests sent, answers, cache effects and bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import DateTimeError, NamingError, TogglTracker, TrackerBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._core.errors import ConflictError
from toggl_api.asyncio import AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault

UTC = timezone.utc
PLUS2 = timezone(timedelta(hours=2))


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglTracker],
) -> AsyncTrackerEndpoint:
    return AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.fixture
def uncached(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> AsyncTrackerEndpoint:
    return AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


def _stopped(description: str, fake_clock: FakeClock, hours_ago: int = 3) -> TrackerBody:
    start = fake_clock.now() - timedelta(hours=hours_ago)
    return TrackerBody(description, start=start, stop=start + timedelta(minutes=30))


# -- add ------------------------------------------------------------------------------------------------


async def test_add_without_start_starts_a_running_entry_now(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock, toggl_workspace_id: int
) -> None:
    tracker = await endpoint.add(TrackerBody("work"))
    sent = toggl_emulator.requests[-1]
    assert (sent.method, sent.path) == ("POST", f"/api/v9/workspaces/{toggl_workspace_id}/time_entries")
    assert sent.json["start"] == fake_clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sent.json["duration"] == -1
    assert tracker.running()
    assert tracker.start == fake_clock.now().replace(microsecond=0)


async def test_add_leaves_the_callers_body_unchanged_f3(endpoint: AsyncTrackerEndpoint) -> None:
    """F3: upstream filled ``start``, ``duration`` and ``tag_action`` into the caller's body."""
    body = TrackerBody("work", tags=["x"])
    await endpoint.add(body)
    assert (body.start, body.duration, body.tag_action) == (None, None, None)


async def test_add_sends_shared_with_user_ids_and_a_zero_duration_f1(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    """F1: upstream never sent ``shared_with_user_ids`` and dropped ``duration=0``."""
    body = TrackerBody("zero", duration=0, start=fake_clock.now() - timedelta(hours=1), shared_with_user_ids=[7])
    await endpoint.add(body)
    sent = toggl_emulator.requests[-1].json
    assert sent["duration"] == 0
    assert sent["shared_with_user_ids"] == [7]


async def test_add_converts_an_offset_start_to_utc_d2(endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator) -> None:
    """D2: upstream formatted a +02:00 datetime unconverted and labelled it Z."""
    start = datetime(2026, 11, 20, 10, 0, tzinfo=PLUS2)
    tracker = await endpoint.add(TrackerBody("x", start=start, duration=600))
    assert toggl_emulator.requests[-1].json["start"] == "2026-11-20T08:00:00Z"
    assert tracker.start == start


async def test_add_without_description_raises_naming_error(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError, match="Description must be set"):
        await endpoint.add(TrackerBody())
    assert toggl_emulator.requests == []


async def test_add_with_a_naive_start_raises_date_time_error_d7(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    """D7: upstream accepted naive datetimes and failed later in the SQLite cache."""
    with pytest.raises(DateTimeError, match="timezone-aware"):
        await endpoint.add(TrackerBody("x", start=datetime(2026, 11, 20, 10, 0)))
    assert toggl_emulator.requests == []


async def test_add_with_a_start_after_2030_raises_date_time_error(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(DateTimeError, match="2006 and 2030"):
        await endpoint.add(TrackerBody("x", start=datetime(2031, 1, 1, tzinfo=UTC), duration=60))
    assert toggl_emulator.requests == []


async def test_add_with_stop_before_start_raises_date_time_error(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock
) -> None:
    now = fake_clock.now()
    with pytest.raises(DateTimeError, match="before start"):
        await endpoint.add(TrackerBody("x", start=now, stop=now - timedelta(hours=1)))


async def test_added_entry_is_found_in_the_cache_without_a_request_c5(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    tracker = await endpoint.add(_stopped("cached", fake_clock))
    before = len(toggl_emulator.requests)
    assert await endpoint.get(tracker.id) == tracker
    assert len(toggl_emulator.requests) == before


async def test_running_duration_of_a_running_api_entry_is_not_negative_d8(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock
) -> None:
    """D8: Toggl's ``duration=-1`` made upstream's ``running_duration`` return -1 s."""
    tracker = await endpoint.add(TrackerBody("run", start=fake_clock.now() - timedelta(minutes=5)))
    assert tracker.elapsed(fake_clock.now()) == timedelta(minutes=5)


# -- edit -----------------------------------------------------------------------------------------------


async def test_edit_sends_meta_as_a_query_parameter_r7(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    """R7: upstream put ``meta`` inside the JSON body."""
    tracker = await endpoint.add(_stopped("a", fake_clock))
    await endpoint.edit(tracker, TrackerBody(description="b"), meta=True)
    sent = toggl_emulator.requests[-1]
    assert sent.method == "PUT"
    assert sent.params == {"meta": "true"}
    assert "meta" not in sent.json


async def test_edit_does_not_send_an_unset_description_f1(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    """F1: upstream sent ``"description": null`` on every edit, clearing it."""
    tracker = await endpoint.add(_stopped("keep me", fake_clock))
    edited = await endpoint.edit(tracker, TrackerBody(project_id=-1))
    assert toggl_emulator.requests[-1].json == {"project_id": None}
    assert edited.name == "keep me"


async def test_edit_adds_tags_without_changing_the_callers_body_f3(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    tracker = await endpoint.add(TrackerBody("t", start=fake_clock.now() - timedelta(hours=1), duration=60, tags=["a"]))
    body = TrackerBody(tags=["b"])
    edited = await endpoint.edit(tracker, body)
    assert toggl_emulator.requests[-1].json == {"tags": ["b"], "tag_action": "add"}
    assert sorted(edited.tag_names()) == ["a", "b"]
    assert body.tag_action is None


async def test_edit_updates_the_cache(
    endpoint: AsyncTrackerEndpoint, cache: AsyncJSONCache[TogglTracker], fake_clock: FakeClock
) -> None:
    tracker = await endpoint.add(_stopped("a", fake_clock))
    await endpoint.edit(tracker.id, TrackerBody(description="b"))
    cached = await cache.find(tracker.id, TogglTracker)
    assert cached is not None
    assert cached.name == "b"


# -- bulk edit ------------------------------------------------------------------------------------------


async def test_bulk_edit_splits_ids_into_requests_of_100(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.bulk_edit(*range(1, 151), body=TrackerBody(description="d"))
    patches = [r for r in toggl_emulator.requests if r.method == "PATCH"]
    assert [len(r.path.rsplit("/", 1)[1].split(",")) for r in patches] == [100, 50]


async def test_bulk_edit_sends_full_utc_timestamps_f2(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    """F2: upstream truncated ``start``/``stop`` to dates."""
    tracker = await endpoint.add(_stopped("a", fake_clock))
    start = datetime(2026, 11, 20, 9, 15, 30, tzinfo=PLUS2)
    await endpoint.bulk_edit(tracker, body=TrackerBody(start=start, stop=start + timedelta(minutes=10)))
    ops = next(r for r in toggl_emulator.requests if r.method == "PATCH").json
    assert {"op": "replace", "path": "/start", "value": "2026-11-20T07:15:30Z"} in ops
    assert {"op": "replace", "path": "/stop", "value": "2026-11-20T07:25:30Z"} in ops


async def test_bulk_edit_with_stop_before_start_raises_and_keeps_the_body_f2(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    now = fake_clock.now()
    body = TrackerBody(start=now, stop=now - timedelta(hours=1))
    with pytest.raises(DateTimeError):
        await endpoint.bulk_edit(1, body=body)
    assert body.stop == now - timedelta(hours=1)
    assert toggl_emulator.requests == []


async def test_bulk_edit_reports_successes_and_failure_messages_r10(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock
) -> None:
    """R10: failures are Toggl's ``{id, message}`` objects."""
    tracker = await endpoint.add(_stopped("a", fake_clock))
    edits = await endpoint.bulk_edit(tracker, 999, body=TrackerBody(description="b"))
    assert edits.successes == [tracker.id]
    assert [f["id"] for f in edits.failures] == [999]
    assert "999" in edits.failures[0]["message"]


async def test_bulk_edit_brings_the_cache_up_to_date_r10(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    """R10: upstream never updated the cache after bulk edits."""
    tracker = await endpoint.add(_stopped("a", fake_clock))
    fake_clock.advance(5)
    await endpoint.bulk_edit(tracker, body=TrackerBody(description="b", tags=["new"]))
    before = len(toggl_emulator.requests)
    cached = await endpoint.get(tracker.id)
    assert len(toggl_emulator.requests) == before
    assert cached is not None
    assert cached.name == "b"
    assert cached.tag_names() == ["new"]


async def test_bulk_edit_with_nothing_to_change_raises_value_error(endpoint: AsyncTrackerEndpoint) -> None:
    with pytest.raises(ValueError, match="changes nothing"):
        await endpoint.bulk_edit(1, body=TrackerBody())


# -- stop / current ---------------------------------------------------------------------------------------


async def test_stop_returns_the_stopped_entry_and_updates_the_cache(
    endpoint: AsyncTrackerEndpoint,
    cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
) -> None:
    tracker = await endpoint.add(TrackerBody("run"))
    fake_clock.advance(60)
    stopped = await endpoint.stop(tracker)
    assert toggl_emulator.requests[-1].path.endswith(f"/time_entries/{tracker.id}/stop")
    assert stopped is not None
    assert stopped.stop is not None
    cached = await cache.find(tracker.id, TogglTracker)
    assert cached is not None
    assert not cached.running()


async def test_stop_of_a_stopped_entry_returns_none(endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock) -> None:
    tracker = await endpoint.add(_stopped("done", fake_clock))
    assert await endpoint.stop(tracker) is None


async def test_stop_of_a_stopped_entry_raises_conflict_with_re_raise(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    endpoint = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock, re_raise=True)
    tracker = await endpoint.add(_stopped("done", fake_clock))
    with pytest.raises(ConflictError):
        await endpoint.stop(tracker)


async def test_current_returns_the_running_entry_from_the_api(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    tracker = await uncached.add(TrackerBody("run"))
    assert await uncached.current() == tracker
    assert toggl_emulator.requests[-1].path == "/api/v9/me/time_entries/current"


async def test_current_without_refresh_finds_the_running_entry_in_the_cache_c18(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    """C18: the async upstream compared ``stop is None`` in SQL and never found running entries."""
    tracker = await endpoint.add(TrackerBody("run"))
    before = len(toggl_emulator.requests)
    assert await endpoint.current(refresh=False) == tracker
    assert len(toggl_emulator.requests) == before


async def test_current_returns_none_when_nothing_runs_and_drops_stale_running_entries(
    endpoint: AsyncTrackerEndpoint, uncached: AsyncTrackerEndpoint, cache: AsyncJSONCache[TogglTracker]
) -> None:
    tracker = await endpoint.add(TrackerBody("run"))
    await uncached.stop(tracker)  # stopped elsewhere: the cache still thinks it runs
    assert await endpoint.current() is None
    assert await endpoint.current(refresh=False) is None


async def test_current_tolerates_405_unless_re_raise(endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.http_error(405), times=1)
    assert await endpoint.current() is None


async def test_adding_a_running_entry_marks_the_previous_one_not_running_in_the_cache(
    endpoint: AsyncTrackerEndpoint,
) -> None:
    first = await endpoint.add(TrackerBody("one"))
    second = await endpoint.add(TrackerBody("two"))
    assert await endpoint.current(refresh=False) == second
    refreshed = await endpoint.get(first.id)
    assert refreshed is not None
    assert not refreshed.running()


# -- get / delete ---------------------------------------------------------------------------------------


async def test_get_reads_the_entry_from_me_time_entries(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    tracker = await uncached.add(_stopped("a", fake_clock))
    assert await uncached.get(tracker.id) == tracker
    assert toggl_emulator.requests[-1].path == f"/api/v9/me/time_entries/{tracker.id}"


async def test_get_unknown_entry_returns_none(endpoint: AsyncTrackerEndpoint) -> None:
    assert await endpoint.get(42) is None


async def test_get_with_refresh_skips_the_cache(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    tracker = await endpoint.add(_stopped("a", fake_clock))
    await endpoint.get(tracker.id, refresh=True)
    assert toggl_emulator.requests[-1].path.endswith(f"/me/time_entries/{tracker.id}")


async def test_delete_removes_the_entry_from_cache(
    endpoint: AsyncTrackerEndpoint,
    cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
) -> None:
    tracker = await endpoint.add(_stopped("a", fake_clock))
    await endpoint.delete(tracker)
    assert toggl_emulator.requests[-1].method == "DELETE"
    assert await cache.find(tracker.id, TogglTracker) is None
    assert await endpoint.get(tracker.id) is None


async def test_delete_of_a_missing_entry_only_warns(
    endpoint: AsyncTrackerEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    await endpoint.delete(42)
    assert "42 was not found" in caplog.text


# -- collect --------------------------------------------------------------------------------------------


async def test_collect_without_a_cache_asks_the_api_c22(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    """C22: upstream raised NoCacheAssignedError (sync) / AttributeError (async) without a cache."""
    entries = await uncached.collect()
    assert entries
    assert toggl_emulator.requests[-1].path == "/api/v9/me/time_entries"


async def test_collect_with_since_and_before_raises_before_any_request(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(DateTimeError, match="since and before"):
        await endpoint.collect(since=1, before=date(2026, 11, 1))
    assert toggl_emulator.requests == []


async def test_collect_with_since_and_a_start_date_older_than_three_months_raises(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    # The fake clock stands at 2026-11-20: the floor is 2026-08-20. Alone, an old range goes through Reports v3.
    with pytest.raises(DateTimeError, match="2026-08-20"):
        await endpoint.collect(since=1, start_date=date(2026, 8, 19), end_date=date(2026, 9, 1))
    assert toggl_emulator.requests == []


async def test_collect_with_end_before_start_raises(endpoint: AsyncTrackerEndpoint) -> None:
    with pytest.raises(DateTimeError, match="end_date must be after"):
        await endpoint.collect(start_date=date(2026, 11, 10), end_date=date(2026, 11, 1))


async def test_collect_accepts_plain_dates_d5(uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator) -> None:
    """D5: upstream compared a ``date`` with a datetime and raised TypeError."""
    await uncached.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 10))
    assert toggl_emulator.requests[-1].params == {"start_date": "2026-11-01", "end_date": "2026-11-10"}


async def test_collect_since_sends_unix_seconds_respecting_the_offset_d1(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    """D1: upstream read the wall time as local time and ignored tzinfo."""
    since = datetime(2026, 11, 20, 12, 0, tzinfo=PLUS2)
    await uncached.collect(since=since)
    assert toggl_emulator.requests[-1].params == {"since": str(int(since.timestamp()))}


async def test_collect_before_is_sent_as_a_query_parameter(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    await uncached.collect(before=date(2026, 11, 10))
    assert toggl_emulator.requests[-1].params == {"before": "2026-11-10"}


async def test_collect_since_drops_deleted_entries_from_result_and_cache(
    endpoint: AsyncTrackerEndpoint,
    uncached: AsyncTrackerEndpoint,
    cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
) -> None:
    tracker = await endpoint.add(_stopped("doomed", fake_clock))
    fake_clock.advance(10)
    await uncached.delete(tracker)  # deleted elsewhere
    entries = await endpoint.collect(since=fake_clock.now() - timedelta(minutes=1))
    assert tracker.id not in {t.id for t in entries}
    assert await cache.find(tracker.id, TogglTracker) is None


async def test_collect_range_is_answered_from_the_cache_the_second_time(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    first = await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    second = await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 1
    assert [t.id for t in second] == [t.id for t in first]


async def test_collect_range_from_cache_includes_an_added_entry(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock
) -> None:
    await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    tracker = await endpoint.add(_stopped("new", fake_clock))
    assert tracker in await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))


async def test_collect_range_with_only_start_date_asks_until_tomorrow(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    await uncached.collect(start_date=date(2026, 11, 1))
    assert toggl_emulator.requests[-1].params == {"start_date": "2026-11-01", "end_date": "2026-11-21"}


async def test_collect_range_over_the_1000_cap_returns_every_entry_once(
    uncached: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    start_date = date(2026, 9, 1)
    user_id = toggl_emulator.account.user_id  # type: ignore[union-attr]
    expected = {
        t.id
        for t in toggl_emulator.state.time_entries.values()
        if t.user_id == user_id and not t.deleted and t.start.date() >= start_date
    }
    base = datetime(2026, 10, 1, tzinfo=UTC)
    for i in range(1100 - len(expected)):
        entry = await uncached.add(TrackerBody(f"bulk {i}", start=base + timedelta(minutes=i), duration=30))
        expected.add(entry.id)
    entries = await uncached.collect(start_date=start_date, end_date=date(2026, 11, 21))
    assert len(expected) >= 1100
    assert sorted(t.id for t in entries) == sorted(expected)
    assert toggl_emulator.request_count("GET", "/me/time_entries") >= 2


# -- collect: ranges answered from what the cache is known to hold ---------------------------------------


async def test_collect_range_inside_a_fetched_range_costs_no_request_and_matches_toggl(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect(start_date=date(2026, 10, 1), end_date=date(2026, 11, 21))
    toggl_emulator.requests.clear()

    cached = await endpoint.collect(start_date=date(2026, 10, 10), end_date=datetime(2026, 11, 5, 12, tzinfo=PLUS2))
    assert toggl_emulator.requests == []
    from_toggl = await endpoint.collect(
        start_date=date(2026, 10, 10), end_date=datetime(2026, 11, 5, 12, tzinfo=PLUS2), refresh=True
    )
    assert cached  # entries of both workspaces of the demo account
    assert [t.id for t in cached] == [t.id for t in from_toggl]
    assert cached == from_toggl


async def test_collect_range_reaching_past_what_was_fetched_asks_toggl(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect(start_date=date(2026, 10, 10), end_date=date(2026, 11, 1))
    toggl_emulator.requests.clear()
    await endpoint.collect(start_date=date(2026, 10, 9), end_date=date(2026, 10, 20))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 1


async def test_collect_range_asks_toggl_again_once_the_fetch_expired(
    endpoint: AsyncTrackerEndpoint,
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    cache.expire_after = timedelta(hours=1)
    await endpoint.collect(start_date=date(2026, 10, 1), end_date=date(2026, 11, 21))
    fake_clock.advance(30 * 60)
    await endpoint.collect(start_date=date(2026, 10, 2), end_date=date(2026, 10, 3))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 1
    fake_clock.advance(31 * 60)
    await endpoint.collect(start_date=date(2026, 10, 2), end_date=date(2026, 10, 3))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 2


async def test_collect_range_from_cache_leaves_out_an_entry_deleted_through_the_endpoint(
    endpoint: AsyncTrackerEndpoint, fake_clock: FakeClock
) -> None:
    doomed = await endpoint.add(_stopped("doomed", fake_clock))
    await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    await endpoint.delete(doomed)
    entries = await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    assert doomed.id not in {t.id for t in entries}


async def test_starting_an_entry_makes_the_range_of_the_one_it_stopped_ask_toggl_again(
    endpoint: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    first = await endpoint.add(TrackerBody("first"))
    await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    fake_clock.advance(600)
    await endpoint.add(TrackerBody("second"))  # Toggl stops "first"; the cache did not see its stop
    toggl_emulator.requests.clear()

    entries = await endpoint.collect(start_date=date(2026, 11, 1), end_date=date(2026, 11, 21))
    assert toggl_emulator.request_count("GET", "/me/time_entries") == 1
    stopped = next(t for t in entries if t.id == first.id)
    assert stopped.stop is not None
