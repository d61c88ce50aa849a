"""Requests as values: query parameters, bodies and legacy path strings."""

from __future__ import annotations

import httpx

from toggl_api._core.api.request import (
    Api,
    ApiRequest,
    RequestMethod,
    base_url_for,
    build_httpx_request,
    split_legacy_parameters,
)


def test_list_params_are_comma_joined_and_bools_lowercase() -> None:
    request = ApiRequest(RequestMethod.GET, "x", {"client_ids": [1, 2], "active": False, "skip": None})
    assert request.params == (("client_ids", "1,2"), ("active", "false"))


def test_post_is_the_only_non_idempotent_method() -> None:
    assert [m.name for m in RequestMethod if not m.idempotent] == ["POST"]


def test_legacy_parameters_split_path_and_query() -> None:
    assert split_legacy_parameters("workspaces/1/clients?status=archived&name=a%20b") == (
        "workspaces/1/clients",
        (("status", "archived"), ("name", "a b")),
    )


def test_built_request_has_query_body_and_json_header() -> None:
    with httpx.Client() as client:
        request = build_httpx_request(
            client,
            ApiRequest(RequestMethod.POST, "workspaces/1/tags", {"meta": True}, {"name": "t"}),
            base_url_for(Api.TRACK, "http://127.0.0.1:9"),
        )
    assert str(request.url) == "http://127.0.0.1:9/api/v9/workspaces/1/tags?meta=true"
    assert request.headers["content-type"] == "application/json"
    assert request.content == b'{"name":"t"}'


def test_get_without_body_sends_no_content_type() -> None:
    with httpx.Client() as client:
        request = build_httpx_request(client, ApiRequest(RequestMethod.GET, "me"), base_url_for(Api.TRACK, None))
    assert "content-type" not in request.headers
    assert str(request.url) == "https://api.track.toggl.com/api/v9/me"


def test_reports_base_url() -> None:
    assert base_url_for(Api.REPORTS, None) == "https://api.track.toggl.com/reports/api/v3/"


def test_remembered_json_is_returned_without_parsing_again() -> None:
    from toggl_api._core.api.request import parsed_json, remember_json

    response = httpx.Response(200, content=b"not json at all")
    assert parsed_json(response) is None
    remember_json(response, None)
    assert parsed_json(response) == (None,)


def test_extra_headers_go_over_the_accept_default() -> None:
    with httpx.Client() as client:
        request = build_httpx_request(client, ApiRequest(RequestMethod.GET, "me", headers=(("Accept", "text/csv"),)),
                                      base_url_for(Api.TRACK, None))
    assert request.headers.get_list("accept") == ["text/csv"]
