"""Pure request builders for projects: bodies, filters and status queries."""

from __future__ import annotations

from datetime import date

import pytest

from toggl_api import ProjectBody, TogglProject
from toggl_api._core.api import project as api
from toggl_api._core.query import matches_all

TODAY = date(2026, 11, 20)


def _project(start: date, end: date | None = None, *, active: bool = True) -> TogglProject:
    return TogglProject(1, "p", start_date=start, end_date=end, active=active)


def test_status_to_query_upcoming_selects_projects_starting_after_today_c20() -> None:
    """C20: upstream's UPCOMING used ``start_date < now`` (inverted)."""
    queries = api.status_to_query(TogglProject.Status.UPCOMING, today=TODAY)
    assert matches_all(_project(date(2026, 12, 1)), queries)
    assert not matches_all(_project(date(2026, 11, 1)), queries)


def test_status_to_query_ended_selects_projects_whose_end_passed_c20() -> None:
    """C20: upstream's ENDED used ``end_date > now`` (inverted)."""
    queries = api.status_to_query(TogglProject.Status.ENDED, today=TODAY)
    assert matches_all(_project(date(2026, 1, 1), date(2026, 11, 19)), queries)
    assert not matches_all(_project(date(2026, 1, 1), date(2026, 12, 1)), queries)


def test_status_to_query_archived_selects_inactive_projects_c19() -> None:
    queries = api.status_to_query(TogglProject.Status.ARCHIVED, today=TODAY)
    assert matches_all(_project(TODAY, active=False), queries)
    assert not matches_all(_project(TODAY), queries)


def test_status_to_query_active_is_not_expressible() -> None:
    with pytest.raises(NotImplementedError, match="get_status"):
        api.status_to_query(TogglProject.Status.ACTIVE, today=TODAY)


def test_collect_params_of_no_body_ask_for_active_projects() -> None:
    assert api.collect_params(None) == {"active": True}


def test_collect_params_reject_a_non_status() -> None:
    with pytest.raises(TypeError, match=r"TogglProject\.Status"):
        api.collect_params(ProjectBody(statuses=["active"]))  # type: ignore[list-item]


def test_collect_request_rejects_per_page_over_200() -> None:
    with pytest.raises(ValueError, match="between 1 and 200"):
        api.collect(1, {}, per_page=201)


def test_add_body_prefers_client_id_over_client_name() -> None:
    body = ProjectBody(name="p", client_id=3, client_name="c")
    assert api.add(1, body).json == {"workspace_id": 1, "active": True, "is_private": True, "name": "p", "client_id": 3}


def test_edit_body_of_an_untouched_body_is_empty() -> None:
    assert api.edit(1, 2, ProjectBody()).json == {"workspace_id": 1}


def test_collect_format_gives_the_query_parameters_f6() -> None:
    """F6: upstream sent ``active``/``is_private`` everywhere and put collect filters in a body."""
    assert ProjectBody(active="both", client_ids=[1]).format("collect") == {"active": "both", "client_ids": [1]}


def test_hex_colours_are_lowercased() -> None:
    assert api.add(1, ProjectBody(name="p", color="#ABCDEF")).json["color"] == "#abcdef"


def test_cacheable_excludes_filters_the_cache_cannot_apply() -> None:
    assert api.cacheable(ProjectBody(client_ids=[1]), sort_pinned=False, only_me=False, only_templates=False)
    assert not api.cacheable(ProjectBody(group_ids=[1]), sort_pinned=False, only_me=False, only_templates=False)
    assert not api.cacheable(None, sort_pinned=True, only_me=False, only_templates=False)
