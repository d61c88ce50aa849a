"""Ctrl-C: one line on stderr, exit code 130, no traceback (unless --debug), and a cache the next run resumes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from toggl_api._sync.sync import TogglSync
from toggl_api.cli import app
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


@pytest.fixture
def ctrl_c_at_request(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the sync's n-th request raise KeyboardInterrupt (what Ctrl-C raises) before it is sent."""

    def arm(n: int) -> None:
        original = TogglSync._get
        calls = {"count": 0}

        def interrupted(self: TogglSync, *args: Any, **kwargs: Any) -> Any:
            calls["count"] += 1
            if calls["count"] == n:
                raise KeyboardInterrupt
            return original(self, *args, **kwargs)

        monkeypatch.setattr(TogglSync, "_get", interrupted)

    return arm


def run(cache: Path, *args: str) -> Result:
    return CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), *args])


def test_ctrl_c_during_sync_prints_one_line_and_exits_130(tmp_path: Path, ctrl_c_at_request: Any) -> None:
    ctrl_c_at_request(3)

    result = run(tmp_path / "c", "sync")

    assert result.exit_code == 130
    assert result.stderr.strip().splitlines() == [
        "interrupted; the cache is consistent; run `toggl-api sync` again to resume"
    ]
    assert "Traceback" not in result.output


def test_the_cache_is_readable_after_ctrl_c_and_the_next_sync_resumes(
    tmp_path: Path, ctrl_c_at_request: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctrl_c_at_request(4)
    run(tmp_path / "c", "sync")
    monkeypatch.undo()  # the account fixture's patch too: re-apply it below
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)

    assert run(tmp_path / "c", "cache", "check").exit_code == 0
    resumed = run(tmp_path / "c", "sync")

    assert resumed.exit_code == 0, resumed.output
    assert emulator.request_count() < 6  # the first requests' work was kept: fewer than a first sync's six


def test_ctrl_c_in_another_command_says_the_cache_is_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(app.Env, "load", interrupted)

    result = run(tmp_path / "c", "projects")

    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted; the cache is consistent"


def test_ctrl_c_with_debug_shows_the_traceback(tmp_path: Path, ctrl_c_at_request: Any) -> None:
    ctrl_c_at_request(1)

    result = CliRunner().invoke(app.cli, ["--fake", "--debug", "--cache", str(tmp_path / "c"), "sync"])

    assert result.exit_code == 130
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("interrupted; the cache is consistent")


STUCK_SYNC = """
import sys, threading
from toggl_api._sync.sync import TogglSync
from toggl_api.cli.app import main

original = TogglSync._get
calls = []

def stuck(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 3:  # two answers applied: now wait for Ctrl-C
        print("waiting", file=sys.stderr, flush=True)
        threading.Event().wait()
    return original(self, *args, **kwargs)

TogglSync._get = stuck
main(["--fake", "--cache", sys.argv[1], "sync"])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_a_real_sigint_to_a_running_sync_is_one_line_and_130(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", STUCK_SYNC, str(tmp_path / "c")], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        assert child.stderr.readline().strip() == "waiting"
        child.send_signal(signal.SIGINT)
        _, rest = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert child.returncode == 130
    assert rest.strip().splitlines() == ["interrupted; the cache is consistent; run `toggl-api sync` again to resume"]
