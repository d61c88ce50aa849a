"""Pure request builders for time entries: bodies, bulk operations, ranges and validation."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api import DateTimeError, TogglTracker, TrackerBody
from toggl_api._core.api import tracker as api

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_mapping_view_matches_format_of_empty_endpoint() -> None:
    body = TrackerBody("d", tags=["x"])
    assert dict(body) == {"created_with": "toggl-api-wrapper", "description": "d", "tags": ["x"]}


def test_add_request_defaults_start_to_now_and_runs() -> None:
    request = api.add(1, TrackerBody("d"), NOW)
    assert request.json == {
        "workspace_id": 1,
        "created_with": "toggl-api-wrapper",
        "description": "d",
        "start": "2026-11-20T12:00:00Z",
        "duration": -1,
    }


def test_add_request_with_a_timedelta_duration_sends_seconds() -> None:
    request = api.add(1, TrackerBody("d", duration=timedelta(minutes=5), start=NOW), NOW)
    assert request.json["duration"] == 300


def test_edit_request_sends_only_fields_set_after_construction() -> None:
    body = TrackerBody()
    body.project_id = 9
    assert api.edit(1, 2, body).json == {"project_id": 9}


def test_edit_request_sends_an_explicit_none_description_to_clear_it() -> None:
    assert api.edit(1, 2, TrackerBody(description=None)).json == {"description": None}


def test_edit_request_maps_tag_action_remove_to_delete() -> None:
    body = TrackerBody(tags=["a"], tag_action="remove")
    assert api.edit(1, 2, body).json == {"tags": ["a"], "tag_action": "delete"}


def test_edit_request_path_and_meta_parameter() -> None:
    request = api.edit(1, 2, TrackerBody("x"), meta=True)
    assert (request.path, request.params) == ("workspaces/1/time_entries/2", (("meta", "true"),))


def test_bulk_operations_cover_description_tags_project_and_duration() -> None:
    body = TrackerBody("d", duration=60, project_id=-1, tags=["a"], tag_action="remove", tag_ids=[3])
    assert api.bulk_operations(body) == [
        {"op": "replace", "path": "/description", "value": "d"},
        {"op": "remove", "path": "/tags", "value": ["a"]},
        {"op": "remove", "path": "/tag_ids", "value": [3]},
        {"op": "replace", "path": "/project_id", "value": None},
        {"op": "replace", "path": "/duration", "value": 60},
    ]


def test_bulk_operations_refuse_shared_with_user_ids() -> None:
    with pytest.raises(ValueError, match="shared_with_user_ids"):
        api.bulk_operations(TrackerBody("d", shared_with_user_ids=[1]))


def test_bulk_edit_request_refuses_more_than_100_ids() -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        api.bulk_edit(1, list(range(101)), [{"op": "replace", "path": "/description", "value": "x"}])


def test_validate_collect_returns_since_as_unix_seconds() -> None:
    assert api.validate_collect(NOW, None, None, None, today=NOW.date()) == int(NOW.timestamp())


def test_validate_collect_accepts_the_exact_look_back_floor() -> None:
    api.validate_collect(None, None, date(2026, 8, 20), date(2026, 9, 1), today=date(2026, 11, 20))


def test_validate_collect_rejects_a_year_before_2006() -> None:
    with pytest.raises(DateTimeError, match="2006 and 2030"):
        api.validate_collect(None, date(2005, 12, 31), None, None, today=date(2026, 11, 20))


def test_validate_collect_rejects_a_naive_end_date() -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        api.validate_collect(None, None, None, datetime(2026, 11, 1), today=date(2026, 11, 20))


def test_resolve_range_fills_the_missing_start_with_the_floor() -> None:
    assert api.resolve_range(None, date(2026, 11, 1), today=date(2026, 11, 30)) == (
        date(2026, 8, 30),
        date(2026, 11, 1),
    )


def test_range_queries_select_starts_in_the_half_open_range() -> None:
    queries = api.range_queries(date(2026, 11, 1), date(2026, 11, 2))
    inside = TogglTracker(1, "a", start=datetime(2026, 11, 1, 23, 59, tzinfo=UTC))
    outside = TogglTracker(2, "b", start=datetime(2026, 11, 2, 0, 0, tzinfo=UTC))
    from toggl_api._core.query import matches_all

    assert matches_all(inside, queries)
    assert not matches_all(outside, queries)


def test_next_window_end_is_one_second_after_the_oldest_start_at_the_cap() -> None:
    page = [TogglTracker(i, "x", start=NOW - timedelta(minutes=i)) for i in range(1, api.LIST_CAP + 1)]
    assert api.next_window_end(page) == NOW - timedelta(minutes=api.LIST_CAP) + timedelta(seconds=1)


def test_next_window_end_is_none_below_the_cap() -> None:
    assert api.next_window_end([TogglTracker(1, "x", start=NOW)]) is None


def test_replace_keeps_the_body_a_valid_tracker_body() -> None:
    body = dataclasses.replace(TrackerBody("a"), description="b")
    assert api.edit(1, 2, body).json["description"] == "b"
