"""Creating, updating, stopping and deleting time entries (reference §5.1, §6.7, §7)."""

from __future__ import annotations

import httpx

from toggl_api.testing import Emulator

from .conftest import new_entry


def test_create_returns_200_with_id_above_2_pow_31(client: httpx.Client, wid: int) -> None:
    response = new_entry(client, wid, duration=60)
    assert response.status_code == 200
    assert response.json()["id"] > 2**31


def test_create_without_start_returns_400_message(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/time_entries", json={"workspace_id": wid, "created_with": "t"})
    assert response.status_code == 400
    assert response.json() == "start is required for time entry creation"


def test_create_without_created_with_returns_400_message(client: httpx.Client, wid: int) -> None:
    response = new_entry(client, wid, created_with="")
    assert response.json() == "created_with needs to be provided an a valid string"


def test_create_without_workspace_id_returns_400_message(client: httpx.Client, wid: int) -> None:
    body = {"created_with": "t", "start": "2026-11-19T09:00:00Z"}
    response = client.post(f"/workspaces/{wid}/time_entries", json=body)
    assert response.json() == "Missing or invalid workspace_id"


def test_create_with_start_in_1984_returns_year_message(client: httpx.Client, wid: int) -> None:
    response = new_entry(client, wid, start="1984-03-10T10:00:00Z")
    assert response.status_code == 400
    assert response.json() == "Start time year must be between 2006 and 2030"


def test_create_with_start_year_0001_returns_year_message(client: httpx.Client, wid: int) -> None:
    assert (
        new_entry(client, wid, start="0001-01-01T00:00:00Z").json() == "Start time year must be between 2006 and 2030"
    )


def test_create_in_foreign_workspace_returns_403(client: httpx.Client, toggl_emulator: Emulator) -> None:
    owid = toggl_emulator.account.other_workspace_id  # type: ignore[union-attr]
    assert new_entry(client, owid).status_code == 403


def test_start_and_duration_give_stop_in_z_form(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-19T09:00:00+01:00", duration=90).json()
    assert te["start"] == "2026-11-19T08:00:00Z"
    assert te["stop"] == "2026-11-19T08:01:30Z"
    assert te["duration"] == 90


def test_start_and_stop_give_duration(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, stop="2026-11-19T10:30:00Z").json()
    assert te["duration"] == 5400


def test_sub_second_start_is_dropped(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-19T21:17:59.593648+01:00", duration=1).json()
    assert te["start"] == "2026-11-19T20:17:59Z"


def test_start_only_answers_duration_zero_and_null_stop(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid).json()
    assert (te["duration"], te["stop"]) == (0, None)


def test_start_only_entry_later_reads_stop_equal_to_start(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid).json()
    again = client.get(f"/me/time_entries/{te['id']}").json()
    assert again["stop"] == again["start"] == "2026-11-19T09:00:00+00:00"
    assert again["duration"] == 0


def test_running_entry_echoes_minus_one(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-20T11:59:00Z", duration=-1).json()
    assert te["duration"] == -1
    assert te["stop"] is None


def test_running_entry_with_other_negative_duration_gets_minus_start_epoch(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-20T11:59:00Z", duration=-5).json()
    assert te["duration"] == -1795175940


def test_starting_an_entry_auto_stops_the_running_one_at_server_time(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    previous = client.get("/me/time_entries/current").json()
    toggl_emulator.clock.advance(300)
    new_entry(client, wid, start="2026-11-20T12:05:00Z", duration=-1)
    stopped = client.get(f"/me/time_entries/{previous['id']}").json()
    assert stopped["stop"] == "2026-11-20T12:05:00+00:00"
    assert stopped["duration"] == 30 * 60
    assert client.get("/me/time_entries/current").json()["start"] == "2026-11-20T12:05:00+00:00"


def test_creating_a_stopped_entry_keeps_the_running_one(client: httpx.Client, wid: int) -> None:
    previous = client.get("/me/time_entries/current").json()
    new_entry(client, wid, duration=60)
    assert client.get("/me/time_entries/current").json()["id"] == previous["id"]


def test_post_answer_has_null_tags_when_none_given(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    assert te["tags"] is None
    assert te["tag_ids"] is None


def test_list_answer_has_empty_tag_arrays(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    assert client.get(f"/me/time_entries/{te['id']}").json()["tags"] == []


def test_unknown_tag_names_are_created_as_workspace_tags(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, tags=["brand-new", "bug"]).json()
    assert te["tags"] == ["brand-new", "bug"]
    names = [t["name"] for t in client.get(f"/workspaces/{wid}/tags").json()]
    assert "brand-new" in names


def test_legacy_aliases_present_and_pid_omitted_without_project(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    assert te["wid"] == wid
    assert te["uid"] == te["user_id"]
    assert "pid" not in te
    assert "tid" not in te
    assert te["project_id"] is None
    assert te["description"] is None
    assert te["duronly"] is True


def test_project_id_is_echoed_as_pid(client: httpx.Client, wid: int) -> None:
    project = client.get(f"/workspaces/{wid}/projects").json()[0]
    te = new_entry(client, wid, duration=60, pid=project["id"]).json()
    assert te["project_id"] == te["pid"] == project["id"]


def test_foreign_project_returns_400_cannot_access(client: httpx.Client, wid: int) -> None:
    assert new_entry(client, wid, project_id=42).json() == "User cannot access the selected project"


def test_at_has_microseconds_and_z(client: httpx.Client, wid: int) -> None:
    at = new_entry(client, wid, duration=60).json()["at"]
    assert at == "2026-11-20T12:00:00.000000Z"


def test_meta_true_adds_project_and_client_names(client: httpx.Client, wid: int) -> None:
    project = next(p for p in client.get(f"/workspaces/{wid}/projects").json() if p["client_id"])
    te = new_entry(client, wid, duration=60, project_id=project["id"]).json()
    meta = client.get(f"/me/time_entries/{te['id']}", params={"meta": "true"}).json()
    assert meta["project_name"] == project["name"]
    assert meta["client_name"]
    assert meta["user_name"] == "Demo User"


def test_put_updates_only_sent_fields(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, description="before", billable=False).json()
    updated = client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json={"description": "after"}).json()
    assert updated["description"] == "after"
    assert updated["duration"] == 60


def test_put_bumps_at(client: httpx.Client, wid: int, toggl_emulator: Emulator) -> None:
    te = new_entry(client, wid, duration=60).json()
    toggl_emulator.clock.advance(1.5)
    updated = client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json={"billable": True}).json()
    assert updated["at"] == "2026-11-20T12:00:01.500000Z"


def test_put_tags_replace_without_tag_action(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, tags=["bug", "review"]).json()
    updated = client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json={"tags": ["urgent"]}).json()
    assert updated["tags"] == ["urgent"]


def test_put_tag_action_add_appends(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, tags=["bug"]).json()
    body = {"tags": ["urgent"], "tag_action": "add"}
    assert client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json=body).json()["tags"] == ["bug", "urgent"]


def test_put_tag_action_delete_removes(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, tags=["bug", "urgent"]).json()
    body = {"tags": ["bug"], "tag_action": "delete"}
    assert client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json=body).json()["tags"] == ["urgent"]


def test_put_tag_action_remove_is_accepted_as_alias(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60, tags=["bug", "urgent"]).json()
    body = {"tag_ids": [te["tag_ids"][1]], "tag_action": "remove"}
    assert client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json=body).json()["tags"] == ["bug"]


def test_put_stop_on_running_entry_stops_it(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-20T11:00:00Z", duration=-1).json()
    body = {"stop": "2026-11-20T11:30:00Z"}
    updated = client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json=body).json()
    assert updated["duration"] == 1800


def test_put_start_keeps_stop_and_changes_duration(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=3600).json()
    body = {"start": "2026-11-19T09:30:00Z"}
    updated = client.put(f"/workspaces/{wid}/time_entries/{te['id']}", json=body).json()
    assert updated["stop"] == "2026-11-19T10:00:00+00:00"
    assert updated["duration"] == 1800


def test_put_unknown_entry_returns_404(client: httpx.Client, wid: int) -> None:
    assert client.put(f"/workspaces/{wid}/time_entries/1", json={"description": "x"}).status_code == 404


def test_stop_sets_stop_to_server_now(client: httpx.Client, wid: int, toggl_emulator: Emulator) -> None:
    current = client.get("/me/time_entries/current").json()
    toggl_emulator.clock.advance(60)
    stopped = client.patch(f"/workspaces/{wid}/time_entries/{current['id']}/stop").json()
    assert stopped["stop"] == "2026-11-20T12:01:00Z"
    assert stopped["duration"] == 26 * 60
    assert stopped["tags"] == ["review"]


def test_stop_twice_returns_409(client: httpx.Client, wid: int) -> None:
    current = client.get("/me/time_entries/current").json()
    client.patch(f"/workspaces/{wid}/time_entries/{current['id']}/stop")
    response = client.patch(f"/workspaces/{wid}/time_entries/{current['id']}/stop")
    assert response.status_code == 409
    assert response.json() == "Time entry already stopped"


def test_stop_unknown_entry_returns_404(client: httpx.Client, wid: int) -> None:
    assert client.patch(f"/workspaces/{wid}/time_entries/5/stop").status_code == 404


def test_delete_returns_200_and_hides_the_entry(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    response = client.delete(f"/workspaces/{wid}/time_entries/{te['id']}")
    assert response.status_code == 200
    assert client.get(f"/me/time_entries/{te['id']}").status_code == 404


def test_delete_twice_returns_404(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    client.delete(f"/workspaces/{wid}/time_entries/{te['id']}")
    assert client.delete(f"/workspaces/{wid}/time_entries/{te['id']}").status_code == 404


def test_deleted_entry_is_soft_deleted_with_server_deleted_at(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    te = new_entry(client, wid, duration=60).json()
    toggl_emulator.clock.advance(5)
    client.delete(f"/workspaces/{wid}/time_entries/{te['id']}")
    stored = toggl_emulator.state.time_entries[te["id"]]
    assert stored.server_deleted_at == toggl_emulator.clock.now() == stored.at


def test_other_users_entry_is_not_visible(other: httpx.Client, client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, duration=60).json()
    assert other.get(f"/me/time_entries/{te['id']}").json() == "Resource can not be found"
