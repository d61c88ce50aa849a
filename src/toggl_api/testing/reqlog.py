"""The request log: one JSON-ready record per request, kept in memory and optionally appended to a file.

A record holds the arrival time, method, path, query, status, user agent and duration. It never holds
a secret: query parameters named like one (``token``, ``password``, ``secret``, ``key``, ``auth``) and
any value equal to a credential the emulator knows (every user's API token and password, and the
credentials of the request's own ``Authorization`` header) are replaced by ``[redacted]``, in the query
and in the path. Headers other than the user agent are not logged at all.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

__all__ = ["REDACTED", "RequestLog", "credentials_in", "redact_query"]

#: What a secret is replaced with.
REDACTED = "[redacted]"
_SECRET_NAME_PARTS = ("token", "password", "passwd", "secret", "key", "auth")


def credentials_in(request: httpx.Request) -> set[str]:
    """The secrets a request's ``Authorization`` header carries (Basic user and password, or a bearer token)."""
    header = request.headers.get("authorization")
    if not header:
        return set()
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "basic":
        return {value} if value else set()
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return {value} if value else set()
    name, _, password = decoded.partition(":")
    # ``api_token`` is the literal marker of token auth, not a secret.
    return {s for s in (name, password) if s and s != "api_token"}


def _secret_name(name: str) -> bool:
    low = name.lower()
    return any(part in low for part in _SECRET_NAME_PARTS)


def redact_query(params: Iterable[tuple[str, str]], secrets: set[str]) -> dict[str, str]:
    """Query parameters with secret-looking names and known secret values replaced."""
    out: dict[str, str] = {}
    for name, value in params:
        hidden = _secret_name(name) or value in secrets or any(s in value for s in secrets if len(s) >= 6)
        out[REDACTED if name in secrets else name] = REDACTED if hidden else value
    return out


def _redact_path(path: str, secrets: set[str]) -> str:
    parts = path.split("/")
    return "/".join(REDACTED if part and part in secrets else part for part in parts)


class RequestLog:
    """Records of every request (``records``), optionally appended as JSON lines to ``path``.

    Args:
        path: File to append to (created 0600 if missing); None keeps the records in memory only.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.records: list[dict[str, Any]] = []
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()

    def add(
        self,
        request: httpx.Request,
        *,
        time: datetime,
        status: int | None,
        duration_ms: float,
        secrets: set[str],
    ) -> dict[str, Any]:
        """Build, keep and (with a file) append the record of one request."""
        secrets = {s for s in secrets | credentials_in(request) if s}
        record: dict[str, Any] = {
            "time": time.isoformat().replace("+00:00", "Z"),
            "method": request.method.upper(),
            "path": _redact_path(request.url.path, secrets),
            "query": redact_query(request.url.params.multi_items(), secrets),
            "status": status,
            "user_agent": request.headers.get("user-agent"),
            "duration_ms": round(duration_ms, 3),
        }
        with self._lock:
            self.records.append(record)
            if self.path is not None:
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as handle:
                    handle.write(line)
        return record

    def clear(self) -> None:
        """Forget the in-memory records (the file is left as it is)."""
        with self._lock:
            self.records.clear()
