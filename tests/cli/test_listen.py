"""``toggl-api listen`` in another process against the emulator served over HTTP: a change made by a different
client appears in ``toggl-api entries --json`` within seconds with no request from the listener after start-up,
and a forged delivery is refused and changes nothing. Also ``toggl-api webhooks ...``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from toggl_api.cli import app
from toggl_api.testing import DEMO_API_TOKEN, Emulator, EmulatorServer, FakeClock
from toggl_api.webhooks import sign

OTHER_DEVICE = "other-device/1.0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served() -> Iterator[tuple[Emulator, EmulatorServer]]:
    # Real time: the listener checks each delivery's timestamp against its own (system) clock.
    emulator = Emulator("demo", clock=FakeClock(datetime.now(timezone.utc).replace(microsecond=0), ticking=True),
                        limits=False)
    server = EmulatorServer(emulator).start()
    try:
        yield emulator, server
    finally:
        server.stop()
        emulator.webhooks.close()


@pytest.fixture
def listener(
    served: tuple[Emulator, EmulatorServer], tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str], int]]:
    emulator, server = served
    assert emulator.account is not None
    port = _free_port()
    env = {**os.environ, "TOGGL_API_BASE_URL": server.url, "TOGGL_API_TOKEN": DEMO_API_TOKEN,
           "TOGGL_API_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toggl_api.cli", "listen", "--port", str(port),
         "--workspace", str(emulator.account.workspace_id)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the ready line (or the process dies)
        assert line.startswith("listening on"), line + (proc.stderr.read() if proc.stderr else "")
        yield proc, f"http://127.0.0.1:{port}/", env, len(emulator.requests)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _entries(env: dict[str, str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(app.cli, ["entries", "--json", "--limit", "0"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)["entries"]
    # A running entry's duration is its elapsed time, which moves between two reads: compare what is stored.
    return [{k: v for k, v in row.items() if not (k == "duration" and row["running"])} for row in rows]


def test_a_change_by_another_client_reaches_the_listeners_cache_with_no_request_from_it(
    served: tuple[Emulator, EmulatorServer],
    listener: tuple[subprocess.Popen[str], str, dict[str, str], int],
) -> None:
    emulator, server = served
    _, _, env, ready_at = listener
    wid = emulator.account.workspace_id  # type: ignore[union-attr]
    with httpx.Client(base_url=server.url, auth=(DEMO_API_TOKEN, "api_token"),
                      headers={"User-Agent": OTHER_DEVICE}) as other:
        other.post(f"/api/v9/workspaces/{wid}/time_entries",
                   json={"created_with": "phone", "workspace_id": wid, "description": "from the phone",
                         "start": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": -1},
                   ).raise_for_status()
    deadline = time.monotonic() + 10
    while not any(row.get("description") == "from the phone" for row in _entries(env)):
        assert time.monotonic() < deadline, "the change did not reach the cache within 10 s"
        time.sleep(0.2)
    after = emulator.requests[ready_at:]
    assert [r.path for r in after if r.headers.get("user-agent") != OTHER_DEVICE] == []


def test_a_forged_delivery_is_refused_and_changes_nothing(
    listener: tuple[subprocess.Popen[str], str, dict[str, str], int],
) -> None:
    _, url, env, _ = listener
    before = _entries(env)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = json.dumps({
        "event_id": 9999999999999999, "created_at": now, "creator_id": 1,
        "metadata": {"action": "created", "model": "time_entry"},
        "payload": {"id": 1, "workspace_id": 1, "description": "forged", "start": now, "stop": None,
                    "duration": -1, "at": now},
        "subscription_id": 10710, "timestamp": now, "url_callback": url,
    }, separators=(",", ":")).encode()
    response = httpx.post(url, content=body, headers={"X-Webhook-Signature-256": sign("guessed-secret", body),
                                                      "Content-Type": "application/json"})
    assert response.status_code == 401
    assert _entries(env) == before


def test_fake_webhooks_list_works_offline(tmp_path: Path) -> None:
    result = CliRunner().invoke(app.cli, ["--fake", "--cache", str(tmp_path / "c"), "webhooks", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no subscriptions"


def test_webhooks_create_to_an_unreachable_url_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app.cli, ["--fake", "--cache", str(tmp_path / "c"), "webhooks", "create", "http://127.0.0.1:9/none"]
    )
    assert result.exit_code == 1
    assert "request failed with error" in result.output


def test_webhooks_create_refuses_a_bad_filter(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app.cli, ["--fake", "--cache", str(tmp_path / "c"), "webhooks", "create", "http://x.test/", "--filter",
                  "tag:create"]
    )
    assert result.exit_code == 2
    assert "not one of" in result.output


def test_webhooks_take_a_workspace_by_its_cached_name(tmp_path: Path) -> None:
    cache = ["--fake", "--cache", str(tmp_path / "c")]
    CliRunner().invoke(app.cli, [*cache, "sync"])

    found = CliRunner().invoke(app.cli, [*cache, "webhooks", "list", "--workspace", "side projects"])
    unknown = CliRunner().invoke(app.cli, [*cache, "webhooks", "list", "--workspace", "Nowhere"])

    assert found.exit_code == 0, found.output
    assert found.output.strip() == "no subscriptions"
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "Error: no cached workspace named 'Nowhere' (see `toggl-api workspaces`)"
