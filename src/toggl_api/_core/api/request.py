"""``ApiRequest``: a request as a value (method, API, path, query, body), and how it becomes an ``httpx.Request``."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from attrs import field, frozen

__all__ = [
    "Api",
    "ApiRequest",
    "RequestMethod",
    "Shape",
    "build_httpx_request",
    "parsed_json",
    "remember_json",
    "split_legacy_parameters",
]

DEFAULT_HOST = "https://api.track.toggl.com"


class RequestMethod(enum.Enum):
    """HTTP methods, with toggl-api-wrapper's member values."""

    GET = 1
    POST = 2
    PUT = 3
    DELETE = 4
    PATCH = 5

    @property
    def idempotent(self) -> bool:
        """Repeating the request cannot create a second entity (everything but POST)."""
        return self is not RequestMethod.POST


class Shape(enum.Enum):
    """The JSON a route documents for its success answer."""

    #: Not JSON (report exports: CSV, PDF, XLSX bytes); never checked.
    ANY = "anything"
    #: Empty, or any JSON value (deletes, legacy ``request()`` calls).
    JSON = "JSON or nothing"
    #: A JSON object.
    OBJECT = "a JSON object"
    #: A JSON array, or ``null`` (Toggl answers ``null`` for some empty lists).
    LIST = "a JSON array"
    #: A JSON object, ``null`` or nothing (e.g. the running time entry when none runs).
    OBJECT_OR_NULL = "a JSON object or null"


class Api(enum.Enum):
    """Which of Toggl's APIs a request is for, with its path prefix."""

    TRACK = "/api/v9/"
    REPORTS = "/reports/api/v3/"
    WEBHOOKS = "/webhooks/api/v1/"


ParamValue = str | int | float | bool | None | Sequence[str | int]


def _freeze_params(params: Mapping[str, ParamValue] | Sequence[tuple[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    if not params:
        return ()
    items = params.items() if isinstance(params, Mapping) else params
    out: list[tuple[str, str]] = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            # Toggl documents list filters as comma-separated values (e.g. client_ids=1,2).
            if value:
                out.append((key, ",".join(str(v) for v in value)))
        else:
            out.append((key, str(value)))
    return tuple(out)


@frozen
class ApiRequest:
    """One request to Toggl, as data. Built by ``_core.api.<resource>`` functions; sent by a requester.

    Attributes:
        method: The HTTP method.
        path: Path relative to the API's base (no leading slash), e.g. ``"me/time_entries"``.
        params: Query parameters as ordered pairs (``None`` values dropped, lists comma-joined, bools lowercase).
        json: The JSON body, or ``None`` for no body.
        api: Track v9 or Reports v3.
        headers: Extra headers (merged over the defaults).
        read_only: The request only reads (e.g. a Reports POST), so it is safe to repeat whatever its method.
        expect: The shape of the success body the route documents; any other body raises
            ``UnexpectedResponseError`` (see ``toggl_api._core.answers``).
    """

    method: RequestMethod
    path: str
    params: tuple[tuple[str, str], ...] = field(default=(), converter=_freeze_params)
    json: Any = None
    api: Api = Api.TRACK
    headers: tuple[tuple[str, str], ...] = ()
    read_only: bool = False
    expect: Shape = Shape.JSON

    @property
    def idempotent(self) -> bool:
        """Whether a retry can never duplicate a write (every method but POST, and read-only POSTs)."""
        return self.read_only or self.method.idempotent

    def url(self, base_url: str) -> str:
        """The absolute URL under ``base_url`` (which ends with the API's prefix)."""
        return base_url.rstrip("/") + "/" + self.path.lstrip("/")


_PARSED_JSON = "toggl_api.parsed_json"


def remember_json(response: httpx.Response, value: Any) -> None:
    """Keep a response's decoded JSON on it, so it is parsed once however many layers read it."""
    response.extensions[_PARSED_JSON] = (value,)


def parsed_json(response: httpx.Response) -> tuple[Any] | None:
    """The JSON kept by ``remember_json`` as a 1-tuple, or ``None`` when it was not parsed yet."""
    kept = response.extensions.get(_PARSED_JSON)
    return kept if isinstance(kept, tuple) else None


def split_legacy_parameters(parameters: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Split toggl-api-wrapper's ``request("path?a=1")`` string into a path and query pairs."""
    parts = urlsplit(parameters)
    return parts.path, tuple(parse_qsl(parts.query, keep_blank_values=True))


def base_url_for(api: Api, host: str | None) -> str:
    """``host`` (e.g. ``http://127.0.0.1:8080``; default Toggl's) plus the API prefix."""
    return (host or DEFAULT_HOST).rstrip("/") + api._value_  # (enum's own slot: .value is a property call)


def build_httpx_request(
    client: httpx.Client | httpx.AsyncClient,
    request: ApiRequest,
    base_url: str,
    *,
    timeout: httpx.Timeout | None = None,
) -> httpx.Request:
    """Build the ``httpx.Request`` for ``request`` with ``client``'s defaults (no I/O, client unchanged).

    ``Content-Type: application/json`` is set only when there is a body.
    """
    headers: dict[str, str] = {"Accept": "application/json"}
    if request.headers:
        headers.update(request.headers)
    kwargs: dict[str, Any] = {}
    if request.json is not None:
        kwargs["json"] = request.json
    if timeout is not None:
        kwargs["timeout"] = timeout
    return client.build_request(
        request.method._name_,  # (enum's own slot: .name is a property call)
        request.url(base_url),
        params=list(request.params) if request.params else None,
        headers=headers,
        **kwargs,
    )
