"""The public JSON shape of time entries (pure: models in, dicts out)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from toggl_api._core.models import TogglClient, TogglProject, TogglTag, TogglTask, TogglTracker, TogglWorkspace
from toggl_api.cli.shape import SCHEMA, Names, document, public_entry

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
NAMES = Names.from_models(
    workspaces=[TogglWorkspace(id=1, name="Main")],
    projects=[TogglProject(id=10, name="Site", workspace=1, client=20)],
    clients=[TogglClient(id=20, name="Acme", workspace=1)],
    tasks=[TogglTask(id=30, name="Design", workspace=1, project=10)],
    tags=[TogglTag(id=40, name="bug", workspace=1), TogglTag(id=41, name="urgent", workspace=1)],
)


def entry(**kwargs: object) -> TogglTracker:
    base: dict[str, object] = {"id": 5, "name": "Fix", "workspace": 1, "start": NOW - timedelta(hours=2)}
    base.update(kwargs)
    return TogglTracker(**base)  # type: ignore[arg-type]


def test_running_entry_has_null_stop_and_elapsed_seconds_as_duration() -> None:
    running = entry(duration=timedelta(seconds=-1_763_632_800))

    shaped = public_entry(running, names=NAMES, tz=UTC, now=NOW)

    assert (shaped["stop"], shaped["running"], shaped["duration"]) == (None, True, 7200)


def test_stopped_entry_duration_is_stop_minus_start() -> None:
    stopped = entry(stop=NOW - timedelta(minutes=45))

    shaped = public_entry(stopped, names=NAMES, tz=UTC, now=NOW + timedelta(days=3))

    assert (shaped["running"], shaped["duration"]) == (False, 4500)


def test_times_are_iso_with_the_offset_of_the_chosen_zone() -> None:
    shaped = public_entry(entry(stop=NOW), names=NAMES, tz=PARIS, now=NOW)

    assert (shaped["start"], shaped["stop"]) == ("2026-11-20T11:00:00+01:00", "2026-11-20T13:00:00+01:00")


def test_names_stand_beside_ids() -> None:
    tags = [TogglTag(id=40, name="bug", workspace=1), TogglTag(id=41, name="urgent", workspace=1)]
    shaped = public_entry(entry(project=10, task=30, tags=tags), names=NAMES, tz=UTC, now=NOW)

    assert {k: shaped[k] for k in ("workspace", "project", "client_id", "client", "task", "tag_ids", "tags")} == {
        "workspace": "Main",
        "project": "Site",
        "client_id": 20,
        "client": "Acme",
        "task": "Design",
        "tag_ids": [40, 41],
        "tags": ["bug", "urgent"],
    }


def test_unknown_project_id_keeps_the_id_with_a_null_name() -> None:
    shaped = public_entry(entry(project=999), names=NAMES, tz=UTC, now=NOW)

    assert (shaped["project_id"], shaped["project"], shaped["client"]) == (999, None, None)


def test_a_renamed_tag_shows_its_cached_name() -> None:
    shaped = public_entry(entry(tags=[TogglTag(id=40, name="old-name", workspace=1)]), names=NAMES, tz=UTC, now=NOW)

    assert shaped["tags"] == ["bug"]


def test_no_internal_storage_keys() -> None:
    shaped = public_entry(entry(), names=NAMES, tz=UTC, now=NOW)

    assert {"class", "timestamp", "extra", "name"}.isdisjoint(shaped)


def test_document_carries_the_schema_version_and_zone_name() -> None:
    doc = document("entries", [], tz=PARIS)

    assert json.loads(json.dumps(doc)) == {"schema": SCHEMA, "timezone": "Europe/Paris", "entries": []}
