"""The current user: ``/me`` and its lists (reference §5.7, §6.1)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import bad_request
from ..state import Backend, User
from ..timefmt import fmt_micro_z
from ._base import EMPTY, Ctx, Route, route
from .clients import render_client
from .organizations import render_organization
from .projects import project_actuals, render_project
from .tags import render_tag
from .tasks import render_task, task_tracked_ms
from .time_entries import recent_entries, render_time_entry
from .workspaces import render_workspace

__all__ = ["PAGINATED_PER_PAGE", "ROUTES", "render_user"]

#: Default ``per_page`` of ``GET /me/projects/paginated``.
PAGINATED_PER_PAGE = 201
#: Shortest password ``PUT /me`` accepts.
MIN_PASSWORD = 6
MSG_CURRENT_PASSWORD_MISSING = "Current password must be present to change password"
MSG_CURRENT_PASSWORD_INVALID = "Current password is not valid"
MSG_PASSWORD_SHORT = f"Password should be at least {MIN_PASSWORD} characters"


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def toggl_accounts_id(user_id: int) -> str:
    """A stable 22-character base62 Toggl Accounts id (Toggl's format, e.g. ``WSBrE7LiQPJ7PKA7WnCAnk``)."""
    number = int.from_bytes(hashlib.sha256(f"accounts:{user_id}".encode()).digest()[:17], "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def intercom_hash(user_id: int) -> str:
    """A stable 64-hex-character hash (Toggl sends an HMAC-SHA256 for its support widget)."""
    return hashlib.sha256(f"intercom:{user_id}".encode()).hexdigest()


def render_user(user: User) -> dict[str, Any]:
    """Toggl's ``GET /me`` JSON (``PUT /me`` answers the same shape)."""
    digest = hashlib.md5(user.email.lower().encode()).hexdigest()
    return {
        "id": user.id,
        "api_token": user.api_token,
        "email": user.email,
        "fullname": user.fullname,
        "timezone": user.timezone,
        "toggl_accounts_id": toggl_accounts_id(user.id),
        "default_workspace_id": user.default_workspace_id,
        "beginning_of_week": user.beginning_of_week,
        "image_url": f"https://secure.gravatar.com/avatar/{digest}",
        "created_at": fmt_micro_z(user.created_at),
        "updated_at": fmt_micro_z(user.at),
        "openid_email": None,
        "openid_enabled": False,
        "country_id": user.country_id,
        "has_password": True,
        "at": fmt_micro_z(user.at),
        "intercom_hash": intercom_hash(user.id),
        "oauth_providers": [],
        "authorization_updated_at": fmt_micro_z(user.authorization_updated_at or user.created_at),
        "2fa_enabled": False,
    }


def _since(ctx: Ctx) -> datetime | None:
    value = ctx.int_param("since")
    return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


def _workspace_ids(backend: Backend, user: User) -> set[int]:
    return {w.id for w in backend.user_workspaces(user)}


def _clients(ctx: Ctx) -> list[dict[str, Any]]:
    backend, since = ctx.backend, _since(ctx)
    wids = _workspace_ids(backend, ctx.me)
    items = [c for c in backend.clients.values() if c.workspace_id in wids]
    items = [c for c in items if c.at >= since] if since else [c for c in items if c.server_deleted_at is None]
    return [render_client(c) for c in sorted(items, key=lambda c: c.id)]


def _projects(ctx: Ctx, include_archived: bool) -> list[dict[str, Any]]:
    backend, since = ctx.backend, _since(ctx)
    wids = _workspace_ids(backend, ctx.me)
    items = [p for p in backend.projects.values() if p.workspace_id in wids]
    if since:
        items = [p for p in items if p.at >= since]
    else:
        items = [p for p in items if p.server_deleted_at is None and (include_archived or p.active)]
    actuals = project_actuals(backend)
    return [render_project(backend, p, actuals) for p in sorted(items, key=lambda p: p.id)]


def _tags(ctx: Ctx) -> list[dict[str, Any]]:
    backend, since = ctx.backend, _since(ctx)
    wids = _workspace_ids(backend, ctx.me)
    items = [t for t in backend.tags.values() if t.workspace_id in wids]
    items = [t for t in items if t.at >= since] if since else [t for t in items if t.deleted_at is None]
    return [render_tag(t) for t in sorted(items, key=lambda t: t.id)]


def _tasks(ctx: Ctx) -> list[dict[str, Any]]:
    backend, since = ctx.backend, _since(ctx)
    wids = _workspace_ids(backend, ctx.me)
    items = [t for t in backend.tasks.values() if t.workspace_id in wids]
    items = [t for t in items if t.at >= since] if since else [t for t in items if t.server_deleted_at is None]
    tracked = task_tracked_ms(backend)
    return [render_task(backend, t, tracked) for t in sorted(items, key=lambda t: t.id)]


def _workspaces(ctx: Ctx) -> list[dict[str, Any]]:
    backend, since = ctx.backend, _since(ctx)
    items = backend.user_workspaces(ctx.me)
    if since:
        items = [w for w in items if w.at >= since]
    return [render_workspace(backend, w, ctx.me, with_counts=True) for w in items]


def get_me(ctx: Ctx) -> Any:
    """GET /me (``with_related_data=true`` adds tags, clients, time_entries, projects, workspaces)."""
    out = render_user(ctx.me)
    if ctx.bool_param("with_related_data"):
        backend = ctx.backend
        related: dict[str, list[dict[str, Any]]] = {
            "tags": _tags(ctx),
            "clients": _clients(ctx),
            "time_entries": [render_time_entry(backend, t) for t in recent_entries(backend, ctx.me)],
            "projects": _projects(ctx, include_archived=True),
            "workspaces": _workspaces(ctx),
            "tasks": _tasks(ctx),
        }
        out.update({key: value or None for key, value in related.items()})
    return out


def update_me(ctx: Ctx) -> Any:
    """PUT /me: fullname, email, timezone, beginning_of_week, default_workspace_id, country_id."""
    backend, me = ctx.backend, ctx.me
    data = ctx.body_object()
    changes: dict[str, Any] = {}
    if "fullname" in data:
        if not isinstance(data["fullname"], str) or not data["fullname"].strip():
            raise bad_request("Invalid fullname")
        changes["fullname"] = data["fullname"].strip()
    if "email" in data:
        email = data["email"]
        if not isinstance(email, str) or "@" not in email:
            raise bad_request("Invalid email")
        if any(u.email.lower() == email.lower() and u.id != me.id for u in backend.users.values()):
            raise bad_request("user with this email already exists")
        changes["email"] = email
    if "timezone" in data:
        if not isinstance(data["timezone"], str) or not _valid_timezone(data["timezone"]):
            raise bad_request("Invalid timezone")
        changes["timezone"] = data["timezone"]
    if "beginning_of_week" in data:
        if data["beginning_of_week"] not in range(7) or isinstance(data["beginning_of_week"], bool):
            raise bad_request("Invalid beginning_of_week")
        changes["beginning_of_week"] = data["beginning_of_week"]
    if "default_workspace_id" in data:
        if data["default_workspace_id"] not in _workspace_ids(backend, me):
            raise bad_request("Invalid default_workspace_id")
        changes["default_workspace_id"] = data["default_workspace_id"]
    if "country_id" in data:
        if data["country_id"] is not None and not isinstance(data["country_id"], int):
            raise bad_request("Invalid country_id")
        changes["country_id"] = data["country_id"]
    if data.get("password") is not None:
        password = data["password"]
        current = data.get("current_password")
        if current is None or current == "":
            raise bad_request(MSG_CURRENT_PASSWORD_MISSING)
        if current != me.password:
            raise bad_request(MSG_CURRENT_PASSWORD_INVALID)
        if not isinstance(password, str) or len(password) < MIN_PASSWORD:
            raise bad_request(MSG_PASSWORD_SHORT)
        changes["password"] = password
        changes["authorization_updated_at"] = ctx.now
    elif data.get("current_password") not in (None, "") and data["current_password"] != me.password:
        raise bad_request(MSG_CURRENT_PASSWORD_INVALID)
    for key, value in changes.items():
        setattr(me, key, value)
    me.at = ctx.now
    return render_user(me)


def _valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def me_id(ctx: Ctx) -> Any:
    """GET /me/id: the user id as a bare number."""
    return ctx.me.id


def reset_token(ctx: Ctx) -> Any:
    """POST /me/reset_token: a new API token (JSON string); the old one stops working."""
    me = ctx.me
    me.api_token = hashlib.sha1(f"{me.api_token}:{ctx.now.isoformat()}".encode()).hexdigest()[:32]
    me.at = ctx.now
    return me.api_token


def logged(ctx: Ctx) -> Any:
    """GET /me/logged: 200 with an empty body when the credentials work."""
    return EMPTY


def me_workspaces(ctx: Ctx) -> Any:
    """GET /me/workspaces (``since``)."""
    return _workspaces(ctx)


def me_organizations(ctx: Ctx) -> Any:
    """GET /me/organizations."""
    return [render_organization(ctx.backend, o, ctx.me) for o in ctx.backend.user_organizations(ctx.me)]


def me_clients(ctx: Ctx) -> Any:
    """GET /me/clients (``since``)."""
    return _clients(ctx)


def me_projects(ctx: Ctx) -> Any:
    """GET /me/projects (``include_archived``, ``since``)."""
    raw = (ctx.param("include_archived") or "false").lower()
    if raw not in ("true", "false"):
        raise bad_request("Invalid include_archived")
    return _projects(ctx, include_archived=raw == "true")


def me_projects_paginated(ctx: Ctx) -> Any:
    """GET /me/projects/paginated: by id from ``start_project_id``, ``per_page`` (default 201), ``since``."""
    backend, since = ctx.backend, _since(ctx)
    wids = _workspace_ids(backend, ctx.me)
    start = ctx.int_param("start_project_id", 0) or 0
    per_page = ctx.int_param("per_page", PAGINATED_PER_PAGE) or PAGINATED_PER_PAGE
    if per_page < 1:
        raise bad_request("Invalid per_page")
    items = [p for p in backend.projects.values() if p.workspace_id in wids and p.id >= start]
    items = [p for p in items if p.at >= since] if since else [p for p in items if p.server_deleted_at is None]
    items.sort(key=lambda p: p.id)
    actuals = project_actuals(backend)
    return [render_project(backend, p, actuals) for p in items[:per_page]]


def me_tags(ctx: Ctx) -> Any:
    """GET /me/tags (``since``)."""
    return _tags(ctx)


def me_quota(ctx: Ctx) -> Any:
    """GET /me/quota: the user bucket (``organization_id`` null) then one per organization."""
    me, limits = ctx.me, ctx.limits
    buckets = [limits.status(me.id, None, None)]
    buckets += [limits.status(me.id, o.id, o.plan) for o in ctx.backend.user_organizations(me)]
    return [
        {
            "organization_id": b.organization_id,
            "remaining": b.remaining,
            "resets_in_secs": b.resets_in_secs,
            "total": b.total,
        }
        for b in buckets
    ]


ROUTES: list[Route] = [
    route("GET", "/me", get_me),
    route("PUT", "/me", update_me),
    route("GET", "/me/id", me_id),
    route("POST", "/me/reset_token", reset_token),
    route("GET", "/me/logged", logged),
    route("GET", "/me/workspaces", me_workspaces),
    route("GET", "/workspaces", me_workspaces),
    route("GET", "/me/organizations", me_organizations),
    route("GET", "/me/clients", me_clients),
    route("GET", "/me/projects", me_projects),
    route("GET", "/me/projects/paginated", me_projects_paginated),
    route("GET", "/me/tags", me_tags),
    route("GET", "/me/quota", me_quota, counted=False),
]
