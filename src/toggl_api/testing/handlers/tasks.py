"""Tasks of projects (spec ``models.Task``, ``task.Payload``, ``task.Response``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..errors import EmulatorError, bad_request
from ..state import Backend, Project, Task, User, Workspace, attrs_copy
from ..timefmt import fmt_plus, parse_date_or_ts
from ._base import Ctx, Route, route
from ._common import OK, csv_ids, is_int, optional_number, patch_ops

__all__ = ["DEFAULT_PER_PAGE", "MAX_NAME", "ROUTES", "render_task", "task_tracked_ms"]

#: Longest task name accepted.
MAX_NAME = 255
#: ``per_page`` default and maximum of ``GET /workspaces/{wid}/tasks``.
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MSG_INVALID_PROJECT = "Invalid project_id"
MSG_INVALID_TASK = "Invalid task_id"
MSG_PROJECT_GONE = "Project not found/accessible"
MSG_ARCHIVED = "Can not change tasks of archived project"
MSG_NAME_EMPTY = "Task name must be present"
MSG_DUPLICATE = "Name has already been taken"
_PATCH_PATHS = ("/name", "/active", "/estimated_seconds", "/user_id", "/external_reference", "/rate")


def task_tracked_ms(backend: Backend) -> dict[int, int]:
    """Tracked time per task id, in milliseconds (the spec: ``tracked_seconds`` is milliseconds)."""
    totals: dict[int, int] = {}
    for te in backend.time_entries.values():
        if te.task_id is not None and not te.deleted and te.duration > 0:
            totals[te.task_id] = totals.get(te.task_id, 0) + te.duration * 1000
    return totals


def render_task(backend: Backend, task: Task, tracked: dict[int, int] | None = None) -> dict[str, Any]:
    """Toggl's Task JSON (project and client names resolved, like the web app's answers)."""
    project = backend.projects.get(task.project_id)
    client = backend.clients.get(project.client_id) if project and project.client_id else None
    user = backend.users.get(task.user_id) if task.user_id is not None else None
    out: dict[str, Any] = {
        "id": task.id,
        "name": task.name,
        "workspace_id": task.workspace_id,
        "project_id": task.project_id,
        "user_id": task.user_id,
        "active": task.active,
        "at": fmt_plus(task.at),
        "estimated_seconds": task.estimated_seconds,
        "tracked_seconds": (tracked if tracked is not None else task_tracked_ms(backend)).get(task.id, 0),
        "recurring": task.recurring,
        "rate": task.rate,
        "rate_last_updated": None,
        "external_reference": task.external_reference,
        "integration_ext_id": None,
        "integration_ext_type": None,
        "integration_provider": None,
        "toggl_accounts_id": None,
        "user_name": user.fullname if user else None,
        "avatar_url": None,
        "project_name": project.name if project else None,
        "project_color": project.color if project else None,
        "project_billable": project.billable if project else None,
        "project_is_private": project.is_private if project else None,
        "client_id": client.id if client else None,
        "client_name": client.name if client else None,
        "permissions": None,
    }
    if task.server_deleted_at is not None:
        out["server_deleted_at"] = fmt_plus(task.server_deleted_at)
    return out


# -- lookups --------------------------------------------------------------------------------------
def _project(ctx: Ctx) -> tuple[Workspace, Project]:
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    project = ctx.backend.live_project(ws.id, ctx.arg("pid"))
    if project is None:
        raise bad_request(MSG_INVALID_PROJECT)
    return ws, project


def _task(ctx: Ctx) -> tuple[Workspace, Project, Task]:
    ws, project = _project(ctx)
    task = ctx.backend.live_task(ws.id, ctx.arg("tid"))
    if task is None or task.project_id != project.id:
        raise bad_request(MSG_INVALID_TASK)
    return ws, project, task


def _check_name(backend: Backend, project: Project, value: object, exclude: int | None = None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request(MSG_NAME_EMPTY)
    if len(name) > MAX_NAME:
        raise bad_request(f"Task name too long, maximum length is {MAX_NAME}")
    for task in backend.tasks.values():
        if (
            task.project_id == project.id
            and task.server_deleted_at is None
            and task.id != exclude
            and task.name.lower() == name.lower()
        ):
            raise bad_request(MSG_DUPLICATE)
    return name


def _check_assignee(backend: Backend, ws: Workspace, value: object) -> int | None:
    if value is None:
        return None
    if not is_int(value) or value not in ws.members:
        raise bad_request("Invalid user_id")
    return value


def _apply(backend: Backend, ws: Workspace, project: Project, task: Task, data: dict[str, Any]) -> None:
    if "name" in data:
        task.name = _check_name(backend, project, data["name"], exclude=task.id)
    if "active" in data:
        if not isinstance(data["active"], bool):
            raise bad_request("Invalid active")
        task.active = data["active"]
    if "estimated_seconds" in data:
        value = data["estimated_seconds"]
        if value is not None and (not is_int(value) or value < 0):
            raise bad_request("Invalid estimated_seconds")
        task.estimated_seconds = value
    if "user_id" in data:
        task.user_id = _check_assignee(backend, ws, data["user_id"])
    if "external_reference" in data:
        value = data["external_reference"]
        if value is not None and not isinstance(value, str):
            raise bad_request("Invalid external_reference")
        task.external_reference = value
    if "rate" in data:
        task.rate = optional_number(data["rate"], "Invalid rate")


# -- handlers -------------------------------------------------------------------------------------
def list_project_tasks(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/projects/{pid}/tasks (``active``: true | false | both, default all)."""
    backend = ctx.backend
    _, project = _project(ctx)
    tasks = [t for t in backend.tasks.values() if t.project_id == project.id and t.server_deleted_at is None]
    active = ctx.param("active")
    if active not in (None, "", "both"):
        tasks = [t for t in tasks if t.active == ctx.bool_param("active")]
    tracked = task_tracked_ms(backend)
    return [render_task(backend, t, tracked) for t in sorted(tasks, key=lambda t: (t.name.lower(), t.id))]


def create_task(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/projects/{pid}/tasks."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    project = backend.live_project(ws.id, ctx.arg("pid"))
    if project is None:
        raise bad_request(MSG_PROJECT_GONE)
    if not project.active:
        raise bad_request(MSG_ARCHIVED)
    data = ctx.body_object()
    probe = Task(0, ws.id, project.id, _check_name(backend, project, data.get("name")), ctx.now, ctx.me.id)
    _apply(backend, ws, project, probe, data)
    task = backend.add_task(project, probe.name, ctx.me)
    probe.id = task.id
    backend.tasks[task.id] = probe
    return render_task(backend, probe)


def get_task(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/projects/{pid}/tasks/{tid}."""
    _, _, task = _task(ctx)
    return render_task(ctx.backend, task)


def update_task(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/projects/{pid}/tasks/{tid} (partial)."""
    backend = ctx.backend
    ws, project, original = _task(ctx)
    if not project.active:
        raise bad_request(MSG_ARCHIVED)
    task = attrs_copy(original)  # applied only when every field validates
    _apply(backend, ws, project, task, ctx.body_object())
    task.at = ctx.now
    backend.tasks[task.id] = task
    return render_task(backend, task)


def delete_task_record(backend: Backend, task: Task, now: datetime) -> None:
    """Delete ``task``: its time entries lose it (their ``at`` moves)."""
    task.server_deleted_at = task.at = now
    for te in backend.time_entries.values():
        if te.task_id == task.id:
            te.task_id, te.at = None, now


def delete_task(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/projects/{pid}/tasks/{tid}: answers "OK"."""
    _, _, task = _task(ctx)
    delete_task_record(ctx.backend, task, ctx.now)
    return OK


def patch_tasks(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/projects/{pid}/tasks/{ids}: JSON patch, ``{success, failure}``."""
    backend = ctx.backend
    ws, project = _project(ctx)
    ids = csv_ids(ctx.raw_arg("ids"), MSG_INVALID_TASK) or []
    if not ids:
        raise bad_request(MSG_INVALID_TASK)
    if len(ids) > 100:
        raise bad_request("PATCH request is limited to 100 entries at once")
    ops = patch_ops(ctx)
    for op in ops:
        if op.get("op") not in ("add", "remove", "replace") or op.get("path") not in _PATCH_PATHS:
            raise bad_request(f"Invalid path: {op.get('path')}")
    success: list[int] = []
    failure: list[dict[str, Any]] = []
    for task_id in dict.fromkeys(ids):
        original = backend.live_task(ws.id, task_id)
        if original is None or original.project_id != project.id:
            failure.append({"id": task_id, "message": f"Task with ID {task_id} was not found/is not accessible"})
            continue
        task = attrs_copy(original)
        try:
            for op in ops:
                key = op["path"][1:]
                if op["op"] == "remove":
                    if key in ("name", "active"):
                        raise bad_request(f"Cannot remove {key}")
                    value = None
                else:
                    value = op.get("value")
                _apply(backend, ws, project, task, {key: value})
        except EmulatorError as exc:  # a validation error is reported for this task only
            failure.append({"id": task_id, "message": exc.body or "Invalid value"})
            continue
        task.at = ctx.now
        backend.tasks[task_id] = task
        success.append(task_id)
    return {"success": success, "failure": failure}


def _since(ctx: Ctx) -> datetime | None:
    value = ctx.int_param("since")
    return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


def list_workspace_tasks(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/tasks: ``task.Response`` (``data``, ``page``, ``per_page``, ``total_count``...)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    since = _since(ctx)
    tasks = [t for t in backend.tasks.values() if t.workspace_id == ws.id]
    tasks = [t for t in tasks if t.at >= since] if since else [t for t in tasks if t.server_deleted_at is None]
    # ``since`` reads are for syncing: done tasks changed since then come back too unless asked otherwise.
    active = (ctx.param("active") or ("both" if since else "true")).lower()
    if active not in ("true", "false", "both"):
        raise bad_request("Invalid active")
    if active != "both":
        tasks = [t for t in tasks if t.active == (active == "true")]
    pid = ctx.int_param("pid")
    if pid is not None:
        tasks = [t for t in tasks if t.project_id == pid]
    search = ctx.param("search")
    if search:
        tasks = [t for t in tasks if search.lower() in t.name.lower()]
    raw_start, raw_end = ctx.param("start_date"), ctx.param("end_date")
    if raw_start:
        lower = parse_date_or_ts(raw_start, "start_date")
        tasks = [t for t in tasks if t.at >= lower]
    if raw_end:
        upper = parse_date_or_ts(raw_end, "end_date")
        tasks = [t for t in tasks if t.at <= upper]
    sort_field = ctx.param("sort_field") or "name"
    if sort_field not in ("name", "at", "id", "project_name", "estimated_seconds"):
        raise bad_request("Invalid sort_field")
    sort_order = (ctx.param("sort_order") or "ASC").upper()
    if sort_order not in ("ASC", "DESC"):
        raise bad_request("Invalid sort_order")

    def sort_key(task: Task) -> Any:
        if sort_field == "name":
            return (task.name.lower(), task.id)
        if sort_field == "project_name":
            project = backend.projects.get(task.project_id)
            return ((project.name.lower() if project else ""), task.id)
        if sort_field == "estimated_seconds":
            return (task.estimated_seconds or 0, task.id)
        return (getattr(task, sort_field), task.id)

    tasks.sort(key=sort_key, reverse=sort_order == "DESC")
    per_page = ctx.int_param("per_page", DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE
    page = ctx.int_param("page", 1) or 1
    if per_page < 1 or page < 1:
        raise bad_request("Invalid pagination parameters")
    per_page = min(per_page, MAX_PER_PAGE)
    tracked = task_tracked_ms(backend)
    chunk = tasks[(page - 1) * per_page : page * per_page]
    return {
        "data": [render_task(backend, t, tracked) for t in chunk],
        "page": page,
        "per_page": per_page,
        "sort_field": sort_field,
        "sort_order": sort_order,
        "total_count": len(tasks),
    }


def me_tasks(ctx: Ctx) -> Any:
    """GET /me/tasks: tasks of every workspace of the user (``since``, ``include_not_active``, ``offset``)."""
    backend, me = ctx.backend, ctx.me
    raw = (ctx.param("include_not_active") or "false").lower()
    if raw not in ("true", "false"):
        raise bad_request("Invalid include_not_active")
    wids = {w.id for w in backend.user_workspaces(me)}
    since = _since(ctx)
    tasks = [t for t in backend.tasks.values() if t.workspace_id in wids]
    if since:
        tasks = [t for t in tasks if t.at >= since]
    else:
        tasks = [t for t in tasks if t.server_deleted_at is None and (raw == "true" or t.active)]
    tasks.sort(key=lambda t: t.id)
    offset = max(0, ctx.int_param("offset", 0) or 0)
    per_page = ctx.int_param("per_page")
    tasks = tasks[offset:] if per_page is None or per_page < 1 else tasks[offset : offset + per_page]
    tracked = task_tracked_ms(backend)
    return [render_task(backend, t, tracked) for t in tasks]


def check_entry_task(backend: Backend, ws: Workspace, user: User, task_id: object, project_id: int | None) -> Task:
    """The live task a time entry names; 400 "User cannot access the selected task" otherwise."""
    task = backend.live_task(ws.id, task_id) if is_int(task_id) else None
    if task is None or (project_id is not None and task.project_id != project_id):
        raise bad_request("User cannot access the selected task")
    return task


ROUTES: list[Route] = [
    route("GET", "/me/tasks", me_tasks),
    route("GET", "/workspaces/{wid}/tasks", list_workspace_tasks),
    route("GET", "/workspaces/{wid}/projects/{pid}/tasks", list_project_tasks),
    route("POST", "/workspaces/{wid}/projects/{pid}/tasks", create_task),
    route("GET", "/workspaces/{wid}/projects/{pid}/tasks/{tid}", get_task),
    route("PUT", "/workspaces/{wid}/projects/{pid}/tasks/{tid}", update_task),
    route("DELETE", "/workspaces/{wid}/projects/{pid}/tasks/{tid}", delete_task),
    route("PATCH", "/workspaces/{wid}/projects/{pid}/tasks/{ids}", patch_tasks),
]
