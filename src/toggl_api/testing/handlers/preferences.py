"""Preferences of the user (and per client app) and of workspaces; features; the web timer."""

from __future__ import annotations

from typing import Any

from ..errors import EmulatorError, bad_request
from ..state import Backend, User, Workspace
from ..timefmt import parse_ts
from ._base import Ctx, Route, route
from ._common import OK, is_int, require_ws_admin
from .time_entries import render_time_entry

__all__ = ["DATE_FORMATS", "PREFERENCE_CLIENTS", "ROUTES", "TIME_FORMATS", "user_preferences"]

#: ``date_format`` values Toggl's apps offer.
DATE_FORMATS = ("YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "MM/DD/YYYY", "DD/MM/YYYY", "MM-DD-YYYY")
#: ``timeofday_format`` values Toggl's apps offer.
TIME_FORMATS = ("H:mm", "h:mm A")
DURATION_FORMATS = ("classic", "improved", "decimal")
#: Client names ``/me/preferences/{client}`` accepts.
PREFERENCE_CLIENTS = ("web", "desktop", "mobile", "ios", "android", "extension")
#: Alpha feature codes that can be switched on through ``alpha_features``.
_ALPHA_FEATURES = {"new_timer_page": 1, "calendar_view": 2, "goals": 3}

_DEFAULTS: dict[str, Any] = {
    "date_format": "MM/DD/YYYY",
    "timeofday_format": "h:mm A",
    "duration_format": "improved",
    "record_timeline": False,
    "send_product_emails": False,
    "send_timer_notifications": True,
    "send_weekly_report": False,
    "send_added_to_project_notification": True,
    "send_daily_project_invites": False,
    "send_product_release_notification": False,
    "send_system_message_notification": True,
    "show_all_entries": False,
    "collapseTimeEntries": True,
    "hide_sidebar_right": False,
    "is_goals_view_expanded": False,
    "is_goals_view_shown": False,
    "keyboard_shortcuts_enabled": True,
    "manualMode": False,
    "reminder_enabled": False,
    "reminder_period": "weekdays",
    "running_entry_warning": "",
    "stack_times_on_manual_mode_after": "",
    "time_entry_display_mode": "calendar",
    "toSAcceptNeeded": False,
    "summary_total_mode": "total",
    "decimal_separator": ".",
}
# Keys whose value type decides validation (the rest of the spec's keys are stored as sent).
_STRINGS = {"date_format", "timeofday_format", "duration_format", "reminder_period", "time_entry_display_mode"}
_WRITABLE_WS = {
    "hide_start_end_times": bool,
    "disable_approvals": bool,
    "disable_expenses": bool,
    "disable_timesheet_view": bool,
    "report_locked_at": str,
    "calendar_suggestion_start_date": str,
}
_WS_DEFAULTS: dict[str, Any] = {
    "hide_start_end_times": False,
    "disable_approvals": False,
    "disable_expenses": False,
    "disable_timesheet_view": False,
    "report_locked_at": None,
    "calendar_suggestion_start_date": None,
    "single_sign_on": False,
    "sso_requested_at": None,
    "inc_tos_accepted_at": None,
    "inc_tos_accepted_by": None,
    "initial_pricing_plan": 0,
}


def user_preferences(backend: Backend, user: User) -> dict[str, Any]:
    """The user's ``AllPreferences``: defaults, what was set, and the user's timezone and first weekday."""
    out = dict(_DEFAULTS)
    out["beginningOfWeek"] = user.beginning_of_week
    out["pg_time_zone_name"] = user.timezone
    out["alpha_features"] = [
        {"alpha_feature_id": fid, "code": code, "enabled": False} for code, fid in _ALPHA_FEATURES.items()
    ]
    out.update(backend.user_preferences.get(user.id, {}))
    return out


def _validated(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not data:
        raise bad_request("Missing data")
    if "toSAcceptNeeded" in data or "ToSAcceptNeeded" in data:
        raise bad_request("Cannot set value for ToSAcceptNeeded")
    if "date_format" in data and data["date_format"] not in DATE_FORMATS:
        raise bad_request("Value in date_format is invalid")
    if "timeofday_format" in data and data["timeofday_format"] not in TIME_FORMATS:
        raise bad_request("Value in timeofday_format is invalid")
    if "duration_format" in data and data["duration_format"] not in DURATION_FORMATS:
        raise bad_request("Value in duration_format is invalid")
    if "beginningOfWeek" in data and (not is_int(data["beginningOfWeek"]) or data["beginningOfWeek"] not in range(7)):
        raise bad_request("Value in beginningOfWeek is invalid")
    for key in _STRINGS & data.keys():
        if not isinstance(data[key], str):
            raise bad_request(f"Value in {key} is invalid")
    if "alpha_features" in data:
        items = data["alpha_features"]
        if not isinstance(items, list) or not all(
            isinstance(i, dict) and i.get("code") in _ALPHA_FEATURES for i in items
        ):
            raise bad_request("Invalid feature code(s)")
    return data


def _store_alpha(current: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    enabled = {i["code"]: bool(i.get("enabled")) for i in current.get("alpha_features", [])}
    enabled.update({i["code"]: bool(i.get("enabled")) for i in items})
    return [
        {"alpha_feature_id": fid, "code": code, "enabled": enabled.get(code, False)}
        for code, fid in _ALPHA_FEATURES.items()
    ]


def get_preferences(ctx: Ctx) -> Any:
    """GET /me/preferences."""
    return user_preferences(ctx.backend, ctx.me)


def set_preferences(ctx: Ctx) -> Any:
    """POST /me/preferences: changes the keys sent; ``beginningOfWeek`` is the user's first weekday too."""
    backend, me = ctx.backend, ctx.me
    data = _validated(ctx.body())
    stored = backend.user_preferences.setdefault(me.id, {})
    for key, value in data.items():
        if key == "alpha_features":
            stored[key] = _store_alpha(user_preferences(backend, me), value)
        elif key == "beginningOfWeek":
            me.beginning_of_week = value
        elif key == "pg_time_zone_name":
            continue  # the timezone is changed through PUT /me
        else:
            stored[key] = value
    me.at = ctx.now
    return OK


def _client(ctx: Ctx) -> str:
    name = ctx.raw_arg("client")
    if name not in PREFERENCE_CLIENTS:
        raise bad_request("Unknown client.")
    return name


def get_client_preferences(ctx: Ctx) -> Any:
    """GET /me/preferences/{client}: the user's preferences plus that app's own."""
    out = user_preferences(ctx.backend, ctx.me)
    out.update(ctx.backend.client_preferences.get((ctx.me.id, _client(ctx)), {}))
    return out


def set_client_preferences(ctx: Ctx) -> Any:
    """POST /me/preferences/{client}."""
    try:
        client = _client(ctx)
    except EmulatorError:
        raise bad_request("Unknown client") from None
    data = _validated(ctx.body())
    stored = ctx.backend.client_preferences.setdefault((ctx.me.id, client), {})
    stored.update({k: v for k, v in data.items() if k != "alpha_features"})
    return OK


def _ws_prefs(backend: Backend, ws: Workspace) -> dict[str, Any]:
    out = dict(_WS_DEFAULTS)
    org = backend.organizations.get(ws.organization_id)
    out["initial_pricing_plan"] = org.pricing_plan_id if org else 0
    out.update(backend.workspace_preferences.get(ws.id, {}))
    return out


def get_workspace_preferences(ctx: Ctx) -> Any:
    """GET /workspaces/{wid}/preferences: ``WorkspacePreferences``."""
    ws = ctx.backend.workspace_for(ctx.me, ctx.arg("wid"))
    return _ws_prefs(ctx.backend, ws)


def set_workspace_preferences(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/preferences: writable keys only; locking needs a paid plan."""
    backend = ctx.backend
    ws = backend.workspace_for(ctx.me, ctx.arg("wid"))
    data = ctx.body_object()
    for key, value in data.items():
        kind = _WRITABLE_WS.get(key)
        if kind is None:
            raise bad_request("The field is not writable")
        if value is not None and not isinstance(value, kind):
            raise bad_request(f"Invalid {key}")
        if kind is str and value is not None:
            parse_ts(value, key)
    if "report_locked_at" in data:
        org = backend.organizations.get(ws.organization_id)
        if org is None or org.plan in ("free", "starter"):
            raise EmulatorError(402, "Workspace needs to have the Locking time entries feature enabled")
        require_ws_admin(backend, ws, ctx.me, "Permission required to update time entries lock setting.")
    else:
        require_ws_admin(backend, ws, ctx.me)
    backend.workspace_preferences.setdefault(ws.id, {}).update(data)
    ws.at = ctx.now
    return _ws_prefs(backend, ws)


_FEATURES = (
    (0, "free", "time_tracking"),
    (1, "free", "reports"),
    (10, "starter", "billable_rates"),
    (11, "starter", "project_estimates"),
    (12, "starter", "tasks"),
    (13, "starter", "rounding"),
    (20, "premium", "time_entry_locking"),
    (21, "premium", "user_groups_in_projects"),
    (22, "premium", "labor_costs"),
    (30, "enterprise", "sso"),
)
_PLAN_RANK = {"free": 0, "starter": 1, "premium": 2, "enterprise": 3}


def me_features(ctx: Ctx) -> Any:
    """GET /me/features: per workspace, which plan features are on."""
    backend = ctx.backend
    out = []
    for ws in backend.user_workspaces(ctx.me):
        org = backend.organizations.get(ws.organization_id)
        rank = _PLAN_RANK.get(org.plan if org else "free", 0)
        features = [
            {"feature_id": fid, "name": name, "enabled": _PLAN_RANK[plan] <= rank} for fid, plan, name in _FEATURES
        ]
        out.append({"workspace_id": ws.id, "features": features})
    return out


def web_timer(ctx: Ctx) -> Any:
    """GET /me/web-timer: the running entry (as ``/me/time_entries/current``) or ``null``."""
    te = ctx.backend.running_entry(ctx.me.id)
    return None if te is None else render_time_entry(ctx.backend, te)


def shared_with(ctx: Ctx) -> Any:
    """POST /me/time_entries_shared_with ``[{time_entry_id, workspace_id}]``: sharing details (none here)."""
    backend = ctx.backend
    items = ctx.body()
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise bad_request("Invalid JSON input")
    wids = {w.id for w in backend.user_workspaces(ctx.me)}
    for item in items:
        if item.get("workspace_id") not in wids:
            raise bad_request("Invalid workspace")
    return []


ROUTES: list[Route] = [
    route("GET", "/me/preferences", get_preferences),
    route("POST", "/me/preferences", set_preferences),
    route("GET", "/me/preferences/{client}", get_client_preferences),
    route("POST", "/me/preferences/{client}", set_client_preferences),
    route("GET", "/workspaces/{wid}/preferences", get_workspace_preferences),
    route("POST", "/workspaces/{wid}/preferences", set_workspace_preferences),
    route("GET", "/me/features", me_features),
    route("GET", "/me/web-timer", web_timer),
    route("POST", "/me/time_entries_shared_with", shared_with),
]
