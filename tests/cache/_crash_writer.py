"""Run as a script by ``test_crash_consistency.py``: one cache writer against a private emulator.

Usage: python _crash_writer.py KIND DIR STAGE   (KIND: json, json-compact (every commit compacts), sqlite)

- STAGE ``old``: fill the cache (``DIR``) with a time-entry range and the tag list, as a first process would.
- STAGE ``kill``: for n = 1, 2, ...: fork a writer that copies ``DIR`` to ``DIR-<n>``, lets another device change
  entries and tags on the (deterministic) emulator, refreshes the same range and the tag list, and dies
  (``os._exit(9)``) at the n-th commit step (``toggl_api._io.seams``); stops at the first n the writer survives,
  whose copy is the new state ``DIR-new``. Prints, as JSON, the step names.
- STAGE ``read``: print, as JSON, what the cache in each given directory (``DIR`` and more arguments) answers
  without any network (``null`` where it would ask Toggl), each read by a fresh cache object in this new process.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import httpx

import toggl_api._io.seams as seams
from toggl_api import TagEndpoint, TrackerBody, TrackerEndpoint
from toggl_api._core.api import tag as tag_api
from toggl_api._core.api import tracker as tracker_api
from toggl_api._core.coverage import as_instant
from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api._sync.coverage import load_coverage
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import Emulator, FakeClock

FIRST, LAST = date(2026, 11, 9), date(2026, 11, 16)


def open_cache(kind: str, path: Path, clock: FakeClock) -> Any:
    if kind == "json-compact":  # every commit rewrites the snapshots and starts a new log (a compaction)
        import toggl_api._io.json_store as json_store

        json_store._compact_due = lambda read: True  # type: ignore[assignment]
    return JSONCache(path, clock=clock) if kind.startswith("json") else SqliteCache(path, clock=clock)


def read(cache: Any, workspace_id: int, now: datetime) -> dict[str, Any]:
    lo, hi = as_instant(FIRST), as_instant(LAST)
    answer: dict[str, Any] = {"range": None, "tags": None, "entries": {}}
    if load_coverage(cache).covers(lo, hi, now, None):
        answer["range"] = sorted(
            (t.id, t.description, t.start.isoformat(), [g.name for g in t.tags])
            for t in cache.query(*tracker_api.range_queries(lo, hi), model=TogglTracker)
        )
    scope = tag_api.list_scope(workspace_id)
    if cache.completed_at(scope) is not None:
        found = cache.query(*tag_api.list_queries(workspace_id), model=TogglTag)
        answer["tags"] = sorted((t.id, t.name) for t in found)
    return answer


def main() -> None:
    kind, path, stage = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    clock = FakeClock()
    emulator = Emulator("demo", clock=clock, limits=False)
    account = emulator.account
    assert account is not None
    if stage == "read":
        answers = {}
        for folder in [path, *map(Path, sys.argv[4:])]:
            answers[folder.name] = read(open_cache(kind, folder, clock), account.workspace_id, clock.now())
        print(json.dumps(answers))
        return
    if stage == "kill":
        steps: list[str] = []
        for kill_at in range(1, 1000):
            target = path.with_name(f"{path.name}-{kill_at}")
            shutil.copytree(path, target)
            read_end, write_end = os.pipe()
            child = os.fork()
            if child == 0:  # the writer: dies at step ``kill_at`` or finishes
                os.close(read_end)
                reached = refresh(kind, target, emulator, clock, kill_at, write_end)
                os._exit(0 if reached < kill_at else 8)
            os.close(write_end)
            with os.fdopen(read_end) as names:
                reached_names = names.read().splitlines()
            _, status = os.waitpid(child, 0)
            code = os.waitstatus_to_exitcode(status)
            if code == 0:
                target.rename(path.with_name(f"{path.name}-new"))
                break
            assert code == 9, f"writer {kill_at} ended with {code}"
            steps = reached_names
        print(json.dumps(steps))
        return
    clock_options = {"client": httpx.Client(transport=emulator.transport()), "clock": clock}
    cache = open_cache(kind, path, clock)
    TrackerEndpoint(account.workspace_id, account.auth(), cache, **clock_options).collect(
        start_date=FIRST, end_date=LAST
    )
    TagEndpoint(account.workspace_id, account.auth(), cache, **clock_options).collect()


def refresh(kind: str, path: Path, emulator: Emulator, clock: FakeClock, kill_at: int, report: int) -> int:
    """The new stage in a forked writer; returns how many steps it reached (it exits at ``kill_at``)."""
    account = emulator.account
    assert account is not None
    cache = open_cache(kind, path, clock)
    client = httpx.Client(transport=emulator.transport())
    options: dict[str, Any] = {"client": client, "clock": clock}
    trackers = TrackerEndpoint(account.workspace_id, account.auth(), cache, **options)
    tags = TagEndpoint(account.workspace_id, account.auth(), cache, **options)
    # Another device: changes that the refresh below must bring into the cache.
    device = TrackerEndpoint(account.workspace_id, account.auth(), None, **options)
    in_range = device.collect(start_date=FIRST, end_date=LAST)
    device.delete(in_range[0])
    device.delete(in_range[1])
    device.edit(in_range[2], TrackerBody(description="changed elsewhere"))
    device.add(TrackerBody(description="added elsewhere", start=datetime(2026, 11, 12, 8, tzinfo=timezone.utc),
                           duration=300))
    other_tags = TagEndpoint(account.workspace_id, account.auth(), None, **options)
    existing = other_tags.collect()
    other_tags.delete(existing[0])
    other_tags.add("added elsewhere")
    clock.advance(300)
    reached: list[str] = []

    def hook(name: str) -> None:
        reached.append(name)
        os.write(report, f"{name}\n".encode())
        if len(reached) == kill_at:
            os._exit(9)

    seams.crash_hook = hook
    trackers.collect(start_date=FIRST, end_date=LAST, refresh=True)
    tags.collect(refresh=True)
    return len(reached)


if __name__ == "__main__":
    main()
