"""History beyond three months (issue 15): the look-back of ``/me/time_entries``, the one-year and page-size rules
of the Reports v3 detailed search, and the layout of its CSV export (reference §4.4, §8.4, §E.1, §E.2)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from toggl_api.testing import BASE_URL, Emulator

from ._reports_helpers import reportable, user_zone

REPORTS = BASE_URL + "/reports/api/v3"
FLOOR = datetime(2026, 8, 20, tzinfo=timezone.utc)  # three calendar months before the fake clock's 2026-11-20


@pytest.fixture
def reports(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Reports v3 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=REPORTS, auth=toggl_auth) as c:
        yield c


def _search(reports: httpx.Client, wid: int, **body: Any) -> httpx.Response:
    return reports.post(f"/workspace/{wid}/search/time_entries", json=body)


def _csv(reports: httpx.Client, wid: int, start: date, end: date, **extra: Any) -> httpx.Response:
    body = {"start_date": start.isoformat(), "end_date": end.isoformat(), **extra}
    return reports.post(f"/workspace/{wid}/search/time_entries.csv", json=body)


def _year(emulator: Emulator) -> tuple[date, date]:
    today = emulator.clock.now().date()
    return today - timedelta(days=365), today


# -- /me/time_entries serves three months --------------------------------------------------------------------


def test_demo_history_reaches_further_back_than_a_year(toggl_emulator: Emulator) -> None:
    oldest = min(te.start for te in toggl_emulator.state.time_entries.values())
    assert oldest < toggl_emulator.clock.now() - timedelta(days=400)


def test_start_date_older_than_three_months_is_400_with_the_floor(client: httpx.Client) -> None:
    response = client.get("/me/time_entries", params={"start_date": "2025-12-01", "end_date": "2026-01-01"})
    assert (response.status_code, response.json()) == (400, "start_date must not be earlier than 2026-08-20")


def test_before_never_returns_entries_older_than_three_months(client: httpx.Client) -> None:
    entries = client.get("/me/time_entries", params={"before": "2026-09-01"}).json()
    assert entries
    assert min(datetime.fromisoformat(e["start"]) for e in entries) >= FLOOR


def test_before_older_than_three_months_returns_nothing(client: httpx.Client) -> None:
    assert client.get("/me/time_entries", params={"before": "2026-03-01"}).json() == []


def test_since_never_returns_old_entries_even_when_they_changed_recently(
    client: httpx.Client, toggl_emulator: Emulator
) -> None:
    old = min(toggl_emulator.state.time_entries.values(), key=lambda te: te.start)
    old.at = toggl_emulator.clock.now() - timedelta(minutes=5)
    since = int((toggl_emulator.clock.now() - timedelta(hours=1)).timestamp())
    ids = {e["id"] for e in client.get("/me/time_entries", params={"since": since}).json()}
    assert old.id not in ids


def test_end_date_alone_never_reaches_past_the_floor(client: httpx.Client) -> None:
    entries = client.get("/me/time_entries", params={"end_date": "2026-09-01"}).json()
    assert entries
    assert min(datetime.fromisoformat(e["start"]) for e in entries) >= FLOOR


# -- the detailed search: one year, 50 rows a page ----------------------------------------------------------


def test_detailed_search_over_more_than_a_year_is_400(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = _search(reports, toggl_workspace_id, start_date="2025-06-01", end_date="2026-06-02")
    assert (response.status_code, response.json()) == (
        400,
        "'end_date' must not be more than one year after 'start_date'",
    )


def test_detailed_search_over_exactly_one_year_is_answered(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = _search(reports, toggl_workspace_id, start_date="2025-06-01", end_date="2026-06-01")
    assert response.status_code == 200
    assert response.json()


def test_detailed_search_with_only_a_start_reports_the_clamped_end(
    reports: httpx.Client, toggl_workspace_id: int
) -> None:
    response = _search(reports, toggl_workspace_id, start_date="2025-10-01")
    assert (response.headers["X-Range-Start"], response.headers["X-Range-End"]) == ("2025-10-01", "2026-10-01")


def test_detailed_csv_export_over_more_than_a_year_is_400(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = _csv(reports, toggl_workspace_id, date(2025, 1, 1), date(2026, 1, 2))
    assert response.status_code == 400


def test_the_one_year_rule_can_be_switched_off(reports: httpx.Client, toggl_emulator: Emulator, wid: int) -> None:
    toggl_emulator.limits.reports.max_span = False
    response = _search(reports, wid, start_date="2025-06-01", end_date="2026-11-20")
    assert response.status_code == 200


def test_page_size_above_fifty_is_400(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = _search(reports, toggl_workspace_id, start_date="2026-11-01", page_size=51)
    assert (response.status_code, response.json()) == (400, "Invalid 'page_size' value, the maximum is 50")


def test_page_size_of_fifty_is_answered_with_fifty_rows(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = _search(reports, toggl_workspace_id, start_date="2026-10-01", page_size=50)
    assert len(response.json()) == 50


def test_paging_an_old_year_returns_every_entry_once_with_ids_and_user_offset(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    start, end = date(2025, 9, 1), date(2026, 6, 30)
    seen: dict[int, dict[str, Any]] = {}
    body: dict[str, Any] = {"start_date": start.isoformat(), "end_date": end.isoformat(), "page_size": 50}
    while True:
        response = _search(reports, toggl_workspace_id, **body)
        for row in response.json():
            for te in row["time_entries"]:
                assert te["id"] not in seen
                seen[te["id"]] = {**te, "project_id": row["project_id"], "tag_ids": row["tag_ids"]}
        if "X-Next-Row-Number" not in response.headers:
            break
        body["first_row_number"] = int(response.headers["X-Next-Row-Number"])
        body["first_id"] = int(response.headers["X-Next-ID"])
    expected = reportable(toggl_emulator, toggl_workspace_id, start, end)
    assert set(seen) == {te.id for te in expected}
    zone = user_zone(toggl_emulator)
    sample = expected[0]
    got = seen[sample.id]
    assert datetime.fromisoformat(got["start"]).utcoffset() == sample.start.astimezone(zone).utcoffset()
    assert (got["project_id"], got["tag_ids"], got["seconds"]) == (
        sample.project_id,
        sample.tag_ids,
        sample.duration,
    )


# -- the CSV export -------------------------------------------------------------------------------------------


def test_detailed_csv_has_toggls_header_with_the_workspace_currency(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    text = _csv(reports, toggl_workspace_id, *_year(toggl_emulator)).text
    assert text.splitlines()[0] == (
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,"
        "Tags,Amount (USD)"
    )


def test_detailed_csv_of_a_year_holds_every_entry_in_one_answer(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    response = _csv(reports, toggl_workspace_id, *_year(toggl_emulator))
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert len(lines) == len(reportable(toggl_emulator, toggl_workspace_id, *_year(toggl_emulator))) > 1000
    assert "X-Next-ID" not in response.headers


def test_detailed_csv_times_are_local_without_offset_and_durations_classic(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    day = date(2025, 12, 3)
    lines = list(csv.DictReader(io.StringIO(_csv(reports, toggl_workspace_id, day, day).text)))
    entries = sorted(reportable(toggl_emulator, toggl_workspace_id, day, day), key=lambda te: te.start)
    zone = ZoneInfo("Europe/Berlin")
    local = entries[0].start.astimezone(zone)
    hours, rest = divmod(entries[0].duration, 3600)
    assert (lines[0]["Start date"], lines[0]["Start time"], lines[0]["Duration"]) == (
        local.strftime("%Y-%m-%d"),
        local.strftime("%H:%M:%S"),
        f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}",
    )


def test_detailed_csv_joins_tags_with_comma_space(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    lines = list(csv.DictReader(io.StringIO(_csv(reports, toggl_workspace_id, *_year(toggl_emulator)).text)))
    assert any(", " in line["Tags"] for line in lines)
    names = {t.name for t in toggl_emulator.state.tags.values()}
    assert all(set(line["Tags"].split(", ")) <= names for line in lines if line["Tags"])


def test_detailed_csv_names_the_task(reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int) -> None:
    lines = list(csv.DictReader(io.StringIO(_csv(reports, toggl_workspace_id, *_year(toggl_emulator)).text)))
    assert {line["Task"] for line in lines} == {"", "Wireframes"}


def test_detailed_csv_billable_words_follow_the_emulator_setting(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.limits.reports.csv_billable = ("はい", "いいえ")
    lines = list(csv.DictReader(io.StringIO(_csv(reports, toggl_workspace_id, *_year(toggl_emulator)).text)))
    assert {line["Billable"] for line in lines} == {"はい", "いいえ"}


def test_detailed_csv_starts_with_a_bom_when_asked(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.limits.reports.csv_bom = True
    content = _csv(reports, toggl_workspace_id, *_year(toggl_emulator)).content
    assert content.startswith(b"\xef\xbb\xbfUser,Email,")


def test_detailed_csv_has_no_bom_by_default(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    assert _csv(reports, toggl_workspace_id, *_year(toggl_emulator)).content.startswith(b"User,Email,")
