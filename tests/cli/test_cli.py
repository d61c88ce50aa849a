"""``toggl-api`` end to end against the emulator: output, exit codes, requests counted from the emulator's log."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from toggl_api.cli import app
from toggl_api.testing import DEMO_API_TOKEN, Emulator, EmulatorServer, FakeClock, Fault, Limits


class Emulators:
    """Every emulator the CLI created (one per invocation, as in separate processes)."""

    def __init__(self) -> None:
        self.made: list[Emulator] = []
        self.prepare: list[object] = []

    def __call__(self) -> Emulator:
        emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
        for step in self.prepare:
            step(emulator)  # type: ignore[operator]
        self.made.append(emulator)
        return emulator

    @property
    def last(self) -> Emulator:
        return self.made[-1]


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> Emulators:
    made = Emulators()
    monkeypatch.setattr(app, "make_emulator", made)
    return made


@pytest.fixture
def fake_cache(tmp_path: Path) -> Path:
    return tmp_path / "fake-cache"


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    return CliRunner()


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app.cli, list(args), env=env, catch_exceptions=True)


def fake(cache: Path, *args: str) -> list[str]:
    return ["--fake", "--cache", str(cache), *args]


def test_main_job_first_sync_costs_six_requests(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    """Related data, organizations, two time-entry windows and the members of each of the two workspaces."""
    result = run(runner, *fake(fake_cache, "sync"))

    assert result.exit_code == 0, result.output
    assert emulators.last.request_count() == 6
    assert "6 requests (full sync)" in result.stdout


def test_main_job_second_sync_in_a_new_process_costs_two_requests(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "sync"))

    assert result.exit_code == 0, result.output
    assert emulators.last.request_count() == 2
    assert "2 requests (incremental sync)" in result.stdout


def test_report_by_project_is_computed_from_the_cache_without_requests(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))

    days = ("--since", "2026-10-01", "--until", "2026-11-20")
    result = run(runner, *fake(fake_cache, "report", "--by", "project", *days, "--json"))

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["report"]["rows"]
    assert {"Website Redesign", "Meetings", "(no project)"} <= {r["name"] for r in rows}
    listed = json.loads(run(runner, *fake(fake_cache, "entries", *days, "--limit", "0", "--json")).stdout)["entries"]
    assert sum(r["entries"] for r in rows) == len([e for e in listed if not e["running"]])
    assert all(e.request_count() == 0 for e in emulators.made[1:])


def test_report_by_day_lists_days_in_order(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "report", "--by", "day", "--since", "2026-11-01", "--json"))
    rows = json.loads(result.stdout)["report"]["rows"]

    days = [r["name"] for r in rows]
    assert days == sorted(days)
    assert days[0] >= "2026-11-01"


def test_entries_filter_by_project_and_limit(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))
    projects = json.loads(run(runner, *fake(fake_cache, "projects", "--json")).stdout)
    redesign = next(p["id"] for p in projects if p["name"] == "Website Redesign")

    result = run(runner, *fake(fake_cache, "entries", "--project", "website redesign", "--limit", "5", "--json"))

    entries = json.loads(result.stdout)["entries"]
    assert len(entries) == 5
    assert {e["project_id"] for e in entries} == {redesign}


def test_entries_filter_by_tag(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--tag", "bug", "--limit", "0", "--json"))
    entries = json.loads(result.stdout)["entries"]

    assert entries
    assert all("bug" in e["tags"] for e in entries)


def test_listing_an_unknown_project_says_so(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--project", "No Such Project"))

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no cached project named 'No Such Project' (see `toggl-api projects`)"


def test_a_project_filter_never_merges_projects_whose_names_contain_it(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "report", "--project", "site"))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no cached project named 'site'; did you mean: Marketing Site, ")
    assert result.stdout == ""


def test_a_project_filter_matches_the_exact_name_in_any_case(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "report", "--project", "marketing site", "--json"))

    assert result.exit_code == 0, result.output
    assert [row["name"] for row in json.loads(result.stdout)["report"]["rows"]] == ["Marketing Site"]


def _second_blog_project(emulator: Emulator) -> None:
    """A project named like the side workspace's "Blog", in the main workspace."""
    account = emulator.account
    with emulator.client(auth=account.auth()) as client:
        url = f"{account.track_path}/workspaces/{account.workspace_id}/projects"
        client.post(url, json={"name": "blog"}).raise_for_status()


def test_a_name_shared_by_two_projects_is_ambiguous(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    emulators.prepare.append(_second_blog_project)
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--project", "Blog"))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --project 'Blog' is ambiguous: Blog (id ")
    assert "blog (id " in result.stderr
    assert result.stderr.strip().endswith("pass the id or --workspace")


def test_a_workspace_filter_settles_a_name_shared_across_workspaces(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    emulators.prepare.append(_second_blog_project)
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--project", "Blog", "--workspace", "side projects", "--json"))

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["entries"]
    assert found
    account = emulators.last.account
    assert {e["workspace_id"] for e in found} == set(account.workspace_ids) - {account.workspace_id}


def test_an_unknown_tag_is_an_error_not_an_empty_table(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--tag", "no-such-tag"))

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no cached tag named 'no-such-tag' (see `toggl-api tags`)"


def test_since_after_until_is_an_error(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "report", "--since", "2026-11-21", "--until", "2026-11-20"))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --since 2026-11-21 is after --until 2026-11-20")


@pytest.mark.parametrize("command", ["entries", "report"])
def test_a_malformed_date_is_an_error(
    runner: CliRunner, emulators: Emulators, fake_cache: Path, command: str
) -> None:
    result = run(runner, *fake(fake_cache, command, "--since", "2026-11-20garbage"))

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --since must be a date like 2026-11-20 (YYYY-MM-DD), got '2026-11-20garbage'"
    )


def test_tags_lists_every_cached_tag(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    assert len(json.loads(run(runner, *fake(fake_cache, "tags", "--json")).stdout)) == 12


def test_no_credentials_is_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "--cache", str(tmp_path / "c"), "sync")

    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: No Toggl credentials: set TOGGL_API_TOKEN")


def test_bad_token_is_one_line_without_traceback(
    runner: CliRunner, toggl_server: EmulatorServer, tmp_path: Path
) -> None:
    env = {"TOGGL_API_TOKEN": "not-a-valid-token", "TOGGL_API_BASE_URL": toggl_server.url}

    result = run(runner, "--cache", str(tmp_path / "c"), "sync", env=env)

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Toggl refused the credentials (403): check TOGGL_API_TOKEN / TOGGL_PASSWORD or the [auth] section "
        "of ~/.togglrc."
    ]
    assert "not-a-valid-token" not in result.output


def test_no_network_is_one_line(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    emulators.prepare.append(lambda e: e.faults.add(Fault.connect_error(), times=None))

    result = run(runner, *fake(fake_cache, "sync"))

    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: Cannot reach emulator.invalid")  # --fake names the host it used
    assert lines[0].endswith("Check your network connection.")


def test_quota_exhausted_sync_stops_with_the_reset_time(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    def spend(emulator: Emulator) -> None:
        with emulator.client() as other:
            while other.get("/api/v9/me").status_code != 402:
                emulator.clock.advance(1)  # stay under the burst limit

    emulators.prepare.append(spend)

    result = run(runner, *fake(fake_cache, "sync"))

    assert result.exit_code == 1
    assert "Stopped early: Toggl's hourly quota is exhausted (resets at 2026-11-20T13:00" in result.stderr


def test_quota_exhausted_on_a_single_call_is_one_line(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    # Another tool spent the organization's quota; the Reports API counts against it.
    def spend_org(emulator: Emulator) -> None:
        account = emulator.account
        assert account is not None
        with emulator.client() as other:
            while other.get(f"/api/v9/workspaces/{account.workspace_id}/tags").status_code != 402:
                emulator.clock.advance(1)

    emulators.prepare.append(spend_org)

    result = run(runner, *fake(fake_cache, "report", "--remote", "--by", "project"))

    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("Error: Toggl's hourly API quota is exhausted; it resets at 2026-11-20 ")
    assert line.endswith("Try again after the reset.")


def test_corrupt_cache_is_one_line_and_debug_shows_the_exception(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, "--cache-type", "json", *fake(fake_cache, "sync"))  # a JSON cache (new caches are SQLite)
    (fake_cache / "cache_tracker.json").write_text("{not json")

    result = run(runner, *fake(fake_cache, "entries"))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Corrupt cache: cache file ")
    assert len(result.stderr.strip().splitlines()) == 1
    (fake_cache / "cache_tracker.json").write_text("{not json")
    debug = run(runner, "--debug", *fake(fake_cache, "entries"))
    assert type(debug.exception).__name__ == "CorruptCacheError"


def test_remote_report_uses_one_reports_request(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "report", "--remote", "--by", "project", "--since", "2026-11-01",
                               "--json"))

    assert result.exit_code == 0, result.output
    assert emulators.last.request_count() == 1
    assert "Website Redesign" in {r["name"] for r in json.loads(result.stdout)["report"]["rows"]}


def test_quota_command_shows_the_user_bucket(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    result = run(runner, *fake(fake_cache, "quota", "--json"))

    buckets = json.loads(result.stdout)["quota"]
    assert {
        k: buckets[0][k] for k in ("bucket", "organization_id", "remaining", "limit")
    } == {"bucket": "user", "organization_id": None, "remaining": 30, "limit": 30}


def test_cache_export_csv_has_one_row_per_entry(runner: CliRunner, emulators: Emulators, fake_cache: Path,
                                                tmp_path: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))
    out = tmp_path / "entries.csv"

    result = run(runner, *fake(fake_cache, "cache", "export", "--format", "csv", "--output", str(out)))

    assert result.exit_code == 0, result.output
    stats = json.loads(run(runner, *fake(fake_cache, "cache", "stats", "--json")).stdout)
    assert len(out.read_text().splitlines()) == stats["entities"]["tracker"] + 1
    assert out.stat().st_mode & 0o777 == 0o600


def test_cache_check_passes_on_a_synced_cache(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "cache", "check"))

    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ")


def test_fake_default_cache_folder_comes_from_the_environment(
    runner: CliRunner, emulators: Emulators, tmp_path: Path
) -> None:
    folder = tmp_path / "from-env"

    result = run(runner, "--fake", "sync", env={"TOGGL_API_FAKE_CACHE_DIR": str(folder)})

    assert result.exit_code == 0, result.output
    assert (folder / "cache.sqlite").exists()


def test_real_default_cache_folder_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(app.DEFAULT_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    assert app.default_cache_dir(fake=False) == tmp_path / "xdg" / "toggl-api"


def test_fake_server_serves_the_demo_account_on_loopback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toggl_api", "fake-server", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split(" listening on ")[1].split(" ")[0]
        response = httpx.get(f"{url}/api/v9/me", auth=(DEMO_API_TOKEN, "api_token"), timeout=10)
        assert response.json()["email"] == "demo@example.com"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _serve_fake(*options: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start ``toggl-api fake-server`` with ``options``; the process and its first three banner lines."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toggl_api", "fake-server", "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    assert proc.stdout is not None
    return proc, [proc.stdout.readline() for _ in range(3)]


def test_fake_server_says_which_limits_it_enforces_and_how_not_to_wait_for_them() -> None:
    proc, lines = _serve_fake()
    try:
        limits = lines[2]
        assert limits.startswith("Limits: free plan, 30 requests an hour")
        assert "restart to reset them, or pass --plan premium or --no-limits" in limits
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_fake_server_plan_sets_the_hourly_quota() -> None:
    proc, lines = _serve_fake("--plan", "premium")
    try:
        url = lines[0].split(" listening on ")[1].split(" ")[0]
        wid = httpx.get(f"{url}/api/v9/me", auth=(DEMO_API_TOKEN, "api_token"), timeout=10).json()
        org = httpx.get(f"{url}/api/v9/me/organizations", auth=(DEMO_API_TOKEN, "api_token"), timeout=10).json()
        quota = httpx.get(f"{url}/api/v9/me/quota", auth=(DEMO_API_TOKEN, "api_token"), timeout=10).json()
        assert wid["default_workspace_id"]
        assert {q["total"] for q in quota if q["organization_id"] == org[0]["id"]} == {600}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_fake_server_without_limits_says_so() -> None:
    proc, lines = _serve_fake("--no-limits")
    try:
        assert lines[2].strip() == "Limits: off (no 429, no 402)."
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sqlite_cache_file_gets_the_same_incremental_sync(
    runner: CliRunner, emulators: Emulators, tmp_path: Path
) -> None:
    target = tmp_path / "toggl.sqlite"
    run(runner, "--fake", "--cache", str(target), "sync")

    result = run(runner, "--fake", "--cache", str(target), "sync")

    assert result.exit_code == 0, result.output
    assert emulators.last.request_count() == 2
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("command", ["entries", "projects", "report"])
def test_reading_a_never_synced_cache_says_to_sync_first(runner: CliRunner, tmp_path: Path, command: str) -> None:
    result = run(runner, "--cache", str(tmp_path / "empty"), command)

    assert result.exit_code == 0
    assert result.stderr.strip() == "The cache is empty: run `toggl-api sync` first."


def test_a_synced_cache_gives_no_empty_cache_hint(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))

    result = run(runner, *fake(fake_cache, "entries", "--since", "2000-01-01", "--until", "2000-01-02"))

    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_name_filter_on_a_never_synced_cache_says_to_sync_first(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "--cache", str(tmp_path / "empty"), "entries", "--project", "Blog")

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the cache is empty: run `toggl-api sync` first, then filter by name."


def test_report_by_tag_totals_count_each_entry_once(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    run(runner, *fake(fake_cache, "sync"))
    days = ("--since", "2026-10-01", "--until", "2026-11-20")
    listed = json.loads(run(runner, *fake(fake_cache, "entries", *days, "--limit", "0", "--json")).stdout)["entries"]
    stopped = [e for e in listed if not e["running"]]
    by_tag = run(runner, *fake(fake_cache, "report", "--by", "tag", *days)).stdout
    total_line = next(line for line in by_tag.splitlines() if "total" in line)

    assert any(len(e["tags"]) > 1 for e in stopped), "the demo data must have entries with several tags"
    assert f" {len(stopped)} " in total_line


def test_remote_report_has_no_entry_count_column(runner: CliRunner, emulators: Emulators, fake_cache: Path) -> None:
    result = run(runner, *fake(fake_cache, "report", "--remote", "--by", "client"))

    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "duration" in line)
    assert "entries" not in header


@pytest.fixture
def fake_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The folder ``--fake`` uses when nothing is configured, under a per-test XDG cache home."""
    monkeypatch.delenv(app.FAKE_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return app.default_cache_dir(fake=True)


def test_fake_cache_is_a_private_folder_of_the_users_cache_directory_and_sync_says_where(
    runner: CliRunner, emulators: Emulators, fake_default: Path, tmp_path: Path
) -> None:
    result = run(runner, "--fake", "sync")

    assert result.exit_code == 0, result.output
    assert fake_default.parent == tmp_path / "xdg" / "toggl-api"
    assert (fake_default / "cache.sqlite").exists()
    assert fake_default.stat().st_mode & 0o777 == 0o700
    assert f"→ {fake_default}" in result.stdout


def test_fake_cache_folder_is_not_shared_with_other_versions(fake_default: Path) -> None:
    assert app.__version__ in fake_default.name


def test_fake_cache_refuses_a_symlinked_folder(
    runner: CliRunner, emulators: Emulators, fake_default: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir()
    fake_default.parent.mkdir(parents=True)
    fake_default.symlink_to(elsewhere)

    result = run(runner, "--fake", "sync")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: the cache folder {fake_default} is a symlink; refusing to follow it: remove it or set "
        f"{app.FAKE_CACHE_ENV} to a folder of yours"
    )
    assert list(elsewhere.iterdir()) == []


def test_fake_cache_refuses_a_folder_of_another_user(
    runner: CliRunner, emulators: Emulators, fake_default: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_default.mkdir(parents=True)
    owner = fake_default.stat().st_uid
    monkeypatch.setattr(app, "_current_uid", lambda: owner + 1)

    result = run(runner, "--fake", "sync")

    assert result.exit_code == 1
    assert f"belongs to another user (uid {owner})" in result.stderr
    assert list(fake_default.iterdir()) == []


def test_fake_cache_folder_of_ours_left_open_is_made_owner_only(
    runner: CliRunner, emulators: Emulators, fake_default: Path
) -> None:
    fake_default.mkdir(parents=True)
    fake_default.chmod(0o755)

    run(runner, "--fake", "sync")

    assert fake_default.stat().st_mode & 0o777 == 0o700


def test_a_plain_file_as_cache_names_what_the_cli_accepts(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.write_text("mine")

    result = run(runner, "--cache", str(notes), "entries")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {notes} is a file; a JSON cache is a folder: pass a folder, or an SQLite file ending in "
        ".sqlite, .sqlite3, .db"
    )


def test_cache_type_sqlite_opens_an_existing_database_file_without_a_suffix(
    runner: CliRunner, emulators: Emulators, tmp_path: Path
) -> None:
    database = tmp_path / "toggl.sqlite"
    run(runner, "--fake", "--cache", str(database), "sync")
    renamed = tmp_path / "toggl-db"
    source, target = sqlite3.connect(database), sqlite3.connect(renamed)
    try:
        source.backup(target)  # a whole copy (the original's recent pages may sit in its -wal file)
    finally:
        source.close()
        target.close()

    result = run(runner, "--fake", "--cache", str(renamed), "--cache-type", "sqlite", "entries", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


def test_cache_type_sqlite_refuses_a_file_that_is_no_database_and_leaves_it_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    notes.write_text("mine")

    result = run(runner, "--cache", str(notes), "--cache-type", "sqlite", "entries")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {notes} is not an SQLite database: pass a folder")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("notes")] == ["notes"]  # not set aside
    assert notes.read_text() == "mine"


@pytest.mark.parametrize("name", ["sub", "sub.sqlite"])
def test_a_file_where_the_cache_needs_a_folder_is_named(runner: CliRunner, tmp_path: Path, name: str) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")

    result = run(runner, "--cache", str(blocker / name), "entries")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {blocker} is a file where the cache needs a folder: move it away or pass another --cache"
    )


def test_an_unreadable_cache_file_is_one_line_saying_what_to_fix() -> None:
    denied = PermissionError(13, "Permission denied", "/srv/cache/cache_tracker.json")

    assert app._error_line(denied, None) == (
        "permission denied on /srv/cache/cache_tracker.json: make the cache folder readable and writable by you "
        "(or pass another --cache)"
    )


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root reads any folder")
def test_an_unreadable_cache_folder_is_one_line(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    run(runner, *fake(fake_cache, "sync"))
    fake_cache.chmod(0)
    try:
        result = run(runner, *fake(fake_cache, "entries"))
    finally:
        fake_cache.chmod(0o700)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: permission denied on ")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u@localhost/db", "the database driver MySQLdb, which is not installed: install a mysql driver"),
        ("postgresql+psycopg2://u@localhost/db", "use postgresql+psycopg://"),
        ("nosuchdb://x", "the cache URL's scheme 'nosuchdb' is no database SQLAlchemy knows"),
    ],
)
def test_a_cache_url_without_its_driver_says_what_to_install(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    pytest.importorskip("sqlalchemy")
    # Whatever this machine has installed, these driver modules are absent for the test.
    for module in ("MySQLdb", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)

    result = run(runner, "--cache", url, "entries")

    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "unexpected" not in result.stderr


def test_a_database_that_cannot_be_opened_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    blocker = tmp_path / "afile"
    blocker.write_text("x")

    result = run(runner, "--cache", f"sqlite:///{blocker}/x.db", "entries")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: cannot use the cache database sqlite:///{blocker}/x.db: unable to open database file "
        "(check the --cache path or URL)"
    )
