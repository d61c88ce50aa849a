"""People: workspace users, organization users, project users, groups, and the current user's preferences.

Ids follow Toggl: a workspace user's ``id`` is its membership id (one per user and workspace) and ``user`` the
global user id that time entries and reports carry (``user_id``); an organization user's ``id`` is its
membership id in the organization. So one person in two workspaces is two cached workspace users.
"""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import define, field, frozen

from ._base import TogglClass, WorkspaceChild, opt_entity_id

__all__ = [
    "TogglGroup",
    "TogglOrganizationUser",
    "TogglPreferences",
    "TogglProjectUser",
    "TogglWorkspaceUser",
]


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"expected a number or None, not {type(value).__name__}"
        raise TypeError(msg)
    return float(value)


def _ids(value: Any) -> list[int]:
    """A list of ids from ints or Toggl's objects (``{"workspace_id": 1}``, ``{"user_id": 2}``...)."""
    if value is None:
        return []
    out: list[int] = []
    for item in value:
        if isinstance(item, dict):
            for key in ("workspace_id", "user_id", "group_id", "id"):
                if isinstance(item.get(key), int):
                    out.append(item[key])
                    break
        elif isinstance(item, bool) or not isinstance(item, int):
            msg = f"expected ids, got {type(item).__name__}"
            raise TypeError(msg)
        else:
            out.append(item)
    return out


def _bool(value: Any) -> bool:
    return bool(value) if value is not None else False


@define(slots=False, unsafe_hash=False)
class TogglWorkspaceUser(WorkspaceChild):
    """A member of a workspace (``GET /workspaces/{wid}/workspace_users``).

    ``id`` is the membership (workspace-user) id; ``user`` is the person's user id, the ``user_id`` of their time
    entries and report rows. ``name`` is their full name.
    """

    __tablename__: ClassVar[str] = "workspace_user"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {
        "uid",
        "user_id",
        "user",
        "fullname",
        "email",
        "admin",
        "role",
        "active",
        "inactive",
        "timezone",
    }

    user: int = field(default=0, converter=int)
    email: str | None = field(default=None, converter=_opt_str, kw_only=True)
    admin: bool = field(default=False, converter=_bool, kw_only=True)
    role: str | None = field(default=None, converter=_opt_str, kw_only=True)
    active: bool = field(default=True, converter=_bool, kw_only=True)
    inactive: bool = field(default=False, converter=_bool, kw_only=True)
    timezone: str | None = field(default=None, converter=_opt_str, kw_only=True)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglWorkspaceUser:
        """Build from an API payload (``uid``, ``wid``) or a cache record."""
        base = cls._base_kwargs(kwargs)
        base["name"] = kwargs.get("name") or kwargs.get("fullname") or ""
        user = kwargs.get("uid", kwargs.get("user_id", kwargs.get("user")))
        active = kwargs.get("active")
        return cls(
            **base,
            # ``/workspaces/{wid}/users`` leaves the workspace out: the endpoint fills it from the path.
            workspace=cls._workspace_or_zero(kwargs),
            user=user or 0,
            email=kwargs.get("email"),
            admin=kwargs.get("admin"),
            role=kwargs.get("role"),
            active=True if active is None else active,
            inactive=kwargs.get("inactive"),
            timezone=kwargs.get("timezone"),
        )


@define(slots=False, unsafe_hash=False)
class TogglOrganizationUser(TogglClass):
    """A member of an organization (``GET /organizations/{oid}/users``).

    ``id`` is the organization-user id; ``user`` the person's user id; ``workspaces`` the ids of the workspaces
    they belong to in that organization.
    """

    __tablename__: ClassVar[str] = "organization_user"
    _CONSUMED: ClassVar[frozenset[str]] = TogglClass._CONSUMED | {
        "user",
        "user_id",
        "organization",
        "organization_id",
        "email",
        "admin",
        "owner",
        "inactive",
        "joined",
        "workspaces",
    }

    user: int = field(default=0, converter=int)
    organization: int = field(default=0, converter=int)
    email: str | None = field(default=None, converter=_opt_str, kw_only=True)
    admin: bool = field(default=False, converter=_bool, kw_only=True)
    owner: bool = field(default=False, converter=_bool, kw_only=True)
    inactive: bool = field(default=False, converter=_bool, kw_only=True)
    joined: bool = field(default=True, converter=_bool, kw_only=True)
    workspaces: list[int] = field(factory=list, converter=_ids, kw_only=True)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglOrganizationUser:
        """Build from an API payload (``user_id``, ``organization_id``, ``workspaces`` objects) or a record."""
        joined = kwargs.get("joined")
        return cls(
            **cls._base_kwargs(kwargs),
            user=kwargs.get("user_id", kwargs.get("user")) or 0,
            organization=kwargs.get("organization_id", kwargs.get("organization")) or 0,
            email=kwargs.get("email"),
            admin=kwargs.get("admin"),
            owner=kwargs.get("owner"),
            inactive=kwargs.get("inactive"),
            joined=True if joined is None else joined,
            workspaces=kwargs.get("workspaces"),
        )


@define(slots=False, unsafe_hash=False)
class TogglProjectUser(WorkspaceChild):
    """A user's membership of a project (``/workspaces/{wid}/project_users``); ``name`` is always empty."""

    __tablename__: ClassVar[str] = "project_user"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {
        "project",
        "project_id",
        "user",
        "user_id",
        "manager",
        "rate",
        "group",
        "group_id",
        "gid",
    }

    project: int = field(default=0, converter=int)
    user: int = field(default=0, converter=int)
    manager: bool = field(default=False, converter=_bool, kw_only=True)
    rate: float | None = field(default=None, converter=_opt_float, kw_only=True)
    group: int | None = field(default=None, converter=opt_entity_id, kw_only=True)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglProjectUser:
        """Build from an API payload (``project_id``, ``user_id``, ``group_id``) or a cache record."""
        return cls(
            **cls._base_kwargs(kwargs),
            workspace=cls._workspace_of(kwargs),
            project=kwargs.get("project_id", kwargs.get("project")) or 0,
            user=kwargs.get("user_id", kwargs.get("user")) or 0,
            manager=kwargs.get("manager"),
            rate=kwargs.get("rate"),
            group=kwargs.get("group_id", kwargs.get("gid", kwargs.get("group"))),
        )


@define(slots=False, unsafe_hash=False)
class TogglGroup(WorkspaceChild):
    """A user group of a workspace (``/workspaces/{wid}/groups``)."""

    __tablename__: ClassVar[str] = "user_group"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {"has_users"}

    has_users: bool = field(default=False, converter=_bool, kw_only=True)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglGroup:
        """Build from an API payload (``workspace_id``) or a cache record."""
        return cls(**cls._base_kwargs(kwargs), workspace=cls._workspace_of(kwargs), has_users=kwargs.get("has_users"))


def _week_day(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        msg = f"beginning_of_week must be 0 (Sunday) to 6 (Saturday), got {value!r}"
        raise ValueError(msg)
    return value


@frozen
class TogglPreferences:
    """The current user's display preferences (``GET /me/preferences``).

    Attributes:
        date_format: Toggl's date pattern, e.g. ``"MM/DD/YYYY"`` or ``"YYYY-MM-DD"``.
        timeofday_format: ``"H:mm"`` (24 hours) or ``"h:mm A"`` (12 hours).
        duration_format: ``"improved"``, ``"classic"`` or ``"decimal"``.
        beginning_of_week: First day of the week, 0 (Sunday) to 6 (Saturday); ``None`` when Toggl omits it.
        timezone: The user's time zone name (``pg_time_zone_name``), ``None`` when Toggl omits it.
        extra: Every other preference Toggl answered, unchanged.
    """

    date_format: str | None = None
    timeofday_format: str | None = None
    duration_format: str | None = None
    beginning_of_week: int | None = field(default=None, converter=_week_day)
    timezone: str | None = None
    extra: dict[str, Any] = field(factory=dict, eq=False, repr=False)

    #: Toggl's payload key for each attribute that is named differently.
    KEYS: ClassVar[dict[str, str]] = {"beginning_of_week": "beginningOfWeek", "timezone": "pg_time_zone_name"}

    @property
    def uses_24_hour_clock(self) -> bool:
        """True unless the time-of-day format shows AM/PM."""
        return "A" not in (self.timeofday_format or "")

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> TogglPreferences:
        """Decode a ``/me/preferences`` answer (unknown keys are kept in ``extra``)."""
        keys = {"date_format", "timeofday_format", "duration_format", *cls.KEYS.values()}
        return cls(
            date_format=_opt_str(data.get("date_format")),
            timeofday_format=_opt_str(data.get("timeofday_format")),
            duration_format=_opt_str(data.get("duration_format")),
            beginning_of_week=data.get("beginningOfWeek"),
            timezone=_opt_str(data.get("pg_time_zone_name")),
            extra={k: v for k, v in data.items() if k not in keys},
        )
