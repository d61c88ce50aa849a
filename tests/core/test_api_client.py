"""Pure request builders for clients, tags, organizations, workspaces and the user."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from toggl_api import ClientBody, DateTimeError, NamingError, WorkspaceBody
from toggl_api._core.api import client as client_api
from toggl_api._core.api import organization as org_api
from toggl_api._core.api import tag as tag_api
from toggl_api._core.api import user as user_api
from toggl_api._core.api import workspace as workspace_api

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def test_client_collect_without_body_sends_no_filters() -> None:
    assert client_api.collect(1).params == ()


def test_client_mapping_view_includes_status() -> None:
    assert dict(ClientBody(name="a", status="archived")) == {"name": "a", "status": "archived"}


def test_client_body_never_puts_status_into_a_write() -> None:
    assert ClientBody(name="a", status="archived").format("add") == {"name": "a"}


def test_client_name_of_exactly_100_characters_is_accepted() -> None:
    assert client_api.validate_client_name("x" * 100)


def test_client_list_queries_for_both_only_select_the_workspace() -> None:
    assert [q.key for q in client_api.list_queries(1, "both")] == ["workspace"]


def test_tag_name_must_be_a_string() -> None:
    with pytest.raises(NamingError):
        tag_api.validate_tag_name(None)


def test_organization_edit_validates_the_name() -> None:
    with pytest.raises(NamingError, match="non-space"):
        org_api.edit(1, "   ")


def test_organization_delete_leaves_the_organization() -> None:
    assert org_api.leave(5).path == "organizations/5/users/leave"


def test_workspace_body_defaults_send_nothing_on_edit() -> None:
    assert WorkspaceBody().format("edit") == {}


def test_workspace_body_rejects_an_unknown_rate_change_mode() -> None:
    with pytest.raises(ValueError, match="rate_change_mode"):
        WorkspaceBody(rate_change_mode="later")  # type: ignore[arg-type]


def test_workspace_since_in_the_future_is_rejected() -> None:
    with pytest.raises(DateTimeError):
        workspace_api.validate_since(NOW + timedelta(seconds=1), NOW)


def test_workspace_since_respects_the_offset_d1() -> None:
    since = datetime(2026, 11, 20, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert workspace_api.validate_since(since, NOW) == int(NOW.timestamp())


def test_user_details_with_related_data_is_a_query_parameter() -> None:
    assert user_api.details(with_related_data=True).params == (("with_related_data", "true"),)
