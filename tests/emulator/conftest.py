"""Clients over the emulator's in-process transport (fixtures from the ``toggl_api.testing`` plugin)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from toggl_api.testing import BASE_URL, DemoAccount, Emulator

TRACK = BASE_URL + "/api/v9"


@pytest.fixture
def client(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> Iterator[httpx.Client]:
    """The demo user's client on the Track v9 base URL."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK, auth=toggl_auth) as c:
        yield c


@pytest.fixture
def anon(toggl_emulator: Emulator) -> Iterator[httpx.Client]:
    """A client without credentials."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK) as c:
        yield c


@pytest.fixture
def other(toggl_emulator: Emulator, toggl_account: DemoAccount) -> Iterator[httpx.Client]:
    """The second (unrelated) user's client."""
    with httpx.Client(transport=toggl_emulator.transport(), base_url=TRACK, auth=toggl_account.other_auth()) as c:
        yield c


@pytest.fixture
def wid(toggl_workspace_id: int) -> int:
    """Short name for the demo workspace id."""
    return toggl_workspace_id


def new_entry(client: httpx.Client, wid: int, **fields: Any) -> httpx.Response:
    """POST a time entry with the required fields filled in."""
    body: dict[str, Any] = {"created_with": "tests", "workspace_id": wid, "start": "2026-11-19T09:00:00Z"}
    body.update(fields)
    return client.post(f"/workspaces/{wid}/time_entries", json=body)
