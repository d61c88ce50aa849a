"""Tasks: ``TaskBody`` and the requests of ``/workspaces/{wid}/tasks`` and ``.../projects/{pid}/tasks``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ..errors import NamingError
from ..query import TogglQuery
from ..timeutil import get_timestamp
from ._fields import explicit_fields, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "BULK_EDIT_LIMIT",
    "MAX_PER_PAGE",
    "TaskBody",
    "add",
    "bulk_edit",
    "bulk_operations",
    "collect",
    "collect_project",
    "delete",
    "edit",
    "get",
    "list_queries",
    "list_scope",
    "unwrap_page",
    "validate_task_name",
]

#: Most tasks one bulk PATCH names (Toggl's limit for the other bulk edits; the spec gives none for tasks).
BULK_EDIT_LIMIT = 100
#: Page size ``collect`` asks for (Toggl's default is 50; the spec documents no maximum, 200 is what projects allow).
MAX_PER_PAGE = 200
_EDITABLE = ("name", "active", "estimated_seconds", "user_id", "external_reference")


def validate_task_name(name: object) -> str:
    """Return ``name`` unless it is not a non-blank string (``NamingError``)."""
    if not isinstance(name, str) or not name.strip():
        msg = f"A task name must be a non-blank string (TaskBody(name=...)), got {name!r}."
        raise NamingError(msg)
    return name


@track_explicit
@dataclass
class TaskBody(BaseBody):
    """What to send for a task (Toggl's ``task.Payload``).

    ``add`` sends every field that is not ``None``; ``edit`` sends only the fields you set, so an unset ``active``
    never reopens a finished task.

    Attributes:
        name: The task's name (required to create one).
        active: ``False`` marks the task done.
        estimated_seconds: Estimated effort in seconds.
        user_id: Assignee (a user id).
        external_reference: Free text for another system's id.
    """

    name: str | None = field(default=None)
    active: bool | None = field(default=None)
    estimated_seconds: int | None = field(default=None)
    user_id: int | None = field(default=None)
    external_reference: str | None = field(default=None)

    def _check(self) -> None:
        if self.active is not None and not isinstance(self.active, bool):
            msg = f"TaskBody.active must be True, False or None, got {self.active!r}"
            raise TypeError(msg)
        for name in ("estimated_seconds", "user_id"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                msg = f"TaskBody.{name} must be a non-negative int or None, got {value!r}"
                raise ValueError(msg)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``add`` (every field not ``None``) or ``edit`` (the fields you set)."""
        self._check()
        out = dict(body)
        send = set(explicit_fields(self)) if endpoint == "edit" else set(_EDITABLE)
        for name in _EDITABLE:
            value = getattr(self, name)
            if name in send and (value is not None or endpoint == "edit"):
                out[name] = value
        return out


def bulk_operations(body: TaskBody) -> list[dict[str, Any]]:
    """The JSON-patch operations (``replace``) of a bulk edit: one per field of ``body`` you set.

    Raises:
        ValueError: the body changes nothing.
    """
    body._check()
    ops = [{"op": "replace", "path": f"/{name}", "value": value} for name, value in body.format("edit").items()]
    if "name" in explicit_fields(body):
        validate_task_name(body.name)
    if not ops:
        msg = "the TaskBody changes nothing: set name, active, estimated_seconds, user_id or external_reference"
        raise ValueError(msg)
    return ops


def _project_path(workspace_id: int, project_id: int, *rest: object) -> str:
    parts = ["workspaces", str(workspace_id), "projects", str(project_id), "tasks", *(str(r) for r in rest)]
    return "/".join(parts)


def collect(
    workspace_id: int,
    *,
    active: bool | Literal["both"] = True,
    project_id: int | None = None,
    since: date | int | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = MAX_PER_PAGE,
) -> ApiRequest:
    """GET one page of the workspace's tasks (``/workspaces/{wid}/tasks``; the answer is a paged envelope)."""
    if active not in (True, False, "both"):
        msg = f"active must be True, False or 'both', got {active!r}"
        raise ValueError(msg)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        msg = f"page must be 1 or more and per_page 1 to {MAX_PER_PAGE}, got {page} and {per_page}"
        raise ValueError(msg)
    params: dict[str, Any] = {
        "active": active,
        "pid": project_id,
        "since": None if since is None else get_timestamp(since),
        "search": search or None,
        "page": page,
        "per_page": per_page,
    }
    return ApiRequest(RequestMethod.GET, f"workspaces/{workspace_id}/tasks", params)


def unwrap_page(data: Any) -> tuple[list[Any], int | None]:
    """The task payloads of a ``/workspaces/{wid}/tasks`` answer and its ``total_count`` (a bare list works too).

    Raises:
        ValueError: the answer is neither (what is wrong, for ``UnexpectedResponseError``).
    """
    if data is None:  # Toggl answers null for some empty lists
        return [], None
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict):
        items = data.get("data")
        total = data.get("total_count")
        if items is not None and not isinstance(items, list):
            msg = f"'data' is {type(items).__name__}, not a list of tasks"
            raise ValueError(msg)
        if total is not None and (isinstance(total, bool) or not isinstance(total, int)):
            msg = f"'total_count' is {type(total).__name__}, not an int"
            raise ValueError(msg)
        return items or [], total
    msg = f"a {type(data).__name__} where a page of tasks belongs"
    raise ValueError(msg)


def collect_project(workspace_id: int, project_id: int, *, active: bool | None = None) -> ApiRequest:
    """GET a project's tasks (``active=True``: open ones only; otherwise all)."""
    return ApiRequest(RequestMethod.GET, _project_path(workspace_id, project_id), {"active": active})


def get(workspace_id: int, project_id: int, task_id: int) -> ApiRequest:
    """GET one task."""
    return ApiRequest(RequestMethod.GET, _project_path(workspace_id, project_id, task_id))


def add(workspace_id: int, project_id: int, body: TaskBody) -> ApiRequest:
    """POST a new task (``NamingError`` without a name)."""
    validate_task_name(body.name)
    return ApiRequest(RequestMethod.POST, _project_path(workspace_id, project_id), json=body.format("add"))


def edit(workspace_id: int, project_id: int, task_id: int, body: TaskBody) -> ApiRequest:
    """PUT the fields of ``body`` you set.

    Raises:
        NamingError: a blank name.
        ValueError: the body changes nothing.
    """
    payload = body.format("edit")
    if "name" in payload:
        validate_task_name(body.name)
    if not payload:
        msg = "the TaskBody changes nothing: set name, active, estimated_seconds, user_id or external_reference"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.PUT, _project_path(workspace_id, project_id, task_id), json=payload)


def delete(workspace_id: int, project_id: int, task_id: int) -> ApiRequest:
    """DELETE a task."""
    return ApiRequest(RequestMethod.DELETE, _project_path(workspace_id, project_id, task_id))


def bulk_edit(workspace_id: int, project_id: int, task_ids: list[int], operations: list[dict[str, Any]]) -> ApiRequest:
    """PATCH up to ``BULK_EDIT_LIMIT`` tasks of one project with the same operations."""
    if not 1 <= len(task_ids) <= BULK_EDIT_LIMIT:
        msg = f"a bulk edit request takes 1 to {BULK_EDIT_LIMIT} task ids, got {len(task_ids)}"
        raise ValueError(msg)
    path = _project_path(workspace_id, project_id, ",".join(str(i) for i in task_ids))
    return ApiRequest(RequestMethod.PATCH, path, json=list(operations))


def list_scope(workspace_id: int, active: bool | str) -> str:
    """Cache scope of a complete task list of a workspace with an ``active`` filter."""
    key = "both" if active == "both" else str(bool(active)).lower()
    return f"tasks/{workspace_id}?active={key}"


def list_queries(workspace_id: int, active: bool | str, project_id: int | None = None) -> list[TogglQuery[Any]]:
    """Cache queries selecting what a task list with ``active`` (and optionally one project) contains."""
    queries: list[TogglQuery[Any]] = [TogglQuery("workspace", workspace_id)]
    if active != "both":
        queries.append(TogglQuery("active", bool(active)))
    if project_id is not None:
        queries.append(TogglQuery("project", project_id))
    return queries
