"""The CLI's fast read path over an SQLite cache file: plain ``sqlite3``, filters and sorting pushed to SQL.

``toggl-api entries`` and ``report`` read a cache that may hold 100k time entries, in a fresh process each time.
Through ``SqliteCache`` every run would import SQLAlchemy (about 0.2 s) and build a model per entry (100k models
take more than 100 MB). This reader opens the database the SQL cache wrote with the standard library only, lets
SQLite filter (``start``, ``workspace`` and ``project`` are indexed), sort and limit, builds models only for the
rows shown, and hands the report plain tuples.

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
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from attrs import fields

from .._core.models import TogglClass, TogglTag, TogglTracker

__all__ = ["EntryFilter", "OfflineReader", "entries_sql", "facts_sql", "tags_sql"]

M = TypeVar("M", bound=TogglClass)

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class EntryFilter:
    """Which time entries a command wants (ids already resolved from names; days in UTC, both inclusive)."""

    first: date | None = None
    last: date | None = None
    workspace: int | None = None
    project: int | None = None
    client: int | None = None
    tag: int | None = None


def _where(wanted: EntryFilter) -> tuple[str, list[Any]]:
    """The WHERE clause over ``tracker`` (aliased ``t``) and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if wanted.workspace is not None:
        clauses.append("t.workspace = ?")
        params.append(wanted.workspace)
    # Stored starts are "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, so day bounds compare as text (and use the index).
    if wanted.first is not None:
        clauses.append("t.start >= ?")
        params.append(wanted.first.isoformat())
    if wanted.last is not None:
        clauses.append("t.start < ?")
        params.append((wanted.last + timedelta(days=1)).isoformat())
    if wanted.project is not None:
        clauses.append("t.project = ?")
        params.append(wanted.project)
    if wanted.client is not None:
        clauses.append('t.project IN (SELECT p.id FROM project AS p WHERE p.client = ?)')
        params.append(wanted.client)
    if wanted.tag is not None:
        clauses.append("EXISTS (SELECT 1 FROM tracker_tag AS g WHERE g.tracker = t.id AND g.tag = ?)")
        params.append(wanted.tag)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


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
    """SELECT of (entry id, tag name) of the wanted entries, in each entry's tag order."""
    where, params = _where(wanted)
    sql = (
        "SELECT g.tracker, g.name FROM tracker_tag AS g "
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

    def facts(self, wanted: EntryFilter, now: datetime, with_tags: bool) -> list[tuple[float, int | None, str,
                                                                                       list[str]]]:
        """(seconds, project, UTC day, tag names) of every wanted entry, newest first, for reports.

        No model and no datetime is built for a stopped entry: SQL computes its exact microseconds, and
        ``micros / 1e6`` is the float ``timedelta.total_seconds()`` gives. A running entry counts until ``now``
        (never negative), as ``TogglTracker.elapsed``.
        """
        sql, params = facts_sql(wanted)
        rows = self._db.execute(sql, params).fetchall()
        names: dict[int, list[str]] = {}
        if with_tags:
            sql, params = tags_sql(wanted)
            for tracker, name in self._db.execute(sql, params):
                names.setdefault(tracker, []).append(name)
        found: list[tuple[float, int | None, str, list[str]]] = []
        for ident, micros, start, project in rows:
            if micros is None:
                began = datetime.fromisoformat(start).replace(tzinfo=timezone.utc)
                seconds = max(now - began, timedelta(0)).total_seconds()
            else:
                seconds = micros / 1e6
            found.append((seconds, project, start[:10], names.get(ident, [])))
        return found
