"""The fake clock, deterministic seeding and the demo account."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from toggl_api.testing import DEMO_API_TOKEN, Emulator, FakeClock


def test_fake_clock_defaults_to_2026_11_20_noon_utc() -> None:
    now = FakeClock().now()
    assert now == datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    assert now.tzinfo is not None


def test_sleep_advances_instantly_and_is_recorded() -> None:
    clock = FakeClock()
    before, mono = clock.time(), clock.monotonic()
    clock.sleep(2.5)
    assert clock.time() == before + 2.5
    assert clock.monotonic() == mono + 2.5
    assert clock.sleeps == [2.5]


async def test_asleep_advances_instantly_and_is_recorded() -> None:
    clock = FakeClock()
    await clock.asleep(7)
    assert clock.sleeps == [7]
    assert clock.now().second == 7


def test_set_jumps_and_naive_values_are_utc() -> None:
    clock = FakeClock()
    clock.set(datetime(2027, 1, 1))
    assert clock.now() == datetime(2027, 1, 1, tzinfo=timezone.utc)


def test_demo_seed_is_deterministic() -> None:
    a, b = Emulator("demo"), Emulator("demo", clock=FakeClock())
    assert [(t.id, t.start, t.description) for t in a.state.time_entries.values()] == [
        (t.id, t.start, t.description) for t in b.state.time_entries.values()
    ]


def test_emulators_do_not_share_state() -> None:
    a, b = Emulator("demo"), Emulator("demo")
    next(iter(a.state.time_entries.values())).description = "changed"
    assert next(iter(b.state.time_entries.values())).description != "changed"


def test_demo_seed_has_the_promised_shape() -> None:
    emulator = Emulator("demo")
    account = emulator.account
    assert account is not None
    state = emulator.state
    mine = [t for t in state.time_entries.values() if t.user_id == account.user_id]
    assert 3000 <= len(mine) <= 3600
    assert sum(t.running for t in mine) == 1
    assert len([w for w in state.workspaces.values() if account.user_id in w.members]) == 2
    assert len([c for c in state.clients.values() if c.workspace_id in account.workspace_ids]) == 6
    assert len([p for p in state.projects.values() if p.workspace_id in account.workspace_ids]) == 15
    assert len([t for t in state.tags.values() if t.workspace_id in account.workspace_ids]) == 12
    assert min(t.start for t in mine) < emulator.clock.now() - timedelta(days=400)
    assert min(t.id for t in mine) > 2**31


def test_demo_history_older_than_150_days_is_sparser_than_the_recent_days() -> None:
    emulator = Emulator("demo")
    now = emulator.clock.now()
    starts = [t.start for t in emulator.state.time_entries.values()]
    recent = sum(1 for s in starts if now - timedelta(days=100) <= s < now - timedelta(days=10))
    old = sum(1 for s in starts if now - timedelta(days=400) <= s < now - timedelta(days=310))
    assert 0 < old < recent / 2


def test_demo_time_entry_ids_rise_with_start_across_old_and_recent_history() -> None:
    emulator = Emulator("demo")
    stopped = sorted((t for t in emulator.state.time_entries.values() if t.stop is not None), key=lambda t: t.start)
    old = [t.id for t in stopped if t.start < emulator.clock.now() - timedelta(days=151)]
    assert old == sorted(old)
    assert max(old) < min(t.id for t in stopped if t.start >= emulator.clock.now() - timedelta(days=150))


def test_demo_account_credentials_are_stable_constants() -> None:
    account = Emulator("demo").account
    assert account is not None
    assert (account.api_token, account.email, account.password) == (
        DEMO_API_TOKEN,
        "demo@example.com",
        "demo-password",
    )
    assert account.other_api_token == "other-api-token-0000"
    assert account.track_path == "/api/v9"
    assert account.reports_path == "/reports/api/v3"


def test_empty_seed_has_only_user_org_and_workspace() -> None:
    emulator = Emulator("empty")
    state = emulator.state
    assert (len(state.users), len(state.organizations), len(state.workspaces)) == (1, 1, 1)
    assert not state.time_entries
    assert not state.projects


def test_no_seed_has_no_account() -> None:
    emulator = Emulator(None)
    assert emulator.account is None
    assert not emulator.state.users


def test_id_starts_are_configurable() -> None:
    emulator = Emulator("empty", id_starts={"workspace": 42})
    assert emulator.account is not None
    assert emulator.account.workspace_id == 42


def test_system_clock_reads_real_time_to_the_microsecond() -> None:
    before = datetime.now(timezone.utc)
    now = FakeClock.system().now()
    after = datetime.now(timezone.utc)
    assert before <= now <= after


def test_system_clock_can_still_be_advanced() -> None:
    clock = FakeClock.system()
    before = datetime.now(timezone.utc)
    clock.advance(3600)
    assert clock.now() >= before + timedelta(hours=1)


def test_standalone_server_entry_stamps_are_never_before_the_start_sent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from toggl_api.testing import __main__ as emulator_main

    seen: dict[str, Any] = {}

    def create_entry() -> None:
        url = capsys.readouterr().out.split("listening on ")[1].split()[0]
        with httpx.Client(base_url=url + "/api/v9", auth=(DEMO_API_TOKEN, "api_token")) as c:
            wid = c.get("/me").json()["default_workspace_id"]
            start = datetime.now(timezone.utc)
            body = {"created_with": "t", "workspace_id": wid, "start": start.isoformat(), "duration": -1}
            seen["entry"] = c.post(f"/workspaces/{wid}/time_entries", json=body).json()
            seen["start"] = start
            since = int(start.timestamp())
            seen["since"] = [e["id"] for e in c.get("/me/time_entries", params={"since": since}).json()]
        raise KeyboardInterrupt

    monkeypatch.setattr(emulator_main, "_wait_until_interrupted", create_entry)
    assert emulator_main.main(["--port", "0", "--no-limits"]) == 0
    at = datetime.fromisoformat(seen["entry"]["at"].replace("Z", "+00:00"))
    assert at >= seen["start"]
    assert seen["entry"]["id"] in seen["since"]
