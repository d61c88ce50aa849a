"""Independent sums over the emulator's seeded state for the report tests (reads the state, not the API)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from toggl_api.testing import Emulator
from toggl_api.testing.state import TimeEntry


def reportable(emulator: Emulator, workspace_id: int, start: date, end: date) -> list[TimeEntry]:
    """Stopped, live entries of the workspace whose start day (in the demo user's zone) is in [start, end]."""
    account = emulator.account
    assert account is not None
    zone = ZoneInfo(emulator.state.users[account.user_id].timezone)
    return [
        te
        for te in emulator.state.time_entries.values()
        if te.workspace_id == workspace_id
        and te.stop is not None
        and te.server_deleted_at is None
        and start <= te.start.astimezone(zone).date() <= end
    ]
