"""Clients (reference §5.3, §6.5)."""

from __future__ import annotations

import httpx


def test_client_list_defaults_to_active(client: httpx.Client, wid: int) -> None:
    clients = client.get(f"/workspaces/{wid}/clients").json()
    assert clients
    assert not any(c["archived"] for c in clients)


def test_client_list_status_archived_and_both(client: httpx.Client, wid: int) -> None:
    archived = client.get(f"/workspaces/{wid}/clients", params={"status": "archived"}).json()
    both = client.get(f"/workspaces/{wid}/clients", params={"status": "both"}).json()
    assert [c["name"] for c in archived] == ["Umbrella"]
    assert len(both) == 5


def test_client_list_invalid_status_returns_400(client: httpx.Client, wid: int) -> None:
    response = client.get(f"/workspaces/{wid}/clients", params={"status": "gone"})
    assert response.status_code == 400
    assert response.json() == "Client status is invalid"


def test_client_list_name_filter_is_case_insensitive_substring(client: httpx.Client, wid: int) -> None:
    names = [c["name"] for c in client.get(f"/workspaces/{wid}/clients", params={"name": "GLOB"}).json()]
    assert names == ["Globex"]


def test_client_shape_uses_wid_and_plus_offset_at(client: httpx.Client, wid: int) -> None:
    created = client.post(f"/workspaces/{wid}/clients", json={"name": "Shape Co"}).json()
    assert set(created) >= {"id", "wid", "archived", "name", "at", "creator_id"}
    assert "workspace_id" not in created
    assert created["at"].endswith("+00:00")


def test_get_unknown_client_returns_404_message(client: httpx.Client, wid: int) -> None:
    response = client.get(f"/workspaces/{wid}/clients/123")
    assert response.status_code == 404
    assert response.json() == "No client with ID 123 was found"


def test_create_client_with_blank_name_returns_400(client: httpx.Client, wid: int) -> None:
    assert client.post(f"/workspaces/{wid}/clients", json={"name": "  "}).json() == "Client name cannot be empty"


def test_create_client_with_too_long_name_returns_400(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/clients", json={"name": "x" * 101})
    assert response.json() == "Client name maximum length is 100"


def test_create_client_with_duplicate_name_returns_400(client: httpx.Client, wid: int) -> None:
    assert client.post(f"/workspaces/{wid}/clients", json={"name": "acme corp"}).status_code == 400


def test_update_client_renames_but_does_not_archive(client: httpx.Client, wid: int) -> None:
    created = client.post(f"/workspaces/{wid}/clients", json={"name": "Before"}).json()
    updated = client.put(f"/workspaces/{wid}/clients/{created['id']}", json={"name": "After", "archived": True}).json()
    assert updated["name"] == "After"
    assert updated["archived"] is False


def test_update_unknown_client_returns_404(client: httpx.Client, wid: int) -> None:
    response = client.put(f"/workspaces/{wid}/clients/1", json={"name": "x"})
    assert response.status_code == 404
    assert response.json() == "Client doesn't exist in the workspace."


def test_delete_client_returns_200_and_removes_it(client: httpx.Client, wid: int) -> None:
    created = client.post(f"/workspaces/{wid}/clients", json={"name": "Doomed"}).json()
    assert client.delete(f"/workspaces/{wid}/clients/{created['id']}").status_code == 200
    assert client.get(f"/workspaces/{wid}/clients/{created['id']}").status_code == 404


def test_archive_client_archives_its_projects_and_returns_their_ids(client: httpx.Client, wid: int) -> None:
    acme = client.get(f"/workspaces/{wid}/clients", params={"name": "Acme"}).json()[0]
    project_ids = client.post(f"/workspaces/{wid}/clients/{acme['id']}/archive").json()
    assert len(project_ids) == 2
    assert client.get(f"/workspaces/{wid}/clients/{acme['id']}").json()["archived"] is True
    assert client.get(f"/workspaces/{wid}/projects/{project_ids[0]}").json()["active"] is False


def test_restore_client_with_all_projects(client: httpx.Client, wid: int) -> None:
    acme = client.get(f"/workspaces/{wid}/clients", params={"name": "Acme"}).json()[0]
    project_ids = client.post(f"/workspaces/{wid}/clients/{acme['id']}/archive").json()
    restored = client.post(f"/workspaces/{wid}/clients/{acme['id']}/restore", json={"restore_all_projects": True})
    assert restored.json()["archived"] is False
    assert client.get(f"/workspaces/{wid}/projects/{project_ids[0]}").json()["active"] is True
