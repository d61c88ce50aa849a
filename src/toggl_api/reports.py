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
)
from ._core.api.reports import (
    _validate_extension as _validate_extension,
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

# toggl-api-wrapper's module had no ``__all__``, so it also exported the names it imported (``BaseBody``,
# ``TogglProject``, ``format_iso``, ...), ``from toggl_api.reports import *`` included; they are kept.
T = TypeVar("T")

__all__ = [
    "BaseBody",
    "DateTimeError",
    "DetailedReportEndpoint",
    "InvalidExtensionError",
    "PaginatedResult",
    "PaginationOptions",
    "ReportBody",
    "ReportCache",
    "ReportEndpoint",
    "ReportFormats",
    "RequestMethod",
    "SummaryReportEndpoint",
    "T",
    "TogglEndpoint",
    "TogglProject",
    "TogglWorkspace",
    "WeeklyReportEndpoint",
    "format_iso",
]
# ``_validate_extension`` stays importable (toggl-api-wrapper's tests and async module imported it) but is
# private, so it is not in ``__all__``: 2.2.0's ``import *`` did not export it either (no ``__all__``, leading
# underscore).
