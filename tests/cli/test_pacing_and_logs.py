"""The CLI paces its requests (``--pacing``), and ``--debug --fake`` logs the URL actually used (issue 17)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from toggl_api._core.pacing import AUTO, TOGGL_PACING, Pacing
from toggl_api.cli import app

from .test_cli import Emulators, emulators, fake, fake_cache, run, runner

__all__ = ["emulators", "fake_cache", "runner"]  # fixtures shared with test_cli


def statuses(emulator: object) -> list[int | None]:
    return [r.status for r in emulator.requests]  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", [["quota"], ["sync"], ["webhooks", "list"], ["report", "--remote"]])
def test_debug_fake_logs_the_emulators_url_never_toggls(
    runner: CliRunner, emulators: Emulators, fake_cache: Path, caplog: pytest.LogCaptureFixture, command: list[str]
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = run(runner, "--debug", *fake(fake_cache, *command))
    assert result.exit_code == 0, result.output
    requests = [r.getMessage() for r in caplog.records if r.getMessage().startswith("HTTP Request")]
    assert requests
    assert all(app.FAKE_BASE_URL in line for line in requests)
    assert not any("toggl.com" in r.getMessage() for r in caplog.records)


def test_fake_sync_is_paced_like_toggl_and_meets_no_429(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    result = run(runner, *fake(fake_cache, "sync"))
    assert result.exit_code == 0, result.output
    assert 429 not in statuses(emulators.last)


def test_pacing_off_sends_at_full_speed_into_the_burst_limit(
    runner: CliRunner, emulators: Emulators, fake_cache: Path
) -> None:
    result = run(runner, "--pacing", "off", *fake(fake_cache, "sync"))
    assert result.exit_code == 0, result.output  # the 429s were retried
    assert 429 in statuses(emulators.last)


def test_a_malformed_pacing_is_a_usage_error_saying_what_to_pass(runner: CliRunner) -> None:
    result = run(runner, "--pacing", "fast", "quota")
    assert result.exit_code == 2
    assert "--pacing must be 'off', a rate in requests per second ('1') or RATE:BURST ('1:2')" in result.output


def test_requests_to_toggl_are_paced_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOGGL_API_TOKEN", "not-a-real-token")
    env = app.Env(str(tmp_path / "cache"), None, fake=False, debug=False)
    with env.http() as http:
        endpoint = app.TogglEndpoint(http["auth"], client=http["client"], base_url=http["base_url"],
                                     pacing=http["pacing"])
        assert endpoint.pacing == TOGGL_PACING


def test_the_pacing_option_reaches_the_endpoints(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOGGL_API_TOKEN", "not-a-real-token")
    env = app.Env(str(tmp_path / "cache"), None, fake=False, debug=False, pacing=Pacing(0.5, 1))
    with env.http() as http:
        endpoint = app.TogglEndpoint(http["auth"], client=http["client"], base_url=http["base_url"],
                                     pacing=http["pacing"])
        assert endpoint.pacing == Pacing(0.5, 1)


def test_without_the_option_the_cli_leaves_the_default_to_the_sdk(tmp_path: Path) -> None:
    assert app.Env(str(tmp_path / "cache"), None, fake=False, debug=False).pacing == AUTO
