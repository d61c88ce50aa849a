"""Client-side limits: the hourly request budget and the per-second pacing, as pure state machines."""

from __future__ import annotations

import pytest

from toggl_api._core.limits import RequestBudget, Throttle


def test_budget_allows_up_to_its_limit_within_the_window() -> None:
    budget = RequestBudget(3, window=60)
    assert [budget.try_acquire(t) for t in (0.0, 1.0, 2.0)] == [None, None, None]


def test_budget_refuses_over_the_limit_with_the_time_until_a_slot_frees() -> None:
    budget = RequestBudget(2, window=60)
    budget.try_acquire(0.0)
    budget.try_acquire(10.0)
    assert budget.try_acquire(20.0) == pytest.approx(40.0)


def test_budget_window_slides_one_request_at_a_time() -> None:
    budget = RequestBudget(2, window=60)
    budget.try_acquire(0.0)
    budget.try_acquire(10.0)
    assert budget.try_acquire(60.0) is None
    assert budget.try_acquire(61.0) == pytest.approx(9.0)


def test_refused_requests_do_not_count_against_the_budget() -> None:
    budget = RequestBudget(1, window=60)
    budget.try_acquire(0.0)
    budget.try_acquire(30.0)
    assert budget.remaining(60.0) == 1


def test_budget_reports_remaining_requests() -> None:
    budget = RequestBudget(5, window=3600)
    budget.try_acquire(0.0)
    budget.try_acquire(1.0)
    assert budget.remaining(2.0) == 3


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_budget_rejects_a_limit_that_is_not_a_positive_int(limit: object) -> None:
    with pytest.raises(ValueError, match="limit must be a positive int"):
        RequestBudget(limit)  # type: ignore[arg-type]


def test_budget_rejects_a_non_positive_window() -> None:
    with pytest.raises(ValueError, match="window"):
        RequestBudget(1, window=0)


def test_throttle_lets_the_first_request_go_at_once() -> None:
    assert Throttle(1.0).reserve(100.0) == 0.0


def test_throttle_spaces_back_to_back_requests_by_the_interval() -> None:
    throttle = Throttle(2.0)
    assert [throttle.reserve(0.0) for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]


def test_throttle_does_not_delay_requests_that_come_slower_than_the_rate() -> None:
    throttle = Throttle(1.0)
    throttle.reserve(0.0)
    assert throttle.reserve(5.0) == 0.0


@pytest.mark.parametrize("rate", [0, -1.0, float("inf")])
def test_throttle_rejects_a_rate_that_is_not_positive_and_finite(rate: float) -> None:
    with pytest.raises(ValueError, match="per_second must be a positive number"):
        Throttle(rate)
