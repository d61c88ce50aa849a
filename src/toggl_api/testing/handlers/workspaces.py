"""Workspaces (reference §5.5, §6.2)."""

from __future__ import annotations

import hashlib
from typing import Any

from ..errors import bad_request
from ..state import Backend, User, Workspace
from ..timefmt import fmt_plus
from ._base import Ctx, Route, route

__all__ = ["MAX_NAME", "ROUTES", "check_workspace_name", "render_workspace"]

#: Longest workspace name accepted.
MAX_NAME = 140
#: Time-entry constraints of every workspace (none enforced).
NO_CONSTRAINTS: dict[str, bool] = {
    "description_present": False,
    "project_present": False,
    "tag_present": False,
    "task_present": False,
    "time_entry_constraints_enabled": False,
}

_BOOL_SETTINGS = (
    "only_admins_may_create_projects",
    "only_admins_may_create_tags",
    "only_admins_see_billable_rates",
    "only_admins_see_team_dashboard",
    "projects_billable_by_default",
    "projects_private_by_default",
    "projects_enforce_billable",
    "limit_public_project_data",
    "reports_collapse",
)


def _hex(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:32]


def render_workspace(backend: Backend, ws: Workspace, user: User, *, with_counts: bool = False) -> dict[str, Any]:
    """Toggl's Workspace JSON as seen by ``user`` (``admin``/``role`` are theirs)."""
    org = backend.organizations.get(ws.organization_id)
    plan = org.plan if org else "free"
    role = ws.members.get(user.id, "user")
    prefs = backend.workspace_preferences.get(ws.id, {})
    out: dict[str, Any] = {
        "id": ws.id,
        "organization_id": ws.organization_id,
        "name": ws.name,
        "premium": plan in ("starter", "premium", "enterprise"),
        "business_ws": plan in ("premium", "enterprise"),
        "admin": role == "admin",
        "role": role,
        "suspended_at": None,
        "server_deleted_at": None,
        "default_hourly_rate": ws.default_hourly_rate,
        "rate_last_updated": None,
        "default_currency": ws.default_currency,
    }
    out.update({key: getattr(ws, key) for key in _BOOL_SETTINGS})
    out.update(
        {
            "last_modified": ws.at.strftime("%Y-%m-%dT00:00:00Z"),
            "rounding": ws.rounding,
            "rounding_minutes": ws.rounding_minutes,
            "api_token": _hex("ws-token", ws.id),
            "at": fmt_plus(ws.at),
            "logo_url": "https://assets.track.toggl.com/images/workspace.jpg",
            "ical_url": f"/ical/workspace_user/{_hex('ical', ws.id, user.id)}",
            "ical_enabled": True,
            "csv_upload": None,
            "subscription": None,
            "hide_start_end_times": bool(prefs.get("hide_start_end_times", False)),
            "working_hours_in_minutes": None,
            "disable_approvals": bool(prefs.get("disable_approvals", False)),
            "disable_expenses": bool(prefs.get("disable_expenses", False)),
            "disable_timesheet_view": bool(prefs.get("disable_timesheet_view", False)),
            "max_data_retention_days": None,
            "permissions": None,
            "te_constraints": dict(NO_CONSTRAINTS),
        }
    )
    if with_counts:
        out["active_project_count"] = sum(
            1 for p in backend.projects.values() if p.workspace_id == ws.id and p.active and p.server_deleted_at is None
        )
    return out


def check_workspace_name(backend: Backend, org_id: int, value: object, exclude: int | None = None) -> str:
    """Validate a workspace name with Toggl's messages."""
    if value is None:
        raise bad_request("workspace name must not be nil")
    if not isinstance(value, str) or not value.strip():
        raise bad_request("workspace name must contain non-space characters")
    name = value.strip()
    if len(name) > MAX_NAME:
        raise bad_request(f"workspace name must not be longer than {MAX_NAME}")
    for ws in backend.workspaces.values():
        if ws.organization_id == org_id and ws.id != exclude and ws.server_deleted_at is None and ws.name == name:
            raise bad_request("another workspace with same name exists in organization")
    return name


def get_workspace(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    return render_workspace(ctx.backend, ws, ctx.me)


def update_workspace(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}: name and settings."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    if "name" in data:
        ws.name = check_workspace_name(backend, ws.organization_id, data["name"], exclude=ws.id)
    for key in _BOOL_SETTINGS:
        if key in data:
            if not isinstance(data[key], bool):
                raise bad_request(f"Invalid {key}")
            setattr(ws, key, data[key])
    for key in ("rounding", "rounding_minutes"):
        if key in data:
            if not isinstance(data[key], int):
                raise bad_request(f"Invalid {key}")
            setattr(ws, key, data[key])
    if "default_currency" in data:
        ws.default_currency = str(data["default_currency"])
    if "default_hourly_rate" in data:
        ws.default_hourly_rate = data["default_hourly_rate"]
    ws.at = ctx.now
    return render_workspace(backend, ws, ctx.me)


def workspace_statistics(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/statistics."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    admins = [
        {"user_id": uid, "name": backend.users[uid].fullname}
        for uid, role in sorted(ws.members.items())
        if role == "admin" and uid in backend.users
    ]
    groups = sum(1 for g in backend.groups.values() if ws.id in g.workspaces)
    return {"admins": admins, "groups_count": groups, "members_count": len(ws.members)}


def time_entry_constraints(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/time_entry_constraints (none enforced)."""
    ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    return dict(NO_CONSTRAINTS)


ROUTES: list[Route] = [
    route("GET", "/workspaces/{wid}", get_workspace),
    route("PUT", "/workspaces/{wid}", update_workspace),
    route("GET", "/workspaces/{wid}/statistics", workspace_statistics),
    route("GET", "/workspaces/{wid}/time_entry_constraints", time_entry_constraints),
]
