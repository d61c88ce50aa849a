"""The emulator: one function from ``httpx.Request`` to ``httpx.Response``.

``Emulator.handle`` does, in order: record the request, scripted faults, routing (404/405),
authentication (401/403), the burst limit (429), the hourly quota (402), the handler, rendering
(JSON bodies, JSON-string errors) and the ``X-Toggl-Quota-*`` headers. The same function backs the
in-process transport (``Emulator.transport``) and the loopback server (``server``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import threading
import time
import traceback
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx
from attrs import define, field

from .clock import FakeClock
from .errors import EmulatorError
from .faults import Fault, Faults
from .handlers import Ctx, Reply
from .limits import QUOTA_MESSAGE, RATE_LIMIT_HTML, Limits, LimitTracker
from .reqlog import RequestLog
from .routes import REPORTS_PREFIX, TRACK_PREFIX, Match, Router, default_router
from .seed import DemoAccount, seed_demo, seed_empty
from .state import Backend, User
from .webhooks import WEBHOOKS_PREFIX, WebhookHub

__all__ = ["BASE_URL", "JSON_CONTENT_TYPE", "Emulator", "RecordedRequest", "Seed"]

#: Base URL used by ``Emulator.client`` (the host is ignored by the emulator).
BASE_URL = "https://api.track.toggl.com"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
MSG_BAD_CREDENTIALS = "Incorrect username and/or password"

Seed = Literal["demo", "empty"]

# Seeded states by (seed, clock time, plan, random seed, id starts): seeding is deterministic,
# so later emulators clone the first one instead of regenerating thousands of entries.
_SEED_CACHE: dict[tuple[Any, ...], tuple[Backend, DemoAccount]] = {}

_WS_PATH = re.compile(r"^/workspaces/(\d+)(?:/|$)")
_ORG_PATH = re.compile(r"^/organizations/(\d+)(?:/|$)")
_REPORTS_WS_PATH = re.compile(r"^/workspace/(\d+)(?:/|$)")


@define
class RecordedRequest:
    """One request as the emulator saw it.

    Attributes:
        method: HTTP method.
        path: URL path including the API prefix (``/api/v9/me``).
        params: Query parameters (last value wins).
        json: Parsed JSON body, or None (empty or not JSON).
        status: Status answered, None when a network fault hid the answer.
        fault: Kind of ``Fault`` applied, if any.
        state_touched: True if a handler ran (the backend saw the request).
        time: Fake-clock time of arrival.
        headers: Request headers (lower-case names).
        exception: Traceback text if a handler crashed (answered 500).
    """

    method: str
    path: str
    params: dict[str, str]
    json: Any
    time: datetime
    headers: dict[str, str] = field(factory=dict, repr=False)
    status: int | None = None
    fault: str | None = None
    state_touched: bool = False
    exception: str | None = field(default=None, repr=False)


class Emulator:
    """Stateful in-memory Toggl Track v9 (and Reports v3 prefix) emulator.

    Args:
        seed: ``"demo"`` (full demo account), ``"empty"`` (user, organization, workspace) or None
            (no data at all; add it through ``state``).
        clock: Clock for every timestamp, quota window and ``slow`` fault (default: a new
            ``FakeClock`` at 2026-11-20T12:00:00Z).
        limits: ``True``/``False`` to switch 429/402 enforcement with default numbers, or a
            ``Limits`` for custom numbers.
        plan: Plan of the seeded organization (``free``, ``starter``, ``premium``, ``enterprise``).
        random_seed: Seed of the demo data generator.
        id_starts: First id per kind (see ``toggl_api.testing.state.DEFAULT_ID_STARTS``).
        log_file: Append one JSON line per request to this file (see ``request_log``).

    Attributes:
        state: The ``Backend``.
        account: Credentials and ids of the seeded account (None without a seed).
        faults: Scripted faults (``emulator.faults.add(Fault.timeout(), times=2)``).
        limits: Limit switches and numbers; mutable at any time.
        requests: Every request seen, in order (with bodies and headers; for assertions).
        request_log: The request log (see ``request_log``), secrets redacted.
    """

    def __init__(
        self,
        seed: Seed | None = "demo",
        *,
        clock: FakeClock | None = None,
        limits: bool | Limits = True,
        plan: str = "free",
        random_seed: int = 2026,
        id_starts: Mapping[str, int] | None = None,
        log_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if seed not in ("demo", "empty", None):
            raise ValueError(f"unknown seed {seed!r}: use 'demo', 'empty' or None")
        self.clock = clock or FakeClock()
        self.limits = limits if isinstance(limits, Limits) else Limits(enabled=limits)
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.router: Router = default_router()
        self._seed = seed
        self._plan = plan
        self._random_seed = random_seed
        self._id_starts = dict(id_starts or {})
        self._lock = threading.RLock()
        self.request_log_sink = RequestLog(log_file)
        self.tracker = LimitTracker(self.clock, self.limits)
        self.state = Backend(self.clock, self._id_starts)
        self.account: DemoAccount | None = None
        self._populate()
        self.webhooks = WebhookHub(self)
        self.router.add(WEBHOOKS_PREFIX, self.webhooks.routes())

    # -- control -------------------------------------------------------------------------------
    def _populate(self) -> None:
        if self._seed is None:
            self.account = None
            return
        key = (self._seed, self.clock.now(), self._plan, self._random_seed, tuple(sorted(self._id_starts.items())))
        cached = _SEED_CACHE.get(key)
        if cached is None:
            if self._seed == "demo":
                account = seed_demo(self.state, plan=self._plan, random_seed=self._random_seed)
            else:
                account = seed_empty(self.state, plan=self._plan)
            cached = _SEED_CACHE[key] = (self.state.clone(), account)
        self.state = cached[0].clone(self.clock)
        self.account = cached[1]

    def reset(self) -> None:
        """Rebuild the seeded state and forget requests, faults and limit counters (the clock stays)."""
        with self._lock:
            self.state = Backend(self.clock, self._id_starts)
            self._populate()
            self.faults.clear()
            self.requests.clear()
            self.request_log_sink.clear()
            self.tracker = LimitTracker(self.clock, self.limits)
            self.webhooks.reset()

    @property
    def clock_warnings(self) -> list[str]:
        """Running entries started after the emulator's now (by more than a minute), one message each.

        Such an entry comes from code that reads the system clock while the emulator runs on a pinned fake
        one; it cannot get a real duration: ``PATCH .../stop`` refuses it (400) until the clock reaches its
        start, and an auto-stop by a new running entry gives it a zero duration (flagged here too). The
        pytest fixture turns each flag into a ``TogglClockWarning``.
        """
        return list(self.state.clock_warnings)

    def take_clock_warnings(self) -> list[str]:
        """The ``clock_warnings`` so far, forgotten once taken (a test that expected them takes them)."""
        taken, self.state.clock_warnings[:] = list(self.state.clock_warnings), []
        return taken

    def request_count(self, method: str | None = None, path_contains: str | None = None) -> int:
        """Count recorded requests, optionally by method and/or a substring of the path."""
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method.upper()) and (path_contains is None or path_contains in r.path)
        )

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this emulator (works for ``Client`` and ``AsyncClient``)."""
        return httpx.MockTransport(self.handle)

    def client(self, *, auth: httpx.Auth | None = None, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` on ``transport`` with ``base_url`` and the seeded user's token."""
        return httpx.Client(transport=self.transport(), base_url=BASE_URL, auth=auth or self._auth(), **kwargs)

    def async_client(self, *, auth: httpx.Auth | None = None, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` on ``transport`` (see ``client``)."""
        return httpx.AsyncClient(transport=self.transport(), base_url=BASE_URL, auth=auth or self._auth(), **kwargs)

    def _auth(self) -> httpx.Auth | None:
        return self.account.auth() if self.account else None

    # -- the request pipeline ------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request``, then deliver the webhook events that are due (outside the lock).

        Raises:
            httpx.ConnectError: ``Fault.connect_error`` (the request never reached the emulator).
            httpx.ReadTimeout: ``Fault.timeout``, ``Fault.lost_answer``, or a ``Fault.slow`` longer
                than the request's read timeout.
            httpx.RemoteProtocolError: ``Fault.connection_reset`` or ``Fault.lost_answer("reset")``.
        """
        started = time.perf_counter()
        arrival = self.clock.now()
        status: int | None = None
        try:
            response = self._handle(request, arrival)
            status = response.status_code
            return response
        finally:
            self._log_request(request, arrival, status, started)
            self.webhooks.pump()

    def _log_request(self, request: httpx.Request, arrival: datetime, status: int | None, started: float) -> None:
        secrets = {u.api_token for u in self.state.users.values()} | {u.password for u in self.state.users.values()}
        self.request_log_sink.add(
            request,
            time=arrival,
            status=status,
            duration_ms=(time.perf_counter() - started) * 1000,
            secrets=secrets,
        )

    @property
    def request_log(self) -> list[dict[str, Any]]:
        """One record per request: time, method, path, query, status, user_agent, duration_ms (no secrets).

        A request that a network fault hid from the client has ``status`` None.
        """
        return self.request_log_sink.records

    def log_to(self, path: str | os.PathLike[str] | None) -> None:
        """Also append every further request's record to ``path`` as a JSON line (None: memory only)."""
        self.request_log_sink.path = Path(path) if path is not None else None

    def _handle(self, request: httpx.Request, arrival: datetime) -> httpx.Response:
        with self._lock:
            record = RecordedRequest(
                request.method.upper(),
                request.url.path,
                dict(request.url.params.items()),
                _safe_json(request),
                arrival,
                {k.lower(): v for k, v in request.headers.items()},
            )
            self.requests.append(record)
            fault = self.faults.take(record.method, record.path)
            if fault is not None:
                record.fault = fault.kind
                return self._faulted(request, record, fault)
            response = self._dispatch(request, record)
            record.status = response.status_code
            return response

    def _faulted(self, request: httpx.Request, record: RecordedRequest, fault: Fault) -> httpx.Response:
        if fault.kind == "connect_error":
            raise httpx.ConnectError("[emulated] connection refused", request=request)
        if fault.kind == "timeout":
            raise httpx.ReadTimeout("[emulated] read timed out", request=request)
        if fault.kind == "connection_reset":
            raise httpx.RemoteProtocolError(
                "[emulated] Server disconnected without sending a response.", request=request
            )
        if fault.kind == "http_error":
            record.status = fault.status
            return _response(request, fault.status, _json_string(fault.body), dict(fault.headers))
        if fault.kind == "answer":
            return self._answer_fault(request, record, fault)
        lost = fault.kind == "lost_answer"
        if fault.kind == "slow":
            timeout = request.extensions.get("timeout", {}).get("read")
            if timeout is not None and fault.seconds > timeout:
                self.clock.advance(float(timeout))
                lost = True
            else:
                self.clock.advance(fault.seconds)
        response = self._dispatch(request, record)
        record.status = response.status_code
        if lost:
            record.status = None
            if fault.error == "reset":
                raise httpx.RemoteProtocolError(
                    "[emulated] Server disconnected without sending a response.", request=request
                )
            raise httpx.ReadTimeout("[emulated] read timed out (request was applied)", request=request)
        if fault.kind == "malformed_json":
            content = response.content
            broken = content[: max(1, len(content) // 2)] if len(content) > 2 else b'{"'
            headers = dict(response.headers)
            headers.pop("content-length", None)
            headers["content-type"] = JSON_CONTENT_TYPE
            return _response(request, response.status_code, broken, headers)
        return response

    def _answer_fault(self, request: httpx.Request, record: RecordedRequest, fault: Fault) -> httpx.Response:
        status = 200
        if fault.apply:
            status = self._dispatch(request, record).status_code
        status = fault.status or status
        headers = dict(fault.headers)
        if fault.content_type is not None:
            headers["Content-Type"] = fault.content_type
        record.status = status
        return httpx.Response(status, headers=headers, content=fault.content, request=request)

    def _dispatch(self, request: httpx.Request, record: RecordedRequest) -> httpx.Response:
        user: User | None = None
        bucket: tuple[int | None, str | None] = (None, None)
        try:
            match = self.router.resolve(request.method, request.url.path)
            if match.route.auth:
                user = self._authenticate(request)
                bucket = self._bucket(user, match)
                self._enforce_limits(request, user, bucket, counted=match.route.counted)
            ctx = Ctx(
                self.state, self.tracker, request, request.method.upper(), match.path, record.params, match.match, user
            )
            record.state_touched = True
            result = match.route.handler(ctx)
            self.webhooks.after_request(request, user.id if user is not None else None)
            response = self._render(request, result)
        except EmulatorError as exc:
            response = self._render_error(request, exc)
        except Exception:
            record.exception = traceback.format_exc()
            response = _response(request, 500, _json_string("Internal Server Error"), {})
        if user is not None:
            st = self.tracker.status(user.id, bucket[0], bucket[1])
            response.headers.setdefault("X-Toggl-Quota-Remaining", str(st.remaining))
            response.headers.setdefault("X-Toggl-Quota-Resets-In", str(st.resets_in_secs))
        return response

    def _authenticate(self, request: httpx.Request) -> User:
        header = request.headers.get("authorization")
        if not header:
            raise EmulatorError(401, headers={"X-Authorization-Missing": "true"})
        scheme, _, value = header.strip().partition(" ")
        user: User | None = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            name, sep, password = decoded.partition(":")
            if sep and password == "api_token":
                user = self.state.user_by_token(name)
            elif sep:
                user = self.state.user_by_credentials(name, password)
        if user is None:
            raise EmulatorError(403, MSG_BAD_CREDENTIALS)
        return user

    def _bucket(self, user: User, match: Match) -> tuple[int | None, str | None]:
        """Which quota bucket a request is charged to: (organization id, plan) or the user bucket."""
        found: re.Match[str] | None = None
        if match.prefix == TRACK_PREFIX:
            found = _WS_PATH.match(match.path)
            if found is None:
                org_found = _ORG_PATH.match(match.path)
                if org_found is not None:
                    org = self.state.organizations.get(int(org_found.group(1)))
                    if org is not None and user.id in org.members:
                        return org.id, org.plan
                return None, None
        elif match.prefix == REPORTS_PREFIX:
            found = _REPORTS_WS_PATH.match(match.path)
        if found is not None:
            ws = self.state.workspaces.get(int(found.group(1)))
            if ws is not None and user.id in ws.members:
                org = self.state.organizations.get(ws.organization_id)
                if org is not None:
                    return org.id, org.plan
        return None, None

    def _enforce_limits(
        self, request: httpx.Request, user: User, bucket: tuple[int | None, str | None], *, counted: bool
    ) -> None:
        key = request.headers.get("authorization", "")
        if not self.tracker.take_burst(key):
            raise EmulatorError(429, RATE_LIMIT_HTML, content_type="text/html")
        if not counted:
            return
        exhausted = self.tracker.exhausted(user.id, *bucket)
        if exhausted is not None:
            raise EmulatorError(402, QUOTA_MESSAGE.format(seconds=exhausted.resets_in_secs))
        self.tracker.count(user.id, bucket[0])

    # -- rendering -----------------------------------------------------------------------------
    def _render(self, request: httpx.Request, result: Any) -> httpx.Response:
        if isinstance(result, Reply):
            # Report exports answer file bytes (their Content-Type is in ``result.headers``).
            raw = isinstance(result.body, bytes)
            content = b"" if result.empty else result.body if raw else _json_bytes(result.body)
            headers = dict(result.headers)
            if not result.empty:
                headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
            return _response(request, result.status, content, headers)
        return _response(request, 200, _json_bytes(result), {"Content-Type": JSON_CONTENT_TYPE})

    def _render_error(self, request: httpx.Request, exc: EmulatorError) -> httpx.Response:
        headers = dict(exc.headers)
        if exc.body is None:
            return _response(request, exc.status, b"", headers)
        if exc.content_type is not None:
            headers["Content-Type"] = exc.content_type
            return _response(request, exc.status, exc.body.encode(), headers)
        return _response(request, exc.status, _json_string(exc.body), headers)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _json_string(message: str | None) -> bytes:
    return b"" if message is None else _json_bytes(message)


def _response(request: httpx.Request, status: int, content: bytes, headers: Mapping[str, str]) -> httpx.Response:
    out = dict(headers)
    if content and not any(k.lower() == "content-type" for k in out):
        out["Content-Type"] = JSON_CONTENT_TYPE
    return httpx.Response(status, headers=out, content=content, request=request)


def _safe_json(request: httpx.Request) -> Any:
    try:
        raw = request.content
    except httpx.RequestNotRead:
        return None
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None
