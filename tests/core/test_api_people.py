"""Pure request builders and models of workspace users, organization users, project users, groups and
preferences; bulk operations of clients, tags and projects."""

from __future__ import annotations

import pytest

from toggl_api import NamingError, ProjectBody
from toggl_api._core.api import client as client_api
from toggl_api._core.api import group as group_api
from toggl_api._core.api import project as project_api
from toggl_api._core.api import project_user as project_user_api
from toggl_api._core.api import tag as tag_api
from toggl_api._core.api import user as user_api
from toggl_api._core.api import users as users_api
from toggl_api._core.api.project_user import ProjectUserBody
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.api.user import PreferencesBody
from toggl_api._core.api.users import WorkspaceUserBody
from toggl_api._core.models import (
    TogglGroup,
    TogglOrganizationUser,
    TogglPreferences,
    TogglProjectUser,
    TogglWorkspaceUser,
    from_record,
    to_record,
)

WORKSPACE_USER = {
    "id": 501,
    "uid": 9,
    "wid": 7,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "admin": False,
    "role": "user",
    "active": True,
    "inactive": False,
    "timezone": "Europe/London",
    "group_ids": [3],
    "at": "2026-11-20T10:00:00+00:00",
}
ORG_USER = {
    "id": 601,
    "user_id": 9,
    "organization_id": 4,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "admin": True,
    "owner": False,
    "inactive": False,
    "joined": True,
    "workspaces": [{"workspace_id": 7, "workspace_name": "Main", "admin": True}],
}


def test_workspace_user_keeps_membership_id_apart_from_user_id() -> None:
    member = TogglWorkspaceUser.from_kwargs(**WORKSPACE_USER)
    assert (member.id, member.user, member.workspace, member.name) == (501, 9, 7, "Ada Lovelace")
    assert member.extra["group_ids"] == [3]
    assert from_record(to_record(member)) == member


def test_simple_workspace_user_names_come_from_fullname() -> None:
    assert TogglWorkspaceUser.from_kwargs(id=9, fullname="Ada", email="a@x").name == "Ada"


def test_organization_user_lists_its_workspace_ids() -> None:
    member = TogglOrganizationUser.from_kwargs(**ORG_USER)
    assert (member.id, member.user, member.organization, member.workspaces) == (601, 9, 4, [7])
    assert from_record(to_record(member)) == member


def test_project_user_and_group_round_trip() -> None:
    membership = TogglProjectUser.from_kwargs(
        id=11, workspace_id=7, project_id=42, user_id=9, manager=True, rate=25, group_id=None
    )
    assert (membership.project, membership.user, membership.manager, membership.rate) == (42, 9, True, 25.0)
    group = TogglGroup.from_kwargs(id=3, workspace_id=7, name="Team", has_users=True, permissions=None)
    for model in (membership, group):
        assert from_record(to_record(model)) == model


def test_workspace_users_are_read_with_toggls_include_indirect_flag() -> None:
    request = users_api.collect_workspace(7)
    assert (request.path, dict(request.params)) == ("workspaces/7/workspace_users", {"includeIndirect": "false"})


def test_workspace_user_edit_sends_only_what_was_set() -> None:
    request = users_api.edit_workspace_user(7, 501, WorkspaceUserBody(role="admin"))
    assert (request.method, request.path, request.json) == (
        RequestMethod.PUT,
        "workspaces/7/workspace_users/501",
        {"role": "admin"},
    )


def test_workspace_user_role_must_be_one_of_toggls() -> None:
    with pytest.raises(ValueError, match="role must be one of"):
        users_api.edit_workspace_user(7, 501, WorkspaceUserBody(role="owner"))  # type: ignore[arg-type]


def test_removing_workspace_users_patches_a_delete_list() -> None:
    request = users_api.delete_workspace_users(4, 7, [502, 501, 502])
    assert (request.method, request.path, request.json) == (
        RequestMethod.PATCH,
        "organizations/4/workspaces/7/workspace_users",
        {"delete": [501, 502]},
    )


def test_organization_users_filters_become_toggls_parameters() -> None:
    request = users_api.collect_organization(
        4, page=2, search="ada", active_status=["active", "invited"], only_admins=True, workspaces=[7]
    )
    assert request.path == "organizations/4/users"
    assert dict(request.params) == {
        "filter": "ada",
        "active_status": "active,invited",
        "only_admins": "true",
        "workspaces": "7",
        "page": "2",
        "per_page": "50",
    }


def test_organization_users_refuse_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="active_status"):
        users_api.collect_organization(4, active_status=["gone"])  # type: ignore[list-item]


def test_project_user_add_needs_project_and_user() -> None:
    with pytest.raises(ValueError, match="needs ProjectUserBody"):
        project_user_api.add(7, ProjectUserBody(project_id=42))
    request = project_user_api.add(7, ProjectUserBody(project_id=42, user_id=9, manager=True))
    assert (request.path, request.json) == (
        "workspaces/7/project_users",
        {"project_id": 42, "user_id": 9, "manager": True},
    )


def test_project_user_edit_cannot_move_the_membership() -> None:
    with pytest.raises(ValueError, match="cannot change"):
        project_user_api.edit(7, 11, ProjectUserBody(user_id=10))
    assert project_user_api.edit(7, 11, ProjectUserBody(manager=False)).json == {"manager": False}


def test_project_users_collect_caps_project_ids() -> None:
    assert dict(project_user_api.collect(7, project_ids=[1, 2], user_id=9).params) == {
        "project_ids": "1,2",
        "user_id": "9",
    }
    with pytest.raises(ValueError, match="at most 200"):
        project_user_api.collect(7, project_ids=list(range(201)))


def test_group_names_follow_toggls_limits() -> None:
    assert group_api.add(7, "x" * 200).json == {"name": "x" * 200}
    with pytest.raises(NamingError, match="maximum is 200"):
        group_api.edit(7, 3, "x" * 201)
    with pytest.raises(NamingError):
        group_api.add(7, "  ")


def test_preferences_decode_formats_and_keep_the_rest() -> None:
    prefs = TogglPreferences.from_payload(
        {"date_format": "DD.MM.YYYY", "timeofday_format": "h:mm A", "duration_format": "decimal",
         "beginningOfWeek": 1, "pg_time_zone_name": "Europe/Berlin", "pomodoro_enabled": False}
    )  # fmt: skip
    assert (prefs.date_format, prefs.timeofday_format, prefs.duration_format) == ("DD.MM.YYYY", "h:mm A", "decimal")
    assert (prefs.beginning_of_week, prefs.timezone, prefs.uses_24_hour_clock) == (1, "Europe/Berlin", False)
    assert prefs.extra == {"pomodoro_enabled": False}


def test_preferences_take_timezone_and_week_start_from_me_when_omitted() -> None:
    prefs = user_api.decode_preferences(
        {"date_format": "YYYY-MM-DD"}, {"timezone": "America/New_York", "beginning_of_week": 0}
    )
    assert (prefs.timezone, prefs.beginning_of_week) == ("America/New_York", 0)


def test_preferences_body_splits_formats_from_user_fields() -> None:
    body = PreferencesBody(date_format="YYYY-MM-DD", timezone="Europe/Berlin", beginning_of_week=1)
    posted = user_api.edit_preferences(body)
    put = user_api.edit_details(body)
    assert posted is not None
    assert put is not None
    assert (posted.method, posted.path, posted.json) == (
        RequestMethod.POST,
        "me/preferences",
        {"date_format": "YYYY-MM-DD"},
    )
    assert (put.method, put.path, put.json) == (
        RequestMethod.PUT,
        "me",
        {"beginning_of_week": 1, "timezone": "Europe/Berlin"},
    )
    assert user_api.edit_details(PreferencesBody(duration_format="classic")) is None


def test_preferences_body_refuses_a_week_day_out_of_range() -> None:
    with pytest.raises(ValueError, match="0 \\(Sunday\\) to 6"):
        user_api.edit_details(PreferencesBody(beginning_of_week=7))


def test_clients_are_archived_and_deleted_in_bulk_with_an_id_list() -> None:
    archive = client_api.bulk_archive(7, [3, 1, 3])
    delete = client_api.bulk_delete(7, [2])
    assert (archive.method, archive.path, archive.json) == (RequestMethod.POST, "workspaces/7/clients/archive", [1, 3])
    assert (delete.method, delete.path, delete.json) == (RequestMethod.POST, "workspaces/7/clients/delete", [2])
    with pytest.raises(ValueError, match="at least one client"):
        client_api.bulk_delete(7, [])


def test_bulk_archive_answer_merges_client_and_project_ids() -> None:
    answer = [{"client_ids": [1], "project_ids": [10, 11]}, {"client_ids": [3], "project_ids": None}]
    assert client_api.decode_bulk_archive(answer) == ([1, 3], [10, 11])


def test_tags_are_deleted_in_bulk_with_one_patch() -> None:
    request = tag_api.bulk_delete(7, [5, 4])
    assert (request.method, request.path, request.json) == (
        RequestMethod.PATCH,
        "workspaces/7/tags",
        {"delete": [4, 5]},
    )


def test_project_bulk_edit_sends_replace_operations_for_the_fields_set() -> None:
    ops = project_api.bulk_operations(ProjectBody(color="red", is_private=False))
    request = project_api.bulk_edit(7, [1, 2], ops)
    assert (request.method, request.path) == (RequestMethod.PATCH, "workspaces/7/projects/1,2")
    assert request.json == [
        {"op": "replace", "path": "/is_private", "value": False},
        {"op": "replace", "path": "/color", "value": "#d92b2b"},
    ]


def test_project_bulk_edit_refuses_fields_toggl_cannot_bulk_edit() -> None:
    with pytest.raises(ValueError, match="cannot bulk-edit active"):
        project_api.bulk_operations(ProjectBody(active=False))
