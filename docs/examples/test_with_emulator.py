"""Example test module: your own code tested against the emulator's pytest fixtures.

The fixtures come from the plugin that ``toggl_api`` registers with pytest; nothing to import.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from toggl_api import TrackerEndpoint
from toggl_api.config import generate_authentication, retrieve_workspace_id
from toggl_api.testing import Emulator, FakeClock, Fault


def running_description(client: httpx.Client) -> str | None:
    """'Your code': the description of the running time entry, or None."""
    response = client.get("/api/v9/me/time_entries/current")
    response.raise_for_status()
    entry = response.json()
    return entry["description"] if entry else None


def test_reads_the_running_entry(toggl_emulator: Emulator) -> None:
    with toggl_emulator.client() as client:  # in-process transport, demo user's token
        assert running_description(client) == "Reviewing pull requests"


def test_sees_entries_created_earlier(toggl_emulator: Emulator, toggl_workspace_id: int) -> None:
    # The fake clock starts at the real current time, so "ten minutes ago" is computed as usual.
    started = datetime.now(timezone.utc) - timedelta(minutes=10)
    with toggl_emulator.client() as client:
        client.post(
            f"/api/v9/workspaces/{toggl_workspace_id}/time_entries",
            json={
                "workspace_id": toggl_workspace_id,
                "description": "Writing tests",
                "start": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "duration": -1,
                "created_with": "docs",
            },
        ).raise_for_status()
        # The emulator keeps state: starting an entry stopped the previous one.
        assert running_description(client) == "Writing tests"


def test_a_server_error_surfaces(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(503), times=1, path=r"/time_entries/current")
    with toggl_emulator.client() as client, pytest.raises(httpx.HTTPStatusError):
        running_description(client)
    assert toggl_emulator.request_count("GET", "/time_entries/current") == 1


def test_time_moves_only_when_told(toggl_emulator: Emulator, fake_clock: FakeClock) -> None:
    before = fake_clock.now()
    fake_clock.advance(3600)  # an hour passes instantly; quota windows and running entries follow
    assert (fake_clock.now() - before).total_seconds() == 3600


def test_sdk_code_on_the_in_process_transport(
    toggl_transport: httpx.MockTransport,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
) -> None:
    # clock=fake_clock: retries and quota waits sleep on the fake clock, so they take no real time.
    with httpx.Client(transport=toggl_transport) as client:
        trackers = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, clock=fake_clock)
        toggl_emulator.faults.add(Fault.server_error(502), times=2)  # two failures, then the real answer
        running = trackers.current()
    assert running is not None
    assert running.name == "Reviewing pull requests"
    assert toggl_emulator.request_count("GET") == 3  # the SDK retried the idempotent GET twice


def test_over_http(toggl_server, toggl_auth: httpx.BasicAuth) -> None:
    response = httpx.get(f"{toggl_server.url}/api/v9/me", auth=toggl_auth)
    assert response.json()["email"] == "demo@example.com"


def test_code_that_reads_the_environment(toggl_env: dict[str, str], toggl_emulator: Emulator) -> None:
    # toggl_env points TOGGL_API_BASE_URL, TOGGL_API_TOKEN and TOGGL_WORKSPACE_ID at the emulator,
    # so code configured from the environment never uses your real token, even if it is exported.
    trackers = TrackerEndpoint(retrieve_workspace_id(), generate_authentication())
    assert trackers.current() is not None
    assert toggl_emulator.request_count("GET", "/time_entries/current") == 1


@pytest.mark.toggl_emulator(plan="starter")  # per-test settings of the toggl_emulator fixture
def test_a_spent_quota_surfaces(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.quota_exceeded(resets_in=1200))  # Toggl's 402, without spending 240 requests
    with toggl_emulator.client() as client:
        response = client.get("/api/v9/me/time_entries/current")
    assert response.status_code == 402
    assert response.headers["X-Toggl-Quota-Resets-In"] == "1200"
