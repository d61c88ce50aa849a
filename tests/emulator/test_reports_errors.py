"""Reports v3 error answers (§8.1): empty body, premium filters, date order, foreign workspaces."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from toggl_api.testing import BASE_URL, DemoAccount, Emulator

REPORTS = BASE_URL + "/reports/api/v3"
PATHS = ("summary/time_entries", "search/time_entries", "search/time_entries/totals", "weekly/time_entries")


@pytest.fixture
def reports(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Reports v3 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=REPORTS, auth=toggl_auth) as c:
        yield c


@pytest.mark.parametrize("path", PATHS)
def test_empty_body_is_400_at_least_one_parameter(reports: httpx.Client, toggl_workspace_id: int, path: str) -> None:
    response = reports.post(f"/workspace/{toggl_workspace_id}/{path}", json={})
    assert (response.status_code, response.json()) == (400, "At least one parameter must be set")


def test_billable_filter_on_a_free_workspace_is_402(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = reports.post(
        f"/workspace/{toggl_workspace_id}/search/time_entries", json={"start_date": "2026-11-01", "billable": True}
    )
    assert (response.status_code, response.json()) == (402, "Workspace needs to have this feature enabled")


def test_billable_filter_on_a_premium_workspace_returns_only_billable_entries() -> None:
    emulator = Emulator("demo", limits=False, plan="premium")
    assert emulator.account is not None
    wid = emulator.account.workspace_id
    stopped = [te for te in emulator.state.time_entries.values() if te.workspace_id == wid and te.stop]
    entry = max(stopped, key=lambda te: te.start)
    entry.billable = True
    with emulator.client() as client:
        response = client.post(
            f"/reports/api/v3/workspace/{wid}/search/time_entries",
            json={"start_date": entry.start.date().isoformat(), "billable": True},
        )
    assert [te["id"] for row in response.json() for te in row["time_entries"]] == [entry.id]


def test_start_after_end_is_400(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = reports.post(
        f"/workspace/{toggl_workspace_id}/summary/time_entries",
        json={"start_date": "2026-11-10", "end_date": "2026-11-01"},
    )
    assert response.status_code == 400


def test_another_users_workspace_is_403_not_accessible(
    reports: httpx.Client, toggl_account: DemoAccount
) -> None:
    response = reports.post(
        f"/workspace/{toggl_account.other_workspace_id}/summary/time_entries", json={"start_date": "2026-11-01"}
    )
    assert (response.status_code, response.json()) == (403, "Workspace not found/accessible")


def test_weekly_has_no_xlsx_export(reports: httpx.Client, toggl_workspace_id: int) -> None:
    body = {"start_date": "2026-11-01"}
    response = reports.post(f"/workspace/{toggl_workspace_id}/weekly/time_entries.xlsx", json=body)
    assert response.status_code == 404


def test_a_malformed_date_is_400(reports: httpx.Client, toggl_workspace_id: int) -> None:
    response = reports.post(f"/workspace/{toggl_workspace_id}/search/time_entries", json={"start_date": "yesterday"})
    assert response.status_code == 400
