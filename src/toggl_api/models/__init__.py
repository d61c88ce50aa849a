"""Compatibility facade: Toggl's entities as attrs models."""

from .._core.models import (
    TogglClass,
    TogglClient,
    TogglGroup,
    TogglOrganization,
    TogglOrganizationUser,
    TogglPreferences,
    TogglProject,
    TogglProjectUser,
    TogglTag,
    TogglTask,
    TogglTracker,
    TogglWorkspace,
    TogglWorkspaceUser,
    WorkspaceChild,
    as_dict_custom,
)
from .._sync.cache.sqlite import register_tables

__all__ = [
    "TogglClass",
    "TogglClient",
    "TogglGroup",
    "TogglOrganization",
    "TogglOrganizationUser",
    "TogglPreferences",
    "TogglProject",
    "TogglProjectUser",
    "TogglTag",
    "TogglTask",
    "TogglTracker",
    "TogglWorkspace",
    "TogglWorkspaceUser",
    "WorkspaceChild",
    "as_dict_custom",
    "register_tables",
]
