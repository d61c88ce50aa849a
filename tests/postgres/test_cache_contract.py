"""The SQL cache contract on a real PostgreSQL database (``SqliteCache(engine=...)``): every field round-trips,
queries, expiry, upserts, completeness markers and statistics behave as on SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from toggl_api._core.api.request import RequestMethod
from toggl_api._core.models import TogglProject, TogglTag, TogglTracker
from toggl_api.meta.cache import Comparison, SqliteCache, TogglQuery
from toggl_api.testing import FakeClock

from ._data import BIG, DAY, EVERY_MODEL, tracker


@pytest.fixture
def cache(pg_engine: Any, tmp_path: Path, fake_clock: FakeClock) -> Iterator[SqliteCache[Any]]:
    made: SqliteCache[Any] = SqliteCache(tmp_path, engine=pg_engine, clock=fake_clock)
    yield made
    made.close()


@pytest.fixture
def reopen(pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock) -> Callable[..., Any]:
    """A second cache object on a new engine (what a later run, or a teammate, sees)."""

    def make(**kwargs: Any) -> SqliteCache[Any]:
        return SqliteCache(tmp_path, engine=pg_engines(), clock=fake_clock, **kwargs)

    return make


def test_the_cache_creates_its_tables_in_an_empty_postgresql_schema(
    pg_empty_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    engine = pg_empty_engines()
    SqliteCache(tmp_path, engine=engine, clock=fake_clock).add(tracker(1))
    names = set(inspect(engine).get_table_names())
    assert {"organization", "workspace", "client", "project", "tag", "tracker", "tracker_tag",
            "cache_marker"} <= names


@pytest.mark.parametrize("entity", EVERY_MODEL, ids=lambda e: type(e).__name__)
def test_every_model_round_trips_every_field(cache: SqliteCache[Any], reopen: Callable[..., Any],
                                             entity: Any) -> None:
    cache.add(entity)
    found = reopen().find(entity.id, type(entity))
    assert found == entity
    assert found.extra == entity.extra
    assert found.timestamp == entity.timestamp
    assert found.at == entity.at
    assert found.server_deleted_at == entity.server_deleted_at


def test_ids_above_32_bits_are_stored_as_64_bit_integers(cache: SqliteCache[Any], pg_engine: Any) -> None:
    cache.add(tracker(2**62, project=2**61, tags=[TogglTag(2**60, "big", workspace=2**59)]))
    found = cache.find(2**62, TogglTracker)
    assert found is not None
    assert (found.id, found.project, found.workspace) == (2**62, 2**61, 2**33 + 1)
    assert (found.tags[0].id, found.tags[0].workspace) == (2**60, 2**59)
    with pg_engine.connect() as conn:
        kind = conn.execute(text("SELECT data_type FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() AND table_name = 'tracker' "
                                 "AND column_name = 'id'")).scalar_one()
    assert kind == "bigint"


def test_aware_datetimes_come_back_in_utc_whatever_the_session_time_zone(
    pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    engine = pg_engines()

    @event.listens_for(engine, "connect")
    def _kolkata(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Asia/Kolkata'")
        dbapi_connection.commit()

    cache: SqliteCache[Any] = SqliteCache(tmp_path, engine=engine, clock=fake_clock)
    minus5 = timezone(timedelta(hours=-5))
    start = datetime(2026, 3, 1, 23, 30, tzinfo=minus5)
    cache.add(TogglTracker(1, "late", fake_clock.now(), workspace=1, start=start, stop=start + timedelta(hours=1),
                           duration=timedelta(hours=1)))
    found = cache.find(1, TogglTracker)
    assert found is not None
    assert found.start == start
    assert found.start.tzinfo == timezone.utc
    assert found.start.hour == 4


def test_naive_datetimes_are_refused_before_reaching_the_database(cache: SqliteCache[Any]) -> None:
    from toggl_api import DateTimeError

    with pytest.raises(DateTimeError, match="aware"):
        cache.query(TogglQuery("start", datetime(2026, 1, 1), Comparison.GREATER_THEN), model=TogglTracker)


def test_find_add_update_delete(cache: SqliteCache[Any]) -> None:
    cache.add(tracker(1), tracker(2))
    cache.update(tracker(2, name="renamed"))
    cache.delete(tracker(1))
    assert cache.find(1, TogglTracker) is None
    found = cache.find(2, TogglTracker)
    assert found is not None
    assert found.name == "renamed"


def test_delete_by_id_removes_the_entry_and_its_tags(cache: SqliteCache[Any], pg_engine: Any) -> None:
    cache.add(tracker(1, tags=[TogglTag(5, "a", workspace=1)]))
    cache.delete(1, model=TogglTracker)
    with pg_engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM tracker_tag")).scalar_one()
    assert cache.load(TogglTracker) == []
    assert left == 0


def test_a_batch_with_the_same_id_twice_keeps_the_last_copy(cache: SqliteCache[Any]) -> None:
    cache.add(tracker(1, name="first"), tracker(1, name="second"))
    assert [t.name for t in cache.load(TogglTracker)] == ["second"]


def test_a_batch_larger_than_one_in_list_is_written_and_deleted_whole(cache: SqliteCache[Any]) -> None:
    cache.add(*(tracker(BIG + i, tags=[TogglTag(1, "t", workspace=1)]) for i in range(1200)))
    assert cache.entry_count(TogglTracker) == 1200
    cache.delete(*range(BIG, BIG + 1100), model=TogglTracker)
    assert [t.id for t in cache.load(TogglTracker)] == list(range(BIG + 1100, BIG + 1200))


def test_query_range_and_in_select_matching_entries(cache: SqliteCache[Any]) -> None:
    cache.add(*(tracker(BIG + i, hours=i, project=BIG + i % 3) for i in range(10)))
    found = cache.query(
        TogglQuery("start", DAY + timedelta(hours=3), Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", DAY + timedelta(hours=8), Comparison.LESS_THEN),
        TogglQuery("project", [BIG + 1, BIG + 2]),
        model=TogglTracker,
    )
    assert [t.id - BIG for t in found] == [4, 5, 7]


def test_query_equal_none_matches_missing_values(cache: SqliteCache[Any]) -> None:
    cache.add(tracker(1, project=None), tracker(2, project=5))
    assert [t.id for t in cache.query(TogglQuery("project", None), model=TogglTracker)] == [1]


def test_query_tags_by_name_or_id_means_overlap(cache: SqliteCache[Any]) -> None:
    work, home = TogglTag(BIG + 10, "work", workspace=1), TogglTag(BIG + 11, "home", workspace=1)
    cache.add(tracker(1, tags=[work]), tracker(2, tags=[home]), tracker(3, tags=[work, home]), tracker(4))
    by_name = cache.query(TogglQuery("tags", ["work", "nothing"]), model=TogglTracker)
    by_id = cache.query(TogglQuery("tags", BIG + 11), model=TogglTracker)
    by_both = cache.query(TogglQuery("tags", [BIG + 10, "home"]), model=TogglTracker)
    assert [t.id for t in by_name] == [1, 3]
    assert [t.id for t in by_id] == [2, 3]
    assert [t.id for t in by_both] == [1, 2, 3]
    assert [tag.name for tag in by_both[2].tags] == ["work", "home"]


def test_query_with_a_date_covers_the_whole_utc_day(cache: SqliteCache[Any]) -> None:
    cache.add(tracker(1, hours=-1), tracker(2, hours=0), tracker(3, hours=23), tracker(4, hours=24))
    on_day = cache.query(TogglQuery("start", DAY.date()), model=TogglTracker)
    after_day = cache.query(TogglQuery("start", DAY.date(), Comparison.GREATER_THEN), model=TogglTracker)
    assert [t.id for t in on_day] == [2, 3]
    assert [t.id for t in after_day] == [4]


def test_query_a_date_column_with_a_date(cache: SqliteCache[Any]) -> None:
    cache.add(TogglProject(1, "a", workspace=1, start_date=date(2026, 1, 1)),
              TogglProject(2, "b", workspace=1, start_date=date(2026, 6, 1)))
    found = cache.query(TogglQuery("start_date", date(2026, 3, 1), Comparison.GREATER_THEN), model=TogglProject)
    assert [p.id for p in found] == [2]


def test_query_distinct_keeps_the_lowest_id_per_value(cache: SqliteCache[Any]) -> None:
    cache.add(*(tracker(BIG + i, project=i % 2) for i in range(6)))
    found = cache.query(TogglQuery("project", [0, 1]), distinct=True, model=TogglTracker)
    assert [t.id - BIG for t in found] == [0, 1]


def test_query_distinct_on_tagged_entries_returns_each_entry_with_all_its_tags(cache: SqliteCache[Any]) -> None:
    tags = [TogglTag(1, "a", workspace=1), TogglTag(2, "b", workspace=1)]
    cache.add(tracker(1, project=7, tags=tags), tracker(2, project=7, tags=tags), tracker(3, project=8))
    found = cache.query(TogglQuery("project", [7, 8]), distinct=True, model=TogglTracker)
    assert [(t.id, [g.name for g in t.tags]) for t in found] == [(1, ["a", "b"]), (3, [])]


def test_expired_entries_are_hidden_from_load_find_query_and_count(cache: SqliteCache[Any],
                                                                   fake_clock: FakeClock) -> None:
    cache.expire_after = 60
    cache.add(tracker(1))
    fake_clock.advance(61)
    assert cache.load(TogglTracker) == []
    assert cache.find(1, TogglTracker) is None
    assert cache.query(TogglQuery("id", 1), model=TogglTracker) == []
    assert cache.entry_count(TogglTracker) == 0
    assert cache.find(1, TogglTracker, include_expired=True) == tracker(1)


def test_an_expired_row_is_replaced_by_adding_the_entity_again(cache: SqliteCache[Any],
                                                               fake_clock: FakeClock) -> None:
    cache.expire_after = 60
    cache.add(tracker(1, name="old", tags=[TogglTag(1, "old", workspace=1)]))
    fake_clock.advance(120)
    cache.add(tracker(1, name="new", fetched=fake_clock.now(), tags=[TogglTag(2, "new", workspace=1)]))
    found = cache.find(1, TogglTracker)
    assert found is not None
    assert (found.name, [t.name for t in found.tags]) == ("new", ["new"])


def test_save_follows_the_request_method(cache: SqliteCache[Any]) -> None:
    cache.save([tracker(1), tracker(2)], RequestMethod.GET)
    cache.save(tracker(2, name="patched"), RequestMethod.PATCH)
    cache.save(tracker(1), RequestMethod.DELETE)
    assert [(t.id, t.name) for t in cache.load(TogglTracker)] == [(2, "patched")]


def test_completeness_markers_are_set_replaced_and_forgotten(cache: SqliteCache[Any], reopen: Callable[..., Any],
                                                           fake_clock: FakeClock) -> None:
    cache.mark_complete("workspaces/1/tags", fake_clock.now())
    fake_clock.advance(10)
    cache.mark_complete("workspaces/1/tags", fake_clock.now())
    other = reopen()
    assert other.completed_at("workspaces/1/tags") == fake_clock.now()
    assert other.completed_at("workspaces/2/tags") is None
    other.mark_complete("workspaces/1/tags", None)
    assert cache.completed_at("workspaces/1/tags") is None


def test_a_list_marker_expires_with_the_cache(cache: SqliteCache[Any], fake_clock: FakeClock) -> None:
    cache.expire_after = 60
    cache.mark_complete("workspaces/1/tags", fake_clock.now())
    assert cache.list_is_fresh("workspaces/1/tags")
    fake_clock.advance(61)
    assert not cache.list_is_fresh("workspaces/1/tags")


def test_entry_count_reports_fresh_entries_in_stats(cache: SqliteCache[Any], fake_clock: FakeClock) -> None:
    cache.expire_after = 60
    cache.add(tracker(1))
    fake_clock.advance(30)
    cache.add(tracker(2, fetched=fake_clock.now()))
    fake_clock.advance(40)
    assert cache.entry_count(TogglTracker) == 1
    assert cache.stats.entries == 1


def test_statement_logging_sees_the_cache_queries(pg_engines: Callable[..., Any], tmp_path: Path,
                                                 fake_clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    cache: SqliteCache[Any] = SqliteCache(tmp_path, engine=pg_engines(), clock=fake_clock, echo_db=True)
    cache.add(tracker(1))
    with caplog.at_level("INFO", logger="sqlalchemy.engine.Engine"):
        assert cache.find(1, TogglTracker) == tracker(1)
    assert any("FROM tracker" in record.getMessage() for record in caplog.records)


def test_the_repr_names_the_database_without_its_password(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from toggl_api._sqlcompat import create_engine

    engine = create_engine(make_url(pg_url).set(password="s3cret-pw"))
    try:
        shown = repr(SqliteCache(tmp_path, engine=engine))
    finally:
        engine.dispose()
    assert "postgresql+psycopg" in shown
    assert "s3cret-pw" not in shown


def test_a_schema_with_the_old_project_index_gets_the_project_start_index(
    pg_empty_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock
) -> None:
    engine = pg_empty_engines()
    first: SqliteCache[Any] = SqliteCache(tmp_path, engine=engine, clock=fake_clock)
    first.add(*(tracker(i) for i in range(1, 6)))
    first.close()
    with engine.begin() as conn:  # the indexes of the releases before ix_tracker_project_start
        conn.execute(text("DROP INDEX ix_tracker_project_start"))
        conn.execute(text("CREATE INDEX ix_tracker_project ON tracker (project)"))

    again: SqliteCache[Any] = SqliteCache(tmp_path, engine=engine, clock=fake_clock)
    try:
        count = again.entry_count(TogglTracker)
    finally:
        again.close()
    names = {index["name"] for index in inspect(engine).get_indexes("tracker")}

    assert count == 5
    assert "ix_tracker_project_start" in names
    assert "ix_tracker_project" not in names
