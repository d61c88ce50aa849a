"""Clients and tags."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import define, field

from ._base import WorkspaceChild

__all__ = ["TogglClient", "TogglTag"]


@define(slots=False, unsafe_hash=False)
class TogglClient(WorkspaceChild):
    """A client of a workspace. ``archived`` mirrors Toggl's flag; ``notes`` its free text."""

    __tablename__: ClassVar[str] = "client"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {"archived", "notes"}

    archived: bool = field(default=False, converter=bool, kw_only=True)
    notes: str | None = field(default=None, kw_only=True)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglClient:
        """Build from an API payload or a cache record."""
        return cls(
            **cls._base_kwargs(kwargs),
            workspace=cls._workspace_of(kwargs),
            archived=bool(kwargs.get("archived", False)),
            notes=kwargs.get("notes"),
        )


@define(slots=False, unsafe_hash=False)
class TogglTag(WorkspaceChild):
    """A tag of a workspace."""

    __tablename__: ClassVar[str] = "tag"
