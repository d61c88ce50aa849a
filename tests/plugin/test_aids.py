"""Test aids of the plugin and the faults: per-test emulator settings, the clock alias, quota and 503 faults."""

from __future__ import annotations

import httpx
import pytest

from toggl_api import TrackerEndpoint
from toggl_api.errors import QuotaExceededError
from toggl_api.testing import Emulator, FakeClock, Fault, Limits


@pytest.mark.toggl_emulator(plan="starter", limits=True)
def test_marker_sets_the_plan_and_the_limits(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> None:
    assert toggl_emulator.limits.enabled is True
    with toggl_emulator.client() as client:
        quotas = client.get("/api/v9/me/quota").json()
    assert {q["total"] for q in quotas if q["organization_id"] is not None} == {240}


@pytest.mark.toggl_emulator(seed="empty")
def test_marker_sets_the_seed(toggl_emulator: Emulator) -> None:
    with toggl_emulator.client() as client:
        assert client.get("/api/v9/me/time_entries/current").json() is None


@pytest.mark.toggl_emulator(limits=Limits(burst=False, plan_quotas={"free": 2}))
def test_marker_limits_object_is_copied_for_each_test(toggl_emulator: Emulator, request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("toggl_emulator")
    assert toggl_emulator.limits.burst is False
    assert toggl_emulator.limits.plan_quotas["free"] == 2
    assert toggl_emulator.limits is not marker.kwargs["limits"]  # a test mutating it cannot leak into the next


def test_without_marker_limits_stay_off(toggl_emulator: Emulator) -> None:
    assert toggl_emulator.limits.enabled is False


def test_toggl_fake_clock_is_the_emulators_clock(toggl_fake_clock: FakeClock, toggl_emulator: Emulator) -> None:
    assert toggl_emulator.clock is toggl_fake_clock
    before = toggl_emulator.clock.now()
    toggl_fake_clock.advance(60)
    assert (toggl_emulator.clock.now() - before).total_seconds() == 60


def test_quota_fault_answers_402_with_toggls_headers_and_text(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.quota_exceeded(resets_in=1200))
    with toggl_emulator.client() as client:
        response = client.get("/api/v9/me")
    assert response.status_code == 402
    assert response.headers["X-Toggl-Quota-Remaining"] == "0"
    assert response.headers["X-Toggl-Quota-Resets-In"] == "1200"
    assert response.json() == "You have hit your hourly limit for API calls. Your quota will reset in 1200 seconds."


def test_quota_fault_does_not_apply_the_write(toggl_emulator: Emulator, toggl_workspace_id: int) -> None:
    toggl_emulator.faults.add(Fault.quota_exceeded(), method="POST")
    with toggl_emulator.client() as client:
        response = client.post(
            f"/api/v9/workspaces/{toggl_workspace_id}/time_entries",
            json={
                "workspace_id": toggl_workspace_id,
                "start": "2026-11-20T11:00:00Z",
                "duration": 60,
                "created_with": "test",
            },
        )
    assert response.status_code == 402
    assert toggl_emulator.requests[-1].state_touched is False


def test_sdk_reads_the_quota_fault_as_quota_exceeded(
    toggl_emulator: Emulator,
    toggl_transport: httpx.MockTransport,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    toggl_fake_clock: FakeClock,
) -> None:
    toggl_emulator.faults.add(Fault.quota_exceeded(resets_in=900), times=None)
    with httpx.Client(transport=toggl_transport) as client:
        trackers = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, clock=toggl_fake_clock)
        with pytest.raises(QuotaExceededError) as caught:
            trackers.current()
    assert caught.value.resets_in == 900


@pytest.mark.parametrize("resets_in", [-1, 1.5, True])
def test_quota_fault_refuses_a_bad_reset_time(resets_in: object) -> None:
    with pytest.raises(ValueError, match="resets_in"):
        Fault.quota_exceeded(resets_in=resets_in)  # type: ignore[arg-type]


def test_503_fault_says_service_unavailable(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(503))
    with toggl_emulator.client() as client:
        response = client.get("/api/v9/me")
    assert response.status_code == 503
    assert response.json() == "Service Unavailable"


def test_500_fault_still_says_internal_server_error(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error())
    with toggl_emulator.client() as client:
        assert client.get("/api/v9/me").json() == "Internal Server Error"
