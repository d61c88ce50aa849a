"""A damaged SQLite cache file is handled like a damaged JSON file: found at open, set aside with its -wal/-shm
files as ``.corrupt-<time>``, reported in ``problems`` (or raised with ``strict=True``), and a fresh database is
used. Integers the database cannot hold give a clear error, not ``OverflowError``."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from toggl_api._core.errors import CorruptCacheError
from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import FakeClock


def sql_cache(path: Path, clock: FakeClock, **kwargs: Any) -> Any:
    return SqliteCache(path, clock=clock, **kwargs)


def tag(ident: int, clock: FakeClock) -> TogglTag:
    return TogglTag(ident, f"tag {ident}", clock.now(), workspace=1)


def filled(cache_dir: Path, clock: FakeClock, count: int = 1) -> Path:
    cache = sql_cache(cache_dir, clock)
    cache.add(*(tag(i, clock) for i in range(1, count + 1)))
    cache.close()
    return cache_dir / "cache.sqlite"


def test_a_file_that_is_not_a_database_is_reported(cache_dir: Path, fake_clock: FakeClock) -> None:
    (cache_dir / "cache.sqlite").write_bytes(b"<html>captive portal</html>" * 100)
    cache = sql_cache(cache_dir, fake_clock)
    assert [type(p) for p in cache.problems] == [CorruptCacheError]
    assert "wrong header" in str(cache.problems[0])


def test_a_damaged_database_is_set_aside_as_corrupt(cache_dir: Path, fake_clock: FakeClock) -> None:
    (cache_dir / "cache.sqlite").write_bytes(b"not sqlite at all")
    cache = sql_cache(cache_dir, fake_clock)
    moved = cache.problems[0].moved_to
    assert moved.name.startswith("cache.sqlite.corrupt-")
    assert moved.read_bytes() == b"not sqlite at all"


def test_a_fresh_database_replaces_a_damaged_one(cache_dir: Path, fake_clock: FakeClock) -> None:
    (cache_dir / "cache.sqlite").write_bytes(b"\x00" * 4096)
    cache = sql_cache(cache_dir, fake_clock)
    cache.add(tag(1, fake_clock))
    assert cache.find(1, TogglTag) == tag(1, fake_clock)


def test_a_zero_byte_file_the_cache_did_not_create_is_damage(cache_dir: Path, fake_clock: FakeClock) -> None:
    (cache_dir / "cache.sqlite").touch()
    cache = sql_cache(cache_dir, fake_clock)
    assert "zero bytes" in str(cache.problems[0])


def test_the_cache_never_leaves_a_zero_byte_database(cache_dir: Path, fake_clock: FakeClock) -> None:
    sql_cache(cache_dir, fake_clock)
    database = cache_dir / "cache.sqlite"
    assert database.stat().st_size > 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_new_cache_on_a_file_it_created_reports_nothing(cache_dir: Path, fake_clock: FakeClock) -> None:
    sql_cache(cache_dir, fake_clock)
    assert sql_cache(cache_dir, fake_clock).problems == []


def test_a_truncated_database_is_reported(cache_dir: Path, fake_clock: FakeClock) -> None:
    database = filled(cache_dir, fake_clock, count=2000)
    content = database.read_bytes()
    database.write_bytes(content[: len(content) // 3])
    cache = sql_cache(cache_dir, fake_clock)
    assert [type(p) for p in cache.problems] == [CorruptCacheError]
    assert cache.load(TogglTag) == []


def test_a_damaged_page_is_found_by_quick_check(cache_dir: Path, fake_clock: FakeClock) -> None:
    database = filled(cache_dir, fake_clock, count=2000)
    content = bytearray(database.read_bytes())
    page = 4096
    content[page * 2 : page * 2 + 200] = b"\xff" * 200  # scribble over an index or table page, keep the header
    database.write_bytes(bytes(content))
    assert len(sql_cache(cache_dir, fake_clock).problems) == 1


def test_wal_and_shm_files_are_set_aside_with_the_database(cache_dir: Path, fake_clock: FakeClock) -> None:
    database = cache_dir / "cache.sqlite"
    database.write_bytes(b"garbage")
    (cache_dir / "cache.sqlite-wal").write_bytes(b"old wal")
    (cache_dir / "cache.sqlite-shm").write_bytes(b"old shm")
    moved = sql_cache(cache_dir, fake_clock).problems[0].moved_to
    assert (moved.with_name(moved.name + "-wal").read_bytes(), moved.with_name(moved.name + "-shm").read_bytes()) == (
        b"old wal",
        b"old shm",
    )


def test_strict_raises_for_a_damaged_database(cache_dir: Path, fake_clock: FakeClock) -> None:
    (cache_dir / "cache.sqlite").write_bytes(b"garbage")
    with pytest.raises(CorruptCacheError, match=r"cache\.sqlite"):
        sql_cache(cache_dir, fake_clock, strict=True)


def test_a_sound_database_keeps_its_data(cache_dir: Path, fake_clock: FakeClock) -> None:
    filled(cache_dir, fake_clock, count=3)
    cache = sql_cache(cache_dir, fake_clock)
    assert (cache.problems, len(cache.load(TogglTag))) == ([], 3)


def test_a_damaged_file_of_a_given_sqlite_engine_is_reported(cache_dir: Path, fake_clock: FakeClock) -> None:
    from toggl_api._sqlcompat import create_engine

    database = cache_dir / "mine.db"
    database.write_bytes(b"garbage, not a database")
    cache = SqliteCache(cache_dir, engine=create_engine(f"sqlite:///{database}"), clock=fake_clock)
    assert len(cache.problems) == 1
    cache.add(tag(1, fake_clock))
    assert cache.find(1, TogglTag) is not None
    cache.database.dispose()


# -- integers beyond 64 bits -----------------------------------------------------------------------------------


def test_an_id_beyond_64_bits_is_refused_with_a_clear_error(cache_dir: Path, fake_clock: FakeClock) -> None:
    # The model refuses it before the SQL cache would see it (SQLite stores signed 64-bit integers).
    with pytest.raises(ValueError, match=r"64-bit id .* got 9223372036854775808"):
        TogglTag(2**63, "huge", fake_clock.now(), workspace=1)


def test_looking_up_an_id_beyond_64_bits_is_a_value_error(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache = sql_cache(cache_dir, fake_clock)
    with pytest.raises(ValueError, match=r"64-bit id, got 18446744073709551616"):
        cache.find(2**64, TogglTag)


def test_a_tag_id_beyond_64_bits_in_a_time_entry_is_refused(cache_dir: Path, fake_clock: FakeClock) -> None:
    with pytest.raises(ValueError, match=r"64-bit id"):
        TogglTracker(1, "x", fake_clock.now(), workspace=1, start=fake_clock.now(),
                     tags=[TogglTag(2**65, "huge", fake_clock.now(), workspace=1)])


# -- JSON files holding values that do not decode into models --------------------------------------------------

BAD_RECORDS = {
    "absurd-start": {"start": "9999-12-31T23:59:59-14:00"},
    "absurd-timestamp": {"timestamp": 1e300},
    "absurd-tag": {"tags": [{"id": "q"}]},
    "wrong-types": {"workspace": "abc"},
}


@pytest.mark.parametrize("change", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
def test_a_json_record_that_does_not_decode_is_reported_not_raised(
    cache_dir: Path, fake_clock: FakeClock, change: dict[str, Any]
) -> None:
    good = {"class": "tracker", "id": 1, "name": "ok", "workspace": 1, "start": "2026-01-01T00:00:00+00:00",
            "timestamp": "2026-01-01T00:00:00+00:00"}
    bad = {**good, "id": 2, **change}
    payload = {"format": 1, "version": "1", "data": [good, bad], "deleted": {}}
    (cache_dir / "cache_tracker.json").write_text(json.dumps(payload))
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    assert ([t.id for t in cache.load(TogglTracker)], len(cache.problems)) == ([1], 1)


def test_a_json_file_with_an_undecodable_record_is_kept_aside(cache_dir: Path, fake_clock: FakeClock) -> None:
    bad = {"class": "tracker", "id": 2, "name": "x", "workspace": 1, "start": "9999-12-31T23:59:59-14:00",
           "timestamp": "2026-01-01T00:00:00+00:00"}
    original = json.dumps({"format": 1, "version": "1", "data": [bad], "deleted": {}})
    (cache_dir / "cache_tracker.json").write_text(original)
    cache: Any = JSONCache(cache_dir, clock=fake_clock)
    cache.load(TogglTracker)
    assert cache.problems[0].moved_to.read_text() == original


def test_a_database_the_cache_writes_passes_sqlite_own_check(cache_dir: Path, fake_clock: FakeClock) -> None:
    database = filled(cache_dir, fake_clock, count=10)
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def test_text_the_database_cannot_store_names_the_entity(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache = sql_cache(cache_dir, fake_clock)
    with pytest.raises(ValueError, match=r"tag 3 in the SQL cache"):
        cache.add(tag(1, fake_clock), TogglTag(3, "lone \ud800", fake_clock.now(), workspace=1))


def test_a_write_of_text_the_database_cannot_store_stores_none_of_it(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache = sql_cache(cache_dir, fake_clock)
    with pytest.raises(ValueError, match=r"nothing of this write was stored"):
        cache.add(tag(1, fake_clock), TogglTag(3, "lone \ud800", fake_clock.now(), workspace=1))
    assert cache.load(TogglTag) == []
