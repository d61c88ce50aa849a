"""Cache decisions as pure functions: request method → cache action, expiry normalisation and freshness."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from toggl_api._core.api.request import RequestMethod
from toggl_api._core.cache_rules import CacheAction, action_for, caching_disabled, is_fresh, normalize_expiry

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
