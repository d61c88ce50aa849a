"""Argument checks of the public cache methods, as pure functions (one per method, same signature).

Every cache (JSON, SQLite, PostgreSQL, a user's subclass) gets them through ``TogglAsyncCache``: a wrong
argument raises ``TypeError``/``ValueError`` saying what to pass, before any backend sees it (which would
otherwise answer ``AttributeError``, ``OverflowError`` or a SQLAlchemy error).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .models import TogglClass
from .models._base import MAX_ID
from .query import TogglQuery
from .timeutil import ensure_aware

__all__ = ["CHECKS"]


def _model(model: Any) -> None:
    if model is not None and not (isinstance(model, type) and issubclass(model, TogglClass)):
        msg = f"model must be a model class such as TogglTag, or None, not {model!r:.60}"
        raise TypeError(msg)


def _id(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be a model or an int id, not {type(value).__name__}"
        raise TypeError(msg)
    if not -MAX_ID <= value <= MAX_ID:
        msg = f"{name} must fit a 64-bit id, got {value}"
        raise ValueError(msg)


def _text(value: Any, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        msg = f"{name} must be a str{' or None' if optional else ''}, not {type(value).__name__}"
        raise TypeError(msg)
    if not optional and not value:
        msg = f"{name} must not be empty"
        raise ValueError(msg)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no file or database can store it
        msg = f"{name} holds characters that cannot be stored (a lone surrogate)"
        raise ValueError(msg) from None


def _entries(entries: tuple[Any, ...]) -> None:
    for entry in entries:
        if not isinstance(entry, TogglClass):
            msg = f"entries must be models (TogglTag, TogglProject, ...), not {type(entry).__name__}"
            raise TypeError(msg)


#: toggl-api-wrapper's names for ``find``'s first argument: ``pk`` (async caches) and ``query`` (SqliteCache).
_FIND_ALIASES = frozenset({"pk", "query"})


def find_target(entry: Any, aliases: dict[str, Any]) -> Any:
    """``find``'s entry, given positionally or by one of toggl-api-wrapper's keyword names (``pk=``, ``query=``).

    Raises:
        TypeError: an unknown keyword, or the entry given twice or not at all.
    """
    if not aliases:  # the common call, find(entry[, model]): nothing else to reconcile
        if entry is None:
            msg = "find() takes one entry: a model, an id or {'id': ...} (positionally, or as pk= / query=)"
            raise TypeError(msg)
        return entry
    unknown = sorted(set(aliases) - _FIND_ALIASES)
    if unknown:
        msg = f"find() got an unexpected keyword argument {unknown[0]!r}"
        raise TypeError(msg)
    given = [value for value in (entry, *aliases.values()) if value is not None]
    if len(given) != 1:
        msg = "find() takes one entry: a model, an id or {'id': ...} (positionally, or as pk= / query=)"
        raise TypeError(msg)
    return given[0]


def check_find(entry: Any = None, model: Any = None, *, include_expired: bool = False, **aliases: Any) -> None:
    """``find(entry, model)``: a model, an int id or ``{"id": int}`` (also as ``pk=``/``query=``)."""
    # The hot call, find(<int id>, <model class>), checked without a function call per rule.
    if type(entry) is int and not aliases and -MAX_ID <= entry <= MAX_ID and (
        model is None or (type(model) is type and issubclass(model, TogglClass))
    ):
        return
    _model(model)
    entry = find_target(entry, aliases)
    if isinstance(entry, TogglClass):
        return
    if isinstance(entry, dict):
        if "id" not in entry:
            msg = "find() needs a model, an int id or a dict with an 'id'"
            raise TypeError(msg)
        entry = entry["id"]
    _id(entry, "entry")


def check_load(model: Any = None) -> None:
    """``load(model)``."""
    _model(model)


def check_add(*entries: Any) -> None:
    """``add(*entries)`` / ``update(*entries)``."""
    _entries(entries)


def check_delete(*entries: Any, model: Any = None) -> None:
    """``delete(*entries, model=...)``: models, or int ids of ``model``."""
    _model(model)
    for entry in entries:
        if not isinstance(entry, TogglClass):
            _id(entry, "entries")


def check_query(*query: Any, distinct: bool = False, model: Any = None) -> None:
    """``query(*queries, distinct, model)``."""
    _model(model)
    for item in query:
        if not isinstance(item, TogglQuery):
            msg = f"queries must be TogglQuery objects, not {type(item).__name__}"
            raise TypeError(msg)


def check_mark_complete(scope: Any, when: Any) -> None:
    """``mark_complete(scope, when)``: a non-empty scope and an aware datetime or ``None``."""
    _text(scope, "scope")
    if when is not None:
        if not isinstance(when, datetime):
            msg = f"when must be an aware datetime or None, not {type(when).__name__}"
            raise TypeError(msg)
        ensure_aware(when, "when")


def check_scope(scope: Any) -> None:
    """``completed_at(scope)`` / ``list_is_fresh(scope)``."""
    _text(scope, "scope")


def check_set_value(key: Any, value: Any) -> None:
    """``set_value(key, value)``: a text key and a text value or ``None``."""
    _text(key, "key")
    _text(value, "value", optional=True)


def check_get_value(key: Any) -> None:
    """``get_value(key)``."""
    _text(key, "key")


#: Method name -> its check.
CHECKS: dict[str, Callable[..., None]] = {
    "find": check_find,
    "load": check_load,
    "add": check_add,
    "update": check_add,
    "delete": check_delete,
    "query": check_query,
    "mark_complete": check_mark_complete,
    "completed_at": check_scope,
    "set_value": check_set_value,
    "get_value": check_get_value,
}
