"""User groups: organization groups, the workspace view of them, and project groups.

A group belongs to an organization and is assigned to some of its workspaces; the workspace routes
create, rename and list the groups assigned to one workspace.
"""

from __future__ import annotations

from typing import Any

from ..errors import EmulatorError, bad_request, forbidden, not_found
from ..state import Backend, Group, Organization, Workspace
from ..timefmt import fmt_plus
from ._base import EMPTY, Ctx, Route, route
from ._common import OK, csv_ids, is_int, is_org_admin, require_ws_admin

__all__ = ["MAX_NAME", "ROUTES", "render_group", "render_org_group"]

#: Longest group name accepted.
MAX_NAME = 200
MAX_PATCH_VALUES = 100


def render_org_group(backend: Backend, group: Group) -> dict[str, Any]:
    """Toggl's ``group.OrganizationGroupResponse``."""
    users = []
    for uid in group.users:
        user = backend.users.get(uid)
        if user is not None:
            users.append({"user_id": uid, "name": user.fullname, "avatar_url": "", "inactive": False, "joined": True})
    return {
        "group_id": group.id,
        "name": group.name,
        "at": fmt_plus(group.at),
        "users": users,
        "workspaces": list(group.workspaces),
        "permissions": None,
    }


def render_group(group: Group, wid: int) -> dict[str, Any]:
    """Toggl's workspace ``models.Group``."""
    return {
        "id": group.id,
        "workspace_id": wid,
        "name": group.name,
        "at": fmt_plus(group.at),
        "has_users": bool(group.users),
        "permissions": None,
    }


def _check_name(backend: Backend, org_id: int, value: object, exclude: int | None = None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request("Group name must be present")
    if len(name) > MAX_NAME:
        raise bad_request(f"Group name too long, maximum length is {MAX_NAME}")
    for group in backend.groups.values():
        if group.organization_id == org_id and group.id != exclude and group.name.lower() == name.lower():
            raise bad_request("Name has already been taken")
    return name


def _check_users(backend: Backend, org: Organization, value: object) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(is_int(v) for v in value):
        raise bad_request("Invalid JSON input")
    for uid in value:
        if uid not in org.members:
            raise bad_request(f"User {uid} not exists in the organization {org.id}")
    return list(dict.fromkeys(value))


def _check_workspaces(backend: Backend, org: Organization, value: object) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(is_int(v) for v in value):
        raise bad_request("Invalid JSON input")
    for wid in value:
        ws = backend.workspaces.get(wid)
        if ws is None or ws.organization_id != org.id or ws.server_deleted_at is not None:
            raise bad_request(f"Workspace {wid} not exists in the organization {org.id}")
    return list(dict.fromkeys(value))


def _admin_org(ctx: Ctx, message: str | None = None) -> Organization:
    org = ctx.backend.organization_for(ctx.me, ctx.arg("oid"))
    if not is_org_admin(org, ctx.me):
        raise forbidden(message) if message else forbidden()
    return org


def _org_group(ctx: Ctx, org: Organization) -> Group:
    group = ctx.backend.groups.get(ctx.arg("gid"))
    if group is None or group.organization_id != org.id:
        raise not_found("Invalid group ID.")
    return group


def _delete_group(backend: Backend, group: Group) -> None:
    del backend.groups[group.id]
    for key in [k for k, v in backend.project_groups.items() if v[2] == group.id]:
        del backend.project_groups[key]
    for key in [k for k, pu in backend.project_users.items() if pu.group_id == group.id]:
        del backend.project_users[key]


# -- organization groups --------------------------------------------------------------------------
def list_org_groups(ctx: Ctx) -> Any:
    """GET /organizations/{oid}/groups (``name`` substring, ``workspace`` id)."""
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    groups = [g for g in backend.groups.values() if g.organization_id == org.id]
    name = ctx.param("name")
    if name:
        groups = [g for g in groups if name.lower() in g.name.lower()]
    workspace = ctx.param("workspace")
    if workspace:
        try:
            wid = int(workspace)
        except ValueError:
            raise bad_request("Invalid number ...") from None
        groups = [g for g in groups if wid in g.workspaces]
    return [render_org_group(backend, g) for g in sorted(groups, key=lambda g: (g.name.lower(), g.id))]


def create_org_group(ctx: Ctx) -> Any:
    """POST /organizations/{oid}/groups ``{name, users?, workspaces?}``."""
    backend = ctx.backend
    org = _admin_org(ctx)
    data = ctx.body_object()
    name = _check_name(backend, org.id, data.get("name"))
    users = _check_users(backend, org, data.get("users"))
    workspaces = _check_workspaces(backend, org, data.get("workspaces"))
    group = Group(backend.next_id("group"), org.id, name, ctx.now, users, workspaces)
    backend.groups[group.id] = group
    return render_org_group(backend, group)


def update_org_group(ctx: Ctx) -> Any:
    """PUT /organizations/{oid}/groups/{gid}: replaces name, users and workspaces."""
    backend = ctx.backend
    org = _admin_org(ctx, "Forbidden")
    group = _org_group(ctx, org)
    data = ctx.body_object()
    name = _check_name(backend, org.id, data.get("name"), exclude=group.id)
    users = _check_users(backend, org, data.get("users"))
    workspaces = _check_workspaces(backend, org, data.get("workspaces"))
    group.name, group.users, group.workspaces, group.at = name, users, workspaces, ctx.now
    return render_org_group(backend, group)


def patch_org_group(ctx: Ctx) -> Any:
    """PATCH /organizations/{oid}/groups/{gid}: add/remove ``/users`` and ``/workspaces``, each patch alone."""
    backend = ctx.backend
    org = _admin_org(ctx, "User does not have permission to manage user groups.")
    group = _org_group(ctx, org)
    patches = ctx.body()
    if not isinstance(patches, list) or not all(isinstance(p, dict) for p in patches):
        raise bad_request("Invalid JSON input")
    if len(patches) > 100:
        raise bad_request("Too many operations (more than 100 patches in request)")
    for patch in patches:
        if patch.get("op") not in ("add", "remove") or patch.get("path") not in ("/users", "/workspaces"):
            raise bad_request("Unsupported operation (invalid 'op' or 'path', or unsupported combination)")
        value = patch.get("value")
        if not isinstance(value, list) or not value or len(value) > MAX_PATCH_VALUES:
            raise bad_request(
                "Value not present, or too many per patch operation (empty 'value' array or more than 100 values)"
            )
    success: list[dict[str, Any]] = []
    failure: list[dict[str, Any]] = []
    for patch in patches:
        try:
            if patch["path"] == "/users":
                ids = _check_users(backend, org, patch["value"])
                target = group.users
            else:
                ids = _check_workspaces(backend, org, patch["value"])
                target = group.workspaces
        except EmulatorError as exc:  # this patch fails, the others still apply
            failure.append({"message": exc.body or "Invalid value", "patch": patch})
            continue
        for item in ids:
            if patch["op"] == "add" and item not in target:
                target.append(item)
            elif patch["op"] == "remove" and item in target:
                target.remove(item)
        success.append(patch)
    if success:
        group.at = ctx.now
    return {"success": success, "failure": failure}


def delete_org_group(ctx: Ctx) -> Any:
    """DELETE /organizations/{oid}/groups/{gid}: answers "OK"."""
    org = _admin_org(ctx)
    _delete_group(ctx.backend, _org_group(ctx, org))
    return OK


def list_org_workspace_groups(ctx: Ctx) -> Any:
    """GET /organizations/{oid}/workspaces/{wid}/groups: groups assigned to the workspace."""
    backend = ctx.backend
    org = backend.organization_for(ctx.me, ctx.arg("oid"))
    ws = backend.workspaces.get(ctx.arg("wid"))
    if ws is None or ws.organization_id != org.id or ws.server_deleted_at is not None:
        raise not_found("Resource can not be found")
    if ctx.me.id not in ws.members and not is_org_admin(org, ctx.me):
        raise forbidden("Forbidden")
    groups = [g for g in backend.groups.values() if ws.id in g.workspaces]
    return [render_org_group(backend, g) for g in sorted(groups, key=lambda g: (g.name.lower(), g.id))]


# -- workspace groups -----------------------------------------------------------------------------
def _ws_group(ctx: Ctx, ws: Workspace) -> Group:
    group = ctx.backend.groups.get(ctx.arg("gid"))
    if group is None or ws.id not in group.workspaces:
        raise not_found("Group was not found")
    return group


def list_ws_groups(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/groups."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    groups = [g for g in backend.groups.values() if ws.id in g.workspaces]
    return [render_group(g, ws.id) for g in sorted(groups, key=lambda g: (g.name.lower(), g.id))]


def create_ws_group(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/groups ``{name}``: an organization group assigned to this workspace."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    require_ws_admin(backend, ws, ctx.me)
    name = _check_name(backend, ws.organization_id, ctx.body_object().get("name"))
    group = Group(backend.next_id("group"), ws.organization_id, name, ctx.now, [], [ws.id])
    backend.groups[group.id] = group
    return render_group(group, ws.id)


def update_ws_group(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/groups/{gid} ``{name}``."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    require_ws_admin(backend, ws, ctx.me)
    group = _ws_group(ctx, ws)
    group.name = _check_name(backend, ws.organization_id, ctx.body_object().get("name"), exclude=group.id)
    group.at = ctx.now
    return render_group(group, ws.id)


def delete_ws_group(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/groups/{gid}: 200, empty body."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    require_ws_admin(backend, ws, ctx.me)
    _delete_group(backend, _ws_group(ctx, ws))
    return EMPTY


# -- project groups -------------------------------------------------------------------------------
def _render_project_group(pgid: int, value: tuple[int, int, int]) -> dict[str, Any]:
    wid, pid, gid = value
    return {"id": pgid, "wid": wid, "pid": pid, "group_id": gid}


def list_project_groups(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/project_groups?project_ids=1,2."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    wanted = csv_ids(ctx.param("project_ids"), "Invalid project_ids")
    if wanted is None:
        raise bad_request("project_ids is required")
    rows = [(k, v) for k, v in sorted(backend.project_groups.items()) if v[0] == ws.id and v[1] in wanted]
    return [_render_project_group(k, v) for k, v in rows]


def create_project_group(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/project_groups ``{project_id, group_id}``: answers the new record."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    pid, gid = data.get("project_id"), data.get("group_id")
    if not is_int(pid) or backend.live_project(ws.id, pid) is None:
        raise bad_request("Invalid project_id")
    group = backend.groups.get(gid) if is_int(gid) else None
    if group is None or ws.id not in group.workspaces:
        raise bad_request("Invalid group_id")
    for key, value in backend.project_groups.items():
        if value == (ws.id, pid, gid):
            return _render_project_group(key, value)
    pgid = backend.next_id("project_group")
    backend.project_groups[pgid] = (ws.id, pid, group.id)
    return _render_project_group(pgid, backend.project_groups[pgid])


def delete_project_group(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/project_groups/{pgid}: answers "OK"."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    value = backend.project_groups.get(ctx.arg("pgid"))
    if value is None or value[0] != ws.id:
        raise not_found("Project group not found")
    del backend.project_groups[ctx.arg("pgid")]
    return OK


ROUTES: list[Route] = [
    route("GET", "/organizations/{oid}/groups", list_org_groups),
    route("POST", "/organizations/{oid}/groups", create_org_group),
    route("PUT", "/organizations/{oid}/groups/{gid}", update_org_group),
    route("PATCH", "/organizations/{oid}/groups/{gid}", patch_org_group),
    route("DELETE", "/organizations/{oid}/groups/{gid}", delete_org_group),
    route("GET", "/organizations/{oid}/workspaces/{wid}/groups", list_org_workspace_groups),
    route("GET", "/workspaces/{wid}/groups", list_ws_groups),
    route("POST", "/workspaces/{wid}/groups", create_ws_group),
    route("PUT", "/workspaces/{wid}/groups/{gid}", update_ws_group),
    route("DELETE", "/workspaces/{wid}/groups/{gid}", delete_ws_group),
    route("GET", "/workspaces/{wid}/project_groups", list_project_groups),
    route("POST", "/workspaces/{wid}/project_groups", create_project_group),
    route("DELETE", "/workspaces/{wid}/project_groups/{pgid}", delete_project_group),
]
