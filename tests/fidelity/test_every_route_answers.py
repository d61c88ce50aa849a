"""Every route of the core list answers: none is an unknown-route 404 or a 405."""

from __future__ import annotations

import re

import httpx

from .conftest import HERE, Server

_ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (/\S*) \|")


def core_routes() -> list[tuple[str, str]]:
    """(method, path) of every row of ``toggl-v9-core-routes.md`` (a copy of the shared reference)."""
    text = (HERE / "toggl-v9-core-routes.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in map(_ROW.match, text.splitlines()) if m]


def test_the_route_list_has_89_operations() -> None:
    assert len(core_routes()) == 89


def test_no_core_route_is_unknown_or_a_wrong_method(server: Server, api: httpx.Client) -> None:
    wid = server.workspace_id
    oid = api.get(f"/workspaces/{wid}").json()["organization_id"]
    values = {"workspace_id": wid, "organization_id": oid, "client": "web"}
    missing = []
    for method, path in core_routes():
        concrete = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)
        response = api.request(method, concrete, json={} if method in ("POST", "PUT", "PATCH") else None)
        unknown = response.status_code == 404 and response.text == "404 page not found\n"
        if unknown or response.status_code == 405 or response.status_code >= 500:
            missing.append((method, path, response.status_code))
    assert missing == []
