"""``toggl-api start|stop|current`` against the emulator: what runs, what is refused, what the cache learns, and
how many requests each spent (counted by the emulator)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api._core.models import TogglTracker
from toggl_api.cli import app
from toggl_api.meta.cache import SqliteCache
from toggl_api.testing import DEMO_API_TOKEN, Emulator, EmulatorServer, FakeClock, Fault, Limits


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """One demo account for every invocation (as a real account is), on a fake clock."""
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def run(cache: Path, *args: str) -> Result:
    return CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), *args], catch_exceptions=True)


def running_ids(emulator: Emulator) -> list[int]:
    """The account's running entry as the emulator holds it (read from its state: no request)."""
    return [t.id for t in emulator.state.time_entries.values() if t.running and not t.deleted]


def test_current_shows_the_running_entry_in_one_line(account: Emulator, cache: Path) -> None:
    run(cache, "sync")

    result = run(cache, "current")

    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("▶ ")
    assert ", running " in line
    assert "started " in line


def test_current_says_how_many_requests_it_spent(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    before = account.request_count()

    result = run(cache, "current")

    assert account.request_count() - before == 1
    assert "(1 request)" in result.stderr


def test_start_refuses_while_a_timer_runs_and_names_it(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    before = running_ids(account)

    result = run(cache, "start", "Writing docs")

    assert result.exit_code == 1
    assert "a timer runs already: ▶ " in result.stderr
    assert "--stop-running" in result.stderr
    assert running_ids(account) == before


def test_start_with_stop_running_starts_the_new_entry_and_shows_the_stopped_one(
    account: Emulator, cache: Path
) -> None:
    run(cache, "sync")

    result = run(cache, "start", "Writing docs", "-p", "website redesign", "-t", "MEETING", "--stop-running")

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("■ ")
    assert lines[1].startswith("▶ Writing docs · Website Redesign (Acme Corp) · #meeting · started ")


def test_start_stores_the_new_entry_and_the_stopped_one_in_the_cache(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    old = running_ids(account)[0]

    run(cache, "start", "Writing docs", "--stop-running")

    stored = SqliteCache(cache)  # a new CLI cache in a folder is SQLite
    try:
        new = stored.find(running_ids(account)[0], TogglTracker)
        previous = stored.find(old, TogglTracker)
    finally:
        stored.close()
    assert new is not None
    assert new.name == "Writing docs"
    assert previous is not None
    assert previous.stop is not None


def test_start_resolves_an_ambiguous_project_name_to_an_error(account: Emulator, cache: Path) -> None:
    run(cache, "sync")

    result = run(cache, "start", "x", "-p", "website", "--stop-running")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no cached project named 'website'; did you mean")


def test_start_refuses_an_unknown_tag(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    before = account.request_count()

    result = run(cache, "start", "x", "-t", "no such tag", "--stop-running")

    assert result.exit_code == 1
    assert "no cached tag named 'no such tag'" in result.stderr
    assert account.request_count() == before


def test_start_at_a_time_of_day_sets_the_start(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    earlier = (account.clock.now() - timedelta(hours=1)).strftime("%H:%M")

    result = run(cache, "start", "Early", "--at", earlier, "--stop-running", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entry"]["start"][11:16] == earlier


def test_start_in_the_future_is_refused(account: Emulator, cache: Path) -> None:
    later = (account.clock.now() + timedelta(hours=1)).isoformat()

    result = run(cache, "start", "Late", "--at", later, "--stop-running")

    assert result.exit_code == 1
    assert "is in the future" in result.stderr


def test_start_billable_sends_billable(account: Emulator, cache: Path) -> None:
    result = run(cache, "start", "Billed", "--billable", "--stop-running", "--json")

    assert json.loads(result.stdout)["entry"]["billable"] is True


def test_stop_stops_the_running_entry_and_stores_it(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    running = running_ids(account)[0]

    result = run(cache, "stop", "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["entry"]
    assert shown["id"] == running
    assert shown["running"] is False
    assert shown["stop"] is not None
    assert running_ids(account) == []


def test_stop_with_nothing_running_is_one_line_and_exit_1(account: Emulator, cache: Path) -> None:
    run(cache, "stop")

    result = run(cache, "stop")

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: nothing is running (1 request): start one with `toggl-api start TEXT`"
    ]


def test_current_json_is_null_when_nothing_runs(account: Emulator, cache: Path) -> None:
    run(cache, "stop")

    result = run(cache, "current", "--json")

    assert json.loads(result.stdout)["entry"] is None


@pytest.fixture
def real_env(
    toggl_server: EmulatorServer, toggl_workspace_id: int, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The CLI as with a real account (no --fake): the emulator served over loopback, its clock the CLI's."""
    monkeypatch.setattr(app, "SYSTEM_CLOCK", fake_clock)
    return {
        "TOGGL_API_TOKEN": DEMO_API_TOKEN,
        "TOGGL_API_BASE_URL": toggl_server.url,
        "TOGGL_WORKSPACE_ID": str(toggl_workspace_id),
    }


def test_current_right_after_stop_answers_from_the_cache(
    real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=real_env)
    runner.invoke(app.cli, ["--cache", str(cache), "start", "Fresh"], env=real_env)
    before = toggl_server.emulator.request_count()

    result = runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("▶ Fresh")
    assert toggl_server.emulator.request_count() == before
    assert "(0 requests)" in result.stderr


def test_current_refresh_asks_toggl(real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)
    before = toggl_server.emulator.request_count()

    runner.invoke(app.cli, ["--cache", str(cache), "current", "--refresh"], env=real_env)

    assert toggl_server.emulator.request_count() == before + 1


def test_current_asks_toggl_again_once_the_cache_is_no_longer_fresh(
    real_env: dict[str, str], toggl_server: EmulatorServer, fake_clock: FakeClock, cache: Path
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)
    fake_clock.advance(61)
    before = toggl_server.emulator.request_count()

    runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)

    assert toggl_server.emulator.request_count() == before + 1


def test_start_json_with_stop_running_names_the_stopped_entry(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    old = running_ids(account)[0]

    result = run(cache, "start", "Next", "--stop-running", "--json")

    shown = json.loads(result.stdout)
    assert shown["stopped"]["id"] == old
    assert shown["stopped"]["running"] is False
    assert shown["entry"]["running"] is True


def test_stop_needs_no_workspace_setting_when_several_are_cached(
    real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    env = {k: v for k, v in real_env.items() if k != "TOGGL_WORKSPACE_ID"}
    runner.invoke(app.cli, ["--cache", str(cache), "sync"], env=env)

    result = runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("■ ")


# -- offline: timer writes wait in the outbox ------------------------------------------------------------


def entries_named(emulator: Emulator, description: str) -> list[object]:
    """The account's live entries with ``description`` (read from the emulator's state: no request)."""
    return [t for t in emulator.state.time_entries.values() if t.description == description and not t.deleted]


def test_start_while_toggl_is_unreachable_queues_the_entry_and_says_so(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    run(cache, "stop")
    account.faults.add(Fault.connect_error(), times=None)

    result = run(cache, "start", "On the train")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("▶ On the train")
    assert "queued; will be sent when Toggl is reachable" in result.stderr
    assert entries_named(account, "On the train") == []


def test_current_while_toggl_is_unreachable_answers_from_the_cache_with_the_queued_timer(
    account: Emulator, cache: Path
) -> None:
    run(cache, "sync")
    run(cache, "stop")
    account.faults.add(Fault.connect_error(), times=None)
    run(cache, "start", "On the train")

    result = run(cache, "current", "--refresh")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("▶ On the train")
    assert "Toggl is unreachable" in result.stderr


def test_a_timer_started_and_stopped_offline_lands_once_with_its_stop(account: Emulator, cache: Path) -> None:
    run(cache, "sync")
    run(cache, "stop")
    account.faults.add(Fault.connect_error(), times=None)
    run(cache, "start", "On the train")
    account.clock.advance(40 * 60)
    stopped = run(cache, "stop", "--json")
    assert json.loads(stopped.stdout)["queued"] is True

    account.faults.clear()
    pushed = run(cache, "outbox", "push")

    assert pushed.exit_code == 0, pushed.output
    landed = entries_named(account, "On the train")
    assert len(landed) == 1
    assert not landed[0].running  # type: ignore[attr-defined]
    # 40 minutes, plus the seconds the retries of the unreachable requests waited on the fake clock
    assert 40 * 60 <= landed[0].duration < 41 * 60  # type: ignore[attr-defined]


def test_start_with_stop_running_offline_queues_the_stop_before_the_new_entry(
    account: Emulator, cache: Path
) -> None:
    run(cache, "sync")
    before = running_ids(account)
    account.faults.add(Fault.connect_error(), times=None)

    result = run(cache, "start", "Next task", "--stop-running")
    account.faults.clear()
    run(cache, "outbox", "push")

    assert result.exit_code == 0, result.output
    assert [t.id for t in entries_named(account, "Next task")] == running_ids(account)
    assert not set(before) & set(running_ids(account))
