"""Workspace users, organization users and project users."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from toggl_api.testing import BASE_URL, TEAMMATE_API_TOKEN, DemoAccount, Emulator


def _mate(client: httpx.Client, wid: int) -> dict[str, Any]:
    users = client.get(f"/workspaces/{wid}/workspace_users").json()
    return next(u for u in users if u["email"] == "teammate@example.com")


@pytest.fixture
def mate_client(toggl_emulator: Emulator) -> httpx.Client:
    """The colleague's client (a plain member)."""
    return httpx.Client(
        transport=toggl_emulator.transport(), base_url=BASE_URL + "/api/v9", auth=(TEAMMATE_API_TOKEN, "api_token")
    )


def test_workspace_users_have_their_own_ids_and_the_user_ids(
    client: httpx.Client, wid: int, toggl_account: DemoAccount
) -> None:
    users = {u["uid"]: u for u in client.get(f"/workspaces/{wid}/workspace_users").json()}
    assert set(users) == {toggl_account.user_id, toggl_account.teammate_user_id}
    me = users[toggl_account.user_id]
    assert me["id"] != me["uid"]
    assert (me["wid"], me["admin"], me["role"], me["name"]) == (wid, True, "admin", "Demo User")


def test_put_workspace_user_makes_the_colleague_admin(client: httpx.Client, wid: int) -> None:
    mate = _mate(client, wid)
    assert client.put(f"/workspaces/{wid}/workspace_users/{mate['id']}", json={"admin": True}).json() == "OK"
    assert _mate(client, wid)["role"] == "admin"


def test_put_workspace_user_refuses_non_positive_working_hours(client: httpx.Client, wid: int) -> None:
    mate = _mate(client, wid)
    response = client.put(f"/workspaces/{wid}/workspace_users/{mate['id']}", json={"working_hours_in_minutes": 0})
    assert (response.status_code, response.json()) == (400, "Working hours must be positive or null")


def test_member_cannot_change_workspace_users(mate_client: httpx.Client, client: httpx.Client, wid: int) -> None:
    mate = _mate(client, wid)
    assert mate_client.put(f"/workspaces/{wid}/workspace_users/{mate['id']}", json={"admin": True}).status_code == 403


def test_deleted_workspace_user_loses_access(
    client: httpx.Client, mate_client: httpx.Client, wid: int, toggl_account: DemoAccount
) -> None:
    mate = _mate(client, wid)
    assert client.delete(f"/workspaces/{wid}/workspace_users/{mate['id']}").status_code == 200
    assert toggl_account.teammate_user_id not in [u["id"] for u in client.get(f"/workspaces/{wid}/users").json()]
    assert mate_client.get(f"/workspaces/{wid}").status_code == 403


def test_put_workspace_users_by_user_id_changes_the_role(
    client: httpx.Client, wid: int, toggl_account: DemoAccount
) -> None:
    uid = toggl_account.teammate_user_id
    assert client.put(f"/workspaces/{wid}/users/{uid}", json={"role": "projectlead"}).json() == "OK"
    assert _mate(client, wid)["role"] == "projectlead"


def test_org_users_list_with_paging_headers(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.get(f"/organizations/{toggl_account.organization_id}/users", params={"per_page": 1})
    assert response.headers["X-Records"] == "2"
    assert response.headers["X-Pages"] == "2"
    (first,) = response.json()
    assert first["name"] == "Demo User"
    assert first["owner"] is True
    assert {w["workspace_id"] for w in first["workspaces"]} == set(toggl_account.workspace_ids)


def test_org_users_reject_a_bad_active_status(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.get(f"/organizations/{toggl_account.organization_id}/users", params={"active_status": "gone"})
    assert response.status_code == 400
    assert response.json() == "active_status parameter can contain only 'active', 'inactive' or 'invited'."


def test_org_users_are_for_admins_only(mate_client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = mate_client.get(f"/organizations/{toggl_account.organization_id}/users")
    assert (response.status_code, response.json()) == (403, "User is not authorized to list the organization users")


def test_put_org_user_renames_the_user(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    mate = next(u for u in client.get(f"/organizations/{oid}/users").json() if u["name"] == "Team Mate")
    assert client.put(f"/organizations/{oid}/users/{mate['id']}", json={"name": "Renamed"}).json() == "OK"
    assert "Renamed" in [u["name"] for u in client.get(f"/organizations/{oid}/users").json()]


def test_org_owner_cannot_be_deactivated(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    owner = next(u for u in client.get(f"/organizations/{oid}/users").json() if u["owner"])
    response = client.put(f"/organizations/{oid}/users/{owner['id']}", json={"inactive": True})
    assert (response.status_code, response.json()) == (400, "Cannot deactivate owner.")


def test_patch_org_users_deletes_the_colleague_everywhere(
    client: httpx.Client, toggl_account: DemoAccount, wid: int
) -> None:
    oid = toggl_account.organization_id
    mate = next(u for u in client.get(f"/organizations/{oid}/users").json() if u["name"] == "Team Mate")
    assert client.patch(f"/organizations/{oid}/users", json={"delete": [mate["id"]]}).json() == "OK"
    assert [u["name"] for u in client.get(f"/organizations/{oid}/users").json()] == ["Demo User"]
    assert len(client.get(f"/workspaces/{wid}/users").json()) == 1


def test_patch_org_users_refuses_unknown_ids(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    response = client.patch(f"/organizations/{oid}/users", json={"delete": [1]})
    assert response.status_code == 400
    assert response.json() == "The following organization user IDs do not belong to this organization: '1'."


def test_org_workspace_users_carry_user_id_and_workspace_id(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid, wid = toggl_account.organization_id, toggl_account.workspace_id
    users = client.get(f"/organizations/{oid}/workspaces/{wid}/workspace_users").json()
    assert {(u["user_id"], u["workspace_id"]) for u in users} == {
        (toggl_account.user_id, wid),
        (toggl_account.teammate_user_id, wid),
    }


def test_patch_org_workspace_users_removes_members(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid, wid = toggl_account.organization_id, toggl_account.workspace_id
    mate = _mate(client, wid)
    url = f"/organizations/{oid}/workspaces/{wid}/workspace_users"
    assert client.patch(url, json={"delete": [mate["id"]]}).json() == "OK"
    assert [u["uid"] for u in client.get(f"/workspaces/{wid}/workspace_users").json()] == [toggl_account.user_id]


def test_patch_org_workspace_users_needs_ids(client: httpx.Client, toggl_account: DemoAccount) -> None:
    url = f"/organizations/{toggl_account.organization_id}/workspaces/{toggl_account.workspace_id}/workspace_users"
    response = client.patch(url, json={"delete": []})
    assert (response.status_code, response.json()) == (400, "At least one workspace user ID must be supplied.")


def test_project_users_lifecycle(client: httpx.Client, wid: int, toggl_account: DemoAccount) -> None:
    project = client.get(f"/workspaces/{wid}/projects", params={"name": "Mobile App"}).json()[0]
    created = client.post(
        f"/workspaces/{wid}/project_users",
        json={"project_id": project["id"], "user_id": toggl_account.teammate_user_id, "manager": True},
    ).json()
    listed = client.get(f"/workspaces/{wid}/project_users", params={"project_ids": project["id"]}).json()
    assert listed == [created]
    updated = client.put(f"/workspaces/{wid}/project_users/{created['id']}", json={"rate": 50.5}).json()
    assert (updated["rate"], updated["manager"]) == (50.5, True)
    assert client.delete(f"/workspaces/{wid}/project_users/{created['id']}").json() == created["id"]
    assert client.get(f"/workspaces/{wid}/project_users", params={"project_ids": project["id"]}).json() == []


def test_project_user_twice_is_refused(client: httpx.Client, wid: int, toggl_account: DemoAccount) -> None:
    (seeded,) = client.get(f"/workspaces/{wid}/project_users").json()
    body = {"project_id": seeded["project_id"], "user_id": seeded["user_id"]}
    response = client.post(f"/workspaces/{wid}/project_users", json=body)
    assert (response.status_code, response.json()) == (400, "Project user already exists")


def test_project_user_for_a_non_member_is_refused(client: httpx.Client, wid: int, toggl_account: DemoAccount) -> None:
    project = client.get(f"/workspaces/{wid}/projects").json()[0]
    body = {"project_id": project["id"], "user_id": toggl_account.other_user_id}
    response = client.post(f"/workspaces/{wid}/project_users", json=body)
    assert (response.status_code, response.json()) == (400, "Invalid user_id")


def test_patch_project_users_sets_manager(client: httpx.Client, wid: int) -> None:
    (seeded,) = client.get(f"/workspaces/{wid}/project_users").json()
    ops = [{"op": "replace", "path": "/manager", "value": True}]
    result = client.patch(f"/workspaces/{wid}/project_users/{seeded['id']}", json=ops).json()
    assert result == {"success": [seeded["id"]], "failure": []}
    assert client.get(f"/workspaces/{wid}/project_users").json()[0]["manager"] is True


def test_patch_project_users_refuses_add(client: httpx.Client, wid: int) -> None:
    (seeded,) = client.get(f"/workspaces/{wid}/project_users").json()
    ops = [{"op": "add", "path": "/rate", "value": 1}]
    response = client.patch(f"/workspaces/{wid}/project_users/{seeded['id']}", json=ops)
    assert (response.status_code, response.json()) == (400, "Operation not supported (add /rate)")
