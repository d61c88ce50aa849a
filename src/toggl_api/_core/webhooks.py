"""Toggl Webhooks API v1 as values: models, request builders, the signature, replay and de-duplication rules,
and the decision of what a delivered event does to a cache.

No I/O and no clock reads: the receiver in ``_async/webhooks.py`` passes the current time in.

Facts come from the Webhooks reference (``toggl-webhooks.md``): every success answers 200; the signature header is
``X-Webhook-Signature-256: sha256=<hex>`` over the exact body bytes; ``metadata`` values of change events are
strings (a ping's ``event_user_id`` is a number, normalised to a string here); ``event_id`` is a 16-digit int
(0 for pings); ``timestamp`` is the time of the delivery attempt, fresh on every retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from attrs import define, field, frozen

from .api.request import Api, ApiRequest, RequestMethod
from .errors import TogglError
from .models import TogglClass, TogglClient, TogglProject, TogglTag, TogglTracker
from .timeutil import parse_datetime

__all__ = [
    "ACTIONS",
    "DEFAULT_DESCRIPTION",
    "DEFAULT_HEALTH_INTERVAL",
    "DEFAULT_MAX_SEEN",
    "DEFAULT_REPLAY_WINDOW",
    "ENTITIES",
    "ENTITY_PRIORITY",
    "MODELLED",
    "MODELS_BY_ENTITY",
    "SIGNATURE_HEADER",
    "EventFilter",
    "EventPlan",
    "FilterChoice",
    "ReceiverReply",
    "ReceiverStats",
    "SeenEvents",
    "SubscriptionLimitError",
    "Tombstones",
    "WebhookEvent",
    "WebhookLimits",
    "WebhookSubscription",
    "check_timestamp",
    "choose_filters",
    "create_subscription",
    "delete_subscription",
    "get_event_filters",
    "get_limits",
    "get_status",
    "list_subscriptions",
    "newer",
    "parse_event",
    "ping",
    "plan_event",
    "set_enabled",
    "sign",
    "update_subscription",
    "validate",
    "validate_filters",
    "verify_signature",
]

#: The header carrying ``sha256=<hex>`` of the body.
SIGNATURE_HEADER = "X-Webhook-Signature-256"
#: Entities Toggl lets a filter name (besides ``*``).
ENTITIES = (
    "time_entry",
    "project",
    "client",
    "tag",
    "task",
    "workspace_user",
    "project_user",
    "project_group",
    "workspace",
)
#: Actions Toggl lets a filter name (besides ``*``).
ACTIONS = ("created", "updated", "deleted")
#: Entities the caches model, with their model class.
MODELS_BY_ENTITY: Mapping[str, type[TogglClass]] = {
    "time_entry": TogglTracker,
    "project": TogglProject,
    "client": TogglClient,
    "tag": TogglTag,
}
#: Entities the caches model, in filter priority order.
MODELLED = ("time_entry", "project", "client", "tag")
#: Description of the subscriptions this SDK creates (unique per workspace, so one per workspace by default).
DEFAULT_DESCRIPTION = "toggl_api live cache"
#: The order in which subscription filters are chosen when the plan allows only a few (time entries first: they
#: change most and back ``current()``).
ENTITY_PRIORITY = ("time_entry", "project", "client", "tag", "task", "workspace_user")
#: How far a delivery's ``timestamp`` may be from now (Toggl's docs suggest about a minute of slack).
DEFAULT_REPLAY_WINDOW = timedelta(seconds=60)
#: How long a delivery or a health check keeps a cache live (the listener checks hourly: a little slack).
DEFAULT_HEALTH_INTERVAL = timedelta(minutes=65)
#: How many delivered ``event_id`` values the receiver remembers.
DEFAULT_MAX_SEEN = 5000

_NAME = re.compile(r"^(?:[A-Za-z0-9_]+|\*)$")


def _opt_dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return parse_datetime(str(value))


class SubscriptionLimitError(TogglError):
    """The plan's webhook subscriptions are all in use; the message names them and says what to do."""


# -- models ------------------------------------------------------------------------------------------------------


@frozen
class EventFilter:
    """One subscription filter: an entity (``time_entry`` ...) and an action (``created`` ...); ``*`` matches all.

    Raises:
        ValueError: an empty entity or action, or one with characters Toggl refuses.
    """

    entity: str
    action: str = "*"

    def __attrs_post_init__(self) -> None:
        for what, value in (("entity", self.entity), ("action", self.action)):
            if not isinstance(value, str) or not value:
                msg = f"an event filter's {what} must be a non-empty string, e.g. 'time_entry' or '*'"
                raise ValueError(msg)
            if not _NAME.match(value):
                msg = (
                    f"the event filter {what} {value!r} may only contain letters, digits and '_', or be '*'"
                )
                raise ValueError(msg)
        if self.action != "*" and self.action not in ACTIONS:
            msg = f"the event filter action {self.action!r} is not one of {', '.join(ACTIONS)} or '*'"
            raise ValueError(msg)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> EventFilter:
        """Build a filter from Toggl's ``{"entity": ..., "action": ...}``."""
        return cls(str(data.get("entity", "")), str(data.get("action", "")))

    def as_api(self) -> dict[str, str]:
        """The filter as Toggl's JSON object."""
        return {"entity": self.entity, "action": self.action}

    def matches(self, entity: str, action: str) -> bool:
        """Whether an event of ``entity``/``action`` passes this filter."""
        return self.entity in ("*", entity) and self.action in ("*", action)


def validate_filters(filters: Iterable[EventFilter | Mapping[str, str] | str]) -> tuple[EventFilter, ...]:
    """Normalise filters given as ``EventFilter``, ``{"entity", "action"}`` or ``"entity"`` / ``"entity:action"``.

    Raises:
        ValueError: no filter, a malformed one, or the same filter twice (Toggl refuses each of these).
        TypeError: an item of another type.
    """
    if isinstance(filters, (str, Mapping, EventFilter)):
        filters = [filters]  # one filter given on its own
    out: list[EventFilter] = []
    for item in filters:
        if isinstance(item, EventFilter):
            value = item
        elif isinstance(item, Mapping):
            value = EventFilter.from_api(item)
        elif isinstance(item, str):
            entity, _, action = item.partition(":")
            value = EventFilter(entity, action or "*")
        else:
            msg = f"an event filter must be an EventFilter, a dict or 'entity:action', not {type(item).__name__}"
            raise TypeError(msg)
        if value in out:
            msg = f"the event filter {value.entity}:{value.action} is given more than once"
            raise ValueError(msg)
        out.append(value)
    if not out:
        msg = "a subscription needs at least one event filter, e.g. EventFilter('time_entry')"
        raise ValueError(msg)
    return tuple(out)


@frozen
class WebhookSubscription:
    """A webhook subscription (``models.WebhookSubscription``).

    ``secret`` is the HMAC key of the deliveries: kept out of ``repr``. ``validated_at`` is ``None`` until Toggl
    validated the callback URL; only enabled, validated subscriptions get change events.
    """

    subscription_id: int
    workspace_id: int
    url_callback: str
    description: str
    event_filters: tuple[EventFilter, ...]
    enabled: bool = True
    user_id: int | None = None
    secret: str = field(default="", repr=False)
    validated_at: datetime | None = None
    has_pending_events: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    extra: dict[str, Any] = field(factory=dict, eq=False, repr=False)

    _KNOWN = frozenset(
        {
            "subscription_id",
            "workspace_id",
            "url_callback",
            "description",
            "event_filters",
            "enabled",
            "user_id",
            "secret",
            "validated_at",
            "has_pending_events",
            "created_at",
            "updated_at",
            "deleted_at",
        }
    )

    @property
    def validated(self) -> bool:
        """Whether Toggl validated the callback URL."""
        return self.validated_at is not None

    @property
    def active(self) -> bool:
        """Whether Toggl delivers change events to it (enabled and validated)."""
        return self.enabled and self.validated

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> WebhookSubscription:
        """Build from Toggl's JSON (``updated_at``/``deleted_at``/``secret`` may be missing; unknown keys kept)."""
        return cls(
            subscription_id=int(data["subscription_id"]),
            workspace_id=int(data.get("workspace_id") or 0),
            url_callback=str(data.get("url_callback") or ""),
            description=str(data.get("description") or ""),
            event_filters=tuple(EventFilter.from_api(f) for f in data.get("event_filters") or ()),
            enabled=bool(data.get("enabled", False)),
            user_id=int(data["user_id"]) if data.get("user_id") is not None else None,
            secret=str(data.get("secret") or ""),
            validated_at=_opt_dt(data.get("validated_at")),
            has_pending_events=bool(data.get("has_pending_events", False)),
            created_at=_opt_dt(data.get("created_at")),
            updated_at=_opt_dt(data.get("updated_at")),
            deleted_at=_opt_dt(data.get("deleted_at")),
            extra={k: v for k, v in data.items() if k not in cls._KNOWN},
        )

    def as_api(self) -> dict[str, Any]:
        """The writable fields as Toggl's PUT body."""
        return {
            "url_callback": self.url_callback,
            "event_filters": [f.as_api() for f in self.event_filters],
            "enabled": self.enabled,
            "description": self.description,
            "secret": self.secret,
        }

    def covers(self, entity: str, action: str = "*") -> bool:
        """Whether a filter of this subscription lets ``entity`` events (of ``action``; ``*``: every action)
        through."""
        if action == "*":
            return all(any(f.matches(entity, a) for f in self.event_filters) for a in ACTIONS)
        return any(f.matches(entity, action) for f in self.event_filters)


@frozen
class WebhookLimits:
    """A workspace's webhook limits (``GET /limits/{wid}``)."""

    max_webhooks: int
    max_events_per_webhook: int

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> WebhookLimits:
        """Build from Toggl's JSON."""
        return cls(int(data.get("max_webhooks") or 0), int(data.get("max_events_per_webhook") or 0))


def _metadata(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    # Change events send strings; a ping's event_user_id is a JSON number: one type for every reader.
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


@frozen
class WebhookEvent:
    """One delivery: a ping (``payload == "ping"``, ``event_id`` 0) or a change of an entity.

    ``metadata`` values are strings; ``payload`` is the entity after the change (a dict) for change events.
    """

    event_id: int
    payload: Any
    metadata: dict[str, str] = field(factory=dict)
    created_at: datetime | None = None
    creator_id: int | None = None
    subscription_id: int | None = None
    timestamp: datetime | None = None
    url_callback: str | None = None
    validation_code: str | None = None
    validation_code_url: str | None = None

    @property
    def is_ping(self) -> bool:
        """Whether this is a ping (sent on creation, on ``ping`` and to validate)."""
        return isinstance(self.payload, str) and self.payload == "ping"

    @property
    def entity(self) -> str:
        """``metadata.model`` (``time_entry`` ...), empty for pings."""
        return self.metadata.get("model", "")

    @property
    def action(self) -> str:
        """``metadata.action`` (``created``/``updated``/``deleted``), empty for pings."""
        return self.metadata.get("action", "")

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> WebhookEvent:
        """Build from a delivered JSON object.

        Raises:
            ValueError: ``event_id`` is missing or not an integer.
        """
        raw_id = data.get("event_id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, int):
            msg = f"a webhook event needs an integer event_id, got {type(raw_id).__name__}"
            raise ValueError(msg)
        sub = data.get("subscription_id")
        creator = data.get("creator_id")
        return cls(
            event_id=raw_id,
            payload=data.get("payload"),
            metadata=_metadata(data.get("metadata")),
            created_at=_opt_dt(data.get("created_at")),
            creator_id=creator if isinstance(creator, int) else None,
            subscription_id=sub if isinstance(sub, int) else None,
            timestamp=_opt_dt(data.get("timestamp")),
            url_callback=data.get("url_callback") if isinstance(data.get("url_callback"), str) else None,
            validation_code=data.get("validation_code") if isinstance(data.get("validation_code"), str) else None,
            validation_code_url=(
                data.get("validation_code_url") if isinstance(data.get("validation_code_url"), str) else None
            ),
        )


def parse_event(body: bytes) -> WebhookEvent:
    """Parse a delivery body.

    Raises:
        ValueError: not a JSON object, or no integer ``event_id``.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        msg = "the webhook body is not JSON"
        raise ValueError(msg) from exc
    if not isinstance(data, dict):
        msg = "the webhook body is not a JSON object"
        raise ValueError(msg)
    return WebhookEvent.from_api(data)


# -- requests ----------------------------------------------------------------------------------------------------


def _req(method: RequestMethod, path: str, json_body: Any = None, *, read_only: bool = False) -> ApiRequest:
    return ApiRequest(method, path, json=json_body, api=Api.WEBHOOKS, read_only=read_only)


def list_subscriptions(workspace_id: int) -> ApiRequest:
    """GET the workspace's subscriptions."""
    return _req(RequestMethod.GET, f"subscriptions/{workspace_id}")


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"{name} must be a non-empty string"
        raise ValueError(msg)
    return value


def _body(
    url_callback: str, event_filters: Sequence[EventFilter], description: str, *, enabled: bool, secret: str | None
) -> dict[str, Any]:
    if not url_callback.startswith(("http://", "https://")):
        msg = f"url_callback must be an http:// or https:// URL, got {url_callback!r}"
        raise ValueError(msg)
    body: dict[str, Any] = {
        "url_callback": url_callback,
        "event_filters": [f.as_api() for f in event_filters],
        "enabled": bool(enabled),
        "description": description,
    }
    if secret is not None:
        body["secret"] = secret
    return body


def create_subscription(
    workspace_id: int,
    url_callback: str,
    event_filters: Iterable[EventFilter | Mapping[str, str] | str],
    description: str,
    *,
    enabled: bool = True,
    secret: str | None = None,
) -> ApiRequest:
    """POST a new subscription (Toggl pings ``url_callback`` before answering; without ``secret`` it makes one).

    Raises:
        ValueError: an empty description or secret, a URL that is not http(s), or bad filters.
    """
    filters = validate_filters(event_filters)
    _check_text("description", description)
    if secret is not None:
        _check_text("secret", secret)
    body = _body(_check_text("url_callback", url_callback), filters, description, enabled=enabled, secret=secret)
    return _req(RequestMethod.POST, f"subscriptions/{workspace_id}", body)


def update_subscription(
    workspace_id: int,
    subscription_id: int,
    url_callback: str,
    event_filters: Iterable[EventFilter | Mapping[str, str] | str],
    description: str,
    *,
    enabled: bool,
    secret: str,
) -> ApiRequest:
    """PUT the whole subscription (Toggl needs every writable field, and a non-empty ``secret``)."""
    filters = validate_filters(event_filters)
    _check_text("description", description)
    _check_text("secret", secret)
    body = _body(_check_text("url_callback", url_callback), filters, description, enabled=enabled, secret=secret)
    return _req(RequestMethod.PUT, f"subscriptions/{workspace_id}/{subscription_id}", body)


def set_enabled(workspace_id: int, subscription_id: int, enabled: bool) -> ApiRequest:
    """PATCH ``{"enabled": ...}`` (enabling makes Toggl ping the URL first)."""
    if not isinstance(enabled, bool):
        msg = f"enabled must be a bool, not {type(enabled).__name__}"
        raise TypeError(msg)
    return _req(RequestMethod.PATCH, f"subscriptions/{workspace_id}/{subscription_id}", {"enabled": enabled})


def delete_subscription(workspace_id: int, subscription_id: int) -> ApiRequest:
    """DELETE a subscription (Toggl answers the deleted object)."""
    return _req(RequestMethod.DELETE, f"subscriptions/{workspace_id}/{subscription_id}")


def ping(workspace_id: int, subscription_id: int) -> ApiRequest:
    """POST a ping to the subscription's URL (works whether or not it is enabled or validated)."""
    return _req(RequestMethod.POST, f"ping/{workspace_id}/{subscription_id}")


def validate(workspace_id: int, subscription_id: int, validation_code: str) -> ApiRequest:
    """GET the asynchronous validation link (answers ``OK``)."""
    code = _check_text("validation_code", validation_code)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        msg = "validation_code may only contain letters, digits, '-' and '_'"
        raise ValueError(msg)
    return _req(RequestMethod.GET, f"validate/{workspace_id}/{subscription_id}/{code}")


def get_event_filters() -> ApiRequest:
    """GET the entities and actions filters may name."""
    return _req(RequestMethod.GET, "event_filters")


def get_limits(workspace_id: int) -> ApiRequest:
    """GET the workspace's webhook limits."""
    return _req(RequestMethod.GET, f"limits/{workspace_id}")


def get_status() -> ApiRequest:
    """GET the Webhooks API status."""
    return _req(RequestMethod.GET, "status")


# -- the signature, replay window and de-duplication -----------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    """The ``X-Webhook-Signature-256`` value of ``body``: ``sha256=`` and the lowercase hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of the raw ``body`` bytes under ``secret`` (constant-time compare).

    Check the bytes exactly as received: re-serialised JSON changes them. An empty secret never verifies.
    """
    if not secret or not isinstance(header, str) or not isinstance(body, (bytes, bytearray)):
        return False
    expected = sign(secret, bytes(body)).encode("ascii")
    given = header.strip().encode("ascii", "replace")
    return hmac.compare_digest(expected, given)


def check_timestamp(timestamp: datetime | None, now: datetime, window: timedelta | None) -> str | None:
    """Why a delivery stamped ``timestamp`` is refused at ``now`` (``None``: accepted).

    Toggl stamps each attempt, retries included, so only a replayed copy is older than ``window``. Stamps further
    in the future than ``window`` are refused too (they cannot come from Toggl with a sane clock). A delivery
    without a stamp is refused unless ``window`` is ``None`` (no replay check).
    """
    if window is None:
        return None
    if timestamp is None:
        return "the delivery has no timestamp"
    skew = (now - timestamp).total_seconds()
    if skew > window.total_seconds():
        return f"the delivery is {skew:.0f}s old (replay window {window.total_seconds():.0f}s)"
    if -skew > window.total_seconds():
        return f"the delivery is stamped {-skew:.0f}s in the future (replay window {window.total_seconds():.0f}s)"
    return None


@frozen
class SeenEvents:
    """The most recent delivered ``event_id`` values, oldest first, at most ``limit`` of them."""

    ids: tuple[int, ...] = ()
    limit: int = DEFAULT_MAX_SEEN

    def __contains__(self, event_id: object) -> bool:
        return event_id in self.ids

    def add(self, event_id: int) -> SeenEvents:
        """A copy remembering ``event_id`` too (forgetting the oldest beyond ``limit``)."""
        if event_id in self.ids:
            return self
        ids = (*self.ids, event_id)
        return SeenEvents(ids[-self.limit :] if self.limit > 0 else (), self.limit)

    def encode(self) -> str:
        """Text for a cache's value store."""
        return json.dumps(list(self.ids), separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None, limit: int = DEFAULT_MAX_SEEN) -> SeenEvents:
        """Read ``encode``'s text back (unreadable text gives an empty set)."""
        try:
            data = json.loads(text) if text else []
        except ValueError:
            data = []
        ids = tuple(i for i in data if isinstance(i, int)) if isinstance(data, list) else ()
        return cls(ids[-limit:] if limit > 0 else (), limit)


@frozen
class Tombstones:
    """When entities were deleted, keyed ``"<entity>:<id>"``, so a late ``updated`` cannot revive them."""

    deleted: dict[str, str] = field(factory=dict)
    limit: int = DEFAULT_MAX_SEEN

    @staticmethod
    def key(entity: str, entity_id: int) -> str:
        """The key of an entity."""
        return f"{entity}:{entity_id}"

    def deleted_at(self, entity: str, entity_id: int) -> datetime | None:
        """When the entity was deleted, if known."""
        value = self.deleted.get(self.key(entity, entity_id))
        return parse_datetime(value) if value else None

    def add(self, entity: str, entity_id: int, when: datetime) -> Tombstones:
        """A copy recording the deletion (the oldest records go beyond ``limit``)."""
        items = dict(self.deleted)
        items.pop(self.key(entity, entity_id), None)
        items[self.key(entity, entity_id)] = when.isoformat()
        if len(items) > self.limit:
            items = dict(list(items.items())[-self.limit :])
        return Tombstones(items, self.limit)

    def encode(self) -> str:
        """Text for a cache's value store."""
        return json.dumps(self.deleted, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str | None, limit: int = DEFAULT_MAX_SEEN) -> Tombstones:
        """Read ``encode``'s text back (unreadable text gives no tombstones)."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        items = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return cls(items, limit)


# -- what an event does ----------------------------------------------------------------------------------------


@frozen
class EventPlan:
    """What a change event does: ``kind`` is ``upsert``, ``delete``, ``ignore`` (an entity no cache models, or a
    payload without an id) or ``ping``; ``model`` and ``entity`` are set for upsert/delete."""

    kind: str
    entity: str = ""
    model: type[TogglClass] | None = None
    entity_id: int | None = None
    at: datetime | None = None
    reason: str = ""


def plan_event(event: WebhookEvent) -> EventPlan:
    """Decide what ``event`` does to a cache (before looking at what the cache holds)."""
    if event.is_ping:
        return EventPlan("ping")
    entity = event.entity
    model = MODELS_BY_ENTITY.get(entity)
    if model is None:
        return EventPlan("ignore", entity, reason=f"no cache models {entity or 'this entity'!r}")
    payload = event.payload if isinstance(event.payload, dict) else {}
    raw_id = payload.get("id")
    if raw_id is None:
        raw_id = event.metadata.get(f"{entity}_id")
    try:
        entity_id = int(raw_id) if raw_id is not None and not isinstance(raw_id, bool) else None
    except (TypeError, ValueError):
        entity_id = None
    if entity_id is None:
        return EventPlan("ignore", entity, reason="the payload names no id")
    # The entity's own modification time decides order; a payload without one falls back to the event's time.
    at = _opt_dt(payload.get("at")) or event.created_at
    deleted = event.action == "deleted" or payload.get("server_deleted_at") or payload.get("deleted_at")
    return EventPlan("delete" if deleted else "upsert", entity, model, entity_id, at)


def newer(incoming: datetime | None, known: datetime | None) -> bool:
    """Whether a change stamped ``incoming`` may replace a state stamped ``known`` (ties apply: idempotent)."""
    if incoming is None or known is None:
        return True
    return incoming >= known


@frozen
class ReceiverReply:
    """What a receiver answers a delivery: a status and a JSON body."""

    status: int
    body: dict[str, Any]

    @property
    def content(self) -> bytes:
        """The body as compact JSON bytes."""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


@define
class ReceiverStats:
    """Counters of a receiver (this process only); ``ignored`` counts events per entity no cache models."""

    received: int = 0
    applied: int = 0
    duplicates: int = 0
    stale: int = 0
    rejected: int = 0
    pings: int = 0
    ignored: dict[str, int] = field(factory=dict)


def accepted_deliveries(stats: ReceiverStats) -> int:
    """Deliveries and pings the receiver accepted (signed and in time), whatever they changed."""
    return stats.received - stats.rejected


def health_check_due(accepted_at_last_check: int, accepted_now: int) -> bool:
    """Whether a periodic subscription check must spend a request.

    Not when a delivery or ping was accepted since the last check: Toggl reached the receiver, which proves the
    subscription works (and the receiver already recorded it live). Only a quiet interval needs the request.
    """
    return accepted_now == accepted_at_last_check


# -- subscription management within plan limits ------------------------------------------------------------------


@frozen
class FilterChoice:
    """The filters to subscribe with and the entities the cache wants that they leave out."""

    filters: tuple[EventFilter, ...]
    uncovered: tuple[str, ...]

    def describe(self) -> str:
        """One sentence on what is and is not covered."""
        if any(f.entity == "*" for f in self.filters):
            text = "covered: every entity (one '*' filter)"
        else:
            text = "covered: " + ", ".join(f.entity for f in self.filters)
        if self.uncovered:
            text += f"; not covered (plan limit): {', '.join(self.uncovered)}"
        return text


def choose_filters(
    max_events: int | None, wanted: Sequence[str] = MODELLED, *, wildcard: bool = True
) -> FilterChoice:
    """The filters to subscribe with: one ``<entity>:*`` per wanted entity when the plan allows that many;
    else one ``*:*`` filter (``wildcard``: Toggl counts filter entries, so it fits any plan); else, as many
    ``<entity>:*`` filters as allowed in ``ENTITY_PRIORITY`` order (time entries first).

    ``max_events`` is ``WebhookLimits.max_events_per_webhook`` (None or 0: no limit known).
    """
    ordered = sorted(dict.fromkeys(wanted), key=lambda e: ENTITY_PRIORITY.index(e) if e in ENTITY_PRIORITY else 99)
    if max_events and max_events < len(ordered) and wildcard:
        return FilterChoice((EventFilter("*", "*"),), ())
    room = len(ordered) if not max_events else max(0, max_events)
    chosen = tuple(EventFilter(e, "*") for e in ordered[:room])
    return FilterChoice(chosen, tuple(ordered[room:]))
