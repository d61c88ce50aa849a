"""The JSON cache's change counter (``cache.gen``): a read looks at no file until a commit of the folder bumps it,
and every way the counter can be missing, damaged, unmapped or stale still gives the files' answers.

Another cache object in this process maps the counter file on its own, exactly as another process does (the
page is shared either way); one test runs a real second process.
"""

from __future__ import annotations

import mmap
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import toggl_api._io.json_store as store
from toggl_api._core.models import TogglProject, TogglTag
from toggl_api.meta.cache import JSONCache
from toggl_api.testing import FakeClock

TIMEOUT = 60


def tag(ident: int, name: str = "tag") -> TogglTag:
    return TogglTag(ident, f"{name} {ident}", workspace=1)


def counter(cache_dir: Path) -> int:
    return int.from_bytes((cache_dir / "cache.gen").read_bytes()[:8], sys.byteorder)


@pytest.fixture
def stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``os.stat`` is asked about from now on."""
    seen: list[str] = []
    real = os.stat

    def spy(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        seen.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    return seen


def test_reads_look_at_no_file_until_a_commit_bumps_the_counter(cache_dir: Path, stats: list[str]) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) is not None
    stats.clear()
    for _ in range(100):
        assert reader.find(1, TogglTag) is not None
        assert reader.find(2, TogglTag) is None
    assert [p for p in stats if "cache_tag" in p] == []

    writer.add(tag(2))
    writer.commit()

    assert reader.find(2, TogglTag) == tag(2)  # the very next read: no time window


def test_a_commit_bumps_the_counter_and_the_file_is_private(cache_dir: Path) -> None:
    cache = JSONCache(cache_dir)
    cache.load(TogglTag)
    before = counter(cache_dir)
    cache.add(tag(1))
    cache.commit()
    cache.add(tag(1, "renamed"), tag(2))
    cache.mark_complete("tags/1", None)
    cache.commit()  # two files at once: one bump
    assert counter(cache_dir) == before + 2
    assert stat.S_IMODE((cache_dir / "cache.gen").stat().st_mode) == 0o600


def test_a_commit_in_another_process_is_seen_at_the_next_read(cache_dir: Path) -> None:
    reader = JSONCache(cache_dir)
    assert reader.find(7, TogglTag) is None
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from toggl_api._core.models import TogglTag
        from toggl_api.meta.cache import JSONCache

        cache = JSONCache(Path(sys.argv[1]))
        cache.add(TogglTag(7, "from afar", workspace=1))
        cache.commit()
        """
    )
    done = subprocess.run([sys.executable, "-c", code, str(cache_dir)], timeout=TIMEOUT, check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    found = reader.find(7, TogglTag)
    assert found is not None
    assert found.name == "from afar"


def test_a_writer_stopped_before_the_bump_is_seen_after_the_next_commit(cache_dir: Path) -> None:
    import toggl_api._io.seams as seams

    writer, reader, other = JSONCache(cache_dir), JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) is not None

    def stop(step: str) -> None:
        if step == "counter":
            raise KeyboardInterrupt  # stands for a crash after the files are in place, before the bump

    writer.add(tag(2))
    seams.crash_hook = stop
    try:
        with pytest.raises(KeyboardInterrupt):
            writer.commit()
    finally:
        seams.crash_hook = None
    assert JSONCache(cache_dir).find(2, TogglTag) is not None  # a new object reads the files
    assert reader.find(2, TogglTag) is None  # a live one waits for the next bump

    other.add(TogglProject(5, "p", workspace=1))
    other.commit()  # any commit of the folder bumps the counter

    assert reader.find(2, TogglTag) is not None


def test_a_writer_stopped_before_the_bump_is_seen_within_1024_reads_without_another_commit(cache_dir: Path) -> None:
    import toggl_api._io.seams as seams

    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) is not None

    def stop(step: str) -> None:
        if step == "counter":
            raise KeyboardInterrupt

    writer.add(tag(2))
    seams.crash_hook = stop
    try:
        with pytest.raises(KeyboardInterrupt):
            writer.commit()
    finally:
        seams.crash_hook = None
    answers = [reader.find(2, TogglTag) for _ in range(1024)]
    assert answers[0] is None  # no bump: the fast path answers from memory
    assert answers[-1] is not None


def test_a_damaged_counter_file_still_gives_the_files_answers(cache_dir: Path) -> None:
    (cache_dir / "cache.gen").write_bytes(b"\xff\x01")  # short and garbage
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    assert reader.find(1, TogglTag) is None
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) == tag(1)
    assert (cache_dir / "cache.gen").stat().st_size == 8


def test_without_a_shared_map_every_read_checks_the_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, stats: list[str]
) -> None:
    def no_map(*args: Any, **kwargs: Any) -> mmap.mmap:
        raise OSError(19, "No such device")  # as on a file system without shared maps

    monkeypatch.setattr(mmap, "mmap", no_map)
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    assert reader.find(1, TogglTag) is None
    assert reader._counter.view is None
    writer.add(tag(1))
    writer.commit()
    stats.clear()
    assert reader.find(1, TogglTag) == tag(1)
    assert any("cache_tag" in p for p in stats)


def test_a_read_only_folder_falls_back_to_checking_the_files(cache_dir: Path) -> None:
    writer = JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    (cache_dir / "cache.gen").unlink()
    os.chmod(cache_dir, 0o500)
    try:
        if os.access(cache_dir / "x", os.W_OK) or os.geteuid() == 0:
            pytest.skip("this user can write anywhere")
        reader = JSONCache(cache_dir)
        assert reader.find(1, TogglTag) == tag(1)
        assert reader._counter.view is None
    finally:
        os.chmod(cache_dir, 0o700)


def test_clear_in_another_object_is_seen(cache_dir: Path) -> None:
    first, other = JSONCache(cache_dir), JSONCache(cache_dir)
    first.add(tag(1))
    first.commit()
    assert other.find(1, TogglTag) is not None
    first.clear()
    assert other.find(1, TogglTag) is None


def test_a_model_file_deleted_by_hand_is_seen_at_the_next_bump(cache_dir: Path) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) is not None
    (cache_dir / "cache_tag.json").unlink()
    writer.add(TogglProject(5, "p", workspace=1))
    writer.commit()
    assert reader.find(1, TogglTag) is None


def test_a_folder_deleted_and_made_again_under_a_reader_is_noticed(cache_dir: Path) -> None:
    reader = JSONCache(cache_dir)
    reader.add(tag(1))
    reader.commit()
    assert reader.find(1, TogglTag) is not None
    shutil.rmtree(cache_dir)  # the old counter stays mapped but no writer will ever bump it again
    writer = JSONCache(cache_dir)
    writer.add(tag(2))
    writer.commit()
    # The reader checks that its map is still the folder's counter every 1,024 operations: until then it may
    # answer from memory, never longer.
    answers = [reader.find(2, TogglTag) for _ in range(1024)]
    assert answers[-1] == tag(2)
    assert reader.find(1, TogglTag) is None


def test_aclose_unmaps_the_counter_and_the_cache_stays_usable(cache_dir: Path) -> None:
    writer, reader = JSONCache(cache_dir), JSONCache(cache_dir)
    assert reader.find(1, TogglTag) is None
    assert reader._counter.view is not None
    reader.close()
    assert reader._counter.view is None
    writer.add(tag(1))
    writer.commit()
    assert reader.find(1, TogglTag) == tag(1)
    assert reader._counter.view is not None
    reader.close()
    writer.close()


def test_the_fast_find_keeps_expiry_and_changes_made_to_data(cache_dir: Path) -> None:
    clock = FakeClock()
    cache = JSONCache(cache_dir, expire_after=timedelta(minutes=5), clock=clock)
    cache.add(TogglTag(1, "one", clock.now(), workspace=1))
    cache.commit()
    assert cache.find(1, TogglTag) is not None
    clock.advance(600)
    assert cache.find(1, TogglTag) is None
    assert cache.find(1, TogglTag, include_expired=True) is not None
    session = cache._session(TogglTag)
    session.data.append(TogglTag(2, "two", clock.now(), workspace=1))
    assert cache.find(2, TogglTag) is not None
    with pytest.raises(TypeError):
        cache.find(True, TogglTag)
    with pytest.raises(ValueError, match="64-bit"):
        cache.find(2**70, TogglTag)
    assert cache.find(pk=2, model=TogglTag) is not None


def test_bumping_without_a_counter_file_writes_nothing(tmp_path: Path) -> None:
    store.bump_counter(tmp_path)
    assert not (tmp_path / "cache.gen").exists()
