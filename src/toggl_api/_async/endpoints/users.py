"""``AsyncWorkspaceUserEndpoint`` and ``AsyncOrganizationUserEndpoint``: who belongs to a workspace or an
organization (so time entries and report rows, which carry user ids, can name people)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..._core.answers import decode_many
from ..._core.api import users as api
from ..._core.api._fields import entity_id
from ..._core.api.request import Shape
from ..._core.api.users import ACTIVE_STATUS, WorkspaceUserBody
from ..._core.errors import TogglAPIError
from ..._core.models import TogglOrganizationUser, TogglWorkspace, TogglWorkspaceUser
from ..._core.paging import PageGuard
from ..._core.query import TogglQuery
from ..cache.base import TogglAsyncCache
from ._base import AsyncOrganizationScopedEndpoint, AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncOrganizationUserEndpoint", "AsyncWorkspaceUserEndpoint", "WorkspaceUserBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncWorkspaceUserEndpoint(AsyncWorkspaceScopedEndpoint[TogglWorkspaceUser]):
    """Members of one workspace (``/workspaces/{workspace_id}/workspace_users``).

    A member's ``id`` is its membership id; ``user`` is the user id time entries and reports carry, so
    ``by_user(entry.user)`` names the person behind an entry.
    """

    MODEL = TogglWorkspaceUser

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/workspace_users"

    async def collect(self, *, include_indirect: bool = False, refresh: bool = False) -> list[TogglWorkspaceUser]:
        """The workspace's members: from the cache when the list was fetched completely and is fresh.

        ``include_indirect`` adds members who belong only through a group (always asked of Toggl).
        """
        scope = api.workspace_list_scope(self.workspace_id)
        queries = api.workspace_list_queries(self.workspace_id)
        if not include_indirect:
            cached = await self._cached_list(scope, queries, refresh=refresh)
            if cached is not None:
                return cached
        request = api.collect_workspace(self.workspace_id, include_indirect=include_indirect)
        models = [_in_workspace(m, self.workspace_id) for m in await self._many(request)]
        if include_indirect:
            await self._store(*models)
        else:
            await self._remember_list(scope, models, queries)
        return models

    async def get(self, member: TogglWorkspaceUser | int, *, refresh: bool = False) -> TogglWorkspaceUser | None:
        """A member by membership id: from the cache when fresh, else from the member list (Toggl has no
        single read); ``None`` when the workspace has no such member."""
        mid = entity_id(member, "workspace user")
        hit = await self._cached_find(mid, refresh=refresh)
        if hit is not None:
            return hit
        return next((m for m in await self.collect(refresh=True) if m.id == mid), None)

    async def by_user(self, user_id: int, *, refresh: bool = False) -> TogglWorkspaceUser | None:
        """The member whose user id is ``user_id`` (e.g. a time entry's ``user``), or ``None``."""
        if not refresh:
            cache = self._usable_cache()
            if cache is not None:
                found = await cache.query(
                    TogglQuery("workspace", self.workspace_id), TogglQuery("user", user_id), model=TogglWorkspaceUser
                )
                if found:
                    self._count_hit(cache)
                    return found[0]
        return next((m for m in await self.collect(refresh=refresh) if m.user == user_id), None)

    async def edit(self, member: TogglWorkspaceUser | int, body: WorkspaceUserBody) -> TogglWorkspaceUser:
        """Change a member's role, rate, working hours or deactivate them; returns the member as Toggl stores it
        afterwards (re-read with the member list, since the change answers no object).

        Raises:
            ValueError: the body changes nothing, or an unknown role.
            LookupError: the member is not in the workspace's member list after the change.
        """
        mid = entity_id(member, "workspace user")
        async with self._write_guard(ids=[mid]):
            await self._send(api.edit_workspace_user(self.workspace_id, mid, body))
        found = next((m for m in await self.collect(refresh=True) if m.id == mid), None)
        if found is None:
            msg = f"workspace user {mid} is not in workspace {self.workspace_id} after the change"
            raise LookupError(msg)
        return found

    async def delete(self, member: TogglWorkspaceUser | int) -> None:
        """Remove a member from the workspace (a missing one logs a warning unless ``re_raise``)."""
        mid = entity_id(member, "workspace user")
        try:
            async with self._write_guard(ids=[mid]):
                await self._send(api.delete_workspace_user(self.workspace_id, mid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 403, 404):
                raise
            log.warning("workspace user %s was not found; nothing to remove", mid)
        await self._forget(TogglWorkspaceUser, mid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"


def _in_workspace(member: TogglWorkspaceUser, workspace_id: int) -> TogglWorkspaceUser:
    # Toggl's answer names the workspace (``wid``); an answer without it still belongs to the one asked about.
    if member.workspace:
        return member
    member.workspace = workspace_id
    return member


class AsyncOrganizationUserEndpoint(AsyncOrganizationScopedEndpoint[TogglOrganizationUser]):
    """Members of one organization (``/organizations/{organization_id}/users``); Toggl lets organization
    admins list them.

    Args:
        organization_id: The organization, as an id or a ``TogglOrganization``.
        auth: ``httpx.BasicAuth`` with an API token or email and password.
        cache: A cache for organization users, or ``None``.
        client: An ``httpx.AsyncClient`` to send with (never modified).
        timeout: Seconds per request.
        re_raise: Raise every HTTP error and disable retries.
        retries: Retries of idempotent requests (default: the policy's).
        base_url: Host to talk to instead of Toggl.
        clock: Time source.
        policy: Full retry settings.
        kwargs: Further options of ``TogglAsyncCachedEndpoint`` (``session``, ``serve_stale``).
    """

    MODEL = TogglOrganizationUser

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"organizations/{self.organization_id}/users"

    async def collect(
        self,
        *,
        search: str | None = None,
        active_status: Sequence[ACTIVE_STATUS] = (),
        only_admins: bool = False,
        groups: Sequence[int] = (),
        workspaces: Sequence[int] = (),
        refresh: bool = False,
    ) -> list[TogglOrganizationUser]:
        """The organization's members with Toggl's filters, every page (50 at a time).

        Without filters the cache answers while the complete list is fresh.
        """
        unfiltered = not (search or active_status or only_admins or groups or workspaces)
        scope = api.organization_list_scope(self.organization_id)
        queries = api.organization_list_queries(self.organization_id)
        if unfiltered:
            cached = await self._cached_list(scope, queries, refresh=refresh)
            if cached is not None:
                return cached
        models: list[TogglOrganizationUser] = []
        page = 1
        guard = PageGuard(f"GET /organizations/{self.organization_id}/users")
        while True:
            request = api.collect_organization(
                self.organization_id,
                page=page,
                search=search,
                active_status=active_status,
                only_admins=only_admins,
                groups=groups,
                workspaces=workspaces,
            )
            data, response = await self._answer(request, Shape.LIST)
            batch = decode_many(TogglOrganizationUser, data, now=self.clock.now(), response=response)
            guard.admit(tuple(m.id for m in batch))
            models.extend(_in_organization(m, self.organization_id) for m in batch)
            pages = _int_header(response.headers.get("X-Pages"))
            if len(batch) < api.ORGANIZATION_PER_PAGE or (pages is not None and page >= pages):
                break
            page += 1
        if unfiltered:
            await self._remember_list(scope, models, queries)
        else:
            await self._store(*models)
        return models

    async def get(
        self, member: TogglOrganizationUser | int, *, refresh: bool = False
    ) -> TogglOrganizationUser | None:
        """A member by organization-user id: from the cache when fresh, else from the member list."""
        mid = entity_id(member, "organization user")
        hit = await self._cached_find(mid, refresh=refresh)
        if hit is not None:
            return hit
        return next((m for m in await self.collect(refresh=True) if m.id == mid), None)

    async def delete(self, *members: TogglOrganizationUser | int) -> None:
        """Remove members from the organization and its workspaces with one request (all or none: Toggl refuses
        the lot for an id outside the organization or the owner). Their cached memberships go too."""
        ids = sorted({entity_id(m, "organization user") for m in members})
        # Which workspace memberships go with them is known only from the cache: their lists are withdrawn too.
        async with self._write_guard(ids=ids, scopes=await self._organization_member_scopes()):
            await self._send(api.delete_organization_users(self.organization_id, ids))
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        unknown = False
        for mid in ids:
            known = await cache.find(mid, TogglOrganizationUser, include_expired=True) if cache else None
            await self._forget(TogglOrganizationUser, mid)
            if cache is None:
                continue
            if known is None:
                unknown = True
                continue
            # The person also left every workspace of the organization: drop those cached memberships.
            for workspace in known.workspaces:
                gone = await cache.query(
                    TogglQuery("workspace", workspace), TogglQuery("user", known.user), model=TogglWorkspaceUser
                )
                if gone:
                    await cache.delete(*gone)
            await cache.commit()
        if cache is not None and unknown:
            # Whose memberships went is unknown here: the organization's cached member lists are no longer whole.
            workspaces = await cache.load(TogglWorkspace)
            await self._forget_lists(
                *(api.workspace_list_scope(w.id) for w in workspaces if w.organization == self.organization_id)
            )

    async def _organization_member_scopes(self) -> list[str]:
        """The member lists a removal may shorten: the organization's and those of its cached workspaces."""
        scopes = [api.organization_list_scope(self.organization_id)]
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is not None:
            workspaces = await cache.load(TogglWorkspace)
            scopes += [api.workspace_list_scope(w.id) for w in workspaces if w.organization == self.organization_id]
        return scopes

    def __repr__(self) -> str:
        return f"{type(self).__name__}(organization_id={self.organization_id})"


def _in_organization(member: TogglOrganizationUser, organization_id: int) -> TogglOrganizationUser:
    if not member.organization:
        member.organization = organization_id
    return member


def _int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
