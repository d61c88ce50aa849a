"""Fidelity: clients (one test per route)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import assert_shape, error, ok, unique


def _new(api: httpx.Client, wid: int) -> dict[str, Any]:
    return dict(ok(api.post(f"/workspaces/{wid}/clients", json={"name": unique("Client")})))


def _with_project(api: httpx.Client, wid: int) -> tuple[dict[str, Any], dict[str, Any]]:
    client = _new(api, wid)
    project = ok(api.post(f"/workspaces/{wid}/projects", json={"name": unique("P"), "client_id": client["id"]}))
    return client, project


def test_get_clients(api: httpx.Client, wid: int) -> None:
    clients = ok(api.get(f"/workspaces/{wid}/clients", params={"status": "both"}))
    assert_shape(clients, "GET", "/workspaces/{workspace_id}/clients")
    assert any(c["archived"] for c in clients)
    error(api.get(f"/workspaces/{wid}/clients", params={"status": "gone"}), 400, "Client status is invalid")


def test_post_clients(api: httpx.Client, wid: int) -> None:
    created = ok(api.post(f"/workspaces/{wid}/clients", json={"name": unique("New"), "notes": "n"}))
    assert_shape(created, "POST", "/workspaces/{workspace_id}/clients")
    assert created["id"] in [c["id"] for c in ok(api.get(f"/workspaces/{wid}/clients"))]
    error(api.post(f"/workspaces/{wid}/clients", json={"name": created["name"]}), 400, "Name has already been taken")


def test_post_clients_archive(api: httpx.Client, wid: int) -> None:
    client, project = _with_project(api, wid)
    result = ok(api.post(f"/workspaces/{wid}/clients/archive", json=[client["id"]]))
    assert_shape(result, "POST", "/workspaces/{workspace_id}/clients/archive")
    assert result == [{"client_ids": [client["id"]], "project_ids": [project["id"]]}]
    assert ok(api.get(f"/workspaces/{wid}/clients/{client['id']}"))["archived"] is True
    error(api.post(f"/workspaces/{wid}/clients/archive", json=[1]), 404, "No client with ID 1 was found")


def test_post_clients_data(api: httpx.Client, wid: int) -> None:
    first, second = _new(api, wid), _new(api, wid)
    listed = ok(api.post(f"/workspaces/{wid}/clients/data", json=[first["id"], second["id"]]))
    assert_shape(listed, "POST", "/workspaces/{workspace_id}/clients/data")
    assert [c["id"] for c in listed] == [first["id"], second["id"]]


def test_post_clients_delete(api: httpx.Client, wid: int) -> None:
    first, second = _new(api, wid), _new(api, wid)
    ok(api.post(f"/workspaces/{wid}/clients/delete", json=[first["id"], second["id"]]))
    remaining = [c["id"] for c in ok(api.get(f"/workspaces/{wid}/clients", params={"status": "both"}))]
    assert first["id"] not in remaining
    assert second["id"] not in remaining


def test_delete_client(api: httpx.Client, wid: int) -> None:
    client, project = _with_project(api, wid)
    assert ok(api.delete(f"/workspaces/{wid}/clients/{client['id']}")) == client["id"]
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}"))["client_id"] is None
    since = ok(api.get("/me/clients", params={"since": 1}))
    assert "server_deleted_at" in next(c for c in since if c["id"] == client["id"])
    error(api.delete(f"/workspaces/{wid}/clients/{client['id']}"), 404)


def test_get_client(api: httpx.Client, wid: int) -> None:
    client = _new(api, wid)
    fetched = ok(api.get(f"/workspaces/{wid}/clients/{client['id']}"))
    assert_shape(fetched, "GET", "/workspaces/{workspace_id}/clients/{client_id}")
    assert fetched == client
    error(api.get(f"/workspaces/{wid}/clients/1"), 404, "No client with ID 1 was found")


def test_put_client(api: httpx.Client, wid: int) -> None:
    client = _new(api, wid)
    name = unique("Renamed")
    updated = ok(api.put(f"/workspaces/{wid}/clients/{client['id']}", json={"name": name}))
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/clients/{client_id}")
    assert ok(api.get(f"/workspaces/{wid}/clients/{client['id']}"))["name"] == name


def test_post_client_archive(api: httpx.Client, wid: int) -> None:
    client, project = _with_project(api, wid)
    assert ok(api.post(f"/workspaces/{wid}/clients/{client['id']}/archive")) == [project["id"]]
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}"))["active"] is False


def test_post_client_restore(api: httpx.Client, wid: int) -> None:
    client, project = _with_project(api, wid)
    ok(api.post(f"/workspaces/{wid}/clients/{client['id']}/archive"))
    restored = ok(api.post(f"/workspaces/{wid}/clients/{client['id']}/restore", json={"restore_all_projects": True}))
    assert_shape(restored, "POST", "/workspaces/{workspace_id}/clients/{client_id}/restore")
    assert restored["archived"] is False
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}"))["active"] is True
