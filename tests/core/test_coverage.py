"""``Coverage``: which time-entry ranges a cache holds completely (pure values)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api._core.coverage import Coverage, Segment, as_instant

UTC = timezone.utc
D = datetime(2026, 11, 1, tzinfo=UTC)
T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def test_adding_overlapping_fetches_of_the_same_time_merges_them_into_one_segment() -> None:
    coverage = Coverage().add(D, D + 3 * DAY, T0).add(D + 2 * DAY, D + 5 * DAY, T0)
    assert coverage.segments == (Segment(D, D + 5 * DAY, T0),)


def test_adjacent_fetches_of_the_same_time_merge() -> None:
    coverage = Coverage().add(D, D + DAY, T0).add(D + DAY, D + 2 * DAY, T0)
    assert coverage.segments == (Segment(D, D + 2 * DAY, T0),)


def test_a_newer_fetch_takes_over_the_part_it_covers_and_older_parts_keep_their_time() -> None:
    older = T0 - HOUR
    coverage = Coverage().add(D, D + 4 * DAY, older).add(D + DAY, D + 2 * DAY, T0)
    assert coverage.segments == (
        Segment(D, D + DAY, older),
        Segment(D + DAY, D + 2 * DAY, T0),
        Segment(D + 2 * DAY, D + 4 * DAY, older),
    )


def test_covers_a_range_inside_a_fresh_segment() -> None:
    coverage = Coverage().add(D, D + 10 * DAY, T0)
    assert coverage.covers(D + DAY, D + 2 * DAY, T0 + HOUR, timedelta(days=1))


def test_covers_a_range_spanning_adjacent_segments_of_different_times() -> None:
    coverage = Coverage().add(D, D + DAY, T0 - HOUR).add(D + DAY, D + 2 * DAY, T0)
    assert coverage.covers(D, D + 2 * DAY, T0, None)


def test_does_not_cover_a_range_reaching_past_the_segment() -> None:
    coverage = Coverage().add(D, D + DAY, T0)
    assert not coverage.covers(D, D + DAY + timedelta(microseconds=1), T0, None)
    assert not coverage.covers(D - timedelta(microseconds=1), D + DAY, T0, None)


def test_does_not_cover_a_range_across_a_gap() -> None:
    coverage = Coverage().add(D, D + DAY, T0).add(D + 2 * DAY, D + 3 * DAY, T0)
    assert not coverage.covers(D, D + 3 * DAY, T0, None)


def test_does_not_cover_an_empty_range() -> None:
    assert not Coverage().add(D, D + DAY, T0).covers(D, D, T0, None)


def test_an_expired_part_stops_covering_and_is_pruned() -> None:
    coverage = Coverage().add(D, D + DAY, T0 - 2 * HOUR).add(D + DAY, D + 2 * DAY, T0)
    assert not coverage.covers(D, D + 2 * DAY, T0, HOUR)
    assert coverage.covers(D + DAY, D + 2 * DAY, T0, HOUR)
    assert coverage.prune(T0, HOUR).segments == (Segment(D + DAY, D + 2 * DAY, T0),)


def test_removing_a_start_uncovers_only_its_second() -> None:
    start = D + DAY + timedelta(hours=5, seconds=7, microseconds=500)
    coverage = Coverage().add(D, D + 3 * DAY, T0).remove_start(start)
    second = start.replace(microsecond=0)
    assert not coverage.covers(D, D + 3 * DAY, T0, None)
    assert coverage.covers(D, second, T0, None)
    assert coverage.covers(second + timedelta(seconds=1), D + 3 * DAY, T0, None)


def test_json_round_trip_keeps_every_segment_and_time() -> None:
    coverage = Coverage().add(D, D + DAY, T0 - HOUR).add(D + 2 * DAY, D + 3 * DAY + timedelta(microseconds=3), T0)
    assert Coverage.from_json(coverage.to_json()) == coverage


def test_from_json_of_nothing_is_empty_coverage() -> None:
    assert Coverage.from_json(None) == Coverage()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"format": 99, "segments": []}',
        '{"format": 1, "segments": [["2026-11-01T00:00:00", "2026-11-02T00:00:00+00:00", '
        '"2026-11-20T00:00:00+00:00"]]}',
        '{"format": 1, "segments": [["2026-11-02T00:00:00+00:00", "2026-11-01T00:00:00+00:00", '
        '"2026-11-20T00:00:00+00:00"]]}',
        '{"format": 1, "segments": [[1, 2, 3]]}',
        '{"format": 1, "segments": [["2026-11-01T00:00:00+00:00", "2026-11-03T00:00:00+00:00", '
        '"2026-11-20T00:00:00+00:00"], ["2026-11-02T00:00:00+00:00", "2026-11-04T00:00:00+00:00", '
        '"2026-11-20T00:00:00+00:00"]]}',
    ],
)
def test_from_json_rejects_values_it_cannot_trust(text: str) -> None:
    with pytest.raises(ValueError, match=r"coverage|naive"):
        Coverage.from_json(text)


def test_a_plain_date_is_its_utc_midnight() -> None:
    assert as_instant(date(2026, 11, 1)) == D
    assert as_instant(datetime(2026, 11, 1, 2, tzinfo=timezone(timedelta(hours=2)))) == D


def test_a_sync_window_below_the_cap_covers_all_of_it() -> None:
    from toggl_api._core.sync_plan import Window, covered_span

    window = Window(D, D + 10 * DAY)
    assert covered_span(window, [D + DAY], cap=3) == (D, D + 10 * DAY)


def test_a_capped_sync_window_covers_only_starts_after_its_oldest_one() -> None:
    from toggl_api._core.sync_plan import Window, covered_span

    window = Window(D, D + 10 * DAY)
    oldest = D + 4 * DAY
    lo, hi = covered_span(window, [oldest, D + 5 * DAY, D + 6 * DAY], cap=3)
    assert (lo, hi) == (oldest + timedelta(microseconds=1), D + 10 * DAY)
