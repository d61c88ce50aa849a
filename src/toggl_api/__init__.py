"""``toggl_api``: a typed SDK for the Toggl Track API v9 and Reports API v3, with offline caches.

The public sync surface keeps ``toggl-api-wrapper``'s names; async twins live in ``toggl_api.asyncio``.
"""

from .__about__ import __version__
from ._core.api.client import ArchivedClients, ClientBody
from ._core.api.project import ProjectBody
from ._core.api.project_user import ProjectUserBody
from ._core.api.task import TaskBody
from ._core.api.tracker import BulkEditParameter, Edits, TrackerBody
from ._core.api.user import PreferencesBody
from ._core.api.users import WorkspaceUserBody
from ._core.api.workspace import User, WorkspaceBody, WorkspaceStatistics
from ._core.errors import (
    AuthenticationError,
    BudgetExhaustedError,
    CorruptCacheError,
    DateTimeError,
    MissingParentError,
    NamingError,
    NoCacheAssignedError,
    NotFoundError,
    OutboxError,
    PagingLimitError,
    PremiumFeatureError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    TogglAPIError,
    TogglError,
    UnexpectedResponseError,
    WorkspaceMissingError,
)
from ._core.limits import RequestBudget, Throttle
from ._core.models import (
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
)
from ._core.outbox import FlushReport, OutboxConflict, PendingWrite
from ._core.pacing import Pacing
from ._core.policy import RetryPolicy
from ._core.quota import Bucket, QuotaInfo
from ._core.session import TogglSession
from ._core.sync_plan import StopReason, SyncReport, SyncState
from ._sync.endpoints import (
    ClientEndpoint,
    GroupEndpoint,
    OrganizationEndpoint,
    OrganizationUserEndpoint,
    ProjectEndpoint,
    ProjectUserEndpoint,
    TagEndpoint,
    TaskEndpoint,
    TrackerEndpoint,
    UserEndpoint,
    WorkspaceEndpoint,
    WorkspaceUserEndpoint,
)
from ._sync.outbox import Outbox
from ._sync.sync import SyncProgress, TogglSync

__all__ = [
    "ArchivedClients",
    "AuthenticationError",
    "Bucket",
    "BudgetExhaustedError",
    "BulkEditParameter",
    "ClientBody",
    "ClientEndpoint",
    "CorruptCacheError",
    "DateTimeError",
    "Edits",
    "FlushReport",
    "GroupEndpoint",
    "MissingParentError",
    "NamingError",
    "NoCacheAssignedError",
    "NotFoundError",
    "OrganizationEndpoint",
    "OrganizationUserEndpoint",
    "Pacing",
    "Outbox",
    "OutboxConflict",
    "OutboxError",
    "PendingWrite",
    "PreferencesBody",
    "PremiumFeatureError",
    "ProjectBody",
    "ProjectEndpoint",
    "ProjectUserBody",
    "ProjectUserEndpoint",
    "QuotaExceededError",
    "QuotaInfo",
    "RateLimitError",
    "RequestBudget",
    "RetryPolicy",
    "PagingLimitError",
    "ServerError",
    "StopReason",
    "SyncProgress",
    "SyncReport",
    "SyncState",
    "UnexpectedResponseError",
    "TagEndpoint",
    "TaskBody",
    "TaskEndpoint",
    "Throttle",
    "TogglAPIError",
    "TogglClient",
    "TogglError",
    "TogglGroup",
    "TogglOrganization",
    "TogglOrganizationUser",
    "TogglPreferences",
    "TogglProject",
    "TogglProjectUser",
    "TogglSession",
    "TogglSync",
    "TogglTag",
    "TogglTask",
    "TogglTracker",
    "TogglWorkspace",
    "TogglWorkspaceUser",
    "TrackerBody",
    "TrackerEndpoint",
    "User",
    "UserEndpoint",
    "WorkspaceBody",
    "WorkspaceEndpoint",
    "WorkspaceMissingError",
    "WorkspaceStatistics",
    "WorkspaceUserBody",
    "WorkspaceUserEndpoint",
    "__version__",
]
