"""Toggl webhooks: manage subscriptions, check deliveries, and keep a cache live without polling.

- ``WebhooksEndpoint`` / ``AsyncWebhooksEndpoint``: the Webhooks API v1 of a workspace.
- ``verify_signature(secret, body, header)``: Toggl's HMAC-SHA256 check over the raw body bytes.
- ``WebhookReceiver`` / ``AsyncWebhookReceiver`` and the ASGI ``WebhookApp``: answer validation and pings, refuse
  forged or replayed deliveries, apply changes to any cache (newer ``at`` wins, duplicates dropped).
"""

from .._async.webhooks import AsyncWebhookReceiver, AsyncWebhooksEndpoint
from .._core.webhooks import (
    DEFAULT_REPLAY_WINDOW,
    SIGNATURE_HEADER,
    EventFilter,
    FilterChoice,
    ReceiverReply,
    ReceiverStats,
    SubscriptionLimitError,
    WebhookEvent,
    WebhookLimits,
    WebhookSubscription,
    choose_filters,
    parse_event,
    sign,
    verify_signature,
)
from .._sync.webhooks import WebhookReceiver, WebhooksEndpoint
from .asgi import WebhookApp

__all__ = [
    "DEFAULT_REPLAY_WINDOW",
    "SIGNATURE_HEADER",
    "SubscriptionLimitError",
    "AsyncWebhookReceiver",
    "AsyncWebhooksEndpoint",
    "EventFilter",
    "FilterChoice",
    "ReceiverReply",
    "ReceiverStats",
    "WebhookApp",
    "WebhookEvent",
    "WebhookLimits",
    "WebhookReceiver",
    "WebhookSubscription",
    "WebhooksEndpoint",
    "choose_filters",
    "parse_event",
    "sign",
    "verify_signature",
]
