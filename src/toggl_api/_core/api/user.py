"""The current user: ``/me``, ``/me/logged`` and the one-request bootstrap (reference §6.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from ..models import TogglClient, TogglProject, TogglTag, TogglTracker, TogglWorkspace
from .request import ApiRequest, RequestMethod

__all__ = ["RelatedData", "decode_related", "details", "logged"]


def details(*, with_related_data: bool = False) -> ApiRequest:
    """GET ``me`` (``with_related_data=true`` adds workspaces, clients, projects, tags and time entries)."""
    return ApiRequest(RequestMethod.GET, "me", {"with_related_data": True} if with_related_data else None)


def logged() -> ApiRequest:
    """GET ``me/logged``: 200 when the credentials work."""
    return ApiRequest(RequestMethod.GET, "me/logged")


@frozen
class RelatedData:
    """What ``GET /me?with_related_data=true`` answered, decoded.

    Attributes:
        user: The user's own fields (the related lists removed).
        workspaces: The user's workspaces.
        clients: Clients of those workspaces.
        projects: Projects of those workspaces (archived ones included).
        tags: Tags of those workspaces.
        trackers: Recent time entries (Toggl's default window, not a complete history).
    """

    user: dict[str, Any]
    workspaces: Sequence[TogglWorkspace]
    clients: Sequence[TogglClient]
    projects: Sequence[TogglProject]
    tags: Sequence[TogglTag]
    trackers: Sequence[TogglTracker]


_RELATED = ("workspaces", "clients", "projects", "tags", "time_entries")


def decode_related(data: dict[str, Any], *, timestamp: Any = None) -> RelatedData:
    """Split a ``/me?with_related_data=true`` answer into the user and decoded models (``null`` lists → empty)."""
    if not isinstance(data, dict):
        msg = f"expected the /me object, got {type(data).__name__}"
        raise TypeError(msg)

    def items(key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def decode(model: Any, key: str) -> list[Any]:
        return [model.from_kwargs(**item, timestamp=timestamp) for item in items(key)]

    return RelatedData(
        user={k: v for k, v in data.items() if k not in _RELATED},
        workspaces=decode(TogglWorkspace, "workspaces"),
        clients=decode(TogglClient, "clients"),
        projects=decode(TogglProject, "projects"),
        tags=decode(TogglTag, "tags"),
        trackers=decode(TogglTracker, "time_entries"),
    )
