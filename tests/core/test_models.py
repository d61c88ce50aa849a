"""Models: API payloads in, every field kept, exact round trips, time zones respected."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api import DateTimeError, NamingError
from toggl_api._core.models import MODELS, from_record, to_record
from toggl_api.errors import MissingFieldError, TogglError
from toggl_api.models import (
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
    as_dict_custom,
)

# Shapes observed from the real API (reference §5).
TIME_ENTRY = {
    "id": 3727977106,
    "workspace_id": 2230580,
    "project_id": 155392684,
    "task_id": None,
    "billable": False,
    "start": "2024-12-13T00:18:26+00:00",
    "stop": None,
    "duration": -1734049107,
    "description": "Open Sourcing",
    "tags": ["AGL", "deep work"],
    "tag_ids": [16939168, 16939169],
    "duronly": True,
    "at": "2024-12-13T00:18:26.835197Z",
    "server_deleted_at": None,
    "user_id": 2166261,
    "uid": 2166261,
    "wid": 2230580,
    "pid": 155392684,
}
PROJECT = {
    "id": 63334144,
    "workspace_id": 2230580,
    "client_id": 64890399,
    "name": "Website",
    "is_private": False,
    "active": True,
    "at": "2024-03-17T10:58:40+00:00",
    "created_at": "2017-08-28T10:47:38+00:00",
    "server_deleted_at": None,
    "color": "#0b83d9",
    "billable": False,
    "start_date": "2017-08-28",
    "end_date": "2025-01-31",
    "status": "active",
    "wid": 2230580,
    "cid": 64890399,
}
CLIENT = {"id": 64890399, "wid": 2230580, "archived": True, "name": "AGL", "at": "2024-03-17T10:55:38+00:00",
          "creator_id": 2166261}
TAG = {"id": 16939168, "workspace_id": 2230580, "name": "AGL", "at": "2024-11-08T19:11:14.332795Z",
       "creator_id": 2166261}
WORKSPACE = {"id": 2230580, "organization_id": 2108099, "name": "My workspace", "premium": False,
             "at": "2024-12-15T00:08:00+00:00", "rounding": 0, "default_currency": "USD"}
ORGANIZATION = {"id": 9011051, "name": "Your Organization", "pricing_plan_id": 0,
                "created_at": "2024-12-16T19:09:07.041832Z", "at": "2024-12-16T19:09:07.041832Z",
                "server_deleted_at": None, "max_workspaces": 20}

UTC = timezone.utc


def test_tracker_from_payload_maps_api_keys() -> None:
    tracker = TogglTracker.from_kwargs(**TIME_ENTRY)
    assert tracker.id == 3727977106
    assert tracker.name == tracker.description == "Open Sourcing"
    assert tracker.workspace == 2230580
    assert tracker.project == 155392684
    assert tracker.user == 2166261
    assert tracker.start == datetime(2024, 12, 13, 0, 18, 26, tzinfo=UTC)
    assert tracker.running()


def test_tracker_pairs_tag_names_with_ids() -> None:
    tracker = TogglTracker.from_kwargs(**TIME_ENTRY)
    assert [(t.id, t.name) for t in tracker.tags] == [(16939168, "AGL"), (16939169, "deep work")]
    assert all(isinstance(t, TogglTag) and t.workspace == 2230580 for t in tracker.tags)


def test_tracker_keeps_server_at_separate_from_fetch_timestamp() -> None:
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    tracker = TogglTracker.from_kwargs(**TIME_ENTRY, timestamp=fetched)
    assert tracker.at == datetime(2024, 12, 13, 0, 18, 26, 835197, tzinfo=UTC)
    assert tracker.timestamp == fetched


def test_unknown_payload_keys_are_kept_in_extra() -> None:
    tracker = TogglTracker.from_kwargs(**TIME_ENTRY)
    assert tracker.extra["duronly"] is True
    assert "task_id" not in tracker.extra  # a field of its own now


def test_tracker_reads_its_task_from_task_id_or_tid() -> None:
    assert TogglTracker.from_kwargs(**{**TIME_ENTRY, "task_id": 77}).task == 77
    assert TogglTracker.from_kwargs(**{**TIME_ENTRY, "task_id": None, "tid": 78}).task is None
    legacy = {k: v for k, v in TIME_ENTRY.items() if k != "task_id"}
    assert TogglTracker.from_kwargs(**legacy, tid=78).task == 78


def test_running_duration_of_api_running_entry_is_elapsed_not_minus_one_second_d8() -> None:
    """D8: a running entry's -1 duration must not leak into running_duration."""
    start = datetime.now(UTC) - timedelta(minutes=5)
    tracker = TogglTracker.from_kwargs(**{**TIME_ENTRY, "start": start.isoformat(), "duration": -1})
    assert timedelta(minutes=4) < tracker.running_duration < timedelta(minutes=6)


def test_elapsed_of_stopped_entry_is_stop_minus_start() -> None:
    tracker = TogglTracker(1, "x", start=datetime(2024, 1, 1, 9, tzinfo=UTC), stop=datetime(2024, 1, 1, 11, tzinfo=UTC))
    assert tracker.elapsed(datetime(2030, 1, 1, tzinfo=UTC)) == timedelta(hours=2)


def test_offset_in_payload_is_converted_not_relabelled_d3() -> None:
    tracker = TogglTracker.from_kwargs(**{**TIME_ENTRY, "start": "2024-12-13T10:00:00+02:00"})
    assert tracker.start == datetime(2024, 12, 13, 8, 0, tzinfo=UTC)


def test_naive_datetime_is_refused_with_a_clear_error_d7() -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        TogglTracker(1, "x", start=datetime(2024, 1, 1, 9))


def test_workspace_reads_organization_id_m4() -> None:
    workspace = TogglWorkspace.from_kwargs(**WORKSPACE)
    assert workspace.organization == 2108099
    assert workspace.extra["default_currency"] == "USD"


def test_workspace_name_with_spaces_is_kept() -> None:
    assert TogglWorkspace(1, "a b c").name == "a b c"


def test_workspace_and_organization_have_their_own_tables_m1() -> None:
    assert TogglWorkspace.__tablename__ == "workspace"
    assert TogglOrganization.__tablename__ == "organization"
    assert len({m.__tablename__ for m in MODELS}) == len(MODELS)


def test_blank_organization_name_raises_naming_error() -> None:
    with pytest.raises(NamingError, match="non-space"):
        TogglOrganization(1, "  ")


def test_too_long_workspace_name_raises_naming_error() -> None:
    with pytest.raises(NamingError, match="140"):
        TogglWorkspace.validate_name("w" * 141)


def test_project_end_date_is_a_date_m2() -> None:
    project = TogglProject.from_kwargs(**PROJECT)
    assert project.end_date == date(2025, 1, 31)
    assert project.start_date == date(2017, 8, 28)
    assert project.client == 64890399


def test_project_without_color_or_active_uses_defaults_m6() -> None:
    project = TogglProject.from_kwargs(id=1, name="p", workspace_id=2)
    assert project.color == "#0b83d9"
    assert project.active is True


def test_project_status_of_active_project_does_not_crash_d6() -> None:
    project = TogglProject(1, "p", start_date=date(2024, 1, 1), end_date=date(2024, 6, 1))
    assert project.get_status(date(2024, 3, 1)) is TogglProject.Status.ACTIVE
    assert project.get_status(date(2023, 3, 1)) is TogglProject.Status.UPCOMING
    assert project.get_status(date(2025, 3, 1)) is TogglProject.Status.ENDED


def test_archived_project_status() -> None:
    assert TogglProject(1, "p", active=False).get_status() is TogglProject.Status.ARCHIVED


def test_client_reads_wid_and_archived() -> None:
    client = TogglClient.from_kwargs(**CLIENT)
    assert client.workspace == 2230580
    assert client.archived is True


def test_positional_constructor_order_matches_upstream() -> None:
    tag = TogglTag(5, "awdad", None, 42)
    assert (tag.id, tag.name, tag.workspace) == (5, "awdad", 42)


def test_equality_ignores_fetch_timestamp() -> None:
    a = TogglTag(1, "t", datetime(2020, 1, 1, tzinfo=UTC), 3)
    b = TogglTag(1, "t", datetime(2021, 1, 1, tzinfo=UTC), 3)
    assert a == b
    assert hash(a) == hash(b)


def test_getitem_reads_fields() -> None:
    assert TogglTag(1, "t")["name"] == "t"


@pytest.mark.parametrize(
    ("model", "payload"),
    [
        (TogglTracker, TIME_ENTRY),
        (TogglProject, PROJECT),
        (TogglClient, CLIENT),
        (TogglTag, TAG),
        (TogglWorkspace, WORKSPACE),
        (TogglOrganization, ORGANIZATION),
    ],
)
def test_record_round_trip_is_exact(model: type, payload: dict) -> None:
    original = model.from_kwargs(**payload)
    again = from_record(to_record(original))
    assert again == original
    assert again.timestamp == original.timestamp
    assert again.extra == original.extra


def test_numeric_looking_names_stay_strings_c6() -> None:
    for name in ("123", "null", "true", "[1,2]", '{"a": 1}'):
        tag = from_record(to_record(TogglTag(1, name, None, 2)))
        assert tag.name == name


def test_as_dict_custom_tags_the_class() -> None:
    assert as_dict_custom(TogglWorkspace(1, "w"))["class"] == "workspace"


def test_tags_given_as_plain_names_are_refused_m5() -> None:
    with pytest.raises(TypeError, match="TogglTag"):
        TogglTracker(1, "x", tags=["name-only"])


def test_mismatched_tag_names_and_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="pair"):
        TogglTracker.from_kwargs(**{**TIME_ENTRY, "tag_ids": [1]})


def test_fetch_timestamp_with_an_offset_is_converted_not_relabelled_d4() -> None:
    """D4: a timestamp given at +02:00 keeps its instant (relabelling as UTC would shift it by two hours)."""
    plus_two = timezone(timedelta(hours=2))
    tag = TogglTag(1, "t", datetime(2024, 1, 1, 12, 0, tzinfo=plus_two), 3)
    assert tag.timestamp == datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert tag.timestamp.utcoffset() == timedelta(0)


def test_a_payload_without_a_workspace_is_both_a_key_error_and_a_value_error() -> None:
    with pytest.raises(MissingFieldError, match="Workspace not found!") as caught:
        TogglTag.from_kwargs(id=1, name="no workspace")
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, TogglError)


def test_a_negative_id_marks_a_local_entry_and_is_accepted() -> None:
    assert TogglTracker(-42, "imported from a CSV export").id == -42


def test_a_negative_workspace_reference_is_refused() -> None:
    with pytest.raises(ValueError, match="from 0 to 2\\*\\*63 - 1"):
        TogglTracker(1, "x", workspace=-3)
