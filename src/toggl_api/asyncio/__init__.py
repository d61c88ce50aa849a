"""The async surface of ``toggl_api`` (``toggl-api-wrapper``'s ``toggl_api.asyncio`` names)."""

from .._async.cache.base import TogglAsyncCache
from .._async.endpoint import TogglAsyncCachedEndpoint, TogglAsyncEndpoint
from .._async.endpoints.reports import (
    AsyncDetailedReportEndpoint,
    AsyncReportEndpoint,
    AsyncSummaryReportEndpoint,
    AsyncWeeklyReportEndpoint,
)

__all__ = [
    "AsyncDetailedReportEndpoint",
    "AsyncReportEndpoint",
    "AsyncSummaryReportEndpoint",
    "AsyncWeeklyReportEndpoint",
    "TogglAsyncCache",
    "TogglAsyncCachedEndpoint",
    "TogglAsyncEndpoint",
]
