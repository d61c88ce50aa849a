"""A cache shared by a team: several cache objects on several engines (one per team member's process) on one
PostgreSQL database see each other's writes, and concurrent writers lose nothing and raise nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api.meta.cache import SqliteCache, TogglQuery
from toggl_api.testing import FakeClock

from ._data import BIG, tracker

#: Bounded waits for the worker threads (a hang fails the test instead of the session).
_JOIN_TIMEOUT = 30


def _member(pg_engines: Callable[..., Any], tmp_path: Path, clock: FakeClock, **kwargs: Any) -> SqliteCache[Any]:
    """One team member: their own engine (connection pool) and cache object on the shared database."""
    return SqliteCache(tmp_path / "unused", engine=pg_engines(), clock=clock, **kwargs)


def _run_together(*jobs: Callable[[], None]) -> list[BaseException]:
    """Run ``jobs`` in threads released at the same moment; the errors they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait(timeout=_JOIN_TIMEOUT)
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=_JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a writer did not finish"
    return errors


def test_one_members_writes_are_seen_by_another(pg_engines: Callable[..., Any], tmp_path: Path,
                                                 fake_clock: FakeClock) -> None:
    alice, bob = (_member(pg_engines, tmp_path, fake_clock) for _ in range(2))
    alice.add(tracker(1, tags=[TogglTag(3, "shared", workspace=1)]))
    alice.mark_complete("workspaces/1/time_entries", fake_clock.now())
    assert bob.find(1, TogglTracker) == tracker(1, tags=[TogglTag(3, "shared", workspace=1)])
    assert [t.id for t in bob.query(TogglQuery("tags", "shared"), model=TogglTracker)] == [1]
    assert bob.completed_at("workspaces/1/time_entries") == fake_clock.now()


def test_one_members_updates_and_deletes_are_seen_by_another(pg_engines: Callable[..., Any], tmp_path: Path,
                                                             fake_clock: FakeClock) -> None:
    alice, bob = (_member(pg_engines, tmp_path, fake_clock) for _ in range(2))
    alice.add(tracker(1), tracker(2))
    assert len(bob.load(TogglTracker)) == 2
    bob.update(tracker(1, name="edited by bob"))
    bob.delete(2, model=TogglTracker)
    assert [(t.id, t.name) for t in alice.load(TogglTracker)] == [(1, "edited by bob")]


def test_members_starting_together_on_an_empty_database_all_create_the_schema(
    pg_empty_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    members = [_member(pg_empty_engines, tmp_path, fake_clock) for _ in range(4)]
    errors = _run_together(*(lambda m=m, n=n: m.add(tracker(n)) for n, m in enumerate(members)))
    assert errors == []
    assert [t.id for t in members[0].load(TogglTracker)] == [0, 1, 2, 3]


def test_concurrent_upserts_of_the_same_ids_lose_nothing_and_raise_nothing(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    alice, bob = (_member(pg_engines, tmp_path, fake_clock) for _ in range(2))
    alice.add(tracker(0))  # the schema exists; what races is the rows
    ids = list(range(BIG, BIG + 150))
    tags = [TogglTag(1, "a", workspace=1), TogglTag(2, "b", workspace=1)]

    def write(who: SqliteCache[Any], name: str, order: list[int]) -> Callable[[], None]:
        def job() -> None:
            for _ in range(4):
                who.add(*(tracker(i, name=name, tags=tags) for i in order))

        return job

    errors = _run_together(write(alice, "alice", ids), write(bob, "bob", ids[::-1]))
    assert errors == []
    found = alice.load(TogglTracker)
    assert [t.id for t in found] == [0, *ids]
    # Each entry is one writer's whole copy: never a mix, never duplicated or lost tags.
    assert all(t.name in ("alice", "bob") and [g.name for g in t.tags] == ["a", "b"] for t in found[1:])


def test_concurrent_deletes_and_upserts_of_the_same_ids_raise_nothing(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    alice, bob = (_member(pg_engines, tmp_path, fake_clock) for _ in range(2))
    ids = list(range(1, 101))
    alice.add(*(tracker(i) for i in ids))
    tags = [TogglTag(1, "a", workspace=1)]

    def upserts() -> None:
        for _ in range(4):
            alice.add(*(tracker(i, tags=tags) for i in ids))

    def deletes() -> None:
        for _ in range(4):
            bob.delete(*ids[::-1], model=TogglTracker)

    assert _run_together(upserts, deletes) == []
    alice.add(*(tracker(i, tags=tags) for i in ids))
    assert [len(t.tags) for t in bob.load(TogglTracker)] == [1] * 100


def test_concurrent_completeness_markers_of_one_list_raise_nothing(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    members = [_member(pg_engines, tmp_path, fake_clock) for _ in range(4)]
    members[0].load(TogglTracker)  # the schema exists; what races is the marker row
    when = fake_clock.now()

    scopes = [f"workspaces/{n}/tags" for n in range(30)]

    def mark(member: SqliteCache[Any]) -> Callable[[], None]:
        def job() -> None:
            for scope in scopes:  # every member races to record each list first
                member.mark_complete(scope, when)

        return job

    assert _run_together(*(mark(m) for m in members)) == []
    assert all(members[1].completed_at(scope) == when for scope in scopes)


def test_overlapping_writers_wait_for_each_other_instead_of_deadlocking(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toggl_api._sync.cache.sqlite as sql_cache

    # No second attempt: a transaction PostgreSQL aborted as a deadlock victim would surface as an error (and
    # would have cost a deadlock_timeout wait) instead of being retried quietly.
    monkeypatch.setattr(sql_cache, "_WRITE_ATTEMPTS", 1)
    alice, bob, carol = (_member(pg_engines, tmp_path, fake_clock) for _ in range(3))
    ids = list(range(1, 121))
    tags = [TogglTag(1, "a", workspace=1)]
    label = TogglTag(1, "label", workspace=1)

    def forward() -> None:
        for _ in range(5):
            alice.add(*(tracker(i, tags=tags) for i in ids), label)

    def backward() -> None:
        for _ in range(5):
            bob.add(label, *(tracker(i, tags=tags) for i in ids[::-1]))

    def deleting() -> None:
        for _ in range(5):
            carol.delete(*ids[::-1], model=TogglTracker)
            carol.delete(label)

    assert _run_together(forward, backward, deleting) == []


def test_stored_values_are_shared_and_concurrent_writers_of_one_key_raise_nothing(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    members = [_member(pg_engines, tmp_path, fake_clock) for _ in range(4)]
    members[0].load(TogglTracker)  # the schema exists; what races is the value rows
    keys = [f"sync:watermark:{n}" for n in range(30)]

    def store(member: SqliteCache[Any], value: str) -> Callable[[], None]:
        def job() -> None:
            for key in keys:  # every member races to store each key first
                member.set_value(key, value)

        return job

    assert _run_together(*(store(m, f"v{n}") for n, m in enumerate(members))) == []
    assert all(members[0].get_value(key) in {"v0", "v1", "v2", "v3"} for key in keys)
    members[1].set_value(keys[0], None)
    assert members[2].get_value(keys[0]) is None
