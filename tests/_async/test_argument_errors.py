"""Wrong arguments fail at once with ``TypeError``/``ValueError`` saying what to pass, before any request.

Regression tests of issue 10: these raised ``AttributeError`` or ``OverflowError`` from deep inside request
building, or sent an id no 64-bit column can hold.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import DateTimeError
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import (
    AsyncClientEndpoint,
    AsyncDetailedReportEndpoint,
    AsyncProjectEndpoint,
    AsyncTrackerEndpoint,
    AsyncUserEndpoint,
)
from toggl_api.testing import Emulator, FakeClock

FAR_WEST_END_OF_TIME = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))


@pytest.fixture
def kwargs(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock) -> dict[str, object]:
    return {"auth": toggl_auth, "client": http_client, "clock": fake_clock}


async def test_a_client_filter_that_is_not_a_client_body_is_a_type_error(
    kwargs: dict[str, object], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    clients = AsyncClientEndpoint(toggl_workspace_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="body must be a ClientBody or None, not float"):
        await clients.collect(1.5)  # type: ignore[arg-type]
    assert toggl_emulator.request_count() == 0


async def test_adding_a_project_without_a_body_is_a_type_error(
    kwargs: dict[str, object], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="body must be a ProjectBody, not NoneType"):
        await projects.add(None)  # type: ignore[arg-type]
    assert toggl_emulator.request_count() == 0


async def test_an_id_beyond_64_bits_is_a_value_error_and_is_never_sent(
    kwargs: dict[str, object], toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    projects = AsyncProjectEndpoint(toggl_workspace_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="64-bit"):
        await projects.get(2**70)
    assert toggl_emulator.request_count() == 0


async def test_a_datetime_that_overflows_in_utc_is_a_date_time_error(
    kwargs: dict[str, object], toggl_workspace_id: int
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(DateTimeError, match="out of range"):
        await trackers.collect(since=FAR_WEST_END_OF_TIME)


async def test_a_report_without_a_report_body_is_a_type_error(
    kwargs: dict[str, object], toggl_workspace_id: int
) -> None:
    reports = AsyncDetailedReportEndpoint(toggl_workspace_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="body must be a ReportBody"):
        await reports.search_time_entries(None)  # type: ignore[arg-type]


async def test_bootstrap_into_something_that_is_not_a_cache_is_a_type_error_before_any_request(
    kwargs: dict[str, object], toggl_emulator: Emulator
) -> None:
    user = AsyncUserEndpoint(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tags must be a"):
        await user.bootstrap(tags=1.5)  # type: ignore[arg-type]
    assert toggl_emulator.request_count() == 0


def test_retries_that_are_not_an_int_are_a_type_error(toggl_auth: httpx.BasicAuth) -> None:
    with pytest.raises(TypeError, match="retries must be an int"):
        AsyncClientEndpoint(1, toggl_auth, retries=float("inf"))  # type: ignore[arg-type]


def test_an_expiry_beyond_what_a_timedelta_holds_is_a_value_error(cache_dir: Path) -> None:
    with pytest.raises(ValueError, match="out of range"):
        AsyncJSONCache(cache_dir, expire_after=2**70)
