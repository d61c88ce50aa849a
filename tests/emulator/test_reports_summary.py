"""Reports v3 summary, totals, weekly and project summaries computed from the emulator's entries (§8.2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from toggl_api.testing import BASE_URL, Emulator

from ._reports_helpers import reportable, user_zone

REPORTS = BASE_URL + "/reports/api/v3"


@pytest.fixture
def reports(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Reports v3 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=REPORTS, auth=toggl_auth) as c:
        yield c


@pytest.fixture
def span(toggl_emulator: Emulator) -> tuple[date, date]:
    """A range covering the whole demo history."""
    today = toggl_emulator.clock.now().date()
    return today - timedelta(days=200), today


def _range(span: tuple[date, date]) -> dict[str, str]:
    return {"start_date": span[0].isoformat(), "end_date": span[1].isoformat()}


def test_summary_by_project_sums_each_projects_seconds(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=_range(span))
    expected: Counter[int | None] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *span):
        expected[te.project_id] += te.duration
    got = {g["id"]: sum(s["seconds"] for s in g["sub_groups"]) for g in response.json()["groups"]}
    assert got == dict(expected)


def test_summary_sub_groups_time_entries_by_description(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    body = {**_range(span), "grouping": "users", "sub_grouping": "time_entries"}
    groups = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=body).json()["groups"]
    expected: Counter[str] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *span):
        expected[te.description or ""] += te.duration
    assert len(groups) == 1
    assert {s["title"]: s["seconds"] for s in groups[0]["sub_groups"]} == dict(expected)


def test_summary_by_client_sub_grouped_by_project_matches_projects_clients(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    body = {**_range(span), "grouping": "clients", "sub_grouping": "projects"}
    groups = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=body).json()["groups"]
    projects = toggl_emulator.state.projects
    expected: Counter[tuple[int | None, int | None]] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *span):
        client = projects[te.project_id].client_id if te.project_id else None
        expected[(client, te.project_id)] += te.duration
    got = {(g["id"], s["id"]): s["seconds"] for g in groups for s in g["sub_groups"]}
    assert got == dict(expected)


def test_summary_by_tag_counts_an_entry_under_each_of_its_tags(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    body = {**_range(span), "grouping": "tags", "sub_grouping": "users"}
    groups = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=body).json()["groups"]
    expected: Counter[int | None] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *span):
        for tag in te.tag_ids or [None]:
            expected[tag] += te.duration
    assert {g["id"]: g["sub_groups"][0]["seconds"] for g in groups} == dict(expected)


def test_summary_answers_grouping_headers(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=_range(span))
    assert (response.headers["X-Grouping"], response.headers["X-Sub-Grouping"]) == ("projects", "time_entries")


def test_summary_rejects_an_unknown_grouping_listing_the_allowed_ones(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    body = {**_range(span), "grouping": "planets"}
    response = reports.post(f"/workspace/{toggl_workspace_id}/summary/time_entries", json=body)
    assert response.status_code == 400
    assert response.json().startswith("Invalid 'grouping' value, allowed values are:")


def test_totals_report_seconds_and_tracked_days_of_the_range(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    totals = reports.post(f"/workspace/{toggl_workspace_id}/search/time_entries/totals", json=_range(span)).json()
    entries = reportable(toggl_emulator, toggl_workspace_id, *span)
    zone_days = {te.start.astimezone(user_zone(toggl_emulator)).date() for te in entries}
    assert (totals["seconds"], totals["tracked_days"]) == (sum(te.duration for te in entries), len(zone_days))


def test_totals_graph_has_one_bucket_per_day_summing_to_the_total(
    reports: httpx.Client, toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    today = toggl_emulator.clock.now().date()
    body = {"start_date": (today - timedelta(days=13)).isoformat(), "end_date": today.isoformat(), "with_graph": True}
    totals = reports.post(f"/workspace/{toggl_workspace_id}/search/time_entries/totals", json=body).json()
    assert len(totals["graph"]) == 14
    assert sum(b["seconds"] for b in totals["graph"]) == totals["seconds"]


def test_weekly_rows_hold_seven_daily_totals_per_project(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    first = toggl_emulator.clock.now().date() - timedelta(days=9)
    rows = reports.post(f"/workspace/{toggl_workspace_id}/weekly/time_entries", json={"start_date": first.isoformat()})
    zone = user_zone(toggl_emulator)
    expected: Counter[tuple[int | None, int]] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, first, first + timedelta(days=6)):
        expected[(te.project_id, (te.start.astimezone(zone).date() - first).days)] += te.duration
    got = {(r["project_id"], day): s for r in rows.json() for day, s in enumerate(r["seconds"]) if s}
    assert all(len(r["seconds"]) == 7 for r in rows.json())
    assert got == dict(expected)


def test_project_summaries_give_tracked_seconds_per_user_and_project(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    answer = reports.post(f"/workspace/{toggl_workspace_id}/projects/summary", json=_range(span)).json()
    expected: Counter[tuple[int, int]] = Counter()
    for te in reportable(toggl_emulator, toggl_workspace_id, *span):
        if te.project_id is not None:
            expected[(te.user_id, te.project_id)] += te.duration
    assert {(r["user_id"], r["project_id"]): r["tracked_seconds"] for r in answer} == dict(expected)


def test_project_summary_totals_one_project(
    reports: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    entries = [te for te in reportable(toggl_emulator, toggl_workspace_id, *span) if te.project_id is not None]
    project_id = entries[0].project_id
    answer = reports.post(f"/workspace/{toggl_workspace_id}/projects/{project_id}/summary", json=_range(span)).json()
    assert answer["seconds"] == sum(te.duration for te in entries if te.project_id == project_id)


def test_project_summary_of_an_unknown_project_is_403(
    reports: httpx.Client, toggl_workspace_id: int, span: tuple[date, date]
) -> None:
    response = reports.post(f"/workspace/{toggl_workspace_id}/projects/1/summary", json=_range(span))
    assert (response.status_code, response.json()) == (403, "project not found or not accessible")

