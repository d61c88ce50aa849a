"""Authentication (reference §2)."""

from __future__ import annotations

import httpx

from toggl_api.testing import DEMO_API_TOKEN, Emulator

from .conftest import TRACK


def test_missing_authorization_returns_401_with_header(anon: httpx.Client) -> None:
    response = anon.get("/me")
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["X-Authorization-Missing"] == "true"


def test_wrong_token_returns_403_with_json_string_message(toggl_emulator: Emulator) -> None:
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK, auth=("nope", "api_token")) as c:
        response = c.get("/me")
    assert response.status_code == 403
    assert response.text == '"Incorrect username and/or password"'
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_wrong_password_returns_403(toggl_emulator: Emulator) -> None:
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK, auth=("demo@example.com", "x")) as c:
        assert c.get("/me/logged").status_code == 403


def test_email_and_password_are_accepted(toggl_emulator: Emulator) -> None:
    assert toggl_emulator.account is not None
    auth = toggl_emulator.account.password_auth()
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK, auth=auth) as c:
        assert c.get("/me").json()["email"] == "demo@example.com"


def test_token_auth_is_accepted_and_me_logged_is_empty(client: httpx.Client) -> None:
    response = client.get("/me/logged")
    assert response.status_code == 200
    assert response.content == b""


def test_non_basic_scheme_is_rejected_with_403(anon: httpx.Client) -> None:
    assert anon.get("/me", headers={"Authorization": "Bearer " + DEMO_API_TOKEN}).status_code == 403


def test_status_needs_no_auth(anon: httpx.Client) -> None:
    response = anon.get("/status")
    assert response.status_code == 200
    assert response.json() == {"status": "OK"}


def test_foreign_workspace_returns_403_no_access(client: httpx.Client, toggl_emulator: Emulator) -> None:
    assert toggl_emulator.account is not None
    response = client.get(f"/workspaces/{toggl_emulator.account.other_workspace_id}")
    assert response.status_code == 403
    assert response.json() == "User does not have access to this resource"


def test_foreign_organization_returns_403_no_access(client: httpx.Client, toggl_emulator: Emulator) -> None:
    assert toggl_emulator.account is not None
    response = client.get(f"/organizations/{toggl_emulator.account.other_organization_id}")
    assert response.status_code == 403
    assert response.json() == "User does not have access to this resource"


def test_creating_a_workspace_in_a_foreign_organization_returns_403(
    client: httpx.Client, toggl_emulator: Emulator
) -> None:
    assert toggl_emulator.account is not None
    oid = toggl_emulator.account.other_organization_id
    response = client.post(f"/organizations/{oid}/workspaces", json={"name": "Intruder"})
    assert response.status_code == 403
    assert response.json() == "User does not have access to this resource"
