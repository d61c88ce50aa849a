"""History that ``/me/time_entries`` no longer serves: importing Toggl's detailed CSV export into a cache.

``import_csv`` (and ``async_import_csv`` for async caches) reads the file Toggl's web app or the Reports API
export writes, maps its names to the cache's projects, tags, tasks and users, and stores the rows as ordinary
time entries with negative ids, without a request. See ``docs/history.md``.
"""

from ._async.history import async_import_csv
from ._core.history_csv import BILLABLE_WORDS, DATE_FORMATS, CsvImportError, ImportReport, RowProblem, parse_duration
from ._sync.history import import_csv

__all__ = [
    "BILLABLE_WORDS",
    "DATE_FORMATS",
    "CsvImportError",
    "ImportReport",
    "RowProblem",
    "async_import_csv",
    "import_csv",
    "parse_duration",
]
