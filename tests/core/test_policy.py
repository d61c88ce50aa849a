"""The retry decision: which failures are retried, how long to wait, and when a write is never repeated."""

from __future__ import annotations

import httpx
import pytest

from toggl_api._core.policy import (
    Action,
    RetryPolicy,
    backoff_delay,
    decide_malformed_body,
    decide_response,
    decide_transport_error,
    never_reached_server,
)

REQUEST = httpx.Request("GET", "https://api.track.toggl.com/api/v9/me")
POLICY = RetryPolicy(retries=3, base_delay=0.5, max_delay=30.0, deadline=120.0)


def answer(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


def on_answer(status: int, *, idempotent: bool = True, attempt: int = 0, elapsed: float = 0.0,
              rand: float = 0.5, policy: RetryPolicy = POLICY, headers: dict[str, str] | None = None,
              quota_waits: int = 0):
    return decide_response(policy, answer(status, headers), idempotent=idempotent, attempt=attempt,
                           elapsed=elapsed, rand=rand, quota_waits=quota_waits)


def on_error(error: httpx.TransportError, *, idempotent: bool = True, attempt: int = 0, elapsed: float = 0.0,
             policy: RetryPolicy = POLICY):
    return decide_transport_error(policy, error, idempotent=idempotent, attempt=attempt, elapsed=elapsed,
                                  rand=0.5)


QUOTA_HEADERS = {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "1838"}


# -- successes and client errors -----------------------------------------------------------------

@pytest.mark.parametrize("status", [200, 204, 304])
def test_success_and_redirect_statuses_are_returned(status: int) -> None:
    assert on_answer(status).action is Action.RETURN


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422])
def test_client_errors_are_raised_without_retry(status: int) -> None:
    assert on_answer(status).action is Action.RAISE


# -- 5xx -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_on_idempotent_request_is_retried_with_jittered_backoff(status: int) -> None:
    decision = on_answer(status, attempt=2, rand=0.5)
    assert decision.action is Action.RETRY
    assert decision.delay == pytest.approx(0.5 * 4 * 0.5)


def test_server_error_on_post_is_never_retried() -> None:
    assert on_answer(500, idempotent=False).action is Action.RAISE


def test_server_error_is_raised_once_retries_are_spent() -> None:
    assert on_answer(503, attempt=3).action is Action.RAISE


def test_server_error_is_raised_when_the_wait_would_pass_the_deadline() -> None:
    assert on_answer(503, elapsed=119.9, rand=0.9).action is Action.RAISE


def test_server_retry_after_hint_is_honoured_when_within_max_delay() -> None:
    assert on_answer(503, headers={"Retry-After": "7"}).delay == 7.0


def test_zero_retries_disable_server_error_retries() -> None:
    assert on_answer(503, policy=RetryPolicy(retries=0)).action is Action.RAISE


# -- 429 -----------------------------------------------------------------------------------------

def test_rate_limit_waits_what_retry_after_says() -> None:
    decision = on_answer(429, headers={"Retry-After": "12"})
    assert (decision.action, decision.delay) == (Action.RETRY, 12.0)


def test_rate_limit_without_hint_waits_at_least_one_second() -> None:
    decision = on_answer(429, rand=0.0)
    assert (decision.action, decision.delay) == (Action.RETRY, 1.0)


def test_rate_limit_without_hint_backs_off_exponentially() -> None:
    assert on_answer(429, attempt=2, rand=0.99).delay == pytest.approx(0.5 * 4 * 0.99)


def test_rate_limit_on_post_is_retried_because_it_was_refused() -> None:
    assert on_answer(429, idempotent=False).action is Action.RETRY


def test_rate_limit_hint_beyond_max_wait_is_raised() -> None:
    policy = RetryPolicy(max_rate_limit_wait=10.0)
    assert on_answer(429, headers={"Retry-After": "11"}, policy=policy).action is Action.RAISE


def test_rate_limit_is_raised_once_retries_are_spent() -> None:
    assert on_answer(429, attempt=3).action is Action.RAISE


# -- 402 -----------------------------------------------------------------------------------------

def test_quota_402_is_raised_by_default() -> None:
    assert on_answer(402, headers=QUOTA_HEADERS).action is Action.RAISE


def test_premium_402_is_raised_even_when_waiting_for_quota() -> None:
    policy = RetryPolicy(wait_for_quota=True)
    assert on_answer(402, policy=policy).action is Action.RAISE


def test_quota_402_waits_for_the_reset_when_opted_in() -> None:
    decision = on_answer(402, headers=QUOTA_HEADERS, policy=RetryPolicy(wait_for_quota=True))
    assert decision.action is Action.RETRY
    assert decision.delay == 1839.0
    assert decision.quota_wait


def test_quota_wait_is_not_bounded_by_the_retry_deadline() -> None:
    policy = RetryPolicy(wait_for_quota=True, deadline=10.0)
    assert on_answer(402, headers=QUOTA_HEADERS, policy=policy, elapsed=5.0).action is Action.RETRY


def test_quota_reset_beyond_max_quota_wait_is_raised() -> None:
    policy = RetryPolicy(wait_for_quota=True, max_quota_wait=600.0)
    assert on_answer(402, headers=QUOTA_HEADERS, policy=policy).action is Action.RAISE


def test_quota_is_waited_for_only_once_per_call() -> None:
    policy = RetryPolicy(wait_for_quota=True)
    assert on_answer(402, headers=QUOTA_HEADERS, policy=policy, quota_waits=1).action is Action.RAISE


def test_quota_wait_is_off_with_zero_retries() -> None:
    policy = RetryPolicy(wait_for_quota=True, retries=0)
    assert on_answer(402, headers=QUOTA_HEADERS, policy=policy).action is Action.RAISE


def test_quota_402_without_reset_time_is_raised_even_when_waiting() -> None:
    policy = RetryPolicy(wait_for_quota=True)
    headers = {"X-Toggl-Quota-Remaining": "0"}
    assert on_answer(402, headers=headers, policy=policy).action is Action.RAISE


# -- transport errors ----------------------------------------------------------------------------

NEVER_SENT = [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow dns"), httpx.PoolTimeout("pool")]
MAYBE_SENT = [httpx.ReadTimeout("read"), httpx.WriteTimeout("write"), httpx.RemoteProtocolError("reset"),
              httpx.ReadError("read"), httpx.WriteError("write")]


@pytest.mark.parametrize("error", NEVER_SENT, ids=lambda e: type(e).__name__)
def test_post_is_retried_when_the_request_never_reached_the_server(error: httpx.TransportError) -> None:
    assert on_error(error, idempotent=False).action is Action.RETRY


@pytest.mark.parametrize("error", MAYBE_SENT, ids=lambda e: type(e).__name__)
def test_post_is_not_retried_when_the_request_may_have_reached_the_server(error: httpx.TransportError) -> None:
    assert on_error(error, idempotent=False).action is Action.RAISE


@pytest.mark.parametrize("error", NEVER_SENT + MAYBE_SENT, ids=lambda e: type(e).__name__)
def test_idempotent_requests_are_retried_on_any_network_error(error: httpx.TransportError) -> None:
    assert on_error(error).action is Action.RETRY


def test_network_error_is_raised_once_retries_are_spent() -> None:
    assert on_error(httpx.ConnectError("refused"), attempt=3).action is Action.RAISE


def test_network_error_is_raised_past_the_deadline() -> None:
    assert on_error(httpx.ReadTimeout("read"), elapsed=121.0).action is Action.RAISE


def test_unsupported_url_scheme_is_never_retried() -> None:
    assert on_error(httpx.UnsupportedProtocol("ftp")).action is Action.RAISE


def test_connect_errors_count_as_never_sent_and_read_timeouts_do_not() -> None:
    assert never_reached_server(httpx.ConnectError("x"))
    assert not never_reached_server(httpx.ReadTimeout("x"))


# -- backoff and settings --------------------------------------------------------------------------

def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert backoff_delay(policy, 10, 0.999999) <= 5.0


def test_backoff_spans_zero_to_the_cap_with_full_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0)
    assert (backoff_delay(policy, 2, 0.0), backoff_delay(policy, 2, 0.5)) == (0.0, 2.0)


def test_negative_retries_are_rejected_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="retries must not be negative"):
        RetryPolicy(retries=-1)


def test_negative_delays_are_rejected_with_the_field_name() -> None:
    with pytest.raises(ValueError, match="base_delay"):
        RetryPolicy(base_delay=-1)


def test_with_retries_keeps_every_other_setting() -> None:
    policy = RetryPolicy(wait_for_quota=True, max_quota_wait=10.0).with_retries(0)
    assert (policy.retries, policy.wait_for_quota, policy.max_quota_wait) == (0, True, 10.0)


# -- unreadable answers ----------------------------------------------------------------------------

def test_unreadable_answer_to_an_idempotent_request_is_retried() -> None:
    decision = decide_malformed_body(POLICY, idempotent=True, attempt=0, elapsed=0.0, rand=0.5)
    assert decision.action is Action.RETRY


def test_unreadable_answer_to_a_post_is_raised_because_the_post_was_applied() -> None:
    decision = decide_malformed_body(POLICY, idempotent=False, attempt=0, elapsed=0.0, rand=0.5)
    assert decision.action is Action.RAISE
