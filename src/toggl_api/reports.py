"""Reports API v3 (``toggl-api-wrapper``'s ``toggl_api.reports`` names): summary, detailed and weekly reports.

Async twins (``AsyncSummaryReportEndpoint`` ...) are in ``toggl_api.asyncio``.
"""

from typing import TypeVar

from ._core.api.body import BaseBody as BaseBody
from ._core.api.reports import (
    InvalidExtensionError,
    PaginatedResult,
    PaginationOptions,
    ReportBody,
    ReportCache,
    ReportFormats,
    _validate_extension,
)
from ._core.api.request import RequestMethod as RequestMethod
from ._core.errors import DateTimeError as DateTimeError
from ._core.models import TogglProject as TogglProject
from ._core.models import TogglWorkspace as TogglWorkspace
from ._core.timeutil import format_iso as format_iso
from ._sync.endpoint import TogglEndpoint as TogglEndpoint
from ._sync.endpoints.reports import (
    DetailedReportEndpoint,
    ReportEndpoint,
    SummaryReportEndpoint,
    WeeklyReportEndpoint,
)

# toggl-api-wrapper's module also exposed the names it imported (``BaseBody``, ``TogglProject``, ``format_iso``,
# ...); they stay importable from here, explicitly re-exported, but out of ``__all__``.
T = TypeVar("T")

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
