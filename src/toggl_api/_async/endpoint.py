"""``TogglAsyncEndpoint`` and ``TogglAsyncCachedEndpoint``: the bases of every async endpoint.

They keep toggl-api-wrapper's shapes (``request(parameters, headers, body, method, *, raw, retries)``,
``BASE_ENDPOINT``, ``MODEL``) and add typed helpers that endpoint classes use: ``_send`` for an ``ApiRequest``,
``_cached_find`` / ``_cached_collect`` for reads the cache can answer, and ``_write_cache`` for writes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Final, Generic, TypeVar

import httpx

from .._core.answers import decode_many, decode_one
from .._core.api.request import Api, ApiRequest, RequestMethod, Shape, parsed_json, split_legacy_parameters
from .._core.cache_rules import CacheAction, WriteOutcome, action_for, failed_write_outcome, list_scopes_of
from .._core.clock import Clock
from .._core.coverage import Coverage
from .._core.errors import (
    BudgetExhaustedError,
    NoCacheAssignedError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    TogglAPIError,
)
from .._core.models import TogglClass, TogglTracker
from .._core.outbox import check_sendable_path
from .._core.pacing import AUTO, Pacing, PacingSetting
from .._core.policy import RetryPolicy
from .._core.query import TogglQuery, validate_queries
from .._core.quota import QuotaInfo, quotas_from_payload
from .._core.session import TogglSession
from .cache.base import TogglAsyncCache
from .coverage import async_update_coverage
from .requester import AsyncRequester

__all__ = ["AsyncWriteGuard", "TogglAsyncCachedEndpoint", "TogglAsyncEndpoint"]

log = logging.getLogger("toggl_api.endpoint")

T = TypeVar("T", bound=TogglClass)

_DEFAULT_BASES = {
    "https://api.track.toggl.com/api/v9/": Api.TRACK,
    "https://api.track.toggl.com/reports/api/v3/": Api.REPORTS,
    "https://api.track.toggl.com/webhooks/api/v1/": Api.WEBHOOKS,
}


def decode_json(response: httpx.Response) -> Any:
    """The response's JSON, or ``None`` for an empty or non-JSON body.

    Success answers were checked (and parsed) by the requester already; this only reads what it kept.
    """
    if not response.content:
        return None
    kept = parsed_json(response)  # the requester already parsed it while checking the body was whole
    if kept is not None:
        return kept[0]
    try:
        return response.json()
    except (ValueError, RecursionError):
        log.warning("%s %s answered a body that is not JSON", response.request.method, response.request.url.path)
        return None


#: Failures a cached copy may stand in for when ``serve_stale`` is on (never 4xx answers about the request).
STALE_ERRORS: tuple[type[BaseException], ...] = (
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    BudgetExhaustedError,
    httpx.TransportError,
)


class TogglAsyncEndpoint(Generic[T]):
    """Base of every async endpoint.

    Args:
        auth: ``httpx.BasicAuth`` with a token (``token, "api_token"``) or email and password.
        client: An ``httpx.AsyncClient`` to send with; it is used as given and never modified.
        timeout: Seconds per request.
        re_raise: Raise every HTTP error (no tolerated 404s) and disable retries, as in toggl-api-wrapper.
        retries: Retries of idempotent requests on server and network errors (default ``policy.retries``, 3).
        base_url: Host to talk to instead of Toggl (e.g. an emulator's URL); ``$TOGGL_API_BASE_URL`` also works.
        clock: Time source (tests pass a fake clock).
        policy: Full retry settings (``retries`` wins over ``policy.retries`` when both are given).
        session: Shared limits and quota view (``TogglSession``); by default the one shared by every endpoint
            built with the same ``client``.
        pacing: Burst pacing, so Toggl never answers 429. ``"auto"`` (default): requests to Toggl's hosts
            through httpx's default transport go at most 1 per second with a burst of 2 (``$TOGGL_API_PACING``
            changes it), anything else (emulators, mocks, other base URLs) at full speed. A ``Pacing`` or a rate
            (requests per second) paces every request; ``None`` or 0 turns pacing off. Endpoints with the same
            credentials and clock share one bucket.
    """

    BASE_ENDPOINT: ClassVar[str] = "https://api.track.toggl.com/api/v9/"
    #: toggl-api-wrapper's default headers, kept for subclasses that pass ``headers=self.HEADERS``.
    HEADERS: Final[httpx.Headers] = httpx.Headers({"content-type": "application/json"})
    API: ClassVar[Api] = Api.TRACK
    MODEL: type[T] | None = None

    def __init__(
        self,
        auth: httpx.BasicAuth | None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        session: TogglSession | None = None,
        pacing: PacingSetting = AUTO,
    ) -> None:
        """Set up the endpoint (nothing is sent until the first call).

        Args:
            auth: ``httpx.BasicAuth`` with a token (``token, "api_token"``) or email and password.
            client: An ``httpx.AsyncClient`` to send with; it is used as given and never modified.
            timeout: Seconds per request.
            re_raise: Raise every HTTP error (no tolerated 404s) and disable retries, as in toggl-api-wrapper.
            retries: Retries of idempotent requests on server and network errors (default ``policy.retries``, 3).
            base_url: Host to talk to instead of Toggl (e.g. an emulator's URL); ``$TOGGL_API_BASE_URL`` also
                works.
            clock: Time source (tests pass a fake clock).
            policy: Full retry settings (``retries`` wins over ``policy.retries`` when both are given).
            session: Shared limits and quota view (``TogglSession``); by default the one shared by every endpoint
                built with the same ``client``.
        """
        if policy is not None and not isinstance(policy, RetryPolicy):
            msg = f"policy must be a RetryPolicy, not {type(policy).__name__}"
            raise TypeError(msg)
        if retries is not None and (isinstance(retries, bool) or not isinstance(retries, int)):
            msg = f"retries must be an int or None, not {type(retries).__name__}"
            raise TypeError(msg)
        base_policy = policy or RetryPolicy()
        self.re_raise = re_raise
        # re_raise keeps toggl-api-wrapper's meaning: every error surfaces at once, nothing is retried.
        self.retries = 0 if re_raise else max(0, int(retries if retries is not None else base_policy.retries))
        self._requester = AsyncRequester(auth, client=client, timeout=timeout,
                                         policy=base_policy.with_retries(self.retries), clock=clock,
                                         host=base_url, session=session, pacing=pacing)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        """The httpx client requests go through."""
        return self._requester.client

    @property
    def clock(self) -> Clock:
        """The endpoint's time source."""
        return self._requester.clock

    @property
    def quota(self) -> QuotaInfo | None:
        """The hourly quota as the latest response reported it, to this endpoint or any other endpoint sharing
        its client or session (``None`` before any response carried quota headers)."""
        return self._requester.quota

    @property
    def session(self) -> TogglSession:
        """The shared limits and quota view (request budget, pacing, latest quota per bucket)."""
        return self._requester.session

    @property
    def pacing(self) -> Pacing | None:
        """The burst pacing of this endpoint's requests (``None``: they go at full speed)."""
        return self._requester.pacing_for(self.base_url)

    @property
    def policy(self) -> RetryPolicy:
        """The retry settings in effect."""
        return self._requester.policy

    async def get_quota(self) -> list[QuotaInfo]:
        """Ask Toggl for every quota bucket (``GET /me/quota``): the user bucket (``organization_id`` None)
        and one per organization, with ``total`` sizes. The readings also update ``quota``."""
        response = await self._requester.send(ApiRequest(RequestMethod.GET, "me/quota", expect=Shape.LIST))
        infos = quotas_from_payload(decode_json(response) or [], self.clock.now())
        self._requester.observe_quota(infos)
        return infos

    @property
    def base_url(self) -> str:
        """The base URL requests are sent under."""
        default_api = _DEFAULT_BASES.get(self.BASE_ENDPOINT)
        if default_api is None:  # a user pointed BASE_ENDPOINT somewhere else: honour it as-is
            return self.BASE_ENDPOINT
        return self._requester.base_url(default_api)

    async def aclose(self) -> None:
        """Close the httpx client if the endpoint created it."""
        await self._requester.aclose()

    async def __aenter__(self) -> TogglAsyncEndpoint[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- sending -----------------------------------------------------------------------------------

    async def _send(
        self,
        request: ApiRequest,
        *,
        retries: int | None = None,
        raise_for_status: bool = True,
        expect: Shape | None = None,
    ) -> httpx.Response:
        if self.re_raise:
            retries = 0
        check_sendable_path(request.path)  # a temporary id of an entry created offline never reaches Toggl
        return await self._requester.send(
            request, base_url=self.base_url, retries=retries, raise_for_status=raise_for_status, expect=expect
        )

    def _tolerated(self, error: TogglAPIError, *statuses: int) -> bool:
        """Whether ``error`` is one toggl-api-wrapper swallowed (only without ``re_raise``)."""
        return not self.re_raise and error.status in statuses

    def _decode_models(self, data: Any, response: httpx.Response) -> Any:
        # A list or an object is decoded into MODEL by the one rule for answers (a bad item raises
        # UnexpectedResponseError); anything else (e.g. a deletion's empty answer) is returned as it came.
        if self.MODEL is None:
            return data
        if isinstance(data, list):
            return decode_many(self.MODEL, data, now=self.clock.now(), response=response)
        if isinstance(data, dict):
            return decode_one(self.MODEL, data, now=self.clock.now(), response=response)
        return data

    @classmethod
    def process_models(cls, data: list[dict[str, Any]]) -> list[T]:
        """Decode a list of API payloads into ``MODEL`` instances."""
        if cls.MODEL is None:
            msg = f"{cls.__name__} has no MODEL to decode into"
            raise TypeError(msg)
        model = cls.MODEL
        return [model.from_kwargs(**item) for item in data]

    async def request(
        self,
        parameters: str,
        headers: httpx.Headers | dict[str, str] | None = None,
        body: dict[str, Any] | list[Any] | None = None,
        method: RequestMethod = RequestMethod.GET,
        *,
        raw: bool = False,
        retries: int | None = None,
    ) -> Any:
        """Send a request to ``BASE_ENDPOINT + parameters`` and decode the answer.

        Args:
            parameters: Path relative to the API base, optionally with a query string.
            headers: Extra headers (merged over the defaults).
            body: JSON body. On GET and DELETE a dict body becomes query parameters (Toggl reads filters there).
            method: The HTTP method.
            raw: Return the ``httpx.Response`` itself.
            retries: Override the endpoint's retries for this call.

        Returns:
            The response, decoded models (``MODEL`` set), decoded JSON, or ``None`` for an empty body.

        Raises:
            TogglAPIError: (an ``httpx.HTTPStatusError``) for an error answer after retries.
            UnexpectedResponseError: a success that is not JSON, or whose entities ``MODEL`` cannot hold.
        """
        path, params = split_legacy_parameters(parameters)
        json_body: Any = body
        if body is not None and method in (RequestMethod.GET, RequestMethod.DELETE):
            if not isinstance(body, dict):
                msg = f"a {method.name} request carries no body; pass a dict of query parameters or none"
                raise TypeError(msg)
            params = params + tuple((k, v) for k, v in body.items())
            json_body = None
        request = ApiRequest(
            method, path, params, json_body, api=self.API, headers=tuple(dict(headers or {}).items())
        )
        response = await self._send(request, retries=retries)
        if raw:
            return response
        return self._decode_models(decode_json(response), response)

    @staticmethod
    async def api_status(*, client: httpx.AsyncClient | None = None, base_url: str | None = None) -> bool:
        """Whether Toggl (or ``base_url``) reports itself healthy; network errors give ``False``."""
        requester = AsyncRequester(None, client=client, host=base_url, policy=RetryPolicy(retries=0))
        try:
            response = await requester.send(
                ApiRequest(RequestMethod.GET, "status"), raise_for_status=False
            )
            data = decode_json(response)
            return response.is_success and isinstance(data, dict) and data.get("status") == "OK"
        except httpx.TransportError:
            return False
        finally:
            await requester.aclose()


class AsyncWriteGuard:
    """Wraps one write method: when it raises after its request may have reached Toggl, the cache is made humble.

    Every write of every endpoint runs inside one (``async with self._write_guard(...)``). On an exception (a
    cancelled task or Ctrl-C included) it asks ``failed_write_outcome`` (from the requests that left
    meanwhile); when the write may have been applied,
    the entities it names are forgotten, the list scopes of their model (and of ``dependents``) are marked
    incomplete, and for time entries the covered seconds of their old and new starts are uncovered, so the next
    cached read asks Toggl. The write's own exception is always re-raised unchanged.

    Attributes:
        ids: Entities the write targets (extend it when the method learns more, e.g. the running entry).
        starts: Start instants a time-entry write may have moved entries to or from.
        dependents: ``(model, queries)`` of cached entities the write may change as a side effect.
        scopes: Further list scopes the write may make incomplete.
    """

    def __init__(
        self,
        endpoint: TogglAsyncCachedEndpoint[Any],
        model: type[TogglClass],
        ids: Iterable[int] = (),
        *,
        workspace_id: int | None = None,
        starts: Iterable[datetime] = (),
        dependents: Iterable[tuple[type[TogglClass], Sequence[TogglQuery[Any]]]] = (),
        scopes: Iterable[str] = (),
    ) -> None:
        self.endpoint = endpoint
        self.model = model
        self.ids = list(ids)
        self.workspace_id = workspace_id
        self.starts = list(starts)
        self.dependents = list(dependents)
        self.scopes = list(scopes)
        self._sent_before = 0

    async def __aenter__(self) -> AsyncWriteGuard:
        self._sent_before = self.endpoint._requester.request_count
        return self

    async def __aexit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        # Interruptions count too (a cancelled task, Ctrl-C): the request may have reached Toggl all the same.
        if exc is None or isinstance(exc, GeneratorExit):
            return
        sent = self.endpoint._requester.request_count - self._sent_before
        if failed_write_outcome(exc, requests_sent=sent) is WriteOutcome.MAYBE_APPLIED:
            try:
                await self.endpoint._humble(self)
            except Exception:  # the write's own error is what the caller must see
                log.exception("could not mark the cache unknown after a failed %s write", self.model.__name__)


class TogglAsyncCachedEndpoint(TogglAsyncEndpoint[T]):
    """An endpoint with an optional cache of its ``MODEL``.

    Reads consult the cache first (unless ``refresh=True``) and fall through to the API on a miss; every answer
    and every write goes back into the cache through ``find_method``.
    """

    def __init__(
        self,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[T] | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int | None = None,
        serve_stale: bool = False,
        **kwargs: Any,
    ) -> None:
        """Set up the endpoint and its cache (nothing is sent until the first call).

        Args:
            auth: ``httpx.BasicAuth`` with a token (``token, "api_token"``) or email and password.
            cache: A cache for the endpoint's ``MODEL`` (sync endpoints take sync caches, async ones async
                caches), or ``None`` to read everything from Toggl.
            client: An ``httpx.AsyncClient`` to send with; it is used as given and never modified.
            timeout: Seconds per request.
            re_raise: Raise every HTTP error (no tolerated 404s) and disable retries, as in toggl-api-wrapper.
            retries: Retries of idempotent requests on server and network errors (default: the policy's, 3).
            serve_stale: Answer reads from the cache, even expired, when Toggl fails (402, 429, 5xx, network
                errors, the request budget).
            kwargs: ``base_url``, ``clock``, ``policy``, ``session``, as for ``TogglAsyncEndpoint``.
        """
        super().__init__(auth, client=client, timeout=timeout, re_raise=re_raise, retries=retries, **kwargs)
        self._cache: TogglAsyncCache[T] | None = None
        self.cache = cache
        #: Answer reads from the cache, even expired, when Toggl fails (402, 429, 5xx, network, budget).
        self.serve_stale = serve_stale

    @property
    def cache(self) -> TogglAsyncCache[T] | None:
        """The cache, or ``None``."""
        return self._cache

    @cache.setter
    def cache(self, cache: TogglAsyncCache[T] | None) -> None:
        if cache is not None and not isinstance(cache, TogglAsyncCache):
            given = type(cache).__name__
            twin = given[len("Async") :] if given.startswith("Async") else f"Async{given}"
            msg = (
                f"{type(self).__name__} needs a {TogglAsyncCache.__name__}, got {given}; "
                f"sync endpoints take sync caches and Async* endpoints async ones (try {twin})"
            )
            raise TypeError(msg)
        self._cache = cache
        # As in toggl-api-wrapper, the endpoint a cache is assigned to becomes its parent (so a cache built
        # with a placeholder parent serves this endpoint's model). Endpoints pass their model on every cache
        # call, so a cache shared by endpoints of different models stays correct (C16 does not come back).
        if cache is not None and cache._parent is not self:
            cache.parent = self

    def _require_cache(self) -> TogglAsyncCache[T]:
        if self._cache is None:
            msg = f"{type(self).__name__} has no cache; pass cache=... to use cache operations"
            raise NoCacheAssignedError(msg)
        return self._cache

    def _usable_cache(self) -> TogglAsyncCache[T] | None:
        cache = self._cache
        if cache is None or cache.disabled:
            return None
        return cache

    def _model(self) -> type[T]:
        if self.MODEL is None:  # pragma: no cover - cached endpoints set MODEL
            msg = f"{type(self).__name__} has no MODEL"
            raise TypeError(msg)
        return self.MODEL

    async def load_cache(self) -> list[T]:
        """Every fresh cached entry of ``MODEL``."""
        return await self._require_cache().load(self._model())

    async def save_cache(self, response: list[T] | T, method: RequestMethod) -> None:
        """Apply ``response`` to the cache through ``find_method`` (skipped when caching is disabled)."""
        cache = self._require_cache()
        if cache.disabled:
            log.debug("caching disabled (expire_after=0); not saving")
            return
        await cache.save(response, method)

    async def query(self, *query: TogglQuery[Any], distinct: bool = False) -> list[T]:
        """Cached entries of ``MODEL`` matching every query."""
        cache = self._require_cache()
        validate_queries(self._model(), query)
        return await cache.query(*query, distinct=distinct, model=self._model())

    async def request(
        self,
        parameters: str,
        headers: httpx.Headers | dict[str, str] | None = None,
        body: dict[str, Any] | list[Any] | None = None,
        method: RequestMethod = RequestMethod.GET,
        *,
        refresh: bool = False,
        raw: bool = False,
        retries: int | None = None,
    ) -> Any:
        """Like ``TogglAsyncEndpoint.request``, with the cache.

        A GET of ``.../{id}`` is answered from the cache when the entity is cached and fresh (unless
        ``refresh``); other reads go to the API. Decoded answers are written back through ``find_method``.
        """
        path, _ = split_legacy_parameters(parameters)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        cache = self._usable_cache()
        if cache is not None and method is RequestMethod.GET and not refresh and not raw and last.isdigit():
            hit = await cache.find(int(last), self._model())
            if hit is not None:
                self._count_hit(cache)
                return hit
            cache.stats.misses += 1
        try:
            if method is RequestMethod.GET or self.MODEL is None:
                result = await super().request(parameters, headers, body, method, raw=raw, retries=retries)
            else:  # a write: a failure after it may have reached Toggl makes the cache humble
                async with self._write_guard(ids=[int(last)] if last.isdigit() else []):
                    result = await super().request(parameters, headers, body, method, raw=raw, retries=retries)
        except (TogglAPIError, BudgetExhaustedError, httpx.TransportError) as exc:
            if method is RequestMethod.GET and not raw and last.isdigit():
                stale = await self._stale_find(int(last), exc)
                if stale is not None:
                    return stale
            raise
        if cache is not None and not raw:
            models: list[T] = [
                m for m in (result if isinstance(result, list) else [result]) if isinstance(m, self._model())
            ]
            if method is RequestMethod.DELETE and last.isdigit():
                existing = await cache.find(int(last), self._model())
                models = [existing] if existing is not None else []
            if models:
                await cache.save(models, method)
        return result

    # -- helpers for endpoint classes ---------------------------------------------------------------

    @staticmethod
    def _count_hit(cache: TogglAsyncCache[T]) -> None:
        cache.stats.hits += 1
        cache.stats.requests_saved += 1

    async def _cached_find(self, entity_id: int, *, refresh: bool) -> T | None:
        """A fresh cached entity by id, or ``None`` (counts a miss)."""
        cache = self._usable_cache()
        if cache is None or refresh:
            return None
        hit = await cache.find(entity_id, self._model())
        if hit is None:
            cache.stats.misses += 1
        else:
            self._count_hit(cache)
        return hit

    def _may_serve_stale(self, error: BaseException) -> bool:
        """Whether ``error`` is a failure the cache may cover: 402, 429, 5xx, network errors or the budget."""
        return self.serve_stale and isinstance(error, STALE_ERRORS)

    async def _stale_find(self, entity_id: int, error: BaseException) -> T | None:
        """With ``serve_stale`` on and ``error`` covered, the cached entity (even expired) or ``None``.

        Endpoint reads call it in their ``except`` clause: ``if (hit := await self._stale_find(id, exc)): return
        hit`` else re-raise. A warning is logged whenever a stale copy is served.
        """
        cache = self._usable_cache()
        if cache is None or not self._may_serve_stale(error):
            return None
        hit = await cache.find(entity_id, self._model(), include_expired=True)
        if hit is not None:
            log.warning(
                "serving cached %s %s because Toggl failed (%s); it was fetched at %s",
                self._model().__name__,
                entity_id,
                type(error).__name__,
                hit.timestamp.isoformat() if hit.timestamp is not None else "an unknown time",
            )
        return hit

    async def _cached_list(self, scope: str, queries: Sequence[TogglQuery[Any]], *, refresh: bool) -> list[T] | None:
        """The cached answer to a list read, when the list ``scope`` is known complete and fresh."""
        cache = self._usable_cache()
        if cache is None or refresh:
            return None
        if await cache.list_is_fresh(scope):
            self._count_hit(cache)
            return await cache.query(*queries, model=self._model())
        cache.stats.misses += 1
        return None

    async def _write_cache(self, models: Sequence[T] | T | None, method: RequestMethod) -> None:
        """Apply a write's result to the cache (no-op without a usable cache)."""
        cache = self._usable_cache()
        if cache is None or models is None:
            return
        items = [models] if isinstance(models, TogglClass) else list(models)
        if not items:
            return
        await cache.save(items, method)

    async def _remember_list(
        self, scope: str, models: Sequence[T], queries: Sequence[TogglQuery[Any]]
    ) -> None:
        """Store a complete list answer: upsert it, drop cached entities of that list the API no longer returns,
        and mark ``scope`` complete now."""
        cache = self._usable_cache()
        if cache is None:
            return
        keep = {m.id for m in models}
        stale = [m for m in await cache.query(*queries, model=self._model()) if m.id not in keep]
        # The old claim goes first: a cache that writes step by step (SQL) and stops halfway then answers
        # "unknown" rather than the old list minus what was already dropped.
        if stale and await cache.completed_at(scope) is not None:
            await cache.mark_complete(scope, None)
        if stale:
            await cache.delete(*stale)
        if models:
            await cache.add(*models)
        await cache.mark_complete(scope, self.clock.now())
        await cache.commit()

    async def _forget(self, model: type[T], entity_id: int) -> None:
        """Remove an entity from the cache after a delete."""
        cache = self._usable_cache()
        if cache is None:
            return
        await cache.delete(entity_id, model=model)
        await cache.commit()

    def _write_guard(
        self,
        model: type[TogglClass] | None = None,
        ids: Iterable[int] = (),
        *,
        workspace_id: int | None = None,
        starts: Iterable[datetime] = (),
        dependents: Iterable[tuple[type[TogglClass], Sequence[TogglQuery[Any]]]] = (),
        scopes: Iterable[str] = (),
    ) -> AsyncWriteGuard:
        """The guard every write method runs in (see ``AsyncWriteGuard``); ``model`` defaults to ``MODEL``."""
        return AsyncWriteGuard(
            self,
            model or self._model(),
            ids,
            workspace_id=workspace_id if workspace_id is not None else getattr(self, "workspace_id", None),
            starts=starts,
            dependents=dependents,
            scopes=scopes,
        )

    async def _humble(self, guard: AsyncWriteGuard) -> None:
        """Forget what a maybe-applied write touched (see ``AsyncWriteGuard``).

        Order matters for a reader that stops between steps: scopes and coverage are retracted before the
        entities they vouch for are dropped (the JSON cache writes them in one commit anyway).
        """
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is None:
            return
        forget: list[tuple[type[TogglClass], list[int]]] = [(guard.model, list(guard.ids))]
        for model, queries in guard.dependents:
            forget.append((model, [m.id for m in await cache.query(*queries, model=model)]))
        scopes = set(guard.scopes)
        starts = set(guard.starts)
        for model, ids in forget:
            scopes.update(list_scopes_of(model.__tablename__, guard.workspace_id))
            if issubclass(model, TogglTracker):
                for ident in ids:
                    cached = await cache.find(ident, model, include_expired=True)
                    if isinstance(cached, TogglTracker):
                        starts.add(cached.start)
        log.warning(
            "a %s write failed after its request may have reached Toggl; the cache forgets what it touched",
            guard.model.__name__,
        )
        for scope in sorted(scopes):
            await cache.mark_complete(scope, None)
        if starts:
            await async_update_coverage(cache, lambda coverage: _without_starts(coverage, starts))
        for model, ids in forget:
            if ids:
                await cache.delete(*ids, model=model)
        await cache.commit()

    @staticmethod
    def cache_action(method: RequestMethod) -> CacheAction:
        """The cache action a request method maps to."""
        return action_for(method)


def _without_starts(coverage: Coverage, starts: Iterable[datetime]) -> Coverage:
    for start in starts:
        coverage = coverage.remove_start(start)
    return coverage
