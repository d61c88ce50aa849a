"""``toggl-api start|stop|current`` against the emulator: what runs, what is refused, what the cache learns, and
how many requests each spent (counted by the emulator)."""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api._core.models import TogglTracker, TogglWorkspace
from toggl_api._io.live import MODELLED_ENTITIES, LiveMarker
from toggl_api.cli import app, timer, timing
from toggl_api.cli.outbox import QUEUED
from toggl_api.meta.cache import SqliteCache
from toggl_api.testing import DEMO_API_TOKEN, Emulator, EmulatorServer, FakeClock, Fault, Limits

from .test_offline import loaded_by


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


# -- current from the cache file alone: plain sqlite3, no endpoint ----------------------------------------------


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize("running", [True, False])
def test_current_from_a_fresh_cache_file_equals_the_regular_path(
    real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path, monkeypatch: pytest.MonkeyPatch,
    running: bool, as_json: bool,
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "sync"], env=real_env)  # names of projects, clients, tags
    runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=real_env)
    if running:
        started = runner.invoke(app.cli, ["--cache", str(cache), "start", "Fresh", "--project", "Website Redesign",
                                          "--tag", "meeting", "--tag", "urgent"], env=real_env)
        assert started.exit_code == 0, started.output
    args = ["--cache", str(cache), "current", *(["--json"] if as_json else [])]
    before = toggl_server.emulator.request_count()

    def no_endpoint(*_: object) -> None:
        raise AssertionError("the fast path should have answered without an endpoint")

    with monkeypatch.context() as patch:
        patch.setattr(timer, "_Timer", no_endpoint)
        fast = runner.invoke(app.cli, args, env=real_env)
    with monkeypatch.context() as patch:
        patch.setattr(timer, "_known_offline", lambda env: None)
        regular = runner.invoke(app.cli, args, env=real_env)

    assert fast.exit_code == regular.exit_code == 0, fast.output
    assert (fast.stdout, fast.stderr) == (regular.stdout, regular.stderr)
    assert toggl_server.emulator.request_count() == before
    if as_json:
        shown = json.loads(fast.stdout)
        assert shown["requests"] == 0
        assert (shown["entry"]["description"] if running else shown["entry"]) == ("Fresh" if running else None)
    else:
        expected = "▶ Fresh · Website Redesign (Acme Corp) · #meeting #urgent · started " if running else "nothing"
        assert fast.stdout.startswith(expected)
        assert "(0 requests)" in fast.stderr


def test_current_from_the_cache_file_trusts_webhook_pushes_that_keep_it_live(
    real_env: dict[str, str], toggl_server: EmulatorServer, fake_clock: FakeClock, cache: Path
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=real_env)
    fake_clock.advance(3600)  # long after the timer command learned what runs
    LiveMarker(cache).write(fake_clock.now() + timedelta(minutes=5), MODELLED_ENTITIES)
    before = toggl_server.emulator.request_count()

    result = runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)

    assert result.exit_code == 0, result.output
    assert result.stdout == "nothing is running\n"
    assert "(0 requests)" in result.stderr
    assert toggl_server.emulator.request_count() == before


def test_current_from_the_cache_file_shows_a_timer_waiting_in_the_outbox(
    real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=real_env)
    toggl_server.emulator.faults.add(Fault.connect_error(), times=None)
    started = runner.invoke(app.cli, ["--cache", str(cache), "start", "On the train"], env=real_env)
    assert QUEUED in started.stderr
    before = toggl_server.emulator.request_count()

    result = runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("▶ On the train")
    assert QUEUED in result.stderr
    assert "(0 requests)" in result.stderr
    assert toggl_server.emulator.request_count() == before


@pytest.mark.parametrize("marker", ["not a time", "2026-11-20T12:00:00"])
def test_a_hand_edited_freshness_marker_is_not_trusted(
    real_env: dict[str, str], toggl_server: EmulatorServer, cache: Path, marker: str
) -> None:
    runner = CliRunner()
    runner.invoke(app.cli, ["--cache", str(cache), "stop"], env=real_env)
    stored = SqliteCache(cache, expire_after=None)
    try:
        stored.set_value(timing.CHECKED_KEY, marker)  # garbage, or a time without its zone
        stored.commit()
    finally:
        stored.close()
    before = toggl_server.emulator.request_count()

    result = runner.invoke(app.cli, ["--cache", str(cache), "current"], env=real_env)

    assert result.exit_code == 0, result.output
    assert toggl_server.emulator.request_count() == before + 1


def closed_port() -> int:
    """A loopback port where nothing listens: a request there is refused at once, it never reaches anything."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize("running", [True, False])
def test_current_on_a_fresh_cache_file_sends_nothing_and_loads_neither_httpx_nor_sqlalchemy(
    tmp_path: Path, running: bool
) -> None:
    folder = tmp_path / "cache"
    now = datetime.now(timezone.utc)  # the CLI below runs on the system clock: the marker must be fresh for it
    stored = SqliteCache(folder, expire_after=None)
    try:
        stored.add(TogglWorkspace(1, "Mine", now))
        stored.add(TogglTracker(6, "Done", now, workspace=1, start=now - timedelta(hours=2),
                                stop=now - timedelta(hours=1), duration=3600))
        if running:
            stored.add(TogglTracker(7, "Running here", now, workspace=1, start=now - timedelta(minutes=5)))
        stored.set_value(timing.CHECKED_KEY, now.isoformat())  # as a timer command records what Toggl said
        stored.commit()
    finally:
        stored.close()
    env = {**os.environ, "TOGGL_API_TOKEN": "not-a-real-token", "TOGGL_API_BASE_URL": f"http://127.0.0.1:{closed_port()}"}

    last, done = loaded_by("--cache", str(folder), "current", env=env)

    assert last == "EXIT 0 LOADED nothing", done.stderr
    assert done.stdout.startswith("▶ Running here" if running else "nothing is running")
    assert "(0 requests)" in done.stderr
    assert "unreachable" not in done.stderr
