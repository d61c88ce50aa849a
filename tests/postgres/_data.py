"""Models for the PostgreSQL cache tests: every field type, ids above 2^31, aware datetimes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from toggl_api._core.models import (
    TogglClient,
    TogglGroup,
    TogglOrganization,
    TogglOrganizationUser,
    TogglProject,
    TogglProjectUser,
    TogglTag,
    TogglTask,
    TogglTracker,
    TogglWorkspace,
    TogglWorkspaceUser,
)
from toggl_api.testing.clock import DEFAULT_START

UTC = timezone.utc
DAY = datetime(2026, 11, 20, tzinfo=UTC)
#: Ids past 32-bit integers (Toggl's ids are 64-bit; an INTEGER column would overflow on PostgreSQL).
BIG = 2**40
WS = 2**33 + 1


def tracker(ident: int, *, hours: int = 0, project: int | None = None, tags: list[TogglTag] | None = None,
            name: str | None = None, fetched: datetime = DEFAULT_START) -> TogglTracker:
    """A stopped half-hour time entry fetched at ``fetched`` (the fake clock's start by default)."""
    start = DAY + timedelta(hours=hours)
    return TogglTracker(ident, name if name is not None else f"entry {ident}", fetched, workspace=WS, start=start,
                        stop=start + timedelta(minutes=30), duration=timedelta(minutes=30), project=project,
                        tags=tags or [])


#: One entity of each model with every field set to something a lossy store would change.
EVERY_MODEL = [
    TogglOrganization(BIG + 1, "Org ✓", at=DAY, extra={"pricing_plan_id": 7, "admin": True}),
    TogglWorkspace(WS, "My workspace", organization=BIG + 1, at=DAY, server_deleted_at=DAY + timedelta(days=1)),
    TogglClient(BIG + 3, "123", workspace=WS, archived=True, notes="null", extra={"external_reference": None}),
    TogglTag(BIG + 4, "true", workspace=WS, server_deleted_at=DAY),
    TogglProject(BIG + 5, "[1,2]", workspace=WS, color="#ff0000", client=BIG + 3, active=False,
                 start_date=date(2026, 1, 2), end_date=date(2026, 12, 31), is_private=False, billable=True,
                 extra={"rate": 12.5, "currency": "EUR", "list": [1, "two", None]}),
    TogglTracker(BIG + 6, '{"a": 1}', workspace=WS, start=DAY, stop=DAY + timedelta(hours=1, microseconds=7),
                 duration=timedelta(hours=1, microseconds=7), project=BIG + 5,
                 tags=[TogglTag(BIG + 4, "true", workspace=WS), TogglTag(BIG + 8, "ünïcode", workspace=WS)],
                 billable=True, user=BIG + 9, at=DAY, task=BIG + 10,
                 extra={"tag_ids": [BIG + 4], "nested": {"x": None}}),
    TogglTask(BIG + 10, "task ✓", workspace=WS, project=BIG + 5, active=False, estimated_seconds=2**33, user=BIG + 9,
              at=DAY, extra={"tracked_seconds": 3_600_000}),
    TogglWorkspaceUser(BIG + 11, "Ada", workspace=WS, user=BIG + 9, email="ada@example.com", admin=True,
                       role="projectlead", active=False, inactive=True, timezone="Europe/Berlin"),
    TogglOrganizationUser(BIG + 12, "Ada", user=BIG + 9, organization=BIG + 1, email=None, admin=True, owner=True,
                          inactive=True, joined=False, workspaces=[WS, BIG]),
    TogglProjectUser(BIG + 13, "", workspace=WS, project=BIG + 5, user=BIG + 9, manager=True, rate=12.75,
                     group=BIG + 14),
    TogglGroup(BIG + 14, "Team", workspace=WS, has_users=True, at=DAY),
]
