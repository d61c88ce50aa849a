"""``AsyncWorkspaceEndpoint`` against the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import DateTimeError, NamingError, TogglWorkspace, WorkspaceBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._core.errors import ForbiddenError
from toggl_api.asyncio import AsyncWorkspaceEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglWorkspace]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def organization_id(toggl_emulator: Emulator) -> int:
    return toggl_emulator.account.organization_id  # type: ignore[union-attr]


@pytest.fixture
def endpoint(
    organization_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglWorkspace],
) -> AsyncWorkspaceEndpoint:
    return AsyncWorkspaceEndpoint(organization_id, toggl_auth, cache, client=http_client, clock=fake_clock)


async def test_collect_lists_the_users_workspaces(endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int) -> None:
    assert toggl_workspace_id in [w.id for w in await endpoint.collect()]


async def test_collect_answers_from_the_cache_the_second_time(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect()
    await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/me/workspaces") == 1


async def test_collect_sends_since_as_a_query_parameter_r5_d1(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    """R5: upstream dropped ``since`` (GET body); D1: the epoch must respect the offset."""
    since = (fake_clock.now() - timedelta(days=1)).astimezone(timezone(timedelta(hours=9)))
    await endpoint.collect(since=since)
    assert toggl_emulator.requests[-1].params == {"since": str(int(since.timestamp()))}


async def test_collect_with_a_future_since_raises_before_any_request(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    with pytest.raises(DateTimeError, match="before the current time"):
        await endpoint.collect(since=fake_clock.now() + timedelta(hours=1))
    assert toggl_emulator.requests == []


async def test_collect_with_a_naive_since_raises_date_time_error(endpoint: AsyncWorkspaceEndpoint) -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        await endpoint.collect(since=datetime(2026, 1, 1))


async def test_get_falls_through_to_the_api_on_a_cache_miss_c22(
    endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int
) -> None:
    workspace = await endpoint.get(toggl_workspace_id)
    assert workspace is not None
    assert workspace.id == toggl_workspace_id


async def test_get_returns_a_cached_workspace_without_a_request(
    endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    await endpoint.collect()
    before = len(toggl_emulator.requests)
    assert await endpoint.get(toggl_workspace_id) is not None
    assert len(toggl_emulator.requests) == before


async def test_get_of_a_workspace_without_access_raises_forbidden(endpoint: AsyncWorkspaceEndpoint) -> None:
    with pytest.raises(ForbiddenError):
        await endpoint.get(1)


async def test_add_posts_into_the_organization(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator, organization_id: int
) -> None:
    workspace = await endpoint.add(WorkspaceBody(name="Third Space"))
    sent = toggl_emulator.requests[-1]
    assert sent.path == f"/api/v9/organizations/{organization_id}/workspaces"
    assert sent.json == {"organization_id": organization_id, "name": "Third Space"}
    assert workspace.name == "Third Space"
    assert workspace.organization == organization_id


async def test_add_without_a_name_raises_naming_error(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError):
        await endpoint.add(WorkspaceBody())
    assert toggl_emulator.requests == []


async def test_workspace_body_rejects_a_name_over_140_characters() -> None:
    with pytest.raises(NamingError, match="The max workspace name length is 140!"):
        WorkspaceBody(name="w" * 141)


async def test_edit_sends_false_flags_that_were_set_f4(
    endpoint: AsyncWorkspaceEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    """F4: upstream skipped falsy values, so a flag could never be switched off."""
    body = WorkspaceBody(projects_private_by_default=False, rounding=0)
    edited = await endpoint.edit(toggl_workspace_id, body)
    assert toggl_emulator.requests[-1].json == {"projects_private_by_default": False, "rounding": 0}
    assert edited.extra.get("projects_private_by_default") is False


async def test_edit_keeps_spaces_in_the_name_f4(endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int) -> None:
    edited = await endpoint.edit(toggl_workspace_id, WorkspaceBody(name="My Space"))
    assert edited.name == "My Space"


async def test_statistics_returns_admins_and_counts(endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int) -> None:
    stats = await endpoint.statistics(toggl_workspace_id)
    assert stats["members_count"] >= 1
    assert stats["admins"][0]["user_id"]


async def test_tracker_constraints_returns_the_flags(
    endpoint: AsyncWorkspaceEndpoint, toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    constraints = await endpoint.tracker_constraints(toggl_workspace_id)
    assert isinstance(constraints, dict)
    assert toggl_emulator.requests[-1].path.endswith("/time_entry_constraints")
