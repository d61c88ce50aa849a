"""Every runnable example in ``docs/examples`` runs against the emulator and shows what the docs say."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from toggl_api.testing import Emulator

from .conftest import EXAMPLES

#: Examples exercised by a test below (kept in step with docs/examples by the last test).
TESTED = {
    "async_gather.py",
    "caching.py",
    "emulator_quickstart.py",
    "first_calls.py",
    "people_and_tasks.py",
    "quota.py",
    "reports_detailed.py",
    "test_with_emulator.py",
}


def test_first_calls_example_starts_and_stops_an_entry(
    run_example: Callable[[str], str], toggl_emulator: Emulator
) -> None:
    out = run_example("first_calls.py").splitlines()
    assert out == [
        "logged in as Demo User",
        "active projects: API Platform, Customer Support, Data Migration ...",
        "running: Reading the docs",
        "stopped: True",
    ]
    assert toggl_emulator.request_count("POST", "/time_entries") == 1


def test_caching_example_answers_the_second_read_from_the_cache(
    run_example: Callable[[str], str], toggl_emulator: Emulator
) -> None:
    out = run_example("caching.py").splitlines()
    assert out == [
        "projects: 12 from Toggl, 10 active from the cache",
        "tags: 10",
        "archived: Legacy CRM, Old Website",
        "hits=1 misses=2 requests saved=1",
    ]
    assert toggl_emulator.request_count("GET", "/projects") == 1
    assert Path("toggl-cache/cache_project.json").is_file()


def test_async_example_gathers_three_lists_and_reports_the_quota(
    run_example: Callable[[str], str], toggl_emulator: Emulator
) -> None:
    out = run_example("async_gather.py").splitlines()
    assert out[0] == "4 clients, 10 projects, 10 tags"
    # The three requests ran concurrently; the quota shown is whichever answer arrived last.
    assert out[1] in {"quota left: 27", "quota left: 28", "quota left: 29"}
    assert toggl_emulator.request_count() == 3


def test_quota_example_is_refused_at_the_free_quota_then_waits_for_the_reset(
    run_example: Callable[[str], str],
) -> None:
    out = run_example("quota.py").splitlines()
    assert out == [
        "refused after 30 requests: 0 left, resets in 3600 s",
        "endpoint.quota: 0",
        "after waiting: 10 tags",
        "waited: 3601.0 s",
    ]


def test_emulator_quickstart_reaches_the_demo_account_in_process_and_over_http(
    run_example: Callable[[str], str],
) -> None:
    out = run_example("emulator_quickstart.py")
    assert out.splitlines() == [
        "user: demo@example.com",
        "status: OK",
        "workspaces: 2",
        "requests seen: 3",
    ]


def test_example_test_module_passes_with_the_installed_pytest_plugin(tmp_path: Path) -> None:
    # Copied into a bare folder and run by a fresh pytest, as in a user's project: the fixtures must come
    # from the plugin registered at install time, not from this repository's conftest files.
    # With a token in the environment, as in a user's shell: toggl_env must hide it (the test reading the
    # environment passes only if the emulator answered with the demo account).
    shutil.copy(EXAMPLES / "test_with_emulator.py", tmp_path)
    env = {**os.environ, "TOGGL_API_TOKEN": "0123456789abcdef0123456789abcdef", "TOGGL_WORKSPACE_ID": "424242"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_with_emulator.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout


def test_detailed_report_example_pages_through_every_row_and_exports_csv(
    run_example: Callable[[str], str],
) -> None:
    out = run_example("reports_detailed.py").splitlines()
    pages, rows = (int(part.split(": ")[1]) for part in out[0].split(", "))
    assert pages > 1  # a week of demo data does not fit in one page of 50 rows
    assert rows > 50 * (pages - 1)  # full pages: no request spent on a short page before the last
    summed, from_totals = re.fullmatch(r"tracked seconds: (\d+) \(totals endpoint: (\d+)\)", out[1]).groups()
    assert summed == from_totals  # the pages together hold exactly what the totals endpoint reports
    assert len(out) == 6
    assert out[-1] == "exported last-week.csv"
    assert Path("last-week.csv").read_text().startswith("User,Email,Client,Project")


def test_people_and_tasks_example_names_people_and_changes_in_bulk(
    run_example: Callable[[str], str], toggl_emulator: Emulator
) -> None:
    out = run_example("people_and_tasks.py").splitlines()
    state = toggl_emulator.state
    done = [t for t in state.tasks.values() if not t.active and t.at == toggl_emulator.clock.now()]
    assert [f"done: {t.name} True" for t in done] == [out[1]]
    assert out[0] == "open tasks: " + ", ".join(sorted(t.name for t in state.tasks.values() if t.active or t in done))
    assert out[2].startswith(f"members: {len(state.workspaces[toggl_emulator.account.workspace_id].members)} - ")
    assert out[3] == "dates as MM/DD/YYYY | 24-hour clock: False | Europe/Berlin"
    assert out[4] == "recoloured: 2 failed: 0"
    assert toggl_emulator.request_count("PATCH", "/projects/") == 1


def test_every_example_file_is_run_by_a_test() -> None:
    assert {p.name for p in EXAMPLES.glob("*.py")} == TESTED
