"""Workspace users and organization users: the requests of ``/workspaces/{wid}/workspace_users`` and
``/organizations/{oid}/users``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from ..query import TogglQuery
from ._fields import explicit_fields, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "ACTIVE_STATUS",
    "ORGANIZATION_PER_PAGE",
    "WORKSPACE_ROLES",
    "WorkspaceUserBody",
    "collect_organization",
    "collect_workspace",
    "delete_organization_users",
    "delete_workspace_user",
    "delete_workspace_users",
    "edit_workspace_user",
    "organization_list_queries",
    "organization_list_scope",
    "workspace_list_queries",
    "workspace_list_scope",
]

ACTIVE_STATUS = Literal["active", "inactive", "invited"]
_STATUSES: tuple[str, ...] = get_args(ACTIVE_STATUS)
WORKSPACE_ROLES = Literal["admin", "user", "projectlead", "teamlead"]
_ROLES: tuple[str, ...] = get_args(WORKSPACE_ROLES)
#: Page size asked of ``/organizations/{oid}/users`` (Toggl's default is 50; the spec gives no maximum).
ORGANIZATION_PER_PAGE = 50


@track_explicit
@dataclass
class WorkspaceUserBody(BaseBody):
    """What to change about a workspace member (``PUT /workspaces/{wid}/workspace_users/{id}``).

    Only the fields you set are sent.

    Attributes:
        role: ``"admin"``, ``"user"``, ``"projectlead"`` or ``"teamlead"``.
        inactive: ``True`` deactivates the member, ``False`` reactivates them.
        rate: Hourly rate (a paid feature).
        working_hours_in_minutes: Working hours per day in minutes (a paid feature).
    """

    role: WORKSPACE_ROLES | None = field(default=None)
    inactive: bool | None = field(default=None)
    rate: float | None = field(default=None)
    working_hours_in_minutes: int | None = field(default=None)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body: the fields you set (``ValueError`` for an unknown role or nothing set)."""
        if self.role is not None and self.role not in _ROLES:
            msg = f"role must be one of {', '.join(_ROLES)}, got {self.role!r}"
            raise ValueError(msg)
        out = dict(body)
        for name in ("role", "inactive", "rate", "working_hours_in_minutes"):
            if name in explicit_fields(self) and getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if endpoint == "edit" and not out:
            msg = "the WorkspaceUserBody changes nothing: set role, inactive, rate or working_hours_in_minutes"
            raise ValueError(msg)
        return out


def collect_workspace(workspace_id: int, *, include_indirect: bool = False) -> ApiRequest:
    """GET the members of a workspace (``includeIndirect``: also those who belong through a group)."""
    return ApiRequest(
        RequestMethod.GET, f"workspaces/{workspace_id}/workspace_users", {"includeIndirect": include_indirect}
    )


def edit_workspace_user(workspace_id: int, workspace_user_id: int, body: WorkspaceUserBody) -> ApiRequest:
    """PUT changes to one member (Toggl answers a plain string)."""
    return ApiRequest(
        RequestMethod.PUT,
        f"workspaces/{workspace_id}/workspace_users/{workspace_user_id}",
        json=body.format("edit"),
    )


def delete_workspace_user(workspace_id: int, workspace_user_id: int) -> ApiRequest:
    """DELETE one member from a workspace."""
    return ApiRequest(RequestMethod.DELETE, f"workspaces/{workspace_id}/workspace_users/{workspace_user_id}")


def delete_workspace_users(organization_id: int, workspace_id: int, workspace_user_ids: Sequence[int]) -> ApiRequest:
    """PATCH ``{"delete": [ids]}``: remove members from a workspace (Toggl's ``workspace_users.PatchParams``)."""
    ids = sorted(set(workspace_user_ids))
    if not ids:
        msg = "name at least one workspace user to remove"
        raise ValueError(msg)
    path = f"organizations/{organization_id}/workspaces/{workspace_id}/workspace_users"
    return ApiRequest(RequestMethod.PATCH, path, json={"delete": ids})


def delete_organization_users(organization_id: int, organization_user_ids: Sequence[int]) -> ApiRequest:
    """PATCH ``{"delete": [ids]}``: remove members from an organization (and its workspaces), all or none."""
    ids = sorted(set(organization_user_ids))
    if not ids:
        msg = "name at least one organization user to remove"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.PATCH, f"organizations/{organization_id}/users", json={"delete": ids})


def collect_organization(
    organization_id: int,
    *,
    page: int = 1,
    per_page: int = ORGANIZATION_PER_PAGE,
    search: str | None = None,
    active_status: Sequence[ACTIVE_STATUS] = (),
    only_admins: bool = False,
    groups: Sequence[int] = (),
    workspaces: Sequence[int] = (),
) -> ApiRequest:
    """GET one page of an organization's members with Toggl's filters.

    ``search`` is Toggl's ``filter`` parameter: a substring of the name or email.
    """
    if page < 1 or per_page < 1:
        msg = f"page and per_page must be 1 or more, got {page} and {per_page}"
        raise ValueError(msg)
    for status in active_status:
        if status not in _STATUSES:
            msg = f"active_status takes {', '.join(_STATUSES)}, got {status!r}"
            raise ValueError(msg)
    params: dict[str, Any] = {
        "filter": search or None,
        "active_status": list(active_status),
        "only_admins": True if only_admins else None,
        "groups": [int(g) for g in groups],
        "workspaces": [int(w) for w in workspaces],
        "page": page,
        "per_page": per_page,
    }
    return ApiRequest(RequestMethod.GET, f"organizations/{organization_id}/users", params)


def workspace_list_scope(workspace_id: int) -> str:
    """Cache scope of the complete (direct) member list of a workspace."""
    return f"workspace_users/{workspace_id}"


def workspace_list_queries(workspace_id: int) -> list[TogglQuery[Any]]:
    """Cache queries selecting the members of a workspace."""
    return [TogglQuery("workspace", workspace_id)]


def organization_list_scope(organization_id: int) -> str:
    """Cache scope of the complete member list of an organization."""
    return f"organization_users/{organization_id}"


def organization_list_queries(organization_id: int) -> list[TogglQuery[Any]]:
    """Cache queries selecting the members of an organization."""
    return [TogglQuery("organization", organization_id)]
