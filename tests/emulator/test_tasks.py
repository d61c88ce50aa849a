"""Tasks: project routes, workspace and /me lists, task_id on time entries (spec models.Task)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from toggl_api.testing import DemoAccount, Emulator

from .conftest import new_entry


@pytest.fixture
def project(client: httpx.Client, wid: int) -> dict[str, Any]:
    """The demo project "Website Redesign" (it has seeded tasks)."""
    return client.get(f"/workspaces/{wid}/projects", params={"name": "Website Redesign"}).json()[0]


def _tasks_url(wid: int, project: dict[str, Any]) -> str:
    return f"/workspaces/{wid}/projects/{project['id']}/tasks"


def test_seeded_project_lists_its_tasks_with_assignee(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    tasks = {t["name"]: t for t in client.get(_tasks_url(wid, project)).json()}
    assert set(tasks) == {"Wireframes", "Visual design"}
    assert tasks["Wireframes"]["user_name"] == "Team Mate"
    assert tasks["Visual design"]["active"] is False


def test_project_tasks_filter_by_active(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    done = client.get(_tasks_url(wid, project), params={"active": "false"}).json()
    assert [t["name"] for t in done] == ["Visual design"]


def test_created_task_is_visible_to_get_and_carries_project_fields(
    client: httpx.Client, wid: int, project: dict[str, Any]
) -> None:
    created = client.post(_tasks_url(wid, project), json={"name": "Copywriting", "estimated_seconds": 7200}).json()
    fetched = client.get(f"{_tasks_url(wid, project)}/{created['id']}").json()
    assert fetched == created
    assert (created["project_name"], created["workspace_id"], created["estimated_seconds"]) == (
        "Website Redesign",
        wid,
        7200,
    )


def test_task_name_must_be_unique_in_the_project(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    response = client.post(_tasks_url(wid, project), json={"name": "wireframes"})
    assert (response.status_code, response.json()) == (400, "Name has already been taken")


def test_task_without_name_is_refused(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    response = client.post(_tasks_url(wid, project), json={})
    assert (response.status_code, response.json()) == (400, "Task name must be present")


def test_tasks_of_an_archived_project_cannot_be_created(client: httpx.Client, wid: int) -> None:
    archived = client.get(f"/workspaces/{wid}/projects", params={"active": "false"}).json()[0]
    response = client.post(f"/workspaces/{wid}/projects/{archived['id']}/tasks", json={"name": "x"})
    assert (response.status_code, response.json()) == (400, "Can not change tasks of archived project")


def test_put_task_marks_it_done(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    task = client.get(_tasks_url(wid, project), params={"active": "true"}).json()[0]
    updated = client.put(f"{_tasks_url(wid, project)}/{task['id']}", json={"active": False}).json()
    assert updated["active"] is False
    assert updated["at"] >= task["at"]


def test_unknown_task_is_a_400_invalid_task_id(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    response = client.get(f"{_tasks_url(wid, project)}/1")
    assert (response.status_code, response.json()) == (400, "Invalid task_id")


def test_deleted_task_disappears_and_shows_in_me_tasks_since(
    client: httpx.Client, wid: int, project: dict[str, Any], toggl_emulator: Emulator
) -> None:
    task = client.post(_tasks_url(wid, project), json={"name": "Short-lived"}).json()
    since = int(toggl_emulator.clock.time())
    assert client.delete(f"{_tasks_url(wid, project)}/{task['id']}").json() == "OK"
    assert task["id"] not in [t["id"] for t in client.get(_tasks_url(wid, project)).json()]
    changed = {t["id"]: t for t in client.get("/me/tasks", params={"since": since}).json()}
    assert "server_deleted_at" in changed[task["id"]]


def test_bulk_patch_tasks_reports_success_and_failure(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    ids = [t["id"] for t in client.get(_tasks_url(wid, project)).json()]
    ops = [{"op": "replace", "path": "/estimated_seconds", "value": 600}]
    result = client.patch(f"{_tasks_url(wid, project)}/{ids[0]},{ids[1]},1", json=ops).json()
    assert sorted(result["success"]) == sorted(ids)
    assert [f["id"] for f in result["failure"]] == [1]
    assert {t["estimated_seconds"] for t in client.get(_tasks_url(wid, project)).json()} == {600}


def test_workspace_tasks_answer_a_paged_envelope(client: httpx.Client, wid: int) -> None:
    body = client.get(f"/workspaces/{wid}/tasks", params={"per_page": 1}).json()
    assert set(body) == {"data", "page", "per_page", "sort_field", "sort_order", "total_count"}
    assert body["total_count"] == 2  # active ones: Wireframes, Login screen
    assert len(body["data"]) == 1


def test_me_tasks_hides_done_tasks_unless_asked(client: httpx.Client) -> None:
    active = client.get("/me/tasks").json()
    everything = client.get("/me/tasks", params={"include_not_active": "true"}).json()
    assert len(everything) == len(active) + 1


def test_me_tasks_rejects_a_bad_include_not_active(client: httpx.Client) -> None:
    response = client.get("/me/tasks", params={"include_not_active": "maybe"})
    assert (response.status_code, response.json()) == (400, "Invalid include_not_active")


def test_time_entry_with_a_task_gets_the_task_project(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    task = client.get(_tasks_url(wid, project)).json()[0]
    entry = new_entry(client, wid, duration=60, task_id=task["id"]).json()
    assert (entry["task_id"], entry["tid"], entry["project_id"]) == (task["id"], task["id"], project["id"])


def test_time_entry_with_a_task_of_another_project_is_refused(
    client: httpx.Client, wid: int, project: dict[str, Any]
) -> None:
    task = client.get(_tasks_url(wid, project)).json()[0]
    other = client.get(f"/workspaces/{wid}/projects", params={"name": "Mobile App"}).json()[0]
    response = new_entry(client, wid, duration=60, task_id=task["id"], project_id=other["id"])
    assert (response.status_code, response.json()) == (400, "User cannot access the selected task")


def test_time_entry_with_an_unknown_task_is_refused(client: httpx.Client, wid: int) -> None:
    response = new_entry(client, wid, duration=60, task_id=12345)
    assert (response.status_code, response.json()) == (400, "User cannot access the selected task")


def test_tracked_seconds_are_milliseconds(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    task = client.post(_tasks_url(wid, project), json={"name": "Timed"}).json()
    new_entry(client, wid, duration=90, task_id=task["id"])
    assert client.get(f"{_tasks_url(wid, project)}/{task['id']}").json()["tracked_seconds"] == 90_000


def test_deleting_a_project_deletes_its_tasks(client: httpx.Client, wid: int, project: dict[str, Any]) -> None:
    assert client.delete(f"/workspaces/{wid}/projects/{project['id']}").status_code == 200
    names = [t["name"] for t in client.get("/me/tasks", params={"include_not_active": "true"}).json()]
    assert names == ["Login screen"]


def test_tasks_of_a_foreign_workspace_are_forbidden(client: httpx.Client, toggl_account: DemoAccount) -> None:
    assert client.get(f"/workspaces/{toggl_account.other_workspace_id}/tasks").status_code == 403


def test_me_with_related_data_carries_tasks(client: httpx.Client) -> None:
    me = client.get("/me", params={"with_related_data": "true"}).json()
    assert {t["name"] for t in me["tasks"]} == {"Wireframes", "Visual design", "Login screen"}


def test_workspace_tasks_since_includes_done_and_deleted_ones(
    client: httpx.Client, wid: int, project: dict[str, Any], toggl_emulator: Emulator
) -> None:
    since = int(toggl_emulator.clock.time())
    done = client.post(_tasks_url(wid, project), json={"name": "Done soon", "active": False}).json()
    gone = client.post(_tasks_url(wid, project), json={"name": "Gone soon"}).json()
    client.delete(f"{_tasks_url(wid, project)}/{gone['id']}")
    changed = client.get(f"/workspaces/{wid}/tasks", params={"since": since}).json()["data"]
    assert {t["id"] for t in changed} == {done["id"], gone["id"]}
