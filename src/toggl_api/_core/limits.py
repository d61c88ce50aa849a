"""Client-side request limits as pure state machines: every method takes ``now`` (monotonic seconds).

- ``RequestBudget``: at most ``limit`` requests in any sliding window of ``window`` seconds; a request over
  the budget is refused before it is sent (the caller raises ``BudgetExhaustedError``).
- ``Throttle``: at most ``per_second`` requests per second; a request books the next free slot and the caller
  waits until it comes (no request is refused). It is a ``pacing.TokenBucket`` of burst 1.

Both are opt-in and off by default; ``TogglSession`` shares them between endpoints.
"""

from __future__ import annotations

import math
from collections import deque

from .pacing import TokenBucket

__all__ = ["RequestBudget", "Throttle"]


class RequestBudget:
    """At most ``limit`` requests per sliding ``window`` seconds.

    Args:
        limit: Requests allowed per window (at least 1).
        window: Window length in seconds (default one hour, like Toggl's quota).
    """

    def __init__(self, limit: int, window: float = 3600.0) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            msg = f"limit must be a positive int (requests per window), got {limit!r}"
            raise ValueError(msg)
        if not window > 0 or math.isinf(window):
            msg = f"window must be a positive number of seconds, got {window!r}"
            raise ValueError(msg)
        self.limit = limit
        self.window = float(window)
        self._sent: deque[float] = deque()

    def __repr__(self) -> str:
        return f"RequestBudget(limit={self.limit}, window={self.window:g})"

    def _expire(self, now: float) -> None:
        while self._sent and self._sent[0] + self.window <= now:
            self._sent.popleft()

    def used(self, now: float) -> int:
        """Requests counted in the window ending at ``now``."""
        self._expire(now)
        return len(self._sent)

    def remaining(self, now: float) -> int:
        """Requests still allowed at ``now``."""
        return self.limit - self.used(now)

    def resets_in(self, now: float) -> float:
        """Seconds until one more request is allowed (0 when one is allowed now)."""
        self._expire(now)
        if len(self._sent) < self.limit:
            return 0.0
        # The oldest request still counted leaves the window first.
        return self._sent[len(self._sent) - self.limit] + self.window - now

    def try_acquire(self, now: float) -> float | None:
        """Count one request at ``now`` if allowed and return ``None``; else return the seconds to wait."""
        wait = self.resets_in(now)
        if wait > 0:
            return wait
        self._sent.append(now)
        return None


class Throttle(TokenBucket):
    """Pacing: consecutive requests start at least ``1 / per_second`` seconds apart (a token bucket of burst 1).

    Args:
        per_second: Requests per second (e.g. 1.0, Toggl's documented safe rate).
    """

    def __init__(self, per_second: float) -> None:
        if isinstance(per_second, bool) or not isinstance(per_second, (int, float)) or not per_second > 0 \
                or math.isinf(per_second):
            msg = f"per_second must be a positive number, got {per_second!r}"
            raise ValueError(msg)
        super().__init__(per_second, burst=1)
        self.per_second = float(per_second)
        self.interval = 1.0 / self.per_second

    def __repr__(self) -> str:
        return f"Throttle(per_second={self.per_second:g})"
