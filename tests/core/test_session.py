"""The shared session: admission (budget + pacing) and the quota view with its low-quota signal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from toggl_api._core.quota import Bucket, QuotaInfo, bucket_for_path, quota_from_response, quotas_from_payload
from toggl_api._core.session import TogglSession

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def info(remaining: int, *, total: int | None = None, at: datetime = NOW, org: int | None = None) -> QuotaInfo:
    bucket = Bucket.USER if org is None and total is None else Bucket.ORGANIZATION
    return QuotaInfo(remaining, 100, at + timedelta(seconds=100), bucket, at, org, total)


def test_session_without_limits_admits_everything_at_once() -> None:
    session = TogglSession()
    assert {session.admit(0.0).wait for _ in range(100)} == {0.0}


def test_session_budget_refuses_with_seconds_until_allowed() -> None:
    session = TogglSession(requests_per_hour=2)
    session.admit(0.0)
    session.admit(100.0)
    assert session.admit(200.0).refused_for == pytest.approx(3400.0)


def test_session_pacing_makes_requests_wait_their_slot() -> None:
    session = TogglSession(requests_per_second=1.0)
    assert [session.admit(0.0).wait for _ in range(3)] == [0.0, 1.0, 2.0]


def test_same_client_gives_the_same_session() -> None:
    client = httpx.Client()
    try:
        assert TogglSession.for_client(client) is TogglSession.for_client(client)
    finally:
        client.close()


def test_attached_session_is_found_through_its_client() -> None:
    client = httpx.Client()
    session = TogglSession(requests_per_hour=10)
    try:
        session.attach(client)
        assert TogglSession.for_client(client) is session
    finally:
        client.close()


def test_observe_signals_when_remaining_drops_below_the_threshold() -> None:
    session = TogglSession(quota_warning_below=5)
    assert [session.observe(info(r)) for r in (6, 5, 4)] == [False, False, True]


def test_observe_signals_a_low_quota_only_once_until_it_recovers() -> None:
    session = TogglSession(quota_warning_below=5)
    assert [session.observe(info(r)) for r in (4, 3, 30, 2)] == [True, False, False, True]


def test_low_threshold_uses_the_share_of_a_known_bucket_size() -> None:
    session = TogglSession(quota_warning_below=5, quota_warning_ratio=0.1)
    assert session.is_low(info(20, total=240, org=1))


def test_latest_quota_is_the_most_recent_reading() -> None:
    session = TogglSession()
    session.observe(info(7, at=NOW))
    session.observe(info(3, at=NOW + timedelta(seconds=1), org=9, total=30))
    assert session.quota is not None
    assert session.quota.remaining == 3


def test_quota_headers_give_remaining_reset_time_and_bucket() -> None:
    request = httpx.Request("GET", "https://api.track.toggl.com/api/v9/me/time_entries")
    response = httpx.Response(
        200, headers={"X-Toggl-Quota-Remaining": "20", "X-Toggl-Quota-Resets-In": "1855"}, request=request
    )
    got = quota_from_response(response, NOW)
    assert got == QuotaInfo(20, 1855, NOW + timedelta(seconds=1855), Bucket.USER, NOW)


def test_response_without_quota_headers_gives_none() -> None:
    request = httpx.Request("GET", "https://api.track.toggl.com/api/v9/me")
    assert quota_from_response(httpx.Response(200, request=request), NOW) is None


@pytest.mark.parametrize(
    ("path", "bucket"),
    [("/api/v9/me", Bucket.USER), ("/api/v9/me/tags", Bucket.USER),
     ("/api/v9/workspaces/1/tags", Bucket.ORGANIZATION), ("/reports/api/v3/workspace/1/summary", Bucket.ORGANIZATION),
     ("/api/v9/metrics", Bucket.ORGANIZATION)],
)
def test_paths_map_to_toggls_quota_buckets(path: str, bucket: Bucket) -> None:
    assert bucket_for_path(path) is bucket


def test_me_quota_payload_decodes_every_bucket() -> None:
    payload = [
        {"organization_id": None, "remaining": 28, "resets_in_secs": 100, "total": 30},
        {"organization_id": 7, "remaining": 230, "resets_in_secs": 50, "total": 240},
    ]
    got = quotas_from_payload(payload, NOW)
    assert [(q.bucket, q.organization_id, q.remaining, q.total) for q in got] == [
        (Bucket.USER, None, 28, 30),
        (Bucket.ORGANIZATION, 7, 230, 240),
    ]


def test_me_quota_payload_that_is_not_a_list_is_rejected() -> None:
    with pytest.raises(TypeError, match="expected a list"):
        quotas_from_payload({"remaining": 1}, NOW)
