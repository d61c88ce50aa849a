"""Pure request builders and the model of tasks; ``task_id`` on time entries."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from toggl_api import NamingError, TrackerBody
from toggl_api._core.api import task as task_api
from toggl_api._core.api import tracker as tracker_api
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.api.task import TaskBody
from toggl_api._core.models import TogglTask, from_record, to_record

#: A task as Toggl's spec describes ``models.Task``.
TASK = {
    "id": 81,
    "name": "Write the report",
    "workspace_id": 7,
    "project_id": 42,
    "active": True,
    "estimated_seconds": 7200,
    "tracked_seconds": 3_600_000,
    "user_id": None,
    "at": "2026-11-20T10:00:00+00:00",
    "recurring": False,
}


def test_task_model_reads_toggls_payload() -> None:
    task = TogglTask.from_kwargs(**TASK)
    assert (task.id, task.name, task.workspace, task.project) == (81, "Write the report", 7, 42)
    assert (task.active, task.estimated_seconds, task.user) == (True, 7200, None)
    assert task.extra["tracked_seconds"] == 3_600_000  # milliseconds per Toggl's spec: never relabelled


def test_task_record_round_trips_exactly() -> None:
    task = TogglTask.from_kwargs(**{**TASK, "active": False, "user_id": 5})
    assert from_record(to_record(task)) == task
    assert task.is_done()


def test_task_add_sends_every_given_field_to_the_projects_tasks() -> None:
    request = task_api.add(7, 42, TaskBody(name="Plan", estimated_seconds=600))
    assert (request.method, request.path) == (RequestMethod.POST, "workspaces/7/projects/42/tasks")
    assert request.json == {"name": "Plan", "estimated_seconds": 600}


def test_task_add_without_a_name_is_refused_before_sending() -> None:
    with pytest.raises(NamingError, match="task name"):
        task_api.add(7, 42, TaskBody(active=True))


def test_task_edit_sends_only_the_fields_set() -> None:
    body = TaskBody(active=False)
    request = task_api.edit(7, 42, 81, body)
    assert (request.method, request.path, request.json) == (
        RequestMethod.PUT,
        "workspaces/7/projects/42/tasks/81",
        {"active": False},
    )


def test_task_edit_can_unassign_with_an_explicit_none() -> None:
    assert task_api.edit(7, 42, 81, TaskBody(user_id=None)).json == {"user_id": None}


def test_task_edit_that_changes_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="changes nothing"):
        task_api.edit(7, 42, 81, TaskBody())


def test_task_body_refuses_a_negative_estimate() -> None:
    with pytest.raises(ValueError, match="estimated_seconds"):
        TaskBody(estimated_seconds=-1).format("add")


def test_task_collect_sends_toggls_filters() -> None:
    request = task_api.collect(7, active="both", project_id=42, since=1_700_000_000, search="rep", page=2)
    assert request.path == "workspaces/7/tasks"
    assert dict(request.params) == {
        "active": "both",
        "pid": "42",
        "since": "1700000000",
        "search": "rep",
        "page": "2",
        "per_page": str(task_api.MAX_PER_PAGE),
    }


def test_task_page_envelope_is_unwrapped() -> None:
    assert task_api.unwrap_page({"data": [TASK], "total_count": 1, "page": 1}) == ([TASK], 1)
    assert task_api.unwrap_page([TASK]) == ([TASK], None)
    assert task_api.unwrap_page(None) == ([], None)


def test_task_bulk_edit_patches_ids_joined_by_commas_with_replace_operations() -> None:
    ops = task_api.bulk_operations(TaskBody(active=False, user_id=5))
    request = task_api.bulk_edit(7, 42, [81, 82], ops)
    assert (request.method, request.path) == (RequestMethod.PATCH, "workspaces/7/projects/42/tasks/81,82")
    assert request.json == [
        {"op": "replace", "path": "/active", "value": False},
        {"op": "replace", "path": "/user_id", "value": 5},
    ]


def test_task_bulk_edit_takes_at_most_the_limit_of_ids() -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        task_api.bulk_edit(7, 42, list(range(1, 102)), [{"op": "replace", "path": "/active", "value": False}])


def test_tracker_body_sends_task_id_on_add_and_edit() -> None:
    start = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
    added = tracker_api.add(7, TrackerBody(description="x", task_id=81), start)
    assert added.json["task_id"] == 81
    assert tracker_api.edit(7, 5, TrackerBody(task_id=-1)).json == {"task_id": None}


def test_tracker_bulk_edit_can_set_the_task() -> None:
    assert tracker_api.bulk_operations(TrackerBody(task_id=81)) == [{"op": "replace", "path": "/task_id", "value": 81}]


def test_bulk_answer_decodes_into_edits() -> None:
    edits = tracker_api.decode_edits({"success": [1, 2], "failure": [{"id": 3, "message": "not found"}]})
    assert edits == ([1, 2], [{"id": 3, "message": "not found"}])
    assert tracker_api.decode_edits("OK") == ([], [])


@pytest.mark.parametrize(
    "answer",
    [{"data": {"id": 1}}, {"data": [], "total_count": "3"}, "a login page", 7],
    ids=["data-not-a-list", "count-not-an-int", "text", "scalar"],
)
def test_a_page_of_tasks_out_of_shape_is_refused(answer: object) -> None:
    with pytest.raises(ValueError, match=r"not|where a page of tasks belongs"):
        task_api.unwrap_page(answer)
