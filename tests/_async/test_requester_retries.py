"""Retries against the emulator: what is repeated, what never is, and how long the fake clock waited."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import pytest

from toggl_api import (
    NotFoundError,
    PremiumFeatureError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    TogglTracker,
)
from toggl_api._core.api.request import RequestMethod
from toggl_api._core.policy import RetryPolicy
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault

WRITE_FAULTS = [Fault.lost_answer(), Fault.lost_answer("reset"), Fault.timeout(), Fault.connection_reset(),
                Fault.server_error(500), Fault.server_error(503), Fault.slow(60)]


class AsyncTrackers(TogglAsyncEndpoint[TogglTracker]):
    MODEL = TogglTracker


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


def entry_body(workspace_id: int, description: str) -> dict[str, Any]:
    return {"workspace_id": workspace_id, "start": "2026-11-20T10:00:00Z", "duration": 600,
            "description": description, "created_with": "toggl_api tests"}


def entries_named(emulator: Emulator, description: str) -> int:
    return sum(1 for te in emulator.state.time_entries.values() if te.description == description)


@pytest.fixture
def trackers(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock) -> AsyncTrackers:
    return AsyncTrackers(toggl_auth, client=http_client, clock=fake_clock, timeout=30)


@pytest.fixture
def me(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock) -> AsyncJson:
    return AsyncJson(toggl_auth, client=http_client, clock=fake_clock)


async def create(endpoint: AsyncTrackers, workspace_id: int, description: str) -> Any:
    return await endpoint.request(f"workspaces/{workspace_id}/time_entries", body=entry_body(workspace_id, description),
                                  method=RequestMethod.POST)


async def an_entry(endpoint: AsyncTrackers, workspace_id: int) -> TogglTracker:
    entry = await create(endpoint, workspace_id, "existing")
    assert isinstance(entry, TogglTracker)
    return entry


# -- idempotent requests ---------------------------------------------------------------------------

async def test_get_is_retried_after_a_server_error(me: AsyncJson, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(503), times=2)
    assert (await me.request("me"))["email"] == "demo@example.com"
    assert toggl_emulator.request_count("GET", "/me") == 3


async def test_get_backoff_is_waited_on_the_clock(me: AsyncJson, toggl_emulator: Emulator,
                                                  fake_clock: FakeClock) -> None:
    toggl_emulator.faults.add(Fault.server_error(502), times=2)
    await me.request("me")
    assert len(fake_clock.sleeps) == 2
    assert all(0 <= s <= 0.5 * 2**i for i, s in enumerate(fake_clock.sleeps))


async def test_get_raises_server_error_once_retries_are_spent(me: AsyncJson, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.server_error(500), times=None)
    with pytest.raises(ServerError) as caught:
        await me.request("me")
    assert caught.value.status == 500
    assert toggl_emulator.request_count("GET", "/me") == 4


@pytest.mark.parametrize("fault", [Fault.timeout(), Fault.connection_reset(), Fault.connect_error()],
                         ids=lambda f: f.kind)
async def test_get_is_retried_after_a_network_error(me: AsyncJson, toggl_emulator: Emulator, fault: Fault) -> None:
    toggl_emulator.faults.add(fault)
    await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 2


async def test_network_error_is_raised_once_retries_are_spent(me: AsyncJson, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.timeout(), times=None)
    with pytest.raises(httpx.ReadTimeout):
        await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 4


async def test_get_is_retried_after_an_unreadable_answer(me: AsyncJson, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.malformed_json())
    assert (await me.request("me"))["email"] == "demo@example.com"
    assert toggl_emulator.request_count("GET", "/me") == 2


async def test_put_whose_answer_was_lost_is_repeated_safely(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    entry = await an_entry(trackers, toggl_workspace_id)
    toggl_emulator.faults.add(Fault.lost_answer(), method="PUT")
    edited = await trackers.request(f"workspaces/{toggl_workspace_id}/time_entries/{entry.id}",
                                    body={"description": "renamed"}, method=RequestMethod.PUT)
    assert edited.name == "renamed"
    assert toggl_emulator.request_count("PUT") == 2


async def test_delete_whose_answer_was_lost_reports_not_found_on_the_retry(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    entry = await an_entry(trackers, toggl_workspace_id)
    toggl_emulator.faults.add(Fault.lost_answer(), method="DELETE")
    with pytest.raises(NotFoundError):
        await trackers.request(f"workspaces/{toggl_workspace_id}/time_entries/{entry.id}",
                               method=RequestMethod.DELETE)
    assert toggl_emulator.state.time_entries[entry.id].deleted


# -- POST is never repeated unless it provably never left -------------------------------------------

@pytest.mark.parametrize("fault", WRITE_FAULTS, ids=lambda f: f"{f.kind}-{f.error}-{f.status}")
async def test_post_is_sent_once_whatever_fails(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int, fault: Fault
) -> None:
    toggl_emulator.faults.add(fault, method="POST")
    with contextlib.suppress(httpx.TransportError, ServerError):
        await create(trackers, toggl_workspace_id, "once")
    assert toggl_emulator.request_count("POST") == 1
    assert entries_named(toggl_emulator, "once") <= 1


async def test_post_whose_answer_was_lost_raises_the_timeout(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(Fault.lost_answer(), method="POST")
    with pytest.raises(httpx.ReadTimeout):
        await create(trackers, toggl_workspace_id, "applied")
    assert entries_named(toggl_emulator, "applied") == 1


async def test_post_on_a_server_error_raises_without_retry(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(Fault.server_error(503), method="POST")
    with pytest.raises(ServerError):
        await create(trackers, toggl_workspace_id, "refused")
    assert toggl_emulator.request_count("POST") == 1


async def test_post_is_retried_when_the_connection_was_refused(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(Fault.connect_error(), times=2, method="POST")
    created = await create(trackers, toggl_workspace_id, "refused twice")
    assert isinstance(created, TogglTracker)
    assert entries_named(toggl_emulator, "refused twice") == 1


async def test_post_with_an_unreadable_answer_raises_decoding_error_and_is_not_repeated(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(Fault.malformed_json(), method="POST")
    with pytest.raises(httpx.DecodingError, match="applied"):
        await create(trackers, toggl_workspace_id, "garbled")
    assert entries_named(toggl_emulator, "garbled") == 1


# -- 429 ---------------------------------------------------------------------------------------------

async def test_rate_limit_is_backed_off_until_the_bucket_drains(
    me: AsyncJson, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    toggl_emulator.limits.enabled = True
    toggl_emulator.limits.quota = False
    toggl_emulator.limits.burst_capacity = 1
    for _ in range(3):
        await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") > 3
    assert all(s >= 1.0 for s in fake_clock.sleeps)


async def test_rate_limit_raises_rate_limit_error_once_retries_are_spent(
    me: AsyncJson, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.http_error(429), times=None)
    with pytest.raises(RateLimitError):
        await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 4


async def test_rate_limited_post_is_retried_because_it_was_refused(
    trackers: AsyncTrackers, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(Fault.http_error(429), method="POST")
    await create(trackers, toggl_workspace_id, "after 429")
    assert entries_named(toggl_emulator, "after 429") == 1


async def test_retry_after_header_sets_the_wait(
    toggl_auth: httpx.BasicAuth, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    answered = {"first": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if answered.pop("first", False):
            return httpx.Response(429, headers={"Retry-After": "7"}, request=request)
        return toggl_emulator.handle(request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await AsyncJson(toggl_auth, client=client, clock=fake_clock).request("me")
    assert fake_clock.sleeps == [7.0]


# -- 402 ---------------------------------------------------------------------------------------------

def enforce_user_quota(emulator: Emulator, size: int) -> None:
    emulator.limits.enabled = True
    emulator.limits.burst = False
    emulator.limits.user_quota = size


async def test_quota_exhaustion_raises_quota_exceeded_with_reset_time(
    me: AsyncJson, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    enforce_user_quota(toggl_emulator, 2)
    await me.request("me")
    fake_clock.advance(100)
    await me.request("me")
    with pytest.raises(QuotaExceededError) as caught:
        await me.request("me")
    error = caught.value
    assert (error.remaining, error.resets_in) == (0, 3500)
    assert error.resets_at is not None
    assert int((error.resets_at - fake_clock.now()).total_seconds()) == 3500


async def test_quota_exhaustion_is_not_retried_by_default(me: AsyncJson, toggl_emulator: Emulator) -> None:
    enforce_user_quota(toggl_emulator, 1)
    await me.request("me")
    with pytest.raises(QuotaExceededError):
        await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 2


async def test_wait_for_quota_sleeps_until_the_reset_and_succeeds(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    enforce_user_quota(toggl_emulator, 1)
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, policy=RetryPolicy(wait_for_quota=True))
    await endpoint.request("me")
    assert (await endpoint.request("me"))["email"] == "demo@example.com"
    assert fake_clock.sleeps == [3601.0]


async def test_wait_for_quota_refuses_a_reset_beyond_max_quota_wait(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    enforce_user_quota(toggl_emulator, 1)
    policy = RetryPolicy(wait_for_quota=True, max_quota_wait=60)
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, policy=policy)
    await endpoint.request("me")
    with pytest.raises(QuotaExceededError):
        await endpoint.request("me")
    assert fake_clock.sleeps == []


async def test_payment_required_without_quota_headers_is_a_premium_feature_error(
    me: AsyncJson, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.http_error(402, "Workspace needs to have this feature enabled"))
    with pytest.raises(PremiumFeatureError, match="feature enabled"):
        await me.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 1


# -- re_raise ------------------------------------------------------------------------------------------

async def test_re_raise_disables_retries(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, re_raise=True)
    toggl_emulator.faults.add(Fault.server_error(503))
    with pytest.raises(ServerError):
        await endpoint.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 1


async def test_policy_retries_apply_when_no_retries_argument_is_given(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, toggl_emulator: Emulator, fake_clock: FakeClock
) -> None:
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, policy=RetryPolicy(retries=5))
    toggl_emulator.faults.add(Fault.server_error(503), times=None)
    with pytest.raises(ServerError):
        await endpoint.request("me")
    assert toggl_emulator.request_count("GET", "/me") == 6


async def test_retry_deadline_stops_retrying_on_the_clock(toggl_auth: httpx.BasicAuth, fake_clock: FakeClock) -> None:
    sent: list[float] = []

    def slow_failure(request: httpx.Request) -> httpx.Response:
        sent.append(fake_clock.monotonic())
        fake_clock.advance(2.0)  # each answer takes two seconds, then fails
        return httpx.Response(503, json="busy", request=request)

    policy = RetryPolicy(retries=10, base_delay=0.01, deadline=5.0)
    async with httpx.AsyncClient(transport=httpx.MockTransport(slow_failure)) as client:
        endpoint = AsyncJson(toggl_auth, client=client, clock=fake_clock, policy=policy)
        with pytest.raises(ServerError):
            await endpoint.request("me")
    assert len(sent) == 3
    assert sent[-1] - sent[0] <= 5.0
