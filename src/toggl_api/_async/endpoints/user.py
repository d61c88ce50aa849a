"""``AsyncUserEndpoint``: the current user, credential checks and the one-request cache bootstrap."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from attrs import evolve

from ..._core.answers import check_me, related_from_answer, unexpected
from ..._core.api import client as client_api
from ..._core.api import project as project_api
from ..._core.api import tag as tag_api
from ..._core.api import task as task_api
from ..._core.api import user as api
from ..._core.api import workspace as workspace_api
from ..._core.api.request import Shape
from ..._core.api.user import PreferencesBody, RelatedData
from ..._core.clock import Clock
from ..._core.errors import TogglAPIError
from ..._core.models import (
    TogglClass,
    TogglClient,
    TogglPreferences,
    TogglProject,
    TogglTag,
    TogglTask,
    TogglTracker,
    TogglWorkspace,
)
from ..._core.policy import RetryPolicy
from ..._core.query import TogglQuery
from ..cache.base import TogglAsyncCache
from ..endpoint import TogglAsyncEndpoint, decode_json
from ..requester import AsyncRequester

__all__ = ["AsyncUserEndpoint"]

log = logging.getLogger("toggl_api.endpoint")


class AsyncUserEndpoint(TogglAsyncEndpoint[Any]):
    """The current user (``/me``). No cache and no model: answers are plain JSON.

    Args:
        auth: ``httpx.BasicAuth`` with an API token or email and password.
        client: An ``httpx.AsyncClient`` to send with (never modified).
        timeout: Seconds per request.
        re_raise: Disable retries.
        retries: Retries of idempotent requests (default: the policy's).
        base_url: Host to talk to instead of Toggl.
        clock: Time source.
        policy: Full retry settings.
        kwargs: Further options of ``TogglAsyncEndpoint`` (``session``).
    """

    def __init__(
        self,
        auth: httpx.BasicAuth | None,
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
            client=client,
            timeout=timeout,
            re_raise=re_raise,
            retries=retries,
            base_url=base_url,
            clock=clock,
            policy=policy,
            **kwargs,
        )

    @staticmethod
    async def verify_authentication(
        auth: httpx.BasicAuth, *, client: httpx.AsyncClient | None = None, base_url: str | None = None
    ) -> bool:
        """Whether Toggl accepts ``auth`` (``GET /me/logged``).

        Returns ``False`` for refused credentials (401/403) and for network errors; other error answers raise.
        A client created here is closed before returning.
        """
        requester = AsyncRequester(auth, client=client, host=base_url, policy=RetryPolicy(retries=0))
        try:
            await requester.send(api.logged())
        except TogglAPIError as exc:
            if exc.status in (401, 403):
                return False
            raise
        except httpx.TransportError as exc:
            log.warning("could not reach Toggl to verify credentials: %s", type(exc).__name__)
            return False
        finally:
            await requester.aclose()
        return True

    async def get_details(self) -> dict[str, Any]:
        """The user's own details (``GET /me``)."""
        response = await self._send(evolve(api.details(), expect=Shape.OBJECT))
        return check_me(decode_json(response), response=response)

    async def get_preferences(self, *, user: Mapping[str, Any] | None = None) -> TogglPreferences:
        """The user's date, time and duration formats, time zone and first day of the week
        (``GET /me/preferences``).

        Toggl leaves some preferences out of that answer; ``timezone`` and ``beginning_of_week`` are then taken
        from ``user``, a ``/me`` answer you already have (``get_details()`` or ``bootstrap().user``), so no second
        request is spent on them.
        """
        response = await self._send(evolve(api.preferences(), expect=Shape.OBJECT))
        try:
            return api.decode_preferences(decode_json(response), user)
        except (TypeError, ValueError) as exc:
            raise unexpected(response, f"preferences that cannot be read ({exc})") from None

    async def edit_preferences(self, body: PreferencesBody) -> None:
        """Change the preferences ``body`` sets: formats with ``POST /me/preferences``; ``timezone`` and
        ``beginning_of_week`` (fields of the user) with ``PUT /me``. Only the requests needed are sent.

        Raises:
            ValueError: the body sets nothing, or a value Toggl would refuse (a week day outside 0-6, an unknown
                duration format, a blank string).
        """
        requests = [r for r in (api.edit_preferences(body), api.edit_details(body)) if r is not None]
        if not requests:
            msg = "the PreferencesBody changes nothing: set a format, timezone or beginning_of_week"
            raise ValueError(msg)
        for request in requests:
            await self._send(request)

    async def bootstrap(
        self,
        *,
        workspaces: TogglAsyncCache[Any] | None = None,
        clients: TogglAsyncCache[Any] | None = None,
        projects: TogglAsyncCache[Any] | None = None,
        tags: TogglAsyncCache[Any] | None = None,
        trackers: TogglAsyncCache[Any] | None = None,
        tasks: TogglAsyncCache[Any] | None = None,
    ) -> RelatedData:
        """Fill caches from ONE request (``GET /me?with_related_data=true``), saving a request per list.

        Each given cache receives its models. The complete lists it receives are marked fetched: the user's
        workspaces, and per workspace its tags, all its clients (``status=both``) and all its projects
        (``active=both``) and its open tasks, so later ``collect`` calls answer from the cache while it is fresh
        (done tasks are not part of that answer). Time entries are Toggl's recent window only and are stored
        without claiming any range complete. One cache may be passed for several arguments.

        Returns:
            The decoded answer (user fields and the related models).
        """
        given = {"workspaces": workspaces, "clients": clients, "projects": projects, "tags": tags,
                 "trackers": trackers, "tasks": tasks}
        for name, cache in given.items():
            if cache is not None and not isinstance(cache, TogglAsyncCache):
                msg = f"{name} must be a {TogglAsyncCache.__name__} or None, not {type(cache).__name__}"
                raise TypeError(msg)
        response = await self._send(evolve(api.details(with_related_data=True), expect=Shape.OBJECT))
        now = self.clock.now()
        related = related_from_answer(decode_json(response), now=now, response=response)
        workspace_ids = sorted({w.id for w in related.workspaces})
        if workspaces is not None:
            await _fill(workspaces, TogglWorkspace, related.workspaces, [(workspace_api.list_scope(), [])], now)
        if clients is not None:
            scopes = [(client_api.list_scope(w, "both"), client_api.list_queries(w, "both")) for w in workspace_ids]
            await _fill(clients, TogglClient, related.clients, scopes, now)
        if projects is not None:
            scopes = [(project_api.list_scope(w, "both"), project_api.list_queries(w, "both")) for w in workspace_ids]
            await _fill(projects, TogglProject, related.projects, scopes, now)
        if tags is not None:
            scopes = [(tag_api.list_scope(w), tag_api.list_queries(w)) for w in workspace_ids]
            await _fill(tags, TogglTag, related.tags, scopes, now)
        if tasks is not None:
            # Like /me/tasks without include_not_active, the answer is taken to hold open tasks only.
            scopes = [(task_api.list_scope(w, True), task_api.list_queries(w, True)) for w in workspace_ids]
            await _fill(tasks, TogglTask, related.tasks, scopes, now)
        if trackers is not None:
            await _fill(trackers, TogglTracker, related.trackers, [], now)
        return related


async def _fill(
    cache: TogglAsyncCache[Any],
    model: type[TogglClass],
    models: Sequence[TogglClass],
    scopes: Sequence[tuple[str, Sequence[TogglQuery[Any]]]],
    now: Any,
) -> None:
    """Upsert ``models``; for each complete scope drop cached entities it no longer has, and mark it fetched."""
    if cache.disabled:
        return
    keep = {m.id for m in models}
    for _scope, queries in scopes:
        stale = [m for m in await cache.query(*queries, model=model) if m.id not in keep]
        if stale:
            await cache.delete(*stale)
    if models:
        await cache.add(*models)
    for scope, _ in scopes:
        await cache.mark_complete(scope, now)
    await cache.commit()
