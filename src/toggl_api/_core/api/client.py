"""Clients: ``ClientBody`` and the requests of ``/workspaces/{wid}/clients`` (reference §6.5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

from ..errors import NamingError
from ..models import TogglClient
from ..query import TogglQuery
from ._fields import require_type
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "CLIENT_STATUS",
    "MAX_CLIENT_NAME",
    "ArchivedClients",
    "ClientBody",
    "add",
    "archive",
    "bulk_archive",
    "bulk_delete",
    "decode_bulk_archive",
    "collect",
    "delete",
    "edit",
    "get",
    "list_queries",
    "list_scope",
    "matches_name",
    "restore",
    "validate_client_name",
]

CLIENT_STATUS = Literal["active", "archived", "both"]
_STATUSES: tuple[str, ...] = get_args(CLIENT_STATUS)
#: Longest client name Toggl accepts ("Client name maximum length is ...").
MAX_CLIENT_NAME = 100


def validate_client_name(name: object) -> str:
    """Return ``name`` if Toggl would accept it as a client name, else raise ``NamingError``."""
    if name is None:
        msg = "Name must be set in order to create a client!"  # toggl-api-wrapper's message
        raise NamingError(msg)
    if not isinstance(name, str) or not name.strip():
        msg = "A client name must be a non-blank string (ClientBody(name=...))."
        raise NamingError(msg)
    if len(name.strip()) > MAX_CLIENT_NAME:
        msg = f"The client name is {len(name.strip())} characters long; the maximum is {MAX_CLIENT_NAME}."
        raise NamingError(msg)
    return name


def _validate_status(status: object) -> None:
    if status is not None and status not in _STATUSES:
        msg = f"ClientBody.status must be one of {', '.join(_STATUSES)} or None, got {status!r}"
        raise ValueError(msg)


@dataclass
class ClientBody(BaseBody):
    """What to send for a client.

    Attributes:
        name: The client's name (required to create one; at most 100 characters).
        status: ``"active"``, ``"archived"`` or ``"both"``: a filter for ``collect``; on ``add``/``edit``
            ``"archived"`` archives and ``"active"`` restores the client (Toggl has separate calls for that).
        notes: Free text.
    """

    name: str | None = None
    status: CLIENT_STATUS | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        _validate_status(self.status)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body: extra keyword arguments, then ``name`` and ``notes`` when set.

        ``status`` is not part of Toggl's client payload (archiving has its own endpoints), so it is never put in
        the body; endpoints act on it separately.
        """
        _validate_status(self.status)
        out = dict(body)
        if isinstance(self.name, str):
            out["name"] = self.name
        if self.notes is not None:
            out["notes"] = self.notes
        if endpoint == "" and self.status is not None:  # the mapping view shows every set field
            out["status"] = self.status
        return out


def _path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "clients", *(str(r) for r in rest)])


def add(workspace_id: int, body: ClientBody) -> ApiRequest:
    """POST a new client (``NamingError`` for a missing, blank or too long name)."""
    require_type(body, ClientBody, "body")
    validate_client_name(body.name)
    return ApiRequest(RequestMethod.POST, _path(workspace_id), json=body.format("add", wid=workspace_id))


def get(workspace_id: int, client_id: int) -> ApiRequest:
    """GET one client."""
    return ApiRequest(RequestMethod.GET, _path(workspace_id, client_id))


def edit(workspace_id: int, client_id: int, body: ClientBody) -> ApiRequest:
    """PUT a client's name and notes (a given name is validated)."""
    require_type(body, ClientBody, "body")
    if body.name is not None:
        validate_client_name(body.name)
    return ApiRequest(RequestMethod.PUT, _path(workspace_id, client_id), json=body.format("edit", wid=workspace_id))


def delete(workspace_id: int, client_id: int) -> ApiRequest:
    """DELETE a client."""
    return ApiRequest(RequestMethod.DELETE, _path(workspace_id, client_id))


def archive(workspace_id: int, client_id: int) -> ApiRequest:
    """POST ``.../archive``: archive a client and its projects (answers the archived project ids)."""
    return ApiRequest(RequestMethod.POST, _path(workspace_id, client_id, "archive"))


def restore(
    workspace_id: int, client_id: int, *, projects: list[int] | None = None, all_projects: bool = False
) -> ApiRequest:
    """POST ``.../restore``: un-archive a client, and optionally some or all of its projects."""
    payload: dict[str, Any] = {}
    if projects:
        payload["projects"] = list(projects)
    if all_projects:
        payload["restore_all_projects"] = True
    return ApiRequest(RequestMethod.POST, _path(workspace_id, client_id, "restore"), json=payload or None)


class ArchivedClients(NamedTuple):
    """What a bulk archive did: the clients archived and the projects Toggl archived with them."""

    client_ids: list[int]
    project_ids: list[int]


def _bulk_ids(ids: Sequence[int]) -> list[int]:
    out = sorted(set(ids))
    if not out:
        msg = "name at least one client"
        raise ValueError(msg)
    return out


def bulk_archive(workspace_id: int, client_ids: Sequence[int]) -> ApiRequest:
    """POST ``clients/archive`` with the ids: archive several clients (and their projects) at once."""
    return ApiRequest(RequestMethod.POST, _path(workspace_id, "archive"), json=_bulk_ids(client_ids))


def decode_bulk_archive(data: Any) -> ArchivedClients:
    """Merge Toggl's ``[{"client_ids": [...], "project_ids": [...]}, ...]`` answer into one value."""
    clients: set[int] = set()
    projects: set[int] = set()
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            clients.update(i for i in item.get("client_ids") or () if isinstance(i, int))
            projects.update(i for i in item.get("project_ids") or () if isinstance(i, int))
    return ArchivedClients(sorted(clients), sorted(projects))


def bulk_delete(workspace_id: int, client_ids: Sequence[int]) -> ApiRequest:
    """POST ``clients/delete`` with the ids: delete several clients at once."""
    return ApiRequest(RequestMethod.POST, _path(workspace_id, "delete"), json=_bulk_ids(client_ids))


def collect(workspace_id: int, body: ClientBody | None = None) -> ApiRequest:
    """GET the clients with Toggl's own filters ``status`` and ``name`` as query parameters."""
    require_type(body, ClientBody, "body", optional=True)
    params: dict[str, Any] = {}
    if body is not None:
        _validate_status(body.status)
        params["status"] = body.status
        params["name"] = body.name or None
    return ApiRequest(RequestMethod.GET, _path(workspace_id), params)


def list_scope(workspace_id: int, status: str | None) -> str:
    """Cache scope of a complete client list (``status`` defaults to Toggl's ``active``)."""
    return f"clients/{workspace_id}?status={status or 'active'}"


def list_queries(workspace_id: int, status: str | None) -> list[TogglQuery[Any]]:
    """Cache queries selecting what a client list with ``status`` contains."""
    queries: list[TogglQuery[Any]] = [TogglQuery("workspace", workspace_id)]
    status = status or "active"
    if status != "both":
        queries.append(TogglQuery("archived", status == "archived"))
    return queries


def matches_name(client: TogglClient, name: str | None) -> bool:
    """Toggl's ``name`` filter: a case-insensitive substring."""
    return not name or name.lower() in client.name.lower()
