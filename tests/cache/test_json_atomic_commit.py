"""A JSON commit touching several files is all-or-nothing, and one that cannot be encoded leaves the cache usable.

Before: ``cache_tracker.json`` was replaced, then ``cache_meta.json``; a writer stopped between the two left a
coverage claiming a range whose entry was dropped. A commit holding a value JSON cannot encode failed on every
later commit too, with memory and disk disagreeing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from toggl_api._core.coverage import COVERAGE_KEY, Coverage
from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api.meta.cache import JSONCache
from toggl_api.testing import FakeClock

TIMEOUT = 60
START = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
RANGE = (datetime(2026, 11, 9, tzinfo=timezone.utc), datetime(2026, 11, 12, tzinfo=timezone.utc))

# Drops the entry and uncovers its start in ONE commit, and dies right after the first file is replaced.
DROP_AND_DIE = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime, timezone
    from pathlib import Path
    import toggl_api._io.json_store as store
    from toggl_api._core.coverage import COVERAGE_KEY, Coverage
    from toggl_api._core.models import TogglTracker
    from toggl_api.meta.cache import JSONCache

    real_replace, calls = store._replace, []

    def replace_then_die(source, target):
        real_replace(source, target)
        calls.append(target)
        if len(calls) == 1:
            os._exit(3)

    store._replace = replace_then_die
    store._compact_due = lambda read: True  # a commit that rewrites the files (a compaction) instead of appending
    cache = JSONCache(Path(sys.argv[1]))
    start = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
    coverage = Coverage.from_json(cache.get_value(COVERAGE_KEY)).remove_start(start)
    cache.set_value(COVERAGE_KEY, coverage.to_json() if coverage.segments else None)
    cache.delete(1, model=TogglTracker)
    cache.commit()
    """
)


def cached_range(cache_dir: Path) -> list[int] | None:
    """What a new cache answers for the range: the ids it holds there, or ``None`` when it would ask Toggl."""
    cache: Any = JSONCache(cache_dir)
    coverage = Coverage.from_json(cache.get_value(COVERAGE_KEY))
    if not coverage.covers(*RANGE, datetime.now(timezone.utc), None):
        return None
    return sorted(t.id for t in cache.load(TogglTracker) if RANGE[0] <= t.start < RANGE[1])


def test_a_writer_dying_between_two_file_replacements_leaves_the_old_or_the_new_state(cache_dir: Path) -> None:
    cache: Any = JSONCache(cache_dir)
    cache.add(TogglTracker(1, "kept?", datetime.now(timezone.utc), workspace=1, start=START))
    cache.set_value(COVERAGE_KEY, Coverage().add(*RANGE, datetime.now(timezone.utc)).to_json())
    cache.commit()
    assert cached_range(cache_dir) == [1]
    done = subprocess.run([sys.executable, "-c", DROP_AND_DIE, str(cache_dir)], timeout=TIMEOUT, check=False)
    assert done.returncode == 3
    assert cached_range(cache_dir) in ([1], None)


def tag(ident: int, clock: FakeClock, name: str | None = None) -> TogglTag:
    return TogglTag(ident, name or f"tag {ident}", clock.now(), workspace=1)


def test_a_commit_that_cannot_be_encoded_names_the_entity(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(7, fake_clock, "bad \ud800 name"))
    with pytest.raises(ValueError, match=r"tag 7"):
        cache.commit()


def test_a_commit_that_cannot_be_encoded_leaves_memory_equal_to_disk(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(1, fake_clock))
    cache.commit()
    cache.add(tag(1, fake_clock, "renamed \ud800"), tag(2, fake_clock))
    with pytest.raises(ValueError, match=r"tag 1"):
        cache.commit()
    assert [(t.id, t.name) for t in cache.load(TogglTag)] == [(1, "tag 1")]


def test_the_next_commit_after_one_that_could_not_be_encoded_is_written(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(1, fake_clock, "lone \udfff"))
    with pytest.raises(ValueError, match=r"tag 1"):
        cache.commit()
    cache.add(tag(2, fake_clock))
    cache.commit()
    assert [t.id for t in JSONCache(cache_dir, clock=fake_clock).load(TogglTag)] == [2]


def test_a_commit_that_cannot_be_encoded_writes_none_of_its_files(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(1, fake_clock))
    cache.mark_complete("tags/1", fake_clock.now())
    cache.add(TogglTracker(5, "bad \ud800", fake_clock.now(), workspace=1, start=START))
    with pytest.raises(ValueError, match=r"tracker 5"):
        cache.commit()
    fresh: Any = JSONCache(cache_dir, clock=fake_clock)
    assert (fresh.load(TogglTag), fresh.completed_at("tags/1")) == ([], None)


def test_mark_complete_refuses_a_time_that_is_not_a_datetime(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    with pytest.raises(TypeError, match=r"aware datetime or None, not str"):
        cache.mark_complete("tags/1", "yesterday")


def test_a_refused_mark_complete_leaves_later_commits_working(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    with pytest.raises(TypeError):
        cache.mark_complete("tags/1", 1234)
    cache.mark_complete("tags/2", fake_clock.now())
    cache.commit()
    assert JSONCache(cache_dir, clock=fake_clock).completed_at("tags/2") == fake_clock.now()


def test_a_stale_commit_journal_is_finished_by_the_next_reader(
    cache_dir: Path, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toggl_api._io.json_store as json_store

    monkeypatch.setattr(json_store, "_compact_due", lambda read: True)  # commits rewrite the files (journaled)
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(1, fake_clock))
    cache.mark_complete("tags/1", fake_clock.now() - timedelta(seconds=5))
    cache.commit()
    import toggl_api._io.seams as store

    def stop(step: str) -> None:
        if step == "journal":
            raise KeyboardInterrupt  # stands for a crash right after the commit point

    cache.add(tag(2, fake_clock))
    cache.mark_complete("tags/1", fake_clock.now())
    store.crash_hook = stop
    try:
        with pytest.raises(KeyboardInterrupt):
            cache.commit()
    finally:
        store.crash_hook = None
    fresh: Any = JSONCache(cache_dir, clock=fake_clock)
    assert ([t.id for t in fresh.load(TogglTag)], fresh.completed_at("tags/1")) == ([1, 2], fake_clock.now())


def test_a_reader_dying_while_finishing_a_commit_leaves_it_for_the_next_reader(
    cache_dir: Path, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toggl_api._io.json_store as json_store
    import toggl_api._io.seams as seams

    monkeypatch.setattr(json_store, "_compact_due", lambda read: True)  # commits rewrite the files (journaled)

    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.add(tag(1, fake_clock))
    cache.commit()

    def stop_at(wanted: str) -> Any:
        def hook(step: str) -> None:
            if step == wanted:
                raise KeyboardInterrupt  # stands for the process dying there

        return hook

    cache.add(tag(2, fake_clock))
    cache.mark_complete("tags/1", fake_clock.now())
    try:
        seams.crash_hook = stop_at("rename cache_tag.json")  # the writer dies after its first rename
        with pytest.raises(KeyboardInterrupt):
            cache.commit()
        seams.crash_hook = stop_at("recover cache_meta.json")  # the first reader dies while finishing it
        with pytest.raises(KeyboardInterrupt):
            JSONCache(cache_dir, clock=fake_clock).load(TogglTag)
    finally:
        seams.crash_hook = None
    fresh: Any = JSONCache(cache_dir, clock=fake_clock)
    assert ([t.id for t in fresh.load(TogglTag)], fresh.completed_at("tags/1")) == ([1, 2], fake_clock.now())


def test_a_journal_naming_files_outside_the_cache_is_ignored(
    tmp_path: Path, cache_dir: Path, fake_clock: FakeClock
) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (cache_dir / ".x.pending").write_text("bait")
    journal = {"format": 1, "renames": [[".x.pending", "../precious.txt"]]}
    (cache_dir / "cache_commit.journal").write_text(json.dumps(journal))
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    assert (cache.load(TogglTag), outside.read_text(), (cache_dir / "cache_commit.journal").exists()) == (
        [],
        "keep me",
        False,
    )
