"""Every exception ``toggl_api`` raises, and the one function that maps an HTTP status to a class.

The tree:

```text
TogglError                                   base of everything we raise
├── TogglAPIError(httpx.HTTPStatusError)     .status, .message (Toggl's text), .request, .response
│   ├── BadRequestError          400
│   ├── AuthenticationFailedError 401 / 403 (also an AuthenticationError)
│   │   └── ForbiddenError       403
│   ├── NotFoundError            404
│   ├── MethodNotAllowedError    405
│   ├── ConflictError            409
│   ├── PaymentRequiredError     402
│   │   ├── QuotaExceededError   402 with X-Toggl-Quota-* headers (.remaining, .resets_in, .resets_at)
│   │   └── PremiumFeatureError  402 without them (a paid plan is needed)
│   ├── RateLimitError           429 (.retry_after)
│   ├── ServerError              5xx
│   └── UnexpectedResponseError  a 2xx whose body is not what the route documents (also httpx.DecodingError)
├── CacheError
│   ├── CorruptCacheError        (.path, .moved_to)
│   ├── MissingParentError       (also an AttributeError, as in toggl-api-wrapper)
│   └── NoCacheAssignedError     (also an AttributeError, as in toggl-api-wrapper)
├── BudgetExhaustedError         the client-side request budget refused to send
├── PagingLimitError             a paging loop hit its page cap or a server repeated a page (also RuntimeError)
└── ValueErrors kept from toggl-api-wrapper: NamingError, DateTimeError, InvalidExtensionError,
    AuthenticationError, WorkspaceMissingError
```

Transport errors (``httpx.TransportError``) pass through unchanged once retries are exhausted.
docs/errors.md is the contract: every public entry point raises only these, ``httpx.TransportError`` and
``TypeError``/``ValueError`` for wrong arguments.
No message built here contains request headers, so the API token never reaches a log or a traceback.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

import httpx

from .plain_errors import (  # re-exported: one class under both module names
    AuthenticationError,
    BudgetExhaustedError,
    CacheError,
    CorruptCacheError,
    DateTimeError,
    InvalidExtensionError,
    MissingFieldError,
    MissingParentError,
    NamingError,
    NoCacheAssignedError,
    OutboxError,
    TogglError,
    WorkspaceMissingError,
)

__all__ = [
    "AuthenticationError",
    "AuthenticationFailedError",
    "BadRequestError",
    "BudgetExhaustedError",
    "CacheError",
    "ConflictError",
    "CorruptCacheError",
    "DateTimeError",
    "ForbiddenError",
    "InvalidExtensionError",
    "MethodNotAllowedError",
    "MissingFieldError",
    "MissingParentError",
    "NamingError",
    "NoCacheAssignedError",
    "NotFoundError",
    "OutboxError",
    "PagingLimitError",
    "PaymentRequiredError",
    "PremiumFeatureError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "TogglAPIError",
    "TogglError",
    "UnexpectedResponseError",
    "WorkspaceMissingError",
    "error_from_response",
    "response_message",
]

QUOTA_REMAINING_HEADER = "X-Toggl-Quota-Remaining"
QUOTA_RESETS_IN_HEADER = "X-Toggl-Quota-Resets-In"


class TogglAPIError(TogglError, httpx.HTTPStatusError):
    """Toggl answered with an error status. Still catchable as ``httpx.HTTPStatusError``.

    Attributes:
        status: The HTTP status code.
        message: Toggl's own error text (the decoded JSON string or plain body), possibly empty.
    """

    def __init__(self, message: str, *, request: httpx.Request, response: httpx.Response) -> None:
        self.status = response.status_code
        self.message = response_message(response)
        super().__init__(message, request=request, response=response)


class BadRequestError(TogglAPIError):
    """400: Toggl rejected the request's content; ``message`` says why."""


class AuthenticationFailedError(TogglAPIError, AuthenticationError):
    """401/403: the credentials were missing or refused."""


class ForbiddenError(AuthenticationFailedError):
    """403: wrong credentials, or no access to this workspace or organization."""


class NotFoundError(TogglAPIError):
    """404: the resource does not exist (or was deleted)."""


class MethodNotAllowedError(TogglAPIError):
    """405: the path exists but not for this method."""


class ConflictError(TogglAPIError):
    """409: the request conflicts with the resource's state (e.g. stopping a stopped entry)."""


class PaymentRequiredError(TogglAPIError):
    """402: either the hourly quota is spent or the feature needs a paid plan."""


class QuotaExceededError(PaymentRequiredError):
    """402 with quota headers: the hourly API quota is spent.

    Attributes:
        remaining: Requests left in the window (0 or negative).
        resets_in: Seconds until the window frees a request, if Toggl said.
        resets_at: ``resets_in`` turned into an aware UTC datetime, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response,
        remaining: int | None,
        resets_in: int | None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(message, request=request, response=response)
        self.remaining = remaining
        self.resets_in = resets_in
        self.resets_at = now + timedelta(seconds=resets_in) if now is not None and resets_in is not None else None


class PremiumFeatureError(PaymentRequiredError):
    """402 without quota headers: the workspace's plan does not include this feature."""


class RateLimitError(TogglAPIError):
    """429: requests came too fast. ``retry_after`` holds the server's hint in seconds, if any."""

    def __init__(
        self, message: str, *, request: httpx.Request, response: httpx.Response, retry_after: float | None
    ) -> None:
        super().__init__(message, request=request, response=response)
        self.retry_after = retry_after


class ServerError(TogglAPIError):
    """5xx: Toggl failed; idempotent requests were retried before this was raised."""


class UnexpectedResponseError(TogglAPIError, httpx.DecodingError):
    """A success (2xx) whose body is not what the route documents; nothing was cached or synced from it.

    Wrong content type (e.g. a Wi-Fi login page), an empty or unparsable body, the wrong JSON type, an entity
    without an id or with values out of range. The message names the method, path, status, content type and a
    short excerpt of the body with tokens removed. A write answered this way was probably applied by Toggl.
    It is also an ``httpx.DecodingError``, which this SDK raised for unreadable JSON before.

    Attributes:
        problem: What was wrong, e.g. ``"a text/html body where a JSON array belongs"``.
        excerpt: The start of the body, token-free (``""`` for an empty body).
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response,
        problem: str = "",
        excerpt: str = "",
    ) -> None:
        super().__init__(message, request=request, response=response)
        self.problem = problem
        self.excerpt = excerpt
        self.message = problem  # never the raw body: it may hold the account's token


class PagingLimitError(TogglError, RuntimeError):
    """A paging or windowing loop stopped: it reached its page cap, or the server answered a page again.

    Nothing from the unfinished listing was marked complete in a cache.

    Attributes:
        route: The route that was paged, e.g. ``"GET /workspaces/1/projects"``.
        pages: Pages read before stopping.
    """

    def __init__(self, message: str, *, route: str, pages: int) -> None:
        super().__init__(message)
        self.route = route
        self.pages = pages


def response_message(response: httpx.Response) -> str:
    """Decode Toggl's error text: a JSON string, a JSON object/array, plain text or an HTML page."""
    try:
        raw = response.content
    except httpx.ResponseNotRead:  # streaming responses carry no text we can use
        return ""
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        if text.lstrip().startswith("<"):  # nginx's HTML pages: keep the title only
            start, end = text.find("<title>"), text.find("</title>")
            return text[start + 7 : end].strip() if 0 <= start < end else "HTML error page"
        return text[:500]
    if isinstance(decoded, str):
        return decoded
    return json.dumps(decoded)[:500]


def _int_header(response: httpx.Response, name: str) -> int | None:
    """A quota header as an int; ``inf``, ``nan``, text and absurd sizes (beyond a billion) count as missing."""
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        number = int(float(value))
    except (ValueError, OverflowError):
        return None
    return number if abs(number) <= 10**9 else None


def parse_retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta-seconds only; HTTP dates are ignored)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # inf and nan are no hint; a day is the longest wait worth believing.
    return max(0.0, seconds) if math.isfinite(seconds) and seconds <= 86_400 else None


def is_quota_response(response: httpx.Response) -> bool:
    """True when a 402 means the hourly quota is spent, not that a feature needs a paid plan.

    Toggl sends the quota headers on every response, so their presence alone proves nothing: the quota is spent
    when they say nothing remains, or when the body says so ("You have hit your hourly limit ...").
    """
    if QUOTA_REMAINING_HEADER not in response.headers and QUOTA_RESETS_IN_HEADER not in response.headers:
        return False
    remaining = _int_header(response, QUOTA_REMAINING_HEADER)
    if remaining is not None and remaining <= 0:
        return True
    text = response_message(response).lower()
    return "hourly limit" in text or "quota" in text


def error_from_response(response: httpx.Response, *, now: datetime | None = None) -> TogglAPIError:
    """Build the exception for an error response. The only place a status becomes a class.

    Args:
        response: The error response; its ``request`` must be set.
        now: The current time, used to compute ``QuotaExceededError.resets_at``.
    """
    request = response.request
    status = response.status_code
    text = response_message(response)
    # Only method, path and Toggl's text: never headers, never the query's credentials.
    summary = f"{status} {response.reason_phrase} for {request.method} {request.url.path}"
    message = f"{summary}: {text}" if text else summary
    kwargs: dict[str, Any] = {"request": request, "response": response}
    if status == 402:
        if is_quota_response(response):
            return QuotaExceededError(
                message,
                remaining=_int_header(response, QUOTA_REMAINING_HEADER),
                resets_in=_int_header(response, QUOTA_RESETS_IN_HEADER),
                now=now,
                **kwargs,
            )
        return PremiumFeatureError(message, **kwargs)
    if status == 429:
        return RateLimitError(message, retry_after=parse_retry_after(response), **kwargs)
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else TogglAPIError
    return cls(message, **kwargs)


_STATUS_CLASSES: dict[int, type[TogglAPIError]] = {
    400: BadRequestError,
    401: AuthenticationFailedError,
    403: ForbiddenError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
}
