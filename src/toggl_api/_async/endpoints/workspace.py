"""``AsyncWorkspaceEndpoint``: the user's workspaces."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import cast

from ..._core.api import workspace as api
from ..._core.api._fields import entity_id
from ..._core.api.request import RequestMethod, Shape
from ..._core.api.workspace import User, WorkspaceBody, WorkspaceStatistics
from ..._core.models import TogglWorkspace
from ._base import AsyncOrganizationScopedEndpoint

__all__ = ["AsyncWorkspaceEndpoint", "User", "WorkspaceBody", "WorkspaceStatistics"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncWorkspaceEndpoint(AsyncOrganizationScopedEndpoint[TogglWorkspace]):
    """Workspaces of the current user; ``add`` creates them in ``organization_id``.

    Args:
        organization_id: The organization new workspaces go to (an id or a ``TogglOrganization``).
        auth: ``httpx.BasicAuth`` with an API token or email and password.
        cache: A cache for workspaces, or ``None``.
        client: An ``httpx.AsyncClient`` to send with (never modified).
        timeout: Seconds per request.
        re_raise: Raise every HTTP error (no tolerated 404s) and disable retries.
        retries: Retries of idempotent requests (default: the policy's).
        base_url: Host to talk to instead of Toggl.
        clock: Time source.
        policy: Full retry settings.
        kwargs: Further options of ``TogglAsyncCachedEndpoint`` (``session``, ``serve_stale``).
    """

    MODEL = TogglWorkspace

    async def get(self, workspace: TogglWorkspace | int, *, refresh: bool = False) -> TogglWorkspace | None:
        """A workspace by id: from the cache when fresh, else from Toggl (``None`` on 404)."""
        wid = entity_id(workspace, "workspace")
        return await self._read_one(wid, api.get(wid), refresh=refresh, tolerated=(404,))

    async def add(self, body: WorkspaceBody) -> TogglWorkspace:
        """Create a workspace in ``organization_id`` (``NamingError`` without a valid name)."""
        async with self._write_guard():
            created = await self._one(api.add(self.organization_id, body))
            if created is None:  # pragma: no cover - Toggl answers the workspace
                msg = "Toggl answered no workspace"
                raise TypeError(msg)
        await self._write_cache(created, RequestMethod.POST)
        return created

    def _validate_collect_since(self, since: datetime | date | int) -> int:
        """``since`` as unix seconds; ``DateTimeError`` when it lies in the future."""
        return api.validate_since(since, self.clock.now())

    async def collect(self, since: datetime | int | None = None, *, refresh: bool = False) -> list[TogglWorkspace]:
        """The user's workspaces; ``since`` (sent as a query parameter) asks for those modified since.

        Without ``since`` the cache answers while the complete list is fresh.
        """
        if since is not None:
            stamp = self._validate_collect_since(since)
            models = await self._many(api.collect(stamp))
            await self._store(*models)
            return models
        scope = api.list_scope()
        cached = await self._cached_list(scope, [], refresh=refresh)
        if cached is not None:
            return cached
        models = await self._many(api.collect())
        await self._remember_list(scope, models, [])
        return models

    async def edit(self, workspace_id: TogglWorkspace | int, body: WorkspaceBody) -> TogglWorkspace:
        """Change the fields of ``body`` you set (``False``/``0`` included)."""
        wid = entity_id(workspace_id, "workspace_id")
        async with self._write_guard(ids=[wid]):
            edited = await self._one(api.edit(wid, body))
            if edited is None:  # pragma: no cover - Toggl answers the workspace
                msg = "Toggl answered no workspace"
                raise TypeError(msg)
        await self._write_cache(edited, RequestMethod.PUT)
        return edited

    async def tracker_constraints(self, workspace_id: TogglWorkspace | int) -> dict[str, bool]:
        """The workspace's time entry constraints (a premium feature)."""
        wid = entity_id(workspace_id, "workspace_id")
        return cast("dict[str, bool]", await self._json(api.tracker_constraints(wid), Shape.OBJECT))

    async def statistics(self, workspace_id: TogglWorkspace | int) -> WorkspaceStatistics:
        """Admins, group and member counts of the workspace."""
        wid = entity_id(workspace_id, "workspace_id")
        return cast("WorkspaceStatistics", await self._json(api.statistics(wid), Shape.OBJECT))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(organization_id={self.organization_id})"
