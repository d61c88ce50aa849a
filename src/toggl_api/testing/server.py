"""A loopback HTTP server in a background thread over ``Emulator.handle``.

Behaviour is identical to the in-process transport, except for network faults: a fault that raises
an httpx transport error in the transport closes the connection without an answer here, which httpx
clients report as ``httpx.RemoteProtocolError`` (the ``slow`` fault only advances the fake clock).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from .app import Emulator

__all__ = ["EmulatorServer", "serve"]

_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_open_sockets(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 60

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def setup(self) -> None:
        """Send each answer at once: headers and body are separate writes, which Nagle's algorithm
        would otherwise hold back for a delayed ACK (about 40 ms per request on Linux)."""
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = httpx.Request(
            self.command,
            f"http://{host}{self.path}",
            headers=[(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS],
            content=body,
        )
        try:
            response = self.server.emulator.handle(request)
        except httpx.TransportError:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        content = response.content
        self.send_response(response.status_code)
        for key, value in response.headers.multi_items():
            if key.lower() not in _HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if content and self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class EmulatorServer:
    """Serve an ``Emulator`` on a loopback port from a background thread.

    Args:
        emulator: The emulator to serve.
        host: Interface to bind (loopback by default).
        port: Port to bind; 0 picks a free one.

    Attributes:
        ready: Set once the server accepts connections.
    """

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self.ready = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (append ``/api/v9/...``)."""
        if self._server is None:
            raise RuntimeError("server is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        """Bind, start the thread and wait until ready."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), self.emulator)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="toggl-emulator", daemon=True
        )
        self._thread.start()
        self.ready.set()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and join the thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_open_sockets()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None
        self.ready.clear()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextlib.contextmanager
def serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> Iterator[EmulatorServer]:
    """Run ``emulator`` on a loopback server for the duration of the ``with`` block."""
    server = EmulatorServer(emulator, host, port).start()
    try:
        yield server
    finally:
        server.stop()
