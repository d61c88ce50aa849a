"""One logger tree: configuring ``logging.getLogger("toggl_api")`` alone catches the SDK's warnings (issue 17:
retry and quota warnings used to go to ``toggl-api-wrapper.*`` and were missed)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api._core.models import TogglTag
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import AsyncJSONCache, TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def toggl_api_log() -> Iterator[_Collect]:
    """A handler on the ``toggl_api`` logger only, as a user configures it."""
    handler = _Collect()
    logger = logging.getLogger("toggl_api")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def messages(log: _Collect) -> list[str]:
    return [record.getMessage() for record in log.records]


async def test_the_toggl_api_logger_gets_the_retry_warning(
    toggl_api_log: _Collect, toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, fake_clock: FakeClock,
) -> None:
    toggl_emulator.faults.add(Fault.server_error(503), times=1)
    await AsyncJson(toggl_auth, client=http_client, clock=fake_clock).request("me")
    assert any("server error (503); retrying" in m for m in messages(toggl_api_log))


async def test_the_toggl_api_logger_gets_the_quota_warning(
    toggl_api_log: _Collect, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
) -> None:
    session = TogglSession(quota_warning_below=30)
    await AsyncJson(toggl_auth, client=http_client, clock=fake_clock, session=session).request("me")
    assert any(m.startswith("Toggl API quota low") for m in messages(toggl_api_log))


async def test_the_toggl_api_logger_gets_the_cache_warning(
    toggl_api_log: _Collect, cache_dir: Path, fake_clock: FakeClock
) -> None:
    (cache_dir / "cache_tag.json").write_text('{"format": 1, "data": [')
    cache: AsyncJSONCache[TogglTag] = AsyncJSONCache(cache_dir, clock=fake_clock)  # type: ignore[arg-type]
    await cache.load(TogglTag)
    assert any("cache_tag.json is unreadable" in m for m in messages(toggl_api_log))


async def test_the_warnings_name_their_area_under_toggl_api(
    toggl_api_log: _Collect, toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, fake_clock: FakeClock, cache_dir: Path,
) -> None:
    toggl_emulator.faults.add(Fault.server_error(503), times=1)
    await AsyncJson(toggl_auth, client=http_client, clock=fake_clock).request("me")
    (cache_dir / "cache_tag.json").write_text("not json")
    await AsyncJSONCache(cache_dir, clock=fake_clock).load(TogglTag)  # type: ignore[arg-type]
    assert {record.name for record in toggl_api_log.records} == {"toggl_api.endpoint", "toggl_api.cache"}
