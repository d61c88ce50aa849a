"""An async write cancelled while its request is out (``asyncio.wait_for``, a task cancelled by its owner) may
have been applied by Toggl: the cache is made humble as after a lost answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from toggl_api.asyncio import AsyncJSONCache, AsyncTagEndpoint
from toggl_api.testing import Emulator, FakeClock


class AppliedThenHangs(httpx.AsyncBaseTransport):
    """Lets the emulator apply each write, then never answers (until the caller gives up)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.hang = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = self.emulator.handle(request)
        if self.hang and request.method != "GET":
            await asyncio.Event().wait()
        return response


async def test_tag_list_is_read_again_after_a_cancelled_add(
    cache_dir: Path, fake_clock: FakeClock, toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
) -> None:
    transport = AppliedThenHangs(toggl_emulator)
    async with httpx.AsyncClient(transport=transport) as client:
        tags = AsyncTagEndpoint(toggl_workspace_id, toggl_auth, AsyncJSONCache(cache_dir, clock=fake_clock),
                                client=client, clock=fake_clock, retries=0)
        await tags.collect()
        transport.hang = True
        task = asyncio.create_task(tags.add("made-then-cancelled"))
        while not any(r.method == "POST" for r in toggl_emulator.requests):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert "made-then-cancelled" in {t.name for t in await tags.collect()}
