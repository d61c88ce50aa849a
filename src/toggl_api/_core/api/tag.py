"""Tags: the requests of ``/workspaces/{wid}/tags`` (reference §6.6)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import NamingError
from ..query import TogglQuery
from .request import ApiRequest, RequestMethod

__all__ = ["add", "bulk_delete", "collect", "delete", "edit", "list_queries", "list_scope", "validate_tag_name"]


def validate_tag_name(name: object) -> str:
    """Return ``name`` unless it is blank or not a string (``NamingError``, Toggl's "tag name can't be blank")."""
    if name is None or name == "":
        msg = "The tag name needs to be at least one character long."  # toggl-api-wrapper's message
        raise NamingError(msg)
    if not isinstance(name, str) or not name.strip():
        msg = f"A tag name must be a non-blank string, got {name!r}."
        raise NamingError(msg)
    return name


def _path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "tags", *(str(r) for r in rest)])


def collect(workspace_id: int) -> ApiRequest:
    """GET every tag of the workspace."""
    return ApiRequest(RequestMethod.GET, _path(workspace_id))


def add(workspace_id: int, name: str) -> ApiRequest:
    """POST a new tag."""
    return ApiRequest(RequestMethod.POST, _path(workspace_id), json={"name": validate_tag_name(name)})


def edit(workspace_id: int, tag_id: int, name: str) -> ApiRequest:
    """PUT a tag's new name."""
    return ApiRequest(RequestMethod.PUT, _path(workspace_id, tag_id), json={"name": validate_tag_name(name)})


def delete(workspace_id: int, tag_id: int) -> ApiRequest:
    """DELETE a tag."""
    return ApiRequest(RequestMethod.DELETE, _path(workspace_id, tag_id))


def bulk_delete(workspace_id: int, tag_ids: Sequence[int]) -> ApiRequest:
    """PATCH ``tags`` with ``{"delete": [ids]}``: delete several tags at once, all or none.

    Toggl's spec leaves this body undescribed; ``{"delete": [...]}`` is the shape its other bulk-delete PATCH
    routes (organization users, workspace users) document.
    """
    ids = sorted(set(tag_ids))
    if not ids:
        msg = "name at least one tag to delete"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.PATCH, _path(workspace_id), json={"delete": ids})


def list_scope(workspace_id: int) -> str:
    """Cache scope of the complete tag list of a workspace."""
    return f"tags/{workspace_id}"


def list_queries(workspace_id: int) -> list[TogglQuery[Any]]:
    """Cache queries selecting the tags of a workspace."""
    return [TogglQuery("workspace", workspace_id)]
