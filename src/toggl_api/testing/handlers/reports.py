"""Reports v3 (reference §8): summary, detailed, totals, weekly, project summaries and exports.

Answers are computed from the emulator's own time entries: stopped, not deleted entries of the workspace whose
start falls (in the requesting user's time zone) between ``start_date`` and ``end_date`` inclusive. Paths are
relative to ``/reports/api/v3``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import define

from ..errors import EmulatorError, bad_request
from ..limits import ReportRules
from ..state import Backend, Project, TimeEntry, User, Workspace
from ._base import Ctx, Reply, route
from ._exports import CONTENT_TYPES, Table, render

__all__ = ["ROUTES"]

NO_PARAMETERS = "At least one parameter must be set"
NOT_ACCESSIBLE = "Workspace not found/accessible"
PREMIUM_ONLY = "Workspace needs to have this feature enabled"
PROJECT_NOT_ACCESSIBLE = "project not found or not accessible"

GROUPINGS = ("projects", "clients", "users", "tags")
SUB_GROUPINGS = ("time_entries", "projects", "clients", "users", "tags", "tasks")
#: Column titles of the groupings in exported files.
_LABELS = {
    "projects": "Project",
    "clients": "Client",
    "users": "User",
    "tags": "Tag",
    "tasks": "Task",
    "time_entries": "Description",
}
DETAIL_ORDER = ("date", "user", "duration", "description", "last_update")
SUMMARY_ORDER = ("title", "duration")
DURATION_FORMATS = ("classic", "decimal", "improved")
DATE_FORMATS = {
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD-MM-YYYY": "%d-%m-%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD/MM/YYYY": "%d/%m/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
}
#: Filters only paid plans may use.
PREMIUM_FILTERS = ("billable",)
_EARLIEST = date(2006, 1, 1)
_LATEST = date(2030, 1, 1)
#: 400 for a detailed search over more than a year (our wording; Toggl's text for v3 is unknown).
SPAN_TOO_LONG = "'end_date' must not be more than one year after 'start_date'"
#: Columns of the detailed CSV export, Toggl's header since 2014 (reference §E.2); the amount column is
#: ``Amount (<workspace currency>)``.
DETAILED_CSV_HEADER = (
    "User", "Email", "Client", "Project", "Task", "Description", "Billable",
    "Start date", "Start time", "End date", "End time", "Duration", "Tags",
)  # fmt: skip


# -- request parsing ------------------------------------------------------------------------------------------


def _workspace(ctx: Ctx) -> Workspace:
    ws = ctx.backend.workspaces.get(ctx.arg("wid"))
    if ws is None or ws.server_deleted_at is not None or ctx.me.id not in ws.members:
        raise EmulatorError(403, NOT_ACCESSIBLE)
    return ws


def _zone(user: User) -> tzinfo:
    try:
        return ZoneInfo(user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def _invalid(name: str, allowed: Iterable[str]) -> EmulatorError:
    return bad_request(f"Invalid '{name}' value, allowed values are: '{','.join(allowed)}'")


def _choice(body: dict[str, Any], name: str, allowed: Sequence[str], default: str) -> str:
    value = body.get(name)
    if value is None:
        return default
    if value not in allowed:
        raise _invalid(name, allowed)
    return str(value)


def _date(body: dict[str, Any], name: str) -> date | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise bad_request(f"Invalid '{name}' value, expected a date in the form YYYY-MM-DD") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(body: dict[str, Any], name: str) -> list[int | None] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(v is None or _is_int(v) for v in value):
        raise bad_request(f"Invalid '{name}' value, expected a list of ids")
    return value or None  # an empty list filters nothing


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(f"Invalid '{name}' value, expected an integer")
    return value


@define
class Query:
    """A parsed report request: the workspace, the user's zone, the range and the entry filter."""

    backend: Backend
    ws: Workspace
    user: User
    zone: tzinfo
    body: dict[str, Any]
    start: date | None
    end: date | None

    def local(self, value: datetime) -> datetime:
        """``value`` in the requesting user's zone."""
        return value.astimezone(self.zone)

    def day(self, te: TimeEntry) -> date:
        """The calendar day of ``te`` for the requesting user."""
        return self.local(te.start).date()

    def project(self, te: TimeEntry) -> Project | None:
        """The entry's project, if any."""
        return self.backend.projects.get(te.project_id) if te.project_id is not None else None

    def client_id(self, te: TimeEntry) -> int | None:
        """The client of the entry's project, if any."""
        project = self.project(te)
        return project.client_id if project is not None else None

    def entries(self) -> list[TimeEntry]:
        """The matching entries, oldest first (ties by id)."""
        body = self.body
        filters: list[Callable[[TimeEntry], bool]] = []

        def member(name: str, key: Callable[[TimeEntry], int | None]) -> None:
            wanted = _int_list(body, name)
            if wanted is not None:
                allowed = set(wanted)
                filters.append(lambda te: key(te) in allowed)

        member("user_ids", lambda te: te.user_id)
        member("project_ids", lambda te: te.project_id)
        member("client_ids", self.client_id)
        member("task_ids", lambda te: te.task_id)
        member("time_entry_ids", lambda te: te.id)
        tag_ids = _int_list(body, "tag_ids")
        if tag_ids is not None:
            wanted = set(tag_ids)
            filters.append(lambda te: bool(wanted & set(te.tag_ids)) or (None in wanted and not te.tag_ids))
        description = body.get("description")
        if isinstance(description, str) and description:
            needle = description.lower()
            filters.append(lambda te: needle in (te.description or "").lower())
        if isinstance(body.get("billable"), bool):
            billable = body["billable"]
            filters.append(lambda te: te.billable is billable)
        shortest = _optional_int(body, "min_duration_seconds")
        if shortest is not None:
            filters.append(lambda te: te.duration >= shortest)
        longest = _optional_int(body, "max_duration_seconds")
        if longest is not None:
            filters.append(lambda te: te.duration <= longest)
        if self.start is not None:
            first = self.start
            filters.append(lambda te: self.day(te) >= first)
        if self.end is not None:
            last = self.end
            filters.append(lambda te: self.day(te) <= last)
        found = [
            te
            for te in self.backend.time_entries.values()
            if te.workspace_id == self.ws.id and te.stop is not None and not te.deleted and all(f(te) for f in filters)
        ]
        return sorted(found, key=lambda te: (te.start, te.id))

    def range_headers(self) -> dict[str, str]:
        """``X-Range-Start`` / ``X-Range-End`` as the API sends them."""
        headers = {}
        if self.start is not None:
            headers["X-Range-Start"] = self.start.isoformat()
        if self.end is not None:
            headers["X-Range-End"] = self.end.isoformat()
        return headers


def _query(ctx: Ctx, *, require_parameters: bool = True) -> Query:
    ws = _workspace(ctx)
    data = ctx.body()
    if data is None or data == {}:
        if require_parameters:
            raise bad_request(NO_PARAMETERS)
        data = {}
    if not isinstance(data, dict):
        raise bad_request("Invalid JSON input")
    org = ctx.backend.organizations.get(ws.organization_id)
    if org is not None and org.plan == "free":
        for name in PREMIUM_FILTERS:
            if data.get(name) is not None:
                raise EmulatorError(402, PREMIUM_ONLY)
    start, end = _date(data, "start_date"), _date(data, "end_date")
    if start is not None and end is not None and start > end:
        raise bad_request("'start_date' must not be after 'end_date'")
    user = ctx.me
    return Query(ctx.backend, ws, user, _zone(user), data, start, end)


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _limit_span(q: Query, rules: ReportRules) -> None:
    """Apply the one-year rule of the detailed search: refuse a longer range, clamp a half-open one."""
    if not rules.max_span:
        return
    if q.start is not None and q.end is not None:
        if q.end > _one_year_after(q.start):
            raise bad_request(SPAN_TOO_LONG)
    elif q.start is not None:
        q.end = _one_year_after(q.start)
    elif q.end is not None:
        q.start = _one_year_before(q.end)


# -- formatting helpers ---------------------------------------------------------------------------------------


def _iso_local(value: datetime, zone: tzinfo) -> str:
    return value.astimezone(zone).replace(microsecond=0).isoformat()


def _iso_utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _duration(seconds: int, style: str) -> str:
    if style == "decimal":
        return f"{seconds / 3600:.2f}"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if style == "improved":
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def _user_name(backend: Backend, user_id: int) -> str:
    user = backend.users.get(user_id)
    return user.fullname if user is not None else ""


def _client_name(backend: Backend, client_id: int | None) -> str | None:
    client = backend.clients.get(client_id) if client_id is not None else None
    return client.name if client is not None else None


def _tag_names(backend: Backend, tag_ids: Iterable[int]) -> list[str]:
    return [backend.tags[t].name for t in tag_ids if t in backend.tags]


def _file_reply(extension: str, title: str, table: Table, headers: dict[str, str] | None = None) -> Reply:
    out = {"Content-Type": CONTENT_TYPES[extension], **(headers or {})}
    out["Content-Disposition"] = f'attachment; filename="{title.lower().replace(" ", "_")}.{extension}"'
    return Reply(body=render(extension, title, table), headers=out)


# -- summary --------------------------------------------------------------------------------------------------


def _keys(q: Query, te: TimeEntry, grouping: str) -> list[tuple[int | None, str | None]]:
    """(id, title) of the group(s) ``te`` falls into; tags put an entry into each of its tags."""
    backend = q.backend
    if grouping == "projects":
        project = q.project(te)
        return [(te.project_id, project.name if project else None)]
    if grouping == "clients":
        client_id = q.client_id(te)
        return [(client_id, _client_name(backend, client_id))]
    if grouping == "users":
        return [(te.user_id, _user_name(backend, te.user_id))]
    if grouping == "tags":
        if not te.tag_ids:
            return [(None, None)]
        return [(t, backend.tags[t].name if t in backend.tags else None) for t in te.tag_ids]
    if grouping == "tasks":
        return [(te.task_id, None)]
    return [(None, te.description or "")]  # time_entries: one sub-group per description


def _id_order(value: tuple[int | None, str | None]) -> tuple[int, int, str]:
    key, title = value
    return (0 if key is None else 1, key or 0, title or "")


def _summary_groups(q: Query) -> tuple[str, str, list[dict[str, Any]]]:
    grouping = _choice(q.body, "grouping", GROUPINGS, "projects")
    sub_grouping = _choice(q.body, "sub_grouping", SUB_GROUPINGS, "time_entries")
    if sub_grouping == grouping:
        raise bad_request("'grouping' and 'sub_grouping' must differ")
    with_ids = bool(q.body.get("include_time_entry_ids"))
    table: dict[tuple[int | None, str | None], dict[tuple[int | None, str | None], list[TimeEntry]]] = {}
    for te in q.entries():
        for key in _keys(q, te, grouping):
            subs = table.setdefault(key, {})
            for sub in _keys(q, te, sub_grouping):
                subs.setdefault(sub, []).append(te)
    groups: list[dict[str, Any]] = []
    for group_key in sorted(table, key=_id_order):
        sub_groups = []
        for (sub_id, title), entries in sorted(table[group_key].items(), key=lambda kv: _id_order(kv[0])):
            item: dict[str, Any] = {"id": sub_id, "title": title, "seconds": sum(te.duration for te in entries)}
            if with_ids:
                item["ids"] = [te.id for te in entries]
            sub_groups.append(item)
        group: dict[str, Any] = {"id": group_key[0], "sub_groups": sub_groups}
        if grouping == "projects" and group_key[0] is not None:
            project = q.backend.projects.get(group_key[0])
            if project is not None:
                group["project_color"] = project.color
                group["project_hex_color"] = project.color
        groups.append(group)
    return grouping, sub_grouping, groups


def summary(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/summary/time_entries."""
    q = _query(ctx)
    grouping, sub_grouping, groups = _summary_groups(q)
    headers = {"X-Grouping": grouping, "X-Sub-Grouping": sub_grouping, **q.range_headers()}
    return Reply(body={"groups": groups}, headers=headers)


def summary_export(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/summary/time_entries.{csv,pdf,xlsx}."""
    q = _query(ctx)
    extension = ctx.raw_arg("ext")
    style = _choice(q.body, "duration_format", DURATION_FORMATS, "classic")
    grouping, sub_grouping, groups = _summary_groups(q)
    titles = {g: t for te in q.entries() for g, t in _keys(q, te, grouping)}
    rows: list[tuple[str, str, int, str]] = []
    for item in groups:
        title = titles.get(item["id"]) or f"(no {_LABELS[grouping].lower()})"
        for sub in item["sub_groups"]:
            rows.append((title, sub["title"] or f"(no {_LABELS[sub_grouping].lower()})", sub["seconds"], ""))
    order = _choice(q.body, "order_by", SUMMARY_ORDER, "title")
    reverse = q.body.get("order_dir") == "DESC"
    rows.sort(key=(lambda r: r[2]) if order == "duration" else (lambda r: (r[0], r[1])), reverse=reverse)
    header = [_LABELS[grouping], _LABELS[sub_grouping], "Duration"]
    body_rows = [(r[0], r[1], _duration(r[2], style)) for r in rows]
    return _file_reply(extension, "Summary report", (header, body_rows), q.range_headers())


# -- detailed -------------------------------------------------------------------------------------------------


def _detail_sort_key(q: Query, order_by: str) -> Callable[[list[TimeEntry]], Any]:
    if order_by == "user":
        return lambda row: (_user_name(q.backend, row[0].user_id), row[0].start, row[0].id)
    if order_by == "duration":
        return lambda row: (sum(te.duration for te in row), row[0].start, row[0].id)
    if order_by == "description":
        return lambda row: ((row[0].description or "").lower(), row[0].start, row[0].id)
    if order_by == "last_update":
        return lambda row: (max(te.at for te in row), row[0].id)
    return lambda row: (row[0].start, row[0].id)


def _detail_rows(q: Query) -> list[list[TimeEntry]]:
    """Rows of entries in report order: one entry per row, or (``grouped``) entries sharing every attribute."""
    entries = q.entries()
    if q.body.get("grouped"):
        merged: dict[tuple[Any, ...], list[TimeEntry]] = {}
        for te in entries:
            key = (te.user_id, te.project_id, te.task_id, te.description, te.billable, tuple(sorted(te.tag_ids)))
            merged.setdefault(key, []).append(te)
        rows = list(merged.values())
    else:
        rows = [[te] for te in entries]
    order_by = _choice(q.body, "order_by", DETAIL_ORDER, "date")
    order_dir = _choice(q.body, "order_dir", ("ASC", "DESC"), "ASC")
    rows.sort(key=_detail_sort_key(q, order_by), reverse=order_dir == "DESC")
    return rows


def _detail_row(q: Query, number: int, row: list[TimeEntry]) -> dict[str, Any]:
    first = row[0]
    hide_amounts = bool(q.body.get("hide_amounts"))
    item: dict[str, Any] = {
        "user_id": first.user_id,
        "username": _user_name(q.backend, first.user_id),
        "project_id": first.project_id,
        "task_id": first.task_id,
        "billable": first.billable,
        "description": first.description or "",
        "tag_ids": list(first.tag_ids),
        "billable_amount_in_cents": None,
        "hourly_rate_in_cents": None,
        "currency": None if hide_amounts else q.ws.default_currency,
        "row_number": number,
        "time_entries": [
            {
                "id": te.id,
                "seconds": te.duration,
                "start": _iso_local(te.start, q.zone),
                "stop": _iso_local(te.stop, q.zone) if te.stop is not None else None,
                "at": _iso_utc(te.at),
                "at_tz": _iso_local(te.at, q.zone),
            }
            for te in row
        ],
    }
    if q.body.get("enrich_response"):
        project = q.project(first)
        user = q.backend.users.get(first.user_id)
        item.update(
            {
                "client_name": _client_name(q.backend, q.client_id(first)),
                "email": user.email if user is not None else None,
                "project_name": project.name if project is not None else None,
                "project_color": project.color if project is not None else None,
                "project_hex": project.color if project is not None else None,
                "tag_names": _tag_names(q.backend, first.tag_ids),
                "task_name": _task_name(q.backend, first.task_id),
            }
        )
    return item


def _task_name(backend: Backend, task_id: int | None) -> str | None:
    task = backend.tasks.get(task_id) if task_id is not None else None
    return task.name if task is not None else None


def _page_size(body: dict[str, Any], rules: ReportRules) -> int:
    value = body.get("page_size", 50)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise bad_request("Invalid 'page_size' value, expected a positive integer")
    if value > rules.max_page_size:
        raise bad_request(f"Invalid 'page_size' value, the maximum is {rules.max_page_size}")
    return value


def _page_start(body: dict[str, Any], rows: list[list[TimeEntry]]) -> int:
    """Index of the first row of the requested page (from ``first_row_number``, else ``first_id``)."""
    first_row = _optional_int(body, "first_row_number")
    first_id = _optional_int(body, "first_id")
    if first_row is not None:
        if first_row < 1:
            raise bad_request("Invalid 'first_row_number' value, expected a positive integer")
        return first_row - 1
    if first_id is not None:
        for index, row in enumerate(rows):
            if row[0].id == first_id:
                return index
        return len(rows)
    return 0


def search(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/search/time_entries: one page of rows, with the next page's cursor in headers.

    Rows are numbered from 1 over the whole answer; a page that has a successor carries ``X-Next-ID`` (the
    first entry of the next page) and ``X-Next-Row-Number`` (its row number, to send as ``first_row_number``);
    the last page carries neither (reference §8.4).
    """
    q = _query(ctx)
    rules = ctx.limits.limits.reports
    _limit_span(q, rules)
    size = _page_size(q.body, rules)
    rows = _detail_rows(q)
    start = _page_start(q.body, rows)
    page = [_detail_row(q, start + i + 1, row) for i, row in enumerate(rows[start : start + size])]
    headers = q.range_headers()
    after = start + size
    if after < len(rows):
        headers["X-Next-ID"] = str(rows[after][0].id)
        headers["X-Next-Row-Number"] = str(after + 1)
    return Reply(body=page, headers=headers)


def search_export(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/search/time_entries.{csv,pdf,xlsx}: the whole detailed report as one file.

    The layout of Toggl's file (reference §E.2): its header, the user's local dates and times without an offset,
    durations in ``duration_format``, tags joined with ``", "``, ``Billable`` in the words of
    :attr:`ReportRules.csv_billable`, an optional BOM. No ids: the file cannot be matched to entries by id.
    Exports are never paged (every client treats one as complete); the one-year rule applies.
    """
    q = _query(ctx)
    rules = ctx.limits.limits.reports
    _limit_span(q, rules)
    extension = ctx.raw_arg("ext")
    style = _choice(q.body, "duration_format", DURATION_FORMATS, "classic")
    day_format = DATE_FORMATS.get(str(q.body.get("date_format")), "%Y-%m-%d") if extension == "pdf" else "%Y-%m-%d"
    yes, no = rules.csv_billable
    header = [*DETAILED_CSV_HEADER, f"Amount ({q.ws.default_currency})"]
    table_rows: list[list[str | int | None]] = []
    for row in _detail_rows(q):
        for te in row:
            user = q.backend.users.get(te.user_id)
            project = q.project(te)
            start = q.local(te.start)
            stop = q.local(te.stop) if te.stop is not None else start
            table_rows.append(
                [
                    user.fullname if user else "",
                    user.email if user else "",
                    _client_name(q.backend, q.client_id(te)) or "",
                    project.name if project else "",
                    _task_name(q.backend, te.task_id) or "",
                    te.description or "",
                    yes if te.billable else no,
                    start.strftime(day_format),
                    start.strftime("%H:%M:%S"),
                    stop.strftime(day_format),
                    stop.strftime("%H:%M:%S"),
                    _duration(te.duration, style),
                    ", ".join(_tag_names(q.backend, te.tag_ids)),
                    "",  # the emulator keeps no rates, so no amounts
                ]
            )
    reply = _file_reply(extension, "Detailed report", (header, table_rows), q.range_headers())
    if extension == "csv" and rules.csv_bom:
        reply = Reply(body=b"\xef\xbb\xbf" + reply.body, headers=reply.headers)
    return reply


def _totals(q: Query, entries: list[TimeEntry], granularity: str, with_graph: bool) -> dict[str, Any]:
    billable = sum(te.duration for te in entries if te.billable)
    out: dict[str, Any] = {
        "seconds": sum(te.duration for te in entries),
        "tracked_days": len({q.day(te) for te in entries}),
        "billable_amount_in_cents": 0,
        "labour_cost_in_cents": 0,
        "rates": [{"billable_seconds": billable, "currency": q.ws.default_currency, "hourly_rate_in_cents": 0}]
        if billable
        else [],
        "graph": None,
        "resolution": granularity,
    }
    if with_graph:
        out["graph"] = _graph(q, entries, granularity)
    return out


def _bucket(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _graph(q: Query, entries: list[TimeEntry], granularity: str) -> list[dict[str, Any]]:
    days = [q.day(te) for te in entries]
    first = q.start or (min(days) if days else None)
    last = q.end or (max(days) if days else None)
    if first is None or last is None:
        return []
    seconds: dict[date, int] = {}
    for te, day in zip(entries, days, strict=True):
        key = _bucket(day, granularity)
        seconds[key] = seconds.get(key, 0) + te.duration
    buckets: list[date] = []
    cursor = _bucket(first, granularity)
    while cursor <= last:
        buckets.append(cursor)
        if granularity == "month":
            cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            cursor += timedelta(days=7 if granularity == "week" else 1)
    return [
        {"seconds": seconds.get(b, 0), "billable_amount_in_cents": 0, "labour_cost_in_cents": 0, "by_rate": {}}
        for b in buckets
    ]


def totals(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/search/time_entries/totals."""
    q = _query(ctx)
    granularity = _choice(q.body, "granularity", ("day", "week", "month"), "day")
    return Reply(body=_totals(q, q.entries(), granularity, bool(q.body.get("with_graph"))), headers=q.range_headers())


# -- weekly ---------------------------------------------------------------------------------------------------


def _week(q: Query) -> list[date]:
    first = q.start
    if first is None:
        today = q.local(q.backend.now()).date()
        first = today - timedelta(days=(today.weekday() - (q.user.beginning_of_week - 1)) % 7)
    return [first + timedelta(days=i) for i in range(7)]


def _weekly_rows(q: Query) -> tuple[list[date], list[dict[str, Any]]]:
    days = _week(q)
    q.start = days[0]
    q.end = min(days[-1], q.end) if q.end is not None else days[-1]
    index = {d: i for i, d in enumerate(days)}
    rows: dict[tuple[int, int | None], dict[str, Any]] = {}
    for te in q.entries():
        key = (te.user_id, te.project_id)
        row = rows.get(key)
        if row is None:
            project = q.project(te)
            row = rows[key] = {
                "user_id": te.user_id,
                "user_name": _user_name(q.backend, te.user_id),
                "project_id": te.project_id,
                "project_name": project.name if project else None,
                "client_name": _client_name(q.backend, project.client_id) if project else None,
                "project_color": project.color if project else None,
                "project_hex_color": project.color if project else None,
                "seconds": [0] * 7,
                "billable_seconds": [0] * 7,
                "billable_amounts_in_cents": [0] * 7,
                "hourly_rate_in_cents": None,
                "currency": q.ws.default_currency,
                "planned_task_id": None,
            }
        slot = index[q.day(te)]
        row["seconds"][slot] += te.duration
        if te.billable:
            row["billable_seconds"][slot] += te.duration
    ordered = [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1] is not None, k[1] or 0))]
    return days, ordered


def weekly(ctx: Ctx) -> list[dict[str, Any]]:
    """POST /workspace/{wid}/weekly/time_entries: per user and project, seconds for each of seven days."""
    q = _query(ctx)
    return _weekly_rows(q)[1]


def weekly_export(ctx: Ctx) -> Reply:
    """POST /workspace/{wid}/weekly/time_entries.{csv,pdf}."""
    q = _query(ctx)
    extension = ctx.raw_arg("ext")
    style = _choice(q.body, "duration_format", DURATION_FORMATS, "classic")
    day_format = DATE_FORMATS.get(str(q.body.get("date_format")), "%Y-%m-%d") if extension == "pdf" else "%Y-%m-%d"
    days, rows = _weekly_rows(q)
    header = ["User", "Project", "Client", *(d.strftime(day_format) for d in days), "Total"]
    table = [
        [r["user_name"], r["project_name"] or "", r["client_name"] or ""]
        + [_duration(s, style) for s in r["seconds"]]
        + [_duration(sum(r["seconds"]), style)]
        for r in rows
    ]
    return _file_reply(extension, "Weekly report", (header, table), q.range_headers())


# -- project summaries ----------------------------------------------------------------------------------------


def _project_range(q: Query) -> None:
    for name, value in (("start_date", q.start), ("end_date", q.end)):
        if value is not None and not _EARLIEST <= value <= _LATEST:
            raise bad_request(f"{name} should be within 2006-01-01 to 2030-01-01")


def project_summaries(ctx: Ctx) -> list[dict[str, Any]]:
    """POST /workspace/{wid}/projects/summary: tracked and billable seconds per user and project."""
    q = _query(ctx, require_parameters=False)
    _project_range(q)
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for te in q.entries():
        if te.project_id is None:
            continue
        item = out.setdefault(
            (te.user_id, te.project_id),
            {"user_id": te.user_id, "project_id": te.project_id, "tracked_seconds": 0, "billable_seconds": 0},
        )
        item["tracked_seconds"] += te.duration
        if te.billable:
            item["billable_seconds"] += te.duration
    return [out[k] for k in sorted(out)]


def project_summary(ctx: Ctx) -> dict[str, Any]:
    """POST /workspace/{wid}/projects/{pid}/summary: totals of one project."""
    q = _query(ctx, require_parameters=False)
    _project_range(q)
    project = q.backend.live_project(q.ws.id, ctx.arg("pid"))
    if project is None:
        raise EmulatorError(403, PROJECT_NOT_ACCESSIBLE)
    entries = [te for te in q.entries() if te.project_id == project.id]
    return _totals(q, entries, "day", False)


ROUTES = [
    route("POST", "/workspace/{wid}/summary/time_entries", summary),
    route("POST", r"/workspace/{wid}/summary/time_entries\.(?P<ext>csv|pdf|xlsx)", summary_export),
    route("POST", "/workspace/{wid}/search/time_entries", search),
    route("POST", "/workspace/{wid}/search/time_entries/totals", totals),
    route("POST", r"/workspace/{wid}/search/time_entries\.(?P<ext>csv|pdf|xlsx)", search_export),
    route("POST", "/workspace/{wid}/weekly/time_entries", weekly),
    route("POST", r"/workspace/{wid}/weekly/time_entries\.(?P<ext>csv|pdf)", weekly_export),
    route("POST", "/workspace/{wid}/projects/summary", project_summaries),
    route("POST", "/workspace/{wid}/projects/{pid}/summary", project_summary),
]
