"""``AsyncOrganizationEndpoint``: the user's organizations."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from ..._core.answers import decode_one
from ..._core.api import organization as api
from ..._core.api import workspace as workspace_api
from ..._core.api._fields import entity_id
from ..._core.api.request import RequestMethod, Shape
from ..._core.clock import Clock
from ..._core.errors import TogglAPIError
from ..._core.models import TogglOrganization
from ..._core.policy import RetryPolicy
from ..cache.base import TogglAsyncCache
from ._base import AsyncResourceEndpoint

__all__ = ["AsyncOrganizationEndpoint"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncOrganizationEndpoint(AsyncResourceEndpoint[TogglOrganization]):
    """Organizations of the current user (``/organizations``, ``/me/organizations``).

    Args:
        auth: ``httpx.BasicAuth`` with an API token or email and password.
        cache: A cache for organizations, or ``None``.
        client: An ``httpx.AsyncClient`` to send with (never modified).
        timeout: Seconds per request.
        re_raise: Raise every HTTP error (no tolerated 403/404) and disable retries.
        retries: Retries of idempotent requests (default: the policy's).
        base_url: Host to talk to instead of Toggl.
        clock: Time source.
        policy: Full retry settings.
        kwargs: Further options of ``TogglAsyncCachedEndpoint`` (``session``, ``serve_stale``).
    """

    MODEL = TogglOrganization

    def __init__(
        self,
        auth: httpx.BasicAuth | None,
        cache: TogglAsyncCache[TogglOrganization] | None = None,
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

    @property
    def endpoint(self) -> str:
        """The API base itself (organization paths are absolute below it)."""
        return ""

    async def get(self, organization: TogglOrganization | int, *, refresh: bool = False) -> TogglOrganization | None:
        """An organization by id: from the cache when fresh, else from Toggl; ``None`` when Toggl answers 403
        or 404 (not a member, or no such organization)."""
        oid = entity_id(organization, "organization")
        return await self._read_one(oid, api.get(oid), refresh=refresh, tolerated=(403, 404))

    async def add(self, name: str, workspace_name: str = "Default-Workspace") -> TogglOrganization:
        """Create an organization with a first workspace (names: non-blank, at most 140 characters)."""
        async with self._write_guard(scopes=[workspace_api.list_scope()]):  # it comes with a first workspace
            created = await self._one(api.add(name, workspace_name))
        if created is None:  # pragma: no cover - Toggl answers the organization
            msg = "Toggl answered no organization"
            raise TypeError(msg)
        await self._write_cache(created, RequestMethod.POST)
        return created

    async def edit(self, organization: TogglOrganization | int, name: str) -> TogglOrganization:
        """Rename an organization; returns it as Toggl stores it afterwards (re-read, since the rename answers
        no object)."""
        oid = entity_id(organization, "organization")
        async with self._write_guard(ids=[oid]):
            # Toggl documents a JSON string ("OK") as the answer; an object is taken as the organization itself.
            data, response = await self._answer(api.edit(oid, name), Shape.JSON)
            edited = decode_one(TogglOrganization, data, now=self.clock.now(), response=response) if isinstance(
                data, dict) else None
        if edited is None:
            edited = await self._read_one(oid, api.get(oid), refresh=True, tolerated=())
        else:
            await self._write_cache(edited, RequestMethod.PUT)
        assert edited is not None  # nothing is tolerated on the re-read
        return edited

    async def collect(self, *, refresh: bool = False) -> list[TogglOrganization]:
        """The user's organizations: from the cache when the list was fetched completely and is fresh."""
        scope = api.list_scope()
        cached = await self._cached_list(scope, [], refresh=refresh)
        if cached is not None:
            return cached
        models = await self._many(api.collect())
        await self._remember_list(scope, models, [])
        return models

    async def delete(self, organization: TogglOrganization | int) -> None:
        """Leave an organization (a missing one logs a warning unless ``re_raise``); it leaves the cache."""
        oid = entity_id(organization, "organization")
        try:
            async with self._write_guard(ids=[oid], scopes=[workspace_api.list_scope()]):
                await self._send(api.leave(oid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("organization %s was not found; nothing to leave", oid)
        await self._forget(TogglOrganization, oid)
