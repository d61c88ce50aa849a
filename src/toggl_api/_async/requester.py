"""``AsyncRequester``: sends ``ApiRequest`` values through an httpx client, running the retry policy loop.

It owns no decision: building requests, the retry policy and error mapping live in ``toggl_api._core``.
A caller's client is used as it is (never mutated): auth is given per request, the base URL is absolute.
"""

from __future__ import annotations

import logging
import os
import random
from typing import Any

import httpx

from .._core.api.request import Api, ApiRequest, base_url_for, build_httpx_request
from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.errors import error_from_response
from .._core.policy import Action, RetryPolicy, decide_response, decide_transport_error
from .._core.quota import QuotaInfo, quota_from_response

__all__ = ["AsyncRequester", "BASE_URL_ENV"]

log = logging.getLogger("toggl-api-wrapper.endpoint")

#: Environment variable naming the host to talk to instead of Toggl (e.g. the emulator's URL).
BASE_URL_ENV = "TOGGL_API_BASE_URL"


def resolve_host(host: str | None) -> str | None:
    """The host override: the argument, else ``$TOGGL_API_BASE_URL``, else ``None`` (Toggl itself)."""
    return host or os.environ.get(BASE_URL_ENV) or None


class AsyncRequester:
    """Sends requests for one set of credentials.

    Args:
        auth: The credentials, sent with every request (the client is not changed).
        client: An ``httpx.AsyncClient`` to use; one is created (and closed by ``aclose``) when omitted.
        timeout: Seconds (or an ``httpx.Timeout``) for each request.
        policy: Retry settings.
        clock: Time source for backoff waits and quota times.
        host: Root URL to use instead of Toggl's (e.g. ``http://127.0.0.1:8080``); see ``BASE_URL_ENV``.
        rng: Random source for backoff jitter.
    """

    def __init__(
        self,
        auth: httpx.Auth | None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | float = 10,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        host: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if client is not None and not isinstance(client, httpx.AsyncClient):
            msg = f"client must be an httpx.AsyncClient, not {type(client).__name__}"
            raise TypeError(msg)
        self.auth = auth
        self._owns_client = client is None
        self.client = client if client is not None else httpx.AsyncClient()
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.host = resolve_host(host)
        self.rng = rng or random.Random()
        self.quota: QuotaInfo | None = None
        self.request_count = 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host or 'toggl'!r})"

    def base_url(self, api: Api) -> str:
        """The base URL for ``api`` on the configured host."""
        return base_url_for(api, self.host)

    async def send(
        self,
        request: ApiRequest,
        *,
        base_url: str | None = None,
        retries: int | None = None,
        raise_for_status: bool = True,
    ) -> httpx.Response:
        """Send ``request``, retrying as the policy says; raise ``TogglAPIError`` subclasses on error answers.

        Args:
            request: What to send.
            base_url: Overrides the base URL derived from the host and ``request.api``.
            retries: Overrides ``policy.retries`` for this call.
            raise_for_status: When False, the final error response is returned instead of raised.
        """
        policy = self.policy
        if retries is not None:
            policy = RetryPolicy(
                retries=retries,
                base_delay=policy.base_delay,
                max_delay=policy.max_delay,
                deadline=policy.deadline,
                max_rate_limit_wait=policy.max_rate_limit_wait,
                wait_for_quota=policy.wait_for_quota,
                max_quota_wait=policy.max_quota_wait,
            )
        url_base = base_url or self.base_url(request.api)
        started = self.clock.monotonic()
        attempt = 0
        while True:
            httpx_request = build_httpx_request(self.client, request, url_base, timeout=self.timeout)
            elapsed = self.clock.monotonic() - started
            try:
                self.request_count += 1
                response = await self.client.send(httpx_request, auth=self._auth_arg())
                await response.aread()
            except httpx.TransportError as exc:
                decision = decide_transport_error(
                    policy, exc, idempotent=request.idempotent, attempt=attempt, elapsed=elapsed, rand=self.rng.random()
                )
                if decision.action is not Action.RETRY:
                    raise
                log.warning("%s %s: %s; retrying in %.2fs", request.method.name, request.path, decision.reason,
                            decision.delay)
                await self.clock.asleep(decision.delay)
                attempt += 1
                continue
            self._observe(response)
            decision = decide_response(
                policy, response, idempotent=request.idempotent, attempt=attempt, elapsed=elapsed,
                rand=self.rng.random(),
            )
            if decision.action is Action.RETURN:
                return response
            if decision.action is Action.RETRY:
                log.warning("%s %s: %s; retrying in %.2fs", request.method.name, request.path, decision.reason,
                            decision.delay)
                await self.clock.asleep(decision.delay)
                attempt += 1
                continue
            if not raise_for_status:
                return response
            log.error("%s %s failed with %s (%s)", request.method.name, request.path, response.status_code,
                      decision.reason)
            raise error_from_response(response, now=self.clock.now())

    def _auth_arg(self) -> Any:
        return self.auth if self.auth is not None else httpx.USE_CLIENT_DEFAULT

    def _observe(self, response: httpx.Response) -> None:
        info = quota_from_response(response, self.clock.now())
        if info is not None:
            self.quota = info

    async def aclose(self) -> None:
        """Close the client if this requester created it (a caller's client is left open)."""
        if self._owns_client:
            await self.client.aclose()
