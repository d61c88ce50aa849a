"""``AsyncRequester``: sends ``ApiRequest`` values through an httpx client, running the retry policy loop.

It owns no decision: building requests, the retry policy, the limits and error mapping live in
``toggl_api._core``; this module only does the I/O and the waiting (always through ``clock.asleep``).
A caller's client is used as it is (never mutated): auth is given per request, the base URL is absolute.
"""

from __future__ import annotations

import logging
import os
import random
from typing import Any

import httpx

from .._core.answers import check_body, undecodable
from .._core.api.request import Api, ApiRequest, Shape, base_url_for, build_httpx_request, remember_json
from .._core.clock import SYSTEM_CLOCK, Clock
from .._core.errors import BudgetExhaustedError, UnexpectedResponseError, error_from_response
from .._core.pacing import AUTO, Pacer, Pacing, PacingSetting, coerce_pacing, credential_key, pacing_for, shared_pacer
from .._core.policy import (
    RETURN,
    Action,
    Decision,
    RetryPolicy,
    decide_malformed_body,
    decide_response,
    decide_transport_error,
)
from .._core.quota import QuotaInfo, quota_from_response
from .._core.session import TogglSession

__all__ = ["AsyncRequester", "BASE_URL_ENV"]

log = logging.getLogger("toggl_api.endpoint")

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
        session: Shared limits and quota view; by default the one shared by every user of ``client``.
        pacing: Burst pacing (``toggl_api.Pacing``, a rate, ``"auto"`` or ``None``). ``"auto"`` (default) paces
            requests to Toggl's hosts through httpx's default transport (``$TOGGL_API_PACING``, else 1/s with a
            burst of 2) and nothing else; a value paces every request; ``None`` or 0 turns pacing off.
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
        session: TogglSession | None = None,
        pacing: PacingSetting = AUTO,
    ) -> None:
        if client is not None and not isinstance(client, httpx.AsyncClient):
            msg = f"client must be an httpx.AsyncClient, not {type(client).__name__}"
            raise TypeError(msg)
        if session is not None and not isinstance(session, TogglSession):
            msg = f"session must be a TogglSession, not {type(session).__name__}"
            raise TypeError(msg)
        if isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(part, str) for part in auth):
            auth = httpx.BasicAuth(*auth)  # httpx's own (user, password) shorthand
        if auth is not None and not isinstance(auth, httpx.Auth):
            # Never echo the value: it is probably the token itself.
            msg = (
                f"auth must be an httpx.BasicAuth, e.g. httpx.BasicAuth(token, 'api_token'), "
                f"not {type(auth).__name__}"
            )
            raise TypeError(msg)
        if not isinstance(timeout, (httpx.Timeout, int, float)) or isinstance(timeout, bool):
            msg = f"timeout must be seconds (a number) or an httpx.Timeout, not {type(timeout).__name__}"
            raise TypeError(msg)
        self.auth = auth
        self.host = resolve_host(host)
        self.pacing_setting = coerce_pacing(pacing)
        # A caller's transport (a mock, an ASGI app, the emulator's) is not Toggl: "auto" pacing leaves it alone.
        self._default_transport = client is None or isinstance(
            getattr(client, "_transport", None), httpx.AsyncHTTPTransport
        )
        # Checked before a client is made, so a malformed $TOGGL_API_PACING leaks nothing (and fails here, not
        # in the middle of a run).
        pacing_for(self.pacing_setting, url=self.base_url(Api.TRACK), default_transport=self._default_transport,
                   env=os.environ)
        self._owns_client = client is None
        self.client = client if client is not None else httpx.AsyncClient()
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.rng = rng or random.Random()
        self.session = session if session is not None else TogglSession.for_client(self.client)
        self.request_count = 0
        self._credentials = credential_key(self.auth if self.auth is not None else self.client.auth)
        self._pacers: dict[str, Pacer | None] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host or 'toggl'!r})"

    @property
    def quota(self) -> QuotaInfo | None:
        """The latest quota seen by any user of this requester's session."""
        return self.session.quota

    def base_url(self, api: Api) -> str:
        """The base URL for ``api`` on the configured host."""
        return base_url_for(api, self.host)

    def pacing_for(self, url: str) -> Pacing | None:
        """The pacing of requests sent under ``url`` (``None``: full speed).

        Raises:
            ValueError: ``$TOGGL_API_PACING`` is malformed.
        """
        pacer = self._pacer(url)
        return pacer.pacing if pacer is not None else None

    def _pacer(self, url: str) -> Pacer | None:
        if url not in self._pacers:
            pacing = pacing_for(self.pacing_setting, url=url, default_transport=self._default_transport,
                                env=os.environ)
            self._pacers[url] = (
                shared_pacer(self.clock, self._credentials, url, pacing) if pacing is not None else None
            )
        return self._pacers[url]

    async def send(
        self,
        request: ApiRequest,
        *,
        base_url: str | None = None,
        retries: int | None = None,
        raise_for_status: bool = True,
        policy: RetryPolicy | None = None,
        expect: Shape | None = None,
    ) -> httpx.Response:
        """Send ``request``, retrying as the policy says; raise ``TogglAPIError`` subclasses on error answers.

        Args:
            request: What to send.
            base_url: Overrides the base URL derived from the host and ``request.api``.
            retries: Overrides the policy's ``retries`` for this call.
            raise_for_status: When False, the final error response is returned instead of raised (and a
                success is returned as it came, readable or not).
            policy: Overrides the requester's policy for this call.
            expect: Overrides ``request.expect`` (the answer's documented shape) for this call.

        Raises:
            TogglAPIError: An error answer, after the retries the policy allows.
            BudgetExhaustedError: The session's request budget refused to send (nothing was sent).
            httpx.TransportError: A network error that could not (or could no more) be retried.
            UnexpectedResponseError: A success whose body is not ``request.expect`` (after retries; a POST is
                never repeated). It is also an ``httpx.DecodingError``.
        """
        shape = expect if expect is not None else request.expect
        policy = policy or self.policy
        if retries is not None:
            policy = policy.with_retries(max(0, retries))
        url_base = base_url or self.base_url(request.api)
        started = self.clock.monotonic()
        attempt = 0
        quota_waits = 0

        def situation() -> dict[str, Any]:
            # What every policy decision is told: read at decision time (attempt changes as the loop goes).
            return {
                "idempotent": request.idempotent,
                "attempt": attempt,
                "elapsed": self.clock.monotonic() - started,
                "rand": self.rng.random(),
            }

        client = self.client
        auth = self.auth if self.auth is not None else httpx.USE_CLIENT_DEFAULT
        while True:
            await self._admit(request, url_base)
            httpx_request = build_httpx_request(client, request, url_base, timeout=self.timeout)
            try:
                self.request_count += 1
                response = await client.send(httpx_request, auth=auth)
                await response.aread()
            except httpx.DecodingError as exc:  # a body httpx cannot decode (broken gzip): an unreadable answer
                decision = decide_malformed_body(policy, **situation())
                if decision.action is not Action.RETRY:
                    log.error("%s %s: undecodable answer (%s)", request.method.name, request.path, decision.reason)
                    raise undecodable(httpx_request, str(exc)) from None
                await self._wait(request, decision)
                attempt += 1
                continue
            except httpx.TransportError as exc:
                decision = decide_transport_error(policy, exc, **situation())
                if decision.action is not Action.RETRY:
                    log.error("%s %s failed: %s", request.method.name, request.path, decision.reason)
                    raise
                await self._wait(request, decision)
                attempt += 1
                continue
            self._observe(response)
            status = response.status_code
            if status < 400:  # decide_response's first rule; asking it would cost a clock read and a random draw
                decision = RETURN
            else:
                if status == 429 and (pacer := self._pacer(url_base)) is not None:
                    pacer.rate_limited(self.clock.monotonic())  # the retry books its slot from an empty bucket
                decision = decide_response(policy, response, quota_waits=quota_waits, **situation())
            if decision.action is Action.RETURN:
                if not raise_for_status or not 200 <= status < 300:
                    return response
                try:
                    body = check_body(response, shape)
                    if shape is not Shape.ANY:  # kept so later layers do not parse it again
                        remember_json(response, body)
                    return response
                except UnexpectedResponseError as exc:
                    bad_answer = exc
                decision = decide_malformed_body(policy, **situation())
                if decision.action is not Action.RETRY:
                    log.error("%s %s: %s (%s)", request.method.name, request.path, bad_answer.problem,
                              decision.reason)
                    # Say whether it was retried and, for a POST, that Toggl probably applied it.
                    bad_answer.args = (f"{bad_answer.args[0]} ({decision.reason})",)
                    raise bad_answer
            if decision.action is Action.RETRY:
                await self._wait(request, decision)
                if decision.quota_wait:
                    quota_waits += 1
                else:
                    attempt += 1
                continue
            if not raise_for_status:
                return response
            log.error("%s %s failed with %s (%s)", request.method.name, request.path, response.status_code,
                      decision.reason)
            raise error_from_response(response, now=self.clock.now())

    async def _admit(self, request: ApiRequest, url_base: str) -> None:
        now = self.clock.monotonic()
        admission = self.session.admit(now)
        if admission.refused_for is not None:
            msg = (
                f"request budget exhausted: {request.method.name} {request.path} was not sent; "
                f"a request is allowed again in {admission.refused_for:.0f}s"
            )
            raise BudgetExhaustedError(msg, resets_in=admission.refused_for)
        pacer = self._pacer(url_base)
        # Both slots were booked at `now`; the request goes when the later one comes.
        wait = admission.wait
        if pacer is not None:
            wait = max(wait, pacer.reserve(now))
        if wait > 0:
            log.debug("pacing: waiting %.2fs before %s %s", wait, request.method.name, request.path)
            await self.clock.asleep(wait)

    async def _wait(self, request: ApiRequest, decision: Decision) -> None:
        log.warning("%s %s: %s; retrying in %.2fs", request.method.name, request.path, decision.reason,
                    decision.delay)
        await self.clock.asleep(decision.delay)

    def _observe(self, response: httpx.Response) -> None:
        info = quota_from_response(response, self.clock.now())
        if info is not None:
            self.observe_quota([info])

    def observe_quota(self, infos: list[QuotaInfo]) -> None:
        """Record quota readings in the session; warn when one just dropped below the threshold."""
        if self.session.observe_many(infos):
            low = min((i for i in infos if self.session.is_low(i)), key=lambda i: i.remaining)
            where = f"organization {low.organization_id}" if low.organization_id is not None else low.bucket.value
            log.warning(
                "Toggl API quota low: %d requests left in the %s bucket%s",
                low.remaining,
                where,
                f"; resets in {low.resets_in}s" if low.resets_in is not None else "",
            )

    async def aclose(self) -> None:
        """Close the client if this requester created it (a caller's client is left open)."""
        if self._owns_client:
            await self.client.aclose()
