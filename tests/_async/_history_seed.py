"""Old history for the backfill tests: entries the demo account lacks, added to the emulator's state directly,
and independent expectations computed from that state (never through the API)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from toggl_api._core.history import DETAILED_PAGE_SIZE, HistoryWindow
from toggl_api.testing import Emulator


def seed_history(emulator: Emulator, *, oldest: int = 420, newest: int = 150) -> None:
    """Three entries a day from ``oldest`` to ``newest`` days ago, alternating between the demo workspaces; one
    of them starts at 23:30 UTC (already the next day in the user's zone), so the window margins matter."""
    account = emulator.account
    assert account is not None
    state = emulator.state
    user = state.users[account.user_id]
    workspaces = [state.workspaces[w] for w in account.workspace_ids]
    now = emulator.clock.now()
    for back in range(newest, oldest):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        for k, hour in enumerate((9, 13, 23)):
            start = day + timedelta(hours=hour, minutes=30 if hour == 23 else 0)
            state.add_time_entry(
                workspaces[(back + k) % 2],
                user,
                start,
                start + timedelta(minutes=25),
                description=f"old work {back}/{k}",
                at=start + timedelta(hours=1),
            )


def user_entries(emulator: Emulator, lower: datetime, upper: datetime | None = None) -> set[int]:
    """Ids of the demo user's live entries starting in ``[lower, upper)``."""
    account = emulator.account
    assert account is not None
    return {
        te.id
        for te in emulator.state.time_entries.values()
        if te.user_id == account.user_id
        and not te.deleted
        and te.start >= lower
        and (upper is None or te.start < upper)
    }


def pages_needed(emulator: Emulator, windows: list[HistoryWindow]) -> int:
    """Detailed-search pages the windows need: per window and workspace, the user's stopped entries whose local
    day lies in the request's days, ``DETAILED_PAGE_SIZE`` a page (an empty answer is one page)."""
    account = emulator.account
    assert account is not None
    zone = ZoneInfo(emulator.state.users[account.user_id].timezone)
    total = 0
    for window in windows:
        first: date = window.start_date
        last: date = window.end_date
        for wid in account.workspace_ids:
            rows = sum(
                1
                for te in emulator.state.time_entries.values()
                if te.workspace_id == wid
                and te.user_id == account.user_id
                and te.stop is not None
                and not te.deleted
                and first <= te.start.astimezone(zone).date() <= last
            )
            total += max(1, math.ceil(rows / DETAILED_PAGE_SIZE))
    return total
