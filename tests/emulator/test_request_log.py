"""The request log: records, the JSON-lines file, ``--log`` on both servers, and no secrets."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import toggl_api.testing as testing_pkg
from toggl_api.testing import BASE_URL, DemoAccount, Emulator, EmulatorServer, Fault
from toggl_api.testing import __main__ as emulator_main


def test_each_request_gives_one_record_with_the_fields(toggl_emulator: Emulator, client: httpx.Client) -> None:
    client.get("/me/time_entries", params={"meta": "true"}, headers={"User-Agent": "my-script/1.0"})
    (record,) = toggl_emulator.request_log
    assert set(record) == {"time", "method", "path", "query", "status", "user_agent", "duration_ms"}
    assert (record["method"], record["path"], record["query"], record["status"], record["user_agent"]) == (
        "GET",
        "/api/v9/me/time_entries",
        {"meta": "true"},
        200,
        "my-script/1.0",
    )
    assert record["time"] == "2026-11-20T12:00:00Z"
    assert record["duration_ms"] >= 0


def test_error_answers_are_logged_with_their_status(toggl_emulator: Emulator, client: httpx.Client) -> None:
    client.get("/workspaces/1")
    assert toggl_emulator.request_log[-1]["status"] == 403


def test_a_request_lost_to_a_network_fault_has_no_status(toggl_emulator: Emulator, client: httpx.Client) -> None:
    toggl_emulator.faults.add(Fault.timeout())
    with pytest.raises(httpx.ReadTimeout):
        client.get("/me")
    assert toggl_emulator.request_log[-1]["status"] is None


def test_log_file_gets_one_json_line_per_request(tmp_path: Path, toggl_account: DemoAccount) -> None:
    path = tmp_path / "requests.jsonl"
    emulator = Emulator("demo", limits=False, log_file=path)
    with emulator.client() as c:
        c.get("/api/v9/me")
        c.get("/api/v9/nope")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["path"], r["status"]) for r in lines] == [("/api/v9/me", 200), ("/api/v9/nope", 404)]
    assert lines == emulator.request_log


def test_log_file_is_appended_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"earlier": true}\n')
    emulator = Emulator("empty", limits=False, log_file=path)
    with emulator.client() as c:
        c.get("/api/v9/me")
    assert path.read_text().splitlines()[0] == '{"earlier": true}'
    assert len(path.read_text().splitlines()) == 2


def _log_text(emulator: Emulator) -> str:
    return json.dumps(emulator.request_log)


def test_token_in_the_query_is_never_logged(toggl_emulator: Emulator, toggl_account: DemoAccount) -> None:
    with toggl_emulator.client() as c:
        c.get("/api/v9/me", params={"api_token": toggl_account.api_token})
        c.get("/api/v9/me", params={"q": toggl_account.api_token})
        c.get("/api/v9/me", params={"note": f"x{toggl_account.api_token}x"})
    text = _log_text(toggl_emulator)
    assert toggl_account.api_token not in text
    assert text.count("[redacted]") == 3


def test_password_in_the_query_is_never_logged(toggl_emulator: Emulator, toggl_account: DemoAccount) -> None:
    with toggl_emulator.client() as c:
        c.get("/api/v9/me", params={"password": "typed-by-mistake", "other": toggl_account.password})
    text = _log_text(toggl_emulator)
    assert "typed-by-mistake" not in text
    assert toggl_account.password not in text


def test_basic_auth_credentials_are_never_logged(tmp_path: Path, toggl_account: DemoAccount) -> None:
    path = tmp_path / "log.jsonl"
    emulator = Emulator("demo", limits=False, log_file=path)
    with httpx.Client(transport=emulator.transport(), base_url=BASE_URL) as c:
        c.get("/api/v9/me", auth=(toggl_account.email, toggl_account.password))
        c.get("/api/v9/me", auth=("wrong-user-token-123", "api_token"))
        c.get(f"/api/v9/{toggl_account.api_token}", auth=(toggl_account.api_token, "api_token"))
    text = path.read_text()
    for secret in (toggl_account.password, toggl_account.api_token, "wrong-user-token-123"):
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode()[:12] not in text
    assert json.loads(text.splitlines()[2])["path"] == "/api/v9/[redacted]"


def test_a_changed_password_and_a_reset_token_are_never_logged(
    toggl_emulator: Emulator, toggl_account: DemoAccount
) -> None:
    with toggl_emulator.client() as c:
        c.put("/api/v9/me", json={"current_password": toggl_account.password, "password": "my-new-secret"})
        new_token = c.post("/api/v9/me/reset_token").json()
        c.get("/api/v9/me", params={"echo": "my-new-secret", "again": new_token})
    text = _log_text(toggl_emulator)
    assert "my-new-secret" not in text
    assert new_token not in text


def test_reset_forgets_the_records(toggl_emulator: Emulator, client: httpx.Client) -> None:
    client.get("/me")
    toggl_emulator.reset()
    assert toggl_emulator.request_log == []


def test_module_cli_log_option_writes_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "served.jsonl"

    def one_request() -> None:
        url = capsys.readouterr().out.split("listening on ")[1].split()[0]
        httpx.get(url + "/api/v9/me", auth=(testing_pkg.DEMO_API_TOKEN, "api_token"))
        raise KeyboardInterrupt

    monkeypatch.setattr(emulator_main, "_wait_until_interrupted", one_request)
    assert emulator_main.main(["--port", "0", "--no-limits", "--log", str(path)]) == 0
    (record,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert (record["path"], record["status"]) == ("/api/v9/me", 200)
    assert testing_pkg.DEMO_API_TOKEN not in path.read_text()


def test_fake_server_cli_log_option_writes_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from toggl_api.cli.app import cli

    path = tmp_path / "fake.jsonl"
    servers: list[EmulatorServer] = []
    real_serve = testing_pkg.serve

    @contextmanager
    def capturing_serve(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> Iterator[EmulatorServer]:
        with real_serve(emulator, host, 0) as server:
            servers.append(server)
            yield server

    def sleep_once(_: float) -> Any:
        httpx.get(servers[0].url + "/api/v9/me/logged", auth=(testing_pkg.DEMO_API_TOKEN, "api_token"))
        raise KeyboardInterrupt

    monkeypatch.setattr(testing_pkg, "serve", capturing_serve)
    monkeypatch.setattr("time.sleep", sleep_once)
    result = CliRunner().invoke(cli, ["fake-server", "--port", "0", "--log", str(path)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert (record["path"], record["status"]) == ("/api/v9/me/logged", 200)


def test_log_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private.jsonl"
    emulator = Emulator("empty", limits=False, log_file=path)
    with emulator.client() as c:
        c.get("/api/v9/me")
    assert path.stat().st_mode & 0o777 == 0o600


def test_loopback_server_logs_the_same_records(
    toggl_emulator: Emulator, toggl_server: EmulatorServer, toggl_auth: httpx.BasicAuth
) -> None:
    httpx.get(toggl_server.url + "/api/v9/me/logged", auth=toggl_auth)
    (record,) = toggl_emulator.request_log
    assert (record["method"], record["path"], record["status"]) == ("GET", "/api/v9/me/logged", 200)
    assert record["user_agent"].startswith("python-httpx/")
