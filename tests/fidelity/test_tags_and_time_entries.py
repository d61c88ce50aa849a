"""Fidelity: tags and time entries (one test per route)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from .conftest import assert_shape, error, ok, unique


def _tag(api: httpx.Client, wid: int) -> dict[str, Any]:
    return dict(ok(api.post(f"/workspaces/{wid}/tags", json={"name": unique("tag")})))


def _entry(api: httpx.Client, wid: int, **fields: Any) -> dict[str, Any]:
    start = (datetime.now(timezone.utc) - timedelta(hours=30)).replace(microsecond=0)
    body = {"created_with": "fidelity", "workspace_id": wid, "start": start.isoformat(), "duration": 600, **fields}
    return dict(ok(api.post(f"/workspaces/{wid}/time_entries", json=body)))


def test_get_tags(api: httpx.Client, wid: int) -> None:
    tag = _tag(api, wid)
    tags = ok(api.get(f"/workspaces/{wid}/tags"))
    assert_shape(tags, "GET", "/workspaces/{workspace_id}/tags")
    assert tag in tags


def test_patch_tags_bulk_delete(api: httpx.Client, wid: int) -> None:
    first, second = _tag(api, wid), _tag(api, wid)
    ok(api.patch(f"/workspaces/{wid}/tags", json={"delete": [first["id"], second["id"]]}))
    remaining = [t["id"] for t in ok(api.get(f"/workspaces/{wid}/tags"))]
    assert first["id"] not in remaining
    assert second["id"] not in remaining
    error(api.patch(f"/workspaces/{wid}/tags", json={"delete": [1]}), 400, "Some tag IDs do not belong to workspace.")


def test_post_tags(api: httpx.Client, wid: int) -> None:
    tag = _tag(api, wid)
    assert isinstance(tag, dict)  # one Tag object, as Toggl answers (the spec says an array)
    assert (tag["workspace_id"], tag["at"].endswith("Z")) == (wid, True)
    error(
        api.post(f"/workspaces/{wid}/tags", json={"name": tag["name"]}),
        400,
        f"a tag with the name '{tag['name']}' already exists",
    )


def test_delete_tag(api: httpx.Client, wid: int) -> None:
    tag = _tag(api, wid)
    entry = _entry(api, wid, tag_ids=[tag["id"]])
    ok(api.delete(f"/workspaces/{wid}/tags/{tag['id']}"))
    assert ok(api.get(f"/me/time_entries/{entry['id']}"))["tag_ids"] == []
    error(api.delete(f"/workspaces/{wid}/tags/{tag['id']}"), 404, "Tag was not found.")


def test_put_tag(api: httpx.Client, wid: int) -> None:
    tag = _tag(api, wid)
    name = unique("renamed")
    assert ok(api.put(f"/workspaces/{wid}/tags/{tag['id']}", json={"name": name}))["name"] == name
    assert name in [t["name"] for t in ok(api.get(f"/workspaces/{wid}/tags"))]
    error(api.put(f"/workspaces/{wid}/tags/1", json={"name": "x"}), 404, "Tag was not found")


def test_post_time_entries(api: httpx.Client, wid: int) -> None:
    entry = _entry(api, wid, description="made by the fidelity suite", tags=[unique("fresh")])
    assert_shape(entry, "POST", "/workspaces/{workspace_id}/time_entries")
    fetched = ok(api.get(f"/me/time_entries/{entry['id']}"))
    assert (fetched["description"], fetched["duration"], fetched["tags"]) == (
        "made by the fidelity suite",
        600,
        entry["tags"],
    )
    error(api.post(f"/workspaces/{wid}/time_entries", json={"workspace_id": wid, "start": "2026-01-01T00:00:00Z"}), 400)


def test_post_running_time_entry_is_stamped_after_its_start(api: httpx.Client, wid: int) -> None:
    start = datetime.now(timezone.utc)
    body = {"created_with": "fidelity", "workspace_id": wid, "start": start.isoformat(), "duration": -1}
    entry = ok(api.post(f"/workspaces/{wid}/time_entries", json=body))
    assert datetime.fromisoformat(entry["at"].replace("Z", "+00:00")) >= start
    since = ok(api.get("/me/time_entries", params={"since": int(start.timestamp())}))
    assert entry["id"] in [e["id"] for e in since]


def test_patch_time_entries_bulk(api: httpx.Client, wid: int) -> None:
    first, second = _entry(api, wid), _entry(api, wid)
    ops = [{"op": "replace", "path": "/description", "value": "bulk"}]
    result = ok(api.patch(f"/workspaces/{wid}/time_entries/{first['id']},{second['id']},1", json=ops))
    assert_shape(result, "PATCH", "/workspaces/{workspace_id}/time_entries/{time_entry_ids}")
    assert (sorted(result["success"]), [f["id"] for f in result["failure"]]) == (
        sorted([first["id"], second["id"]]),
        [1],
    )
    assert ok(api.get(f"/me/time_entries/{first['id']}"))["description"] == "bulk"


def test_delete_time_entry(api: httpx.Client, wid: int) -> None:
    entry = _entry(api, wid)
    ok(api.delete(f"/workspaces/{wid}/time_entries/{entry['id']}"))
    error(api.get(f"/me/time_entries/{entry['id']}"), 404)
    changed = ok(api.get("/me/time_entries", params={"since": int(datetime.now(timezone.utc).timestamp()) - 60}))
    assert next(e for e in changed if e["id"] == entry["id"])["server_deleted_at"] is not None


def test_put_time_entry(api: httpx.Client, wid: int) -> None:
    entry = _entry(api, wid)
    project = ok(api.get(f"/workspaces/{wid}/projects"))[0]
    updated = ok(
        api.put(f"/workspaces/{wid}/time_entries/{entry['id']}", json={"project_id": project["id"], "billable": True})
    )
    assert_shape(updated, "PUT", "/workspaces/{workspace_id}/time_entries/{time_entry_id}")
    assert (updated["project_id"], updated["pid"], updated["billable"]) == (project["id"], project["id"], True)
    error(
        api.put(f"/workspaces/{wid}/time_entries/{entry['id']}", json={"task_id": 1}),
        400,
        "User cannot access the selected task",
    )


def test_patch_time_entry_stop(api: httpx.Client, wid: int) -> None:
    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    body = {"created_with": "fidelity", "workspace_id": wid, "start": start.isoformat(), "duration": -1}
    running = ok(api.post(f"/workspaces/{wid}/time_entries", json=body))
    stopped = ok(api.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop"))
    assert_shape(stopped, "PATCH", "/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop")
    assert stopped["duration"] >= 299
    assert ok(api.get("/me/time_entries/current")) is None
    error(api.patch(f"/workspaces/{wid}/time_entries/{running['id']}/stop"), 409, "Time entry already stopped")
