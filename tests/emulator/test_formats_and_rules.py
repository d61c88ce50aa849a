"""Toggl's formats and rules for routes already served: PUT /me, id formats, statuses, free plans."""

from __future__ import annotations

import re

import httpx

from toggl_api.testing import BASE_URL, DemoAccount, Emulator, Limits


def test_me_ids_have_toggls_formats(client: httpx.Client) -> None:
    me = client.get("/me").json()
    assert re.fullmatch(r"[0-9A-Za-z]{22}", me["toggl_accounts_id"])
    assert re.fullmatch(r"[0-9a-f]{64}", me["intercom_hash"])


def test_reset_token_gives_32_hex_characters(client: httpx.Client) -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", client.post("/me/reset_token").json())


def test_put_me_answers_the_full_me_shape(client: httpx.Client) -> None:
    assert set(client.put("/me", json={"fullname": "Renamed"}).json()) == set(client.get("/me").json())


def test_put_me_with_a_wrong_current_password_is_refused(client: httpx.Client) -> None:
    response = client.put("/me", json={"current_password": "wrong-one", "password": "new-password-1"})
    assert (response.status_code, response.json()) == (400, "Current password is not valid")


def test_put_me_password_without_current_password_is_refused(client: httpx.Client) -> None:
    response = client.put("/me", json={"password": "new-password-1"})
    assert (response.status_code, response.json()) == (400, "Current password must be present to change password")


def test_put_me_short_password_is_refused(client: httpx.Client, toggl_account: DemoAccount) -> None:
    response = client.put("/me", json={"current_password": toggl_account.password, "password": "abc"})
    assert (response.status_code, response.json()) == (400, "Password should be at least 6 characters")


def test_put_me_with_the_right_password_changes_it(toggl_emulator: Emulator, toggl_account: DemoAccount) -> None:
    body = {"current_password": toggl_account.password, "password": "brand-new-secret"}
    with toggl_emulator.client() as c:
        assert c.put("/api/v9/me", json=body).status_code == 200
    old = httpx.BasicAuth(toggl_account.email, toggl_account.password)
    new = httpx.BasicAuth(toggl_account.email, "brand-new-secret")
    with httpx.Client(transport=toggl_emulator.transport(), base_url=BASE_URL) as anon:
        assert anon.get("/api/v9/me", auth=old).status_code == 403
        assert anon.get("/api/v9/me", auth=new).status_code == 200


def test_statuses_archived_alone_finds_archived_projects(client: httpx.Client, wid: int) -> None:
    archived = client.get(f"/workspaces/{wid}/projects", params={"statuses": "archived"}).json()
    assert {p["name"] for p in archived} == {"Legacy CRM", "Old Website"}


def test_explicit_active_still_applies_with_statuses(client: httpx.Client, wid: int) -> None:
    assert client.get(f"/workspaces/{wid}/projects", params={"statuses": "archived", "active": "true"}).json() == []


def test_free_organization_cannot_create_a_second_workspace() -> None:
    emulator = Emulator("empty", limits=Limits(enabled=False))
    assert emulator.account is not None
    with emulator.client() as c:
        response = c.post(f"/api/v9/organizations/{emulator.account.organization_id}/workspaces", json={"name": "Two"})
        org = c.get(f"/api/v9/organizations/{emulator.account.organization_id}").json()
    assert (response.status_code, response.json()) == (400, "Multiple workspaces are not enabled in this organization.")
    assert org["is_multi_workspace_enabled"] is False


def test_paid_organization_can_create_a_second_workspace() -> None:
    emulator = Emulator("empty", limits=Limits(enabled=False), plan="starter")
    assert emulator.account is not None
    with emulator.client() as c:
        response = c.post(f"/api/v9/organizations/{emulator.account.organization_id}/workspaces", json={"name": "Two"})
    assert response.status_code == 200


def test_new_free_organization_cannot_grow_a_second_workspace(client: httpx.Client) -> None:
    created = client.post("/organizations", json={"name": "Fresh", "workspace_name": "Only"}).json()
    response = client.post(f"/organizations/{created['id']}/workspaces", json={"name": "Second"})
    assert response.status_code == 400


def test_workspace_carries_the_spec_fields(client: httpx.Client, wid: int) -> None:
    ws = client.get(f"/workspaces/{wid}").json()
    assert {"disable_approvals", "disable_expenses", "disable_timesheet_view", "te_constraints"} <= set(ws)
    assert ws["te_constraints"]["time_entry_constraints_enabled"] is False


def test_organization_carries_a_subscription(client: httpx.Client, toggl_account: DemoAccount) -> None:
    org = client.get(f"/organizations/{toggl_account.organization_id}").json()
    assert (org["subscription"]["plan"], org["subscription"]["state"]) == ("free", "free")
