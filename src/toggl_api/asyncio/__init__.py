"""The async surface of ``toggl_api`` (``toggl-api-wrapper``'s ``toggl_api.asyncio`` names)."""

from .._async.cache.base import TogglAsyncCache
from .._async.cache.json import AsyncJSONCache
from .._async.cache.sqlite import AsyncSqliteCache, async_register_tables
from .._async.endpoint import TogglAsyncCachedEndpoint, TogglAsyncEndpoint
from .._async.endpoints import (
    AsyncClientEndpoint,
    AsyncOrganizationEndpoint,
    AsyncProjectEndpoint,
    AsyncTagEndpoint,
    AsyncTrackerEndpoint,
    AsyncUserEndpoint,
    AsyncWorkspaceEndpoint,
)
from .._async.endpoints.reports import (
    AsyncDetailedReportEndpoint,
    AsyncReportEndpoint,
    AsyncSummaryReportEndpoint,
    AsyncWeeklyReportEndpoint,
)

__all__ = [
    "AsyncClientEndpoint",
    "AsyncDetailedReportEndpoint",
    "AsyncJSONCache",
    "AsyncOrganizationEndpoint",
    "AsyncProjectEndpoint",
    "AsyncReportEndpoint",
    "AsyncSqliteCache",
    "AsyncSummaryReportEndpoint",
    "AsyncTagEndpoint",
    "AsyncTrackerEndpoint",
    "AsyncUserEndpoint",
    "AsyncWeeklyReportEndpoint",
    "AsyncWorkspaceEndpoint",
    "TogglAsyncCache",
    "TogglAsyncCachedEndpoint",
    "TogglAsyncEndpoint",
    "async_register_tables",
]
