"""The public ``--json`` shape of the ``toggl-api`` command: pure functions from models to JSON-able values.

This is a contract for scripts, versioned by :data:`SCHEMA` (the ``"schema"`` key at the top of every JSON
document the commands print). Within one schema version keys are only ever added, never renamed, removed or
given another meaning; anything else bumps the version. docs/cli.md ("JSON output") describes every key.

Unlike the cache's storage records (``to_record``), the public shape:

- gives times as ISO 8601 with the offset of the chosen time zone (``--tz``), to the second;
- gives a running entry ``stop: null``, ``running: true`` and its elapsed seconds as ``duration`` (never Toggl's
  negative storage value);
- puts names beside ids (``project_id`` + ``project``, ``tag_ids`` + ``tags``...), resolved from the cache;
- carries no internal keys (``class``, ``timestamp``, ``extra``...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from attrs import field, frozen

from .._core.models import TogglClient, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspace

__all__ = ["SCHEMA", "Names", "document", "iso", "public_entry", "zone_name"]

#: Version of the public JSON shape (the top-level ``"schema"`` key).
SCHEMA = 1


def _frozen_map(value: Mapping[int, Any]) -> dict[int, Any]:
    return dict(value)


@frozen
class Names:
    """Names of the ids a time entry carries, as the cache knows them.

    Attributes:
        workspaces: Workspace id to name.
        projects: Project id to name.
        project_clients: Project id to its client's id (projects without a client are absent).
        clients: Client id to name.
        tasks: Task id to name.
        tags: Tag id to name (a renamed tag shows its current name; unknown ids keep the entry's own name).
    """

    workspaces: dict[int, str] = field(factory=dict, converter=_frozen_map)
    projects: dict[int, str] = field(factory=dict, converter=_frozen_map)
    project_clients: dict[int, int] = field(factory=dict, converter=_frozen_map)
    clients: dict[int, str] = field(factory=dict, converter=_frozen_map)
    tasks: dict[int, str] = field(factory=dict, converter=_frozen_map)
    tags: dict[int, str] = field(factory=dict, converter=_frozen_map)

    @classmethod
    def from_models(
        cls,
        *,
        workspaces: Iterable[TogglWorkspace] = (),
        projects: Iterable[TogglProject] = (),
        clients: Iterable[TogglClient] = (),
        tasks: Iterable[TogglTask] = (),
        tags: Iterable[TogglTag] = (),
    ) -> Names:
        """Index cached models by id."""
        project_list = list(projects)
        return cls(
            workspaces={w.id: w.name for w in workspaces},
            projects={p.id: p.name for p in project_list},
            project_clients={p.id: p.client for p in project_list if p.client is not None},
            clients={c.id: c.name for c in clients},
            tasks={t.id: t.name for t in tasks},
            tags={t.id: t.name for t in tags},
        )

    def client_of(self, project_id: int | None) -> int | None:
        """The client id of a project, ``None`` when it has none or is unknown."""
        return None if project_id is None else self.project_clients.get(project_id)


def zone_name(zone: tzinfo) -> str:
    """The IANA name of ``zone`` (``"Europe/Paris"``), or ``"UTC"`` for the UTC singleton."""
    key = getattr(zone, "key", None)
    return str(key) if key else (zone.tzname(None) or "UTC")


def iso(value: datetime | None, zone: tzinfo) -> str | None:
    """``value`` as ISO 8601 in ``zone``, to the second, with its offset (``None`` stays ``None``)."""
    if value is None:
        return None
    return value.astimezone(zone).replace(microsecond=0).isoformat()


def public_entry(entry: TogglTracker, *, names: Names, tz: tzinfo, now: datetime) -> dict[str, Any]:
    """One time entry in the public JSON shape.

    Args:
        entry: The time entry (from the cache or an endpoint).
        names: Names of the ids, from the cache; an id the cache does not know gets ``null`` as its name.
        tz: The time zone of ``start`` and ``stop``.
        now: The present, for the elapsed ``duration`` of a running entry.

    Returns:
        A dict with ``id``, ``workspace_id``, ``workspace``, ``description``, ``start``, ``stop``, ``running``,
        ``duration`` (whole seconds, elapsed so far while running), ``project_id``, ``project``, ``client_id``,
        ``client``, ``task_id``, ``task``, ``tag_ids``, ``tags``, ``billable`` and ``user_id``.
    """
    client_id = names.client_of(entry.project)
    tag_ids = [t.id for t in entry.tags]
    return {
        "id": entry.id,
        "workspace_id": entry.workspace,
        "workspace": names.workspaces.get(entry.workspace),
        "description": entry.name,
        "start": iso(entry.start, tz),
        "stop": iso(entry.stop, tz),
        "running": entry.running(),
        "duration": int(entry.elapsed(now).total_seconds()),
        "project_id": entry.project,
        "project": None if entry.project is None else names.projects.get(entry.project),
        "client_id": client_id,
        "client": None if client_id is None else names.clients.get(client_id),
        "task_id": entry.task,
        "task": None if entry.task is None else names.tasks.get(entry.task),
        "tag_ids": tag_ids,
        "tags": [names.tags.get(t.id, t.name) for t in entry.tags],
        "billable": entry.billable,
        "user_id": entry.user,
    }


def document(kind: str, value: Any, *, tz: tzinfo | None = None, **extra: Any) -> dict[str, Any]:
    """A top-level JSON document: ``{"schema": SCHEMA, "timezone": ..., kind: value, **extra}``.

    Args:
        kind: The key of the payload (``"entries"``, ``"entry"``, ``"report"``, ``"quota"``...).
        value: The payload.
        tz: The zone the document's times are in (its name is the ``timezone`` key; left out when ``None``).
        extra: More top-level keys.
    """
    out: dict[str, Any] = {"schema": SCHEMA}
    if tz is not None:
        out["timezone"] = zone_name(tz)
    out[kind] = value
    out.update(extra)
    return out
