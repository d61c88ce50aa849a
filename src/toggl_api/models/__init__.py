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
]
