"""The offline outbox's rules, as plain functions and values (no I/O).

With ``offline=True`` a time-entry write that cannot reach Toggl is kept, in order, in the cache's value store
and replayed later (``_async/outbox.py`` does the I/O). This module decides:

* **what is queueable** (``queue_state``): a failure that says nothing about the write itself (no network, a
  402 quota answer, 429, a 5xx after retries, the request budget) is queued; a definitive 4xx is raised as
  before. A failure after which Toggl *may* have applied the write is queued as ``SENDING`` (uncertain): the
  replay first finds out whether it landed.
* **temporary ids** (``PENDING_ID_BASE``): an entry created offline gets ``PENDING_ID_BASE + n``. Toggl's ids
  are far below that range and CSV-imported entries use negative ids, so the three never meet. Such an id is
  never sent: ``check_sendable_path`` refuses any request naming one.
* **how a later write to a pending entity is merged** (``add_write``): an edit or a stop of an entry whose
  creation is still queued is folded into the creation (start offline + stop offline = one POST of a stopped
  entry); a delete of it cancels both, and nothing is sent.
* **the match of an uncertain create** (``matches_create``): Toggl keeps no idempotency key and does not return
  ``created_with``, so a create whose answer was lost is looked for with a ``since`` read and matched on what it
  sent: ``start`` to the second, description, project, workspace, and ``stop`` when it sent one.
* **the conflict rule** (``resolve``), when the entry changed on Toggl (newer ``at``) while a write waited:
  a stop still applies to an entry that still runs, and is dropped (reported) when another device stopped it;
  an edit keeps the other device's value of every field it changed too (the rest is sent); a delete of an entry
  edited elsewhere is held (reported) until ``flush(force=True)`` or a discard; an edit or stop of an entry
  deleted elsewhere is dropped (reported). Every conflict is returned and logged; nothing is dropped silently.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from attrs import define, evolve, field

from .cache_rules import WriteOutcome, failed_write_outcome
from .errors import (
    BudgetExhaustedError,
    OutboxError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from .models import TogglTracker
from .pending import PENDING_EXTRA, PENDING_ID_BASE, is_pending_id
from .timeutil import parse_datetime

__all__ = [
    "OUTBOX_KEY",
    "PENDING_EXTRA",
    "PENDING_ID_BASE",
    "OutboxConflict",
    "Decision",
    "FlushReport",
    "OutboxState",
    "OutboxError",
    "PendingWrite",
    "Rejected",
    "WriteKind",
    "WriteState",
    "add_write",
    "check_sendable_path",
    "drop_write",
    "dumps",
    "is_pending_id",
    "landed",
    "loads",
    "local_entry",
    "matches_create",
    "queue_state",
    "resolve",
    "snapshot",
    "with_state",
]

#: Value-store key of the outbox (one JSON document, so each step is one atomic write on every cache kind).
OUTBOX_KEY = "toggl_api.outbox.v1"
#: A run of as many digits as a temporary id has (19; decimal digits of any script, as ``int`` reads them).
_LONG_NUMBER = re.compile(r"\d{19}")
#: Ids of creates that landed, kept to rewrite later calls and to never match one remote entry twice.
_REMEMBER_LANDED = 500
#: Fields of an edit compared with Toggl's copy of the entry (the payload keys ``TrackerBody`` sends).
_FIELDS = ("description", "project_id", "task_id", "start", "stop", "duration", "billable", "tags", "tag_ids")


class WriteKind(enum.Enum):
    """What a pending write does."""

    CREATE = "create"
    EDIT = "edit"
    STOP = "stop"
    DELETE = "delete"


class WriteState(enum.Enum):
    """Where a pending write stands."""

    #: Not sent, or surely not applied: send it.
    QUEUED = "queued"
    #: Sent (or being sent) and not known to have landed: find out before sending again.
    SENDING = "sending"
    #: Kept back by the conflict rule (a delete of an entry edited elsewhere): ``flush(force=True)`` sends it.
    HELD = "held"


def _opt_dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return parse_datetime(str(value))


@define(frozen=True)
class PendingWrite:
    """One write waiting in the outbox.

    Attributes:
        key: Its number in the outbox (shown by ``toggl-api outbox list``; ``discard`` takes it).
        kind: Create, edit, stop or delete.
        entity_id: The entry (a temporary id until its create lands).
        workspace_id: The workspace the write goes to.
        fields: The JSON body to send (create and edit; a stop holds ``{"stop": <when the user stopped>}``).
        queued_at: When the write was made.
        base: Toggl's values (as last seen) of the fields the write changes, to spot edits made elsewhere.
        base_at: Toggl's ``at`` of the entry when the write was made (``None``: not known).
        state: Queued, sending (uncertain) or held.
        sent_at: When it was last sent (uncertain writes are looked for from there).
        note: Why it is held.
    """

    key: int
    kind: WriteKind
    entity_id: int
    workspace_id: int
    fields: dict[str, Any] = field(factory=dict)
    queued_at: datetime | None = None
    base: dict[str, Any] = field(factory=dict)
    base_at: datetime | None = None
    state: WriteState = WriteState.QUEUED
    sent_at: datetime | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "key": self.key,
            "kind": self.kind.value,
            "entity_id": self.entity_id,
            "workspace_id": self.workspace_id,
            "fields": self.fields,
            "queued_at": _iso(self.queued_at),
            "base": self.base,
            "base_at": _iso(self.base_at),
            "state": self.state.value,
            "sent_at": _iso(self.sent_at),
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Any) -> PendingWrite:
        """Read the stored form (``OutboxError`` when it is not one)."""
        try:
            return cls(
                key=_int(data["key"]),
                kind=WriteKind(data["kind"]),
                entity_id=_int(data["entity_id"]),
                workspace_id=_int(data["workspace_id"]),
                fields=dict(data.get("fields") or {}),
                queued_at=_opt_dt(data.get("queued_at")),
                base=dict(data.get("base") or {}),
                base_at=_opt_dt(data.get("base_at")),
                state=WriteState(data.get("state", "queued")),
                sent_at=_opt_dt(data.get("sent_at")),
                note=str(data.get("note") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"a stored outbox write is unreadable ({exc}); run `toggl-api outbox list` and discard it"
            raise OutboxError(msg) from exc


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected an int, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@define(frozen=True)
class OutboxState:
    """The whole outbox: pending writes in order, counters, and the creates that landed recently.

    Attributes:
        writes: Pending writes, oldest first (they are sent in this order).
        next_key: Key of the next write.
        next_pending: ``n`` of the next temporary id (``PENDING_ID_BASE + n``).
        landed: Temporary id → Toggl's id of creates that landed (the newest few hundred).
    """

    writes: tuple[PendingWrite, ...] = ()
    next_key: int = 1
    next_pending: int = 1
    landed: dict[int, int] = field(factory=dict)

    def find(self, key: int) -> PendingWrite | None:
        """The pending write with this key, if any."""
        return next((w for w in self.writes if w.key == key), None)

    def of_entity(self, entity_id: int) -> list[PendingWrite]:
        """Pending writes of one entry, in order."""
        return [w for w in self.writes if w.entity_id == entity_id]

    def real_id(self, entity_id: int) -> int:
        """Toggl's id for a temporary id whose create landed (else the id itself)."""
        return self.landed.get(entity_id, entity_id)


def dumps(outbox: OutboxState) -> str:
    """The stored text of an outbox."""
    return json.dumps(
        {
            "version": 1,
            "next_key": outbox.next_key,
            "next_pending": outbox.next_pending,
            "landed": [[k, v] for k, v in outbox.landed.items()],
            "writes": [w.to_json() for w in outbox.writes],
        },
        separators=(",", ":"),
    )


def loads(text: str | None) -> OutboxState:
    """An outbox from its stored text (``None``: empty).

    Raises:
        OutboxError: the text is not an outbox this version wrote.
    """
    if text is None:
        return OutboxState()
    try:
        data = json.loads(text)
    except ValueError as exc:
        msg = f"the stored outbox is not JSON ({exc}); it was left as is, nothing was sent"
        raise OutboxError(msg) from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        msg = (
            "the stored outbox has an unknown format; upgrade toggl_api or discard it with "
            "`toggl-api outbox discard --all`"
        )
        raise OutboxError(msg)
    try:
        landed = {_int(k): _int(v) for k, v in data.get("landed") or []}
        return OutboxState(
            writes=tuple(PendingWrite.from_json(w) for w in data.get("writes") or []),
            next_key=_int(data.get("next_key", 1)),
            next_pending=_int(data.get("next_pending", 1)),
            landed=landed,
        )
    except (TypeError, ValueError) as exc:
        msg = f"the stored outbox is unreadable ({exc}); nothing was sent"
        raise OutboxError(msg) from exc


# -- ids --------------------------------------------------------------------------------------------------------


def check_sendable_path(path: str) -> None:
    """Refuse a request path naming a temporary id: Toggl must never see one.

    Raises:
        OutboxError: a path segment is a temporary id.
    """
    if _LONG_NUMBER.search(path) is None:  # a temporary id has 19 digits: most paths are done here
        return
    for segment in path.split("/"):
        for part in segment.split(","):
            if part.isdigit() and is_pending_id(int(part)):
                msg = (
                    f"entry {part} was created offline and is not on Toggl yet; write to it through an endpoint with "
                    "offline=True (the write is queued behind its creation) or flush() the outbox first"
                )
                raise OutboxError(msg)


# -- what is queueable ---------------------------------------------------------------------------------------------


def queue_state(error: BaseException, *, requests_sent: int) -> WriteState | None:
    """How a write that failed with ``error`` is queued, or ``None`` when it must be raised.

    Queued: network errors, 402 (quota), 429, 5xx (after the endpoint's retries), a spent request budget, and an
    answer that is not Toggl's (broken JSON, a captive portal's login page): the write may have been applied.
    ``SENDING`` when Toggl may have applied it (``failed_write_outcome``), ``QUEUED`` when it surely did not.
    Anything else (a validation error, a definitive 4xx, a bug) is the caller's to see.
    """
    queueable = isinstance(
        error,
        (httpx.TransportError, httpx.DecodingError, UnexpectedResponseError, PaymentRequiredError, RateLimitError,
         ServerError, BudgetExhaustedError),
    )
    if not queueable:
        return None
    if failed_write_outcome(error, requests_sent=requests_sent) is WriteOutcome.MAYBE_APPLIED:
        return WriteState.SENDING
    return WriteState.QUEUED


# -- adding and merging ------------------------------------------------------------------------------------------


def snapshot(entry: TogglTracker | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's values of the payload keys in ``fields`` (``base`` of an edit), comparable with ``value_of``."""
    if entry is None:
        return {}
    return {key: value_of(entry, key) for key in fields if key in _FIELDS}


def value_of(entry: TogglTracker, key: str) -> Any:
    """An entry's value of one payload key, in a form comparable across copies."""
    if key == "description":
        return entry.name
    if key == "project_id":
        return entry.project
    if key == "task_id":
        return entry.task
    if key == "start":
        return int(entry.start.timestamp())
    if key == "stop":
        return None if entry.stop is None else int(entry.stop.timestamp())
    if key == "duration":
        if entry.stop is None:
            return -1
        return int((entry.stop - entry.start).total_seconds())
    if key == "billable":
        return entry.billable
    if key == "tags":
        return sorted(t.name for t in entry.tags)
    if key == "tag_ids":
        return sorted(t.id for t in entry.tags)
    return None


def _sent_value(key: str, value: Any) -> Any:
    """A payload value in the form of ``value_of``."""
    if key in ("start", "stop") and value is not None:
        return int(parse_datetime(str(value)).timestamp())
    if key in ("tags", "tag_ids") and isinstance(value, list):
        return sorted(value)
    return value


def add_write(
    outbox: OutboxState,
    kind: WriteKind,
    entity_id: int,
    workspace_id: int,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    base: Mapping[str, Any] | None = None,
    base_at: datetime | None = None,
    state: WriteState = WriteState.QUEUED,
) -> tuple[OutboxState, PendingWrite | None]:
    """Add a write to the outbox, merged into a queued create of the same entry when there is one.

    A create gets a temporary id (``entity_id`` is ignored). An edit or stop of an entry whose create is still
    queued (not yet sent) changes that create; a delete of it removes the create and every write of the entry.

    Returns:
        The new outbox, and the write that now carries the change (``None`` when a delete cancelled a create).
    """
    fields = dict(fields)
    if kind is WriteKind.CREATE:
        entity_id = PENDING_ID_BASE + outbox.next_pending
        outbox = evolve(outbox, next_pending=outbox.next_pending + 1)
    else:
        entity_id = outbox.real_id(entity_id)
    create = next(
        (w for w in outbox.writes if w.entity_id == entity_id and w.kind is WriteKind.CREATE
         and w.state is WriteState.QUEUED),
        None,
    )
    if create is not None and kind is not WriteKind.CREATE:
        if kind is WriteKind.DELETE:
            kept = tuple(w for w in outbox.writes if w.entity_id != entity_id)
            return evolve(outbox, writes=kept), None
        merged = _merge_into_create(create.fields, kind, fields)
        changed = evolve(create, fields=merged)
        return evolve(outbox, writes=tuple(changed if w is create else w for w in outbox.writes)), changed
    write = PendingWrite(
        key=outbox.next_key,
        kind=kind,
        entity_id=entity_id,
        workspace_id=workspace_id,
        fields=fields,
        queued_at=now,
        base=dict(base or {}),
        base_at=base_at,
        state=state,
        sent_at=now if state is WriteState.SENDING else None,
    )
    return evolve(outbox, writes=(*outbox.writes, write), next_key=outbox.next_key + 1), write


def _merge_into_create(create: Mapping[str, Any], kind: WriteKind, change: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(create)
    if kind is WriteKind.STOP:
        out["stop"] = change["stop"]
        out.pop("duration", None)
        return out
    change = dict(change)
    action = change.pop("tag_action", None)
    for key in ("tags", "tag_ids"):
        if key in change:
            have = list(out.get(key) or [])
            given = list(change.pop(key) or [])
            if action == "delete":
                out[key] = [v for v in have if v not in given]
            else:
                out[key] = have + [v for v in given if v not in have]
    if "stop" in change or "duration" in change:
        out.pop("duration", None)
        out.pop("stop", None)
    out.update(change)
    return out


def with_state(outbox: OutboxState, key: int, state: WriteState, *, sent_at: datetime | None = None,
               note: str = "") -> OutboxState:
    """The outbox with write ``key`` in ``state`` (``sent_at`` recorded when sending)."""
    return evolve(outbox, writes=tuple(
        evolve(w, state=state, sent_at=sent_at if sent_at is not None else w.sent_at, note=note)
        if w.key == key else w
        for w in outbox.writes
    ))


def drop_write(outbox: OutboxState, key: int) -> OutboxState:
    """The outbox without write ``key``."""
    return evolve(outbox, writes=tuple(w for w in outbox.writes if w.key != key))


def landed(outbox: OutboxState, key: int, real_id: int | None) -> OutboxState:
    """The outbox once write ``key`` landed (``real_id``: Toggl's id of a created entry).

    The write leaves the outbox; later writes naming the temporary id now name Toggl's id.
    """
    write = outbox.find(key)
    out = drop_write(outbox, key)
    if write is None or write.kind is not WriteKind.CREATE or real_id is None:
        return out
    temp = write.entity_id
    table = dict(out.landed)
    table[temp] = real_id
    if len(table) > _REMEMBER_LANDED:
        table = dict(list(table.items())[-_REMEMBER_LANDED:])
    writes = tuple(evolve(w, entity_id=real_id) if w.entity_id == temp else w for w in out.writes)
    return evolve(out, writes=writes, landed=table)


# -- finding an uncertain create -------------------------------------------------------------------------------


def matches_create(fields: Mapping[str, Any], workspace_id: int, entry: TogglTracker) -> bool:
    """Whether ``entry`` (from a ``since`` read) is what a create with ``fields`` would have made.

    Compared: ``start`` to the second, description, project, workspace, and ``stop`` to the second when the create
    sent one. Toggl keeps no client marker on time entries (``created_with`` is not returned), so these are what
    is left; an entry identical in all of them would be the same entry to the user too.
    """
    if entry.workspace not in (None, 0, workspace_id):
        return False
    if "start" in fields and value_of(entry, "start") != _sent_value("start", fields["start"]):
        return False
    if (fields.get("description") or "") != entry.name:
        return False
    if fields.get("project_id") != entry.project:
        return False
    return fields.get("stop") is None or value_of(entry, "stop") == _sent_value("stop", fields["stop"])


# -- conflicts -------------------------------------------------------------------------------------------------


@define(frozen=True)
class OutboxConflict:
    """A pending write that met a change made elsewhere.

    Attributes:
        key: The write's key.
        kind: What it did.
        entity_id: The entry (Toggl's id).
        rule: Which rule applied (``stopped-elsewhere``, ``stop-applies``, ``edited-elsewhere``,
            ``deleted-elsewhere``, ``delete-held``).
        detail: One sentence for the user.
    """

    key: int
    kind: WriteKind
    entity_id: int
    rule: str
    detail: str


@define(frozen=True)
class Decision:
    """What to do with a pending write, given Toggl's copy of its entry.

    Attributes:
        send: The fields to send (``None``: send nothing).
        done: The write is finished (sent nothing, or nothing left to send).
        hold: Keep the write back (a held delete).
        conflict: The conflict met, if any.
    """

    send: dict[str, Any] | None
    done: bool = False
    hold: bool = False
    conflict: OutboxConflict | None = None


def resolve(write: PendingWrite, remote: TogglTracker | None, *, force: bool = False) -> Decision:
    """Apply the conflict rule to an edit, stop or delete, with Toggl's copy of the entry (``None``: gone).

    Also decides uncertain writes: an edit or stop whose every field Toggl already holds has landed.
    """
    kind, key = write.kind, write.key
    gone = remote is None or remote.server_deleted_at is not None
    if kind is WriteKind.DELETE:
        if gone:
            return Decision(None, done=True)
        assert remote is not None
        if not force and write.base_at is not None and remote.at is not None and remote.at > write.base_at:
            return Decision(None, hold=True, conflict=OutboxConflict(
                key, kind, remote.id, "delete-held",
                f"entry {remote.id} was edited elsewhere after the delete was made; it is kept, held in the outbox "
                "(send it with `toggl-api outbox push --force`, or discard it)",
            ))
        return Decision({})
    if gone:
        return Decision(None, done=True, conflict=OutboxConflict(
            key, kind, write.entity_id, "deleted-elsewhere",
            f"entry {write.entity_id} was deleted elsewhere; the {kind.value} was not applied",
        ))
    assert remote is not None
    wanted = {k: v for k, v in write.fields.items() if k in _FIELDS}
    if write.state is WriteState.SENDING and wanted and all(
        value_of(remote, k) == _sent_value(k, v) for k, v in wanted.items() if k != "duration"
    ):
        return Decision(None, done=True)  # it landed before the answer was lost
    changed_elsewhere = write.base_at is not None and remote.at is not None and remote.at > write.base_at
    if kind is WriteKind.STOP:
        if remote.stop is not None:
            return Decision(None, done=True, conflict=OutboxConflict(
                key, kind, remote.id, "stopped-elsewhere",
                f"entry {remote.id} was stopped elsewhere at {remote.stop.isoformat()}; that stop is kept",
            ))
        conflict = None
        if changed_elsewhere:
            conflict = OutboxConflict(key, kind, remote.id, "stop-applies",
                                f"entry {remote.id} was edited elsewhere while it ran; the stop still applies")
        return Decision(dict(write.fields), conflict=conflict)
    # an edit
    send = dict(write.fields)
    if not changed_elsewhere:
        return Decision(send)
    kept = sorted(
        k for k in wanted if k in write.base and value_of(remote, k) != write.base[k]
    )
    if not kept:
        return Decision(send)
    for k in kept:
        send.pop(k, None)
    if "tags" not in send and "tag_ids" not in send:
        send.pop("tag_action", None)
    useful = {k for k in send if k in _FIELDS}
    detail = f"entry {remote.id} was edited elsewhere; the other device's {', '.join(kept)} kept"
    conflict = OutboxConflict(key, kind, remote.id, "edited-elsewhere", detail)
    if not useful:
        return Decision(None, done=True, conflict=conflict)
    return Decision(send, conflict=conflict)


# -- the cache's view ------------------------------------------------------------------------------------------


def local_entry(write: PendingWrite, current: TogglTracker | None, *, now: datetime) -> TogglTracker | None:
    """The entry as the cache shows it once ``write`` is applied locally (marked pending), or ``None`` (deleted).

    A create builds the entry from what it sends; an edit or stop changes ``current`` (``None`` when the cache
    does not hold the entry: nothing to show).
    """
    extra = {PENDING_EXTRA: write.key}
    if write.kind is WriteKind.DELETE:
        return None
    if write.kind is WriteKind.CREATE:
        data = dict(write.fields)
        data.pop("created_with", None)
        # Tags show once the entry lands: their ids are Toggl's to give (names may create tags).
        for key in ("tag_action", "tags", "tag_ids", "shared_with_user_ids", "workspace_id"):
            data.pop(key, None)
        if data.get("duration") == -1:
            data.pop("duration")
        entry = TogglTracker.from_kwargs(id=write.entity_id, timestamp=now, workspace_id=write.workspace_id, **data)
        return evolve(entry, extra={**entry.extra, **extra})
    if current is None:
        return None
    changes: dict[str, Any] = {"timestamp": now, "extra": {**current.extra, **extra}}
    data = write.fields
    if "description" in data:
        changes["name"] = data["description"] or ""
    if "project_id" in data:
        changes["project"] = data["project_id"]
    if "task_id" in data:
        changes["task"] = data["task_id"]
    if "billable" in data:
        changes["billable"] = bool(data["billable"])
    start = parse_datetime(str(data["start"])) if data.get("start") else current.start
    changes["start"] = start
    if data.get("stop"):
        stop = parse_datetime(str(data["stop"]))
        changes["stop"] = stop
        changes["duration"] = stop - start
    return evolve(current, **changes)


@define
class Rejected:
    """A pending write Toggl refused outright (a definitive 4xx): it left the outbox and is reported here.

    Attributes:
        write: The write.
        reason: Toggl's answer.
    """

    write: PendingWrite
    reason: str


@define
class FlushReport:
    """What one ``flush()`` did.

    Attributes:
        landed: Writes now on Toggl (sent, or found already applied after a lost answer).
        found: Of those, uncertain writes found already applied (not sent again).
        requests: Requests spent.
        conflicts: Conflicts met (see ``resolve``), also logged.
        rejected: Writes Toggl refused (dropped from the outbox, logged).
        remaining: Writes still pending (held ones included).
        stopped_by: Why flushing stopped early (the error's text), or ``None`` when it got through.
    """

    landed: int = 0
    found: int = 0
    requests: int = 0
    conflicts: list[OutboxConflict] = field(factory=list)
    rejected: list[Rejected] = field(factory=list)
    remaining: int = 0
    stopped_by: str | None = None
