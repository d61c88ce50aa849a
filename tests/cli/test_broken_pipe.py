"""``toggl-api ... | head -1``: when the reader of stdout goes away, the CLI exits quietly with 141 (128 + SIGPIPE,
as ``cat`` would), never a traceback or an ``Error:`` line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from toggl_api.cli import app

from .test_offline import database, emulators  # noqa: F401 - fixtures


def run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI with its stdout a pipe whose reader has already gone (its first write fails, every time)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([sys.executable, "-m", "toggl_api.cli", *args], stdout=writer, stderr=subprocess.PIPE,
                              text=True, env=dict(os.environ), timeout=120)
    finally:
        os.close(writer)


@pytest.mark.parametrize(
    "args",
    [
        ("entries",),  # a rich table
        ("entries", "--limit", "0", "--json"),  # click.echo
        ("report", "--by", "project"),  # a line, then a table
        ("projects",),
        ("cache", "export"),  # a command of a group
    ],
)
def test_a_reader_that_went_away_ends_the_command_quietly_with_141(
    database: Path,  # noqa: F811
    args: tuple[str, ...],
) -> None:
    done = run_into_a_closed_pipe("--cache", str(database), *args)

    assert (done.returncode, done.stderr) == (app.BROKEN_PIPE_EXIT, "")


def test_a_closed_pipe_in_process_is_the_same_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone(*_: object, **__: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(app, "_hint_if_never_synced", gone)

    result = CliRunner().invoke(app.cli, ["--fake", "entries"])

    assert result.exit_code == app.BROKEN_PIPE_EXIT
    assert result.stderr == ""


def test_output_still_buffered_at_the_end_meets_the_closed_pipe_quietly_too() -> None:
    # A command whose last lines are still in Python's buffer when it returns: main() flushes them itself, where
    # the failure is handled, instead of leaving it to the interpreter's exit ("Exception ignored", status 120).
    code = (
        "import sys\n"
        "from toggl_api.cli import app\n"
        "def command(**_):\n"
        "    sys.stdout.write('buffered, not flushed\\n')\n"
        "    sys.exit(0)\n"
        "app.cli.main = command\n"
        "app.main([])\n"
    )
    reader, writer = os.pipe()
    os.close(reader)
    try:
        buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout keeps what it gets
        done = subprocess.run([sys.executable, "-c", code], stdout=writer, stderr=subprocess.PIPE, text=True,
                              env=buffered, timeout=120)
    finally:
        os.close(writer)

    assert (done.returncode, done.stderr) == (app.BROKEN_PIPE_EXIT, "")
