"""``toggl_api``: a typed SDK for the Toggl Track API v9 and Reports API v3, with offline caches.

The public sync surface keeps ``toggl-api-wrapper``'s names; async twins live in ``toggl_api.asyncio``.
"""

from .__about__ import __version__
from ._core.api.client import ClientBody
from ._core.api.project import ProjectBody
from ._core.api.tracker import BulkEditParameter, Edits, TrackerBody
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
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
)
from ._core.policy import RetryPolicy
from ._core.quota import Bucket, QuotaInfo
from ._core.session import TogglSession
from ._sync.endpoints import (
    ClientEndpoint,
    OrganizationEndpoint,
    ProjectEndpoint,
    TagEndpoint,
    TrackerEndpoint,
    UserEndpoint,
    WorkspaceEndpoint,
)

__all__ = [
    "AuthenticationError",
    "Bucket",
    "BudgetExhaustedError",
    "BulkEditParameter",
    "ClientBody",
    "ClientEndpoint",
    "CorruptCacheError",
    "DateTimeError",
    "Edits",
    "MissingParentError",
    "NamingError",
    "NoCacheAssignedError",
    "NotFoundError",
    "OrganizationEndpoint",
    "PremiumFeatureError",
    "ProjectBody",
    "ProjectEndpoint",
    "QuotaExceededError",
    "QuotaInfo",
    "RateLimitError",
    "RequestBudget",
    "RetryPolicy",
    "PagingLimitError",
    "ServerError",
    "UnexpectedResponseError",
    "TagEndpoint",
    "Throttle",
    "TogglAPIError",
    "TogglClient",
    "TogglError",
    "TogglOrganization",
    "TogglProject",
    "TogglSession",
    "TogglTag",
    "TogglTracker",
    "TogglWorkspace",
    "TrackerBody",
    "TrackerEndpoint",
    "User",
    "UserEndpoint",
    "WorkspaceBody",
    "WorkspaceEndpoint",
    "WorkspaceMissingError",
    "WorkspaceStatistics",
    "__version__",
]
