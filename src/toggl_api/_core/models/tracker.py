"""Time entries (``TogglTracker``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

from attrs import define, field

from ..pending import PENDING_EXTRA, is_pending_id
from ..timeutil import _canonical
from ._base import (
    _INSTANCE_MAKERS,
    EARLIEST,
    LATEST,
    MAX_ID,
    WorkspaceChild,
    new_instance,
    now_utc,
    opt_datetime,
    opt_entity_id,
    opt_timedelta,
    req_datetime,
)
from .client import TogglTag

__all__ = ["TogglTracker"]


def _tags(value: Any) -> list[TogglTag]:
    if value is None:
        return []
    tags: list[TogglTag] = []
    for item in value:
        if isinstance(item, TogglTag):
            tags.append(item)
        elif isinstance(item, dict):
            tags.append(TogglTag.from_kwargs(**item))
        else:
            msg = (
                f"tags must be TogglTag objects or tag records, got {type(item).__name__}; "
                "build trackers from API payloads with TogglTracker.from_kwargs, which pairs tags with tag_ids"
            )
            raise TypeError(msg)
    return tags


def _start(value: Any) -> datetime:
    return now_utc() if value is None else req_datetime(value)


@define(slots=False, unsafe_hash=False)
class TogglTracker(WorkspaceChild):
    """A time entry. ``name`` is its description; ``stop is None`` while it runs; ``task`` is a task id.

    Toggl reports a negative ``duration`` for running entries; never use it for elapsed time:
    ``running_duration`` computes it from ``start``.
    """

    __tablename__: ClassVar[str] = "tracker"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {
        "description",
        "start",
        "stop",
        "duration",
        "project",
        "project_id",
        "pid",
        "task",
        "task_id",
        "tid",
        "tags",
        "tag_ids",
        "billable",
        "user_id",
        "uid",
        "user",
    }

    start: datetime = field(factory=now_utc, converter=_start)
    duration: timedelta | None = field(default=None, converter=opt_timedelta)
    stop: datetime | None = field(default=None, converter=opt_datetime)
    project: int | None = field(default=None, converter=opt_entity_id)
    tags: list[TogglTag] = field(factory=list, converter=_tags)
    billable: bool = field(default=False, converter=bool, kw_only=True)
    user: int | None = field(default=None, kw_only=True)
    task: int | None = field(default=None, converter=opt_entity_id, kw_only=True)

    @property
    def pending(self) -> bool:
        """True when writes to this entry wait in the offline outbox (``offline=True`` endpoints; see
        docs/outbox.md): it is shown as it will be once they reach Toggl."""
        return PENDING_EXTRA in self.extra or is_pending_id(self.id)

    def running(self) -> bool:
        """True while the entry runs (no ``stop``)."""
        return self.stop is None

    @property
    def description(self) -> str:
        """The entry's description (an alias of ``name``)."""
        return self.name

    @property
    def running_duration(self) -> timedelta:
        """Elapsed time: ``stop - start`` when stopped, ``now - start`` while running (never negative)."""
        return self.elapsed(now_utc())

    def elapsed(self, now: datetime) -> timedelta:
        """Elapsed time at ``now``; a stopped entry uses its own stop."""
        if self.stop is not None:
            return self.stop - self.start
        return max(now - self.start, timedelta(0))

    @staticmethod
    def get_tags(**kwargs: Any) -> list[TogglTag]:
        """Pair an API payload's ``tags`` (names) with its ``tag_ids``; tag records and models pass through.

        Raises:
            ValueError: names and ids do not pair up.
        """
        return TogglTracker._paired_tags(kwargs)

    @staticmethod
    def _paired_tags(kwargs: dict[str, Any]) -> list[TogglTag]:
        tags = kwargs.get("tags") or []
        # Names (what answers hold) are recognised by the first one; records and models pass through _tags.
        if tags and not isinstance(tags[0], str) and all(isinstance(t, (TogglTag, dict)) for t in tags):
            return _tags(tags)
        ids = kwargs.get("tag_ids") or []
        if not tags and not ids:
            return []
        if len(tags) != len(ids):
            msg = f"cannot pair {len(tags)} tag names with {len(ids)} tag ids"
            raise ValueError(msg)
        workspace = WorkspaceChild._workspace_of(kwargs)
        return [TogglTag(id=i, name=n, workspace=workspace) for i, n in zip(ids, tags, strict=True)]

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglTracker:
        """Build from an API payload (``description``, ``project_id``, ``tags`` + ``tag_ids``) or a record."""
        get = kwargs.get
        base = cls._base_kwargs(kwargs)
        # Positional and plain keyword arguments: a ``**base`` merge per entry costs more than the lookups.
        return cls(
            base["id"],
            get("description", base["name"]),
            base["timestamp"],
            cls._workspace_of(kwargs),
            get("start"),
            get("duration"),
            get("stop"),
            get("project_id", get("pid", get("project"))),
            cls._paired_tags(kwargs),
            at=base["at"],
            server_deleted_at=base["server_deleted_at"],
            extra=base["extra"],
            billable=bool(get("billable", False)),
            user=get("user_id", get("uid", get("user"))),
            task=get("task_id", get("tid", get("task"))),
        )

    @classmethod
    def _from_plain_answer(cls, item: dict[str, Any], now: datetime) -> TogglTracker | None:
        """``from_kwargs(**item, timestamp=now)`` for an answer in exactly the shape Toggl writes, or ``None``.

        Each value is checked here as its converter would check it, and the instance gets the converted values
        directly: decoding a time entry read from Toggl then takes about a third less time. Anything else (another
        type, another spelling of a date, a key of a cache record, a subclass, a class mapped without an
        instance maker registered) answers ``None``, and the caller takes ``from_kwargs``, which keeps every
        rule and error message.
        """
        if not _PLAIN_BUILD or cls is not TogglTracker or _orm_mapped(TogglTracker) or _orm_mapped(TogglTag):
            return None
        if not _RECORD_KEYS.isdisjoint(item):
            return None
        if type(now) is not datetime or now.tzinfo is not timezone.utc or not EARLIEST <= now < LATEST:
            return None
        get = item.get
        ident, workspace, name = get("id"), get("workspace_id"), get("description")
        if type(ident) is not int or not 0 < ident <= MAX_ID or type(workspace) is not int \
                or not 0 <= workspace <= MAX_ID or (name is not None and type(name) is not str):
            return None
        start, stop, at, deleted = (_instant(get("start")), _instant(get("stop")), _instant(get("at")),
                                    _instant(get("server_deleted_at")))
        if start is None or start is _NOT_PLAIN or stop is _NOT_PLAIN or at is _NOT_PLAIN or deleted is _NOT_PLAIN:
            return None  # (no start: from_kwargs takes the time now)
        seconds, project, task = get("duration"), get("project_id"), get("task_id")
        if (seconds is not None and type(seconds) is not int) \
                or (project is not None and (type(project) is not int or not 0 <= project <= MAX_ID)) \
                or (task is not None and (type(task) is not int or not 0 <= task <= MAX_ID)):
            return None
        names, ids = get("tags") or [], get("tag_ids") or []
        if type(names) is not list or type(ids) is not list or len(names) != len(ids):
            return None
        try:
            duration = None if seconds is None else timedelta(seconds=seconds)
        except OverflowError:
            return None
        tags = []
        for tag_id, tag_name in zip(ids, names, strict=True):
            if type(tag_name) is not str or type(tag_id) is not int or not -MAX_ID <= tag_id <= MAX_ID:
                return None
            tag = new_instance(TogglTag)
            tag.__dict__.update(id=tag_id, name=tag_name, timestamp=now_utc(), at=None, server_deleted_at=None,
                                extra={}, workspace=workspace)
            tags.append(tag)
        entry = new_instance(TogglTracker)
        # In the order attrs' __init__ sets them (``_PLAIN_FIELDS``).
        entry.__dict__.update(
            id=ident,
            name="" if name is None else name,
            timestamp=now,
            at=at,
            server_deleted_at=deleted,
            extra={k: v for k, v in item.items() if k not in _TRACKER_CONSUMED},
            workspace=workspace,
            start=start,
            duration=duration,
            stop=stop,
            project=project,
            tags=tags,
            billable=bool(get("billable", False)),
            user=get("user_id"),
            task=task,
        )
        return entry

    def tag_names(self) -> list[str]:
        """The names of the entry's tags."""
        return [t.name for t in self.tags]

    def has_any_tag(self, names: Iterable[str]) -> bool:
        """True when one of ``names`` is among the entry's tags."""
        wanted = set(names)
        return any(t.name in wanted for t in self.tags)


#: Keys ``from_kwargs`` reads besides (or instead of) what Toggl sends: cache records, toggl-api-wrapper's names.
_RECORD_KEYS = frozenset({"name", "timestamp", "extra", "workspace", "wid", "pid", "project", "tid", "task", "uid",
                          "user"})
_TRACKER_CONSUMED = TogglTracker._CONSUMED
#: The fields ``_from_plain_answer`` sets; a model with others (a field added later) keeps the general path.
_PLAIN_FIELDS = ("id", "name", "timestamp", "at", "server_deleted_at", "extra", "workspace", "start", "duration",
                 "stop", "project", "tags", "billable", "user", "task")
_PLAIN_BUILD = TogglTracker.field_names() == _PLAIN_FIELDS and TogglTag.field_names() == _PLAIN_FIELDS[:7]
_NOT_PLAIN: Any = object()


def _orm_mapped(cls: type) -> bool:
    """Whether ``cls`` is mapped by the ORM with no maker of its instances registered (``new_instance``): they
    then need the ORM's state, which only its ``__init__`` makes."""
    return "_sa_class_manager" in cls.__dict__ and cls not in _INSTANCE_MAKERS


def _instant(value: Any) -> Any:
    """A timestamp as Toggl writes it, converted; ``None`` for none; ``_NOT_PLAIN`` for anything else."""
    if value is None:
        return None
    if type(value) is str and (parsed := _canonical(value)) is not None and EARLIEST <= parsed < LATEST:
        return parsed
    return _NOT_PLAIN
