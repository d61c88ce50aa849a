"""Tags (reference §5.4, §6.6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import bad_request, not_found
from ..state import Backend, Tag, Workspace
from ..timefmt import fmt_micro_z
from ._base import EMPTY, Ctx, Route, route
from ._common import OK, id_list

__all__ = ["ROUTES", "render_tag"]


def render_tag(tag: Tag) -> dict[str, Any]:
    """Toggl's Tag JSON (``at`` with microseconds and ``Z``)."""
    out: dict[str, Any] = {
        "id": tag.id,
        "workspace_id": tag.workspace_id,
        "name": tag.name,
        "at": fmt_micro_z(tag.at),
        "creator_id": tag.creator_id,
    }
    if tag.deleted_at is not None:
        out["deleted_at"] = fmt_micro_z(tag.deleted_at)
    return out


def _check_name(backend: Backend, ws: Workspace, value: object, exclude: int | None = None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise bad_request("tag name can't be blank")
    existing = backend.workspace_tag_by_name(ws.id, name)
    if existing is not None and existing.id != exclude:
        raise bad_request(f"a tag with the name '{name}' already exists")
    return name


def list_tags(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/tags (``search``, ``page``, ``per_page``)."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    tags = [t for t in ctx.backend.tags.values() if t.workspace_id == ws.id and t.deleted_at is None]
    search = ctx.param("search")
    if search:
        tags = [t for t in tags if search.lower() in t.name.lower()]
    tags.sort(key=lambda t: (t.name.lower(), t.id))
    per_page = ctx.int_param("per_page")
    if per_page:
        page = max(1, ctx.int_param("page", 1) or 1)
        tags = tags[(page - 1) * per_page : page * per_page]
    return [render_tag(t) for t in tags]


def create_tag(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/tags: answers ONE tag object."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    name = _check_name(backend, ws, ctx.body_object().get("name"))
    return render_tag(backend.add_tag(ws, name, ctx.me))


def _get(ctx: Ctx, message: str) -> tuple[Workspace, Tag]:
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    tag = ctx.backend.live_tag(ws.id, ctx.arg("tid"))
    if tag is None:
        raise not_found(message)
    return ws, tag


def update_tag(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/tags/{tid}: rename."""
    ws, tag = _get(ctx, "Tag was not found")
    tag.name = _check_name(ctx.backend, ws, ctx.body_object().get("name"), exclude=tag.id)
    tag.at = ctx.now
    return render_tag(tag)


def _delete(backend: Backend, tag: Tag, now: datetime) -> None:
    tag.deleted_at = tag.at = now
    for te in backend.time_entries.values():
        if tag.id in te.tag_ids:
            te.tag_ids = [i for i in te.tag_ids if i != tag.id]
            te.at = now


def delete_tag(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/tags/{tid}: removes it from time entries too."""
    _, tag = _get(ctx, "Tag was not found.")
    _delete(ctx.backend, tag, ctx.now)
    return EMPTY


def bulk_delete_tags(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/tags: bulk delete, ``{"delete": [ids]}`` (or a bare id array); all or nothing."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body()
    ids = data.get("delete") if isinstance(data, dict) else data
    ids = id_list(ids)
    if not ids:
        raise bad_request("Invalid JSON input")
    tags = [backend.live_tag(ws.id, tid) for tid in dict.fromkeys(ids)]
    if any(t is None for t in tags):
        raise bad_request("Some tag IDs do not belong to workspace.")
    now = ctx.now
    for tag in tags:
        assert tag is not None
        _delete(backend, tag, now)
    return OK


ROUTES: list[Route] = [
    route("GET", "/workspaces/{wid}/tags", list_tags),
    route("POST", "/workspaces/{wid}/tags", create_tag),
    route("PATCH", "/workspaces/{wid}/tags", bulk_delete_tags),
    route("PUT", "/workspaces/{wid}/tags/{tid}", update_tag),
    route("DELETE", "/workspaces/{wid}/tags/{tid}", delete_tag),
]
