"""While an emulator fixture is active, nothing leaves for Toggl's hosts, whatever the code under test does."""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from typing import Any

import httpx
import pytest

from toggl_api import TrackerEndpoint
from toggl_api.config import generate_authentication, retrieve_workspace_id
from toggl_api.testing import Emulator
from toggl_api.testing.pytest_plugin import TogglNetworkBlockedError, is_toggl_host

#: A token of Toggl's shape standing for the user's real one, as found in their shell.
REAL_TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def real_token(monkeypatch: pytest.MonkeyPatch) -> str:
    """The user's real credentials are in the environment (set before the emulator fixtures)."""
    monkeypatch.setenv("TOGGL_API_TOKEN", REAL_TOKEN)
    monkeypatch.setenv("TOGGL_WORKSPACE_ID", "424242")
    return REAL_TOKEN


@pytest.fixture
def outside_connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connect to a non-loopback address, refused and recorded (a socket-level guard)."""
    seen: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                seen.append(address)
                raise ConnectionRefusedError(f"test guard: connect to {address!r} refused")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


def test_sdk_configured_from_the_environment_talks_only_to_the_emulator(
    real_token: str, outside_connects: list[Any], toggl_env: dict[str, str], toggl_emulator: Emulator
) -> None:
    trackers = TrackerEndpoint(retrieve_workspace_id(), generate_authentication())
    running = trackers.current()
    assert running is not None
    assert running.name == "Reviewing pull requests"
    assert toggl_emulator.request_count("GET", "/time_entries/current") == 1
    assert outside_connects == []


def test_the_real_token_never_reaches_the_emulator(
    real_token: str, outside_connects: list[Any], toggl_env: dict[str, str], toggl_emulator: Emulator
) -> None:
    TrackerEndpoint(retrieve_workspace_id(), generate_authentication()).current()
    assert toggl_emulator.requests
    assert all(real_token not in str(r.headers) for r in toggl_emulator.requests)
    assert real_token not in str(toggl_emulator.request_log)


def test_toggl_env_points_the_environment_at_the_served_emulator(
    real_token: str, toggl_env: dict[str, str], toggl_server: Any, toggl_account: Any
) -> None:
    assert toggl_env["TOGGL_API_BASE_URL"] == toggl_server.url
    assert retrieve_workspace_id() == toggl_account.workspace_id
    assert generate_authentication()._auth_header == toggl_account.auth()._auth_header


def test_sdk_without_a_base_url_is_answered_by_the_emulator(
    outside_connects: list[Any], toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    running = TrackerEndpoint(toggl_workspace_id, toggl_auth).current()  # default client, Toggl's host
    assert running is not None
    assert toggl_emulator.request_count("GET", "/time_entries/current") == 1
    assert outside_connects == []


def test_plain_httpx_to_toggl_is_answered_by_the_emulator(
    outside_connects: list[Any], toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth
) -> None:
    response = httpx.get("https://api.track.toggl.com/api/v9/me", auth=toggl_auth)
    assert response.json()["email"] == "demo@example.com"
    assert toggl_emulator.request_count("GET", "/me") == 1
    assert outside_connects == []


async def _get_me(auth: httpx.BasicAuth) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get("https://api.track.toggl.com/api/v9/me", auth=auth)


def test_async_httpx_to_toggl_is_answered_by_the_emulator(
    outside_connects: list[Any], toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth
) -> None:
    import asyncio

    response = asyncio.run(_get_me(toggl_auth))
    assert response.status_code == 200
    assert toggl_emulator.request_count("GET", "/me") == 1
    assert outside_connects == []


def test_other_libraries_fail_at_once_naming_the_fixture(outside_connects: list[Any], toggl_emulator: Emulator) -> None:
    with pytest.raises(TogglNetworkBlockedError, match="toggl_emulator fixture"):
        urllib.request.urlopen("https://api.track.toggl.com/api/v9/me", timeout=5)
    assert outside_connects == []


def test_other_hosts_are_not_intercepted(toggl_emulator: Emulator, toggl_server: Any) -> None:
    response = httpx.get(f"{toggl_server.url}/api/v9/status")  # a real loopback request through the real transport
    assert response.status_code == 200
    assert socket.getaddrinfo("localhost", 80)  # other names still resolve


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("api.track.toggl.com", True),
        ("track.toggl.com", True),
        ("TOGGL.COM.", True),
        ("api.track.toggl.com.example.test", False),
        ("nottoggl.com", False),
        ("127.0.0.1", False),
    ],
)
def test_toggl_hosts_are_recognised_by_domain(host: str, expected: bool) -> None:
    assert is_toggl_host(host) is expected
