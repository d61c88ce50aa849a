"""The SQL schema of the cache and the imperative mapping of the attrs models onto it (no I/O here).

One module-level ``MetaData`` holds every table and one ``registry`` maps each model class exactly once, the
first time ``map_models()`` runs; later calls return the same objects, so several caches and engines share one
schema description. Importing this module imports SQLAlchemy; the caches import it only when they are built.

Layout (portable SQL: nothing here or in ``sql_query`` is SQLite-only):

- one table per model, named after ``__tablename__``; every column is the model field of the same name;
  ``extra`` is JSON, datetimes are stored in UTC, ids are 64-bit;
- ``tracker_tag``: a time entry's tags (tag id, name and position), deleted with the entry. It does not point
  at the ``tag`` table, so tags seen on entries never pollute the cached tag list;
- ``cache_marker``: when a list (``scope``) was last fetched completely.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    Interval,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator

from ..errors import DateTimeError
from ._base import TogglClass, register_instance_maker
from .client import TogglClient, TogglTag
from .organization import TogglOrganization, TogglWorkspace
from .project import TogglProject
from .task import TogglTask
from .tracker import TogglTracker
from .user import TogglGroup, TogglOrganizationUser, TogglProjectUser, TogglWorkspaceUser

__all__ = ["MARKERS", "METADATA", "RETIRED_INDEXES", "TRACKER_TAGS", "VALUES", "UTCDateTime", "map_models", "table_for"]


#: UTC datetimes whose stored text ``UTCDateTime`` keeps per bind processor.
_BOUND_TEXTS = 512


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # toggl-api-wrapper's exception types and messages (DateTimeError is a ValueError, as 2.2.0 raised).
        if not isinstance(value, datetime):
            msg = f"Expected datetime.datetime, not {value!r}"
            raise TypeError(msg)
        if value.tzinfo is None:
            msg = "Naive datetime is disallowed!"
            raise DateTimeError(msg)
        value = value.astimezone(timezone.utc)
        # SQLite has no time zone type: store UTC wall time so text comparisons order correctly.
        return value.replace(tzinfo=None) if _dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        # The text SQLAlchemy's SQLite DATETIME stores ("YYYY-MM-DD HH:MM:SS.ffffff", UTC wall time), made in one
        # step instead of two layers: writes of a batch convert several datetimes per row.

        utc = timezone.utc
        # Formatting costs about 1 µs, as much as a third of a lookup by id: the texts of recent UTC datetimes are
        # kept (a query's window bounds and a batch's fetch time recur), a bounded number, dropped all at once.
        texts: dict[datetime, str] = {}

        def process(value: Any) -> str | None:
            if type(value) is datetime and value.tzinfo is utc:  # the usual value: its text without the offset
                text = texts.get(value)
                if text is None:
                    if len(texts) >= _BOUND_TEXTS:
                        texts.clear()
                    text = texts[value] = value.isoformat(sep=" ", timespec="microseconds")[:26]
                return text
            value = self.process_bind_param(value, dialect)
            return None if value is None else value.isoformat(sep=" ", timespec="microseconds")

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # SQLite hands back the text we stored (UTC wall time): one parse instead of the two layers of the
        # generic path (the dialect's DATETIME parser, then ``process_result_value``), on the hottest read path.
        parse, utc = datetime.fromisoformat, timezone.utc

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if type(value) is str and len(value) == 26 and value[10] == " ":
                # Our text ("YYYY-MM-DD HH:MM:SS.ffffff") parsed with its UTC offset in one step: ``replace`` after
                # the parse costs several times the parse. Anything else takes the general way below.
                try:
                    return parse(value + "+00:00")
                except ValueError:
                    pass
            parsed = parse(value) if isinstance(value, str) else value
            return parsed.replace(tzinfo=utc) if parsed.tzinfo is None else parsed.astimezone(utc)

        return process

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


_ID = BigInteger().with_variant(Integer, "sqlite")  # INTEGER PRIMARY KEY is SQLite's fast rowid key

METADATA = MetaData()


def _common(name: str, *columns: Any, indexes: tuple[str, ...] = ()) -> Table:
    table = Table(
        name,
        METADATA,
        Column("id", _ID, primary_key=True, autoincrement=False),
        Column("name", Text, nullable=False, default=""),
        Column("timestamp", UTCDateTime, nullable=False),
        Column("at", UTCDateTime, nullable=True),
        Column("server_deleted_at", UTCDateTime, nullable=True),
        Column("extra", JSON, nullable=False, default=dict),
        *columns,
    )
    Index(f"ix_{name}_timestamp", table.c.timestamp)
    for column in indexes:
        Index(f"ix_{name}_{column}", table.c[column])
    return table


ORGANIZATION = _common("organization")
WORKSPACE = _common("workspace", Column("organization", BigInteger, nullable=False, default=0),
                    indexes=("organization",))
CLIENT = _common(
    "client",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("archived", Boolean, nullable=False, default=False),
    Column("notes", Text, nullable=True),
    indexes=("workspace",),
)
TAG = _common("tag", Column("workspace", BigInteger, nullable=False, default=0), indexes=("workspace",))
PROJECT = _common(
    "project",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("color", String(32), nullable=False, default="#0b83d9"),
    Column("client", BigInteger, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
    Column("is_private", Boolean, nullable=False, default=True),
    Column("billable", Boolean, nullable=False, default=False),
    indexes=("workspace", "client", "start_date", "end_date"),
)
TRACKER = _common(
    "tracker",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("start", UTCDateTime, nullable=False),
    Column("duration", Interval, nullable=True),
    Column("stop", UTCDateTime, nullable=True),
    Column("project", BigInteger, nullable=True),
    Column("billable", Boolean, nullable=False, default=False),
    Column("user", BigInteger, nullable=True),
    # Added after the first release: ``migrate_columns`` adds it to older cache files (nullable on purpose).
    Column("task", BigInteger, nullable=True),
    indexes=("workspace", "start", "stop"),
)
# A project's entries in a time window (a report's question) read only the matching index entries; queries by
# project alone use the same index. It replaced ``ix_tracker_project`` (see ``RETIRED_INDEXES``).
Index("ix_tracker_project_start", TRACKER.c.project, TRACKER.c.start)
TASK = _common(
    "task",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("project", BigInteger, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
    Column("estimated_seconds", BigInteger, nullable=True),
    Column("user", BigInteger, nullable=True),
    indexes=("workspace", "project"),
)
WORKSPACE_USER = _common(
    "workspace_user",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("user", BigInteger, nullable=False, default=0),
    Column("email", Text, nullable=True),
    Column("admin", Boolean, nullable=False, default=False),
    Column("role", String(64), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("inactive", Boolean, nullable=False, default=False),
    Column("timezone", String(64), nullable=True),
    indexes=("workspace", "user"),
)
ORGANIZATION_USER = _common(
    "organization_user",
    Column("user", BigInteger, nullable=False, default=0),
    Column("organization", BigInteger, nullable=False, default=0),
    Column("email", Text, nullable=True),
    Column("admin", Boolean, nullable=False, default=False),
    Column("owner", Boolean, nullable=False, default=False),
    Column("inactive", Boolean, nullable=False, default=False),
    Column("joined", Boolean, nullable=False, default=True),
    Column("workspaces", JSON, nullable=False, default=list),
    indexes=("organization", "user"),
)
PROJECT_USER = _common(
    "project_user",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("project", BigInteger, nullable=False, default=0),
    Column("user", BigInteger, nullable=False, default=0),
    Column("manager", Boolean, nullable=False, default=False),
    # JSON, not Float: the cache's compiled reads ask for result processors without a column type, which
    # PostgreSQL's numeric types refuse.
    Column("rate", JSON(none_as_null=True), nullable=True),
    Column("group", BigInteger, nullable=True),
    indexes=("workspace", "project", "user"),
)
# "group" is an SQL keyword: the table takes a longer name.
USER_GROUP = _common(
    "user_group",
    Column("workspace", BigInteger, nullable=False, default=0),
    Column("has_users", Boolean, nullable=False, default=False),
    indexes=("workspace",),
)
TRACKER_TAGS = Table(
    "tracker_tag",
    METADATA,
    Column("tracker", _ID, ForeignKey("tracker.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("tag", BigInteger, nullable=False),
    Column("name", Text, nullable=False),
    Column("workspace", BigInteger, nullable=False, default=0),
)
Index("ix_tracker_tag_tag", TRACKER_TAGS.c.tag)
Index("ix_tracker_tag_name", TRACKER_TAGS.c.name)
MARKERS = Table(
    "cache_marker",
    METADATA,
    Column("scope", String(512), primary_key=True),
    Column("completed_at", UTCDateTime, nullable=True),
)
#: Small text values caches keep for endpoints (``TogglCache.set_value``), e.g. time-entry coverage.
VALUES = Table(
    "cache_value",
    METADATA,
    Column("key", String(512), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Indexes earlier releases created that a newer index replaced, per table: dropped when an older file is opened.
RETIRED_INDEXES: dict[str, tuple[str, ...]] = {"tracker": ("ix_tracker_project",)}

_TABLES: dict[type[TogglClass], Table] = {
    TogglOrganization: ORGANIZATION,
    TogglWorkspace: WORKSPACE,
    TogglClient: CLIENT,
    TogglTag: TAG,
    TogglProject: PROJECT,
    TogglTracker: TRACKER,
    TogglTask: TASK,
    TogglWorkspaceUser: WORKSPACE_USER,
    TogglOrganizationUser: ORGANIZATION_USER,
    TogglProjectUser: PROJECT_USER,
    TogglGroup: USER_GROUP,
}

_REGISTRY = registry(metadata=METADATA)


def map_models() -> MetaData:
    """Map every model class onto its table (once per process) and return the shared ``MetaData``."""
    for model, table in _TABLES.items():
        if "__mapper__" not in model.__dict__:
            _REGISTRY.map_imperatively(model, table)
            register_instance_maker(model, instance_maker(model))
    # Configure now, not on the first query: attribute access on models made before mapping needs it.
    _REGISTRY.configure()
    return METADATA


def instance_maker(model: type[TogglClass]) -> Callable[[], Any]:
    """A function making a new, empty mapped instance of ``model``, as the ORM's ``new_instance`` does.

    The instance state goes straight into ``__dict__``: through ``setattr`` it would pass the attrs
    ``__setattr__`` hook, which looks the name up among the converted fields and raises and catches a
    ``KeyError`` for it (most of the cost of a new instance).
    """
    from sqlalchemy.orm.base import manager_of_class

    manager = manager_of_class(model)
    make_state = getattr(manager, "_state_constructor", None)
    key = getattr(manager, "STATE_ATTR", None)
    if make_state is None or key is None:  # another SQLAlchemy than the one this was written for: its own way
        maker: Callable[[], Any] = manager.new_instance
        return maker
    new = model.__new__

    def make() -> Any:
        instance = new(model)
        instance.__dict__[key] = make_state(instance, manager)
        return instance

    return make


def table_for(model: type[TogglClass]) -> Table:
    """The table of a model class.

    Raises:
        TypeError: not a cacheable model.
    """
    for cls in model.__mro__:
        table = _TABLES.get(cls)
        if table is not None:
            return table
    msg = f"{model.__name__} has no SQL table; cacheable models: {', '.join(m.__name__ for m in _TABLES)}"
    raise TypeError(msg)
