"""Clients (reference §5.3, §6.5)."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request, not_found
from ..state import Backend, Client, Workspace
from ..timefmt import fmt_plus
from ._base import Ctx, Route, route
from ._common import OK, id_list

__all__ = ["MAX_NAME", "ROUTES", "render_client"]

#: Longest client name accepted.
MAX_NAME = 100
MSG_DUPLICATE = "Name has already been taken"


def render_client(client: Client) -> dict[str, Any]:
    """Toggl's Client JSON (uses ``wid``, not ``workspace_id``)."""
    out: dict[str, Any] = {
        "id": client.id,
        "wid": client.workspace_id,
        "archived": client.archived,
        "name": client.name,
        "at": fmt_plus(client.at),
        "creator_id": client.creator_id,
    }
    if client.notes is not None:
        out["notes"] = client.notes
    if client.external_reference is not None:
        out["external_reference"] = client.external_reference
    if client.server_deleted_at is not None:
        out["server_deleted_at"] = fmt_plus(client.server_deleted_at)
    return out


def _live(backend: Backend, ws: Workspace) -> list[Client]:
    return [c for c in backend.clients.values() if c.workspace_id == ws.id and c.server_deleted_at is None]


def _get(backend: Backend, ws: Workspace, cid: int, message: str | None = None) -> Client:
    client = backend.clients.get(cid)
    if client is None or client.workspace_id != ws.id or client.server_deleted_at is not None:
        raise not_found(message or f"No client with ID {cid} was found")
    return client


def _check_name(backend: Backend, ws: Workspace, value: object, exclude: int | None = None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request("Client name cannot be empty")
    if len(name) > MAX_NAME:
        raise bad_request(f"Client name maximum length is {MAX_NAME}")
    if any(c.name.lower() == name.lower() and c.id != exclude for c in _live(backend, ws)):
        raise bad_request(MSG_DUPLICATE)
    return name


def _optional_str(data: dict[str, Any], key: str, current: str | None) -> str | None:
    if key not in data:
        return current
    value = data[key]
    if value is not None and not isinstance(value, str):
        raise bad_request(f"Invalid {key}")
    return value


def list_clients(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/clients: ``status`` active (default) | archived | both; ``name`` substring."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    status = ctx.param("status") or "active"
    if status not in ("active", "archived", "both"):
        raise bad_request("Client status is invalid")
    clients = _live(ctx.backend, ws)
    if status != "both":
        clients = [c for c in clients if c.archived == (status == "archived")]
    name = ctx.param("name")
    if name:
        clients = [c for c in clients if name.lower() in c.name.lower()]
    return [render_client(c) for c in sorted(clients, key=lambda c: (c.name.lower(), c.id))]


def get_client(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/clients/{cid}."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    return render_client(_get(ctx.backend, ws, ctx.arg("cid")))


def create_client(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    client = backend.add_client(ws, _check_name(backend, ws, data.get("name")), ctx.me)
    client.notes = _optional_str(data, "notes", None)
    client.external_reference = _optional_str(data, "external_reference", None)
    return render_client(client)


def update_client(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/clients/{cid}: name/notes/external_reference (never archives)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    client = _get(backend, ws, ctx.arg("cid"), "Client doesn't exist in the workspace.")
    data = ctx.body_object()
    name = _check_name(backend, ws, data["name"], exclude=client.id) if "name" in data else client.name
    notes = _optional_str(data, "notes", client.notes)
    reference = _optional_str(data, "external_reference", client.external_reference)
    client.name, client.notes, client.external_reference = name, notes, reference
    client.at = ctx.now
    return render_client(client)


def delete_client(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/clients/{cid}: answers the id; its projects lose the client."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    client = _get(backend, ws, ctx.arg("cid"))
    _delete(backend, client, ctx.now)
    return client.id


def _archive(backend: Backend, client: Client, now: Any) -> list[int]:
    client.archived, client.at = True, now
    archived: list[int] = []
    for project in sorted(backend.projects.values(), key=lambda p: p.id):
        if project.client_id == client.id and project.active and project.server_deleted_at is None:
            project.active, project.at = False, now
            archived.append(project.id)
    return archived


def _delete(backend: Backend, client: Client, now: Any) -> None:
    client.server_deleted_at = client.at = now
    for project in backend.projects.values():
        if project.client_id == client.id:
            project.client_id = None
            project.at = now


def _bulk_clients(ctx: Ctx) -> tuple[Workspace, list[Client]]:
    """The clients a bulk route names (a JSON array of ids); 404 for the first unknown one."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    ids = id_list(ctx.body())
    return ws, [_get(ctx.backend, ws, cid) for cid in dict.fromkeys(ids)]


def archive_clients(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients/archive ``[ids]``: ``[{client_ids, project_ids}]`` (all or nothing)."""
    _, clients = _bulk_clients(ctx)
    now = ctx.now
    projects: list[int] = []
    for client in clients:
        projects += _archive(ctx.backend, client, now)
    return [{"client_ids": [c.id for c in clients], "project_ids": projects}]


def delete_clients(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients/delete ``[ids]``: answers "OK" (all or nothing)."""
    _, clients = _bulk_clients(ctx)
    now = ctx.now
    for client in clients:
        _delete(ctx.backend, client, now)
    return OK


def clients_data(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients/data ``[ids]``: those clients (unknown ids are skipped)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    wanted = set(id_list(ctx.body()))
    return [render_client(c) for c in sorted(_live(backend, ws), key=lambda c: c.id) if c.id in wanted]


def archive_client(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients/{cid}/archive: archives it and its active projects (their ids)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    client = _get(backend, ws, ctx.arg("cid"))
    return _archive(backend, client, ctx.now)


def restore_client(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/clients/{cid}/restore: optional ``{projects, restore_all_projects}``."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    client = _get(backend, ws, ctx.arg("cid"))
    data = ctx.body_object()
    wanted = data.get("projects") or []
    if not isinstance(wanted, list):
        raise bad_request("Invalid projects")
    restore_all = data.get("restore_all_projects") is True
    now = ctx.now
    client.archived, client.at = False, now
    for project in backend.projects.values():
        if project.client_id == client.id and not project.active and (restore_all or project.id in wanted):
            project.active, project.at = True, now
    return render_client(client)


ROUTES: list[Route] = [
    route("GET", "/workspaces/{wid}/clients", list_clients),
    route("POST", "/workspaces/{wid}/clients", create_client),
    route("POST", "/workspaces/{wid}/clients/archive", archive_clients),
    route("POST", "/workspaces/{wid}/clients/delete", delete_clients),
    route("POST", "/workspaces/{wid}/clients/data", clients_data),
    route("GET", "/workspaces/{wid}/clients/{cid}", get_client),
    route("PUT", "/workspaces/{wid}/clients/{cid}", update_client),
    route("DELETE", "/workspaces/{wid}/clients/{cid}", delete_client),
    route("POST", "/workspaces/{wid}/clients/{cid}/archive", archive_client),
    route("POST", "/workspaces/{wid}/clients/{cid}/restore", restore_client),
]
