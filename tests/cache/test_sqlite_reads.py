"""The SQLite cache's read connections and planner statistics (speed measures that must not change answers)."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from toggl_api._core.models import TogglTracker
from toggl_api._sqlcompat import _READERS
from toggl_api.meta.cache import Comparison, SqliteCache, TogglQuery

BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def entry(ident: int, name: str = "entry") -> TogglTracker:
    return TogglTracker(ident, f"{name} {ident}", BASE, workspace=1, start=BASE + timedelta(minutes=ident),
                        project=ident % 50)


def test_a_reader_sees_every_commit_of_another_cache_on_the_same_file(tmp_path: Path) -> None:
    reader, writer = SqliteCache(tmp_path, expire_after=None), SqliteCache(tmp_path, expire_after=None)
    try:
        writer.add(entry(1), entry(2))
        assert reader.find(2, TogglTracker) is not None  # the reader's connection is now kept
        writer.add(entry(2, "renamed"))
        writer.delete(entry(1))

        assert reader.find(1, TogglTracker) is None
        found = reader.find(2, TogglTracker)
        assert found is not None
        assert found.name == "renamed 2"
    finally:
        reader.close()
        writer.close()


def test_a_kept_read_connection_never_blocks_a_writer(tmp_path: Path) -> None:
    reader = SqliteCache(tmp_path, expire_after=None)
    try:
        reader.add(*(entry(i) for i in range(1, 20)))
        assert len(reader.load(TogglTracker)) == 19
        other = sqlite3.connect(tmp_path / "cache.sqlite", timeout=0.5)  # fails fast if a lock were held
        try:
            other.execute("DELETE FROM tracker WHERE id = 1")
            other.commit()
        finally:
            other.close()

        assert reader.find(1, TogglTracker) is None
    finally:
        reader.close()


def test_each_thread_reads_on_its_own_connection_and_close_releases_them(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path, expire_after=None)
    cache.add(*(entry(i) for i in range(1, 11)))
    answers: list[int] = []

    def read() -> None:
        answers.append(len(cache.load(TogglTracker)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.find(1, TogglTracker)
    kept = list(_READERS[cache.database][1])

    cache.close()

    assert answers == [10] * 4
    assert len(kept) == 5  # this thread and the four others
    for connection in kept:
        try:
            connection.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            continue  # closed, as it should be
        raise AssertionError("a read connection stayed open after close()")


def test_a_large_write_leaves_statistics_so_narrow_windows_use_the_best_index(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path, expire_after=None)
    low = BASE + timedelta(minutes=1500)
    window = (TogglQuery("start", low, Comparison.GREATER_THEN_OR_EQUAL),
              TogglQuery("start", low + timedelta(minutes=30), Comparison.LESS_THEN))
    try:
        cache.add(*(entry(i) for i in range(1, 3001)))
        of_projects = cache.query(*window, TogglQuery("project", [3, 17, 42]), model=TogglTracker)
        in_window = cache.query(*window, model=TogglTracker)
        sql = [plan.sql for key, (plan, *_) in cache._plans.items() if key[0] == "query"]
    finally:
        cache.close()
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    try:
        stats = {row[0] for row in db.execute("SELECT tbl FROM sqlite_stat1")}
        text = "%Y-%m-%d %H:%M:%S.%f"
        bounds = (low.strftime(text), (low + timedelta(minutes=30)).strftime(text))
        projects_plan = db.execute("EXPLAIN QUERY PLAN " + sql[0], (*bounds, 3, 17, 42)).fetchall()
        window_plan = db.execute("EXPLAIN QUERY PLAN " + sql[1], bounds).fetchall()
    finally:
        db.close()

    assert [e.id for e in of_projects] == [i for i in range(1500, 1530) if i % 50 in (3, 17, 42)]
    assert [e.id for e in in_window] == list(range(1500, 1530))
    assert "tracker" in stats
    # A project's entries in a window: only the matching entries of the (project, start) index are read.
    assert "ix_tracker_project_start (project=? AND start>? AND start<?)" in str(projects_plan)
    assert "ix_tracker_start" in str(window_plan)


def test_large_reads_build_equal_models_and_leave_the_garbage_collector_on(tmp_path: Path) -> None:
    import gc

    stored = [entry(i) for i in range(1, 1501)]
    cache = SqliteCache(tmp_path, expire_after=None)
    try:
        cache.add(*stored)
        loaded = cache.load(TogglTracker)
    finally:
        cache.close()

    assert gc.isenabled()
    assert loaded == stored
    assert [e.start for e in loaded] == [e.start for e in stored]
    assert all(type(e) is TogglTracker and e.tags == [] for e in loaded)


def test_durations_and_extra_keys_read_back_exactly(tmp_path: Path) -> None:
    durations = [timedelta(0), timedelta(seconds=30), timedelta(days=1, microseconds=123456), timedelta(seconds=-90)]
    stored = [TogglTracker(i, "d", BASE, workspace=1, start=BASE, duration=d, extra={"k": [i]} if i % 2 else {})
              for i, d in enumerate(durations, start=1)]
    cache = SqliteCache(tmp_path, expire_after=None)
    try:
        cache.add(*stored)
        loaded = cache.load(TogglTracker)
    finally:
        cache.close()

    assert [e.duration for e in loaded] == durations
    assert [e.extra for e in loaded] == [{"k": [1]}, {}, {"k": [3]}, {}]
    assert loaded[1].extra is not loaded[3].extra  # each entry has its own dict


def test_two_threads_opening_an_old_file_at_once_both_read_it_and_it_is_migrated(tmp_path: Path) -> None:
    """Two caches (threads here, processes alike) meet an index layout of an older release at the same moment."""
    first = SqliteCache(tmp_path, expire_after=None)
    first.add(*(entry(i) for i in range(1, 50)))
    first.close()
    with sqlite3.connect(tmp_path / "cache.sqlite") as conn:
        conn.execute("DROP INDEX ix_tracker_project_start")
        conn.execute("CREATE INDEX ix_tracker_project ON tracker (project)")
    conn.close()
    start = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def open_and_count() -> None:
        cache = SqliteCache(tmp_path, expire_after=None)
        try:
            start.wait()
            counts.append(cache.entry_count(TogglTracker))
        except BaseException as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            cache.close()

    threads = [threading.Thread(target=open_and_count) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sqlite3.connect(tmp_path / "cache.sqlite") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'tracker'")}
    conn.close()

    assert errors == []
    assert counts == [49, 49]
    assert "ix_tracker_project_start" in names
    assert "ix_tracker_project" not in names


def test_a_closed_cache_reads_again_on_a_new_connection_and_close_releases_it(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path, expire_after=None)
    cache.add(entry(1))
    assert cache.find(1, TogglTracker) is not None
    first = list(_READERS[cache.database][1])
    cache.close()

    again = cache.find(1, TogglTracker)
    second = list(_READERS[cache.database][1])
    cache.close()

    assert again is not None
    assert again.name == "entry 1"
    assert second[0] is not first[0]
    for connection in (*first, *second):
        try:
            connection.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            continue
        raise AssertionError("a read connection stayed open after close()")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_reads_on_its_own_connection_and_the_parent_keeps_reading(tmp_path: Path) -> None:
    """A connection never crosses fork: the child opens its own, and the parent's stays usable."""
    cache = SqliteCache(tmp_path, expire_after=None)
    try:
        cache.add(entry(1), entry(2))
        assert cache.find(1, TogglTracker) is not None  # the parent's read connection is now kept
        # Every SQLite connection of the parent: kept for reads, or idle in the pool (after the write).
        idle = [record.dbapi_connection for record in cache.database.pool._pool.queue]  # type: ignore[attr-defined]
        parents = {id(c) for c in (*_READERS[cache.database][1], *idle)}
        assert len(parents) == 2
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report what it reads and whether it read on a connection of the parent
            try:
                found = cache.find(2, TogglTracker)
                mine = _READERS[cache.database][1][-1]
                cache.add(entry(4))  # writes on a connection of its own as well
                os.write(write, f"{found.name if found else None}|{id(mine) in parents}".encode())
                cache.close()  # closes the child's connections only
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            reported = pipe.read()
        os.waitpid(pid, 0)
        cache.add(entry(3))
        seen = (cache.find(3, TogglTracker), cache.find(4, TogglTracker))
        check = _READERS[cache.database][1][0].execute("PRAGMA quick_check").fetchall()
    finally:
        cache.close()

    assert reported == "entry 2|False"
    assert None not in seen
    assert check == [("ok",)]
