"""The outbox's rules as values: what is queued, temporary ids, merging, the match of a lost create, conflicts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from toggl_api._core.errors import BudgetExhaustedError, NamingError, error_from_response
from toggl_api._core.models import TogglTracker
from toggl_api._core.outbox import (
    PENDING_ID_BASE,
    OutboxError,
    OutboxState,
    PendingWrite,
    WriteKind,
    WriteState,
    add_write,
    check_sendable_path,
    dumps,
    is_pending_id,
    landed,
    loads,
    local_entry,
    matches_create,
    queue_state,
    resolve,
    snapshot,
)

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
WS = 77


def answer(status: int, body: str = '"no"') -> Exception:
    request = httpx.Request("POST", "https://api.track.toggl.com/api/v9/workspaces/77/time_entries")
    return error_from_response(httpx.Response(status, content=body.encode(), request=request), now=NOW)


def entry(**kw: object) -> TogglTracker:
    data: dict[str, object] = {"id": 5, "description": "x", "workspace_id": WS, "start": NOW, "at": NOW}
    data.update(kw)
    return TogglTracker.from_kwargs(**data)


def create(outbox: OutboxState, description: str = "d", **fields: object) -> tuple[OutboxState, int]:
    body = {"description": description, "start": "2026-05-04T09:00:00Z", "duration": -1, **fields}
    outbox, write = add_write(outbox, WriteKind.CREATE, 0, WS, body, now=NOW)
    assert write is not None
    return outbox, write.entity_id


# -- temporary ids ---------------------------------------------------------------------------------------------


def test_creates_get_successive_temporary_ids() -> None:
    outbox, first = create(OutboxState())
    _, second = create(outbox)
    assert (first, second) == (PENDING_ID_BASE + 1, PENDING_ID_BASE + 2)


def test_toggl_ids_and_csv_ids_are_not_temporary() -> None:
    assert not is_pending_id(3_700_000_000)
    assert not is_pending_id(-12)
    assert is_pending_id(PENDING_ID_BASE + 1)


def test_a_path_naming_a_temporary_id_is_refused() -> None:
    with pytest.raises(OutboxError, match="created offline"):
        check_sendable_path(f"workspaces/1/time_entries/{PENDING_ID_BASE + 3}/stop")


def test_a_bulk_path_naming_a_temporary_id_is_refused() -> None:
    with pytest.raises(OutboxError):
        check_sendable_path(f"workspaces/1/time_entries/12,{PENDING_ID_BASE + 3}")


def test_a_path_of_real_ids_passes() -> None:
    check_sendable_path("workspaces/1/time_entries/3700000000")
    check_sendable_path(f"workspaces/1/time_entries/{PENDING_ID_BASE - 1}")  # as many digits, below the base


def test_a_temporary_id_in_other_digits_is_refused_too() -> None:
    # int() reads any script's decimal digits, so the check must see them as a number too.
    arabic_indic = str(PENDING_ID_BASE + 3).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    with pytest.raises(OutboxError):
        check_sendable_path(f"workspaces/1/time_entries/{arabic_indic}")


# -- what is queued --------------------------------------------------------------------------------------------


def test_no_network_queues_as_not_sent() -> None:
    assert queue_state(httpx.ConnectError("down"), requests_sent=1) is WriteState.QUEUED


def test_a_read_timeout_queues_as_uncertain() -> None:
    assert queue_state(httpx.ReadTimeout("slow"), requests_sent=1) is WriteState.SENDING


def test_a_quota_answer_queues_as_not_sent() -> None:
    assert queue_state(answer(402), requests_sent=1) is WriteState.QUEUED


def test_a_server_error_queues_as_uncertain() -> None:
    assert queue_state(answer(503), requests_sent=1) is WriteState.SENDING


def test_a_spent_budget_queues_as_not_sent() -> None:
    assert queue_state(BudgetExhaustedError("spent"), requests_sent=0) is WriteState.QUEUED


def test_a_bad_request_is_not_queued() -> None:
    assert queue_state(answer(400), requests_sent=1) is None


def test_a_validation_error_is_not_queued() -> None:
    assert queue_state(NamingError("no description"), requests_sent=0) is None


# -- merging ----------------------------------------------------------------------------------------------------


def test_a_stop_of_a_queued_create_becomes_its_stop() -> None:
    outbox, temp = create(OutboxState())
    outbox, write = add_write(outbox, WriteKind.STOP, temp, WS, {"stop": "2026-05-04T09:30:00Z"}, now=NOW)
    assert len(outbox.writes) == 1
    assert write is not None
    assert write.fields["stop"] == "2026-05-04T09:30:00Z"
    assert "duration" not in write.fields


def test_an_edit_of_a_queued_create_changes_the_create() -> None:
    outbox, temp = create(OutboxState())
    outbox, _ = add_write(outbox, WriteKind.EDIT, temp, WS, {"description": "renamed"}, now=NOW)
    assert [w.fields["description"] for w in outbox.writes] == ["renamed"]


def test_a_delete_of_a_queued_create_cancels_everything() -> None:
    outbox, temp = create(OutboxState())
    outbox, write = add_write(outbox, WriteKind.DELETE, temp, WS, {}, now=NOW)
    assert (outbox.writes, write) == ((), None)


def test_a_stop_of_an_uncertain_create_waits_behind_it() -> None:
    outbox, write = add_write(OutboxState(), WriteKind.CREATE, 0, WS, {"description": "d"}, now=NOW,
                              state=WriteState.SENDING)
    assert write is not None
    outbox, _ = add_write(outbox, WriteKind.STOP, write.entity_id, WS, {"stop": "2026-05-04T09:30:00Z"}, now=NOW)
    assert [w.kind for w in outbox.writes] == [WriteKind.CREATE, WriteKind.STOP]


def test_a_landed_create_gives_its_real_id_to_later_writes() -> None:
    outbox, write = add_write(OutboxState(), WriteKind.CREATE, 0, WS, {"description": "d"}, now=NOW,
                              state=WriteState.SENDING)
    assert write is not None
    outbox, _ = add_write(outbox, WriteKind.STOP, write.entity_id, WS, {"stop": "2026-05-04T09:30:00Z"}, now=NOW)
    outbox = landed(outbox, write.key, 3_700_000_123)
    assert [w.entity_id for w in outbox.writes] == [3_700_000_123]
    assert outbox.real_id(write.entity_id) == 3_700_000_123


# -- stored form -----------------------------------------------------------------------------------------------


def test_the_stored_form_reads_back_the_same() -> None:
    outbox, _ = create(OutboxState(), "round trip")
    assert loads(dumps(outbox)) == outbox


def test_a_stored_outbox_that_is_not_json_is_refused_with_what_to_do() -> None:
    with pytest.raises(OutboxError, match="not JSON"):
        loads("{garbage")


def test_a_stored_outbox_of_another_format_is_refused() -> None:
    with pytest.raises(OutboxError, match="discard"):
        loads('{"version": 99}')


# -- the match of an uncertain create ----------------------------------------------------------------------------


FIELDS = {"description": "train", "start": "2026-05-04T09:00:00Z", "project_id": 9}


def test_an_entry_with_the_same_start_second_description_and_project_matches() -> None:
    assert matches_create(FIELDS, WS, entry(description="train", project_id=9))


def test_an_entry_starting_another_second_does_not_match() -> None:
    assert not matches_create(FIELDS, WS, entry(description="train", project_id=9, start=NOW + timedelta(seconds=1)))


def test_an_entry_of_another_project_does_not_match() -> None:
    assert not matches_create(FIELDS, WS, entry(description="train", project_id=8))


def test_an_entry_of_another_workspace_does_not_match() -> None:
    assert not matches_create(FIELDS, WS, entry(description="train", project_id=9, workspace_id=78))


# -- conflicts ------------------------------------------------------------------------------------------------


def pending(kind: WriteKind, fields: dict[str, object], before: TogglTracker) -> PendingWrite:
    _, write = add_write(OutboxState(), kind, before.id, WS, fields, now=NOW, base=snapshot(before, fields),
                         base_at=before.at)
    assert write is not None
    return write


def test_a_stop_of_an_entry_still_running_is_sent() -> None:
    before = entry()
    write = pending(WriteKind.STOP, {"stop": "2026-05-04T10:00:00Z"}, before)
    decision = resolve(write, entry(at=NOW + timedelta(minutes=5), description="renamed"))
    assert decision.send == {"stop": "2026-05-04T10:00:00Z"}
    assert decision.conflict is not None
    assert decision.conflict.rule == "stop-applies"


def test_a_stop_of_an_entry_stopped_elsewhere_is_not_sent() -> None:
    write = pending(WriteKind.STOP, {"stop": "2026-05-04T10:00:00Z"}, entry())
    remote = entry(at=NOW + timedelta(minutes=5), stop=NOW + timedelta(minutes=5))
    decision = resolve(write, remote)
    assert (decision.send, decision.done) == (None, True)
    assert decision.conflict is not None
    assert decision.conflict.rule == "stopped-elsewhere"


def test_an_edit_drops_only_the_fields_changed_elsewhere() -> None:
    write = pending(WriteKind.EDIT, {"description": "mine", "billable": True}, entry())
    decision = resolve(write, entry(at=NOW + timedelta(minutes=5), description="theirs"))
    assert decision.send == {"billable": True}


def test_an_edit_of_an_entry_unchanged_elsewhere_is_sent_whole() -> None:
    write = pending(WriteKind.EDIT, {"description": "mine"}, entry())
    decision = resolve(write, entry())
    assert (decision.send, decision.conflict) == ({"description": "mine"}, None)


def test_a_delete_of_an_entry_edited_elsewhere_is_held() -> None:
    write = pending(WriteKind.DELETE, {}, entry())
    decision = resolve(write, entry(at=NOW + timedelta(minutes=5), description="theirs"))
    assert (decision.hold, decision.send) == (True, None)


def test_a_forced_delete_is_sent_even_after_an_edit_elsewhere() -> None:
    write = pending(WriteKind.DELETE, {}, entry())
    decision = resolve(write, entry(at=NOW + timedelta(minutes=5)), force=True)
    assert decision.send == {}


def test_an_edit_of_an_entry_deleted_elsewhere_is_reported() -> None:
    write = pending(WriteKind.EDIT, {"description": "mine"}, entry())
    decision = resolve(write, None)
    assert decision.conflict is not None
    assert decision.conflict.rule == "deleted-elsewhere"


# -- the cache's view ------------------------------------------------------------------------------------------


def test_a_queued_create_is_shown_pending_with_its_fields() -> None:
    _, write = add_write(OutboxState(), WriteKind.CREATE, 0, WS, dict(FIELDS, duration=-1), now=NOW)
    assert write is not None
    shown = local_entry(write, None, now=NOW)
    assert shown is not None
    assert (shown.pending, shown.description, shown.project, shown.stop) == (True, "train", 9, None)


def test_a_queued_stop_shows_the_entry_stopped() -> None:
    before = entry()
    _, write = add_write(OutboxState(), WriteKind.STOP, before.id, WS, {"stop": "2026-05-04T10:00:00Z"}, now=NOW)
    assert write is not None
    shown = local_entry(write, before, now=NOW)
    assert shown is not None
    assert shown.stop == NOW + timedelta(hours=1)
    assert shown.pending
