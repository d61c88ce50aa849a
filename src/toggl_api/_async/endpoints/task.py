"""``AsyncTaskEndpoint``: the tasks of a workspace's projects."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, Literal

from attrs import evolve

from ..._core.answers import decode_many, unexpected
from ..._core.api import task as api
from ..._core.api._fields import chunked, entity_id
from ..._core.api.request import RequestMethod, Shape
from ..._core.api.task import TaskBody
from ..._core.api.tracker import Edits, decode_edits
from ..._core.errors import TogglAPIError
from ..._core.models import TogglProject, TogglTask, TogglTracker
from ..._core.paging import PageGuard
from ..._core.query import TogglQuery
from ..cache.base import TogglAsyncCache
from ._base import AsyncWorkspaceScopedEndpoint

__all__ = ["AsyncTaskEndpoint", "TaskBody"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncTaskEndpoint(AsyncWorkspaceScopedEndpoint[TogglTask]):
    """Tasks of one workspace (``/workspaces/{workspace_id}/tasks`` and ``.../projects/{project_id}/tasks``).

    Tasks are a paid Toggl feature. A task lives under its project, so writes and single reads need the project:
    pass a ``TogglTask`` (it knows its project) or ``project=``; a task already cached is found without it.
    """

    MODEL = TogglTask

    @property
    def endpoint(self) -> str:
        """The collection path relative to the API base."""
        return f"workspaces/{self.workspace_id}/tasks"

    async def collect(
        self,
        project: TogglProject | int | None = None,
        *,
        active: bool | Literal["both"] = True,
        since: date | int | None = None,
        search: str | None = None,
        refresh: bool = False,
    ) -> list[TogglTask]:
        """The workspace's tasks, optionally of one ``project``: open ones (``active=True``, the default), done
        ones (``False``) or ``"both"``.

        Every page is fetched. The cache answers when the workspace's list for that ``active`` value (or
        ``"both"``) was fetched completely and is fresh; ``since`` and ``search`` always ask Toggl.
        """
        pid = None if project is None else entity_id(project, "project")
        queries = api.list_queries(self.workspace_id, active, pid)
        if since is None and not search:
            scopes = [api.list_scope(self.workspace_id, active), api.list_scope(self.workspace_id, "both")]
            cached = await self._cached_scopes(scopes, queries, refresh=refresh)
            if cached is not None:
                return sorted(cached, key=lambda t: (t.name.lower(), t.id))
        models: list[TogglTask] = []
        page = 1
        guard = PageGuard(f"GET /workspaces/{self.workspace_id}/tasks")
        while True:
            request = api.collect(
                self.workspace_id, active=active, project_id=pid, since=since, search=search, page=page
            )
            data, response = await self._answer(request, Shape.JSON)
            try:
                items, total = api.unwrap_page(data)
            except ValueError as exc:
                raise unexpected(response, str(exc)) from None
            batch = decode_many(TogglTask, items, now=self.clock.now(), response=response)
            guard.admit(tuple(m.id for m in batch))
            models.extend(batch)
            if len(items) < api.MAX_PER_PAGE or (total is not None and len(models) >= total):
                break
            page += 1
        live = [m for m in models if m.server_deleted_at is None]
        if pid is None and since is None and not search:
            await self._remember_list(api.list_scope(self.workspace_id, active), live, queries)
        else:
            await self._store(*live)
            for gone in (m for m in models if m.server_deleted_at is not None):
                await self._forget(TogglTask, gone.id)
        return live

    async def get(
        self, task: TogglTask | int, project: TogglProject | int | None = None, *, refresh: bool = False
    ) -> TogglTask | None:
        """A task by id: from the cache when fresh, else from Toggl (``None`` if Toggl has none there: Toggl
        answers 400 "Invalid task_id" for an unknown task).

        Raises:
            ValueError: the task is not cached and no project was given to ask Toggl with.
        """
        tid = entity_id(task, "task")
        hit = await self._cached_find(tid, refresh=refresh)
        if hit is not None:
            return hit
        pid = await self._project_of(task, project)
        return await self._read_one(tid, api.get(self.workspace_id, pid, tid), refresh=True, tolerated=(400, 404))

    async def add(self, project: TogglProject | int, body: TaskBody) -> TogglTask:
        """Create a task in ``project`` (``NamingError`` without a name)."""
        pid = entity_id(project, "project")
        async with self._write_guard(scopes=_list_scopes(self.workspace_id)):
            created = await self._one(api.add(self.workspace_id, pid, body))
        await self._write_cache(created, RequestMethod.POST)
        return created

    async def edit(
        self, task: TogglTask | int, body: TaskBody, project: TogglProject | int | None = None
    ) -> TogglTask:
        """Change the fields of ``body`` you set (``TaskBody(active=False)`` marks the task done)."""
        tid = entity_id(task, "task")
        pid = await self._project_of(task, project)
        async with self._write_guard(ids=[tid]):
            edited = await self._one(api.edit(self.workspace_id, pid, tid, body))
        await self._write_cache(edited, RequestMethod.PUT)
        return edited

    async def delete(self, task: TogglTask | int, project: TogglProject | int | None = None) -> None:
        """Delete a task (a missing one logs a warning unless ``re_raise``); it leaves the cache either way."""
        tid = entity_id(task, "task")
        pid = await self._project_of(task, project)
        try:
            async with self._write_guard(ids=[tid], dependents=[(TogglTracker, [TogglQuery("task", tid)])]):
                await self._send(api.delete(self.workspace_id, pid, tid))
        except TogglAPIError as exc:
            if not self._tolerated(exc, 400, 404):  # 400 "Invalid task_id" for an unknown task
                raise
            log.warning("task %s was not found; nothing to delete", tid)
        await self._forget(TogglTask, tid)
        # Toggl keeps the task's time entries, without the task.
        await self._patch_cached(TogglTracker, [TogglQuery("task", tid)], lambda t: evolve(t, task=None))

    async def bulk_edit(self, *tasks: TogglTask | int, body: TaskBody, project: TogglProject | int) -> Edits:
        """Apply the same change to many tasks of one project, 100 per request.

        Returns:
            ``Edits(successes, failures)``: the ids changed, and ``{"id", "message"}`` for each failure.

        With a cache, the project's tasks are read again once afterwards (the PATCH answers ids only).
        """
        operations = api.bulk_operations(body)
        pid = entity_id(project, "project")
        ids = list(dict.fromkeys(entity_id(t, "task") for t in tasks))
        successes: list[int] = []
        failures: list[Any] = []
        async with self._write_guard(ids=ids):
            for chunk in chunked(ids, api.BULK_EDIT_LIMIT):
                answer = await self._json(api.bulk_edit(self.workspace_id, pid, chunk, operations), Shape.OBJECT)
                edits = decode_edits(answer)
                successes.extend(edits.successes)
                failures.extend(edits.failures)
        if successes and self._usable_cache() is not None:
            fresh = await self._many(api.collect_project(self.workspace_id, pid))
            await self._store(*fresh)
            returned = {t.id for t in fresh}
            for missing in (i for i in successes if i not in returned):
                await self._forget(TogglTask, missing)
        return Edits(successes, failures)

    async def _project_of(self, task: TogglTask | int, project: TogglProject | int | None) -> int:
        """The project of ``task``: given, known to the model, or remembered by the cache (even expired)."""
        if project is not None:
            return entity_id(project, "project")
        if isinstance(task, TogglTask) and task.project:
            return task.project
        cache: TogglAsyncCache[Any] | None = self._usable_cache()
        if cache is not None:
            known = await cache.find(entity_id(task, "task"), TogglTask, include_expired=True)
            if known is not None and known.project:
                return int(known.project)
        msg = f"task {entity_id(task, 'task')} is not cached: pass project= (tasks live under their project)"
        raise ValueError(msg)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workspace_id={self.workspace_id})"


def _list_scopes(workspace_id: int) -> list[str]:
    """The task lists a new task joins (open ones and both)."""
    return [api.list_scope(workspace_id, True), api.list_scope(workspace_id, "both")]
