"""Time entries: ``TrackerBody``, ``BulkEditParameter``, ``Edits`` and their requests (reference §6.7, §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple, TypedDict

from ..errors import DateTimeError, NamingError
from ..models import TogglTracker
from ..query import Comparison, TogglQuery
from ..timeutil import UTC, date_floor, ensure_aware, format_iso, get_timestamp, to_utc
from ._fields import explicit_fields, require_type, track_explicit, validate_year
from .body import BaseBody
from .request import ApiRequest, RequestMethod

__all__ = [
    "BULK_EDIT_LIMIT",
    "LIST_CAP",
    "LOOKBACK_MONTHS",
    "BulkEditFailure",
    "BulkEditParameter",
    "Edits",
    "TrackerBody",
    "add",
    "bulk_edit",
    "bulk_operations",
    "collect",
    "current",
    "decode_edits",
    "delete",
    "edit",
    "get",
    "next_window_end",
    "range_queries",
    "resolve_range",
    "stop",
    "validate_collect",
]

#: At most this many ids per bulk PATCH.
BULK_EDIT_LIMIT = 100
#: ``GET /me/time_entries`` answers at most this many entries.
LIST_CAP = 1000
#: ``start_date`` may not be older than this many calendar months.
LOOKBACK_MONTHS = 3


class BulkEditParameter(TypedDict):
    """One JSON-patch operation of a bulk edit."""

    op: Literal["add", "remove", "replace"]
    path: str
    value: Any


class BulkEditFailure(TypedDict):
    """An entry a bulk edit could not change, with Toggl's reason."""

    id: int
    message: str


class Edits(NamedTuple):
    """Result of ``bulk_edit``: ids changed, and the failures (``{"id": ..., "message": ...}``) Toggl reported."""

    successes: list[int]
    failures: list[BulkEditFailure]


def decode_edits(data: Any) -> Edits:
    """A bulk PATCH answer ``{"success": [ids], "failure": [{"id", "message"}]}`` as ``Edits``."""
    payload = data if isinstance(data, dict) else {}
    successes = [v for v in payload.get("success") or [] if isinstance(v, int) and not isinstance(v, bool)]
    failures: list[BulkEditFailure] = []
    for item in payload.get("failure") or []:
        if isinstance(item, dict) and isinstance(item.get("id"), int):
            failures.append({"id": item["id"], "message": str(item.get("message") or "")})
    return Edits(successes, failures)


def _seconds(value: int | timedelta) -> int:
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"duration must be seconds (int) or a timedelta, not {type(value).__name__}"
        raise TypeError(msg)
    return value


def _timestamp(value: datetime, name: str) -> str:
    if not isinstance(value, datetime):
        msg = f"{name} must be an aware datetime, not {type(value).__name__}"
        raise TypeError(msg)
    ensure_aware(value, name)
    validate_year(value, name)
    return format_iso(value, name)


@track_explicit
@dataclass
class TrackerBody(BaseBody):
    """What to send for a time entry.

    ``add`` sends every set field (a missing ``start`` is now; without ``stop`` and ``duration`` the entry runs).
    ``edit`` sends only the fields you set, so an unset ``description`` is never cleared. Datetimes must be
    timezone-aware and are sent in UTC.

    Attributes:
        description: The entry's description.
        duration: Seconds or a timedelta (``0`` is sent too).
        project_id: Project id; ``-1`` removes the project.
        start: Start (aware datetime).
        stop: Stop (aware datetime, not before ``start``).
        tag_action: ``"add"`` or ``"remove"`` the given tags (edits; default ``"add"``).
        tag_ids: Tag ids.
        tags: Tag names (unknown names create tags).
        shared_with_user_ids: Users to share the entry with.
        created_with: The app name Toggl records.
        task_id: Task id (a task of the entry's project); ``-1`` removes the task.
        billable: Whether the entry is billable (``None``: Toggl's default; not in toggl-api-wrapper 2.2.0).
    """

    description: str | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})})
    duration: int | timedelta | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    project_id: int | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})
    start: datetime | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})})
    stop: datetime | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})})
    tag_action: Literal["add", "remove"] | None = field(
        default=None, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})}
    )
    tag_ids: list[int] = field(default_factory=list, metadata={"endpoints": frozenset({"add", "edit"})})
    tags: list[str] = field(default_factory=list, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})})
    shared_with_user_ids: list[int] = field(default_factory=list, metadata={"endpoints": frozenset({"add", "edit"})})
    created_with: str = field(default="toggl-api-wrapper", metadata={"endpoints": frozenset({"add", "edit"})})
    # Appended after toggl-api-wrapper's fields so their positional order stays the same.
    task_id: int | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit", "bulk_edit"})})
    billable: bool | None = field(default=None, metadata={"endpoints": frozenset({"add", "edit"})})

    def _check(self) -> None:
        if self.tag_action not in (None, "add", "remove"):
            msg = f"tag_action must be 'add', 'remove' or None, got {self.tag_action!r}"
            raise ValueError(msg)
        if self.start is not None and self.stop is not None and to_utc(self.stop, "stop") < to_utc(self.start, "start"):
            msg = f"stop {self.stop.isoformat()} is before start {self.start.isoformat()}"
            raise DateTimeError(msg)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``add`` / ``edit`` (``""``: every set field), after the extra kwargs.

        Raises:
            DateTimeError: naive datetimes, years outside 2006-2030, or ``stop`` before ``start``.
        """
        self._check()
        out = dict(body)
        if endpoint == "edit":
            send = set(explicit_fields(self))
        else:
            send = {
                "created_with",
                "description",
                "duration",
                "project_id",
                "task_id",
                "billable",
                "start",
                "stop",
                "tag_ids",
                "tags",
                "shared_with_user_ids",
            }
            if endpoint == "":
                send.add("tag_action")
        if "created_with" in send and endpoint != "edit":
            out["created_with"] = self.created_with
        if "description" in send and (self.description is not None or endpoint == "edit" or endpoint == ""):
            out["description"] = self.description
        if "duration" in send and self.duration is not None:
            out["duration"] = _seconds(self.duration)
        if "project_id" in send and self.project_id is not None:
            out["project_id"] = None if self.project_id == -1 else self.project_id
        if "task_id" in send and self.task_id is not None:
            out["task_id"] = None if self.task_id == -1 else self.task_id
        if "billable" in send and self.billable is not None:
            out["billable"] = bool(self.billable)
        if "start" in send and self.start is not None:
            out["start"] = _timestamp(self.start, "start")
        if "stop" in send and self.stop is not None:
            out["stop"] = _timestamp(self.stop, "stop")
        if "tags" in send and self.tags:
            out["tags"] = list(self.tags)
        if "tag_ids" in send and self.tag_ids:
            out["tag_ids"] = list(self.tag_ids)
        if "shared_with_user_ids" in send and self.shared_with_user_ids:
            out["shared_with_user_ids"] = list(self.shared_with_user_ids)
        if endpoint == "edit" and ("tags" in out or "tag_ids" in out):
            # Toggl replaces the tag list unless told otherwise; toggl-api-wrapper's edits add tags.
            out["tag_action"] = "delete" if self.tag_action == "remove" else "add"
        elif endpoint == "" and self.tag_action is not None:
            out["tag_action"] = self.tag_action
        return out


def bulk_operations(body: TrackerBody) -> list[BulkEditParameter]:
    """The JSON-patch operations for ``bulk_edit`` (full UTC timestamps for ``start``/``stop``).

    Raises:
        ValueError: the body changes nothing, or sets ``shared_with_user_ids`` (not bulk-editable).
        DateTimeError: bad datetimes, or ``stop`` before ``start``.
    """
    require_type(body, TrackerBody, "body")
    body._check()
    ops: list[BulkEditParameter] = []
    if body.description is not None:
        ops.append({"op": "replace", "path": "/description", "value": body.description})
    tag_op: Literal["add", "remove"] = "remove" if body.tag_action == "remove" else "add"
    if body.tags:
        ops.append({"op": tag_op, "path": "/tags", "value": list(body.tags)})
    if body.tag_ids:
        ops.append({"op": tag_op, "path": "/tag_ids", "value": list(body.tag_ids)})
    if body.project_id is not None:
        ops.append(
            {"op": "replace", "path": "/project_id", "value": None if body.project_id == -1 else body.project_id}
        )
    if body.task_id is not None:
        ops.append({"op": "replace", "path": "/task_id", "value": None if body.task_id == -1 else body.task_id})
    if body.duration is not None:
        ops.append({"op": "replace", "path": "/duration", "value": _seconds(body.duration)})
    if body.start is not None:
        ops.append({"op": "replace", "path": "/start", "value": _timestamp(body.start, "start")})
    if body.stop is not None:
        ops.append({"op": "replace", "path": "/stop", "value": _timestamp(body.stop, "stop")})
    if body.shared_with_user_ids:
        msg = "shared_with_user_ids cannot be bulk edited; use edit() for each entry"
        raise ValueError(msg)
    if not ops:
        msg = "the TrackerBody changes nothing a bulk edit can apply (set description, tags, project_id, ...)"
        raise ValueError(msg)
    return ops


# -- requests ---------------------------------------------------------------------------------------------


def _ws_path(workspace_id: int, *rest: object) -> str:
    return "/".join(["workspaces", str(workspace_id), "time_entries", *(str(r) for r in rest)])


def add(workspace_id: int, body: TrackerBody, now: datetime) -> ApiRequest:
    """POST a new entry; ``start`` defaults to ``now``, and without ``stop``/``duration`` it runs.

    Raises:
        NamingError: no description (as toggl-api-wrapper).
    """
    require_type(body, TrackerBody, "body")
    if not body.description:
        msg = "Description must be set in order to create a tracker!"
        raise NamingError(msg)
    payload = body.format("add", workspace_id=workspace_id)
    if "start" not in payload:
        payload["start"] = _timestamp(now, "start")
    if "duration" not in payload and "stop" not in payload:
        payload["duration"] = -1
    return ApiRequest(RequestMethod.POST, _ws_path(workspace_id), json=payload)


def edit(workspace_id: int, tracker_id: int, body: TrackerBody, *, meta: bool = False) -> ApiRequest:
    """PUT the fields of ``body`` the caller set (``meta=true`` as a query parameter)."""
    require_type(body, TrackerBody, "body")
    payload = body.format("edit")
    return ApiRequest(
        RequestMethod.PUT, _ws_path(workspace_id, tracker_id), {"meta": True} if meta else None, json=payload
    )


def bulk_edit(workspace_id: int, tracker_ids: list[int], operations: list[BulkEditParameter]) -> ApiRequest:
    """PATCH up to ``BULK_EDIT_LIMIT`` entries with the same operations."""
    if not 1 <= len(tracker_ids) <= BULK_EDIT_LIMIT:
        msg = f"a bulk edit request takes 1 to {BULK_EDIT_LIMIT} ids, got {len(tracker_ids)}"
        raise ValueError(msg)
    return ApiRequest(
        RequestMethod.PATCH, _ws_path(workspace_id, ",".join(str(i) for i in tracker_ids)), json=list(operations)
    )


def delete(workspace_id: int, tracker_id: int) -> ApiRequest:
    """DELETE an entry."""
    return ApiRequest(RequestMethod.DELETE, _ws_path(workspace_id, tracker_id))


def stop(workspace_id: int, tracker_id: int) -> ApiRequest:
    """PATCH ``.../stop``: stop a running entry at the server's time."""
    return ApiRequest(RequestMethod.PATCH, _ws_path(workspace_id, tracker_id, "stop"))


def get(tracker_id: int) -> ApiRequest:
    """GET one of the user's entries."""
    return ApiRequest(RequestMethod.GET, f"me/time_entries/{tracker_id}")


def current() -> ApiRequest:
    """GET the running entry (``null`` when none runs)."""
    return ApiRequest(RequestMethod.GET, "me/time_entries/current")


def _day_or_time(value: date | datetime, name: str) -> str:
    if isinstance(value, datetime):
        return _timestamp(value, name)
    if not isinstance(value, date):
        msg = f"{name} must be a date or an aware datetime, not {type(value).__name__}"
        raise TypeError(msg)
    return format_iso(value, name)


def _up_to_whole_second(value: date | datetime) -> date | datetime:
    # Toggl keeps starts in whole seconds and the bounds are sent as whole-second RFC 3339 times; rounding an
    # instant *up* selects exactly the entries starting before it (`before`, `end_date`: toggl-api-wrapper's
    # `start < before`, so an entry that started earlier in the same second stays included) or at/after it
    # (`start_date`). Rounding down would drop or add the entries of that second.
    if isinstance(value, datetime) and value.microsecond:
        return value.replace(microsecond=0) + timedelta(seconds=1)
    return value


def collect(
    *,
    since: int | None = None,
    before: date | datetime | None = None,
    start_date: date | datetime | None = None,
    end_date: date | datetime | None = None,
) -> ApiRequest:
    """GET the user's entries with Toggl's filters as query parameters."""
    params: dict[str, Any] = {
        "since": since,
        "before": None if before is None else _day_or_time(_up_to_whole_second(before), "before"),
        "start_date": None if start_date is None else _day_or_time(_up_to_whole_second(start_date), "start_date"),
        "end_date": None if end_date is None else _day_or_time(_up_to_whole_second(end_date), "end_date"),
    }
    return ApiRequest(RequestMethod.GET, "me/time_entries", params)


# -- validation and ranges --------------------------------------------------------------------------------


def _utc_date(value: date | datetime, name: str) -> date:
    return to_utc(value, name).date() if isinstance(value, datetime) else value


def validate_collect(
    since: int | datetime | date | None,
    before: date | datetime | None,
    start_date: date | datetime | None,
    end_date: date | datetime | None,
    *,
    today: date,
    now: datetime | None = None,
) -> int | None:
    """Check ``collect``'s arguments the way Toggl would, before any request; return ``since`` as unix seconds.

    Raises:
        DateTimeError: ``since`` with ``before``; naive datetimes; years outside 2006-2030; ``start_date`` older
            than three calendar months together with ``since``/``before``, or in the future (after ``now``, else
            after ``today``), as toggl-api-wrapper checked; ``end_date`` before ``start_date``.
    """
    if since is not None and before is not None:
        msg = "since and before cannot be combined (Toggl rejects it); pass one of them"
        raise DateTimeError(msg)
    for name, value in (("before", before), ("start_date", start_date), ("end_date", end_date)):
        if value is not None:
            if isinstance(value, datetime):
                ensure_aware(value, name)
            elif not isinstance(value, date):
                msg = f"{name} must be a date or an aware datetime, not {type(value).__name__}"
                raise TypeError(msg)
            validate_year(value, name)
    if start_date is not None:
        floor = date_floor(today, LOOKBACK_MONTHS)
        # A plain range older than the look-back is read through Reports v3 (``collect``); only a range sent as
        # it is to /me/time_entries (with ``since``/``before``) must stay inside it.
        if (since is not None or before is not None) and _utc_date(start_date, "start_date") < floor:
            msg = (
                f"start_date must not be earlier than {floor.isoformat()} (Toggl looks back {LOOKBACK_MONTHS} "
                "months) together with since or before; pass start_date/end_date alone for older entries"
            )
            raise DateTimeError(msg)
        future = (
            start_date > now
            if isinstance(start_date, datetime) and now is not None
            else _utc_date(start_date, "start_date") > today
        )
        if future:
            msg = "start_date must not be later than the current date!"
            raise DateTimeError(msg)
    if start_date is not None and end_date is not None:
        lower = start_date if isinstance(start_date, datetime) else _midnight(start_date)
        upper = end_date if isinstance(end_date, datetime) else _midnight(end_date)
        if upper < lower:
            msg = "end_date must be after the start_date!"
            raise DateTimeError(msg)
    if since is None:
        return None
    if isinstance(since, datetime):
        ensure_aware(since, "since")
    return get_timestamp(since)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def resolve_range(
    start_date: date | datetime | None, end_date: date | datetime | None, *, today: date
) -> tuple[date | datetime, date | datetime] | None:
    """Complete a half-given range: no ``end_date`` → tomorrow; no ``start_date`` → the look-back floor."""
    if start_date is None and end_date is None:
        return None
    lower = start_date if start_date is not None else date_floor(today, LOOKBACK_MONTHS)
    upper = end_date if end_date is not None else today + timedelta(days=1)
    return lower, upper


def range_queries(start_date: date | datetime, end_date: date | datetime) -> list[TogglQuery[Any]]:
    """Cache queries for entries starting in ``[start_date, end_date)`` (Toggl's semantics)."""
    return [
        TogglQuery("start", start_date, Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", end_date, Comparison.LESS_THEN),
    ]


def next_window_end(page: list[TogglTracker]) -> datetime | None:
    """Where the next window ends when ``page`` hit the 1000-entry cap (else ``None``).

    The window ends one second after the oldest start seen, so entries sharing that start are fetched again
    (and deduplicated by id) rather than lost.
    """
    if len(page) < LIST_CAP:
        return None
    oldest = min(t.start for t in page)
    return oldest.replace(microsecond=0) + timedelta(seconds=1)
