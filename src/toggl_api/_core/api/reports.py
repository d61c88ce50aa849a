"""Reports API v3 wire contract: report bodies, export formats, pagination cursors and the report answer cache.

Nothing here does I/O or reads a clock. Request builders return ``ApiRequest`` values; the pagination decision
takes the cursor of the answer just received and returns the next request's options (or ``None``); the cache
takes "now" from its caller.

toggl-api-wrapper's ``ReportBody`` named the endpoints each field goes to, but two names were misspelled, so
``duration_format`` never reached detailed exports and ``enrich_response`` never reached any export (defect F5).
Here the endpoint sets are built from one table of endpoint families, so every field goes to every endpoint that
accepts it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final, Generic, Literal, TypeVar

from attrs import define
from attrs import field as attrs_field

from ..errors import DateTimeError, InvalidExtensionError, PagingLimitError
from ..timeutil import parse_date
from ._fields import require_type
from .body import BaseBody
from .request import Api, ApiRequest, RequestMethod

__all__ = [
    "ALL_FORMATS",
    "DETAILED_FORMATS",
    "SUMMARY_FORMATS",
    "WEEKLY_FORMATS",
    "CachedAnswer",
    "InvalidExtensionError",
    "PaginatedResult",
    "PaginationOptions",
    "ReportBody",
    "ReportCache",
    "ReportFormats",
    "detailed_export_request",
    "detailed_search_request",
    "detailed_totals_request",
    "format_report_date",
    "next_pagination",
    "parse_cursor",
    "project_summaries_request",
    "project_summary_request",
    "summary_export_request",
    "summary_request",
    "weekly_export_request",
    "weekly_request",
]

T = TypeVar("T")

ReportFormats = Literal["pdf", "csv", "xlsx"]
"""Export formats: ``csv``, ``pdf`` and ``xlsx`` (weekly reports offer only ``csv`` and ``pdf``)."""

ALL_FORMATS: Final[tuple[str, ...]] = ("csv", "pdf", "xlsx")
SUMMARY_FORMATS: Final[tuple[str, ...]] = ("csv", "pdf", "xlsx")
DETAILED_FORMATS: Final[tuple[str, ...]] = ("csv", "pdf", "xlsx")
WEEKLY_FORMATS: Final[tuple[str, ...]] = ("csv", "pdf")

START_AFTER_END = "Start date needs to be on or before the end date!"

# -- endpoint names (toggl-api-wrapper's spelling) and which fields they accept -------------------------------

_SUMMARY_EXPORTS = frozenset(f"summary_report_{ext}" for ext in SUMMARY_FORMATS)
_DETAIL_EXPORTS = frozenset(f"detail_report_{ext}" for ext in DETAILED_FORMATS)
_WEEKLY_EXPORTS = frozenset(f"weekly_report_{ext}" for ext in WEEKLY_FORMATS)
_SUMMARY = frozenset({"summary_time_entries"})
_DETAIL_SEARCH = frozenset({"detail_search_time"})
_DETAIL_TOTALS = frozenset({"detail_totals"})
_PDFS = frozenset({"summary_report_pdf", "detail_report_pdf", "weekly_report_pdf"})


def _endpoints(*groups: frozenset[str]) -> dict[str, frozenset[str]]:
    return {"endpoints": frozenset().union(*groups)}


# Which request body fields each report endpoint accepts (Reports v3 spec, reference §8.2).
_GROUPING = _endpoints(_SUMMARY, _SUMMARY_EXPORTS, _WEEKLY_EXPORTS)
_SUB_GROUPING = _endpoints(_SUMMARY, _SUMMARY_EXPORTS)
_INCLUDE_IDS = _endpoints(_SUMMARY, _SUMMARY_EXPORTS)
_GROUPED = _endpoints(_DETAIL_SEARCH, _DETAIL_EXPORTS, _DETAIL_TOTALS)
_DATE_FORMAT = _endpoints(_PDFS)
_DURATION_FORMAT = _endpoints(_SUMMARY_EXPORTS, _DETAIL_EXPORTS, frozenset({"weekly_report_pdf"}))
_ORDER = _endpoints(_SUMMARY_EXPORTS, _DETAIL_SEARCH, _DETAIL_EXPORTS)
_RESOLUTION = _endpoints(frozenset({"summary_report_pdf"}), _DETAIL_TOTALS)
_ENRICH = _endpoints(_DETAIL_SEARCH, _DETAIL_EXPORTS)

_ROUNDING_MINUTES: Final = (0, 1, 5, 6, 10, 12, 15, 30, 60, 240)
_DATE_FORMATS: Final = ("MM/DD/YYYY", "DD-MM-YYYY", "MM-DD-YYYY", "YYYY-MM-DD", "DD/MM/YYYY", "DD.MM.YYYY")
_DURATION_FORMATS: Final = ("classic", "decimal", "improved")
_SUMMARY_ORDER: Final = ("title", "duration")
_DETAIL_ORDER: Final = ("date", "user", "duration", "description", "last_update")
_ORDER_DIRS: Final = ("ASC", "DESC")


def _validate_extension(extension: str, allowed: Iterable[str] = ALL_FORMATS) -> None:
    """Raise ``InvalidExtensionError`` unless ``extension`` is one of ``allowed``.

    Raises:
        InvalidExtensionError: naming the formats the endpoint offers.
    """
    options = tuple(allowed)
    if extension not in options:
        msg = f"export format {extension!r} is not offered here; use one of: {', '.join(options)}"
        raise InvalidExtensionError(msg)


def format_report_date(value: date | datetime | str, name: str) -> str:
    """A report date as ``YYYY-MM-DD`` (a datetime gives its UTC day; a naive one raises ``DateTimeError``)."""
    return parse_date(value, name).isoformat()


_DateLike = date | datetime | str


def _check_range(start: _DateLike | None, end: _DateLike | None) -> tuple[str | None, str | None]:
    first = format_report_date(start, "start_date") if start is not None else None
    last = format_report_date(end, "end_date") if end is not None else None
    if first is not None and last is not None and first > last:
        msg = f"{START_AFTER_END} (start_date {first} is after end_date {last})"
        raise DateTimeError(msg)
    return first, last


def _choice(name: str, value: Any, allowed: tuple[Any, ...], endpoint: str = "") -> None:
    if value not in allowed:
        where = f" for {endpoint}" if endpoint else ""
        msg = f"{name}={value!r} is not accepted{where}; use one of: {', '.join(map(str, allowed))}"
        raise ValueError(msg)


@dataclass
class ReportBody(BaseBody):
    """Filters and options of a report request (toggl-api-wrapper's fields, order and defaults).

    Fields without listed endpoints are sent to every report; the others only to the endpoints that accept them.
    ``billable`` is an addition (a paid-plan filter; the API answers 402 on free workspaces).
    """

    start_date: date | None = field(default=None)
    end_date: date | None = field(default=None)
    client_ids: list[int | None] = field(default_factory=list)
    description: str | None = field(default=None)
    group_ids: list[int] = field(default_factory=list)
    grouping: str | None = field(default=None, metadata=_GROUPING)
    grouped: bool = field(default=False, metadata=_GROUPED)
    include_time_entry_ids: bool = field(default=True, metadata=_INCLUDE_IDS)
    max_duration_seconds: int | None = field(default=None)
    min_duration_seconds: int | None = field(default=None)
    project_ids: list[int | None] = field(default_factory=list)
    rounding: int | None = field(default=None)
    rounding_minutes: Literal[0, 1, 5, 6, 10, 12, 15, 30, 60, 240] | None = field(default=None)
    sub_grouping: str | None = field(default=None, metadata=_SUB_GROUPING)
    tag_ids: list[int | None] = field(default_factory=list)
    time_entry_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    date_format: Literal["MM/DD/YYYY", "DD-MM-YYYY", "MM-DD-YYYY", "YYYY-MM-DD", "DD/MM/YYYY", "DD.MM.YYYY"] = field(
        default="YYYY-MM-DD", metadata=_DATE_FORMAT
    )
    duration_format: Literal["classic", "decimal", "improved"] = field(default="classic", metadata=_DURATION_FORMAT)
    order_by: Literal["title", "duration", "date", "user", "description", "last_update"] | None = field(
        default=None, metadata=_ORDER
    )
    order_dir: Literal["ASC", "DESC"] | None = field(default=None, metadata=_ORDER)
    resolution: str | None = field(default=None, metadata=_RESOLUTION)
    enrich_response: bool = field(default=False, metadata=_ENRICH)
    billable: bool | None = field(default=None)

    def format(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """The JSON body for ``endpoint`` (e.g. ``"detail_search_time"``), starting from ``body``.

        Raises:
            DateTimeError: ``start_date`` is after ``end_date``, or a datetime is naive.
            ValueError: an option has a value the endpoint does not accept.
        """
        body["client_ids"] = list(self.client_ids)
        body["project_ids"] = list(self.project_ids)
        body["tag_ids"] = list(self.tag_ids)
        body["time_entry_ids"] = list(self.time_entry_ids)
        body["user_ids"] = list(self.user_ids)
        start, end = _check_range(self.start_date, self.end_date)
        if start is not None:
            body["start_date"] = start
        if end is not None:
            body["end_date"] = end
        if self.description is not None:
            body["description"] = self.description
        if self.group_ids:
            body["group_ids"] = list(self.group_ids)
        if self.billable is not None:
            body["billable"] = self.billable
        for name in ("max_duration_seconds", "min_duration_seconds", "rounding"):
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool):
                body[name] = value
        if self.rounding_minutes is not None:
            _choice("rounding_minutes", self.rounding_minutes, _ROUNDING_MINUTES)
            body["rounding_minutes"] = self.rounding_minutes

        accepts = self._accepts(endpoint)
        if accepts("date_format"):
            _choice("date_format", self.date_format, _DATE_FORMATS)
            body["date_format"] = self.date_format
        if accepts("duration_format"):
            _choice("duration_format", self.duration_format, _DURATION_FORMATS)
            body["duration_format"] = self.duration_format
        if self.include_time_entry_ids and accepts("include_time_entry_ids"):
            body["include_time_entry_ids"] = True
        for name in ("grouping", "sub_grouping", "resolution"):
            value = getattr(self, name)
            if value is not None and accepts(name):
                body[name] = value
        for name in ("grouped", "enrich_response"):
            if getattr(self, name) and accepts(name):
                body[name] = True
        if self.order_by is not None and accepts("order_by"):
            allowed = _DETAIL_ORDER if endpoint.startswith("detail") else _SUMMARY_ORDER
            _choice("order_by", self.order_by, allowed, endpoint)
            body["order_by"] = self.order_by
        if self.order_dir is not None and accepts("order_dir"):
            _choice("order_dir", self.order_dir, _ORDER_DIRS)
            body["order_dir"] = self.order_dir
        return body

    def _accepts(self, endpoint: str) -> Any:
        def accepts(name: str) -> bool:
            # Fields with an endpoint list are only sent when the endpoint is named (never for endpoint "").
            return bool(endpoint) and self._verify_endpoint_parameter(name, endpoint)

        return accepts


# -- pagination -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaginationOptions:
    """Where a detailed report page starts: ``page_size`` rows from the ``next_id``/``next_row`` cursor."""

    page_size: int = 50
    next_id: int | None = None
    next_row: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.page_size, bool) or not isinstance(self.page_size, int) or self.page_size < 1:
            msg = f"page_size must be a positive int, got {self.page_size!r}"
            raise ValueError(msg)


def parse_cursor(value: Any) -> int | None:
    """A pagination cursor header value as an int (``None`` when absent or empty).

    Raises:
        ValueError: the value is not an int from 0 to 2**63 - 1 (the caller reports a bad answer).
    """
    if value is None or value == "":
        return None
    number = int(value)
    if not 0 <= number < 2**63:
        msg = f"cursor {value!r} is out of range"
        raise ValueError(msg)
    return number


@dataclass
class PaginatedResult(Generic[T]):
    """One page of a detailed report and the cursor of the next page (``None`` on the last page)."""

    result: T
    next_id: int | None = None
    next_row: int | None = None

    def __post_init__(self) -> None:
        # Header values arrive as strings.
        self.next_id = parse_cursor(self.next_id)
        self.next_row = parse_cursor(self.next_row)

    @property
    def has_next(self) -> bool:
        """Whether the API announced another page."""
        return self.next_id is not None or self.next_row is not None

    def next_options(self, page_size: int = 50) -> PaginationOptions:
        """Options that request the page after this one."""
        return PaginationOptions(page_size, self.next_id, self.next_row)


def _pagination_fields(pagination: PaginationOptions | None) -> dict[str, Any]:
    require_type(pagination, PaginationOptions, "pagination", optional=True)
    pagination = pagination or PaginationOptions()
    out: dict[str, Any] = {"page_size": pagination.page_size}
    # Either header may come alone (clients have seen X-Next-Row-Number without X-Next-ID): send what we have.
    if pagination.next_id is not None:
        out["first_id"] = pagination.next_id
    if pagination.next_row is not None:
        out["first_row_number"] = pagination.next_row
    return out


def next_pagination(
    current: PaginationOptions, page: PaginatedResult[Any], seen: set[tuple[int | None, int | None]]
) -> PaginationOptions | None:
    """The options of the page after ``page``, or ``None`` when there is none.

    Stops when the answer carries no cursor. A cursor already followed (``seen`` is updated) means a misbehaving
    server: ``PagingLimitError`` rather than a loop for ever or rows silently missing.

    Raises:
        PagingLimitError: the answer repeats a cursor already followed.
    """
    if not page.has_next:
        return None
    cursor = (page.next_id, page.next_row)
    if cursor in seen or cursor == (current.next_id, current.next_row):
        msg = (
            f"detailed report: the next-page cursor {cursor} was already followed; stopped instead of looping "
            "(the server's paging is inconsistent)"
        )
        raise PagingLimitError(msg, route="POST search/time_entries", pages=len(seen) + 1)
    seen.add(cursor)
    return page.next_options(current.page_size)


# -- request builders -----------------------------------------------------------------------------------------


def _workspace(workspace_id: int) -> str:
    return f"workspace/{workspace_id}"


def _post(path: str, body: Mapping[str, Any]) -> ApiRequest:
    # Reports are read with POST: repeating one cannot create anything, so it is retried like a GET.
    return ApiRequest(RequestMethod.POST, path, json=dict(body), api=Api.REPORTS, read_only=True)


def project_summary_request(
    workspace_id: int, project_id: int, start_date: date | datetime | str, end_date: date | datetime | str
) -> ApiRequest:
    """``POST workspace/{wid}/projects/{pid}/summary`` for the days from ``start_date`` to ``end_date``."""
    start, end = _check_range(start_date, end_date)
    return _post(f"{_workspace(workspace_id)}/projects/{project_id}/summary", {"start_date": start, "end_date": end})


def project_summaries_request(
    workspace_id: int, start_date: date | datetime | str, end_date: date | datetime | str
) -> ApiRequest:
    """``POST workspace/{wid}/projects/summary``: per user and project tracked seconds."""
    start, end = _check_range(start_date, end_date)
    return _post(f"{_workspace(workspace_id)}/projects/summary", {"start_date": start, "end_date": end})


def summary_request(workspace_id: int, body: ReportBody) -> ApiRequest:
    """``POST workspace/{wid}/summary/time_entries``."""
    require_type(body, ReportBody, "body")
    payload = body.format("summary_time_entries", workspace_id=workspace_id)
    return _post(f"{_workspace(workspace_id)}/summary/time_entries", payload)


def summary_export_request(
    workspace_id: int, body: ReportBody, extension: str, *, collapse: bool = False
) -> ApiRequest:
    """``POST workspace/{wid}/summary/time_entries.{ext}``.

    Raises:
        InvalidExtensionError: ``extension`` is not csv, pdf or xlsx.
    """
    require_type(body, ReportBody, "body")
    _validate_extension(extension, SUMMARY_FORMATS)
    payload = body.format(f"summary_report_{extension}", workspace_id=workspace_id, collapse=collapse)
    return _post(f"{_workspace(workspace_id)}/summary/time_entries.{extension}", payload)


def detailed_search_request(
    workspace_id: int, body: ReportBody, pagination: PaginationOptions | None = None, *, hide_amounts: bool = False
) -> ApiRequest:
    """``POST workspace/{wid}/search/time_entries`` for one page."""
    require_type(body, ReportBody, "body")
    require_type(pagination, PaginationOptions, "pagination", optional=True)
    payload = body.format("detail_search_time", workspace_id=workspace_id, hide_amounts=hide_amounts)
    payload.update(_pagination_fields(pagination))
    return _post(f"{_workspace(workspace_id)}/search/time_entries", payload)


def detailed_export_request(
    workspace_id: int,
    body: ReportBody,
    extension: str,
    pagination: PaginationOptions | None = None,
    *,
    hide_amounts: bool = False,
) -> ApiRequest:
    """``POST workspace/{wid}/search/time_entries.{ext}``.

    Raises:
        InvalidExtensionError: ``extension`` is not csv, pdf or xlsx.
    """
    require_type(body, ReportBody, "body")
    require_type(pagination, PaginationOptions, "pagination", optional=True)
    _validate_extension(extension, DETAILED_FORMATS)
    payload = body.format(f"detail_report_{extension}", workspace_id=workspace_id, hide_amounts=hide_amounts)
    payload.update(_pagination_fields(pagination))
    return _post(f"{_workspace(workspace_id)}/search/time_entries.{extension}", payload)


def detailed_totals_request(
    workspace_id: int,
    body: ReportBody,
    *,
    granularity: Literal["day", "week", "month"] = "day",
    with_graph: bool = False,
) -> ApiRequest:
    """``POST workspace/{wid}/search/time_entries/totals``."""
    require_type(body, ReportBody, "body")
    _choice("granularity", granularity, ("day", "week", "month"))
    payload = body.format("detail_totals", workspace_id=workspace_id, granularity=granularity, with_graph=with_graph)
    return _post(f"{_workspace(workspace_id)}/search/time_entries/totals", payload)


def weekly_request(workspace_id: int, body: ReportBody) -> ApiRequest:
    """``POST workspace/{wid}/weekly/time_entries``."""
    require_type(body, ReportBody, "body")
    payload = body.format("weekly_time_entries", workspace_id=workspace_id)
    return _post(f"{_workspace(workspace_id)}/weekly/time_entries", payload)


def weekly_export_request(workspace_id: int, body: ReportBody, extension: str) -> ApiRequest:
    """``POST workspace/{wid}/weekly/time_entries.{ext}``.

    Raises:
        InvalidExtensionError: ``extension`` is not csv or pdf (weekly reports have no xlsx export).
    """
    require_type(body, ReportBody, "body")
    _validate_extension(extension, WEEKLY_FORMATS)
    payload = body.format(f"weekly_report_{extension}", workspace_id=workspace_id)
    return _post(f"{_workspace(workspace_id)}/weekly/time_entries.{extension}", payload)


# -- caching of report answers --------------------------------------------------------------------------------


@define(frozen=True)
class CachedAnswer:
    """A stored report answer: the body bytes and the pagination cursor headers."""

    content: bytes
    next_id: int | None
    next_row: int | None
    stored_at: datetime


def _as_ttl(value: timedelta | float | int) -> timedelta:
    ttl = value if isinstance(value, timedelta) else timedelta(seconds=float(value))
    if ttl <= timedelta(0):
        msg = f"a report cache needs a positive time to live, got {value!r}"
        raise ValueError(msg)
    return ttl


@define
class ReportCache:
    """In-memory cache of report answers keyed by endpoint path and request body, kept for ``ttl``.

    Reports cost hourly quota; repeating one within ``ttl`` is answered from memory. Entries live in this
    process only; use one cache per account (answers are not keyed by credentials).

    Args:
        ttl: How long an answer stays fresh (``timedelta`` or seconds).
        max_entries: Oldest entries are dropped beyond this many.
    """

    ttl: timedelta = attrs_field(converter=_as_ttl)
    max_entries: int = 256
    hits: int = attrs_field(default=0, init=False)
    misses: int = attrs_field(default=0, init=False)
    _entries: dict[str, CachedAnswer] = attrs_field(factory=dict, init=False, repr=False)

    @staticmethod
    def key(base_url: str, request: ApiRequest) -> str:
        """The cache key of ``request`` sent under ``base_url``: URL plus the canonical JSON body."""
        return request.url(base_url) + "\n" + json.dumps(request.json, sort_keys=True, separators=(",", ":"))

    def get(self, key: str, now: datetime) -> CachedAnswer | None:
        """The fresh answer stored under ``key`` (counts a hit or a miss; drops a stale entry)."""
        answer = self._entries.get(key)
        if answer is not None and now - answer.stored_at < self.ttl:
            self.hits += 1
            return answer
        if answer is not None:
            del self._entries[key]
        self.misses += 1
        return None

    def put(self, key: str, answer: CachedAnswer) -> None:
        """Store ``answer`` under ``key``."""
        self._entries.pop(key, None)
        self._entries[key] = answer
        while len(self._entries) > max(1, self.max_entries):
            del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        """Forget every answer."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
