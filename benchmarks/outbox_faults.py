"""A seeded fault run of the offline outbox: many timer writes through every kind of fault, then the count of writes
that landed twice, writes lost, conflicts reported and requests spent per write.

On a fake clock against the emulator, an ``offline=True`` tracker endpoint makes ``writes`` writes (starts, stopped
entries, stops, edits, deletes) while the emulator injects, before a seeded share of them, one of: connect errors,
timeouts, resets, lost answers (the write applied, the answer lost; by timeout and by reset), 503s, 402 quota
answers, answers with broken JSON. Another device (a second endpoint) edits, stops and deletes some of the same
entries meanwhile, so conflicts occur. The outbox is flushed every few writes, with faults during replays too, and
some flushes are killed at a random journal step (``sending-recorded``, ``sent``, ``done``): the cache object is
then dropped and a new one opened on the same folder, as a new process would. At the end Toggl is reachable again
and the outbox is flushed (forced, so held deletes go too) until empty.

Checks, from the emulator's state (every write has its own description, so each is traceable):

- landed twice: a create with more than one entry on Toggl (deleted ones included);
- lost: a create that was not cancelled (deleted while still unsent) and has no entry; an edit whose description
  Toggl does not show although no later write, delete or reported conflict explains it; a stop or delete not
  applied although no conflict was reported for it.

Also counted: writes queued (instead of sent at once), conflicts reported, and requests per write: every request
the user's endpoint sent (failed attempts included, flush attempts while unreachable, replays, the reads of the
conflict rule and of lost creates), without the other device's.

Run: ``python benchmarks/outbox_faults.py [--writes 1000] [--seed 7] [--cache json|sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from toggl_api import TrackerBody, TrackerEndpoint
from toggl_api._core.outbox import WriteState
from toggl_api._io import seams
from toggl_api._sync.cache.base import TogglCache
from toggl_api._sync.cache.json import JSONCache
from toggl_api._sync.cache.sqlite import SqliteCache
from toggl_api.testing import Emulator, FakeClock, Fault

FAULTS = {
    "connect_error": Fault.connect_error,
    "timeout": Fault.timeout,
    "reset": Fault.connection_reset,
    "lost_answer_timeout": lambda: Fault.lost_answer("timeout"),
    "lost_answer_reset": lambda: Fault.lost_answer("reset"),
    "server_error_503": lambda: Fault.server_error(503),
    "quota_402": Fault.quota_exceeded,
    "malformed_json": Fault.malformed_json,
}
STEPS = ("outbox:sending-recorded", "outbox:sent", "outbox:done")


class Killed(BaseException):
    """The process dies at a journal step (nothing after it runs)."""


@contextmanager
def kill_at(step: str | None) -> Iterator[None]:
    def hook(name: str) -> None:
        if name == step:
            seams.crash_hook = None
            raise Killed(name)

    seams.crash_hook = hook if step else None
    try:
        yield
    finally:
        seams.crash_hook = None


class _Catcher(logging.Handler):
    def __init__(self, conflicts: list[Any], rejected: list[Any]) -> None:
        super().__init__(logging.WARNING)
        self.conflicts, self.rejected = conflicts, rejected

    queued = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Toggl is unreachable"):
            self.queued += 1
        if hasattr(record, "conflict"):
            self.conflicts.append(record.conflict)
        if hasattr(record, "rejected"):
            self.rejected.append(record.rejected)


def quiet() -> None:
    """Only the outbox's conflicts and refusals are heard (for the catcher); the rest is silenced."""
    logging.getLogger().setLevel(logging.CRITICAL)
    for name in ("toggl-api-wrapper", "toggl_api", "httpx"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    outbox = logging.getLogger("toggl_api.outbox")
    outbox.setLevel(logging.WARNING)
    outbox.propagate = False


def run(writes: int = 1000, seed: int = 7, cache_kind: str = "json", folder: Path | None = None) -> dict[str, Any]:
    """Run the fault run; the figures as a dict."""
    rng = random.Random(seed)
    clock = FakeClock()
    emulator = Emulator("demo", clock=clock, limits=False)
    account = emulator.account
    assert account is not None
    auth = httpx.BasicAuth(account.api_token, "api_token")
    client = emulator.client(auth=auth)
    with tempfile.TemporaryDirectory() as tmp:
        path = folder or Path(tmp)

        def open_endpoint() -> tuple[TrackerEndpoint, TogglCache[Any]]:
            cache: TogglCache[Any] = JSONCache(path, clock=clock) if cache_kind == "json" else SqliteCache(
                path, clock=clock)
            return TrackerEndpoint(account.workspace_id, auth, cache, offline=True, client=client, clock=clock,
                                   retries=0), cache

        mine, cache = open_endpoint()
        other = TrackerEndpoint(account.workspace_id, auth, client=client, clock=clock, retries=0)
        created: dict[str, Any] = {}  # description -> the entry as last returned (pending or real)
        cancelled: set[str] = set()
        edits: dict[str, str] = {}  # create description -> last description we set
        stopped: set[str] = set()
        deleted: set[str] = set()
        touched_elsewhere: set[str] = set()
        conflicts: list[Any] = []
        rejected: list[Any] = []
        # Conflicts and refusals are taken from the log: a flush killed midway returns no report, but what it met
        # was logged (as it would be for a user).
        catcher = _Catcher(conflicts, rejected)
        outbox_log = logging.getLogger("toggl_api.outbox")
        outbox_log.addHandler(catcher)
        fault_counts = dict.fromkeys(FAULTS, 0)
        kills = dict.fromkeys(STEPS, 0)
        running: str | None = None
        made = 0
        failed_calls: list[int] = []

        def flush(force: bool = False) -> None:
            nonlocal mine, cache
            # Kill only flushes that have something to replay (an empty flush reaches no step).
            step = rng.choice(STEPS) if mine.pending() and rng.random() < 0.5 else None
            if rng.random() < 0.3:
                name = rng.choice(list(FAULTS))
                fault_counts[name] += 1
                emulator.faults.add(FAULTS[name](), times=1)
            try:
                with kill_at(step):
                    report = mine.flush(force=force)
            except Killed:
                assert step is not None
                kills[step] += 1
                cache.close()
                mine, cache = open_endpoint()  # a new process
                return
            finally:
                emulator.faults.clear()
            assert len(report.conflicts) <= len(conflicts)

        def live(name: str) -> Any:
            # The entry as the user's app knows it: what the last call returned, its temporary id rewritten by the
            # outbox when it landed.
            return created[name]

        while made < writes:
            clock.advance(rng.randint(20, 600))
            if rng.random() < 0.35:
                name = rng.choice(list(FAULTS))
                fault_counts[name] += 1
                emulator.faults.add(FAULTS[name](), times=1, path="/time_entries")
            choice = rng.random()
            alive = [n for n in created if n not in deleted and n not in cancelled]
            try:
                if choice < 0.35 or not alive:
                    name = f"w{made}"
                    if rng.random() < 0.5:
                        body = TrackerBody(description=name)
                        running = name
                    else:
                        body = TrackerBody(description=name, start=clock.now() - timedelta(minutes=30), duration=600)
                    created[name] = mine.add(body)
                    edits[name] = name
                elif choice < 0.55 and running is not None and running in alive:
                    result = mine.stop(live(running))
                    stopped.add(running)
                    if result is not None:
                        created[running] = result
                    running = None
                elif choice < 0.8:
                    name = rng.choice(alive)
                    new = f"{name}-e{made}"
                    created[name] = mine.edit(live(name), TrackerBody(description=new))
                    edits[name] = new
                else:
                    name = rng.choice(alive)
                    temp = live(name).id
                    mine.delete(live(name))
                    deleted.add(name)
                    if temp >= 9 * 10**18 and not any(
                        w.entity_id == temp for w in mine.pending()
                    ) and temp not in mine.outbox.load().landed:
                        cancelled.add(name)
            except (httpx.HTTPError, ValueError) as exc:  # only definitive refusals reach the caller
                failed_calls.append(made)
                logging.getLogger("outbox_faults").info("write %s raised %s", made, exc)
            finally:
                emulator.faults.clear()
            made += 1
            if rng.random() < 0.1:
                # Another device changes one of the entries that is already on Toggl.
                on_toggl = [n for n in alive if live(n).id < 9 * 10**18 and n not in deleted]
                if on_toggl:
                    name = rng.choice(on_toggl)
                    touched_elsewhere.add(name)
                    try:
                        if rng.random() < 0.6:
                            other.edit(live(name).id, TrackerBody(description=f"{name}-elsewhere"))
                        else:
                            other.stop(live(name).id)
                    except httpx.HTTPError:
                        pass
            if made % 7 == 0:
                flush()
        for _ in range(20):
            flush(force=True)
            if not mine.pending():
                break
        if mine.pending():
            mine.flush(force=True)
        remaining = mine.pending()
        cache.close()
        outbox_log.removeHandler(catcher)

    entries = list(emulator.state.time_entries.values())
    by_origin: dict[str, list[Any]] = {}
    # The other device's requests are its own, not the outbox's cost.
    requests_total = len(emulator.requests) - other._requester.request_count
    for te in entries:
        origin = (te.description or "").split("-")[0]
        if origin.startswith("w"):
            by_origin.setdefault(origin, []).append(te)
    conflicted = {str(c.entity_id) for c in conflicts}
    twice = [n for n, found in by_origin.items() if len(found) > 1]
    lost: list[str] = []
    for name in created:
        found = by_origin.get(name, [])
        if name in cancelled:
            if found:
                lost.append(f"{name}: cancelled but sent")
            continue
        if not found:
            lost.append(f"{name}: never landed")
            continue
        te = found[0]
        explained = str(te.id) in conflicted or name in touched_elsewhere
        if name in deleted and not te.deleted and not explained:
            lost.append(f"{name}: delete not applied")
        if name not in deleted and edits[name] != te.description and not explained:
            lost.append(f"{name}: edit to {edits[name]!r} not applied (Toggl has {te.description!r})")
        if name in stopped and name not in deleted and te.stop is None and not explained:
            lost.append(f"{name}: stop not applied")
    return {
        "writes": made,
        "seed": seed,
        "cache": cache_kind,
        "faults_injected": fault_counts,
        "replays_killed": kills,
        "landed_twice": len(twice),
        "lost": len(lost),
        "lost_detail": lost[:10],
        "conflicts_reported": len(conflicts),
        "conflict_rules": sorted({c.rule for c in conflicts}),
        "queued": catcher.queued,
        "rejected": len(rejected),
        "calls_that_raised": len(failed_calls),
        "still_pending": len(remaining),
        "held": sum(1 for w in remaining if w.state is WriteState.HELD),
        "requests": requests_total,
        "requests_per_write": round(requests_total / max(made, 1), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", choices=("json", "sqlite"), default="json")
    args = parser.parse_args(argv)
    quiet()
    figures = run(args.writes, args.seed, args.cache)
    print(json.dumps(figures, indent=2))
    return 0 if figures["landed_twice"] == 0 and figures["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
