"""Shared parts of the resource endpoints: decoding with the endpoint's clock, scoped list reads, workspace ids."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx

from ..._core.answers import decode_many, decode_one
from ..._core.api._fields import entity_id
from ..._core.api.request import ApiRequest, Shape
from ..._core.clock import Clock
from ..._core.errors import TogglAPIError, UnexpectedResponseError
from ..._core.models import TogglClass, TogglOrganization, TogglWorkspace
from ..._core.policy import RetryPolicy
from ..._core.query import TogglQuery
from ..cache.base import TogglAsyncCache
from ..endpoint import TogglAsyncCachedEndpoint, decode_json

__all__ = [
    "AsyncOrganizationScopedEndpoint",
    "AsyncResourceEndpoint",
    "AsyncWorkspaceScopedEndpoint",
    "workspace_id_of",
]

log = logging.getLogger("toggl_api.endpoint")

T = TypeVar("T", bound=TogglClass)


def workspace_id_of(workspace: int | TogglWorkspace) -> int:
    """The id of a workspace given as an int or a ``TogglWorkspace``."""
    if isinstance(workspace, TogglWorkspace):
        return workspace.id
    if isinstance(workspace, bool) or not isinstance(workspace, int):
        msg = f"workspace_id must be an int or a TogglWorkspace, not {type(workspace).__name__}"
        raise TypeError(msg)
    return workspace


class AsyncResourceEndpoint(TogglAsyncCachedEndpoint[T]):
    """A cached endpoint of one resource, with the helpers its methods share."""

    async def _answer(self, request: ApiRequest, expect: Shape) -> tuple[Any, httpx.Response]:
        """Send ``request`` expecting ``expect``; the checked JSON and the response (for error context)."""
        response = await self._send(request, expect=expect)
        return decode_json(response), response

    async def _json(self, request: ApiRequest, expect: Shape = Shape.JSON) -> Any:
        """The checked JSON answer to ``request`` (``UnexpectedResponseError`` when it is not ``expect``)."""
        data, _ = await self._answer(request, expect)
        return data

    async def _one(self, request: ApiRequest) -> T:
        """Send ``request`` and decode the one entity it answers (anything else: ``UnexpectedResponseError``)."""
        data, response = await self._answer(request, Shape.OBJECT)
        return decode_one(self._model(), data, now=self.clock.now(), response=response)

    async def _one_or_none(self, request: ApiRequest) -> T | None:
        """Like ``_one`` for routes that answer ``null`` (or nothing) when there is no entity."""
        data, response = await self._answer(request, Shape.OBJECT_OR_NULL)
        if data is None:
            return None
        return decode_one(self._model(), data, now=self.clock.now(), response=response)

    async def _many(self, request: ApiRequest) -> list[T]:
        """Send ``request`` and decode the list it answers; one bad item fails the whole answer."""
        data, response = await self._answer(request, Shape.LIST)
        return decode_many(self._model(), data, now=self.clock.now(), response=response)

    async def _fetch_one(self, request: ApiRequest, *tolerated: int) -> T | None:
        """Send ``request`` and decode one model; a status in ``tolerated`` gives ``None`` (without re_raise)."""
        try:
            return await self._one(request)
        except UnexpectedResponseError:
            raise
        except TogglAPIError as exc:
            if self._tolerated(exc, *tolerated):
                log.warning("%s %s answered %s; returning None", request.method.name, request.path, exc.status)
                return None
            raise

    async def _read_one(
        self, entity_id: int, request: ApiRequest, *, refresh: bool, tolerated: Sequence[int]
    ) -> T | None:
        """A single read: a fresh cached copy, else the API (stored), else ``None`` for a tolerated status.

        A tolerated "not found" also removes a stale cached copy. With ``serve_stale`` an expired copy answers
        when Toggl fails.
        """
        hit = await self._cached_find(entity_id, refresh=refresh)
        if hit is not None:
            return hit
        try:
            model = await self._one(request)
        except UnexpectedResponseError:
            raise  # a bad answer is never covered by a cached copy: the caller must see it
        except TogglAPIError as exc:
            if self._tolerated(exc, *tolerated):
                log.warning("%s %s answered %s; returning None", request.method.name, request.path, exc.status)
                if exc.status == 404:
                    await self._forget(self._model(), entity_id)
                return None
            stale = await self._stale_find(entity_id, exc)
            if stale is not None:
                return stale
            raise
        except Exception as exc:  # network errors, budget: maybe covered by serve_stale
            stale = await self._stale_find(entity_id, exc)
            if stale is not None:
                return stale
            raise
        await self._store(model)
        return model

    async def _store(self, *models: T) -> None:
        """Upsert models into the cache and commit (no-op without a usable cache)."""
        cache = self._usable_cache()
        if cache is None or not models:
            return
        await cache.add(*models)
        await cache.commit()

    async def _patch_cached(
        self, model: type[Any], queries: Sequence[TogglQuery[Any]], change: Callable[[Any], Any | None]
    ) -> None:
        """Mirror Toggl's side effect of a write on cached entities of ``model`` matching ``queries``.

        ``change`` answers the changed copy (``attrs.evolve``; it keeps its fetch time) or ``None`` for an entity
        the write left alone. Without it a cached read would answer what the API no longer says.
        """
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is None:
            return
        changed = [new for old in await cache.query(*queries, model=model) if (new := change(old)) is not None]
        if changed:
            await cache.add(*changed)
            await cache.commit()

    async def _forget_lists(self, *scopes: str) -> None:
        """Mark list scopes incomplete: a write created entities the cache has not seen (e.g. a tag by name)."""
        cache = self._usable_cache()
        if cache is None:
            return
        for scope in scopes:
            await cache.mark_complete(scope, None)
        await cache.commit()

    async def _cached_scopes(
        self, scopes: Sequence[str], queries: Sequence[TogglQuery[Any]], *, refresh: bool
    ) -> list[T] | None:
        """The cached answer when any of ``scopes`` (the exact list first, then supersets) is complete and fresh.

        ``queries`` must select the wanted entities out of every scope given.
        """
        cache = self._usable_cache()
        if cache is None or refresh:
            return None
        for scope in scopes:
            if await cache.list_is_fresh(scope):
                return await self._cached_list(scope, queries, refresh=False)
        return await self._cached_list(scopes[0], queries, refresh=False)  # counts the miss


class AsyncWorkspaceScopedEndpoint(AsyncResourceEndpoint[T]):
    """An endpoint under ``/workspaces/{workspace_id}`` (clients, projects, tags, time entries)."""

    def __init__(
        self,
        workspace_id: int | TogglWorkspace,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[T] | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> None:
        """Set up the endpoint for one workspace (nothing is sent until the first call).

        Args:
            workspace_id: The workspace, as an id or a ``TogglWorkspace``.
            auth: ``httpx.BasicAuth`` with an API token (``token, "api_token"``) or email and password.
            cache: A cache for the endpoint's model, or ``None``.
            client: An ``httpx.AsyncClient`` to send with (never modified).
            timeout: Seconds per request.
            re_raise: Raise every HTTP error (no tolerated 404s) and disable retries.
            retries: Retries of idempotent requests (default: the policy's).
            base_url: Host to talk to instead of Toggl (e.g. the emulator's).
            clock: Time source (tests pass a fake clock).
            policy: Full retry settings.
            kwargs: ``serve_stale`` (answer reads from the cache, even expired, when Toggl fails) and
                ``session`` (shared limits and quota view), as for ``TogglAsyncCachedEndpoint``.
        """
        self.workspace_id = workspace_id_of(workspace_id)
        super().__init__(
            auth,
            cache,
            client=client,
            timeout=timeout,
            re_raise=re_raise,
            retries=retries,
            base_url=base_url,
            clock=clock,
            policy=policy,
            **kwargs,
        )


class AsyncOrganizationScopedEndpoint(AsyncResourceEndpoint[T]):
    """An endpoint that needs an organization (workspaces created in it, its members)."""

    def __init__(
        self,
        organization_id: int | TogglOrganization,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[T] | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | int | float = 10,
        re_raise: bool = False,
        retries: int | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> None:
        """Set up the endpoint for one organization (nothing is sent until the first call).

        Args:
            organization_id: The organization, as an id or a ``TogglOrganization``.
            auth: ``httpx.BasicAuth`` with an API token or email and password.
            cache: A cache for the endpoint's model, or ``None``.
            client: An ``httpx.AsyncClient`` to send with (never modified).
            timeout: Seconds per request.
            re_raise: Raise every HTTP error (no tolerated 404s) and disable retries.
            retries: Retries of idempotent requests (default: the policy's).
            base_url: Host to talk to instead of Toggl.
            clock: Time source.
            policy: Full retry settings.
            kwargs: ``serve_stale`` (answer reads from the cache, even expired, when Toggl fails) and
                ``session`` (shared limits and quota view), as for ``TogglAsyncCachedEndpoint``.
        """
        self.organization_id = entity_id(organization_id, "organization_id")
        super().__init__(
            auth,
            cache,
            client=client,
            timeout=timeout,
            re_raise=re_raise,
            retries=retries,
            base_url=base_url,
            clock=clock,
            policy=policy,
            **kwargs,
        )

