"""Importing Toggl's detailed CSV export into a cache (0 requests); the decisions live in ``_core.history_csv``."""

from __future__ import annotations

from datetime import tzinfo
from os import PathLike
from pathlib import Path
from typing import IO, Any

from .._core.history_csv import ImportPlan, ImportReport, parse_csv, plan_import
from .._core.models import TogglClient, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspaceUser
from .cache.base import TogglAsyncCache
from .coverage import async_load_coverage

__all__ = ["ImportReport", "async_import_csv"]


def _read(source: str | PathLike[str] | IO[str] | IO[bytes]) -> str | bytes:
    # A local file of a few MB at most: read in one go, also from async code (no network is involved).
    if isinstance(source, (str, PathLike)):
        return Path(source).read_bytes()
    read = getattr(source, "read", None)
    if read is None:
        msg = f"source must be a path or an open file, not {type(source).__name__}"
        raise TypeError(msg)
    data: Any = read()
    return data if isinstance(data, (str, bytes)) else str(data)


async def _models(cache: TogglAsyncCache[Any], model: type[Any]) -> list[Any]:
    return [m for m in await cache.load(model) if isinstance(m, model)]


async def async_import_csv(
    source: str | PathLike[str] | IO[str] | IO[bytes],
    cache: TogglAsyncCache[Any],
    *,
    workspace_id: int,
    tz: tzinfo,
    date_format: str | None = None,
    billable_words: tuple[str, str] | None = None,
    skip_bad_rows: bool = False,
) -> ImportReport:
    """Store the entries of a Toggl detailed CSV export in ``cache`` as ordinary time entries (no request).

    Names are mapped to the workspace's cached projects, clients, tags, tasks and users (sync them first);
    entries get stable negative ids, so importing a file again changes nothing, and a later fetch of the same
    range from the API (a backfill) replaces them. Rows whose start lies in a range the cache already holds from
    the API are skipped and counted. No coverage is recorded: the cache never claims a range complete on a file's
    word.

    Args:
        source: Path of the file, or an open file (text or binary).
        cache: The cache to store into (JSON or SQL).
        workspace_id: The workspace the file was exported from.
        tz: The exporting user's time zone (the file's times are local, without an offset).
        date_format: The file's date format (see ``DATE_FORMATS``), when it cannot be told from the dates.
        billable_words: The file's (yes, no) words for ``Billable``, when not English or another known language.
        skip_bad_rows: Report unreadable rows in ``problems`` instead of raising.

    Raises:
        CsvImportError: a bad header, ambiguous dates, or (without ``skip_bad_rows``) a bad row: the message names
            the line and column. Nothing is stored then.
        TypeError: a wrong ``source``, ``cache``, ``workspace_id`` or ``tz``.
        ValueError: a ``workspace_id`` below 1, an unknown ``date_format``.
    """
    if not isinstance(cache, TogglAsyncCache):
        msg = f"cache must be a TogglAsyncCache (AsyncJSONCache or AsyncSqliteCache), not {type(cache).__name__}"
        raise TypeError(msg)
    if isinstance(workspace_id, bool) or not isinstance(workspace_id, int):
        msg = f"workspace_id must be an int, not {type(workspace_id).__name__}"
        raise TypeError(msg)
    if workspace_id < 1:
        msg = f"workspace_id must be a positive workspace id, got {workspace_id}"
        raise ValueError(msg)
    parsed = parse_csv(
        _read(source), tz=tz, date_format=date_format, billable_words=billable_words, skip_bad_rows=skip_bad_rows
    )
    cached: list[TogglTracker] = await _models(cache, TogglTracker)
    plan: ImportPlan = plan_import(
        parsed.rows,
        workspace_id=workspace_id,
        now=cache.now(),
        coverage=await async_load_coverage(cache),
        cached_entries=cached,
        projects=await _models(cache, TogglProject),
        clients=await _models(cache, TogglClient),
        tags=await _models(cache, TogglTag),
        tasks=await _models(cache, TogglTask),
        users=await _models(cache, TogglWorkspaceUser),
    )
    held = {m.id for m in cached}
    if plan.entries:
        await cache.add(*plan.entries)
    await cache.commit()
    starts = [e.start for e in plan.entries]
    unchanged = sum(1 for e in plan.entries if e.id in held)
    return ImportReport(
        rows=len(parsed.rows) + len(parsed.problems),
        imported=len(plan.entries) - unchanged,
        unchanged=unchanged,
        skipped_covered=plan.skipped_covered,
        skipped_known=plan.skipped_known,
        problems=parsed.problems,
        unknown_projects=plan.unknown_projects,
        unknown_tags=plan.unknown_tags,
        unknown_tasks=plan.unknown_tasks,
        unknown_users=plan.unknown_users,
        first_start=min(starts, default=None),
        last_start=max(starts, default=None),
    )
