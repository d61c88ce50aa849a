"""The retry decision, as a pure function of values: what to do after an answer or a transport error.

Rules (Toggl's limits are in the reference, §4); the same for sync and async clients:

- 2xx/3xx: done.
- 5xx: retried only for idempotent methods (never POST: a lost answer would create a second entry).
- 429: back off (``Retry-After`` wins when present), bounded by ``max_rate_limit_wait``; any method, because a
  429 means the request was refused, not applied. When the request is paced (``pacing.py``), the requester
  also empties the pacing bucket, so the retry and the requests after it wait for their slots as well.
- 402 with quota headers: raised, unless ``wait_for_quota`` and the reset is within ``max_quota_wait`` (one
  wait per call: after a reset the whole hourly quota is back, so a second 402 means someone else spends it).
- 402 without quota headers, other 4xx: raised at once.
- Transport errors: a connection that was never made (connect error, DNS, refused, connect/pool timeout) is
  retried for every method; read/write timeouts and broken connections are retried only for idempotent
  methods, because the server may have applied the request.
- A success whose JSON body cannot be parsed (a cut-off answer): retried for idempotent methods; a POST was
  applied, so it is raised rather than repeated.
- Every retry is bounded by ``retries`` and by the overall ``deadline``; delays use exponential backoff with
  full jitter (``rand`` is passed in so tests are exact). ``retries=0`` turns every retry and wait off.
"""

from __future__ import annotations

import enum

import httpx
from attrs import evolve, field, frozen

from .errors import QUOTA_RESETS_IN_HEADER, is_quota_response, parse_retry_after

__all__ = [
    "RETURN",
    "Action",
    "Decision",
    "RetryPolicy",
    "backoff_delay",
    "decide_malformed_body",
    "decide_response",
    "decide_transport_error",
    "never_reached_server",
]

#: Seconds added to Toggl's ``X-Toggl-Quota-Resets-In`` before retrying, so the retry lands after the reset.
QUOTA_RESET_MARGIN = 1.0


class Action(enum.Enum):
    """What the requester does next."""

    RETURN = "return"
    RETRY = "retry"
    RAISE = "raise"


@frozen
class Decision:
    """The policy's answer: an action, the delay before a retry, and why (for logs).

    Attributes:
        action: Return the response, retry after ``delay``, or raise.
        delay: Seconds to wait before the retry.
        reason: A short human-readable explanation.
        quota_wait: True when the retry waits for the hourly quota to reset (not counted as a retry).
    """

    action: Action
    delay: float = 0.0
    reason: str = ""
    quota_wait: bool = False


#: The decision for every answer below 400 (``decide_response``'s first rule), shared: it carries no state.
RETURN = Decision(Action.RETURN)


def _non_negative(_: object, attribute: object, value: float | None) -> None:  # attrs validator
    if value is not None and value < 0:
        msg = f"{getattr(attribute, 'name', 'value')} must not be negative, got {value}"
        raise ValueError(msg)


def _retries(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"retries must be an int, got {type(value).__name__}"
        raise TypeError(msg)
    if value < 0:
        msg = f"retries must not be negative, got {value}"
        raise ValueError(msg)
    return value


@frozen
class RetryPolicy:
    """Retry settings shared by sync and async clients.

    Attributes:
        retries: Retries after the first attempt (0 disables retrying and quota waits).
        base_delay: First backoff step in seconds.
        max_delay: Cap of one backoff step.
        deadline: Seconds after the first attempt past which no retry starts (``None``: no deadline). Quota
            waits are bounded by ``max_quota_wait`` instead.
        max_rate_limit_wait: Longest single wait honoured for a 429.
        wait_for_quota: Wait for the hourly quota to reset instead of raising ``QuotaExceededError``.
        max_quota_wait: Longest quota wait accepted when ``wait_for_quota`` is on.
    """

    retries: int = field(default=3, converter=_retries)
    base_delay: float = field(default=0.5, validator=_non_negative)
    max_delay: float = field(default=30.0, validator=_non_negative)
    deadline: float | None = field(default=120.0, validator=_non_negative)
    max_rate_limit_wait: float = field(default=60.0, validator=_non_negative)
    wait_for_quota: bool = False
    max_quota_wait: float = field(default=3600.0, validator=_non_negative)

    def with_retries(self, retries: int) -> RetryPolicy:
        """A copy with another ``retries``."""
        return evolve(self, retries=retries)


def backoff_delay(policy: RetryPolicy, attempt: int, rand: float) -> float:
    """Full-jitter exponential backoff: uniform in ``[0, min(max_delay, base * 2**attempt)]``.

    Args:
        policy: The settings.
        attempt: 0 for the first retry.
        rand: A number in ``[0, 1)``.
    """
    cap = min(policy.max_delay, policy.base_delay * (2.0 ** min(attempt, 64)))
    return float(cap * rand)


def _within_budget(policy: RetryPolicy, attempt: int, elapsed: float, delay: float) -> bool:
    if attempt >= policy.retries:
        return False
    return policy.deadline is None or elapsed + delay <= policy.deadline


def _quota_resets_in(response: httpx.Response) -> float | None:
    try:
        value = float(response.headers.get(QUOTA_RESETS_IN_HEADER, ""))
    except ValueError:
        return None
    return max(0.0, value)


def decide_response(
    policy: RetryPolicy,
    response: httpx.Response,
    *,
    idempotent: bool,
    attempt: int,
    elapsed: float,
    rand: float,
    quota_waits: int = 0,
) -> Decision:
    """Decide after an HTTP answer.

    Args:
        policy: The settings.
        response: The answer.
        idempotent: Whether repeating the request is safe.
        attempt: Retries already made (quota waits not included).
        elapsed: Seconds since the first attempt.
        rand: A number in ``[0, 1)`` for jitter.
        quota_waits: Quota waits already made for this call.
    """
    status = response.status_code
    if status < 400:
        return RETURN
    if status == 429:
        hint = parse_retry_after(response)
        # Toggl sends no hint; its docs call one request per second safe, so never retry sooner than that.
        delay = hint if hint is not None else max(1.0, backoff_delay(policy, attempt, rand))
        if delay > policy.max_rate_limit_wait:
            return Decision(Action.RAISE, reason=f"rate limited; server asks for {delay:.0f}s, over the limit")
        if _within_budget(policy, attempt, elapsed, delay):
            return Decision(Action.RETRY, delay, "rate limited (429)")
        return Decision(Action.RAISE, reason="rate limited; retries exhausted")
    if status == 402:
        if not is_quota_response(response):
            return Decision(Action.RAISE, reason="payment required: the plan lacks this feature (402)")
        if not policy.wait_for_quota or policy.retries == 0:
            return Decision(Action.RAISE, reason="hourly quota exhausted (402)")
        wait = _quota_resets_in(response)
        if wait is None:
            return Decision(Action.RAISE, reason="hourly quota exhausted; reset time unknown")
        if wait > policy.max_quota_wait:
            return Decision(Action.RAISE, reason=f"hourly quota exhausted; reset in {wait:.0f}s is too far away")
        if quota_waits >= 1:
            return Decision(Action.RAISE, reason="hourly quota exhausted again after waiting for its reset")
        return Decision(Action.RETRY, wait + QUOTA_RESET_MARGIN, "hourly quota exhausted; waiting for the reset",
                        quota_wait=True)
    if status >= 500:
        if not idempotent:
            return Decision(Action.RAISE, reason=f"server error ({status}) on a POST; not retried")
        hint = parse_retry_after(response)
        delay = hint if hint is not None and hint <= policy.max_delay else backoff_delay(policy, attempt, rand)
        if _within_budget(policy, attempt, elapsed, delay):
            return Decision(Action.RETRY, delay, f"server error ({status})")
        return Decision(Action.RAISE, reason=f"server error ({status}); retries exhausted")
    return Decision(Action.RAISE, reason=f"client error ({status})")


def never_reached_server(error: httpx.TransportError) -> bool:
    """True when the request provably was not delivered: no connection was made (refused, DNS failure,
    connect timeout) or none was free in the pool. Anything later may have reached the server."""
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def decide_transport_error(
    policy: RetryPolicy,
    error: httpx.TransportError,
    *,
    idempotent: bool,
    attempt: int,
    elapsed: float,
    rand: float,
) -> Decision:
    """Decide after a transport error (the same arguments as ``decide_response``)."""
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.ProxyError)):
        return Decision(Action.RAISE, reason=f"{type(error).__name__}: a configuration error; not retried")
    if not idempotent and not never_reached_server(error):
        return Decision(
            Action.RAISE,
            reason=f"{type(error).__name__}: the POST may have reached the server; not retried",
        )
    delay = backoff_delay(policy, attempt, rand)
    if _within_budget(policy, attempt, elapsed, delay):
        return Decision(Action.RETRY, delay, f"transport error ({type(error).__name__})")
    return Decision(Action.RAISE, reason=f"transport error ({type(error).__name__}); retries exhausted")


def decide_malformed_body(
    policy: RetryPolicy,
    *,
    idempotent: bool,
    attempt: int,
    elapsed: float,
    rand: float,
) -> Decision:
    """Decide after a success whose JSON body is cut off or invalid (the request was applied)."""
    if not idempotent:
        return Decision(Action.RAISE, reason="the answer to a POST was unreadable; it was applied, not retried")
    delay = backoff_delay(policy, attempt, rand)
    if _within_budget(policy, attempt, elapsed, delay):
        return Decision(Action.RETRY, delay, "unreadable JSON answer")
    return Decision(Action.RAISE, reason="unreadable JSON answer; retries exhausted")
