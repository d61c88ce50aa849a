"""The async surface of ``toggl_api`` (``toggl-api-wrapper``'s ``toggl_api.asyncio`` names)."""

from .._async.cache.base import TogglAsyncCache
from .._async.cache.json import AsyncJSONCache
from .._async.cache.sqlite import AsyncSqliteCache, async_register_tables
from .._async.endpoint import TogglAsyncCachedEndpoint, TogglAsyncEndpoint
from .._async.endpoints import (
    AsyncClientEndpoint,
    AsyncGroupEndpoint,
    AsyncOrganizationEndpoint,
    AsyncOrganizationUserEndpoint,
    AsyncProjectEndpoint,
    AsyncProjectUserEndpoint,
    AsyncTagEndpoint,
    AsyncTaskEndpoint,
    AsyncTrackerEndpoint,
    AsyncUserEndpoint,
    AsyncWorkspaceEndpoint,
    AsyncWorkspaceUserEndpoint,
)
from .._async.endpoints.reports import (
    AsyncDetailedReportEndpoint,
    AsyncReportEndpoint,
    AsyncSummaryReportEndpoint,
    AsyncWeeklyReportEndpoint,
)
from .._async.outbox import AsyncOutbox
from .._async.sync import AsyncTogglSync, SyncProgress

__all__ = [
    "AsyncOutbox",
    "AsyncClientEndpoint",
    "AsyncDetailedReportEndpoint",
    "AsyncGroupEndpoint",
    "AsyncJSONCache",
    "AsyncOrganizationEndpoint",
    "AsyncOrganizationUserEndpoint",
    "AsyncProjectEndpoint",
    "AsyncProjectUserEndpoint",
    "AsyncReportEndpoint",
    "AsyncSqliteCache",
    "AsyncSummaryReportEndpoint",
    "AsyncTagEndpoint",
    "AsyncTaskEndpoint",
    "AsyncTogglSync",
    "AsyncTrackerEndpoint",
    "AsyncUserEndpoint",
    "AsyncWeeklyReportEndpoint",
    "AsyncWorkspaceEndpoint",
    "AsyncWorkspaceUserEndpoint",
    "SyncProgress",
    "TogglAsyncCache",
    "TogglAsyncCachedEndpoint",
    "TogglAsyncEndpoint",
    "async_register_tables",
]
