"""Reports API v3 (``toggl-api-wrapper``'s ``toggl_api.reports`` names): summary, detailed and weekly reports.

Async twins (``AsyncSummaryReportEndpoint`` ...) are in ``toggl_api.asyncio``.
"""

from ._core.api.reports import (
    InvalidExtensionError,
    PaginatedResult,
    PaginationOptions,
    ReportBody,
    ReportCache,
    ReportFormats,
    _validate_extension,
)
from ._sync.endpoints.reports import (
    DetailedReportEndpoint,
    ReportEndpoint,
    SummaryReportEndpoint,
    WeeklyReportEndpoint,
)

__all__ = [
    "DetailedReportEndpoint",
    "InvalidExtensionError",
    "PaginatedResult",
    "PaginationOptions",
    "ReportBody",
    "ReportCache",
    "ReportEndpoint",
    "ReportFormats",
    "SummaryReportEndpoint",
    "WeeklyReportEndpoint",
    "_validate_extension",
]
