"""``python -m toggl_api.testing`` and the pytest fixtures."""

from __future__ import annotations

import httpx
import pytest

from toggl_api.testing import DEMO_API_TOKEN, DemoAccount, Emulator, EmulatorServer, FakeClock
from toggl_api.testing import __main__ as cli


def test_cli_prints_url_and_credentials_and_serves(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: dict[str, object] = {}

    def serve_one_request() -> None:
        out = capsys.readouterr().out
        url = out.split("listening on ")[1].split()[0]
        seen["out"] = out
        seen["status"] = httpx.get(url + "/api/v9/status").status_code
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_wait_until_interrupted", serve_one_request)
    assert cli.main(["--port", "0", "--seed", "empty", "--no-limits"]) == 0
    assert seen["status"] == 200
    assert DEMO_API_TOKEN in str(seen["out"])
    assert "demo@example.com" in str(seen["out"])


def test_cli_rejects_unknown_seed() -> None:
    with pytest.raises(SystemExit):
        cli.main(["--seed", "nope"])


def test_plugin_fixtures_are_wired(
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    toggl_workspace_id: int,
    toggl_transport: httpx.MockTransport,
) -> None:
    assert toggl_emulator.clock is fake_clock
    assert toggl_emulator.limits.enabled is False
    assert toggl_workspace_id == toggl_account.workspace_id
    with httpx.Client(transport=toggl_transport, auth=toggl_auth) as c:
        assert c.get("https://api.track.toggl.com/api/v9/me/logged").status_code == 200


def test_toggl_server_fixture_serves_the_same_emulator(toggl_server: EmulatorServer, toggl_emulator: Emulator) -> None:
    assert toggl_server.emulator is toggl_emulator
