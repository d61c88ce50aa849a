"""``toggl-api sync --since`` (the backfill through Reports v3) and what ``entries --since`` then lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api.cli import app
from toggl_api.testing import Emulator, FakeClock

UTC = timezone.utc


def _seed_old_year(emulator: Emulator) -> None:
    """Three entries a day from 420 to 150 days ago (the demo holds 150 days), in both workspaces; and a quota
    large enough for one run (a free plan's 30 an hour pauses a year's backfill: see the resume test)."""
    account = emulator.account
    assert account is not None
    state = emulator.state
    user = state.users[account.user_id]
    workspaces = [state.workspaces[w] for w in account.workspace_ids]
    now = emulator.clock.now()
    for back in range(150, 420):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        for k, hour in enumerate((9, 13, 23)):
            start = day + timedelta(hours=hour)
            state.add_time_entry(workspaces[(back + k) % 2], user, start, start + timedelta(minutes=25),
                                 description=f"old {back}/{k}", at=start)


class Emulators:
    """One emulator per CLI invocation (as in separate processes), each prepared the same way."""

    def __init__(self, prepare: Callable[[Emulator], None]) -> None:
        self.made: list[Emulator] = []
        self.prepare = prepare

    def __call__(self) -> Emulator:
        emulator = Emulator("demo", clock=FakeClock(), limits=True)
        self.prepare(emulator)
        self.made.append(emulator)
        return emulator


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> Emulators:
    def prepare(emulator: Emulator) -> None:
        _seed_old_year(emulator)
        emulator.limits.plan_quotas["free"] = 240

    made = Emulators(prepare)
    monkeypatch.setattr(app, "make_emulator", made)
    return made


def run(cache: Path, *args: str) -> Result:
    return CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), *args], catch_exceptions=True)


def _year_ago() -> str:
    return (FakeClock().now().date() - timedelta(days=365)).isoformat()


def _held_since(emulator: Emulator, day: str) -> set[int]:
    account = emulator.account
    assert account is not None
    lower = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return {
        te.id
        for te in emulator.state.time_entries.values()
        if te.user_id == account.user_id and not te.deleted and te.start >= lower
    }


def test_sync_since_a_year_ago_then_entries_since_lists_exactly_the_emulators_entries(
    emulators: Emulators, tmp_path: Path
) -> None:
    since = _year_ago()
    synced = run(tmp_path, "sync", "--since", since, "--json")
    assert synced.exit_code == 0, synced.output

    listed = run(tmp_path, "entries", "--since", since, "--limit", "0", "--json")

    assert listed.exit_code == 0, listed.output
    assert {e["id"] for e in json.loads(listed.stdout)["entries"]} == _held_since(emulators.made[0], since)
    assert emulators.made[-1].request_count() == 0


def test_a_second_sync_since_the_same_day_sends_no_report_request(emulators: Emulators, tmp_path: Path) -> None:
    since = _year_ago()
    first = json.loads(run(tmp_path, "sync", "--since", since, "--json").stdout)
    assert first["backfill"]["requests"] > 0

    second = run(tmp_path, "sync", "--since", since, "--json")

    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["backfill"]["requests"] == 0
    assert emulators.made[-1].request_count(path_contains="/search/time_entries") == 0


def test_rescan_without_since_is_refused_with_what_to_add(emulators: Emulators, tmp_path: Path) -> None:
    result = run(tmp_path, "sync", "--rescan")

    assert result.exit_code != 0
    assert "--rescan needs --since" in result.output
    assert emulators.made == []


def test_a_backfill_paused_by_the_free_quota_says_so_and_the_next_run_finishes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    made = Emulators(_seed_old_year)  # a free plan: 30 requests an hour
    monkeypatch.setattr(app, "make_emulator", made)
    since = _year_ago()

    first = run(tmp_path, "sync", "--since", since)
    assert "window(s) left" in first.stderr
    assert "resets" in first.stderr or "paused until" in first.stderr
    second = run(tmp_path, "sync", "--since", since, "--json")  # a new process: a fresh hour in the emulator

    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["complete"]
    listed = run(tmp_path, "entries", "--since", since, "--limit", "0", "--json")
    assert {e["id"] for e in json.loads(listed.stdout)["entries"]} == _held_since(made.made[0], since)
