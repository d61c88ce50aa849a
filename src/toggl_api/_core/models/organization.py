"""Organizations and workspaces."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import define, field

from ..plain_errors import NamingError
from ._base import TogglClass, id_or_zero

__all__ = ["TogglOrganization", "TogglWorkspace", "validate_entity_name"]


#: toggl-api-wrapper 2.2.0's messages (kept: code and tests match on them), by kind: (empty, too long).
_MESSAGES = {
    "organization": ("The organization name need at least have one letter!", "Max organization name length is {}!"),
    "workspace": ("The workspace name need at least have one character!", "The max workspace name length is {}!"),
}


def validate_entity_name(name: str, kind: str, *, max_len: int = 140) -> None:
    """Toggl's rule for organization and workspace names: non-blank, at most ``max_len`` characters."""
    empty, too_long = _MESSAGES[kind]
    if not isinstance(name, str):
        msg = f"The {kind} name must be a string, not {type(name).__name__}."
        raise NamingError(msg)
    if not name:
        raise NamingError(empty)
    if not name.strip():
        msg = f"The {kind} name must contain at least one non-space character."
        raise NamingError(msg)
    if len(name) > max_len:
        raise NamingError(too_long.format(max_len))


@define(slots=False, unsafe_hash=False)
class TogglOrganization(TogglClass):
    """A Toggl organization (owns workspaces; the hourly quota is counted per user per organization)."""

    __tablename__: ClassVar[str] = "organization"

    def __attrs_post_init__(self) -> None:
        validate_entity_name(self.name, "organization")

    @staticmethod
    def validate_name(name: str, *, max_len: int = 140) -> None:
        """Raise ``NamingError`` unless ``name`` is a valid organization name."""
        validate_entity_name(name, "organization", max_len=max_len)


@define(slots=False, unsafe_hash=False)
class TogglWorkspace(TogglClass):
    """A Toggl workspace. ``organization`` is the id of the organization it belongs to."""

    __tablename__: ClassVar[str] = "workspace"
    _CONSUMED: ClassVar[frozenset[str]] = TogglClass._CONSUMED | {"organization", "organization_id"}

    organization: int = field(default=0, converter=id_or_zero)

    def __attrs_post_init__(self) -> None:
        validate_entity_name(self.name, "workspace")

    @staticmethod
    def validate_name(name: str, *, max_len: int = 140) -> None:
        """Raise ``NamingError`` unless ``name`` is a valid workspace name (spaces are allowed)."""
        validate_entity_name(name, "workspace", max_len=max_len)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TogglWorkspace:
        """Build from an API payload (``organization_id``) or a cache record (``organization``)."""
        org = kwargs.get("organization_id", kwargs.get("organization"))
        return cls(**cls._base_kwargs(kwargs), organization=org or 0)
