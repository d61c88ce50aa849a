"""The exceptions that need no HTTP library: the base ``TogglError`` and the errors of arguments, payloads and
caches.

They live apart from ``toggl_api._core.errors`` (which re-exports each of them, so both names are one class) only
so that the models, the caches and the offline CLI can raise them without importing httpx; the tree of every
exception is drawn in ``toggl_api._core.errors``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "BudgetExhaustedError",
    "CacheError",
    "CorruptCacheError",
    "DateTimeError",
    "InvalidExtensionError",
    "MissingFieldError",
    "MissingParentError",
    "NamingError",
    "NoCacheAssignedError",
    "OutboxError",
    "TogglError",
    "WorkspaceMissingError",
]


class TogglError(Exception):
    """Base class of every exception raised by ``toggl_api``."""


class NamingError(TogglError, ValueError):
    """A name is missing or breaks one of Toggl's naming rules."""


class DateTimeError(TogglError, ValueError):
    """A date or datetime argument is invalid (naive, out of range or in the wrong order)."""


class MissingFieldError(TogglError, KeyError, ValueError):
    """A payload given to ``from_kwargs`` lacks a field the model needs (e.g. its workspace).

    A ``KeyError`` as in toggl-api-wrapper (``KeyError("Workspace not found!")``) and a ``ValueError`` as the error
    contract says for bad values, so either ``except`` clause catches it.
    """


class InvalidExtensionError(TogglError, ValueError):
    """A report export format is not offered by the endpoint."""


class AuthenticationError(TogglError, ValueError):
    """Credentials are missing or malformed in the environment or configuration."""


class WorkspaceMissingError(TogglError, ValueError):
    """No default workspace id could be found in the environment or configuration."""


class CacheError(TogglError):
    """Base class of cache problems."""


class OutboxError(CacheError):
    """The offline outbox cannot be read, a pending write was misused, or a request named a temporary id of an
    entry created offline (the message says what to do; see docs/outbox.md)."""


class CorruptCacheError(CacheError):
    """A cache file could not be read; it was moved aside to ``moved_to`` and the cache started empty."""

    def __init__(self, message: str, *, path: Any = None, moved_to: Any = None) -> None:
        super().__init__(message)
        self.path = path
        self.moved_to = moved_to


class MissingParentError(CacheError, AttributeError):
    """The cache is used before an endpoint (its parent) was assigned."""


class NoCacheAssignedError(CacheError, AttributeError):
    """A cache operation was requested from an endpoint that has no cache."""


class BudgetExhaustedError(TogglError):
    """The client-side request budget refused to send a request (nothing was sent)."""

    def __init__(self, message: str, *, resets_in: float | None = None) -> None:
        super().__init__(message)
        self.resets_in = resets_in
