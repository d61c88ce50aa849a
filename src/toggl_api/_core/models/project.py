"""Projects."""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from typing import Any, ClassVar

from attrs import define, field

from ._base import WorkspaceChild, opt_date, opt_entity_id

__all__ = ["TogglProject"]


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _start_date(value: Any) -> date:
    return opt_date(value) or _today()


@define(slots=False, unsafe_hash=False)
class TogglProject(WorkspaceChild):
    """A project. ``client`` is a client id; ``start_date``/``end_date`` are calendar days."""

    __tablename__: ClassVar[str] = "project"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {
        "color",
        "client",
        "client_id",
        "cid",
        "active",
        "start_date",
        "end_date",
        "is_private",
        "billable",
    }

    class Status(enum.Enum):
        """A project's lifecycle state, as Toggl names them."""

        UPCOMING = 1
        ACTIVE = 2
        ENDED = 3
        ARCHIVED = 4
        DELETED = 5

    color: str = field(default="#0b83d9")
    client: int | None = field(default=None, converter=opt_entity_id)
    active: bool = field(default=True, converter=bool)
    start_date: date = field(factory=_today, converter=_start_date)
    end_date: date | None = field(default=None, converter=opt_date)
    is_private: bool = field(default=True, converter=bool, kw_only=True)
    billable: bool = field(default=False, converter=bool, kw_only=True)

    def get_status(self, today: date | None = None) -> TogglProject.Status:
        """The project's status on ``today`` (UTC today when omitted)."""
        today = today or _today()
        if self.server_deleted_at is not None:
            return TogglProject.Status.DELETED
        if not self.active:
            return TogglProject.Status.ARCHIVED
        if self.start_date > today:
            return TogglProject.Status.UPCOMING
        if self.end_date is not None and self.end_date < today:
            return TogglProject.Status.ENDED
        return TogglProject.Status.ACTIVE

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglProject:
        """Build from an API payload (``client_id``/``cid``) or a cache record; missing keys take defaults."""
        client = kwargs.get("client_id", kwargs.get("cid", kwargs.get("client")))
        optional = {k: kwargs[k] for k in ("color", "active", "is_private", "billable") if kwargs.get(k) is not None}
        return cls(
            **cls._base_kwargs(kwargs),
            workspace=cls._workspace_of(kwargs),
            client=client,
            start_date=kwargs.get("start_date"),
            end_date=kwargs.get("end_date"),
            **optional,
        )
