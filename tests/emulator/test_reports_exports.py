"""Reports v3 exports: real CSV, a PDF a reader opens, an XLSX a spreadsheet library opens (§8.2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from toggl_api.testing import BASE_URL, Emulator

from ._reports_helpers import reportable

REPORTS = BASE_URL + "/reports/api/v3"


@pytest.fixture
def reports(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Reports v3 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=REPORTS, auth=toggl_auth) as c:
        yield c


@pytest.fixture
def span(toggl_emulator: Emulator) -> tuple[date, date]:
    """The last two weeks."""
    today = toggl_emulator.clock.now().date()
    return today - timedelta(days=13), today


def _export(reports: httpx.Client, wid: int, path: str, span: tuple[date, date], **extra: object) -> httpx.Response:
    body = {"start_date": span[0].isoformat(), "end_date": span[1].isoformat(), **extra}
    return reports.post(f"/workspace/{wid}/{path}", json=body)


def test_detailed_csv_has_one_line_per_entry(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = _export(reports, toggl_workspace_id, "search/time_entries.csv", span)
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["content-type"].startswith("text/csv")
    assert len(lines) == len(reportable(toggl_emulator, toggl_workspace_id, *span))


def test_detailed_csv_durations_follow_duration_format(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = _export(reports, toggl_workspace_id, "search/time_entries.csv", span, duration_format="decimal")
    hours = sum(float(line["Duration"]) for line in csv.DictReader(io.StringIO(response.text)))
    expected = sum(te.duration for te in reportable(toggl_emulator, toggl_workspace_id, *span)) / 3600
    assert hours == pytest.approx(expected, abs=0.01 * len(response.text.splitlines()))


def test_summary_csv_lists_each_project(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = _export(reports, toggl_workspace_id, "summary/time_entries.csv", span)
    names = {line["Project"] for line in csv.DictReader(io.StringIO(response.text))}
    state = toggl_emulator.state
    expected = {state.projects[te.project_id].name for te in reportable(toggl_emulator, toggl_workspace_id, *span)
                if te.project_id is not None}  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("path", ["summary/time_entries.pdf", "search/time_entries.pdf", "weekly/time_entries.pdf"])
def test_pdf_export_opens_in_a_pdf_reader(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date], path: str
) -> None:
    pypdf = pytest.importorskip("pypdf")
    response = _export(reports, toggl_workspace_id, path, span)
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content), strict=True)
    assert "report" in reader.pages[0].extract_text()


def test_long_pdf_export_spans_several_pages(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    pypdf = pytest.importorskip("pypdf")
    response = _export(reports, toggl_workspace_id, "search/time_entries.pdf", span)
    reader = pypdf.PdfReader(io.BytesIO(response.content), strict=True)
    assert len(reader.pages) > 1


@pytest.mark.parametrize("path", ["summary/time_entries.xlsx", "search/time_entries.xlsx"])
def test_xlsx_export_opens_as_a_workbook(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date], path: str
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    response = _export(reports, toggl_workspace_id, path, span)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row > 1
    assert sheet.cell(1, 1).value in {"Project", "User"}


def test_detailed_xlsx_has_the_same_rows_as_the_csv(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = _export(reports, toggl_workspace_id, "search/time_entries.xlsx", span).content
    text = _export(reports, toggl_workspace_id, "search/time_entries.csv", span).text
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    from_sheet = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert from_sheet == list(csv.reader(io.StringIO(text)))


def test_pdf_export_uses_the_requested_date_format(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    pypdf = pytest.importorskip("pypdf")
    response = _export(reports, toggl_workspace_id, "weekly/time_entries.pdf", span, date_format="DD.MM.YYYY")
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert span[0].strftime("%d.%m.%Y") in text
