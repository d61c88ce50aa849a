"""Pacing decisions as values: the token bucket, when pacing applies, the settings and the shared buckets."""

from __future__ import annotations

import threading

import httpx
import pytest

from toggl_api._core.clock import SYSTEM_CLOCK, SystemClock
from toggl_api._core.pacing import (
    AUTO,
    PACING_ENV,
    TOGGL_PACING,
    Pacing,
    TokenBucket,
    coerce_pacing,
    credential_key,
    is_toggl_url,
    pacing_for,
    parse_pacing,
    shared_pacer,
)

TOGGL = "https://api.track.toggl.com/api/v9"
REPORTS = "https://api.track.toggl.com/reports/api/v3"
EMULATOR = "http://127.0.0.1:8080/api/v9"


class Clock:
    """Any object: buckets are kept per clock."""


# -- the bucket ------------------------------------------------------------------------------------


def test_a_full_bucket_lets_a_burst_go_at_once() -> None:
    bucket = TokenBucket(1.0, burst=2)
    assert [bucket.reserve(0.0), bucket.reserve(0.0)] == [0.0, 0.0]


def test_requests_past_the_burst_are_spaced_at_the_rate() -> None:
    bucket = TokenBucket(2.0, burst=2)
    assert [bucket.reserve(10.0) for _ in range(5)] == [0.0, 0.0, 0.5, 1.0, 1.5]


def test_the_bucket_refills_at_the_rate_up_to_the_burst() -> None:
    bucket = TokenBucket(1.0, burst=2)
    bucket.reserve(0.0)
    bucket.reserve(0.0)
    assert bucket.tokens(1.5) == pytest.approx(1.5)
    assert bucket.tokens(100.0) == 2.0


def test_requests_slower_than_the_rate_never_wait() -> None:
    bucket = TokenBucket(1.0, burst=1)
    assert [bucket.reserve(float(t)) for t in range(0, 10, 1)] == [0.0] * 10


def test_no_window_ever_admits_more_than_burst_plus_rate_times_its_length() -> None:
    # What keeps Toggl's leaky bucket from overflowing: replay 50 eager requests and check every window.
    bucket = TokenBucket(1.0, burst=2)
    sends = []
    now = 0.0
    for i in range(50):
        now += 0.1 * (i % 3)  # callers arrive in uneven bunches
        sends.append(now + bucket.reserve(now))
    for i, start in enumerate(sends):
        for j in range(i, len(sends)):
            assert j - i + 1 <= 2 + (sends[j] - start) * 1.0 + 1e-9


def test_a_clock_reading_older_than_one_already_seen_never_jumps_the_queue() -> None:
    bucket = TokenBucket(1.0, burst=1)
    bucket.reserve(10.0)
    # A thread that read the clock at 9.5 but books after the one at 10.0: its slot is still 11.0.
    assert bucket.reserve(9.5) == pytest.approx(1.5)


def test_a_429_empties_the_bucket_so_the_next_request_waits_one_interval() -> None:
    bucket = TokenBucket(1.0, burst=2)
    bucket.rate_limited(5.0)
    assert bucket.reserve(5.0) == pytest.approx(1.0)


def test_a_429_keeps_requests_already_queued_in_their_places() -> None:
    bucket = TokenBucket(1.0, burst=1)
    bucket.reserve(0.0)
    bucket.reserve(0.0)  # queued for 1.0
    bucket.rate_limited(0.0)
    assert bucket.reserve(0.0) == pytest.approx(2.0)


@pytest.mark.parametrize(("rate", "burst", "error"), [(0, 1, ValueError), (-1.0, 1, ValueError),
                                                      (float("inf"), 1, ValueError), (1.0, 0, ValueError),
                                                      ("1", 1, TypeError), (1.0, 1.5, TypeError),
                                                      (True, 1, TypeError)])
def test_a_bucket_refuses_settings_that_make_no_sense(rate: object, burst: object, error: type) -> None:
    with pytest.raises(error, match=r"rate|burst"):
        TokenBucket(rate, burst)  # type: ignore[arg-type]


# -- the settings ------------------------------------------------------------------------------------


def test_the_default_is_toggls_safe_rate_with_a_small_burst() -> None:
    assert (TOGGL_PACING.rate, TOGGL_PACING.burst) == (1.0, 2)


@pytest.mark.parametrize(("text", "expected"), [("1", Pacing(1.0, 2)), ("0.5:3", Pacing(0.5, 3)),
                                                (" 2 ", Pacing(2.0, 2)), ("off", None), ("OFF", None),
                                                ("0", None), ("none", None)])
def test_pacing_text_is_off_a_rate_or_rate_and_burst(text: str, expected: Pacing | None) -> None:
    assert parse_pacing(text) == expected


@pytest.mark.parametrize("text", ["fast", "1:", "1:x", "-1", "1:0", "inf", ""])
def test_malformed_pacing_text_names_its_source_and_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"\$TOGGL_API_PACING must be 'off', a rate .* or RATE:BURST"):
        parse_pacing(text, source="$TOGGL_API_PACING")


@pytest.mark.parametrize(("value", "expected"), [(None, None), (0, None), (0.0, None), (2, Pacing(2.0, 2)),
                                                 (Pacing(0.5, 1), Pacing(0.5, 1)), ("auto", AUTO),
                                                 ("AUTO", AUTO), ("1:4", Pacing(1.0, 4)), ("off", None)])
def test_a_pacing_argument_is_off_auto_or_a_pacing(value: object, expected: object) -> None:
    assert coerce_pacing(value) == expected


@pytest.mark.parametrize("value", [True, False, [1], object()])
def test_a_pacing_argument_of_another_type_is_refused_with_the_accepted_forms(value: object) -> None:
    with pytest.raises(TypeError, match="pacing must be a Pacing, a rate"):
        coerce_pacing(value)


def test_a_negative_pacing_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        coerce_pacing(-1)


# -- where it applies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [TOGGL, REPORTS, "https://api.track.toggl.com/webhooks/api/v1",
                                 "https://toggl.com/x", "https://API.TRACK.TOGGL.COM./api/v9"])
def test_toggl_hosts_are_recognised(url: str) -> None:
    assert is_toggl_url(url)


@pytest.mark.parametrize("url", [EMULATOR, "http://localhost/api/v9", "https://nottoggl.com/api",
                                 "https://toggl.com.example.org/api", "https://mock.invalid"])
def test_other_hosts_are_not_toggl(url: str) -> None:
    assert not is_toggl_url(url)


def test_auto_paces_toggl_through_the_default_transport() -> None:
    assert pacing_for(AUTO, url=TOGGL, default_transport=True, env={}) == TOGGL_PACING


def test_auto_leaves_other_base_urls_at_full_speed() -> None:
    assert pacing_for(AUTO, url=EMULATOR, default_transport=True, env={}) is None


def test_auto_leaves_a_custom_transport_at_full_speed() -> None:
    assert pacing_for(AUTO, url=TOGGL, default_transport=False, env={}) is None


def test_the_environment_changes_the_default_for_toggl() -> None:
    assert pacing_for(AUTO, url=TOGGL, default_transport=True, env={PACING_ENV: "0.5:1"}) == Pacing(0.5, 1)


def test_the_environment_can_turn_the_default_off() -> None:
    assert pacing_for(AUTO, url=TOGGL, default_transport=True, env={PACING_ENV: "off"}) is None


def test_the_environment_does_not_pace_other_hosts() -> None:
    assert pacing_for(AUTO, url=EMULATOR, default_transport=True, env={PACING_ENV: "1"}) is None


def test_a_malformed_environment_value_is_an_error_naming_the_variable() -> None:
    with pytest.raises(ValueError, match=r"\$TOGGL_API_PACING"):
        pacing_for(AUTO, url=TOGGL, default_transport=True, env={PACING_ENV: "quick"})


def test_an_explicit_pacing_applies_to_any_url_and_transport() -> None:
    assert pacing_for(Pacing(3.0, 1), url=EMULATOR, default_transport=False, env={}) == Pacing(3.0, 1)


def test_an_explicit_none_turns_pacing_off_even_for_toggl() -> None:
    assert pacing_for(None, url=TOGGL, default_transport=True, env={PACING_ENV: "1"}) is None


# -- sharing ---------------------------------------------------------------------------------------------


def test_the_same_token_in_two_auth_objects_has_one_key() -> None:
    assert credential_key(httpx.BasicAuth("tok", "api_token")) == credential_key(httpx.BasicAuth("tok", "api_token"))


def test_different_tokens_have_different_keys() -> None:
    assert credential_key(httpx.BasicAuth("a", "api_token")) != credential_key(httpx.BasicAuth("b", "api_token"))


def test_the_credential_key_never_contains_the_token() -> None:
    token = "0123456789abcdef0123456789abcdef"
    key = credential_key(httpx.BasicAuth(token, "api_token"))
    assert token not in key
    assert "MDEyMzQ1Njc4OWFi" not in key  # nor its base64 form


def test_endpoints_of_one_token_share_a_bucket_across_toggls_apis() -> None:
    clock, key = Clock(), credential_key(httpx.BasicAuth("tok", "api_token"))
    assert shared_pacer(clock, key, TOGGL, TOGGL_PACING) is shared_pacer(clock, key, REPORTS, TOGGL_PACING)


def test_every_system_clock_shares_the_bucket_of_a_token() -> None:
    key = credential_key(httpx.BasicAuth("tok", "api_token"))
    assert shared_pacer(SystemClock(), key, TOGGL, TOGGL_PACING) is shared_pacer(SYSTEM_CLOCK, key, TOGGL, TOGGL_PACING)


def test_other_tokens_and_other_clocks_have_buckets_of_their_own() -> None:
    clock, key = Clock(), credential_key(httpx.BasicAuth("tok", "api_token"))
    other = credential_key(httpx.BasicAuth("other", "api_token"))
    first = shared_pacer(clock, key, TOGGL, TOGGL_PACING)
    assert shared_pacer(clock, other, TOGGL, TOGGL_PACING) is not first
    assert shared_pacer(Clock(), key, TOGGL, TOGGL_PACING) is not first


def test_a_shared_pacer_books_distinct_slots_for_concurrent_threads() -> None:
    pacer = shared_pacer(Clock(), "k", TOGGL, Pacing(1.0, 1))
    waits: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        wait = pacer.reserve(0.0)
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=book) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [float(i) for i in range(20)]
