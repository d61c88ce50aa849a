"""The CLI's fast read path over an SQLite cache file: plain ``sqlite3``, filters and sorting pushed to SQL.

``toggl-api entries``, ``report``, the lists (``projects``...) and ``current`` (while the cache knows what runs)
read a cache that may hold 100k time entries, in a fresh process each time. Through ``SqliteCache`` every run
would import SQLAlchemy (about 0.2 s) and build a model per entry (100k models take more than 100 MB). This
reader opens the database the SQL cache wrote with the standard library only, lets SQLite filter (``start``,
``stop``, ``workspace`` and ``project`` are indexed), sort and limit, builds models only for the rows shown, and
hands the report plain tuples.

It reads the layout of ``toggl_api._core.models.tables`` (table and column names equal model and field names;
datetimes are UTC wall-time text, ``duration`` an SQLAlchemy ``Interval``, ``extra`` JSON text, booleans 0/1) and
reads each table's columns from the file itself, so a cache written by an older version (fewer columns) reads
too. It never writes. Any ``sqlite3.Error`` (a damaged or foreign file, a locked one) is raised as is: the CLI
then takes the regular path, whose cache knows how to set a damaged file aside.

The SQL text is built by the pure ``*_sql`` functions (tested without a database); only ``OfflineReader`` does
I/O.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from attrs import fields

from .._core.models import TogglClass, TogglTag, TogglTracker

__all__ = [
    "EntryFilter",
    "LightEntry",
    "LightTag",
    "OfflineReader",
    "day_start",
    "entries_sql",
    "facts_sql",
    "tags_sql",
]

M = TypeVar("M", bound=TogglClass)

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class EntryFilter:
    """Which time entries a command wants: ids already resolved from names; ``start_from``/``start_before`` are
    aware instants (the first day's midnight and the day after the last one's, in the command's zone)."""

    start_from: datetime | None = None
    start_before: datetime | None = None
    workspace: int | None = None
    project: int | None = None
    client: int | None = None
    tag: int | None = None
    #: Only entries without a stop (the running one, and any an import or a lost stop left open).
    running: bool = False


def _where(wanted: EntryFilter) -> tuple[str, list[Any]]:
    """The WHERE clause over ``tracker`` (aliased ``t``) and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if wanted.workspace is not None:
        clauses.append("t.workspace = ?")
        params.append(wanted.workspace)
    # Stored starts are "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, so instants compare as text of that shape (and use
    # the index).
    if wanted.start_from is not None:
        clauses.append("t.start >= ?")
        params.append(_stored(wanted.start_from))
    if wanted.start_before is not None:
        clauses.append("t.start < ?")
        params.append(_stored(wanted.start_before))
    if wanted.project is not None:
        clauses.append("t.project = ?")
        params.append(wanted.project)
    if wanted.client is not None:
        clauses.append('t.project IN (SELECT p.id FROM project AS p WHERE p.client = ?)')
        params.append(wanted.client)
    if wanted.tag is not None:
        clauses.append("EXISTS (SELECT 1 FROM tracker_tag AS g WHERE g.tracker = t.id AND g.tag = ?)")
        params.append(wanted.tag)
    if wanted.running:
        clauses.append("t.stop IS NULL")  # indexed
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone`` (its midnight; after a gap at midnight, the gap's end).

    Local days follow each other in every zone where clocks never go back across midnight: there an entry's
    local day is ``day`` or later exactly when it starts at or after this instant. (Where a zone moved clocks back
    over midnight, entries of the repeated hour are checked again by the caller.)
    """
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)


def _stored(moment: datetime) -> str:
    """An aware instant as the cache stores it: UTC wall time, ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def entries_sql(columns: Sequence[str], wanted: EntryFilter, limit: int) -> tuple[str, list[Any]]:
    """SELECT of the wanted entries' ``columns``, newest first (start, then id), at most ``limit`` (0: all)."""
    where, params = _where(wanted)
    names = ", ".join(f't."{c}"' for c in columns)
    sql = f"SELECT {names} FROM tracker AS t{where} ORDER BY t.start DESC, t.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


#: Microseconds from a stored start to a stored stop, exactly (integer arithmetic on the stored UTC text).
_MICROS = (
    "(CAST(strftime('%s', t.stop) AS INTEGER) - CAST(strftime('%s', t.start) AS INTEGER)) * 1000000"
    " + CAST(substr(t.stop, 21, 6) AS INTEGER) - CAST(substr(t.start, 21, 6) AS INTEGER)"
)


def facts_sql(wanted: EntryFilter) -> tuple[str, list[Any]]:
    """SELECT of what a report needs per wanted entry, newest first like ``entries``: id, microseconds from start
    to stop (``NULL`` while running), the stored start, project."""
    where, params = _where(wanted)
    sql = (
        f"SELECT t.id, CASE WHEN t.stop IS NULL THEN NULL ELSE {_MICROS} END, t.start, t.project "
        f"FROM tracker AS t{where} ORDER BY t.start DESC, t.id DESC"
    )
    return sql, params


def tags_sql(wanted: EntryFilter) -> tuple[str, list[Any]]:
    """SELECT of (entry id, tag id, tag name) of the wanted entries, in each entry's tag order."""
    where, params = _where(wanted)
    sql = (
        "SELECT g.tracker, g.tag, g.name FROM tracker_tag AS g "
        f"WHERE g.tracker IN (SELECT t.id FROM tracker AS t{where}) ORDER BY g.tracker, g.position"
    )
    return sql, params


def _utc(text: str | None) -> datetime | None:
    """A stored datetime (UTC wall time) as an aware UTC datetime."""
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _decoder(declared: str, annotation: str) -> Any:
    """How to turn a stored value of a column into the field's value (``None`` stays ``None``)."""
    kind = declared.upper()
    if "timedelta" in annotation:  # SQLAlchemy's Interval on SQLite: a datetime relative to the epoch
        return lambda v: v if v is None else datetime.fromisoformat(v) - _EPOCH
    if kind.startswith(("DATETIME", "TIMESTAMP")):
        return _utc
    if kind.startswith("DATE"):
        return lambda v: v if v is None else date.fromisoformat(v)
    if kind.startswith("BOOL"):
        return lambda v: v if v is None else bool(v)
    if kind.startswith("JSON"):
        return lambda v: v if v is None else json.loads(v)
    return None


class OfflineReader:
    """Read-only access to an SQLite cache file written by ``SqliteCache``."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise sqlite3.OperationalError(f"no cache database at {path}")
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA query_only = 1")
        self._columns: dict[str, list[tuple[str, Any]]] = {}

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> OfflineReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _layout(self, model: type[TogglClass]) -> list[tuple[str, Any]]:
        """The model's stored columns (field name, decoder) in the file's table, in the table's order."""
        table = model.__tablename__
        found = self._columns.get(table)
        if found is None:
            annotations = {a.name: str(a.type) for a in fields(model)}
            rows = self._db.execute(f'PRAGMA table_info("{table}")').fetchall()
            found = [(name, _decoder(declared or "", annotations[name])) for _, name, declared, *_ in rows
                     if name in annotations]
            self._columns[table] = found
        return found

    def _build(self, model: type[M], layout: list[tuple[str, Any]], rows: Sequence[Sequence[Any]]) -> list[M]:
        built: list[M] = []
        for row in rows:
            values = {name: (value if decode is None or value is None else decode(value))
                      for (name, decode), value in zip(layout, row, strict=True)}
            # Through the model's own constructor: a file another program may have written is checked like any
            # data from outside (these are few rows: those a command shows).
            built.append(model(**values))
        return built

    def get_value(self, key: str) -> str | None:
        """The small text value the cache stores under ``key`` (``TogglCache.get_value``), if any."""
        try:
            row = self._db.execute("SELECT value FROM cache_value WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else str(row[0])

    def load(self, model: type[M]) -> list[M]:
        """Every entry of ``model`` (a small table: projects, clients, tags, workspaces), ordered by id."""
        layout = self._layout(model)
        if not layout:
            return []
        names = ", ".join(f'"{name}"' for name, _ in layout)
        rows = self._db.execute(f'SELECT {names} FROM "{model.__tablename__}" ORDER BY id').fetchall()
        return self._build(model, layout, rows)

    def entries(self, wanted: EntryFilter, limit: int) -> list[TogglTracker]:
        """The wanted time entries with their tags, newest first, at most ``limit`` (0: all)."""
        layout = [(name, decode) for name, decode in self._layout(TogglTracker) if name != "tags"]
        if not layout:
            return []
        sql, params = entries_sql([name for name, _ in layout], wanted, limit)
        found = self._build(TogglTracker, layout, self._db.execute(sql, params).fetchall())
        by_id = {entry.id: entry for entry in found}
        for chunk in range(0, len(found), 500):
            ids = [entry.id for entry in found[chunk : chunk + 500]]
            marks = ", ".join("?" * len(ids))
            rows = self._db.execute(
                f"SELECT tracker, tag, name, workspace FROM tracker_tag WHERE tracker IN ({marks}) "
                "ORDER BY tracker, position",
                ids,
            ).fetchall()
            for tracker, tag, name, workspace in rows:
                entry = by_id[tracker]
                entry.tags.append(TogglTag(tag, name, entry.timestamp, workspace=workspace))
        return found

    def light_entries(self, wanted: EntryFilter) -> list[LightEntry]:
        """The wanted entries, newest first, as ``LightEntry`` objects for reports: no model is built, and a
        stopped entry's duration comes exact from SQL."""
        sql, params = facts_sql(wanted)
        rows = self._db.execute(sql, params).fetchall()
        tags: dict[int, list[LightTag]] = {}
        sql, params = tags_sql(wanted)
        for tracker, tag, name in self._db.execute(sql, params):
            tags.setdefault(tracker, []).append(LightTag(tag, name))
        parse, utc = datetime.fromisoformat, timezone.utc
        return [LightEntry(parse(start).replace(tzinfo=utc), micros, project, tags.get(ident, []))
                for ident, micros, start, project in rows]


class LightTag(NamedTuple):
    """A time entry's tag as a report needs it."""

    id: int
    name: str


class LightEntry:
    """What a report reads of a time entry (``start``, ``project``, ``tags``, ``running()``, ``elapsed(now)``),
    answering as ``TogglTracker`` does."""

    __slots__ = ("micros", "project", "start", "tags")

    def __init__(self, start: datetime, micros: int | None, project: int | None, tags: list[LightTag]) -> None:
        self.start, self.micros, self.project, self.tags = start, micros, project, tags

    def running(self) -> bool:
        """True while the entry runs (no stop)."""
        return self.micros is None

    def elapsed(self, now: datetime) -> timedelta:
        """``stop - start`` (exact), or ``now - start`` while running (never negative)."""
        if self.micros is not None:
            return timedelta(microseconds=self.micros)
        return max(now - self.start, timedelta(0))
