"""Toggl's side effects of a write reach the cache: cached reads after this client's own writes answer what the
API answers (found by tests/consistency/test_cache_matches_api.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import ClientBody, ProjectBody, TaskBody, TrackerBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import (
    AsyncClientEndpoint,
    AsyncProjectEndpoint,
    AsyncTagEndpoint,
    AsyncTaskEndpoint,
    AsyncTrackerEndpoint,
)
from toggl_api.testing import FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[Any]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def kw(http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth) -> dict[str, Any]:
    return {"auth": toggl_auth, "client": http_client, "clock": fake_clock}


async def test_deleting_a_client_leaves_its_cached_projects_without_a_client(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    client = await clients.add(ClientBody("Doomed"))
    project = await projects.add(ProjectBody("Kept", client_id=client.id))
    await clients.delete(client)
    cached = await projects.get(project.id)
    assert cached is not None
    assert cached.client is None


async def test_archiving_a_client_archives_its_cached_projects(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    client = await clients.add(ClientBody("Sleepy"))
    project = await projects.add(ProjectBody("Along", client_id=client.id))
    await projects.collect()
    await clients.archive(client)
    assert project.id not in {p.id for p in await projects.collect()}


async def test_restoring_a_client_with_all_projects_restores_its_cached_projects(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    client = await clients.add(ClientBody("Back"))
    project = await projects.add(ProjectBody("Again", client_id=client.id))
    await clients.archive(client)
    await clients.restore(client, all_projects=True)
    cached = await projects.get(project.id)
    assert cached is not None
    assert cached.active


async def test_deleting_a_project_unassigns_its_cached_time_entries(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    project = await projects.add(ProjectBody("Short-lived"))
    start = fake_clock.now() - timedelta(hours=2)
    body = TrackerBody("work", start=start, stop=start + timedelta(minutes=5), project_id=project.id)
    entry = await trackers.add(body)
    await projects.delete(project)
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert cached.project is None


async def test_deleting_a_task_unassigns_its_cached_time_entries(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    tasks = AsyncTaskEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    project = await projects.add(ProjectBody("With tasks"))
    task = await tasks.add(project, TaskBody(name="Short-lived"))
    entry = await trackers.add(TrackerBody("on it", project_id=project.id, task_id=task.id, duration=60))
    await tasks.delete(task)
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert (cached.project, cached.task) == (project.id, None)
    fresh = await trackers.get(entry.id, refresh=True)
    assert fresh is not None
    assert fresh.task is None


async def test_deleting_a_project_drops_its_cached_tasks_and_unassigns_its_entries(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    tasks = AsyncTaskEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    project = await projects.add(ProjectBody("Doomed with tasks"))
    task = await tasks.add(project, TaskBody(name="Goes too"))
    entry = await trackers.add(TrackerBody("booked", project_id=project.id, task_id=task.id, duration=60))
    await tasks.collect()
    await projects.delete(project)
    assert task.id not in {t.id for t in await tasks.collect()}
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert (cached.project, cached.task) == (None, None)


async def test_deleting_a_tag_removes_it_from_cached_time_entries(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    tag = await tags.add("gone soon")
    start = fake_clock.now() - timedelta(hours=2)
    entry = await trackers.add(TrackerBody("work", start=start, stop=start + timedelta(minutes=5), tags=[tag.name]))
    await tags.delete(tag)
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert cached.tags == []


async def test_renaming_a_tag_renames_it_in_cached_time_entries(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    tag = await tags.add("old name")
    start = fake_clock.now() - timedelta(hours=2)
    entry = await trackers.add(TrackerBody("work", start=start, stop=start + timedelta(minutes=5), tags=[tag.name]))
    await tags.edit(tag, "new name")
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert [t.name for t in cached.tags] == ["new name"]


async def test_a_time_entry_with_a_new_tag_name_makes_the_cached_tag_list_refetch(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tags.collect()
    start = fake_clock.now() - timedelta(hours=2)
    await trackers.add(TrackerBody("work", start=start, stop=start + timedelta(minutes=5), tags=["brand new"]))
    assert "brand new" in {t.name for t in await tags.collect()}


async def test_a_project_with_a_new_client_name_makes_the_cached_client_list_refetch(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    await clients.collect()
    await projects.add(ProjectBody("Fresh", client_name="Named Into Being"))
    assert "Named Into Being" in {c.name for c in await clients.collect()}
