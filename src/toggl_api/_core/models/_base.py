"""Shared model machinery: ``TogglClass`` and ``WorkspaceChild``, field converters and the record form.

Models are attrs classes with ``slots=False`` because the SQL cache maps them imperatively. ``timestamp`` is when
*we* fetched the entity (drives cache freshness, excluded from equality and repr); ``at`` is the server's
last-modified time and ``server_deleted_at`` its deletion time. Payload keys a model has no field for are kept in
``extra`` so nothing Toggl sends is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, TypeVar

from attrs import Attribute, define, field, fields

from ..errors import DateTimeError
from ..timeutil import ensure_aware, parse_date, parse_datetime

__all__ = [
    "TogglClass",
    "WorkspaceChild",
    "now_utc",
    "opt_date",
    "opt_datetime",
    "opt_entity_id",
    "opt_timedelta",
    "req_datetime",
]

T = TypeVar("T", bound="TogglClass")


def now_utc() -> datetime:
    """Default for ``timestamp`` when none is given (endpoints pass their clock's time instead)."""
    return datetime.now(timezone.utc)


def req_datetime(value: Any) -> datetime:
    """Converter: str/datetime → aware UTC datetime (naive → ``DateTimeError``)."""
    if isinstance(value, datetime):
        return ensure_aware(value).astimezone(timezone.utc)
    if isinstance(value, str):
        return parse_datetime(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    msg = f"expected an ISO 8601 string or an aware datetime, not {type(value).__name__}"
    raise DateTimeError(msg)


def opt_datetime(value: Any) -> datetime | None:
    """Converter: ``None`` stays ``None``, anything else as ``req_datetime``."""
    return None if value is None else req_datetime(value)


def opt_date(value: Any) -> date | None:
    """Converter: ``None`` stays ``None``; ``YYYY-MM-DD``/date/datetime → date."""
    if value is None:
        return None
    if isinstance(value, (str, date)):
        return parse_date(value)
    msg = f"expected a date or YYYY-MM-DD, not {type(value).__name__}"
    raise DateTimeError(msg)


def opt_timedelta(value: Any) -> timedelta | None:
    """Converter: seconds (int/float) or timedelta → timedelta."""
    if value is None or isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    msg = f"expected seconds or a timedelta, not {type(value).__name__}"
    raise TypeError(msg)


def opt_entity_id(value: Any) -> int | None:
    """Converter for references to other entities: ``None``, an id, or a model (its id is kept)."""
    if value is None:
        return None
    if isinstance(value, TogglClass):
        return value.id
    return int(value)


def _timestamp(value: Any) -> datetime:
    return now_utc() if value is None else req_datetime(value)


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _dict(value: Any) -> dict[str, Any]:
    return {} if value is None else dict(value)


@define(slots=False, unsafe_hash=False)
class TogglClass:
    """Base of every Toggl entity: ``id``, ``name`` and the time we fetched it.

    Equality compares the entity's data, as toggl-api-wrapper's dataclasses did: every field except what the
    server or the cache adds about the record (``timestamp``, ``at``, ``server_deleted_at``, ``extra``), so two
    copies of one entity compare equal (``endpoint.add(...) == endpoint.get(id)``). The hash is by class and id.
    """

    __tablename__: ClassVar[str] = "base"
    #: Payload keys ``from_kwargs`` maps itself (everything else goes to ``extra``).
    _CONSUMED: ClassVar[frozenset[str]] = frozenset({"id", "name", "timestamp", "at", "server_deleted_at", "extra"})

    id: int = field(converter=int)
    name: str = field(converter=_str)
    timestamp: datetime = field(factory=now_utc, converter=_timestamp, eq=False, repr=False)
    at: datetime | None = field(default=None, converter=opt_datetime, kw_only=True, eq=False, repr=False)
    server_deleted_at: datetime | None = field(
        default=None, converter=opt_datetime, kw_only=True, repr=False, eq=False
    )
    extra: dict[str, Any] = field(factory=dict, converter=_dict, eq=False, repr=False, kw_only=True)

    def __attrs_pre_init__(self) -> None:
        # toggl-api-wrapper's TogglClass was abstract: only its subclasses are entities.
        if type(self) is TogglClass:
            msg = "Can't instantiate abstract class TogglClass; use one of its subclasses (TogglTag, ...)"
            raise TypeError(msg)

    def __hash__(self) -> int:
        return hash((type(self).__tablename__, self.id))

    def __getitem__(self, item: str) -> Any:
        return getattr(self, item)

    def __setitem__(self, item: str, value: Any) -> None:
        setattr(self, item, value)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Names of the model's fields, in constructor order."""
        return tuple(a.name for a in fields(cls))

    @classmethod
    def _base_kwargs(cls, data: dict[str, Any], consumed: frozenset[str] | None = None) -> dict[str, Any]:
        used = cls._CONSUMED | (consumed or frozenset())
        extra = dict(data.get("extra") or {})
        extra.update({k: v for k, v in data.items() if k not in used})
        return {
            "id": data["id"],
            "name": data.get("name"),
            "timestamp": data.get("timestamp"),
            "at": data.get("at"),
            "server_deleted_at": data.get("server_deleted_at"),
            "extra": extra,
        }

    @classmethod
    def from_kwargs(cls: type[T], **kwargs: Any) -> T:
        """Build the model from an API payload (or from a record written by a cache)."""
        return cls(**cls._base_kwargs(kwargs))

    def is_deleted(self) -> bool:
        """True when the server marked the entity deleted (``server_deleted_at`` is set)."""
        return self.server_deleted_at is not None

    def _items(self) -> Iterator[tuple[Attribute[Any], Any]]:
        for attribute in fields(type(self)):
            yield attribute, getattr(self, attribute.name)


@define(slots=False, unsafe_hash=False)
class WorkspaceChild(TogglClass):
    """An entity that belongs to a workspace (clients, projects, tags, time entries)."""

    __tablename__: ClassVar[str] = "workspace_child"
    _CONSUMED: ClassVar[frozenset[str]] = TogglClass._CONSUMED | {"workspace", "workspace_id", "wid"}

    workspace: int = field(default=0, converter=int)

    @classmethod
    def _workspace_of(cls, data: dict[str, Any]) -> int:
        """The payload's workspace id; ``KeyError("Workspace not found!")`` without one (as toggl-api-wrapper)."""
        for key in ("workspace_id", "wid", "workspace"):
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        msg = "Workspace not found!"
        raise KeyError(msg)

    @classmethod
    def from_kwargs(cls: type[T], **kwargs: Any) -> T:
        """Build the model from an API payload (``workspace_id``/``wid``) or a cache record."""
        base = cls._base_kwargs(kwargs)
        base["workspace"] = WorkspaceChild._workspace_of(kwargs)
        return cls(**base)
