"""``TogglQuery`` and ``Comparison``: filters over cached models, and the in-Python matcher (JSON cache).

The SQL cache compiles the same queries to SQLAlchemy expressions (``toggl_api._core.sql_query``); both follow
these rules:
- ``EQUAL`` with a non-string sequence means IN; against a list field (e.g. ``tags``) it means "overlaps".
- A list field compared with a single value means "contains".
- A plain ``date`` is widened to an aware UTC datetime: to the start of the day for ``LESS_THEN`` and
  ``GREATER_THEN_OR_EQUAL``, to its last microsecond otherwise — except against a date field, where it stays a date.
- A key that is not a field of the model raises ``ValueError`` naming the valid keys.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Generic, TypeVar

from attrs import fields

from .models._base import TogglClass

__all__ = ["Comparison", "TogglQuery", "match", "matches_all", "validate_queries"]

T = TypeVar("T")


class Comparison(enum.Enum):
    """How a ``TogglQuery`` compares (toggl-api-wrapper's spelling "THEN" is kept)."""

    EQUAL = 1
    LESS_THEN = 2
    LESS_THEN_OR_EQUAL = 3
    GREATER_THEN = 4
    GREATER_THEN_OR_EQUAL = 5


@dataclass
class TogglQuery(Generic[T]):
    """One filter: ``key`` compared with ``value``.

    Args:
        key: A field name of the model (e.g. ``"start"``, ``"project"``, ``"tags"``).
        value: The value, or a sequence of values (IN) for ``EQUAL``.
        comparison: The comparison; non-``EQUAL`` needs a date, datetime, timedelta or number.
    """

    key: str
    value: T | Sequence[T]
    comparison: Comparison = Comparison.EQUAL

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            msg = f"TogglQuery key must be a field name, got {self.key!r}"
            raise TypeError(msg)
        if not isinstance(self.comparison, Comparison):
            msg = f"comparison must be a Comparison, got {self.comparison!r}"
            raise TypeError(msg)
        if self.comparison is not Comparison.EQUAL and not isinstance(self.value, (date, int, float, timedelta)):
            msg = "None 'EQUAL' comparisons only available for time or numeric based values."
            raise TypeError(msg)
        if isinstance(self.value, datetime) and self.value.tzinfo is None:
            from .timeutil import ensure_aware

            ensure_aware(self.value, f"TogglQuery value for {self.key!r}")
        if type(self.value) is date and self.comparison is not Comparison.EQUAL:
            self.value = widen_date(self.value, self.comparison)  # type: ignore[assignment]


def widen_date(value: date, comparison: Comparison) -> datetime:
    """A day as the datetime bound that keeps the comparison's meaning for the whole day."""
    if comparison in (Comparison.LESS_THEN, Comparison.GREATER_THEN_OR_EQUAL):
        return datetime.combine(value, time.min, tzinfo=timezone.utc)
    return datetime.combine(value, time.max, tzinfo=timezone.utc)


def validate_queries(model: type[TogglClass], queries: Iterable[TogglQuery[Any]]) -> None:
    """Raise ``ValueError`` for a query key that is not a field of ``model``."""
    names = {a.name for a in fields(model)}
    for query in queries:
        if query.key not in names:
            msg = (
                f"{query.key!r} is not a field of {model.__name__}; "
                f"query one of: {', '.join(sorted(n for n in names if n != 'extra'))}"
            )
            raise ValueError(msg)


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    # A datetime bound against a date field compares as dates; a date against a datetime field widens.
    if isinstance(right, datetime) and type(left) is date:
        return left, right.date()
    if type(right) is date and isinstance(left, datetime):
        return left.date(), right
    if isinstance(left, TogglClass):
        left = left.id
    return left, right


def _scalar(value: Any) -> Any:
    return value.id if isinstance(value, TogglClass) else value


def match(model: TogglClass, query: TogglQuery[Any]) -> bool:
    """Whether ``model`` satisfies ``query``."""
    left = getattr(model, query.key)
    right = query.value
    if query.comparison is Comparison.EQUAL:
        wanted = right if isinstance(right, (list, tuple, set, frozenset)) else [right]
        if isinstance(left, list):
            have = {_scalar(v) for v in left} | {v.name for v in left if isinstance(v, TogglClass)}
            return any(_scalar(w) in have for w in wanted)
        left = _scalar(left)
        return any(_comparable(left, _scalar(w))[0] == _comparable(left, _scalar(w))[1] for w in wanted)
    if left is None:
        return False
    lhs, rhs = _comparable(left, right)
    try:
        if query.comparison is Comparison.LESS_THEN:
            return bool(lhs < rhs)
        if query.comparison is Comparison.LESS_THEN_OR_EQUAL:
            return bool(lhs <= rhs)
        if query.comparison is Comparison.GREATER_THEN:
            return bool(lhs > rhs)
        if query.comparison is Comparison.GREATER_THEN_OR_EQUAL:
            return bool(lhs >= rhs)
    except TypeError as exc:
        msg = f"cannot compare {query.key}={lhs!r} with {rhs!r}"
        raise TypeError(msg) from exc
    raise NotImplementedError(query.comparison)  # pragma: no cover - the enum is closed


def matches_all(model: TogglClass, queries: Sequence[TogglQuery[Any]]) -> bool:
    """Whether ``model`` satisfies every query."""
    return all(match(model, q) for q in queries)
