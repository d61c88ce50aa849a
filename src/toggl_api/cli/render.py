"""Output of the ``toggl-api`` command: rich tables for people, plain JSON for scripts.

Pure formatting: functions take models and numbers and return rich renderables or JSON-able values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from rich.table import Table

from .._core.models import TogglClass, TogglClient, TogglProject, TogglTag, TogglTracker, to_record
from .shape import Names
from .tally import Row, share

if TYPE_CHECKING:  # the quota and sync modules load with the commands that use them (they import httpx)
    from .._core.history import BackfillProgress
    from .._core.quota import QuotaInfo
    from .._core.sync_plan import SyncReport

__all__ = [
    "duration_text",
    "entries_table",
    "json_text",
    "models_table",
    "percent_text",
    "quota_lines",
    "report_table",
    "sync_table",
]

MODEL_LABELS = {
    "organization": "organizations",
    "workspace": "workspaces",
    "client": "clients",
    "project": "projects",
    "tag": "tags",
    "task": "tasks",
    "workspace_user": "members",
    "tracker": "time entries",
}


def json_text(value: Any) -> str:
    """Indented JSON; datetimes as ISO 8601."""
    return json.dumps(value, indent=2, default=_json_default, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, TogglClass):
        return to_record(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)


def duration_text(seconds: float) -> str:
    """A duration people read at a glance: ``7h 05m``, ``12m 30s`` or ``45s``.

    Minutes and seconds are whole (cut, never rounded up: a clock does the same); at an hour or more the
    seconds are left out. Hours may exceed 24. JSON output gives exact seconds.
    """
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def percent_text(value: float) -> str:
    """A percentage with one decimal: ``42.3%``."""
    return f"{value:.1f}%"


def sync_table(report: SyncReport) -> Table:
    """Entities added, changed and removed per model."""
    table = Table(title="Sync", title_justify="left")
    table.add_column("model")
    for name in ("added", "changed", "removed"):
        table.add_column(name, justify="right")
    for table_name, label in MODEL_LABELS.items():
        counts = [report.added.get(table_name, 0), report.changed.get(table_name, 0), report.removed.get(table_name, 0)]
        table.add_row(label, *(str(c) for c in counts))
    return table


def entries_table(entries: Sequence[TogglTracker], names: Names, now: datetime, zone: tzinfo, zone_label: str) -> Table:
    """Time entries, newest first as given, with times in ``zone`` (named in the caption)."""
    table = Table(title=f"{len(entries)} time entries", title_justify="left", caption=f"times in {zone_label}")
    table.caption_justify = "left"
    for name, justify in (
        ("start", "left"),
        ("duration", "right"),
        ("project", "left"),
        ("tags", "left"),
        ("description", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for entry in entries:
        project = names.projects.get(entry.project, f"#{entry.project}") if entry.project is not None else ""
        elapsed = duration_text(entry.elapsed(now).total_seconds()) + (" ▶" if entry.running() else "")
        table.add_row(
            entry.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            elapsed,
            project,
            ", ".join(names.tags.get(t.id, t.name) for t in entry.tags),
            entry.name,
        )
    return table


def models_table(title: str, models: Iterable[TogglClass], names: Mapping[int, str] | None = None) -> Table:
    """Projects, clients, tags, workspaces or organizations with their main fields."""
    items = list(models)
    table = Table(title=f"{len(items)} {title}", title_justify="left")
    table.add_column("id", justify="right")
    table.add_column("name")
    extra: list[str] = []
    if items and isinstance(items[0], TogglProject):
        extra = ["client", "active"]
    elif items and isinstance(items[0], TogglClient):
        extra = ["archived"]
    elif items and isinstance(items[0], TogglTag):
        extra = []
    for column in extra:
        table.add_column(column)
    if items and hasattr(items[0], "workspace"):
        table.add_column("workspace", justify="right")
    for model in items:
        row = [str(model.id), model.name]
        if isinstance(model, TogglProject):
            row += [(names or {}).get(model.client or 0, ""), "yes" if model.active else "no"]
        elif isinstance(model, TogglClient):
            row += ["yes" if model.archived else "no"]
        if hasattr(model, "workspace"):
            row.append(str(model.workspace))
        table.add_row(*row)
    return table


def report_table(by: str, rows: Sequence[Row], total_seconds: int, total_entries: int | None) -> Table:
    """Time per group with its share of the total.

    ``total_seconds`` is the time of the distinct entries: with tags, an entry with two tags is in two rows but
    once in the total, so shares may add up to more than 100% (the caller says so under the table).
    ``total_entries`` is ``None`` when the rows carry no counts (Toggl's summary reports).
    """
    counted = total_entries is not None
    table = Table()
    table.add_column(by)
    if counted:
        table.add_column("entries", justify="right")
    table.add_column("duration", justify="right")
    table.add_column("share", justify="right")
    for row in rows:
        cells = [row.name]
        if counted:
            cells.append("" if row.entries is None else str(row.entries))
        cells += [duration_text(row.seconds), percent_text(share(row.seconds, total_seconds))]
        table.add_row(*cells)
    table.add_section()
    footer = ["total" if by != "tag" else "total (distinct time)"]
    if counted:
        footer.append(str(total_entries))
    footer += [duration_text(total_seconds), percent_text(100.0 if total_seconds else 0.0)]
    table.add_row(*footer)
    return table


def _minutes_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    return f"{-(-seconds // 60)} min"  # rounded up: "resets in 1 min" rather than "in 0 min"


def quota_lines(infos: Sequence[QuotaInfo], org_names: Mapping[int, str], zone: tzinfo, zone_name: str) -> list[str]:
    """One sentence per hourly quota bucket: what is left, which bucket, when it resets (in ``zone``)."""
    from .._core.quota import Bucket

    lines = []
    for info in infos:
        if info.bucket is Bucket.USER or info.organization_id is None:
            bucket = f"{info.bucket.value} bucket" + (": requests under /me" if info.bucket is Bucket.USER else "")
        else:
            org = org_names.get(info.organization_id, f"#{info.organization_id}")
            bucket = f"organization bucket: {org}"
        left = f"{info.remaining} of {info.total}" if info.total is not None else f"{info.remaining}"
        unit = "request" if info.total is None and info.remaining == 1 else "requests"
        line = f"{left} {unit} left this hour ({bucket})"
        if info.resets_in is not None:
            line += f", resets in {_minutes_text(info.resets_in)}" if info.resets_in > 0 else ", resets now"
            if info.resets_at is not None:
                line += f" (at {info.resets_at.astimezone(zone):%H:%M} {zone_name})"
        else:
            line += ", reset time unknown"
        lines.append(line)
    return lines


def backfill_line(step: BackfillProgress, now: datetime | None = None) -> str:
    """One line about a backfill: entries fetched, windows left, and when paused the time until the reset."""
    text = f"backfill: {step.fetched} entries in {step.requests} requests, {step.windows_left} window(s) left"
    if step.window is not None:
        text += f" (now {step.window.label()})"
    if step.paused_until is not None:
        text += f"; paused until {step.paused_until.isoformat(timespec='minutes')}"
        if now is not None:
            minutes = max(0, round((step.paused_until - now).total_seconds() / 60))
            text += f" (in {minutes} min, when the quota resets)"
    return text
