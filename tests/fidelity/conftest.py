"""The fidelity suite: plain HTTP against the stand-alone emulator (``python -m toggl_api.testing``).

No SDK code is imported here: a module-scoped fixture starts the server as a separate process on
127.0.0.1, reads the URL and the demo credentials it prints, and always stops it. Each module gets
its own server, so a module may change state freely; tests inside a module create what they change.

Shapes are checked against ``spec_subset.json``: the 200 answers of the core routes and their
definitions from Toggl's Swagger file, reduced to property types (see :func:`assert_shape`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from attrs import frozen

HERE = Path(__file__).parent
SPEC: dict[str, Any] = json.loads((HERE / "spec_subset.json").read_text(encoding="utf-8"))
_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
    "object": (dict,),
}


@frozen
class Server:
    """A running stand-alone emulator and the demo account it printed."""

    url: str
    token: str
    email: str
    password: str
    workspace_id: int


def _start() -> tuple[subprocess.Popen[str], Server]:
    process = subprocess.Popen(
        [sys.executable, "-m", "toggl_api.testing", "--host", "127.0.0.1", "--port", "0", "--no-limits"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    fields: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if "listening on " in line:
            fields["url"] = line.split("listening on ")[1].split()[0]
        for key in ("API token", "Email", "Password", "Workspace"):
            if line.strip().startswith(key + ":"):
                fields[key] = line.split(":", 1)[1].split()[0]
        if line.startswith("Press Ctrl-C"):
            break
    else:  # pragma: no cover - the server died while starting
        process.kill()
        raise RuntimeError("the emulator did not start")
    server = Server(fields["url"], fields["API token"], fields["Email"], fields["Password"], int(fields["Workspace"]))
    return process, server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A fresh stand-alone emulator for this module; stopped at the end, whatever happened."""
    process, running = _start()
    try:
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def api(server: Server) -> Iterator[httpx.Client]:
    """The demo user's plain httpx client on ``/api/v9``."""
    with httpx.Client(base_url=server.url + "/api/v9", auth=(server.token, "api_token"), timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def wid(server: Server) -> int:
    """The demo user's default workspace."""
    return server.workspace_id


@pytest.fixture(scope="module")
def oid(api: httpx.Client, wid: int) -> int:
    """The demo user's organization (the default workspace's)."""
    return int(api.get(f"/workspaces/{wid}").json()["organization_id"])


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON body of an answer that must have ``status`` (shows the body when it has not)."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


def error(response: httpx.Response, status: int, message: str | None = None) -> None:
    """Assert an error answer: its status, and (when given) Toggl's message as a JSON string."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    if message is not None:
        assert response.json() == message


def _check_type(value: Any, spec_type: str | None, where: str) -> None:
    if value is None or spec_type is None:
        return  # Toggl sends null for any absent value
    if spec_type.startswith("array"):
        assert isinstance(value, list), f"{where}: expected an array, got {value!r}"
        inner = spec_type[6:-1]
        for item in value:
            if inner in SPEC["definitions"]:
                assert_definition(item, inner, where + "[]")
            else:
                _check_type(item, inner, where + "[]")
        return
    kinds = _TYPES.get(spec_type)
    if kinds is None:
        return
    ok_type = isinstance(value, kinds) and not (spec_type in ("integer", "number") and isinstance(value, bool))
    assert ok_type, f"{where}: expected {spec_type}, got {value!r}"


def assert_definition(value: Any, name: str, where: str = "answer") -> None:
    """``value`` is an object whose keys shared with the spec definition ``name`` have the spec's types."""
    props: dict[str, str | None] = SPEC["definitions"][name]
    assert isinstance(value, dict), f"{where}: expected a {name} object, got {value!r}"
    shared = set(value) & set(props)
    assert shared or not props, f"{where}: no field of {name} in {sorted(value)}"
    for key in shared:
        _check_type(value[key], props[key], f"{where}.{key}")


def assert_shape(value: Any, method: str, path: str) -> None:
    """Check an answer against the spec's 200 schema of ``method path`` (a route of the core list)."""
    schema = SPEC["responses"][f"{method} {path}"]
    if schema is None:
        return
    kind, name = schema
    if kind == "array":
        assert isinstance(value, list), f"{method} {path}: expected an array, got {value!r}"
        for item in value:
            if name in SPEC["definitions"]:
                assert_definition(item, name, f"{method} {path}[]")
            else:
                _check_type(item, name, f"{method} {path}[]")
    elif kind == "object" and name in SPEC["definitions"]:
        assert_definition(value, name, f"{method} {path}")
    else:
        _check_type(value, kind, f"{method} {path}")
