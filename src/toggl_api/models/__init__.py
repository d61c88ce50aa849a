"""Compatibility facade: Toggl's entities as attrs models."""

from .._core.models import (
    TogglClass,
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
    WorkspaceChild,
    as_dict_custom,
)
from .._sync.cache.sqlite import register_tables

__all__ = [
    "TogglClass",
    "TogglClient",
    "TogglOrganization",
    "TogglProject",
    "TogglTag",
    "TogglTracker",
    "TogglWorkspace",
    "WorkspaceChild",
    "as_dict_custom",
    "register_tables",
]
