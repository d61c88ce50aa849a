"""``AsyncTaskEndpoint`` against the emulator: requests sent, answers, cache effects and bad input."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import NamingError, TaskBody, TogglTask, TrackerBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import AsyncTaskEndpoint, AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTask]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglTask],
) -> AsyncTaskEndpoint:
    return AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.fixture
def uncached(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> AsyncTaskEndpoint:
    return AsyncTaskEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


@pytest.fixture
def project_id(toggl_emulator: Emulator, toggl_workspace_id: int) -> int:
    """An active project of the demo workspace."""
    return min(
        p.id
        for p in toggl_emulator.state.projects.values()
        if p.workspace_id == toggl_workspace_id and p.active and p.server_deleted_at is None
    )


async def test_add_posts_the_body_under_the_project(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, project_id: int
) -> None:
    task = await uncached.add(project_id, TaskBody(name="Draft", estimated_seconds=3600))
    sent = toggl_emulator.requests[-1]
    assert (sent.method, sent.path) == ("POST", f"/api/v9/workspaces/{toggl_workspace_id}/projects/{project_id}/tasks")
    assert sent.json == {"name": "Draft", "estimated_seconds": 3600}
    assert (task.name, task.project, task.workspace, task.active, task.estimated_seconds) == (
        "Draft",
        project_id,
        toggl_workspace_id,
        True,
        3600,
    )


async def test_add_without_a_name_sends_nothing(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    with pytest.raises(NamingError):
        await uncached.add(project_id, TaskBody(estimated_seconds=60))
    assert toggl_emulator.request_count() == 0


async def test_collect_reads_every_page_of_the_workspace_list(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    made = {(await uncached.add(project_id, TaskBody(name=f"t{i}"))).id for i in range(3)}
    got = await uncached.collect()
    assert made <= {t.id for t in got}
    sent = toggl_emulator.requests[-1]
    assert sent.path.endswith("/tasks")
    assert (sent.params["active"], sent.params["page"]) == ("true", "1")


async def test_collect_of_one_project_sends_pid(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    created = await uncached.add(project_id, TaskBody(name="mine"))
    got = await uncached.collect(project_id, active="both")
    expected = {t.id for t in toggl_emulator.state.tasks.values() if t.project_id == project_id}
    assert {t.id for t in got} == expected
    assert created.id in expected
    assert toggl_emulator.requests[-1].params["pid"] == str(project_id)


async def test_collect_answers_from_the_cache_after_a_complete_fetch(
    endpoint: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    created = await endpoint.add(project_id, TaskBody(name="cached"))
    first = await endpoint.collect()
    before = toggl_emulator.request_count("GET")
    second = await endpoint.collect(project_id)
    assert toggl_emulator.request_count("GET") == before
    assert {t.id for t in second} == {t.id for t in first if t.project == project_id}
    assert created.id in {t.id for t in second}


async def test_done_tasks_leave_the_cached_open_list(
    endpoint: AsyncTaskEndpoint, uncached: AsyncTaskEndpoint, project_id: int
) -> None:
    task = await endpoint.add(project_id, TaskBody(name="finish me"))
    await endpoint.collect()
    done = await endpoint.edit(task, TaskBody(active=False))
    assert done.is_done()
    assert task.id not in {t.id for t in await endpoint.collect()}
    assert task.id not in {t.id for t in await uncached.collect()}


async def test_edit_puts_only_the_fields_set(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    task = await uncached.add(project_id, TaskBody(name="rename me", estimated_seconds=60))
    edited = await uncached.edit(task, TaskBody(name="renamed"))
    assert toggl_emulator.requests[-1].json == {"name": "renamed"}
    assert (edited.name, edited.estimated_seconds) == ("renamed", 60)


async def test_get_uses_the_cached_project_of_a_task_id(
    endpoint: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    task = await endpoint.add(project_id, TaskBody(name="find me"))
    fetched = await endpoint.get(task.id, refresh=True)
    assert fetched == task
    assert toggl_emulator.requests[-1].path.endswith(f"/projects/{project_id}/tasks/{task.id}")


async def test_get_of_an_unknown_task_without_project_says_what_to_pass(
    uncached: AsyncTaskEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="pass project="):
        await uncached.get(999_999)
    assert toggl_emulator.request_count() == 0


async def test_delete_removes_the_task_from_toggl_and_cache(
    endpoint: AsyncTaskEndpoint, uncached: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    task = await endpoint.add(project_id, TaskBody(name="gone"))
    await endpoint.delete(task)
    assert toggl_emulator.requests[-1].method == "DELETE"
    assert await endpoint.get(task.id, project_id) is None
    assert task.id not in {t.id for t in await uncached.collect(active="both")}


async def test_bulk_edit_patches_and_refreshes_the_cached_tasks(
    endpoint: AsyncTaskEndpoint, toggl_emulator: Emulator, project_id: int
) -> None:
    tasks = [await endpoint.add(project_id, TaskBody(name=f"bulk {i}")) for i in range(2)]
    edits = await endpoint.bulk_edit(*tasks, 999_999, body=TaskBody(active=False), project=project_id)
    patch = next(r for r in toggl_emulator.requests if r.method == "PATCH")
    assert patch.path.endswith(f"/tasks/{tasks[0].id},{tasks[1].id},999999")
    assert patch.json == [{"op": "replace", "path": "/active", "value": False}]
    assert sorted(edits.successes) == sorted(t.id for t in tasks)
    assert [f["id"] for f in edits.failures] == [999_999]
    for task in tasks:
        cached = await endpoint.get(task.id)
        assert cached is not None
        assert cached.is_done()


async def test_time_entries_carry_the_task_they_are_booked_on(
    uncached: AsyncTaskEndpoint,
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
    project_id: int,
) -> None:
    task = await uncached.add(project_id, TaskBody(name="booked"))
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)
    entry = await trackers.add(
        TrackerBody(description="on a task", project_id=project_id, task_id=task.id, duration=60)
    )
    assert toggl_emulator.requests[-1].json["task_id"] == task.id
    assert entry.task == task.id
    cleared = await trackers.edit(entry, TrackerBody(task_id=-1))
    assert cleared.task is None
