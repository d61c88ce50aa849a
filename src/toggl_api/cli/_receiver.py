"""The HTTP server of ``toggl-api listen``: Toggl's deliveries in, the webhook receiver's answers out.

Apart from ``cli.webhooks`` so that only ``listen`` imports ``http.server``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._sync.webhooks import WebhookReceiver

__all__ = ["MAX_BODY", "ReceiverServer"]

MAX_BODY = 1 << 20


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], receiver: WebhookReceiver) -> None:
        self.receiver = receiver
        self.lock = threading.Lock()  # one delivery at a time: the cache object is not shared between threads
        super().__init__(address, _ReceiverHandler)


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: ReceiverServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet (deliveries are counted, not logged)."""

    def _reply(self, status: int, content: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self) -> None:
        self._reply(200, b'{"status":"OK"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, b'{"error":"body too large"}')
            return
        body = self.rfile.read(length) if length else b""
        headers = dict(self.headers.items())
        with self.server.lock:
            reply = self.server.receiver.handle(body, headers)
        self._reply(reply.status, reply.content)
        self.wfile.flush()
        with self.server.lock:
            self.server.receiver.after_response()
