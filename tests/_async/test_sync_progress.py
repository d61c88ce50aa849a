"""What ``AsyncTogglSync`` reports to its ``progress`` callback: requests, entities stored, windows and the share
of the time-entry history read (the CLI's progress bar and ETA are drawn from these values)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import TogglTracker
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.sync import AsyncTogglSync, SyncProgress
from toggl_api._core.session import TogglSession
from toggl_api.testing import FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)


async def _steps(
    cache: AsyncJSONCache[TogglTracker], auth: httpx.BasicAuth, client: httpx.AsyncClient, clock: FakeClock
) -> list[SyncProgress]:
    seen: list[SyncProgress] = []
    syncer = AsyncTogglSync(auth, cache, client=client, clock=clock, session=TogglSession(), progress=seen.append)
    await syncer.sync()
    return seen


async def test_each_step_counts_the_requests_sent_before_it(
    cache: AsyncJSONCache[TogglTracker], toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    steps = await _steps(cache, toggl_auth, http_client, fake_clock)

    assert [s.requests for s in steps] == list(range(len(steps)))


async def test_entities_stored_grow_as_answers_are_applied(
    cache: AsyncJSONCache[TogglTracker], toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    steps = await _steps(cache, toggl_auth, http_client, fake_clock)

    stored = [s.stored for s in steps]
    assert stored[0] == 0
    assert stored == sorted(stored)
    assert stored[-1] > 0


async def test_a_full_fetch_reports_windows_and_the_share_read(
    cache: AsyncJSONCache[TogglTracker], toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    steps = await _steps(cache, toggl_auth, http_client, fake_clock)

    windows = [s for s in steps if s.step.startswith("time entries")]
    assert [s.windows_done for s in windows] == [0, 1]  # the demo account needs two windows
    assert windows[0].share == 0.0
    assert windows[0].windows_left is None  # no pace known yet
    assert windows[1].share is not None
    assert 0.0 < windows[1].share < 1.0
    assert windows[1].windows_left is not None
    assert windows[1].windows_left >= 1


async def test_an_incremental_sync_reports_no_share(
    cache: AsyncJSONCache[TogglTracker], toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
) -> None:
    await _steps(cache, toggl_auth, http_client, fake_clock)

    steps = await _steps(cache, toggl_auth, http_client, fake_clock)

    assert all(s.share is None and s.windows_left is None for s in steps)
