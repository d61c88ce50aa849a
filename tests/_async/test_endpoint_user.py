"""``AsyncUserEndpoint`` against the emulator: details, credential checks and the one-request bootstrap."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import TogglClient, TogglTag, TogglTracker
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import (
    AsyncClientEndpoint,
    AsyncProjectEndpoint,
    AsyncTagEndpoint,
    AsyncTaskEndpoint,
    AsyncUserEndpoint,
    AsyncWorkspaceEndpoint,
)
from toggl_api.testing import Emulator, FakeClock, Fault


@pytest.fixture
def endpoint(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock) -> AsyncUserEndpoint:
    return AsyncUserEndpoint(toggl_auth, client=http_client, clock=fake_clock)


async def test_get_details_returns_the_user(endpoint: AsyncUserEndpoint, toggl_emulator: Emulator) -> None:
    details = await endpoint.get_details()
    assert details["email"] == "demo@example.com"
    assert toggl_emulator.requests[-1].path == "/api/v9/me"


async def test_verify_authentication_accepts_good_credentials(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> None:
    assert await AsyncUserEndpoint.verify_authentication(toggl_auth, client=http_client) is True


async def test_verify_authentication_refuses_bad_credentials(http_client: httpx.AsyncClient) -> None:
    bad = httpx.BasicAuth("not-a-token", "api_token")
    assert await AsyncUserEndpoint.verify_authentication(bad, client=http_client) is False


async def test_verify_authentication_returns_false_on_network_errors_r9(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator
) -> None:
    """R9: upstream let ``httpx.ConnectError`` escape."""
    toggl_emulator.faults.add(Fault.connect_error(), times=None)
    assert await AsyncUserEndpoint.verify_authentication(toggl_auth, client=http_client) is False


async def test_verify_authentication_leaves_the_callers_client_open_r9(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> None:
    await AsyncUserEndpoint.verify_authentication(toggl_auth, client=http_client)
    assert not http_client.is_closed


async def test_bootstrap_sends_one_request_with_related_data(
    endpoint: AsyncUserEndpoint, toggl_emulator: Emulator
) -> None:
    related = await endpoint.bootstrap()
    assert len(toggl_emulator.requests) == 1
    assert toggl_emulator.requests[0].params == {"with_related_data": "true"}
    assert related.user["email"] == "demo@example.com"
    assert related.workspaces
    assert related.projects
    assert related.tags
    assert related.clients
    assert related.trackers


async def test_bootstrap_fills_caches_so_collects_need_no_request(
    endpoint: AsyncUserEndpoint,
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
) -> None:
    cache: AsyncJSONCache[TogglClient] = AsyncJSONCache(cache_dir, clock=fake_clock)
    await endpoint.bootstrap(workspaces=cache, clients=cache, projects=cache, tags=cache, trackers=cache)
    kwargs = {"client": http_client, "clock": fake_clock}
    clients = await AsyncClientEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs).collect()
    projects = await AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs).collect()  # type: ignore[arg-type]
    tags = await AsyncTagEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs).collect()  # type: ignore[arg-type]
    org_id = toggl_emulator.account.organization_id  # type: ignore[union-attr]
    workspaces = await AsyncWorkspaceEndpoint(org_id, toggl_auth, cache, **kwargs).collect()  # type: ignore[arg-type]
    assert len(toggl_emulator.requests) == 1
    assert clients
    assert projects
    assert tags
    assert workspaces
    assert all(p.active for p in projects)


async def test_bootstrap_fills_the_open_tasks_so_a_task_collect_needs_no_request(
    endpoint: AsyncUserEndpoint,
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
) -> None:
    cache: AsyncJSONCache[TogglClient] = AsyncJSONCache(cache_dir, clock=fake_clock)
    related = await endpoint.bootstrap(tasks=cache)
    tasks = AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)  # type: ignore[arg-type]
    cached = await tasks.collect()
    assert len(toggl_emulator.requests) == 1
    expected = {t.id for t in toggl_emulator.state.tasks.values() if t.workspace_id == toggl_workspace_id and t.active}
    assert expected
    assert {t.id for t in cached} == expected
    assert {t.id for t in related.tasks} >= expected


async def test_bootstrap_stores_recent_time_entries(
    endpoint: AsyncUserEndpoint, fake_clock: FakeClock, cache_dir: Path
) -> None:
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, clock=fake_clock)
    related = await endpoint.bootstrap(trackers=cache)
    assert related.trackers
    assert await cache.find(related.trackers[0].id, TogglTracker) == related.trackers[0]


async def test_bootstrap_of_clients_matches_a_fresh_collect(
    endpoint: AsyncUserEndpoint,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
) -> None:
    cache: AsyncJSONCache[TogglClient] = AsyncJSONCache(cache_dir, clock=fake_clock)
    await endpoint.bootstrap(clients=cache)
    cached_endpoint = AsyncClientEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    from_cache = await cached_endpoint.collect()
    from_api = await cached_endpoint.collect(refresh=True)
    assert sorted(c.id for c in from_cache) == sorted(c.id for c in from_api)


async def test_bootstrap_ignores_a_disabled_cache(
    endpoint: AsyncUserEndpoint, fake_clock: FakeClock, cache_dir: Path
) -> None:
    cache: AsyncJSONCache[TogglTag] = AsyncJSONCache(cache_dir, expire_after=0, clock=fake_clock)
    related = await endpoint.bootstrap(tags=cache)
    assert await cache.find(related.tags[0].id, TogglTag) is None
