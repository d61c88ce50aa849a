"""``AsyncWebhookReceiver`` fed by the emulator's deliveries: changes made by another client reach the cache; forged,
replayed, duplicated, reordered, delayed and dropped deliveries do no harm."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import TogglProject, TogglTracker
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.cache.sqlite import AsyncSqliteCache
from toggl_api.asyncio import AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock
from toggl_api.webhooks import AsyncWebhookReceiver, AsyncWebhooksEndpoint, SubscriptionLimitError, WebhookApp, sign

from ._webhook_helpers import RECEIVER_URL, SECRET


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def receiver(toggl_emulator: Emulator, cache: AsyncJSONCache[TogglTracker]) -> AsyncWebhookReceiver:
    receiver = AsyncWebhookReceiver(SECRET, cache, clock=toggl_emulator.clock)
    toggl_emulator.webhooks.mount(RECEIVER_URL, WebhookApp(receiver))
    return receiver


@pytest.fixture
async def subscription(
    toggl_emulator: Emulator,
    receiver: AsyncWebhookReceiver, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> int:
    # The demo account has a running entry that a new timer would stop: stop it first, so each test sees only
    # the events of its own changes.
    toggl_emulator.state.stop_running(toggl_emulator.account.user_id)  # type: ignore[union-attr]
    endpoint = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    sub = await endpoint.create(RECEIVER_URL, ["time_entry", "project", "tag"], "live", secret=SECRET)
    assert sub.active
    return sub.subscription_id


@pytest.fixture
async def other_device(toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth) -> AsyncIterator[httpx.AsyncClient]:
    """Another client of the same account (a phone, the web app)."""
    async with httpx.AsyncClient(
        transport=toggl_emulator.transport(), auth=toggl_auth, base_url="https://api.track.toggl.com/api/v9"
    ) as client:
        yield client


async def _start(client: httpx.AsyncClient, wid: int, description: str, when: str) -> dict[str, Any]:
    response = await client.post(
        f"/workspaces/{wid}/time_entries",
        json={"created_with": "phone", "workspace_id": wid, "start": when, "duration": -1, "description": description},
    )
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


async def _rename(client: httpx.AsyncClient, wid: int, entry_id: int, description: str) -> None:
    response = await client.put(f"/workspaces/{wid}/time_entries/{entry_id}", json={"description": description})
    response.raise_for_status()


async def test_an_entry_started_on_another_device_reaches_the_cache(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, cache: AsyncJSONCache[TogglTracker]
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    cached = await cache.find(entry["id"], TogglTracker)
    assert cached is not None
    assert cached.name == "phone timer"
    assert cached.stop is None


async def test_the_pushed_entry_equals_what_the_api_answers(
    subscription: int,
    other_device: httpx.AsyncClient,
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    api = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)
    assert await cache.find(entry["id"], TogglTracker) == await api.get(entry["id"])


async def test_current_without_refresh_sees_the_other_devices_timer_with_no_request(
    subscription: int,
    other_device: httpx.AsyncClient,
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    entry = await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    before = len(toggl_emulator.requests)
    current = await tracker.current(refresh=False)
    assert current is not None
    assert current.id == entry["id"]
    assert len(toggl_emulator.requests) == before


async def test_a_stop_on_another_device_updates_the_cached_entry(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    fake_clock.advance(60)
    (await other_device.patch(f"/workspaces/{toggl_workspace_id}/time_entries/{entry['id']}/stop")).raise_for_status()
    cached = await cache.find(entry["id"], TogglTracker)
    assert cached is not None
    assert cached.stop is not None


async def test_a_deletion_on_another_device_removes_the_entry(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, cache: AsyncJSONCache[TogglTracker],
    fake_clock: FakeClock,
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    fake_clock.advance(1)
    (await other_device.delete(f"/workspaces/{toggl_workspace_id}/time_entries/{entry['id']}")).raise_for_status()
    assert await cache.find(entry["id"], TogglTracker, include_expired=True) is None


async def test_a_new_project_reaches_the_cache(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, cache: AsyncJSONCache[TogglTracker]
) -> None:
    response = await other_device.post(f"/workspaces/{toggl_workspace_id}/projects", json={"name": "Pushed"})
    response.raise_for_status()
    cached = await cache.find(response.json()["id"], TogglProject)
    assert cached is not None
    assert cached.name == "Pushed"


async def test_a_forged_delivery_is_refused_and_changes_nothing(
    subscription: int, receiver: AsyncWebhookReceiver, toggl_emulator: Emulator, cache: AsyncJSONCache[TogglTracker]
) -> None:
    body = _change_body(toggl_emulator, 424242, "forged")
    reply = await receiver.handle(body, {"X-Webhook-Signature-256": sign("not-the-secret", body)})
    assert reply.status == 401
    assert await cache.find(424242, TogglTracker) is None


async def test_a_replayed_delivery_is_refused(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, receiver: AsyncWebhookReceiver,
    toggl_emulator: Emulator, fake_clock: FakeClock,
) -> None:
    await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    _, body, _ = toggl_emulator.webhooks.delivered[-1]
    fake_clock.advance(120)
    reply = await receiver.handle(body, {"X-Webhook-Signature-256": sign(SECRET, body)})
    assert reply.status == 401
    assert "old" in reply.body["error"]


async def test_a_duplicated_delivery_is_applied_once(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, receiver: AsyncWebhookReceiver,
    toggl_emulator: Emulator,
) -> None:
    toggl_emulator.webhooks.faults.duplicate = 1
    await _start(other_device, toggl_workspace_id, "phone timer", "2026-11-20T11:00:00Z")
    events = [json.loads(body)["event_id"] for _, body, _ in toggl_emulator.webhooks.delivered]
    changes = [e for e in events if e != 0]
    assert len(changes) == len(set(changes)) + 1  # one event arrived twice
    assert receiver.stats.applied == len(set(changes))
    assert receiver.stats.duplicates == 1


async def test_reordered_deliveries_keep_the_newest_state(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, receiver: AsyncWebhookReceiver,
    toggl_emulator: Emulator, fake_clock: FakeClock, cache: AsyncJSONCache[TogglTracker],
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "first", "2026-11-20T11:00:00Z")
    toggl_emulator.webhooks.faults.reorder = 1
    fake_clock.advance(1)
    await _rename(other_device, toggl_workspace_id, entry["id"], "second")  # held back 2 s
    fake_clock.advance(1)
    await _rename(other_device, toggl_workspace_id, entry["id"], "third")  # overtakes it
    fake_clock.advance(2)
    toggl_emulator.webhooks.pump()
    cached = await cache.find(entry["id"], TogglTracker)
    assert cached is not None
    assert cached.name == "third"
    assert receiver.stats.stale == 1


async def test_a_late_update_does_not_revive_a_deleted_entry(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, toggl_emulator: Emulator,
    fake_clock: FakeClock, cache: AsyncJSONCache[TogglTracker],
) -> None:
    entry = await _start(other_device, toggl_workspace_id, "first", "2026-11-20T11:00:00Z")
    toggl_emulator.webhooks.faults.reorder = 1
    fake_clock.advance(1)
    await _rename(other_device, toggl_workspace_id, entry["id"], "renamed")
    fake_clock.advance(1)
    (await other_device.delete(f"/workspaces/{toggl_workspace_id}/time_entries/{entry['id']}")).raise_for_status()
    fake_clock.advance(2)
    toggl_emulator.webhooks.pump()
    assert await cache.find(entry["id"], TogglTracker, include_expired=True) is None


async def test_a_delayed_delivery_arrives_when_due(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, toggl_emulator: Emulator,
    fake_clock: FakeClock, cache: AsyncJSONCache[TogglTracker],
) -> None:
    toggl_emulator.webhooks.faults.delay, toggl_emulator.webhooks.faults.delay_count = 3.0, 1
    entry = await _start(other_device, toggl_workspace_id, "late", "2026-11-20T11:00:00Z")
    assert await cache.find(entry["id"], TogglTracker) is None
    fake_clock.advance(3)
    toggl_emulator.webhooks.pump()
    assert await cache.find(entry["id"], TogglTracker) is not None


async def test_a_dropped_delivery_is_retried(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, toggl_emulator: Emulator,
    fake_clock: FakeClock, cache: AsyncJSONCache[TogglTracker],
) -> None:
    toggl_emulator.webhooks.faults.drop = 1
    entry = await _start(other_device, toggl_workspace_id, "lost once", "2026-11-20T11:00:00Z")
    assert await cache.find(entry["id"], TogglTracker) is None
    fake_clock.advance(toggl_emulator.webhooks.retry_schedule[0])
    toggl_emulator.webhooks.pump()
    assert await cache.find(entry["id"], TogglTracker) is not None


async def test_changes_made_while_the_receiver_is_down_arrive_after_it_is_back(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, toggl_emulator: Emulator,
    fake_clock: FakeClock, cache: AsyncJSONCache[TogglTracker],
) -> None:
    toggl_emulator.webhooks.faults.down_until = fake_clock.now() + timedelta(minutes=5)
    entry = await _start(other_device, toggl_workspace_id, "while down", "2026-11-20T11:00:00Z")
    for _ in range(8):
        fake_clock.advance(120)
        toggl_emulator.webhooks.pump()
    assert await cache.find(entry["id"], TogglTracker) is not None
    assert toggl_emulator.webhooks.pending() == 0


def _change_body(emulator: Emulator, entry_id: int, description: str, *, model: str = "time_entry",
                 event_id: int = 9000000000000001, at: str | None = None) -> bytes:
    now = emulator.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {"id": entry_id, "workspace_id": 1, "description": description, "start": "2026-11-20T10:00:00Z",
               "stop": None, "duration": -1, "at": at or now, "tags": [], "tag_ids": None}
    envelope = {"event_id": event_id, "created_at": now, "creator_id": 1,
                "metadata": {"action": "created", "model": model}, "payload": payload, "subscription_id": 1,
                "timestamp": now, "url_callback": RECEIVER_URL}
    return json.dumps(envelope, separators=(",", ":")).encode()


async def test_events_for_entities_no_cache_models_are_counted_and_ignored(
    receiver: AsyncWebhookReceiver, toggl_emulator: Emulator
) -> None:
    body = _change_body(toggl_emulator, 5, "x", model="workspace_user")
    reply = await receiver.handle(body, {"X-Webhook-Signature-256": sign(SECRET, body)})
    assert reply.status == 200
    assert receiver.stats.ignored == {"workspace_user": 1}


@pytest.mark.parametrize("kind", ["json", "sqlite"])
async def test_every_cache_kind_takes_pushed_changes(kind: str, cache_dir: Path, fake_clock: FakeClock,
                                                     toggl_emulator: Emulator) -> None:
    store: Any = AsyncJSONCache(cache_dir, clock=fake_clock) if kind == "json" else AsyncSqliteCache(
        cache_dir, clock=fake_clock
    )
    receiver = AsyncWebhookReceiver(SECRET, store, clock=fake_clock)
    body = _change_body(toggl_emulator, 77, "pushed")
    assert (await receiver.handle(body, {"X-Webhook-Signature-256": sign(SECRET, body)})).status == 200
    found = await store.find(77, TogglTracker)
    await store.aclose()
    assert found is not None
    assert found.name == "pushed"


async def test_seen_event_ids_survive_a_receiver_restart(
    cache: AsyncJSONCache[TogglTracker], fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    body = _change_body(toggl_emulator, 78, "once")
    headers = {"X-Webhook-Signature-256": sign(SECRET, body)}
    await AsyncWebhookReceiver(SECRET, cache, clock=fake_clock).handle(body, headers)
    restarted = AsyncWebhookReceiver(SECRET, cache, clock=fake_clock)
    assert (await restarted.handle(body, headers)).body == {"status": "duplicate"}


async def test_a_disabled_subscription_gets_no_change_events(
    subscription: int, other_device: httpx.AsyncClient, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, cache: AsyncJSONCache[TogglTracker],
) -> None:
    await AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client).disable(subscription)
    entry = await _start(other_device, toggl_workspace_id, "unseen", "2026-11-20T11:00:00Z")
    assert await cache.find(entry["id"], TogglTracker) is None


@pytest.fixture
async def ttl_setup(
    toggl_emulator: Emulator, tmp_path: Path, fake_clock: FakeClock, toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
) -> tuple[AsyncTrackerEndpoint, AsyncWebhookReceiver]:
    """A 60 s TTL cache kept by a receiver, and a tracker endpoint reading it."""
    toggl_emulator.state.stop_running(toggl_emulator.account.user_id)  # type: ignore[union-attr]
    ttl_cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(tmp_path / "ttl", expire_after=60, clock=fake_clock)
    receiver = AsyncWebhookReceiver(SECRET, ttl_cache, clock=fake_clock)
    toggl_emulator.webhooks.mount(RECEIVER_URL, WebhookApp(receiver))
    hooks = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    await hooks.create(RECEIVER_URL, ["*"], "live", secret=SECRET)
    tracker = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, ttl_cache, client=http_client, clock=fake_clock)
    return tracker, receiver


async def test_pushes_keep_a_ttl_cache_fresh_while_healthy(
    ttl_setup: tuple[AsyncTrackerEndpoint, AsyncWebhookReceiver], other_device: httpx.AsyncClient,
    toggl_workspace_id: int, toggl_emulator: Emulator, fake_clock: FakeClock,
) -> None:
    tracker, _ = ttl_setup
    entry = await _start(other_device, toggl_workspace_id, "pushed", "2026-11-20T11:00:00Z")
    fake_clock.advance(600)  # far beyond the 60 s TTL, within the health interval
    before = len(toggl_emulator.requests)
    current = await tracker.current(refresh=False)
    assert current is not None
    assert current.id == entry["id"]
    assert len(toggl_emulator.requests) == before


async def test_reads_follow_expire_after_again_once_health_lapses(
    ttl_setup: tuple[AsyncTrackerEndpoint, AsyncWebhookReceiver], other_device: httpx.AsyncClient,
    toggl_workspace_id: int, toggl_emulator: Emulator, fake_clock: FakeClock,
) -> None:
    tracker, receiver = ttl_setup
    await _start(other_device, toggl_workspace_id, "pushed", "2026-11-20T11:00:00Z")
    assert receiver.health_interval is not None
    fake_clock.advance(receiver.health_interval.total_seconds() + 1)
    before = len(toggl_emulator.requests)
    await tracker.current(refresh=False)
    assert len(toggl_emulator.requests) == before + 1


async def test_a_subscription_missing_an_entity_never_marks_the_cache_live(
    tmp_path: Path, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    ttl_cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(tmp_path / "ttl", expire_after=60, clock=fake_clock)
    receiver = AsyncWebhookReceiver(SECRET, ttl_cache, clock=fake_clock, entities=("time_entry", "project"))
    body = _change_body(toggl_emulator, 79, "partial")
    await receiver.handle(body, {"X-Webhook-Signature-256": sign(SECRET, body)})
    assert ttl_cache.effective_expire_after == timedelta(seconds=60)


async def test_ensure_creates_one_subscription_and_then_reuses_it(
    receiver: AsyncWebhookReceiver, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, toggl_emulator: Emulator,
) -> None:
    hooks = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    first, choice = await hooks.ensure(RECEIVER_URL, SECRET)
    assert first.active
    assert choice.uncovered == ()  # the free plan allows 3 filters: one '*' covers everything
    before = len(toggl_emulator.requests)
    again, _ = await hooks.ensure(RECEIVER_URL, SECRET)
    assert again.subscription_id == first.subscription_id
    assert len(toggl_emulator.requests) == before + 1
    assert len(await hooks.subscriptions()) == 1


async def test_ensure_reenables_a_disabled_subscription(
    receiver: AsyncWebhookReceiver, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
) -> None:
    hooks = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    first, _ = await hooks.ensure(RECEIVER_URL, SECRET)
    await hooks.disable(first.subscription_id)
    again, _ = await hooks.ensure(RECEIVER_URL, SECRET)
    assert again.active


async def test_ensure_names_the_subscriptions_using_the_plan_limit(
    receiver: AsyncWebhookReceiver, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, toggl_emulator: Emulator,
) -> None:
    hooks = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    await hooks.create(RECEIVER_URL, ["time_entry"], "someone else's", secret=SECRET)
    toggl_emulator.webhooks.mount("https://other.example.test/", WebhookApp(receiver))
    with pytest.raises(SubscriptionLimitError, match="someone else's"):
        await hooks.ensure("https://other.example.test/hook", SECRET)


async def test_a_live_cache_answers_that_nothing_runs_without_a_request(
    ttl_setup: tuple[AsyncTrackerEndpoint, AsyncWebhookReceiver], other_device: httpx.AsyncClient,
    toggl_workspace_id: int, toggl_emulator: Emulator, fake_clock: FakeClock,
) -> None:
    tracker, _ = ttl_setup
    entry = await _start(other_device, toggl_workspace_id, "pushed", "2026-11-20T11:00:00Z")
    fake_clock.advance(30)
    path = f"/workspaces/{toggl_workspace_id}/time_entries/{entry['id']}/stop"
    (await other_device.patch(path)).raise_for_status()
    fake_clock.advance(300)
    before = len(toggl_emulator.requests)
    assert await tracker.current(refresh=False) is None
    assert len(toggl_emulator.requests) == before


async def test_ensure_falls_back_to_time_entries_first_when_the_wildcard_is_refused(
    receiver: AsyncWebhookReceiver, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient, toggl_emulator: Emulator,
) -> None:
    toggl_emulator.webhooks.wildcard_counts_all = True
    hooks = AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)
    sub, choice = await hooks.ensure(RECEIVER_URL, SECRET)
    assert [f.entity for f in sub.event_filters] == ["time_entry", "project", "client"]
    assert choice.uncovered == ("tag",)


async def test_two_receivers_sharing_one_sqlite_cache_keep_the_newest_state(
    cache_dir: Path, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    first_cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    second_cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    first = AsyncWebhookReceiver(SECRET, first_cache, clock=fake_clock)
    second = AsyncWebhookReceiver(SECRET, second_cache, clock=fake_clock)
    newer = _change_body(toggl_emulator, 90, "newer", event_id=9000000000000002, at="2026-11-20T11:59:59Z")
    older = _change_body(toggl_emulator, 90, "older", event_id=9000000000000001, at="2026-11-20T11:59:00Z")
    await second.handle(newer, {"X-Webhook-Signature-256": sign(SECRET, newer)})
    await first.handle(older, {"X-Webhook-Signature-256": sign(SECRET, older)})
    found = await first_cache.find(90, TogglTracker)
    await first_cache.aclose()
    await second_cache.aclose()
    assert found is not None
    assert found.name == "newer"
    assert first.stats.stale == 1


async def test_a_delivery_meant_for_another_url_is_refused(
    cache: AsyncJSONCache[TogglTracker], fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    receiver = AsyncWebhookReceiver(SECRET, cache, clock=fake_clock, expected_url="https://mine.example.test/")
    body = _change_body(toggl_emulator, 91, "elsewhere")
    reply = await receiver.handle(body, {"X-Webhook-Signature-256": sign(SECRET, body)})
    assert reply.status == 401
    assert await cache.find(91, TogglTracker) is None
