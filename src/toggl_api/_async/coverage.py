"""Reading and writing the time-entry ``Coverage`` kept in a cache's value store (see ``_core.coverage``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from .._core.coverage import COVERAGE_KEY, Coverage
from .._core.history import in_replaced_window
from .._core.models import TogglTracker
from .._core.sync_plan import Changes, diff_models
from .cache.base import TogglAsyncCache

__all__ = ["async_load_coverage", "async_replace_window", "async_update_coverage"]

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


async def async_replace_window(
    cache: TogglAsyncCache[Any],
    entries: Sequence[TogglTracker],
    *,
    workspace_id: int,
    lo: datetime,
    hi: datetime,
    user_id: int | None = None,
    keep_ids: Iterable[int] = (),
    covered_at: datetime | None = None,
) -> Changes:
    """Make ``entries`` the cache's whole truth for one workspace's entries starting in ``[lo, hi)``, in one commit.

    Every cached entry of ``workspace_id`` (of ``user_id`` or of no known user; running ones excepted) starting
    in the window that is neither in ``entries`` nor in ``keep_ids`` (ids an earlier page of the same answer
    stored) is removed: deleted on Toggl, or imported from a CSV export and superseded. ``entries`` are stored.
    With ``covered_at`` the window is also recorded as coverage as of then (pass it only when the answer holds
    every workspace's entries of the window: coverage is per user, not per workspace).

    Returns:
        The entries added, changed and removed.
    """
    incoming = list(entries)
    known = {m.id: m for m in await cache.load(TogglTracker) if isinstance(m, TogglTracker)}
    replaced = [
        i
        for i, m in known.items()
        if in_replaced_window(m, workspace_id=workspace_id, user_id=user_id, lo=lo, hi=hi)
    ]
    keep = set(keep_ids)
    changes = diff_models(known, incoming, replace_ids=[i for i in replaced if i not in keep])
    if changes.removed:
        await cache.delete(*changes.removed)
    live = [m for m in incoming if not m.is_deleted()]
    if live:  # unchanged ones too: their fetch time must not predate the coverage's
        await cache.add(*live)
    if covered_at is not None:
        await async_update_coverage(cache, lambda c: c.add(lo, hi, covered_at))
    await cache.commit()
    return changes
