"""What ``toggl-api`` prints: reports that agree with Toggl's, the public JSON shape, ``--tz``, readable numbers.

End to end against the emulator's demo account (user time zone Europe/Berlin, fake clock at
2026-11-20 12:00 UTC, one running entry started 25 minutes before).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from toggl_api.cli import app
from toggl_api.testing import Emulator

from .test_cli import Emulators, emulators, fake, fake_cache, run, runner  # noqa: F401 - fixtures

RANGE = ("--since", "2026-11-10", "--until", "2026-11-19")
DEMO = ("--workspace", "Demo Workspace")


def _late_entries(emulator: Emulator) -> None:
    """Entries just after midnight in Berlin, still the day before in UTC: they tell the two day cuts apart."""
    account = emulator.account
    wid = account.workspace_id
    with emulator.client(auth=account.auth()) as client:
        for start, stop, tags in (
            ("2026-11-09T23:30:00Z", "2026-11-10T00:30:00Z", ["bug", "urgent"]),  # Nov 10 in Berlin, Nov 9 in UTC
            ("2026-11-19T23:15:00Z", "2026-11-19T23:55:00Z", []),  # Nov 20 in Berlin, Nov 19 in UTC
        ):
            client.post(
                f"{account.track_path}/workspaces/{wid}/time_entries",
                json={"created_with": "tests", "workspace_id": wid, "description": "late", "start": start,
                      "stop": stop, "tags": tags},
            ).raise_for_status()
    # A colleague's hour in the same workspace: in Toggl's reports, not in the user's cache.
    assert account.teammate_api_token is not None
    with emulator.client(auth=httpx.BasicAuth(account.teammate_api_token, "api_token")) as client:
        client.post(
            f"{account.track_path}/workspaces/{wid}/time_entries",
            json={"created_with": "tests", "workspace_id": wid, "description": "colleague",
                  "start": "2026-11-12T09:00:00Z", "stop": "2026-11-12T10:00:00Z", "tags": ["bug"]},
        ).raise_for_status()
    # The set-up's requests are not the user's: the command under test starts with empty burst and quota counts
    # (the clock stands still, so they would otherwise still fill the emulator's 429 bucket).
    emulator.tracker.reset()


@pytest.fixture
def synced(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> Path:  # noqa: F811
    emulators.prepare.append(_late_entries)
    result = run(runner, *fake(fake_cache, "sync"))
    assert result.exit_code == 0, result.output
    return fake_cache


def _json(runner: CliRunner, cache: Path, *args: str) -> dict[str, Any]:  # noqa: F811
    result = run(runner, *fake(cache, *args, "--json"))
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _seconds_by_id(doc: dict[str, Any]) -> dict[Any, int]:
    return {row["id"]: row["seconds"] for row in doc["report"]["rows"]}


# -- local and remote reports agree ---------------------------------------------------------------------


@pytest.mark.parametrize("by", ["project", "client", "tag"])
def test_local_and_remote_reports_agree_row_by_row(
    runner: CliRunner, emulators: Emulators, synced: Path, by: str  # noqa: F811
) -> None:
    local = _json(runner, synced, "report", "--by", by, *RANGE, *DEMO)
    remote = _json(runner, synced, "report", "--remote", "--by", by, *RANGE, *DEMO)

    assert _seconds_by_id(local) == _seconds_by_id(remote)
    assert local["report"]["total"]["seconds"] == remote["report"]["total"]["seconds"]


def test_local_and_remote_reports_default_to_the_same_days(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    local = _json(runner, synced, "report", *DEMO)["report"]
    remote = _json(runner, synced, "report", "--remote", *DEMO)["report"]

    assert (local["since"], local["until"]) == (remote["since"], remote["until"]) == ("2026-10-22", "2026-11-20")


def test_local_report_days_are_cut_in_the_users_toggl_time_zone(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    day = ("--since", "2026-11-10", "--until", "2026-11-10")
    berlin = _json(runner, synced, "report", "--by", "tag", *day, *DEMO)["report"]
    utc = _json(runner, synced, "--tz", "UTC", "report", "--by", "tag", *day, *DEMO)["report"]

    # The late entry (23:30 UTC on Nov 9) is on Nov 10 in Berlin only.
    assert berlin["total"]["entries"] == utc["total"]["entries"] + 1


def test_a_remote_report_says_it_covers_one_workspace_of_several(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    result = run(runner, *fake(synced, "report", "--remote"))

    assert result.exit_code == 0, result.output
    assert "Covers: workspace Demo Workspace" in result.stdout
    assert "Toggl's reports cover one workspace at a time" in result.stdout


def test_a_local_report_names_the_workspaces_and_days_it_covers(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    result = run(runner, *fake(synced, "report", *RANGE))

    assert "Days: 2026-11-10 → 2026-11-19, 10 days in Europe/Berlin (your Toggl time zone)" in result.stdout
    assert "Covers: all 2 workspaces: Demo Workspace, Side Projects" in result.stdout


def test_a_local_report_leaves_the_running_entry_out_as_toggl_does(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    doc = _json(runner, synced, "report", "--since", "2026-11-20", "--until", "2026-11-20")["report"]

    assert doc["running_not_counted"] == {"entries": 1, "seconds": 25 * 60}
    assert "Not counted: the running entry (25m 00s so far), as in Toggl's reports." in doc["notes"]


def test_remote_report_by_tag_costs_two_requests(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    doc = _json(runner, synced, "report", "--remote", "--by", "tag", *RANGE)["report"]

    reports = [r for r in emulators.last.requests if "/reports/" in r.path]
    assert doc["requests"] == len(reports) == 2
    assert all(r.status == 200 for r in reports)


# -- per-tag shares -----------------------------------------------------------------------------------------


def test_tag_report_has_an_untagged_row(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    rows = _json(runner, synced, "report", "--by", "tag", *RANGE)["report"]["rows"]

    assert [r["id"] for r in rows if r["name"] == "(untagged)"] == [None]


def test_tag_report_total_counts_each_entry_once(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    listed = _json(runner, synced, "entries", *RANGE, "--limit", "0")["entries"]
    total = _json(runner, synced, "report", "--by", "tag", *RANGE)["report"]["total"]

    stopped = [e for e in listed if not e["running"]]
    assert total == {"seconds": sum(e["duration"] for e in stopped), "entries": len(stopped)}


def test_tag_report_says_why_shares_add_up_to_more_than_100_percent(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    doc = _json(runner, synced, "report", "--by", "tag", *RANGE)["report"]
    text = run(runner, *fake(synced, "report", "--by", "tag", *RANGE)).stdout

    assert doc["shares_sum"] > 100
    assert doc["shares_sum"] == pytest.approx(sum(r["share"] for r in doc["rows"]), abs=0.1 * len(doc["rows"]))
    assert (
        f"An entry with several tags counts once per tag: shares add up to {doc['shares_sum']:.1f}%; "
        "the total counts each entry once."
    ) in text


# -- public JSON shape ----------------------------------------------------------------------------------------


def test_entries_json_gives_a_running_entry_its_elapsed_seconds(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    running = [e for e in _json(runner, synced, "entries", "--limit", "0")["entries"] if e["running"]]

    assert [(e["stop"], e["duration"]) for e in running] == [(None, 25 * 60)]


def test_entries_json_puts_names_beside_ids(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    projects = {p["id"]: p["name"] for p in json.loads(run(runner, *fake(synced, "projects", "--json")).stdout)}
    entries = _json(runner, synced, "entries", "--limit", "0")["entries"]

    with_project = [e for e in entries if e["project_id"] is not None]
    assert with_project
    assert all(e["project"] == projects[e["project_id"]] for e in with_project)


def test_entries_json_is_a_versioned_document_without_storage_keys(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    doc = _json(runner, synced, "entries", "--limit", "1")

    assert (doc["schema"], doc["timezone"]) == (1, "Europe/Berlin")
    assert {"class", "timestamp", "extra"}.isdisjoint(doc["entries"][0])


def test_entries_json_times_carry_the_offset_of_the_chosen_zone(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    entry = _json(runner, synced, "--tz", "America/New_York", "entries", "--limit", "1")["entries"][0]

    assert entry["start"] == "2026-11-20T06:35:00-05:00"


def _one_request_37_minutes_ago(emulator: Emulator) -> None:
    """Another tool spent one request of the user bucket at 12:00; the hour now runs until 13:00 UTC."""
    with emulator.client(auth=emulator.account.auth()) as client:
        client.get(f"{emulator.account.track_path}/me").raise_for_status()
    emulator.clock.advance(37 * 60)


def test_quota_json_names_each_bucket(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    emulators.prepare.append(_one_request_37_minutes_ago)

    buckets = _json(runner, synced, "--tz", "UTC", "quota")["quota"]

    assert [(b["bucket"], b["organization"], b["limit"]) for b in buckets] == [
        ("user", None, 30),
        ("organization", "Demo Organization", 30),
    ]
    assert buckets[0]["remaining"] == 29
    assert (buckets[0]["resets_in"], buckets[0]["resets_at"]) == (23 * 60, "2026-11-20T13:00:00+00:00")


# -- --tz -------------------------------------------------------------------------------------------------------


def test_an_unknown_time_zone_is_one_line_and_exit_1(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    result = run(runner, *fake(synced, "--tz", "Mars/Olympus", "entries"))

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --tz 'Mars/Olympus' is no time zone: pass an IANA name such as Europe/Paris, America/New_York or "
        "UTC\n"
    )


def test_times_default_to_the_users_toggl_time_zone(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    result = run(runner, *fake(synced, "entries", "--limit", "1"), env={"TZ": "Asia/Tokyo"})

    assert "2026-11-20 12:35" in result.stdout  # 11:35 UTC in Berlin
    assert "times in Europe/Berlin (your Toggl time zone)" in result.stdout


def test_before_any_sync_times_are_in_this_computers_zone_and_it_says_so(
    runner: CliRunner, emulators: Emulators, fake_cache: Path  # noqa: F811
) -> None:
    result = run(runner, *fake(fake_cache, "report"), env={"TZ": "Asia/Tokyo"})

    assert "30 days in Asia/Tokyo (this computer's time zone; run sync to use your Toggl one)" in result.stdout


def test_tz_option_overrides_the_toggl_time_zone(runner: CliRunner, emulators: Emulators, synced: Path) -> None:  # noqa: F811
    result = run(runner, *fake(synced, "--tz", "UTC", "entries", "--limit", "1"))

    assert "2026-11-20 11:35" in result.stdout
    assert "times in UTC (--tz)" in result.stdout


# -- readable numbers ------------------------------------------------------------------------------------------


def test_quota_text_says_what_is_left_which_bucket_and_when_it_resets(
    runner: CliRunner, emulators: Emulators, fake_cache: Path  # noqa: F811
) -> None:
    emulators.prepare.append(_one_request_37_minutes_ago)

    result = run(runner, *fake(fake_cache, "--tz", "Europe/Paris", "quota"))

    assert (
        "29 of 30 requests left this hour (user bucket: requests under /me), resets in 23 min (at 14:00 Europe/Paris)"
    ) in result.stdout.splitlines()


def test_report_text_shows_durations_in_hours_and_minutes_and_shares_with_one_decimal(
    runner: CliRunner, emulators: Emulators, synced: Path  # noqa: F811
) -> None:
    doc = _json(runner, synced, "report", *RANGE)["report"]
    text = run(runner, *fake(synced, "report", *RANGE)).stdout
    top = doc["rows"][0]
    hours, rest = divmod(top["seconds"], 3600)

    line = next(line for line in text.splitlines() if f" {top['name']} " in line)
    assert f"{hours}h {rest // 60:02d}m" in line
    assert f"{top['share']:.1f}%" in line


def test_a_tz_variable_naming_no_zone_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "CET-1CEST")

    assert app.local_zone_name() != "CET-1CEST"


def test_a_remote_report_before_any_sync_says_it_counts_every_members_time(
    runner: CliRunner, emulators: Emulators, fake_cache: Path  # noqa: F811
) -> None:
    result = run(runner, *fake(fake_cache, "report", "--remote"))

    assert result.exit_code == 0, result.output
    assert "Every member's time is counted: run sync once" in result.stdout


def _second_blog_project(emulator: Emulator) -> None:
    """A project named like the side workspace's "Blog" in the main workspace, with an hour on it."""
    account = emulator.account
    wid = account.workspace_id
    with emulator.client(auth=account.auth()) as client:
        project = client.post(f"{account.track_path}/workspaces/{wid}/projects", json={"name": "Blog"})
        project.raise_for_status()
        client.post(
            f"{account.track_path}/workspaces/{wid}/time_entries",
            json={"created_with": "tests", "workspace_id": wid, "project_id": project.json()["id"],
                  "start": "2026-11-12T09:00:00Z", "stop": "2026-11-12T10:00:00Z"},
        ).raise_for_status()


def test_report_rows_of_projects_sharing_a_name_are_told_apart(
    runner: CliRunner, emulators: Emulators, fake_cache: Path  # noqa: F811
) -> None:
    emulators.prepare.append(_second_blog_project)
    run(runner, *fake(fake_cache, "sync"))

    rows = _json(runner, fake_cache, "report", *RANGE)["report"]["rows"]

    blogs = sorted(r["name"] for r in rows if r["name"].startswith("Blog"))
    assert blogs == sorted(f"Blog (id {r['id']})" for r in rows if r["name"].startswith("Blog"))
    assert len(blogs) == 2
