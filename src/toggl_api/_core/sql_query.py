"""``TogglQuery`` → SQLAlchemy expressions, following the rules of ``toggl_api._core.query`` (no I/O here).

Only portable constructs are produced (``=``, ``IN``, ranges, ``IS NULL``, ``EXISTS``), so the same queries run
on SQLite and PostgreSQL. ``tags`` is answered from the ``tracker_tag`` association table: ints match tag ids,
strings match tag names.

Translation happens in two steps so the SQL cache can reuse compiled statements: ``plan_queries`` reduces the
queries to a *shape* (the SQL structure: fields, operators, how many values each IN list has) and the list of
values to bind, and ``where_clauses`` builds the clauses of a shape with one bound parameter per value
(``q0``, ``q1``, ...). Queries of the same shape share one compiled statement whatever their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Date, Table, and_, bindparam, exists, false, or_, select

from .models._base import TogglClass
from .models.tables import TRACKER_TAGS, table_for
from .query import Comparison, TogglQuery, validate_queries

__all__ = ["Shape", "compile_queries", "expiry_clause", "plan_queries", "where_clauses"]

_SEQUENCES = (list, tuple, set, frozenset)
_OPERATORS = {
    Comparison.LESS_THEN: "<",
    Comparison.LESS_THEN_OR_EQUAL: "<=",
    Comparison.GREATER_THEN: ">",
    Comparison.GREATER_THEN_OR_EQUAL: ">=",
}

#: The SQL structure of a list of queries: one tuple per query (see ``plan_queries``); hashable.
Shape = tuple[tuple[Any, ...], ...]


def _scalar(value: Any) -> Any:
    return value.id if isinstance(value, TogglClass) else value


def _values(value: Any) -> list[Any]:
    return [_scalar(v) for v in value] if isinstance(value, _SEQUENCES) else [_scalar(value)]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, time.min, tzinfo=timezone.utc), datetime.combine(day, time.max, tzinfo=timezone.utc)


def _plan_one(table: Table, query: TogglQuery[Any], values: list[Any]) -> tuple[Any, ...]:
    if query.key == "tags":
        if query.comparison is not Comparison.EQUAL:
            msg = "tags can only be queried with Comparison.EQUAL (a tag name or id, or a list of them)"
            raise TypeError(msg)
        wanted = _values(query.value)
        ids = [v for v in wanted if isinstance(v, int) and not isinstance(v, bool)]
        names = [v for v in wanted if isinstance(v, str)]
        values += ids
        values += names
        return ("tags", len(ids), len(names))
    is_date_column = _DATE_COLUMNS.get((table.name, query.key))
    if is_date_column is None:
        is_date_column = _DATE_COLUMNS[(table.name, query.key)] = isinstance(table.c[query.key].type, Date)
    if query.comparison is Comparison.EQUAL:
        if type(query.value) is list and query.value and all(type(v) is int for v in query.value):
            values += query.value  # the common list of ids: nothing to convert
            return ("eq", query.key, (("in", len(query.value)),))
        parts: list[tuple[str, ...]] = []
        plain: list[Any] = []
        for value in _values(query.value):
            if value is None:
                parts.append(("null",))
            elif type(value) is date and not is_date_column:
                values.extend(_day_bounds(value))  # a day against a datetime field: any time on that day
                parts.append(("day",))
            elif isinstance(value, datetime) and is_date_column:
                plain.append(value.astimezone(timezone.utc).date())
            else:
                plain.append(value)
        if plain:
            values += plain
            parts.append(("in", len(plain)))  # type: ignore[arg-type]
        return ("eq", query.key, tuple(parts))
    value = query.value
    if isinstance(value, TogglClass):
        value = value.id
    elif isinstance(value, datetime) and is_date_column:
        value = value.astimezone(timezone.utc).date()
    values.append(value)
    # By identity: an Enum member's hash is a Python-level call, on every query.
    return ("cmp", query.key, _OPERATOR_OF[id(query.comparison)])


_OPERATOR_OF = {id(comparison): operator for comparison, operator in _OPERATORS.items()}


#: Whether a column is a ``Date`` column, per (table name, column name): asked on every query.
_DATE_COLUMNS: dict[tuple[str, str], bool] = {}


def plan_queries(model: type[TogglClass], queries: Sequence[TogglQuery[Any]]) -> tuple[Shape, list[Any]]:
    """The shape of ``queries`` against ``model`` and the values to bind, in parameter order.

    Raises:
        ValueError: a key that is not a queryable field of ``model``.
        TypeError: a comparison the field cannot support (e.g. ``tags`` with ``LESS_THEN``).
    """
    validate_queries(model, queries)
    table = table_for(model)
    values: list[Any] = []
    shape = tuple([_plan_one(table, q, values) for q in queries])
    return shape, values


class _Binds:
    """Hands out the bound parameters of a shape in order: typed like their column, valued when values are known."""

    def __init__(self, values: Sequence[Any] | None) -> None:
        self.values = values
        self.count = 0

    def __call__(self, column: Any) -> BindParameter[Any]:
        name = f"q{self.count}"
        self.count += 1
        if self.values is None:
            return bindparam(name, type_=column.type)
        return bindparam(name, self.values[self.count - 1], type_=column.type)


def _build_one(table: Table, shape: tuple[Any, ...], bind: _Binds) -> ColumnElement[bool]:
    kind = shape[0]
    if kind == "tags":
        conditions: list[ColumnElement[bool]] = []
        if shape[1]:
            conditions.append(TRACKER_TAGS.c.tag.in_([bind(TRACKER_TAGS.c.tag) for _ in range(shape[1])]))
        if shape[2]:
            conditions.append(TRACKER_TAGS.c.name.in_([bind(TRACKER_TAGS.c.name) for _ in range(shape[2])]))
        if not conditions:
            return false()
        return exists(
            select(TRACKER_TAGS.c.tracker).where(TRACKER_TAGS.c.tracker == table.c.id, or_(*conditions))
        )
    column = table.c[shape[1]]
    if kind == "cmp":
        operator, value = shape[2], bind(column)
        clause: ColumnElement[bool]
        if operator == "<":
            clause = column < value
        elif operator == "<=":
            clause = column <= value
        elif operator == ">":
            clause = column > value
        else:
            clause = column >= value
        return clause
    clauses: list[ColumnElement[bool]] = []
    for part in shape[2]:
        if part[0] == "null":
            clauses.append(column.is_(None))
        elif part[0] == "day":
            low, high = bind(column), bind(column)
            clauses.append(and_(column >= low, column <= high))
        elif part[1] == 1:
            clauses.append(column == bind(column))
        else:
            clauses.append(column.in_([bind(column) for _ in range(part[1])]))
    if not clauses:
        return false()
    return clauses[0] if len(clauses) == 1 else or_(*clauses)


def where_clauses(
    model: type[TogglClass], shape: Shape, values: Sequence[Any] | None = None
) -> list[ColumnElement[bool]]:
    """WHERE clauses (to be AND-ed) of a shape, with parameters ``q0``, ``q1``, ... (valued when ``values`` is
    given)."""
    table = table_for(model)
    bind = _Binds(values)
    return [_build_one(table, part, bind) for part in shape]


def compile_queries(model: type[TogglClass], queries: Sequence[TogglQuery[Any]]) -> list[ColumnElement[bool]]:
    """WHERE clauses (to be AND-ed) for ``queries`` against ``model``'s table, values bound.

    Raises:
        ValueError: a key that is not a queryable field of ``model``.
        TypeError: a comparison the field cannot support (e.g. ``tags`` with ``LESS_THEN``).
    """
    shape, values = plan_queries(model, queries)
    return where_clauses(model, shape, values)


def expiry_clause(model: type[TogglClass], now: datetime, expire_after: timedelta | None) -> ColumnElement[bool] | None:
    """The freshness condition (``timestamp > now - expire_after``), or ``None`` when nothing expires."""
    if expire_after is None:
        return None
    return table_for(model).c.timestamp > now - expire_after
