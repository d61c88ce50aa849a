"""What every handler module uses: the request context, routes and replies."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from attrs import define, field

from ..errors import bad_request
from ..limits import LimitTracker
from ..state import Backend, User

__all__ = ["EMPTY", "Ctx", "Handler", "Reply", "Route", "route"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_PLACEHOLDER_RE = {"ids": r"[^/]+", "token": r"[^/]+", "client": r"[^/]+"}


@define(frozen=True)
class Reply:
    """A non-default answer: another status, an empty body, or extra headers."""

    status: int = 200
    body: Any = None
    empty: bool = False
    headers: dict[str, str] = field(factory=dict)


#: 200 with an empty body.
EMPTY = Reply(empty=True)


@define
class Ctx:
    """One request as a handler sees it."""

    backend: Backend
    limits: LimitTracker
    request: httpx.Request
    method: str
    path: str
    params: dict[str, str]
    match: re.Match[str]
    user: User | None

    @property
    def me(self) -> User:
        """The authenticated user (routes with ``auth=False`` have none)."""
        if self.user is None:  # pragma: no cover - routing guarantees it
            raise RuntimeError("route has no authenticated user")
        return self.user

    @property
    def now(self) -> datetime:
        """Server time."""
        return self.backend.now()

    def arg(self, name: str) -> int:
        """Integer path parameter ``name``."""
        return int(self.match.group(name))

    def raw_arg(self, name: str) -> str:
        """String path parameter ``name``."""
        return self.match.group(name)

    def param(self, name: str) -> str | None:
        """Query parameter ``name`` (None when absent)."""
        return self.params.get(name)

    def bool_param(self, name: str, default: bool = False) -> bool:
        """Query parameter as a bool (``true``/``1``/``yes``)."""
        value = self.params.get(name)
        if value is None or value == "":
            return default
        return value.strip().lower() in ("true", "1", "yes", "on")

    def int_param(self, name: str, default: int | None = None) -> int | None:
        """Query parameter as an int; 400 when not a number."""
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"Invalid {name}") from None

    def body(self) -> Any:
        """Parsed JSON body (None if empty); 400 "Invalid JSON input" if unparsable."""
        raw = self.request.content
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request("Invalid JSON input") from None

    def body_object(self) -> dict[str, Any]:
        """JSON body that must be an object."""
        data = self.body()
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise bad_request("Invalid JSON input")
        return data


Handler = Callable[[Ctx], Any]


@define(frozen=True)
class Route:
    """One operation: method + path regex (relative to the API prefix) + handler."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool = True
    counted: bool = True


def route(method: str, path: str, handler: Handler, *, auth: bool = True, counted: bool = True) -> Route:
    """Build a ``Route``.

    Args:
        method: HTTP method.
        path: Path relative to the API prefix; ``{name}`` matches digits (``{ids}``: a comma list).
        handler: Function ``(Ctx) -> JSON value | Reply``.
        auth: Require Basic auth.
        counted: Count the request against the hourly quota.
    """

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"(?P<{name}>{_PLACEHOLDER_RE.get(name, '[0-9]+')})"

    regex = _PLACEHOLDER.sub(repl, path.rstrip("/") or "/")
    return Route(method.upper(), re.compile(regex), handler, auth, counted)
