"""Fixtures for running the documentation's examples against the emulator."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from toggl_api.testing import DemoAccount, EmulatorServer, FakeClock

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = DOCS / "examples"


@pytest.fixture
def fake_clock() -> FakeClock:
    """The emulator's clock at the real current time, as the plugin's default gives users (this suite pins
    it with the ``toggl_emulator_now`` ini option), so examples that compute dates from ``date.today()`` find
    the demo data. It does not tick by itself."""
    return FakeClock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def example_env(
    toggl_server: EmulatorServer, toggl_account: DemoAccount, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> EmulatorServer:
    """What a user's shell would hold: a token, a default workspace, the emulator as the API host;
    and a fresh working directory for caches and exports."""
    monkeypatch.setenv("TOGGL_API_TOKEN", toggl_account.api_token)
    monkeypatch.setenv("TOGGL_WORKSPACE_ID", str(toggl_account.workspace_id))
    monkeypatch.setenv("TOGGL_API_BASE_URL", toggl_server.url)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return toggl_server


@pytest.fixture
def run_example(example_env: EmulatorServer, capsys: pytest.CaptureFixture[str]) -> Callable[[str], str]:
    """Run ``docs/examples/<name>`` as ``__main__`` (like ``python <name>``) and return what it printed."""

    def run(name: str) -> str:
        capsys.readouterr()
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
        return capsys.readouterr().out

    return run
