"""What only the SQL cache promises: its schema, one database for every model, any engine, SQLite settings,
upserts over expired rows, and a schema that is ready whenever the first operation runs."""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from toggl_api._core.api.request import RequestMethod
from toggl_api._core.models import TogglProject, TogglTag, TogglTracker
from toggl_api._sqlcompat import create_async_engine
from toggl_api.asyncio import AsyncSqliteCache, async_register_tables
from toggl_api.testing import FakeClock

DAY = datetime(2026, 11, 20, tzinfo=timezone.utc)


async def test_register_tables_creates_every_table_in_one_metadata(cache_dir: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{cache_dir / 'db.sqlite'}")
    try:
        metadata = await async_register_tables(engine)
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            names = {row[0] for row in rows}
    finally:
        await engine.dispose()
    assert set(metadata.tables) == names
    assert {"organization", "workspace", "client", "project", "tag", "tracker", "tracker_tag"} <= names


async def test_a_cache_made_before_time_entries_had_tasks_opens_and_keeps_its_entries(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    """An older release created ``tracker`` without ``task``: opening the file adds the column, rows read back."""
    import sqlite3

    path = cache_dir / "cache.sqlite"
    first: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    await first.add(TogglTracker(id=1, name="old", start=DAY, stop=DAY + timedelta(hours=1), workspace=5))
    await first.commit()
    await first.aclose()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE tracker DROP COLUMN task")
        assert "task" not in {row[1] for row in conn.execute("PRAGMA table_info(tracker)")}

    reopened: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        old = await reopened.find(1, TogglTracker)
        await reopened.add(TogglTracker(id=2, name="new", start=DAY, workspace=5, task=9))
        await reopened.commit()
        new = await reopened.find(2, TogglTracker)
    finally:
        await reopened.aclose()
    assert old is not None
    assert (old.name, old.task) == ("old", None)
    assert new is not None
    assert new.task == 9


async def test_register_tables_returns_the_same_metadata_every_time(cache_dir: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{cache_dir / 'db.sqlite'}")
    try:
        assert await async_register_tables(engine) is await async_register_tables(engine)
    finally:
        await engine.dispose()


async def test_all_models_share_one_database_file(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(TogglTag(1, "t", fake_clock.now(), workspace=1), TogglProject(1, "p", workspace=1))
    finally:
        await cache.aclose()
    assert [p.name for p in cache_dir.iterdir() if p.suffix == ".sqlite"] == ["cache.sqlite"]


async def test_the_database_file_is_private_to_the_user(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(TogglTag(1, "t", fake_clock.now(), workspace=1))
    finally:
        await cache.aclose()
    assert stat.S_IMODE((cache_dir / "cache.sqlite").stat().st_mode) == 0o600


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        async with cache.database.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        await cache.aclose()
    assert mode == "wal"
    assert timeout > 0


async def test_a_given_engine_is_used_instead_of_the_default_file(cache_dir: Path, fake_clock: FakeClock) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{cache_dir / 'mine.sqlite'}")
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, engine=engine, clock=fake_clock)
    try:
        await cache.add(TogglTag(1, "t", fake_clock.now(), workspace=1))
        assert (await cache.find(1, TogglTag)) is not None
    finally:
        await engine.dispose()
    assert not (cache_dir / "cache.sqlite").exists()


async def test_an_engine_of_the_wrong_kind_is_a_type_error(cache_dir: Path) -> None:
    with pytest.raises(TypeError, match="engine must be"):
        AsyncSqliteCache(cache_dir, engine="sqlite:///x.sqlite")  # type: ignore[arg-type]


async def test_an_expired_row_is_upserted_without_integrity_error(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, expire_after=60, clock=fake_clock)
    try:
        await cache.save(TogglTag(1, "old", fake_clock.now(), workspace=1), method=RequestMethod.GET)
        fake_clock.advance(3600)
        await cache.save([TogglTag(1, "new", fake_clock.now(), workspace=1)], method=RequestMethod.GET)
        found = await cache.find(1, TogglTag)
    finally:
        await cache.aclose()
    assert found is not None
    assert found.name == "new"


async def test_deleting_a_time_entry_removes_its_tag_rows(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        entry = TogglTracker(1, "x", fake_clock.now(), workspace=1, tags=[TogglTag(5, "a", workspace=1)])
        await cache.add(entry)
        await cache.delete(entry)
        async with cache.database.connect() as conn:
            rows = (await conn.execute(text("SELECT count(*) FROM tracker_tag"))).scalar_one()
    finally:
        await cache.aclose()
    assert rows == 0


async def test_tags_seen_on_time_entries_do_not_join_the_tag_list(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(TogglTracker(1, "x", fake_clock.now(), workspace=1, tags=[TogglTag(5, "a", workspace=1)]))
        tags = await cache.load(TogglTag)
    finally:
        await cache.aclose()
    assert tags == []


async def test_updating_an_entrys_tags_replaces_them(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(TogglTracker(1, "x", fake_clock.now(), workspace=1, tags=[TogglTag(5, "a", workspace=1)]))
        await cache.update(TogglTracker(1, "x", fake_clock.now(), workspace=1, tags=[TogglTag(6, "b", workspace=1)]))
        found = await cache.find(1, TogglTracker)
    finally:
        await cache.aclose()
    assert found is not None
    assert [t.name for t in found.tags] == ["b"]


async def test_distinct_query_uses_no_distinct_on(cache_dir: Path, fake_clock: FakeClock) -> None:
    from toggl_api.meta.cache import TogglQuery

    statements: list[str] = []
    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    from sqlalchemy import event

    core_engine = getattr(cache.database, "sync_engine", cache.database)  # the async engine wraps a sync one
    event.listen(core_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    try:
        await cache.add(*(TogglTracker(i, "x", fake_clock.now(), workspace=1, project=i % 2) for i in range(4)))
        found = await cache.query(TogglQuery("project", [0, 1]), distinct=True, model=TogglTracker)
    finally:
        await cache.aclose()
    assert [t.id for t in found] == [0, 1]
    assert not any("DISTINCT ON" in s.upper() for s in statements)


async def test_the_schema_is_created_on_first_use_inside_a_running_loop(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        assert await cache.find(1, TogglTag) is None
    finally:
        await cache.aclose()


async def test_commit_batches_nothing_because_each_operation_commits(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    other: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(TogglTag(1, "t", fake_clock.now(), workspace=1))
        assert await other.find(1, TogglTag) is not None
    finally:
        await cache.aclose()
        await other.aclose()


async def test_a_stale_entry_older_than_expiry_is_counted_out(cache_dir: Path, fake_clock: FakeClock) -> None:
    cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(cache_dir, expire_after=timedelta(seconds=10),
                                                         clock=fake_clock)
    try:
        await cache.add(TogglTag(1, "t", fake_clock.now(), workspace=1))
        fake_clock.advance(11)
        assert await cache.entry_count(TogglTag) == 0
    finally:
        await cache.aclose()


async def test_a_tag_query_returns_every_tag_of_the_matching_entries(cache_dir: Path, fake_clock: FakeClock) -> None:
    from toggl_api.meta.cache import TogglQuery

    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    work, home = TogglTag(5, "work", workspace=1), TogglTag(6, "home", workspace=1)
    try:
        await cache.add(TogglTracker(1, "x", fake_clock.now(), workspace=1, tags=[work, home]),
                        TogglTracker(2, "y", fake_clock.now(), workspace=1, tags=[home]))
        found = await cache.query(TogglQuery("tags", "work"), model=TogglTracker)
    finally:
        await cache.aclose()
    assert [(t.id, [tag.name for tag in t.tags]) for t in found] == [(1, ["work", "home"])]


async def test_reads_watched_by_sql_events_go_through_them_and_return_the_same_models(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    from sqlalchemy import event

    from toggl_api.meta.cache import Comparison, TogglQuery

    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, expire_after=3600, clock=fake_clock)
    work = TogglTag(5, "work", workspace=1)
    query = (TogglQuery("project", [1, 2]), TogglQuery("id", 3, Comparison.LESS_THEN_OR_EQUAL))
    try:
        await cache.add(*(TogglTracker(i, f"e{i}", fake_clock.now(), workspace=1, project=i % 3,
                                       tags=[work] if i % 2 else []) for i in range(6)))
        direct = (await cache.find(1, TogglTracker), await cache.query(*query, model=TogglTracker),
                  await cache.load(TogglTracker), await cache.entry_count(TogglTracker))
        statements: list[str] = []
        event.listen(cache.database.sync_engine if hasattr(cache.database, "sync_engine") else cache.database,
                     "before_cursor_execute", lambda *args: statements.append(args[2]))
        watched = (await cache.find(1, TogglTracker), await cache.query(*query, model=TogglTracker),
                   await cache.load(TogglTracker), await cache.entry_count(TogglTracker))
    finally:
        await cache.aclose()
    assert watched == direct
    assert [[t.name for t in e.tags] for e in watched[2]] == [[t.name for t in e.tags] for e in direct[2]]
    assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) == 4


async def test_the_portable_upsert_replaces_rows_and_tags_like_the_native_one(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    cache._native_upsert = False  # the path taken on databases without ON CONFLICT
    try:
        await cache.add(TogglTracker(1, "old", fake_clock.now(), workspace=1, tags=[TogglTag(5, "a", workspace=1)]))
        await cache.add(TogglTracker(1, "new", fake_clock.now(), workspace=1, tags=[TogglTag(6, "b", workspace=1)]),
                        TogglTracker(2, "other", fake_clock.now(), workspace=1))
        found = await cache.load(TogglTracker)
    finally:
        await cache.aclose()
    assert [(t.id, t.name, [tag.name for tag in t.tags]) for t in found] == [(1, "new", ["b"]), (2, "other", [])]


async def test_query_statements_use_no_sqlite_only_sql(cache_dir: Path, fake_clock: FakeClock) -> None:
    from sqlalchemy.dialects import postgresql

    from toggl_api._core.sql_query import plan_queries, where_clauses
    from toggl_api.meta.cache import Comparison, TogglQuery

    queries = (TogglQuery("start", DAY, Comparison.GREATER_THEN_OR_EQUAL), TogglQuery("project", [1, 2]),
               TogglQuery("tags", ["work", 5]), TogglQuery("stop", None))
    shape, values = plan_queries(TogglTracker, queries)
    select = AsyncSqliteCache._entity_select(TogglTracker, where_clauses(TogglTracker, shape), True)
    sql = str(select.compile(dialect=postgresql.dialect()))
    assert "tracker_tag AS tag_of" in sql
    assert sql.count("%(q") == len(values)


def _old_index_layout(path: Path) -> None:
    """Make ``path``'s tracker indexes those of the releases before ``ix_tracker_project_start``."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX ix_tracker_project_start")
        conn.execute("CREATE INDEX ix_tracker_project ON tracker (project)")
        conn.execute("ANALYZE tracker")


def _tracker_indexes(path: Path) -> tuple[set[str], set[str]]:
    """The tracker indexes of ``path``, and those the planner has statistics for."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='tracker'")}
        stats = {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'tracker'")}
    finally:
        conn.close()
    return names, stats


def _schema_version(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA schema_version").fetchone()[0])
    finally:
        conn.close()


async def test_a_cache_made_with_the_old_project_index_gets_the_project_start_index_once(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    from toggl_api.meta.cache import Comparison, TogglQuery

    path = cache_dir / "cache.sqlite"
    first: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    await first.add(*(TogglTracker(i, f"e{i}", fake_clock.now(), workspace=1, start=DAY + timedelta(minutes=i),
                                   project=i % 5) for i in range(1, 1201)))
    await first.aclose()
    _old_index_layout(path)
    query = (TogglQuery("start", DAY + timedelta(minutes=100), Comparison.GREATER_THEN_OR_EQUAL),
             TogglQuery("start", DAY + timedelta(minutes=120), Comparison.LESS_THEN), TogglQuery("project", [2]))

    reopened: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        found = await reopened.query(*query, model=TogglTracker)
    finally:
        await reopened.aclose()
    names, stats = _tracker_indexes(path)
    migrated = _schema_version(path)
    again: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        assert await again.entry_count(TogglTracker) == 1200
    finally:
        await again.aclose()

    assert [e.id for e in found] == [102, 107, 112, 117]
    assert "ix_tracker_project_start" in names
    assert "ix_tracker_project" not in names
    assert "ix_tracker_project_start" in stats  # analyzed, so the planner weighs the new index
    assert "ix_tracker_project" not in stats
    assert _tracker_indexes(path) == (names, stats)
    assert _schema_version(path) == migrated  # opening a migrated file changes no schema


async def test_fast_reads_build_the_same_models_as_reads_through_sqlalchemy(
    cache_dir: Path, fake_clock: FakeClock
) -> None:
    """Every kind of field value, several tags in order, expired rows left out: equal whichever path reads."""
    from sqlalchemy import event

    from toggl_api.meta.cache import TogglQuery

    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, expire_after=3600, clock=fake_clock)
    now = fake_clock.now()
    tags = [TogglTag(5, "work", workspace=1), TogglTag(7, "home", workspace=2), TogglTag(6, "a", workspace=1)]
    entries = [
        TogglTracker(i, f"e{i}", now - timedelta(hours=2 if i == 4 else 0), workspace=1,
                     start=DAY + timedelta(minutes=i, microseconds=i), stop=None if i % 2 else DAY + timedelta(hours=i),
                     duration=timedelta(seconds=-i) if i % 2 else timedelta(days=i, microseconds=7), project=i % 3,
                     billable=bool(i % 2), user=None if i == 3 else 9, task=i if i > 4 else None,
                     at=None if i == 1 else now - timedelta(seconds=i), extra={"k": [i]} if i % 3 else {},
                     tags=tags[: i % 4])
        for i in range(1, 9)
    ]
    projects = [TogglProject(1, "p", now, workspace=1, start_date=DAY.date(), color="#ffffff", client=None)]
    try:
        await cache.add(*entries)
        await cache.add(*projects)

        async def read_all() -> tuple[object, ...]:
            return (await cache.load(TogglTracker), await cache.find(2, TogglTracker),
                    await cache.query(TogglQuery("project", [1, 2]), model=TogglTracker),
                    await cache.query(TogglQuery("tags", "home"), model=TogglTracker, distinct=False),
                    await cache.load(TogglProject), await cache.find(4, TogglTracker, include_expired=True))

        fast = await read_all()
        engine = cache.database.sync_engine if hasattr(cache.database, "sync_engine") else cache.database
        event.listen(engine, "before_cursor_execute", lambda *args: None)
        watched = await read_all()
    finally:
        await cache.aclose()
    assert fast == watched
    loaded = fast[0]
    assert isinstance(loaded, list)
    assert [e.id for e in loaded] == [1, 2, 3, 5, 6, 7, 8]  # 4 expired
    assert loaded == [e for e in entries if e.id != 4]
    for got, want in zip(loaded, [e for e in entries if e.id != 4], strict=True):
        assert [(t.id, t.name, t.workspace) for t in got.tags] == [(t.id, t.name, t.workspace) for t in want.tags]
        assert got.start.tzinfo is timezone.utc
        assert got.timestamp.tzinfo is timezone.utc
    assert len({id(e.extra) for e in loaded}) == len(loaded)  # each entry has its own dict


async def test_a_repeated_query_answers_for_its_current_values(cache_dir: Path, fake_clock: FakeClock) -> None:
    """Plans are remembered by query values and their types: equal-comparing values of other types, a changed
    value and a changed key are each planned anew."""
    from toggl_api.meta.cache import Comparison, TogglQuery

    cache: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        await cache.add(*(TogglTracker(i, f"e{i}", fake_clock.now(), workspace=1, project=i % 3, billable=i == 1,
                                       start=DAY + timedelta(hours=i)) for i in range(1, 7)))
        projects = TogglQuery("project", [1])
        first = [e.id for e in await cache.query(projects, model=TogglTracker)]
        projects.value = [2]  # the same object, another value
        second = [e.id for e in await cache.query(projects, model=TogglTracker)]
        as_bool = [e.id for e in await cache.query(TogglQuery("billable", True), model=TogglTracker)]
        as_int = [e.id for e in await cache.query(TogglQuery("billable", 1), model=TogglTracker)]
        after = TogglQuery("start", DAY + timedelta(hours=3), Comparison.GREATER_THEN)
        later = [e.id for e in await cache.query(after, model=TogglTracker)]
        after.key = "stop"
        stopped = [e.id for e in await cache.query(after, model=TogglTracker)]
        with pytest.raises(ValueError, match="not a queryable field"):
            await cache.query(TogglQuery("nope", 1), model=TogglTracker)
        with pytest.raises(ValueError, match="not a queryable field"):
            await cache.query(TogglQuery("nope", 1), model=TogglTracker)
    finally:
        await cache.aclose()
    assert first == [1, 4]
    assert second == [2, 5]
    assert as_bool == as_int == [1]
    assert later == [4, 5, 6]
    assert stopped == []  # no entry has a stop
