"""A day of use: requests per hour and worst staleness of four ways to keep a dashboard current.

A dashboard shows the running entry and today's total every minute for 8 hours (on a fake clock, against the
emulator). Meanwhile the user starts and stops 12 timers through the same endpoint, and another device makes 10
changes (starts, renames, stops, a deleted entry, a new finished entry) at seeded random seconds. Compared:

- ``no cache``: every read asks Toggl;
- ``60 s TTL cache``: reads use a JSON cache whose entries expire after 60 s;
- ``TogglSync every minute``: a never-expiring mirror, synced once a minute (at second 0; the dashboard reads at
  second 30);
- ``webhooks``: the same 60 s TTL cache kept live by a receiver the emulator pushes to (1 s delivery latency),
  set up like ``toggl-api listen``: one catch-up sync, one ensured subscription, one health check an hour.

Requests are counted from the emulator's log, without the other device's own. Staleness is measured at every
dashboard read: how long the truth had already moved past what the dashboard showed (0 when it shows the truth).

Run: ``python benchmarks/bench_webhooks.py [--write]`` (``--write`` updates the table in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from toggl_api import TrackerBody, TrackerEndpoint
from toggl_api._core.webhooks import accepted_deliveries, health_check_due
from toggl_api._sync.cache.json import JSONCache
from toggl_api._sync.sync import TogglSync
from toggl_api.testing import Emulator, FakeClock
from toggl_api.webhooks import WebhookApp, WebhookReceiver, WebhooksEndpoint

START = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
HOURS = 8
OTHER_DEVICE = "other-device"
RECEIVER_URL = "https://dashboard.example.test/toggl"
SECRET = "benchmark-webhook-secret"
RESULTS = Path(__file__).with_name("RESULTS.md")

View = tuple[Any, ...]


def truth(emulator: Emulator, user_id: int, day: date) -> View:
    """What the dashboard should show, from the emulator's own state: the running entry and today's entries."""
    state = emulator.state
    running = next((t for t in state.time_entries.values() if t.user_id == user_id and t.running and not t.deleted),
                   None)
    today = sorted(
        (t.id, t.start, t.stop, t.description or "")
        for t in state.time_entries.values()
        if t.user_id == user_id and not t.deleted and t.start.date() == day
    )
    return ((running.id, running.description or "") if running else None, tuple(today))


def shown(tracker: TrackerEndpoint, day: date) -> View:
    """What the dashboard shows: ``current()`` and ``collect()`` for today, through the endpoint (and its cache)."""
    current = tracker.current(refresh=False)
    entries = tracker.collect(start_date=day, end_date=day + timedelta(days=1))
    today = sorted((e.id, e.start, e.stop, e.name or "") for e in entries if e.start.date() == day)
    return ((current.id, current.name or "") if current else None, tuple(today))


class Day:
    """One simulated day for one strategy."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.clock = FakeClock(START - timedelta(minutes=1))
        self.emulator = Emulator("demo", clock=self.clock, limits=False)
        account = self.emulator.account
        assert account is not None
        self.account = account
        self.emulator.state.stop_running(account.user_id)
        self.folder = folder
        self.http = httpx.Client(transport=self.emulator.transport())
        self.other = httpx.Client(transport=self.emulator.transport(), auth=account.auth(),
                                  base_url="https://api.track.toggl.com/api/v9",
                                  headers={"User-Agent": OTHER_DEVICE})
        self.history: list[tuple[datetime, View]] = []
        self.worst = 0.0
        self.setup_requests = 0

    def close(self) -> None:
        self.http.close()
        self.other.close()
        self.emulator.webhooks.close()

    def own_requests(self) -> int:
        return sum(1 for r in self.emulator.requests if r.headers.get("user-agent") != OTHER_DEVICE)

    def record_truth(self) -> None:
        view = truth(self.emulator, self.account.user_id, START.date())
        if not self.history or self.history[-1][1] != view:
            self.history.append((self.clock.now(), view))

    def staleness(self, view: View) -> float:
        now = self.clock.now()
        if self.history[-1][1] == view:
            return 0.0
        for index in range(len(self.history) - 1, -1, -1):
            if self.history[index][1] == view:
                return (now - self.history[index + 1][0]).total_seconds()
        return (now - self.history[0][0]).total_seconds()  # never true: wrong since the day began


def own_timers() -> list[tuple[float, float]]:
    """Twelve timers of the user: (start, stop) seconds after the start, 25 minutes each, every 40 minutes."""
    return [((10 + 40 * k) * 60.0, (35 + 40 * k) * 60.0) for k in range(12)]


def other_device_changes(rng: random.Random) -> list[tuple[float, str]]:
    """Ten changes by another device of the same user: (seconds after the start, kind), in time order.

    They fall in the gaps between the user's own timers (a timer started elsewhere would stop the user's own).
    """
    kinds = ["start", "rename", "stop", "add_done", "start", "rename", "stop", "add_done", "delete", "add_done"]
    gaps = [(stop + 30, start - 30) for (_, stop), (start, _) in zip(own_timers(), own_timers()[1:], strict=False)]
    picked = sorted(rng.sample(range(len(gaps)), len(kinds)))
    return [(rng.uniform(*gaps[g]), kind) for g, kind in zip(picked, kinds, strict=True)]


def run(strategy: str, folder: Path, seed: int = 13) -> dict[str, Any]:
    day = Day(strategy, folder)
    wid, auth = day.account.workspace_id, day.account.auth()
    kwargs: dict[str, Any] = {"client": day.http, "clock": day.clock}
    cache: JSONCache[Any] | None = None
    syncer: TogglSync | None = None
    hooks: WebhooksEndpoint | None = None
    receiver: WebhookReceiver | None = None
    sub_id = 0
    if strategy == "60 s TTL cache":
        cache = JSONCache(folder / "ttl", expire_after=60, clock=day.clock)
    elif strategy == "TogglSync every minute":
        cache = JSONCache(folder / "mirror", expire_after=None, clock=day.clock)
        syncer = TogglSync(auth, cache, **kwargs)
    elif strategy == "webhooks":
        cache = JSONCache(folder / "live", expire_after=60, clock=day.clock)
        receiver = WebhookReceiver(SECRET, cache, clock=day.clock)
        day.emulator.webhooks.mount(RECEIVER_URL, WebhookApp(receiver))
        day.emulator.webhooks.faults.delay, day.emulator.webhooks.faults.delay_count = 1.0, 10**9
        hooks = WebhooksEndpoint(wid, auth, **kwargs)  # as `toggl-api listen --workspace ID` starts
        sub, _ = hooks.ensure(RECEIVER_URL, SECRET)
        sub_id = sub.subscription_id
        receiver.entities = tuple(f.entity for f in sub.event_filters)
        TogglSync(auth, cache, **kwargs).sync()  # the catch-up, once changes are pushed
        if sub.active:
            receiver.mark_live()
    tracker = TrackerEndpoint(wid, auth, cache, **kwargs) if cache is not None else TrackerEndpoint(wid, auth,
                                                                                                     **kwargs)
    day.setup_requests = day.own_requests()
    before = day.setup_requests
    writes = 0

    rng = random.Random(seed)
    events: list[tuple[float, int, Callable[[], None]]] = []
    other_running: list[int] = []
    other_done: list[int] = []

    def other(kind: str) -> Callable[[], None]:
        def act() -> None:
            now = day.clock.now()
            stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
            if kind == "start":
                r = day.other.post(f"/workspaces/{wid}/time_entries", json={
                    "created_with": "phone", "workspace_id": wid, "start": stamp, "duration": -1,
                    "description": f"phone {len(other_running) + len(other_done)}"})
                other_running.append(r.json()["id"])
            elif kind == "rename" and other_running:
                day.other.put(f"/workspaces/{wid}/time_entries/{other_running[-1]}", json={"description": "renamed"})
            elif kind == "stop" and other_running:
                entry = other_running.pop()
                day.other.patch(f"/workspaces/{wid}/time_entries/{entry}/stop")
                other_done.append(entry)
            elif kind == "add_done":
                r = day.other.post(f"/workspaces/{wid}/time_entries", json={
                    "created_with": "phone", "workspace_id": wid, "start": (now - timedelta(minutes=30)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"), "duration": 600, "description": "logged on the phone"})
                other_done.append(r.json()["id"])
            elif kind == "delete" and other_done:
                day.other.delete(f"/workspaces/{wid}/time_entries/{other_done.pop(0)}")
        return act

    for at, kind in other_device_changes(rng):
        events.append((at, 1, other(kind)))
    running: list[Any] = []

    def start_own(index: int) -> Callable[[], None]:
        def act() -> None:
            nonlocal writes
            body = TrackerBody(description=f"own timer {index}", start=day.clock.now(), duration=-1)
            running.append(tracker.add(body))
            writes += 1
        return act

    def stop_own() -> None:
        nonlocal writes
        if running:
            tracker.stop(running.pop())
            writes += 1

    for index, (start, stop) in enumerate(own_timers()):
        events.append((start + 5, 0, start_own(index)))
        events.append((stop + 5, 0, stop_own))
    checked = [accepted_deliveries(receiver.stats) if receiver is not None else 0]
    for minute in range(HOURS * 60):
        if syncer is not None:
            events.append((minute * 60.0, 2, syncer.sync))
        if hooks is not None and minute and minute % 60 == 0:
            def check() -> None:
                assert hooks is not None
                assert receiver is not None
                last, checked[0] = checked[0], accepted_deliveries(receiver.stats)
                if not health_check_due(last, checked[0]):
                    return  # as ``toggl-api listen``: deliveries since the last check prove the subscription
                current = hooks.get(sub_id)
                if current is not None and current.active and not current.has_pending_events:
                    receiver.mark_live()
            events.append((minute * 60.0 + 1, 2, check))

        def read() -> None:
            view = shown(tracker, START.date())
            day.worst = max(day.worst, day.staleness(view))
        events.append((minute * 60.0 + 30, 3, read))
    events.sort(key=lambda e: (e[0], e[1]))

    day.clock.set(START)
    day.record_truth()
    for at, _, act in events:
        target = START + timedelta(seconds=at)
        if target > day.clock.now():
            # Deliveries due in between (the 1 s webhook latency) arrive at their time, not at the next event.
            while day.emulator.webhooks.queue and min(d.due for d in day.emulator.webhooks.queue) <= target:
                due = min(d.due for d in day.emulator.webhooks.queue)
                day.clock.set(max(due, day.clock.now()))
                day.emulator.webhooks.pump()
            day.clock.set(target)
        act()
        day.record_truth()
    steady = day.own_requests() - before
    total = steady + day.setup_requests
    day.close()
    return {
        "strategy": strategy,
        "requests": total,
        "per_hour": total / HOURS,
        "steady_per_hour": steady / HOURS,
        "writes_per_hour": writes / HOURS,
        "setup": day.setup_requests,
        "worst_staleness": day.worst,
    }


STRATEGIES = ("no cache", "60 s TTL cache", "TogglSync every minute", "webhooks")


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| strategy | requests in 8 h | per hour | per hour without set-up | own writes per hour | "
        "set-up requests | worst staleness |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['strategy']} | {row['requests']} | {row['per_hour']:.1f} | {row['steady_per_hour']:.1f} | "
            f"{row['writes_per_hour']:.1f} | {row['setup']} | {row['worst_staleness']:.1f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the table in benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    # The emulator runs without limits, but reports the quota a free plan would have: its low-quota warnings (and
    # the 409 of stopping a timer the other device already stopped) are not what this measures.
    logging.disable(logging.WARNING)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, strategy in enumerate(STRATEGIES):
            rows.append(run(strategy, Path(tmp) / str(index)))
    text = table(rows)
    print(text)
    if args.write:
        section = (
            "## Day of use: keeping a dashboard current (webhooks)\n\n"
            "`python benchmarks/bench_webhooks.py --write`: 8 hours of emulator time, a dashboard reading the running "
            "entry and today's total every minute, 12 own timers (24 writes), 10 changes by another device. "
            "Requests exclude the other device's own; set-up requests (the webhooks' catch-up sync and "
            "subscription: 7) are counted in the 8 hours, and shown apart. Webhook deliveries take 1 s of emulator "
            "time; staleness is measured at each dashboard read.\n\n" + text + "\n"
        )
        content = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        pattern = re.compile(r"## Day of use: keeping a dashboard current \(webhooks\)\n.*?(?=\n## |\Z)", re.DOTALL)
        content = pattern.sub(section.rstrip("\n") + "\n", content) if pattern.search(content) else (
            content.rstrip("\n") + "\n\n" + section
        )
        RESULTS.write_text(content, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
