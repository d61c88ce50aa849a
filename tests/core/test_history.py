"""The backfill's pure decisions: windows, the request, the row mapping, the cursor, the replacement rule."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api import TogglTracker
from toggl_api._core.coverage import Coverage
from toggl_api._core.history import (
    DETAILED_PAGE_SIZE,
    REPORTS_MAX_DAYS,
    WINDOW_DAYS,
    BackfillCursor,
    HistoryWindow,
    entries_from_rows,
    in_replaced_window,
    plan_windows,
    search_request,
    uncovered,
    window_limit,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)


def test_two_years_are_cut_into_windows_whose_request_spans_at_most_the_reports_limit() -> None:
    windows = plan_windows([(_day(2024, 1, 1), _day(2026, 1, 1))], _day(2026, 1, 1))

    assert windows[0].lo == _day(2024, 1, 1)
    assert windows[-1].hi == _day(2026, 1, 1)
    assert all(a.hi == b.lo for a, b in itertools.pairwise(windows))  # no gap, no overlap
    assert all((w.end_date - w.start_date).days + 1 <= REPORTS_MAX_DAYS for w in windows)
    assert len(windows) == 3


def test_a_window_asks_for_a_margin_day_on_each_side_for_the_users_zone() -> None:
    window = HistoryWindow(_day(2025, 3, 1), _day(2025, 3, 11))

    assert (window.start_date, window.end_date) == (date(2025, 2, 28), date(2025, 3, 11))


def test_gaps_are_widened_to_whole_utc_days_but_never_past_the_limit() -> None:
    windows = plan_windows([(_day(2025, 3, 1) + timedelta(hours=5), _day(2025, 3, 3) + timedelta(hours=1))],
                           _day(2025, 3, 3))

    assert windows == [HistoryWindow(_day(2025, 3, 1), _day(2025, 3, 3))]


def test_a_limit_that_is_not_a_utc_midnight_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC midnight"):
        plan_windows([], _day(2025, 3, 3) + timedelta(hours=1))


def test_uncovered_leaves_out_fresh_coverage_and_keeps_expired_parts() -> None:
    coverage = (
        Coverage()
        .add(_day(2025, 2, 1), _day(2025, 3, 1), NOW)
        .add(_day(2025, 5, 1), _day(2025, 6, 1), NOW - timedelta(days=10))
    )

    gaps = uncovered(coverage, _day(2025, 1, 1), _day(2025, 7, 1), NOW, timedelta(days=1))

    assert gaps == [(_day(2025, 1, 1), _day(2025, 2, 1)), (_day(2025, 3, 1), _day(2025, 7, 1))]


def test_a_fully_covered_range_needs_no_window() -> None:
    coverage = Coverage().add(_day(2025, 1, 1), _day(2026, 1, 1), NOW)

    assert plan_windows(uncovered(coverage, _day(2025, 2, 1), _day(2025, 9, 1), NOW, None), _day(2025, 9, 1)) == []


def test_window_limit_is_the_next_utc_midnight() -> None:
    assert window_limit(_day(2025, 3, 3)) == _day(2025, 3, 3)
    assert window_limit(_day(2025, 3, 3) + timedelta(seconds=1)) == _day(2025, 3, 4)


def test_the_search_request_reads_the_users_entries_oldest_first_in_the_largest_pages() -> None:
    window = HistoryWindow(_day(2025, 1, 1), _day(2025, 6, 1))

    request = search_request(77, 5, window, next_row=51, next_id=900)

    assert request.path == "workspace/77/search/time_entries"
    body = request.json
    assert body["user_ids"] == [5]
    assert body["page_size"] == DETAILED_PAGE_SIZE
    assert (body["start_date"], body["end_date"]) == ("2024-12-31", "2025-06-01")
    assert (body["first_row_number"], body["first_id"]) == (51, 900)
    assert (body["order_by"], body["order_dir"], body["enrich_response"]) == ("date", "ASC", True)


ROW = {
    "user_id": 5,
    "username": "Demo",
    "project_id": 12,
    "task_id": None,
    "billable": True,
    "description": "Code review",
    "tag_ids": [3, 4],
    "tag_names": ["bug", "urgent"],
    "row_number": 1,
    "time_entries": [
        {"id": 101, "seconds": 1800, "start": "2025-03-01T10:00:00+01:00", "stop": "2025-03-01T10:30:00+01:00",
         "at": "2025-03-01T09:31:00+00:00", "at_tz": "2025-03-01T10:31:00+01:00"},
        {"id": 102, "seconds": 600, "start": "2025-03-02T23:50:00+01:00", "stop": "2025-03-03T00:00:00+01:00",
         "at": "2025-03-02T23:01:00+00:00", "at_tz": "2025-03-03T00:01:00+01:00"},
    ],
}


def test_a_grouped_row_becomes_one_entry_per_time_entry_with_the_rows_shared_fields() -> None:
    entries = entries_from_rows([ROW], workspace_id=77, now=NOW)

    assert [e.id for e in entries] == [101, 102]
    first = entries[0]
    assert (first.workspace, first.project, first.user, first.billable, first.description) == (
        77, 12, 5, True, "Code review",
    )
    assert first.duration == timedelta(seconds=1800)
    assert [(t.id, t.name) for t in first.tags] == [(3, "bug"), (4, "urgent")]
    assert first.timestamp == NOW


def test_row_times_in_the_users_offset_are_stored_in_utc() -> None:
    entry = entries_from_rows([ROW], workspace_id=77, now=NOW)[1]

    assert entry.start == datetime(2025, 3, 2, 22, 50, tzinfo=UTC)
    assert entry.start.utcoffset() == timedelta(0)


def test_rows_without_tag_names_take_the_names_of_cached_tags() -> None:
    row = {**ROW, "tag_names": None}

    entry = entries_from_rows([row], workspace_id=77, now=NOW, known_tags={3: "bug"})[0]

    assert [(t.id, t.name) for t in entry.tags] == [(3, "bug"), (4, "")]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("text", "not an object"),
        ({**ROW, "time_entries": []}, "no time_entries"),
        ({**ROW, "time_entries": [{"id": "1", "seconds": 1, "start": "2025-01-01T00:00:00Z"}]}, "positive int"),
        ({**ROW, "time_entries": [{"id": 1, "seconds": None, "start": "2025-01-01T00:00:00Z"}]}, "seconds"),
        ({**ROW, "time_entries": [{"id": 1, "seconds": 1}]}, "start"),
        ({**ROW, "project_id": "12"}, "project_id"),
    ],
)
def test_a_row_out_of_shape_names_the_row_and_the_problem(row: object, problem: str) -> None:
    with pytest.raises(ValueError, match=rf"row 0: .*{problem}"):
        entries_from_rows([row], workspace_id=77, now=NOW)


def test_the_cursor_survives_its_json_form() -> None:
    cursor = BackfillCursor(
        HistoryWindow(_day(2025, 1, 1), _day(2025, 6, 1)), NOW, workspace=77, done=(5,), next_row=51, next_id=9,
        seen=(1, 2), pages=1, rescan=(_day(2025, 1, 1), _day(2025, 8, 1)),
    )

    assert BackfillCursor.from_json(cursor.to_json()) == cursor


@pytest.mark.parametrize("text", ["{", '{"format": 2}', '{"format": 1, "window": ["2025-01-02T00:00:00+00:00"]}'])
def test_an_unreadable_cursor_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"^unreadable backfill cursor"):
        BackfillCursor.from_json(text)


def _entry(workspace: int, user: int | None, start: datetime, *, running: bool = False) -> TogglTracker:
    stop = None if running else start + timedelta(hours=1)
    return TogglTracker(1, "x", workspace=workspace, start=start, stop=stop, user=user)


@pytest.mark.parametrize(
    ("entry", "replaced"),
    [
        (_entry(77, 5, _day(2025, 2, 1)), True),
        (_entry(77, None, _day(2025, 2, 1)), True),  # e.g. imported from a CSV export without a user
        (_entry(78, 5, _day(2025, 2, 1)), False),  # another workspace's answer decides about it
        (_entry(77, 6, _day(2025, 2, 1)), False),  # a colleague's entry: not in a user_ids=[me] answer
        (_entry(77, 5, _day(2025, 6, 1)), False),  # the window's end is exclusive
        (_entry(77, 5, _day(2025, 2, 1), running=True), False),  # detailed reports leave running entries out
    ],
)
def test_which_cached_entries_a_window_answer_replaces(entry: TogglTracker, replaced: bool) -> None:
    assert in_replaced_window(entry, workspace_id=77, user_id=5, lo=_day(2025, 1, 1), hi=_day(2025, 6, 1)) is replaced


def test_window_days_leave_room_for_the_two_margin_days() -> None:
    assert WINDOW_DAYS + 2 == REPORTS_MAX_DAYS


def test_a_window_starting_on_the_first_day_toggl_knows_asks_for_no_earlier_day() -> None:
    window = HistoryWindow(_day(2006, 1, 1), _day(2006, 3, 1))

    assert window.start_date == date(2006, 1, 1)
