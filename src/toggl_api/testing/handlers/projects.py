"""Projects (reference §5.2, §6.4)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import EmulatorError, bad_request, not_found
from ..state import Backend, Project, Workspace, attrs_copy
from ..timefmt import fmt_date, fmt_plus, parse_date_or_ts
from ._base import Ctx, Route, route

__all__ = ["DEFAULT_PER_PAGE", "MAX_PER_PAGE", "ROUTES", "project_actuals", "project_status", "render_project"]

#: ``per_page`` default and maximum of ``GET /workspaces/{wid}/projects``.
DEFAULT_PER_PAGE = 151
MAX_PER_PAGE = 200
MSG_DUPLICATE = "Name has already been taken"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_STATUSES = ("upcoming", "active", "ended", "archived", "deleted")


def project_status(project: Project, today: date) -> str:
    """``archived`` | ``upcoming`` | ``ended`` | ``active`` (``deleted`` once deleted)."""
    if project.server_deleted_at is not None:
        return "deleted"
    if not project.active:
        return "archived"
    if project.start_date > today:
        return "upcoming"
    if project.end_date is not None and project.end_date < today:
        return "ended"
    return "active"


def project_actuals(backend: Backend) -> dict[int, int]:
    """Tracked seconds per project id (stopped, non-deleted entries)."""
    totals: dict[int, int] = {}
    for te in backend.time_entries.values():
        if te.project_id is not None and not te.deleted and te.duration > 0:
            totals[te.project_id] = totals.get(te.project_id, 0) + te.duration
    return totals


def render_project(
    backend: Backend, project: Project, actuals: dict[int, int] | None = None, total_count: int | None = None
) -> dict[str, Any]:
    """Toggl's Project JSON (``at``/``created_at`` with ``+00:00``, ``start_date`` a date)."""
    seconds = (actuals if actuals is not None else project_actuals(backend)).get(project.id, 0)
    client = backend.clients.get(project.client_id) if project.client_id is not None else None
    out: dict[str, Any] = {
        "id": project.id,
        "workspace_id": project.workspace_id,
        "client_id": project.client_id,
        "name": project.name,
        "is_private": project.is_private,
        "active": project.active,
        "at": fmt_plus(project.at),
        "created_at": fmt_plus(project.created_at),
        "server_deleted_at": fmt_plus(project.server_deleted_at) if project.server_deleted_at else None,
        "color": project.color,
        "billable": project.billable,
        "template": project.template,
        "auto_estimates": project.auto_estimates,
        "estimated_hours": project.estimated_hours,
        "estimated_seconds": project.estimated_hours * 3600 if project.estimated_hours is not None else None,
        "rate": project.rate,
        "rate_last_updated": None,
        "currency": project.currency,
        "recurring": project.recurring,
        "template_id": project.template_id,
        "recurring_parameters": None,
        "fixed_fee": project.fixed_fee,
        "actual_hours": seconds // 3600,
        "actual_seconds": seconds,
        "tasks_count": sum(
            1 for t in backend.tasks.values() if t.project_id == project.id and t.server_deleted_at is None
        )
        or None,
        "can_track_time": True,
        "start_date": fmt_date(project.start_date),
        "status": project_status(project, backend.now().date()),
        "wid": project.workspace_id,
        "cid": project.client_id,
        "is_shared": project.is_shared,
        "pinned": project.pinned,
    }
    if project.end_date is not None:
        out["end_date"] = fmt_date(project.end_date)
    if client is not None:
        out["client_name"] = client.name
    if total_count is not None:
        out["total_count"] = total_count
    return out


def _csv_ints(value: str | None, name: str) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise bad_request(f"Invalid {name}") from None


def list_projects(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/projects (filters; ``page``/``per_page`` 151/200; ``total_count`` per item)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    projects = [p for p in backend.projects.values() if p.workspace_id == ws.id and p.server_deleted_at is None]
    since = ctx.int_param("since")
    if since is not None:
        projects = [p for p in backend.projects.values() if p.workspace_id == ws.id and p.at.timestamp() >= since]
    # ``active`` defaults to true, but not under ``statuses``: ``statuses=archived`` alone must find
    # archived projects (the statuses already say which projects are wanted).
    active = (ctx.param("active") or ("both" if ctx.param("statuses") else "true")).lower()
    if active not in ("true", "false", "both"):
        raise bad_request("Invalid active")
    if active != "both":
        projects = [p for p in projects if p.active == (active == "true")]
    if ctx.param("billable") is not None:
        billable = ctx.bool_param("billable")
        projects = [p for p in projects if p.billable == billable]
    client_ids = _csv_ints(ctx.param("client_ids"), "client_ids")
    if client_ids is not None:
        projects = [p for p in projects if p.client_id in client_ids]
    project_ids = _csv_ints(ctx.param("project_ids"), "project_ids")
    if project_ids is not None:
        projects = [p for p in projects if p.id in project_ids]
    statuses = ctx.param("statuses")
    if statuses:
        wanted = {s.strip() for s in statuses.split(",") if s.strip()}
        if not wanted <= set(_STATUSES):
            raise bad_request("Invalid statuses")
        today = ctx.now.date()
        projects = [p for p in projects if project_status(p, today) in wanted]
    for key in ("name", "search"):
        text = ctx.param(key)
        if text:
            projects = [p for p in projects if text.lower() in p.name.lower()]
    reverse = (ctx.param("sort_order") or "asc").lower() == "desc"
    projects.sort(key=lambda p: (p.name.lower(), p.id), reverse=reverse)
    per_page = min(max(1, ctx.int_param("per_page", DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = max(1, ctx.int_param("page", 1) or 1)
    total = len(projects)
    actuals = project_actuals(backend)
    chunk = projects[(page - 1) * per_page : page * per_page]
    return [render_project(backend, p, actuals, total) for p in chunk]


def _get(ctx: Ctx) -> tuple[Workspace, Project]:
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    project = ctx.backend.live_project(ws.id, ctx.arg("pid"))
    if project is None:
        raise not_found("Project not found")
    return ws, project


def get_project(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/projects/{pid}."""
    _, project = _get(ctx)
    return render_project(ctx.backend, project)


def _check_name(backend: Backend, ws: Workspace, value: object, exclude: int | None = None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request("Project name can not be empty")
    for p in backend.projects.values():
        if (
            p.workspace_id == ws.id
            and p.server_deleted_at is None
            and p.id != exclude
            and p.name.lower() == name.lower()
        ):
            raise bad_request(MSG_DUPLICATE)
    return name


def _apply(ctx: Ctx, ws: Workspace, project: Project, data: dict[str, Any]) -> None:
    backend = ctx.backend
    if "color" in data:
        color = data["color"]
        if not isinstance(color, str) or not _COLOR.match(color):
            raise bad_request(
                f"Error in validating color '{color}'. Project color must be a hex value in the form of #[0-9a-f]{{6}}."
            )
        project.color = color.lower()
    cid_given = "client_id" in data or "cid" in data
    cid = data.get("client_id", data.get("cid"))
    if cid_given and cid is not None:
        client = backend.clients.get(cid) if isinstance(cid, int) else None
        if client is None or client.workspace_id != ws.id or client.server_deleted_at is not None:
            raise bad_request(f"Client with the ID {cid} isn't present in workspace {ws.id}")
        project.client_id = cid
    elif cid_given:
        project.client_id = None
    elif isinstance(data.get("client_name"), str) and data["client_name"].strip():
        name = data["client_name"].strip()
        match = next(
            (
                c
                for c in backend.clients.values()
                if c.workspace_id == ws.id and c.server_deleted_at is None and c.name.lower() == name.lower()
            ),
            None,
        )
        project.client_id = (match or backend.add_client(ws, name, ctx.me)).id
    for key in ("active", "is_private", "billable", "recurring", "is_shared"):
        if key in data:
            if not isinstance(data[key], bool):
                raise bad_request(f"Invalid {key}")
            setattr(project, key, data[key])
    for key in ("template", "auto_estimates"):
        if key in data:
            setattr(project, key, data[key])
    for key in ("start_date", "end_date"):
        if key in data:
            value = data[key]
            setattr(project, key, None if value is None else parse_date_or_ts(value, key).date())
    if project.end_date is not None and project.end_date < project.start_date:
        raise bad_request("End date must be after start date")
    for key in ("estimated_hours", "rate", "fixed_fee", "template_id", "currency"):
        if key in data:
            setattr(project, key, data[key])


def create_project(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/projects."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    name = _check_name(backend, ws, data.get("name"))
    probe = Project(0, ws.id, name, ctx.now, ctx.now, ctx.me.id, "#0b83d9", ctx.now.date())
    probe.is_private = ws.projects_private_by_default
    _apply(ctx, ws, probe, data)
    project = backend.add_project(ws, name, ctx.me)
    probe.id, probe.created_at = project.id, project.created_at
    backend.projects[project.id] = probe
    return render_project(backend, probe)


def update_project(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/projects/{pid} (partial; ``active: false`` archives)."""
    backend = ctx.backend
    ws, original = _get(ctx)
    project = attrs_copy(original)  # applied only if every field validates
    data = ctx.body_object()
    if "name" in data:
        project.name = _check_name(backend, ws, data["name"], exclude=project.id)
    _apply(ctx, ws, project, data)
    project.at = ctx.now
    backend.projects[project.id] = project
    return render_project(backend, project)


def delete_project(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/projects/{pid}: ``teDeletionMode`` unassign (default) | delete."""
    backend = ctx.backend
    _, project = _get(ctx)
    mode = ctx.param("teDeletionMode") or "unassign"
    if mode not in ("unassign", "delete"):
        raise bad_request("Invalid teDeletionMode")
    now = ctx.now
    project.server_deleted_at = project.at = now
    for task in backend.tasks.values():
        if task.project_id == project.id and task.server_deleted_at is None:
            task.server_deleted_at = task.at = now
    for te in backend.time_entries.values():
        if te.project_id == project.id and not te.deleted:
            if mode == "delete":
                backend.soft_delete(te)
            else:
                te.project_id, te.task_id, te.at = None, None, now
    return project.id


#: Paths a bulk PATCH may change (Toggl refuses active, client_id, client_name, is_shared, template_id).
_PATCH_PATHS = (
    "/name",
    "/color",
    "/is_private",
    "/billable",
    "/auto_estimates",
    "/estimated_hours",
    "/start_date",
    "/end_date",
    "/rate",
    "/fixed_fee",
    "/currency",
    "/template",
    "/recurring",
)
_NOT_BULK = ("/active", "/client_id", "/cid", "/client_name", "/is_shared", "/template_id")


def patch_projects(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/projects/{ids}: JSON patch on many projects, ``{success, failure}``."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    ids = _csv_ints(ctx.raw_arg("ids"), "project_ids") or []
    if not ids:
        raise bad_request("Invalid project_ids")
    if len(ids) > MAX_PER_PAGE:
        raise bad_request(f"Cannot update more than {MAX_PER_PAGE} projects at once")
    ops = ctx.body()
    if not isinstance(ops, list) or not ops or not all(isinstance(o, dict) for o in ops):
        raise bad_request("Invalid JSON input")
    for op in ops:
        if op.get("op") not in ("add", "remove", "replace"):
            raise bad_request(f"Invalid operation: {op.get('op')}")
        if op.get("path") in _NOT_BULK:
            raise bad_request(f"Field {str(op.get('path'))[1:]} cannot be changed in bulk")
        if op.get("path") not in _PATCH_PATHS:
            raise bad_request(f"Invalid path: {op.get('path')}")
    success: list[int] = []
    failure: list[dict[str, Any]] = []
    for pid in dict.fromkeys(ids):
        original = backend.live_project(ws.id, pid)
        if original is None:
            failure.append({"id": pid, "message": f"Project with ID {pid} was not found/is not accessible"})
            continue
        project = attrs_copy(original)
        try:
            for op in ops:
                key = op["path"][1:]
                value = None if op["op"] == "remove" else op.get("value")
                if key == "name":
                    project.name = _check_name(backend, ws, value, exclude=project.id)
                else:
                    _apply(ctx, ws, project, {key: value})
        except EmulatorError as exc:
            failure.append({"id": pid, "message": exc.body or "Invalid value"})
            continue
        project.at = ctx.now
        backend.projects[pid] = project
        success.append(pid)
    return {"success": success, "failure": failure}


ROUTES: list[Route] = [
    route("GET", "/workspaces/{wid}/projects", list_projects),
    route("POST", "/workspaces/{wid}/projects", create_project),
    route("GET", "/workspaces/{wid}/projects/{pid}", get_project),
    route("PUT", "/workspaces/{wid}/projects/{pid}", update_project),
    route("DELETE", "/workspaces/{wid}/projects/{pid}", delete_project),
    route("PATCH", "/workspaces/{wid}/projects/{ids}", patch_projects),
]
