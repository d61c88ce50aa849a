"""Reading time entries: ``GET /me/time_entries`` and friends (reference §4.4, §6.1, §7)."""

from __future__ import annotations

from datetime import datetime

import httpx

from toggl_api.testing import Emulator

from .conftest import new_entry


def _starts(entries: list[dict[str, object]]) -> list[datetime]:
    return [datetime.fromisoformat(str(e["start"])) for e in entries]


def test_list_is_ordered_newest_start_first(client: httpx.Client) -> None:
    starts = _starts(
        client.get("/me/time_entries", params={"start_date": "2026-11-01", "end_date": "2026-11-21"}).json()
    )
    assert starts == sorted(starts, reverse=True)
    assert len(starts) > 50


def test_list_uses_plus_offset_for_start_and_stop(client: httpx.Client) -> None:
    entry = client.get("/me/time_entries").json()[1]
    assert entry["start"].endswith("+00:00")
    assert entry["stop"].endswith("+00:00")


def test_since_and_before_together_return_400(client: httpx.Client) -> None:
    response = client.get("/me/time_entries", params={"since": "1", "before": "2026-11-01"})
    assert response.status_code == 400
    assert response.text == "\"'since' and 'before' can not be present simultaneously\""


def test_start_date_older_than_three_months_returns_400(client: httpx.Client) -> None:
    response = client.get("/me/time_entries", params={"start_date": "1984-03-10", "end_date": "1984-03-12"})
    assert response.status_code == 400
    assert response.json() == "start_date must not be earlier than 2026-08-20"


def test_start_date_exactly_three_months_back_is_accepted(client: httpx.Client) -> None:
    assert (
        client.get("/me/time_entries", params={"start_date": "2026-08-20", "end_date": "2026-08-21"}).status_code == 200
    )


def test_lookback_floor_clamps_to_month_end() -> None:
    from datetime import date

    from toggl_api.testing.handlers.time_entries import lookback_floor

    assert lookback_floor(date(2026, 5, 31)) == date(2026, 2, 28)
    assert lookback_floor(date(2024, 12, 16)) == date(2024, 9, 16)


def test_start_and_end_date_filter_on_start(client: httpx.Client) -> None:
    entries = client.get("/me/time_entries", params={"start_date": "2026-11-18", "end_date": "2026-11-19"}).json()
    assert entries
    assert all(e["start"].startswith("2026-11-18") for e in entries)


def test_rfc3339_start_and_end_date_are_accepted(client: httpx.Client) -> None:
    params = {"start_date": "2026-11-18T10:00:00+00:00", "end_date": "2026-11-18T12:00:00Z"}
    starts = _starts(client.get("/me/time_entries", params=params).json())
    assert starts
    assert all(10 <= s.hour < 12 for s in starts)


def test_before_returns_entries_starting_earlier(client: httpx.Client) -> None:
    starts = _starts(client.get("/me/time_entries", params={"before": "2026-10-01"}).json())
    assert starts
    assert max(starts) < datetime.fromisoformat("2026-10-01T00:00:00+00:00")


def test_response_is_capped_at_1000_newest_entries(client: httpx.Client) -> None:
    entries = client.get("/me/time_entries", params={"start_date": "2026-08-20", "end_date": "2026-11-21"}).json()
    assert len(entries) == 1000
    assert entries[0]["stop"] is None


def test_since_returns_modified_entries_including_deleted(
    client: httpx.Client, wid: int, toggl_emulator: Emulator
) -> None:
    keep = new_entry(client, wid, duration=60).json()
    gone = new_entry(client, wid, duration=60).json()
    toggl_emulator.clock.advance(100)
    since = int(toggl_emulator.clock.time())
    client.put(f"/workspaces/{wid}/time_entries/{keep['id']}", json={"description": "edited"})
    client.delete(f"/workspaces/{wid}/time_entries/{gone['id']}")
    entries = {e["id"]: e for e in client.get("/me/time_entries", params={"since": since}).json()}
    assert set(entries) == {keep["id"], gone["id"]}
    assert entries[gone["id"]]["server_deleted_at"] is not None
    assert entries[keep["id"]]["server_deleted_at"] is None


def test_deleted_entries_are_absent_without_since(client: httpx.Client, wid: int) -> None:
    te = new_entry(client, wid, start="2026-11-20T08:00:00Z", duration=60).json()
    client.delete(f"/workspaces/{wid}/time_entries/{te['id']}")
    assert te["id"] not in [e["id"] for e in client.get("/me/time_entries").json()]


def test_current_returns_the_running_entry(client: httpx.Client) -> None:
    current = client.get("/me/time_entries/current").json()
    assert current["stop"] is None
    assert current["duration"] < 0


def test_current_returns_null_when_nothing_runs(client: httpx.Client, wid: int) -> None:
    current = client.get("/me/time_entries/current").json()
    client.patch(f"/workspaces/{wid}/time_entries/{current['id']}/stop")
    response = client.get("/me/time_entries/current")
    assert response.status_code == 200
    assert response.text == "null"


def test_get_unknown_entry_returns_404_message(client: httpx.Client) -> None:
    response = client.get("/me/time_entries/99")
    assert response.status_code == 404
    assert response.json() == "Resource can not be found"


def test_list_only_shows_own_entries(other: httpx.Client, toggl_emulator: Emulator) -> None:
    entries = other.get("/me/time_entries").json()
    assert len(entries) == 3
    assert {e["user_id"] for e in entries} == {toggl_emulator.account.other_user_id}  # type: ignore[union-attr]


def test_list_without_filters_returns_the_last_nine_days(client: httpx.Client) -> None:
    starts = _starts(client.get("/me/time_entries").json())
    assert min(starts) >= datetime.fromisoformat("2026-11-11T12:00:00+00:00")
