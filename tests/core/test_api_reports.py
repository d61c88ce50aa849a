"""Reports v3 wire contract: bodies per endpoint, dates, formats, pagination decisions, the report cache."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api._core.api import reports as api
from toggl_api._core.api.reports import PaginatedResult, PaginationOptions, ReportBody, ReportCache
from toggl_api._core.errors import DateTimeError, InvalidExtensionError, PagingLimitError

T0 = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def test_detailed_search_body_matches_toggl_api_wrappers_captured_request() -> None:
    body = ReportBody(
        date(2024, 1, 1), date(2024, 1, 31), description="x", grouped=True, min_duration_seconds=0,
        project_ids=[1], rounding=0, order_by="date", enrich_response=True,
    )  # fmt: skip
    request = api.detailed_search_request(1, body, PaginationOptions(10, 5, 7), hide_amounts=True)
    assert request.json == {
        "workspace_id": 1, "hide_amounts": True, "client_ids": [], "project_ids": [1], "tag_ids": [],
        "time_entry_ids": [], "user_ids": [], "start_date": "2024-01-01", "end_date": "2024-01-31",
        "description": "x", "grouped": True, "min_duration_seconds": 0, "rounding": 0, "order_by": "date",
        "enrich_response": True, "page_size": 10, "first_id": 5, "first_row_number": 7,
    }  # fmt: skip


def test_request_paths_are_relative_to_the_reports_base() -> None:
    body = ReportBody(date(2026, 1, 1))
    paths = [
        api.summary_request(9, body).path,
        api.summary_export_request(9, body, "xlsx").path,
        api.detailed_search_request(9, body).path,
        api.detailed_export_request(9, body, "csv").path,
        api.detailed_totals_request(9, body).path,
        api.weekly_request(9, body).path,
        api.weekly_export_request(9, body, "pdf").path,
        api.project_summaries_request(9, "2026-01-01", "2026-01-02").path,
        api.project_summary_request(9, 5, "2026-01-01", "2026-01-02").path,
    ]
    assert paths == [
        "workspace/9/summary/time_entries", "workspace/9/summary/time_entries.xlsx",
        "workspace/9/search/time_entries", "workspace/9/search/time_entries.csv",
        "workspace/9/search/time_entries/totals", "workspace/9/weekly/time_entries",
        "workspace/9/weekly/time_entries.pdf", "workspace/9/projects/summary", "workspace/9/projects/5/summary",
    ]  # fmt: skip


@pytest.mark.parametrize("extension", ["csv", "pdf", "xlsx"])
def test_duration_format_reaches_detailed_exports(extension: str) -> None:
    body = ReportBody(duration_format="decimal")
    assert api.detailed_export_request(1, body, extension).json["duration_format"] == "decimal"


@pytest.mark.parametrize("extension", ["csv", "pdf", "xlsx"])
def test_enrich_response_reaches_detailed_exports(extension: str) -> None:
    assert api.detailed_export_request(1, ReportBody(enrich_response=True), extension).json["enrich_response"] is True


def test_date_format_is_sent_only_to_pdf_exports() -> None:
    body = ReportBody(date_format="DD.MM.YYYY")
    assert api.summary_export_request(1, body, "pdf").json["date_format"] == "DD.MM.YYYY"
    assert "date_format" not in api.summary_export_request(1, body, "csv").json
    assert "date_format" not in api.detailed_search_request(1, body).json


def test_grouping_fields_are_sent_to_summary_but_not_detailed() -> None:
    body = ReportBody(grouping="clients", sub_grouping="projects")
    summary = api.summary_request(1, body).json
    detailed = api.detailed_search_request(1, body).json
    assert (summary["grouping"], summary["sub_grouping"], summary["include_time_entry_ids"]) == (
        "clients", "projects", True
    )  # fmt: skip
    assert not {"grouping", "sub_grouping", "include_time_entry_ids"} & detailed.keys()


def test_summary_export_sends_collapse() -> None:
    assert api.summary_export_request(1, ReportBody(), "csv", collapse=True).json["collapse"] is True


def test_totals_send_granularity_and_graph_flag() -> None:
    payload = api.detailed_totals_request(1, ReportBody(), granularity="week", with_graph=True).json
    assert (payload["granularity"], payload["with_graph"]) == ("week", True)


def test_datetimes_are_sent_as_their_utc_day() -> None:
    start = datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert api.summary_request(1, ReportBody(start)).json["start_date"] == "2026-03-02"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        api.summary_request(1, ReportBody(datetime(2026, 3, 1)))  # type: ignore[arg-type]


def test_start_after_end_raises_date_time_error() -> None:
    with pytest.raises(DateTimeError, match="Start date needs to be on or before the end date"):
        api.summary_request(1, ReportBody(date(2026, 3, 2), date(2026, 3, 1)))


def test_project_summary_start_after_end_raises_date_time_error() -> None:
    with pytest.raises(DateTimeError):
        api.project_summary_request(1, 2, "2026-03-02", date(2026, 3, 1))


def test_unsupported_export_names_the_formats_offered() -> None:
    with pytest.raises(InvalidExtensionError, match=r"csv, pdf$"):
        api.weekly_export_request(1, ReportBody(), "xlsx")


def test_validate_extension_accepts_the_upstream_formats() -> None:
    api._validate_extension("pdf")
    api._validate_extension("csv")
    with pytest.raises(InvalidExtensionError):
        api._validate_extension("docx")


def test_detailed_order_by_outside_the_detailed_choices_is_refused() -> None:
    with pytest.raises(ValueError, match=r"order_by='title'.*date, user, duration"):
        api.detailed_search_request(1, ReportBody(order_by="title"))


def test_rounding_minutes_outside_the_allowed_steps_is_refused() -> None:
    with pytest.raises(ValueError, match="rounding_minutes"):
        api.summary_request(1, ReportBody(rounding_minutes=7))  # type: ignore[arg-type]


def test_pagination_options_reject_a_non_positive_page_size() -> None:
    with pytest.raises(ValueError, match="page_size"):
        PaginationOptions(0)


def test_row_number_alone_is_sent_as_a_cursor() -> None:
    payload = api.detailed_search_request(1, ReportBody(), PaginationOptions(20, None, 41)).json
    assert (payload["page_size"], payload["first_row_number"], "first_id" in payload) == (20, 41, False)


def test_paginated_result_converts_header_strings() -> None:
    page = PaginatedResult([], "12", "51")  # type: ignore[arg-type]
    assert (page.next_id, page.next_row, page.next_options(25)) == (12, 51, PaginationOptions(25, 12, 51))


def test_next_pagination_follows_the_cursor_with_the_same_page_size() -> None:
    seen: set[tuple[int | None, int | None]] = set()
    nxt = api.next_pagination(PaginationOptions(30), PaginatedResult([], 7, 31), seen)
    assert nxt == PaginationOptions(30, 7, 31)


def test_next_pagination_stops_without_cursor() -> None:
    assert api.next_pagination(PaginationOptions(30), PaginatedResult([]), set()) is None


def test_next_pagination_raises_on_a_repeated_cursor_instead_of_dropping_rows() -> None:
    seen: set[tuple[int | None, int | None]] = set()
    api.next_pagination(PaginationOptions(30), PaginatedResult([], 7, 31), seen)
    with pytest.raises(PagingLimitError, match="already followed"):
        api.next_pagination(PaginationOptions(30, 9, 61), PaginatedResult([], 7, 31), seen)


def test_report_body_is_a_mapping_of_generic_fields() -> None:
    body = ReportBody(description="x")
    assert dict(body)["description"] == "x"
    assert "grouping" not in dict(body)


def _answer(at: datetime) -> api.CachedAnswer:
    return api.CachedAnswer(b"[]", None, None, at)


def test_report_cache_answers_within_ttl() -> None:
    cache = ReportCache(60)
    cache.put("k", _answer(T0))
    assert cache.get("k", T0 + timedelta(seconds=59)) is not None


def test_report_cache_forgets_after_ttl() -> None:
    cache = ReportCache(timedelta(minutes=1))
    cache.put("k", _answer(T0))
    assert cache.get("k", T0 + timedelta(seconds=60)) is None
    assert len(cache) == 0


def test_report_cache_key_depends_on_the_body() -> None:
    first = api.summary_request(1, ReportBody(date(2026, 1, 1)))
    second = api.summary_request(1, ReportBody(date(2026, 1, 2)))
    assert ReportCache.key("https://x/", first) != ReportCache.key("https://x/", second)


def test_report_cache_drops_the_oldest_beyond_max_entries() -> None:
    cache = ReportCache(60, max_entries=2)
    for key in "abc":
        cache.put(key, _answer(T0))
    assert (cache.get("a", T0), cache.get("c", T0) is not None) == (None, True)


def test_report_cache_needs_a_positive_ttl() -> None:
    with pytest.raises(ValueError, match="positive time to live"):
        ReportCache(0)
