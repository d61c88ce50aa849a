"""Deterministic seed data: the ``demo`` account and the minimal ``empty`` one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import httpx
from attrs import define

from .state import Backend, Group, Project, ProjectUser, Tag, Task, User, Workspace

__all__ = [
    "DEMO_API_TOKEN",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "OTHER_API_TOKEN",
    "OTHER_EMAIL",
    "OTHER_PASSWORD",
    "TEAMMATE_API_TOKEN",
    "TEAMMATE_EMAIL",
    "TEAMMATE_PASSWORD",
    "DemoAccount",
    "seed_demo",
    "seed_empty",
]

DEMO_API_TOKEN = "deadbeefdeadbeefdeadbeefdeadbeef"  # 32 hex characters, like every Toggl API token
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"
OTHER_API_TOKEN = "other-api-token-0000"
OTHER_EMAIL = "other@example.com"
OTHER_PASSWORD = "other-password"
#: A colleague in the demo organization and workspace (Toggl's token format: 32 hex characters).
TEAMMATE_API_TOKEN = "7c3e5f1a9b2d4c6e8f0a1b3c5d7e9f20"
TEAMMATE_EMAIL = "teammate@example.com"
TEAMMATE_PASSWORD = "teammate-password"

_DESCRIPTIONS = (
    "Code review",
    "Daily stand-up",
    "Sprint planning",
    "Bug triage",
    "Writing documentation",
    "Customer call",
    "Refactoring",
    "Implementing feature",
    "Fixing tests",
    "Email and admin",
    "Design review",
    "Deploying release",
    "Pairing session",
    "Research spike",
    "Reviewing pull requests",
    "Estimating tickets",
    "Performance tuning",
    "Support ticket",
)
_CLIENTS = (("Acme Corp", False), ("Globex", False), ("Initech", False), ("Umbrella", True), ("Hooli", False))
# (name, client name or None, active, colour)
_PROJECTS = (
    ("Website Redesign", "Acme Corp", True, "#0b83d9"),
    ("Mobile App", "Acme Corp", True, "#9e5bd9"),
    ("API Platform", "Globex", True, "#d94182"),
    ("Data Migration", "Globex", True, "#e36a00"),
    ("Customer Support", "Initech", True, "#bf7000"),
    ("Internal Tools", None, True, "#2da608"),
    ("Meetings", None, True, "#06a893"),
    ("Research", None, True, "#c9806b"),
    ("Marketing Site", "Hooli", True, "#465bb3"),
    ("Onboarding", None, True, "#990099"),
    ("Legacy CRM", "Umbrella", False, "#c7af14"),
    ("Old Website", "Acme Corp", False, "#566614"),
)
_SIDE_PROJECTS = (("Blog", True, "#d92b2b"), ("Open Source", True, "#525266"), ("Learning Rust", False, "#0b83d9"))
_TAGS = ("billable", "meeting", "bug", "feature", "review", "urgent", "planning", "research", "support", "deep-work")
_SIDE_TAGS = ("writing", "oss")
_HISTORY_DAYS = 150
#: Total span of the demo history: the 150 dense days above plus older, sparser days (issue 15: a backfill
#: through Reports v3 and a CSV import need more than a year behind the three months ``/me/time_entries`` serves).
_OLD_HISTORY_DAYS = 430
#: Descriptions of the old days; one has a comma, quotes and a non-ASCII letter, as real CSV files do.
_OLD_DESCRIPTIONS = (*_DESCRIPTIONS, 'Workshop, Zürich "kick-off"', "Quarterly report")
_Choice = tuple[Workspace, Project | None, list[Tag]]


@define(frozen=True)
class DemoAccount:
    """Credentials and ids of a seeded account (stable for a given seed and id starts).

    Attributes:
        api_token: Token of the main user (``DEMO_API_TOKEN``, 32 hex characters).
        email: ``"demo@example.com"``.
        password: ``"demo-password"``.
        user_id: Main user's id.
        fullname: Main user's name.
        organization_id: Main user's organization.
        workspace_id: Main user's default workspace.
        workspace_ids: All of the main user's workspaces (default first).
        other_api_token: A second user's token (``"other-api-token-0000"``), None for ``empty``.
        other_email: Second user's email.
        other_password: Second user's password.
        other_user_id: Second user's id.
        other_organization_id: Second user's organization (not shared with the main user).
        other_workspace_id: Second user's workspace (the main user gets 403 there).
        teammate_user_id: A colleague's user id: a plain member of the main user's organization and
            default workspace (``demo`` only), with no time entries.
        teammate_api_token: The colleague's token.
        track_path: URL prefix of Track v9 (``/api/v9``).
        reports_path: URL prefix of Reports v3 (``/reports/api/v3``).
    """

    api_token: str
    email: str
    password: str
    user_id: int
    fullname: str
    organization_id: int
    workspace_id: int
    workspace_ids: tuple[int, ...]
    other_api_token: str | None = None
    other_email: str | None = None
    other_password: str | None = None
    other_user_id: int | None = None
    other_organization_id: int | None = None
    other_workspace_id: int | None = None
    track_path: str = "/api/v9"
    reports_path: str = "/reports/api/v3"
    teammate_user_id: int | None = None
    teammate_api_token: str | None = None

    def auth(self) -> httpx.BasicAuth:
        """Basic auth with the main user's API token."""
        return httpx.BasicAuth(self.api_token, "api_token")

    def password_auth(self) -> httpx.BasicAuth:
        """Basic auth with the main user's email and password."""
        return httpx.BasicAuth(self.email, self.password)

    def other_auth(self) -> httpx.BasicAuth:
        """Basic auth with the second user's API token."""
        if self.other_api_token is None:
            raise ValueError("this seed has no second user")
        return httpx.BasicAuth(self.other_api_token, "api_token")


def _main_user(backend: Backend, plan: str) -> tuple[User, Workspace, int]:
    now = backend.now()
    created = (now - timedelta(days=730)).replace(microsecond=17845)
    user = backend.add_user(DEMO_EMAIL, DEMO_PASSWORD, DEMO_API_TOKEN, "Demo User", created_at=created)
    org = backend.add_organization("Demo Organization", user, plan=plan, created_at=created)
    ws = backend.add_workspace(org, "Demo Workspace", admin=user, created_at=created)
    return user, ws, org.id


def seed_empty(backend: Backend, *, plan: str = "free") -> DemoAccount:
    """One user with one organization and one workspace, nothing else."""
    user, ws, org_id = _main_user(backend, plan)
    return DemoAccount(DEMO_API_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, user.id, user.fullname, org_id, ws.id, (ws.id,))


def _entries_for_day(
    backend: Backend,
    rng: random.Random,
    user: User,
    day: datetime,
    until: datetime,
    choices: list[_Choice],
) -> None:
    cursor = day + timedelta(hours=8, minutes=rng.randint(0, 90))
    end_of_day = day + timedelta(hours=17, minutes=rng.randint(0, 90))
    lunch_done = False
    while cursor < min(end_of_day, until):
        minutes = rng.randint(5, 35)
        stop = min(cursor + timedelta(minutes=minutes, seconds=rng.randint(0, 59)), until)
        ws, project, tags = rng.choice(choices)
        tag_ids = [t.id for t in rng.sample(tags, k=rng.choice((0, 0, 0, 1, 1, 2)))] if tags else []
        at = stop + timedelta(seconds=rng.randint(0, 600), microseconds=rng.randint(0, 999_999))
        backend.add_time_entry(
            ws,
            user,
            cursor,
            stop,
            description=rng.choice(_DESCRIPTIONS) if rng.random() < 0.9 else None,
            project_id=project.id if project else None,
            tag_ids=tag_ids,
            created_with=rng.choice(("Toggl Track", "TogglDesktop", "toggl-emulator-seed")),
            at=min(at, backend.now()),
        )
        cursor = stop + timedelta(minutes=rng.randint(0, 5))
        if not lunch_done and cursor.hour >= 12:
            cursor += timedelta(minutes=rng.randint(30, 60))
            lunch_done = True


def _old_history(
    backend: Backend,
    rng: random.Random,
    user: User,
    first_day: datetime,
    work: list[_Choice],
    weekend: list[_Choice],
    task: Task,
) -> None:
    """Days ``_HISTORY_DAYS`` to ``_OLD_HISTORY_DAYS`` back: a few longer entries per working day.

    Added after everything else with its own random stream, so the newest 150 days (and every id handed out
    for them) stay exactly what they were. Seeding and cloning stay cheap: about 4 entries per working day
    instead of about 17. The ids are taken just below the first time-entry id and rise with ``start``, as
    Toggl's ids rise with creation time.
    """
    planned: list[tuple[_Choice, datetime, datetime, str | None, bool]] = []
    day = first_day - timedelta(days=_OLD_HISTORY_DAYS - _HISTORY_DAYS)
    while day < first_day:
        if day.weekday() < 5 and rng.random() > 0.06:
            cursor = day + timedelta(hours=8, minutes=rng.randint(0, 60))
            for _ in range(rng.randint(3, 5)):
                stop = cursor + timedelta(minutes=rng.randint(30, 110), seconds=rng.randint(0, 59))
                choice = rng.choice(work)
                description = rng.choice(_OLD_DESCRIPTIONS) if rng.random() < 0.92 else None
                planned.append((choice, cursor, stop, description, choice[1] is not None and rng.random() < 0.3))
                cursor = stop + timedelta(minutes=rng.randint(5, 40))
        elif day.weekday() >= 5 and rng.random() < 0.1:
            start = day + timedelta(hours=10, minutes=rng.randint(0, 120))
            stop = start + timedelta(minutes=rng.randint(20, 90))
            planned.append((rng.choice(weekend), start, stop, "Blog post", False))
        day += timedelta(days=1)
    base = min(backend.time_entries, default=0) - len(planned)
    for index, ((ws, project, tags), start, stop, description, billable) in enumerate(planned):
        tag_ids = [t.id for t in rng.sample(tags, k=rng.choice((0, 0, 1, 1, 2)))] if tags else []
        te = backend.add_time_entry(
            ws,
            user,
            start,
            stop,
            description=description,
            project_id=project.id if project else None,
            tag_ids=tag_ids,
            billable=billable,
            created_with=rng.choice(("Toggl Track", "TogglDesktop")),
            at=stop + timedelta(seconds=rng.randint(0, 600), microseconds=rng.randint(0, 999_999)),
            entry_id=base + index if base > 0 else None,
        )
        if project is not None and project.id == task.project_id and rng.random() < 0.25:
            te.task_id = task.id


def seed_demo(backend: Backend, *, plan: str = "free", random_seed: int = 2026) -> DemoAccount:
    """The demo account: 1 organization, 2 workspaces, 6 clients (one archived), 15 projects
    (3 archived), 12 tags, about 2500 time entries over the 5 months before the clock's now
    (working days, a few weekends) and about 800 sparser ones in the 280 days before (430 days in all, some
    billable, some with a task), exactly one running entry, 3 soft-deleted entries, and a second
    user with their own organization and workspace. Also a colleague (a member of the demo
    organization and default workspace, no entries), 3 tasks (one done) on two projects, a group
    "Developers" and one project user. Fully deterministic for a given clock start.
    """
    rng = random.Random(random_seed)
    now = backend.now()
    user, ws, org_id = _main_user(backend, plan)
    org = backend.organizations[org_id]
    # A free organization with two workspaces predates Toggl's one-workspace rule for free plans.
    org.multi_workspace = True
    side = backend.add_workspace(org, "Side Projects", admin=user, created_at=user.created_at)
    history = now - timedelta(days=_HISTORY_DAYS + 30)

    clients = {name: backend.add_client(ws, name, user, archived=archived, at=history) for name, archived in _CLIENTS}
    personal = backend.add_client(side, "Personal", user, at=history)
    projects = [
        backend.add_project(ws, name, user, color=color, client=clients[cn] if cn else None, active=active, at=history)
        for name, cn, active, color in _PROJECTS
    ]
    side_projects = [
        backend.add_project(
            side, name, user, color=color, client=personal if name == "Blog" else None, active=active, at=history
        )
        for name, active, color in _SIDE_PROJECTS
    ]
    tags = [backend.add_tag(ws, name, user, at=history) for name in _TAGS]
    side_tags = [backend.add_tag(side, name, user, at=history) for name in _SIDE_TAGS]

    work: list[_Choice] = [(ws, None, tags)] * 4
    for p in projects:
        if p.active:
            work += [(ws, p, tags)] * 4
    work += [(side, p, side_tags) for p in side_projects if p.active]
    weekend: list[_Choice] = [(side, p, side_tags) for p in side_projects]
    old_work = list(work)
    for p in projects:
        if not p.active:
            old_work += [(ws, p, tags)] * 6

    running_start = (now - timedelta(minutes=25)).replace(microsecond=0)
    first_day = (now - timedelta(days=_HISTORY_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    day = first_day
    while day <= now:
        until = min(day + timedelta(days=1), running_start - timedelta(minutes=5))
        if day.weekday() < 5 and rng.random() > 0.04:
            _entries_for_day(backend, rng, user, day, until, old_work if (day - first_day).days < 60 else work)
        elif day.weekday() >= 5 and rng.random() < 0.15:
            _entries_for_day(backend, rng, user, day + timedelta(hours=2), until, weekend)
        day += timedelta(days=1)

    backend.add_time_entry(
        ws,
        user,
        running_start,
        None,
        description="Reviewing pull requests",
        project_id=projects[0].id,
        tag_ids=[tags[4].id],
        created_with="Toggl Track",
        at=running_start.replace(microsecond=835197),
    )
    recent = sorted((t for t in backend.time_entries.values() if t.stop is not None), key=lambda t: t.start)[-40:]
    for te in rng.sample(recent, 3):
        deleted_at = min((te.stop or now) + timedelta(minutes=rng.randint(1, 20)), now)
        te.server_deleted_at = te.at = deleted_at

    other = backend.add_user(OTHER_EMAIL, OTHER_PASSWORD, OTHER_API_TOKEN, "Other User", created_at=user.created_at)
    other_org = backend.add_organization("Other Organization", other, plan="free", created_at=user.created_at)
    other_ws = backend.add_workspace(other_org, "Other Workspace", admin=other, created_at=user.created_at)
    other_client = backend.add_client(other_ws, "Other Client", other, at=history)
    other_project = backend.add_project(other_ws, "Other Project", other, client=other_client, at=history)
    other_tag = backend.add_tag(other_ws, "other-tag", other, at=history)
    for days in (3, 2, 1):
        start = (now - timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
        backend.add_time_entry(
            other_ws,
            other,
            start,
            start + timedelta(hours=2),
            description="Other work",
            project_id=other_project.id,
            tag_ids=[other_tag.id],
            at=start + timedelta(hours=2),
        )
    # Added last so that every id above stays what it was before they existed.
    teammate = backend.add_user(
        TEAMMATE_EMAIL, TEAMMATE_PASSWORD, TEAMMATE_API_TOKEN, "Team Mate", created_at=user.created_at
    )
    backend.add_member(ws, teammate, "user", at=history)
    wireframes = backend.add_task(projects[0], "Wireframes", user, at=history)
    backend.add_task(projects[0], "Visual design", user, active=False, at=history)
    backend.add_task(projects[1], "Login screen", user, at=history)
    wireframes.user_id, wireframes.estimated_seconds = teammate.id, 8 * 3600
    group = Group(backend.next_id("group"), org_id, "Developers", history, [user.id, teammate.id], [ws.id])
    backend.groups[group.id] = group
    pu = ProjectUser(backend.next_id("project_user"), ws.id, projects[0].id, teammate.id, history)
    backend.project_users[pu.id] = pu
    _old_history(backend, random.Random(random_seed + 1), user, first_day, old_work, weekend, wireframes)
    return DemoAccount(
        DEMO_API_TOKEN,
        DEMO_EMAIL,
        DEMO_PASSWORD,
        user.id,
        user.fullname,
        org_id,
        ws.id,
        (ws.id, side.id),
        OTHER_API_TOKEN,
        OTHER_EMAIL,
        OTHER_PASSWORD,
        other.id,
        other_org.id,
        other_ws.id,
        teammate_user_id=teammate.id,
        teammate_api_token=TEAMMATE_API_TOKEN,
    )
