"""Workspaces and organizations (reference §5.5, §5.6, §6.2, §6.3)."""

from __future__ import annotations

import httpx

from toggl_api.testing import DemoAccount, Emulator


def test_workspace_has_reference_shape(client: httpx.Client, wid: int, toggl_account: DemoAccount) -> None:
    ws = client.get(f"/workspaces/{wid}").json()
    assert ws["id"] == wid
    assert ws["organization_id"] == toggl_account.organization_id
    assert ws["admin"] is True
    assert ws["role"] == "admin"
    assert ws["premium"] is False
    assert ws["business_ws"] is False
    assert ws["at"].endswith("+00:00")
    assert ws["last_modified"].endswith("T00:00:00Z")


def test_put_workspace_renames_it(client: httpx.Client, wid: int) -> None:
    assert client.put(f"/workspaces/{wid}", json={"name": "New name"}).json()["name"] == "New name"
    assert client.get(f"/workspaces/{wid}").json()["name"] == "New name"


def test_workspace_statistics_lists_admins_and_members(client: httpx.Client, wid: int) -> None:
    stats = client.get(f"/workspaces/{wid}/statistics").json()
    assert stats["members_count"] == 2  # the demo user and the colleague
    assert stats["groups_count"] == 1  # "Developers"
    assert [a["name"] for a in stats["admins"]] == ["Demo User"]


def test_time_entry_constraints_are_all_off(client: httpx.Client, wid: int) -> None:
    constraints = client.get(f"/workspaces/{wid}/time_entry_constraints").json()
    assert constraints["time_entry_constraints_enabled"] is False


def test_premium_plan_marks_workspace_premium_and_business() -> None:
    emulator = Emulator("empty", plan="premium", limits=False)
    with emulator.client() as c:
        ws = c.get(f"/api/v9/workspaces/{emulator.account.workspace_id}").json()  # type: ignore[union-attr]
        org = c.get("/api/v9/me/organizations").json()[0]
    assert ws["premium"] is True
    assert ws["business_ws"] is True
    assert org["pricing_plan_name"] == "Premium"


def test_create_workspace_in_own_organization(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.post(f"/organizations/{toggl_account.organization_id}/workspaces", json={"name": "Third"})
    assert response.status_code == 200
    assert response.json()["name"] == "Third"
    assert len(client.get("/me/workspaces").json()) == 3


def test_create_workspace_with_duplicate_name_returns_400(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.post(f"/organizations/{toggl_account.organization_id}/workspaces", json={"name": "Side Projects"})
    assert response.status_code == 400
    assert response.json() == "another workspace with same name exists in organization"


def test_create_workspace_without_name_returns_400(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.post(f"/organizations/{toggl_account.organization_id}/workspaces", json={})
    assert response.json() == "workspace name must not be nil"


def test_get_organization_has_plan_and_role(client: httpx.Client, toggl_account: DemoAccount) -> None:
    org = client.get(f"/organizations/{toggl_account.organization_id}").json()
    assert org["pricing_plan_id"] == 0
    assert org["admin"] is True
    assert org["owner"] is True
    assert org["user_count"] == 2


def test_unknown_organization_returns_404(client: httpx.Client) -> None:
    response = client.get("/organizations/1")
    assert response.status_code == 404


def test_put_organization_renames_it(client: httpx.Client, toggl_account: DemoAccount) -> None:
    oid = toggl_account.organization_id
    assert client.put(f"/organizations/{oid}", json={"name": "Renamed Org"}).status_code == 200
    assert client.get(f"/organizations/{oid}").json()["name"] == "Renamed Org"


def test_put_organization_without_fields_returns_400(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.put(f"/organizations/{toggl_account.organization_id}", json={})
    assert response.json() == "At least one field is required"


def test_post_organizations_creates_org_and_workspace(client: httpx.Client) -> None:
    body = client.post("/organizations", json={"name": "New Org", "workspace_name": "New WS"}).json()
    assert set(body) == {"id", "name", "workspace_id", "workspace_name"}
    assert body["workspace_name"] == "New WS"
    assert client.get(f"/workspaces/{body['workspace_id']}").status_code == 200


def test_post_organizations_without_name_returns_400(client: httpx.Client) -> None:
    response = client.post("/organizations", json={"workspace_name": "x"})
    assert response.json() == "Field 'name' cannot be empty."


def test_leaving_an_organization_removes_its_workspaces(client: httpx.Client) -> None:
    body = client.post("/organizations", json={"name": "Temp Org", "workspace_name": "Temp WS"}).json()
    assert client.delete(f"/organizations/{body['id']}/users/leave").status_code == 200
    assert client.get(f"/workspaces/{body['workspace_id']}").status_code == 403


def test_workspace_users_lists_members_with_role(client: httpx.Client, wid: int) -> None:
    users = {u["email"]: u for u in client.get(f"/workspaces/{wid}/users").json()}
    assert users["demo@example.com"]["role"] == "admin"
    assert users["teammate@example.com"]["role"] == "user"
