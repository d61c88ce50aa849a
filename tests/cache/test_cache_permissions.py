"""Every folder a cache creates is owner-only (0700), the parents it had to create included."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from toggl_api import TogglTag
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import FakeClock


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the common default, which would leave created parents 0755
    try:
        yield
    finally:
        os.umask(old)


def modes(base: Path, leaf: Path) -> dict[str, int]:
    found = {}
    current = leaf
    while current != base:
        found[current.name] = stat.S_IMODE(current.stat().st_mode)
        current = current.parent
    return found


def test_json_cache_creates_every_missing_parent_owner_only(tmp_path: Path, fake_clock: FakeClock) -> None:
    leaf = tmp_path / "one" / "two" / "three"
    JSONCache(leaf, clock=fake_clock)
    assert modes(tmp_path, leaf) == {"one": 0o700, "two": 0o700, "three": 0o700}


def test_sqlite_cache_creates_every_missing_parent_owner_only(tmp_path: Path, fake_clock: FakeClock) -> None:
    leaf = tmp_path / "one" / "two"
    cache: Any = SqliteCache(leaf, clock=fake_clock)
    cache.close()
    assert modes(tmp_path, leaf) == {"one": 0o700, "two": 0o700}


def test_json_commit_recreates_a_removed_folder_owner_only(tmp_path: Path, fake_clock: FakeClock) -> None:
    leaf = tmp_path / "outer" / "inner"
    cache: Any = JSONCache(leaf, clock=fake_clock)
    leaf.rmdir()
    (tmp_path / "outer").rmdir()
    cache.add(TogglTag(id=1, name="t", workspace=1, timestamp=fake_clock.now()))
    cache.commit()
    assert modes(tmp_path, leaf) == {"outer": 0o700, "inner": 0o700}


def test_existing_folders_keep_their_mode(tmp_path: Path, fake_clock: FakeClock) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    JSONCache(shared / "mine", clock=fake_clock)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
