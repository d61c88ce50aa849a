"""Toggl's two request limits, modelled on the injected clock (reference §4).

* Burst: a leaky bucket per credential; overflow answers **429** (nginx HTML page, as seen in the wild).
* Hourly quota: one window per (user, organization) sized by the organization's plan, plus a user
  bucket (``organization_id`` None) for ``/me*`` paths; exhaustion answers **402**. A window starts with
  the first counted request and resets 60 minutes later (Toggl's description of its "sliding window").

Counting always happens (so ``X-Toggl-Quota-*`` headers and ``GET /me/quota`` are meaningful even with
limits off, where ``remaining`` may go negative, as Toggl documents); enforcement is switchable.
"""

from __future__ import annotations

from attrs import define, field

from .clock import FakeClock

__all__ = ["QUOTA_MESSAGE", "RATE_LIMIT_HTML", "LimitTracker", "Limits", "QuotaStatus", "ReportRules"]

#: 402 body when an hourly quota is exhausted (``{seconds}`` is filled in).
QUOTA_MESSAGE = "You have hit your hourly limit for API calls. Your quota will reset in {seconds} seconds."
#: 429 body: the nginx page Toggl's proxy sent.
RATE_LIMIT_HTML = (
    "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n"
    "<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def _default_plan_quotas() -> dict[str, int]:
    return {"free": 30, "starter": 240, "premium": 600, "enterprise": 2000}


@define
class ReportRules:
    """Range and page limits of the Reports v3 detailed search, and the layout of its CSV export.

    Toggl documents none of these numbers for v3 (reference §4.4, §E.1, §H); the defaults are our choices, kept
    on the strict side so that a client which works here works on Toggl. Unlike the quotas they do not follow
    `Limits.enabled`: they are validation rules, not rate limits.

    Attributes:
        max_span: Refuse a detailed search (JSON or export) whose ``end_date`` lies more than one calendar year
            after its ``start_date`` (400). v2 documented "Maximum date span (until - since) is one year" and a
            v3 client reports the same; with only one of the two dates, the other is clamped to one year away and
            reported in ``X-Range-Start`` / ``X-Range-End``.
        max_page_size: Largest ``page_size`` the detailed search accepts (above it: 400). 50 is the only value
            Toggl is known to accept (its default; its overview says results come 50 at a time, and published
            clients cap their own input at 50); no public source shows a larger page accepted.
        csv_bom: Start CSV exports with a UTF-8 byte-order mark, as some Toggl files do.
        csv_billable: The ``Billable`` words of CSV exports, (yes, no); they follow the user's UI language on
            Toggl (``("はい", "いいえ")`` in Japanese).
    """

    max_span: bool = True
    max_page_size: int = 50
    csv_bom: bool = False
    csv_billable: tuple[str, str] = ("Yes", "No")


@define
class Limits:
    """Switches and numbers of the limits (mutable: change them on a live emulator).

    Attributes:
        enabled: Master switch; when False nothing is enforced (counting continues).
        burst: Enforce the 429 leaky bucket (needs ``enabled``).
        quota: Enforce the 402 hourly quotas (needs ``enabled``).
        burst_capacity: Requests the bucket holds before answering 429.
        burst_rate: Requests per second the bucket drains.
        plan_quotas: Hourly requests per (user, organization) by plan name.
        user_quota: Hourly requests of the user bucket (``/me*`` paths).
        window_seconds: Length of a quota window.
        reports: Reports v3 range/page rules and CSV layout (not switched by ``enabled``).
    """

    enabled: bool = True
    burst: bool = True
    quota: bool = True
    burst_capacity: int = 3
    burst_rate: float = 1.0
    plan_quotas: dict[str, int] = field(factory=_default_plan_quotas)
    user_quota: int = 30
    window_seconds: int = 3600
    reports: ReportRules = field(factory=ReportRules)

    def total_for(self, plan: str | None) -> int:
        """Quota size of a bucket: the user bucket for ``None``, else the plan's."""
        if plan is None:
            return self.user_quota
        return self.plan_quotas.get(plan, self.plan_quotas.get("free", 30))

    def summary(self, plan: str) -> str:
        """One line for a served emulator's banner: what is enforced, and how not to wait an hour for it."""
        if not self.enabled or not (self.quota or self.burst):
            return "Limits: off (no 429, no 402)."
        parts = []
        if self.quota:
            parts.append(
                f"{plan} plan, {self.total_for(plan)} requests an hour per organization and {self.user_quota} "
                "for /me (402 when spent)"
            )
        if self.burst:
            parts.append(f"429 above {self.burst_rate:g} request/s after a burst of {self.burst_capacity}")
        return (
            f"Limits: {'; '.join(parts)}. The counts live in memory: restart to reset them, or pass --plan "
            "premium or --no-limits."
        )


@define
class QuotaStatus:
    """State of one quota bucket at a given instant."""

    organization_id: int | None
    remaining: int
    resets_in_secs: int
    total: int


@define
class _Window:
    started: float
    count: int = 0


@define
class _Bucket:
    level: float
    last: float


class LimitTracker:
    """Counts requests and decides 429/402, reading ``clock``."""

    def __init__(self, clock: FakeClock, limits: Limits) -> None:
        self.clock = clock
        self.limits = limits
        self._windows: dict[tuple[int, int | None], _Window] = {}
        self._buckets: dict[str, _Bucket] = {}

    def reset(self) -> None:
        """Forget all counts."""
        self._windows.clear()
        self._buckets.clear()

    # -- burst ---------------------------------------------------------------------------------
    def take_burst(self, key: str) -> bool:
        """Add one request to ``key``'s leaky bucket; False means "answer 429" (not added)."""
        lim = self.limits
        if not (lim.enabled and lim.burst):
            return True
        now = self.clock.monotonic()
        bucket = self._buckets.setdefault(key, _Bucket(0.0, now))
        bucket.level = max(0.0, bucket.level - (now - bucket.last) * lim.burst_rate)
        bucket.last = now
        if bucket.level + 1 > lim.burst_capacity:
            return False
        bucket.level += 1
        return True

    # -- quota ---------------------------------------------------------------------------------
    def _window(self, user_id: int, org_id: int | None) -> _Window | None:
        window = self._windows.get((user_id, org_id))
        if window is not None and self.clock.time() >= window.started + self.limits.window_seconds:
            del self._windows[(user_id, org_id)]
            return None
        return window

    def status(self, user_id: int, org_id: int | None, plan: str | None) -> QuotaStatus:
        """Current state of bucket (user, org) without counting."""
        total = self.limits.total_for(plan)
        window = self._window(user_id, org_id)
        if window is None:
            return QuotaStatus(org_id, total, 0, total)
        resets = max(0, int(window.started + self.limits.window_seconds - self.clock.time() + 0.999))
        return QuotaStatus(org_id, total - window.count, resets, total)

    def exhausted(self, user_id: int, org_id: int | None, plan: str | None) -> QuotaStatus | None:
        """Return the status when the quota is enforced and used up, else None."""
        lim = self.limits
        if not (lim.enabled and lim.quota):
            return None
        st = self.status(user_id, org_id, plan)
        return st if st.remaining <= 0 else None

    def count(self, user_id: int, org_id: int | None) -> None:
        """Count one request against bucket (user, org), opening a window if none is active."""
        window = self._window(user_id, org_id)
        if window is None:
            window = self._windows[(user_id, org_id)] = _Window(self.clock.time())
        window.count += 1
