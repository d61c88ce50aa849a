"""Output of the ``toggl-api`` command: rich tables for people, plain JSON for scripts.

Pure formatting: functions take models and numbers and return rich renderables or JSON-able values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from rich.table import Table

from .._core.history import BackfillProgress
from .._core.models import TogglClass, TogglClient, TogglProject, TogglTag, TogglTracker, to_record
from .._core.quota import QuotaInfo
from .._core.sync_plan import SyncReport

__all__ = [
    "duration_text",
    "entries_table",
    "json_text",
    "models_table",
    "quota_table",
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
    """``H:MM:SS`` (hours may exceed 24)."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


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


def entries_table(entries: Sequence[TogglTracker], projects: Mapping[int, TogglProject], now: datetime) -> Table:
    """Time entries, newest first as given."""
    table = Table(title=f"{len(entries)} time entries", title_justify="left")
    for name, justify in (
        ("start (UTC)", "left"),
        ("duration", "right"),
        ("project", "left"),
        ("tags", "left"),
        ("description", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for entry in entries:
        project = projects.get(entry.project) if entry.project is not None else None
        elapsed = duration_text(entry.elapsed(now).total_seconds()) + (" ▶" if entry.running() else "")
        table.add_row(
            entry.start.strftime("%Y-%m-%d %H:%M"),
            elapsed,
            project.name if project else "",
            ", ".join(entry.tag_names()),
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


def report_table(
    by: str, rows: Sequence[Mapping[str, Any]], title: str, totals: tuple[int, float] | None = None
) -> Table:
    """Totals per group with their share of the whole.

    ``totals`` (entries, seconds) is the whole when groups overlap (an entry with two tags is in two groups);
    by default the whole is the sum of the rows.
    """
    # Reports API summaries carry no entry counts: the column is shown only when the rows have them.
    counted = any(r.get("entries") is not None for r in rows)
    table = Table(title=title, title_justify="left")
    table.add_column(by)
    if counted:
        table.add_column("entries", justify="right")
    table.add_column("duration", justify="right")
    table.add_column("share", justify="right")
    whole_entries = totals[0] if totals else sum(int(r.get("entries") or 0) for r in rows)
    whole_seconds = float(totals[1]) if totals else sum(float(r["seconds"]) for r in rows)
    total = whole_seconds or 1.0
    for row in rows:
        cells = [str(row["name"])]
        if counted:
            cells.append("" if row.get("entries") is None else str(row["entries"]))
        cells += [duration_text(float(row["seconds"])), f"{100 * float(row['seconds']) / total:5.1f}%"]
        table.add_row(*cells)
    table.add_section()
    footer = ["total"]
    if counted:
        footer.append(str(whole_entries))
    footer += [duration_text(whole_seconds), ""]
    table.add_row(*footer)
    return table


def quota_table(infos: Sequence[QuotaInfo], org_names: Mapping[int, str]) -> Table:
    """The hourly quota buckets."""
    table = Table(title="Hourly API quota", title_justify="left")
    table.add_column("bucket")
    table.add_column("remaining", justify="right")
    table.add_column("total", justify="right")
    table.add_column("resets in", justify="right")
    for info in infos:
        if info.organization_id is None:
            label = "user (/me requests)"
        else:
            label = f"organization {org_names.get(info.organization_id, info.organization_id)}"
        table.add_row(
            label,
            str(info.remaining),
            "" if info.total is None else str(info.total),
            "" if info.resets_in is None else f"{info.resets_in}s",
        )
    return table


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
