"""``clear()`` while another cache object (as another process would) holds the same folder or database: the other
object sees the empty cache, does not bring back what it had read, and keeps what it writes afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from toggl_api._core.models import TogglTag
from toggl_api.meta.cache import JSONCache, SqliteCache

TIMEOUT = 60


def tag(ident: int) -> TogglTag:
    return TogglTag(ident, f"tag {ident}", workspace=1)


@pytest.fixture(params=["json", "sqlite"])
def kind(request: pytest.FixtureRequest) -> Any:
    return JSONCache if request.param == "json" else SqliteCache


def test_another_cache_object_sees_the_cleared_cache(kind: Any, cache_dir: Path) -> None:
    first, other = kind(cache_dir), kind(cache_dir)
    first.add(tag(1), tag(2))
    first.commit()
    assert len(other.load(TogglTag)) == 2

    first.clear()

    assert other.load(TogglTag) == []
    first.close()
    other.close()


def test_what_the_other_object_had_read_does_not_come_back(kind: Any, cache_dir: Path) -> None:
    first, other = kind(cache_dir), kind(cache_dir)
    first.add(tag(1), tag(2))
    first.commit()
    other.load(TogglTag)

    first.clear()
    other.add(tag(3))
    other.commit()

    assert [t.id for t in kind(cache_dir).load(TogglTag)] == [3]
    first.close()
    other.close()


def test_a_change_the_other_object_commits_after_clear_is_kept(kind: Any, cache_dir: Path) -> None:
    first, other = kind(cache_dir), kind(cache_dir)
    first.add(tag(1))
    first.commit()

    first.clear()
    other.add(tag(5))
    other.commit()

    assert [t.id for t in first.load(TogglTag)] == [5]
    first.close()
    other.close()


CLEARER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toggl_api.meta.cache import JSONCache, SqliteCache

    kind = JSONCache if sys.argv[2] == "json" else SqliteCache
    cache = kind(Path(sys.argv[1]))
    cache.clear()
    cache.close()
    """
)


@pytest.mark.parametrize("backend", ["json", "sqlite"])
def test_clear_from_another_process_empties_the_cache_this_one_reads(backend: str, cache_dir: Path) -> None:
    kind = JSONCache if backend == "json" else SqliteCache
    mine = kind(cache_dir)
    mine.add(tag(1), tag(2))
    mine.commit()

    subprocess.run([sys.executable, "-c", CLEARER, str(cache_dir), backend], check=True, timeout=TIMEOUT)

    assert mine.load(TogglTag) == []
    mine.close()


def test_json_clear_leaves_set_aside_copies_alone(cache_dir: Path) -> None:
    aside = cache_dir / "cache_tag.json.corrupt-20261120T000000000000Z"
    aside.write_text("{broken")
    cache = JSONCache(cache_dir)
    cache.add(tag(1))
    cache.commit()

    cache.clear()

    assert aside.read_text() == "{broken"
