"""Model-based test of the cache's central promise: a cached read answers exactly what the API would answer, or
falls through to the API.

A hypothesis state machine mixes, against the in-process emulator, this client's writes and reads through the
cached sync endpoints (time entries, tags, clients, projects), changes made by "another device" (the same
account through uncached endpoints), clock advances and ``TogglSync`` runs. After every step it compares what
the cache answers with what the API answers.

The precise promise checked (``_Taints`` records what another device changed and when):

* Every entity the cache would answer ``get(id)`` with (every fresh cached entity) equals the API's copy - id,
  name, workspace, start/stop, project, tags, archived/active, client - and an entity the API no longer has is
  not answered. Exempt: entities another device changed (or whose list it changed) since the cache last learned
  them. Such staleness is by design: only ``refresh=True``, a ``since`` read, ``TogglSync`` or expiry can reveal
  it, and the test then requires the repaired reads to be right again.
* A list answered by the cached endpoint (tags, clients per status, projects per ``active``, time-entry
  ``start_date``/``end_date`` ranges) has exactly the ids and fields of the API's list for the same filters,
  unless another device changed that kind of entity and nothing repaired it yet.
* ``current(refresh=False)`` answers the API's running entry (so never an entry this client stopped).
* What this client did itself - including Toggl's side effects of it (a new running entry stops the previous
  one; deleting or renaming a tag changes the entries carrying it; archiving or deleting a client changes its
  projects; deleting a project unassigns its entries; unknown tag or client names create them) - is never
  exempt.

Repairs the test relies on: ``get(id, refresh=True)`` repairs that entity; a complete ``refresh=True`` list read
repairs its kind; ``collect(since=...)`` from before another device's change repairs the entries whose change
Toggl reports through ``since`` (a tag rename does not touch the entries' ``at``, so only refresh or expiry
repairs those); a complete ``TogglSync`` run repairs workspaces' clients, projects and tags, and the entries
``since`` reports (a full run every entry); with a finite ``expire_after``, once that much time passed after
the change, everything cached before it has expired.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from toggl_api import (
    ClientBody,
    ClientEndpoint,
    ProjectBody,
    ProjectEndpoint,
    TagEndpoint,
    TogglClient,
    TogglProject,
    TogglTag,
    TogglTracker,
    TrackerBody,
    TrackerEndpoint,
)
from toggl_api._sync.sync import TogglSync
from toggl_api.meta.cache import JSONCache, SqliteCache, TogglCache
from toggl_api.testing import Emulator, FakeClock
from toggl_api.testing.handlers.clients import render_client
from toggl_api.testing.handlers.projects import render_project
from toggl_api.testing.handlers.tags import render_tag
from toggl_api.testing.handlers.time_entries import render_time_entry

TRACKER, TAG, CLIENT, PROJECT = "tracker", "tag", "client", "project"
KINDS = (TRACKER, TAG, CLIENT, PROJECT)
MODELS: dict[str, type[Any]] = {TRACKER: TogglTracker, TAG: TogglTag, CLIENT: TogglClient, PROJECT: TogglProject}
EXPIRY = timedelta(hours=1)
CLOCK_STEPS = (timedelta(minutes=1), timedelta(minutes=25), timedelta(hours=2), timedelta(days=1))


# -- what "the same answer" means ------------------------------------------------------------------------------


def _view(kind: str, model: Any) -> tuple[Any, ...]:
    """The fields of an entity a user relies on."""
    if kind == TRACKER:
        tags = tuple(sorted(t.name for t in model.tags))
        return (model.id, model.name, model.workspace, model.start, model.stop, model.project, tags)
    if kind == TAG:
        return (model.id, model.name, model.workspace)
    if kind == CLIENT:
        return (model.id, model.name, model.workspace, model.archived)
    return (model.id, model.name, model.workspace, model.active, model.client)


def _views(kind: str, models: Iterable[Any]) -> dict[int, tuple[Any, ...]]:
    return {m.id: _view(kind, m) for m in models}


class _Taints:
    """What another device changed, and when: (kind, id) for an entity, (kind, None) for a kind's lists.

    ``sticky`` changes are not reported through ``since`` (a tag rename leaves the entries' ``at`` alone).
    """

    def __init__(self) -> None:
        self.marks: dict[tuple[str, int | None], tuple[datetime, bool]] = {}

    def add(self, kind: str, ids: Iterable[int | None], now: datetime, *, sticky: bool = False) -> None:
        for entity in ids:
            self.marks[(kind, entity)] = (now, sticky)

    def expire(self, now: datetime, expire_after: timedelta | None) -> None:
        if expire_after is not None:
            self.marks = {k: v for k, v in self.marks.items() if now - v[0] < expire_after}

    def clear(self, kind: str, entity: int | None = None) -> None:
        self.marks.pop((kind, entity), None)

    def clear_kind(self, kind: str, *, sticky: bool = True) -> None:
        self.marks = {k: v for k, v in self.marks.items() if k[0] != kind or (v[1] and not sticky)}

    def has(self, kind: str, entity: int | None) -> bool:
        return (kind, entity) in self.marks

    def any(self, kind: str) -> bool:
        return any(k[0] == kind for k in self.marks)

    def earliest(self, kind: str) -> datetime | None:
        times = [v[0] for k, v in self.marks.items() if k[0] == kind]
        return min(times) if times else None


# -- the machine -----------------------------------------------------------------------------------------------


class CacheMatchesApi(RuleBasedStateMachine):
    """One account, one cached client (four endpoints sharing one cache), one uncached "other device"."""

    CACHE: ClassVar[Callable[..., TogglCache[Any]]] = JSONCache
    EXPIRE: ClassVar[timedelta | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.emulator = Emulator("demo", clock=self.clock, limits=False)
        account = self.emulator.account
        assert account is not None
        self.me = account.user_id
        self.wid = account.workspace_id
        self.http = httpx.Client(transport=self.emulator.transport())
        self.dir = Path(tempfile.mkdtemp(prefix="toggl-consistency-"))
        self.cache = self.CACHE(self.dir, self.EXPIRE, clock=self.clock)
        auth = account.auth()
        common: dict[str, Any] = {"client": self.http, "clock": self.clock}
        self.trackers = TrackerEndpoint(self.wid, auth, self.cache, **common)
        self.tags = TagEndpoint(self.wid, auth, self.cache, **common)
        self.clients = ClientEndpoint(self.wid, auth, self.cache, **common)
        self.projects = ProjectEndpoint(self.wid, auth, self.cache, **common)
        self.other_trackers = TrackerEndpoint(self.wid, auth, **common)
        self.other_tags = TagEndpoint(self.wid, auth, **common)
        self.other_clients = ClientEndpoint(self.wid, auth, **common)
        self.other_projects = ProjectEndpoint(self.wid, auth, **common)
        self.syncer = TogglSync(auth, self.cache, client=self.http, clock=self.clock, reserve=0)
        self.taints = _Taints()
        self.counter = 0
        self.stopped_by_me: set[int] = set()
        self.deleted_by_me: set[tuple[str, int]] = set()

    def teardown(self) -> None:
        self.cache.close()
        self.http.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------------

    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix} {self.counter}"

    @property
    def state(self) -> Any:
        return self.emulator.state

    def _live(self, kind: str) -> list[Any]:
        """The API's live entities of the main workspace (time entries: the user's, started in the last week)."""
        s = self.state
        if kind == TRACKER:
            week_ago = self.clock.now() - timedelta(days=7)
            found = [t for t in s.time_entries.values()
                     if t.user_id == self.me and t.workspace_id == self.wid and not t.deleted and t.start > week_ago]
        elif kind == TAG:
            found = [t for t in s.tags.values() if t.workspace_id == self.wid and t.deleted_at is None]
        elif kind == CLIENT:
            found = [c for c in s.clients.values() if c.workspace_id == self.wid and c.server_deleted_at is None]
        else:
            found = [p for p in s.projects.values() if p.workspace_id == self.wid and p.server_deleted_at is None]
        return sorted(found, key=lambda e: e.id)

    def _pick(self, kind: str, index: int) -> Any | None:
        live = self._live(kind)
        return live[index % len(live)] if live else None

    def _running(self) -> Any | None:
        return next((t for t in self.state.time_entries.values()
                     if t.user_id == self.me and not t.deleted and t.running), None)

    def _api_view(self, kind: str, entity_id: int) -> tuple[Any, ...] | None:
        """The API's copy of one entity (None when the user cannot see it or it is deleted)."""
        s = self.state
        workspaces = {w.id for w in s.workspaces.values() if self.me in w.members and w.server_deleted_at is None}
        if kind == TRACKER:
            te = s.time_entries.get(entity_id)
            if te is None or te.deleted or te.user_id != self.me:
                return None
            return _view(kind, TogglTracker.from_kwargs(**render_time_entry(s, te)))
        if kind == TAG:
            tag = s.tags.get(entity_id)
            if tag is None or tag.deleted_at is not None or tag.workspace_id not in workspaces:
                return None
            return _view(kind, TogglTag.from_kwargs(**render_tag(tag)))
        if kind == CLIENT:
            client = s.clients.get(entity_id)
            if client is None or client.server_deleted_at is not None or client.workspace_id not in workspaces:
                return None
            return _view(kind, TogglClient.from_kwargs(**render_client(client)))
        project = s.projects.get(entity_id)
        if project is None or project.server_deleted_at is not None or project.workspace_id not in workspaces:
            return None
        return _view(kind, TogglProject.from_kwargs(**render_project(s, project, actuals={})))

    def _entries_with(self, *, tag_id: int | None = None, project_id: int | None = None) -> list[int]:
        return [t.id for t in self.state.time_entries.values()
                if t.user_id == self.me and not t.deleted
                and ((tag_id is not None and tag_id in t.tag_ids)
                     or (project_id is not None and t.project_id == project_id))]

    def _projects_of(self, client_id: int) -> list[int]:
        return [p.id for p in self.state.projects.values() if p.client_id == client_id]

    def _other(self, kind: str, ids: Iterable[int | None], *, sticky: bool = False) -> None:
        self.taints.add(kind, ids, self.clock.now(), sticky=sticky)

    def _mine(self, kind: str, *ids: int) -> None:
        for entity in ids:
            self.taints.clear(kind, entity)

    def _day(self, days: int) -> date:
        return self.clock.now().date() + timedelta(days=days)

    # -- this client: time entries ------------------------------------------------------------------

    @initialize(warm=st.booleans())
    def begin(self, warm: bool) -> None:
        if warm:  # a cache that already learned the lists and recent ranges
            self.tags.collect()
            self.clients.collect(ClientBody(status="both"))
            self.projects.collect(ProjectBody(active="both"))
            self.trackers.collect(start_date=self._day(-3), end_date=self._day(1))

    @rule(hours_ago=st.integers(1, 72), minutes=st.integers(0, 180), project=st.integers(0, 50),
          with_project=st.booleans(), tag=st.integers(0, 50), tags=st.sampled_from(["none", "old", "new"]))
    def add_stopped_entry(self, hours_ago: int, minutes: int, project: int, with_project: bool, tag: int,
                          tags: str) -> None:
        start = self.clock.now() - timedelta(hours=hours_ago)
        picked = self._pick(PROJECT, project) if with_project else None
        names: list[str] = []
        if tags == "old" and (old := self._pick(TAG, tag)) is not None:
            names = [old.name]
        elif tags == "new":
            names = [self._name("fresh tag")]
        body = TrackerBody(self._name("entry"), start=start, stop=start + timedelta(minutes=minutes),
                           project_id=picked.id if picked is not None else None, tags=names)
        created = self.trackers.add(body)
        self._mine(TRACKER, created.id)

    @rule()
    def start_running_entry(self) -> None:
        previous = self._running()
        created = self.trackers.add(TrackerBody(self._name("running")))
        self._mine(TRACKER, created.id)
        if previous is not None:
            self.stopped_by_me.add(previous.id)

    @rule(index=st.integers(0, 500), change=st.sampled_from(["description", "start", "project", "tag", "untag"]),
          other=st.integers(0, 50))
    def edit_entry(self, index: int, change: str, other: int) -> None:
        entry = self._pick(TRACKER, index)
        if entry is None:
            return
        if change == "description":
            body = TrackerBody(self._name("edited"))
        elif change == "start":
            body = TrackerBody(start=entry.start - timedelta(minutes=30))
        elif change == "project":
            project = self._pick(PROJECT, other)
            body = TrackerBody(project_id=project.id if project is not None and other % 3 else -1)
        else:
            tag = self._pick(TAG, other)
            if tag is None:
                return
            body = TrackerBody(tags=[tag.name], tag_action="remove" if change == "untag" else "add")
        edited = self.trackers.edit(entry.id, body)
        self._mine(TRACKER, edited.id)

    @rule()
    def stop_running_entry(self) -> None:
        running = self._running()
        if running is None:
            return
        self.trackers.stop(running.id)
        self.stopped_by_me.add(running.id)
        self._mine(TRACKER, running.id)

    @rule(index=st.integers(0, 500))
    def delete_entry(self, index: int) -> None:
        entry = self._pick(TRACKER, index)
        if entry is None:
            return
        self.trackers.delete(entry.id)
        self.deleted_by_me.add((TRACKER, entry.id))
        self._mine(TRACKER, entry.id)

    @rule(indices=st.lists(st.integers(0, 500), min_size=1, max_size=3), tag=st.integers(0, 50),
          change=st.sampled_from(["description", "tag"]))
    def bulk_edit_entries(self, indices: list[int], tag: int, change: str) -> None:
        entries = [e for e in (self._pick(TRACKER, i) for i in indices) if e is not None]
        picked = self._pick(TAG, tag)
        if not entries or picked is None:
            return
        body = TrackerBody(self._name("bulk")) if change == "description" else TrackerBody(tags=[picked.name])
        edits = self.trackers.bulk_edit(*(e.id for e in entries), body=body)
        self._mine(TRACKER, *edits.successes)

    # -- this client: tags, clients, projects -------------------------------------------------------

    @rule()
    def add_tag(self) -> None:
        self._mine(TAG, self.tags.add(self._name("tag")).id)

    @rule(index=st.integers(0, 50))
    def rename_tag(self, index: int) -> None:
        tag = self._pick(TAG, index)
        if tag is not None:
            self._mine(TAG, self.tags.edit(tag.id, self._name("renamed tag")).id)

    @rule(index=st.integers(0, 50))
    def delete_tag(self, index: int) -> None:
        tag = self._pick(TAG, index)
        if tag is not None:
            self.tags.delete(tag.id)
            self.deleted_by_me.add((TAG, tag.id))
            self._mine(TAG, tag.id)

    @rule(archived=st.booleans())
    def add_client(self, archived: bool) -> None:
        body = ClientBody(self._name("client"), status="archived" if archived else None)
        self._mine(CLIENT, self.clients.add(body).id)

    @rule(index=st.integers(0, 50), change=st.sampled_from(["name", "archive", "restore", "restore_all"]))
    def edit_client(self, index: int, change: str) -> None:
        client = self._pick(CLIENT, index)
        if client is None:
            return
        if change == "name":
            self._mine(CLIENT, self.clients.edit(client.id, ClientBody(self._name("renamed client"))).id)
        elif change == "archive":
            self._mine(CLIENT, self.clients.archive(client.id).id)
        else:
            self._mine(CLIENT, self.clients.restore(client.id, all_projects=change == "restore_all").id)

    @rule(index=st.integers(0, 50))
    def delete_client(self, index: int) -> None:
        client = self._pick(CLIENT, index)
        if client is not None:
            self.clients.delete(client.id)
            self.deleted_by_me.add((CLIENT, client.id))
            self._mine(CLIENT, client.id)

    @rule(client=st.integers(0, 50), how=st.sampled_from(["none", "id", "new name"]))
    def add_project(self, client: int, how: str) -> None:
        picked = self._pick(CLIENT, client)
        body = ProjectBody(self._name("project"))
        if how == "id" and picked is not None:
            body = ProjectBody(body.name, client_id=picked.id)
        elif how == "new name":
            body = ProjectBody(body.name, client_name=self._name("client by name"))
        self._mine(PROJECT, self.projects.add(body).id)

    @rule(index=st.integers(0, 50), change=st.sampled_from(["name", "archive", "activate", "client"]),
          client=st.integers(0, 50))
    def edit_project(self, index: int, change: str, client: int) -> None:
        project = self._pick(PROJECT, index)
        if project is None:
            return
        if change == "name":
            body = ProjectBody(self._name("renamed project"))
        elif change in ("archive", "activate"):
            body = ProjectBody(active=change == "activate")
        else:
            picked = self._pick(CLIENT, client)
            if picked is None:
                return
            body = ProjectBody(client_id=picked.id)
        self._mine(PROJECT, self.projects.edit(project.id, body).id)

    @rule(index=st.integers(0, 50))
    def delete_project(self, index: int) -> None:
        project = self._pick(PROJECT, index)
        if project is not None:
            self.projects.delete(project.id)
            self.deleted_by_me.add((PROJECT, project.id))
            self._mine(PROJECT, project.id)

    # -- this client: reads that repair --------------------------------------------------------------

    @rule(kind=st.sampled_from(KINDS), index=st.integers(0, 500))
    def get_with_refresh(self, kind: str, index: int) -> None:
        entity = self._pick(kind, index)
        if entity is None:
            return
        endpoint = {TRACKER: self.trackers, TAG: self.tags, CLIENT: self.clients, PROJECT: self.projects}[kind]
        found = endpoint.get(entity.id, refresh=True)
        assert found is not None
        assert _view(kind, found) == self._api_view(kind, entity.id)
        self._mine(kind, entity.id)

    @rule(kind=st.sampled_from((TAG, CLIENT, PROJECT)))
    def collect_with_refresh(self, kind: str) -> None:
        if kind == TAG:
            self.tags.collect(refresh=True)
        elif kind == CLIENT:
            self.clients.collect(ClientBody(status="both"), refresh=True)
        else:
            self.projects.collect(ProjectBody(active="both"), refresh=True)
        self.taints.clear_kind(kind)

    @rule()
    def collect_since(self) -> None:
        earliest = self.taints.earliest(TRACKER) or self.clock.now()
        self.trackers.collect(since=earliest - timedelta(seconds=1))
        self.taints.clear_kind(TRACKER, sticky=False)

    @rule(back=st.integers(0, 6), days=st.integers(1, 4))
    def collect_range_with_refresh(self, back: int, days: int) -> None:
        self.trackers.collect(start_date=self._day(-back), end_date=self._day(-back + days), refresh=True)

    @rule()
    def run_sync(self) -> None:
        report = self.syncer.sync()
        if not report.complete:  # the emulator's quota headers can stop a run early; it repairs nothing for sure
            return
        for kind in (TAG, CLIENT, PROJECT):
            self.taints.clear_kind(kind)
        self.taints.clear_kind(TRACKER, sticky=report.full)

    @rule(step=st.sampled_from(CLOCK_STEPS))
    def advance_clock(self, step: timedelta) -> None:
        self.clock.advance(step.total_seconds())
        self.taints.expire(self.clock.now(), self.EXPIRE)

    # -- another device ---------------------------------------------------------------------------------

    @rule(hours_ago=st.integers(0, 48), running=st.booleans())
    def other_adds_entry(self, hours_ago: int, running: bool) -> None:
        start = self.clock.now() - timedelta(hours=hours_ago)
        previous = self._running() if running else None
        stop = None if running else start + timedelta(minutes=20)
        body = TrackerBody(self._name("elsewhere"), start=start, stop=stop)
        created = self.other_trackers.add(body)
        self._other(TRACKER, [created.id, None])
        if previous is not None:
            self._other(TRACKER, [previous.id])

    @rule(index=st.integers(0, 500), change=st.sampled_from(["description", "start", "delete", "stop"]))
    def other_changes_entry(self, index: int, change: str) -> None:
        entry = self._running() if change == "stop" else self._pick(TRACKER, index)
        if entry is None:
            return
        if change == "description":
            self.other_trackers.edit(entry.id, TrackerBody(self._name("changed elsewhere")))
        elif change == "start":
            self.other_trackers.edit(entry.id, TrackerBody(start=entry.start - timedelta(days=1)))
        elif change == "delete":
            self.other_trackers.delete(entry.id)
        else:
            self.other_trackers.stop(entry.id)
        self._other(TRACKER, [entry.id, None])

    @rule(index=st.integers(0, 50), change=st.sampled_from(["add", "rename", "delete"]))
    def other_changes_tag(self, index: int, change: str) -> None:
        tag = self._pick(TAG, index)
        if change == "add" or tag is None:
            self._other(TAG, [self.other_tags.add(self._name("tag elsewhere")).id, None])
            return
        carriers = self._entries_with(tag_id=tag.id)
        if change == "rename":
            self.other_tags.edit(tag.id, self._name("tag renamed elsewhere"))
        else:
            self.other_tags.delete(tag.id)
        self._other(TAG, [tag.id, None])
        self._other(TRACKER, carriers, sticky=change == "rename")

    @rule(index=st.integers(0, 50), change=st.sampled_from(["add", "rename", "archive", "delete"]))
    def other_changes_client(self, index: int, change: str) -> None:
        client = self._pick(CLIENT, index)
        if change == "add" or client is None:
            self._other(CLIENT, [self.other_clients.add(ClientBody(self._name("client elsewhere"))).id, None])
            return
        projects = self._projects_of(client.id)
        if change == "rename":
            self.other_clients.edit(client.id, ClientBody(self._name("client renamed elsewhere")))
        elif change == "archive":
            self.other_clients.archive(client.id)
        else:
            self.other_clients.delete(client.id)
        self._other(CLIENT, [client.id, None])
        self._other(PROJECT, [*projects, None])

    @rule(index=st.integers(0, 50), change=st.sampled_from(["add", "rename", "archive", "delete"]))
    def other_changes_project(self, index: int, change: str) -> None:
        project = self._pick(PROJECT, index)
        if change == "add" or project is None:
            self._other(PROJECT, [self.other_projects.add(ProjectBody(self._name("project elsewhere"))).id, None])
            return
        carriers = self._entries_with(project_id=project.id)
        if change == "rename":
            self.other_projects.edit(project.id, ProjectBody(self._name("project renamed elsewhere")))
        elif change == "archive":
            self.other_projects.edit(project.id, ProjectBody(active=False))
        else:
            self.other_projects.delete(project.id)
            self._other(TRACKER, carriers)
        self._other(PROJECT, [project.id, None])

    # -- the promise ------------------------------------------------------------------------------------

    @invariant()
    def cached_entities_match_the_api(self) -> None:
        for kind in KINDS:
            for model in self.cache.load(MODELS[kind]):
                if self.taints.has(kind, model.id):
                    continue
                expected = self._api_view(kind, model.id)
                assert expected is not None, f"the cache answers {kind} {model.id}, which the API no longer has"
                assert _view(kind, model) == expected, f"cached {kind} {model.id} differs from the API's"

    @invariant()
    def get_never_answers_what_this_client_deleted(self) -> None:
        endpoint = {TRACKER: self.trackers, TAG: self.tags, CLIENT: self.clients, PROJECT: self.projects}
        for kind, entity_id in sorted(self.deleted_by_me):
            if kind != TAG:  # tags have no single read: get(tag) reads the list
                assert endpoint[kind].get(entity_id) is None, f"{kind} {entity_id} deleted by this client"

    @invariant()
    def cached_lists_match_the_api(self) -> None:
        if not self.taints.any(TAG):
            assert _views(TAG, self.tags.collect()) == _views(TAG, self.other_tags.collect())
        if not self.taints.any(CLIENT):
            for status in (None, "archived", "both"):
                body = ClientBody(status=status) if status else None
                cached = _views(CLIENT, self.clients.collect(body))
                assert cached == _views(CLIENT, self.other_clients.collect(body)), status
        if not self.taints.any(PROJECT):
            for active in (True, False, "both"):
                body = ProjectBody(active=active)
                cached = _views(PROJECT, self.projects.collect(body))
                assert cached == _views(PROJECT, self.other_projects.collect(body)), active

    @invariant()
    def cached_ranges_match_the_api(self) -> None:
        if self.taints.any(TRACKER):
            return
        for lo, hi in ((-3, 1), (-7, -2), (-1, 2)):
            start, end = self._day(lo), self._day(hi)
            cached = self.trackers.collect(start_date=start, end_date=end)
            api = self.other_trackers.collect(start_date=start, end_date=end)
            assert _views(TRACKER, cached) == _views(TRACKER, api), (start, end)
            assert [t.id for t in cached] == [t.id for t in api], "same order as the API"

    @invariant()
    def current_from_the_cache_is_the_running_entry(self) -> None:
        if self.taints.any(TRACKER):
            answered = self.trackers.current(refresh=False)
            if answered is not None and answered.id in self.stopped_by_me and not self.taints.has(TRACKER, answered.id):
                assert self._running() is not None
                assert self._running().id == answered.id
            return
        answered = self.trackers.current(refresh=False)
        running = self._running()
        assert (answered.id if answered else None) == (running.id if running else None)


def _settings() -> settings:
    # CI budget: about 40 s for the module. TOGGL_CONSISTENCY_EXAMPLES=50 explores deeper (still deterministic).
    examples = int(os.environ.get("TOGGL_CONSISTENCY_EXAMPLES", "6"))
    return settings(max_examples=examples, stateful_step_count=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=False)


class JsonNeverExpires(CacheMatchesApi):
    CACHE = JSONCache
    EXPIRE = None


class JsonExpires(CacheMatchesApi):
    CACHE = JSONCache
    EXPIRE = EXPIRY


class SqliteNeverExpires(CacheMatchesApi):
    CACHE = SqliteCache
    EXPIRE = None


class SqliteExpires(CacheMatchesApi):
    CACHE = SqliteCache
    EXPIRE = EXPIRY


TestJsonCacheNeverExpiring = JsonNeverExpires.TestCase
TestJsonCacheNeverExpiring.settings = _settings()
TestJsonCacheExpiring = JsonExpires.TestCase
TestJsonCacheExpiring.settings = _settings()
TestSqliteCacheNeverExpiring = SqliteNeverExpires.TestCase
TestSqliteCacheNeverExpiring.settings = _settings()
TestSqliteCacheExpiring = SqliteExpires.TestCase
TestSqliteCacheExpiring.settings = _settings()
