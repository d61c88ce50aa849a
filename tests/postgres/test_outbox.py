"""The offline outbox on a PostgreSQL-backed cache: a write queued by one process lands once when another process
(its own engine on the same database) flushes, including after a replay killed between sending and recording."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import TrackerBody, TrackerEndpoint
from toggl_api._io import seams
from toggl_api.meta.cache import SqliteCache
from toggl_api.testing import Emulator, FakeClock, Fault


@pytest.fixture
def sync_http(toggl_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_transport) as client:
        yield client


@pytest.fixture
def process(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock, toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth, sync_http: httpx.Client,
) -> Callable[[], TrackerEndpoint]:
    """Makes one process's offline tracker endpoint: its own engine on the shared PostgreSQL database."""

    def make() -> TrackerEndpoint:
        cache: SqliteCache[Any] = SqliteCache(tmp_path, expire_after=timedelta(days=1), engine=pg_engines(),
                                              clock=fake_clock)
        return TrackerEndpoint(toggl_workspace_id, toggl_auth, cache, offline=True, client=sync_http,
                               clock=fake_clock, retries=0)

    return make


def named(emulator: Emulator, description: str) -> list[Any]:
    return [t for t in emulator.state.time_entries.values() if t.description == description]


def test_a_write_queued_by_one_process_lands_once_when_another_flushes(
    process: Callable[[], TrackerEndpoint], toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.connect_error(), times=1, path="/time_entries")
    assert process().add(TrackerBody(description="pg queued", duration=60)).pending
    report = process().flush()
    assert (report.landed, report.remaining) == (1, 0)
    assert len(named(toggl_emulator, "pg queued")) == 1


class Killed(BaseException):
    pass


def test_a_replay_killed_after_sending_lands_once(
    process: Callable[[], TrackerEndpoint], toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.connect_error(), times=1, path="/time_entries")
    first = process()
    first.add(TrackerBody(description="pg killed", duration=60))

    def hook(name: str) -> None:
        if name == "outbox:sent":
            raise Killed(name)

    seams.crash_hook = hook
    try:
        with pytest.raises(Killed):
            first.flush()
    finally:
        seams.crash_hook = None
    report = process().flush()
    assert (report.found, report.remaining) == (1, 0)
    assert len(named(toggl_emulator, "pg killed")) == 1
