"""``AsyncProjectUserEndpoint``: who belongs to which project of a workspace."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..._core.api import project_user as api
from ..._core.api._fields import entity_id
from ..._core.api.project_user import ProjectUserBody
from ..._core.api.request import RequestMethod
from ..._core.errors import TogglAPIError
from ..._core.models import TogglProjectUser
from ..._core.query import TogglQuery
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncProjectUserEndpoint", "ProjectUserBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncProjectUserEndpoint(AsyncWorkspaceScopedEndpoint[TogglProjectUser]):
    """Project memberships of one workspace (``/workspaces/{workspace_id}/project_users``)."""

    MODEL = TogglProjectUser

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/project_users"

    def _scope(self) -> str:
        return api.list_scope(self.workspace_id)

    async def collect(
        self, *, project_ids: Sequence[int] = (), user_id: int | None = None, refresh: bool = False
    ) -> list[TogglProjectUser]:
        """Memberships of the workspace, optionally of some projects or of one user.

        The cache answers while the workspace's complete list is fresh (filters are applied to it).
        """
        queries = [TogglQuery("workspace", self.workspace_id)]
        cached = await self._cached_list(self._scope(), queries, refresh=refresh)
        if cached is not None:
            wanted = set(project_ids)
            return [
                m for m in cached if (not wanted or m.project in wanted) and (user_id is None or m.user == user_id)
            ]
        request = api.collect(self.workspace_id, project_ids=project_ids, user_id=user_id)
        models = await self._many(request)
        if project_ids or user_id is not None:
            await self._store(*models)
        else:
            await self._remember_list(self._scope(), models, queries)
        return models

    async def add(self, body: ProjectUserBody) -> TogglProjectUser:
        """Add a user to a project (``body`` needs ``project_id`` and ``user_id``)."""
        async with self._write_guard():
            created = await self._one(api.add(self.workspace_id, body))
        await self._write_cache(created, RequestMethod.POST)
        return created

    async def edit(self, membership: TogglProjectUser | int, body: ProjectUserBody) -> TogglProjectUser:
        """Change a membership's manager flag, rate or labour cost (the fields of ``body`` you set)."""
        mid = entity_id(membership, "project user")
        async with self._write_guard(ids=[mid]):
            edited = await self._one(api.edit(self.workspace_id, mid, body))
        await self._write_cache(edited, RequestMethod.PUT)
        return edited

    async def delete(self, membership: TogglProjectUser | int) -> None:
        """Remove a user from a project (a missing membership logs a warning unless ``re_raise``)."""
        mid = entity_id(membership, "project user")
        try:
            async with self._write_guard(ids=[mid]):
                await self._send(api.delete(self.workspace_id, mid))
        except TogglAPIError as exc:
            # Toggl answers 400 "Project user not found/accessible" for an unknown membership.
            if not self._tolerated(exc, 400, 404):
                raise
            log.warning("project user %s was not found; nothing to delete", mid)
        await self._forget(TogglProjectUser, mid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"
