"""Groups of an organization, their workspace view, and project groups."""

from __future__ import annotations

import httpx

from toggl_api.testing import DemoAccount


def test_seeded_group_is_listed_for_the_organization(client: httpx.Client, toggl_account: DemoAccount) -> None:
    (group,) = client.get(f"/organizations/{toggl_account.organization_id}/groups").json()
    assert group["name"] == "Developers"
    assert {u["user_id"] for u in group["users"]} == {toggl_account.user_id, toggl_account.teammate_user_id}
    assert group["workspaces"] == [toggl_account.workspace_id]


def test_org_group_created_is_visible_in_the_workspace(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid, wid = toggl_account.organization_id, toggl_account.workspace_id
    created = client.post(f"/organizations/{oid}/groups", json={"name": "Designers", "workspaces": [wid]}).json()
    names = [g["name"] for g in client.get(f"/workspaces/{wid}/groups").json()]
    assert "Designers" in names
    assert created["users"] == []


def test_org_group_with_a_foreign_user_is_refused(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    response = client.post(f"/organizations/{oid}/groups", json={"name": "X", "users": [toggl_account.other_user_id]})
    assert response.status_code == 400
    assert response.json() == f"User {toggl_account.other_user_id} not exists in the organization {oid}"


def test_org_group_names_are_unique(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.post(f"/organizations/{toggl_account.organization_id}/groups", json={"name": "developers"})
    assert (response.status_code, response.json()) == (400, "Name has already been taken")


def test_put_org_group_replaces_members(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    (group,) = client.get(f"/organizations/{oid}/groups").json()
    body = {"name": "Devs", "users": [toggl_account.user_id], "workspaces": []}
    updated = client.put(f"/organizations/{oid}/groups/{group['group_id']}", json=body).json()
    assert (updated["name"], [u["user_id"] for u in updated["users"]], updated["workspaces"]) == (
        "Devs",
        [toggl_account.user_id],
        [],
    )


def test_patch_org_group_applies_each_patch_alone(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    (group,) = client.get(f"/organizations/{oid}/groups").json()
    patches = [
        {"op": "remove", "path": "/users", "value": [toggl_account.teammate_user_id]},
        {"op": "add", "path": "/users", "value": [toggl_account.other_user_id]},
    ]
    result = client.patch(f"/organizations/{oid}/groups/{group['group_id']}", json=patches).json()
    assert result["success"] == [patches[0]]
    assert [f["patch"] for f in result["failure"]] == [patches[1]]
    (after,) = client.get(f"/organizations/{oid}/groups").json()
    assert [u["user_id"] for u in after["users"]] == [toggl_account.user_id]


def test_patch_org_group_rejects_scalar_paths(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    (group,) = client.get(f"/organizations/{oid}/groups").json()
    response = client.patch(
        f"/organizations/{oid}/groups/{group['group_id']}", json=[{"op": "replace", "path": "/name", "value": [1]}]
    )
    assert response.status_code == 400
    assert response.json() == "Unsupported operation (invalid 'op' or 'path', or unsupported combination)"


def test_deleted_org_group_is_gone(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    (group,) = client.get(f"/organizations/{oid}/groups").json()
    assert client.delete(f"/organizations/{oid}/groups/{group['group_id']}").json() == "OK"
    assert client.get(f"/organizations/{oid}/groups").json() == []
    assert client.delete(f"/organizations/{oid}/groups/{group['group_id']}").status_code == 404


def test_org_workspace_groups_lists_the_groups_assigned(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid, wid = toggl_account.organization_id, toggl_account.workspace_id
    assert [g["name"] for g in client.get(f"/organizations/{oid}/workspaces/{wid}/groups").json()] == ["Developers"]


def test_workspace_group_create_rename_delete(client: httpx.Client, wid: int) -> None:
    created = client.post(f"/workspaces/{wid}/groups", json={"name": "QA"}).json()
    assert (created["workspace_id"], created["has_users"]) == (wid, False)
    renamed = client.put(f"/workspaces/{wid}/groups/{created['id']}", json={"name": "Quality"}).json()
    assert renamed["name"] == "Quality"
    assert client.delete(f"/workspaces/{wid}/groups/{created['id']}").status_code == 200
    assert "Quality" not in [g["name"] for g in client.get(f"/workspaces/{wid}/groups").json()]


def test_workspace_group_without_name_is_refused(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/groups", json={"name": " "})
    assert (response.status_code, response.json()) == (400, "Group name must be present")


def test_project_groups_add_list_remove(client: httpx.Client, wid: int) -> None:
    project = client.get(f"/workspaces/{wid}/projects").json()[0]
    (group,) = client.get(f"/workspaces/{wid}/groups").json()
    created = client.post(
        f"/workspaces/{wid}/project_groups", json={"project_id": project["id"], "group_id": group["id"]}
    ).json()
    listed = client.get(f"/workspaces/{wid}/project_groups", params={"project_ids": project["id"]}).json()
    assert listed == [created]
    assert (created["pid"], created["group_id"], created["wid"]) == (project["id"], group["id"], wid)
    assert client.delete(f"/workspaces/{wid}/project_groups/{created['id']}").status_code == 200
    assert client.get(f"/workspaces/{wid}/project_groups", params={"project_ids": project["id"]}).json() == []
