"""Project users: ``ProjectUserBody`` and the requests of ``/workspaces/{wid}/project_users``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._fields import explicit_fields, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = ["MAX_PROJECT_IDS", "ProjectUserBody", "add", "collect", "delete", "edit"]

#: Most project ids one list request may name ("project_ids cannot exceed 200 elements").
MAX_PROJECT_IDS = 200


@track_explicit
@dataclass
class ProjectUserBody(BaseBody):
    """What to send for a project membership (``user.PostPayload`` / ``user.PutPayload``).

    ``add`` needs ``project_id`` and ``user_id``; ``edit`` sends only the fields you set (the project and the user
    of a membership cannot change).

    Attributes:
        project_id: The project (``add`` only).
        user_id: The user (``add`` only).
        manager: Whether the user manages the project.
        rate: Custom hourly rate (a paid feature).
        labor_cost: Custom labour cost (a paid feature).
    """

    project_id: int | None = field(default=None)
    user_id: int | None = field(default=None)
    manager: bool | None = field(default=None)
    rate: float | None = field(default=None)
    labor_cost: float | None = field(default=None)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``add`` (every field not ``None``) or ``edit`` (the fields you set)."""
        out = dict(body)
        names: tuple[str, ...] = ("project_id", "user_id", "manager", "rate", "labor_cost")
        if endpoint == "edit":
            names = tuple(n for n in names[2:] if n in explicit_fields(self))
        for name in names:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "project_users", *(str(r) for r in rest)])


def collect(
    workspace_id: int, *, project_ids: Sequence[int] = (), user_id: int | None = None, with_group_members: bool = False
) -> ApiRequest:
    """GET the project memberships of a workspace, optionally of some projects or of one user."""
    if len(project_ids) > MAX_PROJECT_IDS:
        msg = f"project_ids takes at most {MAX_PROJECT_IDS} ids per request, got {len(project_ids)}"
        raise ValueError(msg)
    params: dict[str, Any] = {
        "project_ids": [int(p) for p in project_ids],
        "user_id": user_id,
        "with_group_members": True if with_group_members else None,
    }
    return ApiRequest(RequestMethod.GET, _path(workspace_id), params)


def add(workspace_id: int, body: ProjectUserBody) -> ApiRequest:
    """POST a new membership (``ValueError`` without ``project_id`` and ``user_id``)."""
    if body.project_id is None or body.user_id is None:
        msg = "adding a project user needs ProjectUserBody(project_id=..., user_id=...)"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.POST, _path(workspace_id), json=body.format("add"))


def edit(workspace_id: int, project_user_id: int, body: ProjectUserBody) -> ApiRequest:
    """PUT the fields of ``body`` you set (``ValueError`` when it changes nothing or names a project/user)."""
    if {"project_id", "user_id"} & explicit_fields(body):
        msg = "a project user's project and user cannot change; delete it and add another"
        raise ValueError(msg)
    payload = body.format("edit")
    if not payload:
        msg = "the ProjectUserBody changes nothing: set manager, rate or labor_cost"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.PUT, _path(workspace_id, project_user_id), json=payload)


def delete(workspace_id: int, project_user_id: int) -> ApiRequest:
    """DELETE a membership."""
    return ApiRequest(RequestMethod.DELETE, _path(workspace_id, project_user_id))


def list_scope(workspace_id: int) -> str:
    """Cache scope of the complete project-membership list of a workspace."""
    return f"project_users/{workspace_id}"
