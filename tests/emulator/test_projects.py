"""Projects (reference §5.2, §6.4)."""

from __future__ import annotations

import httpx


def test_project_list_defaults_to_active_with_total_count(client: httpx.Client, wid: int) -> None:
    projects = client.get(f"/workspaces/{wid}/projects").json()
    assert len(projects) == 10
    assert all(p["active"] for p in projects)
    assert {p["total_count"] for p in projects} == {10}


def test_project_list_active_false_and_both(client: httpx.Client, wid: int) -> None:
    archived = client.get(f"/workspaces/{wid}/projects", params={"active": "false"}).json()
    both = client.get(f"/workspaces/{wid}/projects", params={"active": "both"}).json()
    assert {p["name"] for p in archived} == {"Legacy CRM", "Old Website"}
    assert len(both) == 12


def test_project_list_paginates_with_per_page(client: httpx.Client, wid: int) -> None:
    page1 = client.get(f"/workspaces/{wid}/projects", params={"per_page": 4, "page": 1}).json()
    page3 = client.get(f"/workspaces/{wid}/projects", params={"per_page": 4, "page": 3}).json()
    assert len(page1) == 4
    assert len(page3) == 2
    assert page1[0]["total_count"] == 10


def test_project_list_filters_by_client_ids(client: httpx.Client, wid: int) -> None:
    acme = client.get(f"/workspaces/{wid}/clients", params={"name": "acme"}).json()[0]
    projects = client.get(f"/workspaces/{wid}/projects", params={"client_ids": acme["id"], "active": "both"}).json()
    assert {p["name"] for p in projects} == {"Website Redesign", "Mobile App", "Old Website"}


def test_project_list_filters_by_statuses_and_name(client: httpx.Client, wid: int) -> None:
    archived = client.get(f"/workspaces/{wid}/projects", params={"statuses": "archived", "active": "both"}).json()
    named = client.get(f"/workspaces/{wid}/projects", params={"name": "web"}).json()
    assert {p["status"] for p in archived} == {"archived"}
    assert [p["name"] for p in named] == ["Website Redesign"]


def test_project_shape_has_legacy_keys_and_date_start(client: httpx.Client, wid: int) -> None:
    project = client.get(f"/workspaces/{wid}/projects", params={"name": "Website"}).json()[0]
    assert project["wid"] == wid
    assert project["cid"] == project["client_id"]
    assert project["at"].endswith("+00:00")
    assert len(project["start_date"]) == 10
    assert project["actual_seconds"] > 0


def test_create_project_returns_project(client: httpx.Client, wid: int) -> None:
    project = client.post(f"/workspaces/{wid}/projects", json={"name": "Fresh", "color": "#AABBCC"}).json()
    assert project["name"] == "Fresh"
    assert project["color"] == "#aabbcc"
    assert project["active"] is True
    assert client.get(f"/workspaces/{wid}/projects/{project['id']}").json()["id"] == project["id"]


def test_create_project_with_bad_color_returns_400_message(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/projects", json={"name": "Bad", "color": "red"})
    assert response.status_code == 400
    assert response.json() == (
        "Error in validating color 'red'. Project color must be a hex value in the form of #[0-9a-f]{6}."
    )


def test_create_project_with_foreign_client_returns_400_message(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/projects", json={"name": "X", "client_id": 7})
    assert response.json() == f"Client with the ID 7 isn't present in workspace {wid}"


def test_create_project_with_duplicate_name_returns_400(client: httpx.Client, wid: int) -> None:
    assert client.post(f"/workspaces/{wid}/projects", json={"name": "meetings"}).status_code == 400


def test_update_project_active_false_archives_it(client: httpx.Client, wid: int) -> None:
    project = client.post(f"/workspaces/{wid}/projects", json={"name": "To archive"}).json()
    updated = client.put(f"/workspaces/{wid}/projects/{project['id']}", json={"active": False}).json()
    assert updated["active"] is False
    assert updated["status"] == "archived"


def test_delete_project_unassigns_its_time_entries(client: httpx.Client, wid: int) -> None:
    project = client.post(f"/workspaces/{wid}/projects", json={"name": "Short lived"}).json()
    body = {"created_with": "t", "workspace_id": wid, "start": "2026-11-19T09:00:00Z", "duration": 5}
    te = client.post(f"/workspaces/{wid}/time_entries", json={**body, "project_id": project["id"]}).json()
    assert client.delete(f"/workspaces/{wid}/projects/{project['id']}").status_code == 200
    assert client.get(f"/workspaces/{wid}/projects/{project['id']}").status_code == 404
    assert client.get(f"/me/time_entries/{te['id']}").json()["project_id"] is None


def test_failed_project_update_changes_nothing(client: httpx.Client, wid: int) -> None:
    project = client.post(f"/workspaces/{wid}/projects", json={"name": "Stable", "color": "#111111"}).json()
    response = client.put(f"/workspaces/{wid}/projects/{project['id']}", json={"color": "#222222", "client_id": 9})
    assert response.status_code == 400
    assert client.get(f"/workspaces/{wid}/projects/{project['id']}").json()["color"] == "#111111"
