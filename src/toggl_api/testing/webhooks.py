"""The emulator as Toggl's webhook side: the Webhooks API v1 routes and signed deliveries of every change.

``WebhookHub`` (``emulator.webhooks``) keeps the subscriptions, notices changes of time entries, projects, clients
and tags (and of tasks when the backend has them) after every request, and delivers them to each matching
subscription's ``url_callback``:

- to an ASGI app mounted with ``WebhookHub.mount`` (in-process; the app runs on a private event-loop thread),
- else over real HTTP (loopback when the emulator is served standalone).

Deliveries are at-least-once: a non-2xx answer or a network error is retried on a schedule of emulator time
(``WebhookHub.retry_schedule``). Faults (``WebhookFaults``) duplicate, reorder, delay or drop deliveries
and take the receiver down for a while. Everything reads the emulator's clock; nothing here imports client code.

Choices where Toggl's documents are silent: webhook API calls are not counted against the hourly quota; the plan
limit counts the creating user's *enabled* subscriptions in the workspace (the error text's wording); ``*`` counts
as one filter; a ``deleted`` event's payload is the entity's last state with its deletion time set; the ``ping``
route answers 200 ``{"status": "OK"}`` when the URL answered 2xx and 200 with the failure text otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import json
import random
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from attrs import define

from .errors import EmulatorError, bad_request, not_found
from .handlers import Ctx, Route, route
from .handlers.clients import render_client
from .handlers.projects import render_project
from .handlers.tags import render_tag
from .handlers.time_entries import render_time_entry
from .timefmt import fmt_micro_z, fmt_plus

if TYPE_CHECKING:
    from .app import Emulator

__all__ = [
    "WEBHOOKS_PREFIX",
    "WEBHOOK_LIMITS",
    "Delivery",
    "StaticReceiver",
    "Subscription",
    "WebhookFaults",
    "WebhookHub",
]

WEBHOOKS_PREFIX = "/webhooks/api/v1"
#: ``(max_webhooks, max_events_per_webhook)`` per plan (reference §C.5; enterprise is "custom").
WEBHOOK_LIMITS: dict[str, tuple[int, int]] = {
    "free": (1, 3),
    "starter": (2, 6),
    "premium": (3, 12),
    "enterprise": (10, 50),
}
#: What ``GET /event_filters`` answers.
EVENT_FILTERS: dict[str, list[str]] = {
    entity: ["created", "updated", "deleted"]
    for entity in (
        "client",
        "project",
        "project_group",
        "project_user",
        "tag",
        "task",
        "time_entry",
        "workspace",
        "workspace_user",
    )
}
MSG_NO_ACCESS = "User not found/accessible for workspace"
_NAME = re.compile(r"^(?:[A-Za-z0-9_]+|\*)$")
_ACTIONS = ("created", "updated", "deleted")
FIRST_SUBSCRIPTION_ID = 10710
FIRST_EVENT_ID = 8023169274704072

ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


def _fmt_ms(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _fmt_ns(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}000Z"


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the exact body bytes (the emulator's own copy of Toggl's rule)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@define
class Subscription:
    """A webhook subscription as the emulator stores it."""

    subscription_id: int
    workspace_id: int
    user_id: int
    url_callback: str
    description: str
    event_filters: list[dict[str, str]]
    enabled: bool
    secret: str
    created_at: datetime
    updated_at: datetime | None = None
    validated_at: datetime | None = None
    validation_code: str = ""
    failed_attempts: int = 0

    def render(self, pending: bool) -> dict[str, Any]:
        """Toggl's ``models.WebhookSubscription`` JSON (empty ``updated_at``/``deleted_at`` are left out)."""
        out: dict[str, Any] = {
            "subscription_id": self.subscription_id,
            "workspace_id": self.workspace_id,
            "user_id": self.user_id,
            "enabled": self.enabled,
            "description": self.description,
            "event_filters": [dict(f) for f in self.event_filters],
            "url_callback": self.url_callback,
            "secret": self.secret,
            "validated_at": fmt_micro_z(self.validated_at) if self.validated_at else None,
            "has_pending_events": pending,
            "created_at": fmt_micro_z(self.created_at),
        }
        if self.updated_at is not None:
            out["updated_at"] = fmt_micro_z(self.updated_at)
        return out

    def matches(self, entity: str, action: str) -> bool:
        """Whether a filter lets ``entity``/``action`` through."""
        return any(f["entity"] in ("*", entity) and f["action"] in ("*", action) for f in self.event_filters)


@define
class Delivery:
    """One event waiting to be (re)delivered to one subscription."""

    subscription_id: int
    envelope: dict[str, Any]
    due: datetime
    attempts: int = 0
    last_error: str | None = None


@define
class WebhookFaults:
    """Fault switches for deliveries (each count is used up one delivery at a time).

    Attributes:
        duplicate: The next N deliveries arrive twice.
        reorder: The next N deliveries are held back ``reorder_seconds`` so later ones overtake them.
        delay: The next ``delay_count`` deliveries are held back ``delay`` seconds.
        drop: The next N delivery attempts are lost on the way (retried later, as after a failure).
        down_until: The receiver is unreachable until this emulator time (every attempt fails to connect).
    """

    duplicate: int = 0
    reorder: int = 0
    reorder_seconds: float = 2.0
    delay: float = 0.0
    delay_count: int = 0
    drop: int = 0
    down_until: datetime | None = None

    def clear(self) -> None:
        """Turn every fault off."""
        self.duplicate = self.reorder = self.delay_count = self.drop = 0
        self.delay = 0.0
        self.down_until = None


class _Portal:
    """A private event-loop thread that runs mounted ASGI apps for the (synchronous) emulator."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="toggl-emulator-webhooks", daemon=True)
        self.thread.start()
        self.tasks: set[asyncio.Task[Any]] = set()

    def call(self, app: ASGIApp, url: httpx.URL, headers: dict[str, str], body: bytes, timeout: float) -> tuple[
        int, bytes
    ]:
        # A thread-safe future, set from the app's ``send``: the caller wakes as soon as the answer is complete
        # even if the app then blocks its loop (e.g. calling this emulator synchronously after answering).
        answer: concurrent.futures.Future[tuple[int, bytes]] = concurrent.futures.Future()
        self.loop.call_soon_threadsafe(self._start, app, url, headers, body, answer)
        return answer.result(timeout)

    def _start(
        self,
        app: ASGIApp,
        url: httpx.URL,
        headers: dict[str, str],
        body: bytes,
        answer: concurrent.futures.Future[tuple[int, bytes]],
    ) -> None:
        task = self.loop.create_task(self._call(app, url, headers, body, answer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _call(
        self,
        app: ASGIApp,
        url: httpx.URL,
        headers: dict[str, str],
        body: bytes,
        answer: concurrent.futures.Future[tuple[int, bytes]],
    ) -> None:
        finished = asyncio.Event()
        state: dict[str, Any] = {"sent": False, "status": 500, "chunks": []}
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
            "client": ("127.0.0.1", 0),
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
        }

        async def receive() -> dict[str, Any]:
            if not state["sent"]:
                state["sent"] = True
                return {"type": "http.request", "body": body, "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                state["chunks"].append(message.get("body", b""))
                if not message.get("more_body", False) and not answer.done():
                    answer.set_result((state["status"], b"".join(state["chunks"])))

        try:
            await app(scope, receive, send)
        except Exception as exc:
            if not answer.done():
                answer.set_exception(exc)
        finally:
            finished.set()
            if not answer.done():
                answer.set_result((500, b""))

    def settle(self, timeout: float) -> None:
        """Wait until every app call (and its after-answer work) has finished."""

        async def _wait() -> None:
            while self.tasks:
                await asyncio.gather(*list(self.tasks), return_exceptions=True)

        asyncio.run_coroutine_threadsafe(_wait(), self.loop).result(timeout)

    def close(self) -> None:
        async def _cancel() -> None:
            for task in list(self.tasks):
                task.cancel()

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(_cancel(), self.loop).result(5)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class WebhookHub:
    """Subscriptions, change detection and deliveries of one ``Emulator``.

    Attributes:
        subscriptions: Stored subscriptions by id.
        queue: Deliveries not yet acknowledged.
        delivered: ``(subscription_id, body bytes, status)`` of every attempt that reached a receiver.
        failed: Deliveries given up after ``max_attempts``.
        faults: Delivery fault switches.
        retry_schedule: Seconds between attempts (the last value repeats).
        max_attempts: Attempts before an event is given up.
        disable_after: Disable a subscription after this many consecutive failed attempts (None: never).
        timeout: Seconds to wait for a receiver.
        wildcard_counts_all: Count a filter on entity ``*`` as one per entity against the plan's filter limit
            (Toggl does not document which; off: it counts as one).
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.retry_schedule: list[float] = [10, 30, 60, 300, 900]
        self.max_attempts = 10
        self.disable_after: int | None = None
        self.timeout = 10.0
        self.wildcard_counts_all = False
        self.faults = WebhookFaults()
        self._mounts: dict[str, ASGIApp] = {}
        self._portal: _Portal | None = None
        self._pump_lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._pumper: threading.Thread | None = None
        self._stop_pumper = threading.Event()
        self.reset()

    def reset(self) -> None:
        """Forget subscriptions, queued deliveries and faults (mounts stay)."""
        self.subscriptions: dict[int, Subscription] = {}
        self.queue: list[Delivery] = []
        self.delivered: list[tuple[int, bytes, int]] = []
        self.failed: list[Delivery] = []
        self.faults.clear()
        self._next_sub = FIRST_SUBSCRIPTION_ID
        self._next_event = FIRST_EVENT_ID
        self._rng = random.Random(13)
        self._known: dict[tuple[str, int], dict[str, Any]] | None = None
        self._last_scan: datetime | None = None

    # -- in-process receivers and lifecycle ------------------------------------------------------------
    def mount(self, url_prefix: str, app: ASGIApp) -> None:
        """Deliver to ``app`` (in-process) for every callback URL starting with ``url_prefix``."""
        self._mounts[url_prefix] = app

    def unmount(self, url_prefix: str) -> None:
        """Stop delivering to the app mounted at ``url_prefix``: that URL then goes over the network."""
        self._mounts.pop(url_prefix, None)

    def close(self) -> None:
        """Stop the in-process app thread, the background pump and the HTTP client."""
        self.stop_background()
        if self._portal is not None:
            self._portal.close()
            self._portal = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until mounted receivers finished what they do after answering (e.g. opening a validation link),
        then deliver what became due."""
        if self._portal is not None:
            self._portal.settle(timeout)
        self.pump()

    def run_in_background(self, interval: float = 0.2) -> None:
        """Pump due deliveries (retries, delays) every ``interval`` real seconds (for a served emulator)."""
        if self._pumper is not None:
            return
        self._stop_pumper.clear()

        def loop() -> None:
            while not self._stop_pumper.wait(interval):
                self.pump()

        self._pumper = threading.Thread(target=loop, name="toggl-emulator-webhook-pump", daemon=True)
        self._pumper.start()

    def stop_background(self) -> None:
        """Stop ``run_in_background``."""
        if self._pumper is not None:
            self._stop_pumper.set()
            self._pumper.join(5)
            self._pumper = None

    # -- routes ----------------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        """The Webhooks API v1 routes (relative to ``WEBHOOKS_PREFIX``; none counted against the quota)."""
        return [
            route("GET", "/subscriptions/{wid}", self._list, counted=False),
            route("POST", "/subscriptions/{wid}", self._create, counted=False),
            route("PUT", "/subscriptions/{wid}/{sid}", self._update, counted=False),
            route("PATCH", "/subscriptions/{wid}/{sid}", self._patch, counted=False),
            route("DELETE", "/subscriptions/{wid}/{sid}", self._delete, counted=False),
            route("POST", "/ping/{wid}/{sid}", self._ping, counted=False),
            route("GET", "/validate/{wid}/{sid}/{token}", self._validate, auth=False, counted=False),
            route("GET", "/event_filters", lambda ctx: EVENT_FILTERS, auth=False, counted=False),
            route("GET", "/limits/{wid}", self._limits, auth=False, counted=False),
            route("GET", "/status", lambda ctx: {"status": "OK"}, auth=False, counted=False),
        ]

    def limits_for(self, workspace_id: int) -> tuple[int, int]:
        """``(max_webhooks, max_events_per_webhook)`` of the workspace's organization plan."""
        ws = self.emulator.state.workspaces.get(workspace_id)
        org = self.emulator.state.organizations.get(ws.organization_id) if ws else None
        return WEBHOOK_LIMITS.get(org.plan if org else "free", WEBHOOK_LIMITS["free"])

    def _workspace(self, ctx: Ctx) -> int:
        wid = ctx.arg("wid")
        ws = ctx.backend.workspaces.get(wid)
        if ws is None or ws.server_deleted_at is not None or ctx.me.id not in ws.members:
            raise EmulatorError(403, MSG_NO_ACCESS)
        return wid

    def _is_admin(self, user_id: int, workspace_id: int) -> bool:
        ws = self.emulator.state.workspaces.get(workspace_id)
        return ws is not None and ws.members.get(user_id) == "admin"

    def _own(self, ctx: Ctx) -> Subscription:
        wid = self._workspace(ctx)
        sid = ctx.arg("sid")
        sub = self.subscriptions.get(sid)
        if sub is None or sub.workspace_id != wid or (sub.user_id != ctx.me.id and not self._is_admin(ctx.me.id, wid)):
            raise not_found(f"subscription {sid} for workspace {wid} was not found")
        return sub

    def _pending(self, sub: Subscription) -> bool:
        return any(d.subscription_id == sub.subscription_id for d in self.queue)

    def _list(self, ctx: Ctx) -> Any:
        wid = self._workspace(ctx)
        admin = self._is_admin(ctx.me.id, wid)
        return [
            s.render(self._pending(s))
            for s in sorted(self.subscriptions.values(), key=lambda s: s.subscription_id)
            if s.workspace_id == wid and (admin or s.user_id == ctx.me.id)
        ]

    def _check_body(self, ctx: Ctx, wid: int, exclude: int | None, *, put: bool) -> dict[str, Any]:
        data = ctx.body_object()
        description = data.get("description")
        if not isinstance(description, str) or not description.strip():
            raise bad_request("Subscription description must not be empty")
        if any(
            s.workspace_id == wid and s.description == description and s.subscription_id != exclude
            for s in self.subscriptions.values()
        ):
            raise bad_request(f"Subscription description '{description}' is already in use for workspace {wid}")
        filters = data.get("event_filters")
        if not isinstance(filters, list) or not filters:
            raise bad_request("The list of event filters must not be empty")
        _, max_events = self.limits_for(wid)
        # Whether Toggl counts an entity '*' as one filter is undocumented: one by default, a switch for the rest.
        count = sum(
            len(EVENT_FILTERS) if self.wildcard_counts_all and isinstance(f, dict) and f.get("entity") == "*" else 1
            for f in filters
        )
        if count > max_events:
            raise bad_request(
                f"The limit of {max_events} event filters for your subscription has been exceeded as you're "
                f"trying to set {count} filters"
            )
        clean: list[dict[str, str]] = []
        for item in filters:
            item = item if isinstance(item, dict) else {}
            entity, action = item.get("entity"), item.get("action")
            if not isinstance(entity, str) or not entity:
                raise bad_request("The entity field for each subscription event filter must be non-empty")
            if not _NAME.match(entity):
                raise bad_request(
                    f"The value '{entity}' for the filter entity can only contain letters, numbers and '_' or be "
                    "'*' to match all entities"
                )
            if not isinstance(action, str) or not action:
                raise bad_request("The action field for each subscription event filter must be non-empty")
            if not _NAME.match(action):
                raise bad_request(
                    f"The value '{action}' for the filter action can only contain letters, numbers and '_' or be "
                    "'*' to match all actions"
                )
            if action != "*" and action not in _ACTIONS:
                raise bad_request(f"Invalid value '{action}' for event filter action")
            pair = {"entity": entity, "action": action}
            if pair in clean:
                raise bad_request(
                    f"The following event filter appears more than once for your subscription: {entity}:{action}"
                )
            clean.append(pair)
        url = data.get("url_callback")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad_request(f"URL endpoint {url} request failed with error: unsupported protocol scheme")
        secret = data.get("secret")
        if put and (not isinstance(secret, str) or not secret):
            raise bad_request("Subscription secret must not be empty")
        enabled = data.get("enabled", True)
        return {
            "description": description,
            "event_filters": clean,
            "url_callback": url,
            "secret": secret if isinstance(secret, str) and secret else None,
            "enabled": bool(enabled),
        }

    def _check_enabled_limit(self, user_id: int, wid: int, exclude: int | None) -> None:
        max_webhooks, _ = self.limits_for(wid)
        enabled = sum(
            1
            for s in self.subscriptions.values()
            if s.workspace_id == wid and s.user_id == user_id and s.enabled and s.subscription_id != exclude
        )
        if enabled >= max_webhooks:
            raise bad_request(
                f"User {user_id} already reached the limit of {max_webhooks} enabled subscriptions for "
                f"workspace {wid}"
            )

    def _new_secret(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        return "".join(self._rng.choice(alphabet) for _ in range(20))

    def _create(self, ctx: Ctx) -> Any:
        wid = self._workspace(ctx)
        body = self._check_body(ctx, wid, None, put=False)
        if body["enabled"]:
            self._check_enabled_limit(ctx.me.id, wid, None)
        now = ctx.now
        sub = Subscription(
            self._next_sub,
            wid,
            ctx.me.id,
            body["url_callback"],
            body["description"],
            body["event_filters"],
            body["enabled"],
            body["secret"] or self._new_secret(),
            now,
            validation_code=f"{self._rng.getrandbits(128):032x}",
        )
        self._sync_ping(ctx, sub, put=False)  # Toggl refuses to create a subscription its URL does not answer
        self._next_sub += 1
        self.subscriptions[sub.subscription_id] = sub
        self._start_tracking()
        return sub.render(False)

    def _update(self, ctx: Ctx) -> Any:
        sub = self._own(ctx)
        body = self._check_body(ctx, sub.workspace_id, sub.subscription_id, put=True)
        if body["enabled"] and not sub.enabled:
            self._check_enabled_limit(sub.user_id, sub.workspace_id, sub.subscription_id)
        candidate = Subscription(
            sub.subscription_id,
            sub.workspace_id,
            sub.user_id,
            body["url_callback"],
            body["description"],
            body["event_filters"],
            body["enabled"],
            body["secret"],
            sub.created_at,
            ctx.now,
            sub.validated_at if body["url_callback"] == sub.url_callback else None,
            sub.validation_code,
        )
        self._sync_ping(ctx, candidate, put=True)
        self.subscriptions[sub.subscription_id] = candidate
        return candidate.render(self._pending(candidate))

    def _patch(self, ctx: Ctx) -> Any:
        sub = self._own(ctx)
        enabled = ctx.body_object().get("enabled")
        if not isinstance(enabled, bool):
            raise bad_request("Invalid JSON input")
        if enabled and not sub.enabled:
            self._check_enabled_limit(sub.user_id, sub.workspace_id, sub.subscription_id)
            self._sync_ping(ctx, sub, put=False)
            sub.failed_attempts = 0
        sub.enabled = enabled
        sub.updated_at = ctx.now
        return sub.render(self._pending(sub))

    def _delete(self, ctx: Ctx) -> Any:
        sub = self._own(ctx)
        del self.subscriptions[sub.subscription_id]
        self.queue = [d for d in self.queue if d.subscription_id != sub.subscription_id]
        out = sub.render(False)
        out["deleted_at"] = fmt_micro_z(ctx.now)
        return out

    def _ping(self, ctx: Ctx) -> Any:
        sub = self._own(ctx)
        try:
            self._sync_ping(ctx, sub, put=False)
        except EmulatorError as exc:
            return {"status": exc.body}
        return {"status": "OK"}

    def _validate(self, ctx: Ctx) -> Any:
        wid, sid, code = ctx.arg("wid"), ctx.arg("sid"), ctx.raw_arg("token")
        sub = self.subscriptions.get(sid)
        if sub is None or sub.workspace_id != wid or sub.validation_code != code:
            raise bad_request(
                f"subscription {sid} for workspace {wid} and validation code '{code}' was not found"
            )
        if sub.validated_at is not None:
            raise bad_request(f"subscription {sid} has already been validated")
        sub.validated_at = ctx.now
        return "OK"

    def _limits(self, ctx: Ctx) -> Any:
        max_webhooks, max_events = self.limits_for(ctx.arg("wid"))
        return {"max_webhooks": max_webhooks, "max_events_per_webhook": max_events}

    # -- pings -----------------------------------------------------------------------------------------
    def _ping_envelope(self, ctx: Ctx | None, sub: Subscription) -> dict[str, Any]:
        now = self.emulator.clock.now()
        out: dict[str, Any] = {
            "event_id": 0,
            "created_at": _fmt_ns(now),
            "creator_id": sub.user_id,
            "metadata": {"event_user_id": sub.user_id, "request_type": "POST"},
            "payload": "ping",
            "subscription_id": sub.subscription_id,
            "timestamp": _fmt_ns(now),
            "url_callback": sub.url_callback,
        }
        if sub.validated_at is None:
            base = f"{ctx.request.url.scheme}://{ctx.request.url.netloc.decode()}" if ctx else "https://api.track.toggl.com"
            out["validation_code"] = sub.validation_code
            out["validation_code_url"] = (
                f"{base}{WEBHOOKS_PREFIX}/validate/{sub.workspace_id}/{sub.subscription_id}/{sub.validation_code}"
            )
        return out

    def _sync_ping(self, ctx: Ctx, sub: Subscription, *, put: bool) -> None:
        """Ping ``sub``'s URL now; 400 with Toggl's texts when it does not answer 2xx; validate on an echo."""
        envelope = self._ping_envelope(ctx, sub)
        body = _json_bytes(envelope)
        try:
            status, answer = self._send(sub, body)
        except httpx.HTTPError as exc:
            raise bad_request(f"URL endpoint {sub.url_callback} request failed with error: {exc}") from None
        self.delivered.append((sub.subscription_id, body, status))
        if not 200 <= status < 300:
            expected = "2xx" if put else "200"
            raise bad_request(
                f"URL endpoint {sub.url_callback} responded with status {status} instead of {expected}"
            )
        if sub.validated_at is None:
            try:
                echoed = json.loads(answer)
            except ValueError:
                echoed = None
            if isinstance(echoed, dict) and echoed.get("validation_code") == sub.validation_code:
                sub.validated_at = self.emulator.clock.now()

    # -- sending ---------------------------------------------------------------------------------------
    def _send(self, sub: Subscription, body: bytes) -> tuple[int, bytes]:
        """POST ``body``, signed with ``sub``'s secret, to its URL; (status, answer body)."""
        now = self.emulator.clock.now()
        if self.faults.down_until is not None and now < self.faults.down_until:
            raise httpx.ConnectError("[emulated] receiver down")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "toggl-emulator-webhooks",
            "X-Webhook-Signature-256": signature(sub.secret, body),
        }
        url = httpx.URL(sub.url_callback)
        for prefix, app in self._mounts.items():
            if sub.url_callback.startswith(prefix):
                if self._portal is None:
                    self._portal = _Portal()
                if threading.current_thread() is self._portal.thread:
                    raise httpx.ConnectError("[emulated] a receiver cannot receive while it calls the emulator")
                try:
                    return self._portal.call(app, url, headers, body, self.timeout)
                except (TimeoutError, concurrent.futures.TimeoutError):
                    raise httpx.ReadTimeout("[emulated] receiver did not answer") from None
        if self._http is None:
            self._http = httpx.Client(timeout=self.timeout, trust_env=False)
        response = self._http.post(url, content=body, headers=headers)
        return response.status_code, response.content

    # -- change detection ------------------------------------------------------------------------------
    def _active(self) -> bool:
        return bool(self.subscriptions)

    def _start_tracking(self) -> None:
        if self._known is None:
            self._known = {key: payload for key, payload, _ in self._entities(None)}
            self._last_scan = self.emulator.clock.now()

    def _entities(self, since: datetime | None) -> list[tuple[tuple[str, int], dict[str, Any], Any]]:
        """``((entity, id), payload, record)`` of every entity changed at or after ``since`` (all for None)."""
        state = self.emulator.state
        out: list[tuple[tuple[str, int], dict[str, Any], Any]] = []
        kinds: list[tuple[str, dict[int, Any], Callable[[Any], dict[str, Any]]]] = [
            ("time_entry", state.time_entries, self._render_entry),
            ("project", state.projects, lambda p: render_project(state, p, {})),
            ("client", state.clients, render_client),
            ("tag", state.tags, render_tag),
        ]
        tasks = getattr(state, "tasks", None)
        if isinstance(tasks, dict):
            kinds.append(("task", tasks, _render_generic))
        for entity, items, render in kinds:
            for item_id, item in items.items():
                at = getattr(item, "at", None)
                if since is None or at is None or at >= since or (entity, item_id) not in (self._known or {}):
                    out.append(((entity, item_id), dict(sorted(render(item).items())), item))
        return out

    def _render_entry(self, te: Any) -> dict[str, Any]:
        out = render_time_entry(self.emulator.state, te, z=True)
        out.pop("pid", None)
        out.pop("tid", None)
        out["at"] = fmt_plus(te.at)
        if not out.get("tag_ids"):
            out["tag_ids"] = None
            out["tags"] = []
        return out

    def scan(self, request: httpx.Request | None = None, user_id: int | None = None) -> int:
        """Queue events for every change since the last scan; the number of changes found.

        The emulator calls this after each request; call it yourself after changing ``emulator.state`` directly.
        """
        if not self._active() or self._known is None:
            return 0
        since = self._last_scan
        self._last_scan = self.emulator.clock.now()
        found = 0
        for key, payload, record in self._entities(since):
            old = self._known.get(key)
            if old == payload:
                continue
            self._known[key] = payload
            deleted = bool(
                getattr(record, "server_deleted_at", None) or getattr(record, "deleted_at", None)
            )
            if deleted and old is not None and (old.get("server_deleted_at") or old.get("deleted_at")):
                continue  # already deleted: a later touch of a tombstone is no event
            action = "deleted" if deleted else "created" if old is None else "updated"
            self._emit(key[0], action, payload, record, request, user_id)
            found += 1
        return found

    def _emit(
        self,
        entity: str,
        action: str,
        payload: dict[str, Any],
        record: Any,
        request: httpx.Request | None,
        user_id: int | None,
    ) -> None:
        now = self.emulator.clock.now()
        workspace_id = getattr(record, "workspace_id", None)
        owner = getattr(record, "user_id", None) or getattr(record, "creator_id", None)
        actor = user_id if user_id is not None else owner
        metadata: dict[str, str] = {
            "action": action,
            "event_user_id": str(actor),
            "model": entity,
            "model_owner_id": str(owner),
            "workspace_id": str(workspace_id),
            f"{entity}_id": str(record.id),
        }
        if request is not None:
            metadata["path"] = request.url.path
            metadata["request_type"] = request.method.upper()
            try:
                metadata["request_body"] = request.content.decode("utf-8")
            except (httpx.RequestNotRead, UnicodeDecodeError):
                metadata["request_body"] = ""
        if entity == "project" and "is_private" in payload:
            metadata["project_is_private"] = str(payload["is_private"]).lower()
        for sub in sorted(self.subscriptions.values(), key=lambda s: s.subscription_id):
            # Only enabled, validated subscriptions get change events (a disabled one misses what happens meanwhile).
            if not sub.enabled or sub.validated_at is None:
                continue
            if sub.workspace_id != workspace_id or not sub.matches(entity, action):
                continue
            # Events follow the creator's permissions: other users' time entries only reach admins.
            if entity == "time_entry" and owner != sub.user_id and not self._is_admin(sub.user_id, sub.workspace_id):
                continue
            envelope = {
                "event_id": self._next_event,
                "created_at": _fmt_ms(now),
                "creator_id": actor,
                "metadata": dict(sorted(metadata.items())),
                "payload": payload,
                "subscription_id": sub.subscription_id,
                "url_callback": sub.url_callback,
            }
            self._next_event += 1
            self._enqueue(Delivery(sub.subscription_id, envelope, now))

    def _enqueue(self, delivery: Delivery) -> None:
        faults = self.faults
        if faults.delay_count > 0:
            faults.delay_count -= 1
            delivery.due += timedelta(seconds=faults.delay)
        if faults.reorder > 0:
            faults.reorder -= 1
            delivery.due += timedelta(seconds=faults.reorder_seconds)
        self.queue.append(delivery)
        if faults.duplicate > 0:
            faults.duplicate -= 1
            self.queue.append(Delivery(delivery.subscription_id, dict(delivery.envelope), delivery.due))

    # -- delivering ------------------------------------------------------------------------------------
    def after_request(self, request: httpx.Request, user_id: int | None) -> None:
        """Hook run by the emulator (under its lock) after each request: queue events for what it changed."""
        if request.method.upper() != "GET" and self._active():
            self.scan(request, user_id)

    def pump(self) -> int:
        """Deliver every due delivery once, oldest due first; the number of attempts made.

        A delivery is acknowledged by a 2xx answer; anything else schedules a retry. Only enabled, validated
        subscriptions get change events (the rest wait in the queue).
        """
        if self._portal is not None and threading.current_thread() is self._portal.thread:
            return 0  # a mounted receiver called the emulator: deliver when it is done
        if not self._pump_lock.acquire(blocking=False):
            return 0
        try:
            attempts = 0
            while True:
                with self.emulator._lock:
                    now = self.emulator.clock.now()
                    due = [
                        d
                        for d in self.queue
                        if d.due <= now
                        and (sub := self.subscriptions.get(d.subscription_id)) is not None
                        and sub.enabled
                        and sub.validated_at is not None
                    ]
                    if not due:
                        return attempts
                    delivery = min(due, key=lambda d: (d.due, d.envelope["event_id"]))
                    self.queue.remove(delivery)
                    sub = self.subscriptions[delivery.subscription_id]
                    # Every attempt is stamped anew; Toggl sends ``timestamp`` just before ``url_callback``.
                    envelope = {k: v for k, v in delivery.envelope.items() if k != "url_callback"}
                    envelope["timestamp"] = _fmt_ns(now)
                    envelope["url_callback"] = delivery.envelope["url_callback"]
                    body = _json_bytes(envelope)
                    dropped = self.faults.drop > 0
                    if dropped:
                        self.faults.drop -= 1
                attempts += 1
                status: int | None = None
                error: str | None = "[emulated] delivery lost" if dropped else None
                if not dropped:
                    try:
                        status, _ = self._send(sub, body)
                    except httpx.HTTPError as exc:
                        error = str(exc) or type(exc).__name__
                with self.emulator._lock:
                    if status is not None:
                        self.delivered.append((sub.subscription_id, body, status))
                    if status is not None and 200 <= status < 300:
                        sub.failed_attempts = 0
                        continue
                    self._retry(delivery, sub, error or f"status {status}", now)
        finally:
            self._pump_lock.release()

    def _retry(self, delivery: Delivery, sub: Subscription, error: str, now: datetime) -> None:
        delivery.attempts += 1
        delivery.last_error = error
        sub.failed_attempts += 1
        if self.disable_after is not None and sub.failed_attempts >= self.disable_after:
            sub.enabled = False
        if delivery.attempts >= self.max_attempts:
            self.failed.append(delivery)
            return
        schedule = self.retry_schedule or [10.0]
        wait = schedule[min(delivery.attempts - 1, len(schedule) - 1)]
        delivery.due = now + timedelta(seconds=wait)
        self.queue.append(delivery)

    def pending(self) -> int:
        """How many deliveries wait (due or not)."""
        return len(self.queue)


def _render_generic(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in getattr(type(record), "__attrs_attrs__", ()):
        value = getattr(record, name.name)
        out[name.name] = fmt_plus(value) if isinstance(value, datetime) else value
    return out



class StaticReceiver:
    """An ASGI app that answers every request with one status and JSON body and keeps the bodies it got.

    Stands in for a receiver that misbehaves (answers 500, never echoes the validation code ...) in tests.
    """

    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.status = status
        self.content = _json_bytes(body if body is not None else {})
        self.bodies: list[bytes] = []

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        """Answer one request."""
        message = await receive()
        self.bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": self.content})
