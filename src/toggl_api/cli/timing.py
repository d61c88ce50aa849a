"""What the timer commands (``start``, ``stop``, ``current``) decide, as pure functions (no I/O, no clock).

- ``--at``: ``HH:MM`` (today, in the display zone) or an ISO date-time (a naive one is in the display zone); a
  start in the future is refused, as Toggl's own apps do not start timers there.
- Freshness: the cache answers "what runs now?" without a request only when a timer command learned that from
  Toggl within :data:`RUNNING_FRESH_FOR`, or while webhook pushes keep it live (``toggl-api listen``). Anything
  older may miss a timer started or stopped in another app, so the commands ask Toggl (1 request).
- The one-line text of a time entry: ``▶ Writing docs · Website (Acme) · started 09:12, running 1h 05m``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

__all__ = [
    "CHECKED_KEY",
    "RUNNING_FRESH_FOR",
    "TimerError",
    "entry_line",
    "human_duration",
    "knows_running",
    "parse_at",
]

#: How long the cache's answer to "what runs now?" stays trusted after Toggl gave it.
RUNNING_FRESH_FOR = timedelta(seconds=60)
#: Cache value holding when a timer command last learned from Toggl what runs (ISO 8601, UTC).
CHECKED_KEY = "cli:running_checked_at"

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


class TimerError(ValueError):
    """Input the timer commands cannot use; the message says what to pass instead."""


def parse_at(value: str, now: datetime, zone: tzinfo) -> datetime:
    """The start of ``--at``: ``HH:MM`` today in ``zone``, or an ISO 8601 date-time (naive: in ``zone``).

    Raises:
        TimerError: not a time, or a time after ``now``.
    """
    text = value.strip()
    clock = _CLOCK.fullmatch(text)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if hour > 23 or minute > 59:
            raise TimerError(f"--at {value!r} is no time of day: pass HH:MM (00:00 to 23:59)")
        local_now = now.astimezone(zone)
        when = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    else:
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise TimerError(
                f"--at must be HH:MM or a date-time like 2026-11-20T09:15, got {value!r}"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=zone)
    if when > now:
        shown = now.astimezone(zone).strftime("%H:%M")
        raise TimerError(f"--at {value} is in the future (it is {shown} now): pass an earlier time")
    return when


def knows_running(checked_at: datetime | None, now: datetime, *, live: bool) -> bool:
    """Whether the cache may answer "what runs now?" without asking Toggl.

    Args:
        checked_at: When a timer command last learned it from Toggl (a time after ``now`` is not trusted).
        now: The present.
        live: Whether webhook pushes keep the cache live.
    """
    if live:
        return True
    return checked_at is not None and timedelta(0) <= now - checked_at < RUNNING_FRESH_FOR


def human_duration(seconds: float) -> str:
    """``1h 05m``, ``12m``, ``40s``: a duration as people read it (whole seconds, never negative)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


def _clock(value: datetime, now: datetime, zone: tzinfo) -> str:
    local = value.astimezone(zone)
    same_day = local.date() == now.astimezone(zone).date()
    return local.strftime("%H:%M") if same_day else local.strftime("%Y-%m-%d %H:%M")


def entry_line(
    description: str,
    start: datetime,
    stop: datetime | None,
    now: datetime,
    zone: tzinfo,
    *,
    project: str | None = None,
    client: str | None = None,
    tags: list[str] | None = None,
) -> str:
    """One line for a time entry: ``▶`` while it runs, ``■`` once stopped.

    ``▶ Writing docs · Website (Acme) · started 09:12, running 1h 05m`` or
    ``■ Writing docs · Website (Acme) · 09:12 → 10:17 (1h 05m)``.
    """
    parts = [description or "(no description)"]
    if project is not None:
        parts.append(f"{project} ({client})" if client else project)
    if tags:
        parts.append(" ".join(f"#{t}" for t in tags))
    if stop is None:
        parts.append(f"started {_clock(start, now, zone)}, running {human_duration((now - start).total_seconds())}")
        return "▶ " + " · ".join(parts)
    span = f"{_clock(start, now, zone)} → {_clock(stop, now, zone)}"
    parts.append(f"{span} ({human_duration((stop - start).total_seconds())})")
    return "■ " + " · ".join(parts)
