"""Pacing: keep requests to Toggl under its burst limit, so the SDK never provokes a 429 (reference §4.1).

Toggl answers 429 from a leaky bucket kept "per API token per IP", says "a safe window will be 1 request per
second", and publishes neither the bucket's size nor any header about it. The SDK therefore paces every request
to Toggl's own hosts through a token bucket:

- **Rate 1 request/s sustained** (``TOGGL_PACING.rate``): Toggl's own "safe window".
- **Burst 2** (``TOGGL_PACING.burst``): a short command (read the user, then one list) does not wait at all,
  while staying at most one request ahead of a strict 1/s pace, because Toggl's bucket size is unknown. A
  token bucket admits at most ``burst + rate * t`` requests in any ``t`` seconds, so a server bucket that holds
  at least ``burst`` requests and drains at ``rate`` never overflows.

When pacing applies (``pacing_for``):

- ``pacing="auto"`` (the default): only for URLs on ``toggl.com`` (``is_toggl_url``) sent through httpx's default
  transport. Emulators, mocks (``httpx.MockTransport``, ASGI transports) and other base URLs run at full speed.
  ``$TOGGL_API_PACING`` changes the rate of this default (``off``/``0`` turns it off).
- An explicit ``Pacing``, rate or string: forced on, whatever the URL or transport (e.g. against an emulator
  that models Toggl's limit on a fake clock).
- ``None`` or ``0``: off.

Buckets are shared by everything in the process that uses the same credentials, host, clock (every
``SystemClock`` counts as one) and pacing (``shared_pacer``), so several endpoints built from one auth spend one
bucket; an endpoint given another pacing keeps a bucket of its own. ``Pacer`` books slots under a
lock: a request reserves the next free slot at once and then waits for it, which is safe for threads and for
concurrent asyncio tasks alike (nobody holds the lock while waiting).
"""

from __future__ import annotations

import hashlib
import math
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, Union
from urllib.parse import urlsplit

from attrs import field, frozen

from .clock import SYSTEM_CLOCK, SystemClock

if TYPE_CHECKING:  # httpx is imported where a credential is looked at: the CLI's offline commands never do
    import httpx

__all__ = [
    "AUTO",
    "PACING_ENV",
    "TOGGL_PACING",
    "Pacer",
    "Pacing",
    "PacingSetting",
    "TokenBucket",
    "coerce_pacing",
    "credential_key",
    "is_toggl_url",
    "pacing_for",
    "parse_pacing",
    "shared_pacer",
]

#: Environment variable with the default pacing for Toggl's hosts: ``off``, ``RATE`` or ``RATE:BURST``.
PACING_ENV: Final = "TOGGL_API_PACING"
#: The ``pacing=`` value meaning "Toggl's hosts through the default transport only" (the default).
AUTO: Final = "auto"
_OFF_WORDS = frozenset({"off", "none", "no", "false", "0"})


def _rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"rate must be a number of requests per second, got {type(value).__name__}"
        raise TypeError(msg)
    if not value > 0 or math.isinf(value):
        msg = f"rate must be a positive, finite number of requests per second, got {value!r}"
        raise ValueError(msg)
    return float(value)


def _burst(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"burst must be an int (requests that may go at once), got {type(value).__name__}"
        raise TypeError(msg)
    if value < 1:
        msg = f"burst must be at least 1, got {value}"
        raise ValueError(msg)
    return value


@frozen
class Pacing:
    """How fast requests may go: ``rate`` per second sustained, up to ``burst`` at once after a pause.

    Attributes:
        rate: Requests per second, sustained (Toggl's documented safe rate is 1).
        burst: Requests that may be sent back to back when the bucket is full (at least 1).
    """

    rate: float = field(default=1.0, converter=_rate)
    burst: int = field(default=2, converter=_burst)

    def __str__(self) -> str:
        return f"{self.rate:g}:{self.burst}"


#: The default for Toggl's hosts: 1 request/s with a burst of 2 (see the module docstring for why).
TOGGL_PACING: Final = Pacing(1.0, 2)

#: What ``pacing=`` accepts: a ``Pacing``, a rate (requests/s; 0 turns pacing off), ``"auto"``, a string in the
#: ``$TOGGL_API_PACING`` format, or ``None`` (off).
PacingSetting = Union[Pacing, float, int, str, None]


def parse_pacing(text: str, *, source: str = "pacing") -> Pacing | None:
    """Read ``off`` (also ``0``, ``none``), ``RATE`` or ``RATE:BURST`` (e.g. ``1``, ``0.5:3``).

    Args:
        text: The value.
        source: Where it came from, for the error message (e.g. the environment variable's name).

    Raises:
        ValueError: Anything else, with the accepted forms.
    """
    value = text.strip().lower()
    if value in _OFF_WORDS:
        return None
    rate_text, colon, burst_text = value.partition(":")
    try:
        rate = float(rate_text)
        burst = int(burst_text) if colon else TOGGL_PACING.burst
        if rate == 0:
            return None
        return Pacing(rate, burst)
    except (TypeError, ValueError):
        msg = (
            f"{source} must be 'off', a rate in requests per second ('1') or RATE:BURST ('1:2'), got {text!r}"
        )
        raise ValueError(msg) from None


def coerce_pacing(value: object) -> Pacing | Literal["auto"] | None:
    """Check a ``pacing=`` argument: ``"auto"``, a ``Pacing``, or ``None`` for off.

    Raises:
        TypeError: Not one of the forms of ``PacingSetting`` (a bool is refused: say ``None`` or ``"auto"``).
        ValueError: A negative or infinite rate, or a malformed string.
    """
    if value is None or isinstance(value, Pacing):
        return value
    if isinstance(value, str):
        return AUTO if value.strip().lower() == AUTO else parse_pacing(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value == 0 else Pacing(value, TOGGL_PACING.burst)
    msg = (
        f"pacing must be a Pacing, a rate in requests per second, 'auto', a string like '1:2' or None, "
        f"not {type(value).__name__}"
    )
    raise TypeError(msg)


def is_toggl_url(url: str) -> bool:
    """True for ``toggl.com`` and every host under it (``api.track.toggl.com``, ...)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host == "toggl.com" or host.endswith(".toggl.com")


def pacing_for(
    setting: Pacing | Literal["auto"] | None,
    *,
    url: str,
    default_transport: bool,
    env: Mapping[str, str],
) -> Pacing | None:
    """The pacing of a request to ``url``, or ``None`` when it goes at full speed.

    Args:
        setting: The checked ``pacing=`` argument (``coerce_pacing``).
        url: The base URL the request goes to.
        default_transport: Whether the request goes through httpx's default transport (not a mock or an app).
        env: The environment (``$TOGGL_API_PACING`` changes the default for Toggl's hosts).

    Raises:
        ValueError: ``$TOGGL_API_PACING`` is malformed.
    """
    if setting != AUTO:
        return setting if isinstance(setting, Pacing) else None
    if not default_transport or not is_toggl_url(url):
        return None
    raw = env.get(PACING_ENV, "").strip()
    return parse_pacing(raw, source=f"${PACING_ENV}") if raw else TOGGL_PACING


def credential_key(auth: httpx.Auth | None) -> str:
    """A digest naming the credentials (Toggl's bucket is per token); never the credentials themselves.

    Basic credentials give the same key whichever ``BasicAuth`` object carries them; other auth objects are
    told apart by identity.
    """
    if auth is None:
        return "anonymous"
    import httpx

    if isinstance(auth, httpx.BasicAuth):
        # The header the auth would send, computed offline (no request is made) and hashed at once.
        probe = next(auth.sync_auth_flow(httpx.Request("GET", "https://toggl.invalid/")))
        header = probe.headers.get("authorization", "")
        return "basic:" + hashlib.sha256(header.encode()).hexdigest()
    return f"object:{id(auth)}"


class TokenBucket:
    """A token bucket holding up to ``burst`` tokens, refilled at ``rate`` per second (pure state).

    Each request takes a token; without one it books the next token to come and is told how long to wait for
    it (the balance goes negative: later requests queue behind it). Every method takes ``now`` (monotonic
    seconds); a ``now`` earlier than the last one is treated as no time passing.

    Args:
        rate: Tokens added per second.
        burst: Capacity (the bucket starts full).
    """

    def __init__(self, rate: float, burst: int = 1) -> None:
        self.rate = _rate(rate)
        self.burst = _burst(burst)
        self._tokens = float(self.burst)
        self._last: float | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rate={self.rate:g}, burst={self.burst})"

    def _refill(self, now: float) -> None:
        if self._last is not None and now > self._last:
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
        if self._last is None or now > self._last:
            self._last = now

    def tokens(self, now: float) -> float:
        """Tokens available at ``now`` (negative while requests are queued for future slots)."""
        self._refill(now)
        return self._tokens

    def reserve(self, now: float) -> float:
        """Take a token for a request made at ``now``; return the seconds to wait before sending it."""
        self._refill(now)
        self._tokens -= 1.0
        # `now` earlier than a time already seen (two threads reading the clock, then booking in the other
        # order) counts from that later time: it can only wait a little longer, never jump the queue.
        ahead = self._last - now if self._last is not None else 0.0
        debt = -self._tokens / self.rate if self._tokens < 0 else 0.0
        return ahead + debt

    def rate_limited(self, now: float) -> None:
        """The server answered 429 anyway: it holds more than we thought, so start again from an empty bucket.

        The next request then waits at least ``1 / rate`` seconds (longer if others are already queued).
        """
        self._refill(now)
        self._tokens = min(self._tokens, 0.0)


class Pacer:
    """A ``TokenBucket`` with its pacing and a lock, shared by every requester of one credential and host."""

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self._bucket = TokenBucket(pacing.rate, pacing.burst)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Pacer({self.pacing})"

    def reserve(self, now: float) -> float:
        """Book the next slot at ``now``; the seconds to wait for it."""
        with self._lock:
            return self._bucket.reserve(now)

    def rate_limited(self, now: float) -> None:
        """Record a 429 (see ``TokenBucket.rate_limited``)."""
        with self._lock:
            self._bucket.rate_limited(now)

    def tokens(self, now: float) -> float:
        """Tokens available at ``now``."""
        with self._lock:
            return self._bucket.tokens(now)


# Per clock (a bucket's times only mean something on the clock that made them), then per credential, host and
# pacing. Weak on the clock, so the buckets of a test's fake clock go with it.
_PACERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, Pacing], Pacer]] = weakref.WeakKeyDictionary()
_PACERS_LOCK = threading.Lock()


def shared_pacer(clock: object, credentials: str, url: str, pacing: Pacing) -> Pacer:
    """The pacer of ``credentials`` (a ``credential_key``) on ``url``'s host, shared in this process.

    A clock that cannot be weakly referenced gets a pacer of its own (not shared).
    """
    host = (urlsplit(url).hostname or "").lower()
    key = (credentials, host, pacing)
    if isinstance(clock, SystemClock):
        clock = SYSTEM_CLOCK  # every system clock reads the same time: endpoints given their own still share
    with _PACERS_LOCK:
        try:
            pacers = _PACERS.setdefault(clock, {})
        except TypeError:
            return Pacer(pacing)
        pacer = pacers.get(key)
        if pacer is None:
            pacer = pacers[key] = Pacer(pacing)
        return pacer
