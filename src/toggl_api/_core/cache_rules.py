"""Cache decisions as plain functions: which action a request method maps to, and what is fresh."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from .api.request import RequestMethod

__all__ = ["CacheAction", "action_for", "is_fresh", "normalize_expiry"]


class CacheAction(enum.Enum):
    """What a response does to the cache."""

    ADD = "add"
    UPDATE = "update"
    DELETE = "delete"


_ACTIONS = {
    RequestMethod.GET: CacheAction.ADD,
    RequestMethod.PUT: CacheAction.ADD,
    RequestMethod.PATCH: CacheAction.UPDATE,
    RequestMethod.POST: CacheAction.UPDATE,
    RequestMethod.DELETE: CacheAction.DELETE,
}


def action_for(method: RequestMethod) -> CacheAction:
    """The documented flow: GET and PUT add (upsert), PATCH and POST update (upsert), DELETE deletes."""
    return _ACTIONS[method]


def normalize_expiry(value: timedelta | int | float | None) -> timedelta | None:
    """``expire_after`` as a timedelta (seconds accepted); ``None`` never expires; 0 means "do not cache".

    Raises:
        TypeError: not a number, timedelta or None.
        ValueError: negative.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        msg = "expire_after must be seconds, a timedelta or None, not a bool"
        raise TypeError(msg)
    if isinstance(value, (int, float)):
        try:
            value = timedelta(seconds=value)
        except (OverflowError, ValueError):  # beyond timedelta's ~2.7 million years, inf, nan
            msg = f"expire_after of {value!r} seconds is out of range; pass None to never expire"
            raise ValueError(msg) from None
    if not isinstance(value, timedelta):
        msg = f"expire_after must be seconds, a timedelta or None, not {type(value).__name__}"
        raise TypeError(msg)
    if value < timedelta(0):
        msg = f"expire_after must not be negative, got {value.total_seconds():g} seconds"
        raise ValueError(msg)
    return value


def caching_disabled(expire_after: timedelta | None) -> bool:
    """``expire_after == 0`` turns caching off."""
    return expire_after is not None and expire_after == timedelta(0)


def is_fresh(fetched_at: datetime | None, now: datetime, expire_after: timedelta | None) -> bool:
    """Whether something fetched at ``fetched_at`` is still usable at ``now``."""
    if fetched_at is None:
        return False
    if expire_after is None:
        return True
    return now - fetched_at < expire_after
