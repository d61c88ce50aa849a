"""The sync engine's pure decisions: watermarks, windows, resume points, budget stops, diffs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from toggl_api._core.models import TogglProject, TogglTracker
from toggl_api._core.sync_plan import (
    SINCE_MAX_AGE,
    SKEW_MARGIN,
    StopReason,
    SyncState,
    after_since,
    after_window,
    begin_full_fetch,
    budget_stop,
    current_window,
    diff_models,
    lookback_start,
    needs_full_fetch,
    organizations_needed,
    related_needed,
    since_params,
    users_needed,
    window_covers,
    window_params,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _tracker(i: int, start: datetime, **kw: object) -> TogglTracker:
    return TogglTracker(id=i, name=f"e{i}", start=start, stop=start + timedelta(minutes=5), **kw)  # type: ignore[arg-type]


def test_state_round_trips_through_completeness_scopes() -> None:
    state = SyncState(watermark=NOW, window_end=NOW - timedelta(days=3), last_run=NOW)
    assert SyncState.from_scopes(state.scopes()) == state
    assert all(scope.startswith("sync:") for scope in state.scopes())


def test_lookback_start_stays_a_day_inside_three_calendar_months() -> None:
    assert lookback_start(NOW) == datetime(2026, 8, 21, tzinfo=timezone.utc)


def test_first_run_needs_a_full_fetch() -> None:
    assert needs_full_fetch(SyncState(), NOW)


def test_recent_watermark_allows_an_incremental_read() -> None:
    assert not needs_full_fetch(SyncState(watermark=NOW - timedelta(days=2)), NOW)


def test_watermark_older_than_since_allows_forces_a_full_fetch() -> None:
    assert needs_full_fetch(SyncState(watermark=NOW - SINCE_MAX_AGE - timedelta(seconds=1)), NOW)


def test_full_fetch_in_progress_is_resumed_rather_than_restarted() -> None:
    state = SyncState(window_floor=NOW - timedelta(days=80), window_end=NOW - timedelta(days=30), full_started=NOW)
    assert begin_full_fetch(state, NOW + timedelta(hours=1)) == state
    assert needs_full_fetch(state, NOW)


def test_full_fetch_starts_with_a_window_reaching_past_now() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    window = current_window(state)
    assert window.floor == lookback_start(NOW)
    assert window.end > NOW
    assert state.full_started == NOW - SKEW_MARGIN


def test_window_params_send_a_date_floor_and_a_utc_end() -> None:
    window = current_window(begin_full_fetch(SyncState(), NOW))
    assert window_params(window) == (("start_date", "2026-08-21"), ("end_date", "2026-11-21T12:00:00Z"))


def test_since_params_are_unix_seconds() -> None:
    assert since_params(NOW) == (("since", str(int(NOW.timestamp()))),)


def test_capped_answer_moves_the_window_end_to_just_after_its_oldest_start() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    starts = [NOW - timedelta(hours=i) for i in range(1000)]
    new, done = after_window(state, starts)
    assert not done
    assert new.window_end == min(starts) + timedelta(seconds=1)


def test_answer_under_the_cap_completes_the_fetch_and_sets_the_watermark() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    new, done = after_window(state, [NOW - timedelta(hours=1)])
    assert done
    assert new.watermark == NOW - SKEW_MARGIN
    assert not new.full_fetch_in_progress


def test_capped_answer_without_progress_is_refused() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    end = current_window(state).end
    with pytest.raises(ValueError, match="within one second"):
        after_window(state, [end - timedelta(microseconds=1)] * 1000)


def test_capped_window_covers_only_starts_after_its_oldest() -> None:
    window = current_window(begin_full_fetch(SyncState(), NOW))
    starts = [NOW - timedelta(minutes=i) for i in range(1000)]
    assert window_covers(window, starts) == (min(starts), False)
    assert window_covers(window, starts[:10]) == (window.floor, True)


def test_incremental_watermark_moves_to_the_newest_change() -> None:
    state = SyncState(watermark=NOW - timedelta(days=1))
    newest = NOW + timedelta(minutes=30)
    assert after_since(state, [NOW, newest, None], NOW).watermark == newest


def test_incremental_watermark_advances_to_request_time_without_changes() -> None:
    state = SyncState(watermark=NOW - timedelta(days=1))
    assert after_since(state, [], NOW).watermark == NOW - SKEW_MARGIN


def test_incremental_watermark_never_moves_back() -> None:
    state = SyncState(watermark=NOW)
    assert after_since(state, [], NOW - timedelta(days=1)).watermark == NOW


def test_budget_stops_at_max_requests() -> None:
    assert budget_stop(5, max_requests=5, quota_remaining=None, reserve=3) is StopReason.MAX_REQUESTS
    assert budget_stop(4, max_requests=5, quota_remaining=None, reserve=3) is None


def test_budget_ignores_a_negative_remainder_of_an_unenforced_quota() -> None:
    assert budget_stop(0, max_requests=None, quota_remaining=-12, reserve=3) is None


def test_budget_stops_when_quota_reaches_the_reserve() -> None:
    assert budget_stop(0, max_requests=None, quota_remaining=3, reserve=3) is StopReason.QUOTA_RESERVE
    assert budget_stop(0, max_requests=None, quota_remaining=4, reserve=3) is None


def test_resumed_full_fetch_skips_related_data_already_read() -> None:
    state = SyncState(window_end=NOW, window_floor=NOW - timedelta(days=80), full_started=NOW - SKEW_MARGIN,
                      related_at=NOW)
    assert not related_needed(state)
    assert related_needed(SyncState(watermark=NOW, related_at=NOW))


def test_organizations_are_read_on_first_run_when_stale_or_unknown() -> None:
    assert organizations_needed(SyncState(), NOW, [1], [])
    fresh = SyncState(organizations_at=NOW - timedelta(hours=1))
    assert not organizations_needed(fresh, NOW, [1], [1])
    assert organizations_needed(fresh, NOW, [1, 2], [1])
    assert organizations_needed(SyncState(organizations_at=NOW - timedelta(days=2)), NOW, [1], [1])


def test_members_are_read_first_then_daily_or_when_an_entry_names_someone_new() -> None:
    assert users_needed(SyncState(), NOW, [], [])
    fresh = SyncState(users_at=NOW - timedelta(hours=1))
    assert not users_needed(fresh, NOW, [7, None], [7])
    assert users_needed(fresh, NOW, [7, 8], [7])
    assert users_needed(SyncState(users_at=NOW - timedelta(hours=25)), NOW, [], [7])


def test_diff_sorts_answers_into_added_changed_removed() -> None:
    old_a, old_b = _tracker(1, NOW), _tracker(2, NOW)
    cached = {1: old_a, 2: old_b, 3: _tracker(3, NOW)}
    incoming = [
        _tracker(1, NOW),  # same
        _tracker(2, NOW, billable=True),  # changed
        _tracker(4, NOW),  # new
        _tracker(3, NOW, server_deleted_at=NOW),  # deleted on Toggl
    ]
    changes = diff_models(cached, incoming)
    assert [m.id for m in changes.added] == [4]
    assert [m.id for m in changes.changed] == [2]
    assert [m.id for m in changes.removed] == [3]
    assert changes.unchanged == 1


def test_diff_of_a_complete_list_removes_what_it_no_longer_mentions() -> None:
    cached = {1: TogglProject(1, "a"), 2: TogglProject(2, "b")}
    changes = diff_models(cached, [TogglProject(1, "a")], replace_ids=list(cached))
    assert [m.id for m in changes.removed] == [2]


def test_diff_ignores_deletions_of_entities_never_cached() -> None:
    changes = diff_models({}, [_tracker(9, NOW, server_deleted_at=NOW)])
    assert changes.removed == ()
    assert changes.added == ()
