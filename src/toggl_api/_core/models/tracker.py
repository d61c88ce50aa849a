"""Time entries (``TogglTracker``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from attrs import define, field

from ._base import WorkspaceChild, now_utc, opt_datetime, opt_entity_id, opt_timedelta, req_datetime
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
        from ..outbox import PENDING_EXTRA, is_pending_id  # the outbox's rules import the models

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

    def tag_names(self) -> list[str]:
        """The names of the entry's tags."""
        return [t.name for t in self.tags]

    def has_any_tag(self, names: Iterable[str]) -> bool:
        """True when one of ``names`` is among the entry's tags."""
        wanted = set(names)
        return any(t.name in wanted for t in self.tags)
