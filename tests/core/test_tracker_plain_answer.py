"""A time entry read from Toggl is built by a shortcut for the shape Toggl writes; it must equal the general path.

``TogglTracker._from_plain_answer`` checks each value as the field's converter would and sets the converted values
directly. For any payload it either answers exactly what ``from_kwargs(**item, timestamp=now)`` answers, or
``None`` (and the general path decides, with its own errors). These tests hold it to that with payloads near and
far from what Toggl sends.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toggl_api._core.answers import decode_many, decode_one
from toggl_api._core.errors import UnexpectedResponseError
from toggl_api._core.models import TogglTag, TogglTracker

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
MAX_ID = 2**63 - 1


def toggl_entry(**changes: Any) -> dict[str, Any]:
    entry = {
        "id": 42, "workspace_id": 1, "project_id": 3, "task_id": None, "billable": False,
        "start": "2026-01-01T09:00:00+00:00", "stop": "2026-01-01T10:00:00Z", "duration": 3600,
        "description": "writing", "tags": ["a", "b"], "tag_ids": [7, 8], "user_id": 5, "uid": None,
        "at": "2026-01-01T10:00:01.123456+00:00", "server_deleted_at": None, "permissions": None,
        "shared_with": None, "expense_ids": [],
    }
    del entry["uid"]
    entry.update(changes)
    return entry


def state(model: Any) -> dict[str, Any]:
    """Everything an instance holds, its tags' included, except the tags' fetch times (read from the clock) and
    the ORM's state (present once the SQL cache has mapped the models)."""
    values = {k: v for k, v in vars(model).items() if k != "_sa_instance_state"}
    values["tags"] = [{k: v for k, v in vars(t).items() if k not in ("timestamp", "_sa_instance_state")}
                      for t in values["tags"]]
    return values


def general(item: dict[str, Any]) -> object:
    try:
        return TogglTracker.from_kwargs(**{**item, "timestamp": NOW})
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        return type(exc)


def test_a_toggl_entry_takes_the_shortcut_and_equals_the_general_path() -> None:
    item = toggl_entry()

    plain = TogglTracker._from_plain_answer(item, NOW)

    assert plain is not None
    slow = general(item)
    assert isinstance(slow, TogglTracker)
    assert state(plain) == state(slow)
    assert list(state(plain)) == list(state(slow))  # the same attributes, in the same order
    assert plain == slow
    assert plain.extra == {"permissions": None, "shared_with": None, "expense_ids": []}
    assert all(type(t) is TogglTag and t.workspace == 1 for t in plain.tags)


def test_the_shortcut_makes_a_model_that_behaves_as_one() -> None:
    plain = TogglTracker._from_plain_answer(toggl_entry(), NOW)
    assert plain is not None

    assert hash(plain) == hash(general(toggl_entry()))
    assert "writing" in repr(plain)
    assert plain.description == "writing"

    plain.duration = 60  # the attrs conversion on assignment still applies
    plain["name"] = None

    assert plain.duration == timedelta(seconds=60)
    assert plain.name == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "a cache record"}, {"wid": 1}, {"pid": 3}, {"timestamp": "2026-01-01T00:00:00Z"}, {"extra": {}},
        {"start": "2026-01-01 09:00:00+00:00"}, {"start": None}, {"stop": "yesterday"}, {"at": 1700000000},
        {"start": "2600-01-01T00:00:00Z"}, {"duration": 1.5}, {"duration": True}, {"duration": 10**20},
        {"project_id": -1}, {"project_id": "3"}, {"task_id": 2**63}, {"workspace_id": None},
        {"workspace_id": True}, {"description": 7}, {"tags": ["a"]}, {"tags": "ab", "tag_ids": [1, 2]},
        {"tags": [{"id": 7, "name": "a", "workspace_id": 1}], "tag_ids": [7]}, {"tag_ids": [7, "8"]},
        {"tag_ids": [7, False]},
    ],
)
def test_anything_else_takes_the_general_path(changes: dict[str, Any]) -> None:
    assert TogglTracker._from_plain_answer(toggl_entry(**changes), NOW) is None


def test_a_subclass_takes_the_general_path() -> None:
    class Mine(TogglTracker):
        pass

    assert Mine._from_plain_answer(toggl_entry(), NOW) is None


def test_once_the_sql_cache_mapped_the_models_the_shortcut_makes_instances_the_orm_can_use(tmp_path: Any) -> None:
    from toggl_api._core.models.tables import map_models
    from toggl_api.meta.cache import SqliteCache

    map_models()  # what opening a SQL cache does, once per process

    plain = TogglTracker._from_plain_answer(toggl_entry(), NOW)
    assert plain is not None
    assert "_sa_instance_state" in vars(plain)  # the state the mapped __init__ would have made
    assert state(plain) == state(general(toggl_entry()))
    plain.duration = 120  # assignment goes through the ORM's instrumentation, which needs that state
    cache = SqliteCache(tmp_path)
    try:
        cache.add(plain)
        stored = cache.find(42, TogglTracker)
    finally:
        cache.close()

    assert stored is not None
    assert stored.duration == timedelta(seconds=120)
    assert stored.tag_names() == ["a", "b"]


def test_a_mapped_class_without_an_instance_maker_takes_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from toggl_api._core.models import _base
    from toggl_api._core.models.tables import map_models

    map_models()
    monkeypatch.delitem(_base._INSTANCE_MAKERS, TogglTracker)
    response = httpx.Response(200, request=httpx.Request("GET", "https://api.track.toggl.com/api/v9/me/x"))

    entry = decode_one(TogglTracker, toggl_entry(), now=NOW, response=response)

    assert TogglTracker._from_plain_answer(toggl_entry(), NOW) is None
    assert "_sa_instance_state" in vars(entry)  # made by the mapped __init__, so the ORM can load and save it


def test_a_fetch_time_that_is_not_utc_takes_the_general_path() -> None:
    assert TogglTracker._from_plain_answer(toggl_entry(), NOW.astimezone(timezone(timedelta(hours=2)))) is None


def test_answers_decode_through_the_shortcut_with_the_same_errors() -> None:
    response = httpx.Response(200, request=httpx.Request("GET", "https://api.track.toggl.com/api/v9/me/x"))

    entries = decode_many(TogglTracker, [toggl_entry(id=1), toggl_entry(id=2, start=None)], now=NOW,
                          response=response)
    with pytest.raises(UnexpectedResponseError, match="cannot pair 1 tag names with 2 tag ids"):
        decode_one(TogglTracker, toggl_entry(tags=["a"]), now=NOW, response=response)

    assert [e.id for e in entries] == [1, 2]
    assert entries[0].timestamp == NOW


_TOGGL_INSTANTS = st.one_of(
    st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2600, 1, 1)).map(
        lambda d: d.replace(tzinfo=timezone.utc).isoformat()),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")[:-6] + "Z"),
)
_ODD_INSTANTS = st.sampled_from(["2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01T09:00:00", "",
                                 "2026-01-01T09:00:00+25:00", "2026-01-01T09:00:00.123Z"])
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**64), max_value=2**64),
                    st.floats(allow_nan=True), st.text(max_size=4), _ODD_INSTANTS, st.lists(st.integers(), max_size=2))
_REFERENCES = st.one_of(st.none(), st.integers(min_value=0, max_value=MAX_ID))
#: What Toggl sends for each field (the shortcut's ground), and for each, anything at all.
_TOGGL_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "workspace_id": st.integers(min_value=0, max_value=MAX_ID),
    "project_id": _REFERENCES,
    "task_id": _REFERENCES,
    "duration": st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40)),
    "start": _TOGGL_INSTANTS,
    "stop": st.one_of(st.none(), _TOGGL_INSTANTS),
    "at": st.one_of(st.none(), _TOGGL_INSTANTS),
    "server_deleted_at": st.one_of(st.none(), _TOGGL_INSTANTS),
    "description": st.one_of(st.none(), st.text(max_size=5)),
    "billable": st.booleans(),
    "user_id": st.integers(min_value=1, max_value=99),
}


@settings(max_examples=500)
@given(
    ident=st.integers(min_value=1, max_value=MAX_ID),
    fields=st.fixed_dictionaries(_TOGGL_FIELDS),
    tags=st.lists(st.tuples(st.text(max_size=3), st.integers(min_value=-MAX_ID, max_value=MAX_ID)), max_size=3),
    odd=st.dictionaries(st.sampled_from([*_TOGGL_FIELDS, "tags", "tag_ids", "color", "wid", "name", "timestamp"]),
                        _VALUES, max_size=2),
)
def test_the_shortcut_answers_what_the_general_path_answers_or_steps_aside(
    ident: int, fields: dict[str, Any], tags: list[tuple[str, int]], odd: dict[str, Any]
) -> None:
    item = {"id": ident, **fields, "tags": [n for n, _ in tags], "tag_ids": [i for _, i in tags], **odd}

    plain = TogglTracker._from_plain_answer(item, NOW)

    slow = general(item)
    if plain is not None:
        assert isinstance(slow, TogglTracker)
        assert state(plain) == state(slow)
    elif not odd:  # every value as Toggl writes it: only a value the general path refuses steps aside
        assert not isinstance(slow, TogglTracker), "a payload in Toggl's shape took the general path"
