"""Groups: the requests of ``/workspaces/{wid}/groups``."""

from __future__ import annotations

from typing import Any

from ..errors import NamingError
from ..query import TogglQuery
from .request import ApiRequest, RequestMethod

__all__ = ["MAX_GROUP_NAME", "add", "collect", "delete", "edit", "list_queries", "list_scope", "validate_group_name"]

#: Longest group name Toggl accepts ("Group name too long, maximum length is 200").
MAX_GROUP_NAME = 200


def validate_group_name(name: object) -> str:
    """Return ``name`` if Toggl would accept it as a group name, else raise ``NamingError``."""
    if not isinstance(name, str) or not name.strip():
        msg = f"A group name must be a non-blank string, got {name!r}."
        raise NamingError(msg)
    if len(name) > MAX_GROUP_NAME:
        msg = f"The group name is {len(name)} characters long; the maximum is {MAX_GROUP_NAME}."
        raise NamingError(msg)
    return name


def _path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "groups", *(str(r) for r in rest)])


def collect(workspace_id: int) -> ApiRequest:
    """GET the groups of a workspace."""
    return ApiRequest(RequestMethod.GET, _path(workspace_id))


def add(workspace_id: int, name: str) -> ApiRequest:
    """POST a new group."""
    return ApiRequest(RequestMethod.POST, _path(workspace_id), json={"name": validate_group_name(name)})


def edit(workspace_id: int, group_id: int, name: str) -> ApiRequest:
    """PUT a group's new name."""
    return ApiRequest(RequestMethod.PUT, _path(workspace_id, group_id), json={"name": validate_group_name(name)})


def delete(workspace_id: int, group_id: int) -> ApiRequest:
    """DELETE a group."""
    return ApiRequest(RequestMethod.DELETE, _path(workspace_id, group_id))


def list_scope(workspace_id: int) -> str:
    """Cache scope of the complete group list of a workspace."""
    return f"groups/{workspace_id}"


def list_queries(workspace_id: int) -> list[TogglQuery[Any]]:
    """Cache queries selecting the groups of a workspace."""
    return [TogglQuery("workspace", workspace_id)]
