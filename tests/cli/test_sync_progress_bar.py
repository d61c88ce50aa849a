"""``toggl-api sync``'s progress bar: counts on a terminal's stderr, nothing when piped or with --json."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from toggl_api._sync.sync import SyncProgress
from toggl_api.cli import app
from toggl_api.cli.sync_progress import progress_counts
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Make stderr a terminal for rich (what a person running the command sees), captured."""
    screen = io.StringIO()
    original = app._console

    def console(err: bool = False) -> Console:
        if err:
            return Console(file=screen, force_terminal=True, width=200, highlight=False)
        return original(err)

    monkeypatch.setattr(app, "_console", console)
    return screen


def test_the_bar_shows_requests_and_entities_stored_on_a_terminal(terminal: io.StringIO, tmp_path: Path) -> None:
    result = CliRunner().invoke(app.cli, ["--fake", "--cache", str(tmp_path / "c"), "sync"])

    assert result.exit_code == 0, result.output
    shown = terminal.getvalue()
    assert " stored" in shown
    assert "requests" in shown


def test_no_bar_with_json(terminal: io.StringIO, tmp_path: Path) -> None:
    CliRunner().invoke(app.cli, ["--fake", "--cache", str(tmp_path / "c"), "sync", "--json"])

    assert terminal.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(app.cli, ["--fake", "--cache", str(tmp_path / "c"), "sync"])

    assert " stored" not in result.stderr


def test_counts_name_requests_entities_and_windows_left() -> None:
    step = SyncProgress("time entries", 3, stored=120, windows_done=1, windows_left=2, share=0.33)
    assert progress_counts(step) == "3 requests · 120 stored · ~2 windows left"


def test_counts_without_a_full_fetch_leave_windows_out() -> None:
    assert progress_counts(SyncProgress("changed time entries", 1, stored=4)) == "1 request · 4 stored"
