"""Quota visibility: the latest quota per client, ``GET /me/quota``, and the low-quota warning."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest

from toggl_api._core.quota import Bucket
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock

LOGGER = "toggl_api.endpoint"


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


@pytest.fixture
def me(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock) -> AsyncJson:
    return AsyncJson(toggl_auth, client=http_client, clock=fake_clock)


async def test_quota_is_unknown_before_any_answer(me: AsyncJson) -> None:
    assert me.quota is None


async def test_quota_shows_remaining_reset_time_and_bucket_after_a_request(
    me: AsyncJson, fake_clock: FakeClock
) -> None:
    await me.request("me")
    quota = me.quota
    assert quota is not None
    assert (quota.remaining, quota.bucket) == (29, Bucket.USER)
    assert quota.resets_at == fake_clock.now() + timedelta(seconds=3600)


async def test_quota_of_a_workspace_request_is_the_organization_bucket(
    me: AsyncJson, toggl_workspace_id: int
) -> None:
    await me.request(f"workspaces/{toggl_workspace_id}/tags")
    assert me.quota is not None
    assert me.quota.bucket is Bucket.ORGANIZATION


async def test_endpoints_sharing_a_client_share_the_latest_quota(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    first = AsyncJson(toggl_auth, client=http_client, clock=fake_clock)
    second = AsyncJson(toggl_auth, client=http_client, clock=fake_clock)
    await first.request("me")
    await first.request("me")
    assert second.quota is not None
    assert second.quota.remaining == 28


async def test_endpoints_given_one_session_share_it_across_clients(
    toggl_auth: httpx.BasicAuth, toggl_transport: httpx.MockTransport, fake_clock: FakeClock
) -> None:
    session = TogglSession()
    async with httpx.AsyncClient(transport=toggl_transport) as a, httpx.AsyncClient(transport=toggl_transport) as b:
        await AsyncJson(toggl_auth, client=a, clock=fake_clock, session=session).request("me")
        other = AsyncJson(toggl_auth, client=b, clock=fake_clock, session=session)
        assert other.quota is not None


async def test_get_quota_lists_the_user_bucket_and_each_organization(
    me: AsyncJson, toggl_emulator: Emulator
) -> None:
    await me.request("me")
    buckets = await me.get_quota()
    user = [b for b in buckets if b.organization_id is None]
    orgs = [b for b in buckets if b.organization_id is not None]
    assert [(b.remaining, b.total, b.bucket) for b in user] == [(29, 30, Bucket.USER)]
    assert orgs
    assert all(b.bucket is Bucket.ORGANIZATION for b in orgs)


async def test_low_quota_logs_a_warning_once(
    me: AsyncJson, toggl_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    toggl_emulator.limits.user_quota = 8
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        for _ in range(6):
            await me.request("me")
    warnings = [r.getMessage() for r in caplog.records if "quota low" in r.getMessage()]
    assert warnings == ["Toggl API quota low: 4 requests left in the user bucket; resets in 3600s"]


async def test_low_quota_threshold_is_configurable(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = TogglSession(quota_warning_below=29)
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, session=session)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        await endpoint.request("me")  # 29 left: not below 29
        await endpoint.request("me")  # 28 left
    assert sum("quota low" in r.getMessage() for r in caplog.records) == 1


async def test_quota_warning_never_contains_the_token(
    me: AsyncJson, toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, caplog: pytest.LogCaptureFixture
) -> None:
    toggl_emulator.limits.user_quota = 2
    with caplog.at_level(logging.DEBUG):
        await me.request("me")
    token = toggl_emulator.account.api_token if toggl_emulator.account else "unknown"
    assert token not in caplog.text
