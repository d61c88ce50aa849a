"""The endpoint bases: toggl-api-wrapper's ``request()`` shape, a caller's client left untouched, base URLs."""

from __future__ import annotations

import httpx
import pytest

from toggl_api import TogglAPIError, TogglTag, TogglWorkspace
from toggl_api._core.api.request import RequestMethod
from toggl_api.asyncio import TogglAsyncEndpoint
from toggl_api.testing import Emulator, EmulatorServer, FakeClock


class AsyncWorkspaceReader(TogglAsyncEndpoint[TogglWorkspace]):
    MODEL = TogglWorkspace


class AsyncTagReader(TogglAsyncEndpoint[TogglTag]):
    MODEL = TogglTag


class AsyncRawReader(TogglAsyncEndpoint[TogglTag]):
    MODEL = None


async def test_request_decodes_a_dict_into_the_model(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    endpoint = AsyncWorkspaceReader(toggl_auth, client=http_client, clock=fake_clock)
    workspace = await endpoint.request(f"workspaces/{toggl_workspace_id}")
    assert isinstance(workspace, TogglWorkspace)
    assert workspace.id == toggl_workspace_id
    assert workspace.timestamp == fake_clock.now()


async def test_request_decodes_a_list_into_models(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    endpoint = AsyncTagReader(toggl_auth, client=http_client)
    tags = await endpoint.request(f"workspaces/{toggl_workspace_id}/tags")
    assert tags
    assert all(isinstance(t, TogglTag) and t.workspace == toggl_workspace_id for t in tags)


async def test_request_without_model_returns_json(http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth) -> None:
    endpoint = AsyncRawReader(toggl_auth, client=http_client)
    me = await endpoint.request("me")
    assert isinstance(me, dict)
    assert me["email"] == "demo@example.com"


async def test_raw_request_returns_the_response(http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth) -> None:
    endpoint = AsyncRawReader(toggl_auth, client=http_client)
    response = await endpoint.request("me", raw=True)
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200


async def test_get_body_is_sent_as_query_parameters_r5(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    """R5: filters given as a GET body reach the API instead of being dropped."""
    endpoint = AsyncRawReader(toggl_auth, client=http_client)
    await endpoint.request(f"workspaces/{toggl_workspace_id}/clients", body={"status": "archived"})
    assert toggl_emulator.requests[-1].params == {"status": "archived"}


async def test_caller_client_is_not_modified_r8(
    toggl_transport: httpx.MockTransport, toggl_auth: httpx.BasicAuth
) -> None:
    """R8: the endpoint neither sets auth, base URL nor timeout on a client it was given."""
    async with httpx.AsyncClient(transport=toggl_transport, timeout=33) as client:
        endpoint = AsyncRawReader(toggl_auth, client=client, timeout=5)
        await endpoint.request("me")
        assert client.auth is None
        assert str(client.base_url) == ""
        assert client.timeout == httpx.Timeout(33)
        await endpoint.aclose()
        assert not client.is_closed


async def test_endpoint_closes_the_client_it_created() -> None:
    endpoint = AsyncRawReader(httpx.BasicAuth("t", "api_token"))
    async with endpoint:
        assert not endpoint.client.is_closed
    assert endpoint.client.is_closed


async def test_error_answer_raises_a_typed_httpx_status_error(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth
) -> None:
    endpoint = AsyncRawReader(toggl_auth, client=http_client)
    with pytest.raises(httpx.HTTPStatusError) as info:
        await endpoint.request("me/time_entries?since=1&before=2024-01-01")
    assert isinstance(info.value, TogglAPIError)
    assert info.value.status == 400
    assert info.value.message == "'since' and 'before' can not be present simultaneously"


async def test_repr_and_errors_never_show_the_token(http_client: httpx.AsyncClient) -> None:
    auth = httpx.BasicAuth("super-secret-token", "api_token")
    endpoint = AsyncRawReader(auth, client=http_client)
    with pytest.raises(TogglAPIError) as info:
        await endpoint.request("me")
    assert "super-secret-token" not in repr(endpoint)
    assert "super-secret-token" not in str(info.value)


async def test_base_url_argument_points_at_a_loopback_server(
    toggl_server: EmulatorServer, toggl_auth: httpx.BasicAuth
) -> None:
    endpoint = AsyncRawReader(toggl_auth, base_url=toggl_server.url)
    async with endpoint:
        me = await endpoint.request("me")
    assert me["email"] == "demo@example.com"
    assert endpoint.base_url == toggl_server.url + "/api/v9/"


async def test_base_url_from_environment(
    toggl_server: EmulatorServer, toggl_auth: httpx.BasicAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOGGL_API_BASE_URL", toggl_server.url)
    async with AsyncRawReader(toggl_auth) as endpoint:
        assert (await endpoint.request("me"))["email"] == "demo@example.com"


async def test_post_method_sends_the_json_body(
    http_client: httpx.AsyncClient, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, toggl_emulator: Emulator
) -> None:
    endpoint = AsyncTagReader(toggl_auth, client=http_client)
    tag = await endpoint.request(f"workspaces/{toggl_workspace_id}/tags", body={"name": "fresh"},
                                 method=RequestMethod.POST)
    assert isinstance(tag, TogglTag)
    assert tag.name == "fresh"
    assert toggl_emulator.requests[-1].json == {"name": "fresh"}


async def test_api_status_is_true_against_the_emulator(toggl_server: EmulatorServer) -> None:
    assert await AsyncRawReader.api_status(base_url=toggl_server.url) is True


async def test_api_status_is_false_when_nothing_listens() -> None:
    assert await AsyncRawReader.api_status(base_url="http://127.0.0.1:9") is False


async def test_auth_given_as_a_string_is_refused_without_echoing_it() -> None:
    with pytest.raises(TypeError, match=r"httpx\.BasicAuth") as info:
        AsyncRawReader("my-secret-token")  # type: ignore[arg-type]
    assert "my-secret-token" not in str(info.value)


async def test_auth_given_as_a_user_password_tuple_is_accepted(
    http_client: httpx.AsyncClient, toggl_account: object
) -> None:
    endpoint = AsyncRawReader((toggl_account.api_token, "api_token"), client=http_client)  # type: ignore[arg-type, attr-defined]
    assert (await endpoint.request("me"))["email"] == "demo@example.com"


async def test_timeout_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="timeout must be seconds"):
        AsyncRawReader(httpx.BasicAuth("t", "api_token"), timeout="10")  # type: ignore[arg-type]
