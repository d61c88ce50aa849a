"""``/me`` and its lists (reference §5.7, §6.1)."""

from __future__ import annotations

import re

import httpx

from toggl_api.testing import DEMO_API_TOKEN, DemoAccount, Emulator


def test_me_returns_the_user_with_token_and_default_workspace(client: httpx.Client, toggl_account: DemoAccount) -> None:
    me = client.get("/me").json()
    assert me["id"] == toggl_account.user_id
    assert me["api_token"] == DEMO_API_TOKEN
    assert me["email"] == "demo@example.com"
    assert me["default_workspace_id"] == toggl_account.workspace_id
    assert me["created_at"].endswith("Z")
    assert "." in me["created_at"]


def test_me_with_related_data_adds_five_arrays(client: httpx.Client) -> None:
    me = client.get("/me", params={"with_related_data": "true"}).json()
    for key in ("tags", "clients", "time_entries", "projects", "workspaces"):
        assert isinstance(me[key], list), key
        assert me[key], key


def test_me_without_related_data_has_no_arrays(client: httpx.Client) -> None:
    assert "projects" not in client.get("/me").json()


def test_me_workspaces_lists_both_demo_workspaces_with_active_project_count(
    client: httpx.Client, toggl_account: DemoAccount
) -> None:
    workspaces = client.get("/me/workspaces").json()
    assert [w["id"] for w in workspaces] == list(toggl_account.workspace_ids)
    assert all(isinstance(w["active_project_count"], int) for w in workspaces)


def test_me_workspaces_since_returns_only_modified_ones(
    client: httpx.Client, toggl_emulator: Emulator, wid: int
) -> None:
    toggl_emulator.clock.advance(60)
    since = int(toggl_emulator.clock.time())
    client.put(f"/workspaces/{wid}", json={"name": "Renamed"})
    assert [w["id"] for w in client.get("/me/workspaces", params={"since": since}).json()] == [wid]


def test_me_organizations_lists_the_demo_organization(client: httpx.Client, toggl_account: DemoAccount) -> None:
    orgs = client.get("/me/organizations").json()
    assert [o["id"] for o in orgs] == [toggl_account.organization_id]
    assert orgs[0]["pricing_plan_name"] == "Free"
    assert orgs[0]["owner"] is True


def test_me_clients_include_archived_ones(client: httpx.Client) -> None:
    clients = client.get("/me/clients").json()
    assert len(clients) == 6
    assert sum(c["archived"] for c in clients) == 1


def test_me_projects_exclude_archived_unless_asked(client: httpx.Client) -> None:
    active = client.get("/me/projects").json()
    everything = client.get("/me/projects", params={"include_archived": "true"}).json()
    assert len(everything) == 15
    assert len(active) == 12
    assert all(p["active"] for p in active)


def test_me_projects_invalid_include_archived_returns_400(client: httpx.Client) -> None:
    response = client.get("/me/projects", params={"include_archived": "maybe"})
    assert response.status_code == 400
    assert response.json() == "Invalid include_archived"


def test_me_tags_since_includes_new_tags_only(client: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    toggl_emulator.clock.advance(10)
    since = int(toggl_emulator.clock.time())
    client.post(f"/workspaces/{wid}/tags", json={"name": "fresh"})
    assert [t["name"] for t in client.get("/me/tags", params={"since": since}).json()] == ["fresh"]


def test_me_tags_since_shows_deleted_tags_with_deleted_at(
    client: httpx.Client, toggl_emulator: Emulator, wid: int
) -> None:
    tag = client.post(f"/workspaces/{wid}/tags", json={"name": "gone"}).json()
    toggl_emulator.clock.advance(10)
    since = int(toggl_emulator.clock.time())
    client.delete(f"/workspaces/{wid}/tags/{tag['id']}")
    (item,) = client.get("/me/tags", params={"since": since}).json()
    assert item["id"] == tag["id"]
    assert item["deleted_at"]


def test_put_me_updates_profile_fields(client: httpx.Client) -> None:
    me = client.put("/me", json={"fullname": "New Name", "timezone": "Asia/Tokyo", "beginning_of_week": 0}).json()
    assert (me["fullname"], me["timezone"], me["beginning_of_week"]) == ("New Name", "Asia/Tokyo", 0)


def test_put_me_rejects_unknown_timezone(client: httpx.Client) -> None:
    response = client.put("/me", json={"timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert response.json() == "Invalid timezone"


def test_put_me_rejects_foreign_default_workspace(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.put("/me", json={"default_workspace_id": toggl_account.other_workspace_id})
    assert response.json() == "Invalid default_workspace_id"


def test_me_id_returns_a_bare_number(client: httpx.Client, toggl_account: DemoAccount) -> None:
    assert client.get("/me/id").json() == toggl_account.user_id


def test_reset_token_invalidates_the_old_token(client: httpx.Client, toggl_emulator: Emulator) -> None:
    new_token = client.post("/me/reset_token").json()
    assert isinstance(new_token, str)
    assert new_token != DEMO_API_TOKEN
    assert client.get("/me").status_code == 403
    with httpx.Client(transport=toggl_emulator.transport(), auth=(new_token, "api_token")) as c:
        assert c.get("https://api.track.toggl.com/api/v9/me").status_code == 200


def test_the_demo_users_token_has_toggls_format(client: httpx.Client) -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/me").json()["api_token"])
