"""Reading and writing the time-entry ``Coverage`` kept in a cache's value store (see ``_core.coverage``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .._core.coverage import COVERAGE_KEY, Coverage
from .cache.base import TogglAsyncCache

__all__ = ["async_load_coverage", "async_update_coverage"]

log = logging.getLogger("toggl_api.cache")


async def async_load_coverage(cache: TogglAsyncCache[Any]) -> Coverage:
    """The coverage stored in ``cache`` (empty when none, or when the stored value is unreadable)."""
    try:
        return Coverage.from_json(await cache.get_value(COVERAGE_KEY))
    except ValueError as exc:
        log.warning("ignoring the cache's time-entry coverage (%s); ranges will be fetched again", exc)
        return Coverage()


async def async_update_coverage(cache: TogglAsyncCache[Any], change: Callable[[Coverage], Coverage]) -> None:
    """Apply ``change`` to the stored coverage, drop expired parts and store it (the caller commits)."""
    before = await async_load_coverage(cache)
    after = change(before).prune(cache.now(), cache.effective_expire_after)
    if after != before:
        await cache.set_value(COVERAGE_KEY, after.to_json() if after.segments else None)
