"""Pacing against the emulator: a paced burst never meets Toggl's 429, an unpaced one does; where pacing applies.

The emulator models Toggl's burst limit (a leaky bucket of 3 requests draining 1 per second) on the same fake
clock the endpoints sleep on, so waits cost no real time.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from toggl_api import Pacing
from toggl_api._core.pacing import PACING_ENV, TOGGL_PACING
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock

BURST = 12


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


@pytest.fixture
def burst_limited(toggl_emulator: Emulator) -> Emulator:
    """The emulator enforcing only Toggl's burst limit (the hourly quota would stop a long burst first)."""
    toggl_emulator.limits.enabled = True
    toggl_emulator.limits.quota = False
    return toggl_emulator


def rate_limited(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.status == 429)


async def send_burst(endpoint: AsyncJson, workspace_id: int, count: int = BURST) -> None:
    for _ in range(count):
        await endpoint.request(f"workspaces/{workspace_id}/tags")


async def test_a_paced_burst_gets_no_429(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, pacing=TOGGL_PACING)
    await send_burst(endpoint, toggl_workspace_id)
    assert rate_limited(burst_limited) == 0
    assert len(burst_limited.requests) == BURST


async def test_the_same_burst_without_pacing_gets_429s(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, pacing=None)
    await send_burst(endpoint, toggl_workspace_id)
    assert rate_limited(burst_limited) > 0


async def test_a_paced_burst_takes_the_time_the_rate_allows(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, pacing=TOGGL_PACING)
    started = fake_clock.monotonic()
    await send_burst(endpoint, toggl_workspace_id)
    # Two go at once, the other ten one second apart.
    assert fake_clock.monotonic() - started == pytest.approx(BURST - 2)


async def test_a_429_that_still_comes_empties_the_bucket_so_no_second_one_follows(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    # A bucket larger than the server's: the 4th request of the burst is refused once, then the pace holds.
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock, pacing=Pacing(1.0, 5))
    await send_burst(endpoint, toggl_workspace_id, 8)
    assert rate_limited(burst_limited) == 1
    assert sum(1 for r in burst_limited.requests if r.status == 200) == 8


async def test_endpoints_built_from_one_auth_share_one_bucket(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, toggl_transport: httpx.MockTransport,
    fake_clock: FakeClock, toggl_workspace_id: int,
) -> None:
    async with httpx.AsyncClient(transport=toggl_transport) as one, \
            httpx.AsyncClient(transport=toggl_transport) as two:
        first = AsyncJson(toggl_auth, client=one, clock=fake_clock, pacing=TOGGL_PACING)
        second = AsyncJson(toggl_auth, client=two, clock=fake_clock, pacing=TOGGL_PACING)
        for _ in range(4):
            await send_burst(first, toggl_workspace_id, 2)
            await send_burst(second, toggl_workspace_id, 2)
    assert rate_limited(burst_limited) == 0
    assert fake_clock.sleeps == [1.0] * 14  # 16 requests, one bucket: 2 at once, then one a second


async def test_default_settings_send_a_burst_to_toggls_host_without_a_429(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, toggl_workspace_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fixture answers api.track.toggl.com through httpx's default transport, as Toggl would, and turns the
    # default pacing off; switched back on, this is what a user's script gets with no setting at all.
    monkeypatch.delenv(PACING_ENV)
    async with AsyncJson(toggl_auth, clock=fake_clock) as endpoint:
        await send_burst(endpoint, toggl_workspace_id)
    assert rate_limited(burst_limited) == 0
    assert len(burst_limited.requests) == BURST


async def test_default_settings_with_pacing_turned_off_meet_429s_at_toggls_host(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, toggl_workspace_id: int,
) -> None:
    async with AsyncJson(toggl_auth, clock=fake_clock) as endpoint:  # the fixture set TOGGL_API_PACING=off
        await send_burst(endpoint, toggl_workspace_id)
    assert rate_limited(burst_limited) > 0


async def test_the_emulators_transport_runs_at_full_speed_by_default(
    burst_limited: Emulator, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    burst_limited.limits.burst = False
    endpoint = AsyncJson(toggl_auth, client=http_client, clock=fake_clock)
    await send_burst(endpoint, toggl_workspace_id)
    assert endpoint.pacing is None
    assert fake_clock.sleeps == []


# Not under the toggl_emulator fixture: it turns the default pacing off while it routes Toggl's hosts.
OWN_AUTH = httpx.BasicAuth("not-a-real-token", "api_token")


async def pacing_of(**kwargs: Any) -> Pacing | None:
    async with AsyncJson(OWN_AUTH, **kwargs) as endpoint:
        return endpoint.pacing


async def test_toggl_through_the_default_transport_is_paced_by_default() -> None:
    assert await pacing_of() == TOGGL_PACING


async def test_a_callers_client_with_the_default_transport_is_still_paced() -> None:
    async with httpx.AsyncClient() as client:
        assert await pacing_of(client=client) == TOGGL_PACING


async def test_a_callers_mock_transport_is_not_paced_by_default() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200))) as client:
        assert await pacing_of(client=client) is None


async def test_another_base_url_is_not_paced_by_default() -> None:
    assert await pacing_of(base_url="http://127.0.0.1:9") is None


async def test_pacing_none_turns_it_off_for_toggl() -> None:
    assert await pacing_of(pacing=None) is None


async def test_the_environment_sets_the_default_pacing_for_toggl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACING_ENV, "0.5:1")
    assert await pacing_of() == Pacing(0.5, 1)


async def test_the_emulator_fixture_turns_the_default_pacing_off(toggl_emulator: Emulator) -> None:
    assert await pacing_of() is None


def test_a_malformed_environment_value_fails_when_the_endpoint_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACING_ENV, "fast")
    with pytest.raises(ValueError, match=r"\$TOGGL_API_PACING must be 'off'"):
        AsyncJson(OWN_AUTH)


def test_a_pacing_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="pacing must be a Pacing"):
        AsyncJson(OWN_AUTH, pacing=True)  # type: ignore[arg-type]
