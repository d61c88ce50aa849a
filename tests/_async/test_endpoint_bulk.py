"""Bulk operations against the emulator: clients archived and deleted, tags deleted and projects edited in one
request each; what was sent, what Toggl did, and what the cache answers afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import ClientBody, ProjectBody, TrackerBody
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import AsyncClientEndpoint, AsyncProjectEndpoint, AsyncTagEndpoint, AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[Any]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def kw(http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth) -> dict[str, Any]:
    return {"auth": toggl_auth, "client": http_client, "clock": fake_clock}


async def test_bulk_archive_archives_clients_and_their_projects_in_one_request(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    first, second = await clients.add(ClientBody("One")), await clients.add(ClientBody("Two"))
    project = await projects.add(ProjectBody("Under one", client_id=first.id))
    await clients.collect(ClientBody(status="both"))
    await projects.collect()
    archived = await clients.bulk_archive(first, second.id)
    post = toggl_emulator.requests[-1]
    assert (post.method, post.path, post.json) == (
        "POST",
        f"/api/v9/workspaces/{toggl_workspace_id}/clients/archive",
        sorted([first.id, second.id]),
    )
    assert sorted(archived.client_ids) == sorted([first.id, second.id])
    assert project.id in archived.project_ids
    before = toggl_emulator.request_count()
    active = {c.id for c in await clients.collect()}
    assert {first.id, second.id}.isdisjoint(active)
    assert project.id not in {p.id for p in await projects.collect()}
    assert toggl_emulator.request_count() == before  # both answered from the cache


async def test_bulk_delete_removes_clients_and_leaves_their_projects_clientless(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    doomed = [await clients.add(ClientBody(f"Doomed {i}")) for i in range(2)]
    project = await projects.add(ProjectBody("Orphan", client_id=doomed[0].id))
    await clients.bulk_delete(*doomed)
    post = toggl_emulator.requests[-1]
    assert (post.path, post.json) == (
        f"/api/v9/workspaces/{toggl_workspace_id}/clients/delete",
        sorted(c.id for c in doomed),
    )
    remaining = {c.id for c in await clients.collect(ClientBody(status="both"), refresh=True)}
    assert remaining.isdisjoint(c.id for c in doomed)
    cached = await projects.get(project.id)
    assert cached is not None
    assert cached.client is None


async def test_bulk_delete_of_tags_removes_them_everywhere(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    made = [await tags.add(f"bulk-{i}") for i in range(2)]
    entry = await trackers.add(TrackerBody(description="tagged", tags=[t.name for t in made], duration=60))
    await tags.bulk_delete(*made)
    patch = toggl_emulator.requests[-1]
    assert (patch.method, patch.path, patch.json) == (
        "PATCH",
        f"/api/v9/workspaces/{toggl_workspace_id}/tags",
        {"delete": sorted(t.id for t in made)},
    )
    names = {t.name for t in await tags.collect(refresh=True)}
    assert names.isdisjoint(t.name for t in made)
    cached = await trackers.get(entry.id)
    assert cached is not None
    assert cached.tags == []


async def test_bulk_edit_of_projects_patches_them_and_refreshes_the_cache(
    cache: AsyncJSONCache[Any], kw: dict[str, Any], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    made = [await projects.add(ProjectBody(f"Recolour {i}", color="blue")) for i in range(2)]
    edits = await projects.bulk_edit(*made, 999_999, body=ProjectBody(color="red"))
    patch = next(r for r in toggl_emulator.requests if r.method == "PATCH")
    assert patch.path == f"/api/v9/workspaces/{toggl_workspace_id}/projects/{made[0].id},{made[1].id},999999"
    assert patch.json == [{"op": "replace", "path": "/color", "value": "#d92b2b"}]
    assert sorted(edits.successes) == sorted(p.id for p in made)
    assert [f["id"] for f in edits.failures] == [999_999]
    for project in made:
        cached = await projects.get(project.id)
        assert cached is not None
        assert cached.color == "#d92b2b"


async def test_bulk_edit_of_projects_refuses_active_before_sending(
    kw: dict[str, Any], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="cannot bulk-edit active"):
        await AsyncProjectEndpoint(toggl_workspace_id, **kw).bulk_edit(1, body=ProjectBody(active=False))
    assert toggl_emulator.request_count() == 0
