"""Organizations (reference §5.6, §6.2, §6.3)."""

from __future__ import annotations

from typing import Any

from ..errors import EmulatorError, bad_request, forbidden
from ..state import Backend, Organization, User
from ..timefmt import fmt_micro_z
from ._base import EMPTY, Ctx, Route, route
from .workspaces import check_workspace_name, render_workspace

__all__ = ["MAX_NAME", "ROUTES", "render_organization"]

#: Longest organization name accepted.
MAX_NAME = 140
#: Workspaces an organization may hold.
MAX_WORKSPACES = 20
MSG_MULTI_WORKSPACE = "Multiple workspaces are not enabled in this organization."


def render_organization(backend: Backend, org: Organization, user: User) -> dict[str, Any]:
    """Toggl's MeOrganization JSON as seen by ``user``."""
    role = org.members.get(user.id)
    return {
        "id": org.id,
        "name": org.name,
        "pricing_plan_id": org.pricing_plan_id,
        "created_at": fmt_micro_z(org.created_at),
        "at": fmt_micro_z(org.at),
        "server_deleted_at": None,
        "is_multi_workspace_enabled": org.multi_workspace_enabled,
        "suspended_at": None,
        "user_count": len(org.members),
        "trial_info": {
            "trial": False,
            "trial_available": org.plan == "free",
            "trial_end_date": None,
            "next_payment_date": None,
            "last_pricing_plan_id": None,
            "can_have_trial": org.plan == "free",
            "trial_plan_id": None,
        },
        "is_unified": False,
        "max_workspaces": MAX_WORKSPACES,
        "permissions": None,
        "admin": role in ("owner", "admin"),
        "owner": role == "owner",
        "pricing_plan_name": org.plan_name,
        "pricing_plan_enterprise": org.plan == "enterprise",
        "max_data_retention_days": None,
        "subscription": {
            "billing_period_months": None if org.plan == "free" else 1,
            "created_at": fmt_micro_z(org.created_at),
            "enterprise": org.plan == "enterprise",
            "plan": org.plan,
            "plan_name": org.plan_name,
            "seats": len(org.members),
            "state": "free" if org.plan == "free" else "active",
            "trial": {"active": False, "available": org.plan == "free", "end_date": None, "plan": None},
        },
    }


def _org_name(value: object, blank: str) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request(blank)
    if len(name) > MAX_NAME:
        raise bad_request(f"organization name too long, maximum length is {MAX_NAME}")
    return name


def create_organization(ctx: Ctx) -> Any:
    """POST /organizations ``{name, workspace_name}`` → ``{id, name, workspace_id, workspace_name}``."""
    backend = ctx.backend
    data = ctx.body_object()
    name = _org_name(data.get("name"), "Field 'name' cannot be empty.")
    ws_name = data.get("workspace_name")
    if not isinstance(ws_name, str) or not ws_name.strip():
        raise bad_request("workspace name must be provided")
    org = backend.add_organization(name, ctx.me)
    ws = backend.add_workspace(org, check_workspace_name(backend, org.id, ws_name), admin=ctx.me)
    return {"id": org.id, "name": org.name, "workspace_id": ws.id, "workspace_name": ws.name}


def get_organization(ctx: Ctx) -> Any:
    """GET /organizations/{oid}."""
    org = ctx.backend.organization_for(ctx.me, ctx.arg("oid"))
    return render_organization(ctx.backend, org, ctx.me)


def update_organization(ctx: Ctx) -> Any:
    """PUT /organizations/{oid} ``{name}`` (admins only); answers a JSON string."""
    org = ctx.backend.organization_for(ctx.me, ctx.arg("oid"))
    if org.members.get(ctx.me.id) not in ("owner", "admin"):
        raise forbidden()
    data = ctx.body_object()
    if not data:
        raise bad_request("At least one field is required")
    if "name" in data:
        org.name = _org_name(data["name"], "field 'name' cannot be empty")
    org.at = ctx.now
    return "OK"


def create_workspace(ctx: Ctx) -> Any:
    """POST /organizations/{oid}/workspaces."""
    backend = ctx.backend
    org = backend.organizations.get(ctx.arg("oid"))
    if org is None or org.server_deleted_at is not None:
        raise EmulatorError(404, "Organization not found/accessible")
    if org.members.get(ctx.me.id) not in ("owner", "admin"):
        raise forbidden()
    data = ctx.body_object()
    name = check_workspace_name(backend, org.id, data.get("name"))
    count = sum(1 for w in backend.workspaces.values() if w.organization_id == org.id and w.server_deleted_at is None)
    if count >= 1 and not org.multi_workspace_enabled:
        raise bad_request(MSG_MULTI_WORKSPACE)
    if count >= MAX_WORKSPACES:
        raise bad_request(f"Organization {org.name} can have a maximum of {MAX_WORKSPACES} workspaces")
    ws = backend.add_workspace(org, name, admin=ctx.me)
    return render_workspace(backend, ws, ctx.me)


def leave_organization(ctx: Ctx) -> Any:
    """DELETE /organizations/{oid}/users/leave: drops the caller from the org and its workspaces."""
    backend, me = ctx.backend, ctx.me
    org = backend.organization_for(me, ctx.arg("oid"))
    del org.members[me.id]
    for key in [k for k, r in backend.org_members.items() if r.organization_id == org.id and r.user_id == me.id]:
        del backend.org_members[key]
    for ws in backend.workspaces.values():
        if ws.organization_id == org.id:
            ws.members.pop(me.id, None)
            for key in [
                k for k, r in backend.workspace_members.items() if r.workspace_id == ws.id and r.user_id == me.id
            ]:
                del backend.workspace_members[key]
    if me.default_workspace_id is not None and me.id not in backend.workspaces[me.default_workspace_id].members:
        remaining = backend.user_workspaces(me)
        me.default_workspace_id = remaining[0].id if remaining else None
    me.at = ctx.now
    return EMPTY


ROUTES: list[Route] = [
    route("POST", "/organizations", create_organization),
    route("GET", "/organizations/{oid}", get_organization),
    route("PUT", "/organizations/{oid}", update_organization),
    route("POST", "/organizations/{oid}/workspaces", create_workspace),
    route("DELETE", "/organizations/{oid}/users/leave", leave_organization),
]
