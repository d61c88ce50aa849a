"""How a cached time entry says that writes to it wait in the offline outbox: plain values, no imports.

Kept apart from ``_core.outbox`` (which re-exports them) because ``TogglTracker.pending`` needs them on every
read, also where the outbox's rules, and through its errors httpx, are never loaded (the offline CLI).
"""

from __future__ import annotations

__all__ = ["PENDING_EXTRA", "PENDING_ID_BASE", "is_pending_id"]

#: Temporary ids of entries created offline are ``PENDING_ID_BASE + n`` (n = 1, 2, ...): 9 * 10**18 and up, inside
#: the 64-bit ids the caches store, far above Toggl's ids, and disjoint from CSV imports' negative ids.
PENDING_ID_BASE = 9_000_000_000_000_000_000
#: ``extra`` key of a cached entity with writes waiting in the outbox (its value: the newest write's key).
PENDING_EXTRA = "toggl_api_pending"


def is_pending_id(value: object) -> bool:
    """Whether ``value`` is a temporary id of an entry created offline."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= PENDING_ID_BASE
