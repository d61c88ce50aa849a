"""A fake clock that the emulator (and tests) read instead of the system clock.

Sleeping on a ``FakeClock`` never blocks: it advances the clock at once and records the sleep.
"""

from __future__ import annotations

import asyncio
import threading
import time as _time
from datetime import datetime, timedelta, timezone

__all__ = ["DEFAULT_START", "FakeClock"]

#: Start of a ``FakeClock()`` built without one: 2026-11-20T12:00:00Z, fixed so that code building its own
#: clock is repeatable. The pytest plugin's ``fake_clock`` fixture starts at the real current time instead.
DEFAULT_START = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class FakeClock:
    """Controllable, thread-safe UTC clock.

    Args:
        start: First instant of the clock (naive values are taken as UTC). Defaults to
            ``DEFAULT_START``.
        ticking: If true the clock also follows real elapsed time (used by the stand-alone
            server so that running entries grow); manual ``advance`` still adds on top.

    Attributes:
        sleeps: Every duration passed to ``sleep`` / ``asleep``, in call order.
    """

    def __init__(self, start: datetime | None = None, *, ticking: bool = False) -> None:
        self._lock = threading.Lock()
        self._now = _as_utc(start) if start is not None else DEFAULT_START
        self._ticking = ticking
        self._real_anchor = _time.monotonic()
        self._monotonic = 0.0
        #: Real-time mode (``system``): ``now`` is the system clock plus this offset.
        self._system_offset: timedelta | None = None
        self.sleeps: list[float] = []

    @classmethod
    def system(cls) -> FakeClock:
        """A clock that reads the system's real time, to the microsecond (the stand-alone server's).

        ``advance`` and ``set`` still work: they shift it by an offset from real time.
        """
        clock = cls(datetime.now(timezone.utc), ticking=True)
        clock._system_offset = timedelta(0)
        return clock

    def _sync(self) -> None:
        if self._system_offset is not None:
            real = _time.monotonic()
            self._monotonic += real - self._real_anchor
            self._real_anchor = real
            self._now = datetime.now(timezone.utc) + self._system_offset
            return
        if self._ticking:
            real = _time.monotonic()
            elapsed = real - self._real_anchor
            self._real_anchor = real
            self._now += timedelta(seconds=elapsed)
            self._monotonic += elapsed

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        with self._lock:
            self._sync()
            return self._now

    def time(self) -> float:
        """Return the current instant as epoch seconds."""
        return self.now().timestamp()

    def monotonic(self) -> float:
        """Return seconds elapsed on this clock (never goes backwards, ignores ``set``)."""
        with self._lock:
            self._sync()
            return 1000.0 + self._monotonic

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (must not be negative)."""
        if seconds < 0:
            raise ValueError("FakeClock.advance() needs a non-negative number of seconds")
        with self._lock:
            self._sync()
            self._now += timedelta(seconds=seconds)
            self._monotonic += seconds
            if self._system_offset is not None:
                self._system_offset += timedelta(seconds=seconds)

    def set(self, value: datetime) -> None:
        """Jump to ``value`` (naive values are taken as UTC); may go backwards."""
        with self._lock:
            self._sync()
            if self._system_offset is not None:
                self._system_offset += _as_utc(value) - self._now
            self._now = _as_utc(value)

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance the clock instantly (never really sleeps)."""
        seconds = max(0.0, float(seconds))
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        """Async twin of ``sleep``; yields to the event loop once."""
        self.sleep(seconds)
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"FakeClock({self.now().isoformat()!r})"
