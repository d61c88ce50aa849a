"""The pure rules of the timer commands: ``--at``, freshness of "what runs now?", and the one-line text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from toggl_api.cli import timing

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 10, 17, tzinfo=UTC)


def test_at_a_time_of_day_is_today_in_the_display_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert timing.parse_at("09:12", NOW, paris) == datetime(2026, 11, 20, 9, 12, tzinfo=paris)


def test_at_a_naive_iso_time_is_in_the_display_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert timing.parse_at("2026-11-19T08:00", NOW, paris) == datetime(2026, 11, 19, 8, 0, tzinfo=paris)


def test_at_in_the_future_is_refused() -> None:
    with pytest.raises(timing.TimerError, match="in the future"):
        timing.parse_at("11:00", NOW, UTC)


@pytest.mark.parametrize("text", ["25:00", "9h", "yesterday", "2026-11-20garbage"])
def test_at_garbage_is_refused_saying_what_to_pass(text: str) -> None:
    with pytest.raises(timing.TimerError, match="HH:MM"):
        timing.parse_at(text, NOW, UTC)


def test_the_cache_knows_what_runs_for_a_minute_after_toggl_said_so() -> None:
    assert timing.knows_running(NOW - timedelta(seconds=59), NOW, live=False)
    assert not timing.knows_running(NOW - timedelta(seconds=60), NOW, live=False)


def test_the_cache_never_knew_without_a_check() -> None:
    assert not timing.knows_running(None, NOW, live=False)


def test_a_check_dated_in_the_future_is_not_trusted() -> None:
    assert not timing.knows_running(NOW + timedelta(seconds=5), NOW, live=False)


def test_a_live_cache_always_knows() -> None:
    assert timing.knows_running(None, NOW, live=True)


@pytest.mark.parametrize(("seconds", "text"), [(3900, "1h 05m"), (720, "12m"), (40, "40s"), (-5, "0s")])
def test_durations_read_as_people_write_them(seconds: int, text: str) -> None:
    assert timing.human_duration(seconds) == text


def test_a_running_entry_line() -> None:
    line = timing.entry_line(
        "Writing docs", NOW - timedelta(minutes=65), None, NOW, UTC, project="Website", client="Acme"
    )
    assert line == "▶ Writing docs · Website (Acme) · started 09:12, running 1h 05m"


def test_a_stopped_entry_line_shows_its_span() -> None:
    line = timing.entry_line("Docs", NOW - timedelta(minutes=65), NOW, NOW, UTC, tags=["deep-work"])
    assert line == "■ Docs · #deep-work · 09:12 → 10:17 (1h 05m)"


def test_an_entry_of_another_day_shows_the_date() -> None:
    line = timing.entry_line("Docs", NOW - timedelta(days=1), None, NOW, UTC)
    assert "started 2026-11-19 10:17" in line
