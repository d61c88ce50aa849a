"""Projects: ``ProjectBody`` and the requests of ``/workspaces/{wid}/projects`` (reference §6.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

from ..errors import DateTimeError, NamingError
from ..models import TogglProject
from ..query import Comparison, TogglQuery
from ..timeutil import format_iso, get_timestamp
from ._fields import explicit_fields, require_type, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "BASIC_COLORS",
    "BULK_EDIT_LIMIT",
    "MAX_PER_PAGE",
    "ProjectBody",
    "add",
    "bulk_edit",
    "bulk_operations",
    "cacheable",
    "collect",
    "collect_params",
    "delete",
    "edit",
    "get",
    "get_color",
    "get_color_id",
    "list_queries",
    "list_scope",
    "matches_body",
    "status_to_query",
]

#: Toggl's basic palette, in the API's colour-index order.
BASIC_COLORS: Final[dict[str, str]] = {
    "blue": "#0b83d9",
    "violet": "#9e5bd9",
    "pink": "#d94182",
    "orange": "#e36a00",
    "gold": "#bf7000",
    "green": "#2da608",
    "teal": "#06a893",
    "beige": "#c9806b",
    "dark-blue": "#465bb3",
    "purple": "#990099",
    "yellow": "#c7af14",
    "dark-green": "#566614",
    "red": "#d92b2b",
    "gray": "#525266",
}
#: Largest page Toggl serves for ``GET /workspaces/{wid}/projects``.
MAX_PER_PAGE = 200
#: Most projects one bulk PATCH names (as for time entries; the spec gives no number for projects).
BULK_EDIT_LIMIT = 100
#: ``ProjectBody`` fields Toggl refuses in a bulk edit ("cannot bulk-edit active, client_id, client_name").
_NOT_BULK = ("active", "client_id", "client_name")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_EDITABLE = ("name", "active", "is_private", "client_id", "client_name", "color", "start_date", "end_date")


def get_color(name: str) -> str:
    """The hex value of a basic colour name; unknown names give gray (``#525266``)."""
    return BASIC_COLORS.get(name, BASIC_COLORS["gray"])


def get_color_id(color: str) -> int:
    """The API colour index of a basic colour's hex value.

    Raises:
        ValueError: ``color`` is not one of ``BASIC_COLORS``' hex values.
    """
    values = list(BASIC_COLORS.values())
    if color not in values:
        msg = f"{color!r} is not a basic colour; use one of {', '.join(values)}"
        raise ValueError(msg)
    return values.index(color)


def _color(value: str) -> str:
    if value in BASIC_COLORS:
        return BASIC_COLORS[value]
    if _HEX.match(value):
        return value.lower()
    msg = f"color must be a basic colour name ({', '.join(BASIC_COLORS)}) or a hex value like '#0b83d9', got {value!r}"
    raise ValueError(msg)


def status_to_query(status: TogglProject.Status, *, today: date) -> list[TogglQuery[Any]]:
    """Cache queries selecting projects in ``status`` on ``today`` (as ``TogglProject.get_status`` decides).

    Raises:
        NotImplementedError: ``ACTIVE`` and ``DELETED`` need an OR / a NOT-NULL test queries cannot express;
            filter with ``project.get_status(today)`` instead.
    """
    if status is TogglProject.Status.ARCHIVED:
        return [TogglQuery("active", False)]
    if status is TogglProject.Status.UPCOMING:
        return [TogglQuery("active", True), TogglQuery("start_date", today, Comparison.GREATER_THEN)]
    if status is TogglProject.Status.ENDED:
        return [
            TogglQuery("active", True),
            TogglQuery("start_date", today, Comparison.LESS_THEN_OR_EQUAL),
            TogglQuery("end_date", today, Comparison.LESS_THEN),
        ]
    msg = f"{status.name} cannot be expressed as cache queries; filter with TogglProject.get_status"
    raise NotImplementedError(msg)


@track_explicit
@dataclass
class ProjectBody(BaseBody):
    """What to send for a project (``add``/``edit``) or how to filter a ``collect``.

    ``edit`` sends only the fields you set, so the defaults of ``active`` and ``is_private`` never overwrite a
    project's values unasked. ``add`` sends ``active`` and ``is_private`` always.

    Attributes:
        name: The project's name (required to create one).
        active: ``True``/``False``; for ``collect`` also ``"both"``.
        is_private: Private project.
        client_id: Client id (wins over ``client_name``).
        client_name: Client by name (Toggl creates it if needed).
        color: A ``BASIC_COLORS`` name or a hex value.
        start_date: First day.
        end_date: Last day (not before ``start_date``).
        since: ``collect``: only projects modified since (unix seconds, date or aware datetime).
        user_ids: ``collect``: projects of these users.
        client_ids: ``collect``: projects of these clients.
        group_ids: ``collect``: projects of these groups.
        statuses: ``collect``: projects in these states.
    """

    name: str | None = field(default=None)
    active: bool | Literal["both"] = field(default=True)
    is_private: bool | None = field(default=True, metadata={"endpoints": frozenset({"add", "edit"})})
    client_id: int | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    client_name: str | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    color: str | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    start_date: date | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    end_date: date | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    since: date | int | None = field(default=None, metadata={"endpoints": frozenset({"collect"})})
    user_ids: list[int] = field(default_factory=list, metadata={"endpoints": frozenset({"collect"})})
    client_ids: list[int] = field(default_factory=list, metadata={"endpoints": frozenset({"collect"})})
    group_ids: list[int] = field(default_factory=list, metadata={"endpoints": frozenset({"collect"})})
    statuses: list[TogglProject.Status] = field(default_factory=list, metadata={"endpoints": frozenset({"collect"})})

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``add`` or ``edit`` (or every set field for ``""``), after the extra kwargs.

        Raises:
            ValueError: ``active="both"`` on add/edit, or an unknown colour.
            DateTimeError: ``end_date`` before ``start_date``.
        """
        out = dict(body)
        if endpoint == "":
            out.update(self._mapping_view())
            return out
        if endpoint == "collect":
            out.update(collect_params(self))
            return out
        send = set(_EDITABLE) if endpoint == "add" else set(explicit_fields(self)) & set(_EDITABLE)
        if "active" in send:
            if not isinstance(self.active, bool):
                msg = f"active must be True or False when creating or editing a project, got {self.active!r}"
                raise ValueError(msg)
            out["active"] = self.active
        if "is_private" in send and self.is_private is not None:
            out["is_private"] = self.is_private
        if "name" in send and self.name is not None:
            out["name"] = self.name
        if "client_id" in send and self.client_id is not None:
            out["client_id"] = self.client_id
        elif "client_name" in send and self.client_name:
            out["client_name"] = self.client_name
        if "color" in send and self.color is not None:
            out["color"] = _color(self.color)
        if self.start_date is not None and self.end_date is not None and self.end_date < self.start_date:
            msg = f"end_date {self.end_date} is before start_date {self.start_date}"
            raise DateTimeError(msg)
        if "start_date" in send and self.start_date is not None:
            out["start_date"] = format_iso(self.start_date, "start_date")
        if "end_date" in send and self.end_date is not None:
            out["end_date"] = format_iso(self.end_date, "end_date")
        return out

    def _mapping_view(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in (
            "name",
            "active",
            "is_private",
            "client_id",
            "client_name",
            "color",
            "start_date",
            "end_date",
            "since",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        for key in ("user_ids", "client_ids", "group_ids", "statuses"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        return out


def collect_params(
    body: ProjectBody | None,
    *,
    sort_pinned: bool = False,
    only_me: bool = False,
    only_templates: bool = False,
) -> dict[str, Any]:
    """Query parameters of ``GET /workspaces/{wid}/projects`` for a filter body (Toggl's own names)."""
    require_type(body, ProjectBody, "body", optional=True)
    body = body if body is not None else ProjectBody()
    active = body.active
    if active not in (True, False, "both"):
        msg = f"active must be True, False or 'both', got {active!r}"
        raise ValueError(msg)
    params: dict[str, Any] = {"active": "both" if active == "both" else bool(active)}
    if body.since is not None:
        params["since"] = get_timestamp(body.since)
    for key in ("user_ids", "client_ids", "group_ids"):
        values = getattr(body, key)
        if values:
            params[key] = [int(v) for v in values]
    if body.statuses:
        for status in body.statuses:
            if not isinstance(status, TogglProject.Status):
                msg = f"statuses must hold TogglProject.Status members, got {status!r}"
                raise TypeError(msg)
        params["statuses"] = [s.name.lower() for s in body.statuses]
    if sort_pinned:
        params["sort_pinned"] = True
    if only_me:
        params["only_me"] = True
    if only_templates:
        params["only_templates"] = True
    return params


def _path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "projects", *(str(r) for r in rest)])


def collect(
    workspace_id: int, params: dict[str, Any], *, page: int | None = None, per_page: int | None = None
) -> ApiRequest:
    """GET one page of projects with ``params`` (from ``collect_params``)."""
    if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
        msg = f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}"
        raise ValueError(msg)
    if page is not None and page < 1:
        msg = f"page must be 1 or more, got {page}"
        raise ValueError(msg)
    return ApiRequest(RequestMethod.GET, _path(workspace_id), {**params, "page": page, "per_page": per_page})


def add(workspace_id: int, body: ProjectBody) -> ApiRequest:
    """POST a new project (``NamingError`` without a name)."""
    require_type(body, ProjectBody, "body")
    if not isinstance(body.name, str) or not body.name.strip():
        msg = "Name must be set in order to create a project!"
        raise NamingError(msg)
    return ApiRequest(RequestMethod.POST, _path(workspace_id), json=body.format("add", workspace_id=workspace_id))


def get(workspace_id: int, project_id: int) -> ApiRequest:
    """GET one project."""
    return ApiRequest(RequestMethod.GET, _path(workspace_id, project_id))


def edit(workspace_id: int, project_id: int, body: ProjectBody) -> ApiRequest:
    """PUT the fields of ``body`` the caller set."""
    require_type(body, ProjectBody, "body")
    if "name" in explicit_fields(body) and body.name is not None and not body.name.strip():
        msg = "A project name must not be blank."
        raise NamingError(msg)
    return ApiRequest(
        RequestMethod.PUT, _path(workspace_id, project_id), json=body.format("edit", workspace_id=workspace_id)
    )


def delete(workspace_id: int, project_id: int) -> ApiRequest:
    """DELETE a project."""
    return ApiRequest(RequestMethod.DELETE, _path(workspace_id, project_id))


def bulk_operations(body: ProjectBody) -> list[dict[str, Any]]:
    """The JSON-patch operations (``replace``) of a bulk edit: one per field of ``body`` you set.

    Raises:
        ValueError: the body sets ``active``, ``client_id`` or ``client_name`` (Toggl cannot bulk-edit them), or
            changes nothing.
    """
    refused = [name for name in _NOT_BULK if name in explicit_fields(body)]
    if refused:
        msg = f"Toggl cannot bulk-edit {', '.join(refused)}; use edit() for each project"
        raise ValueError(msg)
    payload = body.format("edit")
    ops = [{"op": "replace", "path": f"/{name}", "value": value} for name, value in payload.items()]
    if not ops:
        msg = "the ProjectBody changes nothing a bulk edit can apply (set name, color, is_private, dates)"
        raise ValueError(msg)
    return ops


def bulk_edit(workspace_id: int, project_ids: list[int], operations: list[dict[str, Any]]) -> ApiRequest:
    """PATCH up to ``BULK_EDIT_LIMIT`` projects with the same operations."""
    if not 1 <= len(project_ids) <= BULK_EDIT_LIMIT:
        msg = f"a bulk edit request takes 1 to {BULK_EDIT_LIMIT} project ids, got {len(project_ids)}"
        raise ValueError(msg)
    return ApiRequest(
        RequestMethod.PATCH, _path(workspace_id, ",".join(str(i) for i in project_ids)), json=list(operations)
    )


# -- cache ------------------------------------------------------------------------------------------------


def cacheable(body: ProjectBody | None, *, sort_pinned: bool, only_me: bool, only_templates: bool) -> bool:
    """Whether the cache can answer this collect: only filters on fields the cache holds (active, client,
    status); ``since``, users, groups, pinning and templates need the API."""
    require_type(body, ProjectBody, "body", optional=True)
    if sort_pinned or only_me or only_templates:
        return False
    if body is None:
        return True
    return body.since is None and not body.user_ids and not body.group_ids


def list_scope(workspace_id: int, active: bool | str) -> str:
    """Cache scope of a complete project list with an ``active`` filter."""
    key = "both" if active == "both" else str(bool(active)).lower()
    return f"projects/{workspace_id}?active={key}"


def list_queries(workspace_id: int, active: bool | str) -> list[TogglQuery[Any]]:
    """Cache queries selecting what a project list with ``active`` contains."""
    queries: list[TogglQuery[Any]] = [TogglQuery("workspace", workspace_id)]
    if active != "both":
        queries.append(TogglQuery("active", bool(active)))
    return queries


def matches_body(project: TogglProject, body: ProjectBody | None, today: date) -> bool:
    """The cache-side twin of Toggl's ``client_ids`` and ``statuses`` filters."""
    require_type(body, ProjectBody, "body", optional=True)
    if body is None:
        return True
    if body.client_ids and project.client not in set(body.client_ids):
        return False
    return not body.statuses or project.get_status(today) in set(body.statuses)
