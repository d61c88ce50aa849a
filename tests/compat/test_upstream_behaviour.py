"""Behaviours of toggl-api-wrapper 2.2.0 that ported user code relies on (issue 12), written as a 2.2.0 user
writes code, against the emulator.

Each test names the 2.2.0 behaviour it keeps; differences kept on purpose are in docs/migrating.md and are
checked by ``test_upstream_usage.py::test_migrating_guide_*``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from toggl_api import (
    ClientBody,
    ClientEndpoint,
    ProjectBody,
    ProjectEndpoint,
    TagEndpoint,
    TogglClient,
    TogglTag,
    TrackerBody,
    TrackerEndpoint,
)
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import FakeClock


@pytest.fixture
def client(toggl_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_transport) as http:
        yield http


# -- cache parent ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "sqlite"])
def test_assigning_a_cache_to_an_endpoint_makes_the_endpoint_its_parent(
    kind: str, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    # A 2.2.0 user builds a cache with a placeholder parent, then hands it to the endpoint that uses it.
    placeholder = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = JSONCache(tmp_path / "cache", parent=placeholder) if kind == "json" else SqliteCache(tmp_path / "db")
    if kind == "sqlite":
        cache.parent = placeholder
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    tag = tags.add("re-parented")

    assert cache.parent is tags
    assert cache.find(tag.id) == tag


def test_a_cache_shared_by_two_endpoints_follows_the_last_assignment_and_serves_both(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache")
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    clients = ClientEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)  # type: ignore[arg-type]
    tag = tags.add("shared")
    made = clients.add(ClientBody("Shared Cache Client"))

    assert cache.parent is clients
    assert tags.get(tag.id) == tag  # each endpoint still reads its own model (C16 stays fixed)
    assert clients.get(made.id) == made


# -- equality of two copies of one entity ---------------------------------------------------------------


def test_a_created_client_equals_the_client_read_back(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = ClientEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    made = endpoint.add(ClientBody("Equal Copies"))
    assert made == endpoint.get(made.id, refresh=True)


def test_a_created_project_equals_the_project_read_back_from_the_cache(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = ProjectEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    made = endpoint.add(ProjectBody("Equal Project"))
    assert made == endpoint.get(made.id)


def test_a_created_tracker_equals_the_tracker_read_back(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    tmp_path: Path,
    client: httpx.Client,
    fake_clock: FakeClock,
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    start = fake_clock.now() - timedelta(hours=2)
    made = endpoint.add(TrackerBody("equal entry", start=start, stop=start + timedelta(minutes=30)))
    assert made == endpoint.get(made.id, refresh=True)


def test_copies_differing_only_in_what_the_server_or_cache_adds_are_equal() -> None:
    from datetime import datetime, timezone

    utc = timezone.utc
    answer = TogglClient.from_kwargs(id=7, name="c", wid=1)  # e.g. a create answer without `at`
    read = TogglClient.from_kwargs(id=7, name="c", wid=1, at="2026-11-20T12:00:00Z", archived=False)
    read.timestamp = datetime(2020, 1, 1, tzinfo=utc)
    assert answer == read
    assert answer != TogglClient.from_kwargs(id=7, name="renamed", wid=1)
