"""Fidelity: projects, project users and tasks (one test per route)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import assert_shape, error, ok, unique


def _project(api: httpx.Client, wid: int, **fields: Any) -> dict[str, Any]:
    return dict(ok(api.post(f"/workspaces/{wid}/projects", json={"name": unique("Project"), **fields})))


def _task(api: httpx.Client, wid: int, project: dict[str, Any], **fields: Any) -> dict[str, Any]:
    url = f"/workspaces/{wid}/projects/{project['id']}/tasks"
    return dict(ok(api.post(url, json={"name": unique("Task"), **fields})))


def _mate_id(api: httpx.Client, wid: int) -> int:
    me = ok(api.get("/me"))["id"]
    return int(next(u["id"] for u in ok(api.get(f"/workspaces/{wid}/users")) if u["id"] != me))


def test_get_project_users(api: httpx.Client, wid: int) -> None:
    listed = ok(api.get(f"/workspaces/{wid}/project_users"))
    assert_shape(listed, "GET", "/workspaces/{workspace_id}/project_users")
    assert listed
    ids = ",".join(str(i) for i in range(1, 202))
    error(
        api.get(f"/workspaces/{wid}/project_users", params={"project_ids": ids}),
        400,
        "project_ids cannot exceed 200 elements.",
    )


def test_post_project_users(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    body = {"project_id": project["id"], "user_id": _mate_id(api, wid), "manager": True}
    created = ok(api.post(f"/workspaces/{wid}/project_users", json=body))
    assert_shape(created, "POST", "/workspaces/{workspace_id}/project_users")
    assert created in ok(api.get(f"/workspaces/{wid}/project_users", params={"project_ids": project["id"]}))
    error(api.post(f"/workspaces/{wid}/project_users", json=body), 400, "Project user already exists")


def _project_user(api: httpx.Client, wid: int) -> dict[str, Any]:
    project = _project(api, wid)
    body = {"project_id": project["id"], "user_id": _mate_id(api, wid)}
    return dict(ok(api.post(f"/workspaces/{wid}/project_users", json=body)))


def test_patch_project_users(api: httpx.Client, wid: int) -> None:
    first, second = _project_user(api, wid), _project_user(api, wid)
    ops = [{"op": "replace", "path": "/rate", "value": 30}]
    result = ok(api.patch(f"/workspaces/{wid}/project_users/{first['id']},{second['id']}", json=ops))
    assert_shape(result, "PATCH", "/workspaces/{workspace_id}/project_users/{project_user_ids}")
    assert sorted(result["success"]) == sorted([first["id"], second["id"]])
    rates = {pu["id"]: pu["rate"] for pu in ok(api.get(f"/workspaces/{wid}/project_users"))}
    assert (rates[first["id"]], rates[second["id"]]) == (30, 30)


def test_delete_project_user(api: httpx.Client, wid: int) -> None:
    pu = _project_user(api, wid)
    assert ok(api.delete(f"/workspaces/{wid}/project_users/{pu['id']}")) == pu["id"]
    assert pu["id"] not in [p["id"] for p in ok(api.get(f"/workspaces/{wid}/project_users"))]
    error(api.delete(f"/workspaces/{wid}/project_users/{pu['id']}"), 400, "Project user not found/accessible")


def test_put_project_user(api: httpx.Client, wid: int) -> None:
    pu = _project_user(api, wid)
    updated = ok(api.put(f"/workspaces/{wid}/project_users/{pu['id']}", json={"manager": True, "labor_cost": 12.5}))
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/project_users/{project_user_id}")
    assert (updated["manager"], updated["labor_cost"]) == (True, 12.5)
    error(api.put(f"/workspaces/{wid}/project_users/{pu['id']}", json={}), 400, "Missing data")


def test_get_projects(api: httpx.Client, wid: int) -> None:
    projects = ok(api.get(f"/workspaces/{wid}/projects"))
    assert_shape(projects, "GET", "/workspaces/{workspace_id}/projects")
    assert all(p["active"] for p in projects)
    archived = ok(api.get(f"/workspaces/{wid}/projects", params={"statuses": "archived"}))
    assert archived
    assert all(p["status"] == "archived" for p in archived)


def test_post_projects(api: httpx.Client, wid: int) -> None:
    created = _project(api, wid, color="#c9806b", billable=True)
    assert_shape(created, "POST", "/workspaces/{workspace_id}/projects")
    assert (created["color"], created["billable"], created["status"]) == ("#c9806b", True, "active")
    error(api.post(f"/workspaces/{wid}/projects", json={"name": created["name"]}), 400, "Name has already been taken")


def test_patch_projects(api: httpx.Client, wid: int) -> None:
    first, second = _project(api, wid), _project(api, wid)
    ops = [{"op": "replace", "path": "/is_private", "value": False}]
    result = ok(api.patch(f"/workspaces/{wid}/projects/{first['id']},{second['id']},1", json=ops))
    assert_shape(result, "PATCH", "/workspaces/{workspace_id}/projects/{project_ids}")
    assert (sorted(result["success"]), [f["id"] for f in result["failure"]]) == (
        sorted([first["id"], second["id"]]),
        [1],
    )
    assert ok(api.get(f"/workspaces/{wid}/projects/{first['id']}"))["is_private"] is False


def test_delete_project(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    assert ok(api.delete(f"/workspaces/{wid}/projects/{project['id']}")) == project["id"]
    error(api.get(f"/workspaces/{wid}/projects/{project['id']}"), 404, "Project not found")
    changed = ok(api.get("/me/projects", params={"since": 1}))
    assert next(p for p in changed if p["id"] == project["id"])["server_deleted_at"] is not None


def test_get_project(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    fetched = ok(api.get(f"/workspaces/{wid}/projects/{project['id']}"))
    assert_shape(fetched, "GET", "/workspaces/{workspace_id}/projects/{project_id}")
    assert fetched["name"] == project["name"]


def test_put_project(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    updated = ok(api.put(f"/workspaces/{wid}/projects/{project['id']}", json={"active": False}))
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/projects/{project_id}")
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}"))["status"] == "archived"
    error(api.put(f"/workspaces/{wid}/projects/{project['id']}", json={"color": "blue"}), 400)


def test_get_project_tasks(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project)
    tasks = ok(api.get(f"/workspaces/{wid}/projects/{project['id']}/tasks"))
    assert_shape(tasks, "GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks")
    assert [t["id"] for t in tasks] == [task["id"]]


def test_post_project_tasks(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project, estimated_seconds=900)
    assert_shape(task, "POST", "/workspaces/{workspace_id}/projects/{project_id}/tasks")
    assert (task["project_id"], task["estimated_seconds"], task["active"]) == (project["id"], 900, True)
    error(
        api.post(f"/workspaces/{wid}/projects/{project['id']}/tasks", json={"name": task["name"]}),
        400,
        "Name has already been taken",
    )


def test_patch_project_tasks(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    first, second = _task(api, wid, project), _task(api, wid, project)
    ops = [{"op": "replace", "path": "/active", "value": False}]
    url = f"/workspaces/{wid}/projects/{project['id']}/tasks/{first['id']},{second['id']}"
    result = ok(api.patch(url, json=ops))
    assert_shape(result, "PATCH", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_ids}")
    assert sorted(result["success"]) == sorted([first["id"], second["id"]])
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}/tasks", params={"active": "true"})) == []


def test_delete_project_task(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project)
    ok(api.delete(f"/workspaces/{wid}/projects/{project['id']}/tasks/{task['id']}"))
    assert ok(api.get(f"/workspaces/{wid}/projects/{project['id']}/tasks")) == []
    error(api.get(f"/workspaces/{wid}/projects/{project['id']}/tasks/{task['id']}"), 400, "Invalid task_id")


def test_get_project_task(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project)
    fetched = ok(api.get(f"/workspaces/{wid}/projects/{project['id']}/tasks/{task['id']}"))
    assert_shape(fetched, "GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}")
    assert fetched == task


def test_put_project_task(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project)
    updated = ok(
        api.put(f"/workspaces/{wid}/projects/{project['id']}/tasks/{task['id']}", json={"user_id": _mate_id(api, wid)})
    )
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}")
    assert updated["user_id"] == _mate_id(api, wid)
    error(
        api.put(f"/workspaces/{wid}/projects/{project['id']}/tasks/{task['id']}", json={"name": ""}),
        400,
        "Task name must be present",
    )


def test_get_workspace_tasks(api: httpx.Client, wid: int) -> None:
    project = _project(api, wid)
    task = _task(api, wid, project)
    body = ok(api.get(f"/workspaces/{wid}/tasks", params={"pid": project["id"]}))
    assert_shape(body, "GET", "/workspaces/{workspace_id}/tasks")
    assert ([t["id"] for t in body["data"]], body["total_count"]) == ([task["id"]], 1)
