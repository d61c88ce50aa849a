"""``AsyncGroupEndpoint``: the user groups of a workspace."""

from __future__ import annotations

import logging

from ..._core.api import group as api
from ..._core.api._fields import entity_id
from ..._core.api.request import RequestMethod
from ..._core.errors import TogglAPIError
from ..._core.models import TogglGroup
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncGroupEndpoint"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncGroupEndpoint(AsyncWorkspaceScopedEndpoint[TogglGroup]):
    """User groups of one workspace (``/workspaces/{workspace_id}/groups``)."""

    MODEL = TogglGroup

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/groups"

    async def collect(self, *, refresh: bool = False) -> list[TogglGroup]:
        """Every group of the workspace: from the cache when the list was fetched completely and is fresh."""
        scope = api.list_scope(self.workspace_id)
        queries = api.list_queries(self.workspace_id)
        cached = await self._cached_list(scope, queries, refresh=refresh)
        if cached is not None:
            return cached
        models = await self._many(api.collect(self.workspace_id))
        await self._remember_list(scope, models, queries)
        return models

    async def get(self, group: TogglGroup | int, *, refresh: bool = False) -> TogglGroup | None:
        """A group by id: from the cache when fresh, else from the group list (Toggl has no single read)."""
        gid = entity_id(group, "group")
        hit = await self._cached_find(gid, refresh=refresh)
        if hit is not None:
            return hit
        return next((g for g in await self.collect(refresh=True) if g.id == gid), None)

    async def add(self, name: str) -> TogglGroup:
        """Create a group (``NamingError`` for a blank name or one over 200 characters)."""
        async with self._write_guard():
            created = await self._one(api.add(self.workspace_id, name))
        await self._write_cache(created, RequestMethod.POST)
        return created

    async def edit(self, group: TogglGroup | int, name: str) -> TogglGroup:
        """Rename a group."""
        gid = entity_id(group, "group")
        async with self._write_guard(ids=[gid]):
            edited = await self._one(api.edit(self.workspace_id, gid, name))
        await self._write_cache(edited, RequestMethod.PUT)
        return edited

    async def delete(self, group: TogglGroup | int) -> None:
        """Delete a group (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        gid = entity_id(group, "group")
        try:
            async with self._write_guard(ids=[gid]):
                await self._send(api.delete(self.workspace_id, gid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("group %s was not found; nothing to delete", gid)
        await self._forget(TogglGroup, gid)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"
