"""Error mapping: one class per status, still httpx.HTTPStatusError, never leaking credentials."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from toggl_api._core.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PremiumFeatureError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    error_from_response,
)

TOKEN = "secret-token-1234"


def _response(status: int, content: bytes = b"", headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request(
        "GET",
        "https://api.track.toggl.com/api/v9/me",
        headers={"Authorization": httpx.BasicAuth(TOKEN, "api_token")._auth_header},
    )
    return httpx.Response(status, content=content, headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequestError), (403, ForbiddenError), (404, NotFoundError), (409, ConflictError), (502, ServerError)],
)
def test_status_maps_to_its_class(status: int, cls: type) -> None:
    error = error_from_response(_response(status, b'"nope"'))
    assert type(error) is cls
    assert isinstance(error, httpx.HTTPStatusError)


def test_json_string_body_becomes_the_message() -> None:
    error = error_from_response(_response(400, b"\"'since' and 'before' can not be present simultaneously\""))
    assert error.message == "'since' and 'before' can not be present simultaneously"
    assert "since" in str(error)


def test_quota_402_carries_remaining_and_reset_time() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    response = _response(
        402,
        b"You have hit your hourly limit for API calls. Your quota will reset in 1838 seconds.",
        {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "1838"},
    )
    error = error_from_response(response, now=now)
    assert isinstance(error, QuotaExceededError)
    assert error.remaining == 0
    assert error.resets_in == 1838
    assert error.resets_at == now + timedelta(seconds=1838)


def test_402_without_quota_headers_is_a_premium_feature_error() -> None:
    error = error_from_response(_response(402, b'"Workspace needs to have this feature enabled"'))
    assert isinstance(error, PremiumFeatureError)
    assert not isinstance(error, QuotaExceededError)


def test_429_reads_retry_after() -> None:
    error = error_from_response(_response(429, b"", {"Retry-After": "7"}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7


def test_html_429_page_gives_its_title() -> None:
    page = b"<html><head><title>429 Too Many Requests</title></head><body>nginx</body></html>"
    assert error_from_response(_response(429, page)).message == "429 Too Many Requests"


def test_auth_failure_is_also_an_authentication_error() -> None:
    assert isinstance(error_from_response(_response(403)), AuthenticationError)


def test_error_text_never_contains_the_token() -> None:
    error = error_from_response(_response(403, b'"Incorrect username and/or password"'))
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)


def test_402_with_quota_headers_but_remaining_quota_is_a_premium_feature_error() -> None:
    """Toggl sends quota headers on every answer: a feature-gated 402 still carries them."""
    response = _response(
        402,
        b'"Workspace needs to have this feature enabled"',
        {"X-Toggl-Quota-Remaining": "17", "X-Toggl-Quota-Resets-In": "900"},
    )
    assert isinstance(error_from_response(response), PremiumFeatureError)


def test_402_saying_hourly_limit_is_quota_even_if_remaining_is_missing() -> None:
    response = _response(
        402, b"You have hit your hourly limit for API calls.", {"X-Toggl-Quota-Resets-In": "60"}
    )
    assert isinstance(error_from_response(response), QuotaExceededError)
