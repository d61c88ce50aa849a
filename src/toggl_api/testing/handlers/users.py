"""Members: workspace users, organization users and project users.

Toggl gives each membership its own id: a *workspace user* id (``/workspace_users/{id}``) and an
*organization user* id (``/organizations/{oid}/users/{id}``) differ from the user id (``uid`` /
``user_id``), which ``/workspaces/{wid}/users/{user_id}`` takes.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import EmulatorError, bad_request, forbidden, not_found
from ..state import Backend, Organization, OrgMember, ProjectUser, Workspace, WorkspaceMember, attrs_copy
from ..timefmt import fmt_plus
from ._base import EMPTY, Ctx, Reply, Route, route
from ._common import OK, csv_ids, id_list, is_int, is_org_admin, optional_number, require_ws_admin

__all__ = [
    "ORG_ROLE_IDS",
    "ROUTES",
    "WS_ROLE_IDS",
    "remove_from_workspace",
    "render_project_user",
    "render_workspace_user",
]

#: Role ids (emulator numbering; Toggl's own are not published).
ORG_ROLE_IDS: dict[str, int] = {"owner": 1, "admin": 2, "member": 3}
WS_ROLE_IDS: dict[str, int] = {"admin": 4, "user": 5, "projectlead": 6, "teamlead": 7}
_WS_ROLE_BY_ID = {v: k for k, v in WS_ROLE_IDS.items()}
_ORG_ROLE_BY_ID = {v: k for k, v in ORG_ROLE_IDS.items()}
DEFAULT_ORG_PER_PAGE = 50
MAX_PROJECT_IDS = 200
MAX_PATCH_IDS = 100


def _ts(value: Any) -> str | None:
    return None if value is None else fmt_plus(value)


def _user_groups(backend: Backend, uid: int, wid: int | None = None) -> list[int]:
    return sorted(g.id for g in backend.groups.values() if uid in g.users and (wid is None or wid in g.workspaces))


# -- workspace users ------------------------------------------------------------------------------
def render_workspace_user(
    backend: Backend, ws: Workspace, row: WorkspaceMember, *, org_route: bool = False
) -> dict[str, Any]:
    """Toggl's WorkspaceUser JSON (``org_route``: the organization route adds ``user_id``/``workspace_id``)."""
    user = backend.users[row.user_id]
    role = ws.members.get(row.user_id, "user")
    org = backend.organizations.get(ws.organization_id)
    out: dict[str, Any] = {
        "id": row.id,
        "uid": row.user_id,
        "wid": ws.id,
        "name": user.fullname,
        "email": user.email,
        "timezone": user.timezone,
        "admin": role == "admin",
        "workspace_admin": role == "admin",
        "organization_admin": org is not None and org.members.get(row.user_id) in ("owner", "admin"),
        "role": role,
        "role_id": WS_ROLE_IDS.get(role),
        "active": True,
        "inactive": row.inactive,
        "is_direct": True,
        "at": fmt_plus(row.at),
        "avatar_file_name": None,
        "group_ids": _user_groups(backend, row.user_id, ws.id),
        "rate": row.rate,
        "rate_last_updated": _ts(row.rate_last_updated),
        "labor_cost": row.labor_cost,
        "labor_cost_last_updated": None,
        "working_hours_in_minutes": row.working_hours_in_minutes,
        "view_edit_billable_rates": row.view_edit_billable_rates,
        "view_edit_labor_costs": row.view_edit_labor_costs,
        "2fa_enabled": False,
        "invitation_code": None,
        "invite_url": None,
    }
    if org_route:
        out["user_id"] = row.user_id
        out["workspace_id"] = ws.id
    return out


def _members(backend: Backend, ws: Workspace) -> list[WorkspaceMember]:
    rows = [backend.workspace_member(ws.id, uid) for uid in ws.members if uid in backend.users]
    return sorted(rows, key=lambda r: (backend.users[r.user_id].fullname.lower(), r.id))


def _member_row(backend: Backend, ws: Workspace, wuid: int) -> WorkspaceMember | None:
    row = backend.workspace_members.get(wuid)
    if row is None or row.workspace_id != ws.id or row.user_id not in ws.members:
        return None
    return row


def remove_from_workspace(backend: Backend, ws: Workspace, uid: int) -> None:
    """Drop ``uid`` from ``ws``: membership, its workspace-user record and project assignments."""
    org = backend.organizations.get(ws.organization_id)
    if org is not None and org.members.get(uid) == "owner":
        raise bad_request("Cannot remove the organization owner from a workspace")
    now = backend.now()
    ws.members.pop(uid, None)
    ws.at = now
    for key in [k for k, r in backend.workspace_members.items() if r.workspace_id == ws.id and r.user_id == uid]:
        del backend.workspace_members[key]
    for key in [k for k, pu in backend.project_users.items() if pu.workspace_id == ws.id and pu.user_id == uid]:
        del backend.project_users[key]
    user = backend.users.get(uid)
    if user is not None and user.default_workspace_id == ws.id:
        remaining = backend.user_workspaces(user)
        user.default_workspace_id = remaining[0].id if remaining else None
        user.at = now


def _apply_member(backend: Backend, ws: Workspace, row: WorkspaceMember, data: dict[str, Any]) -> None:
    if not data:
        raise bad_request("Missing data")
    org = backend.organizations.get(ws.organization_id)
    role = ws.members.get(row.user_id, "user")
    if ("admin" in data or "role" in data) and "role_id" in data:
        raise bad_request("Cannot use both admin flags and role_id.")
    if "admin" in data:
        if not isinstance(data["admin"], bool):
            raise bad_request("Invalid admin")
        role = "admin" if data["admin"] else ("user" if role == "admin" else role)
    if "role" in data:
        if data["role"] not in WS_ROLE_IDS:
            raise bad_request("Invalid role")
        role = data["role"]
    if "role_id" in data:
        if data["role_id"] not in _WS_ROLE_BY_ID:
            raise bad_request("Invalid role_id.")
        role = _WS_ROLE_BY_ID[data["role_id"]]
    if org is not None and org.members.get(row.user_id) == "owner" and role != "admin":
        raise bad_request("Cannot remove admin privileges from owner.")
    new = attrs_copy(row)
    if "inactive" in data:
        if not isinstance(data["inactive"], bool):
            raise bad_request("Invalid inactive")
        new.inactive = data["inactive"]
    if "working_hours_in_minutes" in data:
        value = data["working_hours_in_minutes"]
        if value is not None and (not is_int(value) or value <= 0):
            raise bad_request("Working hours must be positive or null")
        new.working_hours_in_minutes = value
    if "rate" in data:
        new.rate = optional_number(data["rate"], "Invalid rate")
        new.rate_last_updated = backend.now()
    if "labor_cost" in data:
        new.labor_cost = optional_number(data["labor_cost"], "Invalid labor_cost")
    for key in ("view_edit_billable_rates", "view_edit_labor_costs"):
        if key in data:
            if not isinstance(data[key], bool):
                raise bad_request(f"Invalid {key}")
            setattr(new, key, data[key])
    new.at = backend.now()
    ws.members[row.user_id] = role
    backend.workspace_members[row.id] = new


def list_workspace_users(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/workspace_users (``includeIndirect``: no indirect members here)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    return [render_workspace_user(backend, ws, row) for row in _members(backend, ws)]


def update_workspace_user(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/workspace_users/{wuid}: role, inactive, rates, working hours (admins)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    require_ws_admin(backend, ws, ctx.me)
    row = _member_row(backend, ws, ctx.arg("wuid"))
    if row is None:
        raise bad_request("Workspace user not found/accessible by user")
    _apply_member(backend, ws, row, ctx.body_object())
    return OK


def delete_workspace_user(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/workspace_users/{wuid}: removes the member (admins)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    row = _member_row(backend, ws, ctx.arg("wuid"))
    if row is None:
        raise forbidden("Workspace user is not found or accessible")
    require_ws_admin(backend, ws, ctx.me)
    remove_from_workspace(backend, ws, row.user_id)
    return EMPTY


def list_simple_users(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/users: SimpleWorkspaceUser items (``exclude_deleted`` accepted)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    out = []
    for row in _members(backend, ws):
        user = backend.users[row.user_id]
        role = ws.members.get(row.user_id, "user")
        out.append(
            {
                "id": user.id,
                "email": user.email,
                "fullname": user.fullname,
                "inactive": row.inactive,
                "is_active": True,
                "is_admin": role == "admin",
                "role": role,
            }
        )
    return out


def update_simple_user(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/users/{uid}: the same changes as the workspace-user route, by user id."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    require_ws_admin(backend, ws, ctx.me)
    uid = ctx.arg("uid")
    if uid not in ws.members or uid not in backend.users:
        raise not_found("User not found")
    _apply_member(backend, ws, backend.workspace_member(ws.id, uid), ctx.body_object())
    return OK


def _org_workspace(ctx: Ctx) -> tuple[Organization, Workspace]:
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    ws = backend.workspaces.get(ctx.arg("wid"))
    if ws is None or ws.organization_id != org.id or ws.server_deleted_at is not None:
        raise not_found("Resource can not be found")
    if ctx.me.id not in ws.members and not is_org_admin(org, ctx.me):
        raise forbidden()
    return org, ws


def list_org_workspace_users(ctx: Ctx) -> Any:
    """GET /organizations/{oid}/workspaces/{wid}/workspace_users (``name``/``search``, ``active``, paging)."""
    backend = ctx.backend
    _, ws = _org_workspace(ctx)
    rows = _members(backend, ws)
    for key in ("name", "search"):
        text = ctx.param(key)
        if text:
            low = text.lower()
            rows = [
                r
                for r in rows
                if low in backend.users[r.user_id].fullname.lower() or low in backend.users[r.user_id].email.lower()
            ]
    if ctx.param("active") not in (None, ""):
        rows = [r for r in rows if (not r.inactive) == ctx.bool_param("active")]
    per_page = ctx.int_param("per_page")
    if per_page:
        page = max(1, ctx.int_param("page", 1) or 1)
        rows = rows[(page - 1) * per_page : page * per_page]
    return [render_workspace_user(backend, ws, r, org_route=True) for r in rows]


def patch_org_workspace_users(ctx: Ctx) -> Any:
    """PATCH /organizations/{oid}/workspaces/{wid}/workspace_users ``{"delete": [workspace user ids]}``."""
    backend = ctx.backend
    _, ws = _org_workspace(ctx)
    require_ws_admin(backend, ws, ctx.me)
    data = ctx.body()
    if not isinstance(data, dict):
        raise bad_request("JSON is not valid")
    ids = data.get("delete")
    if not isinstance(ids, list) or not ids:
        raise bad_request("At least one workspace user ID must be supplied.")
    if not all(is_int(i) for i in ids):
        raise bad_request("JSON is not valid")
    if len(set(ids)) != len(ids):
        raise bad_request("Workspace user IDs must be unique")
    rows = [_member_row(backend, ws, i) for i in ids]
    if any(r is None for r in rows):
        raise bad_request("Wrong workspace user IDs")
    for row in rows:
        assert row is not None
        remove_from_workspace(backend, ws, row.user_id)
    return OK


# -- organization users ---------------------------------------------------------------------------
def _org_row(backend: Backend, org: Organization, ouid: int) -> OrgMember | None:
    row = backend.org_members.get(ouid)
    if row is None or row.organization_id != org.id or row.user_id not in org.members:
        return None
    return row


def render_org_user(backend: Backend, org: Organization, row: OrgMember) -> dict[str, Any]:
    """Toggl's OrgUser JSON."""
    user = backend.users[row.user_id]
    role = org.members.get(row.user_id, "member")
    workspaces = []
    for ws in sorted(backend.workspaces.values(), key=lambda w: w.id):
        if ws.organization_id != org.id or ws.server_deleted_at is not None or row.user_id not in ws.members:
            continue
        wrow = backend.workspace_member(ws.id, row.user_id)
        ws_role = ws.members[row.user_id]
        workspaces.append(
            {
                "workspace_id": ws.id,
                "workspace_name": ws.name,
                "workspace_user_id": wrow.id,
                "admin": ws_role == "admin",
                "role": ws_role,
                "role_id": WS_ROLE_IDS.get(ws_role),
                "active": True,
                "inactive": wrow.inactive,
                "rate": wrow.rate,
                "cost": wrow.labor_cost,
                "working_hours": wrow.working_hours_in_minutes,
                "default_currency": ws.default_currency,
                "view_edit_billable_rates": wrow.view_edit_billable_rates,
                "view_edit_labor_costs": wrow.view_edit_labor_costs,
                "groups": [
                    {"group_id": gid, "name": backend.groups[gid].name}
                    for gid in _user_groups(backend, row.user_id, ws.id)
                ],
            }
        )
    return {
        "id": row.id,
        "user_id": user.id,
        "organization_id": org.id,
        "name": user.fullname,
        "email": user.email,
        "avatar_url": "",
        "admin": role in ("owner", "admin"),
        "owner": role == "owner",
        "role_id": ORG_ROLE_IDS.get(role),
        "inactive": row.inactive,
        "joined": True,
        "invitation_id": None,
        "2fa_enabled": False,
        "can_edit_email": False,
        "groups": [
            {"group_id": gid, "name": backend.groups[gid].name}
            for gid in _user_groups(backend, row.user_id)
            if backend.groups[gid].organization_id == org.id
        ],
        "workspace_count": len(workspaces),
        "workspaces": workspaces,
    }


def list_org_users(ctx: Ctx) -> Any:
    """GET /organizations/{oid}/users: filters, paging; X-Page / X-Pages / X-Records headers."""
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    if not is_org_admin(org, ctx.me):
        raise forbidden("User is not authorized to list the organization users")
    statuses = {s.strip() for s in (ctx.param("active_status") or "").split(",") if s.strip()}
    if not statuses <= {"active", "inactive", "invited"}:
        raise bad_request("active_status parameter can contain only 'active', 'inactive' or 'invited'.")
    only_admins = ctx.param("only_admins")
    if only_admins not in (None, "", "true", "false"):
        raise bad_request("only_admins parameter can contain only 'true' or 'false'.")
    page_raw, per_page_raw = ctx.param("page"), ctx.param("per_page")
    try:
        page = int(page_raw) if page_raw else 1
    except ValueError:
        raise bad_request("Invalid value sent for 'page'.") from None
    if page < 1:
        raise bad_request("page parameter must contain values > 0.")
    try:
        per_page = int(per_page_raw) if per_page_raw else DEFAULT_ORG_PER_PAGE
    except ValueError:
        raise bad_request("Invalid value sent for 'per_page'.") from None
    if per_page < 1:
        raise bad_request("per_page parameter must contain values > 0.")
    sort_dir = (ctx.param("sort_dir") or "asc").lower()
    if sort_dir not in ("asc", "desc"):
        raise bad_request("sort_dir parameter can contain only 'asc' or 'desc'.")
    groups = csv_ids(ctx.param("groups"), "Invalid value sent for 'groups'.")
    workspaces = csv_ids(ctx.param("workspaces"), "Invalid value sent for 'workspaces'.")

    rows = [backend.org_member(org.id, uid) for uid in org.members if uid in backend.users]
    if statuses:
        rows = [r for r in rows if ("inactive" if r.inactive else "active") in statuses]
    if only_admins == "true":
        rows = [r for r in rows if org.members.get(r.user_id) in ("owner", "admin")]
    text = ctx.param("filter")
    if text:
        low = text.lower()
        rows = [
            r
            for r in rows
            if low in backend.users[r.user_id].fullname.lower() or low in backend.users[r.user_id].email.lower()
        ]
    if groups is not None:
        rows = [r for r in rows if set(_user_groups(backend, r.user_id)) & set(groups)]
    if workspaces is not None:
        rows = [
            r
            for r in rows
            if any(w in backend.workspaces and r.user_id in backend.workspaces[w].members for w in workspaces)
        ]
    rows.sort(key=lambda r: (backend.users[r.user_id].fullname.lower(), r.id), reverse=sort_dir == "desc")
    total = len(rows)
    chunk = rows[(page - 1) * per_page : page * per_page]
    headers = {
        "X-Page": str(page),
        "X-Page-Size": str(per_page),
        "X-Pages": str(max(1, math.ceil(total / per_page))),
        "X-Records": str(total),
        "X-Sort-Order": sort_dir,
    }
    return Reply(body=[render_org_user(backend, org, r) for r in chunk], headers=headers)


def patch_org_users(ctx: Ctx) -> Any:
    """PATCH /organizations/{oid}/users ``{"delete": [organization user ids]}``: removes them."""
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    if not is_org_admin(org, ctx.me):
        raise forbidden("User is not authorized to delete the organization user")
    data = ctx.body_object()
    ids = data.get("delete")
    if not isinstance(ids, list) or not ids:
        raise bad_request("At least one organization user ID must be supplied.")
    ids = id_list(ids)
    if len(set(ids)) != len(ids):
        raise bad_request("Organization user IDs must be unique.")
    missing = [i for i in ids if _org_row(backend, org, i) is None]
    if missing:
        listed = ",".join(map(str, missing))
        raise bad_request(f"The following organization user IDs do not belong to this organization: '{listed}'.")
    for i in ids:
        row = backend.org_members[i]
        if org.members.get(row.user_id) == "owner":
            raise bad_request(f"Cannot remove the organization owner user with organization user ID='{i}'.")
    for i in ids:
        row = backend.org_members.pop(i)
        for ws in backend.workspaces.values():
            if ws.organization_id == org.id and row.user_id in ws.members:
                remove_from_workspace(backend, ws, row.user_id)
        for group in backend.groups.values():
            if group.organization_id == org.id and row.user_id in group.users:
                group.users.remove(row.user_id)
        org.members.pop(row.user_id, None)
    org.at = ctx.now
    return OK


def update_org_user(ctx: Ctx) -> Any:
    """PUT /organizations/{oid}/users/{ouid}: name, email, inactive, organization_admin/role_id, groups, workspaces."""
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    if not is_org_admin(org, ctx.me):
        raise forbidden("User is not authorized to update the organization user")
    row = _org_row(backend, org, ctx.arg("ouid"))
    if row is None:
        raise not_found("Invalid organization user ID.")
    data = ctx.body_object()
    if not data:
        raise bad_request("At least one field is required.")
    user = backend.users[row.user_id]
    role = org.members.get(user.id, "member")
    if "organization_admin" in data and "role_id" in data:
        raise bad_request("Cannot use both admin flags and role_id.")
    new_role = role
    if "organization_admin" in data:
        if not isinstance(data["organization_admin"], bool):
            raise bad_request("Invalid organization role.")
        new_role = "admin" if data["organization_admin"] else "member"
    if "role_id" in data:
        if data["role_id"] not in _ORG_ROLE_BY_ID or data["role_id"] == ORG_ROLE_IDS["owner"]:
            raise bad_request(f"Invalid role ID: {data['role_id']}.")
        new_role = _ORG_ROLE_BY_ID[data["role_id"]]
    if role == "owner" and new_role != role:
        raise bad_request("Cannot remove admin privileges from owner.")
    inactive = row.inactive
    if "inactive" in data:
        if not isinstance(data["inactive"], bool):
            raise bad_request("Invalid inactive")
        if data["inactive"] and role == "owner":
            raise bad_request("Cannot deactivate owner.")
        inactive = data["inactive"]
    name = user.fullname
    if "name" in data:
        if not isinstance(data["name"], str) or not data["name"].strip():
            raise bad_request("Field 'name' cannot be empty.")
        name = data["name"].strip()
    email = user.email
    if "email" in data:
        value = data["email"]
        if not isinstance(value, str) or not value.strip():
            raise bad_request("Missing e-mail.")
        if "@" not in value:
            raise bad_request(f"Invalid e-mail: '{value}'")
        if any(u.email.lower() == value.lower() and u.id != user.id for u in backend.users.values()):
            raise bad_request("Email already exists.")
        email = value
    groups = None
    if "groups" in data:
        groups = id_list(data["groups"])
        for gid in groups:
            group = backend.groups.get(gid)
            if group is None or group.organization_id != org.id:
                raise bad_request(f"Group '{gid}' is not in Organization '{org.id}'.")
    workspace_ids = None
    if "workspaces" in data:
        items = data["workspaces"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise bad_request("Invalid JSON input")
        workspace_ids = []
        for item in items:
            wid = item.get("workspace_id")
            ws = backend.workspaces.get(wid) if is_int(wid) else None
            if ws is None or ws.organization_id != org.id:
                raise bad_request(f"Workspace '{wid}' is not in Organization '{org.id}'.")
            workspace_ids.append((ws, "admin" if item.get("admin") else item.get("role") or "user"))
    now = ctx.now
    org.members[user.id] = new_role
    row.inactive, row.at = inactive, now
    user.fullname, user.email, user.at = name, email, now
    if groups is not None:
        for group in backend.groups.values():
            if group.organization_id != org.id:
                continue
            if group.id in groups and user.id not in group.users:
                group.users.append(user.id)
            elif group.id not in groups and user.id in group.users:
                group.users.remove(user.id)
    if workspace_ids is not None:
        for ws, ws_role in workspace_ids:
            if user.id not in ws.members:
                backend.add_member(ws, user, ws_role if ws_role in WS_ROLE_IDS else "user", at=now)
            else:
                ws.members[user.id] = ws_role if ws_role in WS_ROLE_IDS else ws.members[user.id]
    return OK


# -- project users --------------------------------------------------------------------------------
def render_project_user(pu: ProjectUser) -> dict[str, Any]:
    """Toggl's ProjectUser JSON."""
    return {
        "id": pu.id,
        "project_id": pu.project_id,
        "user_id": pu.user_id,
        "workspace_id": pu.workspace_id,
        "manager": pu.manager,
        "rate": pu.rate,
        "rate_last_updated": _ts(pu.rate_last_updated),
        "labor_cost": pu.labor_cost,
        "labor_cost_last_updated": _ts(pu.labor_cost_last_updated),
        "at": fmt_plus(pu.at),
        "group_id": pu.group_id,
        "gid": pu.group_id,
    }


def _project_user(ctx: Ctx, name: str = "puid") -> tuple[Workspace, ProjectUser]:
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    pu = backend.project_users.get(ctx.arg(name))
    if pu is None or pu.workspace_id != ws.id:
        raise bad_request("Project user not found/accessible")
    return ws, pu


def _apply_project_user(ctx: Ctx, pu: ProjectUser, data: dict[str, Any]) -> None:
    now = ctx.now
    if "manager" in data:
        if not isinstance(data["manager"], bool):
            raise bad_request("/manager expects a boolean")
        pu.manager = data["manager"]
    if "rate" in data:
        pu.rate = optional_number(data["rate"], "/rate expects an float64 or null")
        pu.rate_last_updated = now
    if "labor_cost" in data:
        pu.labor_cost = optional_number(data["labor_cost"], "/labor_cost expects an float64 or null")
        pu.labor_cost_last_updated = now
    pu.at = now


def list_project_users(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/project_users (``project_ids`` ≤ 200, ``user_id``)."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    project_ids = csv_ids(ctx.param("project_ids"), "Invalid project_ids")
    if project_ids is not None and len(project_ids) > MAX_PROJECT_IDS:
        raise bad_request(f"project_ids cannot exceed {MAX_PROJECT_IDS} elements.")
    user_ids = csv_ids(ctx.param("user_id"), "Invalid user_id")
    rows = [pu for pu in backend.project_users.values() if pu.workspace_id == ws.id]
    if project_ids is not None:
        rows = [pu for pu in rows if pu.project_id in project_ids]
    if user_ids is not None:
        rows = [pu for pu in rows if pu.user_id in user_ids]
    return [render_project_user(pu) for pu in sorted(rows, key=lambda p: p.id)]


def create_project_user(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/project_users ``{project_id, user_id, manager?, rate?, labor_cost?}``."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    pid, uid = data.get("project_id"), data.get("user_id")
    if not is_int(pid) or backend.live_project(ws.id, pid) is None:
        raise bad_request("Invalid project_id")
    if not is_int(uid) or uid not in ws.members:
        raise bad_request("Invalid user_id")
    if any(pu.project_id == pid and pu.user_id == uid for pu in backend.project_users.values()):
        raise bad_request("Project user already exists")
    pu = ProjectUser(backend.next_id("project_user"), ws.id, pid, uid, ctx.now)
    _apply_project_user(ctx, pu, data)
    backend.project_users[pu.id] = pu
    return render_project_user(pu)


def update_project_user(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/project_users/{puid} ``{manager, rate, labor_cost}``."""
    _, original = _project_user(ctx)
    data = ctx.body_object()
    if not any(k in data for k in ("manager", "rate", "labor_cost")):
        raise bad_request("Missing data")
    pu = attrs_copy(original)
    _apply_project_user(ctx, pu, data)
    ctx.backend.project_users[pu.id] = pu
    return render_project_user(pu)


def delete_project_user(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/project_users/{puid}: answers the id."""
    _, pu = _project_user(ctx)
    del ctx.backend.project_users[pu.id]
    return pu.id


def patch_project_users(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/project_users/{ids}: ``replace``/``remove`` on /manager, /rate, /labor_cost."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    ids = csv_ids(ctx.raw_arg("ids"), "Invalid value as user IDs") or []
    if not ids:
        raise bad_request("PATCH expects at least one ID")
    if len(ids) > MAX_PATCH_IDS:
        raise bad_request(f"PATCH request is limited to {MAX_PATCH_IDS} entries at once")
    ops = ctx.body()
    if not isinstance(ops, list) or not ops:
        raise bad_request("No patchable fields defined")
    changes: dict[str, Any] = {}
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in ("add", "remove", "replace"):
            raise bad_request(f"Invalid op: {op.get('op') if isinstance(op, dict) else ''}")
        path = op.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise bad_request(f"Invalid path format: {path}")
        key = path[1:]
        if key not in ("manager", "rate", "labor_cost"):
            raise bad_request(f"Path not found: {path}")
        if op["op"] == "add":
            raise bad_request(f"Operation not supported (add {path})")
        if op["op"] == "remove" and key == "manager":
            raise bad_request(f"Operation not supported (remove {path})")
        changes[key] = None if op["op"] == "remove" else op.get("value")
    success: list[int] = []
    failure: list[dict[str, Any]] = []
    for puid in dict.fromkeys(ids):
        original = backend.project_users.get(puid)
        if original is None or original.workspace_id != ws.id:
            failure.append({"id": puid, "message": "Project user not found/accessible"})
            continue
        pu = attrs_copy(original)
        try:
            _apply_project_user(ctx, pu, changes)
        except EmulatorError as exc:
            failure.append({"id": puid, "message": exc.body or "Invalid value"})
            continue
        backend.project_users[puid] = pu
        success.append(puid)
    return {"success": success, "failure": failure}


ROUTES: list[Route] = [
    route("GET", "/workspaces/{wid}/users", list_simple_users),
    route("PUT", "/workspaces/{wid}/users/{uid}", update_simple_user),
    route("GET", "/workspaces/{wid}/workspace_users", list_workspace_users),
    route("PUT", "/workspaces/{wid}/workspace_users/{wuid}", update_workspace_user),
    route("DELETE", "/workspaces/{wid}/workspace_users/{wuid}", delete_workspace_user),
    route("GET", "/organizations/{oid}/users", list_org_users),
    route("PATCH", "/organizations/{oid}/users", patch_org_users),
    route("PUT", "/organizations/{oid}/users/{ouid}", update_org_user),
    route("GET", "/organizations/{oid}/workspaces/{wid}/workspace_users", list_org_workspace_users),
    route("PATCH", "/organizations/{oid}/workspaces/{wid}/workspace_users", patch_org_workspace_users),
    route("GET", "/workspaces/{wid}/project_users", list_project_users),
    route("POST", "/workspaces/{wid}/project_users", create_project_user),
    route("PUT", "/workspaces/{wid}/project_users/{puid}", update_project_user),
    route("DELETE", "/workspaces/{wid}/project_users/{puid}", delete_project_user),
    route("PATCH", "/workspaces/{wid}/project_users/{ids}", patch_project_users),
]
