"""Scripted faults: make the next matching requests fail in a chosen way.

Which exception means what (transport; over the loopback server every network fault closes the
connection without an answer, which httpx reports as ``RemoteProtocolError``):

========================  =====================================  =========================
Fault                     Transport raises / returns             State touched?
========================  =====================================  =========================
``connect_error()``       ``httpx.ConnectError`` (never reached  no
                          the server: safe to retry anything)
``timeout()``             ``httpx.ReadTimeout``                  no
``connection_reset()``    ``httpx.RemoteProtocolError``          no
``lost_answer()``         ``httpx.ReadTimeout`` (or reset)       **yes** - write applied
``server_error(503)``     that status, body its reason phrase    no
``quota_exceeded()``      402, Toggl's quota text and            no
                          ``X-Toggl-Quota-*`` headers
``malformed_json()``      real status, truncated JSON body       yes
``answer(body, ...)``     real status (or ``status``), this      yes (unless
                          body, content type and headers         ``apply=False``)
``slow(seconds)``         normal answer, clock advanced;         yes
                          ``ReadTimeout`` if longer than the
                          request's read timeout (applied)
========================  =====================================  =========================
"""

from __future__ import annotations

import re
import threading
from http import HTTPStatus

from attrs import define, field

from .limits import QUOTA_MESSAGE

__all__ = ["Fault", "FaultRule", "Faults"]


@define(frozen=True)
class Fault:
    """One kind of failure; build it with the class methods."""

    kind: str
    status: int = 500
    body: str | None = None
    seconds: float = 0.0
    error: str = "timeout"
    content: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    apply: bool = True

    @classmethod
    def connect_error(cls) -> Fault:
        """``httpx.ConnectError`` before anything happens (the request never reached the server)."""
        return cls("connect_error")

    @classmethod
    def timeout(cls) -> Fault:
        """``httpx.ReadTimeout``; the request is not applied."""
        return cls("timeout")

    @classmethod
    def connection_reset(cls) -> Fault:
        """``httpx.RemoteProtocolError`` (server hung up); the request is not applied."""
        return cls("connection_reset")

    @classmethod
    def lost_answer(cls, error: str = "timeout") -> Fault:
        """Apply the request, then lose the answer: ``error`` is ``"timeout"`` or ``"reset"``."""
        if error not in ("timeout", "reset"):
            raise ValueError("error must be 'timeout' or 'reset'")
        return cls("lost_answer", error=error)

    @classmethod
    def server_error(cls, status: int = 500, body: str | None = None) -> Fault:
        """Answer ``status`` (default 500) with a JSON-string body, without touching state.

        The default body is the status's reason phrase (``"Service Unavailable"`` for 503): Toggl
        publishes no text of its own for 5xx answers.
        """
        if body is None:
            try:
                body = HTTPStatus(status).phrase
            except ValueError:
                body = "Internal Server Error"
        return cls("http_error", status=status, body=body)

    @classmethod
    def quota_exceeded(cls, resets_in: int = 1838) -> Fault:
        """Answer 402 as Toggl does when the hourly quota is used up, without touching state.

        The body is Toggl's text and the headers say ``X-Toggl-Quota-Remaining: 0`` and
        ``X-Toggl-Quota-Resets-In: resets_in``, as the emulator's own limits answer after a plan's
        requests are spent, so quota handling is testable without spending them.

        Args:
            resets_in: Seconds until the quota window resets (also in the text).
        """
        if isinstance(resets_in, bool) or not isinstance(resets_in, int) or resets_in < 0:
            raise ValueError(f"resets_in must be a non-negative number of seconds (int), got {resets_in!r}")
        return cls(
            "http_error",
            status=402,
            body=QUOTA_MESSAGE.format(seconds=resets_in),
            headers=(("X-Toggl-Quota-Remaining", "0"), ("X-Toggl-Quota-Resets-In", str(resets_in))),
        )

    @classmethod
    def http_error(cls, status: int, body: str | None = None) -> Fault:
        """Answer any ``status`` with an optional JSON-string body, without touching state."""
        return cls("http_error", status=status, body=body)

    @classmethod
    def malformed_json(cls) -> Fault:
        """Apply the request, answer its real status with a truncated (invalid) JSON body."""
        return cls("malformed_json")

    @classmethod
    def answer(
        cls,
        body: bytes | str,
        *,
        content_type: str | None = "application/json",
        status: int | None = None,
        headers: dict[str, str] | None = None,
        apply: bool = True,
    ) -> Fault:
        """Answer with exactly this body: a hostile network or a broken server (a login page, ``null``, a scalar).

        Args:
            body: The bytes (or text, sent as UTF-8) to answer.
            content_type: The ``Content-Type`` header, or ``None`` for none.
            status: The status to answer (default: the one the request really got).
            headers: Extra headers (e.g. ``X-Toggl-Quota-Remaining``), replacing the real ones of that name.
            apply: Apply the request to the state first (a write then really happened), as a proxy would.
        """
        content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        return cls(
            "answer",
            status=status if status is not None else 0,
            content=content,
            content_type=content_type,
            headers=tuple((headers or {}).items()),
            apply=apply,
        )

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Advance the fake clock by ``seconds`` before answering (a ``ReadTimeout`` if beyond the timeout)."""
        return cls("slow", seconds=float(seconds))


@define
class FaultRule:
    """A fault plus where and how often it fires. ``remaining`` None means forever."""

    fault: Fault
    remaining: int | None
    path: re.Pattern[str] | None
    method: str | None
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        """True if the rule applies to this request."""
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or self.path.search(path) is not None


@define
class Faults:
    """Registry of fault rules; the first matching rule with ``remaining`` > 0 fires."""

    rules: list[FaultRule] = field(factory=list)
    _lock: threading.Lock = field(factory=threading.Lock, repr=False)

    def add(self, fault: Fault, times: int | None = 1, path: str | None = None, method: str | None = None) -> FaultRule:
        """Fire ``fault`` on the next ``times`` matching requests (``None``: forever).

        Args:
            fault: What goes wrong.
            times: How many matching requests fail.
            path: Regex searched in the URL path (e.g. ``r"/time_entries"``); None matches all.
            method: HTTP method to match; None matches all.
        """
        rule = FaultRule(fault, times, re.compile(path) if path else None, method.upper() if method else None)
        with self._lock:
            self.rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> Fault | None:
        """Consume and return the fault for this request, if any."""
        with self._lock:
            for rule in self.rules:
                if (rule.remaining is None or rule.remaining > 0) and rule.matches(method, path):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    rule.fired += 1
                    return rule.fault
        return None

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self.rules.clear()
