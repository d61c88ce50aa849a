"""The offline read path of ``entries``, ``report`` and the lists (``projects``...) on an SQLite cache file
(``toggl_api.cli.offline``).

It must answer exactly what the regular path (through ``SqliteCache``) answers, on the same file, for every
filter and grouping; and it must import neither SQLAlchemy nor httpx, which is what makes it fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api._core.models import TogglProject, TogglTag, TogglTracker
from toggl_api.cli import app
from toggl_api.cli.offline import EntryFilter, OfflineReader, entries_sql
from toggl_api.meta.cache import SqliteCache
from toggl_api.testing import Emulator, FakeClock, Limits

from .test_cli import Emulators


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> Emulators:
    made = Emulators()
    monkeypatch.setattr(app, "make_emulator", made)
    return made


def run(*args: str) -> Result:
    return CliRunner().invoke(app.cli, list(args), catch_exceptions=True)


@pytest.fixture
def database(tmp_path: Path, emulators: Emulators) -> Path:
    """The demo account synced into an SQLite file, plus entries that exercise every branch of the readers."""
    path = tmp_path / "cache.sqlite"
    assert run("--fake", "--cache", str(path), "sync").exit_code == 0
    now = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True)).clock.now()
    cache = SqliteCache(tmp_path, expire_after=None)
    try:
        project = cache.load(TogglProject)[0]
        tags = cache.load(TogglTag)[:2]
        ws = project.workspace
        cache.add(
            TogglTracker(9_000_001, "running", now, workspace=ws, start=now - timedelta(hours=2), project=project.id,
                         tags=list(tags)),
            TogglTracker(9_000_002, "two tags, no project", now, workspace=ws, start=now - timedelta(days=1),
                         stop=now - timedelta(days=1) + timedelta(seconds=1234.5), duration=1234,
                         tags=list(reversed(tags)), extra={"kept": [1, 2]}),
            TogglTracker(9_000_003, "same start as the next", now, workspace=ws, start=now - timedelta(days=3),
                         stop=now - timedelta(days=3, seconds=-60), duration=60, project=project.id),
            TogglTracker(9_000_004, "same start as the previous", now, workspace=ws, start=now - timedelta(days=3),
                         stop=now - timedelta(days=3, seconds=-90), duration=90, project=project.id,
                         billable=True, user=5, task=None),
        )
    finally:
        cache.close()
    return path


def both(path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Result, Result]:
    """The answer of the offline path (checked to be the one answering) and of the regular path."""
    opened: list[Path] = []
    real = app.OfflineReader

    def counting(where: Path) -> OfflineReader:
        opened.append(where)
        return real(where)

    with monkeypatch.context() as patch:
        patch.setattr(app, "OfflineReader", counting)
        fast = run("--fake", "--cache", str(path), *args)
    assert opened, "the offline path did not answer"
    with monkeypatch.context() as patch:
        patch.setattr(app.Env, "offline", lambda self: None)
        regular = run("--fake", "--cache", str(path), *args)
    return fast, regular


def _names(path: Path) -> tuple[str, str, str, str]:
    cache = SqliteCache(path.parent, expire_after=None)
    try:
        project = cache.load(TogglProject)[0]
        tag = cache.load(TogglTag)[0].name
        client = next(p.client for p in cache.load(TogglProject) if p.client)
        from toggl_api._core.models import TogglClient, TogglWorkspace

        client_name = next(c.name for c in cache.load(TogglClient) if c.id == client)
        return project.name, client_name, tag, cache.load(TogglWorkspace)[0].name
    finally:
        cache.close()


@pytest.mark.parametrize(
    "args",
    [
        ("entries", "--json"),
        ("entries", "--limit", "0", "--json"),
        ("entries", "--limit", "3"),
        ("entries", "--since", "2026-11-10", "--until", "2026-11-19", "--limit", "0", "--json"),
        ("report", "--by", "project", "--json"),
        ("report", "--by", "client", "--json"),
        ("report", "--by", "tag", "--json"),
        ("report", "--by", "day", "--since", "2026-11-01", "--json"),
        ("report", "--by", "project"),
        ("projects", "--json"),
        ("projects",),
        ("clients", "--json"),
        ("tags",),
        ("workspaces", "--json"),
        ("organizations", "--json"),
    ],
)
def test_offline_answers_equal_the_regular_path(database: Path, monkeypatch: pytest.MonkeyPatch,
                                                args: tuple[str, ...]) -> None:
    fast, regular = both(database, monkeypatch, *args)

    assert fast.exit_code == regular.exit_code == 0, fast.output
    assert fast.stdout == regular.stdout
    assert fast.stderr == regular.stderr


@pytest.mark.parametrize("option", ["--project", "--client", "--tag", "--workspace"])
@pytest.mark.parametrize("command", ["entries", "report"])
def test_offline_name_filters_equal_the_regular_path(database: Path, monkeypatch: pytest.MonkeyPatch, option: str,
                                                     command: str) -> None:
    project, client, tag, workspace = _names(database)
    value = {"--project": project, "--client": client, "--tag": tag, "--workspace": workspace}[option]

    fast, regular = both(database, monkeypatch, command, option, value, "--json")

    assert fast.exit_code == regular.exit_code == 0, fast.output
    assert json.loads(fast.stdout) == json.loads(regular.stdout)
    assert json.loads(fast.stdout), "the filter should select something in this account"


def test_offline_refuses_an_unknown_name_like_the_regular_path(database: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fast, regular = both(database, monkeypatch, "entries", "--project", "no such project")

    assert fast.exit_code == regular.exit_code == 1
    assert fast.stderr == regular.stderr


def test_offline_entries_keep_tag_order_extra_and_durations(database: Path) -> None:
    with OfflineReader(database) as reader:
        found = {e.id: e for e in reader.entries(EntryFilter(), 0)}

    two = found[9_000_002]
    assert [t.name for t in two.tags] == [t.name for t in reversed(found[9_000_001].tags)]
    assert two.extra == {"kept": [1, 2]}
    assert two.duration == timedelta(seconds=1234)
    assert two.stop is not None
    assert (two.stop - two.start).total_seconds() == 1234.5
    assert found[9_000_001].stop is None
    assert found[9_000_004].billable is True
    assert found[9_000_004].user == 5


def test_entries_sql_sorts_newest_first_with_ties_by_id_and_limits() -> None:
    sql, params = entries_sql(["id"], EntryFilter(start_from=datetime(2026, 1, 1, tzinfo=timezone.utc)), 50)

    assert sql.endswith("ORDER BY t.start DESC, t.id DESC LIMIT ?")
    assert params == ["2026-01-01 00:00:00.000000", 50]


def test_an_empty_sqlite_file_gets_the_never_synced_hint(tmp_path: Path, emulators: Emulators) -> None:
    path = tmp_path / "cache.sqlite"
    SqliteCache(tmp_path, expire_after=None).close()  # no table yet
    path.touch()

    result = run("--fake", "--cache", str(path), "entries")

    assert result.exit_code == 0
    assert "run `toggl-api sync` first" in result.stderr


def test_a_damaged_cache_file_is_left_to_the_regular_path(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with monkeypatch.context() as patch:
        patch.setattr(app.Env, "offline", lambda self: None)
        regular = run("--fake", "--cache", str(database), "entries")
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # the regular path set the first copy aside

    result = run("--fake", "--cache", str(database), "entries")

    assert (result.exit_code, result.stderr) == (regular.exit_code, regular.stderr)


#: Python code running the CLI in a fresh interpreter, then printing on stderr which heavy libraries it loaded.
LOADED = (
    "import sys\n"
    "from toggl_api.cli.app import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "heavy = sorted(m for m in ('httpx', 'httpcore', 'sqlalchemy') if m in sys.modules)\n"
    "print(f'EXIT {code} LOADED {\",\".join(heavy) or \"nothing\"}', file=sys.stderr)\n"
)


def loaded_by(*args: str, env: dict[str, str] | None = None) -> tuple[str, subprocess.CompletedProcess[str]]:
    """The last stderr line of the CLI run in a fresh interpreter (``EXIT <code> LOADED <libraries>``)."""
    done = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True,
                          env=env or dict(os.environ), timeout=120)
    return done.stderr.strip().splitlines()[-1], done


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--by", "tag", "--json"),
        ("report", "--by", "project"),
        ("entries", "--since", "2026-11-01"),
        ("entries", "--json"),
        ("projects",),
        ("tags", "--json"),
    ],
)
def test_offline_commands_import_neither_httpx_nor_sqlalchemy(database: Path, args: tuple[str, ...]) -> None:
    last, done = loaded_by("--cache", str(database), *args)

    assert last == "EXIT 0 LOADED nothing", done.stderr
    assert done.stdout.strip()


def test_new_cli_caches_are_sqlite_and_json_caches_stay_json(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "cache_tracker.json").write_text("{}")
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "cache.sqlite").touch()

    assert app.default_kind(tmp_path / "new") == "sqlite"
    assert app.default_kind(tmp_path / "old") == "json"
    assert app.default_kind(tmp_path / "both") == "sqlite"


def test_without_sqlalchemy_new_cli_caches_are_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "sqlalchemy" else real(name))

    assert app.default_kind(tmp_path / "new") == "json"

