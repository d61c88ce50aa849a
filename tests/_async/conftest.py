"""Fixtures of the async tests; ``tests/_sync/conftest.py`` is generated from this file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest


@pytest.fixture
async def http_client(toggl_transport: httpx.MockTransport) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client wired to the in-process emulator."""
    async with httpx.AsyncClient(transport=toggl_transport) as client:
        yield client
