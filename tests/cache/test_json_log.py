"""The JSON cache's commit log (``cache.log``): a commit appends one line, readers apply only what they have not
seen, a torn last line is never a commit, compaction rewrites the snapshots and starts a new log all at once, and a
folder written before the log existed is read and used.

Another cache object in this process stands for another process (each keeps its own memory and file positions);
the tests that need real processes run them.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import toggl_api._io.json_store as store
from toggl_api._core.models import TogglProject, TogglTag
from toggl_api.meta.cache import JSONCache
from toggl_api.meta.cache import JSONSession as PublicJSONSession

TIMEOUT = 60


def tag(ident: int, name: str = "tag") -> TogglTag:
    return TogglTag(ident, f"{name} {ident}", workspace=1)


def log_lines(cache_dir: Path) -> list[bytes]:
    return (cache_dir / "cache.log").read_bytes().split(b"\n")


def snapshot(cache_dir: Path, name: str = "cache_tag.json") -> dict[str, Any]:
    return json.loads((cache_dir / name).read_text())  # type: ignore[no-any-return]


def test_a_commit_appends_one_line_for_all_its_files(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()  # the folder's first commit writes the snapshots and starts the log
    before = snapshot(cache_dir)
    cache.add(tag(2), TogglProject(5, "p", workspace=1))
    cache.mark_complete("tags/1", datetime.now(timezone.utc))
    cache.commit()
    lines = log_lines(cache_dir)
    assert lines[-1] == b""  # every line ends with its newline
    assert len(lines) == 3  # the header and one commit
    assert sorted(json.loads(lines[1])["f"]) == ["cache_meta.json", "cache_project.json", "cache_tag.json"]
    assert snapshot(cache_dir) == before  # not rewritten
    assert before["log"] == json.loads(lines[0])["log"]
    assert stat.S_IMODE((cache_dir / "cache.log").stat().st_mode) == 0o600
    fresh = JSONCache(cache_dir)
    assert [t.id for t in fresh.load(TogglTag)] == [1, 2]
    assert fresh.find(5, TogglProject) is not None
    assert fresh.completed_at("tags/1") is not None


def test_a_reader_applies_only_the_new_lines(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(*(tag(i) for i in range(1, 50)))
    writer.commit()
    writer.add(tag(50))
    writer.commit()  # the log's first line
    assert len(reader.load(TogglTag)) == 50
    snapshots: list[Path] = []
    starts: list[int] = []
    real_read, real_read_log = store._read, store._read_log

    def read(path: Path) -> Any:
        snapshots.append(path)
        return real_read(path)

    def read_log(directory: Path, start: int = 0, ident: str | None = None) -> Any:
        starts.append(start)
        return real_read_log(directory, start, ident)

    monkeypatch.setattr(store, "_read", read)
    monkeypatch.setattr(store, "_read_log", read_log)
    writer.delete(3, model=TogglTag)
    writer.add(tag(60))
    writer.commit()
    starts.clear()

    assert [t.id for t in reader.load(TogglTag)][-2:] == [50, 60]
    assert reader.find(3, TogglTag) is None
    assert snapshots == []  # the snapshot was not read again
    first_line_end = sum(len(line) + 1 for line in log_lines(cache_dir)[:2])
    assert starts
    assert all(start == first_line_end for start in starts)  # from where it stopped


def test_a_torn_last_line_is_not_a_commit_and_the_next_writer_cuts_it(cache_dir: Path) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    writer.add(tag(2))
    writer.commit()
    assert reader.find(2, TogglTag) is not None
    whole = (cache_dir / "cache.log").read_bytes()
    # A writer died mid-write (its line is longer than the next one, so only cutting it leaves a clean log).
    torn = b'{"n":["cache_tag.json"],"f":{"cache_tag.json":{"up":[{"class":"tag","id":3,"name":"' + b"x" * 5000
    (cache_dir / "cache.log").write_bytes(whole + torn)

    assert JSONCache(cache_dir).find(3, TogglTag) is None
    writer.add(tag(4))
    writer.commit()

    assert (cache_dir / "cache.log").read_bytes().startswith(whole)
    assert torn not in (cache_dir / "cache.log").read_bytes()
    assert log_lines(cache_dir)[-1] == b""
    for cache in (reader, JSONCache(cache_dir)):
        assert [t.id for t in cache.load(TogglTag)] == [1, 2, 4]


def test_a_line_being_written_is_applied_once_it_is_whole(cache_dir: Path) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) is not None
    writer.add(tag(2))
    writer.commit()
    log = cache_dir / "cache.log"
    whole = log.read_bytes()
    last = whole[whole.rstrip(b"\n").rfind(b"\n") + 1 :]
    log.write_bytes(whole[: -len(last)] + last[:10])  # the reader looks while the writer is half way
    store.bump_counter(cache_dir)
    assert reader.find(2, TogglTag) is None
    log.write_bytes(whole)
    store.bump_counter(cache_dir)
    assert reader.find(2, TogglTag) is not None


def test_the_log_is_compacted_when_it_outgrows_the_snapshots(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOG_MIN_COMPACT", 2000)
    cache, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    ids = set()
    logs = set()
    for n in range(1, 80):
        cache.add(tag(n % 7, f"round {n}"), TogglProject(n, "p", workspace=1))
        cache.commit()
        ids.add(n % 7)
        logs.add(json.loads(log_lines(cache_dir)[0])["log"])
        snapshots = sum(p.stat().st_size for p in cache_dir.glob("cache_*.json"))
        assert (cache_dir / "cache.log").stat().st_size <= max(snapshots, 2000) + 1000  # bounded: one line over
    assert len(logs) > 3  # several compactions happened
    assert {t.id for t in reader.load(TogglTag)} == ids
    assert reader.find(79, TogglProject) is not None
    fresh = JSONCache(cache_dir)
    assert [t.name for t in fresh.load(TogglTag) if t.id == 79 % 7] == ["round 79 2"]
    assert len(fresh.load(TogglProject)) == 79


def test_compaction_keeps_files_that_only_the_log_holds(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, other = JSONCache(cache_dir), JSONCache(cache_dir)
    first.add(tag(1))
    first.commit()
    other.add(TogglProject(5, "only in the log", workspace=1))
    other.commit()
    assert not (cache_dir / "cache_project.json").exists()
    monkeypatch.setattr(store, "_compact_due", lambda read: True)
    first.add(tag(2))
    first.commit()  # compacts: first holds no project session, the project file exists only as log lines
    assert snapshot(cache_dir, "cache_project.json")["data"][0]["name"] == "only in the log"
    assert log_lines(cache_dir)[1:] == [b""]
    assert JSONCache(cache_dir).find(5, TogglProject) is not None


def test_a_writer_killed_mid_compaction_leaves_old_or_new(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import toggl_api._io.seams as seams

    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()
    cache.add(tag(2))
    cache.commit()  # a log line
    monkeypatch.setattr(store, "_compact_due", lambda read: True)
    answers = []
    for stop_at in ("compact", "temp cache_tag.json", "journal", "rename cache_tag.json", "rename cache.log"):
        copy = cache_dir.with_name(f"copy-{stop_at.replace(' ', '-')}")
        import shutil

        shutil.copytree(cache_dir, copy)
        writer = JSONCache(copy)
        writer.add(tag(3))
        writer.mark_complete("tags/1", datetime.now(timezone.utc))

        def hook(step: str, stop_at: str = stop_at) -> None:
            if step == stop_at:
                raise KeyboardInterrupt  # stands for the process dying there

        seams.crash_hook = hook
        try:
            with pytest.raises(KeyboardInterrupt):
                writer.commit()
        finally:
            seams.crash_hook = None
        fresh = JSONCache(copy)
        answers.append(([t.id for t in fresh.load(TogglTag)], fresh.completed_at("tags/1") is not None))
    old, new = ([1, 2], False), ([1, 2, 3], True)
    assert answers == [old, old, new, new, new]


def test_a_snapshot_naming_another_log_is_taken_alone_and_compacted_by_its_next_writer(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()
    cache.add(tag(2))
    cache.commit()  # tag 2 lives in the log
    # An older version rewrote the file whole, from its snapshot alone (it does not know the log).
    legacy = snapshot(cache_dir)
    del legacy["log"]
    legacy["data"] = [{**legacy["data"][0], "name": "renamed by an old version"}]
    (cache_dir / "cache_tag.json").write_text(json.dumps(legacy))
    store.bump_counter(cache_dir)

    reader = JSONCache(cache_dir)
    assert [(t.id, t.name) for t in reader.load(TogglTag)] == [(1, "renamed by an old version")]
    writer = JSONCache(cache_dir)
    writer.add(tag(7))
    writer.commit()
    assert snapshot(cache_dir)["log"] == json.loads(log_lines(cache_dir)[0])["log"]
    assert [t.id for t in JSONCache(cache_dir).load(TogglTag)] == [1, 7]
    assert [t.id for t in reader.load(TogglTag)] == [1, 7]


def test_a_cache_of_the_previous_version_is_read_and_the_log_starts_with_its_first_commit(cache_dir: Path) -> None:
    stamp = datetime(2026, 11, 1, tzinfo=timezone.utc).isoformat()
    previous = {"format": 1, "version": "0.9.0", "model": "tag",
                "data": [{"class": "tag", "id": 4, "name": "old", "workspace": 1, "timestamp": stamp}],
                "deleted": {"9": stamp}}
    (cache_dir / "cache_tag.json").write_text(json.dumps(previous))
    (cache_dir / "cache_meta.json").write_text(json.dumps(
        {"format": 1, "version": "0.9.0", "markers": {"tags/1": {"completed_at": stamp, "set_at": stamp}},
         "values": {}}))
    cache = JSONCache(cache_dir)
    assert cache.find(4, TogglTag) is not None
    assert cache.completed_at("tags/1") is not None
    assert not (cache_dir / "cache.log").exists()
    cache.add(tag(5))
    cache.commit()
    assert (cache_dir / "cache.log").exists()
    assert snapshot(cache_dir)["log"] == json.loads(log_lines(cache_dir)[0])["log"]
    fresh = JSONCache(cache_dir)
    assert [t.id for t in fresh.load(TogglTag)] == [4, 5]
    assert fresh.completed_at("tags/1") is not None
    fresh.add(TogglTag(9, "fetched before its deletion", datetime(2026, 10, 1, tzinfo=timezone.utc), workspace=1))
    assert fresh.find(9, TogglTag) is None  # the old file's tombstone still holds


def test_evictions_reach_other_readers_through_the_log(cache_dir: Path) -> None:
    clock_start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    writer, reader = JSONCache(cache_dir, max_length=3), JSONCache(cache_dir, max_length=3)
    writer.add(*(TogglTag(i, "t", clock_start + timedelta(minutes=i), workspace=1) for i in range(1, 4)))
    writer.commit()
    assert len(reader.load(TogglTag)) == 3
    writer.add(TogglTag(4, "t", clock_start + timedelta(minutes=4), workspace=1))
    writer.commit()
    assert [t.id for t in reader.load(TogglTag)] == [2, 3, 4]
    assert [t.id for t in JSONCache(cache_dir, max_length=3).load(TogglTag)] == [2, 3, 4]


def test_a_session_used_alone_commits_through_the_log(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()
    session: Any = PublicJSONSession(model=TogglTag)
    session.load(cache_dir / "cache_tag.json")
    session.data.append(tag(2))
    session.commit()
    assert len(log_lines(cache_dir)) == 3
    assert [t.id for t in cache.load(TogglTag)] == [1, 2]
    cache.add(tag(3))
    cache.commit()
    assert session.refresh()
    assert [t.id for t in session.data] == [1, 2, 3]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import toggl_api._io.json_store as store
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    store.LOG_MIN_COMPACT = 3000  # compactions every few commits, interleaved with the other writer's appends
    path, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    cache = JSONCache(path)
    for ident in range(first, first + count):
        cache.add(TogglTag(ident, f"tag {ident}", workspace=1))
        if ident % 5 == 0:
            cache.delete(ident - 1, model=TogglTag)
        cache.commit()
        assert cache.find(ident, TogglTag) is not None
    """
)


def test_two_processes_appending_and_compacting_lose_nothing(cache_dir: Path) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(cache_dir), str(first), "40"])
               for first in (1, 1001)]
    try:
        for writer in writers:
            assert writer.wait(timeout=TIMEOUT) == 0
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
    expected = {i for first in (1, 1001) for i in range(first, first + 40) if (i + 1) % 5}
    assert {t.id for t in JSONCache(cache_dir).load(TogglTag)} == expected


def test_compact_directory_leaves_whole_snapshots_and_an_empty_log(cache_dir: Path) -> None:
    cache, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()
    cache.add(tag(2), TogglProject(5, "p", workspace=1))
    cache.commit()
    assert reader.find(2, TogglTag) is not None
    store.compact_directory(cache_dir, cache._commit_lock)
    assert log_lines(cache_dir)[1:] == [b""]
    assert [r["id"] for r in snapshot(cache_dir)["data"]] == [1, 2]
    assert snapshot(cache_dir, "cache_project.json")["data"][0]["id"] == 5
    assert [t.id for t in reader.load(TogglTag)] == [1, 2]
    cache.add(tag(3))
    cache.commit()
    assert [t.id for t in reader.load(TogglTag)] == [1, 2, 3]


def test_markers_forgotten_by_an_eviction_reach_a_foreign_marker_file(cache_dir: Path) -> None:
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    cache = JSONCache(cache_dir, max_length=2)
    cache.add(*(TogglTag(i, "t", start + timedelta(minutes=i), workspace=1) for i in (1, 2)))
    cache.mark_complete("tags/1", start)
    cache.commit()
    legacy = snapshot(cache_dir, "cache_meta.json")
    del legacy["log"]  # rewritten by an older version: taken alone, the log's lines do not apply to it
    (cache_dir / "cache_meta.json").write_text(json.dumps(legacy))
    store.bump_counter(cache_dir)
    writer = JSONCache(cache_dir, max_length=2)
    writer.add(TogglTag(3, "t", start + timedelta(minutes=3), workspace=1))
    writer.commit()  # evicts tag 1, so the tag list is no longer known complete
    fresh = JSONCache(cache_dir, max_length=2)
    assert [t.id for t in fresh.load(TogglTag)] == [2, 3]
    assert fresh.completed_at("tags/1") is None


TORN_WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    real_write = os.write

    def write_half_then_die(fd, data):
        if bytes(data[:5]) == b'{"n":':  # the commit line: the process dies half way through writing it
            real_write(fd, bytes(data[: len(data) // 2]))
            os._exit(9)
        return real_write(fd, data)

    cache = JSONCache(Path(sys.argv[1]))
    cache.load(TogglTag)
    os.write = write_half_then_die
    cache.add(*(TogglTag(i, "never committed", workspace=1) for i in range(100, 200)))
    cache.commit()
    """
)


def test_a_writer_killed_while_appending_leaves_no_commit(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()
    cache.add(tag(2))
    cache.commit()
    size = (cache_dir / "cache.log").stat().st_size
    done = subprocess.run([sys.executable, "-c", TORN_WRITER, str(cache_dir)], timeout=TIMEOUT, check=False)
    assert done.returncode == 9
    assert (cache_dir / "cache.log").stat().st_size > size  # half a line is there
    assert [t.id for t in JSONCache(cache_dir).load(TogglTag)] == [1, 2]
    cache.add(tag(3))
    cache.commit()
    assert (cache_dir / "cache.log").read_bytes().count(b"never committed") == 0
    assert [t.id for t in JSONCache(cache_dir).load(TogglTag)] == [1, 2, 3]


def test_an_unreadable_line_is_skipped_reported_and_kept_in_a_copy_when_the_log_is_replaced(cache_dir: Path) -> None:
    writer = JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    writer.add(tag(2))
    writer.commit()
    with (cache_dir / "cache.log").open("ab") as handle:
        handle.write(b"a line a hand wrote\n")

    reader = JSONCache(cache_dir)
    assert [t.id for t in reader.load(TogglTag)] == [1, 2]  # the lines around it still count
    assert any("unreadable line of the commit log" in str(p) for p in reader.problems)
    store.compact_directory(cache_dir, reader._commit_lock)  # what a commit does once the log outgrew the snapshots
    reader.add(tag(3))
    reader.commit()

    copies = list(cache_dir.glob("cache.log.corrupt-*"))
    assert len(copies) == 1
    assert b"a line a hand wrote" in copies[0].read_bytes()
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert [t.id for t in JSONCache(cache_dir).load(TogglTag)] == [1, 2, 3]


def test_a_log_with_an_unreadable_header_is_copied_aside_before_a_new_log_replaces_it(cache_dir: Path) -> None:
    writer = JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()  # the first commit compacts: tag 1 is in the snapshot
    writer.add(tag(2))
    writer.commit()  # tag 2 is only in the log
    damaged = b"garbage" + (cache_dir / "cache.log").read_bytes()[7:]
    (cache_dir / "cache.log").write_bytes(damaged)

    cache = JSONCache(cache_dir)
    cache.add(tag(3))
    cache.commit()

    copies = list(cache_dir.glob("cache.log.corrupt-*"))
    assert [c.read_bytes() for c in copies] == [damaged]  # tag 2's line survives there, for the user to inspect
    assert any("commit log" in str(p) and p.moved_to == copies[0] for p in cache.problems)
