"""``toggl-api import FILE.csv`` against the emulator: what it stores, says and costs (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api.cli import app
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def emulators(monkeypatch: pytest.MonkeyPatch) -> list[Emulator]:
    made: list[Emulator] = []

    def make() -> Emulator:
        made.append(Emulator("demo", clock=FakeClock(), limits=False))
        return made[-1]

    monkeypatch.setattr(app, "make_emulator", make)
    return made


def _run(cache: Path, *args: str) -> Result:
    return CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), *args], catch_exceptions=True)


def _export(tmp_path: Path, start: str, end: str, **extra: object) -> Path:
    emulator = Emulator("demo", clock=FakeClock(), limits=False)
    assert emulator.account is not None
    with emulator.client() as client:
        content = client.post(
            f"/reports/api/v3/workspace/{emulator.account.workspace_id}/search/time_entries.csv",
            json={"start_date": start, "end_date": end, **extra},
        ).content
    path = tmp_path / f"Toggl_time_entries_{start}_to_{end}.csv"
    path.write_bytes(content)
    return path


def test_import_after_sync_stores_the_old_rows_skips_the_synced_ones_and_sends_nothing(
    tmp_path: Path, emulators: list[Emulator]
) -> None:
    cache = tmp_path / "cache"
    assert _run(cache, "sync").exit_code == 0
    result = _run(cache, "import", str(_export(tmp_path, "2025-11-20", "2026-11-19")), "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert data["imported"] > 1000
    assert data["skipped_covered"] > 1000
    assert data["unknown_projects"] == []
    assert emulators[-1].request_count() == 0


def test_import_prints_what_it_did_and_zero_requests(tmp_path: Path, emulators: list[Emulator]) -> None:
    result = _run(tmp_path / "cache", "import", str(_export(tmp_path, "2026-01-01", "2026-01-31")))
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    assert result.output.rstrip().endswith("0 requests")


def test_imported_entries_show_in_entries(tmp_path: Path, emulators: list[Emulator]) -> None:
    cache = tmp_path / "cache"
    _run(cache, "import", str(_export(tmp_path, "2026-01-05", "2026-01-05")))
    printed = _run(cache, "entries", "--since", "2026-01-05", "--until", "2026-01-05", "--json").output
    listed = json.loads(printed)["entries"]
    assert listed
    assert all(e["id"] < 0 for e in listed)


def test_a_bad_file_fails_with_the_line_and_imports_nothing(tmp_path: Path, emulators: list[Emulator]) -> None:
    path = _export(tmp_path, "2026-01-01", "2026-01-31")
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace("2026-01-", "2026-13-", 1)
    path.write_text("\n".join(lines))
    cache = tmp_path / "cache"
    result = _run(cache, "import", str(path))
    assert result.exit_code != 0
    assert "line 4, column 'Start date'" in result.output
    assert "nothing was imported" in result.output


def test_an_unknown_time_zone_is_refused_by_name(tmp_path: Path, emulators: list[Emulator]) -> None:
    result = _run(tmp_path / "cache", "import", str(_export(tmp_path, "2026-01-01", "2026-01-02")), "--tz", "Mars/Base")
    assert result.exit_code != 0
    assert "unknown time zone 'Mars/Base'" in result.output


def test_date_format_choices_are_the_formats_the_reader_knows() -> None:
    from toggl_api._core.history_csv import DATE_FORMATS
    from toggl_api.cli.history import DATE_FORMAT_NAMES

    assert list(DATE_FORMAT_NAMES) == list(DATE_FORMATS)
