"""Pure decisions of what a report covers: its zone, its days and its workspaces."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from toggl_api.cli.filters import FilterError
from toggl_api.cli.scope import ZoneSource, choose_zone, local_day, parse_zone, report_range, report_workspaces

TODAY = date(2026, 11, 20)
NAMES = {1: "Main", 2: "Side"}


def test_default_range_is_the_last_30_days_including_today() -> None:
    assert report_range(TODAY, None, None) == (date(2026, 10, 22), TODAY)


def test_until_alone_ends_a_30_day_range() -> None:
    assert report_range(TODAY, None, date(2026, 11, 1)) == (date(2026, 10, 3), date(2026, 11, 1))


def test_since_alone_runs_to_today() -> None:
    assert report_range(TODAY, date(2026, 11, 2), None) == (date(2026, 11, 2), TODAY)


def test_since_after_today_without_until_is_refused_naming_today() -> None:
    with pytest.raises(FilterError, match=r"--since 2026-11-21 is after today \(2026-11-20\)"):
        report_range(TODAY, date(2026, 11, 21), None)


def test_a_local_report_covers_every_cached_workspace_by_default() -> None:
    chosen = report_workspaces(given=None, remote=False, cached=NAMES, default=1)

    assert (chosen.ids, chosen.label, chosen.note) == ((1, 2), "all 2 workspaces: Main, Side", None)


def test_a_remote_report_takes_the_default_workspace_and_explains_the_difference() -> None:
    chosen = report_workspaces(given=None, remote=True, cached=NAMES, default=2)

    assert (chosen.ids, chosen.label) == ((2,), "workspace Side")
    assert "the local report covers all 2" in (chosen.note or "")


def test_a_given_workspace_is_the_same_for_local_and_remote() -> None:
    local = report_workspaces(given=2, remote=False, cached=NAMES, default=1)
    remote = report_workspaces(given=2, remote=True, cached=NAMES, default=1)

    assert local == remote


def test_a_remote_report_without_a_default_among_several_workspaces_names_them() -> None:
    with pytest.raises(FilterError, match=r"pass --workspace \(one of: Main \(id 1\), Side \(id 2\)\)"):
        report_workspaces(given=None, remote=True, cached=NAMES, default=None)


def test_a_remote_report_with_one_cached_workspace_needs_no_default() -> None:
    assert report_workspaces(given=None, remote=True, cached={1: "Main"}, default=None).ids == (1,)


def test_tz_option_wins_over_toggl_and_local_zones() -> None:
    zone = choose_zone("Asia/Tokyo", "Europe/Berlin", "America/Chicago")

    assert (zone.name, zone.source) == ("Asia/Tokyo", ZoneSource.OPTION)


def test_toggl_zone_wins_over_the_local_one() -> None:
    assert choose_zone(None, "Europe/Berlin", "America/Chicago").source is ZoneSource.TOGGL


def test_an_unknown_cached_zone_falls_back_to_the_local_one() -> None:
    assert choose_zone(None, "Nowhere/Special", "America/Chicago").name == "America/Chicago"


def test_no_known_zone_is_utc_and_says_why() -> None:
    zone = choose_zone(None, None, None)

    assert (zone.tz, zone.source) == (timezone.utc, ZoneSource.FALLBACK)


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", ""])
def test_an_unknown_zone_name_is_refused_with_what_to_pass(name: str) -> None:
    with pytest.raises(FilterError, match="pass an IANA name such as Europe/Paris"):
        parse_zone(name)


def test_a_day_is_the_calendar_day_of_the_start_in_the_zone() -> None:
    late = datetime(2026, 11, 9, 23, 30, tzinfo=timezone.utc)

    assert (local_day(late, parse_zone("Europe/Berlin")), local_day(late, timezone.utc)) == (
        date(2026, 11, 10),
        date(2026, 11, 9),
    )
