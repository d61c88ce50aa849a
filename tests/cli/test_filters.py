"""The CLI's filter rules as values: strict days, no reversed range, exact names or a clear refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from toggl_api.cli.filters import FilterError, check_range, match_name, parse_day


@dataclass(frozen=True)
class Item:
    id: int
    name: str


PROJECTS = [Item(1, "Website Redesign"), Item(2, "Marketing Site"), Item(3, "Old Website"), Item(4, "Blog")]


def test_a_day_is_parsed_from_yyyy_mm_dd() -> None:
    assert parse_day("2026-11-20", "--since") == date(2026, 11, 20)


def test_no_value_means_no_bound() -> None:
    assert parse_day(None, "--since") is None


@pytest.mark.parametrize("value", ["2026-11-20garbage", "2026-11-20T10:00", "20261120", "2026-02-30", "yesterday"])
def test_anything_but_a_real_yyyy_mm_dd_day_is_refused_naming_the_option_and_the_value(value: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_day(value, "--until")

    assert str(caught.value) == f"--until must be a date like 2026-11-20 (YYYY-MM-DD), got {value!r}"


def test_since_after_until_is_refused() -> None:
    with pytest.raises(FilterError, match=r"^--since 2026-11-21 is after --until 2026-11-20"):
        check_range(date(2026, 11, 21), date(2026, 11, 20))


def test_a_one_day_range_is_accepted() -> None:
    check_range(date(2026, 11, 20), date(2026, 11, 20))


def test_a_name_matches_exactly_in_any_letter_case() -> None:
    assert match_name(PROJECTS, "bLOG", "project") == 4


def test_a_name_never_matches_a_part_of_other_names_and_they_are_suggested() -> None:
    with pytest.raises(FilterError) as caught:
        match_name(PROJECTS, "site", "project")

    assert str(caught.value) == (
        "no cached project named 'site'; did you mean: Marketing Site, Old Website, Website Redesign? "
        "(see `toggl-api projects`)"
    )


def test_an_unknown_name_without_near_names_points_to_the_listing() -> None:
    with pytest.raises(FilterError) as caught:
        match_name(PROJECTS, "Nothing", "tag")

    assert str(caught.value) == "no cached tag named 'Nothing' (see `toggl-api tags`)"


def test_a_name_shared_by_several_items_is_ambiguous_and_lists_them_with_ids() -> None:
    items = [Item(7, "Blog"), Item(5, "blog"), Item(9, "Other")]

    with pytest.raises(FilterError) as caught:
        match_name(items, "BLOG", "project")

    assert str(caught.value) == "--project 'BLOG' is ambiguous: blog (id 5), Blog (id 7); pass the id or --workspace"


def test_an_id_selects_that_item() -> None:
    assert match_name(PROJECTS, "3", "project") == 3


def test_an_unknown_id_is_refused() -> None:
    with pytest.raises(FilterError, match=r"^no cached client has the id 99 "):
        match_name(PROJECTS, "99", "client")
