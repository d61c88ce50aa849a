"""Serving stale: with ``serve_stale=True`` a cached copy, even expired, answers when Toggl fails."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from toggl_api import BudgetExhaustedError, NotFoundError, ServerError, TogglTracker, TrackerBody
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import AsyncJSONCache, AsyncTrackerEndpoint, TogglAsyncCachedEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault

from ._memory_cache import AsyncMemoryCache

FAILURES = [Fault.server_error(503), Fault.http_error(402, "Must be a premium user"), Fault.connect_error(),
            Fault.timeout(), Fault.http_error(429)]


class AsyncTrackers(TogglAsyncCachedEndpoint[TogglTracker]):
    MODEL = TogglTracker


def trackers(auth: httpx.BasicAuth, client: httpx.AsyncClient, clock: FakeClock, *, serve_stale: bool,
             session: TogglSession | None = None) -> AsyncTrackers:
    cache: AsyncMemoryCache[TogglTracker] = AsyncMemoryCache(timedelta(minutes=5), clock=clock)
    return AsyncTrackers(auth, cache, client=client, clock=clock, serve_stale=serve_stale, retries=0,
                         session=session)


async def cached_entry(endpoint: AsyncTrackers, workspace_id: int, clock: FakeClock) -> TogglTracker:
    """Create an entry (the answer is cached), then let the cached copy expire."""
    body = {"workspace_id": workspace_id, "start": "2026-11-20T10:00:00Z", "duration": 60,
            "description": "cached", "created_with": "tests"}
    entry = await endpoint.request(f"workspaces/{workspace_id}/time_entries", body=body, method=RequestMethod.POST)
    clock.advance(3600)
    return entry


@pytest.mark.parametrize("fault", FAILURES, ids=lambda f: f"{f.kind}-{f.status}")
async def test_expired_cached_entity_answers_when_toggl_fails(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int, fault: Fault,
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True)
    entry = await cached_entry(endpoint, toggl_workspace_id, fake_clock)
    toggl_emulator.faults.add(fault, method="GET")
    got = await endpoint.request(f"me/time_entries/{entry.id}")
    assert (got.id, got.name) == (entry.id, "cached")


async def test_serving_stale_logs_a_warning(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int, caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True)
    entry = await cached_entry(endpoint, toggl_workspace_id, fake_clock)
    toggl_emulator.faults.add(Fault.server_error(503), method="GET")
    with caplog.at_level(logging.WARNING, logger="toggl_api.endpoint"):
        await endpoint.request(f"me/time_entries/{entry.id}")
    assert f"serving cached TogglTracker {entry.id} because Toggl failed (ServerError)" in caplog.text


async def test_stale_copy_also_covers_a_spent_budget(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_workspace_id: int
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True,
                        session=TogglSession(requests_per_hour=1, budget_window=7200))
    entry = await cached_entry(endpoint, toggl_workspace_id, fake_clock)
    got = await endpoint.request(f"me/time_entries/{entry.id}")
    assert got.id == entry.id


async def test_failure_is_raised_when_serving_stale_is_off(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int,
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=False)
    entry = await cached_entry(endpoint, toggl_workspace_id, fake_clock)
    toggl_emulator.faults.add(Fault.server_error(503), method="GET")
    with pytest.raises(ServerError):
        await endpoint.request(f"me/time_entries/{entry.id}")


async def test_not_found_is_never_covered_by_a_stale_copy(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int,
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True)
    entry = await cached_entry(endpoint, toggl_workspace_id, fake_clock)
    toggl_emulator.faults.add(Fault.http_error(404, "Time entry not found"), method="GET")
    with pytest.raises(NotFoundError):
        await endpoint.request(f"me/time_entries/{entry.id}")


async def test_failure_is_raised_when_nothing_is_cached(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True)
    toggl_emulator.faults.add(Fault.server_error(503), method="GET")
    with pytest.raises(ServerError):
        await endpoint.request("me/time_entries/424242")


async def test_budget_error_is_raised_when_nothing_is_cached(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    endpoint = trackers(toggl_auth, http_client, fake_clock, serve_stale=True,
                        session=TogglSession(requests_per_hour=1))
    await endpoint.request("me", raw=True)
    with pytest.raises(BudgetExhaustedError):
        await endpoint.request("me/time_entries/424242")


async def test_tracker_endpoint_with_a_json_cache_serves_an_expired_entry_when_toggl_fails(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int, cache_dir: Path,
) -> None:
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, timedelta(minutes=5), clock=fake_clock)
    endpoint = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock,
                                    serve_stale=True)
    created = await endpoint.add(TrackerBody(description="kept offline", duration=60,
                                             start=fake_clock.now() - timedelta(hours=1)))
    fake_clock.advance(3600)
    toggl_emulator.faults.add(Fault.server_error(503), times=None)
    got = await endpoint.get(created.id)
    assert got is not None
    assert (got.id, got.name) == (created.id, "kept offline")
