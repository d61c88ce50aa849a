"""The cache contract, run against both backends (JSON files and SQLite): upserts, expiry, queries, markers,
statistics and round-trips of every field type."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from toggl_api import MissingParentError
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.models import (
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
)
from toggl_api.asyncio import AsyncJSONCache, AsyncSqliteCache, TogglAsyncCache
from toggl_api.meta.cache import Comparison, TogglQuery
from toggl_api.testing import FakeClock
from toggl_api.testing.clock import DEFAULT_START

UTC = timezone.utc
DAY = datetime(2026, 11, 20, tzinfo=UTC)


def tracker(ident: int, *, hours: int = 0, project: int | None = None, tags: list[TogglTag] | None = None,
            name: str | None = None, stop: bool = True, fetched: datetime = DEFAULT_START) -> TogglTracker:
    """A stopped time entry fetched at ``fetched`` (the fake clock's start by default)."""
    start = DAY + timedelta(hours=hours)
    return TogglTracker(
        ident,
        name if name is not None else f"entry {ident}",
        fetched,
        workspace=1,
        start=start,
        stop=start + timedelta(minutes=30) if stop else None,
        duration=timedelta(minutes=30) if stop else None,
        project=project,
        tags=tags or [],
    )


@pytest.fixture(params=["json", "sqlite"])
async def cache(request: pytest.FixtureRequest, cache_dir: Path, fake_clock: FakeClock) -> AsyncIterator[Any]:
    kind = AsyncJSONCache if request.param == "json" else AsyncSqliteCache
    made = kind(cache_dir, clock=fake_clock)
    yield made
    await made.aclose()


async def reopen(cache: Any, **kwargs: Any) -> Any:
    """A second cache object on the same storage (what a later run of the program sees)."""
    await cache.commit()
    return type(cache)(cache.path, clock=cache.clock, **kwargs)


async def test_find_returns_an_added_entry_by_id(cache: Any) -> None:
    await cache.add(tracker(1), tracker(2))
    assert (await cache.find(2, TogglTracker)) == tracker(2)


async def test_find_accepts_a_model_or_an_id_dict(cache: Any) -> None:
    await cache.add(tracker(1))
    assert (await cache.find(tracker(1))) == tracker(1)
    assert (await cache.find({"id": 1}, TogglTracker)) == tracker(1)


async def test_find_of_an_unknown_id_is_none(cache: Any) -> None:
    await cache.add(tracker(1))
    assert await cache.find(99, TogglTracker) is None


async def test_add_replaces_an_entry_with_the_same_id(cache: Any) -> None:
    await cache.add(tracker(1, name="old"))
    await cache.add(tracker(1, name="new"))
    assert (await cache.find(1, TogglTracker)).name == "new"
    assert len(await cache.load(TogglTracker)) == 1


async def test_entries_survive_commit_and_reopen(cache: Any) -> None:
    await cache.add(tracker(1), tracker(2))
    other = await reopen(cache)
    try:
        assert await other.load(TogglTracker) == [tracker(1), tracker(2)]
    finally:
        await other.aclose()


async def test_delete_removes_entries_given_as_models_or_ids(cache: Any) -> None:
    await cache.add(tracker(1), tracker(2), tracker(3))
    await cache.delete(tracker(1))
    await cache.delete(2, model=TogglTracker)
    assert [t.id for t in await cache.load(TogglTracker)] == [3]


async def test_one_cache_holds_several_models_apart(cache: Any) -> None:
    await cache.add(TogglTag(1, "tag", workspace=1), TogglClient(1, "client", workspace=1))
    assert (await cache.find(1, TogglTag)).name == "tag"
    assert (await cache.find(1, TogglClient)).name == "client"


async def test_default_model_without_parent_raises_missing_parent(cache: Any) -> None:
    with pytest.raises(MissingParentError):
        await cache.load()


@pytest.mark.parametrize(
    "entity",
    [
        TogglOrganization(1, "Org", at=DAY, extra={"pricing_plan_id": 7}),
        TogglWorkspace(2, "My workspace", organization=1, at=DAY),
        TogglClient(3, "123", workspace=2, archived=True, notes="null"),
        TogglTag(4, "true", workspace=2, server_deleted_at=DAY),
        TogglProject(5, "[1,2]", workspace=2, color="#ff0000", client=3, active=False, start_date=date(2026, 1, 2),
                     end_date=date(2026, 12, 31), is_private=False, billable=True, extra={"rate": 12.5}),
        TogglTracker(6, '{"a": 1}', workspace=2, start=DAY, stop=DAY + timedelta(hours=1),
                     duration=timedelta(hours=1), project=5, tags=[TogglTag(4, "true", workspace=2)],
                     billable=True, user=9, at=DAY, extra={"tag_ids": [4], "nested": {"x": None}}),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_every_field_type_round_trips_exactly(cache: Any, entity: Any) -> None:
    await cache.add(entity)
    other = await reopen(cache)
    try:
        found = await other.find(entity.id, type(entity))
    finally:
        await other.aclose()
    assert found == entity
    assert found.extra == entity.extra
    assert found.timestamp == entity.timestamp
    assert type(found.name) is str


async def test_expired_entries_are_hidden_from_load_find_and_query(
    cache_dir: Path, fake_clock: FakeClock, cache: Any
) -> None:
    cache.expire_after = 60
    await cache.add(tracker(1))
    fake_clock.advance(61)
    assert await cache.load(TogglTracker) == []
    assert await cache.find(1, TogglTracker) is None
    assert await cache.query(TogglQuery("id", 1), model=TogglTracker) == []


async def test_fresh_entries_are_returned_before_they_expire(fake_clock: FakeClock, cache: Any) -> None:
    cache.expire_after = timedelta(seconds=60)
    await cache.add(tracker(1))
    fake_clock.advance(59)
    assert [t.id for t in await cache.load(TogglTracker)] == [1]
    assert await cache.find(1, TogglTracker) is not None
    assert len(await cache.query(TogglQuery("id", 1), model=TogglTracker)) == 1


async def test_find_include_expired_returns_a_stale_entry(fake_clock: FakeClock, cache: Any) -> None:
    cache.expire_after = 60
    await cache.add(tracker(1))
    fake_clock.advance(120)
    assert (await cache.find(1, TogglTracker, include_expired=True)) == tracker(1)


async def test_an_expired_entry_is_refreshed_by_adding_it_again(fake_clock: FakeClock, cache: Any) -> None:
    cache.expire_after = 60
    await cache.add(tracker(1, name="old"))
    await cache.commit()
    fake_clock.advance(120)
    await cache.add(TogglTracker(1, "new", fake_clock.now(), workspace=1, start=DAY))
    await cache.commit()
    assert (await cache.find(1, TogglTracker)).name == "new"


async def test_expire_after_zero_disables_the_cache(cache: Any) -> None:
    cache.expire_after = 0
    assert cache.disabled


async def test_save_with_get_upserts_and_commits(cache: Any) -> None:
    await cache.save([tracker(1), tracker(2)], RequestMethod.GET)
    other = await reopen(cache)
    try:
        assert len(await other.load(TogglTracker)) == 2
    finally:
        await other.aclose()


async def test_save_with_delete_removes_the_entry(cache: Any) -> None:
    await cache.add(tracker(1))
    await cache.save(tracker(1), RequestMethod.DELETE)
    assert await cache.find(1, TogglTracker) is None


@pytest.mark.parametrize(
    ("method", "action"),
    [
        (RequestMethod.GET, "add"),
        (RequestMethod.PUT, "add"),
        (RequestMethod.PATCH, "update"),
        (RequestMethod.POST, "update"),
        (RequestMethod.DELETE, "delete"),
    ],
)
async def test_find_method_maps_request_methods_to_cache_operations(
    cache: Any, method: RequestMethod, action: str
) -> None:
    assert cache.find_method(method) == getattr(cache, action)


async def test_query_range_and_in_select_matching_entries(cache: Any) -> None:
    await cache.add(*(tracker(i, hours=i, project=i % 3) for i in range(10)))
    found = await cache.query(
        TogglQuery("start", DAY + timedelta(hours=3), Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", DAY + timedelta(hours=8), Comparison.LESS_THEN),
        TogglQuery("project", [1, 2]),
        model=TogglTracker,
    )
    assert [t.id for t in found] == [4, 5, 7]


async def test_query_equal_none_matches_missing_values(cache: Any) -> None:
    await cache.add(tracker(1, project=None), tracker(2, project=5))
    assert [t.id for t in await cache.query(TogglQuery("project", None), model=TogglTracker)] == [1]


async def test_query_tags_by_name_or_id_means_overlap(cache: Any) -> None:
    work, home = TogglTag(10, "work", workspace=1), TogglTag(11, "home", workspace=1)
    await cache.add(tracker(1, tags=[work]), tracker(2, tags=[home]), tracker(3, tags=[work, home]), tracker(4))
    by_name = await cache.query(TogglQuery("tags", ["work", "nothing"]), model=TogglTracker)
    by_id = await cache.query(TogglQuery("tags", 11), model=TogglTracker)
    assert [t.id for t in by_name] == [1, 3]
    assert [t.id for t in by_id] == [2, 3]


async def test_query_with_a_date_covers_the_whole_day(cache: Any) -> None:
    await cache.add(tracker(1, hours=-1), tracker(2, hours=0), tracker(3, hours=23), tracker(4, hours=24))
    on_day = await cache.query(TogglQuery("start", DAY.date()), model=TogglTracker)
    until_day = await cache.query(TogglQuery("start", DAY.date(), Comparison.LESS_THEN_OR_EQUAL), model=TogglTracker)
    after_day = await cache.query(TogglQuery("start", DAY.date(), Comparison.GREATER_THEN), model=TogglTracker)
    assert [t.id for t in on_day] == [2, 3]
    assert [t.id for t in until_day] == [1, 2, 3]
    assert [t.id for t in after_day] == [4]


async def test_query_a_date_field_with_a_date(cache: Any) -> None:
    await cache.add(
        TogglProject(1, "a", workspace=1, start_date=date(2026, 1, 1)),
        TogglProject(2, "b", workspace=1, start_date=date(2026, 6, 1)),
    )
    found = await cache.query(TogglQuery("start_date", date(2026, 3, 1), Comparison.GREATER_THEN), model=TogglProject)
    assert [p.id for p in found] == [2]


async def test_query_distinct_keeps_one_entry_per_value(cache: Any) -> None:
    await cache.add(*(tracker(i, project=i % 2) for i in range(6)))
    found = await cache.query(TogglQuery("project", [0, 1]), distinct=True, model=TogglTracker)
    assert [t.id for t in found] == [0, 1]


async def test_query_with_an_unknown_key_raises_value_error(cache: Any) -> None:
    with pytest.raises(ValueError, match="'colour' is not a queryable field of TogglTracker"):
        await cache.query(TogglQuery("colour", "red"), model=TogglTracker)


async def test_completeness_markers_persist(fake_clock: FakeClock, cache: Any) -> None:
    await cache.mark_complete("workspaces/1/tags", fake_clock.now())
    other = await reopen(cache)
    try:
        assert await other.completed_at("workspaces/1/tags") == fake_clock.now()
        assert await other.completed_at("workspaces/2/tags") is None
    finally:
        await other.aclose()


async def test_a_list_marker_expires_with_the_cache(fake_clock: FakeClock, cache: Any) -> None:
    cache.expire_after = 60
    await cache.mark_complete("workspaces/1/tags", fake_clock.now())
    assert await cache.list_is_fresh("workspaces/1/tags")
    fake_clock.advance(61)
    assert not await cache.list_is_fresh("workspaces/1/tags")


async def test_mark_complete_none_forgets_the_list(fake_clock: FakeClock, cache: Any) -> None:
    await cache.mark_complete("scope", fake_clock.now())
    await cache.mark_complete("scope", None)
    assert await cache.completed_at("scope") is None


async def test_entry_count_reports_fresh_entries_in_stats(fake_clock: FakeClock, cache: Any) -> None:
    cache.expire_after = 60
    await cache.add(tracker(1))
    fake_clock.advance(30)
    await cache.add(TogglTracker(2, "b", fake_clock.now(), workspace=1, start=DAY))
    fake_clock.advance(40)
    assert await cache.entry_count(TogglTracker) == 1
    assert cache.stats.entries == 1


async def test_cache_is_an_instance_of_the_abstract_contract(cache: Any) -> None:
    assert isinstance(cache, TogglAsyncCache)
