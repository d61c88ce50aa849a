"""Reports API v3 endpoints: summary, detailed and weekly reports, their exports and automatic pagination.

Request bodies, export formats and the pagination decision live in ``toggl_api._core.api.reports``; this module
only sends, optionally answers repeats from a ``ReportCache``, and writes exports to disk when asked.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx
from attrs import evolve

from ..._core.answers import unexpected
from ..._core.api.reports import (
    ALL_FORMATS,
    DETAILED_FORMATS,
    SUMMARY_FORMATS,
    WEEKLY_FORMATS,
    CachedAnswer,
    PaginatedResult,
    PaginationOptions,
    ReportBody,
    ReportCache,
    detailed_export_request,
    detailed_search_request,
    detailed_totals_request,
    next_pagination,
    parse_cursor,
    project_summaries_request,
    project_summary_request,
    summary_export_request,
    summary_request,
    weekly_export_request,
    weekly_request,
)
from ..._core.api.request import Api, ApiRequest, Shape
from ..._core.models import TogglProject, TogglWorkspace
from ..._core.paging import PageGuard
from ..endpoint import TogglAsyncEndpoint

__all__ = [
    "AsyncDetailedReportEndpoint",
    "AsyncReportEndpoint",
    "AsyncSummaryReportEndpoint",
    "AsyncWeeklyReportEndpoint",
]

Row = dict[str, Any]
PathLike = str | os.PathLike[str]


def _decode(answer: CachedAnswer) -> Any:
    # A fresh decode per call: callers may mutate what they get without touching the cached bytes.
    if not answer.content:
        return None
    return json.loads(answer.content)


def _write_export(path: PathLike | None, content: bytes) -> None:
    if path is not None:
        Path(path).write_bytes(content)


class AsyncReportEndpoint(TogglAsyncEndpoint[Any], ABC):
    """Base of the report endpoints of one workspace."""

    BASE_ENDPOINT: ClassVar[str] = "https://api.track.toggl.com/reports/api/v3/"
    API: ClassVar[Api] = Api.REPORTS
    EXPORT_FORMATS: ClassVar[tuple[str, ...]] = ALL_FORMATS

    def __init__(
        self,
        workspace_id: TogglWorkspace | int,
        auth: httpx.BasicAuth | None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int = 3,
        report_cache: ReportCache | None = None,
        report_cache_ttl: timedelta | float | None = None,
        **kwargs: Any,
    ) -> None:
        """Set up the report endpoint for one workspace (nothing is sent until the first call).

        Args:
            workspace_id: The workspace (or its id) the reports cover.
            auth: ``httpx.BasicAuth`` with a token (``token, "api_token"``) or email and password.
            client: An ``httpx.AsyncClient`` to send with; used as given, never modified.
            timeout: Seconds per request.
            re_raise: Raise every HTTP error and disable retries.
            retries: Retries on server and network errors.
            report_cache: A ``ReportCache`` answering repeated reports without a request (may be shared by the
                endpoints of one account).
            report_cache_ttl: Shortcut: create a private ``ReportCache`` with this time to live (seconds or
                ``timedelta``). Caching is off when neither is given.
            **kwargs: ``base_url``, ``clock``, ``policy`` as for every endpoint.
        """
        super().__init__(auth, client=client, timeout=timeout, re_raise=re_raise, retries=retries, **kwargs)
        if isinstance(workspace_id, TogglWorkspace):
            workspace_id = workspace_id.id
        if isinstance(workspace_id, bool) or not isinstance(workspace_id, int):
            msg = f"workspace_id must be a TogglWorkspace or an int, not {type(workspace_id).__name__}"
            raise TypeError(msg)
        self.workspace_id: int = workspace_id
        if report_cache is None and report_cache_ttl is not None:
            report_cache = ReportCache(report_cache_ttl)
        if report_cache is not None and not isinstance(report_cache, ReportCache):
            msg = f"report_cache must be a ReportCache, not {type(report_cache).__name__}"
            raise TypeError(msg)
        self.report_cache: ReportCache | None = report_cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id}, base_url={self.base_url!r})"

    @property
    def endpoint(self) -> str:
        """Path of this endpoint below the reports base URL."""
        return f"workspace/{self.workspace_id}"

    async def _fetch(self, request: ApiRequest, expect: Shape = Shape.ANY) -> CachedAnswer:
        """Send ``request``, or answer it from the report cache while a stored answer is fresh.

        The answer is checked against ``expect`` before it is stored: a bad answer is never cached.
        """
        request = evolve(request, expect=expect)
        cache = self.report_cache
        key = ReportCache.key(self.base_url, request) if cache is not None else ""
        if cache is not None:
            hit = cache.get(key, self.clock.now())
            if hit is not None:
                return hit
        response = await self._send(request)
        try:
            next_id = parse_cursor(response.headers.get("X-Next-ID"))
            next_row = parse_cursor(response.headers.get("X-Next-Row-Number"))
        except ValueError:
            raise unexpected(response, "a next-page cursor header that is not a non-negative int") from None
        answer = CachedAnswer(response.content, next_id, next_row, self.clock.now())
        if cache is not None:
            cache.put(key, answer)
        return answer

    async def _json(self, request: ApiRequest, expect: Shape) -> Any:
        return _decode(await self._fetch(request, expect))

    @abstractmethod
    async def search_time_entries(self, body: ReportBody, *args: Any, **kwargs: Any) -> Any:
        """The report's data as JSON."""

    @abstractmethod
    async def export_report(self, body: ReportBody, *args: Any, **kwargs: Any) -> Any:
        """The report as a file (``csv``, ``pdf`` or ``xlsx`` bytes)."""


class AsyncSummaryReportEndpoint(AsyncReportEndpoint):
    """Summary reports: time grouped by projects, clients, users and more; project summaries."""

    EXPORT_FORMATS: ClassVar[tuple[str, ...]] = SUMMARY_FORMATS

    async def project_summary(
        self,
        project: TogglProject | int,
        start_date: date | datetime | str,
        end_date: date | datetime | str,
    ) -> dict[str, Any]:
        """Totals of one project between two days (inclusive).

        Raises:
            DateTimeError: ``start_date`` is after ``end_date`` (before any request).
        """
        project_id = project.id if isinstance(project, TogglProject) else project
        request = project_summary_request(self.workspace_id, project_id, start_date, end_date)
        data = await self._json(request, Shape.OBJECT)
        return data if isinstance(data, dict) else {}

    async def project_summaries(
        self, start_date: date | datetime | str, end_date: date | datetime | str
    ) -> list[dict[str, Any]]:
        """Tracked and billable seconds per user and project between two days.

        Raises:
            DateTimeError: ``start_date`` is after ``end_date`` (before any request).
        """
        data = await self._json(project_summaries_request(self.workspace_id, start_date, end_date), Shape.LIST)
        return data if isinstance(data, list) else []

    async def search_time_entries(self, body: ReportBody) -> dict[str, Any]:
        """The summary report: ``{"groups": [{"id", "sub_groups": [{"id", "title", "seconds"}]}]}``."""
        data = await self._json(summary_request(self.workspace_id, body), Shape.OBJECT)
        return data if isinstance(data, dict) else {"groups": []}

    async def export_report(
        self,
        body: ReportBody,
        extension: str,
        *,
        collapse: bool = False,
        path: PathLike | None = None,
    ) -> bytes:
        """The summary report as ``csv``, ``pdf`` or ``xlsx`` bytes, also written to ``path`` when given.

        Raises:
            InvalidExtensionError: another format was asked for (before any request).
        """
        answer = await self._fetch(summary_export_request(self.workspace_id, body, extension, collapse=collapse))
        _write_export(path, answer.content)
        return answer.content


class AsyncDetailedReportEndpoint(AsyncReportEndpoint):
    """Detailed reports: one row per time entry, in pages of ``page_size`` rows."""

    EXPORT_FORMATS: ClassVar[tuple[str, ...]] = DETAILED_FORMATS

    @property
    def endpoint(self) -> str:
        """Path of this endpoint below the reports base URL."""
        return f"workspace/{self.workspace_id}/search/time_entries"

    async def search_time_entries(
        self,
        body: ReportBody,
        pagination: PaginationOptions | None = None,
        *,
        hide_amounts: bool = False,
    ) -> PaginatedResult[list[Row]]:
        """One page of rows and the cursor of the next (see ``iter_pages`` / ``collect_all`` for every page)."""
        request = detailed_search_request(self.workspace_id, body, pagination, hide_amounts=hide_amounts)
        answer = await self._fetch(request, Shape.LIST)
        data = _decode(answer)
        return PaginatedResult(data if isinstance(data, list) else [], answer.next_id, answer.next_row)

    async def iter_pages(
        self,
        body: ReportBody,
        *,
        page_size: int = 50,
        max_pages: int | None = None,
        hide_amounts: bool = False,
        start: PaginationOptions | None = None,
    ) -> AsyncIterator[PaginatedResult[list[Row]]]:
        """Every page of the detailed report, following ``X-Next-ID`` / ``X-Next-Row-Number``.

        Args:
            body: The filters (the same for every page).
            page_size: Rows per page.
            max_pages: Stop after this many pages (``None``: all).
            hide_amounts: Leave money amounts out of the rows.
            start: Resume from a cursor (``PaginatedResult.next_options()``) instead of the first page.

        Raises:
            ValueError: ``max_pages`` is below 1.
            PagingLimitError: the server repeated a cursor, or more than ``MAX_PAGES`` pages came.
        """
        if max_pages is not None and max_pages < 1:
            msg = f"max_pages must be at least 1 (or None for every page), got {max_pages!r}"
            raise ValueError(msg)
        options: PaginationOptions | None = start or PaginationOptions(page_size)
        seen: set[tuple[int | None, int | None]] = set()
        pages = 0
        guard = PageGuard(f"POST {self.endpoint}")
        while options is not None:
            guard.admit((options.next_id, options.next_row))
            page = await self.search_time_entries(body, options, hide_amounts=hide_amounts)
            pages += 1
            yield page
            if max_pages is not None and pages >= max_pages:
                return
            options = next_pagination(options, page, seen)

    async def collect_all(
        self,
        body: ReportBody,
        *,
        page_size: int = 50,
        max_pages: int | None = None,
        hide_amounts: bool = False,
    ) -> list[Row]:
        """Every row of the detailed report, across all pages (or the first ``max_pages``)."""
        rows: list[Row] = []
        async for page in self.iter_pages(body, page_size=page_size, max_pages=max_pages, hide_amounts=hide_amounts):
            rows.extend(page.result)
        return rows

    async def export_report(
        self,
        body: ReportBody,
        extension: str,
        pagination: PaginationOptions | None = None,
        *,
        hide_amounts: bool = False,
        path: PathLike | None = None,
    ) -> PaginatedResult[bytes]:
        """The detailed report as ``csv``, ``pdf`` or ``xlsx`` bytes, also written to ``path`` when given.

        Raises:
            InvalidExtensionError: another format was asked for (before any request).
        """
        request = detailed_export_request(self.workspace_id, body, extension, pagination, hide_amounts=hide_amounts)
        answer = await self._fetch(request)
        _write_export(path, answer.content)
        return PaginatedResult(answer.content, answer.next_id, answer.next_row)

    async def totals_report(
        self,
        body: ReportBody,
        *,
        granularity: Literal["day", "week", "month"] = "day",
        with_graph: bool = False,
    ) -> dict[str, Any]:
        """Totals of the detailed report: ``seconds``, ``tracked_days``, amounts and an optional graph."""
        request = detailed_totals_request(self.workspace_id, body, granularity=granularity, with_graph=with_graph)
        data = await self._json(request, Shape.OBJECT)
        return data if isinstance(data, dict) else {}


class AsyncWeeklyReportEndpoint(AsyncReportEndpoint):
    """Weekly reports: per user and project, seconds for each of seven days."""

    EXPORT_FORMATS: ClassVar[tuple[str, ...]] = WEEKLY_FORMATS

    @property
    def endpoint(self) -> str:
        """Path of this endpoint below the reports base URL."""
        return f"workspace/{self.workspace_id}/weekly/time_entries"

    async def search_time_entries(self, body: ReportBody) -> list[Row]:
        """The weekly rows (``seconds`` holds seven daily totals)."""
        data = await self._json(weekly_request(self.workspace_id, body), Shape.LIST)
        return data if isinstance(data, list) else []

    async def export_report(
        self, body: ReportBody, extension: str, *, path: PathLike | None = None
    ) -> bytes:
        """The weekly report as ``csv`` or ``pdf`` bytes, also written to ``path`` when given.

        Raises:
            InvalidExtensionError: another format (weekly reports have no xlsx) was asked for, before any request.
        """
        answer = await self._fetch(weekly_export_request(self.workspace_id, body, extension))
        _write_export(path, answer.content)
        return answer.content
