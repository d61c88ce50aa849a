"""Time entries (reference §5.1, §6.7, §7)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs

from ..errors import EmulatorError, bad_request, forbidden, not_found
from ..state import Backend, TimeEntry, User, Workspace
from ..timefmt import fmt_date, fmt_micro_z, fmt_plus, fmt_z, parse_date_or_ts, parse_ts
from ._base import EMPTY, Ctx, Route, route

__all__ = ["MAX_BULK_IDS", "MAX_LIST", "ROUTES", "lookback_floor", "render_time_entry"]

#: Most entries ``GET /me/time_entries`` returns.
MAX_LIST = 1000
#: Most ids one bulk PATCH accepts.
MAX_BULK_IDS = 100
#: Window used by ``GET /me/time_entries`` without filters (and ``/me?with_related_data``).
DEFAULT_WINDOW = timedelta(days=9)

MSG_START_REQUIRED = "start is required for time entry creation"
MSG_YEAR = "Start time year must be between 2006 and 2030"
MSG_CREATED_WITH = "created_with needs to be provided an a valid string"
MSG_WORKSPACE = "Missing or invalid workspace_id"
MSG_PROJECT = "User cannot access the selected project"
MSG_TASK = "User cannot access the selected task"
MSG_STOP_BEFORE_START = "Stop time must be after start time"
# A start this far ahead of the emulator's now is a mix-up of clocks (code reading the system clock while the
# emulator runs on a fake one), not the skew between a client and a served emulator.
FUTURE_START_TOLERANCE = timedelta(seconds=60)
MSG_NOT_FOUND = "Time entry not found"
MSG_ALREADY_STOPPED = "Time entry already stopped"
MSG_GET_NOT_FOUND = "Resource can not be found"
MSG_SINCE_BEFORE = "'since' and 'before' can not be present simultaneously"

_BULK_PATHS = (
    "/description",
    "/billable",
    "/duration",
    "/project_id",
    "/task_id",
    "/start",
    "/stop",
    "/tags",
    "/tag_ids",
)


# -- rendering ------------------------------------------------------------------------------------
def render_time_entry(
    backend: Backend,
    te: TimeEntry,
    *,
    z: bool = False,
    null_empty_tags: bool = False,
    hide_stop: bool = False,
    meta: bool = False,
) -> dict[str, Any]:
    """Toggl's TimeEntry JSON.

    Args:
        backend: State, to resolve tag names and meta fields.
        te: The entry.
        z: Spell ``start``/``stop`` with ``Z`` (POST and stop answers) instead of ``+00:00``.
        null_empty_tags: Render empty tags as ``null`` (POST answer) instead of ``[]``.
        hide_stop: Render ``stop`` as null (POST answer of a start-only entry).
        meta: Add ``project_name``, ``client_name``, ``user_name``... (``meta=true``).
    """
    fmt = fmt_z if z else fmt_plus
    tags = [t for t in (backend.tags.get(i) for i in te.tag_ids) if t is not None and t.deleted_at is None]
    out: dict[str, Any] = {
        "id": te.id,
        "workspace_id": te.workspace_id,
        "project_id": te.project_id,
        "task_id": te.task_id,
        "billable": te.billable,
        "start": fmt(te.start),
        "stop": None if te.stop is None or hide_stop else fmt(te.stop),
        "duration": te.duration,
        "description": te.description,
        "tags": [t.name for t in tags] if tags or not null_empty_tags else None,
        "tag_ids": [t.id for t in tags] if tags or not null_empty_tags else None,
        "duronly": True,
        "at": fmt_micro_z(te.at),
        "server_deleted_at": fmt_plus(te.server_deleted_at) if te.server_deleted_at else None,
        "user_id": te.user_id,
        "uid": te.user_id,
        "wid": te.workspace_id,
    }
    if te.project_id is not None:
        out["pid"] = te.project_id
    if te.task_id is not None:
        out["tid"] = te.task_id
    if meta:
        project = backend.projects.get(te.project_id) if te.project_id is not None else None
        if project is not None:
            out["project_name"] = project.name
            out["project_color"] = project.color
            out["project_active"] = project.active
            out["project_billable"] = project.billable
            client = backend.clients.get(project.client_id) if project.client_id is not None else None
            if client is not None:
                out["client_id"] = client.id
                out["client_name"] = client.name
        task = backend.tasks.get(te.task_id) if te.task_id is not None else None
        if task is not None:
            out["task_name"] = task.name
        user = backend.users.get(te.user_id)
        out["user_name"] = user.fullname if user else None
        out["user_avatar_url"] = ""
    return out


# -- validation helpers ---------------------------------------------------------------------------
def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_start(value: object) -> datetime:
    if value is None or value == "":
        raise bad_request(MSG_START_REQUIRED)
    start = parse_ts(value, "start")
    if not 2006 <= start.year <= 2030:
        raise bad_request(MSG_YEAR)
    return start.replace(microsecond=0)


def _parse_stop(value: object, start: datetime) -> datetime:
    stop = parse_ts(value, "stop").replace(microsecond=0)
    if stop < start:
        raise bad_request(MSG_STOP_BEFORE_START)
    return stop


def _check_project(backend: Backend, ws: Workspace, value: object) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or backend.live_project(ws.id, value) is None:  # type: ignore[arg-type]
        raise bad_request(MSG_PROJECT)
    return value  # type: ignore[return-value]


def _check_task(
    backend: Backend, ws: Workspace, value: object, project_id: int | None
) -> tuple[int | None, int | None]:
    """Validate a task id: ``(task_id, project_id)``; a task alone sets its project."""
    if value is None:
        return None, project_id
    task = backend.live_task(ws.id, value) if _is_int(value) else None  # type: ignore[arg-type]
    if task is None or (project_id is not None and task.project_id != project_id):
        raise bad_request(MSG_TASK)
    return task.id, task.project_id


def _check_description(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise bad_request("Invalid description")


def _check_bool(value: object, name: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise bad_request(f"Invalid {name}")


def _running_duration(sent: int, start: datetime) -> int:
    return -1 if sent == -1 else -int(start.timestamp())


_CLOCK_HINT = (
    "Take the time from the emulator's clock (fake_clock.now(), or clock=fake_clock for the SDK's endpoints), "
    "or leave the fixture's clock at the real current time (do not pin it with the toggl_emulator marker's "
    "now= or the toggl_emulator_now ini option)."
)


def _in_the_future(backend: Backend, start: datetime) -> bool:
    return start > backend.now() + FUTURE_START_TOLERANCE


def _note_future_running(backend: Backend, start: datetime) -> None:
    """Record a running entry started in the emulator's future: it cannot be stopped with a duration.

    Toggl's documents are silent on such a start, so it is accepted as before, but flagged.
    """
    if _in_the_future(backend, start):
        now = backend.now()
        backend.clock_warnings.append(
            f"a running time entry was started at {fmt_z(start)}, {start - now} after the emulator's clock "
            f"({fmt_z(now)}); it would get a zero duration, so stopping it is refused (400) until the clock "
            f"reaches its start. {_CLOCK_HINT}"
        )


def _auto_stop_running(backend: Backend, user_id: int, *, except_id: int | None = None) -> None:
    """Stop the user's running entry as Toggl does when another starts; flag one that started in the future.

    Refusing here would refuse the new entry for the old one's sake, so the old one is stopped at its own
    start (a zero duration) and that is flagged like the start was.
    """
    for te in backend.time_entries.values():
        mine = te.user_id == user_id and te.running and not te.deleted and te.id != except_id
        if mine and _in_the_future(backend, te.start):
            backend.clock_warnings.append(
                f"time entry {te.id}, started at {fmt_z(te.start)} in the emulator's future "
                f"({fmt_z(backend.now())}), was auto-stopped by a new running entry with a zero duration. "
                f"{_CLOCK_HINT}"
            )
    backend.stop_running(user_id, except_id=except_id)


def _refuse_stop_in_the_future(backend: Backend, te: TimeEntry) -> None:
    """Refuse to stop ``te`` before the emulator's clock reached its start (it would get a zero duration).

    Toggl's documents are silent here (its clock is the real one, so this only happens with a clock
    mix-up); the emulator answers as Toggl does for a stop before the start, and says why.
    """
    if _in_the_future(backend, te.start):
        now = backend.now()
        raise bad_request(
            f"{MSG_STOP_BEFORE_START}: time entry {te.id} started at {fmt_z(te.start)}, {te.start - now} after "
            f"the emulator's clock ({fmt_z(now)}), so stopping it now would give a zero duration. {_CLOCK_HINT}"
        )


def _pick(data: dict[str, Any], *names: str) -> tuple[bool, Any]:
    for name in names:
        if name in data:
            return True, data[name]
    return False, None


def _list_of(value: object, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"Invalid {name}")
    return value


def _own_entry(backend: Backend, user: User, ws: Workspace, te_id: int, message: str = MSG_NOT_FOUND) -> TimeEntry:
    te = backend.time_entries.get(te_id)
    if te is None or te.user_id != user.id or te.workspace_id != ws.id or te.deleted:
        raise not_found(message)
    return te


def lookback_floor(today: date) -> date:
    """Oldest ``start_date`` accepted on ``today``: three calendar months back (day clamped)."""
    year, month = today.year, today.month - 3
    if month < 1:
        year, month = year - 1, month + 12
    day = min(today.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# -- handlers -------------------------------------------------------------------------------------
def create_time_entry(ctx: Ctx) -> Any:
    """POST /workspaces/{wid}/time_entries."""
    backend, me = ctx.backend, ctx.me
    ws = backend.workspace_for(me, ctx.arg("wid"))
    data = ctx.body_object()
    _, body_wid = _pick(data, "workspace_id", "wid")
    if not _is_int(body_wid) or body_wid != ws.id:
        raise bad_request(MSG_WORKSPACE)
    start = _parse_start(data.get("start"))
    start_date = data.get("start_date")
    if start_date:
        day = parse_date_or_ts(start_date, "start_date")
        start = start.replace(year=day.year, month=day.month, day=day.day)
    created_with = data.get("created_with")
    if not isinstance(created_with, str) or not created_with.strip():
        raise bad_request(MSG_CREATED_WITH)
    _, uid = _pick(data, "user_id", "uid")
    if uid is not None and uid != me.id:
        raise forbidden()
    description = _check_description(data.get("description"))
    billable = _check_bool(data.get("billable"), "billable")
    _, pid = _pick(data, "project_id", "pid")
    project_id = _check_project(backend, ws, pid)
    task_id, project_id = _check_task(backend, ws, _pick(data, "task_id", "tid")[1], project_id)
    tag_ids = backend.check_tag_ids(ws, _list_of(data.get("tag_ids"), "tag_ids"))

    duration = data.get("duration")
    if duration is not None and not _is_int(duration):
        raise bad_request("Invalid duration")
    stop: datetime | None
    start_only = False
    if data.get("stop") is not None:
        stop = _parse_stop(data["stop"], start)
        if duration is not None and duration >= 0 and int((stop - start).total_seconds()) != duration:
            raise bad_request("Stop and duration do not match")
        duration = int((stop - start).total_seconds())
    elif duration is not None:
        if duration < 0:
            stop = None
            duration = _running_duration(duration, start)
        else:
            stop = start + timedelta(seconds=duration)
    else:
        stop, duration, start_only = start, 0, True

    if stop is None:
        _note_future_running(backend, start)
        _auto_stop_running(backend, me.id)
    tag_ids += [i for i in backend.resolve_tag_names(ws, me, _list_of(data.get("tags"), "tags")) if i not in tag_ids]
    te = backend.add_time_entry(
        ws,
        me,
        start,
        stop,
        duration=duration,
        description=description,
        project_id=project_id,
        tag_ids=tag_ids,
        billable=billable,
        created_with=created_with,
    )
    te.task_id = task_id
    return render_time_entry(
        backend, te, z=True, null_empty_tags=True, hide_stop=start_only, meta=ctx.bool_param("meta")
    )


def _apply_times(backend: Backend, te: TimeEntry, data: dict[str, Any]) -> None:
    """Apply ``start``/``stop``/``duration`` of a partial update.

    ``stop`` wins over ``duration``. A new ``start`` alone keeps ``stop`` (the duration changes); on a
    running entry it keeps it running. A negative ``duration`` restarts the entry (auto-stopping others).
    """
    has_start, raw_start = "start" in data and data["start"] is not None, data.get("start")
    start = _parse_start(raw_start) if has_start else te.start
    raw_stop, raw_duration = data.get("stop"), data.get("duration")
    if raw_duration is not None and not _is_int(raw_duration):
        raise bad_request("Invalid duration")
    if raw_stop is not None:
        stop = _parse_stop(raw_stop, start)
        te.start, te.stop, te.duration = start, stop, int((stop - start).total_seconds())
    elif raw_duration is not None:
        if raw_duration < 0:
            _note_future_running(backend, start)
            if not te.running:
                _auto_stop_running(backend, te.user_id, except_id=te.id)
            te.start, te.stop, te.duration = start, None, _running_duration(raw_duration, start)
        else:
            te.start, te.stop, te.duration = start, start + timedelta(seconds=raw_duration), raw_duration
    elif has_start:
        if te.running:
            _note_future_running(backend, start)
            te.start, te.duration = start, _running_duration(te.duration, start)
        else:
            assert te.stop is not None
            if te.stop < start:
                raise bad_request(MSG_STOP_BEFORE_START)
            te.start, te.duration = start, int((te.stop - start).total_seconds())


def update_time_entry(ctx: Ctx) -> Any:
    """PUT /workspaces/{wid}/time_entries/{id} (partial; ``tag_action`` add|delete|remove)."""
    backend, me = ctx.backend, ctx.me
    ws = backend.workspace_for(me, ctx.arg("wid"))
    original = _own_entry(backend, me, ws, ctx.arg("id"))
    data = ctx.body_object()
    te = attrs.evolve(original, tag_ids=list(original.tag_ids))
    if "description" in data:
        te.description = _check_description(data["description"])
    if "billable" in data:
        te.billable = _check_bool(data["billable"], "billable")
    found, pid = _pick(data, "project_id", "pid")
    if found:
        te.project_id = _check_project(backend, ws, pid)
        if te.task_id is not None:
            task = backend.tasks.get(te.task_id)
            if task is None or task.project_id != te.project_id:
                te.task_id = None  # a task belongs to one project: moving the entry drops it
    project_given = found
    found, tid = _pick(data, "task_id", "tid")
    if found and tid is None:
        te.task_id = None
    elif found:
        # With a project in the same body the task must belong to it; alone, the task sets the project.
        te.task_id, te.project_id = _check_task(backend, ws, tid, te.project_id if project_given else None)
    action = data.get("tag_action")
    if action not in (None, "add", "delete", "remove"):
        raise bad_request("Invalid tag_action")
    if "tags" in data or "tag_ids" in data:
        ids = backend.check_tag_ids(ws, _list_of(data.get("tag_ids"), "tag_ids"))
        names = _list_of(data.get("tags"), "tags")
        if action in ("delete", "remove"):
            found_tags = (backend.workspace_tag_by_name(ws.id, n) for n in names if isinstance(n, str))
            drop = set(ids) | {t.id for t in found_tags if t is not None}
            te.tag_ids = [i for i in te.tag_ids if i not in drop]
        else:
            ids += [i for i in backend.resolve_tag_names(ws, me, names) if i not in ids]
            te.tag_ids = te.tag_ids + [i for i in ids if i not in te.tag_ids] if action == "add" else ids
    _apply_times(backend, te, data)
    te.at = ctx.now
    backend.time_entries[te.id] = te
    return render_time_entry(backend, te, meta=ctx.bool_param("meta"))


def delete_time_entry(ctx: Ctx) -> Any:
    """DELETE /workspaces/{wid}/time_entries/{id}: soft delete, 200 with an empty body."""
    backend, me = ctx.backend, ctx.me
    ws = backend.workspace_for(me, ctx.arg("wid"))
    backend.soft_delete(_own_entry(backend, me, ws, ctx.arg("id")))
    return EMPTY


def stop_time_entry(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/time_entries/{id}/stop."""
    backend, me = ctx.backend, ctx.me
    ws = backend.workspace_for(me, ctx.arg("wid"))
    te = _own_entry(backend, me, ws, ctx.arg("id"))
    if not te.running:
        raise EmulatorError(409, MSG_ALREADY_STOPPED)
    _refuse_stop_in_the_future(backend, te)
    backend.stop_entry(te)
    return render_time_entry(backend, te, z=True, meta=ctx.bool_param("meta"))


def _bulk_op(backend: Backend, me: User, ws: Workspace, te: TimeEntry, op: str, path: str, value: Any) -> None:
    if path == "/description":
        te.description = None if op == "remove" else _check_description(value)
    elif path == "/billable":
        te.billable = False if op == "remove" else _check_bool(value, "billable")
    elif path == "/project_id":
        te.project_id = _check_project(backend, ws, value)
        task = backend.tasks.get(te.task_id) if te.task_id is not None else None
        if task is not None and task.project_id != te.project_id:
            te.task_id = None
    elif path == "/task_id":
        tid = None if op == "remove" else value
        if tid is None:
            te.task_id = None
        else:
            te.task_id, te.project_id = _check_task(backend, ws, tid, None)
    elif path == "/start":
        _apply_times(backend, te, {"start": value})
    elif path == "/stop":
        if value is None:
            raise bad_request("Invalid stop")
        _apply_times(backend, te, {"stop": value})
    elif path == "/duration":
        if not _is_int(value):
            raise bad_request("Invalid duration")
        _apply_times(backend, te, {"duration": value})
    elif path in ("/tags", "/tag_ids"):
        items = _list_of(value, path[1:])
        if path == "/tag_ids":
            ids = backend.check_tag_ids(ws, items)
        elif op == "remove":
            found = (backend.workspace_tag_by_name(ws.id, n) for n in items if isinstance(n, str))
            ids = [t.id for t in found if t is not None]
        else:
            ids = backend.resolve_tag_names(ws, me, items)
        if op == "add":
            te.tag_ids = te.tag_ids + [i for i in ids if i not in te.tag_ids]
        elif op == "remove":
            te.tag_ids = [i for i in te.tag_ids if i not in ids]
        else:
            te.tag_ids = ids


def patch_time_entries(ctx: Ctx) -> Any:
    """PATCH /workspaces/{wid}/time_entries/{ids}: JSON-patch many entries, partial success."""
    backend, me = ctx.backend, ctx.me
    ws = backend.workspace_for(me, ctx.arg("wid"))
    try:
        ids = [int(part) for part in ctx.raw_arg("ids").split(",") if part.strip()]
    except ValueError:
        raise bad_request("Invalid time entry ids") from None
    if not ids:
        raise bad_request("Invalid time entry ids")
    if len(ids) > MAX_BULK_IDS:
        raise bad_request(f"Cannot update more than {MAX_BULK_IDS} time entries at once")
    ops = ctx.body()
    if not isinstance(ops, list) or not ops:
        raise bad_request("Invalid JSON input")
    for item in ops:
        if not isinstance(item, dict) or item.get("op") not in ("add", "remove", "replace"):
            raise bad_request("Invalid operation")
        if item.get("path") not in _BULK_PATHS:
            raise bad_request("Invalid path")
        if item["op"] == "remove" and item["path"] == "/project_id":
            raise EmulatorError(500, "Invalid path")
    success: list[int] = []
    failure: list[dict[str, Any]] = []
    for te_id in dict.fromkeys(ids):
        original = backend.time_entries.get(te_id)
        if original is None or original.user_id != me.id or original.workspace_id != ws.id or original.deleted:
            failure.append({"id": te_id, "message": f"Time entry with ID: {te_id} was not found/is not accessible"})
            continue
        te = attrs.evolve(original, tag_ids=list(original.tag_ids))
        try:
            for item in ops:
                _bulk_op(backend, me, ws, te, item["op"], item["path"], item.get("value"))
        except EmulatorError as exc:
            failure.append({"id": te_id, "message": exc.body or "Invalid value"})
            continue
        te.at = ctx.now
        backend.time_entries[te_id] = te
        success.append(te_id)
    return {"success": success, "failure": failure}


def list_time_entries(ctx: Ctx) -> Any:
    """GET /me/time_entries: newest start first, ``since`` | ``before`` | ``start_date``/``end_date``."""
    backend, me = ctx.backend, ctx.me
    since, before = ctx.param("since"), ctx.param("before")
    start_date, end_date = ctx.param("start_date"), ctx.param("end_date")
    if since and before:
        raise bad_request(MSG_SINCE_BEFORE)
    now = ctx.now
    floor = lookback_floor(now.date())
    # Toggl serves about three months here and sends older users to the Reports API (reference §4.4, §E.1). Only
    # an older ``start_date`` is known to answer 400; ``since``, ``before`` and ``end_date`` alone are accepted,
    # and (our choice, Toggl's documents are silent) their answers never reach entries that start before the
    # floor, even when such an entry changed recently: old history comes from Reports v3 only.
    oldest = datetime(floor.year, floor.month, floor.day, tzinfo=timezone.utc)
    entries = [t for t in backend.time_entries.values() if t.user_id == me.id and (t.start >= oldest or t.running)]
    if since:
        try:
            since_ts = float(since)
        except ValueError:
            raise bad_request("Invalid since") from None
        entries = [t for t in entries if t.at.timestamp() >= since_ts]
    else:
        entries = [t for t in entries if not t.deleted]
    lower: datetime | None = None
    if start_date:
        lower = parse_date_or_ts(start_date, "start_date")
        if lower.date() < floor:
            raise bad_request(f"start_date must not be earlier than {fmt_date(floor)}")
        entries = [t for t in entries if t.start >= lower]
    if end_date:
        upper = parse_date_or_ts(end_date, "end_date")
        if lower is not None and upper < lower:
            raise bad_request("end_date must not be earlier than start_date")
        entries = [t for t in entries if t.start < upper]
    if before:
        limit = parse_date_or_ts(before, "before")
        entries = [t for t in entries if t.start < limit]
    if not (since or before or start_date or end_date):
        window = now - DEFAULT_WINDOW
        entries = [t for t in entries if t.start >= window or t.running]
    entries.sort(key=lambda t: (t.start, t.id), reverse=True)
    meta = ctx.bool_param("meta")
    return [render_time_entry(backend, t, meta=meta) for t in entries[:MAX_LIST]]


def current_time_entry(ctx: Ctx) -> Any:
    """GET /me/time_entries/current: the running entry or ``null``."""
    te = ctx.backend.running_entry(ctx.me.id)
    return None if te is None else render_time_entry(ctx.backend, te, meta=ctx.bool_param("meta"))


def get_time_entry(ctx: Ctx) -> Any:
    """GET /me/time_entries/{id}."""
    te = ctx.backend.time_entries.get(ctx.arg("id"))
    if te is None or te.user_id != ctx.me.id or te.deleted:
        raise not_found(MSG_GET_NOT_FOUND)
    return render_time_entry(ctx.backend, te, meta=ctx.bool_param("meta"))


def recent_entries(backend: Backend, user: User) -> list[TimeEntry]:
    """Entries of the default window (used by ``/me?with_related_data=true``), newest first."""
    window = backend.now() - DEFAULT_WINDOW
    entries = [t for t in backend.time_entries.values() if t.user_id == user.id and not t.deleted]
    entries = [t for t in entries if t.start >= window or t.running]
    entries.sort(key=lambda t: (t.start, t.id), reverse=True)
    return entries[:MAX_LIST]


ROUTES: list[Route] = [
    route("GET", "/me/time_entries", list_time_entries),
    route("GET", "/me/time_entries/current", current_time_entry),
    route("GET", "/me/time_entries/{id}", get_time_entry),
    route("POST", "/workspaces/{wid}/time_entries", create_time_entry),
    route("PUT", "/workspaces/{wid}/time_entries/{id}", update_time_entry),
    route("DELETE", "/workspaces/{wid}/time_entries/{id}", delete_time_entry),
    route("PATCH", "/workspaces/{wid}/time_entries/{ids}", patch_time_entries),
    route("PATCH", "/workspaces/{wid}/time_entries/{id}/stop", stop_time_entry),
]
