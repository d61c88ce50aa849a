"""pytest fixtures for testing against the emulator (registered through the ``pytest11`` entry point).

Fixtures: ``fake_clock`` (alias ``toggl_fake_clock``), ``toggl_emulator`` (demo seed, limits off; the
``toggl_emulator`` marker changes its settings per test), ``toggl_account``, ``toggl_auth``,
``toggl_workspace_id``, ``toggl_transport``, ``toggl_server``, ``toggl_env``. None touch ``$HOME``.

The fake clock starts at the real current time (read once, when the fixture is created, to the second)
and then moves only when told, so code that reads ``datetime.now()`` agrees with the emulator. Pin it per
test with ``@pytest.mark.toggl_emulator(now="2026-11-20T12:00:00Z")`` or per project with the
``toggl_emulator_now`` ini option.

While ``toggl_emulator`` (or any fixture built on it) is active, nothing reaches Toggl: requests to
Toggl's hosts through httpx's default transports are answered by the emulator, and any other attempt
to resolve a Toggl host fails at once with
[`TogglNetworkBlockedError`][toggl_api.testing.pytest_plugin.TogglNetworkBlockedError]. The SDK's default pacing of
requests to Toggl (`$TOGGL_API_PACING`) is off meanwhile, so those requests never wait on the real clock.
"""

from __future__ import annotations

import copy
import socket
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from .app import Emulator
from .clock import FakeClock
from .limits import Limits
from .seed import DemoAccount
from .server import EmulatorServer

__all__ = [
    "MARKER",
    "NOW_INI",
    "TogglClockWarning",
    "TogglNetworkBlockedError",
    "fake_clock",
    "is_toggl_host",
    "toggl_account",
    "toggl_auth",
    "toggl_emulator",
    "toggl_env",
    "toggl_fake_clock",
    "toggl_server",
    "toggl_transport",
    "toggl_workspace_id",
    "warn_clock_mixups",
]

#: Name of the marker that sets the ``toggl_emulator`` fixture's keyword arguments (and ``now=``, the clock's start).
MARKER = "toggl_emulator"
#: Name of the ini option that pins the start of every test's fake clock (an ISO 8601 instant, or ``now``).
NOW_INI = "toggl_emulator_now"
# Settings of the marker passed on to ``Emulator``; ``now`` is the fake clock's.
_EMULATOR_SETTINGS = frozenset({"seed", "plan", "limits", "random_seed", "id_starts", "log_file"})


class TogglClockWarning(UserWarning):
    """The code under test started a running entry in the emulator's future (a mix-up of clocks)."""


def warn_clock_mixups(emulator: Emulator) -> None:
    """Warn once per running entry ``emulator`` saw started after its clock's now (the flags are used up)."""
    for message in emulator.take_clock_warnings():
        warnings.warn(f"toggl_emulator: {message}", TogglClockWarning, stacklevel=2)


class TogglNetworkBlockedError(RuntimeError):
    """A test tried to reach one of Toggl's hosts outside httpx while an emulator fixture was active."""


def is_toggl_host(host: str | bytes | None) -> bool:
    """True for ``toggl.com`` and every host under it (``api.track.toggl.com``, ``track.toggl.com``, ...)."""
    if host is None:
        return False
    name = (host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)).lower().rstrip(".")
    return name == "toggl.com" or name.endswith(".toggl.com")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``toggl_emulator_now`` ini option."""
    parser.addini(
        NOW_INI,
        "start of the fake_clock fixture for every test: an ISO 8601 instant (naive = UTC), or 'now' "
        "(the default: the real current time when the fixture is created)",
        default="now",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``toggl_emulator`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**kwargs): keyword arguments of the toggl_emulator fixture's Emulator "
        "(seed, plan, limits, random_seed, id_starts, log_file), e.g. plan='starter', limits=True; "
        "now=<datetime or ISO 8601 instant, or 'now'> pins the fake_clock's start",
    )


def _parse_now(value: object, where: str) -> datetime | None:
    """The clock start ``value`` names (None: the real current time); a clear usage error otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "now"):
            return None
        try:
            # ``fromisoformat`` reads a trailing ``Z`` only from Python 3.11 on.
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    raise pytest.UsageError(
        f"{where} must be a datetime, an ISO 8601 instant such as '2026-11-20T12:00:00Z', or 'now'; got {value!r}"
    )


def _clock_start(request: pytest.FixtureRequest) -> datetime:
    """Where the test's fake clock starts: the marker's ``now=``, else the ini option, else the real now."""
    marked = _marker_kwargs(request)
    if "now" in marked:
        start = _parse_now(marked["now"], f"@pytest.mark.{MARKER}(now=...)")
    else:
        start = _parse_now(request.config.getini(NOW_INI), f"the {NOW_INI} ini option")
    if start is None:
        # Read once: the clock then moves only when the test moves it. Whole seconds, as Toggl's times are.
        start = datetime.now(timezone.utc).replace(microsecond=0)
    return start


#: The SDK's pacing variable (``toggl_api.Pacing``): the fixture turns the default pacing off.
PACING_ENV = "TOGGL_API_PACING"


def _guard_toggl_hosts(monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> None:
    """Route httpx's default transports to ``emulator`` for Toggl's hosts; refuse any other way there.

    Patching the two transport classes (not the client) covers every httpx client a test or the code
    under test builds itself, while explicit transports (mocks, the emulator's own) stay untouched.
    The resolver guard catches everything else (``requests``, ``urllib``, raw sockets) before a packet leaves.
    """
    sync_handle = httpx.HTTPTransport.handle_request
    async_handle = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if is_toggl_host(request.url.host):
            return emulator.handle(request)
        return sync_handle(self, request)

    async def handle_async_request(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        if is_toggl_host(request.url.host):
            return emulator.handle(request)
        return await async_handle(self, request)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, (str, bytes)) and is_toggl_host(host):
            shown = host.decode("ascii", "replace") if isinstance(host, bytes) else host
            raise TogglNetworkBlockedError(
                f"refused to resolve {shown}: the toggl_emulator fixture is active, so nothing may reach Toggl. "
                "Use an httpx client (answered by the emulator), the toggl_transport fixture, or toggl_env / "
                "toggl_server.url as the base URL."
            )
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # The SDK paces requests to Toggl's hosts on the real clock by default; answered in-process, they need not
    # wait (the variable is read by name: the emulator imports no client code).
    monkeypatch.setenv(PACING_ENV, "off")


@pytest.fixture
def fake_clock(request: pytest.FixtureRequest) -> FakeClock:
    """A [`FakeClock`][toggl_api.testing.FakeClock] at the real current time, unless the test pins it.

    The real time is read once, when the fixture is created (to the second); the clock then moves only
    through ``advance``/``set``/``sleep``. ``@pytest.mark.toggl_emulator(now=...)`` (a datetime or an ISO
    8601 instant) pins one test, module or class; the ``toggl_emulator_now`` ini option pins every test
    (``now`` there, or in the marker, means the real current time again). The demo data of
    ``toggl_emulator`` is seeded relative to this start.
    """
    return FakeClock(_clock_start(request))


@pytest.fixture
def toggl_fake_clock(fake_clock: FakeClock) -> FakeClock:
    """The same clock as ``fake_clock`` (the name with this plugin's prefix)."""
    return fake_clock


def _marker_kwargs(request: pytest.FixtureRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    # Closest last: a function's marker overrides its class's and module's.
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only, got {marker.args!r}")
        kwargs.update(marker.kwargs)
    allowed = _EMULATOR_SETTINGS | {"now"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} got unknown settings {unknown}; use {sorted(allowed)}")
    return kwargs


@pytest.fixture
def toggl_emulator(
    request: pytest.FixtureRequest, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Emulator]:
    """An [`Emulator`][toggl_api.testing.Emulator] with the demo account on ``fake_clock``; limits are off.

    ``@pytest.mark.toggl_emulator(plan="starter", limits=True, seed="empty")`` changes its settings
    (``now=`` pins the clock, see ``fake_clock``). While it is active, requests to Toggl's hosts never
    leave the machine (see the module docstring). At teardown each clock mix-up the emulator flagged
    and the test did not take becomes a ``TogglClockWarning``.
    """
    kwargs = _marker_kwargs(request)
    kwargs.pop("now", None)  # the clock's, already applied by fake_clock
    kwargs.setdefault("limits", False)
    if isinstance(kwargs["limits"], Limits):
        # The marker's object lives as long as the module: each test gets its own copy to mutate.
        kwargs["limits"] = copy.deepcopy(kwargs["limits"])
    emulator = Emulator(clock=fake_clock, **kwargs)
    _guard_toggl_hosts(monkeypatch, emulator)
    yield emulator
    emulator.webhooks.close()  # stops the thread that runs in-process webhook receivers, if one started
    warn_clock_mixups(emulator)  # last: under -W error it raises


@pytest.fixture
def toggl_account(toggl_emulator: Emulator) -> DemoAccount:
    """Credentials and ids of the seeded demo account."""
    if toggl_emulator.account is None:
        raise pytest.UsageError("toggl_account needs a seeded emulator; the toggl_emulator marker set seed=None")
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


@pytest.fixture
def toggl_env(
    toggl_server: EmulatorServer, toggl_account: DemoAccount, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Point ``TOGGL_API_BASE_URL``, ``TOGGL_API_TOKEN`` and ``TOGGL_WORKSPACE_ID`` at ``toggl_server``.

    Code that reads the environment (``generate_authentication()``, ``retrieve_workspace_id()``, the CLI,
    a subprocess) then talks to the emulator with the demo account. ``TOGGL_PASSWORD`` is removed, so a
    real password cannot turn the demo token into an email login. Everything is restored after the test.

    Returns:
        The variables as set.
    """
    values = {
        "TOGGL_API_BASE_URL": toggl_server.url,
        "TOGGL_API_TOKEN": toggl_account.api_token,
        "TOGGL_WORKSPACE_ID": str(toggl_account.workspace_id),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TOGGL_PASSWORD", raising=False)
    return values
