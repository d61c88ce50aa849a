"""``AsyncTagEndpoint``: the tags of a workspace."""

from __future__ import annotations

import logging
from typing import Any

from attrs import evolve

from ..._core.api import tag as api
from ..._core.api._fields import entity_id
from ..._core.api.request import RequestMethod
from ..._core.errors import TogglAPIError
from ..._core.models import TogglClass, TogglTag, TogglTracker
from ..._core.query import TogglQuery
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncTagEndpoint"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncTagEndpoint(AsyncWorkspaceScopedEndpoint[TogglTag]):
    """Tags of one workspace (``/workspaces/{workspace_id}/tags``)."""

    MODEL = TogglTag

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/tags"

    async def get(self, tag: TogglTag | int, *, refresh: bool = False) -> TogglTag | None:
        """A tag by id: from the cache when fresh, else from the workspace's tag list (Toggl has no single-tag
        read); ``None`` when the workspace has no such tag."""
        tid = entity_id(tag, "tag")
        hit = await self._cached_find(tid, refresh=refresh)
        if hit is not None:
            return hit
        for candidate in await self.collect(refresh=True):
            if candidate.id == tid:
                return candidate
        return None

    async def collect(self, *, refresh: bool = False) -> list[TogglTag]:
        """Every tag of the workspace: from the cache when the list was fetched completely and is fresh."""
        queries = api.list_queries(self.workspace_id)
        scope = api.list_scope(self.workspace_id)
        cached = await self._cached_list(scope, queries, refresh=refresh)
        if cached is not None:
            return cached
        models = await self._many(api.collect(self.workspace_id))
        await self._remember_list(scope, models, queries)
        return models

    async def add(self, name: str) -> TogglTag:
        """Create a tag (``NamingError`` for a blank name)."""
        async with self._write_guard():
            created = await self._one(api.add(self.workspace_id, name))
            if created is None:  # pragma: no cover - Toggl answers the tag
                msg = "Toggl answered no tag"
                raise TypeError(msg)
        await self._write_cache(created, RequestMethod.POST)
        return created

    async def edit(self, tag: TogglTag | int, name: str) -> TogglTag:
        """Rename a tag (``NamingError`` for a blank name)."""
        tid = entity_id(tag, "tag")
        async with self._write_guard(ids=[tid], dependents=self._carriers(tid)):
            edited = await self._one(api.edit(self.workspace_id, tid, name))
            if edited is None:  # pragma: no cover - Toggl answers the tag
                msg = "Toggl answered no tag"
                raise TypeError(msg)
        await self._write_cache(edited, RequestMethod.PUT)
        # Time entries name their tags: the cached ones carrying this tag now show the new name.
        await self._patch_tracker_tags(tid, edited)
        return edited

    async def delete(self, tag: TogglTag | int) -> None:
        """Delete a tag (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        tid = entity_id(tag, "tag")
        try:
            async with self._write_guard(ids=[tid], dependents=self._carriers(tid)):
                await self._send(api.delete(self.workspace_id, tid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("tag %s was not found; nothing to delete", tid)
        await self._forget(TogglTag, tid)
        await self._patch_tracker_tags(tid, None)  # Toggl removes it from every time entry

    @staticmethod
    def _carriers(tag_id: int) -> list[tuple[type[TogglClass], list[TogglQuery[Any]]]]:
        """Cached time entries carrying the tag: a rename or delete changes them too."""
        return [(TogglTracker, [TogglQuery("tags", tag_id)])]

    async def bulk_delete(self, *tags: TogglTag | int) -> None:
        """Delete several tags with one request (all or none: Toggl refuses the lot when one is not in the
        workspace); they leave the cache and the cached time entries."""
        ids = [entity_id(t, "tag") for t in tags]
        carriers = [carrier for tid in sorted(set(ids)) for carrier in self._carriers(tid)]
        async with self._write_guard(ids=ids, dependents=carriers):
            await self._send(api.bulk_delete(self.workspace_id, ids))
        for tid in sorted(set(ids)):
            await self._forget(TogglTag, tid)
            await self._patch_tracker_tags(tid, None)

    async def _patch_tracker_tags(self, tag_id: int, renamed: TogglTag | None) -> None:
        """Rename (or, for ``None``, remove) tag ``tag_id`` in cached time entries of the workspace."""

        def change(tracker: TogglTracker) -> TogglTracker | None:
            if not any(t.id == tag_id for t in tracker.tags):
                return None
            tags = [
                evolve(t, name=renamed.name) if t.id == tag_id and renamed is not None else t
                for t in tracker.tags
                if t.id != tag_id or renamed is not None
            ]
            return evolve(tracker, tags=tags)

        await self._patch_cached(TogglTracker, [TogglQuery("workspace", self.workspace_id)], change)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"
