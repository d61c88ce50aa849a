"""A 200-operation mixed workload through the endpoint classes with random injected faults (seeded).

Every operation either succeeds exactly once or raises a documented error, and the emulator ends up holding
no duplicate: no POST is ever applied twice, whatever failed.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from toggl_api import TrackerBody
from toggl_api._core.errors import PremiumFeatureError, RateLimitError, ServerError
from toggl_api.asyncio import AsyncTagEndpoint, AsyncTrackerEndpoint
from toggl_api.testing import Emulator, FakeClock, Fault

START = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)

#: What an operation may raise when Toggl or the network fails (the documented outcomes).
DOCUMENTED = (ServerError, RateLimitError, PremiumFeatureError, httpx.TransportError, httpx.DecodingError)
#: Failures after which a write may have been applied (the answer was lost or unreadable).
AMBIGUOUS = (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.DecodingError)


def random_fault(rng: random.Random) -> Fault:
    return rng.choice([
        Fault.server_error(500), Fault.server_error(502), Fault.server_error(503),
        Fault.timeout(), Fault.connection_reset(), Fault.connect_error(),
        Fault.lost_answer(), Fault.lost_answer("reset"), Fault.malformed_json(),
        Fault.slow(2.0), Fault.slow(60.0), Fault.http_error(429),
        Fault.http_error(402, "Must be a premium user to use this feature"),
    ])


class Workload:
    def __init__(self, emulator: Emulator, trackers: AsyncTrackerEndpoint, tags: AsyncTagEndpoint,
                 rng: random.Random) -> None:
        self.emulator, self.trackers, self.tags, self.rng = emulator, trackers, tags, rng
        self.created: dict[str, int] = {}  # description -> id, creates that succeeded
        self.maybe_created: set[str] = set()  # creates whose answer was lost
        self.not_created: set[str] = set()  # creates that failed before being applied
        self.tag_names: list[str] = []
        self.durations: dict[int, int] = {}  # entry id -> duration of its last successful edit
        self.deleted: set[int] = set()
        self.outcomes: Counter[str] = Counter()

    def live(self) -> list[int]:
        return [i for i in self.created.values() if i not in self.deleted]

    async def create_entry(self, n: int) -> None:
        description = f"entry-{n}"
        body = TrackerBody(description=description, start=START + timedelta(minutes=n), duration=60)
        try:
            created = await self.trackers.add(body)
        except AMBIGUOUS:
            self.maybe_created.add(description)
            raise
        except DOCUMENTED:
            self.not_created.add(description)
            raise
        assert created.name == description
        self.created[description] = created.id

    async def create_tag(self, n: int) -> None:
        name = f"tag-{n}"
        self.tag_names.append(name)
        created = await self.tags.add(name)
        assert created.name == name

    async def edit_entry(self, n: int) -> None:
        live = self.live()
        if not live:
            return
        target = self.rng.choice(live)
        edited = await self.trackers.edit(target, TrackerBody(duration=100 + n))
        assert (edited.id, int(edited.duration.total_seconds()) if edited.duration else None) == (target, 100 + n)
        self.durations[target] = 100 + n

    async def get_entry(self, n: int) -> None:
        if not self.created:
            return
        target = self.rng.choice(list(self.created.values()))
        got = await self.trackers.get(target, refresh=True)
        if target in self.deleted:
            assert got is None
        else:
            assert got is not None
            assert got.id == target

    async def delete_entry(self, n: int) -> None:
        live = self.live()
        if not live:
            return
        target = self.rng.choice(live)
        await self.trackers.delete(target)
        self.deleted.add(target)

    async def run(self, operations: int) -> None:
        kinds = [self.create_entry] * 30 + [self.create_tag] * 10 + [self.edit_entry] * 20 + \
            [self.get_entry] * 25 + [self.delete_entry] * 15
        for n in range(operations):
            if self.rng.random() < 0.4:
                self.emulator.faults.add(random_fault(self.rng), times=self.rng.choice([1, 1, 2]))
            operation = self.rng.choice(kinds)
            try:
                await operation(n)
                self.outcomes["ok"] += 1
            except DOCUMENTED as exc:
                self.outcomes[type(exc).__name__] += 1
            finally:
                self.emulator.faults.clear()


def applied_posts(emulator: Emulator, key: str, value: str) -> Counter[str]:
    """How many POSTs carrying ``key == value`` the emulator applied (their answer may have been lost)."""
    posts = [r.json for r in emulator.requests if r.method == "POST" and r.state_touched and isinstance(r.json, dict)]
    return Counter(p[key] for p in posts if str(p.get(key, "")).startswith(value))


@pytest.fixture
async def workload(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int,
) -> Workload:
    kwargs: dict[str, Any] = {"client": http_client, "clock": fake_clock, "timeout": 30}
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, **kwargs)
    tags = AsyncTagEndpoint(toggl_workspace_id, toggl_auth, **kwargs)
    work = Workload(toggl_emulator, trackers, tags, random.Random(20261120))
    await work.run(200)
    return work


async def test_workload_never_applies_a_create_twice(workload: Workload, toggl_emulator: Emulator) -> None:
    by_description = Counter(te.description for te in toggl_emulator.state.time_entries.values()
                             if (te.description or "").startswith("entry-"))
    assert max(by_description.values()) == 1
    assert max(applied_posts(toggl_emulator, "description", "entry-").values()) == 1
    assert max(applied_posts(toggl_emulator, "name", "tag-").values()) == 1


async def test_workload_successful_creates_exist_exactly_once(workload: Workload, toggl_emulator: Emulator) -> None:
    stored = {te.description: te.id for te in toggl_emulator.state.time_entries.values()}
    assert {d: stored.get(d) for d in workload.created} == workload.created


async def test_workload_failed_creates_left_nothing_unless_the_answer_was_lost(
    workload: Workload, toggl_emulator: Emulator
) -> None:
    stored = {te.description for te in toggl_emulator.state.time_entries.values()}
    assert workload.not_created
    assert not workload.not_created & stored
    assert workload.maybe_created  # the seed exercises lost answers too


async def test_workload_edits_and_deletes_are_in_the_emulator(workload: Workload, toggl_emulator: Emulator) -> None:
    entries = toggl_emulator.state.time_entries
    assert {i: entries[i].duration for i in workload.durations if i not in workload.deleted} == {
        i: d for i, d in workload.durations.items() if i not in workload.deleted
    }
    assert all(entries[i].deleted for i in workload.deleted)


async def test_workload_mixes_successes_with_documented_failures(workload: Workload) -> None:
    assert sum(workload.outcomes.values()) == 200
    assert workload.outcomes["ok"] >= 150
    assert len(workload.outcomes) > 2

