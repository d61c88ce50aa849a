"""The one exception the emulator raises for an HTTP error answer.

Handlers and the backend raise ``EmulatorError`` anywhere; ``app.Emulator`` renders it once.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "NO_ACCESS",
    "EmulatorError",
    "bad_request",
    "forbidden",
    "not_found",
]

#: Toggl's body for an authenticated user touching someone else's workspace or organization.
NO_ACCESS = "User does not have access to this resource"


class EmulatorError(Exception):
    """An HTTP error answer.

    Args:
        status: HTTP status code.
        body: Message rendered as a JSON string (``"..."``); ``None`` gives an empty body.
        headers: Extra response headers.
        content_type: Override for a non-JSON body (``body`` is then sent verbatim).
    """

    def __init__(
        self,
        status: int,
        body: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ) -> None:
        super().__init__(f"{status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type


def bad_request(message: str) -> EmulatorError:
    """Return a 400 error with ``message``."""
    return EmulatorError(400, message)


def forbidden(message: str = NO_ACCESS) -> EmulatorError:
    """Return a 403 error (default: no access to the resource)."""
    return EmulatorError(403, message)


def not_found(message: str) -> EmulatorError:
    """Return a 404 error with ``message``."""
    return EmulatorError(404, message)
