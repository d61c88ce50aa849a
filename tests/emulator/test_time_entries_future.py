"""A running entry started in the emulator's future is flagged (stopping it would give a silent zero duration)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from toggl_api.testing import Emulator, FakeClock
from toggl_api.testing.pytest_plugin import TogglClockWarning, warn_clock_mixups

from .conftest import new_entry

FUTURE = "2026-11-23T09:00:00Z"  # after the fake clock's 2026-11-20T12:00:00Z, as datetime.now() would be


def test_starting_an_entry_in_the_emulators_future_is_flagged_with_both_times(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    assert new_entry(client, wid, start=FUTURE, duration=-1).status_code == 200  # Toggl accepts it; we flag it
    [message] = toggl_emulator.clock_warnings
    assert "2026-11-23T09:00:00Z" in message
    assert "2026-11-20T12:00:00Z" in message
    assert "zero duration" in message
    toggl_emulator.take_clock_warnings()  # expected here: no warning at teardown


def test_moving_a_running_entry_into_the_future_is_flagged(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    running = client.get("/me/time_entries/current").json()
    client.put(f"/workspaces/{wid}/time_entries/{running['id']}", json={"start": FUTURE}).raise_for_status()
    assert len(toggl_emulator.clock_warnings) == 1
    toggl_emulator.take_clock_warnings()  # expected here: no warning at teardown


def test_restarting_an_entry_in_the_future_is_flagged(client: httpx.Client, wid: int, toggl_emulator: Emulator) -> None:
    done = new_entry(client, wid, start="2026-11-19T09:00:00Z", duration=600).json()
    body = {"start": FUTURE, "duration": -1}
    client.put(f"/workspaces/{wid}/time_entries/{done['id']}", json=body).raise_for_status()
    assert len(toggl_emulator.clock_warnings) == 1
    toggl_emulator.take_clock_warnings()  # expected here: no warning at teardown


def test_an_entry_started_at_the_emulators_now_is_not_flagged(
    client: httpx.Client, wid: int, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    new_entry(client, wid, start="2026-11-20T12:00:00Z", duration=-1).raise_for_status()
    assert toggl_emulator.clock_warnings == []


def test_a_start_a_few_seconds_ahead_is_clock_skew_not_flagged(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    # A served emulator's clock and its client's may disagree by a second or so.
    new_entry(client, wid, start="2026-11-20T12:00:05Z", duration=-1).raise_for_status()
    assert toggl_emulator.clock_warnings == []


def test_a_finished_entry_in_the_future_is_not_flagged(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    new_entry(client, wid, start=FUTURE, duration=600).raise_for_status()
    assert toggl_emulator.clock_warnings == []


def test_the_fixture_turns_each_flag_into_a_warning(client: httpx.Client, wid: int, toggl_emulator: Emulator) -> None:
    new_entry(client, wid, start=FUTURE, duration=-1).raise_for_status()
    with pytest.warns(TogglClockWarning, match="toggl_emulator: a running time entry was started at 2026-11-23"):
        warn_clock_mixups(toggl_emulator)
    assert toggl_emulator.clock_warnings == []  # each flag warns once


def test_stopping_an_entry_started_in_the_future_is_refused_not_given_zero(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    running = new_entry(client, wid, start=FUTURE, duration=-1).json()
    answer = client.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop")
    assert answer.status_code == 400
    assert answer.json().startswith("Stop time must be after start time: ")
    assert "2026-11-23T09:00:00Z" in answer.json()
    assert "2026-11-20T12:00:00Z" in answer.json()
    toggl_emulator.take_clock_warnings()  # the start's flag is expected here


def test_a_refused_stop_leaves_the_entry_running(client: httpx.Client, wid: int, toggl_emulator: Emulator) -> None:
    running = new_entry(client, wid, start=FUTURE, duration=-1).json()
    client.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop")
    assert client.get("/me/time_entries/current").json()["id"] == running["id"]
    toggl_emulator.take_clock_warnings()


def test_the_entry_stops_with_its_duration_once_the_clock_reaches_it(
    client: httpx.Client, wid: int, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    running = new_entry(client, wid, start=FUTURE, duration=-1).json()
    toggl_emulator.take_clock_warnings()
    fake_clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc))
    stopped = client.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop").json()
    assert stopped["duration"] == 3600


def test_stopping_a_second_ahead_of_the_clock_is_clock_skew_and_stops(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    running = new_entry(client, wid, start="2026-11-20T12:00:05Z", duration=-1).json()
    answer = client.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop")
    assert answer.status_code == 200
    assert answer.json()["duration"] == 0  # no time passed on the emulator's clock since the start


def test_auto_stopping_an_entry_started_in_the_future_is_flagged(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    first = new_entry(client, wid, start=FUTURE, duration=-1).json()
    toggl_emulator.take_clock_warnings()
    new_entry(client, wid, start="2026-11-20T11:00:00Z", duration=-1).raise_for_status()
    [message] = toggl_emulator.take_clock_warnings()
    assert f"time entry {first['id']}" in message
    assert "auto-stopped by a new running entry with a zero duration" in message
