"""The sync engine's decisions as pure functions of values: no I/O, no clock reads.

A sync mirrors an account into a cache in four phases:

1. *Related data*: ``GET /me?with_related_data=true`` returns every workspace, client, project and tag, and
   the open tasks, in one request; the cache's copy of those lists is replaced by it (anything missing was
   deleted or, for tasks, done).
2. *Organizations*: ``GET /me/organizations``, only on the first run, when a workspace names an organization
   the cache does not know, or when the cached list is older than ``ORGANIZATIONS_MAX_AGE``.
3. *Time entries*: a **full fetch** (windows of ``/me/time_entries?start_date&end_date`` inside the API's
   three-month look-back, each window's end moved back to the oldest start when an answer hits the 1000-row
   cap) on the first run or when the watermark is too old for ``since``; otherwise one **incremental** read
   ``/me/time_entries?since=<watermark>``, whose answer includes deleted entries (``server_deleted_at``).
4. *Workspace members*: ``GET /workspaces/{wid}/workspace_users`` per workspace (the related data has no
   people), only on the first run, when an entry of this run names an unknown user, or after
   ``USERS_MAX_AGE``; they let reports and the CLI name the user behind a ``user_id``.

Everything the engine must remember between runs is a ``SyncState`` of datetimes, kept in the cache's
completeness store under ``sync:*`` scopes, so the state travels with the cache (JSON, SQLite or any SQL URL).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta, timezone
from typing import Any

from attrs import evolve, field, frozen

from .history import BackfillResult
from .models import TogglClass
from .timeutil import date_floor, format_iso, get_timestamp

__all__ = [
    "history_share",
    "windows_left",
    "ENTRY_CAP",
    "LOOKBACK_MONTHS",
    "ORGANIZATIONS_MAX_AGE",
    "SCOPE_PREFIX",
    "SINCE_MAX_AGE",
    "SKEW_MARGIN",
    "USERS_MAX_AGE",
    "Changes",
    "StopReason",
    "SyncReport",
    "SyncState",
    "Window",
    "after_since",
    "after_window",
    "begin_full_fetch",
    "budget_stop",
    "covered_span",
    "current_window",
    "diff_models",
    "lookback_start",
    "needs_full_fetch",
    "organizations_needed",
    "related_needed",
    "since_params",
    "users_needed",
    "window_covers",
    "window_params",
]

#: Most rows ``GET /me/time_entries`` returns in one answer.
ENTRY_CAP = 1000
#: How far back ``start_date`` may reach (calendar months).
LOOKBACK_MONTHS = 3
#: Oldest ``since`` the engine sends; an older watermark triggers a full fetch (Toggl refuses ~3 months).
SINCE_MAX_AGE = timedelta(days=85)
#: Subtracted from our clock when it becomes a watermark, so a server clock slightly behind ours loses nothing.
SKEW_MARGIN = timedelta(minutes=10)
#: Organizations change rarely; the list is re-read after this long (or when a new one shows up).
ORGANIZATIONS_MAX_AGE = timedelta(hours=24)
#: Workspace members change rarely too; re-read after this long, or when an entry names an unknown user.
USERS_MAX_AGE = timedelta(hours=24)
#: Prefix of the completeness-store scopes that hold the sync state.
SCOPE_PREFIX = "sync:"

UTC = timezone.utc


class StopReason(enum.Enum):
    """Why a sync stopped before finishing (it resumes there on the next run)."""

    MAX_REQUESTS = "max_requests"
    QUOTA_RESERVE = "quota_reserve"
    QUOTA_EXCEEDED = "quota_exceeded"
    BUDGET_EXHAUSTED = "budget_exhausted"


@frozen
class SyncState:
    """What the engine remembers between runs (all aware UTC datetimes, ``None`` when unknown).

    Attributes:
        watermark: ``since`` for the next incremental time-entry read.
        related_at: When workspaces, clients, projects and tags were last mirrored.
        organizations_at: When organizations were last mirrored.
        users_at: When workspace members were last mirrored.
        window_floor: Oldest start of a full fetch in progress.
        window_end: End (exclusive) of the next window of a full fetch in progress (its resume point).
        full_started: Our clock (minus ``SKEW_MARGIN``) when the full fetch in progress began; it becomes the
            watermark once the fetch completes.
        last_run: When the last sync finished or stopped.
    """

    watermark: datetime | None = None
    related_at: datetime | None = None
    organizations_at: datetime | None = None
    users_at: datetime | None = None
    window_floor: datetime | None = None
    window_end: datetime | None = None
    full_started: datetime | None = None
    last_run: datetime | None = None

    @property
    def full_fetch_in_progress(self) -> bool:
        """True when a full fetch stopped half-way and resumes at ``window_end``."""
        return self.window_end is not None

    def scopes(self) -> dict[str, datetime | None]:
        """The state as completeness-store scopes (``None`` forgets a scope)."""
        return {SCOPE_PREFIX + name: getattr(self, name) for name in _STATE_FIELDS}

    @classmethod
    def scope_names(cls) -> tuple[str, ...]:
        """Every scope ``scopes`` writes."""
        return tuple(SCOPE_PREFIX + name for name in _STATE_FIELDS)

    @classmethod
    def from_scopes(cls, values: Mapping[str, datetime | None]) -> SyncState:
        """Rebuild the state from ``scopes`` output (missing scopes are ``None``)."""
        return cls(**{name: values.get(SCOPE_PREFIX + name) for name in _STATE_FIELDS})


_STATE_FIELDS = (
    "watermark",
    "related_at",
    "organizations_at",
    "users_at",
    "window_floor",
    "window_end",
    "full_started",
    "last_run",
)


@frozen
class Window:
    """One windowed read ``/me/time_entries?start_date=<floor>&end_date=<end>`` (start in ``[floor, end)``)."""

    floor: datetime
    end: datetime


@frozen
class Changes:
    """What applying an answer to the cache does: entities to add, to replace, and ids to remove."""

    added: tuple[TogglClass, ...] = ()
    changed: tuple[TogglClass, ...] = ()
    removed: tuple[TogglClass, ...] = ()
    unchanged: int = 0


def _counter() -> dict[str, int]:
    return {}


@frozen
class SyncReport:
    """The outcome of one sync run.

    Attributes:
        requests: Requests sent during the run (failed ones included).
        added: Entities added to the cache, per model table name (``"tracker"``, ``"project"``...).
        changed: Entities whose cached copy was replaced by a different one, per model.
        removed: Entities removed from the cache (deleted on Toggl), per model.
        full: True when time entries were (or are being) fetched in full rather than incrementally.
        complete: True when the run finished; False when it stopped early (see ``stopped``).
        stopped: Why the run stopped early, if it did.
        resets_at: When the quota (or budget) allows requests again, when the stop was about quota.
        message: A one-line explanation of an early stop.
        backfill: What the backfill of older entries (``sync(since=...)``) did, when one ran.
    """

    requests: int = 0
    added: dict[str, int] = field(factory=_counter)
    changed: dict[str, int] = field(factory=_counter)
    removed: dict[str, int] = field(factory=_counter)
    full: bool = False
    complete: bool = True
    stopped: StopReason | None = None
    resets_at: datetime | None = None
    message: str = ""
    backfill: BackfillResult | None = None

    @property
    def total_added(self) -> int:
        """Entities added, all models."""
        return sum(self.added.values())

    @property
    def total_changed(self) -> int:
        """Entities changed, all models."""
        return sum(self.changed.values())

    @property
    def total_removed(self) -> int:
        """Entities removed, all models."""
        return sum(self.removed.values())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view (for ``toggl-api sync --json``)."""
        return {
            "requests": self.requests,
            "added": dict(self.added),
            "changed": dict(self.changed),
            "removed": dict(self.removed),
            "full": self.full,
            "complete": self.complete,
            "stopped": self.stopped.value if self.stopped else None,
            "resets_at": self.resets_at.isoformat() if self.resets_at else None,
            "message": self.message,
            "backfill": self.backfill.as_dict() if self.backfill else None,
        }


# -- deciding what to fetch --------------------------------------------------------------------------


def lookback_start(now: datetime) -> datetime:
    """The oldest ``start_date`` to ask for at ``now``: three calendar months back, plus one day of margin
    so a server whose day has not turned yet still accepts it."""
    floor = date_floor(now.astimezone(UTC).date(), LOOKBACK_MONTHS) + timedelta(days=1)
    return datetime.combine(floor, time(0), tzinfo=UTC)


def needs_full_fetch(state: SyncState, now: datetime, *, force: bool = False) -> bool:
    """Whether time entries must be fetched in full: asked for, never synced, a full fetch is in progress,
    or the watermark is older than ``since`` may reach."""
    if force or state.full_fetch_in_progress or state.watermark is None:
        return True
    return now - state.watermark > SINCE_MAX_AGE


def begin_full_fetch(state: SyncState, now: datetime) -> SyncState:
    """Start a full fetch at ``now`` (a fetch already in progress keeps its resume point)."""
    if state.full_fetch_in_progress:
        return state
    # The first window reaches a day into the future so entries started "now" on a server ahead of us count.
    return evolve(
        state,
        window_floor=lookback_start(now),
        window_end=now + timedelta(days=1),
        full_started=now - SKEW_MARGIN,
    )


def current_window(state: SyncState) -> Window:
    """The next window of the full fetch in progress.

    Raises:
        ValueError: No full fetch is in progress.
    """
    if state.window_floor is None or state.window_end is None:
        msg = "no full fetch in progress; call begin_full_fetch first"
        raise ValueError(msg)
    return Window(state.window_floor, state.window_end)


def history_share(state: SyncState) -> float | None:
    """How much of a full fetch's time span is read, from 0.0 to 1.0 (``None`` when no full fetch runs).

    Windows are read newest first, from one day after ``full_started + SKEW_MARGIN`` (where ``begin_full_fetch``
    put the first window's end) back to ``window_floor``; ``window_end`` marks how far they have come.
    """
    if state.window_floor is None or state.window_end is None or state.full_started is None:
        return None
    top = state.full_started + SKEW_MARGIN + timedelta(days=1)
    span = (top - state.window_floor).total_seconds()
    if span <= 0:
        return None
    return min(1.0, max(0.0, (top - state.window_end).total_seconds() / span))


def windows_left(share: float | None, windows_done: int) -> int | None:
    """An estimate of the windows still to read, at the pace so far (``None`` before one moved the share)."""
    if share is None or windows_done <= 0 or share <= 0.0:
        return None
    if share >= 1.0:
        return 0
    return max(1, -(-round(windows_done * (1.0 - share) * 1000) // round(share * 1000)))


def window_params(window: Window) -> tuple[tuple[str, str], ...]:
    """Query parameters of a window read."""
    return (("start_date", format_iso(window.floor.date())), ("end_date", format_iso(window.end)))


def since_params(watermark: datetime) -> tuple[tuple[str, str], ...]:
    """Query parameters of an incremental read."""
    return (("since", str(get_timestamp(watermark))),)


def window_covers(window: Window, starts: Sequence[datetime], cap: int = ENTRY_CAP) -> tuple[datetime, bool]:
    """The part of ``window`` an answer with these entry ``starts`` fully describes: ``(lower, inclusive)``.

    Without the cap the whole window ``[floor, end)`` is covered. A capped answer (newest first) covers only
    starts strictly after its oldest start: entries sharing that start may have been cut off.
    """
    if len(starts) < cap:
        return window.floor, True
    return min(starts), False


def covered_span(window: Window, starts: Sequence[datetime], cap: int = ENTRY_CAP) -> tuple[datetime, datetime]:
    """``window_covers`` as a half-open interval ``[lo, hi)`` of starts (for the cache's coverage)."""
    lower, inclusive = window_covers(window, starts, cap)
    return (lower if inclusive else lower + timedelta(microseconds=1)), window.end


def after_window(
    state: SyncState, starts: Sequence[datetime], cap: int = ENTRY_CAP
) -> tuple[SyncState, bool]:
    """The state after a window answer; the flag is True when the full fetch is complete.

    A capped answer moves the window's end back to one second after its oldest start (so entries sharing that
    start come again rather than being skipped); otherwise the fetch is done and ``full_started`` becomes the
    watermark.

    Raises:
        ValueError: a capped answer whose entries all start in the window's last second (no progress possible).
    """
    window = current_window(state)
    if len(starts) < cap:
        done = evolve(state, window_floor=None, window_end=None, full_started=None, watermark=state.full_started)
        return done, True
    new_end = min(starts).replace(microsecond=0) + timedelta(seconds=1)
    if new_end >= window.end:
        msg = f"more than {cap} time entries start within one second before {window.end.isoformat()}"
        raise ValueError(msg)
    return evolve(state, window_end=new_end), False


def after_since(
    state: SyncState, ats: Iterable[datetime | None], requested_at: datetime
) -> SyncState:
    """The state after an incremental answer: the watermark moves to the newest change seen, or to our clock
    at the request minus ``SKEW_MARGIN`` when that is later (it never moves back)."""
    candidates = [a for a in ats if a is not None]
    candidates.append(requested_at - SKEW_MARGIN)
    if state.watermark is not None:
        candidates.append(state.watermark)
    return evolve(state, watermark=max(candidates))


def related_needed(state: SyncState) -> bool:
    """Whether to read workspaces, clients, projects and tags: always, except when resuming a full fetch that
    already read them (so a resumed run spends its budget where it stopped)."""
    if not state.full_fetch_in_progress or state.related_at is None or state.full_started is None:
        return True
    return state.related_at < state.full_started


def organizations_needed(
    state: SyncState, now: datetime, workspace_orgs: Iterable[int], cached_orgs: Iterable[int]
) -> bool:
    """Whether ``/me/organizations`` is worth a request: never read, stale, or a workspace names an unknown
    organization."""
    if state.organizations_at is None or now - state.organizations_at > ORGANIZATIONS_MAX_AGE:
        return True
    known = set(cached_orgs)
    return any(org and org not in known for org in workspace_orgs)


def users_needed(
    state: SyncState, now: datetime, new_entry_users: Iterable[int | None], known_users: Iterable[int]
) -> bool:
    """Whether to read the workspaces' members (one request per workspace): never read, older than
    ``USERS_MAX_AGE``, or an entry added or changed in this run names a user no cached member has (someone
    joined). ``/me?with_related_data`` does not carry members, so this is the only request spent on them."""
    if state.users_at is None or now - state.users_at > USERS_MAX_AGE:
        return True
    known = set(known_users)
    return any(user is not None and user not in known for user in new_entry_users)


def budget_stop(
    spent: int,
    *,
    max_requests: int | None,
    quota_remaining: int | None,
    reserve: int,
) -> StopReason | None:
    """Whether to stop before sending one more request.

    Args:
        spent: Requests this run already sent.
        max_requests: The run's explicit budget, if any.
        quota_remaining: What the latest answer said is left of the hourly quota (``None`` before any).
        reserve: Requests to leave in the quota for the user's other tools.
    """
    if max_requests is not None and spent >= max_requests:
        return StopReason.MAX_REQUESTS
    # Toggl reports a negative remainder only while it does not enforce the quota (reference §4.2): nothing to
    # save then. An enforced quota that runs out answers 402, which stops the run on its own.
    if quota_remaining is not None and 0 <= quota_remaining <= reserve:
        return StopReason.QUOTA_RESERVE
    return None


def diff_models(
    cached: Mapping[int, TogglClass],
    incoming: Iterable[TogglClass],
    *,
    replace_ids: Iterable[int] | None = None,
) -> Changes:
    """What to do with the cache given an answer.

    Args:
        cached: The cache's entities of one model, by id.
        incoming: Entities the API returned (ones with ``server_deleted_at`` are removals).
        replace_ids: Ids of cached entities the answer is authoritative for (a complete list or a window):
            those it does not mention are removals too. ``None`` for an incremental answer.
    """
    added: list[TogglClass] = []
    changed: list[TogglClass] = []
    removed: list[TogglClass] = []
    unchanged = 0
    seen: set[int] = set()
    for model in incoming:
        seen.add(model.id)
        old = cached.get(model.id)
        if model.is_deleted():
            if old is not None:
                removed.append(old)
        elif old is None:
            added.append(model)
        elif old == model:
            unchanged += 1
        else:
            changed.append(model)
    if replace_ids is not None:
        removed.extend(cached[i] for i in replace_ids if i not in seen and i in cached)
    return Changes(tuple(added), tuple(changed), tuple(removed), unchanged)
