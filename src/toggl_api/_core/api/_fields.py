"""Shared helpers of the resource request builders: explicit-field tracking, ids, ranges, chunks."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from ..errors import DateTimeError
from ..models import TogglClass
from ..models._base import MAX_ID
from ..timeutil import to_utc

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_ID",
    "chunked",
    "entity_id",
    "explicit_fields",
    "require_type",
    "track_explicit",
    "validate_year",
]

#: Toggl rejects time entries whose start falls outside these years.
FIRST_YEAR = 2006
LAST_YEAR = 2030

C = TypeVar("C", bound=type)
T = TypeVar("T")

_EXPLICIT = "_explicit_fields"


def track_explicit(cls: C) -> C:
    """Class decorator for body dataclasses: remember which fields the caller set.

    A field counts as set when it was passed to the constructor or assigned afterwards. Edits use this to send
    only what the caller asked for, so a default (``is_private=True``, ``description=None``) never overwrites
    a value on the server by accident.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    original_init: Any = vars(cls)["__init__"]
    original_setattr: Any = cls.__setattr__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, _EXPLICIT, None)  # None: still inside __init__, record nothing
        original_init(self, *args, **kwargs)
        object.__setattr__(self, _EXPLICIT, set(names[: len(args)]) | set(kwargs))

    def __setattr__(self: Any, key: str, value: Any) -> None:
        original_setattr(self, key, value)
        explicit = getattr(self, _EXPLICIT, None)
        if explicit is not None and key in names:
            explicit.add(key)

    setattr(cls, "__init__", __init__)  # noqa: B010 - assigning methods on a class
    setattr(cls, "__setattr__", __setattr__)  # noqa: B010
    return cls


def explicit_fields(body: Any) -> frozenset[str]:
    """Names of the fields of a ``track_explicit`` body the caller set."""
    return frozenset(getattr(body, _EXPLICIT, None) or ())


def entity_id(value: Any, kind: str) -> int:
    """The id of a model or an int id.

    Raises:
        TypeError: ``value`` is neither a model nor an int.
        ValueError: the id is not positive.
    """
    if isinstance(value, TogglClass):
        value = value.id
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{kind} must be an int id or a model, not {type(value).__name__}"
        raise TypeError(msg)
    if not 0 < value <= MAX_ID:
        msg = f"{kind} must be a positive 64-bit id (1 to 2**63 - 1), got {value}"
        raise ValueError(msg)
    return value


def require_type(value: Any, expected: type[Any], name: str, *, optional: bool = False) -> None:
    """Raise ``TypeError`` saying what to pass unless ``value`` is an ``expected`` (or ``None`` if ``optional``).

    Used on body and option arguments so a wrong one fails at once with a clear message, not with an
    ``AttributeError`` from deep inside request building.
    """
    if value is None and optional:
        return
    if not isinstance(value, expected):
        alternative = " or None" if optional else ""
        msg = f"{name} must be a {expected.__name__}{alternative}, not {type(value).__name__}"
        raise TypeError(msg)


def validate_year(value: date | datetime, name: str) -> None:
    """Raise ``DateTimeError`` unless ``value`` (in UTC) lies in Toggl's accepted years 2006-2030."""
    year = to_utc(value, name).year if isinstance(value, datetime) else value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        msg = f"{name} must lie between the years {FIRST_YEAR} and {LAST_YEAR} (Toggl's range), got {value.isoformat()}"
        raise DateTimeError(msg)


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
