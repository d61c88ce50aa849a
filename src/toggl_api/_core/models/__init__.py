"""attrs models of Toggl's entities (the public facade is ``toggl_api.models``)."""

from ._base import TogglClass, WorkspaceChild
from .client import TogglClient, TogglTag
from .convert import MODELS, MODELS_BY_TABLE, as_dict_custom, from_record, to_record
from .organization import TogglOrganization, TogglWorkspace
from .project import TogglProject
from .task import TogglTask
from .tracker import TogglTracker
from .user import TogglGroup, TogglOrganizationUser, TogglPreferences, TogglProjectUser, TogglWorkspaceUser

__all__ = [
    "MODELS",
    "MODELS_BY_TABLE",
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
    "from_record",
    "to_record",
]
