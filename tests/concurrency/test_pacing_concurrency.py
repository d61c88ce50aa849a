"""Pacing under concurrency: asyncio tasks and threads sharing one token each book a slot of their own, so a
concurrent burst meets no 429 either.

``FakeClock.asleep`` advances the clock at once, which serialises concurrent sleepers (each one's sleep moves
everybody's time). These tests use clocks that keep concurrent waits concurrent: a frozen one (every booking
happens at the same instant) and, for the emulator's burst limit, a virtual-time clock that wakes sleepers in
the order of their deadlines and moves the emulator's fake clock to each deadline.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from toggl_api import Pacing
from toggl_api._sync.endpoint import TogglEndpoint
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, FakeClock

PACE = Pacing(1.0, 2)
TASKS = 6


class AsyncJson(TogglAsyncEndpoint[Any]):
    MODEL = None


class Json(TogglEndpoint[Any]):
    MODEL = None


class FrozenClock(FakeClock):
    """Time stands still: sleeps are recorded, never taken."""

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


class VirtualClock:
    """The emulator's fake clock, moved forward only to the earliest deadline once every task is waiting."""

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> Any:
        return self.fake.now()

    def monotonic(self) -> float:
        return self.fake.monotonic()

    def sleep(self, seconds: float) -> None:  # pragma: no cover - the async tests only
        raise NotImplementedError

    async def asleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self.monotonic() + seconds, next(self._order), future))
        await future

    async def run(self, *jobs: Any) -> list[Any]:
        """Run ``jobs`` concurrently, advancing time whenever all of them are asleep; their results or errors."""
        tasks = [asyncio.ensure_future(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(50):  # let every runnable task reach its next wait (the emulator answers in-process)
                await asyncio.sleep(0)
            if self._waiters:
                deadline, _, future = heapq.heappop(self._waiters)
                self.fake.advance(max(0.0, deadline - self.monotonic()))
                future.set_result(None)
        return [task.exception() or task.result() for task in tasks]


def burst_limited(emulator: Emulator) -> Emulator:
    emulator.limits.enabled = True
    emulator.limits.quota = False
    return emulator


async def test_concurrent_tasks_each_book_a_slot_of_their_own(
    toggl_transport: httpx.MockTransport, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    clock = FrozenClock()
    async with httpx.AsyncClient(transport=toggl_transport) as client:
        endpoint = AsyncJson(toggl_auth, client=client, clock=clock, pacing=PACE)
        await asyncio.gather(*(endpoint.request(f"workspaces/{toggl_workspace_id}/tags") for _ in range(TASKS)))
    # Two went at once; the others booked the slots 1, 2, 3 and 4 seconds ahead.
    assert sorted(clock.sleeps) == [1.0, 2.0, 3.0, 4.0]


async def test_a_concurrent_burst_of_tasks_meets_no_429(
    toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, toggl_workspace_id: int
) -> None:
    burst_limited(toggl_emulator)
    clock = VirtualClock(fake_clock)
    async with httpx.AsyncClient(transport=toggl_emulator.transport()) as client:
        endpoint = AsyncJson(toggl_auth, client=client, clock=clock, pacing=PACE)
        await clock.run(*(endpoint.request(f"workspaces/{toggl_workspace_id}/tags") for _ in range(TASKS * 2)))
    assert [r.status for r in toggl_emulator.requests] == [200] * TASKS * 2


async def test_the_same_concurrent_burst_unpaced_meets_429s(
    toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, toggl_workspace_id: int
) -> None:
    burst_limited(toggl_emulator)
    clock = VirtualClock(fake_clock)
    async with httpx.AsyncClient(transport=toggl_emulator.transport()) as client:
        endpoint = AsyncJson(toggl_auth, client=client, clock=clock, pacing=None)
        await clock.run(*(endpoint.request(f"workspaces/{toggl_workspace_id}/tags") for _ in range(TASKS * 2)))
    assert 429 in [r.status for r in toggl_emulator.requests]


def test_threads_with_endpoints_of_one_token_each_book_a_slot_of_their_own(
    toggl_transport: httpx.MockTransport, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    clock = FrozenClock()

    def one_request(_: int) -> None:
        # An endpoint (and client) per thread, as a threaded program would build them.
        with httpx.Client(transport=toggl_transport) as client:
            Json(toggl_auth, client=client, clock=clock, pacing=PACE).request(f"workspaces/{toggl_workspace_id}/tags")

    with ThreadPoolExecutor(TASKS) as pool:
        list(pool.map(one_request, range(TASKS)))
    assert sorted(clock.sleeps) == [1.0, 2.0, 3.0, 4.0]
