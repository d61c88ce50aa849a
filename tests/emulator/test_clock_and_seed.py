"""The fake clock, deterministic seeding and the demo account."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

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
    assert 2000 <= len(mine) <= 3000
    assert sum(t.running for t in mine) == 1
    assert len([w for w in state.workspaces.values() if account.user_id in w.members]) == 2
    assert len([c for c in state.clients.values() if c.workspace_id in account.workspace_ids]) == 6
    assert len([p for p in state.projects.values() if p.workspace_id in account.workspace_ids]) == 15
    assert len([t for t in state.tags.values() if t.workspace_id in account.workspace_ids]) == 12
    assert min(t.start for t in mine) < emulator.clock.now() - timedelta(days=140)
    assert min(t.id for t in mine) > 2**31


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
