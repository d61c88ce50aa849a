"""Reading Toggl's detailed CSV export and planning its import into a cache: pure functions, no I/O, no clock.

The file (reference §E.2) has the header ``User,Email,Client,Project,Task,Description,Billable,Start date,
Start time,End date,End time,Duration,Tags,Amount (XXX)``, columns read by name in any order (only the start and
either the end or the duration are required), the user's local dates and times without an offset, durations in
the classic (``01:30:00``), improved (``1:30:00``, ``0:05``) or decimal (``1.50`` hours) format, tags joined with
``", "``, ``Billable`` in the user's UI language, and sometimes a UTF-8 BOM. It carries no ids.

Imported entries get **negative ids**, a stable hash of (workspace, start, stop, description, project), so that
importing the same file twice stores each entry once, and so that a later fetch of the same range from the API
(which replaces every cached entry of a fetched window) supersedes them. Rows in a range the cache already holds
from the API (its time-entry coverage), or starting in the same second as a cached API entry, are skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from attrs import field, frozen

from .coverage import Coverage
from .errors import TogglError
from .models import TogglClient, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspaceUser

__all__ = [
    "BILLABLE_WORDS",
    "DATE_FORMATS",
    "CsvImportError",
    "CsvRow",
    "ImportPlan",
    "ImportReport",
    "ParsedCsv",
    "RowProblem",
    "imported_id",
    "parse_csv",
    "parse_duration",
    "plan_import",
]

UTC = timezone.utc
#: Date formats Toggl's UI offers (the user's "date format" preference), and how to read each.
DATE_FORMATS: dict[str, str] = {
    "YYYY-MM-DD": "%Y-%m-%d",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD-MM-YYYY": "%d-%m-%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
}
#: ``Billable`` values understood without help, lower-cased: English and a few UI languages Toggl offers.
BILLABLE_WORDS: dict[str, bool] = {
    "yes": True, "no": False, "true": True, "false": False,
    "ja": True, "nein": False,  # German
    "oui": True, "non": False,  # French
    "sí": True, "si": True,  # Spanish, Italian, Portuguese ("não" below)
    "sim": True, "não": False, "nao": False,
    "はい": True, "いいえ": False,  # Japanese (observed, reference §E.2)
}  # fmt: skip

_START_DATE, _START_TIME, _END_DATE, _END_TIME = "start date", "start time", "end date", "end time"
_DURATION = "duration"
_CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
_ID_SPACE = 2**62


class CsvImportError(TogglError, ValueError):
    """A CSV file (or one of its rows) that cannot be imported.

    Attributes:
        line: Line of the file (1 is the header), or None for the whole file.
        column: Column name, or None.
    """

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        where = "" if line is None else f"line {line}" + ("" if column is None else f", column {column!r}") + ": "
        super().__init__(where + message)
        self.line = line
        self.column = column


@frozen
class RowProblem:
    """A row left out of an import, and why."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        column = "" if self.column is None else f", column {self.column!r}"
        return f"line {self.line}{column}: {self.message}"


@frozen
class CsvRow:
    """One time entry of the file, its times made aware and converted to UTC."""

    line: int
    start: datetime
    stop: datetime
    description: str = ""
    project: str = ""
    client: str = ""
    task: str = ""
    user: str = ""
    email: str = ""
    billable: bool = False
    tags: tuple[str, ...] = ()


@frozen
class ParsedCsv:
    """The rows read, and the rows refused (only with ``skip_bad_rows``)."""

    rows: tuple[CsvRow, ...]
    problems: tuple[RowProblem, ...] = ()
    date_format: str = "YYYY-MM-DD"


# -- cells --------------------------------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """A duration as Toggl writes it: ``HH:MM:SS`` (classic), ``H:MM:SS`` or ``H:MM`` (improved), or decimal
    hours ``1.50`` (also ``1,50``).

    Raises:
        ValueError: none of these.
    """
    value = text.strip()
    match = _CLOCK.match(value)
    if match:
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if _DECIMAL.match(value):
        return timedelta(seconds=round(float(value.replace(",", ".")) * 3600))
    msg = f"{text!r} is not a duration (expected HH:MM:SS, H:MM or decimal hours such as 1.50)"
    raise ValueError(msg)


_TIME = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?(?:\s*([AaPp][Mm]))?$")
# (regex, positions of year, month, day among its groups) per date format; faster than strptime on big files.
_DATE_PATTERNS: dict[str, tuple[re.Pattern[str], tuple[int, int, int]]] = {
    "YYYY-MM-DD": (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    "MM/DD/YYYY": (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 1, 2)),
    "DD/MM/YYYY": (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 2, 1)),
    "DD.MM.YYYY": (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (3, 2, 1)),
    "DD-MM-YYYY": (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), (3, 2, 1)),
    "MM-DD-YYYY": (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), (3, 1, 2)),
}


def _time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if match[4] and 1 <= hour <= 12:  # a 12-hour clock (the UI's "h:mm A" preference)
            hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
        elif match[4]:
            hour = 24
        if hour < 24:
            return time(hour, minute, second)
    msg = f"{text!r} is not a time of day (expected HH:MM:SS)"
    raise ValueError(msg)


def _date(text: str, fmt: str) -> date:
    pattern, (y, m, d) = _DATE_PATTERNS[fmt]
    match = pattern.match(text.strip())
    if match:
        try:
            return date(int(match[y]), int(match[m]), int(match[d]))
        except ValueError:
            pass
    msg = f"{text!r} is not a date in the format {fmt}"
    raise ValueError(msg)


def _billable(text: str, words: Mapping[str, bool]) -> bool:
    value = text.strip().lower()
    if not value:
        return False
    if value in words:
        return words[value]
    msg = f"{text!r} is not a Billable value this import knows; pass billable_words=(yes, no) with your file's words"
    raise ValueError(msg)


def _local(day: date, clock: time, zone: tzinfo) -> datetime:
    # fold=0: in the hour a DST change repeats, the first of the two instants (Toggl's file cannot tell them apart).
    return datetime.combine(day, clock).replace(tzinfo=zone).astimezone(UTC)


# -- the file -----------------------------------------------------------------------------------------------


def _text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            msg = f"the file is not UTF-8 text (byte {exc.start}); export it again from Toggl or convert it to UTF-8"
            raise CsvImportError(msg) from None
    if not isinstance(data, str):
        msg = f"expected the file's text or bytes, not {type(data).__name__}"
        raise TypeError(msg)
    return data.removeprefix("\ufeff")


def _columns(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lower()
        if name.startswith("amount"):
            name = "amount"
        index.setdefault(name, i)
    missing = [n for n in (_START_DATE, _START_TIME) if n not in index]
    if missing or not ({_END_DATE, _END_TIME} <= index.keys() or _DURATION in index):
        wanted = "Start date, Start time, and End date + End time or Duration"
        msg = f"the header lacks required columns (needs {wanted}); is this Toggl's detailed report export?"
        raise CsvImportError(msg, line=1)
    return index


def _detect_date_format(cells: Iterable[str]) -> str:
    """The format most start dates are in (a bad date then fails on its own line); asks when several fit."""
    values = [c.strip() for c in cells if c.strip()]
    fits = {f: sum(1 for v in values if _parses(v, f)) for f in DATE_FORMATS}
    best = max(fits.values(), default=0)
    if best == 0:
        msg = f"the start dates are in none of the formats {', '.join(DATE_FORMATS)}; pass date_format"
        raise CsvImportError(msg, line=2, column="Start date")
    winners = [f for f, n in fits.items() if n == best]
    if len(winners) > 1:
        msg = f"the dates fit several formats ({', '.join(winners)}); pass date_format= one of them"
        raise CsvImportError(msg, column="Start date")
    return winners[0]


def _parses(value: str, fmt: str) -> bool:
    try:
        _date(value, fmt)
    except ValueError:
        return False
    return True


def parse_csv(
    data: str | bytes,
    *,
    tz: tzinfo,
    date_format: str | None = None,
    billable_words: tuple[str, str] | None = None,
    skip_bad_rows: bool = False,
) -> ParsedCsv:
    """Read Toggl's detailed CSV export.

    Args:
        data: The file's text, or its bytes (UTF-8, with or without BOM).
        tz: The time zone the file's local times are in (the exporting user's Toggl time zone).
        date_format: One of :data:`DATE_FORMATS` (e.g. ``"DD/MM/YYYY"``); None detects it, and asks for it when
            the dates fit several formats (``01/02/2025``).
        billable_words: Your file's (yes, no) words, when they are not among :data:`BILLABLE_WORDS`.
        skip_bad_rows: Leave out rows that cannot be read and list them in ``problems`` instead of raising.

    Raises:
        CsvImportError: the header lacks required columns, or (without ``skip_bad_rows``) a row cannot be read:
            the message names the line and column.
        TypeError: ``tz`` is not a tzinfo, ``data`` is neither text nor bytes.
        ValueError: an unknown ``date_format``.
    """
    if not isinstance(tz, tzinfo):
        msg = f"tz must be a tzinfo such as zoneinfo.ZoneInfo('Europe/Berlin'), not {type(tz).__name__}"
        raise TypeError(msg)
    if date_format is not None and date_format not in DATE_FORMATS:
        msg = f"date_format must be one of {', '.join(DATE_FORMATS)}, got {date_format!r}"
        raise ValueError(msg)
    words = dict(BILLABLE_WORDS)
    if billable_words is not None:
        yes, no = billable_words
        words.update({yes.strip().lower(): True, no.strip().lower(): False})
    records = list(csv.reader(io.StringIO(_text(data), newline="")))
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        raise CsvImportError("the file is empty (no header line)", line=1)
    index = _columns(records[0])
    body = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if date_format is None:
        date_format = _detect_date_format(_cell(cells, index, _START_DATE) for _, cells in body)
    rows: list[CsvRow] = []
    problems: list[RowProblem] = []
    for number, cells in body:
        try:
            rows.append(_row(number, cells, index, tz, date_format, words))
        except CsvImportError as exc:
            if not skip_bad_rows:
                raise
            problems.append(RowProblem(number, exc.column, str(exc).split(": ", 1)[-1]))
    return ParsedCsv(tuple(rows), tuple(problems), date_format)


_TITLES = {
    _START_DATE: "Start date",
    _START_TIME: "Start time",
    _END_DATE: "End date",
    _END_TIME: "End time",
    _DURATION: "Duration",
    "billable": "Billable",
}


def _cell(cells: Sequence[str], index: Mapping[str, int], name: str) -> str:
    i = index.get(name)
    return cells[i] if i is not None and i < len(cells) else ""


def _row(
    number: int, cells: Sequence[str], index: Mapping[str, int], zone: tzinfo, fmt: str, words: Mapping[str, bool]
) -> CsvRow:
    def read(name: str, parse: Any) -> Any:
        try:
            return parse(_cell(cells, index, name))
        except ValueError as exc:
            raise CsvImportError(str(exc), line=number, column=_TITLES.get(name, name)) from None

    start = _local(read(_START_DATE, lambda v: _date(v, fmt)), read(_START_TIME, _time), zone)
    if _cell(cells, index, _END_DATE).strip() and _cell(cells, index, _END_TIME).strip():
        stop = _local(read(_END_DATE, lambda v: _date(v, fmt)), read(_END_TIME, _time), zone)
    else:
        stop = start + read(_DURATION, parse_duration)
    if stop < start:
        raise CsvImportError("the entry ends before it starts", line=number, column="End time")
    tags = tuple(t.strip() for t in _cell(cells, index, "tags").split(",") if t.strip())
    return CsvRow(
        line=number,
        start=start,
        stop=stop,
        description=_cell(cells, index, "description"),
        project=_cell(cells, index, "project").strip(),
        client=_cell(cells, index, "client").strip(),
        task=_cell(cells, index, "task").strip(),
        user=_cell(cells, index, "user").strip(),
        email=_cell(cells, index, "email").strip(),
        billable=read("billable", lambda v: _billable(v, words)),
        tags=tags,
    )


# -- planning the import -----------------------------------------------------------------------------------


def imported_id(workspace_id: int, start: datetime, stop: datetime, description: str, project: str) -> int:
    """The negative id of an imported entry: a stable hash of what identifies it in a file without ids."""
    key = "\x1f".join(
        [str(workspace_id), start.astimezone(UTC).isoformat(), stop.astimezone(UTC).isoformat(), description, project]
    )
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return -(digest % _ID_SPACE + 1)


@frozen
class ImportPlan:
    """What an import stores and what it leaves out.

    Attributes:
        entries: Time entries to store (negative ids).
        skipped_covered: Rows left out because the cache already holds their range from the API.
        skipped_known: Rows left out because a cached API entry starts in the same second.
        unknown_projects: Project names not found among the workspace's cached projects (entries kept without
            a project, the name in ``extra["csv_project"]``).
        unknown_tags: Tag names not found among the cached tags (kept on the entry as tags with id 0).
        unknown_tasks: Task names not found on the entry's project (entries kept without a task).
        unknown_users: Users (email, else name) not among the cached workspace users (entries kept without one).
    """

    entries: tuple[TogglTracker, ...]
    skipped_covered: int = 0
    skipped_known: int = 0
    unknown_projects: frozenset[str] = field(factory=frozenset)
    unknown_tags: frozenset[str] = field(factory=frozenset)
    unknown_tasks: frozenset[str] = field(factory=frozenset)
    unknown_users: frozenset[str] = field(factory=frozenset)


def _in_coverage(coverage: Coverage, start: datetime) -> bool:
    return any(seg.lo <= start < seg.hi for seg in coverage.segments)


def plan_import(
    rows: Iterable[CsvRow],
    *,
    workspace_id: int,
    now: datetime,
    coverage: Coverage = Coverage(),  # noqa: B008 - a frozen, empty value
    cached_entries: Iterable[TogglTracker] = (),
    projects: Iterable[TogglProject] = (),
    clients: Iterable[TogglClient] = (),
    tags: Iterable[TogglTag] = (),
    tasks: Iterable[TogglTask] = (),
    users: Iterable[TogglWorkspaceUser] = (),
) -> ImportPlan:
    """Map the rows' names to the workspace's cached ids and build the entries to store.

    Args:
        rows: Parsed rows (:func:`parse_csv`).
        workspace_id: The workspace the file was exported from.
        now: Fetch time stamped on the entries (``timestamp``), from the cache's clock.
        coverage: The cache's time-entry coverage: rows starting in any of its segments are skipped (the API's
            data for that range is in the cache; an expired segment still held the API's entries).
        cached_entries: Cached time entries; an API entry (id > 0) of the workspace starting in the same second
            as a row makes the row skipped.
        projects: Cached projects; clients: cached clients (to tell projects of the same name apart);
        tags: cached tags; tasks: cached tasks; users: cached workspace users. Other workspaces' are ignored.
    """
    ws_projects = [p for p in projects if p.workspace == workspace_id]
    client_names = {c.id: c.name for c in clients}
    by_name: dict[str, list[TogglProject]] = {}
    for candidate in ws_projects:
        by_name.setdefault(candidate.name, []).append(candidate)
    tag_by_name = {t.name: t for t in tags if t.workspace in (workspace_id, 0)}
    task_by_key = {(t.project, t.name): t for t in tasks}
    user_by_email = {u.email.lower(): u for u in users if u.email and u.workspace in (workspace_id, 0)}
    user_by_name = {u.name: u for u in users if u.workspace in (workspace_id, 0)}
    known_starts = {
        e.start.astimezone(UTC).replace(microsecond=0)
        for e in cached_entries
        if e.id > 0 and e.workspace == workspace_id
    }
    entries: dict[int, TogglTracker] = {}
    covered = known = 0
    unknown_projects: set[str] = set()
    unknown_tags: set[str] = set()
    unknown_tasks: set[str] = set()
    unknown_users: set[str] = set()
    for row in rows:
        if _in_coverage(coverage, row.start):
            covered += 1
            continue
        if row.start.replace(microsecond=0) in known_starts:
            known += 1
            continue
        extra: dict[str, Any] = {"imported_from": "csv"}
        project = _project(by_name.get(row.project, []), row.client, client_names) if row.project else None
        if row.project and project is None:
            unknown_projects.add(row.project)
            extra["csv_project"] = row.project
        task = task_by_key.get((project.id, row.task)) if project is not None and row.task else None
        if row.task and task is None:
            unknown_tasks.add(row.task)
            extra["csv_task"] = row.task
        user = user_by_email.get(row.email.lower()) if row.email else None
        user = user or user_by_name.get(row.user)
        if (row.email or row.user) and user is None:
            unknown_users.add(row.email or row.user)
        entry_tags: list[TogglTag] = []
        for name in row.tags:
            tag = tag_by_name.get(name)
            if tag is None:
                unknown_tags.add(name)
                tag = TogglTag(0, name, workspace=workspace_id)
            entry_tags.append(tag)
        ident = imported_id(workspace_id, row.start, row.stop, row.description, row.project)
        entries[ident] = TogglTracker(
            ident,
            row.description,
            now,
            workspace=workspace_id,
            start=row.start,
            stop=row.stop,
            duration=row.stop - row.start,
            project=project.id if project is not None else None,
            tags=entry_tags,
            billable=row.billable,
            user=user.user if user is not None else None,
            task=task.id if task is not None else None,
            extra=extra,
        )
    return ImportPlan(
        tuple(entries.values()),
        covered,
        known,
        frozenset(unknown_projects),
        frozenset(unknown_tags),
        frozenset(unknown_tasks),
        frozenset(unknown_users),
    )


@frozen
class ImportReport:
    """What an import did.

    Attributes:
        rows: Rows read from the file (problems included).
        imported: Entries stored that the cache did not hold yet.
        unchanged: Entries the cache already held from an earlier import of the same rows (stored again).
        skipped_covered: Rows left out because the cache holds their range from the API (no total counted twice).
        skipped_known: Rows left out because a cached API entry of the workspace starts in the same second.
        problems: Rows that could not be read (with ``skip_bad_rows``), by line and column.
        unknown_projects: Project names not in the cache (entries kept without a project).
        unknown_tags: Tag names not in the cache (kept on the entries as tags with id 0).
        unknown_tasks: Task names not in the cache (entries kept without a task).
        unknown_users: Users not in the cache (entries kept without a user).
        first_start: Earliest start stored, if any.
        last_start: Latest start stored, if any.
    """

    rows: int
    imported: int
    unchanged: int
    skipped_covered: int
    skipped_known: int
    problems: tuple[RowProblem, ...] = ()
    unknown_projects: frozenset[str] = field(factory=frozenset)
    unknown_tags: frozenset[str] = field(factory=frozenset)
    unknown_tasks: frozenset[str] = field(factory=frozenset)
    unknown_users: frozenset[str] = field(factory=frozenset)
    first_start: datetime | None = None
    last_start: datetime | None = None


def _project(candidates: list[TogglProject], client: str, client_names: Mapping[int, str]) -> TogglProject | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for project in candidates:
        if project.client is not None and client_names.get(project.client) == client:
            return project
    return candidates[0]
