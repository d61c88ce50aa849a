"""Two processes sharing one cache's outbox (two cache objects on one folder or database file): only one sends at a
time, and a write one queues while the other flushes is kept and sent once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import FlushReport, TogglTracker, TrackerBody, TrackerEndpoint
from toggl_api._io import seams
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import Emulator, FakeClock, Fault


@pytest.fixture(params=["json", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emulator() -> Emulator:
    return Emulator("demo", clock=FakeClock())


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with emulator.client() as made:
        yield made


def process(kind: str, folder: Path, emulator: Emulator, client: httpx.Client) -> TrackerEndpoint:
    """One process's offline tracker endpoint, with its own cache object on the shared folder."""
    assert emulator.account is not None
    cache: Any = (
        JSONCache(folder, clock=emulator.clock) if kind == "json" else SqliteCache(folder, clock=emulator.clock)
    )
    return TrackerEndpoint(emulator.account.workspace_id, emulator.account.auth(), cache, offline=True,
                           client=client, clock=emulator.clock, retries=0)


def named(emulator: Emulator, description: str) -> list[Any]:
    return [t for t in emulator.state.time_entries.values() if t.description == description]


@pytest.fixture
def during_send() -> Iterator[list[Any]]:
    """Calls put in the list run once, while the first flush is between sending a write and recording it."""
    calls: list[Any] = []

    def hook(name: str) -> None:
        if name == "outbox:sent":
            while calls:
                calls.pop(0)()

    seams.crash_hook = hook
    yield calls
    seams.crash_hook = None


def test_a_second_flush_meanwhile_sends_nothing(
    kind: str, tmp_path: Path, emulator: Emulator, client: httpx.Client, during_send: list[Any]
) -> None:
    first, second = (process(kind, tmp_path, emulator, client) for _ in range(2))
    emulator.faults.add(Fault.connect_error(), times=1, path="/time_entries")
    first.add(TrackerBody(description="once", duration=60))
    reports: list[FlushReport] = []
    during_send.append(lambda: reports.append(second.flush()))
    first.flush()
    assert reports[0].stopped_by == "another process is sending this outbox"
    assert len(named(emulator, "once")) == 1


def test_a_write_queued_by_another_process_during_a_flush_is_kept_and_sent_once(
    kind: str, tmp_path: Path, emulator: Emulator, client: httpx.Client, during_send: list[Any]
) -> None:
    first, second = (process(kind, tmp_path, emulator, client) for _ in range(2))
    emulator.faults.add(Fault.connect_error(), times=1, path="/time_entries")
    first.add(TrackerBody(description="from the first", duration=60))
    made: list[TogglTracker] = []
    during_send.append(lambda: made.append(second.add(TrackerBody(description="from the second", duration=60))))
    first.flush()
    assert made[0].pending
    second.flush()
    assert len(named(emulator, "from the first")) == 1
    assert len(named(emulator, "from the second")) == 1
    assert second.pending() == []
