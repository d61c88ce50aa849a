"""``clear()`` on both backends: every entity, list marker, stored value and sync state is gone, the cache stays
usable, and the storage stays private."""

from __future__ import annotations

import stat
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from toggl_api._core.models import TogglProject, TogglTag, TogglTracker
from toggl_api.asyncio import AsyncJSONCache, AsyncSqliteCache
from toggl_api.testing import FakeClock
from toggl_api.testing.clock import DEFAULT_START

UTC = timezone.utc
DAY = datetime(2026, 11, 20, tzinfo=UTC)


def tracker(ident: int) -> TogglTracker:
    return TogglTracker(
        ident,
        f"entry {ident}",
        DEFAULT_START,
        workspace=1,
        start=DAY,
        stop=DAY + timedelta(minutes=30),
        duration=timedelta(minutes=30),
        tags=[TogglTag(7, "seven", DEFAULT_START, workspace=1)],
    )


@pytest.fixture(params=["json", "sqlite"])
async def cache(request: pytest.FixtureRequest, cache_dir: Path, fake_clock: FakeClock) -> AsyncIterator[Any]:
    kind = AsyncJSONCache if request.param == "json" else AsyncSqliteCache
    made = kind(cache_dir, clock=fake_clock)
    yield made
    await made.aclose()


async def filled(cache: Any) -> Any:
    await cache.add(tracker(1), tracker(2), TogglProject(3, "Website", DEFAULT_START, workspace=1))
    await cache.add(TogglTag(7, "seven", DEFAULT_START, workspace=1))
    await cache.mark_complete("projects/1", DAY)
    await cache.mark_complete("sync:watermark", DAY)
    await cache.set_value("coverage", "[1, 2]")
    await cache.commit()
    return cache


async def test_clear_removes_every_entity_of_every_model(cache: Any) -> None:
    await filled(cache)

    await cache.clear()

    for model in (TogglTracker, TogglProject, TogglTag):
        assert await cache.load(model) == []
    assert await cache.find(1, TogglTracker) is None


async def test_clear_forgets_list_markers_and_the_sync_state(cache: Any) -> None:
    await filled(cache)

    await cache.clear()

    assert await cache.completed_at("projects/1") is None
    assert await cache.completed_at("sync:watermark") is None


async def test_clear_forgets_stored_values(cache: Any) -> None:
    await filled(cache)

    await cache.clear()

    assert await cache.get_value("coverage") is None


async def test_a_new_cache_object_on_the_storage_sees_it_empty(cache: Any) -> None:
    await filled(cache)

    await cache.clear()
    again = type(cache)(cache.path, clock=cache.clock)
    try:
        assert await again.load(TogglTracker) == []
        assert await again.completed_at("projects/1") is None
    finally:
        await again.aclose()


async def test_the_cache_is_usable_after_clear(cache: Any) -> None:
    await filled(cache)
    await cache.clear()

    await cache.add(tracker(5))
    await cache.commit()

    assert [t.id for t in await cache.load(TogglTracker)] == [5]


async def test_clear_of_a_new_empty_cache_is_harmless(cache: Any) -> None:
    await cache.clear()

    assert await cache.load(TogglTracker) == []


async def test_clear_keeps_the_storage_private(cache: Any) -> None:
    await filled(cache)

    await cache.clear()

    files = [p for p in Path(cache.path).iterdir() if p.is_file() and not p.name.endswith(".lock")]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


async def test_clear_drops_changes_not_yet_committed(cache: Any) -> None:
    await filled(cache)
    await cache.add(tracker(9))  # pending on the JSON cache, already written on the SQL one

    await cache.clear()
    await cache.commit()

    assert await cache.find(9, TogglTracker) is None
