"""``AsyncProjectEndpoint`` against the emulator: requests sent, answers, cache effects and bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import NamingError, ProjectBody, TogglProject
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import AsyncProjectEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglProject]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglProject],
) -> AsyncProjectEndpoint:
    return AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.fixture
def uncached(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> AsyncProjectEndpoint:
    return AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


def _ids(projects: list[TogglProject]) -> list[int]:
    return sorted(p.id for p in projects)


async def test_collect_sends_every_filter_as_a_query_parameter_r5_f6(
    uncached: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    """R5/F6: upstream put the filters into a GET body that was dropped."""
    since = datetime(2026, 11, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    body = ProjectBody(
        active="both",
        since=since,  # type: ignore[arg-type]
        user_ids=[1, 2],
        client_ids=[3],
        group_ids=[4],
        statuses=[TogglProject.Status.ACTIVE, TogglProject.Status.ENDED],
    )
    await uncached.collect(body, sort_pinned=True, only_me=True, only_templates=True, page=2, per_page=10)
    assert toggl_emulator.requests[-1].params == {
        "active": "both",
        "since": str(int(since.timestamp())),
        "user_ids": "1,2",
        "client_ids": "3",
        "group_ids": "4",
        "statuses": "active,ended",
        "sort_pinned": "true",
        "only_me": "true",
        "only_templates": "true",
        "page": "2",
        "per_page": "10",
    }


async def test_collect_fetches_pages_until_a_short_page(
    uncached: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    everything = await uncached.collect(ProjectBody(active="both"))
    paged = await uncached.collect(ProjectBody(active="both"), per_page=3)
    assert _ids(paged) == _ids(everything)
    pages = [r.params["page"] for r in toggl_emulator.requests if r.params.get("per_page") == "3"]
    assert pages == [str(n) for n in range(1, len(everything) // 3 + 2)]


async def test_collect_without_a_cache_asks_the_api_c22(
    uncached: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    """C22: upstream raised NoCacheAssignedError without a cache."""
    projects = await uncached.collect()
    assert projects
    assert all(p.active for p in projects)
    assert toggl_emulator.request_count("GET", "/projects") == 1


async def test_collect_answers_from_the_cache_after_a_complete_fetch(
    endpoint: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    first = await endpoint.collect()
    second = await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/projects") == 1
    assert _ids(second) == _ids(first)


async def test_collect_archived_from_a_cached_both_list_matches_the_api_c19(
    endpoint: AsyncProjectEndpoint, uncached: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    """C19: upstream's async ARCHIVED filter compiled to ``WHERE false``."""
    await endpoint.collect(ProjectBody(active="both"))
    body = ProjectBody(active="both", statuses=[TogglProject.Status.ARCHIVED])
    from_cache = await endpoint.collect(body)
    assert toggl_emulator.request_count("GET", "/projects") == 1
    from_api = await uncached.collect(body)
    assert from_api
    assert _ids(from_cache) == _ids(from_api)


async def test_collect_active_status_from_cache_matches_the_api_d6(
    endpoint: AsyncProjectEndpoint, uncached: AsyncProjectEndpoint
) -> None:
    """D6: upstream's ``get_status`` raised TypeError for every active project."""
    await endpoint.collect(ProjectBody(active="both"))
    body = ProjectBody(active="both", statuses=[TogglProject.Status.ACTIVE])
    assert _ids(await endpoint.collect(body)) == _ids(await uncached.collect(body))


async def test_collect_by_client_from_cache_matches_the_api(
    endpoint: AsyncProjectEndpoint, uncached: AsyncProjectEndpoint
) -> None:
    projects = await endpoint.collect()
    client_id = next(p.client for p in projects if p.client is not None)
    body = ProjectBody(client_ids=[client_id])
    assert _ids(await endpoint.collect(body)) == _ids(await uncached.collect(body))


async def test_collect_with_user_filter_asks_the_api_even_when_cached(
    endpoint: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect()
    await endpoint.collect(ProjectBody(user_ids=[1]))
    assert toggl_emulator.request_count("GET", "/projects") == 2


async def test_collect_since_removes_deleted_projects_from_the_cache(
    endpoint: AsyncProjectEndpoint,
    uncached: AsyncProjectEndpoint,
    cache: AsyncJSONCache[TogglProject],
    fake_clock: FakeClock,
) -> None:
    project = await endpoint.add(ProjectBody(name="Short lived"))
    fake_clock.advance(10)
    await uncached.delete(project)
    result = await endpoint.collect(ProjectBody(since=int(fake_clock.now().timestamp()) - 5, active="both"))
    assert project.id not in [p.id for p in result if p.server_deleted_at is None]
    assert await cache.find(project.id, TogglProject) is None


async def test_add_posts_the_project_and_caches_it(
    endpoint: AsyncProjectEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    body = ProjectBody(name="Apollo", color="red", start_date=date(2026, 11, 1), end_date=date(2026, 12, 1))
    project = await endpoint.add(body)
    assert toggl_emulator.requests[-1].json == {
        "workspace_id": toggl_workspace_id,
        "active": True,
        "is_private": True,
        "name": "Apollo",
        "color": "#d92b2b",
        "start_date": "2026-11-01",
        "end_date": "2026-12-01",
    }
    before = len(toggl_emulator.requests)
    assert await endpoint.get(project.id) == project
    assert len(toggl_emulator.requests) == before


async def test_add_without_name_raises_naming_error(endpoint: AsyncProjectEndpoint, toggl_emulator: Emulator) -> None:
    with pytest.raises(NamingError, match="Name must be set"):
        await endpoint.add(ProjectBody())
    assert toggl_emulator.requests == []


async def test_add_with_active_both_raises_value_error(endpoint: AsyncProjectEndpoint) -> None:
    with pytest.raises(ValueError, match="active must be True or False"):
        await endpoint.add(ProjectBody(name="x", active="both"))


async def test_add_with_end_before_start_raises_date_time_error(endpoint: AsyncProjectEndpoint) -> None:
    from toggl_api import DateTimeError

    with pytest.raises(DateTimeError, match="before start_date"):
        await endpoint.add(ProjectBody(name="x", start_date=date(2026, 12, 1), end_date=date(2026, 11, 1)))


async def test_add_with_an_unknown_colour_raises_value_error(endpoint: AsyncProjectEndpoint) -> None:
    with pytest.raises(ValueError, match="basic colour name"):
        await endpoint.add(ProjectBody(name="x", color="sparkly"))


async def test_edit_sends_only_the_fields_set_and_keeps_privacy(
    endpoint: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    project = await endpoint.add(ProjectBody(name="Apollo", is_private=False))
    edited = await endpoint.edit(project, ProjectBody(name="Apollo 2"))
    assert toggl_emulator.requests[-1].json == {"workspace_id": project.workspace, "name": "Apollo 2"}
    assert edited.name == "Apollo 2"
    assert edited.is_private is False


async def test_edit_can_archive_a_project(endpoint: AsyncProjectEndpoint, cache: AsyncJSONCache[TogglProject]) -> None:
    project = await endpoint.add(ProjectBody(name="Apollo"))
    await endpoint.edit(project.id, ProjectBody(active=False))
    cached = await cache.find(project.id, TogglProject)
    assert cached is not None
    assert cached.active is False


async def test_get_falls_through_to_the_api_on_a_cache_miss_c22(
    endpoint: AsyncProjectEndpoint, uncached: AsyncProjectEndpoint, toggl_emulator: Emulator
) -> None:
    existing = (await uncached.collect())[0]
    assert await endpoint.get(existing) == existing
    assert toggl_emulator.requests[-1].path.endswith(f"/projects/{existing.id}")


async def test_get_unknown_project_returns_none(endpoint: AsyncProjectEndpoint) -> None:
    assert await endpoint.get(1) is None


async def test_delete_removes_the_project_from_api_and_cache(
    endpoint: AsyncProjectEndpoint, cache: AsyncJSONCache[TogglProject], toggl_emulator: Emulator
) -> None:
    project = await endpoint.add(ProjectBody(name="Apollo"))
    await endpoint.delete(project)
    assert toggl_emulator.requests[-1].method == "DELETE"
    assert await cache.find(project.id, TogglProject) is None


async def test_collect_from_cache_has_an_added_project(endpoint: AsyncProjectEndpoint) -> None:
    await endpoint.collect()
    project = await endpoint.add(ProjectBody(name="Zed"))
    assert project.id in _ids(await endpoint.collect())


async def test_get_color_translates_names_and_defaults_to_gray() -> None:
    assert AsyncProjectEndpoint.get_color("red") == "#d92b2b"
    assert AsyncProjectEndpoint.get_color("nope") == "#525266"


async def test_get_color_id_rejects_an_unknown_hex() -> None:
    assert AsyncProjectEndpoint.get_color_id("#0b83d9") == 0
    with pytest.raises(ValueError, match="not a basic colour"):
        AsyncProjectEndpoint.get_color_id("#000000")
