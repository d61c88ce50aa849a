"""``AsyncTagEndpoint`` against the emulator."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import NamingError, TogglTag
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import AsyncTagEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTag]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglTag],
) -> AsyncTagEndpoint:
    return AsyncTagEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.fixture
def uncached(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> AsyncTagEndpoint:
    return AsyncTagEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


async def test_collect_returns_the_workspace_tags(
    uncached: AsyncTagEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = await uncached.collect()
    assert tags
    assert all(t.workspace == toggl_workspace_id for t in tags)
    assert toggl_emulator.requests[-1].path == f"/api/v9/workspaces/{toggl_workspace_id}/tags"


async def test_collect_on_an_empty_cache_asks_the_api_r2(endpoint: AsyncTagEndpoint, toggl_emulator: Emulator) -> None:
    """R1/R2: upstream returned the (empty) cache contents instead of asking."""
    assert await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/tags") == 1


async def test_collect_answers_from_the_cache_the_second_time(
    endpoint: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    first = await endpoint.collect()
    assert sorted(t.id for t in await endpoint.collect()) == sorted(t.id for t in first)
    assert toggl_emulator.request_count("GET", "/tags") == 1


async def test_collect_with_refresh_asks_the_api(endpoint: AsyncTagEndpoint, toggl_emulator: Emulator) -> None:
    await endpoint.collect()
    await endpoint.collect(refresh=True)
    assert toggl_emulator.request_count("GET", "/tags") == 2


async def test_get_without_cache_finds_the_tag_through_the_api(uncached: AsyncTagEndpoint) -> None:
    """Upstream returned None without a cache (async: NoCacheAssignedError)."""
    tag = (await uncached.collect())[0]
    assert await uncached.get(tag.id) == tag


async def test_get_returns_a_cached_tag_without_a_request(endpoint: AsyncTagEndpoint, toggl_emulator: Emulator) -> None:
    tag = (await endpoint.collect())[0]
    before = len(toggl_emulator.requests)
    assert await endpoint.get(tag) == tag
    assert len(toggl_emulator.requests) == before


async def test_get_unknown_tag_returns_none(endpoint: AsyncTagEndpoint) -> None:
    assert await endpoint.get(5) is None


async def test_add_posts_the_name_and_caches_the_tag(endpoint: AsyncTagEndpoint, toggl_emulator: Emulator) -> None:
    tag = await endpoint.add("fresh-tag")
    assert toggl_emulator.requests[-1].json == {"name": "fresh-tag"}
    before = len(toggl_emulator.requests)
    assert await endpoint.get(tag.id) == tag
    assert len(toggl_emulator.requests) == before


async def test_add_with_a_blank_name_raises_naming_error(endpoint: AsyncTagEndpoint, toggl_emulator: Emulator) -> None:
    with pytest.raises(NamingError, match="non-blank"):
        await endpoint.add("  ")
    assert toggl_emulator.requests == []


async def test_edit_renames_the_tag_in_api_and_cache(
    endpoint: AsyncTagEndpoint, cache: AsyncJSONCache[TogglTag]
) -> None:
    tag = await endpoint.add("fresh-tag")
    edited = await endpoint.edit(tag, "renamed-tag")
    cached = await cache.find(tag.id, TogglTag)
    assert edited.name == "renamed-tag"
    assert cached is not None
    assert cached.name == "renamed-tag"


async def test_edit_with_a_blank_name_raises_naming_error(endpoint: AsyncTagEndpoint) -> None:
    with pytest.raises(NamingError):
        await endpoint.edit(1, "")


async def test_delete_removes_the_tag_from_the_cached_list(endpoint: AsyncTagEndpoint) -> None:
    tags = await endpoint.collect()
    await endpoint.delete(tags[0])
    assert tags[0] not in await endpoint.collect()


async def test_collect_asks_again_when_max_length_evicted_part_of_the_list(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
    toggl_emulator: Emulator,
) -> None:
    small: AsyncJSONCache[TogglTag] = AsyncJSONCache(cache_dir, clock=fake_clock, max_length=1)
    endpoint = AsyncTagEndpoint(toggl_workspace_id, toggl_auth, small, client=http_client, clock=fake_clock)
    await endpoint.add("second tag")
    every = await endpoint.collect(refresh=True)
    assert len(every) > 1  # more tags than the cache keeps
    assert sorted(t.id for t in await endpoint.collect()) == sorted(t.id for t in every)
