"""``toggl-api outbox list|push|discard`` on the demo account (``--fake``), with writes queued by the library while
the emulator refused connections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api import TrackerBody, TrackerEndpoint
from toggl_api.cli import app
from toggl_api.cli.outbox import QUEUED, queued_message
from toggl_api.meta.cache import JSONCache
from toggl_api.testing import Emulator, FakeClock, Fault


class Emulators:
    """Every emulator the CLI created (one per invocation, as in separate processes)."""

    def __init__(self) -> None:
        self.made: list[Emulator] = []

    def __call__(self) -> Emulator:
        emulator = Emulator("demo", clock=FakeClock())
        self.made.append(emulator)
        return emulator

    @property
    def last(self) -> Emulator:
        return self.made[-1]


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> Emulators:
    made = Emulators()
    monkeypatch.setattr(app, "make_emulator", made)
    return made


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def queue(folder: Path, *descriptions: str) -> list[int]:
    """Queue creates in ``folder``'s cache while the demo account cannot be reached; their temporary ids."""
    emulator = Emulator("demo", clock=FakeClock())
    assert emulator.account is not None
    emulator.faults.add(Fault.connect_error(), times=None, path="/time_entries")
    cache: JSONCache = JSONCache(folder, expire_after=None, clock=emulator.clock)
    with emulator.client() as client:
        endpoint = TrackerEndpoint(emulator.account.workspace_id, emulator.account.auth(), cache, offline=True,
                                   client=client, clock=emulator.clock, retries=0)
        return [endpoint.add(TrackerBody(description=d, duration=60)).id for d in descriptions]


def run(*args: str) -> Result:
    return CliRunner().invoke(app.cli, list(args), catch_exceptions=True)


def fake(folder: Path, *args: str) -> list[str]:
    return ["--fake", "--cache", str(folder), *args]


def test_list_shows_pending_writes_in_order(emulators: Emulators, folder: Path) -> None:
    queue(folder, "first", "second")
    result = run(*fake(folder, "outbox", "list", "--json"))
    assert result.exit_code == 0, result.output
    assert [r["fields"]["description"] for r in json.loads(result.stdout)] == ["first", "second"]


def test_list_of_an_empty_outbox_says_so(emulators: Emulators, folder: Path) -> None:
    result = run(*fake(folder, "outbox", "list"))
    assert result.exit_code == 0, result.output
    assert "empty" in result.stdout


def test_push_sends_pending_writes_once(emulators: Emulators, folder: Path) -> None:
    queue(folder, "pushed")
    result = run(*fake(folder, "outbox", "push"))
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 pending" in result.stdout
    landed = [t for t in emulators.last.state.time_entries.values() if t.description == "pushed"]
    assert len(landed) == 1
    assert json.loads(run(*fake(folder, "outbox", "list", "--json")).stdout) == []


def test_push_while_toggl_is_unreachable_exits_1_and_keeps_the_writes(
    emulators: Emulators, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue(folder, "still waiting")

    def unreachable() -> Emulator:
        emulator = Emulator("demo", clock=FakeClock())
        emulator.faults.add(Fault.connect_error(), times=None)
        emulators.made.append(emulator)
        return emulator

    monkeypatch.setattr(app, "make_emulator", unreachable)
    result = run(*fake(folder, "outbox", "push"))
    assert result.exit_code == 1
    assert "not reachable" in result.stderr
    assert len(json.loads(run(*fake(folder, "outbox", "list", "--json")).stdout)) == 1


def test_discard_drops_one_write(emulators: Emulators, folder: Path) -> None:
    queue(folder, "keep", "drop")
    keys = [r["key"] for r in json.loads(run(*fake(folder, "outbox", "list", "--json")).stdout)]
    result = run(*fake(folder, "outbox", "discard", str(keys[1])))
    assert result.exit_code == 0, result.output
    left = json.loads(run(*fake(folder, "outbox", "list", "--json")).stdout)
    assert [r["fields"]["description"] for r in left] == ["keep"]


def test_discard_all_empties_the_outbox(emulators: Emulators, folder: Path) -> None:
    queue(folder, "a", "b")
    result = run(*fake(folder, "outbox", "discard", "--all"))
    assert result.exit_code == 0, result.output
    assert "discarded 2" in result.stdout
    assert json.loads(run(*fake(folder, "outbox", "list", "--json")).stdout) == []


def test_discard_of_an_unknown_key_is_one_line_saying_what_to_do(emulators: Emulators, folder: Path) -> None:
    result = run(*fake(folder, "outbox", "discard", "99"))
    assert result.exit_code == 1
    assert "outbox list" in result.stderr


def test_discard_needs_a_key_or_all(emulators: Emulators, folder: Path) -> None:
    result = run(*fake(folder, "outbox", "discard"))
    assert result.exit_code == 1
    assert "--all" in result.stderr


def test_sync_sends_pending_writes_first(emulators: Emulators, folder: Path) -> None:
    queue(folder, "synced")
    result = run(*fake(folder, "sync"))
    assert result.exit_code == 0, result.output
    assert "outbox: 1 writes sent" in result.stderr
    assert [t for t in emulators.last.state.time_entries.values() if t.description == "synced"]


def test_a_queued_entry_gets_the_queued_message(folder: Path) -> None:
    emulator = Emulator("demo", clock=FakeClock())
    assert emulator.account is not None
    emulator.faults.add(Fault.connect_error(), times=1, path="/time_entries")
    cache: JSONCache = JSONCache(folder, clock=emulator.clock)
    with emulator.client() as client:
        endpoint = TrackerEndpoint(emulator.account.workspace_id, emulator.account.auth(), cache, offline=True,
                                   client=client, clock=emulator.clock, retries=0)
        queued = endpoint.add(TrackerBody(description="offline"))
        sent = endpoint.add(TrackerBody(description="online"))
    assert (queued_message(queued), queued_message(sent)) == (QUEUED, None)

