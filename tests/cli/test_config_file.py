"""The config file: defaults for options (the command line and environment win), one-line errors naming file,
line and key, never credentials, ignored by --fake; and ``toggl-api config path|show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toggl_api.cli import app, config_file
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TOGGL_API_CONFIG", str(path))
    return path


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """A cache the demo account filled (the commands below read it without a request)."""
    cache = tmp_path / "synced"
    assert CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), "sync"]).exit_code == 0
    return cache


def run(*args: str) -> Result:
    return CliRunner().invoke(app.cli, list(args))


def test_the_default_path_is_in_the_user_config_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGGL_API_CONFIG", raising=False)
    result = run("config", "path")

    assert result.stdout.strip().endswith("toggl-api/config.toml")
    assert str(Path.home()) in result.stdout


def test_toggl_api_config_overrides_the_path(config: Path) -> None:
    assert run("config", "path").stdout.strip() == str(config)


def test_the_file_sets_the_cache(config: Path, synced: Path) -> None:
    config.write_text(f'cache = "{synced}"\n')

    result = run("cache", "stats", "--json")

    assert json.loads(result.stdout)["path"] == str(synced)


def test_the_command_line_wins_over_the_file(config: Path, synced: Path, tmp_path: Path) -> None:
    config.write_text(f'cache = "{tmp_path / "elsewhere"}"\n')

    result = run("--cache", str(synced), "cache", "stats", "--json")

    assert json.loads(result.stdout)["path"] == str(synced)


def test_the_environment_wins_over_the_file(
    config: Path, synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(f'cache = "{tmp_path / "elsewhere"}"\n')
    monkeypatch.setenv("TOGGL_API_CACHE_DIR", str(synced))

    result = run("cache", "stats", "--json")

    assert json.loads(result.stdout)["path"] == str(synced)


def test_a_command_table_sets_that_commands_options(config: Path, synced: Path) -> None:
    config.write_text(f'cache = "{synced}"\n[report]\nby = "day"\n')

    rows = json.loads(run("report", "--json").stdout)["report"]["rows"]

    names = [r["name"] for r in rows]
    assert names
    assert all(len(n) == 10 and n[4] == "-" for n in names)  # days, not projects


def test_a_group_command_table_is_named_by_its_words(config: Path, synced: Path) -> None:
    config.write_text(f'cache = "{synced}"\n["cache export"]\nformat = "csv"\n')

    result = run("cache", "export")

    assert result.stdout.startswith("id,workspace,start")


def test_workspace_sets_every_commands_workspace(config: Path, synced: Path) -> None:
    config.write_text(f'cache = "{synced}"\nworkspace = "no such workspace"\n')

    result = run("entries")

    assert result.exit_code == 1
    assert "no cached workspace named 'no such workspace'" in result.stderr


def test_project_is_the_default_project_of_start_only() -> None:
    path = Path("config.toml")
    _, tree = config_file.defaults_for(app.cli, {"project": "Website"}, path)

    assert tree == {"start": {"project": "Website"}}


def test_malformed_toml_is_one_line_naming_file_and_line(config: Path) -> None:
    config.write_text('cache = "x"\ncache-type = \n')

    result = run("projects")

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: config file {config}: not valid TOML: Invalid value (at line 2, column 14)"
    ]


def test_an_unknown_key_is_one_line_naming_file_line_and_key(config: Path) -> None:
    config.write_text('cache = "x"\n\ncolour = "red"\n')

    result = run("projects")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: config file {config}, line 3: 'colour' is unknown")


def test_an_unknown_option_of_a_command_table_names_it(config: Path) -> None:
    config.write_text('[report]\nbye = "client"\n')

    result = run("projects")

    assert result.stderr.startswith(f"Error: config file {config}, line 2: 'report.bye' is no option of")


def test_a_value_the_option_refuses_is_named(config: Path) -> None:
    config.write_text('cache-type = "mysql"\n')

    result = run("projects")

    assert result.exit_code == 1
    assert f"config file {config}, line 1: 'cache-type' is not a value for --cache-type" in result.stderr


def test_credentials_are_never_read_from_the_file(config: Path) -> None:
    config.write_text('token = "secret-token"\n')

    result = run("projects")

    assert result.exit_code == 1
    assert "'token' is not read: keep credentials in TOGGL_API_TOKEN" in result.stderr
    assert "secret-token" not in result.output


def test_fake_ignores_the_file(config: Path, tmp_path: Path) -> None:
    real = tmp_path / "real-cache"
    config.write_text(f'cache = "{real}"\n')

    result = CliRunner().invoke(app.cli, ["--fake", "cache", "stats", "--json"])

    assert result.exit_code == 0, result.output
    assert not real.exists()


def test_config_path_works_with_a_broken_file(config: Path) -> None:
    config.write_text("cache = \n")

    result = run("config", "path")

    assert result.exit_code == 0
    assert result.stdout.strip() == str(config)


def test_config_show_prints_the_settings(config: Path) -> None:
    config.write_text('cache-type = "sqlite"\n[report]\nby = "client"\n')

    result = run("config", "show")

    assert result.stdout.splitlines() == [f"# {config}", 'cache-type = "sqlite"', "[report]", 'by = "client"']


def test_config_show_reports_a_bad_key(config: Path) -> None:
    config.write_text("nope = 1\n")

    result = run("config", "show")

    assert result.exit_code == 1
    assert "line 1: 'nope' is unknown" in result.stderr


def test_without_a_file_built_in_defaults_apply(config: Path, tmp_path: Path) -> None:
    result = run("config", "show")

    assert result.exit_code == 0
    assert "no config file at" in result.stderr


def test_short_help_still_works_with_a_config_file(config: Path) -> None:
    config.write_text('cache-type = "json"\n')

    result = run("-h")

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
