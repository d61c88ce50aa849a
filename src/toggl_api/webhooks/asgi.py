"""``WebhookApp``: the ASGI application that serves a webhook receiver (no framework needed).

Mount it in Starlette/FastAPI (``app.mount("/toggl", WebhookApp(receiver))``) or run it with any ASGI server.
It answers ``POST`` with what the receiver decides, ``GET`` with a one-line health text, anything else with 405.
After answering it lets the receiver finish work that must follow the answer (opening a validation link).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .._async.webhooks import AsyncWebhookReceiver
from .._core.webhooks import ReceiverReply
from .._sync.webhooks import WebhookReceiver

__all__ = ["WebhookApp"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: Bodies larger than this are refused (Toggl's events are a few kilobytes).
MAX_BODY = 1 << 20


class WebhookApp:
    """An ASGI app around an ``AsyncWebhookReceiver`` (awaited) or a ``WebhookReceiver`` (run in a thread).

    Args:
        receiver: What checks and applies deliveries.
    """

    def __init__(self, receiver: AsyncWebhookReceiver | WebhookReceiver) -> None:
        if not isinstance(receiver, (AsyncWebhookReceiver, WebhookReceiver)):
            msg = f"receiver must be a WebhookReceiver or an AsyncWebhookReceiver, not {type(receiver).__name__}"
            raise TypeError(msg)
        self.receiver = receiver

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.receiver!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope.get("method", "GET")
        if method == "GET":
            await _answer(send, ReceiverReply(200, {"status": "OK", "service": "toggl_api webhook receiver"}))
            return
        if method != "POST":
            await _answer(send, ReceiverReply(405, {"error": "only POST deliveries are accepted"}))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if len(body) > MAX_BODY:
                await _answer(send, ReceiverReply(413, {"error": "body too large"}))
                return
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        receiver = self.receiver
        if isinstance(receiver, AsyncWebhookReceiver):
            reply = await receiver.handle(bytes(body), headers)
            await _answer(send, reply)
            await receiver.after_response()
        else:
            reply = await asyncio.to_thread(receiver.handle, bytes(body), headers)
            await _answer(send, reply)
            await asyncio.to_thread(receiver.after_response)


async def _answer(send: Send, reply: ReceiverReply) -> None:
    content = reply.content
    await send(
        {
            "type": "http.response.start",
            "status": reply.status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())],
        }
    )
    result = send({"type": "http.response.body", "body": content, "more_body": False})
    if inspect.isawaitable(result):
        await result
