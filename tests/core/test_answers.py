"""The one rule for unexpected answers, the page guard and the bounded header readings, as values."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from toggl_api._core.answers import body_problem, decode_many, excerpt, related_from_answer
from toggl_api._core.api.request import Shape
from toggl_api._core.cache_args import check_mark_complete, check_set_value
from toggl_api._core.errors import PagingLimitError, UnexpectedResponseError, parse_retry_after
from toggl_api._core.models import TogglTag
from toggl_api._core.paging import PageGuard
from toggl_api._core.quota import quota_from_response

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
REQUEST = httpx.Request("GET", "https://api.track.toggl.com/api/v9/workspaces/1/tags")


def _response(content: bytes = b"[]", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, content=content, headers=headers or {}, request=REQUEST)


@pytest.mark.parametrize(
    ("shape", "content_type", "content", "problem"),
    [
        (Shape.LIST, "text/html", b"<html></html>", "a text/html body where a JSON array belongs"),
        (Shape.LIST, "application/json", b"", "an empty body where a JSON array belongs"),
        (Shape.LIST, "application/json", b"{}", "a JSON object where a JSON array belongs"),
        (Shape.OBJECT, "application/json", b"[]", "a JSON array where a JSON object belongs"),
        (Shape.OBJECT_OR_NULL, "application/json", b"3", "a number where a JSON object or null belongs"),
        (Shape.JSON, "application/json", b'{"a": ', "a body that is not valid JSON"),
        (Shape.JSON, "application/json", b"[" * 100_000, "JSON nested too deeply to read"),
    ],
)
def test_body_problem_names_what_is_wrong(shape: Shape, content_type: str, content: bytes, problem: str) -> None:
    assert body_problem(shape, content_type, content) == (problem, None)


@pytest.mark.parametrize(
    ("shape", "content", "value"),
    [(Shape.LIST, b"null", None), (Shape.LIST, b"[1]", [1]), (Shape.OBJECT_OR_NULL, b"", None),
     (Shape.JSON, b"", None), (Shape.ANY, b"%PDF", b"%PDF")],
)
def test_body_problem_accepts_what_the_route_documents(shape: Shape, content: bytes, value: object) -> None:
    assert body_problem(shape, "application/json", content) == (None, value)


def test_a_server_varying_its_content_type_gets_the_same_verdicts_and_no_growing_table() -> None:
    from toggl_api._core import answers

    verdicts = [body_problem(Shape.OBJECT, f"{kind}; boundary={i}", b"{}")[0]
                for i in range(200) for kind in ("application/json", "text/html")]

    assert verdicts == [None, "a text/html body where a JSON object belongs"] * 200
    assert len(answers._JUDGED_TYPES) <= answers._JUDGED_TYPES_MAX
    assert body_problem(Shape.OBJECT, " Application/Problem+JSON ", b"{}") == (None, {})
    # whitespace-only bodies are empty, without copying the body to find out
    assert body_problem(Shape.OBJECT_OR_NULL, "application/json", b" \r\n\t") == (None, None)
    assert body_problem(Shape.LIST, "application/json", b" \n")[0] == "an empty body where a JSON array belongs"


def test_excerpt_hides_tokens_and_secret_values_and_is_short() -> None:
    text = excerpt(b'{"api_token": "abc", "other": "0123456789abcdef0123456789abcdef", "x": "' + b"y" * 500 + b'"}')
    assert "abc" not in text
    assert "0123456789abcdef" not in text
    assert len(text) <= 120


def test_one_bad_item_fails_the_whole_list() -> None:
    items = [{"id": 1, "name": "a", "workspace_id": 1}, {"id": 2.5, "name": "b", "workspace_id": 1}]
    with pytest.raises(UnexpectedResponseError, match="item 1"):
        decode_many(TogglTag, items, now=NOW, response=_response())


def test_a_null_list_is_empty() -> None:
    assert decode_many(TogglTag, None, now=NOW, response=_response()) == []


def test_page_guard_refuses_a_repeated_page() -> None:
    guard = PageGuard("GET /x")
    guard.admit((1, 2))
    with pytest.raises(PagingLimitError, match="repeated") as caught:
        guard.admit((1, 2))
    assert (caught.value.route, caught.value.pages) == ("GET /x", 2)


def test_page_guard_refuses_the_page_past_the_cap() -> None:
    guard = PageGuard("GET /x", cap=2)
    guard.admit(1)
    guard.admit(2)
    with pytest.raises(PagingLimitError, match="more than 2 pages"):
        guard.admit(3)


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "-1e400", "9" * 400, "abc"])
def test_an_absurd_quota_reading_counts_as_missing(value: str) -> None:
    info = quota_from_response(_response(headers={"X-Toggl-Quota-Remaining": value}), NOW)
    assert info is None


def test_an_absurd_reset_is_ignored_but_the_remainder_kept() -> None:
    headers = {"X-Toggl-Quota-Remaining": "7", "X-Toggl-Quota-Resets-In": "inf"}
    info = quota_from_response(_response(headers=headers), NOW)
    assert info is not None
    assert (info.remaining, info.resets_in, info.resets_at) == (7, None, None)


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "100000"])
def test_an_absurd_retry_after_is_no_hint(value: str) -> None:
    assert parse_retry_after(_response(headers={"Retry-After": value})) is None


def test_mark_complete_with_a_non_datetime_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="when must be an aware datetime"):
        check_mark_complete("tags", 5)


def test_a_lone_surrogate_value_is_a_value_error_before_any_write() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        check_set_value("key", "\ud800")


def test_related_data_treats_null_lists_as_empty() -> None:
    me = {"id": 1, "email": "e", "workspaces": [{"id": 5, "name": "w", "organization_id": 2}], "tags": None,
          "projects": None, "tasks": None}
    related = related_from_answer(me, now=NOW, response=_response())
    assert (related.tags, related.projects, related.tasks, related.user) == ([], [], [], {"id": 1, "email": "e"})


def test_related_data_decodes_tasks() -> None:
    me = {"id": 1, "workspaces": [{"id": 5, "name": "w", "organization_id": 2}],
          "tasks": [{"id": 9, "name": "t", "workspace_id": 5, "project_id": 3, "active": True}]}
    related = related_from_answer(me, now=NOW, response=_response())
    assert [(t.id, t.project) for t in related.tasks] == [(9, 3)]


def test_a_task_out_of_shape_fails_the_related_data() -> None:
    me = {"id": 1, "workspaces": [{"id": 5, "name": "w", "organization_id": 2}], "tasks": [{"id": "x"}]}
    with pytest.raises(UnexpectedResponseError, match="tasks"):
        related_from_answer(me, now=NOW, response=_response())
