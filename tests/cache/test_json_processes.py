"""Several processes sharing one JSON cache directory: nothing is lost, and a writer killed mid-commit leaves a
readable cache. Each subprocess is bounded by a timeout and killed on failure."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from toggl_api._core.models import TogglTag
from toggl_api.meta.cache import JSONCache

TIMEOUT = 60

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    path, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    cache = JSONCache(path)
    for ident in range(first, first + count):
        cache.add(TogglTag(ident, f"tag {ident}", workspace=1))
        cache.commit()  # one commit per entry: as many interleavings with the other writer as possible
    """
)

STUCK_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import toggl_api._io.json_store as store
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    def stop_before_replace(source, target):
        print("replacing", flush=True)  # the temp file is written and the lock held: now kill me
        time.sleep(600)

    store._replace = stop_before_replace
    store._compact_due = lambda read: True  # rewrite the files (a compaction) instead of appending to the log
    cache = JSONCache(Path(sys.argv[1]))
    cache.add(TogglTag(99, "never committed", workspace=1))
    cache.commit()
    """
)


DELETER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    cache = JSONCache(Path(sys.argv[1]))
    for ident in range(1, int(sys.argv[2]) + 1):
        cache.delete(ident, model=TogglTag)
        cache.commit()
    """
)

STALE_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from toggl_api._core.models import TogglTag
    from toggl_api.meta.cache import JSONCache

    fetched = datetime(2020, 1, 1, tzinfo=timezone.utc)  # copies fetched long before any deletion
    cache = JSONCache(Path(sys.argv[1]))
    for ident in reversed(range(1, int(sys.argv[2]) + 1)):
        cache.add(TogglTag(ident, "stale copy", fetched, workspace=1))
        cache.commit()
    """
)


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)


def test_two_processes_writing_one_cache_lose_nothing(cache_dir: Path) -> None:
    writers = [run_python(WRITER, str(cache_dir), str(first), "25") for first in (1, 1001)]
    try:
        for writer in writers:
            assert writer.wait(timeout=TIMEOUT) == 0
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
    ids = {t.id for t in JSONCache(cache_dir).load(TogglTag)}
    assert ids == set(range(1, 26)) | set(range(1001, 1026))


def test_a_writer_killed_mid_commit_leaves_the_cache_readable(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.add(TogglTag(1, "kept", workspace=1))
    cache.commit()
    writer = run_python(STUCK_WRITER, str(cache_dir))
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "replacing"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=TIMEOUT)
    survivor = JSONCache(cache_dir)
    assert [t.name for t in survivor.load(TogglTag)] == ["kept"]
    assert survivor.problems == []


def test_the_lock_of_a_killed_writer_does_not_block_the_next_commit(cache_dir: Path) -> None:
    writer = run_python(STUCK_WRITER, str(cache_dir))
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "replacing"
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=TIMEOUT)
    cache = JSONCache(cache_dir)
    cache.add(TogglTag(2, "after the crash", workspace=1))
    cache.commit()
    assert [t.id for t in JSONCache(cache_dir).load(TogglTag)] == [2]
    assert not list(cache_dir.glob(".cache_tag.json.*.tmp"))


def test_a_reader_never_sees_a_torn_file_while_another_process_writes(cache_dir: Path) -> None:
    writer = run_python(WRITER, str(cache_dir), "1", "30")
    try:
        reader = JSONCache(cache_dir)
        while writer.poll() is None:
            reader.load(TogglTag)
        assert writer.wait(timeout=TIMEOUT) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert reader.problems == []
    assert {t.id for t in JSONCache(cache_dir).load(TogglTag)} == set(range(1, 31))


def test_stale_copies_written_by_another_process_never_revive_deleted_entries(cache_dir: Path) -> None:
    count = 25
    seed = JSONCache(cache_dir)
    seed.add(*(TogglTag(i, "fetched", workspace=1) for i in range(1, count + 1)))
    seed.commit()
    workers = [run_python(DELETER, str(cache_dir), str(count)), run_python(STALE_WRITER, str(cache_dir), str(count))]
    try:
        for worker in workers:
            assert worker.wait(timeout=TIMEOUT) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert JSONCache(cache_dir).load(TogglTag) == []
