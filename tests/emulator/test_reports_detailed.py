"""Reports v3 detailed search: row shape, times, ordering and cursor pagination (§8.3, §8.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from toggl_api.testing import BASE_URL, Emulator

from ._reports_helpers import reportable, user_zone

REPORTS = BASE_URL + "/reports/api/v3"


@pytest.fixture
def reports(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Reports v3 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=REPORTS, auth=toggl_auth) as c:
        yield c


@pytest.fixture
def span(toggl_emulator: Emulator) -> tuple[date, date]:
    """The last thirty days."""
    today = toggl_emulator.clock.now().date()
    return today - timedelta(days=30), today


def _search(reports: httpx.Client, wid: int, span: tuple[date, date], **extra: Any) -> httpx.Response:
    body = {"start_date": span[0].isoformat(), "end_date": span[1].isoformat(), **extra}
    return reports.post(f"/workspace/{wid}/search/time_entries", json=body)


def _all_rows(reports: httpx.Client, wid: int, span: tuple[date, date], **extra: Any) -> list[dict[str, Any]]:
    """Every row of the report, following the cursor in pages of the largest size accepted (50)."""
    rows: list[dict[str, Any]] = []
    cursor: dict[str, int] = {}
    while True:
        response = _search(reports, wid, span, page_size=50, **extra, **cursor)
        rows += response.json()
        if "X-Next-Row-Number" not in response.headers:
            return rows
        cursor = {"first_row_number": int(response.headers["X-Next-Row-Number"])}


def test_first_page_has_fifty_rows_by_default(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    rows = _search(reports, toggl_workspace_id, span).json()
    assert [r["row_number"] for r in rows] == list(range(1, 51))


def test_next_page_headers_point_at_the_first_row_of_the_next_page(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    first = _search(reports, toggl_workspace_id, span, page_size=10)
    whole = _search(reports, toggl_workspace_id, span, page_size=11).json()
    assert first.headers["X-Next-Row-Number"] == "11"
    assert first.headers["X-Next-ID"] == str(whole[10]["time_entries"][0]["id"])


def test_following_the_cursor_visits_every_entry_exactly_once(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    seen: list[int] = []
    cursor: dict[str, int] = {}
    while True:
        response = _search(reports, toggl_workspace_id, span, page_size=37, **cursor)
        seen += [te["id"] for row in response.json() for te in row["time_entries"]]
        if "X-Next-ID" not in response.headers:
            break
        cursor = {
            "first_id": int(response.headers["X-Next-ID"]),
            "first_row_number": int(response.headers["X-Next-Row-Number"]),
        }
    expected = {te.id for te in reportable(toggl_emulator, toggl_workspace_id, *span)}
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected


def test_last_page_carries_no_cursor(reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]) -> None:
    response = _search(reports, toggl_workspace_id, span, page_size=50)
    while "X-Next-Row-Number" in response.headers:
        next_row = int(response.headers["X-Next-Row-Number"])
        response = _search(reports, toggl_workspace_id, span, page_size=50, first_row_number=next_row)
    assert response.json()
    assert "X-Next-ID" not in response.headers


def test_row_times_are_in_the_users_offset_and_at_is_utc(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    row = _search(reports, toggl_workspace_id, span, page_size=1).json()[0]
    item = row["time_entries"][0]
    stored = toggl_emulator.state.time_entries[item["id"]]
    start = datetime.fromisoformat(item["start"])
    expected_offset = stored.start.astimezone(user_zone(toggl_emulator)).utcoffset()
    assert (start.utcoffset(), start) == (expected_offset, stored.start)
    assert datetime.fromisoformat(item["at"]).utcoffset() == timedelta(0)
    assert datetime.fromisoformat(item["at_tz"]) == stored.at.replace(microsecond=0)


def test_row_carries_the_entrys_fields(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    row = _search(reports, toggl_workspace_id, span, page_size=1).json()[0]
    stored = toggl_emulator.state.time_entries[row["time_entries"][0]["id"]]
    got = (row["user_id"], row["project_id"], row["description"], row["tag_ids"], row["time_entries"][0]["seconds"])
    assert got == (stored.user_id, stored.project_id, stored.description or "", stored.tag_ids, stored.duration)


def test_enrich_response_adds_project_and_tag_names(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    rows = _all_rows(reports, toggl_workspace_id, span, enrich_response=True)
    row = next(r for r in rows if r["project_id"] is not None and r["tag_ids"])
    state = toggl_emulator.state
    assert row["project_name"] == state.projects[row["project_id"]].name
    assert row["tag_names"] == [state.tags[t].name for t in row["tag_ids"]]


def test_grouped_rows_merge_entries_with_equal_attributes(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    plain = _all_rows(reports, toggl_workspace_id, span)
    grouped = _all_rows(reports, toggl_workspace_id, span, grouped=True)
    assert len(grouped) < len(plain)
    assert sum(len(r["time_entries"]) for r in grouped) == len(plain)


def test_order_by_duration_descending_sorts_longest_first(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    rows = _all_rows(reports, toggl_workspace_id, span, order_by="duration", order_dir="DESC")
    seconds = [r["time_entries"][0]["seconds"] for r in rows]
    assert seconds == sorted(seconds, reverse=True)


def test_description_filter_is_a_case_insensitive_substring(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    rows = _all_rows(reports, toggl_workspace_id, span, description="REVIEW")
    assert rows
    assert all("review" in r["description"].lower() for r in rows)


def test_running_and_deleted_entries_are_left_out(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    rows = _all_rows(reports, toggl_workspace_id, span)
    ids = {te["id"] for r in rows for te in r["time_entries"]}
    excluded = {te.id for te in toggl_emulator.state.time_entries.values() if te.stop is None or te.deleted}
    assert excluded
    assert not ids & excluded


def test_end_date_is_inclusive(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    day = max(
        te.start.astimezone(user_zone(toggl_emulator)).date()
        for te in reportable(toggl_emulator, toggl_workspace_id, date(2006, 1, 1), date(2030, 1, 1))
    )
    rows = _all_rows(reports, toggl_workspace_id, (day, day))
    assert len(rows) == len(reportable(toggl_emulator, toggl_workspace_id, day, day)) > 0

