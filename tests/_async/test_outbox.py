"""The offline outbox: time-entry writes Toggl cannot take now wait in the cache and land exactly once.

Every test runs on the emulator with faults, with a JSON and a SQLite cache. "Another device" is a second
endpoint without a cache, writing to the same account.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import TrackerBody
from toggl_api._async.sync import AsyncTogglSync
from toggl_api._core.outbox import PENDING_ID_BASE, OutboxError, WriteState
from toggl_api._io import seams
from toggl_api.asyncio import AsyncJSONCache, AsyncSqliteCache, AsyncTrackerEndpoint, TogglAsyncCache
from toggl_api.testing import Emulator, FakeClock, Fault

WRITES = r"/time_entries"


@pytest.fixture(params=["json", "sqlite"])
def cache_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_cache(kind: str, path: Path, clock: FakeClock) -> TogglAsyncCache[Any]:
    if kind == "json":
        return AsyncJSONCache(path, clock=clock)
    return AsyncSqliteCache(path, clock=clock)


@pytest.fixture
def kw(http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth) -> dict[str, Any]:
    return {"auth": toggl_auth, "client": http_client, "clock": fake_clock, "retries": 0}


@pytest.fixture
async def trackers(
    cache_kind: str, cache_dir: Path, fake_clock: FakeClock, kw: dict[str, Any], toggl_workspace_id: int
) -> Any:
    cache = open_cache(cache_kind, cache_dir, fake_clock)
    yield AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, offline=True, **kw)
    await cache.aclose()


@pytest.fixture
def other_device(kw: dict[str, Any], toggl_workspace_id: int) -> AsyncTrackerEndpoint:
    return AsyncTrackerEndpoint(toggl_workspace_id, **kw)


def entries_named(emulator: Emulator, description: str) -> list[Any]:
    return [t for t in emulator.state.time_entries.values() if t.description == description and not t.deleted]


def offline_for(emulator: Emulator, fault: Fault, times: int | None = None) -> None:
    emulator.faults.add(fault, times=times, path=WRITES)


# -- queueing -----------------------------------------------------------------------------------------------------


async def test_a_create_without_network_returns_a_pending_entry_instead_of_raising(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error())
    entry = await trackers.add(TrackerBody(description="on the train"))
    assert entry.pending
    assert entry.id >= PENDING_ID_BASE
    assert entry.description == "on the train"


async def test_a_queued_create_is_shown_by_the_cache(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error())
    entry = await trackers.add(TrackerBody(description="shown"))
    assert trackers.cache is not None
    cached = await trackers.cache.find(entry.id)
    assert cached is not None
    assert cached.pending


async def test_a_queued_create_lands_once_on_flush(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.add(TrackerBody(description="later"))
    report = await trackers.flush()
    assert (report.landed, report.remaining) == (1, 0)
    assert len(entries_named(toggl_emulator, "later")) == 1


async def test_a_landed_create_replaces_its_temporary_id_in_the_cache(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    pending = await trackers.add(TrackerBody(description="real id"))
    await trackers.flush()
    assert trackers.cache is not None
    assert await trackers.cache.find(pending.id) is None
    real = entries_named(toggl_emulator, "real id")[0]
    cached = await trackers.cache.find(real.id)
    assert cached is not None
    assert not cached.pending


async def test_start_and_stop_offline_land_as_one_stopped_entry(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    offline_for(toggl_emulator, Fault.connect_error())
    started = await trackers.add(TrackerBody(description="commute"))
    fake_clock.advance(1800)
    stopped = await trackers.stop(started)
    assert stopped is not None
    assert stopped.stop is not None
    toggl_emulator.faults.clear()
    posts = toggl_emulator.request_count("POST")
    report = await trackers.flush()
    landed = entries_named(toggl_emulator, "commute")
    assert len(landed) == 1
    assert landed[0].duration == 1800
    assert (report.requests, toggl_emulator.request_count("POST") - posts) == (1, 1)


async def test_a_stop_sent_later_keeps_the_time_it_was_made(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="running"))
    fake_clock.advance(600)
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.stop(entry)
    fake_clock.advance(3000)
    await trackers.flush()
    assert toggl_emulator.state.time_entries[entry.id].duration == 600


async def test_a_delete_of_an_entry_created_offline_sends_nothing(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error())
    entry = await trackers.add(TrackerBody(description="never mind"))
    await trackers.delete(entry)
    assert await trackers.pending() == []
    toggl_emulator.faults.clear()
    before = len(toggl_emulator.requests)
    await trackers.flush()
    assert len(toggl_emulator.requests) == before


async def test_a_402_quota_answer_queues_the_write(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.quota_exceeded(), times=1)
    entry = await trackers.add(TrackerBody(description="quota spent"))
    assert entry.pending
    await trackers.flush()
    assert len(entries_named(toggl_emulator, "quota spent")) == 1


async def test_a_server_error_after_retries_queues_the_write(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.server_error(503), times=1)
    entry = await trackers.add(TrackerBody(description="server down"))
    assert entry.pending
    assert (await trackers.flush()).landed == 1


async def test_a_definitive_refusal_is_raised_not_queued(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.http_error(400, "bad"), times=1)
    with pytest.raises(httpx.HTTPStatusError):
        await trackers.add(TrackerBody(description="refused"))
    assert await trackers.pending() == []


async def test_a_write_made_while_others_wait_is_queued_behind_them(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.add(TrackerBody(description="first", duration=60))
    toggl_emulator.faults.add(Fault.connect_error(), times=1, path="/me/time_entries")
    toggl_emulator.faults.add(Fault.connect_error(), times=1, path=WRITES)  # the flush before the second fails
    await trackers.add(TrackerBody(description="second", duration=60))
    assert [w.fields["description"] for w in await trackers.pending()] == ["first", "second"]
    await trackers.flush()
    firsts = entries_named(toggl_emulator, "first")
    seconds = entries_named(toggl_emulator, "second")
    assert len(firsts) == len(seconds) == 1
    assert firsts[0].id < seconds[0].id


async def test_a_temporary_id_is_never_sent_to_toggl(
    kw: dict[str, Any], toggl_workspace_id: int, trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error())
    entry = await trackers.add(TrackerBody(description="temp"))
    online = AsyncTrackerEndpoint(toggl_workspace_id, **kw)
    before = len(toggl_emulator.requests)
    with pytest.raises(OutboxError, match="created offline"):
        await online.stop(entry)
    assert len(toggl_emulator.requests) == before


async def test_offline_needs_a_cache(kw: dict[str, Any], toggl_workspace_id: int) -> None:
    with pytest.raises(ValueError, match="cache"):
        AsyncTrackerEndpoint(toggl_workspace_id, offline=True, **kw)


# -- ambiguous failures: found before sent again ---------------------------------------------------------------


async def test_a_create_whose_answer_was_lost_is_found_not_sent_again(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.lost_answer(), times=1)
    entry = await trackers.add(TrackerBody(description="lost answer", duration=60))
    assert entry.pending
    assert [w.state for w in await trackers.pending()] == [WriteState.SENDING]
    report = await trackers.flush()
    assert (report.landed, report.found) == (1, 1)
    assert len(entries_named(toggl_emulator, "lost answer")) == 1


async def test_a_create_that_timed_out_unapplied_is_sent_again(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.timeout(), times=1)
    await trackers.add(TrackerBody(description="timed out", duration=60))
    report = await trackers.flush()
    assert (report.landed, report.found) == (1, 0)
    assert len(entries_named(toggl_emulator, "timed out")) == 1


async def test_an_edit_whose_answer_was_lost_is_not_reported_as_a_conflict(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    entry = await trackers.add(TrackerBody(description="before", duration=60))
    fake_clock.advance(5)
    offline_for(toggl_emulator, Fault.lost_answer(), times=1)
    await trackers.edit(entry, TrackerBody(description="after"))
    report = await trackers.flush()
    assert report.conflicts == []
    assert toggl_emulator.state.time_entries[entry.id].description == "after"


class Killed(BaseException):
    """Stands for the process being killed at a step (nothing after it runs)."""


@pytest.fixture
def kill_at() -> Iterator[list[str]]:
    steps: list[str] = []

    def hook(name: str) -> None:
        if name in steps:
            steps.remove(name)
            raise Killed(name)

    seams.crash_hook = hook
    yield steps
    seams.crash_hook = None


@pytest.mark.parametrize("step", ["outbox:sending-recorded", "outbox:sent", "outbox:done"])
async def test_a_replay_killed_at_any_step_lands_the_create_once(
    step: str, cache_kind: str, cache_dir: Path, fake_clock: FakeClock, kw: dict[str, Any],
    toggl_workspace_id: int, toggl_emulator: Emulator, kill_at: list[str],
) -> None:
    first = open_cache(cache_kind, cache_dir, fake_clock)
    endpoint = AsyncTrackerEndpoint(toggl_workspace_id, cache=first, offline=True, **kw)
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await endpoint.add(TrackerBody(description="killed", duration=60))
    kill_at.append(step)
    with pytest.raises(Killed):
        await endpoint.flush()
    await first.aclose()
    second = open_cache(cache_kind, cache_dir, fake_clock)  # a new process reads what the first left
    again = AsyncTrackerEndpoint(toggl_workspace_id, cache=second, offline=True, **kw)
    await again.flush()
    assert await again.pending() == []
    assert len(entries_named(toggl_emulator, "killed")) == 1
    await second.aclose()


@pytest.mark.parametrize("step", ["outbox:sending-recorded", "outbox:sent", "outbox:done"])
async def test_a_replay_killed_at_any_step_applies_the_stop_once(
    step: str, cache_kind: str, cache_dir: Path, fake_clock: FakeClock, kw: dict[str, Any],
    toggl_workspace_id: int, toggl_emulator: Emulator, kill_at: list[str],
) -> None:
    first = open_cache(cache_kind, cache_dir, fake_clock)
    endpoint = AsyncTrackerEndpoint(toggl_workspace_id, cache=first, offline=True, **kw)
    entry = await endpoint.add(TrackerBody(description="stop me"))
    fake_clock.advance(300)
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await endpoint.stop(entry)
    kill_at.append(step)
    with pytest.raises(Killed):
        await endpoint.flush()
    await first.aclose()
    second = open_cache(cache_kind, cache_dir, fake_clock)
    again = AsyncTrackerEndpoint(toggl_workspace_id, cache=second, offline=True, **kw)
    report = await again.flush()
    assert report.conflicts == []
    assert toggl_emulator.state.time_entries[entry.id].duration == 300
    await second.aclose()


# -- conflicts ------------------------------------------------------------------------------------------------


async def test_an_edit_of_a_field_changed_elsewhere_keeps_the_other_devices_value(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="original", duration=60))
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.edit(entry, TrackerBody(description="mine"))
    fake_clock.advance(10)
    await other_device.edit(entry.id, TrackerBody(description="theirs"))
    report = await trackers.flush()
    assert [c.rule for c in report.conflicts] == ["edited-elsewhere"]
    assert toggl_emulator.state.time_entries[entry.id].description == "theirs"


async def test_an_edit_of_other_fields_still_applies_when_the_entry_changed_elsewhere(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="original", duration=60))
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.edit(entry, TrackerBody(duration=120))
    fake_clock.advance(10)
    await other_device.edit(entry.id, TrackerBody(description="theirs"))
    await trackers.flush()
    landed = toggl_emulator.state.time_entries[entry.id]
    assert (landed.description, landed.duration) == ("theirs", 120)


async def test_a_stop_of_an_entry_stopped_elsewhere_keeps_that_stop_and_reports_it(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="both stop"))
    fake_clock.advance(100)
    await other_device.stop(entry.id)
    fake_clock.advance(100)
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.stop(entry)
    report = await trackers.flush()
    assert [c.rule for c in report.conflicts] == ["stopped-elsewhere"]
    assert toggl_emulator.state.time_entries[entry.id].duration == 100


async def test_a_delete_of_an_entry_edited_elsewhere_is_held_and_reported(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="keep?", duration=60))
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.delete(entry)
    fake_clock.advance(10)
    await other_device.edit(entry.id, TrackerBody(description="still needed"))
    report = await trackers.flush()
    assert [c.rule for c in report.conflicts] == ["delete-held"]
    assert [w.state for w in await trackers.pending()] == [WriteState.HELD]
    assert not toggl_emulator.state.time_entries[entry.id].deleted


async def test_a_held_delete_is_sent_when_forced(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="go anyway", duration=60))
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.delete(entry)
    fake_clock.advance(10)
    await other_device.edit(entry.id, TrackerBody(description="edited"))
    await trackers.flush()
    await trackers.flush(force=True)
    assert toggl_emulator.state.time_entries[entry.id].deleted
    assert await trackers.pending() == []


async def test_an_edit_of_an_entry_deleted_elsewhere_is_reported(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    entry = await trackers.add(TrackerBody(description="gone", duration=60))
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.edit(entry, TrackerBody(description="too late"))
    await other_device.delete(entry.id)
    report = await trackers.flush()
    assert [c.rule for c in report.conflicts] == ["deleted-elsewhere"]
    assert await trackers.pending() == []


async def test_a_write_toggl_refuses_on_replay_is_reported(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.add(TrackerBody(description="bad project", project_id=999_999_999))
    report = await trackers.flush()
    assert [r.write.fields["description"] for r in report.rejected] == ["bad project"]
    assert report.remaining == 0


# -- discarding ----------------------------------------------------------------------------------------------


async def test_a_discarded_create_is_never_sent_and_leaves_the_cache(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    entry = await trackers.add(TrackerBody(description="discard me"))
    [write] = await trackers.pending()
    await trackers.outbox.discard(write.key)
    await trackers.flush()
    assert entries_named(toggl_emulator, "discard me") == []
    assert trackers.cache is not None
    assert await trackers.cache.find(entry.id) is None


async def test_discarding_an_unknown_write_says_what_to_do(trackers: AsyncTrackerEndpoint) -> None:
    with pytest.raises(OutboxError, match="outbox list"):
        await trackers.outbox.discard(42)


async def test_pending_writes_are_sent_before_the_next_read(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.add(TrackerBody(description="sent on read"))
    current = await trackers.current()
    assert current is not None
    assert current.description == "sent on read"
    assert not current.pending


async def test_a_delayed_entry_keeps_its_start(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    entry = await trackers.add(TrackerBody(description="started earlier", duration=60))
    fake_clock.advance(timedelta(hours=2).total_seconds())
    await trackers.flush()
    landed = entries_named(toggl_emulator, "started earlier")[0]
    assert landed.start == entry.start


async def test_a_sync_sends_pending_writes_first(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator, kw: dict[str, Any]
) -> None:
    offline_for(toggl_emulator, Fault.connect_error(), times=1)
    await trackers.add(TrackerBody(description="synced", duration=60))
    assert trackers.cache is not None
    sync = AsyncTogglSync(kw["auth"], trackers.cache, client=kw["client"], clock=kw["clock"])
    await sync.sync()
    assert sync.last_flush is not None
    assert sync.last_flush.landed == 1
    assert len(entries_named(toggl_emulator, "synced")) == 1


async def test_an_edit_by_id_that_failed_ambiguously_still_meets_the_conflict_rule(
    trackers: AsyncTrackerEndpoint, other_device: AsyncTrackerEndpoint, toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    entry = await trackers.add(TrackerBody(description="original", duration=60))
    offline_for(toggl_emulator, Fault.server_error(503), times=1)
    await trackers.edit(entry.id, TrackerBody(description="mine"))
    fake_clock.advance(10)
    await other_device.edit(entry.id, TrackerBody(description="theirs"))
    report = await trackers.flush()
    assert [c.rule for c in report.conflicts] == ["edited-elsewhere"]
    assert toggl_emulator.state.time_entries[entry.id].description == "theirs"


async def test_a_range_read_while_writes_wait_keeps_them_in_the_cache(
    trackers: AsyncTrackerEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    toggl_emulator.faults.add(Fault.quota_exceeded(), times=None, method="POST")
    entry = await trackers.add(TrackerBody(description="waiting", duration=60))
    today = fake_clock.now().date()
    await trackers.collect(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
    assert trackers.cache is not None
    assert await trackers.cache.find(entry.id) is not None

