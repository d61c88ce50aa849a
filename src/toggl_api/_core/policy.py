"""The retry decision, as a pure function of values: what to do after an answer or a transport error.

Rules (Toggl's limits are in the reference, §4):
- 2xx/3xx: done.
- 5xx: retried only for idempotent methods (never POST: a lost answer would create a second entry).
- 429: back off (``Retry-After`` wins when present), bounded by ``max_rate_limit_wait``; any method, because a
  429 means the request was refused, not applied.
- 402 with quota headers: raised, unless ``wait_for_quota`` and the reset is within ``max_quota_wait``.
- 402 without quota headers, other 4xx: raised at once.
- Transport errors: a connection that was never made (connect error, DNS, refused) is retried for every
  method; timeouts and broken connections are retried only for idempotent methods.
- Every retry is bounded by ``retries`` and by the overall ``deadline``; delays use exponential backoff with
  full jitter (``random`` is passed in so tests are exact).
"""

from __future__ import annotations

import enum

import httpx
from attrs import field, frozen

from .errors import QUOTA_RESETS_IN_HEADER, is_quota_response, parse_retry_after

__all__ = ["Action", "Decision", "RetryPolicy", "backoff_delay", "decide_response", "decide_transport_error"]


class Action(enum.Enum):
    """What the requester does next."""

    RETURN = "return"
    RETRY = "retry"
    RAISE = "raise"


@frozen
class Decision:
    """The policy's answer: an action, the delay before a retry, and why (for logs)."""

    action: Action
    delay: float = 0.0
    reason: str = ""


def _non_negative(_: object, attribute: object, value: float | None) -> None:  # attrs validator
    if value is not None and value < 0:
        msg = f"{getattr(attribute, 'name', 'value')} must not be negative, got {value}"
        raise ValueError(msg)


def _non_negative_int(value: int) -> int:
    return max(0, int(value))


@frozen
class RetryPolicy:
    """Retry settings shared by sync and async clients.

    Attributes:
        retries: Retries after the first attempt (0 disables retrying).
        base_delay: First backoff step in seconds.
        max_delay: Cap of one backoff step.
        deadline: Seconds after the first attempt past which no retry starts (``None``: no deadline).
        max_rate_limit_wait: Longest single wait honoured for a 429.
        wait_for_quota: Wait for the hourly quota to reset instead of raising ``QuotaExceededError``.
        max_quota_wait: Longest quota wait accepted when ``wait_for_quota`` is on.
    """

    retries: int = field(default=3, converter=_non_negative_int)
    base_delay: float = field(default=0.5, validator=_non_negative)
    max_delay: float = field(default=30.0, validator=_non_negative)
    deadline: float | None = field(default=120.0, validator=_non_negative)
    max_rate_limit_wait: float = field(default=60.0, validator=_non_negative)
    wait_for_quota: bool = False
    max_quota_wait: float = field(default=3600.0, validator=_non_negative)


def backoff_delay(policy: RetryPolicy, attempt: int, rand: float) -> float:
    """Full-jitter exponential backoff: uniform in ``[0, min(max_delay, base * 2**attempt)]``.

    Args:
        policy: The settings.
        attempt: 0 for the first retry.
        rand: A number in ``[0, 1)``.
    """
    cap = min(policy.max_delay, policy.base_delay * (2.0**attempt))
    return float(cap * rand)


def _within_budget(policy: RetryPolicy, attempt: int, elapsed: float, delay: float) -> bool:
    if attempt >= policy.retries:
        return False
    return policy.deadline is None or elapsed + delay <= policy.deadline


def decide_response(
    policy: RetryPolicy,
    response: httpx.Response,
    *,
    idempotent: bool,
    attempt: int,
    elapsed: float,
    rand: float,
) -> Decision:
    """Decide after an HTTP answer.

    Args:
        policy: The settings.
        response: The answer.
        idempotent: Whether repeating the request is safe.
        attempt: Retries already made.
        elapsed: Seconds since the first attempt.
        rand: A number in ``[0, 1)`` for jitter.
    """
    status = response.status_code
    if status < 400:
        return Decision(Action.RETURN)
    if status == 429:
        hint = parse_retry_after(response)
        delay = hint if hint is not None else max(1.0, backoff_delay(policy, attempt, rand))
        if delay > policy.max_rate_limit_wait:
            return Decision(Action.RAISE, reason=f"rate limited; server asks for {delay:.0f}s, over the limit")
        if _within_budget(policy, attempt, elapsed, delay):
            return Decision(Action.RETRY, delay, "rate limited (429)")
        return Decision(Action.RAISE, reason="rate limited; retries exhausted")
    if status == 402:
        if not is_quota_response(response) or not policy.wait_for_quota:
            return Decision(Action.RAISE, reason="payment required (402)")
        try:
            wait = float(response.headers.get(QUOTA_RESETS_IN_HEADER, ""))
        except ValueError:
            return Decision(Action.RAISE, reason="quota exhausted; reset time unknown")
        if wait > policy.max_quota_wait or attempt >= max(1, policy.retries):
            return Decision(Action.RAISE, reason="quota exhausted; reset too far away")
        return Decision(Action.RETRY, wait + 1.0, "quota exhausted; waiting for the reset")
    if status >= 500:
        if not idempotent:
            return Decision(Action.RAISE, reason="server error on a non-idempotent request; not retried")
        delay = backoff_delay(policy, attempt, rand)
        if _within_budget(policy, attempt, elapsed, delay):
            return Decision(Action.RETRY, delay, f"server error ({status})")
        return Decision(Action.RAISE, reason="server error; retries exhausted")
    return Decision(Action.RAISE, reason=f"client error ({status})")


def never_reached_server(error: httpx.TransportError) -> bool:
    """True when the request provably was not delivered (no connection was ever made)."""
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol))


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
    if isinstance(error, httpx.UnsupportedProtocol):
        return Decision(Action.RAISE, reason="unsupported URL scheme")
    if not idempotent and not never_reached_server(error):
        return Decision(Action.RAISE, reason="the request may have reached the server; a POST is not retried")
    delay = backoff_delay(policy, attempt, rand)
    if _within_budget(policy, attempt, elapsed, delay):
        return Decision(Action.RETRY, delay, f"transport error ({type(error).__name__})")
    return Decision(Action.RAISE, reason="transport error; retries exhausted")
