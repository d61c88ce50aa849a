"""Burst limit (429) and hourly quotas (402) on the fake clock (reference §4.1, §4.2)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from toggl_api.testing import BASE_URL, Emulator, FakeClock, Limits


@pytest.fixture
def limited(fake_clock: FakeClock) -> Emulator:
    """Demo account with limits on, burst off (to test quotas on their own)."""
    return Emulator("demo", clock=fake_clock, limits=Limits(burst=False))


@pytest.fixture
def lclient(limited: Emulator) -> Iterator[httpx.Client]:
    with limited.client() as c:
        yield c


def test_quota_headers_are_sent_even_with_limits_off(client: httpx.Client) -> None:
    response = client.get("/me")
    assert response.headers["X-Toggl-Quota-Remaining"] == "29"
    assert response.headers["X-Toggl-Quota-Resets-In"] == "3600"


def test_workspace_requests_count_against_the_organization_bucket(client: httpx.Client, wid: int) -> None:
    client.get("/me")
    response = client.get(f"/workspaces/{wid}/projects")
    assert response.headers["X-Toggl-Quota-Remaining"] == "29"


def test_remaining_goes_negative_when_not_enforced(client: httpx.Client) -> None:
    for _ in range(31):
        response = client.get("/me")
    assert response.status_code == 200
    assert response.headers["X-Toggl-Quota-Remaining"] == "-1"


def test_user_bucket_allows_30_me_requests_per_hour_then_402(lclient: httpx.Client) -> None:
    statuses = [lclient.get("/api/v9/me").status_code for _ in range(31)]
    assert statuses == [200] * 30 + [402]


def test_quota_402_has_message_and_headers(lclient: httpx.Client, fake_clock: FakeClock) -> None:
    for _ in range(30):
        lclient.get("/api/v9/me")
    fake_clock.advance(1800)
    response = lclient.get("/api/v9/me")
    assert response.status_code == 402
    assert response.json() == "You have hit your hourly limit for API calls. Your quota will reset in 1800 seconds."
    assert response.headers["X-Toggl-Quota-Remaining"] == "0"
    assert response.headers["X-Toggl-Quota-Resets-In"] == "1800"


def test_quota_resets_60_minutes_after_the_first_request(lclient: httpx.Client, fake_clock: FakeClock) -> None:
    for _ in range(30):
        lclient.get("/api/v9/me")
    fake_clock.advance(3600)
    response = lclient.get("/api/v9/me")
    assert response.status_code == 200
    assert response.headers["X-Toggl-Quota-Remaining"] == "29"


def test_free_plan_org_bucket_is_30_per_hour(lclient: httpx.Client, limited: Emulator) -> None:
    wid = limited.account.workspace_id  # type: ignore[union-attr]
    statuses = [lclient.get(f"/api/v9/workspaces/{wid}/tags").status_code for _ in range(31)]
    assert statuses[-2:] == [200, 402]


def test_user_and_org_buckets_are_separate(lclient: httpx.Client, limited: Emulator) -> None:
    for _ in range(30):
        lclient.get("/api/v9/me")
    wid = limited.account.workspace_id  # type: ignore[union-attr]
    assert lclient.get(f"/api/v9/workspaces/{wid}").status_code == 200


def test_starter_plan_allows_240_per_hour(fake_clock: FakeClock) -> None:
    emulator = Emulator("empty", clock=fake_clock, limits=Limits(burst=False), plan="starter")
    with emulator.client() as c:
        response = c.get(f"/api/v9/workspaces/{emulator.account.workspace_id}")  # type: ignore[union-attr]
    assert response.headers["X-Toggl-Quota-Remaining"] == "239"


def test_plan_numbers_are_configurable(fake_clock: FakeClock) -> None:
    limits = Limits(burst=False, plan_quotas={"free": 2}, user_quota=1)
    emulator = Emulator("empty", clock=fake_clock, limits=limits)
    with emulator.client() as c:
        assert [c.get("/api/v9/me").status_code for _ in range(2)] == [200, 402]


def test_me_quota_lists_user_bucket_then_organizations(lclient: httpx.Client, limited: Emulator) -> None:
    lclient.get("/api/v9/me")
    quota = lclient.get("/api/v9/me/quota").json()
    assert quota[0] == {"organization_id": None, "remaining": 29, "resets_in_secs": 3600, "total": 30}
    assert quota[1]["organization_id"] == limited.account.organization_id  # type: ignore[union-attr]
    assert quota[1]["remaining"] == 30


def test_burst_over_capacity_returns_429(fake_clock: FakeClock) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(quota=False, burst_capacity=3))
    with emulator.client() as c:
        statuses = [c.get("/api/v9/me/logged").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_burst_bucket_drains_at_one_request_per_second(fake_clock: FakeClock) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(quota=False, burst_capacity=3))
    with emulator.client() as c:
        for _ in range(3):
            c.get("/api/v9/me/logged")
        fake_clock.advance(1)
        assert c.get("/api/v9/me/logged").status_code == 200
        assert c.get("/api/v9/me/logged").status_code == 429


def test_rate_limited_answer_is_the_nginx_html_page(fake_clock: FakeClock) -> None:
    emulator = Emulator("demo", clock=fake_clock, limits=Limits(quota=False, burst_capacity=1))
    with emulator.client() as c:
        c.get("/api/v9/me/logged")
        response = c.get("/api/v9/me/logged")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert "429 Too Many Requests" in response.text


def test_limits_can_be_switched_on_a_live_emulator(toggl_emulator: Emulator) -> None:
    toggl_emulator.limits.enabled = True
    toggl_emulator.limits.burst_capacity = 1
    with httpx.Client(transport=toggl_emulator.transport(), base_url=BASE_URL, auth=toggl_emulator.account.auth()) as c:  # type: ignore[union-attr]
        c.get("/api/v9/me/logged")
        assert c.get("/api/v9/me/logged").status_code == 429


def test_rejected_requests_do_not_consume_quota(lclient: httpx.Client) -> None:
    for _ in range(32):
        lclient.get("/api/v9/me")
    assert lclient.get("/api/v9/me/quota").json()[0]["remaining"] == 0


def test_limits_summary_names_the_plan_quota_burst_and_how_to_avoid_waiting() -> None:
    line = Limits().summary("starter")

    assert "starter plan, 240 requests an hour per organization and 30 for /me" in line
    assert "429 above 1 request/s after a burst of 3" in line
    assert "restart to reset them" in line


def test_limits_summary_of_switched_off_limits() -> None:
    assert Limits(enabled=False).summary("free") == "Limits: off (no 429, no 402)."
