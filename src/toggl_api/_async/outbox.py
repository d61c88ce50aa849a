"""``AsyncOutbox``: the I/O of the offline outbox (the rules are in ``_core/outbox.py``).

The outbox is one JSON document in the cache's value store (``OUTBOX_KEY``), so every cache kind (JSON, SQLite,
PostgreSQL) keeps it, and every step below is one atomic write. Replaying a write is a small journal:

1. ``SENDING`` with the send time is recorded (committed) *before* the request leaves;
2. the request is sent;
3. the answer goes into the cache and the write leaves the outbox (one commit of the outbox; the entity is
   committed just before it).

A crash after 1 leaves a ``SENDING`` write: the next replay first looks on Toggl for what it did (a ``since`` read
for a create, the entry itself for an edit, stop or delete) and sends again only when it is not there. A crash
between 2 and 3 is the same case. So a write lands once, whatever step a process stops at.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from attrs import evolve
from filelock import FileLock
from filelock import Timeout as FileLockTimeout

from .._core.api.request import ApiRequest, RequestMethod
from .._core.errors import TogglAPIError
from .._core.models import TogglTracker
from .._core.outbox import (
    OUTBOX_KEY,
    FlushReport,
    OutboxConflict,
    OutboxError,
    OutboxState,
    PendingWrite,
    Rejected,
    WriteKind,
    WriteState,
    add_write,
    drop_write,
    dumps,
    is_pending_id,
    landed,
    loads,
    local_entry,
    matches_create,
    queue_state,
    resolve,
    snapshot,
    with_state,
)
from .._io.seams import step

if TYPE_CHECKING:
    from .cache.base import TogglAsyncCache
    from .endpoints.tracker import AsyncTrackerEndpoint

__all__ = ["AsyncOutbox"]

log = logging.getLogger("toggl_api.outbox")

#: How far before a lost create's send time its ``since`` read starts (clocks of client and Toggl differ).
SINCE_MARGIN = timedelta(minutes=5)


class _Stop(Exception):
    """Flushing stops here (Toggl is still unreachable); the message says why."""


class AsyncOutbox:
    """The pending writes of one cache, sent through one tracker endpoint.

    Built by ``AsyncTrackerEndpoint.outbox``; use the endpoint's ``flush()``/``pending()`` or the CLI's
    ``toggl-api outbox``.
    """

    def __init__(self, endpoint: AsyncTrackerEndpoint, cache: TogglAsyncCache[Any]) -> None:
        self.endpoint = endpoint
        self.cache = cache

    # -- storage ----------------------------------------------------------------------------------

    async def load(self) -> OutboxState:
        """The stored outbox (empty when none)."""
        return loads(await self.cache.get_value(OUTBOX_KEY))

    async def _save(self, outbox: OutboxState) -> None:
        keep = outbox.writes or outbox.landed
        await self.cache.set_value(OUTBOX_KEY, dumps(outbox) if keep else None)
        await self.cache.commit()

    async def _update(self, change: Callable[[OutboxState], OutboxState]) -> OutboxState:
        """Apply ``change`` to the outbox as stored now, under the outbox's lock, and store the result.

        Every change goes through here, re-reading first: a write queued by another process while this one
        flushes is never overwritten by a stale copy.
        """
        with self._lock("outbox.lock", _LOCK_WAIT):
            outbox = change(await self.load())
            await self._save(outbox)
        return outbox

    def _lock(self, name: str, timeout: float) -> contextlib.AbstractContextManager[object]:
        """An inter-process lock next to the cache's files (JSON folder, SQLite file); none for a database server,
        whose processes may run on other machines (see docs/outbox.md)."""
        folder = _local_folder(self.cache)
        if folder is None or not folder.is_dir():
            return contextlib.nullcontext()
        return FileLock(str(folder / f".toggl_api.{name}"), timeout=timeout, mode=0o600)

    async def pending(self) -> list[PendingWrite]:
        """Pending writes, oldest first."""
        return list((await self.load()).writes)

    async def discard(self, key: int) -> PendingWrite:
        """Drop one pending write (and, for a create, the writes of its entry); the cache forgets what it showed.

        Raises:
            OutboxError: no pending write has this key.
        """
        outbox = await self.load()
        write = outbox.find(key)
        if write is None:
            msg = f"no pending write {key}; `toggl-api outbox list` shows the pending ones"
            raise OutboxError(msg)
        drop = {write.key} | ({w.key for w in outbox.of_entity(write.entity_id)}
                              if write.kind is WriteKind.CREATE else set())
        await self._update(lambda o: evolve(o, writes=tuple(w for w in o.writes if w.key not in drop)))
        await self._forget_local(write.entity_id)
        log.warning("discarded pending %s of entry %s (write %s)", write.kind.value, write.entity_id, key)
        return write

    async def discard_all(self) -> int:
        """Drop every pending write; how many there were."""
        before = await self._update(lambda o: o)
        await self._update(lambda o: evolve(o, writes=()))
        for entity in {w.entity_id for w in before.writes}:
            await self._forget_local(entity)
        return len(before.writes)

    async def _forget_local(self, entity_id: int) -> None:
        # What the cache showed came from the outbox: the next read asks Toggl for the truth.
        await self.endpoint._drop_unseen(entity_id)

    # -- queueing ---------------------------------------------------------------------------------

    async def queue(
        self,
        kind: WriteKind,
        entity_id: int,
        workspace_id: int,
        fields: dict[str, Any],
        *,
        state: WriteState = WriteState.QUEUED,
        current: TogglTracker | None = None,
    ) -> TogglTracker | None:
        """Store a write and show it in the cache; the entry as it now looks (``None`` after a delete).

        Args:
            kind: What the write does.
            entity_id: The entry (ignored for a create, which gets a temporary id).
            workspace_id: Where it goes.
            fields: The JSON body.
            state: ``SENDING`` when it may have been applied already.
            current: The entry as the caller knows it (used when the cache does not hold it).
        """
        now = self.endpoint.clock.now()
        real = (await self.load()).real_id(entity_id)
        cached = None
        if kind is not WriteKind.CREATE:
            cached = await self.cache.find(real, TogglTracker, include_expired=True)
            if cached is None and isinstance(current, TogglTracker) and current.id in (entity_id, real):
                cached = current
        added: list[PendingWrite | None] = []

        def change(outbox: OutboxState) -> OutboxState:
            # What Toggl had when the write was made (for the conflict rule): the cached copy's values, except
            # where earlier pending writes of the entry already changed it locally (their own base holds Toggl's).
            earlier = outbox.of_entity(real)
            base = snapshot(cached, fields)
            for item in earlier:
                base.update({k: v for k, v in item.base.items() if k in base})
            base_at = earlier[0].base_at if earlier else (cached.at if cached is not None else None)
            outbox, write = add_write(
                outbox, kind, real, workspace_id, fields, now=now, base=base, base_at=base_at, state=state,
            )
            added[:] = [write]
            return outbox

        # The outbox first, then the entity: a crash between them (SQL caches write step by step) leaves a queued
        # write the cache does not show yet, which lands all the same; never a pending entry with no write.
        await self._update(change)
        write = added[0]
        shown = None if write is None else local_entry(write, cached, now=now)
        if shown is not None:
            await self.cache.add(shown)
        elif kind is not WriteKind.CREATE:
            await self.cache.delete(real, model=TogglTracker)
        await self.cache.commit()
        log.warning(
            "Toggl is unreachable: %s of entry %s queued (%s); it will be sent when Toggl is reachable",
            kind.value, real if write is None else write.entity_id, state.value,
        )
        return shown

    # -- replay -----------------------------------------------------------------------------------

    async def flush(self, *, force: bool = False) -> FlushReport:
        """Send pending writes in order until none is left or Toggl is unreachable again.

        Args:
            force: Also send held deletes (of entries edited elsewhere).
        """
        report = FlushReport()
        requester = self.endpoint._requester
        start_count = requester.request_count
        skipped: set[int] = set()
        try:
            flusher = self._lock("flush.lock", 0)
            flusher.__enter__()
        except FileLockTimeout:
            report.stopped_by = "another process is sending this outbox"
            report.remaining = len((await self.load()).writes)
            return report
        try:
            while True:
                outbox = await self.load()
                write = next(
                    (w for w in outbox.writes
                     if w.key not in skipped and (w.state is not WriteState.HELD or force)),
                    None,
                )
                if write is None:
                    break
                try:
                    if not await self._replay(outbox, write, report, force=force):
                        skipped.add(write.key)
                except _Skip:
                    continue  # refused by Toggl: dropped and reported; the next write goes on
        except _Stop as stop:
            report.stopped_by = str(stop)
        finally:
            report.requests = requester.request_count - start_count
            flusher.__exit__(None, None, None)
        report.remaining = len((await self.load()).writes)
        return report

    async def _replay(self, outbox: OutboxState, write: PendingWrite, report: FlushReport, *, force: bool) -> bool:
        """Replay one write; ``False`` when it stays (held)."""
        if write.kind is not WriteKind.CREATE and is_pending_id(write.entity_id):
            # Its create left the outbox without landing (discarded or refused): nothing to write to.
            reason = f"entry {write.entity_id} was never created on Toggl (its create was dropped)"
            await self._reject(outbox, write, reason, report)
            return True
        if write.kind is WriteKind.CREATE:
            await self._replay_create(outbox, write, report)
            return True
        return await self._replay_change(outbox, write, report, force=force)

    async def _replay_create(self, outbox: OutboxState, write: PendingWrite, report: FlushReport) -> None:
        if write.state is WriteState.SENDING:
            found = await self._find_created(outbox, write)
            if found is not None:
                log.info("pending create %s had landed as entry %s; not sent again", write.key, found.id)
                report.found += 1
                await self._landed(outbox, write, found, report)
                return
        outbox = await self._mark_sending(outbox, write)
        request = ApiRequest(RequestMethod.POST, f"workspaces/{write.workspace_id}/time_entries", json=write.fields)
        created = await self._send_one(outbox, write, request, report)
        if created is None:
            return
        await self._landed(outbox, write, created, report)

    async def _replay_change(
        self, outbox: OutboxState, write: PendingWrite, report: FlushReport, *, force: bool
    ) -> bool:
        remote = await self._remote(write)
        decision = resolve(write, remote, force=force)
        if decision.conflict is not None:
            self._conflict(decision.conflict, report)
        if decision.hold:
            note = decision.conflict.detail if decision.conflict else ""
            await self._update(lambda o: with_state(o, write.key, WriteState.HELD, note=note))
            return False
        if decision.done or decision.send is None:
            await self._landed(outbox, write, remote, report)
            return True
        outbox = await self._mark_sending(outbox, write)
        path = f"workspaces/{write.workspace_id}/time_entries/{write.entity_id}"
        if write.kind is WriteKind.DELETE:
            with contextlib.suppress(_Gone):  # deleted meanwhile: what the delete wanted
                await self._send_raw(outbox, write, ApiRequest(RequestMethod.DELETE, path), report)
            await self._landed(outbox, write, None, report)
            return True
        try:
            changed = await self._send_one(outbox, write, ApiRequest(RequestMethod.PUT, path, json=decision.send),
                                           report)
        except _Gone:
            self._conflict(OutboxConflict(write.key, write.kind, write.entity_id, "deleted-elsewhere",
                                    f"entry {write.entity_id} was deleted elsewhere; the {write.kind.value} was not "
                                    "applied"), report)
            await self._landed(outbox, write, None, report)
            return True
        if changed is not None:
            await self._landed(outbox, write, changed, report)
        return True

    async def _remote(self, write: PendingWrite) -> TogglTracker | None:
        """Toggl's copy of the entry (``None`` when it is gone)."""
        try:
            return await self.endpoint._one(ApiRequest(RequestMethod.GET, f"me/time_entries/{write.entity_id}"))
        except TogglAPIError as exc:
            if exc.status == 404:
                return None
            raise _Stop(str(exc)) from exc
        except Exception as exc:
            if queue_state(exc, requests_sent=1) is None:
                raise
            raise _Stop(f"{type(exc).__name__}: {exc}") from exc

    async def _find_created(self, outbox: OutboxState, write: PendingWrite) -> TogglTracker | None:
        """The entry an uncertain create made, found with a ``since`` read (``None``: it did not land)."""
        sent_at = write.sent_at or write.queued_at or self.endpoint.clock.now()
        since = int((sent_at - SINCE_MARGIN).timestamp())
        try:
            entries = await self.endpoint._many(ApiRequest(RequestMethod.GET, "me/time_entries",
                                                           (("since", since),)))
        except Exception as exc:
            if queue_state(exc, requests_sent=1) is None:
                raise
            raise _Stop(f"{type(exc).__name__}: {exc}") from exc
        claimed = set(outbox.landed.values())
        for entry in sorted(entries, key=lambda e: e.id):
            if entry.id not in claimed and matches_create(write.fields, write.workspace_id, entry):
                return entry
        return None

    async def _mark_sending(self, outbox: OutboxState, write: PendingWrite) -> OutboxState:
        now = self.endpoint.clock.now()
        outbox = await self._update(lambda o: with_state(o, write.key, WriteState.SENDING, sent_at=now))
        step("outbox:sending-recorded")
        return outbox

    async def _send_raw(self, outbox: OutboxState, write: PendingWrite, request: ApiRequest,
                        report: FlushReport) -> httpx.Response:
        before = self.endpoint._requester.request_count
        try:
            response = await self.endpoint._send(request)
        except BaseException as exc:
            await self._after_failure(outbox, write, exc, self.endpoint._requester.request_count - before, report)
            raise  # pragma: no cover - _after_failure always raises
        step("outbox:sent")
        return response

    async def _send_one(self, outbox: OutboxState, write: PendingWrite, request: ApiRequest,
                        report: FlushReport) -> TogglTracker | None:
        before = self.endpoint._requester.request_count
        try:
            entry = await self.endpoint._one(request)
        except BaseException as exc:
            await self._after_failure(outbox, write, exc, self.endpoint._requester.request_count - before, report)
            raise  # pragma: no cover - _after_failure always raises
        step("outbox:sent")
        return entry

    async def _after_failure(self, outbox: OutboxState, write: PendingWrite, exc: BaseException, sent: int,
                             report: FlushReport) -> None:
        if not isinstance(exc, Exception):
            raise exc  # interrupted: the write stays SENDING and is looked for next time
        if isinstance(exc, TogglAPIError) and exc.status == 404 and write.kind is not WriteKind.CREATE:
            raise _Gone from exc
        state = queue_state(exc, requests_sent=sent)
        if state is None:
            await self._reject(outbox, write, f"{type(exc).__name__}: {exc}", report)
            raise _Skip from exc
        if state is WriteState.QUEUED:
            await self._update(lambda o: with_state(o, write.key, WriteState.QUEUED))
        raise _Stop(f"{type(exc).__name__}: {exc}") from exc

    async def _reject(self, outbox: OutboxState, write: PendingWrite, reason: str, report: FlushReport) -> None:
        log.error("Toggl refused pending %s of entry %s (write %s): %s; it leaves the outbox",
                  write.kind.value, write.entity_id, write.key, reason, extra={"rejected": Rejected(write, reason)})
        report.rejected.append(Rejected(write, reason))
        await self._forget_local(write.entity_id)
        await self._update(lambda o: drop_write(o, write.key))

    def _conflict(self, conflict: OutboxConflict, report: FlushReport) -> None:
        log.warning("outbox conflict (%s) on write %s: %s", conflict.rule, conflict.key, conflict.detail,
                    extra={"conflict": conflict})
        report.conflicts.append(conflict)

    async def _landed(self, outbox: OutboxState, write: PendingWrite, entry: TogglTracker | None,
                      report: FlushReport) -> None:
        """Record a write as done: its result into the cache, then the write out of the outbox."""
        real = entry.id if entry is not None and write.kind is WriteKind.CREATE else None
        after = landed(await self.load(), write.key, real)
        if write.kind is WriteKind.CREATE:
            await self.cache.delete(write.entity_id, model=TogglTracker)
        if entry is not None and entry.server_deleted_at is None and write.kind is not WriteKind.DELETE:
            shown: TogglTracker | None = entry
            # Writes still waiting for this entry stay visible on top of Toggl's copy.
            for later in after.of_entity(entry.id):
                shown = local_entry(later, shown, now=self.endpoint.clock.now()) if shown is not None else None
            if shown is not None:
                await self.cache.add(shown)
            else:
                await self.cache.delete(entry.id, model=TogglTracker)
        elif write.kind is not WriteKind.CREATE:
            await self.cache.delete(write.entity_id, model=TogglTracker)
        await self._update(lambda o: landed(o, write.key, real))
        step("outbox:done")
        report.landed += 1


#: Seconds to wait for another process's change of the outbox (each is one small write).
_LOCK_WAIT = 30


def _local_folder(cache: TogglAsyncCache[Any]) -> Path | None:
    """The folder of a cache's local files (a JSON cache's folder, an SQLite database's), else ``None``."""
    from .cache.json import AsyncJSONCache

    if isinstance(cache, AsyncJSONCache):
        return cache.path
    database = getattr(cache, "database", None)
    url = getattr(database, "url", None)
    if url is not None and url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).parent
    return None


class _Gone(Exception):
    """The entry is not on Toggl (404)."""


class _Skip(Exception):
    """Toggl refused the write; it was dropped and reported, flushing goes on."""

