"""``AsyncWebhooksEndpoint`` (the Webhooks API v1) against the emulator's webhook side."""

from __future__ import annotations

import json

import httpx
import pytest

from toggl_api.errors import BadRequestError, ForbiddenError, NotFoundError, UnexpectedResponseError
from toggl_api.testing import Emulator, Fault
from toggl_api.testing.webhooks import StaticReceiver
from toggl_api.webhooks import AsyncWebhookReceiver, AsyncWebhooksEndpoint, EventFilter, WebhookApp

from ._webhook_helpers import RECEIVER_URL, SECRET


@pytest.fixture
def endpoint(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient
) -> AsyncWebhooksEndpoint:
    return AsyncWebhooksEndpoint(toggl_workspace_id, toggl_auth, client=http_client)


@pytest.fixture
def receiver(toggl_emulator: Emulator) -> AsyncWebhookReceiver:
    receiver = AsyncWebhookReceiver(SECRET, clock=toggl_emulator.clock)
    toggl_emulator.webhooks.mount(RECEIVER_URL, WebhookApp(receiver))
    return receiver


async def _create(endpoint: AsyncWebhooksEndpoint, description: str = "live cache", **kwargs: object) -> object:
    return await endpoint.create(RECEIVER_URL, ["time_entry"], description, secret=SECRET, **kwargs)  # type: ignore[arg-type]


async def test_create_is_validated_when_the_receiver_echoes_the_code(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    sub = await endpoint.create(RECEIVER_URL, ["time_entry"], "live cache", secret=SECRET)
    assert sub.validated
    assert sub.enabled
    assert sub.event_filters == (EventFilter("time_entry", "*"),)
    assert receiver.stats.pings == 1


async def test_create_is_refused_when_the_url_answers_an_error(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.webhooks.mount(RECEIVER_URL, StaticReceiver(500))
    with pytest.raises(BadRequestError, match="responded with status 500 instead of 200"):
        await _create(endpoint)
    assert await endpoint.subscriptions() == []


async def test_create_is_refused_when_the_url_is_unreachable(endpoint: AsyncWebhooksEndpoint) -> None:
    with pytest.raises(BadRequestError, match="request failed with error"):
        await endpoint.create("http://127.0.0.1:9/nothing-listens", ["time_entry"], "d", secret=SECRET)


async def test_subscriptions_lists_what_was_created_with_its_secret(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    created = await _create(endpoint)
    listed = await endpoint.subscriptions()
    assert listed == [created]
    assert listed[0].secret == SECRET


async def test_a_subscription_without_a_secret_gets_one_from_toggl(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.webhooks.mount(RECEIVER_URL, StaticReceiver(200))
    sub = await endpoint.create(RECEIVER_URL, ["time_entry"], "no secret given")
    assert len(sub.secret) >= 16


async def test_a_receiver_that_does_not_echo_leaves_the_subscription_unvalidated(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.webhooks.mount(RECEIVER_URL, StaticReceiver(200))
    sub = await _create(endpoint)
    assert not sub.validated  # type: ignore[attr-defined]


async def test_validate_with_the_pinged_code_validates_once(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    app = StaticReceiver(200)
    toggl_emulator.webhooks.mount(RECEIVER_URL, app)
    sub = await _create(endpoint)
    code = json.loads(app.bodies[0])["validation_code"]
    assert await endpoint.validate(sub.subscription_id, code)  # type: ignore[attr-defined]
    assert (await endpoint.subscriptions())[0].validated
    with pytest.raises(BadRequestError, match="has already been validated"):
        await endpoint.validate(sub.subscription_id, code)  # type: ignore[attr-defined]


async def test_validate_with_a_wrong_code_is_refused(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.webhooks.mount(RECEIVER_URL, StaticReceiver(200))
    sub = await _create(endpoint)
    with pytest.raises(BadRequestError, match="validation code 'deadbeef' was not found"):
        await endpoint.validate(sub.subscription_id, "deadbeef")  # type: ignore[attr-defined]


async def test_a_receiver_following_the_link_validates_asynchronously(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth
) -> None:
    async with httpx.AsyncClient(transport=toggl_emulator.transport()) as link_client:
        receiver = AsyncWebhookReceiver(SECRET, clock=toggl_emulator.clock, validation="link", client=link_client)
        toggl_emulator.webhooks.mount(RECEIVER_URL, WebhookApp(receiver))
        sub = await _create(endpoint)
        assert not sub.validated  # type: ignore[attr-defined]
        toggl_emulator.webhooks.settle()
        assert (await endpoint.subscriptions())[0].validated


async def test_disable_and_enable(endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver) -> None:
    sub = await _create(endpoint)
    assert not (await endpoint.disable(sub.subscription_id)).enabled  # type: ignore[attr-defined]
    assert (await endpoint.enable(sub.subscription_id)).enabled  # type: ignore[attr-defined]


async def test_update_replaces_the_description(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    from attrs import evolve

    sub = await _create(endpoint)
    updated = await endpoint.update(evolve(sub, description="renamed"))  # type: ignore[misc]
    assert updated.description == "renamed"
    assert updated.validated


async def test_delete_answers_the_deleted_subscription(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    sub = await _create(endpoint)
    deleted = await endpoint.delete(sub.subscription_id)  # type: ignore[attr-defined]
    assert deleted.subscription_id == sub.subscription_id  # type: ignore[attr-defined]
    assert deleted.deleted_at is not None
    assert await endpoint.subscriptions() == []


async def test_delete_of_an_unknown_subscription_is_404(endpoint: AsyncWebhooksEndpoint) -> None:
    with pytest.raises(NotFoundError, match="subscription 1 for workspace"):
        await endpoint.delete(1)


async def test_ping_reaches_the_receiver(endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver) -> None:
    sub = await _create(endpoint)
    assert await endpoint.ping(sub.subscription_id) == "OK"  # type: ignore[attr-defined]
    assert receiver.stats.pings == 2


async def test_plan_limit_of_enabled_subscriptions(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver, toggl_account: object
) -> None:
    await _create(endpoint)
    with pytest.raises(BadRequestError, match="already reached the limit of 1 enabled subscriptions"):
        await _create(endpoint, "second")


async def test_a_disabled_subscription_does_not_count_against_the_limit(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    await _create(endpoint, enabled=False)
    assert (await _create(endpoint, "second")).enabled  # type: ignore[attr-defined]


async def test_too_many_filters_for_the_plan(endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver) -> None:
    with pytest.raises(BadRequestError, match=r"limit of 3 event filters .* trying to set 4 filters"):
        await endpoint.create(RECEIVER_URL, ["time_entry", "project", "client", "tag"], "d", secret=SECRET)


async def test_descriptions_are_unique_per_workspace(
    endpoint: AsyncWebhooksEndpoint, receiver: AsyncWebhookReceiver
) -> None:
    await _create(endpoint, enabled=False)
    with pytest.raises(BadRequestError, match="'live cache' is already in use"):
        await _create(endpoint, enabled=False)


async def test_another_workspace_is_forbidden(toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient) -> None:
    foreign = AsyncWebhooksEndpoint(1, toggl_auth, client=http_client)
    with pytest.raises(ForbiddenError, match="User not found/accessible for workspace"):
        await foreign.subscriptions()


async def test_limits_follow_the_plan(endpoint: AsyncWebhooksEndpoint) -> None:
    limits = await endpoint.limits()
    assert (limits.max_webhooks, limits.max_events_per_webhook) == (1, 3)


async def test_event_filters_and_status(endpoint: AsyncWebhooksEndpoint) -> None:
    assert "created" in (await endpoint.event_filters())["time_entry"]
    assert await endpoint.status() == "OK"



@pytest.mark.parametrize(
    "body",
    ['<html>Sign in to the Wi-Fi</html>', '{"subscriptions": []}', '[{"url_callback": "x"}]', '[1]'],
    ids=["login-page", "object-for-a-list", "no-subscription-id", "scalar-item"],
)
async def test_a_subscription_list_out_of_shape_is_an_unexpected_answer(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator, body: str
) -> None:
    toggl_emulator.faults.add(Fault.answer(body), None, method="GET", path=r"/webhooks/api/v1/subscriptions/\d+$")
    with pytest.raises(UnexpectedResponseError, match="GET /webhooks/api/v1/subscriptions"):
        await endpoint.subscriptions()


async def test_limits_out_of_shape_are_an_unexpected_answer(
    endpoint: AsyncWebhooksEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.answer('{"max_webhooks": "lots"}'), None, method="GET", path=r"/limits/")
    with pytest.raises(UnexpectedResponseError, match="cannot be read"):
        await endpoint.limits()
