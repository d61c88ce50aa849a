"""User, client-app and workspace preferences; /me/features; /me/web-timer; sharing details."""

from __future__ import annotations

import httpx

from toggl_api.testing import DemoAccount, Emulator, Limits


def test_preferences_carry_formats_and_first_weekday(client: httpx.Client) -> None:
    prefs = client.get("/me/preferences").json()
    assert (prefs["date_format"], prefs["timeofday_format"], prefs["beginningOfWeek"]) == ("MM/DD/YYYY", "h:mm A", 1)
    assert prefs["pg_time_zone_name"] == "Europe/Berlin"


def test_posted_preferences_are_read_back(client: httpx.Client) -> None:
    body = {"date_format": "YYYY-MM-DD", "timeofday_format": "H:mm"}
    assert client.post("/me/preferences", json=body).json() == "OK"
    prefs = client.get("/me/preferences").json()
    assert (prefs["date_format"], prefs["timeofday_format"]) == ("YYYY-MM-DD", "H:mm")


def test_first_weekday_preference_is_the_users_beginning_of_week(client: httpx.Client) -> None:
    client.post("/me/preferences", json={"beginningOfWeek": 0})
    assert client.get("/me").json()["beginning_of_week"] == 0


def test_unknown_date_format_is_refused(client: httpx.Client) -> None:
    response = client.post("/me/preferences", json={"date_format": "YY"})
    assert (response.status_code, response.json()) == (400, "Value in date_format is invalid")


def test_empty_preferences_are_refused(client: httpx.Client) -> None:
    response = client.post("/me/preferences", json={})
    assert (response.status_code, response.json()) == (400, "Missing data")


def test_tos_flag_cannot_be_set(client: httpx.Client) -> None:
    response = client.post("/me/preferences", json={"toSAcceptNeeded": False})
    assert (response.status_code, response.json()) == (400, "Cannot set value for ToSAcceptNeeded")


def test_client_preferences_override_only_for_that_client(client: httpx.Client) -> None:
    client.post("/me/preferences/desktop", json={"date_format": "DD.MM.YYYY"})
    assert client.get("/me/preferences/desktop").json()["date_format"] == "DD.MM.YYYY"
    assert client.get("/me/preferences/web").json()["date_format"] == "MM/DD/YYYY"


def test_unknown_preferences_client_is_a_400(client: httpx.Client) -> None:
    response = client.get("/me/preferences/toaster")
    assert (response.status_code, response.json()) == (400, "Unknown client.")


def test_workspace_preferences_round_trip(client: httpx.Client, wid: int) -> None:
    answer = client.post(f"/workspaces/{wid}/preferences", json={"hide_start_end_times": True}).json()
    assert answer["hide_start_end_times"] is True
    assert client.get(f"/workspaces/{wid}/preferences").json()["hide_start_end_times"] is True
    assert client.get(f"/workspaces/{wid}").json()["hide_start_end_times"] is True


def test_read_only_workspace_preference_is_refused(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/preferences", json={"single_sign_on": True})
    assert (response.status_code, response.json()) == (400, "The field is not writable")


def test_locking_time_entries_needs_a_paid_plan(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/preferences", json={"report_locked_at": "2026-11-01T00:00:00Z"})
    assert (response.status_code, response.json()) == (
        402,
        "Workspace needs to have the Locking time entries feature enabled",
    )


def test_locking_time_entries_on_premium_is_stored() -> None:
    emulator = Emulator("empty", limits=Limits(enabled=False), plan="premium")
    assert emulator.account is not None
    wid = emulator.account.workspace_id
    with emulator.client() as c:
        body = {"report_locked_at": "2026-11-01T00:00:00Z"}
        assert (
            c.post(f"/api/v9/workspaces/{wid}/preferences", json=body).json()["report_locked_at"]
            == body["report_locked_at"]
        )


def test_features_follow_the_plan(client: httpx.Client, toggl_account: DemoAccount) -> None:
    features = {f["workspace_id"]: f["features"] for f in client.get("/me/features").json()}
    assert set(features) == set(toggl_account.workspace_ids)
    enabled = {f["name"]: f["enabled"] for f in features[toggl_account.workspace_id]}
    assert (enabled["time_tracking"], enabled["time_entry_locking"]) == (True, False)


def test_web_timer_answers_the_running_entry(client: httpx.Client) -> None:
    assert client.get("/me/web-timer").json()["id"] == client.get("/me/time_entries/current").json()["id"]


def test_shared_with_answers_no_sharing(client: httpx.Client, wid: int) -> None:
    entry = client.get("/me/time_entries").json()[0]
    body = [{"time_entry_id": entry["id"], "workspace_id": wid}]
    assert client.post("/me/time_entries_shared_with", json=body).json() == []


def test_shared_with_a_foreign_workspace_is_refused(client: httpx.Client, toggl_account: DemoAccount) -> None:
    body = [{"time_entry_id": 1, "workspace_id": toggl_account.other_workspace_id}]
    response = client.post("/me/time_entries_shared_with", json=body)
    assert (response.status_code, response.json()) == (400, "Invalid workspace")
