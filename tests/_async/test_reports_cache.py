"""Optional caching of report answers: repeats within the TTL cost no request, later ones do."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from toggl_api.asyncio import AsyncDetailedReportEndpoint, AsyncSummaryReportEndpoint
from toggl_api.reports import ReportBody, ReportCache
from toggl_api.testing import Emulator, FakeClock

PATH = "summary/time_entries"


@pytest.fixture
def body(fake_clock: FakeClock) -> ReportBody:
    """The last week."""
    today = fake_clock.now().date()
    return ReportBody(start_date=today - timedelta(days=6), end_date=today)


def _summary(
    client: httpx.AsyncClient, auth: httpx.BasicAuth, wid: int, clock: FakeClock, **kwargs: object
) -> AsyncSummaryReportEndpoint:
    return AsyncSummaryReportEndpoint(wid, auth, client=client, clock=clock, **kwargs)  # type: ignore[arg-type]


async def test_repeat_within_ttl_sends_no_request(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    toggl_emulator: Emulator, body: ReportBody,
) -> None:  # fmt: skip
    endpoint = _summary(http_client, toggl_auth, toggl_workspace_id, fake_clock, report_cache_ttl=60)
    first = await endpoint.search_time_entries(body)
    fake_clock.advance(59)
    second = await endpoint.search_time_entries(body)
    assert second == first
    assert toggl_emulator.request_count("POST", PATH) == 1


async def test_repeat_after_ttl_sends_a_request(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    toggl_emulator: Emulator, body: ReportBody,
) -> None:  # fmt: skip
    endpoint = _summary(http_client, toggl_auth, toggl_workspace_id, fake_clock, report_cache_ttl=timedelta(minutes=1))
    await endpoint.search_time_entries(body)
    fake_clock.advance(60)
    await endpoint.search_time_entries(body)
    assert toggl_emulator.request_count("POST", PATH) == 2


async def test_caching_is_off_by_default(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    toggl_emulator: Emulator, body: ReportBody,
) -> None:  # fmt: skip
    endpoint = _summary(http_client, toggl_auth, toggl_workspace_id, fake_clock)
    await endpoint.search_time_entries(body)
    await endpoint.search_time_entries(body)
    assert toggl_emulator.request_count("POST", PATH) == 2


async def test_a_different_body_is_not_answered_from_the_cache(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    toggl_emulator: Emulator, body: ReportBody,
) -> None:  # fmt: skip
    endpoint = _summary(http_client, toggl_auth, toggl_workspace_id, fake_clock, report_cache_ttl=60)
    await endpoint.search_time_entries(body)
    body.grouping = "users"
    await endpoint.search_time_entries(body)
    assert toggl_emulator.request_count("POST", PATH) == 2


async def test_mutating_an_answer_does_not_change_the_cached_one(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    body: ReportBody,
) -> None:  # fmt: skip
    endpoint = _summary(http_client, toggl_auth, toggl_workspace_id, fake_clock, report_cache_ttl=60)
    first = await endpoint.search_time_entries(body)
    first["groups"].clear()
    assert (await endpoint.search_time_entries(body))["groups"]


async def test_a_shared_report_cache_serves_paginated_pages_again(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock,
    toggl_emulator: Emulator, body: ReportBody,
) -> None:  # fmt: skip
    cache = ReportCache(300)
    first = AsyncDetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock,
                                        report_cache=cache)  # fmt: skip
    second = AsyncDetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock,
                                         report_cache=cache)  # fmt: skip
    rows = await first.collect_all(body, page_size=20)
    sent = toggl_emulator.request_count("POST", "search/time_entries")
    again = await second.collect_all(body, page_size=20)
    assert again == rows
    assert toggl_emulator.request_count("POST", "search/time_entries") == sent
    assert cache.hits == sent


async def test_report_cache_must_be_a_report_cache(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    with pytest.raises(TypeError, match="ReportCache"):
        AsyncSummaryReportEndpoint(toggl_workspace_id, toggl_auth, client=http_client, report_cache={})  # type: ignore[arg-type]
