"""The loopback server behaves like the transport."""

from __future__ import annotations

import httpx
import pytest

from toggl_api.testing import Emulator, EmulatorServer, Fault, serve

_REQUESTS: list[tuple[str, str, dict[str, object] | None]] = [
    ("GET", "/me", None),
    ("GET", "/me/time_entries/current", None),
    ("GET", "/me/time_entries?start_date=2026-11-18&end_date=2026-11-19", None),
    ("GET", "/me/time_entries?since=1&before=2026-01-01", None),
    ("GET", "/workspaces/{wid}/time_entries", None),
    ("POST", "/workspaces/{wid}/tags", {"name": "same"}),
    ("POST", "/workspaces/{wid}/tags", {"name": "same"}),
    ("POST", "/workspaces/{wid}/time_entries", {"created_with": "t", "workspace_id": "{wid}"}),
    ("GET", "/me/time_entries/1", None),
    ("GET", "/nothing", None),
]


def _run(client: httpx.Client, wid: int) -> list[tuple[int, bytes, str | None]]:
    out = []
    for method, path, body in _REQUESTS:
        if body is not None:
            body = {k: (wid if v == "{wid}" else v) for k, v in body.items()}
        response = client.request(method, "/api/v9" + path.format(wid=wid), json=body)
        out.append((response.status_code, response.content, response.headers.get("content-type")))
    return out


def test_server_and_transport_give_identical_answers() -> None:
    over_transport, over_server = Emulator("demo", limits=False), Emulator("demo", limits=False)
    wid = over_transport.account.workspace_id  # type: ignore[union-attr]
    auth = over_transport.account.auth()  # type: ignore[union-attr]
    with over_transport.client() as c:
        expected = _run(c, wid)
    with serve(over_server) as server, httpx.Client(base_url=server.url, auth=auth) as c:
        actual = _run(c, wid)
    assert actual == expected


def test_server_url_is_loopback_with_port(toggl_server: EmulatorServer) -> None:
    assert toggl_server.url.startswith("http://127.0.0.1:")
    assert toggl_server.port > 0
    assert toggl_server.ready.is_set()


def test_server_missing_auth_has_401_and_header(toggl_server: EmulatorServer) -> None:
    response = httpx.get(toggl_server.url + "/api/v9/me")
    assert response.status_code == 401
    assert response.headers["X-Authorization-Missing"] == "true"
    assert response.content == b""


def test_server_shares_state_with_the_emulator(toggl_server: EmulatorServer, toggl_emulator: Emulator) -> None:
    auth = toggl_emulator.account.auth()  # type: ignore[union-attr]
    wid = toggl_emulator.account.workspace_id  # type: ignore[union-attr]
    httpx.post(f"{toggl_server.url}/api/v9/workspaces/{wid}/tags", json={"name": "via-server"}, auth=auth)
    assert any(t.name == "via-server" for t in toggl_emulator.state.tags.values())


def test_server_network_fault_drops_the_connection(toggl_server: EmulatorServer, toggl_emulator: Emulator) -> None:
    toggl_emulator.faults.add(Fault.timeout())
    with httpx.Client(base_url=toggl_server.url, auth=toggl_emulator.account.auth()) as c:  # type: ignore[union-attr]
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/api/v9/me")
        assert c.get("/api/v9/me").status_code == 200


async def test_server_works_with_async_client(toggl_server: EmulatorServer, toggl_emulator: Emulator) -> None:
    async with httpx.AsyncClient(base_url=toggl_server.url, auth=toggl_emulator.account.auth()) as c:  # type: ignore[union-attr]
        assert (await c.get("/api/v9/me/logged")).status_code == 200


def test_server_stops_cleanly_with_open_keepalive_connection() -> None:
    emulator = Emulator("empty", limits=False)
    server = EmulatorServer(emulator).start()
    url = server.url
    with httpx.Client(base_url=url, auth=emulator.account.auth()) as c:  # type: ignore[union-attr]
        assert c.get("/api/v9/me/logged").status_code == 200
        server.stop()
        with pytest.raises(httpx.TransportError):
            c.get("/api/v9/me/logged")
    assert not server.ready.is_set()
