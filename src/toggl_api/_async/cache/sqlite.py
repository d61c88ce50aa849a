"""``AsyncSqliteCache``: a cache in one SQL database (``cache.sqlite`` by default, or any SQLAlchemy engine).

The attrs models are mapped imperatively onto the tables of ``toggl_api._core.models.tables`` (once per process;
``async_register_tables`` creates them on any engine). The cache itself works with SQLAlchemy Core, not ORM
sessions: every operation runs on one pooled connection (reads outside a transaction, writes in one), nothing
stays open between calls except the engine's pool (``aclose()`` releases it), and the schema is created on the
first operation.

Speed matters because a lookup by id is the hot path of every cached endpoint:

- SELECTs are built once per *shape* (model, query structure, expiry) and compiled once per cache; their values
  travel as bound parameters, so a repeated shape costs one dict lookup. On SQLite, when nothing listens to
  statement execution (no ``echo``, no ``sqlalchemy.engine`` INFO logging, no execute/cursor events), a compiled
  SELECT runs directly on a DBAPI connection with the dialect's own bind and result processors: the sync cache
  keeps one read connection per thread for a database file (see ``toggl_api._sqlcompat._held_reader``; closed by
  ``close()``), the async one checks one out of the pool. Otherwise it goes through ``Connection.execute`` so
  logging and events see it. Both paths build the same models.
- Models are built from rows directly (like the ORM loader does: a new mapped instance, fields set from the
  row, no converters to re-run on typed column values); on the direct path, one function generated per model and
  column layout (``_model_builder``) fills the instances with no per-column loop. A time entry's
  tags come from the same SELECT (an outer join on ``tracker_tag``), so one statement answers ``find``,
  ``load`` and ``query``.
- Writes are one transaction of executemany statements: on SQLite and PostgreSQL a native upsert by primary key
  (``INSERT ... ON CONFLICT (id) DO UPDATE``); on other databases a select of the existing ids, a bulk insert
  and a bulk update. Upserts ignore expiry, so refreshing an expired entity never collides with the stale row.
- Several processes may share one database (a team on PostgreSQL): writes lock rows in id order (upserts and
  deletes alike), so overlapping writers wait for each other instead of deadlocking; schema creation is
  serialized; a write that still loses a race is retried whole.

Queries use only portable SQL (PostgreSQL works as well as SQLite). SQLAlchemy is optional: constructing the
cache without it raises an ``ImportError`` naming the extra.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..._concurrency import AsyncLock
from ..._core.cache_args import find_target
from ..._core.cache_rules import check_marker_time, check_stored_value
from ..._core.clock import Clock
from ..._core.errors import CorruptCacheError
from ..._core.models import TogglClass, TogglTag, TogglTracker
from ..._core.query import TogglQuery, distinct_keys
from ..._io.paths import make_private_dirs
from ..._io.seams import step
from ..._io.sqlite_file import open_database
from ..._sqlcompat import (
    async_create_all,
    async_dispose,
    async_prepare_engine,
    async_run_dbapi,
    async_run_read,
    async_run_write,
    create_async_engine,
)
from .base import TogglAsyncCache, entry_id_of

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect, MetaData, Select, Table

    from ..._sqlcompat import AsyncEngine
    from ..endpoint import TogglAsyncCachedEndpoint

__all__ = ["AsyncSqliteCache", "async_register_tables"]

T = TypeVar("T", bound=TogglClass)

#: Ids per ``IN (...)`` list, well below every database's bound-parameter limit.
_CHUNK = 500
_WRITE_ATTEMPTS = 3
#: Compiled SELECTs kept per cache (one per query shape); the dict starts over when full.
_PLAN_LIMIT = 256
#: Dialects with ``INSERT ... ON CONFLICT (id) DO UPDATE``; others take the portable select-then-write path.
_NATIVE_UPSERT = frozenset({"sqlite", "postgresql"})
#: SQLAlchemy logs statements here (``echo`` or logging configured by the user).
_SQL_LOG = logging.getLogger("sqlalchemy.engine.Engine")


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


#: SQL integer columns are 64-bit signed; Python ints beyond would raise ``OverflowError`` deep in the driver.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


#: Query values whose (type, value) pair says all that planning looks at.
_PLAIN_VALUES = frozenset({int, str, datetime, date, bool, type(None)})


def _signature(model: type[TogglClass], queries: Sequence[TogglQuery[Any]]) -> tuple[Any, ...] | None:
    """What ``plan_queries(model, queries)`` depends on, as a hashable key; ``None`` when a value is of another
    kind (a model, a float, a set, ...), which is then planned every time.

    Each value goes with its type, so ``1``, ``True`` and ``1.0`` never share a plan. Only planned queries are
    remembered: a query that fails to plan raises every time.
    """
    parts: list[Any] = [model]
    for query in queries:
        if type(query) is not TogglQuery:
            return None
        value = query.value
        kind = type(value)
        if kind is list or kind is tuple:
            items = tuple([(type(item), item) for item in value])
            if not all(pair[0] in _PLAIN_VALUES for pair in items):
                return None
            parts.append((query.key, id(query.comparison), kind, items))
        elif kind in _PLAIN_VALUES:
            parts.append((query.key, id(query.comparison), kind, value))
        else:
            return None
    return tuple(parts)


def _fits(value: int) -> bool:
    return _INT_MIN <= value <= _INT_MAX


_PARAMETER_NAMES = tuple(f"q{n}" for n in range(64))


def _names(count: int) -> Sequence[str]:
    """At least ``count`` parameter names of a query's values: ``q0``, ``q1``, ... (see ``_core.sql_query``)."""
    return _PARAMETER_NAMES if count <= len(_PARAMETER_NAMES) else [f"q{n}" for n in range(count)]


def _check_ints(entries: Sequence[TogglClass]) -> None:
    """Refuse entries holding an integer the database cannot store, naming the model, id and field."""
    for entry in entries:
        values = dict(entry.__dict__)
        if isinstance(entry, TogglTracker):
            values.update({f"tags[{n}]": tag.id for n, tag in enumerate(entry.tags)})
        for name, value in values.items():
            if type(value) is int and not _fits(value):
                msg = (
                    f"cannot store {type(entry).__tablename__} {entry.id} in the SQL cache: {name}={value} is "
                    "outside the 64-bit integer range SQL databases hold"
                )
                raise ValueError(msg)


def _unencodable(entries: Sequence[TogglClass], error: Exception) -> ValueError:
    """The error naming the first entry whose text cannot be stored (a lone surrogate, say)."""
    from ..._core.models import to_record

    for entry in entries:
        try:
            json.dumps(to_record(entry), ensure_ascii=False).encode()
        except UnicodeEncodeError as bad:
            return ValueError(f"cannot store {type(entry).__tablename__} {entry.id} in the SQL cache: {bad}; "
                              "nothing of this write was stored")
    return ValueError(f"cannot store these entries in the SQL cache: {error}; nothing of this write was stored")


def _database_file(engine: Any) -> Path | None:
    """The file of an SQLite engine's database (``None`` for other databases and in-memory ones)."""
    url = engine.url
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


async def async_register_tables(engine: AsyncEngine) -> MetaData:
    """Map the models and create every cache table on ``engine``; returns the one shared ``MetaData``."""
    engine = async_prepare_engine(engine)
    from ..._core.models.tables import map_models

    metadata = map_models()
    await async_create_all(engine, metadata)
    return metadata


# -- reading: compiled SELECTs and rows → models ---------------------------------------------------------------


class _Plan:
    """A SELECT compiled once for one dialect, with what converts its parameters and its rows."""

    __slots__ = ("binds", "convert", "direct", "results", "sql", "statement")

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        order = compiled.positiontup or []
        # Direct execution needs plain positional SQL; anything rendered at execution time goes through Core.
        self.direct = dialect.name == "sqlite" and dialect.positional and "POSTCOMPILE" not in self.sql
        self.binds = [
            (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order
        ]
        self.results = [
            (index, processor)
            for index, column in enumerate(statement.selected_columns)
            if (processor := _result_processor(column.type, dialect)) is not None
        ]
        self.convert = _row_converter(len(statement.selected_columns), self.results)


_EPOCH = datetime(1970, 1, 1)


def _result_processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's result processor; on SQLite, for JSON and Interval columns, one that answers the common
    stored values directly and hands anything else to the type's own processor (same results)."""
    generic: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).result_processor(dialect, None)
    if generic is None or dialect.name != "sqlite":
        return generic
    from sqlalchemy import JSON, Interval

    if isinstance(column_type, JSON):
        slow_json = generic

        def json_value(value: Any) -> Any:
            # Most records have no extra keys: "{}" is a new empty dict, as json.loads would make.
            return {} if value == "{}" else slow_json(value)

        return json_value
    if isinstance(column_type, Interval) and not column_type.native:
        slow_interval, parse, epoch = generic, datetime.fromisoformat, _EPOCH

        def interval_value(value: Any) -> Any:
            # SQLAlchemy stores an interval on SQLite as the datetime ``epoch + interval``.
            if type(value) is str:
                try:
                    return parse(value) - epoch
                except ValueError:
                    pass
            return slow_interval(value)

        return interval_value
    return generic


def _row_converter(width: int, results: Sequence[tuple[int, Callable[[Any], Any]]]
                   ) -> Callable[[list[Any]], list[Any]] | None:
    """One function converting the raw rows of a plan: a tuple per row with each column's processor applied,
    written out once per plan (no per-column loop per row); ``None`` when no column needs one."""
    if not results:
        return None
    processors = dict(results)
    cells = ", ".join(f"p{i}(r[{i}])" if i in processors else f"r[{i}]" for i in range(width))
    namespace: dict[str, Any] = {f"p{i}": processor for i, processor in processors.items()}
    exec(f"def convert(rows):\n    return [({cells},) for r in rows]\n", namespace)  # our text: indexes only
    converter: Callable[[list[Any]], list[Any]] = namespace["convert"]
    return converter


def _observed(engine: Any) -> bool:
    """Whether something watches statements on this (sync) engine: echo, SQL logging, execute/cursor events.

    An async engine's events and echo live on its ``sync_engine``: pass that one.
    """
    if engine.echo or _SQL_LOG.isEnabledFor(logging.INFO):
        return True
    if not getattr(engine, "_has_events", True):  # SQLAlchemy's flag: no connection event listens at all
        return False
    events = engine.dispatch
    return bool(
        events.before_cursor_execute or events.after_cursor_execute or events.before_execute or events.after_execute
    )


def _fetch(conn: Connection, plan: _Plan, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of a compiled SELECT through ``Connection.execute`` (logging and events see it)."""
    return conn.execute(plan.statement, params).all()


def _fetch_direct(dbapi: Any, plan: _Plan, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """Every row of a compiled SELECT run on the DBAPI connection, converted by the column types exactly as
    ``Connection.execute`` would."""
    args = [params[name] if bind is None else bind(params[name]) for name, bind in plan.binds]
    # The connection's own cursor, not closed: ``fetchall`` ran the statement to its end, which resets it (no
    # read lock is left), and closing the cursor then costs about half as much as a lookup by id.
    rows: list[Any] = dbapi.execute(plan.sql, args).fetchall()
    if plan.convert is None:
        return rows
    if len(rows) < _GC_PAUSE_FROM or not gc.isenabled():
        return plan.convert(rows)
    gc.disable()  # see _Builder.models
    try:
        return plan.convert(rows)
    finally:
        gc.enable()


#: Rows from which building models pauses the cyclic garbage collector.
_GC_PAUSE_FROM = 1000
#: A function turning the raw rows of one compiled SELECT into models (``_model_builder``).
_Reader = Callable[[list[Any]], list[Any]]


class _Builder:
    """Turns rows of a model's SELECT into models, the way the ORM loader does: a new mapped instance whose fields
    are set from the already typed column values (the models' converters would only repeat that work)."""

    def __init__(self, model: type[TogglClass], table: Table) -> None:
        from ..._core.models.tables import instance_maker

        self.new: Callable[[], Any] = instance_maker(model)
        self.new_tag: Callable[[], Any] = instance_maker(TogglTag)
        self.names = [column.name for column in table.columns]
        self.tracker = issubclass(model, TogglTracker)

    def models(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """Models of ``rows`` (ordered by id; a time entry's rows are one per tag, in tag order)."""
        if len(rows) < _GC_PAUSE_FROM or not gc.isenabled():
            return self._models(rows)
        # Thousands of new objects would run the cyclic garbage collector over every live object several times
        # (it triggers on allocations) though none of them can be garbage yet: pause it while they are built.
        gc.disable()
        try:
            return self._models(rows)
        finally:
            gc.enable()

    def _models(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        names, new, found = self.names, self.new, []
        if not self.tracker:
            for row in rows:
                entry = new()
                entry.__dict__.update(zip(names, row, strict=False))
                found.append(entry)
            return found
        width, new_tag, last = len(names), self.new_tag, None
        tags: list[Any] = []
        for row in rows:
            if row[0] != last:
                last = row[0]
                entry = new()
                values = entry.__dict__
                values.update(zip(names, row, strict=False))
                tags = values["tags"] = []
                found.append(entry)
            if row[width] is not None:
                tag = new_tag()
                tag.__dict__.update(id=row[width], name=row[width + 1], timestamp=values["timestamp"], at=None,
                                    server_deleted_at=None, extra={}, workspace=row[width + 2])
                tags.append(tag)
        return found




def _read_models(dbapi: Any, plan: _Plan, build: Callable[[list[Any]], list[Any]], params: dict[str, Any]
                 ) -> list[Any]:
    """The models of a compiled SELECT run on the DBAPI connection: ``_fetch_direct``, then ``build`` (see
    ``_model_builder``) instead of the column processors and ``_Builder.models``."""
    args = [params[name] if bind is None else bind(params[name]) for name, bind in plan.binds]
    rows: list[Any] = dbapi.execute(plan.sql, args).fetchall()  # see _fetch_direct
    if len(rows) < _GC_PAUSE_FROM or not gc.isenabled():
        return build(rows)
    gc.disable()  # see _Builder.models
    try:
        return build(rows)
    finally:
        gc.enable()


def _model_builder(plan: _Plan, model: type[TogglClass], table: Table) -> Callable[[list[Any]], list[Any]] | None:
    """One function turning raw rows of ``plan`` into models, written out for its columns and their processors.

    It does what ``_Builder.models`` does after the column processors (the same new mapped instances), without
    row tuples in between or a loop per column: each row's values go straight into the new instance's
    ``__dict__``. ``None`` when SQLAlchemy's instance internals are not the expected ones (the caller then takes
    the general path). The SELECTs of one model share their columns, so a cache makes one per model and layout.
    """
    from sqlalchemy.orm.base import manager_of_class

    managers = [manager_of_class(model), manager_of_class(TogglTag)]
    states = [getattr(manager, "_state_constructor", None) for manager in managers]
    keys = [getattr(manager, "STATE_ATTR", None) for manager in managers]
    if None in states or None in keys:
        return None
    processors = dict(plan.results)
    namespace: dict[str, Any] = {
        "M": model, "new": model.__new__, "ms": states[0], "man": managers[0], "KEY": keys[0],
        "T": TogglTag, "mst": states[1], "mant": managers[1], "TKEY": keys[1],
    }
    namespace.update({f"p{i}": processor for i, processor in processors.items()})

    def cell(index: int) -> str:
        return f"p{index}(r[{index}])" if index in processors else f"r[{index}]"

    # Everything interpolated is ours: indexes, and column names written as literals.
    names = [column.name for column in table.columns]
    tracker = issubclass(model, TogglTracker)
    pad = " " * 12 if tracker else " " * 8
    lines = ["def build(rows):", "    found = []", "    append = found.append", "    last = None", "    for r in rows:"]
    if tracker:
        lines += ["        if r[0] != last:", "            last = r[0]"]
    lines += [f"{pad}e = new(M)", f"{pad}d = e.__dict__", f"{pad}d[KEY] = ms(e, man)"]
    lines += [f"{pad}d[{name!r}] = {cell(i)}" for i, name in enumerate(names)]
    if tracker:
        width = len(names)
        lines += [
            f"{pad}tags = d['tags'] = []",
            f"{pad}append(e)",
            f"        if r[{width}] is not None:",
            "            t = new(T)",
            "            td = t.__dict__",
            "            td[TKEY] = mst(t, mant)",
            f"            td['id'] = {cell(width)}",
            f"            td['name'] = {cell(width + 1)}",
            "            td['timestamp'] = d['timestamp']",
            "            td['at'] = None",
            "            td['server_deleted_at'] = None",
            "            td['extra'] = {}",
            f"            td['workspace'] = {cell(width + 2)}",
            "            tags.append(t)",
        ]
    else:
        lines.append(f"{pad}append(e)")
    lines.append("    return found")
    exec("\n".join(lines) + "\n", namespace)
    build: Callable[[list[Any]], list[Any]] = namespace["build"]
    return build


# -- writing ---------------------------------------------------------------------------------------------------


def _rows(table: Table, entries: Sequence[TogglClass]) -> list[dict[str, Any]]:
    names = [column.name for column in table.columns]
    rows = []
    for entry in entries:
        values = entry.__dict__  # the fields themselves, without the mapped attributes' descriptor per read
        try:
            row = {name: values[name] for name in names}
        except KeyError:  # a field not loaded into the instance (e.g. expired by a user's own ORM session)
            row = {name: getattr(entry, name) for name in names}
        row["extra"] = dict(row["extra"])
        rows.append(row)
    return rows


_WRITES: dict[tuple[Any, str], tuple[str, list[tuple[str, Any]]]] = {}


def _execute_many(conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> None:
    """``conn.execute(stmt, rows)``; on SQLite with nobody watching statements, the statement compiled once runs
    as one ``executemany`` on the DBAPI connection (inside the same transaction) with the types' bind
    processors, skipping the per-row parameter handling of the Core path."""
    dialect = conn.dialect
    if dialect.name != "sqlite" or not dialect.positional or _observed(conn.engine):
        conn.execute(stmt, rows)
        return
    key = (stmt, dialect.name)
    compiled_write = _WRITES.get(key)
    if compiled_write is None:
        compiled = stmt.compile(dialect=dialect)
        binds = [(n, compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect))
                 for n in compiled.positiontup or []]
        compiled_write = _WRITES[key] = (str(compiled), binds)
    sql, binds = compiled_write
    args = [[row[name] if bind is None else bind(row[name]) for name, bind in binds] for row in rows]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, args)
    finally:
        cursor.close()


def _tag_insert() -> Any:
    from sqlalchemy import insert

    from ..._core.models.tables import TRACKER_TAGS

    stmt = _UPSERTS.get(("tracker_tag", "insert"))
    if stmt is None:
        stmt = _UPSERTS[("tracker_tag", "insert")] = insert(TRACKER_TAGS)
    return stmt


def _upsert(conn: Connection, model: type[TogglClass], entries: Sequence[TogglClass], native: bool) -> None:
    from sqlalchemy import bindparam, delete, insert, select, update

    from ..._core.models.tables import TRACKER_TAGS as TT
    from ..._core.models.tables import table_for

    table = table_for(model)
    latest = {e.id: e for e in entries}  # the last copy of an id wins
    # Rows in id order: concurrent writers of overlapping ids then lock them in the same order and wait for each
    # other instead of deadlocking (PostgreSQL row locks).
    ids = sorted(latest)
    rows = _rows(table, [latest[i] for i in ids])
    if native and conn.dialect.name in _NATIVE_UPSERT:
        _execute_many(conn, _native_upsert(table, conn.dialect.name), rows)
    else:
        existing: set[int] = set()
        for chunk in _chunks(ids):
            existing.update(conn.scalars(select(table.c.id).where(table.c.id.in_(chunk))).all())
        new_rows = [row for row in rows if row["id"] not in existing]
        if new_rows:
            conn.execute(insert(table), new_rows)
        old_rows = [{**row, "_key": row["id"]} for row in rows if row["id"] in existing]
        if old_rows:
            columns = [c.name for c in table.columns if c.name != "id"]
            stmt = update(table).where(table.c.id == bindparam("_key")).values({c: bindparam(c) for c in columns})
            conn.execute(stmt, old_rows)
    step(f"upsert {table.name}")
    if issubclass(model, TogglTracker):
        for chunk in _chunks(ids):
            conn.execute(delete(TT).where(TT.c.tracker.in_(chunk)))
        tag_rows = [
            {"tracker": i, "position": n, "tag": tag.id, "name": tag.name, "workspace": tag.workspace}
            for i in ids
            for n, tag in enumerate(latest[i].tags)  # type: ignore[attr-defined]
        ]
        if tag_rows:
            _execute_many(conn, _tag_insert(), tag_rows)
        step("upsert tracker_tag")


_UPSERTS: dict[tuple[str, str], Any] = {}


def _native_upsert(table: Table, dialect: str) -> Any:
    key = (table.name, dialect)
    stmt = _UPSERTS.get(key)
    if stmt is None:
        from sqlalchemy.dialects import postgresql, sqlite

        base: Any = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
        key_columns = list(table.primary_key.columns)
        stmt = base.on_conflict_do_update(
            index_elements=key_columns,
            set_={c.name: base.excluded[c.name] for c in table.columns if c not in key_columns},
        )
        _UPSERTS[key] = stmt
    return stmt


def _in_lock_order(by_model: dict[type[TogglClass], Any]) -> list[tuple[type[TogglClass], Any]]:
    """The models of one write in a fixed order (by table), so concurrent writers take locks in the same order."""
    from ..._core.models.tables import table_for

    return sorted(by_model.items(), key=lambda item: table_for(item[0]).name)


#: Rows of one model in one write from which SQLite's planner statistics of its table are refreshed.
_ANALYZE_FROM = 1000


def _upsert_all(conn: Connection, by_model: dict[type[TogglClass], list[TogglClass]], native: bool) -> None:
    for model, items in _in_lock_order(by_model):
        _upsert(conn, model, items, native)
    if conn.dialect.name == "sqlite":
        from sqlalchemy import text

        from ..._core.models.tables import TRACKER_TAGS, table_for

        for model, items in by_model.items():
            if len(items) >= _ANALYZE_FROM:
                # A large write (a sync) changes what the indexes select: without statistics SQLite guesses, and
                # picks e.g. the project index over a narrow start range (several times slower). ANALYZE costs
                # about as much as writing the rows once more, so only large writes pay it. (PostgreSQL's
                # autovacuum keeps its own statistics.)
                conn.execute(text(f'ANALYZE "{table_for(model).name}"'))
                if issubclass(model, TogglTracker):
                    conn.execute(text(f'ANALYZE "{TRACKER_TAGS.name}"'))


def _delete_all(conn: Connection, by_model: dict[type[TogglClass], list[int]]) -> None:
    from sqlalchemy import delete, select

    from ..._core.models.tables import TRACKER_TAGS as TT
    from ..._core.models.tables import table_for

    for kind, ids in _in_lock_order(by_model):
        table = table_for(kind)
        for chunk in _chunks(sorted(set(ids))):
            # Rows are locked in id order, like an upsert locks them, so a delete racing an upsert of the same
            # entries waits instead of deadlocking: a DELETE alone locks in storage order, which updates shuffle.
            # (SQLite locks the whole database instead and has no FOR UPDATE.)
            if conn.dialect.name != "sqlite":
                conn.execute(select(table.c.id).where(table.c.id.in_(chunk)).order_by(table.c.id).with_for_update())
            # The entity rows first, then their tags: an upsert also locks the entity row before rewriting its tags.
            conn.execute(delete(table).where(table.c.id.in_(chunk)))
            step(f"delete {table.name}")
            if issubclass(kind, TogglTracker):
                conn.execute(delete(TT).where(TT.c.tracker.in_(chunk)))
                step("delete tracker_tag")


def _set_marker(conn: Connection, scope: str, when: datetime | None) -> None:
    from sqlalchemy import delete, insert, select, update

    from ..._core.models.tables import MARKERS

    if when is None:
        conn.execute(delete(MARKERS).where(MARKERS.c.scope == scope))
        return
    if conn.dialect.name in _NATIVE_UPSERT:
        # One statement: two processes marking the same list at once cannot both insert it.
        conn.execute(_native_upsert(MARKERS, conn.dialect.name), {"scope": scope, "completed_at": when})
        return
    if conn.execute(select(MARKERS.c.scope).where(MARKERS.c.scope == scope)).first() is None:
        conn.execute(insert(MARKERS).values(scope=scope, completed_at=when))
    else:
        conn.execute(update(MARKERS).where(MARKERS.c.scope == scope).values(completed_at=when))


class AsyncSqliteCache(TogglAsyncCache[T]):
    """SQL cache (SQLite by default).

    Args:
        path: Directory of ``cache.sqlite`` (created if missing; ignored for the database when ``engine`` is
            given).
        expire_after: Seconds or a timedelta after which entries are stale; ``None`` never; 0 disables caching.
        parent: The endpoint using the cache.
        engine: An engine to use instead of ``sqlite:///<path>/cache.sqlite`` (e.g. PostgreSQL).
        echo_db: Log every SQL statement (SQLAlchemy's ``echo``).
        clock: Time source for expiry.
        strict: Raise ``CorruptCacheError`` for a damaged database file instead of setting it aside and
            starting empty.

    A damaged SQLite file (wrong header, zero bytes, failing ``PRAGMA quick_check``) is found when the cache
    is created: it is renamed ``cache.sqlite.corrupt-<time>`` with its ``-wal``/``-shm`` files, reported in
    ``problems`` and logged, and a fresh database is created (see ``toggl_api._io.sqlite_file``). A given SQLite
    engine's non-empty file is checked the same way.

    Raises:
        ImportError: SQLAlchemy (or the async driver) is not installed.
        CorruptCacheError: the database file is damaged and ``strict`` is set.
    """

    def __init__(
        self,
        path: Path | PathLike[str] | str,
        expire_after: timedelta | int | None = None,
        parent: TogglAsyncCachedEndpoint[T] | None = None,
        *,
        engine: AsyncEngine | None = None,
        echo_db: bool = False,
        clock: Clock | None = None,
        strict: bool = False,
    ) -> None:
        super().__init__(path, expire_after, parent, clock=clock)
        self.strict = strict
        #: Damaged database files met (each was set aside and logged).
        self.problems: list[CorruptCacheError] = []
        if engine is None:
            make_private_dirs(self._cache_path)
            self._report(open_database(self.cache_path, clock=self.clock))
            engine = create_async_engine(f"sqlite+aiosqlite:///{self.cache_path}")
            self._owns_engine = True
        else:
            engine = async_prepare_engine(engine)
            self._owns_engine = False
            database = _database_file(engine)
            if database is not None and database.is_file() and database.stat().st_size > 0:
                self._report(open_database(database, clock=self.clock, create=False))
        if echo_db:
            engine.echo = True
        from ..._core.models.tables import map_models
        from ..._core.sql_query import plan_queries

        # Kept here: an import inside ``query`` (a relative one) costs as much as planning the query.
        self._plan_queries = plan_queries
        self.database: AsyncEngine = engine
        #: The engine whose echo and events say whether statements are watched (see ``_observed``).
        self._events: Any = getattr(engine, "sync_engine", engine)
        self.metadata: MetaData = map_models()
        self._schema_ready = False
        self._schema_lock = AsyncLock()
        self._plans: dict[tuple[Any, ...], tuple[_Plan, _Builder | None, _Reader | None]] = {}
        self._builders: dict[tuple[Any, ...], _Reader | None] = {}
        #: ``plan_queries`` results by query signature (``_signature``): a repeated query is planned once.
        self._planned: dict[tuple[Any, ...], tuple[Any, list[Any]]] = {}
        #: Whether writes may use the database's native upsert (the portable path is used otherwise).
        self._native_upsert = True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.database.url!r}, expire_after={self._expire_after!r})"

    def _report(self, problem: CorruptCacheError | None) -> None:
        if problem is None:
            return
        self.problems.append(problem)
        if self.strict:
            raise problem

    @property
    def cache_path(self) -> Path:
        """``<path>/cache.sqlite`` (one database for every model)."""
        return self._cache_path / "cache.sqlite"

    async def aclose(self) -> None:
        """Close the pooled connections of the engine the cache created (a given engine is left alone)."""
        if self._owns_engine:
            await async_dispose(self.database)

    # -- plumbing -------------------------------------------------------------------------------------------

    async def _ready(self) -> AsyncEngine:
        if not self._schema_ready:
            async with self._schema_lock:
                if not self._schema_ready:
                    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

                    try:
                        await async_create_all(self.database, self.metadata)
                    except (IntegrityError, OperationalError, ProgrammingError):
                        # Another process created the tables at the same moment (PostgreSQL serializes this with
                        # a lock; other databases report the collision in one of these ways): they exist now.
                        await async_create_all(self.database, self.metadata)
                    self._schema_ready = True
        return self.database

    async def _write(self, func: Callable[..., None], *args: Any) -> None:
        """``func(connection, *args)`` in one transaction, tried again when it lost a race with another writer."""
        from sqlalchemy.exc import IntegrityError, OperationalError

        engine = await self._ready()
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                await async_run_write(engine, func, *args)
                return
            except (IntegrityError, OperationalError):
                # Another process inserted one of these rows between our read and write (portable path), held
                # SQLite's write lock too long, or PostgreSQL chose this transaction as a deadlock or
                # serialization victim: it was rolled back whole, and the next attempt sees the other's rows.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise

    def _cutoff(self, params: dict[str, Any], include_expired: bool = False) -> bool:
        """Add the expiry cut-off to ``params``; False when nothing is filtered by age."""
        if include_expired or self._ttl is None or self._expire_after is None:  # _ttl: no property calls
            return False
        params["cutoff"] = self.now() - self._expire_after
        return True

    def _plan(self, key: tuple[Any, ...], build: Callable[[], Select[Any]], model: type[TogglClass] | None
              ) -> tuple[_Plan, _Builder | None, _Reader | None]:
        found = self._plans.get(key)
        if found is None:
            from ..._core.models.tables import table_for

            if len(self._plans) >= _PLAN_LIMIT:
                self._plans.clear()
            plan = _Plan(build(), self.database.dialect)
            builder = reader = None
            if model is not None:
                builder = _Builder(model, table_for(model))
                if plan.direct:
                    # Shared by the SELECTs of a model with the same columns and processors (find, load, query):
                    # one function, already warm when a new query shape first runs.
                    layout = (model, tuple(str(column) for column in plan.statement.selected_columns),
                              tuple(index for index, _ in plan.results))
                    reader = self._builders.get(layout)
                    if reader is None:
                        reader = self._builders[layout] = _model_builder(plan, model, table_for(model))
            found = (plan, builder, reader)
            self._plans[key] = found
        return found

    @staticmethod
    def _entity_select(model: type[TogglClass], where: Sequence[Any], fresh: bool) -> Select[Any]:
        """SELECT of ``model``'s columns (and for time entries their tags, outer-joined in tag order)."""
        from sqlalchemy import bindparam, select

        from ..._core.models.tables import TRACKER_TAGS, table_for

        table = table_for(model)
        clauses = list(where)
        if fresh:
            clauses.append(table.c.timestamp > bindparam("cutoff", type_=table.c.timestamp.type))
        if not issubclass(model, TogglTracker):
            return select(*table.columns).where(*clauses).order_by(table.c.id)
        # An alias, so a ``tags`` query's EXISTS on tracker_tag does not correlate to the joined rows.
        tags = TRACKER_TAGS.alias("tag_of")
        return (
            select(*table.columns, tags.c.tag, tags.c.name.label("tag_name"), tags.c.workspace.label("tag_ws"))
            .select_from(table.outerjoin(tags, tags.c.tracker == table.c.id))
            .where(*clauses)
            .order_by(table.c.id, tags.c.position)
        )

    async def _models(self, key: tuple[Any, ...], build: Callable[[], Select[Any]], model: type[TogglClass],
                      params: dict[str, Any]) -> list[Any]:
        engine = self.database if self._schema_ready else await self._ready()
        found = self._plans.get(key)
        plan, builder, reader = self._plan(key, build, model) if found is None else found
        if reader is not None and not _observed(self._events):
            return await async_run_dbapi(engine, _read_models, plan, reader, params)
        if plan.direct and not _observed(self._events):
            rows = await async_run_dbapi(engine, _fetch_direct, plan, params)
        else:
            rows = await async_run_read(engine, _fetch, plan, params)
        return builder.models(rows) if builder is not None else []

    async def _values(self, key: tuple[Any, ...], build: Callable[[], Select[Any]], params: dict[str, Any]
                      ) -> Sequence[Sequence[Any]]:
        engine = await self._ready()
        plan, _, _ = self._plan(key, build, None)
        if plan.direct and not _observed(self._events):
            return await async_run_dbapi(engine, _fetch_direct, plan, params)
        return await async_run_read(engine, _fetch, plan, params)

    # -- the contract ---------------------------------------------------------------------------------------

    async def commit(self) -> None:
        """Nothing to do: every operation commits its own transaction."""

    async def load(self, model: type[T] | None = None) -> list[T]:
        """Every fresh entry of ``model``, ordered by id."""
        return await self.query(model=model)

    async def find(
        self,
        entry: T | int | dict[str, Any] | None = None,
        model: type[T] | None = None,
        *,
        include_expired: bool = False,
        **kwargs: Any,
    ) -> T | None:
        """The fresh entry with this id (any entry with ``include_expired``), or ``None``.

        The entry may also be passed as ``pk=`` or ``query=`` (toggl-api-wrapper's names).
        """
        entry = find_target(entry, kwargs)
        if model is None and isinstance(entry, TogglClass):
            model = type(entry)
        target = self._model(model)
        ident = entry_id_of(entry)
        if not _fits(ident):
            return None  # no such row can exist
        params: dict[str, Any] = {"ident": ident}
        fresh = self._cutoff(params, include_expired)

        def build() -> Select[Any]:
            from sqlalchemy import bindparam

            from ..._core.models.tables import table_for

            table = table_for(target)
            return self._entity_select(target, [table.c.id == bindparam("ident", type_=table.c.id.type)], fresh)

        found = await self._models(("find", target, fresh), build, target, params)
        return found[0] if found else None

    async def add(self, *entries: T) -> None:
        """Insert or replace entries by primary key (expired rows included), all in one transaction."""
        by_model: dict[type[TogglClass], list[TogglClass]] = {}
        for entry in entries:
            if not isinstance(entry, TogglClass):
                msg = f"the cache stores Toggl models, got {type(entry).__name__}"
                raise TypeError(msg)
            by_model.setdefault(type(entry), []).append(entry)
        if not by_model:
            return
        for items in by_model.values():
            _check_ints(items)
        try:
            await self._write(_upsert_all, by_model, self._native_upsert)
        except UnicodeEncodeError as exc:  # rolled back whole; say which entity holds the bad text
            raise _unencodable(entries, exc) from exc

    async def update(self, *entries: T) -> None:
        """Insert or replace entries (the same as ``add``)."""
        await self.add(*entries)

    async def delete(self, *entries: T | int, model: type[T] | None = None) -> None:
        """Delete entries (models, or ids of ``model``), expired or not, in one transaction."""
        by_model: dict[type[TogglClass], list[int]] = {}
        for entry in entries:
            owner: type[TogglClass] = type(entry) if isinstance(entry, TogglClass) else self._model(model)
            ident = entry_id_of(entry)
            if _fits(ident):  # a larger id cannot be stored, so there is nothing to delete
                by_model.setdefault(owner, []).append(ident)
        if not by_model:
            return
        await self._write(_delete_all, by_model)

    async def query(self, *query: TogglQuery[Any], distinct: bool = False, model: type[T] | None = None) -> list[T]:
        """Fresh entries matching every query, ordered by id; ``distinct`` keeps the lowest id per combination
        of the queried values (portable SQL, no ``DISTINCT ON``).

        Raises:
            ValueError: a query key that is not a field of the model.
        """
        target = self._model(model)
        signature = _signature(target, query)
        planned = self._planned.get(signature) if signature is not None else None
        if planned is None:
            planned = self._plan_queries(target, query)
            if signature is not None:
                if len(self._planned) >= _PLAN_LIMIT:
                    self._planned.clear()
                self._planned[signature] = planned
        shape, values = planned
        for item in values:  # one flat list of scalars (a list value was spread into it)
            if type(item) is int and not _INT_MIN <= item <= _INT_MAX:
                msg = f"query value {item} is outside the 64-bit integer range SQL databases hold"
                raise ValueError(msg)
        params: dict[str, Any] = dict(zip(_names(len(values)), values, strict=False))
        fresh = self._cutoff(params)
        keys = tuple(distinct_keys(query)) if distinct else ()

        def build() -> Select[Any]:
            from sqlalchemy import bindparam, func, select

            from ..._core.models.tables import table_for
            from ..._core.sql_query import where_clauses

            clauses = where_clauses(target, shape)
            if not keys:
                return self._entity_select(target, clauses, fresh)
            table = table_for(target)
            if fresh:
                clauses.append(table.c.timestamp > bindparam("cutoff", type_=table.c.timestamp.type))
            first = select(func.min(table.c.id)).where(*clauses).group_by(*(table.c[k] for k in keys))
            return self._entity_select(target, [table.c.id.in_(first.correlate(None).scalar_subquery())], False)

        return await self._models(("query", target, shape, fresh, keys), build, target, params)

    async def mark_complete(self, scope: str, when: datetime | None) -> None:
        """Record when the list ``scope`` was fetched completely (``None`` forgets it).

        Raises:
            TypeError: ``when`` is neither an aware datetime nor ``None``.
        """
        check_marker_time(scope, when)
        await self._write(_set_marker, scope, when)

    async def completed_at(self, scope: str) -> datetime | None:
        """When the list ``scope`` was last fetched completely, if ever."""

        def build() -> Select[Any]:
            from sqlalchemy import bindparam, select

            from ..._core.models.tables import MARKERS

            scope_column = MARKERS.c.scope
            return select(MARKERS.c.completed_at).where(scope_column == bindparam("scope", type_=scope_column.type))

        rows = await self._values(("marker",), build, {"scope": scope})
        value: datetime | None = rows[0][0] if rows else None
        return value

    async def entry_count(self, model: type[T] | None = None) -> int:
        """How many fresh entries of ``model`` the database holds (also stored in ``stats.entries``)."""
        target = self._model(model)
        params: dict[str, Any] = {}
        fresh = self._cutoff(params)

        def build() -> Select[Any]:
            from sqlalchemy import bindparam, func, select

            from ..._core.models.tables import table_for

            table = table_for(target)
            clauses = [table.c.timestamp > bindparam("cutoff", type_=table.c.timestamp.type)] if fresh else []
            return select(func.count()).select_from(table).where(*clauses)

        rows = await self._values(("count", target, fresh), build, params)
        count = int(rows[0][0])
        self.stats.entries = count
        return count

    async def clear(self) -> None:
        """Remove every cached entity, list marker, covered range and sync state: the next sync is a full one.

        One transaction deletes every row of every table of the cache (the tables stay), so another process or
        connection sees the whole old cache or an empty one; a concurrent writer waits for the database's lock
        (or is retried) and what it writes afterwards is kept. The file keeps its 0600 permissions.
        """
        await self._write(_clear_all, self.metadata)

    async def set_value(self, key: str, value: str | None) -> None:
        """Store a small text value under ``key`` (``None`` removes it), in its own transaction."""
        from sqlalchemy.exc import IntegrityError, OperationalError

        check_stored_value(key, value)
        engine = await self._ready()
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                await async_run_write(engine, _set_value, key, value)
                return
            except (IntegrityError, OperationalError):
                # Another process wrote the same key at the same moment; the next attempt replaces its value.
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise

    async def get_value(self, key: str) -> str | None:
        """The value stored under ``key``, if any."""

        def build() -> Select[Any]:
            from sqlalchemy import bindparam, select

            from ..._core.models.tables import VALUES

            return select(VALUES.c.value).where(VALUES.c.key == bindparam("key", type_=VALUES.c.key.type))

        rows = await self._values(("value",), build, {"key": key})
        return str(rows[0][0]) if rows else None


def _clear_all(conn: Connection, metadata: MetaData) -> None:
    from sqlalchemy import delete

    # Tables in name order, as every other write locks them (see ``_in_lock_order``), so a concurrent writer
    # waits instead of deadlocking.
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        conn.execute(delete(table))
        step(f"clear {table.name}")


def _set_value(conn: Connection, key: str, value: str | None) -> None:
    from sqlalchemy import delete, insert

    from ..._core.models.tables import VALUES

    if value is not None and conn.dialect.name in _NATIVE_UPSERT:
        # One statement: several processes storing the same key at once cannot collide on its insert.
        conn.execute(_native_upsert(VALUES, conn.dialect.name), {"key": key, "value": value})
        return
    # Delete then insert in one transaction: portable, and the last writer wins.
    conn.execute(delete(VALUES).where(VALUES.c.key == key))
    if value is not None:
        conn.execute(insert(VALUES).values(key=key, value=value))
