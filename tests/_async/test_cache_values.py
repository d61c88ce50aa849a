"""The caches' small value store (``set_value``/``get_value``), on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from toggl_api.asyncio import AsyncJSONCache, AsyncSqliteCache
from toggl_api.testing import FakeClock


@pytest.fixture(params=["json", "sqlite"])
async def cache(request: pytest.FixtureRequest, cache_dir: Path, fake_clock: FakeClock) -> AsyncIterator[Any]:
    kind = AsyncJSONCache if request.param == "json" else AsyncSqliteCache
    made = kind(cache_dir, clock=fake_clock)
    yield made
    await made.aclose()


async def test_a_value_is_read_back_by_a_later_cache_on_the_same_storage(cache: Any) -> None:
    await cache.set_value("k", '{"a": 1}')
    await cache.commit()
    later = type(cache)(cache.path, clock=cache.clock)
    assert await later.get_value("k") == '{"a": 1}'
    await later.aclose()


async def test_setting_a_value_again_replaces_it(cache: Any) -> None:
    await cache.set_value("k", "one")
    await cache.set_value("k", "two")
    assert await cache.get_value("k") == "two"


async def test_setting_none_removes_a_value(cache: Any) -> None:
    await cache.set_value("k", "one")
    await cache.commit()
    await cache.set_value("k", None)
    await cache.commit()
    later = type(cache)(cache.path, clock=cache.clock)
    assert await later.get_value("k") is None
    await later.aclose()


async def test_an_unknown_key_has_no_value(cache: Any) -> None:
    assert await cache.get_value("missing") is None


async def test_json_values_survive_another_process_writing_markers(cache_dir: Path, fake_clock: FakeClock) -> None:
    first: AsyncJSONCache[Any] = AsyncJSONCache(cache_dir, clock=fake_clock)
    second: AsyncJSONCache[Any] = AsyncJSONCache(cache_dir, clock=fake_clock)
    await first.set_value("k", "kept")
    await first.commit()
    fake_clock.advance(1)
    await second.mark_complete("scope", fake_clock.now())
    await second.commit()
    third: AsyncJSONCache[Any] = AsyncJSONCache(cache_dir, clock=fake_clock)
    assert await third.get_value("k") == "kept"
    assert await third.completed_at("scope") == fake_clock.now()
