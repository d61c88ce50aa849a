"""``AsyncClientEndpoint`` against the emulator: requests sent, answers, cache effects and bad input."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from toggl_api import ClientBody, NamingError, NotFoundError, TogglClient
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api.asyncio import AsyncClientEndpoint
from toggl_api.testing import Emulator, FakeClock


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglClient]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def endpoint(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglClient],
) -> AsyncClientEndpoint:
    return AsyncClientEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.fixture
def uncached(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock
) -> AsyncClientEndpoint:
    return AsyncClientEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)


async def test_add_posts_name_and_notes_and_returns_the_client(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    client = await endpoint.add(ClientBody(name="Acme", notes="big one"))
    last = toggl_emulator.requests[-1]
    assert (last.method, last.path) == ("POST", f"/api/v9/workspaces/{toggl_workspace_id}/clients")
    assert last.json == {"wid": toggl_workspace_id, "name": "Acme", "notes": "big one"}
    assert (client.name, client.notes, client.workspace) == ("Acme", "big one", toggl_workspace_id)


async def test_added_client_is_found_in_the_cache_without_a_request(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    client = await endpoint.add(ClientBody(name="Acme"))
    before = len(toggl_emulator.requests)
    assert await endpoint.get(client.id) == client
    assert len(toggl_emulator.requests) == before


async def test_add_without_name_raises_naming_error_before_any_request(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError, match="Name must be set in order to create a client!"):
        await endpoint.add(ClientBody(notes="x"))
    assert toggl_emulator.requests == []


async def test_add_with_a_name_over_100_characters_raises_naming_error(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    with pytest.raises(NamingError, match="maximum is 100"):
        await endpoint.add(ClientBody(name="x" * 101))
    assert toggl_emulator.requests == []


async def test_add_with_status_archived_archives_the_new_client(endpoint: AsyncClientEndpoint) -> None:
    client = await endpoint.add(ClientBody(name="Old", status="archived"))
    assert client.archived is True


async def test_client_body_rejects_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="status must be one of"):
        ClientBody(name="x", status="deleted")  # type: ignore[arg-type]


async def test_get_falls_through_to_the_api_on_a_cache_miss_c22(
    endpoint: AsyncClientEndpoint, uncached: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    """C22: a cache miss must consult the API instead of answering None."""
    existing = (await uncached.collect())[0]
    found = await endpoint.get(existing.id)
    assert found == existing
    assert toggl_emulator.requests[-1].path.endswith(f"/clients/{existing.id}")


async def test_get_unknown_client_returns_none(endpoint: AsyncClientEndpoint) -> None:
    assert await endpoint.get(999) is None


async def test_get_unknown_client_raises_with_re_raise(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> None:
    endpoint = AsyncClientEndpoint(toggl_workspace_id, toggl_auth, client=http_client, re_raise=True)
    with pytest.raises(NotFoundError):
        await endpoint.get(999)


async def test_get_rejects_a_non_id(endpoint: AsyncClientEndpoint) -> None:
    with pytest.raises(TypeError, match="int id or a model"):
        await endpoint.get("12")  # type: ignore[arg-type]


async def test_edit_puts_new_name_and_updates_the_cache(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    client = await endpoint.add(ClientBody(name="Acme"))
    edited = await endpoint.edit(client, ClientBody(name="Acme Ltd"))
    assert toggl_emulator.requests[-1].method == "PUT"
    assert toggl_emulator.requests[-1].json == {"wid": client.workspace, "name": "Acme Ltd"}
    before = len(toggl_emulator.requests)
    assert (await endpoint.get(client.id)) == edited
    assert edited.name == "Acme Ltd"
    assert len(toggl_emulator.requests) == before


async def test_edit_with_status_leaves_the_callers_body_unchanged_f3(endpoint: AsyncClientEndpoint) -> None:
    """F3: upstream set ``body.status = None`` on the caller's object."""
    client = await endpoint.add(ClientBody(name="Acme"))
    body = ClientBody(name="Acme 2", status="archived")
    edited = await endpoint.edit(client, body)
    assert body.status == "archived"
    assert (edited.name, edited.archived) == ("Acme 2", True)


async def test_edit_with_status_active_restores_an_archived_client(endpoint: AsyncClientEndpoint) -> None:
    client = await endpoint.add(ClientBody(name="Acme", status="archived"))
    restored = await endpoint.edit(client, ClientBody(status="active"))
    assert restored.archived is False


async def test_delete_removes_the_client_from_api_and_cache(
    endpoint: AsyncClientEndpoint, cache: AsyncJSONCache[TogglClient], toggl_emulator: Emulator
) -> None:
    client = await endpoint.add(ClientBody(name="Acme"))
    await endpoint.delete(client)
    assert toggl_emulator.requests[-1].method == "DELETE"
    assert await cache.find(client.id, TogglClient) is None
    assert await endpoint.get(client.id) is None


async def test_delete_of_a_missing_client_only_warns(
    endpoint: AsyncClientEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    await endpoint.delete(999)
    assert "999 was not found" in caplog.text


async def test_archive_marks_the_client_archived_in_api_and_cache(
    endpoint: AsyncClientEndpoint, cache: AsyncJSONCache[TogglClient], toggl_emulator: Emulator
) -> None:
    client = await endpoint.add(ClientBody(name="Acme"))
    archived = await endpoint.archive(client)
    assert any(r.method == "POST" and r.path.endswith(f"/clients/{client.id}/archive") for r in toggl_emulator.requests)
    assert archived.archived is True
    cached = await cache.find(client.id, TogglClient)
    assert cached is not None
    assert cached.archived is True


async def test_restore_unarchives_the_client(endpoint: AsyncClientEndpoint, toggl_emulator: Emulator) -> None:
    client = await endpoint.add(ClientBody(name="Acme", status="archived"))
    restored = await endpoint.restore(client, all_projects=True)
    assert toggl_emulator.requests[-1].json == {"restore_all_projects": True}
    assert restored.archived is False


async def test_collect_sends_status_and_name_as_query_parameters_r6(
    uncached: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    """R6: upstream built ``?archived&name`` without keys."""
    await uncached.collect(ClientBody(name="acme", status="both"))
    assert toggl_emulator.requests[-1].params == {"status": "both", "name": "acme"}


async def test_collect_filters_by_name_substring(uncached: AsyncClientEndpoint) -> None:
    everything = await uncached.collect(ClientBody(status="both"))
    word = everything[0].name[1:4].lower()
    found = await uncached.collect(ClientBody(name=word, status="both"))
    assert found
    assert all(word in c.name.lower() for c in found)


async def test_collect_without_cache_asks_the_api_every_time(
    uncached: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    await uncached.collect()
    await uncached.collect()
    assert toggl_emulator.request_count("GET", "/clients") == 2


async def test_collect_answers_from_the_cache_after_a_complete_fetch(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    first = await endpoint.collect()
    second = await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/clients") == 1
    assert sorted(c.id for c in second) == sorted(c.id for c in first)


async def test_collect_of_active_clients_is_answered_from_a_fetched_both_list(
    endpoint: AsyncClientEndpoint, uncached: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    await endpoint.collect(ClientBody(status="both"))
    active = await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/clients") == 1
    assert sorted(c.id for c in active) == sorted(c.id for c in await uncached.collect())


async def test_collect_from_cache_applies_the_name_filter(
    endpoint: AsyncClientEndpoint, toggl_emulator: Emulator
) -> None:
    everything = await endpoint.collect(ClientBody(status="both"))
    word = everything[0].name[:3].upper()
    found = await endpoint.collect(ClientBody(name=word, status="both"))
    assert toggl_emulator.request_count("GET", "/clients") == 1
    assert found == [
        c for c in sorted(everything, key=lambda c: (c.name.lower(), c.id)) if word.lower() in c.name.lower()
    ]


async def test_collect_from_cache_has_the_new_client_after_add(endpoint: AsyncClientEndpoint) -> None:
    await endpoint.collect()
    client = await endpoint.add(ClientBody(name="Zeta"))
    assert client in await endpoint.collect()


async def test_collect_from_cache_drops_a_deleted_client(endpoint: AsyncClientEndpoint) -> None:
    clients = await endpoint.collect()
    await endpoint.delete(clients[0])
    assert clients[0] not in await endpoint.collect()


async def test_collect_refreshes_after_the_cache_expires(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
    toggl_emulator: Emulator,
) -> None:
    cache: AsyncJSONCache[TogglClient] = AsyncJSONCache(cache_dir, expire_after=60, clock=fake_clock)
    endpoint = AsyncClientEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    await endpoint.collect()
    fake_clock.advance(61)
    await endpoint.collect()
    assert toggl_emulator.request_count("GET", "/clients") == 2
