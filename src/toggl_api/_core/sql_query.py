"""``TogglQuery`` → SQLAlchemy expressions, following the rules of ``toggl_api._core.query`` (no I/O here).

Only portable constructs are produced (``=``, ``IN``, ranges, ``IS NULL``, ``EXISTS``), so the same queries run
on SQLite and PostgreSQL. ``tags`` is answered from the ``tracker_tag`` association table: ints match tag ids,
strings match tag names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, Date, Table, and_, exists, false, or_, select

from .models._base import TogglClass
from .models.tables import TRACKER_TAGS, table_for
from .query import Comparison, TogglQuery, validate_queries

__all__ = ["compile_queries", "expiry_clause"]

_SEQUENCES = (list, tuple, set, frozenset)


def _scalar(value: Any) -> Any:
    return value.id if isinstance(value, TogglClass) else value


def _values(value: Any) -> list[Any]:
    return [_scalar(v) for v in value] if isinstance(value, _SEQUENCES) else [_scalar(value)]


def _tags_clause(table: Table, query: TogglQuery[Any]) -> ColumnElement[bool]:
    if query.comparison is not Comparison.EQUAL:
        msg = "tags can only be queried with Comparison.EQUAL (a tag name or id, or a list of them)"
        raise TypeError(msg)
    wanted = _values(query.value)
    ids = [v for v in wanted if isinstance(v, int) and not isinstance(v, bool)]
    names = [v for v in wanted if isinstance(v, str)]
    conditions: list[ColumnElement[bool]] = []
    if ids:
        conditions.append(TRACKER_TAGS.c.tag.in_(ids))
    if names:
        conditions.append(TRACKER_TAGS.c.name.in_(names))
    if not conditions:
        return false()
    return exists(
        select(TRACKER_TAGS.c.tracker).where(TRACKER_TAGS.c.tracker == table.c.id, or_(*conditions))
    )


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, time.min, tzinfo=timezone.utc), datetime.combine(day, time.max, tzinfo=timezone.utc)


def _clause(table: Table, query: TogglQuery[Any]) -> ColumnElement[bool]:
    if query.key == "tags":
        return _tags_clause(table, query)
    column = table.c[query.key]
    is_date_column = isinstance(column.type, Date)
    if query.comparison is Comparison.EQUAL:
        values = _values(query.value)
        clauses: list[ColumnElement[bool]] = []
        plain: list[Any] = []
        for value in values:
            if value is None:
                clauses.append(column.is_(None))
            elif type(value) is date and not is_date_column:
                low, high = _day_bounds(value)  # a day against a datetime field: any time on that day
                clauses.append(and_(column >= low, column <= high))
            elif isinstance(value, datetime) and is_date_column:
                plain.append(value.astimezone(timezone.utc).date())
            else:
                plain.append(value)
        if len(plain) == 1:
            clauses.append(column == plain[0])
        elif plain:
            clauses.append(column.in_(plain))
        if not clauses:
            return false()
        return clauses[0] if len(clauses) == 1 else or_(*clauses)
    value = _scalar(query.value)
    if isinstance(value, datetime) and is_date_column:
        value = value.astimezone(timezone.utc).date()
    clause: ColumnElement[bool]
    if query.comparison is Comparison.LESS_THEN:
        clause = column < value
    elif query.comparison is Comparison.LESS_THEN_OR_EQUAL:
        clause = column <= value
    elif query.comparison is Comparison.GREATER_THEN:
        clause = column > value
    elif query.comparison is Comparison.GREATER_THEN_OR_EQUAL:
        clause = column >= value
    else:  # pragma: no cover - the enum is closed
        raise NotImplementedError(query.comparison)
    return clause


def compile_queries(model: type[TogglClass], queries: Sequence[TogglQuery[Any]]) -> list[ColumnElement[bool]]:
    """WHERE clauses (to be AND-ed) for ``queries`` against ``model``'s table.

    Raises:
        ValueError: a key that is not a queryable field of ``model``.
        TypeError: a comparison the field cannot support (e.g. ``tags`` with ``LESS_THEN``).
    """
    validate_queries(model, queries)
    table = table_for(model)
    return [_clause(table, q) for q in queries]


def expiry_clause(model: type[TogglClass], now: datetime, expire_after: timedelta | None) -> ColumnElement[bool] | None:
    """The freshness condition (``timestamp > now - expire_after``), or ``None`` when nothing expires."""
    if expire_after is None:
        return None
    return table_for(model).c.timestamp > now - expire_after
