"""``TogglSession``: the state that endpoints sharing one httpx client share (latest quota, budget, pacing).

Pure state: the requester passes the time in. Endpoints built with the same ``client`` find the same session
(``TogglSession.for_client``), so the quota seen by one endpoint and the budget spent by another are one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from .limits import RequestBudget, Throttle
from .quota import Bucket, QuotaInfo

__all__ = ["Admission", "TogglSession"]

_REGISTRY: weakref.WeakKeyDictionary[Any, TogglSession] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


@frozen
class Admission:
    """The session's answer before a send: refused (``refused_for`` seconds until allowed) or a wait."""

    wait: float = 0.0
    refused_for: float | None = None


#: Admitted at once (frozen, so one value serves every such answer).
_ADMITTED = Admission()

class TogglSession:
    """Shared limits and quota view of every endpoint that uses it.

    Args:
        requests_per_hour: Client-side budget: refuse (``BudgetExhaustedError``) beyond this many requests in
            any hour. ``None`` (default): no budget.
        requests_per_second: Pacing: space requests to at most this rate, waiting on the clock. ``None``
            (default): no pacing.
        quota_warning_below: Log a warning when a bucket's remaining quota drops below this many requests.
        quota_warning_ratio: ... or below this share of the bucket's size, when the size is known.
        budget_window: Seconds of the budget's sliding window (one hour by default).
    """

    def __init__(
        self,
        *,
        requests_per_hour: int | None = None,
        requests_per_second: float | None = None,
        quota_warning_below: int = 5,
        quota_warning_ratio: float = 0.1,
        budget_window: float = 3600.0,
    ) -> None:
        if quota_warning_below < 0 or not 0 <= quota_warning_ratio <= 1:
            msg = "quota_warning_below must be >= 0 and quota_warning_ratio within [0, 1]"
            raise ValueError(msg)
        self.budget = RequestBudget(requests_per_hour, budget_window) if requests_per_hour is not None else None
        self.throttle = Throttle(requests_per_second) if requests_per_second is not None else None
        self.quota_warning_below = quota_warning_below
        self.quota_warning_ratio = quota_warning_ratio
        self._quotas: dict[tuple[Bucket, int | None], QuotaInfo] = {}
        self._latest: QuotaInfo | None = None
        self._warned: set[tuple[Bucket, int | None]] = set()
        self._lock = threading.Lock()
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"TogglSession(budget={self.budget!r}, throttle={self.throttle!r}, quota={self._latest!r})"

    @classmethod
    def for_client(cls, client: Any) -> TogglSession:
        """The session shared by every endpoint using ``client`` (created on first use)."""
        with _REGISTRY_LOCK:
            session = _REGISTRY.get(client)
            if session is None:
                session = _REGISTRY[client] = cls()
            return session

    def attach(self, client: Any) -> None:
        """Make this the session of ``client`` (endpoints built later with that client share it)."""
        with _REGISTRY_LOCK:
            _REGISTRY[client] = self

    # -- before sending --------------------------------------------------------------------------

    def admit(self, now: float) -> Admission:
        """Ask to send one request at monotonic time ``now``: refused by the budget, or admitted after a wait.

        An admitted request is counted by the budget and books its pacing slot.
        """
        with self._lock:
            if self.budget is not None:
                wait = self.budget.resets_in(now)
                if wait > 0:
                    return Admission(refused_for=wait)
            delay = self.throttle.reserve(now) if self.throttle is not None else 0.0
            if self.budget is not None:
                self.budget.try_acquire(now)
            self.requests_sent += 1
            return Admission(wait=delay) if delay else _ADMITTED

    def budget_remaining(self, now: float) -> int | None:
        """Requests the budget still allows at ``now`` (``None`` without a budget)."""
        with self._lock:
            return self.budget.remaining(now) if self.budget is not None else None

    # -- quota -------------------------------------------------------------------------------------

    @property
    def quota(self) -> QuotaInfo | None:
        """The quota as the latest answer reported it (any bucket)."""
        return self._latest

    @property
    def quotas(self) -> dict[Bucket, QuotaInfo]:
        """The latest quota seen per bucket (an organization bucket's latest value, whatever organization)."""
        out: dict[Bucket, QuotaInfo] = {}
        for info in sorted(self._quotas.values(), key=lambda i: i.seen_at):
            out[info.bucket] = info
        return out

    def is_low(self, info: QuotaInfo) -> bool:
        """Whether ``info`` is below the warning threshold."""
        threshold = float(self.quota_warning_below)
        if info.total is not None:
            threshold = max(threshold, info.total * self.quota_warning_ratio)
        return info.remaining < threshold

    def observe(self, info: QuotaInfo) -> bool:
        """Record a quota reading; True when it just dropped below the warning threshold (warn once per drop)."""
        return self.observe_many([info])

    def observe_many(self, infos: Sequence[QuotaInfo]) -> bool:
        """Record several readings (``GET /me/quota``); True when any just dropped below the threshold."""
        crossed = False
        with self._lock:
            for info in infos:
                key = (info.bucket, info.organization_id)
                if info.total is None and (old := self._quotas.get(key)) is not None and old.total is not None:
                    info = QuotaInfo(info.remaining, info.resets_in, info.resets_at, info.bucket, info.seen_at,
                                     info.organization_id, old.total)
                self._quotas[key] = info
                if self._latest is None or info.seen_at >= self._latest.seen_at:
                    self._latest = info
                if self.is_low(info):
                    if key not in self._warned:
                        self._warned.add(key)
                        crossed = True
                else:
                    self._warned.discard(key)  # recovered (a new window): warn again on the next drop
        return crossed
