"""``AsyncOrganizationEndpoint`` against the emulator."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import NamingError, TogglOrganization
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._core.errors import NotFoundError
from toggl_api.asyncio import AsyncOrganizationEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglOrganization]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglOrganization],
) -> AsyncOrganizationEndpoint:
    return AsyncOrganizationEndpoint(toggl_auth, cache, client=http_client, clock=fake_clock)


async def test_collect_lists_the_users_organizations(
    endpoint: AsyncOrganizationEndpoint, toggl_emulator: Emulator
) -> None:
    orgs = await endpoint.collect()
    assert [o.name for o in orgs] == ["Demo Organization"]
    assert toggl_emulator.requests[-1].path == "/api/v9/me/organizations"


async def test_collect_answers_from_the_cache_the_second_time_r1(
    endpoint: AsyncOrganizationEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect()
    await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/me/organizations") == 1


async def test_get_falls_through_to_the_api_on_a_cache_miss_c22(
    endpoint: AsyncOrganizationEndpoint, toggl_emulator: Emulator
) -> None:
    org_id = toggl_emulator.account.organization_id  # type: ignore[union-attr]
    org = await endpoint.get(org_id)
    assert org is not None
    assert org.id == org_id


async def test_get_of_a_foreign_or_unknown_organization_returns_none(endpoint: AsyncOrganizationEndpoint) -> None:
    assert await endpoint.get(123) is None


async def test_get_of_an_unknown_organization_raises_with_re_raise(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> None:
    endpoint = AsyncOrganizationEndpoint(toggl_auth, client=http_client, re_raise=True)
    with pytest.raises(NotFoundError):
        await endpoint.get(123)


async def test_add_creates_the_organization_and_caches_it(
    endpoint: AsyncOrganizationEndpoint, toggl_emulator: Emulator
) -> None:
    org = await endpoint.add("New Org", "First WS")
    assert toggl_emulator.requests[-1].json == {"name": "New Org", "workspace_name": "First WS"}
    before = len(toggl_emulator.requests)
    assert await endpoint.get(org.id) == org
    assert len(toggl_emulator.requests) == before


async def test_add_with_a_name_over_140_characters_raises_naming_error(
    endpoint: AsyncOrganizationEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError, match="Max organization name length is 140!"):
        await endpoint.add("x" * 141)
    assert toggl_emulator.requests == []


async def test_add_with_a_blank_workspace_name_raises_naming_error(endpoint: AsyncOrganizationEndpoint) -> None:
    with pytest.raises(NamingError, match="workspace"):
        await endpoint.add("Org", " ")


async def test_edit_returns_the_organization_as_toggl_stores_it_r11(
    endpoint: AsyncOrganizationEndpoint, cache: AsyncJSONCache[TogglOrganization], toggl_emulator: Emulator
) -> None:
    """R11: upstream ignored the answer and cached a locally built model."""
    org = (await endpoint.collect())[0]
    edited = await endpoint.edit(org, "Renamed Org")
    assert toggl_emulator.requests[-1].path == f"/api/v9/organizations/{org.id}"
    assert toggl_emulator.requests[-1].method == "GET"
    assert edited.name == "Renamed Org"
    assert edited.at is not None
    cached = await cache.find(org.id, TogglOrganization)
    assert cached == edited


async def test_delete_leaves_the_organization_and_forgets_it(
    endpoint: AsyncOrganizationEndpoint, cache: AsyncJSONCache[TogglOrganization], toggl_emulator: Emulator
) -> None:
    org = await endpoint.add("Temp Org", "Temp WS")
    await endpoint.delete(org)
    assert toggl_emulator.requests[-1].path == f"/api/v9/organizations/{org.id}/users/leave"
    assert await cache.find(org.id, TogglOrganization) is None
