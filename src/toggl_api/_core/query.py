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
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Generic, TypeVar

from attrs import fields

from .models._base import TogglClass

__all__ = [
    "Comparison",
    "FieldIndex",
    "TogglQuery",
    "compile_match",
    "compile_matcher",
    "build_index",
    "distinct",
    "distinct_keys",
    "match",
    "matches_all",
    "validate_queries",
]

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
        _check_value(self.key, self.value)
        # toggl-api-wrapper's rule: dates, datetimes, ints (bools included) and timedeltas; no floats.
        if self.comparison is not Comparison.EQUAL and not isinstance(self.value, (date, int, timedelta)):
            msg = "None 'EQUAL' comparisons only available for time or numeric based values."
            raise TypeError(msg)
        if isinstance(self.value, datetime):
            from .timeutil import to_utc

            self.value = to_utc(self.value, f"TogglQuery value for {self.key!r}")  # type: ignore[assignment]
        if type(self.value) is date and self.comparison is not Comparison.EQUAL:
            self.value = widen_date(self.value, self.comparison)  # type: ignore[assignment]


#: What a query value may be (or a list, tuple or set of): what the models hold and both backends can compare.
_SCALARS = (str, int, float, date, timedelta, TogglClass, type(None))


def _check_value(key: str, value: Any) -> None:
    items = value if isinstance(value, (list, tuple, set, frozenset)) else (value,)
    for item in items:
        if not isinstance(item, _SCALARS):
            msg = (
                f"TogglQuery value for {key!r} must be a str, number, date, datetime, timedelta, model or None "
                f"(or a list of them), not {type(item).__name__}"
            )
            raise TypeError(msg)
        if isinstance(item, timedelta) and key != "duration":  # the one timedelta field of the models
            msg = f"TogglQuery value for {key!r} cannot be a timedelta (only 'duration' holds one)"
            raise TypeError(msg)
        if isinstance(item, int) and not isinstance(item, bool) and not -(2**63) <= item < 2**63:
            msg = f"TogglQuery value for {key!r} must fit 64 bits, got {item}"
            raise ValueError(msg)
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                msg = f"TogglQuery value for {key!r} holds a lone surrogate"
                raise ValueError(msg) from None


def widen_date(value: date, comparison: Comparison) -> datetime:
    """A day as the datetime bound that keeps the comparison's meaning for the whole day."""
    if comparison in (Comparison.LESS_THEN, Comparison.GREATER_THEN_OR_EQUAL):
        return datetime.combine(value, time.min, tzinfo=timezone.utc)
    return datetime.combine(value, time.max, tzinfo=timezone.utc)


def _queryable(model: type[TogglClass]) -> frozenset[str]:
    names = _QUERYABLE.get(model)
    if names is None:
        names = _QUERYABLE[model] = frozenset(a.name for a in fields(model)) - _NOT_QUERYABLE
    return names


#: Queryable field names per model class (a model's fields never change once defined).
_QUERYABLE: dict[type[TogglClass], frozenset[str]] = {}


def validate_queries(model: type[TogglClass], queries: Iterable[TogglQuery[Any]]) -> None:
    """Raise ``ValueError`` for a query key that is not a field of ``model``."""
    names = _queryable(model)
    for query in queries:
        if not isinstance(query, TogglQuery):
            msg = f"queries must be TogglQuery objects, got {type(query).__name__}"
            raise TypeError(msg)
        if query.key not in names:
            valid = ", ".join(sorted(names))
            msg = f"{query.key!r} is not a queryable field of {model.__name__}; query one of: {valid}"
            raise ValueError(msg)


#: Fields that hold free-form data and cannot be filtered on in both backends alike.
_NOT_QUERYABLE = frozenset({"extra"})


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


_OPERATORS: dict[Comparison, Callable[[Any, Any], Any]] = {
    Comparison.LESS_THEN: operator.lt,
    Comparison.LESS_THEN_OR_EQUAL: operator.le,
    Comparison.GREATER_THEN: operator.gt,
    Comparison.GREATER_THEN_OR_EQUAL: operator.ge,
}


def _is_temporal(value: Any) -> bool:
    return isinstance(value, date)  # dates and datetimes: compared with ``_comparable``'s widening rules


def compile_match(query: TogglQuery[Any]) -> Callable[[TogglClass], bool]:
    """A predicate equivalent to ``match(model, query)``, with the work that depends only on the query done once
    (for filtering many models with one query)."""
    key, right = query.key, query.value
    if query.comparison is not Comparison.EQUAL:
        compare = _OPERATORS[query.comparison]
        if isinstance(right, TogglClass) or type(right) is date:
            return lambda model: match(model, query)  # ids and day widening: the general rule

        def ranged(model: TogglClass) -> bool:
            left = getattr(model, key)
            if left is None:
                return False
            if isinstance(left, TogglClass) or type(left) is date:
                return match(model, query)
            try:
                return bool(compare(left, right))
            except TypeError:
                return match(model, query)  # raises the explained error

        return ranged
    wanted = [_scalar(w) for w in (right if isinstance(right, (list, tuple, set, frozenset)) else [right])]
    try:
        wanted_set = frozenset(wanted)
    except TypeError:  # unhashable values: the general rule
        return lambda model: match(model, query)
    if any(_is_temporal(w) for w in wanted):
        return lambda model: match(model, query)

    def equal(model: TogglClass) -> bool:
        left = getattr(model, key)
        if isinstance(left, list):
            have = {_scalar(v) for v in left} | {v.name for v in left if isinstance(v, TogglClass)}
            return not have.isdisjoint(wanted_set)
        if isinstance(left, TogglClass):
            left = left.id
        try:
            return left in wanted_set
        except TypeError:  # an unhashable field value
            return any(left == w for w in wanted)

    return equal


def compile_matcher(queries: Sequence[TogglQuery[Any]]) -> Callable[[TogglClass], bool]:
    """A predicate equivalent to ``matches_all(model, queries)`` (see ``compile_match``)."""
    predicates = [compile_match(q) for q in queries]
    if len(predicates) == 1:
        return predicates[0]

    def every(model: TogglClass) -> bool:
        # A plain loop: ``all()`` over a generator costs a generator object per model on the query hot path.
        for predicate in predicates:  # noqa: SIM110
            if not predicate(model):
                return False
        return True

    return every


def matches_all(model: TogglClass, queries: Sequence[TogglQuery[Any]]) -> bool:
    """Whether ``model`` satisfies every query."""
    return all(match(model, q) for q in queries)


def distinct_keys(queries: Sequence[TogglQuery[Any]]) -> list[str]:
    """The keys ``distinct=True`` deduplicates on: each queried key once, list fields (``tags``) left out."""
    keys: list[str] = []
    for query in queries:
        if query.key not in keys and query.key != "tags":
            keys.append(query.key)
    return keys


def _hashable(value: Any) -> Any:
    if isinstance(value, TogglClass):
        return value.id
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def distinct(models: Iterable[TogglClass], queries: Sequence[TogglQuery[Any]]) -> list[TogglClass]:
    """Keep the first model (in the given order) of each combination of the queried keys' values."""
    keys = distinct_keys(queries)
    if not keys:
        return list(models)
    seen: set[tuple[Any, ...]] = set()
    kept: list[TogglClass] = []
    for model in models:
        marker = tuple(_hashable(getattr(model, k)) for k in keys)
        if marker not in seen:
            seen.add(marker)
            kept.append(model)
    return kept


class _Unindexable(Exception):
    pass


class FieldIndex:
    """A sorted index of one field over a set of models, for range and IN lookups without a full scan.

    Only built for fields whose non-None values are all ints (not bools) or all aware datetimes; ``None`` never
    satisfies a range or a non-None equality, so such entries are left out.
    """

    __slots__ = ("_by_value", "_ids", "_keys")

    def __init__(self, models: Iterable[TogglClass], name: str) -> None:
        pairs: list[tuple[Any, int]] = []
        kind: type | None = None
        for model in models:
            value = getattr(model, name)
            if value is None:
                continue
            this = datetime if isinstance(value, datetime) else int if type(value) is int else None
            if this is None or (kind is not None and this is not kind):
                raise _Unindexable(name)
            kind = this
            pairs.append((value, model.id))
        pairs.sort()
        self._keys = [p[0] for p in pairs]
        self._ids = [p[1] for p in pairs]
        self._by_value: dict[Any, list[int]] | None = None

    def candidates_all(self, queries: Sequence[TogglQuery[Any]]) -> list[int] | None:
        """Ids that may match every query in ``queries`` (all on this field): range bounds are intersected into
        one slice; ``None`` when the index cannot answer them."""
        from bisect import bisect_left, bisect_right

        ranges = [q for q in queries if q.comparison is not Comparison.EQUAL]
        equal = [q for q in queries if q.comparison is Comparison.EQUAL]
        if equal:
            best = None
            for query in equal:
                found = self.candidates(query)
                if found is not None and (best is None or len(found) < len(best)):
                    best = found
            if best is not None or not ranges:
                return best
        lo, hi = 0, len(self._keys)
        for query in ranges:
            value = query.value
            if not self._keys:
                return []
            if not (type(value) is type(self._keys[0]) or (
                isinstance(value, datetime) and isinstance(self._keys[0], datetime))):
                return None
            if query.comparison is Comparison.LESS_THEN:
                hi = min(hi, bisect_left(self._keys, value))
            elif query.comparison is Comparison.LESS_THEN_OR_EQUAL:
                hi = min(hi, bisect_right(self._keys, value))
            elif query.comparison is Comparison.GREATER_THEN:
                lo = max(lo, bisect_right(self._keys, value))
            else:
                lo = max(lo, bisect_left(self._keys, value))
        return self._ids[lo:hi] if lo < hi else []

    def candidates(self, query: TogglQuery[Any]) -> list[int] | None:
        """Ids that may match ``query`` (a superset), or ``None`` when the index cannot answer it."""
        from bisect import bisect_left, bisect_right

        value = query.value
        if query.comparison is Comparison.EQUAL:
            values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            if not values or not all(type(v) is int for v in values) or (self._keys and type(self._keys[0]) is not int):
                return None
            if self._by_value is None:
                by_value: dict[Any, list[int]] = {}
                for key, ident in zip(self._keys, self._ids, strict=True):
                    by_value.setdefault(key, []).append(ident)
                self._by_value = by_value
            return [i for v in set(values) for i in self._by_value.get(v, ())]
        if not self._keys:
            return []
        if type(value) is not type(self._keys[0]) and not (
            isinstance(value, datetime) and isinstance(self._keys[0], datetime)
        ):
            return None
        if query.comparison is Comparison.LESS_THEN:
            return self._ids[: bisect_left(self._keys, value)]
        if query.comparison is Comparison.LESS_THEN_OR_EQUAL:
            return self._ids[: bisect_right(self._keys, value)]
        if query.comparison is Comparison.GREATER_THEN:
            return self._ids[bisect_right(self._keys, value) :]
        return self._ids[bisect_left(self._keys, value) :]


def build_index(models: Iterable[TogglClass], name: str) -> FieldIndex | None:
    """A ``FieldIndex`` of ``name``, or ``None`` when the field's values cannot be indexed."""
    try:
        return FieldIndex(models, name)
    except _Unindexable:
        return None
