"""Fidelity: organizations, their users, groups and workspaces (one test per route)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import assert_shape, error, ok, unique


def _org_users(api: httpx.Client, oid: int) -> list[dict[str, Any]]:
    return list(ok(api.get(f"/organizations/{oid}/users")))


@pytest.fixture(scope="module")
def group(api: httpx.Client, oid: int, wid: int) -> dict[str, Any]:
    """A group made for this module."""
    return dict(ok(api.post(f"/organizations/{oid}/groups", json={"name": unique("Group"), "workspaces": [wid]})))


def test_post_organizations(api: httpx.Client) -> None:
    created = ok(api.post("/organizations", json={"name": unique("Org"), "workspace_name": "Main"}))
    assert_shape(created, "POST", "/organizations")
    assert created["workspace_name"] == "Main"
    assert created["id"] in [o["id"] for o in ok(api.get("/me/organizations"))]
    error(api.post("/organizations", json={"name": "", "workspace_name": "x"}), 400, "Field 'name' cannot be empty.")


def test_get_organization(api: httpx.Client, oid: int) -> None:
    org = ok(api.get(f"/organizations/{oid}"))
    assert_shape(org, "GET", "/organizations/{organization_id}")
    assert (org["id"], org["owner"]) == (oid, True)
    error(api.get("/organizations/1"), 404)


def test_put_organization(api: httpx.Client, oid: int) -> None:
    name = unique("Renamed org")
    assert ok(api.put(f"/organizations/{oid}", json={"name": name})) == "OK"
    assert ok(api.get(f"/organizations/{oid}"))["name"] == name
    error(api.put(f"/organizations/{oid}", json={}), 400, "At least one field is required")


def test_get_organization_groups(api: httpx.Client, oid: int, group: dict[str, Any]) -> None:
    groups = ok(api.get(f"/organizations/{oid}/groups"))
    assert_shape(groups, "GET", "/organizations/{organization_id}/groups")
    assert group["group_id"] in [g["group_id"] for g in groups]


def test_post_organization_groups(api: httpx.Client, oid: int, wid: int) -> None:
    me = ok(api.get("/me"))["id"]
    created = ok(
        api.post(f"/organizations/{oid}/groups", json={"name": unique("G"), "users": [me], "workspaces": [wid]})
    )
    assert_shape(created, "POST", "/organizations/{organization_id}/groups")
    assert [u["user_id"] for u in created["users"]] == [me]
    error(api.post(f"/organizations/{oid}/groups", json={"name": ""}), 400, "Group name must be present")


def test_delete_organization_group(api: httpx.Client, oid: int) -> None:
    created = ok(api.post(f"/organizations/{oid}/groups", json={"name": unique("Doomed")}))
    ok(api.delete(f"/organizations/{oid}/groups/{created['group_id']}"))
    assert created["group_id"] not in [g["group_id"] for g in ok(api.get(f"/organizations/{oid}/groups"))]
    error(api.delete(f"/organizations/{oid}/groups/{created['group_id']}"), 404, "Invalid group ID.")


def test_patch_organization_group(api: httpx.Client, oid: int, group: dict[str, Any]) -> None:
    me = ok(api.get("/me"))["id"]
    patches = [{"op": "add", "path": "/users", "value": [me]}, {"op": "add", "path": "/users", "value": [1]}]
    result = ok(api.patch(f"/organizations/{oid}/groups/{group['group_id']}", json=patches))
    assert_shape(result, "PATCH", "/organizations/{organization_id}/groups/{group_id}")
    assert (result["success"], [f["patch"] for f in result["failure"]]) == ([patches[0]], [patches[1]])
    listed = {g["group_id"]: g for g in ok(api.get(f"/organizations/{oid}/groups"))}
    assert me in [u["user_id"] for u in listed[group["group_id"]]["users"]]


def test_put_organization_group(api: httpx.Client, oid: int, wid: int) -> None:
    created = ok(api.post(f"/organizations/{oid}/groups", json={"name": unique("Before")}))
    name = unique("After")
    updated = ok(
        api.put(f"/organizations/{oid}/groups/{created['group_id']}", json={"name": name, "workspaces": [wid]})
    )
    assert_shape(updated, "PUT", "/organizations/{organization_id}/groups/{group_id}")
    assert (updated["name"], updated["workspaces"]) == (name, [wid])
    error(api.put(f"/organizations/{oid}/groups/1", json={"name": "x"}), 404, "Invalid group ID.")


def test_get_organization_users(api: httpx.Client, oid: int) -> None:
    response = api.get(f"/organizations/{oid}/users", params={"per_page": 1})
    users = ok(response)
    assert_shape(users, "GET", "/organizations/{organization_id}/users")
    assert int(response.headers["X-Records"]) >= 2
    assert len(users) == 1
    error(
        api.get(f"/organizations/{oid}/users", params={"sort_dir": "up"}),
        400,
        "sort_dir parameter can contain only 'asc' or 'desc'.",
    )


def test_put_organization_user(api: httpx.Client, oid: int) -> None:
    mate = next(u for u in _org_users(api, oid) if not u["owner"])
    assert ok(api.put(f"/organizations/{oid}/users/{mate['id']}", json={"organization_admin": True})) == "OK"
    assert next(u for u in _org_users(api, oid) if u["id"] == mate["id"])["admin"] is True
    error(api.put(f"/organizations/{oid}/users/1", json={"name": "x"}), 404, "Invalid organization user ID.")


def test_post_organization_workspaces(api: httpx.Client, oid: int) -> None:
    created = ok(api.post(f"/organizations/{oid}/workspaces", json={"name": unique("WS")}))
    assert_shape(created, "POST", "/organizations/{organization_id}/workspaces")
    assert created["id"] in [w["id"] for w in ok(api.get("/me/workspaces"))]
    fresh = ok(api.post("/organizations", json={"name": unique("Free org"), "workspace_name": "Only"}))
    error(
        api.post(f"/organizations/{fresh['id']}/workspaces", json={"name": "Second"}),
        400,
        "Multiple workspaces are not enabled in this organization.",
    )


def test_get_organization_workspace_groups(api: httpx.Client, oid: int, wid: int, group: dict[str, Any]) -> None:
    groups = ok(api.get(f"/organizations/{oid}/workspaces/{wid}/groups"))
    assert_shape(groups, "GET", "/organizations/{organization_id}/workspaces/{workspace_id}/groups")
    assert group["group_id"] in [g["group_id"] for g in groups]


def test_get_organization_workspace_users(api: httpx.Client, oid: int, wid: int) -> None:
    users = ok(api.get(f"/organizations/{oid}/workspaces/{wid}/workspace_users"))
    assert_shape(users, "GET", "/organizations/{organization_id}/workspaces/{workspace_id}/workspace_users")
    assert all(u["workspace_id"] == wid for u in users)


def test_patch_organization_workspace_users(api: httpx.Client, oid: int, wid: int) -> None:
    url = f"/organizations/{oid}/workspaces/{wid}/workspace_users"
    error(api.patch(url, json={"delete": [1]}), 400, "Wrong workspace user IDs")
    users = ok(api.get(url))
    me = ok(api.get("/me"))["id"]
    mate = next(u for u in users if u["user_id"] != me)
    assert ok(api.patch(url, json={"delete": [mate["id"]]})) == "OK"
    assert mate["id"] not in [u["id"] for u in ok(api.get(url))]


def test_patch_organization_users(api: httpx.Client, oid: int) -> None:
    error(
        api.patch(f"/organizations/{oid}/users", json={"delete": []}),
        400,
        "At least one organization user ID must be supplied.",
    )
    mate = next(u for u in _org_users(api, oid) if not u["owner"])
    assert ok(api.patch(f"/organizations/{oid}/users", json={"delete": [mate["id"]]})) == "OK"
    assert mate["id"] not in [u["id"] for u in _org_users(api, oid)]
