"""The current user: ``/me``, ``/me/logged`` and the one-request bootstrap (reference §6.1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from attrs import frozen

from ..models import TogglClient, TogglPreferences, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspace
from ._fields import explicit_fields, track_explicit
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "DURATION_FORMATS",
    "PreferencesBody",
    "RelatedData",
    "decode_preferences",
    "details",
    "edit_details",
    "edit_preferences",
    "logged",
    "preferences",
]

DURATION_FORMATS = Literal["improved", "classic", "decimal"]
_DURATIONS: tuple[str, ...] = get_args(DURATION_FORMATS)


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
        tasks: Tasks of those workspaces (Toggl sends ``null`` when there are none, or tasks are not enabled).
        trackers: Recent time entries (Toggl's default window, not a complete history).
    """

    user: dict[str, Any]
    workspaces: Sequence[TogglWorkspace]
    clients: Sequence[TogglClient]
    projects: Sequence[TogglProject]
    tags: Sequence[TogglTag]
    trackers: Sequence[TogglTracker]
    tasks: Sequence[TogglTask] = ()


_RELATED = ("workspaces", "clients", "projects", "tags", "tasks", "time_entries")


# -- preferences ------------------------------------------------------------------------------------------


def preferences() -> ApiRequest:
    """GET ``me/preferences``."""
    return ApiRequest(RequestMethod.GET, "me/preferences")


def decode_preferences(data: Any, user: Mapping[str, Any] | None = None) -> TogglPreferences:
    """Decode a ``/me/preferences`` answer; ``timezone`` and ``beginning_of_week`` Toggl left out are taken from
    ``user`` (a ``/me`` answer), which always carries them."""
    payload = dict(data) if isinstance(data, dict) else {}
    if user:
        if payload.get("pg_time_zone_name") is None and isinstance(user.get("timezone"), str):
            payload["pg_time_zone_name"] = user["timezone"]
        if payload.get("beginningOfWeek") is None and isinstance(user.get("beginning_of_week"), int):
            payload["beginningOfWeek"] = user["beginning_of_week"]
    return TogglPreferences.from_payload(payload)


@track_explicit
@dataclass
class PreferencesBody(BaseBody):
    """Preferences to change; only the fields you set are sent.

    The formats go to ``POST /me/preferences``; ``timezone`` and ``beginning_of_week`` are fields of the user
    and go to ``PUT /me``.

    Attributes:
        date_format: e.g. ``"YYYY-MM-DD"``, ``"MM/DD/YYYY"``, ``"DD.MM.YYYY"``.
        timeofday_format: ``"H:mm"`` (24 hours) or ``"h:mm A"`` (12 hours).
        duration_format: ``"improved"``, ``"classic"`` or ``"decimal"``.
        beginning_of_week: 0 (Sunday) to 6 (Saturday).
        timezone: An IANA time zone name, e.g. ``"Europe/Berlin"``.
    """

    date_format: str | None = field(default=None)
    timeofday_format: str | None = field(default=None)
    duration_format: DURATION_FORMATS | None = field(default=None)
    beginning_of_week: int | None = field(default=None)
    timezone: str | None = field(default=None)

    def _check(self) -> None:
        if self.duration_format is not None and self.duration_format not in _DURATIONS:
            msg = f"duration_format must be one of {', '.join(_DURATIONS)}, got {self.duration_format!r}"
            raise ValueError(msg)
        week = self.beginning_of_week
        if week is not None and (isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= 6):
            msg = f"beginning_of_week must be 0 (Sunday) to 6 (Saturday), got {week!r}"
            raise ValueError(msg)
        for name in ("date_format", "timeofday_format", "timezone"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                msg = f"{name} must be a non-blank string, got {value!r}"
                raise ValueError(msg)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """``"preferences"``: the formats; ``"me"``: timezone and first day of week; ``""``: every set field."""
        self._check()
        names = {
            "preferences": ("date_format", "timeofday_format", "duration_format"),
            "me": ("beginning_of_week", "timezone"),
        }.get(endpoint, ("date_format", "timeofday_format", "duration_format", "beginning_of_week", "timezone"))
        out = dict(body)
        for name in names:
            if name in explicit_fields(self) and getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


def edit_preferences(body: PreferencesBody) -> ApiRequest | None:
    """POST the formats of ``body`` to ``me/preferences`` (``None`` when it sets none)."""
    payload = body.format("preferences")
    return ApiRequest(RequestMethod.POST, "me/preferences", json=payload) if payload else None


def edit_details(body: PreferencesBody) -> ApiRequest | None:
    """PUT the user fields of ``body`` (timezone, first day of week) to ``me`` (``None`` when it sets none)."""
    payload = body.format("me")
    return ApiRequest(RequestMethod.PUT, "me", json=payload) if payload else None
