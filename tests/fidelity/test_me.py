"""Fidelity: /me and the other user-level routes (one test per route)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx

from .conftest import Server, assert_shape, error, ok


def test_get_workspaces_lists_the_users_workspaces(api: httpx.Client, wid: int) -> None:
    workspaces = ok(api.get("/workspaces"))
    assert wid in [w["id"] for w in workspaces]
    assert workspaces == ok(api.get("/me/workspaces"))
    assert_shape(workspaces, "GET", "/me/workspaces")


def test_get_me(api: httpx.Client, server: Server) -> None:
    me = ok(api.get("/me", params={"with_related_data": "true"}))
    assert_shape(me, "GET", "/me")
    assert (me["email"], me["api_token"], me["default_workspace_id"]) == (
        server.email,
        server.token,
        server.workspace_id,
    )
    assert re.fullmatch(r"[0-9A-Za-z]{22}", me["toggl_accounts_id"])
    assert re.fullmatch(r"[0-9a-f]{64}", me["intercom_hash"])
    for key in ("tags", "clients", "time_entries", "projects", "workspaces", "tasks"):
        assert isinstance(me[key], list), key


def test_put_me(api: httpx.Client, server: Server) -> None:
    error(
        api.put("/me", json={"current_password": "not-it", "password": "whatever-1"}),
        400,
        "Current password is not valid",
    )
    answer = ok(api.put("/me", json={"fullname": "Fidelity Person", "timezone": "Europe/Tallinn"}))
    assert_shape(answer, "PUT", "/me")
    assert set(answer) == set(ok(api.get("/me")))
    assert (ok(api.get("/me"))["fullname"], ok(api.get("/me"))["timezone"]) == ("Fidelity Person", "Europe/Tallinn")
    error(api.put("/me", json={"timezone": "Mars/Olympus"}), 400, "Invalid timezone")


def test_get_me_clients(api: httpx.Client, wid: int) -> None:
    clients = ok(api.get("/me/clients"))
    assert_shape(clients, "GET", "/me/clients")
    assert {c["wid"] for c in clients} >= {wid}


def test_get_me_features(api: httpx.Client, wid: int) -> None:
    features = ok(api.get("/me/features"))
    assert_shape(features, "GET", "/me/features")
    assert wid in [f["workspace_id"] for f in features]


def test_get_me_organizations(api: httpx.Client, oid: int) -> None:
    organizations = ok(api.get("/me/organizations"))
    assert_shape(organizations, "GET", "/me/organizations")
    assert oid in [o["id"] for o in organizations]


def test_get_me_preferences(api: httpx.Client) -> None:
    prefs = ok(api.get("/me/preferences"))
    assert_shape(prefs, "GET", "/me/preferences")
    assert prefs["date_format"]
    assert prefs["timeofday_format"]


def test_post_me_preferences(api: httpx.Client) -> None:
    assert ok(api.post("/me/preferences", json={"date_format": "DD/MM/YYYY", "beginningOfWeek": 3})) == "OK"
    assert ok(api.get("/me/preferences"))["date_format"] == "DD/MM/YYYY"
    assert ok(api.get("/me"))["beginning_of_week"] == 3
    error(api.post("/me/preferences", json={"timeofday_format": "hh"}), 400, "Value in timeofday_format is invalid")


def test_get_me_preferences_client(api: httpx.Client) -> None:
    prefs = ok(api.get("/me/preferences/desktop"))
    assert_shape(prefs, "GET", "/me/preferences/{client}")
    error(api.get("/me/preferences/fridge"), 400, "Unknown client.")


def test_post_me_preferences_client(api: httpx.Client) -> None:
    assert ok(api.post("/me/preferences/mobile", json={"duration_format": "decimal"})) == "OK"
    assert ok(api.get("/me/preferences/mobile"))["duration_format"] == "decimal"
    assert ok(api.get("/me/preferences/web"))["duration_format"] != "decimal"


def test_get_me_projects(api: httpx.Client) -> None:
    active = ok(api.get("/me/projects"))
    everything = ok(api.get("/me/projects", params={"include_archived": "true"}))
    assert_shape(everything, "GET", "/me/projects")
    assert len(everything) > len(active)
    error(api.get("/me/projects", params={"include_archived": "perhaps"}), 400, "Invalid include_archived")


def test_get_me_projects_paginated(api: httpx.Client) -> None:
    page = ok(api.get("/me/projects/paginated", params={"per_page": 3}))
    assert_shape(page, "GET", "/me/projects/paginated")
    following = ok(api.get("/me/projects/paginated", params={"start_project_id": page[-1]["id"] + 1, "per_page": 3}))
    assert len(page) == 3
    assert following[0]["id"] > page[-1]["id"]


def test_get_me_tags(api: httpx.Client, wid: int) -> None:
    tags = ok(api.get("/me/tags"))
    assert_shape(tags, "GET", "/me/tags")
    assert wid in {t["workspace_id"] for t in tags}


def test_get_me_tasks(api: httpx.Client) -> None:
    tasks = ok(api.get("/me/tasks", params={"include_not_active": "true"}))
    assert_shape(tasks, "GET", "/me/tasks")
    assert len(tasks) > len(ok(api.get("/me/tasks")))


def test_get_me_time_entries(api: httpx.Client) -> None:
    entries = ok(api.get("/me/time_entries"))
    assert_shape(entries, "GET", "/me/time_entries")
    starts = [e["start"] for e in entries]
    assert starts == sorted(starts, reverse=True)
    error(api.get("/me/time_entries", params={"since": 1, "before": "2026-01-01"}), 400)


def test_get_me_time_entries_current(api: httpx.Client) -> None:
    current = ok(api.get("/me/time_entries/current"))
    assert current is None or current["duration"] < 0
    if current is not None:
        assert_shape(current, "GET", "/me/time_entries/current")


def test_get_me_time_entry_by_id(api: httpx.Client) -> None:
    entry = ok(api.get("/me/time_entries"))[0]
    fetched = ok(api.get(f"/me/time_entries/{entry['id']}"))
    assert_shape(fetched, "GET", "/me/time_entries/{time_entry_id}")
    assert fetched["id"] == entry["id"]
    error(api.get("/me/time_entries/1"), 404, "Resource can not be found")


def test_post_me_time_entries_shared_with(api: httpx.Client, wid: int) -> None:
    entry = ok(api.get("/me/time_entries"))[0]
    answer = ok(api.post("/me/time_entries_shared_with", json=[{"time_entry_id": entry["id"], "workspace_id": wid}]))
    assert_shape(answer, "POST", "/me/time_entries_shared_with")
    error(
        api.post("/me/time_entries_shared_with", json=[{"time_entry_id": 1, "workspace_id": 1}]),
        400,
        "Invalid workspace",
    )


def test_get_me_web_timer(api: httpx.Client) -> None:
    timer = ok(api.get("/me/web-timer"))
    current = ok(api.get("/me/time_entries/current"))
    assert (timer or {}).get("id") == (current or {}).get("id")


def test_get_me_workspaces(api: httpx.Client, wid: int) -> None:
    since = int(datetime.now(timezone.utc).timestamp()) - 1
    ok(api.put(f"/workspaces/{wid}", json={"rounding": 1}))
    changed = ok(api.get("/me/workspaces", params={"since": since}))
    assert_shape(changed, "GET", "/me/workspaces")
    assert [w["id"] for w in changed] == [wid]
    assert all(isinstance(w["active_project_count"], int) for w in changed)
