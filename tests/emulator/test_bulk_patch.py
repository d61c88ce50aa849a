"""Bulk PATCH of time entries (reference §6.7, §4.4)."""

from __future__ import annotations

import httpx

from .conftest import new_entry


def _two(client: httpx.Client, wid: int) -> tuple[int, int]:
    a = new_entry(client, wid, duration=60, tags=["bug"]).json()["id"]
    b = new_entry(client, wid, duration=120).json()["id"]
    return a, b


def test_bulk_patch_replaces_description_on_all(client: httpx.Client, wid: int) -> None:
    a, b = _two(client, wid)
    body = [{"op": "replace", "path": "/description", "value": "bulk"}]
    result = client.patch(f"/workspaces/{wid}/time_entries/{a},{b}", json=body).json()
    assert result == {"success": [a, b], "failure": []}
    assert client.get(f"/me/time_entries/{b}").json()["description"] == "bulk"


def test_bulk_patch_reports_unknown_ids_as_failures(client: httpx.Client, wid: int) -> None:
    a, _ = _two(client, wid)
    body = [{"op": "replace", "path": "/billable", "value": True}]
    result = client.patch(f"/workspaces/{wid}/time_entries/{a},12345", json=body).json()
    assert result["success"] == [a]
    assert result["failure"] == [{"id": 12345, "message": "Time entry with ID: 12345 was not found/is not accessible"}]


def test_bulk_patch_over_100_ids_returns_400(client: httpx.Client, wid: int) -> None:
    ids = ",".join(str(i) for i in range(1, 102))
    body = [{"op": "replace", "path": "/billable", "value": True}]
    assert client.patch(f"/workspaces/{wid}/time_entries/{ids}", json=body).status_code == 400


def test_bulk_patch_tags_add_and_remove(client: httpx.Client, wid: int) -> None:
    a, b = _two(client, wid)
    client.patch(f"/workspaces/{wid}/time_entries/{a},{b}", json=[{"op": "add", "path": "/tags", "value": ["urgent"]}])
    assert client.get(f"/me/time_entries/{a}").json()["tags"] == ["bug", "urgent"]
    client.patch(f"/workspaces/{wid}/time_entries/{a}", json=[{"op": "remove", "path": "/tags", "value": ["bug"]}])
    assert client.get(f"/me/time_entries/{a}").json()["tags"] == ["urgent"]


def test_bulk_patch_tag_ids_replace_sets_the_list(client: httpx.Client, wid: int) -> None:
    a, _ = _two(client, wid)
    tag_id = client.post(f"/workspaces/{wid}/tags", json={"name": "only"}).json()["id"]
    client.patch(f"/workspaces/{wid}/time_entries/{a}", json=[{"op": "replace", "path": "/tag_ids", "value": [tag_id]}])
    assert client.get(f"/me/time_entries/{a}").json()["tags"] == ["only"]


def test_bulk_patch_duration_moves_stop(client: httpx.Client, wid: int) -> None:
    a, _ = _two(client, wid)
    client.patch(f"/workspaces/{wid}/time_entries/{a}", json=[{"op": "replace", "path": "/duration", "value": 600}])
    assert client.get(f"/me/time_entries/{a}").json()["stop"] == "2026-11-19T09:10:00+00:00"


def test_bulk_patch_bad_project_fails_that_entry_only(client: httpx.Client, wid: int) -> None:
    a, b = _two(client, wid)
    body = [{"op": "replace", "path": "/project_id", "value": 1}]
    result = client.patch(f"/workspaces/{wid}/time_entries/{a},{b}", json=body).json()
    assert result["success"] == []
    assert [f["message"] for f in result["failure"]] == ["User cannot access the selected project"] * 2


def test_bulk_patch_remove_project_id_is_invalid_path_500(client: httpx.Client, wid: int) -> None:
    a, _ = _two(client, wid)
    response = client.patch(f"/workspaces/{wid}/time_entries/{a}", json=[{"op": "remove", "path": "/project_id"}])
    assert response.status_code == 500
    assert response.json() == "Invalid path"


def test_bulk_patch_unknown_path_returns_400(client: httpx.Client, wid: int) -> None:
    a, _ = _two(client, wid)
    response = client.patch(f"/workspaces/{wid}/time_entries/{a}", json=[{"op": "replace", "path": "/x", "value": 1}])
    assert response.status_code == 400
