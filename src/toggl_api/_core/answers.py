"""The one rule for answers that are not what the route documents, as pure functions.

A success (2xx) is trusted only when its body has the shape the request expects (``Shape``) and every entity in
it decodes into its model. Anything else raises ``UnexpectedResponseError`` before a caller, a cache or a sync
sees a value: a captive portal's HTML page, an empty or cut-off body, a scalar or an object where a list belongs,
a missing ``id``, an id that is not a positive 64-bit int, an absurd date. Nothing here does I/O; the requester,
the endpoints, the sync engine and the reports call these functions with the response they received.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, TypeVar, cast

import httpx

from .api.request import Shape
from .api.user import _RELATED as RELATED_KEYS
from .api.user import RelatedData
from .errors import UnexpectedResponseError
from .models import TogglClass, TogglClient, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspace
from .models._base import MAX_ID

__all__ = [
    "Shape",
    "body_problem",
    "check_body",
    "check_me",
    "decode_list_field",
    "decode_many",
    "decode_one",
    "excerpt",
    "related_from_answer",
    "undecodable",
    "unexpected",
]

T = TypeVar("T", bound=TogglClass)

#: Characters of the body quoted in an ``UnexpectedResponseError`` message.
EXCERPT_CHARS = 120

# What an excerpt must never show: a Toggl API token (32 hex digits) and values of secret-looking keys.
_TOKEN = re.compile(r"\b[0-9a-fA-F]{32}\b")
_SECRET_VALUE = re.compile(
    r'("[^"]*(?:token|password|secret|hash|api_key)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE
)


def excerpt(content: bytes, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line, token-free quote of a body for error messages."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = _SECRET_VALUE.sub(r'\1"***"', text)
    text = _TOKEN.sub("***", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _is_json_media(media: str) -> bool:
    # application/json, application/problem+json, text/json; a missing type or text/plain is read as JSON too
    # (Toggl's own answers are JSON; a body that does not parse is caught below either way).
    return media in {"", "text/plain"} or media.endswith(("/json", "+json"))


#: Content-Type values already judged (a server sends the same one or two), with their media type and whether it
#: is JSON; bounded, so a server varying it cannot grow it for ever.
_JUDGED_TYPES: dict[str, tuple[str, bool]] = {}
_JUDGED_TYPES_MAX = 64


def _judge_type(content_type: str) -> tuple[str, bool]:
    judged = _JUDGED_TYPES.get(content_type)
    if judged is None:
        media = _media_type(content_type)
        judged = (media, _is_json_media(media))
        if len(_JUDGED_TYPES) < _JUDGED_TYPES_MAX:
            _JUDGED_TYPES[content_type] = judged
    return judged


def body_problem(shape: Shape, content_type: str, content: bytes) -> tuple[str | None, Any]:
    """What is wrong with a success body for ``shape``, and the decoded JSON when nothing is.

    Returns:
        ``(None, value)`` for an acceptable body (``value`` is ``None`` for an empty one), else
        ``(problem, None)`` with a short description of what is wrong.
    """
    if shape is Shape.ANY:
        return None, content
    if not content or content.isspace():  # (isspace: the same ASCII whitespace as strip, without a copy)
        if shape in (Shape.JSON, Shape.OBJECT_OR_NULL):
            return None, None
        return f"an empty body where {shape.value} belongs", None
    media, is_json = _judge_type(content_type)
    if not is_json:
        return f"a {media} body where {shape.value} belongs", None
    try:
        value = json.loads(content)
    except RecursionError:
        return "JSON nested too deeply to read", None
    except ValueError:  # also UnicodeDecodeError
        return "a body that is not valid JSON", None
    if shape is Shape.OBJECT and not isinstance(value, dict):
        return f"{_json_kind(value)} where a JSON object belongs", None
    if shape is Shape.LIST and not (value is None or isinstance(value, list)):
        return f"{_json_kind(value)} where a JSON array belongs", None
    if shape is Shape.OBJECT_OR_NULL and not (value is None or isinstance(value, dict)):
        return f"{_json_kind(value)} where a JSON object or null belongs", None
    return None, value


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a JSON array"
    return "a JSON object"


def unexpected(response: httpx.Response, problem: str) -> UnexpectedResponseError:
    """The error for a success ``response`` that is not what its route documents (``problem`` says how)."""
    request = response.request
    content_type = response.headers.get("Content-Type", "") or "no content type"
    quoted = excerpt(response.content) if response.content else ""
    message = (
        f"unexpected answer to {request.method} {request.url.path}: {response.status_code} "
        f"({content_type}) with {problem}" + (f"; body starts: {quoted!r}" if quoted else "")
    )
    return UnexpectedResponseError(message, request=request, response=response, problem=problem, excerpt=quoted)


def undecodable(request: httpx.Request, detail: str) -> UnexpectedResponseError:
    """The error for an answer whose body httpx could not decode (e.g. a broken ``Content-Encoding``).

    httpx keeps no response then; the error carries an empty stand-in with status 200 (the status itself was
    not kept), and its message says the status is unknown.
    """
    stand_in = httpx.Response(200, request=request)
    problem = f"a body that could not be decoded ({detail[:120]})"
    message = f"unexpected answer to {request.method} {request.url.path} (status unknown) with {problem}"
    return UnexpectedResponseError(message, request=request, response=stand_in, problem=problem)


def check_body(response: httpx.Response, shape: Shape) -> Any:
    """The decoded JSON of a success ``response``, or ``UnexpectedResponseError`` when it is not ``shape``.

    For ``Shape.ANY`` the raw bytes are returned unchecked.
    """
    problem, value = body_problem(shape, response.headers.get("Content-Type", ""), response.content)
    if problem is not None:
        raise unexpected(response, problem)
    return value


# Everything a model's converters raise on a value out of their domain.
_DECODE_ERRORS = (KeyError, TypeError, ValueError, OverflowError, AttributeError, RecursionError)


def decode_one(model: type[T], data: Any, *, now: datetime, response: httpx.Response) -> T:
    """One entity of ``model`` from ``data``, or ``UnexpectedResponseError`` naming what was wrong."""
    if not isinstance(data, dict):
        raise unexpected(response, f"{_json_kind(data)} where a {model.__name__} object belongs")
    return _build(model, data, now, response, where="")


def decode_many(model: type[T], data: Any, *, now: datetime, response: httpx.Response) -> list[T]:
    """Every entity of ``model`` in a list answer (``null`` is an empty list), or ``UnexpectedResponseError``.

    One bad item fails the whole answer: keeping the others would make a partial list look complete.
    """
    if data is None:
        return []
    if not isinstance(data, list):
        raise unexpected(response, f"{_json_kind(data)} where a list of {model.__name__} belongs")
    out: list[T] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise unexpected(response, f"{_json_kind(item)} at item {index} where a {model.__name__} belongs")
        out.append(_build(model, item, now, response, where=f" at item {index}"))
    return out


def decode_list_field(
    model: type[T], data: dict[str, Any], key: str, *, now: datetime, response: httpx.Response
) -> list[T]:
    """The ``key`` list of an object answer (e.g. ``/me?with_related_data``'s ``projects``) as models."""
    value = data.get(key)
    try:
        return decode_many(model, value, now=now, response=response)
    except UnexpectedResponseError as exc:
        raise unexpected(response, f"{exc.problem} (in {key!r})") from None


def _build(model: type[T], item: dict[str, Any], now: datetime, response: httpx.Response, *, where: str) -> T:
    if "id" not in item:
        raise unexpected(response, f"a {model.__name__} without an id{where}")
    ident = item["id"]
    if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        shown = ident if isinstance(ident, (int, float)) else type(ident).__name__
        raise unexpected(response, f"a {model.__name__}{where} whose id is not a positive 64-bit int ({shown})")
    if model is TogglTracker and (plain := TogglTracker._from_plain_answer(item, now)) is not None:
        return cast("T", plain)  # the shape Toggl writes, checked and built without the converters
    try:
        if "timestamp" in item:  # not a field Toggl sends; ours wins
            return model.from_kwargs(**{**item, "timestamp": now})
        return model.from_kwargs(**item, timestamp=now)
    except _DECODE_ERRORS as exc:
        detail = excerpt(str(exc).encode(), 160)
        raise unexpected(response, f"a {model.__name__}{where} that cannot be read ({detail})") from None


def check_me(data: Any, *, response: httpx.Response, related: bool = False) -> dict[str, Any]:
    """The ``/me`` object, or ``UnexpectedResponseError``: it must carry the user's int ``id`` and, with related
    data, a non-empty ``workspaces`` list (every Toggl user has a workspace; an answer without one would empty
    every cached list)."""
    if not isinstance(data, dict):
        raise unexpected(response, f"{_json_kind(data)} where the /me object belongs")
    ident = data.get("id")
    if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        raise unexpected(response, "a /me object without the user's id")
    if related and not (isinstance(data.get("workspaces"), list) and data["workspaces"]):
        raise unexpected(response, "a /me object with related data but no workspaces")
    return data


def related_from_answer(data: Any, *, now: datetime, response: httpx.Response) -> RelatedData:
    """Decode a ``/me?with_related_data=true`` answer; any list or entity out of shape fails the whole answer."""
    data = check_me(data, response=response, related=True)
    return RelatedData(
        user={k: v for k, v in data.items() if k not in RELATED_KEYS},
        workspaces=decode_list_field(TogglWorkspace, data, "workspaces", now=now, response=response),
        clients=decode_list_field(TogglClient, data, "clients", now=now, response=response),
        projects=decode_list_field(TogglProject, data, "projects", now=now, response=response),
        tags=decode_list_field(TogglTag, data, "tags", now=now, response=response),
        trackers=decode_list_field(TogglTracker, data, "time_entries", now=now, response=response),
        tasks=decode_list_field(TogglTask, data, "tasks", now=now, response=response),
    )
