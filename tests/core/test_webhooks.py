"""Pure webhook rules: the signature (Toggl's two documented vectors), the replay window, de-duplication,
event plans and filter choice within plan limits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from toggl_api._core.models import TogglTracker
from toggl_api._core.webhooks import (
    EventFilter,
    ReceiverStats,
    SeenEvents,
    Tombstones,
    WebhookEvent,
    WebhookSubscription,
    accepted_deliveries,
    check_timestamp,
    choose_filters,
    create_subscription,
    health_check_due,
    newer,
    parse_event,
    plan_event,
    validate_filters,
    verify_signature,
)

SECRET = "PGuRrhCFajIyEvFlreKL"
BODY_2022 = (
    b'{"event_id":0,"created_at":"2022-06-25T03:58:10.207820267Z","creator_id":6,'
    b'"metadata":{"request_type":"POST","event_user_id":6},"payload":"ping","subscription_id":6}'
)
SIG_2022 = "sha256=55343383e52a9cd2f56bd4e9fb5b6ce6982fb45955f26ea816cf7495d98c5fd2"
BODY_NOW = BODY_2022[:-1] + b',"timestamp":"2022-06-25T03:58:10.207820267Z","url_callback":"https://callback-url.com"}'
SIG_NOW = "sha256=bf829606cda0ca6923defb5ca70a43135adc7e8887486a201a19cb50ca6006b1"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def test_signature_matches_toggls_2022_vector() -> None:
    assert verify_signature(SECRET, BODY_2022, SIG_2022)


def test_signature_matches_toggls_current_vector() -> None:
    assert verify_signature(SECRET, BODY_NOW, SIG_NOW)


def test_signature_of_one_vector_does_not_verify_the_other_body() -> None:
    assert not verify_signature(SECRET, BODY_NOW, SIG_2022)


def test_signature_is_over_raw_bytes_so_reserialised_json_fails() -> None:
    assert not verify_signature(SECRET, BODY_NOW.replace(b",", b", ", 1), SIG_NOW)


def test_signature_with_another_secret_fails() -> None:
    assert not verify_signature("another-secret", BODY_NOW, SIG_NOW)


@pytest.mark.parametrize("header", [None, "", "55343383e52a9cd2f56bd4e9fb5b6ce6982fb45955f26ea816cf7495d98c5fd2",
                                    "sha256=zz", "sha256=é"])
def test_a_missing_or_malformed_header_fails(header: str | None) -> None:
    assert not verify_signature(SECRET, BODY_2022, header)


def test_an_empty_secret_never_verifies() -> None:
    assert not verify_signature("", BODY_2022, SIG_2022)


def test_a_fresh_timestamp_is_accepted() -> None:
    assert check_timestamp(NOW - timedelta(seconds=59), NOW, timedelta(seconds=60)) is None


def test_an_old_timestamp_is_refused_as_a_replay() -> None:
    reason = check_timestamp(NOW - timedelta(seconds=61), NOW, timedelta(seconds=60))
    assert reason is not None
    assert "old" in reason


def test_a_timestamp_far_in_the_future_is_refused() -> None:
    assert check_timestamp(NOW + timedelta(minutes=5), NOW, timedelta(seconds=60)) is not None


def test_a_missing_timestamp_is_refused_unless_the_window_is_off() -> None:
    assert check_timestamp(None, NOW, timedelta(seconds=60)) is not None
    assert check_timestamp(None, NOW, None) is None


def test_seen_events_forget_the_oldest_beyond_the_limit() -> None:
    seen = SeenEvents(limit=3)
    for event_id in (1, 2, 3, 4):
        seen = seen.add(event_id)
    assert 1 not in seen
    assert 4 in seen
    assert len(seen.ids) == 3


def test_seen_events_survive_encoding() -> None:
    seen = SeenEvents().add(8023169274704072).add(8023169274704073)
    assert SeenEvents.decode(seen.encode()).ids == seen.ids


def test_unreadable_seen_events_text_gives_an_empty_set() -> None:
    assert SeenEvents.decode("{not json").ids == ()


def test_tombstones_remember_when_an_entity_was_deleted() -> None:
    stones = Tombstones.decode(Tombstones().add("time_entry", 5, NOW).encode())
    assert stones.deleted_at("time_entry", 5) == NOW
    assert stones.deleted_at("time_entry", 6) is None


def test_event_metadata_numbers_become_strings() -> None:
    event = parse_event(BODY_NOW)
    assert event.metadata == {"request_type": "POST", "event_user_id": "6"}
    assert event.is_ping
    assert event.event_id == 0


def test_event_keeps_a_sixteen_digit_event_id_as_an_int() -> None:
    event = WebhookEvent.from_api({"event_id": 8023169274704072, "payload": {}, "metadata": {}})
    assert event.event_id == 8023169274704072


def test_event_without_integer_id_is_refused() -> None:
    with pytest.raises(ValueError, match="event_id"):
        WebhookEvent.from_api({"event_id": "8023169274704072", "payload": {}})


def test_a_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_event(b"<html>")


def _change(entity: str, action: str, payload: dict[str, object]) -> WebhookEvent:
    return WebhookEvent.from_api(
        {"event_id": 1, "payload": payload, "metadata": {"model": entity, "action": action}}
    )


def test_time_entry_update_plans_an_upsert_of_a_tracker() -> None:
    plan = plan_event(_change("time_entry", "updated", {"id": 7, "at": "2026-11-20T12:00:00+00:00"}))
    assert (plan.kind, plan.model, plan.entity_id, plan.at) == ("upsert", TogglTracker, 7, NOW)


def test_deleted_action_plans_a_delete() -> None:
    assert plan_event(_change("project", "deleted", {"id": 7})).kind == "delete"


def test_unmodelled_entity_is_ignored() -> None:
    plan = plan_event(_change("workspace_user", "created", {"id": 7}))
    assert plan.kind == "ignore"
    assert plan.entity == "workspace_user"


def test_newer_at_wins_and_ties_apply() -> None:
    assert newer(NOW, NOW - timedelta(seconds=1))
    assert newer(NOW, NOW)
    assert not newer(NOW - timedelta(seconds=1), NOW)


def test_filters_given_as_text_are_normalised() -> None:
    assert validate_filters(["time_entry", "tag:deleted"]) == (
        EventFilter("time_entry", "*"),
        EventFilter("tag", "deleted"),
    )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ([], "at least one"),
        (["time entry"], "letters"),
        (["tag:create"], "not one of"),
        (["tag", "tag:*"], "more than once"),
    ],
)
def test_bad_filters_are_refused_with_what_to_fix(filters: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_filters(filters)


def test_create_request_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="http"):
        create_subscription(1, "ftp://example.com", ["time_entry"], "d")


def test_subscription_secret_is_not_in_its_repr() -> None:
    sub = WebhookSubscription.from_api(
        {"subscription_id": 1, "workspace_id": 2, "secret": "hunter2-secret", "event_filters": []}
    )
    assert "hunter2-secret" not in repr(sub)


def test_subscription_tolerates_missing_updated_and_deleted_at() -> None:
    sub = WebhookSubscription.from_api(
        {"subscription_id": 1, "workspace_id": 2, "created_at": "2022-05-31T02:50:45.984607Z", "validated_at": None}
    )
    assert sub.updated_at is None
    assert not sub.validated


def test_choose_filters_uses_one_wildcard_when_the_plan_allows_fewer_filters() -> None:
    choice = choose_filters(3)
    assert choice.filters == (EventFilter("*", "*"),)
    assert choice.uncovered == ()


def test_choose_filters_without_wildcard_puts_time_entries_first_within_the_limit() -> None:
    choice = choose_filters(3, wildcard=False)
    assert [f.entity for f in choice.filters] == ["time_entry", "project", "client"]
    assert choice.uncovered == ("tag",)
    assert "not covered" in choice.describe()


def test_choose_filters_names_each_entity_when_the_plan_allows() -> None:
    choice = choose_filters(12)
    assert [f.entity for f in choice.filters] == ["time_entry", "project", "client", "tag"]
    assert choice.uncovered == ()


def test_refused_deliveries_do_not_count_as_accepted() -> None:
    assert accepted_deliveries(ReceiverStats(received=5, rejected=2)) == 3


def test_a_quiet_interval_needs_a_health_check() -> None:
    assert health_check_due(3, 3)


def test_a_delivery_since_the_last_check_saves_the_health_check() -> None:
    assert not health_check_due(3, 4)
