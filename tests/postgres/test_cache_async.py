"""``AsyncSqliteCache`` on PostgreSQL through the async driver (``create_async_engine("postgresql+psycopg://")``):
round-trips, queries, expiry and the team case, as with the sync cache."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api.asyncio import AsyncSqliteCache, AsyncTrackerEndpoint, async_register_tables
from toggl_api.meta.cache import Comparison, TogglQuery
from toggl_api.testing import Emulator, FakeClock

from ._data import BIG, DAY, EVERY_MODEL, tracker


def _member(pg_async_engines: Callable[..., Any], tmp_path: Path, clock: FakeClock) -> AsyncSqliteCache[Any]:
    return AsyncSqliteCache(tmp_path, engine=pg_async_engines(), clock=clock)


async def test_register_tables_creates_the_schema_through_the_async_driver(
    pg_async_empty_engines: Callable[..., Any]
) -> None:
    from sqlalchemy import inspect

    engine = pg_async_empty_engines()
    metadata = await async_register_tables(engine)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(metadata.tables) <= names


@pytest.mark.parametrize("entity", EVERY_MODEL, ids=lambda e: type(e).__name__)
async def test_every_model_round_trips_through_the_async_driver(
    pg_async_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock, entity: Any
) -> None:
    await _member(pg_async_engines, tmp_path, fake_clock).add(entity)
    found = await _member(pg_async_engines, tmp_path, fake_clock).find(entity.id, type(entity))
    assert found == entity
    assert found.extra == entity.extra


async def test_async_queries_combine_range_in_and_tags(pg_async_engine: Any, tmp_path: Path,
                                                       fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[Any] = AsyncSqliteCache(tmp_path, engine=pg_async_engine, clock=fake_clock)
    work = TogglTag(BIG, "work", workspace=1)
    await cache.add(*(tracker(i, hours=i, project=i % 2, tags=[work] if i % 3 == 0 else []) for i in range(1, 10)))
    found = await cache.query(
        TogglQuery("start", DAY, Comparison.GREATER_THEN),
        TogglQuery("project", [1]),
        TogglQuery("tags", "work"),
        model=TogglTracker,
    )
    assert [t.id for t in found] == [3, 9]
    distinct = await cache.query(TogglQuery("project", [0, 1]), distinct=True, model=TogglTracker)
    assert [t.id for t in distinct] == [1, 2]


async def test_async_expiry_hides_stale_rows_until_they_are_upserted_again(
    pg_async_engine: Any, tmp_path: Path, fake_clock: FakeClock
) -> None:
    cache: AsyncSqliteCache[Any] = AsyncSqliteCache(tmp_path, 60, engine=pg_async_engine, clock=fake_clock)
    await cache.add(tracker(1, name="old"))
    fake_clock.advance(61)
    assert await cache.find(1, TogglTracker) is None
    await cache.add(tracker(1, name="new", fetched=fake_clock.now()))
    found = await cache.find(1, TogglTracker)
    assert found is not None
    assert found.name == "new"
    assert await cache.entry_count(TogglTracker) == 1


async def test_async_members_see_each_others_writes_markers_and_deletes(
    pg_async_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    alice, bob = (_member(pg_async_engines, tmp_path, fake_clock) for _ in range(2))
    await alice.add(tracker(1), tracker(2))
    await alice.mark_complete("workspaces/1/time_entries", fake_clock.now())
    assert [t.id for t in await bob.load(TogglTracker)] == [1, 2]
    assert await bob.completed_at("workspaces/1/time_entries") == fake_clock.now()
    await bob.delete(1, model=TogglTracker)
    assert [t.id for t in await alice.load(TogglTracker)] == [2]


async def test_concurrent_async_writers_on_a_fresh_database_lose_nothing(
    pg_async_empty_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    members = [_member(pg_async_empty_engines, tmp_path, fake_clock) for _ in range(3)]
    ids = list(range(BIG, BIG + 100))
    tags = [TogglTag(1, "a", workspace=1)]

    async def write(cache: AsyncSqliteCache[Any], order: list[int]) -> None:
        for _ in range(3):
            await cache.add(*(tracker(i, tags=tags) for i in order))
            await cache.mark_complete("workspaces/1/time_entries", fake_clock.now())

    await asyncio.gather(*(write(m, ids if n % 2 else ids[::-1]) for n, m in enumerate(members)))
    found = await members[0].load(TogglTracker)
    assert [t.id for t in found] == ids
    assert all(len(t.tags) == 1 for t in found)


async def test_an_async_endpoint_reads_what_another_member_collected_without_requests(
    pg_async_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock, toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator,
) -> None:
    alice = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, _member(pg_async_engines, tmp_path, fake_clock),
                                 client=http_client, clock=fake_clock)
    bob = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, _member(pg_async_engines, tmp_path, fake_clock),
                               client=http_client, clock=fake_clock)
    collected = await alice.collect()
    sent = toggl_emulator.request_count()

    assert [await bob.get(entry.id) for entry in collected] == collected
    assert toggl_emulator.request_count() == sent
