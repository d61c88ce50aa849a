"""Report rows, as pure functions: time per project, client, tag or day from cached entries or a Reports API answer.

Local and remote rows are keyed alike (the project, client or tag id; ``None`` for "no project" and the like)
and labelled alike, so the same report from either side lines up row by row. Like Toggl's reports, a local
report counts stopped entries only and places an entry on the day its start falls on in the report's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from attrs import frozen

from .._core.models import TogglTracker
from .scope import local_day
from .shape import Names

__all__ = [
    "GROUPINGS",
    "NONE_LABELS",
    "Row",
    "Tally",
    "local_tally",
    "remote_rows",
    "remote_total",
    "share",
    "shares_sum",
]

#: ``--by`` values and the Reports API grouping each maps to (``day`` has none: local only).
GROUPINGS = {"project": "projects", "client": "clients", "tag": "tags", "day": None}
#: The row of entries without a project, client or tag.
NONE_LABELS = {"project": "(no project)", "client": "(no client)", "tag": "(untagged)"}


@frozen
class Row:
    """One report row: ``key`` is the project, client or tag id (``None``: none), or the day."""

    key: int | date | None
    name: str
    seconds: int
    entries: int | None = None


@frozen
class Tally:
    """Rows of a local report and the facts around them.

    Attributes:
        rows: The rows (largest first; days in order).
        total_seconds: Time of the distinct entries counted (an entry with two tags counts once here).
        total_entries: How many entries were counted.
        running_seconds: Elapsed time of running entries left out (Toggl's reports leave them out too).
        running_entries: How many running entries were left out.
    """

    rows: tuple[Row, ...]
    total_seconds: int
    total_entries: int
    running_seconds: int = 0
    running_entries: int = 0


def _name(by: str, key: int | None, names: Names, fallback: str | None = None) -> str:
    if key is None:
        return NONE_LABELS[by]
    table = {"project": names.projects, "client": names.clients, "tag": names.tags}[by]
    return table.get(key) or fallback or f"#{key}"


def _distinct_names(rows: Iterable[Row]) -> list[Row]:
    """Rows whose names are shared (a "Blog" project in two workspaces) get their id added to tell them apart."""
    items = list(rows)
    seen: dict[str, int] = {}
    for row in items:
        seen[row.name.casefold()] = seen.get(row.name.casefold(), 0) + 1
    return [
        Row(r.key, f"{r.name} (id {r.key})", r.seconds, r.entries)
        if seen[r.name.casefold()] > 1 and isinstance(r.key, int)
        else r
        for r in items
    ]


def _ordered(by: str, rows: Iterable[Row]) -> tuple[Row, ...]:
    rows = _distinct_names(rows)
    if by == "day":
        return tuple(sorted(rows, key=lambda r: str(r.key)))
    return tuple(sorted(rows, key=lambda r: (-r.seconds, r.name.casefold(), str(r.key))))


def local_tally(entries: Iterable[TogglTracker], by: str, *, names: Names, zone: tzinfo, now: datetime) -> Tally:
    """Totals per ``by`` (``project``, ``client``, ``tag`` or ``day``) of cached entries.

    Running entries are not counted (their time so far is in ``running_seconds``). An entry with several tags
    counts in each of its tags' rows, once in the total; an entry without tags is in the ``(untagged)`` row.
    """
    seconds: dict[Any, int] = {}
    counts: dict[Any, int] = {}
    labels: dict[Any, str] = {}
    total = count = running = running_count = 0
    for entry in entries:
        elapsed = int(entry.elapsed(now).total_seconds())
        if entry.running():
            running += elapsed
            running_count += 1
            continue
        total += elapsed
        count += 1
        keys: list[Any]
        if by == "project":
            keys = [entry.project]
        elif by == "client":
            keys = [names.client_of(entry.project)]
        elif by == "tag":
            keys = list(dict.fromkeys(t.id for t in entry.tags)) or [None]
            for tag in entry.tags:
                labels.setdefault(tag.id, tag.name)
        else:
            keys = [local_day(entry.start, zone)]
        for key in keys:
            seconds[key] = seconds.get(key, 0) + elapsed
            counts[key] = counts.get(key, 0) + 1
    rows = (
        Row(
            key,
            key.isoformat() if isinstance(key, date) else _name(by, key, names, labels.get(key)),
            seconds[key],
            counts[key],
        )
        for key in seconds
    )
    return Tally(_ordered(by, rows), total, count, running, running_count)


def remote_rows(answer: Mapping[str, Any], by: str, names: Names) -> tuple[Row, ...]:
    """Rows of a Reports API summary answer (``{"groups": [{"id", "sub_groups": [{"seconds"}]}]}``)."""
    rows: dict[int | None, int] = {}
    for group in answer.get("groups") or []:
        if not isinstance(group, Mapping):
            continue
        raw = group.get("id")
        key = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        rows[key] = rows.get(key, 0) + remote_total({"groups": [group]})
    return _ordered(by, (Row(key, _name(by, key, names), value) for key, value in rows.items()))


def remote_total(answer: Mapping[str, Any]) -> int:
    """Seconds of every group of a summary answer (the distinct total when each entry is in one group)."""
    total = 0
    for group in answer.get("groups") or []:
        if not isinstance(group, Mapping):
            continue
        for sub in group.get("sub_groups") or []:
            value = sub.get("seconds") if isinstance(sub, Mapping) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                total += int(value)
    return total


def share(seconds: float, whole: float) -> float:
    """``seconds`` as a percentage of ``whole``, one decimal (0 when the whole is 0)."""
    return round(100 * seconds / whole, 1) if whole else 0.0


def shares_sum(rows: Sequence[Row], whole: float) -> float:
    """The rows' shares added up (over 100 when rows overlap, as tags do)."""
    return share(sum(r.seconds for r in rows), whole)
