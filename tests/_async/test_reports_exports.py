"""Report exports through the endpoints: bytes per format, written to a path, unsupported formats refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from toggl_api.asyncio import (
    AsyncDetailedReportEndpoint,
    AsyncSummaryReportEndpoint,
    AsyncWeeklyReportEndpoint,
)
from toggl_api.reports import InvalidExtensionError, PaginatedResult, ReportBody
from toggl_api.testing import Emulator, FakeClock

from ._report_sums import reportable


@pytest.fixture
def body(fake_clock: FakeClock) -> ReportBody:
    """The last week."""
    today = fake_clock.now().date()
    return ReportBody(start_date=today - timedelta(days=6), end_date=today)


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


async def test_detailed_csv_export_has_a_line_per_entry(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, body: ReportBody
) -> None:
    result = await detailed.export_report(body, "csv")
    assert isinstance(result, PaginatedResult)
    lines = list(csv.DictReader(io.StringIO(result.result.decode())))
    assert body.start_date is not None
    assert body.end_date is not None
    assert len(lines) == len(reportable(toggl_emulator, toggl_workspace_id, body.start_date, body.end_date))


async def test_detailed_export_sends_duration_format(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, body: ReportBody
) -> None:
    body.duration_format = "decimal"
    await detailed.export_report(body, "csv")
    assert toggl_emulator.requests[-1].json["duration_format"] == "decimal"


@pytest.mark.parametrize(("extension", "magic"), [("pdf", b"%PDF-"), ("xlsx", b"PK\x03\x04"), ("csv", b"Project,")])
async def test_summary_export_returns_the_file_bytes(
    summary: AsyncSummaryReportEndpoint, body: ReportBody, extension: str, magic: bytes
) -> None:
    content = await summary.export_report(body, extension)
    assert content.startswith(magic)


async def test_export_is_written_to_the_given_path(
    summary: AsyncSummaryReportEndpoint, body: ReportBody, tmp_path: Path
) -> None:
    target = tmp_path / "summary.pdf"
    content = await summary.export_report(body, "pdf", path=target)
    assert target.read_bytes() == content


async def test_detailed_export_is_written_to_the_given_path(
    detailed: AsyncDetailedReportEndpoint, body: ReportBody, tmp_path: Path
) -> None:
    target = tmp_path / "detailed.xlsx"
    result = await detailed.export_report(body, "xlsx", path=str(target))
    assert target.read_bytes() == result.result


async def test_weekly_pdf_export_opens_in_a_pdf_reader(weekly: AsyncWeeklyReportEndpoint, body: ReportBody) -> None:
    pypdf = pytest.importorskip("pypdf")
    content = await weekly.export_report(body, "pdf")
    assert "Weekly report" in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()


async def test_weekly_xlsx_is_refused_before_any_request(
    weekly: AsyncWeeklyReportEndpoint, toggl_emulator: Emulator, body: ReportBody
) -> None:
    before = len(toggl_emulator.requests)
    with pytest.raises(InvalidExtensionError, match="csv, pdf"):
        await weekly.export_report(body, "xlsx")
    assert len(toggl_emulator.requests) == before


async def test_unknown_format_is_refused_naming_the_allowed_ones(
    detailed: AsyncDetailedReportEndpoint, toggl_emulator: Emulator, body: ReportBody, tmp_path: Path
) -> None:
    target = tmp_path / "report.docx"
    with pytest.raises(InvalidExtensionError, match="csv, pdf, xlsx"):
        await detailed.export_report(body, "docx", path=target)
    assert not target.exists()
