"""One cache object serves several endpoints of different models (C16: no re-parenting to the last one)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import TogglClient, TogglTag
from toggl_api.asyncio import AsyncClientEndpoint, AsyncJSONCache, AsyncSqliteCache, AsyncTagEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture(params=["json", "sqlite"])
def shared_cache(request: pytest.FixtureRequest, cache_dir: Path, fake_clock: FakeClock) -> object:
    if request.param == "json":
        return AsyncJSONCache(cache_dir, clock=fake_clock)
    return AsyncSqliteCache(cache_dir, clock=fake_clock)


async def test_each_endpoint_reads_its_own_model_from_a_shared_cache(
    shared_cache: object,
    http_client: httpx.AsyncClient,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, toggl_auth, shared_cache, client=http_client, clock=fake_clock)
    clients = AsyncClientEndpoint(toggl_workspace_id, toggl_auth, shared_cache, client=http_client, clock=fake_clock)
    some_tag = (await tags.collect())[0]
    some_client = (await clients.collect())[0]
    sent = len(toggl_emulator.requests)

    assert await tags.get(some_tag.id) == some_tag
    assert await clients.get(some_client.id) == some_client
    assert all(isinstance(t, TogglTag) for t in await tags.load_cache())
    assert all(isinstance(c, TogglClient) for c in await clients.load_cache())
    assert len(toggl_emulator.requests) == sent  # both answered from the one cache

