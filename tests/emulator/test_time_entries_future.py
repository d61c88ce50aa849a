"""A running entry started after the emulator's now is refused, never stopped later at a silent zero duration."""

from __future__ import annotations

import httpx

from toggl_api.testing import Emulator, FakeClock

from .conftest import new_entry

FUTURE = "2026-11-23T09:00:00Z"  # after the fake clock's 2026-11-20T12:00:00Z, as datetime.now() would be
REFUSAL = "Start time of a running time entry can not be in the future (server time is 2026-11-20T12:00:00Z)"


def test_starting_an_entry_in_the_emulators_future_is_refused(client: httpx.Client, wid: int) -> None:
    response = new_entry(client, wid, start=FUTURE, duration=-1)
    assert response.status_code == 400
    assert response.json() == REFUSAL


def test_a_refused_start_leaves_the_running_entry_running(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    before = client.get("/me/time_entries/current").json()
    new_entry(client, wid, start=FUTURE, duration=-1)
    assert client.get("/me/time_entries/current").json() == before


def test_moving_a_running_entry_into_the_future_is_refused(client: httpx.Client, wid: int) -> None:
    running = client.get("/me/time_entries/current").json()
    response = client.put(f"/workspaces/{wid}/time_entries/{running['id']}", json={"start": FUTURE})
    assert response.status_code == 400
    assert response.json() == REFUSAL


def test_restarting_an_entry_in_the_future_is_refused(client: httpx.Client, wid: int) -> None:
    done = new_entry(client, wid, start="2026-11-19T09:00:00Z", duration=600).json()
    response = client.put(f"/workspaces/{wid}/time_entries/{done['id']}", json={"start": FUTURE, "duration": -1})
    assert response.status_code == 400
    assert response.json() == REFUSAL


def test_an_entry_started_now_runs_and_stops_with_the_elapsed_time(
    client: httpx.Client, wid: int, fake_clock: FakeClock
) -> None:
    te = new_entry(client, wid, start="2026-11-20T12:00:00Z", duration=-1).json()
    fake_clock.advance(90)
    stopped = client.patch(f"/workspaces/{wid}/time_entries/{te['id']}/stop").json()
    assert stopped["duration"] == 90


def test_a_finished_entry_in_the_future_is_still_accepted(client: httpx.Client, wid: int) -> None:
    # Planned or mistyped completed entries are Toggl's business, not a clock mix-up: only running ones are refused.
    response = new_entry(client, wid, start=FUTURE, duration=600)
    assert response.status_code == 200


def test_a_start_a_few_seconds_ahead_is_taken_as_clock_skew(client: httpx.Client, wid: int) -> None:
    # A served emulator's clock and its client's may disagree by a second or so; that is not a mix-up of clocks.
    response = new_entry(client, wid, start="2026-11-20T12:00:05Z", duration=-1)
    assert response.status_code == 200
