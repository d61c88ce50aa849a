"""The emulator's backend: in-memory Toggl state, id sequences and shared operations.

The backend knows no HTTP. Handlers read a request, call into it, and build Toggl-shaped JSON.
Everything time-dependent reads the injected ``FakeClock``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from operator import attrgetter
from typing import Any, Literal, TypeVar, cast

import attrs
from attrs import define, field

from .clock import FakeClock
from .errors import EmulatorError, bad_request, forbidden

__all__ = [
    "DEFAULT_ID_STARTS",
    "PLANS",
    "Backend",
    "Client",
    "Group",
    "OrgMember",
    "Organization",
    "Plan",
    "Project",
    "ProjectUser",
    "Tag",
    "Task",
    "TimeEntry",
    "User",
    "Workspace",
    "WorkspaceMember",
    "attrs_copy",
]

Plan = Literal["free", "starter", "premium", "enterprise"]
#: Plan names and Toggl's display names.
PLANS: dict[str, str] = {"free": "Free", "starter": "Starter", "premium": "Premium", "enterprise": "Enterprise"}
_PLAN_IDS = {"free": 0, "starter": 1, "premium": 2, "enterprise": 3}

#: First id handed out per kind, in the ranges seen on the real service (time entries above 2**31).
DEFAULT_ID_STARTS: dict[str, int] = {
    "user": 2_166_261,
    "organization": 9_011_051,
    "workspace": 2_230_580,
    "client": 64_890_399,
    "project": 155_392_684,
    "tag": 16_939_168,
    "time_entry": 3_700_000_000,
    "task": 91_502_311,
    "group": 1_203_345,
    "project_user": 152_335_210,
    "workspace_user": 8_290_120,
    "organization_user": 11_036_512,
    "project_group": 3_381_502,
}


@define
class User:
    """A Toggl user account."""

    id: int
    email: str
    password: str
    api_token: str
    fullname: str
    timezone: str
    created_at: datetime
    at: datetime
    default_workspace_id: int | None = None
    beginning_of_week: int = 1
    country_id: int | None = None
    authorization_updated_at: datetime | None = None


@define
class Organization:
    """An organization; ``members`` maps user id to ``owner`` | ``admin`` | ``member``."""

    id: int
    name: str
    plan: str
    created_at: datetime
    at: datetime
    members: dict[int, str] = field(factory=dict)
    server_deleted_at: datetime | None = None
    #: None: follows the plan (paid plans only); True for an organization that holds several
    #: workspaces from before Toggl restricted free plans (the demo organization).
    multi_workspace: bool | None = None

    @property
    def multi_workspace_enabled(self) -> bool:
        """Whether a second workspace may be created (paid plans, or the legacy flag)."""
        return self.plan != "free" if self.multi_workspace is None else self.multi_workspace

    @property
    def plan_name(self) -> str:
        """Toggl's display name of the plan (``Free`` ...)."""
        return PLANS.get(self.plan, self.plan.title())

    @property
    def pricing_plan_id(self) -> int:
        """Emulator-specific numeric plan id (Free is 0 as observed)."""
        return _PLAN_IDS.get(self.plan, 0)


@define
class Workspace:
    """A workspace; ``members`` maps user id to ``admin`` | ``user``."""

    id: int
    organization_id: int
    name: str
    created_at: datetime
    at: datetime
    members: dict[int, str] = field(factory=dict)
    default_currency: str = "USD"
    default_hourly_rate: float | None = None
    rounding: int = 0
    rounding_minutes: int = 0
    only_admins_may_create_projects: bool = False
    only_admins_may_create_tags: bool = False
    only_admins_see_billable_rates: bool = False
    only_admins_see_team_dashboard: bool = False
    projects_billable_by_default: bool = True
    projects_private_by_default: bool = True
    projects_enforce_billable: bool = False
    limit_public_project_data: bool = False
    reports_collapse: bool = True
    server_deleted_at: datetime | None = None


@define
class Client:
    """A client of a workspace."""

    id: int
    workspace_id: int
    name: str
    at: datetime
    creator_id: int
    archived: bool = False
    notes: str | None = None
    external_reference: str | None = None
    server_deleted_at: datetime | None = None


@define
class Project:
    """A project of a workspace."""

    id: int
    workspace_id: int
    name: str
    at: datetime
    created_at: datetime
    creator_id: int
    color: str
    start_date: date
    client_id: int | None = None
    active: bool = True
    is_private: bool = True
    billable: bool = False
    end_date: date | None = None
    estimated_hours: int | None = None
    rate: float | None = None
    currency: str | None = None
    fixed_fee: float | None = None
    recurring: bool = False
    template: bool | None = None
    template_id: int | None = None
    auto_estimates: bool | None = None
    pinned: bool = False
    is_shared: bool = False
    server_deleted_at: datetime | None = None


@define
class Tag:
    """A workspace tag."""

    id: int
    workspace_id: int
    name: str
    at: datetime
    creator_id: int
    deleted_at: datetime | None = None


@define
class TimeEntry:
    """A time entry. ``stop`` is None while running; ``duration`` is then negative."""

    id: int
    workspace_id: int
    user_id: int
    start: datetime
    stop: datetime | None
    duration: int
    at: datetime
    created_with: str = "toggl-emulator"
    description: str | None = None
    project_id: int | None = None
    task_id: int | None = None
    billable: bool = False
    tag_ids: list[int] = field(factory=list)
    server_deleted_at: datetime | None = None

    @property
    def running(self) -> bool:
        """True while the entry has no stop."""
        return self.stop is None and self.duration < 0

    @property
    def deleted(self) -> bool:
        """True once soft-deleted."""
        return self.server_deleted_at is not None


@define
class Task:
    """A task of a project (``active`` false = done)."""

    id: int
    workspace_id: int
    project_id: int
    name: str
    at: datetime
    creator_id: int
    active: bool = True
    estimated_seconds: int | None = None
    user_id: int | None = None
    external_reference: str | None = None
    rate: float | None = None
    recurring: bool = False
    server_deleted_at: datetime | None = None


@define
class WorkspaceMember:
    """A workspace user: the per-workspace record of a member (its own id, not the user id).

    The role itself lives in ``Workspace.members``; this holds the rest.
    """

    id: int
    workspace_id: int
    user_id: int
    at: datetime
    inactive: bool = False
    rate: float | None = None
    rate_last_updated: datetime | None = None
    labor_cost: float | None = None
    working_hours_in_minutes: int | None = None
    view_edit_billable_rates: bool = False
    view_edit_labor_costs: bool = False


@define
class OrgMember:
    """An organization user: the per-organization record of a member (its own id)."""

    id: int
    organization_id: int
    user_id: int
    at: datetime
    inactive: bool = False


@define
class Group:
    """A user group of an organization, assigned to some of its workspaces."""

    id: int
    organization_id: int
    name: str
    at: datetime
    users: list[int] = field(factory=list)
    workspaces: list[int] = field(factory=list)


@define
class ProjectUser:
    """A user (or a group, ``group_id``) assigned to a project."""

    id: int
    workspace_id: int
    project_id: int
    user_id: int | None
    at: datetime
    manager: bool = False
    rate: float | None = None
    rate_last_updated: datetime | None = None
    labor_cost: float | None = None
    labor_cost_last_updated: datetime | None = None
    group_id: int | None = None


_T = TypeVar("_T")
_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def attrs_copy(obj: _T, **changes: Any) -> _T:
    """Fast shallow copy of an attrs instance, with some attributes replaced."""
    cls = type(obj)
    getter = _GETTERS.get(cls)
    if getter is None:
        getter = _GETTERS[cls] = attrgetter(*(f.name for f in attrs.fields(cast("Any", cls))))
    out = cls(*getter(obj))
    for key, value in changes.items():
        setattr(out, key, value)
    return out


class Backend:
    """All emulator state plus the operations several handlers share.

    Args:
        clock: The clock every ``at`` / ``created_at`` comes from.
        id_starts: Override the first id per kind (keys of ``DEFAULT_ID_STARTS``).
    """

    def __init__(self, clock: FakeClock, id_starts: Mapping[str, int] | None = None) -> None:
        self.clock = clock
        self._next_ids = dict(DEFAULT_ID_STARTS)
        #: Running entries started after the clock's now (see ``Emulator.clock_warnings``).
        self.clock_warnings: list[str] = []
        self._next_ids.update(id_starts or {})
        self.users: dict[int, User] = {}
        self.organizations: dict[int, Organization] = {}
        self.workspaces: dict[int, Workspace] = {}
        self.clients: dict[int, Client] = {}
        self.projects: dict[int, Project] = {}
        self.tags: dict[int, Tag] = {}
        self.time_entries: dict[int, TimeEntry] = {}
        self.tasks: dict[int, Task] = {}
        self.groups: dict[int, Group] = {}
        self.project_users: dict[int, ProjectUser] = {}
        self.workspace_members: dict[int, WorkspaceMember] = {}
        self.org_members: dict[int, OrgMember] = {}
        #: ``(project_group id) -> (workspace id, project id, group id)``.
        self.project_groups: dict[int, tuple[int, int, int]] = {}
        #: Per user: ``GET /me/preferences`` values changed from the defaults.
        self.user_preferences: dict[int, dict[str, Any]] = {}
        #: Per (user, client name): ``/me/preferences/{client}`` values.
        self.client_preferences: dict[tuple[int, str], dict[str, Any]] = {}
        #: Per workspace: ``/workspaces/{wid}/preferences`` values.
        self.workspace_preferences: dict[int, dict[str, Any]] = {}

    def clone(self, clock: FakeClock | None = None) -> Backend:
        """An independent copy of all state (optionally on another clock)."""
        other = Backend(clock or self.clock)
        other._next_ids = dict(self._next_ids)
        other.users = {k: attrs_copy(v) for k, v in self.users.items()}
        other.organizations = {k: attrs_copy(v, members=dict(v.members)) for k, v in self.organizations.items()}
        other.workspaces = {k: attrs_copy(v, members=dict(v.members)) for k, v in self.workspaces.items()}
        other.clients = {k: attrs_copy(v) for k, v in self.clients.items()}
        other.projects = {k: attrs_copy(v) for k, v in self.projects.items()}
        other.tags = {k: attrs_copy(v) for k, v in self.tags.items()}
        other.time_entries = {k: attrs_copy(v, tag_ids=list(v.tag_ids)) for k, v in self.time_entries.items()}
        other.tasks = {k: attrs_copy(v) for k, v in self.tasks.items()}
        other.groups = {
            k: attrs_copy(v, users=list(v.users), workspaces=list(v.workspaces)) for k, v in self.groups.items()
        }
        other.project_users = {k: attrs_copy(v) for k, v in self.project_users.items()}
        other.workspace_members = {k: attrs_copy(v) for k, v in self.workspace_members.items()}
        other.org_members = {k: attrs_copy(v) for k, v in self.org_members.items()}
        other.project_groups = dict(self.project_groups)
        other.user_preferences = {k: dict(v) for k, v in self.user_preferences.items()}
        other.client_preferences = {k: dict(v) for k, v in self.client_preferences.items()}
        other.workspace_preferences = {k: dict(v) for k, v in self.workspace_preferences.items()}
        return other

    # -- basics ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Current instant of the clock (aware UTC)."""
        return self.clock.now()

    def next_id(self, kind: str) -> int:
        """Hand out the next id of ``kind`` (monotonically increasing)."""
        value = self._next_ids[kind]
        self._next_ids[kind] = value + 1
        return value

    # -- creation (no validation; used by seeding and handlers) -------------------------------
    def add_user(
        self,
        email: str,
        password: str,
        api_token: str,
        fullname: str,
        *,
        timezone: str = "Europe/Berlin",
        created_at: datetime | None = None,
    ) -> User:
        """Create a user."""
        now = created_at or self.now()
        user = User(self.next_id("user"), email, password, api_token, fullname, timezone, now, now)
        self.users[user.id] = user
        return user

    def add_organization(
        self, name: str, owner: User, *, plan: str = "free", created_at: datetime | None = None
    ) -> Organization:
        """Create an organization owned by ``owner``."""
        now = created_at or self.now()
        org = Organization(self.next_id("organization"), name, plan, now, now, {owner.id: "owner"})
        self.organizations[org.id] = org
        self.org_member(org.id, owner.id, at=now)
        return org

    def add_workspace(
        self, org: Organization, name: str, *, admin: User, created_at: datetime | None = None
    ) -> Workspace:
        """Create a workspace in ``org`` with ``admin`` as its admin (becomes their default if unset)."""
        now = created_at or self.now()
        ws = Workspace(self.next_id("workspace"), org.id, name, now, now, {admin.id: "admin"})
        self.workspaces[ws.id] = ws
        org.members.setdefault(admin.id, "admin")
        self.org_member(org.id, admin.id, at=now)
        self.workspace_member(ws.id, admin.id, at=now)
        if admin.default_workspace_id is None:
            admin.default_workspace_id = ws.id
        return ws

    def add_client(
        self, ws: Workspace, name: str, creator: User, *, archived: bool = False, at: datetime | None = None
    ) -> Client:
        """Create a client."""
        client = Client(self.next_id("client"), ws.id, name, at or self.now(), creator.id, archived)
        self.clients[client.id] = client
        return client

    def add_project(
        self,
        ws: Workspace,
        name: str,
        creator: User,
        *,
        color: str = "#0b83d9",
        client: Client | None = None,
        active: bool = True,
        at: datetime | None = None,
    ) -> Project:
        """Create a project."""
        now = at or self.now()
        project = Project(
            self.next_id("project"),
            ws.id,
            name,
            now,
            now,
            creator.id,
            color,
            now.date(),
            client_id=client.id if client else None,
            active=active,
            is_private=ws.projects_private_by_default,
        )
        self.projects[project.id] = project
        return project

    def add_tag(self, ws: Workspace, name: str, creator: User, *, at: datetime | None = None) -> Tag:
        """Create a tag."""
        tag = Tag(self.next_id("tag"), ws.id, name, at or self.now(), creator.id)
        self.tags[tag.id] = tag
        return tag

    def add_time_entry(
        self,
        ws: Workspace,
        user: User,
        start: datetime,
        stop: datetime | None,
        *,
        duration: int | None = None,
        description: str | None = None,
        project_id: int | None = None,
        tag_ids: Iterable[int] = (),
        billable: bool = False,
        created_with: str = "toggl-emulator",
        at: datetime | None = None,
        entry_id: int | None = None,
    ) -> TimeEntry:
        """Store a time entry as given (no auto-stop, no validation); ``entry_id`` picks its id (seeding)."""
        start = start.replace(microsecond=0)
        if stop is not None:
            stop = stop.replace(microsecond=0)
            duration = int((stop - start).total_seconds())
        elif duration is None:
            duration = -int(start.timestamp())
        te = TimeEntry(
            self.next_id("time_entry") if entry_id is None else entry_id,
            ws.id,
            user.id,
            start,
            stop,
            duration,
            at or self.now(),
            created_with,
            description,
            project_id,
            None,
            billable,
            list(tag_ids),
        )
        self.time_entries[te.id] = te
        return te

    def add_task(
        self, project: Project, name: str, creator: User, *, active: bool = True, at: datetime | None = None
    ) -> Task:
        """Create a task of ``project``."""
        task = Task(self.next_id("task"), project.workspace_id, project.id, name, at or self.now(), creator.id, active)
        self.tasks[task.id] = task
        return task

    def add_member(self, ws: Workspace, user: User, role: str = "user", *, at: datetime | None = None) -> None:
        """Make ``user`` a member of ``ws`` (and of its organization)."""
        now = at or self.now()
        ws.members[user.id] = role
        org = self.organizations.get(ws.organization_id)
        if org is not None:
            org.members.setdefault(user.id, "member")
            self.org_member(org.id, user.id, at=now)
        self.workspace_member(ws.id, user.id, at=now)
        if user.default_workspace_id is None:
            user.default_workspace_id = ws.id

    def workspace_member(self, wid: int, uid: int, *, at: datetime | None = None) -> WorkspaceMember:
        """The workspace-user record of ``uid`` in ``wid`` (created on first use)."""
        for row in self.workspace_members.values():
            if row.workspace_id == wid and row.user_id == uid:
                return row
        row = WorkspaceMember(self.next_id("workspace_user"), wid, uid, at or self.now())
        self.workspace_members[row.id] = row
        return row

    def org_member(self, oid: int, uid: int, *, at: datetime | None = None) -> OrgMember:
        """The organization-user record of ``uid`` in ``oid`` (created on first use)."""
        for row in self.org_members.values():
            if row.organization_id == oid and row.user_id == uid:
                return row
        row = OrgMember(self.next_id("organization_user"), oid, uid, at or self.now())
        self.org_members[row.id] = row
        return row

    def live_task(self, wid: int, task_id: int) -> Task | None:
        """Task ``task_id`` of workspace ``wid`` unless deleted."""
        task = self.tasks.get(task_id)
        if task is None or task.workspace_id != wid or task.server_deleted_at is not None:
            return None
        return task

    # -- lookups and access ---------------------------------------------------------------------
    def user_by_token(self, token: str) -> User | None:
        """Find the user owning ``token``."""
        return next((u for u in self.users.values() if u.api_token == token), None)

    def user_by_credentials(self, email: str, password: str) -> User | None:
        """Find the user with this email (case-insensitive) and password."""
        low = email.lower()
        return next((u for u in self.users.values() if u.email.lower() == low and u.password == password), None)

    def workspace_for(self, user: User, wid: int) -> Workspace:
        """Return workspace ``wid`` if ``user`` is a member, else raise 403."""
        ws = self.workspaces.get(wid)
        if ws is None or ws.server_deleted_at is not None or user.id not in ws.members:
            raise forbidden()
        return ws

    def organization_for(self, user: User, oid: int) -> Organization:
        """Return organization ``oid`` if ``user`` belongs to it (404 unknown, 403 foreign)."""
        org = self.organizations.get(oid)
        if org is None or org.server_deleted_at is not None:
            raise EmulatorError(404, "Invalid organization ID")
        if user.id not in org.members:
            raise forbidden()
        return org

    def user_workspaces(self, user: User) -> list[Workspace]:
        """Workspaces ``user`` belongs to, by id."""
        return sorted(
            (w for w in self.workspaces.values() if user.id in w.members and w.server_deleted_at is None),
            key=lambda w: w.id,
        )

    def user_organizations(self, user: User) -> list[Organization]:
        """Organizations ``user`` belongs to, by id."""
        return sorted(
            (o for o in self.organizations.values() if user.id in o.members and o.server_deleted_at is None),
            key=lambda o: o.id,
        )

    def workspace_tag_by_name(self, wid: int, name: str) -> Tag | None:
        """Live tag of workspace ``wid`` named exactly ``name``."""
        return next(
            (t for t in self.tags.values() if t.workspace_id == wid and t.deleted_at is None and t.name == name),
            None,
        )

    def live_tag(self, wid: int, tag_id: int) -> Tag | None:
        """Live tag ``tag_id`` of workspace ``wid``."""
        tag = self.tags.get(tag_id)
        if tag is None or tag.workspace_id != wid or tag.deleted_at is not None:
            return None
        return tag

    def live_project(self, wid: int, project_id: int) -> Project | None:
        """Project ``project_id`` of workspace ``wid`` unless deleted."""
        project = self.projects.get(project_id)
        if project is None or project.workspace_id != wid or project.server_deleted_at is not None:
            return None
        return project

    # -- shared time-entry operations ----------------------------------------------------------
    def running_entry(self, user_id: int) -> TimeEntry | None:
        """The user's running entry, if any."""
        return next(
            (t for t in self.time_entries.values() if t.user_id == user_id and t.running and not t.deleted),
            None,
        )

    def stop_entry(self, te: TimeEntry, when: datetime | None = None) -> None:
        """Stop ``te`` at ``when`` (default: server now, second precision) and bump ``at``."""
        now = self.now()
        stop = (when or now).replace(microsecond=0)
        stop = max(stop, te.start)
        te.stop = stop
        te.duration = int((stop - te.start).total_seconds())
        te.at = now

    def stop_running(self, user_id: int, *, except_id: int | None = None) -> None:
        """Auto-stop the user's running entry at server time (one running entry per user)."""
        for te in self.time_entries.values():
            if te.user_id == user_id and te.running and not te.deleted and te.id != except_id:
                self.stop_entry(te)

    def soft_delete(self, te: TimeEntry) -> None:
        """Soft-delete: set ``server_deleted_at`` and bump ``at``."""
        now = self.now()
        te.server_deleted_at = now
        te.at = now

    def resolve_tag_names(self, ws: Workspace, user: User, names: Iterable[object]) -> list[int]:
        """Map tag names to ids, creating unknown ones as workspace tags."""
        ids: list[int] = []
        for raw in names:
            if not isinstance(raw, str):
                raise bad_request("Invalid tags: expected a list of strings")
            name = raw.strip()
            if not name:
                continue
            tag = self.workspace_tag_by_name(ws.id, name) or self.add_tag(ws, name, user)
            if tag.id not in ids:
                ids.append(tag.id)
        return ids

    def check_tag_ids(self, ws: Workspace, tag_ids: Iterable[object]) -> list[int]:
        """Validate tag ids of workspace ``ws``; 400 for unknown ones."""
        out: list[int] = []
        for raw in tag_ids:
            if not isinstance(raw, int) or isinstance(raw, bool) or self.live_tag(ws.id, raw) is None:
                raise bad_request(f"Tag with ID {raw} not found in workspace {ws.id}")
            if raw not in out:
                out.append(raw)
        return out
