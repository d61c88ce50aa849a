"""Workspace users, organization users, project users, groups and preferences against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import NamingError, PreferencesBody, ProjectUserBody, WorkspaceUserBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import (
    AsyncGroupEndpoint,
    AsyncOrganizationUserEndpoint,
    AsyncProjectUserEndpoint,
    AsyncUserEndpoint,
    AsyncWorkspaceUserEndpoint,
)
from toggl_api.testing import DemoAccount, Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[Any]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def kwargs(http_client: httpx.AsyncClient, fake_clock: FakeClock) -> dict[str, Any]:
    return {"client": http_client, "clock": fake_clock}


@pytest.fixture
def colleague(toggl_emulator: Emulator, toggl_workspace_id: int) -> int:
    """A second member of the demo workspace; their user id."""
    state = toggl_emulator.state
    user = state.add_user("ada@example.com", "pw-ada-123", "a" * 32, "Ada Lovelace")
    state.add_member(state.workspaces[toggl_workspace_id], user)
    return user.id


@pytest.fixture
def project_id(toggl_emulator: Emulator, toggl_workspace_id: int) -> int:
    return min(
        p.id
        for p in toggl_emulator.state.projects.values()
        if p.workspace_id == toggl_workspace_id and p.active and p.server_deleted_at is None
    )


# -- workspace users ----------------------------------------------------------------------------------


async def test_workspace_users_name_the_people_behind_user_ids(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
    colleague: int,
) -> None:
    members = AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs)
    everyone = await members.collect()
    sent = toggl_emulator.requests[-1]
    assert (sent.path, sent.params) == (
        f"/api/v9/workspaces/{toggl_workspace_id}/workspace_users",
        {"includeIndirect": "false"},
    )
    assert colleague in {m.user for m in everyone}
    ada = await members.by_user(colleague)
    assert ada is not None
    assert (ada.name, ada.email, ada.workspace) == ("Ada Lovelace", "ada@example.com", toggl_workspace_id)
    assert toggl_emulator.request_count("GET", "/workspace_users") == 1  # by_user answered from the cache


async def test_workspace_user_edit_changes_the_role_and_answers_the_member(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    toggl_emulator: Emulator,
    colleague: int,
) -> None:
    members = AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, **kwargs)
    ada = await members.by_user(colleague)
    assert ada is not None
    assert ada.role != "projectlead"
    edited = await members.edit(ada, WorkspaceUserBody(role="projectlead"))
    put = next(r for r in toggl_emulator.requests if r.method == "PUT")
    assert (put.path, put.json) == (
        f"/api/v9/workspaces/{toggl_workspace_id}/workspace_users/{ada.id}",
        {"role": "projectlead"},
    )
    assert (edited.id, edited.role) == (ada.id, "projectlead")


async def test_workspace_user_delete_removes_the_member(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
    colleague: int,
) -> None:
    members = AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs)
    ada = await members.by_user(colleague)
    assert ada is not None
    await members.delete(ada)
    assert toggl_emulator.requests[-1].method == "DELETE"
    assert await members.by_user(colleague) is None
    assert colleague not in {m.user for m in await members.collect(refresh=True)}


# -- organization users --------------------------------------------------------------------------------


async def test_organization_users_list_members_with_their_workspaces(
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
) -> None:
    members = AsyncOrganizationUserEndpoint(toggl_account.organization_id, toggl_auth, cache, **kwargs)
    listed = await members.collect()
    me = next(m for m in listed if m.user == toggl_account.user_id)
    assert set(me.workspaces) == set(toggl_account.workspace_ids)
    assert me.organization == toggl_account.organization_id
    assert toggl_emulator.requests[-1].params == {"page": "1", "per_page": "50"}
    assert await members.collect() == listed
    assert toggl_emulator.request_count("GET", "/users") == 1


async def test_organization_users_send_filters_as_toggls_parameters(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, kwargs: dict[str, Any], toggl_emulator: Emulator
) -> None:
    members = AsyncOrganizationUserEndpoint(toggl_account.organization_id, toggl_auth, **kwargs)
    found = await members.collect(search="demo", active_status=["active"], workspaces=[toggl_account.workspace_id])
    assert [m.user for m in found] == [toggl_account.user_id]
    params = toggl_emulator.requests[-1].params
    assert (params["filter"], params["active_status"], params["workspaces"]) == (
        "demo",
        "active",
        str(toggl_account.workspace_id),
    )


async def test_removing_an_organization_member_removes_their_cached_workspace_memberships(
    toggl_account: DemoAccount,
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
    colleague: int,
) -> None:
    members = AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs)
    org_members = AsyncOrganizationUserEndpoint(toggl_account.organization_id, toggl_auth, cache, **kwargs)
    await members.collect()
    ada = next(m for m in await org_members.collect() if m.user == colleague)
    await org_members.delete(ada)
    patch = toggl_emulator.requests[-1]
    assert (patch.method, patch.path, patch.json) == (
        "PATCH",
        f"/api/v9/organizations/{toggl_account.organization_id}/users",
        {"delete": [ada.id]},
    )
    before = toggl_emulator.request_count()
    assert await members.by_user(colleague) is None
    cached = {m.id for m in await members.collect()}
    assert toggl_emulator.request_count() == before
    assert cached == {
        m.id for m in await AsyncWorkspaceUserEndpoint(toggl_workspace_id, toggl_auth, **kwargs).collect()
    }


# -- project users -------------------------------------------------------------------------------------


async def test_project_users_add_edit_list_and_delete(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
    colleague: int,
    project_id: int,
) -> None:
    memberships = AsyncProjectUserEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs)
    added = await memberships.add(ProjectUserBody(project_id=project_id, user_id=colleague))
    assert toggl_emulator.requests[-1].json == {"project_id": project_id, "user_id": colleague}
    assert (added.project, added.user, added.manager) == (project_id, colleague, False)
    edited = await memberships.edit(added, ProjectUserBody(manager=True))
    assert toggl_emulator.requests[-1].json == {"manager": True}
    assert edited.manager
    listed = await memberships.collect(project_ids=[project_id])
    assert toggl_emulator.requests[-1].params == {"project_ids": str(project_id)}
    expected = {m.id for m in toggl_emulator.state.project_users.values() if m.project_id == project_id}
    assert {m.id for m in listed} == expected
    assert added.id in expected
    await memberships.delete(added)
    assert added.id not in {m.id for m in await memberships.collect(refresh=True)}


# -- groups -------------------------------------------------------------------------------------------


async def test_groups_add_rename_list_and_delete(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    kwargs: dict[str, Any],
    cache: AsyncJSONCache[Any],
    toggl_emulator: Emulator,
) -> None:
    groups = AsyncGroupEndpoint(toggl_workspace_id, toggl_auth, cache, **kwargs)
    team = await groups.add("Team")
    assert toggl_emulator.requests[-1].json == {"name": "Team"}
    renamed = await groups.edit(team, "Core team")
    assert (renamed.id, renamed.name, renamed.workspace) == (team.id, "Core team", toggl_workspace_id)
    assert "Core team" in {g.name for g in await groups.collect()}
    await groups.delete(team)
    assert team.id not in {g.id for g in await groups.collect()}
    assert team.id not in {g.id for g in await groups.collect(refresh=True)}


async def test_group_with_a_blank_name_sends_nothing(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, kwargs: dict[str, Any], toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError):
        await AsyncGroupEndpoint(toggl_workspace_id, toggl_auth, **kwargs).add(" ")
    assert toggl_emulator.request_count() == 0


# -- preferences --------------------------------------------------------------------------------------


async def test_preferences_give_formats_timezone_and_first_week_day(
    toggl_auth: httpx.BasicAuth, kwargs: dict[str, Any], toggl_emulator: Emulator
) -> None:
    user = AsyncUserEndpoint(toggl_auth, **kwargs)
    prefs = await user.get_preferences()
    me = toggl_emulator.state.users[toggl_emulator.account.user_id]  # type: ignore[union-attr]
    assert toggl_emulator.requests[-1].path == "/api/v9/me/preferences"
    assert (prefs.timezone, prefs.beginning_of_week) == (me.timezone, me.beginning_of_week)
    assert prefs.date_format
    assert prefs.timeofday_format


async def test_edit_preferences_posts_formats_and_puts_user_fields(
    toggl_auth: httpx.BasicAuth, kwargs: dict[str, Any], toggl_emulator: Emulator
) -> None:
    user = AsyncUserEndpoint(toggl_auth, **kwargs)
    await user.edit_preferences(
        PreferencesBody(
            date_format="YYYY-MM-DD", timeofday_format="H:mm", timezone="America/New_York", beginning_of_week=0
        )
    )
    post, put = toggl_emulator.requests[-2:]
    assert (post.method, post.path, post.json) == (
        "POST",
        "/api/v9/me/preferences",
        {"date_format": "YYYY-MM-DD", "timeofday_format": "H:mm"},
    )
    assert (put.method, put.path, put.json) == (
        "PUT",
        "/api/v9/me",
        {"beginning_of_week": 0, "timezone": "America/New_York"},
    )
    prefs = await user.get_preferences()
    assert (prefs.date_format, prefs.uses_24_hour_clock, prefs.timezone) == ("YYYY-MM-DD", True, "America/New_York")
    assert prefs.beginning_of_week in (0, None)  # Toggl omits a zero beginningOfWeek
    details = await user.get_details()
    assert (await user.get_preferences(user=details)).beginning_of_week == 0


async def test_edit_preferences_with_nothing_set_sends_nothing(
    toggl_auth: httpx.BasicAuth, kwargs: dict[str, Any], toggl_emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="changes nothing"):
        await AsyncUserEndpoint(toggl_auth, **kwargs).edit_preferences(PreferencesBody())
    assert toggl_emulator.request_count() == 0
