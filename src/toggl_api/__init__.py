"""``toggl_api``: a typed SDK for the Toggl Track API v9 and Reports API v3, with offline caches.

The public sync surface keeps ``toggl-api-wrapper``'s names; async twins live in ``toggl_api.asyncio``.
"""

from typing import TYPE_CHECKING, Any

from .__about__ import __version__

if TYPE_CHECKING:  # for type checkers and IDEs; at run time each name is imported on first use (below)
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

#: Where each public name lives. ``import toggl_api`` imports none of them: HTTP (httpx), attrs and the endpoints
#: load when a name is first used, so a script that only needs one part (or the CLI) starts quickly.
_LAZY: dict[str, str] = {
    "ArchivedClients": "._core.api.client",
    "AuthenticationError": "._core.errors",
    "Bucket": "._core.quota",
    "BudgetExhaustedError": "._core.errors",
    "BulkEditParameter": "._core.api.tracker",
    "ClientBody": "._core.api.client",
    "ClientEndpoint": "._sync.endpoints",
    "CorruptCacheError": "._core.errors",
    "DateTimeError": "._core.errors",
    "Edits": "._core.api.tracker",
    "FlushReport": "._core.outbox",
    "GroupEndpoint": "._sync.endpoints",
    "MissingParentError": "._core.errors",
    "NamingError": "._core.errors",
    "NoCacheAssignedError": "._core.errors",
    "NotFoundError": "._core.errors",
    "OrganizationEndpoint": "._sync.endpoints",
    "OrganizationUserEndpoint": "._sync.endpoints",
    "Outbox": "._sync.outbox",
    "OutboxConflict": "._core.outbox",
    "OutboxError": "._core.errors",
    "Pacing": "._core.pacing",
    "PagingLimitError": "._core.errors",
    "PendingWrite": "._core.outbox",
    "PreferencesBody": "._core.api.user",
    "PremiumFeatureError": "._core.errors",
    "ProjectBody": "._core.api.project",
    "ProjectEndpoint": "._sync.endpoints",
    "ProjectUserBody": "._core.api.project_user",
    "ProjectUserEndpoint": "._sync.endpoints",
    "QuotaExceededError": "._core.errors",
    "QuotaInfo": "._core.quota",
    "RateLimitError": "._core.errors",
    "RequestBudget": "._core.limits",
    "RetryPolicy": "._core.policy",
    "ServerError": "._core.errors",
    "StopReason": "._core.sync_plan",
    "SyncProgress": "._sync.sync",
    "SyncReport": "._core.sync_plan",
    "SyncState": "._core.sync_plan",
    "TagEndpoint": "._sync.endpoints",
    "TaskBody": "._core.api.task",
    "TaskEndpoint": "._sync.endpoints",
    "Throttle": "._core.limits",
    "TogglAPIError": "._core.errors",
    "TogglClient": "._core.models",
    "TogglError": "._core.errors",
    "TogglGroup": "._core.models",
    "TogglOrganization": "._core.models",
    "TogglOrganizationUser": "._core.models",
    "TogglPreferences": "._core.models",
    "TogglProject": "._core.models",
    "TogglProjectUser": "._core.models",
    "TogglSession": "._core.session",
    "TogglSync": "._sync.sync",
    "TogglTag": "._core.models",
    "TogglTask": "._core.models",
    "TogglTracker": "._core.models",
    "TogglWorkspace": "._core.models",
    "TogglWorkspaceUser": "._core.models",
    "TrackerBody": "._core.api.tracker",
    "TrackerEndpoint": "._sync.endpoints",
    "UnexpectedResponseError": "._core.errors",
    "User": "._core.api.workspace",
    "UserEndpoint": "._sync.endpoints",
    "WorkspaceBody": "._core.api.workspace",
    "WorkspaceEndpoint": "._sync.endpoints",
    "WorkspaceMissingError": "._core.errors",
    "WorkspaceStatistics": "._core.api.workspace",
    "WorkspaceUserBody": "._core.api.users",
    "WorkspaceUserEndpoint": "._sync.endpoints",
}


#: Public subpackages, reachable as attributes after a bare ``import toggl_api`` (as when the package imported
#: them eagerly).
_SUBMODULES = frozenset(
    {"asyncio", "cli", "config", "errors", "meta", "models", "reports", "testing", "utility", "webhooks"}
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None and name in _SUBMODULES:
        from importlib import import_module

        return import_module(f".{name}", __name__)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
