"""``AsyncClientEndpoint``: the clients of a workspace."""

from __future__ import annotations

import logging
from typing import Any

from attrs import evolve

from ..._core.api import client as api
from ..._core.api._fields import entity_id, require_type
from ..._core.api.client import ArchivedClients, ClientBody
from ..._core.api.request import RequestMethod, Shape
from ..._core.errors import TogglAPIError
from ..._core.models import TogglClass, TogglClient, TogglProject
from ..._core.query import TogglQuery
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncClientEndpoint", "ClientBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncClientEndpoint(AsyncWorkspaceScopedEndpoint[TogglClient]):
    """Clients of one workspace (``/workspaces/{workspace_id}/clients``).

    Reads are answered from the cache while it is fresh and complete for what is asked, else from Toggl;
    every write keeps the cache right.
    """

    MODEL = TogglClient

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/clients"

    async def add(self, body: ClientBody) -> TogglClient:
        """Create a client (``status="archived"`` archives it right after).

        Raises:
            NamingError: no name, a blank one, or one over 100 characters.
        """
        async with self._write_guard():
            request = api.add(self.workspace_id, body)
            created = await self._one(request)
            if created is None:  # pragma: no cover - Toggl always answers the client
                msg = "Toggl answered no client"
                raise TypeError(msg)
        await self._write_cache(created, RequestMethod.POST)
        if body.status == "archived":
            return await self.archive(created)
        return created

    async def get(self, client_id: int | TogglClient, *, refresh: bool = False) -> TogglClient | None:
        """A client by id: from the cache when fresh, else from Toggl (``None`` if Toggl has none)."""
        cid = entity_id(client_id, "client_id")
        return await self._read_one(cid, api.get(self.workspace_id, cid), refresh=refresh, tolerated=(404,))

    async def edit(self, client: TogglClient | int, body: ClientBody) -> TogglClient:
        """Change a client's name or notes; ``status`` ``"archived"``/``"active"`` archives or restores it.

        The caller's ``body`` is not modified.
        """
        cid = entity_id(client, "client")
        if body.status == "both":
            msg = "status='both' is a collect filter; edit takes 'archived' or 'active'"
            raise ValueError(msg)
        edited: TogglClient | None = None
        if body.name is not None or body.notes is not None:
            async with self._write_guard(ids=[cid]):
                edited = await self._one(api.edit(self.workspace_id, cid, body))
            await self._write_cache(edited, RequestMethod.PUT)
        if body.status == "archived":
            return await self.archive(cid)
        if body.status == "active":
            return await self.restore(cid)
        if edited is None:
            msg = "the ClientBody changes nothing: set name, notes or status"
            raise ValueError(msg)
        return edited

    async def delete(self, client: TogglClient | int) -> None:
        """Delete a client (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        cid = entity_id(client, "client")
        try:
            async with self._write_guard(ids=[cid], dependents=self._projects_of(cid)):
                await self._send(api.delete(self.workspace_id, cid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("client %s was not found; nothing to delete", cid)
        await self._forget(TogglClient, cid)
        # Toggl keeps the client's projects, without a client.
        await self._patch_cached(TogglProject, [TogglQuery("client", cid)], lambda p: evolve(p, client=None))

    async def archive(self, client: TogglClient | int) -> TogglClient:
        """Archive a client (and its projects, as Toggl does); returns the archived client."""
        cid = entity_id(client, "client")
        async with self._write_guard(ids=[cid], dependents=self._projects_of(cid)):
            answer = await self._json(api.archive(self.workspace_id, cid))
        # Toggl archives the client's active projects with it and answers their ids.
        archived = {i for i in answer if isinstance(i, int)} if isinstance(answer, list) else set()
        await self._patch_cached(
            TogglProject,
            [TogglQuery("client", cid)],
            lambda p: evolve(p, active=False) if p.id in archived and p.active else None,
        )
        return await self._refetch(cid)

    async def bulk_archive(self, *clients: TogglClient | int) -> ArchivedClients:
        """Archive several clients (and, as Toggl does, their projects) with one request.

        Returns:
            ``ArchivedClients(client_ids, project_ids)``: what Toggl archived.
        """
        ids = [entity_id(c, "client") for c in clients]
        dependents = [d for cid in sorted(set(ids)) for d in self._projects_of(cid)]
        async with self._write_guard(ids=ids, dependents=dependents):
            archived = api.decode_bulk_archive(await self._json(api.bulk_archive(self.workspace_id, ids), Shape.LIST))
        done_clients, done_projects = set(archived.client_ids), set(archived.project_ids)
        workspace = [TogglQuery("workspace", self.workspace_id)]
        await self._patch_cached(
            TogglClient, workspace, lambda c: evolve(c, archived=True) if c.id in done_clients else None
        )
        await self._patch_cached(
            TogglProject, workspace, lambda p: evolve(p, active=False) if p.id in done_projects and p.active else None
        )
        return archived

    async def bulk_delete(self, *clients: TogglClient | int) -> None:
        """Delete several clients with one request; their projects stay, without a client (as Toggl keeps them)."""
        ids = {entity_id(c, "client") for c in clients}
        dependents = [d for cid in sorted(ids) for d in self._projects_of(cid)]
        async with self._write_guard(ids=ids, dependents=dependents):
            await self._send(api.bulk_delete(self.workspace_id, sorted(ids)))
        for cid in sorted(ids):
            await self._forget(TogglClient, cid)
        await self._patch_cached(
            TogglProject,
            [TogglQuery("workspace", self.workspace_id)],
            lambda p: evolve(p, client=None) if p.client in ids else None,
        )

    async def restore(
        self, client: TogglClient | int, *, projects: list[int] | None = None, all_projects: bool = False
    ) -> TogglClient:
        """Un-archive a client, and optionally some (``projects``) or all of its projects."""
        cid = entity_id(client, "client")
        async with self._write_guard(ids=[cid], dependents=self._projects_of(cid)):
            restored = await self._one_or_none(
                api.restore(self.workspace_id, cid, projects=projects, all_projects=all_projects)
            )
        wanted = set(projects or ())
        await self._patch_cached(
            TogglProject,
            [TogglQuery("client", cid)],
            lambda p: evolve(p, active=True) if not p.active and (all_projects or p.id in wanted) else None,
        )
        if restored is None:
            return await self._refetch(cid)
        await self._store(restored)
        return restored

    @staticmethod
    def _projects_of(client_id: int) -> list[tuple[type[TogglClass], list[TogglQuery[Any]]]]:
        """Cached projects of the client: deleting, archiving or restoring it changes them too."""
        return [(TogglProject, [TogglQuery("client", client_id)])]

    async def _refetch(self, cid: int) -> TogglClient:
        fetched = await self._read_one(cid, api.get(self.workspace_id, cid), refresh=True, tolerated=())
        assert fetched is not None  # nothing is tolerated, so an answer is a client
        return fetched

    async def collect(self, body: ClientBody | None = None, *, refresh: bool = False) -> list[TogglClient]:
        """The workspace's clients, filtered by Toggl's ``status`` (default ``active``) and ``name`` (substring).

        Answered from the cache when this status (or ``both``) was fetched completely and is still fresh.
        """
        require_type(body, ClientBody, "body", optional=True)
        status = body.status if body is not None else None
        name = body.name if body is not None else None
        queries = api.list_queries(self.workspace_id, status)
        scopes = [api.list_scope(self.workspace_id, status), api.list_scope(self.workspace_id, "both")]
        cached = await self._cached_scopes(scopes, queries, refresh=refresh)
        if cached is not None:
            return sorted((c for c in cached if api.matches_name(c, name)), key=lambda c: (c.name.lower(), c.id))
        models = await self._many(api.collect(self.workspace_id, body))
        if name:
            await self._store(*models)  # a name filter answers part of the list only
        else:
            await self._remember_list(scopes[0], models, queries)
        return models

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"
