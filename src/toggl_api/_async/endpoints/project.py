"""``AsyncProjectEndpoint``: the projects of a workspace."""

from __future__ import annotations

import logging
from typing import Any, Final

from attrs import evolve

from ..._core.api import client as client_api
from ..._core.api import project as api
from ..._core.api._fields import chunked, entity_id
from ..._core.api.project import ProjectBody
from ..._core.api.request import RequestMethod, Shape
from ..._core.api.tracker import Edits, decode_edits
from ..._core.errors import TogglAPIError
from ..._core.models import TogglClient, TogglProject, TogglTask, TogglTracker
from ..._core.paging import PageGuard
from ..._core.query import TogglQuery
from ..._sqlcompat import async_status_to_query
from ..cache.base import TogglAsyncCache
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncProjectEndpoint", "ProjectBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncProjectEndpoint(AsyncWorkspaceScopedEndpoint[TogglProject]):
    """Projects of one workspace (``/workspaces/{workspace_id}/projects``)."""

    MODEL = TogglProject
    BASIC_COLORS: Final[dict[str, str]] = api.BASIC_COLORS

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/projects"

    @classmethod
    def get_color(cls, name: str) -> str:
        """The hex value of a basic colour name (unknown names give gray)."""
        return api.get_color(name)

    @classmethod
    def get_color_id(cls, color: str) -> int:
        """The API colour index of a basic colour's hex value (``ValueError`` for others)."""
        return api.get_color_id(color)

    #: toggl-api-wrapper's helper, which differs per world as it did there: the async one narrows a SQL
    #: ``Select`` of the cache's project table (``status_to_query(status, statement)``), the sync one returns
    #: ``TogglQuery`` objects (``status_to_query(status)``). Both are in ``toggl_api._sqlcompat``.
    status_to_query = staticmethod(async_status_to_query)

    async def collect(
        self,
        body: ProjectBody | None = None,
        *,
        refresh: bool = False,
        sort_pinned: bool = False,
        only_me: bool = False,
        only_templates: bool = False,
        page: int | None = None,
        per_page: int | None = None,
    ) -> list[TogglProject]:
        """Projects of the workspace, with Toggl's filters sent as query parameters.

        Without ``page`` every page is fetched (``per_page`` at a time, 200 by default) until a short page.
        The cache answers when the filter only uses ``active``, ``client_ids`` and ``statuses`` and the list
        for that ``active`` value (or ``"both"``) was fetched completely and is fresh. A ``body=None`` means
        ``ProjectBody()``: active projects.
        """
        params = api.collect_params(body, sort_pinned=sort_pinned, only_me=only_me, only_templates=only_templates)
        active = params["active"]
        today = self.clock.now().date()
        simple = api.cacheable(body, sort_pinned=sort_pinned, only_me=only_me, only_templates=only_templates)
        if simple and page is None:
            scopes = [api.list_scope(self.workspace_id, active), api.list_scope(self.workspace_id, "both")]
            cached = await self._cached_scopes(scopes, api.list_queries(self.workspace_id, active), refresh=refresh)
            if cached is not None:
                return sorted(
                    (p for p in cached if api.matches_body(p, body, today)), key=lambda p: (p.name.lower(), p.id)
                )
        if page is not None:
            models = await self._many(api.collect(self.workspace_id, params, page=page, per_page=per_page))
            await self._store(*models)
            return models
        size = per_page or api.MAX_PER_PAGE
        models = []
        number = 1
        guard = PageGuard(f"GET /workspaces/{self.workspace_id}/projects")
        while True:
            batch = await self._many(api.collect(self.workspace_id, params, page=number, per_page=size))
            guard.admit(tuple(m.id for m in batch))
            models.extend(batch)
            if len(batch) < size:
                break
            number += 1
        await self._after_collect(models, params, body, simple=simple)
        return models

    async def _after_collect(
        self, models: list[TogglProject], params: dict[str, Any], body: ProjectBody | None, *, simple: bool
    ) -> None:
        unfiltered = simple and (body is None or (not body.client_ids and not body.statuses))
        if unfiltered:
            active = params["active"]
            await self._remember_list(
                api.list_scope(self.workspace_id, active), models, api.list_queries(self.workspace_id, active)
            )
            return
        live = [m for m in models if m.server_deleted_at is None]
        gone = [m for m in models if m.server_deleted_at is not None]
        await self._store(*live)
        for model in gone:  # ``since`` reports deletions: drop them from the cache
            await self._forget(TogglProject, model.id)

    async def get(self, project_id: int | TogglProject, *, refresh: bool = False) -> TogglProject | None:
        """A project by id: from the cache when fresh, else from Toggl (``None`` if Toggl has none)."""
        pid = entity_id(project_id, "project_id")
        return await self._read_one(pid, api.get(self.workspace_id, pid), refresh=refresh, tolerated=(404,))

    async def delete(self, project: TogglProject | int) -> None:
        """Delete a project (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        pid = entity_id(project, "project")
        try:
            async with self._write_guard(ids=[pid], dependents=[(TogglTracker, [TogglQuery("project", pid)])]):
                await self._send(api.delete(self.workspace_id, pid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 404):
                raise
            log.warning("project %s was not found; nothing to delete", pid)
        await self._forget(TogglProject, pid)
        # Toggl keeps the project's time entries, without a project or task (the default ``teDeletionMode``),
        # and deletes the project's tasks.
        await self._patch_cached(
            TogglTracker, [TogglQuery("project", pid)], lambda t: evolve(t, project=None, task=None)
        )
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is not None:
            tasks = await cache.query(TogglQuery("project", pid), model=TogglTask)
            if tasks:
                await cache.delete(*tasks)
                await cache.commit()

    async def edit(self, project: TogglProject | int, body: ProjectBody) -> TogglProject:
        """Change the fields of ``body`` you set (the body itself is not modified)."""
        pid = entity_id(project, "project")
        async with self._write_guard(ids=[pid], scopes=self._client_scopes(body)):
            edited = await self._one(api.edit(self.workspace_id, pid, body))
            if edited is None:  # pragma: no cover - Toggl answers the project
                msg = "Toggl answered no project"
                raise TypeError(msg)
        await self._write_cache(edited, RequestMethod.PUT)
        await self._learn_client(edited)
        return edited

    async def add(self, body: ProjectBody) -> TogglProject:
        """Create a project (``NamingError`` without a name)."""
        async with self._write_guard(scopes=self._client_scopes(body)):
            created = await self._one(api.add(self.workspace_id, body))
            if created is None:  # pragma: no cover - Toggl answers the project
                msg = "Toggl answered no project"
                raise TypeError(msg)
        await self._write_cache(created, RequestMethod.POST)
        await self._learn_client(created)
        return created

    def _client_scopes(self, body: ProjectBody) -> list[str]:
        """Client lists a write naming a client may extend (an unknown ``client_name`` creates a client)."""
        # A wrong body type is refused by the request builder inside the guard; nothing to widen here.
        if not getattr(body, "client_name", None):
            return []
        return [client_api.list_scope(self.workspace_id, status) for status in ("active", "archived", "both")]

    async def bulk_edit(self, *projects: TogglProject | int, body: ProjectBody) -> Edits:
        """Apply the same change to many projects, 100 per request (name, colour, privacy, dates; Toggl cannot
        bulk-edit ``active`` or the client).

        Returns:
            ``Edits(successes, failures)``: the ids changed, and ``{"id", "message"}`` for each failure.

        With a cache, the changed projects are read back with one ``since`` read afterwards (the PATCH answers
        ids only).
        """
        operations = api.bulk_operations(body)
        ids = list(dict.fromkeys(entity_id(p, "project") for p in projects))
        started = self.clock.now()
        successes: list[int] = []
        failures: list[Any] = []
        async with self._write_guard(ids=ids):
            for chunk in chunked(ids, api.BULK_EDIT_LIMIT):
                answer = await self._json(api.bulk_edit(self.workspace_id, chunk, operations), Shape.OBJECT)
                edits = decode_edits(answer)
                successes.extend(edits.successes)
                failures.extend(edits.failures)
        if successes and self._usable_cache() is not None:
            # ``since`` is whole seconds: one second earlier so edits within the current second are included.
            params = api.collect_params(ProjectBody(active="both", since=int(started.timestamp()) - 1))
            fresh = await self._many(api.collect(self.workspace_id, params, page=1, per_page=api.MAX_PER_PAGE))
            await self._store(*(p for p in fresh if p.id in set(successes)))
            returned = {p.id for p in fresh}
            for missing in (i for i in successes if i not in returned):
                await self._forget(TogglProject, missing)
        return Edits(successes, failures)

    async def _learn_client(self, project: TogglProject) -> None:
        """A ``client_name`` Toggl did not know creates a client: cached client lists no longer hold them all."""
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is None or project.client is None:
            return
        if await cache.find(project.client, TogglClient, include_expired=True) is None:
            await self._forget_lists(
                *(client_api.list_scope(self.workspace_id, status) for status in ("active", "archived", "both"))
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"
