"""How far a full fetch has come (``history_share``) and the windows left at that pace (``windows_left``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from attrs import evolve

from toggl_api._core.sync_plan import SyncState, begin_full_fetch, history_share, windows_left

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def test_no_share_without_a_full_fetch() -> None:
    assert history_share(SyncState()) is None


def test_a_new_full_fetch_has_read_nothing() -> None:
    assert history_share(begin_full_fetch(SyncState(), NOW)) == 0.0


def test_the_share_follows_the_window_end_back_to_the_floor() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    assert state.window_floor is not None
    assert state.window_end is not None
    middle = state.window_floor + (state.window_end - state.window_floor) / 2

    share = history_share(evolve(state, window_end=middle))

    assert share is not None
    assert abs(share - 0.5) < 1e-6


def test_windows_left_is_unknown_before_the_first_window() -> None:
    assert windows_left(0.0, 0) is None
    assert windows_left(None, 3) is None


def test_windows_left_follows_the_pace_so_far() -> None:
    assert windows_left(0.25, 1) == 3
    assert windows_left(0.5, 2) == 2


def test_no_window_is_left_once_everything_is_read() -> None:
    assert windows_left(1.0, 4) == 0


def test_a_little_left_is_still_one_window() -> None:
    assert windows_left(0.999, 5) == 1


def test_the_share_is_never_above_one_for_a_window_end_past_the_floor() -> None:
    state = begin_full_fetch(SyncState(), NOW)
    assert state.window_floor is not None
    assert history_share(evolve(state, window_end=state.window_floor - timedelta(days=1))) == 1.0
