"""Handing a cache of the wrong world to an endpoint fails at once, naming both classes."""

from __future__ import annotations

from pathlib import Path

import pytest

from toggl_api._core.models import TogglTag
from toggl_api.asyncio import AsyncJSONCache, AsyncSqliteCache, TogglAsyncCachedEndpoint
from toggl_api.meta import TogglCachedEndpoint
from toggl_api.meta.cache import JSONCache


class TagReader(TogglCachedEndpoint[TogglTag]):
    MODEL = TogglTag


class AsyncTagReader(TogglAsyncCachedEndpoint[TogglTag]):
    MODEL = TogglTag


@pytest.mark.parametrize("cache_class", [AsyncJSONCache, AsyncSqliteCache])
def test_an_async_cache_on_a_sync_endpoint_is_a_type_error(cache_dir: Path, cache_class: type) -> None:
    cache = cache_class(cache_dir)
    twin = cache_class.__name__.removeprefix("Async")
    with pytest.raises(TypeError, match=rf"TagReader needs a TogglCache, got {cache_class.__name__};.*try {twin}"):
        TagReader(None, cache)


def test_a_sync_cache_on_an_async_endpoint_is_a_type_error(cache_dir: Path) -> None:
    with pytest.raises(TypeError, match=r"AsyncTagReader needs a TogglAsyncCache, got JSONCache;.*try AsyncJSONCache"):
        AsyncTagReader(None, JSONCache(cache_dir))
