"""Tasks of projects."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import define, field

from ._base import WorkspaceChild, opt_entity_id

__all__ = ["TogglTask"]


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"expected a number of seconds or None, not {type(value).__name__}"
        raise TypeError(msg)
    return int(value)


@define(slots=False, unsafe_hash=False)
class TogglTask(WorkspaceChild):
    """A task of a project (a paid Toggl feature). ``active`` is ``False`` once the task is done.

    ``project`` is the project's id and ``user`` the assignee's user id (``None`` when nobody is assigned).
    Toggl's ``tracked_seconds`` (milliseconds despite its name, per Toggl's own spec) stays in ``extra``.
    """

    __tablename__: ClassVar[str] = "task"
    _CONSUMED: ClassVar[frozenset[str]] = WorkspaceChild._CONSUMED | {
        "project",
        "project_id",
        "pid",
        "active",
        "estimated_seconds",
        "user",
        "user_id",
    }

    project: int = field(default=0, converter=int)
    active: bool = field(default=True, converter=bool)
    estimated_seconds: int | None = field(default=None, converter=_opt_int, kw_only=True)
    user: int | None = field(default=None, converter=opt_entity_id, kw_only=True)

    def is_done(self) -> bool:
        """True when the task was marked done (``active`` is ``False``)."""
        return not self.active

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglTask:
        """Build from an API payload (``project_id``, ``user_id``) or a cache record."""
        project = kwargs.get("project_id", kwargs.get("pid", kwargs.get("project")))
        user = kwargs.get("user_id", kwargs.get("user"))
        active = kwargs.get("active")
        return cls(
            **cls._base_kwargs(kwargs),
            workspace=cls._workspace_of(kwargs),
            project=project or 0,
            active=True if active is None else active,
            estimated_seconds=kwargs.get("estimated_seconds"),
            user=user,
        )
