"""Report endpoints against the emulator: summary, detailed (with automatic pagination), totals, weekly."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import httpx
import pytest

from toggl_api import DateTimeError, TogglWorkspace
from toggl_api._core.errors import ForbiddenError, PagingLimitError, PaymentRequiredError
from toggl_api.asyncio import (
    AsyncDetailedReportEndpoint,
    AsyncSummaryReportEndpoint,
    AsyncWeeklyReportEndpoint,
)
from toggl_api.reports import PaginatedResult, PaginationOptions, ReportBody
from toggl_api.testing import DemoAccount, Emulator, FakeClock

from ._report_sums import reportable


@pytest.fixture
def history(fake_clock: FakeClock) -> ReportBody:
    """Filters covering the demo account's whole history (months of entries)."""
    today = fake_clock.now().date()
    return ReportBody(start_date=today - timedelta(days=200), end_date=today)


@pytest.fixture
def two_weeks(fake_clock: FakeClock) -> ReportBody:
    """Filters covering the last fourteen days."""
    today = fake_clock.now().date()
    return ReportBody(start_date=today - timedelta(days=13), end_date=today)


@pytest.fixture
def summary(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock
) -> AsyncSummaryReportEndpoint:
    return AsyncSummaryReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


@pytest.fixture
def detailed(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock
) -> AsyncDetailedReportEndpoint:
    return AsyncDetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


@pytest.fixture
def weekly(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock
) -> AsyncWeeklyReportEndpoint:
    return AsyncWeeklyReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


def _span(body: ReportBody) -> tuple[date, date]:
    assert body.start_date is not None
    assert body.end_date is not None
    return body.start_date, body.end_date


def _row_ids(rows: list[dict]) -> list[int]:  # type: ignore[type-arg]
    return [te["id"] for row in rows for te in row["time_entries"]]


async def test_detailed_report_over_months_is_complete_and_sums_to_the_summary_total(
    detailed: AsyncDetailedReportEndpoint,
    summary: AsyncSummaryReportEndpoint,
    toggl_emulator: Emulator,
    toggl_workspace_id: int,
    history: ReportBody,
) -> None:
    rows: list[dict] = []  # type: ignore[type-arg]
    async for page in detailed.iter_pages(history):
        rows.extend(page.result)
    report = await summary.search_time_entries(history)
    summary_total = sum(sub["seconds"] for group in report["groups"] for sub in group["sub_groups"])
    expected = reportable(toggl_emulator, toggl_workspace_id, *_span(history))
    assert len(expected) > 1000  # months of entries, many pages
    assert sorted(_row_ids(rows)) == sorted(te.id for te in expected)
    assert sum(te["seconds"] for row in rows for te in row["time_entries"]) == summary_total


async def test_summary_per_project_matches_sums_of_the_seeded_entries(
    summary: AsyncSummaryReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, history: ReportBody
) -> None:
    report = await summary.search_time_entries(history)
    expected: Counter[int | None] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *_span(history)):
        expected[te.project_id] += te.duration
    assert {g["id"]: sum(s["seconds"] for s in g["sub_groups"]) for g in report["groups"]} == dict(expected)


async def test_summary_respects_grouping_and_project_filter(
    summary: AsyncSummaryReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, history: ReportBody
) -> None:
    entries = reportable(toggl_emulator, toggl_workspace_id, *_span(history))
    project_id = next(te.project_id for te in entries if te.project_id is not None)
    history.project_ids = [project_id]
    history.grouping, history.sub_grouping = "users", "projects"
    report = await summary.search_time_entries(history)
    assert [(g["id"], [(s["id"], s["seconds"]) for s in g["sub_groups"]]) for g in report["groups"]] == [
        (entries[0].user_id, [(project_id, sum(te.duration for te in entries if te.project_id == project_id))])
    ]


async def test_totals_report_matches_the_seeded_sum(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, history: ReportBody
) -> None:
    totals = await detailed.totals_report(history)
    expected = reportable(toggl_emulator, toggl_workspace_id, *_span(history))
    assert totals["seconds"] == sum(te.duration for te in expected)


async def test_iter_pages_crosses_page_boundaries_without_losing_or_repeating_rows(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, two_weeks: ReportBody
) -> None:
    sizes: list[int] = []
    ids: list[int] = []
    async for page in detailed.iter_pages(two_weeks, page_size=7):
        sizes.append(len(page.result))
        ids += _row_ids(page.result)
    expected = {te.id for te in reportable(toggl_emulator, toggl_workspace_id, *_span(two_weeks))}
    assert len(sizes) > 3
    assert all(size == 7 for size in sizes[:-1])
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected


async def test_collect_all_returns_every_row_once(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, two_weeks: ReportBody
) -> None:
    rows = await detailed.collect_all(two_weeks, page_size=13)
    expected = {te.id for te in reportable(toggl_emulator, toggl_workspace_id, *_span(two_weeks))}
    assert sorted(_row_ids(rows)) == sorted(expected)


async def test_max_pages_caps_the_requests(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, two_weeks: ReportBody
) -> None:
    before = toggl_emulator.request_count("POST", "search/time_entries")
    rows = await detailed.collect_all(two_weeks, page_size=5, max_pages=3)
    assert len(rows) == 15
    assert toggl_emulator.request_count("POST", "search/time_entries") - before == 3


async def test_max_pages_below_one_is_refused(detailed: AsyncDetailedReportEndpoint, two_weeks: ReportBody) -> None:
    with pytest.raises(ValueError, match="max_pages"):
        await detailed.collect_all(two_weeks, max_pages=0)


async def test_pagination_options_path_returns_the_next_page(
    detailed: AsyncDetailedReportEndpoint, two_weeks: ReportBody
) -> None:
    first = await detailed.search_time_entries(two_weeks, PaginationOptions(10))
    second = await detailed.search_time_entries(two_weeks, first.next_options(10))
    both = await detailed.search_time_entries(two_weeks, PaginationOptions(20))
    assert _row_ids(first.result) + _row_ids(second.result) == _row_ids(both.result)
    assert second.result[0]["row_number"] == 11


async def test_iter_pages_resumes_from_a_cursor(detailed: AsyncDetailedReportEndpoint, two_weeks: ReportBody) -> None:
    first = await detailed.search_time_entries(two_weeks, PaginationOptions(10))
    rest = [page async for page in detailed.iter_pages(two_weeks, start=first.next_options(10))]
    everything = await detailed.collect_all(two_weeks, page_size=10)
    assert _row_ids(first.result) + [i for page in rest for i in _row_ids(page.result)] == _row_ids(everything)


async def test_iteration_raises_a_paging_error_when_the_server_repeats_a_cursor(
    toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, two_weeks: ReportBody
) -> None:
    calls: list[httpx.Request] = []

    def stuck(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        row = {"row_number": 1, "time_entries": [{"id": 1, "seconds": 60}]}
        return httpx.Response(200, json=[row], headers={"X-Next-ID": "5", "X-Next-Row-Number": "2"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(stuck)) as client:
        endpoint = AsyncDetailedReportEndpoint(1, toggl_auth, client=client, clock=fake_clock)
        pages = []

        async def read_all() -> None:
            async for page in endpoint.iter_pages(two_weeks):
                pages.append(page)

        with pytest.raises(PagingLimitError, match="already followed"):
            await read_all()
    assert len(pages) == len(calls) == 2


async def test_last_page_has_no_next_cursor(detailed: AsyncDetailedReportEndpoint, two_weeks: ReportBody) -> None:
    page = await detailed.search_time_entries(two_weeks, PaginationOptions(50))
    assert isinstance(page, PaginatedResult)
    while page.has_next:  # 50 rows a page at most (the emulator's limit, as far as Toggl is known to accept)
        page = await detailed.search_time_entries(two_weeks, page.next_options(50))
        assert isinstance(page, PaginatedResult)
    assert page.result
    assert (page.next_id, page.next_row, page.has_next) == (None, None, False)


async def test_weekly_rows_have_seven_days_summing_to_the_week(
    weekly: AsyncWeeklyReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    first = fake_clock.now().date() - timedelta(days=8)
    rows = await weekly.search_time_entries(ReportBody(start_date=first))
    expected = reportable(toggl_emulator, toggl_workspace_id, first, first + timedelta(days=6))
    assert all(len(row["seconds"]) == 7 for row in rows)
    assert sum(sum(row["seconds"]) for row in rows) == sum(te.duration for te in expected)


async def test_project_summaries_sum_tracked_seconds_per_project(
    summary: AsyncSummaryReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, history: ReportBody
) -> None:
    start, end = _span(history)
    answer = await summary.project_summaries(start, end)
    expected: Counter[int] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, start, end):
        if te.project_id is not None:
            expected[te.project_id] += te.duration
    assert {r["project_id"]: r["tracked_seconds"] for r in answer} == dict(expected)


async def test_project_summary_accepts_date_strings(
    summary: AsyncSummaryReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, history: ReportBody
) -> None:
    start, end = _span(history)
    entries = [te for te in reportable(toggl_emulator, toggl_workspace_id, start, end) if te.project_id is not None]
    project_id = entries[0].project_id
    assert project_id is not None
    answer = await summary.project_summary(project_id, start.isoformat(), end.isoformat())
    assert answer["seconds"] == sum(te.duration for te in entries if te.project_id == project_id)


async def test_start_after_end_raises_before_any_request(
    summary: AsyncSummaryReportEndpoint, toggl_emulator: Emulator
) -> None:
    before = len(toggl_emulator.requests)
    with pytest.raises(DateTimeError, match="Start date needs to be on or before the end date"):
        await summary.search_time_entries(ReportBody(date(2026, 5, 2), date(2026, 5, 1)))
    assert len(toggl_emulator.requests) == before


async def test_billable_filter_on_a_free_workspace_raises_payment_required(
    detailed: AsyncDetailedReportEndpoint, two_weeks: ReportBody
) -> None:
    two_weeks.billable = True
    with pytest.raises(PaymentRequiredError, match="Workspace needs to have this feature enabled"):
        await detailed.search_time_entries(two_weeks)


async def test_another_users_workspace_raises_forbidden(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_account: DemoAccount, two_weeks: ReportBody
) -> None:
    assert toggl_account.other_workspace_id is not None
    endpoint = AsyncSummaryReportEndpoint(toggl_account.other_workspace_id, toggl_auth, client=http_client)
    with pytest.raises(ForbiddenError, match="Workspace not found/accessible"):
        await endpoint.search_time_entries(two_weeks)


async def test_endpoint_takes_a_workspace_model(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    workspace = TogglWorkspace(toggl_workspace_id, "Demo Workspace")
    endpoint = AsyncDetailedReportEndpoint(workspace, toggl_auth, client=http_client)
    assert endpoint.endpoint == f"workspace/{toggl_workspace_id}/search/time_entries"


async def test_reports_go_to_the_reports_base_url(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, two_weeks: ReportBody
) -> None:
    await detailed.search_time_entries(two_weeks)
    assert toggl_emulator.requests[-1].path.startswith("/reports/api/v3/workspace/")
