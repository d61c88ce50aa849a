"""Shell completion: click's scripts are produced for bash, zsh and fish, and project/tag names come from the
cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from toggl_api.cli import app
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    cache = tmp_path / "c"
    assert CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), "sync"]).exit_code == 0
    return cache


def complete(words: list[str]) -> list[str]:
    """What bash would offer for the last word of ``toggl-api WORDS``."""
    line = ["toggl-api", *words]
    env = {"_TOGGL_API_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(line), "COMP_CWORD": str(len(line) - 1)}
    result = CliRunner().invoke(app.cli, [], env=env, prog_name="toggl-api")
    return [row.split(",", 1)[1] for row in result.stdout.splitlines() if row]


SCRIPTS = [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files --command toggl-api")]


@pytest.mark.parametrize(("shell", "marker"), SCRIPTS)
def test_the_completion_script_is_produced(shell: str, marker: str) -> None:
    result = CliRunner().invoke(app.cli, [], env={"_TOGGL_API_COMPLETE": f"{shell}_source"}, prog_name="toggl-api")

    assert result.exit_code == 0
    assert marker in result.stdout
    assert "_TOGGL_API_COMPLETE" in result.stdout


def test_commands_complete() -> None:
    assert "start" in complete(["sta"])


def test_a_project_name_completes_from_the_cache(synced: Path) -> None:
    assert complete(["--fake", "--cache", str(synced), "start", "x", "-p", "web"]) == ["Website Redesign"]


def test_tag_names_complete_in_any_letter_case(synced: Path) -> None:
    assert complete(["--fake", "--cache", str(synced), "start", "x", "-t", "B"]) == ["billable", "bug"]


def test_completion_without_a_cache_offers_nothing_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "never-synced"

    assert complete(["--fake", "--cache", str(missing), "start", "x", "-p", "w"]) == []
    assert not missing.exists()
