"""A write that may have reached Toggl makes the cache humble; one that surely did not changes nothing.

After an ambiguous failure (lost answer, read timeout, 5xx, retries exhausted) the entity, the lists it belongs to
and the covered time range of a time entry are forgotten, so the next cached read asks Toggl and sees what Toggl
now has. After a failure that never reached Toggl (connect error, budget refusal, validation, a definitive 4xx)
the cache still answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import (
    BudgetExhaustedError,
    ClientBody,
    NamingError,
    ProjectBody,
    ServerError,
    TaskBody,
    TrackerBody,
)
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.errors import BadRequestError
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import (
    AsyncClientEndpoint,
    AsyncGroupEndpoint,
    AsyncJSONCache,
    AsyncProjectEndpoint,
    AsyncSqliteCache,
    AsyncTagEndpoint,
    AsyncTaskEndpoint,
    AsyncTrackerEndpoint,
    TogglAsyncCache,
)
from toggl_api.testing import Emulator, FakeClock, Fault


@pytest.fixture(params=["json", "sqlite"])
async def cache(request: pytest.FixtureRequest, cache_dir: Path, fake_clock: FakeClock) -> Any:
    if request.param == "json":
        yield AsyncJSONCache(cache_dir, clock=fake_clock)
        return
    sql: AsyncSqliteCache[Any] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    yield sql
    await sql.aclose()


@pytest.fixture
def kw(http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_auth: httpx.BasicAuth) -> dict[str, Any]:
    return {"auth": toggl_auth, "client": http_client, "clock": fake_clock, "retries": 0}


def asked(emulator: Emulator, before: int) -> int:
    return len(emulator.requests) - before


# -- ambiguous failures: the next read asks Toggl ---------------------------------------------------------------


async def test_tag_list_is_read_again_after_an_add_whose_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tags.collect()
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST", path=r"/tags$")
    with pytest.raises(httpx.ReadTimeout):
        await tags.add("made-anyway")
    assert "made-anyway" in {t.name for t in await tags.collect()}


async def test_tag_list_is_read_again_after_an_add_answered_with_unreadable_json(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tags.collect()
    toggl_emulator.faults.add(Fault.malformed_json(), method="POST", path=r"/tags$")
    with pytest.raises(httpx.DecodingError):
        await tags.add("made-but-garbled")
    assert "made-but-garbled" in {t.name for t in await tags.collect()}


async def test_tag_list_is_asked_again_after_an_add_that_timed_out(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tags.collect()
    toggl_emulator.faults.add(Fault.timeout(), method="POST", path=r"/tags$")
    with pytest.raises(httpx.ReadTimeout):
        await tags.add("maybe-made")
    before = len(toggl_emulator.requests)
    await tags.collect()
    assert asked(toggl_emulator, before) == 1


async def test_project_is_read_again_after_an_edit_whose_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    project = await projects.add(ProjectBody("Before"))
    toggl_emulator.faults.add(Fault.lost_answer("reset"), method="PUT")
    with pytest.raises(httpx.RemoteProtocolError):
        await projects.edit(project, ProjectBody(name="After"))
    got = await projects.get(project.id)
    assert got is not None
    assert got.name == "After"


async def test_project_list_is_read_again_after_an_add_answered_with_a_server_error(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    await projects.collect()
    toggl_emulator.faults.add(Fault.server_error(502), method="POST")
    with pytest.raises(ServerError):
        await projects.add(ProjectBody("Maybe"))
    before = len(toggl_emulator.requests)
    await projects.collect()
    assert asked(toggl_emulator, before) == 1


async def test_time_entry_range_is_read_again_after_an_edit_whose_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int,
    fake_clock: FakeClock,
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    start = fake_clock.now() - timedelta(days=3)
    entry = await trackers.add(TrackerBody(description="old words", start=start, duration=600))
    first, last = (start - timedelta(days=1)).date(), (start + timedelta(days=2)).date()
    await trackers.collect(start_date=first, end_date=last)
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT")
    with pytest.raises(httpx.ReadTimeout):
        await trackers.edit(entry, TrackerBody(description="new words"))
    found = {t.id: t.description for t in await trackers.collect(start_date=first, end_date=last)}
    assert found[entry.id] == "new words"


async def test_time_entry_moved_by_a_lost_edit_is_found_in_its_new_range(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int,
    fake_clock: FakeClock,
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    old_start = fake_clock.now() - timedelta(days=20)
    new_start = fake_clock.now() - timedelta(days=10)
    entry = await trackers.add(TrackerBody(description="mover", start=old_start, duration=600))
    window = ((new_start - timedelta(days=1)).date(), (new_start + timedelta(days=1)).date())
    await trackers.collect(start_date=window[0], end_date=window[1])
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT")
    with pytest.raises(httpx.ReadTimeout):
        await trackers.edit(entry, TrackerBody(start=new_start, duration=600))
    assert entry.id in {t.id for t in await trackers.collect(start_date=window[0], end_date=window[1])}


async def test_time_entry_deleted_by_a_lost_delete_is_gone_from_its_range(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int,
    fake_clock: FakeClock,
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    start = fake_clock.now() - timedelta(days=2)
    entry = await trackers.add(TrackerBody(description="doomed", start=start, duration=60))
    first, last = (start - timedelta(days=1)).date(), (start + timedelta(days=1)).date()
    await trackers.collect(start_date=first, end_date=last)
    toggl_emulator.faults.add(Fault.lost_answer(), method="DELETE")
    with pytest.raises(httpx.ReadTimeout):
        await trackers.delete(entry)
    assert entry.id not in {t.id for t in await trackers.collect(start_date=first, end_date=last)}


async def test_running_entry_is_asked_again_after_a_lost_start_of_another(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    await trackers.add(TrackerBody(description="first run"))
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST")
    with pytest.raises(httpx.ReadTimeout):
        await trackers.add(TrackerBody(description="second run"))
    running = await trackers.current(refresh=False)
    assert running is not None
    assert running.description == "second run"


async def test_projects_of_a_client_are_read_again_after_a_lost_archive(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, cache=cache, **kw)
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    client = await clients.add(ClientBody("Sleeper"))
    project = await projects.add(ProjectBody("Dozing", client_id=client.id))
    await projects.collect()
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST", path=r"/archive")
    with pytest.raises(httpx.ReadTimeout):
        await clients.archive(client)
    assert project.id not in {p.id for p in await projects.collect()}


async def test_time_entries_carrying_a_tag_are_read_again_after_a_lost_rename(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    entry = await trackers.add(TrackerBody(description="tagged", tags=["before-name"], duration=60,
                                           start=datetime.now(timezone.utc) - timedelta(days=1)))
    tag = next(t for t in await tags.collect() if t.name == "before-name")
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT", path=r"/tags/")
    with pytest.raises(httpx.ReadTimeout):
        await tags.edit(tag, "after-name")
    got = await trackers.get(entry.id)
    assert got is not None
    assert [t.name for t in got.tags] == ["after-name"]


# -- failures that never reached Toggl change nothing --------------------------------------------------------


async def test_tag_list_stays_cached_after_an_add_that_never_connected(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tags.collect()
    toggl_emulator.faults.add(Fault.connect_error(), method="POST")
    with pytest.raises(httpx.ConnectError):
        await tags.add("never-made")
    before = len(toggl_emulator.requests)
    await tags.collect()
    assert asked(toggl_emulator, before) == 0


async def test_tag_list_stays_cached_after_a_refused_edit(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    tag = await tags.add("steady")
    await tags.collect()
    toggl_emulator.faults.add(Fault.http_error(400, "Invalid name"), method="PUT")
    with pytest.raises(BadRequestError):
        await tags.edit(tag, "wobbly")
    before = len(toggl_emulator.requests)
    await tags.collect()
    assert asked(toggl_emulator, before) == 0


async def test_tag_list_stays_cached_after_a_budget_refusal(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, session=TogglSession(requests_per_hour=1), **kw)
    await tags.collect()
    with pytest.raises(BudgetExhaustedError):
        await tags.add("refused")
    before = len(toggl_emulator.requests)
    await tags.collect()
    assert asked(toggl_emulator, before) == 0


async def test_time_entry_range_stays_cached_after_a_validation_error(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int,
    fake_clock: FakeClock,
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, cache=cache, **kw)
    start = fake_clock.now() - timedelta(days=2)
    await trackers.add(TrackerBody(description="kept", start=start, duration=60))
    first, last = (start - timedelta(days=1)).date(), (start + timedelta(days=1)).date()
    await trackers.collect(start_date=first, end_date=last)
    with pytest.raises(NamingError):
        await trackers.add(TrackerBody(start=start, duration=60))  # no description: refused before sending
    before = len(toggl_emulator.requests)
    await trackers.collect(start_date=first, end_date=last)
    assert asked(toggl_emulator, before) == 0


async def test_project_is_read_again_after_retries_of_an_edit_ran_out(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **{**kw, "retries": 1})
    project = await projects.add(ProjectBody("Tried"))
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT")
    toggl_emulator.faults.add(Fault.server_error(503), method="PUT")
    with pytest.raises(ServerError):
        await projects.edit(project, ProjectBody(name="Applied once"))
    got = await projects.get(project.id)
    assert got is not None
    assert got.name == "Applied once"


async def test_a_raw_write_request_whose_answer_was_lost_makes_the_entity_unknown(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, cache=cache, **kw)
    project = await projects.add(ProjectBody("Raw"))
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT")
    with pytest.raises(httpx.ReadTimeout):
        await projects.request(f"workspaces/{toggl_workspace_id}/projects/{project.id}", body={"name": "Raw 2"},
                               method=RequestMethod.PUT)
    got = await projects.get(project.id)
    assert got is not None
    assert got.name == "Raw 2"


# -- the resources added later go through the same guard -------------------------------------------------------


def _a_project(emulator: Emulator, workspace_id: int) -> int:
    return min(
        p.id
        for p in emulator.state.projects.values()
        if p.workspace_id == workspace_id and p.active and p.server_deleted_at is None
    )


async def test_task_list_is_read_again_after_an_add_whose_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tasks = AsyncTaskEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tasks.collect()
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST", path=r"/tasks$")
    with pytest.raises(httpx.ReadTimeout):
        await tasks.add(_a_project(toggl_emulator, toggl_workspace_id), TaskBody(name="made-anyway"))
    assert "made-anyway" in {t.name for t in await tasks.collect()}


async def test_group_is_read_again_after_a_rename_whose_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    groups = AsyncGroupEndpoint(toggl_workspace_id, cache=cache, **kw)
    group = await groups.add("Before")
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT", path=r"/groups/\d+$")
    with pytest.raises(httpx.ReadTimeout):
        await groups.edit(group, "After")
    got = await groups.get(group.id)
    assert got is not None
    assert got.name == "After"


async def test_tags_deleted_in_bulk_leave_the_cache_when_the_answer_was_lost(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tags = AsyncTagEndpoint(toggl_workspace_id, cache=cache, **kw)
    doomed = [await tags.add("doomed-1"), await tags.add("doomed-2")]
    toggl_emulator.faults.add(Fault.lost_answer(), method="PATCH", path=r"/tags$")
    with pytest.raises(httpx.ReadTimeout):
        await tags.bulk_delete(*doomed)
    assert not {"doomed-1", "doomed-2"} & {t.name for t in await tags.collect()}


async def test_a_refused_task_add_keeps_the_cached_task_list(
    cache: TogglAsyncCache[Any], kw: dict[str, Any], toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    tasks = AsyncTaskEndpoint(toggl_workspace_id, cache=cache, **kw)
    await tasks.collect()
    with pytest.raises(BadRequestError):
        await tasks.add(2**40, TaskBody(name="nowhere"))  # no such project: Toggl refuses, nothing was made
    before = len(toggl_emulator.requests)
    await tasks.collect()
    assert asked(toggl_emulator, before) == 0
