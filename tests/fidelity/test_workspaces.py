"""Fidelity: a workspace, its groups, preferences, project groups and members (one test per route)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import assert_shape, error, ok, unique


def _mate(api: httpx.Client, wid: int) -> dict[str, Any]:
    me = ok(api.get("/me"))["id"]
    return next(u for u in ok(api.get(f"/workspaces/{wid}/workspace_users")) if u["uid"] != me)


def test_get_workspace(api: httpx.Client, wid: int) -> None:
    ws = ok(api.get(f"/workspaces/{wid}"))
    assert_shape(ws, "GET", "/workspaces/{workspace_id}")
    assert ws["id"] == wid
    error(api.get("/workspaces/1"), 403, "User does not have access to this resource")


def test_put_workspace(api: httpx.Client, wid: int) -> None:
    name = unique("Workspace")
    answer = ok(api.put(f"/workspaces/{wid}", json={"name": name, "only_admins_may_create_tags": True}))
    assert_shape(answer, "PUT", "/workspaces/{workspace_id}")
    fetched = ok(api.get(f"/workspaces/{wid}"))
    assert (fetched["name"], fetched["only_admins_may_create_tags"]) == (name, True)
    error(api.put(f"/workspaces/{wid}", json={"name": " "}), 400, "workspace name must contain non-space characters")


def test_get_workspace_groups(api: httpx.Client, wid: int) -> None:
    groups = ok(api.get(f"/workspaces/{wid}/groups"))
    assert_shape(groups, "GET", "/workspaces/{workspace_id}/groups")
    assert all(g["workspace_id"] == wid for g in groups)


def test_post_workspace_groups(api: httpx.Client, wid: int) -> None:
    name = unique("Team")
    created = ok(api.post(f"/workspaces/{wid}/groups", json={"name": name}))
    assert_shape(created, "POST", "/workspaces/{workspace_id}/groups")
    assert name in [g["name"] for g in ok(api.get(f"/workspaces/{wid}/groups"))]
    error(api.post(f"/workspaces/{wid}/groups", json={"name": name}), 400, "Name has already been taken")


def test_delete_workspace_group(api: httpx.Client, wid: int) -> None:
    created = ok(api.post(f"/workspaces/{wid}/groups", json={"name": unique("Gone")}))
    ok(api.delete(f"/workspaces/{wid}/groups/{created['id']}"))
    assert created["id"] not in [g["id"] for g in ok(api.get(f"/workspaces/{wid}/groups"))]
    error(api.delete(f"/workspaces/{wid}/groups/{created['id']}"), 404, "Group was not found")


def test_put_workspace_group(api: httpx.Client, wid: int) -> None:
    created = ok(api.post(f"/workspaces/{wid}/groups", json={"name": unique("Old")}))
    name = unique("New")
    updated = ok(api.put(f"/workspaces/{wid}/groups/{created['id']}", json={"name": name}))
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/groups/{group_id}")
    assert updated["name"] == name
    error(api.put(f"/workspaces/{wid}/groups/{created['id']}", json={"name": ""}), 400, "Group name must be present")


def test_get_workspace_preferences(api: httpx.Client, wid: int) -> None:
    prefs = ok(api.get(f"/workspaces/{wid}/preferences"))
    assert {"hide_start_end_times", "disable_approvals", "report_locked_at"} <= set(prefs)


def test_post_workspace_preferences(api: httpx.Client, wid: int) -> None:
    assert ok(api.post(f"/workspaces/{wid}/preferences", json={"disable_expenses": True}))["disable_expenses"] is True
    assert ok(api.get(f"/workspaces/{wid}/preferences"))["disable_expenses"] is True
    error(api.post(f"/workspaces/{wid}/preferences", json={"single_sign_on": True}), 400, "The field is not writable")


def _project_and_group(api: httpx.Client, wid: int) -> tuple[int, int]:
    project = ok(api.get(f"/workspaces/{wid}/projects"))[0]["id"]
    group = ok(api.post(f"/workspaces/{wid}/groups", json={"name": unique("PG")}))["id"]
    return project, group


def test_get_workspace_project_groups(api: httpx.Client, wid: int) -> None:
    project, group = _project_and_group(api, wid)
    ok(api.post(f"/workspaces/{wid}/project_groups", json={"project_id": project, "group_id": group}))
    listed = ok(api.get(f"/workspaces/{wid}/project_groups", params={"project_ids": project}))
    assert_shape(listed, "GET", "/workspaces/{workspace_id}/project_groups")
    assert group in [pg["group_id"] for pg in listed]


def test_post_workspace_project_groups(api: httpx.Client, wid: int) -> None:
    project, group = _project_and_group(api, wid)
    created = ok(api.post(f"/workspaces/{wid}/project_groups", json={"project_id": project, "group_id": group}))
    assert (created["pid"], created["group_id"], created["wid"]) == (project, group, wid)
    error(
        api.post(f"/workspaces/{wid}/project_groups", json={"project_id": 1, "group_id": group}),
        400,
        "Invalid project_id",
    )


def test_delete_workspace_project_group(api: httpx.Client, wid: int) -> None:
    project, group = _project_and_group(api, wid)
    created = ok(api.post(f"/workspaces/{wid}/project_groups", json={"project_id": project, "group_id": group}))
    ok(api.delete(f"/workspaces/{wid}/project_groups/{created['id']}"))
    listed = ok(api.get(f"/workspaces/{wid}/project_groups", params={"project_ids": project}))
    assert created["id"] not in [pg["id"] for pg in listed]


def test_get_workspace_users(api: httpx.Client, wid: int) -> None:
    users = ok(api.get(f"/workspaces/{wid}/users"))
    assert_shape(users, "GET", "/workspaces/{workspace_id}/users")
    assert len(users) >= 2


def test_put_workspace_user_by_user_id(api: httpx.Client, wid: int) -> None:
    mate = _mate(api, wid)
    assert ok(api.put(f"/workspaces/{wid}/users/{mate['uid']}", json={"role": "teamlead"})) == "OK"
    assert _mate(api, wid)["role"] == "teamlead"
    error(api.put(f"/workspaces/{wid}/users/1", json={"role": "user"}), 404)


def test_get_workspace_workspace_users(api: httpx.Client, wid: int) -> None:
    users = ok(api.get(f"/workspaces/{wid}/workspace_users"))
    assert_shape(users, "GET", "/workspaces/{workspace_id}/workspace_users")
    assert all(u["wid"] == wid and u["id"] != u["uid"] for u in users)


def test_put_workspace_workspace_user(api: httpx.Client, wid: int) -> None:
    mate = _mate(api, wid)
    assert (
        ok(api.put(f"/workspaces/{wid}/workspace_users/{mate['id']}", json={"working_hours_in_minutes": 420})) == "OK"
    )
    assert _mate(api, wid)["working_hours_in_minutes"] == 420
    error(
        api.put(f"/workspaces/{wid}/workspace_users/1", json={"admin": True}),
        400,
        "Workspace user not found/accessible by user",
    )


def test_delete_workspace_workspace_user(api: httpx.Client, wid: int) -> None:
    mate = _mate(api, wid)
    ok(api.delete(f"/workspaces/{wid}/workspace_users/{mate['id']}"))
    assert mate["id"] not in [u["id"] for u in ok(api.get(f"/workspaces/{wid}/workspace_users"))]
    error(
        api.delete(f"/workspaces/{wid}/workspace_users/{mate['id']}"), 403, "Workspace user is not found or accessible"
    )
