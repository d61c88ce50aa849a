"""``toggl_api``: a typed SDK for the Toggl Track API v9 and Reports API v3, with offline caches.

The public sync surface keeps ``toggl-api-wrapper``'s names; async twins live in ``toggl_api.asyncio``.
"""

from .__about__ import __version__
from ._core.errors import (
    AuthenticationError,
    BudgetExhaustedError,
    CorruptCacheError,
    DateTimeError,
    MissingParentError,
    NamingError,
    NoCacheAssignedError,
    NotFoundError,
    PremiumFeatureError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    TogglAPIError,
    TogglError,
    WorkspaceMissingError,
)
from ._core.models import (
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
)

__all__ = [
    "AuthenticationError",
    "BudgetExhaustedError",
    "CorruptCacheError",
    "DateTimeError",
    "MissingParentError",
    "NamingError",
    "NoCacheAssignedError",
    "NotFoundError",
    "PremiumFeatureError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "TogglAPIError",
    "TogglClient",
    "TogglError",
    "TogglOrganization",
    "TogglProject",
    "TogglTag",
    "TogglTracker",
    "TogglWorkspace",
    "WorkspaceMissingError",
    "__version__",
]
