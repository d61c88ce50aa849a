"""Tags (reference §5.4, §6.6)."""

from __future__ import annotations

import httpx


def test_create_tag_returns_one_object(client: httpx.Client, wid: int) -> None:
    tag = client.post(f"/workspaces/{wid}/tags", json={"name": "new-tag"}).json()
    assert isinstance(tag, dict)
    assert tag["name"] == "new-tag"
    assert tag["workspace_id"] == wid
    assert tag["at"].endswith("Z")
    assert "." in tag["at"]


def test_duplicate_tag_name_returns_400_message(client: httpx.Client, wid: int) -> None:
    response = client.post(f"/workspaces/{wid}/tags", json={"name": "billable"})
    assert response.status_code == 400
    assert response.json() == "a tag with the name 'billable' already exists"


def test_blank_tag_name_returns_400_message(client: httpx.Client, wid: int) -> None:
    assert client.post(f"/workspaces/{wid}/tags", json={"name": ""}).json() == "tag name can't be blank"


def test_list_tags_of_workspace(client: httpx.Client, wid: int) -> None:
    assert len(client.get(f"/workspaces/{wid}/tags").json()) == 10


def test_rename_tag(client: httpx.Client, wid: int) -> None:
    tag = client.post(f"/workspaces/{wid}/tags", json={"name": "old"}).json()
    assert client.put(f"/workspaces/{wid}/tags/{tag['id']}", json={"name": "new"}).json()["name"] == "new"


def test_rename_tag_to_existing_name_returns_400(client: httpx.Client, wid: int) -> None:
    tag = client.post(f"/workspaces/{wid}/tags", json={"name": "old"}).json()
    response = client.put(f"/workspaces/{wid}/tags/{tag['id']}", json={"name": "bug"})
    assert response.json() == "a tag with the name 'bug' already exists"


def test_rename_unknown_tag_returns_404(client: httpx.Client, wid: int) -> None:
    response = client.put(f"/workspaces/{wid}/tags/1", json={"name": "x"})
    assert response.status_code == 404
    assert response.json() == "Tag was not found"


def test_delete_tag_then_delete_again_returns_404(client: httpx.Client, wid: int) -> None:
    tag = client.post(f"/workspaces/{wid}/tags", json={"name": "bye"}).json()
    assert client.delete(f"/workspaces/{wid}/tags/{tag['id']}").status_code == 200
    response = client.delete(f"/workspaces/{wid}/tags/{tag['id']}")
    assert response.status_code == 404
    assert response.json() == "Tag was not found."
