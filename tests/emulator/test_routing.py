"""Routing, error rendering and general conventions (reference §1, §3)."""

from __future__ import annotations

import httpx

from toggl_api.testing import Emulator


def test_wrong_method_on_known_path_returns_405_empty(client: httpx.Client, wid: int) -> None:
    response = client.get(f"/workspaces/{wid}/time_entries")
    assert response.status_code == 405
    assert response.content == b""


def test_post_on_me_organizations_returns_405(client: httpx.Client) -> None:
    assert client.post("/me/organizations", json={}).status_code == 405


def test_unknown_path_returns_404(client: httpx.Client) -> None:
    assert client.get("/nothing/here").status_code == 404


def test_unknown_reports_path_returns_404(client: httpx.Client) -> None:
    assert client.get("https://api.track.toggl.com/reports/api/v3/nothing/here").status_code == 404


def test_track_paths_are_not_served_under_the_reports_prefix(client: httpx.Client) -> None:
    assert client.get("https://api.track.toggl.com/reports/api/v3/me").status_code == 404


def test_json_answers_use_utf8_json_content_type(client: httpx.Client) -> None:
    assert client.get("/me").headers["content-type"] == "application/json; charset=utf-8"


def test_request_log_records_method_path_params_body_and_status(
    client: httpx.Client, toggl_emulator: Emulator, wid: int
) -> None:
    client.get("/me/time_entries", params={"since": "1"})
    client.post(f"/workspaces/{wid}/tags", json={"name": "logged"})
    first, second = toggl_emulator.requests[-2:]
    assert (first.method, first.path, first.params, first.status) == (
        "GET",
        "/api/v9/me/time_entries",
        {"since": "1"},
        200,
    )
    assert second.json == {"name": "logged"}
    assert second.state_touched


def test_request_count_filters_by_method_and_path(client: httpx.Client, toggl_emulator: Emulator) -> None:
    client.get("/me")
    client.get("/me/tags")
    client.get("/me/tags")
    assert toggl_emulator.request_count() == 3
    assert toggl_emulator.request_count("GET", "/me/tags") == 2
    assert toggl_emulator.request_count("POST") == 0


def test_reset_restores_seed_and_clears_log(client: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    client.post(f"/workspaces/{wid}/tags", json={"name": "temporary"})
    toggl_emulator.reset()
    assert toggl_emulator.requests == []
    assert "temporary" not in [t["name"] for t in client.get("/me/tags").json()]


async def test_transport_works_with_async_client(toggl_emulator: Emulator) -> None:
    async with toggl_emulator.async_client() as c:
        response = await c.get("/api/v9/me")
    assert response.status_code == 200
    assert response.json()["id"] == toggl_emulator.account.user_id  # type: ignore[union-attr]


def test_emulator_client_helper_uses_demo_token(toggl_emulator: Emulator) -> None:
    with toggl_emulator.client() as c:
        assert c.get("/api/v9/me/logged").status_code == 200


def test_request_log_keeps_request_headers(client: httpx.Client, toggl_emulator: Emulator) -> None:
    client.get("/me", headers={"User-Agent": "sdk-test/1.0"})
    assert toggl_emulator.requests[-1].headers["user-agent"] == "sdk-test/1.0"
