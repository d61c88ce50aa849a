"""``TogglQuery`` rules shared by both caches: validation, date widening, IN/overlap, distinct, and the SQL
compiler agreeing with the in-Python matcher."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api import DateTimeError
from toggl_api._core.models import TogglProject, TogglTag, TogglTracker
from toggl_api._core.query import build_index, distinct, match, validate_queries
from toggl_api.meta.cache import Comparison, TogglQuery

UTC = timezone.utc


def entry(ident: int, start: datetime, *, project: int | None = None, tags: list[TogglTag] | None = None
          ) -> TogglTracker:
    return TogglTracker(ident, "x", workspace=1, start=start, project=project, tags=tags or [])


def test_comparison_keeps_toggl_api_wrapper_member_names() -> None:
    assert [c.name for c in Comparison] == [
        "EQUAL", "LESS_THEN", "LESS_THEN_OR_EQUAL", "GREATER_THEN", "GREATER_THEN_OR_EQUAL"
    ]


def test_a_range_comparison_with_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="time or numeric"):
        TogglQuery("name", "abc", Comparison.LESS_THEN)


def test_a_naive_datetime_value_is_refused() -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        TogglQuery("start", datetime(2026, 1, 1), Comparison.GREATER_THEN)


def test_an_offset_datetime_is_converted_to_utc() -> None:
    value = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert TogglQuery("start", value, Comparison.GREATER_THEN).value == datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [
        (Comparison.LESS_THEN, datetime(2026, 3, 4, tzinfo=UTC)),
        (Comparison.GREATER_THEN_OR_EQUAL, datetime(2026, 3, 4, tzinfo=UTC)),
        (Comparison.LESS_THEN_OR_EQUAL, datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=UTC)),
        (Comparison.GREATER_THEN, datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_a_date_is_widened_to_the_matching_end_of_the_day(comparison: Comparison, expected: datetime) -> None:
    assert TogglQuery("start", date(2026, 3, 4), comparison).value == expected


def test_an_unknown_key_names_the_valid_keys() -> None:
    with pytest.raises(ValueError, match="'colour' is not a queryable field of TogglProject; query one of: "):
        validate_queries(TogglProject, [TogglQuery("colour", "red")])


def test_extra_is_not_queryable() -> None:
    with pytest.raises(ValueError, match="'extra'"):
        validate_queries(TogglTracker, [TogglQuery("extra", "x")])


def test_equal_with_a_list_means_in() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert match(entry(1, start, project=2), TogglQuery("project", [1, 2]))
    assert not match(entry(1, start, project=3), TogglQuery("project", [1, 2]))


def test_equal_on_tags_means_overlap() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    tagged = entry(1, start, tags=[TogglTag(5, "work", workspace=1)])
    assert match(tagged, TogglQuery("tags", ["home", "work"]))
    assert not match(tagged, TogglQuery("tags", ["home"]))


def test_distinct_keeps_the_first_entry_per_value() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    models = [entry(i + 1, start, project=i % 2) for i in range(4)]
    assert [m.id for m in distinct(models, [TogglQuery("project", [0, 1])])] == [1, 2]


def test_the_index_narrows_a_range_to_the_matching_ids() -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    models = [entry(i + 1, base + timedelta(hours=i)) for i in range(10)]
    index = build_index(models, "start")
    assert index is not None
    found = index.candidates(TogglQuery("start", base + timedelta(hours=7), Comparison.GREATER_THEN_OR_EQUAL))
    assert sorted(found or []) == [8, 9, 10]


def test_the_sql_compiler_and_the_matcher_agree() -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy.orm import Session

    from toggl_api._core.models.tables import map_models
    from toggl_api._core.sql_query import compile_queries
    from toggl_api._sqlcompat import create_all, create_engine

    engine = create_engine("sqlite://")
    create_all(engine, map_models())
    base = datetime(2026, 1, 1, tzinfo=UTC)
    work = TogglTag(5, "work", workspace=1)
    models = [
        entry(i + 1, base + timedelta(hours=6 * i), project=i % 3, tags=[work] if i % 2 else []) for i in range(12)
    ]
    with Session(engine) as session:
        session.execute(sqlalchemy.insert(TogglTracker), [
            {c: getattr(m, c) for c in ("id", "name", "timestamp", "workspace", "start", "project")} | {"extra": {}}
            for m in models
        ])
        session.execute(sqlalchemy.insert(sqlalchemy.table("tracker_tag", sqlalchemy.column("tracker"),
                                                           sqlalchemy.column("position"), sqlalchemy.column("tag"),
                                                           sqlalchemy.column("name"), sqlalchemy.column("workspace"))),
                        [{"tracker": m.id, "position": 0, "tag": 5, "name": "work", "workspace": 1}
                         for m in models if m.tags])
        session.commit()
        cases = [
            [TogglQuery("start", date(2026, 1, 2))],
            [TogglQuery("start", date(2026, 1, 2), Comparison.LESS_THEN)],
            [TogglQuery("start", date(2026, 1, 2), Comparison.GREATER_THEN)],
            [TogglQuery("project", [0, 2]), TogglQuery("tags", "work")],
            [TogglQuery("project", None)],
        ]
        for queries in cases:
            sql_ids = sorted(session.scalars(sqlalchemy.select(TogglTracker.id).where(  # type: ignore[attr-defined]
                *compile_queries(TogglTracker, queries))))
            py_ids = sorted(m.id for m in models if all(match(m, q) for q in queries))
            assert sql_ids == py_ids, queries
    engine.dispose()


def test_the_index_intersects_both_bounds_of_a_range() -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    index = build_index([entry(i + 1, base + timedelta(hours=i)) for i in range(10)], "start")
    assert index is not None
    found = index.candidates_all([
        TogglQuery("start", base + timedelta(hours=3), Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", base + timedelta(hours=5), Comparison.LESS_THEN),
    ])
    assert sorted(found or []) == [4, 5]


def test_the_compiled_matcher_agrees_with_match_on_every_kind_of_query() -> None:
    from toggl_api._core.query import compile_match, compile_matcher

    base = datetime(2026, 1, 1, tzinfo=UTC)
    work, home = TogglTag(5, "work", workspace=1), TogglTag(6, "home", workspace=1)
    project = TogglProject(2, "p", workspace=1)
    models = [
        entry(i + 1, base + timedelta(hours=7 * i), project=[None, 1, 2][i % 3], tags=[[], [work], [work, home]][i % 3])
        for i in range(12)
    ]
    cases = [
        TogglQuery("project", 2), TogglQuery("project", [1, None]), TogglQuery("project", None),
        TogglQuery("project", project), TogglQuery("project", [project, 1]),
        TogglQuery("project", 1, Comparison.GREATER_THEN), TogglQuery("project", 1, Comparison.LESS_THEN_OR_EQUAL),
        TogglQuery("tags", "work"), TogglQuery("tags", [6, "nothing"]), TogglQuery("tags", work),
        TogglQuery("start", date(2026, 1, 2)), TogglQuery("start", [date(2026, 1, 2), base]),
        TogglQuery("start", base + timedelta(hours=14)),
        TogglQuery("start", date(2026, 1, 2), Comparison.LESS_THEN),
        TogglQuery("start", date(2026, 1, 2), Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", base + timedelta(hours=30), Comparison.GREATER_THEN),
        TogglQuery("start", base + timedelta(hours=30), Comparison.LESS_THEN),
        TogglQuery("name", "x"), TogglQuery("name", ["y", "x"]),
    ]
    for query in cases:
        assert [compile_match(query)(m) for m in models] == [match(m, query) for m in models], query
    both = [cases[1], cases[7]]
    assert [compile_matcher(both)(m) for m in models] == [all(match(m, q) for q in both) for m in models]


def test_the_compiled_matcher_explains_an_impossible_comparison_like_match() -> None:
    from toggl_api._core.query import compile_match

    model = entry(1, datetime(2026, 1, 1, tzinfo=UTC))
    query = TogglQuery("start", 5, Comparison.LESS_THEN)
    with pytest.raises(TypeError, match="cannot compare start"):
        match(model, query)
    with pytest.raises(TypeError, match="cannot compare start"):
        compile_match(query)(model)
