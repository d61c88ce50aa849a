"""Scripted faults: network errors, 5xx, malformed bodies, slow and lost answers."""

from __future__ import annotations

import httpx
import pytest

from toggl_api.testing import Emulator, FakeClock, Fault

from .conftest import new_entry


def _entries(emulator: Emulator) -> int:
    return len(emulator.state.time_entries)


def test_connect_error_raises_before_touching_state(client: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    before = _entries(toggl_emulator)
    toggl_emulator.faults.add(Fault.connect_error())
    with pytest.raises(httpx.ConnectError):
        new_entry(client, wid, duration=5)
    assert _entries(toggl_emulator) == before
    record = toggl_emulator.requests[-1]
    assert (record.fault, record.state_touched, record.status) == ("connect_error", False, None)


def test_timeout_raises_read_timeout_without_applying(client: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    before = _entries(toggl_emulator)
    toggl_emulator.faults.add(Fault.timeout())
    with pytest.raises(httpx.ReadTimeout):
        new_entry(client, wid, duration=5)
    assert _entries(toggl_emulator) == before


def test_connection_reset_raises_remote_protocol_error(client: httpx.Client, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.connection_reset())
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/me")


def test_lost_answer_applies_the_write_then_times_out(client: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    before = _entries(toggl_emulator)
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST")
    with pytest.raises(httpx.ReadTimeout):
        new_entry(client, wid, duration=5)
    assert _entries(toggl_emulator) == before + 1
    assert toggl_emulator.requests[-1].state_touched is True


def test_server_error_answers_status_and_json_string(client: httpx.Client, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(status=503), times=2)
    assert [client.get("/me").status_code for _ in range(3)] == [503, 503, 200]
    assert toggl_emulator.requests[0].state_touched is False


def test_faults_match_path_regex_and_method(client: httpx.Client, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(), path=r"/me/tags$", method="GET")
    assert client.get("/me").status_code == 200
    assert client.get("/me/tags").status_code == 500
    assert client.get("/me/tags").status_code == 200


def test_fault_with_times_none_fires_forever(client: httpx.Client, toggl_emulator: Emulator) -> None:
    rule = toggl_emulator.faults.add(Fault.server_error(502), times=None)
    assert {client.get("/me").status_code for _ in range(5)} == {502}
    assert rule.fired == 5


def test_malformed_json_keeps_status_but_breaks_the_body(client: httpx.Client, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.malformed_json())
    response = client.get("/me")
    assert response.status_code == 200
    with pytest.raises(ValueError, match=r".+"):
        response.json()


def test_slow_answer_advances_the_fake_clock(
    client: httpx.Client, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    start = fake_clock.now()
    toggl_emulator.faults.add(Fault.slow(3))
    assert client.get("/me").status_code == 200
    assert (fake_clock.now() - start).total_seconds() == 3


def test_slow_answer_beyond_read_timeout_applies_then_times_out(
    toggl_emulator: Emulator, fake_clock: FakeClock, wid: int
) -> None:
    before = _entries(toggl_emulator)
    toggl_emulator.faults.add(Fault.slow(30))
    with toggl_emulator.client(timeout=5) as c, pytest.raises(httpx.ReadTimeout):
        c.post(
            f"/api/v9/workspaces/{wid}/time_entries",
            json={"created_with": "t", "workspace_id": wid, "start": "2026-11-19T09:00:00Z", "duration": 5},
        )
    assert _entries(toggl_emulator) == before + 1
    assert fake_clock.now().second == 5


async def test_faults_work_with_the_async_client(toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.connect_error())
    async with toggl_emulator.async_client() as c:
        with pytest.raises(httpx.ConnectError):
            await c.get("/api/v9/me")
        assert (await c.get("/api/v9/me")).status_code == 200


def test_faults_clear_removes_rules(client: httpx.Client, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(), times=None)
    toggl_emulator.faults.clear()
    assert client.get("/me").status_code == 200
