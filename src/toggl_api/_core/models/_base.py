"""Shared model machinery: ``TogglClass`` and ``WorkspaceChild``, field converters and the record form.

Models are attrs classes with ``slots=False`` because the SQL cache maps them imperatively. ``timestamp`` is when
*we* fetched the entity (drives cache freshness, excluded from equality and repr); ``at`` is the server's
last-modified time and ``server_deleted_at`` its deletion time. Payload keys a model has no field for are kept in
``extra`` so nothing Toggl sends is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar, TypeVar

from attrs import Attribute, define, field, fields

from ..plain_errors import DateTimeError, MissingFieldError
from ..timeutil import _canonical, ensure_aware, parse_date, parse_datetime

__all__ = [
    "TogglClass",
    "WorkspaceChild",
    "now_utc",
    "opt_date",
    "opt_datetime",
    "opt_entity_id",
    "opt_timedelta",
    "id_or_zero",
    "id_value",
    "req_datetime",
]


T = TypeVar("T", bound="TogglClass")


#: How an instance of a model class is made without ``__init__`` when its fields are set straight into
#: ``__dict__`` (decoding shortcuts): ``object.__new__`` unless the SQL cache mapped the class, which registers the
#: ORM's own maker here (the instance then carries the state the ORM needs, as one its loader makes does).
_INSTANCE_MAKERS: dict[type, Callable[[], Any]] = {}


def new_instance(cls: type[T]) -> T:
    """A new, empty instance of ``cls`` (no ``__init__``; see ``_INSTANCE_MAKERS``)."""
    maker = _INSTANCE_MAKERS.get(cls)
    instance: T = maker() if maker is not None else object.__new__(cls)
    return instance


def register_instance_maker(cls: type, maker: Callable[[], Any]) -> None:
    """Make ``new_instance(cls)`` call ``maker`` (the SQL cache does this for the classes it maps)."""
    _INSTANCE_MAKERS[cls] = maker


def now_utc() -> datetime:
    """Default for ``timestamp`` when none is given (endpoints pass their clock's time instead)."""
    return datetime.now(timezone.utc)


#: The instants a model accepts: Toggl was founded in 2006, and nothing it stores lies centuries away. Bounds
#: keep absurd values (year 1, year 9999 with an offset) from overflowing later date arithmetic.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2500, 1, 1, tzinfo=timezone.utc)

#: Entity ids are positive 64-bit signed ints (what Toggl, SQLite and PostgreSQL's BIGINT hold).
MAX_ID = 2**63 - 1


def _in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        msg = f"datetime {value.isoformat()} is out of range; expected one from 1970 to 2499"
        raise DateTimeError(msg)
    return value


def req_datetime(value: Any) -> datetime:
    """Converter: str/datetime → aware UTC datetime in 1970-2499 (naive or out of range → ``DateTimeError``)."""
    if type(value) is str:  # what every answer holds, in the one shape Toggl writes: straight to the parser
        fast = _canonical(value)
        if fast is not None and EARLIEST <= fast < LATEST:
            return fast
    elif type(value) is datetime and value.tzinfo is timezone.utc and EARLIEST <= value < LATEST:
        return value  # already what a model keeps (e.g. a clock's now)
    try:
        if isinstance(value, datetime):
            return _in_range(ensure_aware(value).astimezone(timezone.utc))
        if isinstance(value, str):
            return _in_range(parse_datetime(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _in_range(datetime.fromtimestamp(value, timezone.utc))
    except (OverflowError, OSError) as exc:  # year 1 shifted west, a timestamp of 1e300
        msg = f"datetime {value!r} is out of range; expected one from 1970 to 2499"
        raise DateTimeError(msg) from exc
    except ValueError as exc:
        if isinstance(exc, DateTimeError):
            raise
        msg = f"not a valid datetime: {value!r} ({exc})"
        raise DateTimeError(msg) from exc
    msg = f"expected an ISO 8601 string or an aware datetime, not {type(value).__name__}"
    raise DateTimeError(msg)


def id_value(value: Any, name: str = "id") -> int:
    """Converter for entity ids: an int from -(2**63 - 1) to 2**63 - 1 (never a bool, a float or a string).

    Floats are refused even when integral (``5.0``): a float id is a sign of a bad payload or a caller mistake,
    and rounding one silently could address another entity. 0 is accepted for models built by hand (placeholders,
    as in toggl-api-wrapper); negative ids mark entries that exist only locally and never had a Toggl id (time
    entries imported from a CSV export, see ``toggl_api.history``). An answer from Toggl with an id below 1 is
    refused where answers are decoded, and a request never carries an id below 1.

    Raises:
        TypeError: ``value`` is not an int.
        ValueError: ``value`` does not fit 64 bits.
    """
    if type(value) is int and -MAX_ID <= value <= MAX_ID:  # the common case, without the call below
        return value
    return _checked_id(value, name, -MAX_ID)


def _checked_id(value: Any, name: str, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be an int, not {type(value).__name__}"
        raise TypeError(msg)
    if not lowest <= value <= MAX_ID:
        low = "0" if lowest == 0 else "-(2**63 - 1)"
        msg = f"{name} must be a 64-bit id from {low} to 2**63 - 1, got {value}"
        raise ValueError(msg)
    return value


def id_or_zero(value: Any) -> int:
    """Converter for a parent reference where 0 means "not known" (toggl-api-wrapper's default), else an id."""
    if type(value) is int and 0 <= value <= MAX_ID:
        return value
    return _checked_id(value, "a referenced id", 0)


def opt_datetime(value: Any) -> datetime | None:
    """Converter: ``None`` stays ``None``, anything else as ``req_datetime``."""
    if value is None:
        return None
    if type(value) is str and (fast := _canonical(value)) is not None and EARLIEST <= fast < LATEST:
        return fast  # req_datetime's first rule, without the call
    return req_datetime(value)


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
    if type(value) is int or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        try:
            return timedelta(seconds=value)
        except (OverflowError, ValueError) as exc:  # 1e300, inf, nan
            msg = f"duration of {value!r} seconds is out of range"
            raise ValueError(msg) from exc
    msg = f"expected seconds or a timedelta, not {type(value).__name__}"
    raise TypeError(msg)


def opt_entity_id(value: Any) -> int | None:
    """Converter for references to other entities: ``None``, an id (0 tolerated), or a model (its id is kept)."""
    if value is None:
        return None
    if type(value) is int and 0 <= value <= MAX_ID:
        return value
    if isinstance(value, TogglClass):
        return value.id
    return id_or_zero(value)


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

    id: int = field(converter=id_value)
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
        if "id" not in data:
            msg = f"{cls.__name__}.from_kwargs needs an 'id'; got the keys {sorted(map(str, data))[:10]}"
            raise TypeError(msg)
        used = cls._CONSUMED | consumed if consumed else cls._CONSUMED
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

    workspace: int = field(default=0, converter=id_or_zero)

    @classmethod
    def _workspace_of(cls, data: dict[str, Any]) -> int:
        """The payload's workspace id; ``KeyError("Workspace not found!")`` without one (as toggl-api-wrapper)."""
        for key in ("workspace_id", "wid", "workspace"):
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        msg = "Workspace not found!"
        raise MissingFieldError(msg)

    @classmethod
    def _workspace_or_zero(cls, data: dict[str, Any]) -> int:
        """The payload's workspace id, or 0 for answers that leave it implied by the path (the endpoint fills it)."""
        try:
            return cls._workspace_of(data)
        except MissingFieldError:
            return 0

    @classmethod
    def from_kwargs(cls: type[T], **kwargs: Any) -> T:
        """Build the model from an API payload (``workspace_id``/``wid``) or a cache record."""
        base = cls._base_kwargs(kwargs)
        base["workspace"] = WorkspaceChild._workspace_of(kwargs)
        return cls(**base)
