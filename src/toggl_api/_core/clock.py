"""Time is passed in, never read directly: every component that needs "now" or a pause takes a ``Clock``."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "SystemClock", "SYSTEM_CLOCK"]


@runtime_checkable
class Clock(Protocol):
    """What ``toggl_api`` needs of time. ``toggl_api.testing.FakeClock`` implements it without sleeping."""

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back, for deadlines and pacing."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds``."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Wait for ``seconds`` without blocking the event loop."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` (never called with a negative value)."""
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """``asyncio.sleep`` (never called with a negative value)."""
        if seconds > 0:
            import asyncio  # here, not at the top: sync users and the CLI never pay for importing asyncio

            await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK = SystemClock()
