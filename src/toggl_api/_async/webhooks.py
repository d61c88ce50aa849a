"""Toggl webhooks, async side: ``AsyncWebhooksEndpoint`` (the Webhooks API v1) and ``AsyncWebhookReceiver`` (what
to do with a delivery: check it, answer validation and pings, apply changes to a cache).

The receiver does no HTTP serving itself: ``handle(body, headers)`` returns a ``ReceiverReply``; the ASGI app in
``toggl_api.webhooks`` (``WebhookApp``) serves it. Decisions (signature, replay window, de-duplication, newer
``at`` wins) come from ``toggl_api._core.webhooks``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

import httpx
from attrs import evolve

from .._core.answers import unexpected
from .._core.api.request import Api, ApiRequest, Shape
from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.errors import BadRequestError
from .._core.models import TogglClass
from .._core.webhooks import (
    DEFAULT_DESCRIPTION,
    DEFAULT_HEALTH_INTERVAL,
    DEFAULT_MAX_SEEN,
    DEFAULT_REPLAY_WINDOW,
    MODELLED,
    SIGNATURE_HEADER,
    EventFilter,
    FilterChoice,
    ReceiverReply,
    ReceiverStats,
    SeenEvents,
    SubscriptionLimitError,
    Tombstones,
    WebhookEvent,
    WebhookLimits,
    WebhookSubscription,
    check_timestamp,
    choose_filters,
    newer,
    parse_event,
    plan_event,
    verify_signature,
)
from .._core.webhooks import create_subscription as _create
from .._core.webhooks import delete_subscription as _delete
from .._core.webhooks import get_event_filters as _event_filters
from .._core.webhooks import get_limits as _limits
from .._core.webhooks import get_status as _status
from .._core.webhooks import list_subscriptions as _list
from .._core.webhooks import ping as _ping
from .._core.webhooks import set_enabled as _set_enabled
from .._core.webhooks import update_subscription as _update
from .._core.webhooks import validate as _validate
from .._io.live import LiveMarker
from .cache.base import TogglAsyncCache
from .endpoint import TogglAsyncEndpoint, decode_json
from .endpoints._base import workspace_id_of

__all__ = ["AsyncWebhookReceiver", "AsyncWebhooksEndpoint"]

log = logging.getLogger("toggl_api.webhooks")

_R = TypeVar("_R")

#: Value-store keys the receiver keeps in the cache.
SEEN_KEY = "webhooks/seen_events"
TOMBSTONES_KEY = "webhooks/tombstones"
HEALTH_KEY = "webhooks/health"


class AsyncWebhooksEndpoint(TogglAsyncEndpoint[Any]):
    """The Webhooks API v1 of one workspace (``/webhooks/api/v1``).

    Args:
        workspace_id: The workspace whose subscriptions to manage.
        auth: ``httpx.BasicAuth(token, "api_token")``.
        **kwargs: ``client``, ``timeout``, ``base_url``, ``clock``, ``policy``, ... as for every endpoint.
    """

    BASE_ENDPOINT: ClassVar[str] = "https://api.track.toggl.com/webhooks/api/v1/"
    API: ClassVar[Api] = Api.WEBHOOKS

    def __init__(self, workspace_id: int, auth: httpx.BasicAuth | None, **kwargs: Any) -> None:
        super().__init__(auth, **kwargs)
        self.workspace_id = workspace_id_of(workspace_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id}, base_url={self.base_url!r})"

    @property
    def request_count(self) -> int:
        """Requests this endpoint has sent (retries included)."""
        return self._requester.request_count

    async def _answer(self, request: ApiRequest, expect: Shape = Shape.JSON) -> tuple[Any, httpx.Response]:
        """The checked JSON answer (``UnexpectedResponseError`` when it is not ``expect``) and its response."""
        response = await self._send(evolve(request, expect=expect))
        return decode_json(response), response

    async def _get_json(self, request: ApiRequest, expect: Shape = Shape.JSON) -> Any:
        data, _ = await self._answer(request, expect)
        return data

    async def _subscription(self, request: ApiRequest) -> WebhookSubscription:
        data, response = await self._answer(request, Shape.OBJECT)
        return _read(response, WebhookSubscription.from_api, data)

    async def subscriptions(self) -> list[WebhookSubscription]:
        """Every subscription of the workspace (an admin also sees other users' ones)."""
        data, response = await self._answer(_list(self.workspace_id), Shape.LIST)
        return [_read(response, WebhookSubscription.from_api, s) for s in data or ()]

    async def get(self, subscription_id: int) -> WebhookSubscription | None:
        """One subscription by id (from the list: Toggl has no single read), or ``None``."""
        for sub in await self.subscriptions():
            if sub.subscription_id == subscription_id:
                return sub
        return None

    async def create(
        self,
        url_callback: str,
        event_filters: Iterable[EventFilter | Mapping[str, str] | str],
        description: str,
        *,
        enabled: bool = True,
        secret: str | None = None,
    ) -> WebhookSubscription:
        """Create a subscription. Toggl pings ``url_callback`` before answering and refuses (400) when it does not
        answer 2xx; a receiver that echoes ``validation_code`` validates it at once.

        Raises:
            ValueError: bad filters, an empty description or secret, a URL that is not http(s).
            BadRequestError: Toggl's refusal (URL unreachable, plan limit, duplicate description ...).
        """
        request = _create(self.workspace_id, url_callback, event_filters, description, enabled=enabled,
                          secret=secret)
        return await self._subscription(request)

    async def update(self, subscription: WebhookSubscription) -> WebhookSubscription:
        """Replace a subscription's writable fields with ``subscription``'s (PUT; the secret must be set)."""
        request = _update(
            self.workspace_id,
            subscription.subscription_id,
            subscription.url_callback,
            subscription.event_filters,
            subscription.description,
            enabled=subscription.enabled,
            secret=subscription.secret,
        )
        return await self._subscription(request)

    async def enable(self, subscription_id: int) -> WebhookSubscription:
        """Enable a subscription (Toggl pings its URL first)."""
        return await self._subscription(_set_enabled(self.workspace_id, subscription_id, True)
        )

    async def disable(self, subscription_id: int) -> WebhookSubscription:
        """Disable a subscription (it stops getting change events)."""
        return await self._subscription(_set_enabled(self.workspace_id, subscription_id, False)
        )

    async def delete(self, subscription_id: int) -> WebhookSubscription:
        """Delete a subscription; Toggl answers the deleted object."""
        return await self._subscription(_delete(self.workspace_id, subscription_id))

    async def ping(self, subscription_id: int) -> str:
        """Make Toggl ping the subscription's URL; answers Toggl's ``status`` text."""
        data = await self._get_json(_ping(self.workspace_id, subscription_id))
        return str(data.get("status", "")) if isinstance(data, dict) else str(data or "")

    async def validate(self, subscription_id: int, validation_code: str) -> bool:
        """Open the asynchronous validation link; ``True`` when Toggl answered ``OK``."""
        data = await self._get_json(_validate(self.workspace_id, subscription_id, validation_code))
        return data == "OK" or (isinstance(data, dict) and data.get("status") == "OK")

    async def event_filters(self) -> dict[str, list[str]]:
        """The entities filters may name, each with its actions."""
        data, response = await self._answer(_event_filters(), Shape.OBJECT)
        return _read(response, _filters_by_entity, data)

    async def limits(self) -> WebhookLimits:
        """The workspace's webhook limits (subscriptions, filters per subscription)."""
        data, response = await self._answer(_limits(self.workspace_id), Shape.OBJECT)
        return _read(response, WebhookLimits.from_api, data)

    async def status(self) -> str:
        """The Webhooks API's own status text (``OK`` when healthy)."""
        data = await self._get_json(_status())
        return str(data.get("status", "")) if isinstance(data, dict) else str(data or "")

    async def ensure(
        self,
        url_callback: str,
        secret: str,
        *,
        description: str = DEFAULT_DESCRIPTION,
        wanted: Sequence[str] = MODELLED,
        existing: Sequence[WebhookSubscription] | None = None,
    ) -> tuple[WebhookSubscription, FilterChoice]:
        """A validated, enabled subscription of ours pointing at ``url_callback``, within the plan's limits.

        An existing subscription with this URL is reused (enabled and pinged to validation as needed; its own
        secret is kept, so give the receiver a way to learn it: see ``secret_of``); otherwise one is created with
        ``secret`` and the filters ``choose_filters`` picks from ``wanted`` for the plan (time entries first).
        The receiver must already answer at ``url_callback``: Toggl pings it before answering.

        Costs 1 request (list) for a healthy existing subscription, 3 (list, limits, create) for a new one; pass
        ``existing`` (the answer of ``subscriptions()``) to skip the list.

        Raises:
            SubscriptionLimitError: the plan's enabled subscriptions are all in use (the message names them).
            BadRequestError: Toggl refused for another reason (e.g. the URL does not answer).
        """
        if existing is None:
            existing = await self.subscriptions()
        ours = [s for s in existing if s.url_callback == url_callback]
        if ours:
            sub = ours[0]
            if not sub.enabled:
                sub = await self.enable(sub.subscription_id)
            if not sub.validated:
                await self.ping(sub.subscription_id)
                sub = await self.get(sub.subscription_id) or sub
            covered = {f.entity for f in sub.event_filters}
            uncovered = tuple(e for e in wanted if e not in covered and "*" not in covered)
            return sub, FilterChoice(sub.event_filters, uncovered)
        limits = await self.limits()
        choice = choose_filters(limits.max_events_per_webhook, wanted)
        try:
            try:
                sub = await self.create(url_callback, choice.filters, description, secret=secret)
            except BadRequestError as exc:
                # Toggl does not say whether '*' counts as one filter; if it counts as many, take the most
                # important entities the plan allows instead.
                if choice.filters != (EventFilter("*", "*"),) or "event filters" not in str(exc):
                    raise
                choice = choose_filters(limits.max_events_per_webhook, wanted, wildcard=False)
                sub = await self.create(url_callback, choice.filters, description, secret=secret)
        except BadRequestError as exc:
            if "limit of" in str(exc) and "enabled subscriptions" in str(exc):
                others = ", ".join(
                    f"{s.subscription_id} ({s.description!r} -> {s.url_callback})" for s in await self.subscriptions()
                )
                msg = (
                    f"the plan allows {limits.max_webhooks} enabled webhook subscription(s) in workspace "
                    f"{self.workspace_id} and they are in use: {others or 'by another user'}; disable or delete "
                    "one (toggl-api webhooks delete ID) and retry"
                )
                raise SubscriptionLimitError(msg) from exc
            raise
        return sub, choice


SecretSource = str | Mapping[int, str] | Callable[[int | None], str | None]


class AsyncWebhookReceiver:
    """Checks and applies Toggl webhook deliveries to a cache.

    Args:
        secret: The subscription's secret, a mapping subscription id → secret, or a function of the id.
        cache: The cache change events go to (any cache kind); ``None`` only answers pings and validation.
        clock: Time source for the replay window and the ``timestamp`` of applied entities.
        replay_window: How old (or how far in the future) a delivery's ``timestamp`` may be; ``None`` turns the
            check off.
        validation: ``"echo"`` answers the ``validation_code`` of a ping (synchronous validation), ``"link"`` opens
            its ``validation_code_url`` after answering (asynchronous validation; needs ``client``).
        client: HTTP client for the validation link.
        max_seen: How many delivered ``event_id`` values are remembered to drop duplicates.
        health_interval: How long a delivery or ping keeps the cache live: every cache on the same folder then
            treats its entries as fresh whatever ``expire_after`` says (``None``: never mark it live).
        entities: The entities the subscription covers; the cache is marked live only when they include every
            entity the caches model (time entries, projects, clients, tags) or ``*``.
        expected_url: Refuse deliveries whose ``url_callback`` is another URL (useful when several subscriptions
            share a secret).
    """

    def __init__(
        self,
        secret: SecretSource,
        cache: TogglAsyncCache[Any] | None = None,
        *,
        clock: Clock | None = None,
        replay_window: timedelta | float | None = DEFAULT_REPLAY_WINDOW,
        validation: str = "echo",
        client: httpx.AsyncClient | None = None,
        max_seen: int = DEFAULT_MAX_SEEN,
        health_interval: timedelta | float | None = DEFAULT_HEALTH_INTERVAL,
        entities: Iterable[str] = ("*",),
        expected_url: str | None = None,
    ) -> None:
        if not isinstance(secret, (str, Mapping)) and not callable(secret):
            msg = (
                "secret must be a string, a mapping of subscription id to secret, or a function, "
                f"not {type(secret).__name__}"
            )
            raise TypeError(msg)
        if validation not in ("echo", "link"):
            msg = f"validation must be 'echo' or 'link', not {validation!r}"
            raise ValueError(msg)
        if validation == "link" and client is None:
            msg = "validation='link' needs an httpx client to open the validation link with"
            raise ValueError(msg)
        if isinstance(replay_window, bool):
            msg = "replay_window must be seconds, a timedelta or None, not a bool"
            raise TypeError(msg)
        window: timedelta | None = (
            timedelta(seconds=replay_window)
            if isinstance(replay_window, (int, float))
            else replay_window
        )
        self._secret = secret
        self.cache = cache
        self.clock: Clock = clock or (cache.clock if cache is not None else SYSTEM_CLOCK)
        self.replay_window = window
        self.validation = validation
        self.client = client
        self.max_seen = max_seen
        self.stats = ReceiverStats()
        self.pending_links: list[str] = []
        if isinstance(health_interval, (int, float)) and not isinstance(health_interval, bool):
            health_interval = timedelta(seconds=health_interval)
        self.health_interval: timedelta | None = health_interval if isinstance(health_interval, timedelta) else None
        self.entities = tuple(entities)
        self.expected_url = expected_url
        self._live = LiveMarker(cache.path) if cache is not None and self.health_interval is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cache={self.cache!r}, validation={self.validation!r})"

    def _secret_for(self, subscription_id: int | None) -> str | None:
        source = self._secret
        if isinstance(source, str):
            return source
        if isinstance(source, Mapping):
            return source.get(subscription_id) if subscription_id is not None else None
        return source(subscription_id)

    @staticmethod
    def _subscription_of(body: bytes) -> int | None:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        sub = data.get("subscription_id") if isinstance(data, dict) else None
        return sub if isinstance(sub, int) and not isinstance(sub, bool) else None

    def _refuse(self, status: int, reason: str) -> ReceiverReply:
        self.stats.rejected += 1
        log.warning("webhook delivery refused: %s", reason)
        return ReceiverReply(status, {"error": reason})

    async def handle(self, body: bytes, headers: Mapping[str, str]) -> ReceiverReply:
        """Check one delivery (raw body bytes and its headers) and act on it.

        Returns 401 for a bad signature or a stale/replayed delivery (the cache is untouched), 400 for a body that
        is not an event, else 200: ``{"validation_code": ...}`` for a validating ping, ``{"status": ...}``
        otherwise.
        """
        self.stats.received += 1
        header = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), None)
        secret = self._secret_for(self._subscription_of(body))
        if not secret or not verify_signature(secret, body, header):
            return self._refuse(401, "invalid signature")
        try:
            event = parse_event(body)
        except ValueError as exc:
            return self._refuse(400, str(exc))
        now = self.clock.now()
        problem = check_timestamp(event.timestamp, now, self.replay_window)
        if problem is not None:
            return self._refuse(401, problem)
        if self.expected_url is not None and event.url_callback not in (None, self.expected_url):
            return self._refuse(401, "the delivery was meant for another URL")
        if event.is_ping:
            return await self._on_ping(event, now)
        return await self._on_change(event, now)

    async def _on_ping(self, event: WebhookEvent, now: datetime) -> ReceiverReply:
        self.stats.pings += 1
        await self._record_health(event.subscription_id, now)
        if event.validation_code and self.validation == "echo":
            return ReceiverReply(200, {"validation_code": event.validation_code})
        if event.validation_code_url and self.validation == "link":
            self.pending_links.append(event.validation_code_url)
        return ReceiverReply(200, {"status": "OK"})

    async def after_response(self) -> None:
        """Open validation links queued by pings (the ASGI app calls this once the answer is sent: Toggl only
        accepts the link after the ping it came with was answered)."""
        while self.pending_links and self.client is not None:
            url = self.pending_links.pop(0)
            try:
                response = await self.client.get(url)
                log.info("validation link answered %s", response.status_code)
            except httpx.HTTPError as exc:
                log.warning("validation link failed: %s", exc)

    def _mark_live(self, now: datetime) -> None:
        if self._live is not None and self.health_interval is not None:
            self._live.write(now + self.health_interval, self.entities)

    def mark_live(self) -> None:
        """Mark the cache live for ``health_interval`` from now (the listener does this after a health check
        found the subscription enabled, validated and with nothing pending)."""
        self._mark_live(self.clock.now())

    def mark_lapsed(self) -> None:
        """Remove the live marker: reads follow ``expire_after`` again (e.g. the listener stops)."""
        if self._live is not None:
            self._live.write(None, ())

    async def _record_health(self, subscription_id: int | None, now: datetime) -> None:
        self._mark_live(now)
        if self.cache is None or subscription_id is None:
            return
        health = _load_json(await self.cache.get_value(HEALTH_KEY))
        health[str(subscription_id)] = now.isoformat()
        await self.cache.set_value(HEALTH_KEY, json.dumps(health, separators=(",", ":")))
        await self.cache.commit()

    async def _on_change(self, event: WebhookEvent, now: datetime) -> ReceiverReply:
        cache = self.cache
        if cache is None:
            return ReceiverReply(200, {"status": "no cache"})
        seen = SeenEvents.decode(await cache.get_value(SEEN_KEY), self.max_seen)
        if event.event_id in seen:
            self.stats.duplicates += 1
            return ReceiverReply(200, {"status": "duplicate"})
        plan = plan_event(event)
        outcome = "ignored"
        if plan.kind == "ignore" or plan.model is None or plan.entity_id is None:
            self.stats.ignored[plan.entity or "?"] = self.stats.ignored.get(plan.entity or "?", 0) + 1
        else:
            outcome = await self._apply(cache, event, plan.kind, plan.entity, plan.model, plan.entity_id,
                                        plan.at, now)
        await cache.set_value(SEEN_KEY, seen.add(event.event_id).encode())
        health = _load_json(await cache.get_value(HEALTH_KEY))
        if event.subscription_id is not None:
            health[str(event.subscription_id)] = now.isoformat()
            await cache.set_value(HEALTH_KEY, json.dumps(health, separators=(",", ":")))
        await cache.commit()
        self._mark_live(now)
        return ReceiverReply(200, {"status": outcome})

    async def _apply(
        self,
        cache: TogglAsyncCache[Any],
        event: WebhookEvent,
        kind: str,
        entity: str,
        model: type[TogglClass],
        entity_id: int,
        at: datetime | None,
        now: datetime,
    ) -> str:
        tombstones = Tombstones.decode(await cache.get_value(TOMBSTONES_KEY), self.max_seen)
        gone = tombstones.deleted_at(entity, entity_id)
        if gone is not None and not newer(at, gone):
            self.stats.stale += 1
            return "stale"
        cached = await cache.find(entity_id, model, include_expired=True)
        if cached is not None and not newer(at, cached.at):
            self.stats.stale += 1
            return "stale"
        if kind == "delete":
            if cached is not None:
                await cache.delete(entity_id, model=model)
            await cache.set_value(TOMBSTONES_KEY, tombstones.add(entity, entity_id, at or now).encode())
            self.stats.applied += 1
            return "deleted"
        payload = dict(event.payload) if isinstance(event.payload, dict) else {}
        payload["timestamp"] = now
        try:
            instance = model.from_kwargs(**payload)
        except (TypeError, ValueError, KeyError) as exc:
            self.stats.ignored[entity] = self.stats.ignored.get(entity, 0) + 1
            log.warning("could not read a %s payload: %s", entity, exc)
            return "ignored"
        await cache.add(instance)
        self.stats.applied += 1
        return "applied"

    async def last_seen(self, subscription_id: int) -> datetime | None:
        """When a delivery or ping of the subscription last arrived (stored in the cache)."""
        if self.cache is None:
            return None
        value = _load_json(await self.cache.get_value(HEALTH_KEY)).get(str(subscription_id))
        return datetime.fromisoformat(value) if isinstance(value, str) else None


def _load_json(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _filters_by_entity(data: dict[str, Any]) -> dict[str, list[str]]:
    return {str(k): [str(a) for a in v] for k, v in data.items() if isinstance(v, list)}


def _read(response: httpx.Response, build: Callable[[Any], _R], data: Any) -> _R:
    """``build(data)``; a value it cannot read is Toggl's answer out of shape (``UnexpectedResponseError``)."""
    if not isinstance(data, dict):
        raise unexpected(response, f"a {type(data).__name__} where a JSON object belongs")
    try:
        return build(data)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise unexpected(response, f"an object that cannot be read ({type(exc).__name__}: {exc})") from None
