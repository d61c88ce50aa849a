"""Workspaces: ``WorkspaceBody``, ``User``, ``WorkspaceStatistics`` and their requests (reference §6.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypedDict, get_args

from ..errors import DateTimeError
from ..models import TogglWorkspace
from ..timeutil import get_timestamp
from ._fields import explicit_fields, require_type, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "RATE_CHANGE_MODE",
    "User",
    "WorkspaceBody",
    "WorkspaceStatistics",
    "add",
    "collect",
    "edit",
    "get",
    "list_scope",
    "statistics",
    "tracker_constraints",
    "validate_since",
]

RATE_CHANGE_MODE = Literal["start-today", "override-current", "override-all"]
_AE = frozenset({"add", "edit"})


class User(TypedDict):
    """A workspace admin as ``statistics`` reports it."""

    user_id: int
    name: str


class WorkspaceStatistics(TypedDict):
    """``GET /workspaces/{wid}/statistics``."""

    admins: list[User]
    groups_count: int
    members_count: int


@track_explicit
@dataclass
class WorkspaceBody(BaseBody):
    """What to send for a workspace.

    Every field you set is sent, ``False`` and ``0`` included (so flags can be switched off); fields left at
    their defaults are not sent. Names keep their spaces.

    Attributes:
        name: Workspace name (1-140 characters, not blank).
        admins: User ids of admins.
        rate_change_mode: ``start-today``, ``override-current`` or ``override-all``.
        rounding: 0 nearest, 1 up, -1 down.
        rounding_minutes: Rounding step.
    """

    name: str | None = None
    admins: list[int] = field(default_factory=list, metadata={"endpoints": _AE})
    only_admins_may_create_projects: bool = field(default=False, metadata={"endpoints": _AE})
    only_admins_may_create_tags: bool = field(default=False, metadata={"endpoints": _AE})
    only_admins_see_billable_rates: bool = field(default=False, metadata={"endpoints": _AE})
    only_admins_see_team_dashboard: bool = field(default=False, metadata={"endpoints": _AE})
    projects_billable_by_default: bool = field(default=False, metadata={"endpoints": _AE})
    projects_enforce_billable: bool = field(default=False, metadata={"endpoints": _AE})
    projects_private_by_default: bool = field(default=False, metadata={"endpoints": _AE})
    rate_change_mode: RATE_CHANGE_MODE | None = field(default=None, metadata={"endpoints": _AE})
    reports_collapse: bool = field(default=False, metadata={"endpoints": _AE})
    rounding: int | None = field(default=None, metadata={"endpoints": _AE})
    rounding_minutes: int | None = field(default=None, metadata={"endpoints": _AE})

    def __post_init__(self) -> None:
        if self.name is not None:
            TogglWorkspace.validate_name(self.name)
        if self.rate_change_mode is not None and self.rate_change_mode not in get_args(RATE_CHANGE_MODE):
            modes = ", ".join(get_args(RATE_CHANGE_MODE))
            msg = f"rate_change_mode must be one of {modes}, got {self.rate_change_mode!r}"
            raise ValueError(msg)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body: the extra kwargs, then every field the caller set (``""``: ``name`` only)."""
        out = dict(body)
        if self.name is not None:
            TogglWorkspace.validate_name(self.name)
            out["name"] = self.name
        if endpoint == "":
            return out
        for key in sorted(explicit_fields(self)):
            if key == "name" or not self._verify_endpoint_parameter(key, endpoint):
                continue
            value = getattr(self, key)
            if value is None:
                continue
            out[key] = list(value) if isinstance(value, list) else value
        return out


def validate_since(since: datetime | date | int, now: datetime) -> int:
    """``since`` as unix seconds (offsets respected); in the future → ``DateTimeError``."""
    stamp = get_timestamp(since)
    if stamp > now.timestamp():
        msg = "The 'since' argument needs to be before the current time!"
        raise DateTimeError(msg)
    return stamp


def get(workspace_id: int) -> ApiRequest:
    """GET one workspace."""
    return ApiRequest(RequestMethod.GET, f"workspaces/{workspace_id}")


def add(organization_id: int, body: WorkspaceBody) -> ApiRequest:
    """POST a new workspace into an organization (a name is required)."""
    require_type(body, WorkspaceBody, "body")
    TogglWorkspace.validate_name(body.name)  # type: ignore[arg-type] # None is reported as a NamingError
    return ApiRequest(
        RequestMethod.POST,
        f"organizations/{organization_id}/workspaces",
        json=body.format("add", organization_id=organization_id),
    )


def edit(workspace_id: int, body: WorkspaceBody) -> ApiRequest:
    """PUT the fields of ``body`` the caller set."""
    require_type(body, WorkspaceBody, "body")
    return ApiRequest(RequestMethod.PUT, f"workspaces/{workspace_id}", json=body.format("edit"))


def collect(since: int | None = None) -> ApiRequest:
    """GET the user's workspaces (``since``: unix seconds, as a query parameter)."""
    return ApiRequest(RequestMethod.GET, "me/workspaces", {"since": since})


def tracker_constraints(workspace_id: int) -> ApiRequest:
    """GET the workspace's time entry constraints."""
    return ApiRequest(RequestMethod.GET, f"workspaces/{workspace_id}/time_entry_constraints")


def statistics(workspace_id: int) -> ApiRequest:
    """GET the workspace's statistics."""
    return ApiRequest(RequestMethod.GET, f"workspaces/{workspace_id}/statistics")


def list_scope() -> str:
    """Cache scope of the complete list of the user's workspaces."""
    return "workspaces"
