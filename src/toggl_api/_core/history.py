"""Backfill through Reports v3: windows, the resume cursor, the request and the row mapping. No I/O, no clock reads.

``GET /me/time_entries`` serves about three calendar months; older entries come from the Reports v3 detailed
search (``POST /reports/api/v3/workspace/{wid}/search/time_entries``), one workspace at a time, in date ranges of
at most a year and in pages followed by the ``X-Next-ID`` / ``X-Next-Row-Number`` cursor.

Windows. A backfill covers UTC instants ``[lo, hi)`` (midnights). Reports read ``start_date``/``end_date`` as
*days of the user's time zone*, which we do not need to know: each window asks for one more day on each side
(``start_date = lo - 1 day``, ``end_date = hi``, both inclusive), and every UTC offset is below a day, so the
answer holds every entry starting in ``[lo, hi)`` (plus a few from the margin days, which are dropped: they
belong to a neighbouring range). The request then spans ``hi - lo + 2`` days, kept within ``REPORTS_MAX_DAYS``.

Replacement. When a workspace's pages of a window are all in, every cached entry of that workspace (and of the
user, or of no known user) starting in ``[lo, hi)`` that the answer did not hold is removed: deleted on Toggl, or
imported from a CSV export (negative ids) and now superseded. Running entries are kept (detailed reports leave
them out). Once every workspace is done the window is recorded as coverage.

Resume. After each page the engine stores a ``BackfillCursor`` (the window, the workspaces done, the next page's
cursor and the ids seen so far in the current workspace) in the cache's value store under ``BACKFILL_KEY``, in
the same commit as the page's entries; the next run continues exactly there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Final

from attrs import field, frozen

from .api.reports import PaginationOptions as _Pagination
from .api.reports import ReportBody, detailed_search_request
from .api.request import ApiRequest
from .cache_rules import is_fresh
from .coverage import Coverage
from .models import TogglTag, TogglTracker
from .timeutil import parse_datetime, to_utc

__all__ = [
    "BACKFILL_KEY",
    "DETAILED_PAGE_SIZE",
    "OLDEST_DAY",
    "REPORTS_MAX_DAYS",
    "WINDOW_DAYS",
    "BackfillCursor",
    "BackfillProgress",
    "BackfillResult",
    "HistoryWindow",
    "entries_from_rows",
    "in_replaced_window",
    "plan_windows",
    "search_request",
    "uncovered",
    "window_limit",
]

#: Rows per detailed-search page: the most Toggl is known to accept. Toggl documents a default of 50 and no
#: maximum (reference §8.2); the emulator enforces the same number. One constant, so both sides move together.
DETAILED_PAGE_SIZE: Final = 50
#: Most days one detailed search may span, both ends included ("one year": Reports v2 documented it, v3 clients
#: report it; 365 is the strictest reading).
REPORTS_MAX_DAYS: Final = 365
#: UTC days one window covers: the request adds a margin day on each side (see the module docstring).
WINDOW_DAYS: Final = REPORTS_MAX_DAYS - 2
#: Value-store key of the backfill in progress.
BACKFILL_KEY: Final = "history:backfill"
#: The oldest day a report may name (reference §8.2: dates "within 2006-01-01 to 2030-01-01").
OLDEST_DAY: Final = date(2006, 1, 1)
_FORMAT = 1
UTC = timezone.utc
_DAY = timedelta(days=1)


def _midnight_floor(value: datetime) -> datetime:
    value = to_utc(value, "value")
    return datetime.combine(value.date(), time(0), tzinfo=UTC)


def _midnight_ceil(value: datetime) -> datetime:
    floor = _midnight_floor(value)
    return floor if floor == to_utc(value, "value") else floor + _DAY


@frozen
class HistoryWindow:
    """Entries starting in ``[lo, hi)`` (UTC midnights), read with one detailed search per workspace."""

    lo: datetime
    hi: datetime

    @property
    def start_date(self) -> date:
        """``start_date`` of the request: the day before ``lo`` (a margin for the user's time zone), never before
        2006-01-01 (reports refuse older dates; Toggl holds no older entry)."""
        return max((self.lo - _DAY).date(), OLDEST_DAY)

    @property
    def end_date(self) -> date:
        """``end_date`` of the request (inclusive): the day of ``hi`` (the margin on the other side)."""
        return self.hi.date()

    def label(self) -> str:
        """``2025-01-01 → 2025-12-30`` (the covered days, end exclusive)."""
        return f"{self.lo.date().isoformat()} → {self.hi.date().isoformat()}"


def uncovered(
    coverage: Coverage, lo: datetime, hi: datetime, now: datetime, expire_after: timedelta | None
) -> list[tuple[datetime, datetime]]:
    """The parts of ``[lo, hi)`` that ``coverage`` does not hold fresh, oldest first."""
    gaps: list[tuple[datetime, datetime]] = []
    cursor = lo
    for seg in coverage.segments:
        if seg.hi <= cursor or not is_fresh(seg.at, now, expire_after):
            continue
        if seg.lo >= hi:
            break
        if seg.lo > cursor:
            gaps.append((cursor, seg.lo))
        cursor = max(cursor, seg.hi)
        if cursor >= hi:
            break
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def plan_windows(gaps: Iterable[tuple[datetime, datetime]], limit: datetime) -> list[HistoryWindow]:
    """Windows covering ``gaps``, oldest first: each gap widened to whole UTC days (never past ``limit``, the
    look-back floor of ``/me/time_entries``) and cut into ``WINDOW_DAYS``-day pieces.

    Raises:
        ValueError: ``limit`` is not a UTC midnight.
    """
    if _midnight_floor(limit) != limit:
        msg = f"limit must be a UTC midnight, got {limit.isoformat()}"
        raise ValueError(msg)
    windows: list[HistoryWindow] = []
    for start, end in gaps:
        lo, hi = _midnight_floor(start), min(_midnight_ceil(end), limit)
        if windows and lo < windows[-1].hi:  # two gaps inside one day: one window reads it
            lo = windows[-1].hi
        while lo < hi:
            step = min(hi, lo + timedelta(days=WINDOW_DAYS))
            windows.append(HistoryWindow(lo, step))
            lo = step
    return windows


def window_limit(upper: datetime) -> datetime:
    """The first UTC midnight at or after ``upper``: the ``limit`` of the windows reading up to ``upper``."""
    return _midnight_ceil(upper)


def search_request(
    workspace_id: int, user_id: int, window: HistoryWindow, next_row: int | None = None, next_id: int | None = None
) -> ApiRequest:
    """One page of the user's entries of ``window`` in ``workspace_id`` (dates ascending, names enriched)."""
    body = ReportBody(
        start_date=window.start_date,
        end_date=window.end_date,
        user_ids=[user_id],
        order_by="date",
        order_dir="ASC",
        enrich_response=True,
    )
    return detailed_search_request(workspace_id, body, _Pagination(DETAILED_PAGE_SIZE, next_id, next_row))


def _int_or_none(row: Mapping[str, Any], key: str) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{key} is {type(value).__name__}, not an int"
        raise TypeError(msg)
    return value


def _tags(row: Mapping[str, Any], workspace_id: int, known: Mapping[int, str]) -> list[TogglTag]:
    ids = row.get("tag_ids") or []
    names = row.get("tag_names") or []
    if not isinstance(ids, list) or not isinstance(names, list):
        msg = "tag_ids and tag_names must be lists"
        raise TypeError(msg)
    paired = len(names) == len(ids) and all(isinstance(n, str) for n in names)
    tags = []
    for index, tag_id in enumerate(ids):
        if isinstance(tag_id, bool) or not isinstance(tag_id, int):
            msg = f"tag id {tag_id!r} is not an int"
            raise TypeError(msg)
        # Enriched rows name their tags; otherwise the cached tag's name (a tag deleted since: no name).
        name = names[index] if paired else known.get(tag_id, "")
        tags.append(TogglTag(id=tag_id, name=name, workspace=workspace_id))
    return tags


def entries_from_rows(
    rows: Sequence[Any], *, workspace_id: int, now: datetime, known_tags: Mapping[int, str] | None = None
) -> list[TogglTracker]:
    """Time entries from detailed-search rows, as ``GET /me/time_entries`` would give them.

    A row carries what its entries share (user, project, task, description, billable, tags); each of its
    ``time_entries[]`` (one without ``grouped``, several with it) becomes one ``TogglTracker`` with its own id,
    start, stop, ``seconds`` as duration and ``at``. ``workspace_id`` comes from the request (rows have none);
    ``timestamp`` is ``now``.

    Raises:
        ValueError: a row or entry is out of shape (the caller reports the answer as unexpected).
    """
    known = known_tags or {}
    out: list[TogglTracker] = []
    for index, row in enumerate(rows):
        try:
            if not isinstance(row, dict):
                msg = f"a {type(row).__name__}, not an object"
                raise TypeError(msg)
            items = row.get("time_entries")
            if not isinstance(items, list) or not items:
                msg = "no time_entries list"
                raise TypeError(msg)
            tags = _tags(row, workspace_id, known)
            shared = {
                "description": row.get("description") or None,
                "project_id": _int_or_none(row, "project_id"),
                "task_id": _int_or_none(row, "task_id"),
                "user_id": _int_or_none(row, "user_id"),
                "billable": bool(row.get("billable", False)),
            }
            for item in items:
                if not isinstance(item, dict):
                    msg = f"a time entry that is a {type(item).__name__}"
                    raise TypeError(msg)
                ident = item.get("id")
                if isinstance(ident, bool) or not isinstance(ident, int) or ident <= 0:
                    msg = f"a time entry id that is not a positive int ({ident!r})"
                    raise TypeError(msg)
                seconds = item.get("seconds")
                if isinstance(seconds, bool) or not isinstance(seconds, int):
                    msg = f"seconds of entry {ident} is not an int"
                    raise TypeError(msg)
                stop = item.get("stop")
                entry = TogglTracker.from_kwargs(
                    id=ident,
                    workspace_id=workspace_id,
                    # Reports give times in the user's offset; the cache keeps UTC, as /me/time_entries gives.
                    start=to_utc(parse_datetime(item["start"], "start"), "start"),
                    stop=None if stop is None else to_utc(parse_datetime(stop, "stop"), "stop"),
                    duration=seconds,
                    at=item.get("at"),
                    timestamp=now,
                    tags=list(tags),
                    **shared,
                )
                out.append(entry)
        except (TypeError, ValueError, KeyError) as exc:
            msg = f"row {index}: {exc}"
            raise ValueError(msg) from None
    return out


def in_replaced_window(
    entry: TogglTracker, *, workspace_id: int, user_id: int | None, lo: datetime, hi: datetime
) -> bool:
    """Whether a window's answer for ``workspace_id`` is authoritative for ``entry`` (see the module docstring)."""
    return (
        entry.workspace == workspace_id
        and (user_id is None or entry.user is None or entry.user == user_id)
        and entry.stop is not None
        and lo <= entry.start < hi
    )


def _ids() -> tuple[int, ...]:
    return ()


@frozen
class BackfillCursor:
    """Where a backfill stopped: inside ``window``, with ``done`` workspaces finished and ``next_row``/``next_id``
    the next page of ``workspace`` (``None``: its first page). ``seen`` holds the ids its earlier pages
    returned (the replacement needs them); ``started`` is when the window's first page was asked for (the
    coverage dates from it)."""

    window: HistoryWindow
    started: datetime
    workspace: int | None = None
    done: tuple[int, ...] = field(factory=_ids)
    next_row: int | None = None
    next_id: int | None = None
    seen: tuple[int, ...] = field(factory=_ids)
    pages: int = 0
    #: ``(lo, hi)`` of a rescan in progress: its coverage was dropped once and must not be dropped again.
    rescan: tuple[datetime, datetime] | None = None

    def to_json(self) -> str:
        """The cursor as a compact JSON string."""
        return json.dumps(
            {
                "format": _FORMAT,
                "window": [self.window.lo.isoformat(), self.window.hi.isoformat()],
                "started": self.started.isoformat(),
                "workspace": self.workspace,
                "done": list(self.done),
                "next_row": self.next_row,
                "next_id": self.next_id,
                "seen": list(self.seen),
                "pages": self.pages,
                "rescan": [v.isoformat() for v in self.rescan] if self.rescan else None,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> BackfillCursor | None:
        """Parse ``to_json`` output (``None``: no backfill in progress).

        Raises:
            ValueError: the text is not a cursor this version understands (callers start the window again).
        """
        if text is None:
            return None
        try:
            data: Any = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                msg = "unreadable backfill cursor: unknown format"
                raise ValueError(msg)
            lo, hi = (_aware(v) for v in data["window"])
            if not lo < hi:
                msg = "empty window"
                raise ValueError(msg)
            return cls(
                HistoryWindow(lo, hi),
                _aware(data["started"]),
                _opt_int(data["workspace"]),
                tuple(_int(v) for v in data["done"]),
                _opt_int(data["next_row"]),
                _opt_int(data["next_id"]),
                tuple(_int(v) for v in data["seen"]),
                _int(data.get("pages", 0)),
                _span(data.get("rescan")),
            )
        except (KeyError, TypeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            msg = exc.args[0] if str(exc).startswith("unreadable") else f"unreadable backfill cursor: {exc}"
            raise ValueError(msg) from exc


def _aware(value: Any) -> datetime:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 string, got {type(value).__name__}"
        raise TypeError(msg)
    return to_utc(datetime.fromisoformat(value), "cursor time")


def _span(value: Any) -> tuple[datetime, datetime] | None:
    if value is None:
        return None
    lo, hi = (_aware(v) for v in value)
    return lo, hi


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected an int, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


@frozen
class BackfillProgress:
    """Reported to a backfill's ``progress`` callback: after each page, and once when it pauses or ends.

    Attributes:
        fetched: Entries received so far in this run.
        requests: Detailed-search requests sent so far in this run.
        window: The window being read (``None`` once finished).
        windows_left: Windows still to read, the current one included.
        workspaces_left: Workspaces still to read in the current window, the current one included.
        paused_until: When the quota resets, when the backfill paused for it (``None`` otherwise).
        finished: True on the last report of a run that completed the backfill.
    """

    fetched: int
    requests: int
    window: HistoryWindow | None
    windows_left: int
    workspaces_left: int = 0
    paused_until: datetime | None = None
    finished: bool = False


@frozen
class BackfillResult:
    """What one backfill run did.

    Attributes:
        requests: Detailed-search requests sent.
        fetched: Entries received (margin days and repeats included).
        added: Entries new to the cache.
        changed: Cached entries replaced by a different version.
        removed: Cached entries removed (deleted on Toggl, or CSV imports superseded).
        windows_done: Windows completed in this run.
        windows_left: Windows still to read (0 when complete).
        complete: True when every window of the range is covered.
    """

    requests: int = 0
    fetched: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    windows_done: int = 0
    windows_left: int = 0
    complete: bool = True

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view."""
        return {
            "requests": self.requests,
            "fetched": self.fetched,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "windows_done": self.windows_done,
            "windows_left": self.windows_left,
            "complete": self.complete,
        }
