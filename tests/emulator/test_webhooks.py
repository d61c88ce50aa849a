"""The emulator's webhook side against the reference facts: routes, envelope, signature, filters, visibility,
retries and delivery over real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from toggl_api.testing import BASE_URL, DemoAccount, Emulator, EmulatorServer, FakeClock
from toggl_api.testing.webhooks import StaticReceiver

HOOKS = BASE_URL + "/webhooks/api/v1"
URL = "https://receiver.example.test/hook"
SECRET = "emulator-test-secret"


@pytest.fixture
def hooks(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_emulator.transport(), base_url=HOOKS, auth=toggl_auth) as c:
        yield c


@pytest.fixture
def track(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_emulator.transport(), base_url=BASE_URL + "/api/v9", auth=toggl_auth) as c:
        yield c


@pytest.fixture
def echo(toggl_emulator: Emulator) -> StaticReceiver:
    """A receiver answering 200 to everything; subscriptions are validated by the test through the link."""
    app = StaticReceiver(200)
    app.emulator = toggl_emulator  # type: ignore[attr-defined]
    toggl_emulator.webhooks.mount(URL, app)
    return app


def _subscribe(
    hooks: httpx.Client, wid: int, filters: list[dict[str, str]] | None = None, description: str = "emulator test"
) -> dict[str, Any]:
    response = hooks.post(
        f"/subscriptions/{wid}",
        json={
            "url_callback": URL,
            "description": description,
            "enabled": True,
            "secret": SECRET,
            "event_filters": filters or [{"entity": "*", "action": "*"}],
        },
    )
    assert response.status_code == 200, response.text
    sub: dict[str, Any] = response.json()
    return sub


def _validated(hooks: httpx.Client, echo: StaticReceiver, wid: int, **kwargs: Any) -> dict[str, Any]:
    sub = _subscribe(hooks, wid, **kwargs)
    link = json.loads(echo.bodies[-1])["validation_code_url"]
    emulator: Emulator = echo.emulator  # type: ignore[attr-defined]
    with httpx.Client(transport=emulator.transport()) as anyone:  # the link needs no auth
        assert anyone.get(link).text == '"OK"'
    echo.bodies.clear()
    return sub


def _start(track: httpx.Client, wid: int, description: str = "pushed") -> dict[str, Any]:
    response = track.post(
        f"/workspaces/{wid}/time_entries",
        json={"created_with": "t", "workspace_id": wid, "start": "2026-11-20T11:00:00Z", "duration": -1,
              "description": description},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_the_creation_ping_carries_a_validation_code_and_link(
    hooks: httpx.Client, echo: StaticReceiver, toggl_workspace_id: int
) -> None:
    sub = _subscribe(hooks, toggl_workspace_id)
    ping = json.loads(echo.bodies[0])
    assert ping["payload"] == "ping"
    assert ping["event_id"] == 0
    assert len(ping["validation_code"]) == 32
    assert ping["validation_code_url"].endswith(
        f"/webhooks/api/v1/validate/{toggl_workspace_id}/{sub['subscription_id']}/{ping['validation_code']}"
    )
    assert sub["validated_at"] is None


def test_a_change_event_has_the_documented_envelope(
    hooks: httpx.Client, track: httpx.Client, echo: StaticReceiver, toggl_workspace_id: int
) -> None:
    sub = _validated(hooks, echo, toggl_workspace_id)
    entry = _start(track, toggl_workspace_id)
    event = json.loads(echo.bodies[-1])
    assert list(event) == [
        "event_id", "created_at", "creator_id", "metadata", "payload", "subscription_id", "timestamp", "url_callback"
    ]
    assert len(str(event["event_id"])) == 16
    assert event["subscription_id"] == sub["subscription_id"]
    assert event["metadata"]["action"] == "created"
    assert event["metadata"]["model"] == "time_entry"
    assert all(isinstance(v, str) for v in event["metadata"].values())
    assert list(event["metadata"]) == sorted(event["metadata"])
    assert event["payload"]["id"] == entry["id"]
    assert list(event["payload"]) == sorted(event["payload"])
    assert event["payload"]["tag_ids"] is None
    assert event["payload"]["tags"] == []
    assert "pid" not in event["payload"]


def test_deliveries_are_signed_over_the_exact_body(
    hooks: httpx.Client, track: httpx.Client, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    seen: list[tuple[bytes, str]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        body = (await receive())["body"]
        headers = dict(scope["headers"])
        seen.append((body, headers[b"x-webhook-signature-256"].decode()))
        code = json.loads(body).get("validation_code")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps({"validation_code": code}).encode()})

    toggl_emulator.webhooks.mount(URL, app)
    _subscribe(hooks, toggl_workspace_id)
    _start(track, toggl_workspace_id)
    assert len(seen) >= 2
    for body, header in seen:
        assert header == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert body == json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()  # compact


def test_filters_select_the_events(
    hooks: httpx.Client, track: httpx.Client, echo: StaticReceiver, toggl_workspace_id: int
) -> None:
    _validated(hooks, echo, toggl_workspace_id, filters=[{"entity": "project", "action": "created"}])
    _start(track, toggl_workspace_id)
    assert echo.bodies == []
    track.post(f"/workspaces/{toggl_workspace_id}/projects", json={"name": "Filtered in"})
    assert [json.loads(b)["metadata"]["model"] for b in echo.bodies] == ["project"]


def test_an_unvalidated_subscription_gets_no_change_events(
    hooks: httpx.Client, track: httpx.Client, echo: StaticReceiver, toggl_workspace_id: int
) -> None:
    _subscribe(hooks, toggl_workspace_id)
    echo.bodies.clear()
    _start(track, toggl_workspace_id)
    assert echo.bodies == []


def test_other_users_entries_reach_only_an_admins_subscription(
    toggl_emulator: Emulator, toggl_account: DemoAccount, hooks: httpx.Client, echo: StaticReceiver
) -> None:
    wid = toggl_account.workspace_id
    other = toggl_emulator.state.users[toggl_account.other_user_id]  # type: ignore[index]
    toggl_emulator.state.workspaces[wid].members[other.id] = "user"
    toggl_emulator.state.stop_running(toggl_account.user_id)
    with httpx.Client(transport=toggl_emulator.transport(), base_url=HOOKS, auth=toggl_account.other_auth()) as oh:
        member_sub = _validated(oh, echo, wid, description="member's")
    admin_sub = _validated(hooks, echo, wid)
    with httpx.Client(transport=toggl_emulator.transport(), base_url=BASE_URL + "/api/v9",
                      auth=toggl_account.auth()) as track:
        _start(track, wid)
    receivers = {json.loads(b)["subscription_id"] for b in echo.bodies}
    assert admin_sub["subscription_id"] in receivers
    assert member_sub["subscription_id"] not in receivers


def test_a_failed_delivery_is_retried_with_a_fresh_timestamp(
    hooks: httpx.Client, track: httpx.Client, toggl_emulator: Emulator, fake_clock: FakeClock,
    toggl_workspace_id: int,
) -> None:
    echo = StaticReceiver(200)
    echo.emulator = toggl_emulator  # type: ignore[attr-defined]
    toggl_emulator.webhooks.mount(URL, echo)
    toggl_emulator.state.stop_running(toggl_emulator.account.user_id)  # type: ignore[union-attr]
    _validated(hooks, echo, toggl_workspace_id)
    failing = StaticReceiver(503)
    toggl_emulator.webhooks.mount(URL, failing)
    _start(track, toggl_workspace_id)
    sub = hooks.get(f"/subscriptions/{toggl_workspace_id}").json()[0]
    assert sub["has_pending_events"] is True
    toggl_emulator.webhooks.mount(URL, echo)
    fake_clock.advance(toggl_emulator.webhooks.retry_schedule[0])
    toggl_emulator.webhooks.pump()
    first, retried = json.loads(failing.bodies[-1]), json.loads(echo.bodies[-1])
    assert retried["event_id"] == first["event_id"]
    assert retried["timestamp"] != first["timestamp"]
    assert toggl_emulator.webhooks.pending() == 0


def test_an_event_is_given_up_after_max_attempts(
    hooks: httpx.Client, track: httpx.Client, echo: StaticReceiver, toggl_emulator: Emulator,
    fake_clock: FakeClock, toggl_workspace_id: int,
) -> None:
    _validated(hooks, echo, toggl_workspace_id)
    toggl_emulator.webhooks.max_attempts = 3
    toggl_emulator.webhooks.mount(URL, StaticReceiver(500))
    _start(track, toggl_workspace_id)
    for _ in range(5):
        fake_clock.advance(3600)
        toggl_emulator.webhooks.pump()
    assert toggl_emulator.webhooks.pending() == 0
    assert toggl_emulator.webhooks.failed


def test_repeated_failures_can_disable_the_subscription(
    hooks: httpx.Client, track: httpx.Client, echo: StaticReceiver, toggl_emulator: Emulator,
    toggl_workspace_id: int,
) -> None:
    _validated(hooks, echo, toggl_workspace_id)
    toggl_emulator.webhooks.disable_after = 1
    toggl_emulator.webhooks.mount(URL, StaticReceiver(500))
    _start(track, toggl_workspace_id)
    assert hooks.get(f"/subscriptions/{toggl_workspace_id}").json()[0]["enabled"] is False


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ([{"entity": "", "action": "*"}], "The entity field for each subscription event filter must be non-empty"),
        ([{"entity": "time entry", "action": "*"}], "The value 'time entry' for the filter entity can only contain"),
        ([{"entity": "tag", "action": ""}], "The action field for each subscription event filter must be non-empty"),
        ([{"entity": "tag", "action": "create"}], "Invalid value 'create' for event filter action"),
        ([{"entity": "tag", "action": "*"}] * 2, "The following event filter appears more than once"),
        ([], "The list of event filters must not be empty"),
    ],
)
def test_bad_filters_get_toggls_texts(
    hooks: httpx.Client, echo: StaticReceiver, toggl_workspace_id: int, filters: list[dict[str, str]], message: str
) -> None:
    response = hooks.post(
        f"/subscriptions/{toggl_workspace_id}",
        json={"url_callback": URL, "description": "d", "event_filters": filters},
    )
    assert response.status_code == 400
    assert message in response.json()


def test_an_empty_description_is_refused(hooks: httpx.Client, toggl_workspace_id: int) -> None:
    response = hooks.post(
        f"/subscriptions/{toggl_workspace_id}",
        json={"url_callback": URL, "description": " ", "event_filters": [{"entity": "*", "action": "*"}]},
    )
    assert response.json() == "Subscription description must not be empty"


def test_limits_are_per_plan(toggl_workspace_id: int) -> None:
    emulator = Emulator("demo", limits=False, plan="premium")
    with emulator.client() as client:
        limits = client.get(f"/webhooks/api/v1/limits/{emulator.account.workspace_id}").json()  # type: ignore[union-attr]
    assert limits == {"max_webhooks": 3, "max_events_per_webhook": 12}


class _Sink(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).bodies.append(body)
        code = json.loads(body).get("validation_code")
        answer = json.dumps({"validation_code": code}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def test_a_served_emulator_delivers_over_real_http(toggl_emulator: Emulator, toggl_account: DemoAccount) -> None:
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    _Sink.bodies = []
    thread = threading.Thread(target=sink.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with EmulatorServer(toggl_emulator) as server, httpx.Client(base_url=server.url,
                                                                     auth=toggl_account.auth()) as client:
            url = f"http://127.0.0.1:{sink.server_address[1]}/hook"
            toggl_emulator.state.stop_running(toggl_account.user_id)
            created = client.post(
                f"/webhooks/api/v1/subscriptions/{toggl_account.workspace_id}",
                json={"url_callback": url, "description": "http", "secret": SECRET,
                      "event_filters": [{"entity": "time_entry", "action": "*"}]},
            ).json()
            assert created["validated_at"] is not None
            client.post(
                f"/api/v9/workspaces/{toggl_account.workspace_id}/time_entries",
                json={"created_with": "t", "workspace_id": toggl_account.workspace_id,
                      "start": "2026-11-20T11:00:00Z", "duration": -1},
            )
    finally:
        sink.shutdown()
        sink.server_close()
        thread.join(5)
    kinds = [json.loads(b)["payload"] if json.loads(b)["payload"] == "ping" else "change" for b in _Sink.bodies]
    assert kinds == ["ping", "change"]
