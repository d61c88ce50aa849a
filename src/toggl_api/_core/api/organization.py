"""Organizations: the requests of ``/organizations`` and ``/me/organizations`` (reference §6.3)."""

from __future__ import annotations

from ..models import TogglOrganization, TogglWorkspace
from .request import ApiRequest, RequestMethod

__all__ = ["add", "collect", "edit", "get", "leave", "list_scope"]


def get(organization_id: int) -> ApiRequest:
    """GET one organization."""
    return ApiRequest(RequestMethod.GET, f"organizations/{organization_id}")


def add(name: str, workspace_name: str) -> ApiRequest:
    """POST a new organization with its first workspace (names validated: non-blank, at most 140)."""
    TogglOrganization.validate_name(name)
    TogglWorkspace.validate_name(workspace_name)
    return ApiRequest(RequestMethod.POST, "organizations", json={"name": name, "workspace_name": workspace_name})


def edit(organization_id: int, name: str) -> ApiRequest:
    """PUT an organization's new name."""
    TogglOrganization.validate_name(name)
    return ApiRequest(RequestMethod.PUT, f"organizations/{organization_id}", json={"name": name})


def collect() -> ApiRequest:
    """GET the user's organizations."""
    return ApiRequest(RequestMethod.GET, "me/organizations")


def leave(organization_id: int) -> ApiRequest:
    """DELETE the user's membership (``organizations/{id}/users/leave``): what ``delete`` does."""
    return ApiRequest(RequestMethod.DELETE, f"organizations/{organization_id}/users/leave")


def list_scope() -> str:
    """Cache scope of the complete list of the user's organizations."""
    return "organizations"
