"""Bulk routes: clients archive/delete/data, tags bulk delete, projects bulk PATCH; GET /workspaces."""

from __future__ import annotations

import httpx

from toggl_api.testing import DemoAccount


def _clients(client: httpx.Client, wid: int, status: str = "active") -> dict[str, dict[str, object]]:
    return {c["name"]: c for c in client.get(f"/workspaces/{wid}/clients", params={"status": status}).json()}


def test_bulk_archive_clients_archives_their_projects(client: httpx.Client, wid: int) -> None:
    clients = _clients(client, wid)
    ids = [clients["Acme Corp"]["id"], clients["Globex"]["id"]]
    (result,) = client.post(f"/workspaces/{wid}/clients/archive", json=ids).json()
    assert result["client_ids"] == ids
    archived = {p["id"] for p in client.get(f"/workspaces/{wid}/projects", params={"active": "false"}).json()}
    assert set(result["project_ids"]) <= archived
    assert len(result["project_ids"]) == 4  # Website Redesign, Mobile App, API Platform, Data Migration
    assert {"Acme Corp", "Globex"} <= set(_clients(client, wid, "archived"))


def test_bulk_archive_with_an_unknown_client_changes_nothing(client: httpx.Client, wid: int) -> None:
    acme = _clients(client, wid)["Acme Corp"]["id"]
    response = client.post(f"/workspaces/{wid}/clients/archive", json=[acme, 1])
    assert (response.status_code, response.json()) == (404, "No client with ID 1 was found")
    assert "Acme Corp" in _clients(client, wid)


def test_bulk_delete_clients(client: httpx.Client, wid: int) -> None:
    clients = _clients(client, wid)
    ids = [clients["Hooli"]["id"], clients["Initech"]["id"]]
    assert client.post(f"/workspaces/{wid}/clients/delete", json=ids).json() == "OK"
    assert not {"Hooli", "Initech"} & set(_clients(client, wid, "both"))


def test_clients_data_returns_the_clients_asked_for(client: httpx.Client, wid: int) -> None:
    clients = _clients(client, wid)
    ids = [clients["Hooli"]["id"], clients["Globex"]["id"]]
    assert {c["name"] for c in client.post(f"/workspaces/{wid}/clients/data", json=ids).json()} == {"Hooli", "Globex"}


def test_clients_data_needs_an_id_array(client: httpx.Client, wid: int) -> None:
    assert client.post(f"/workspaces/{wid}/clients/data", json={"ids": [1]}).status_code == 400


def test_bulk_delete_tags_removes_them_from_entries(client: httpx.Client, wid: int) -> None:
    tags = {t["name"]: t["id"] for t in client.get(f"/workspaces/{wid}/tags").json()}
    doomed = [tags["bug"], tags["review"]]
    assert client.patch(f"/workspaces/{wid}/tags", json={"delete": doomed}).json() == "OK"
    left = {t["id"] for t in client.get(f"/workspaces/{wid}/tags").json()}
    assert not left & set(doomed)
    entries = client.get("/me/time_entries").json()
    assert not any(set(doomed) & set(e["tag_ids"] or []) for e in entries)


def test_bulk_delete_tags_is_all_or_nothing(client: httpx.Client, wid: int) -> None:
    tags = client.get(f"/workspaces/{wid}/tags").json()
    response = client.patch(f"/workspaces/{wid}/tags", json={"delete": [tags[0]["id"], 1]})
    assert (response.status_code, response.json()) == (400, "Some tag IDs do not belong to workspace.")
    assert len(client.get(f"/workspaces/{wid}/tags").json()) == len(tags)


def test_bulk_patch_projects_changes_each_and_reports_failures(client: httpx.Client, wid: int) -> None:
    projects = client.get(f"/workspaces/{wid}/projects").json()[:2]
    ids = ",".join(str(p["id"]) for p in projects) + ",1"
    ops = [
        {"op": "replace", "path": "/color", "value": "#112233"},
        {"op": "replace", "path": "/billable", "value": True},
    ]
    result = client.patch(f"/workspaces/{wid}/projects/{ids}", json=ops).json()
    assert sorted(result["success"]) == sorted(p["id"] for p in projects)
    assert [f["id"] for f in result["failure"]] == [1]
    for project in projects:
        fetched = client.get(f"/workspaces/{wid}/projects/{project['id']}").json()
        assert (fetched["color"], fetched["billable"]) == ("#112233", True)


def test_bulk_patch_projects_refuses_fields_toggl_refuses(client: httpx.Client, wid: int) -> None:
    project = client.get(f"/workspaces/{wid}/projects").json()[0]
    response = client.patch(
        f"/workspaces/{wid}/projects/{project['id']}", json=[{"op": "replace", "path": "/active", "value": False}]
    )
    assert response.status_code == 400
    assert client.get(f"/workspaces/{wid}/projects/{project['id']}").json()["active"] is True


def test_bulk_patch_projects_bad_value_fails_that_project_only(client: httpx.Client, wid: int) -> None:
    project = client.get(f"/workspaces/{wid}/projects").json()[0]
    ops = [{"op": "replace", "path": "/color", "value": "red"}]
    result = client.patch(f"/workspaces/{wid}/projects/{project['id']}", json=ops).json()
    assert result["success"] == []
    assert result["failure"][0]["message"].startswith("Error in validating color")


def test_get_workspaces_lists_the_users_workspaces(client: httpx.Client, toggl_account: DemoAccount) -> None:
    workspaces = client.get("/workspaces").json()
    assert [w["id"] for w in workspaces] == list(toggl_account.workspace_ids)
    assert workspaces == client.get("/me/workspaces").json()


def test_me_projects_paginated_walks_by_start_project_id(client: httpx.Client) -> None:
    first = client.get("/me/projects/paginated", params={"per_page": 5}).json()
    rest = client.get("/me/projects/paginated", params={"start_project_id": first[-1]["id"] + 1}).json()
    everything = [p["id"] for p in first + rest]
    assert everything == sorted(everything)
    assert len(everything) == 15  # both workspaces, archived included
