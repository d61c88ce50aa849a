"""pytest fixtures for testing against the emulator (registered through the ``pytest11`` entry point).

Fixtures: ``fake_clock``, ``toggl_emulator`` (demo seed, limits off), ``toggl_account``,
``toggl_auth``, ``toggl_workspace_id``, ``toggl_transport``, ``toggl_server``. None touch ``$HOME``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .app import Emulator
from .clock import FakeClock
from .seed import DemoAccount
from .server import EmulatorServer

__all__ = [
    "fake_clock",
    "toggl_account",
    "toggl_auth",
    "toggl_emulator",
    "toggl_server",
    "toggl_transport",
    "toggl_workspace_id",
]


@pytest.fixture
def fake_clock() -> FakeClock:
    """A :class:`FakeClock` at 2026-11-20T12:00:00Z."""
    return FakeClock()


@pytest.fixture
def toggl_emulator(fake_clock: FakeClock) -> Iterator[Emulator]:
    """An :class:`Emulator` with the demo account on ``fake_clock``; limits are off."""
    emulator = Emulator("demo", clock=fake_clock, limits=False)
    yield emulator
    emulator.webhooks.close()  # stops the thread that runs in-process webhook receivers, if one started


@pytest.fixture
def toggl_account(toggl_emulator: Emulator) -> DemoAccount:
    """Credentials and ids of the seeded demo account."""
    assert toggl_emulator.account is not None
    return toggl_emulator.account


@pytest.fixture
def toggl_auth(toggl_account: DemoAccount) -> httpx.BasicAuth:
    """Basic auth with the demo user's API token."""
    return toggl_account.auth()


@pytest.fixture
def toggl_workspace_id(toggl_account: DemoAccount) -> int:
    """The demo user's default workspace id."""
    return toggl_account.workspace_id


@pytest.fixture
def toggl_transport(toggl_emulator: Emulator) -> httpx.MockTransport:
    """An httpx transport answering from ``toggl_emulator`` (sync and async clients)."""
    return toggl_emulator.transport()


@pytest.fixture
def toggl_server(toggl_emulator: Emulator) -> Iterator[EmulatorServer]:
    """``toggl_emulator`` served on a loopback port; stopped at teardown."""
    server = EmulatorServer(toggl_emulator).start()
    try:
        yield server
    finally:
        server.stop()
