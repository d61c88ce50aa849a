"""The opt-in client-side limits: an hourly request budget that refuses before sending, and pacing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from toggl_api import BudgetExhaustedError, RateLimitError
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


def endpoint(auth: httpx.BasicAuth, client: httpx.AsyncClient, clock: FakeClock, **session: Any) -> AsyncJson:
    return AsyncJson(auth, client=client, clock=clock, session=TogglSession(**session) if session else None)


async def test_limits_are_off_by_default(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock)
    for _ in range(50):
        await me.request("me")
    assert fake_clock.sleeps == []


async def test_budget_refuses_without_sending_once_spent(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_hour=2)
    await me.request("me")
    await me.request("me")
    with pytest.raises(BudgetExhaustedError):
        await me.request("me")
    assert toggl_emulator.request_count() == 2


async def test_budget_error_says_when_a_request_is_allowed_again(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_hour=1)
    await me.request("me")
    fake_clock.advance(600)
    with pytest.raises(BudgetExhaustedError, match="3000s") as caught:
        await me.request("me")
    assert caught.value.resets_in == pytest.approx(3000)


async def test_budget_frees_requests_as_the_hour_slides(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_hour=1)
    await me.request("me")
    fake_clock.advance(3600)
    assert (await me.request("me"))["email"] == "demo@example.com"


async def test_budget_counts_retries(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_hour=2)
    toggl_emulator.faults.add(Fault.server_error(503), times=None)
    with pytest.raises(BudgetExhaustedError):
        await me.request("me")
    assert toggl_emulator.request_count() == 2


async def test_budget_is_shared_by_endpoints_on_one_client(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    TogglSession(requests_per_hour=1).attach(http_client)
    a = AsyncJson(toggl_auth, client=http_client, clock=fake_clock)
    b = AsyncJson(toggl_auth, client=http_client, clock=fake_clock)
    await a.request("me")
    with pytest.raises(BudgetExhaustedError):
        await b.request("me")


async def test_pacing_spaces_requests_on_the_clock(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> None:
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_second=2.0)
    for _ in range(4):
        await me.request("me")
    assert fake_clock.sleeps == [0.5, 0.5, 0.5]


async def test_pacing_at_one_per_second_avoids_the_burst_limit(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    toggl_emulator.limits.enabled = True
    toggl_emulator.limits.quota = False
    toggl_emulator.limits.burst_capacity = 1
    me = endpoint(toggl_auth, http_client, fake_clock, requests_per_second=1.0)
    for _ in range(10):
        await me.request("me")
    assert [r.status for r in toggl_emulator.requests] == [200] * 10


async def test_without_pacing_the_burst_limit_answers_429(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    toggl_emulator.limits.enabled = True
    toggl_emulator.limits.quota = False
    toggl_emulator.limits.burst_capacity = 1
    me = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, retries=0)
    await me.request("me")
    with pytest.raises(RateLimitError):
        await me.request("me")


def test_budget_rejects_a_limit_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="positive int"):
        TogglSession(requests_per_hour=0)


def test_endpoint_rejects_a_session_of_the_wrong_type(toggl_auth: httpx.BasicAuth) -> None:
    with pytest.raises(TypeError, match="session must be a TogglSession"):
        AsyncJson(toggl_auth, session=object())  # type: ignore[arg-type]
