"""Cache decisions as pure functions: request method → cache action, expiry normalisation and freshness."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from toggl_api._core.api.request import RequestMethod
from toggl_api._core.cache_rules import (
    CacheAction,
    WriteOutcome,
    action_for,
    caching_disabled,
    failed_write_outcome,
    is_fresh,
    list_scopes_of,
    normalize_expiry,
)
from toggl_api._core.errors import BudgetExhaustedError, TogglAPIError, error_from_response

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("method", "action"),
    [
        (RequestMethod.GET, CacheAction.ADD),
        (RequestMethod.PUT, CacheAction.ADD),
        (RequestMethod.PATCH, CacheAction.UPDATE),
        (RequestMethod.POST, CacheAction.UPDATE),
        (RequestMethod.DELETE, CacheAction.DELETE),
    ],
)
def test_every_request_method_maps_to_a_cache_action(method: RequestMethod, action: CacheAction) -> None:
    assert action_for(method) is action


def test_integer_expiry_is_seconds() -> None:
    assert normalize_expiry(90) == timedelta(seconds=90)


def test_negative_expiry_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        normalize_expiry(-1)


def test_a_bool_expiry_is_refused() -> None:
    with pytest.raises(TypeError, match="bool"):
        normalize_expiry(True)


def test_zero_expiry_disables_caching() -> None:
    assert caching_disabled(normalize_expiry(0))
    assert not caching_disabled(None)


def test_an_entry_is_fresh_until_expire_after_has_passed() -> None:
    assert is_fresh(NOW, NOW + timedelta(seconds=59), timedelta(seconds=60))
    assert not is_fresh(NOW, NOW + timedelta(seconds=60), timedelta(seconds=60))


def test_without_expiry_an_entry_never_goes_stale() -> None:
    assert is_fresh(NOW, NOW + timedelta(days=3650), None)


# -- what a failed write means for the cache -------------------------------------------------------------------

_REQUEST = httpx.Request("PUT", "https://api.track.toggl.com/api/v9/workspaces/1/tags/2")


def _answer(status: int) -> TogglAPIError:
    return error_from_response(httpx.Response(status, request=_REQUEST, json="no"), now=NOW)


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("lost", request=_REQUEST),
        httpx.RemoteProtocolError("hung up", request=_REQUEST),
        httpx.ReadError("reset", request=_REQUEST),
        httpx.WriteTimeout("slow", request=_REQUEST),
        httpx.DecodingError("cut off"),
        _answer(500),
        _answer(503),
        _answer(408),
        ValueError("the answer could not be decoded"),
    ],
    ids=lambda e: type(e).__name__ + (f"-{e.status}" if isinstance(e, TogglAPIError) else ""),
)
def test_a_failure_after_the_request_left_may_have_applied_the_write(error: Exception) -> None:
    assert failed_write_outcome(error, requests_sent=1) is WriteOutcome.MAYBE_APPLIED


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused", request=_REQUEST),
        httpx.ConnectTimeout("no route", request=_REQUEST),
        httpx.PoolTimeout("no connection free", request=_REQUEST),
        _answer(400),
        _answer(403),
        _answer(404),
        _answer(409),
        _answer(429),
    ],
    ids=lambda e: type(e).__name__ + (f"-{e.status}" if isinstance(e, TogglAPIError) else ""),
)
def test_a_failure_of_the_only_attempt_that_never_reached_toggl_changes_nothing(error: Exception) -> None:
    assert failed_write_outcome(error, requests_sent=1) is WriteOutcome.NOT_APPLIED


@pytest.mark.parametrize(
    "error", [BudgetExhaustedError("spent", resets_in=10.0), ValueError("bad start"), TypeError("bad id")]
)
def test_a_failure_before_anything_was_sent_changes_nothing(error: Exception) -> None:
    assert failed_write_outcome(error, requests_sent=0) is WriteOutcome.NOT_APPLIED


@pytest.mark.parametrize(
    "error",
    [
        BudgetExhaustedError("spent", resets_in=10.0),
        httpx.ConnectError("refused", request=_REQUEST),
        _answer(400),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_retry_that_failed_cleanly_still_leaves_the_earlier_attempt_in_doubt(error: Exception) -> None:
    assert failed_write_outcome(error, requests_sent=2) is WriteOutcome.MAYBE_APPLIED


def test_list_scopes_of_a_project_are_every_active_filter_of_its_workspace() -> None:
    assert list_scopes_of("project", 7) == (
        "projects/7?active=true",
        "projects/7?active=false",
        "projects/7?active=both",
    )


def test_list_scopes_of_clients_cover_every_status() -> None:
    assert set(list_scopes_of("client", 7)) == {
        "clients/7?status=active",
        "clients/7?status=archived",
        "clients/7?status=both",
    }


def test_time_entries_have_no_list_scopes() -> None:
    assert list_scopes_of("tracker", 7) == ()


def test_every_workspace_list_a_new_resource_joins_is_named() -> None:
    assert list_scopes_of("task", 7) == ("tasks/7?active=true", "tasks/7?active=false", "tasks/7?active=both")
    assert list_scopes_of("workspace_user", 7) == ("workspace_users/7",)
    assert list_scopes_of("project_user", 7) == ("project_users/7",)
    assert list_scopes_of("user_group", 7) == ("groups/7",)
