"""Fuzz tests of issue 10: hostile payloads, arguments and answers raise only documented exceptions, and a bad
answer leaves the cache byte-for-byte as it was.

Deterministic (``derandomize=True``) and small by default so the lot runs in seconds. ``scripts/fuzz_tally.py``
runs the same properties with more examples (``TOGGL_FUZZ_EXAMPLES``) and prints what was tried and raised
(``TOGGL_FUZZ_TALLY`` names the JSON file the tallies are written to).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toggl_api import (
    ClientEndpoint,
    ProjectEndpoint,
    TagEndpoint,
    TogglClient,
    TogglError,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
    TrackerEndpoint,
    UserEndpoint,
)
from toggl_api._core.session import TogglSession
from toggl_api._sync.sync import TogglSync
from toggl_api.meta.cache import Comparison, JSONCache, SqliteCache, TogglQuery
from toggl_api.reports import DetailedReportEndpoint, ReportBody
from toggl_api.testing import Emulator, FakeClock, Fault

EXAMPLES = int(os.environ.get("TOGGL_FUZZ_EXAMPLES", "0"))
MODELS = (TogglTag, TogglClient, TogglProject, TogglTracker, TogglWorkspace, TogglOrganization)

#: What a caller may see (docs/errors.md): the TogglError tree, and TypeError/ValueError for wrong arguments.
#: No httpx transport error can happen here (the emulator answers in-process).
DOCUMENTED_FOR_ARGUMENTS = (TogglError, TypeError, ValueError)
DOCUMENTED_FOR_ANSWERS = (TogglError,)

#: (property, outcome) -> count; outcome is "ok" or the exception's class name.
TALLY: Counter[tuple[str, str]] = Counter()
#: property -> caches changed by an answer that raised (must stay 0).
CHANGED: Counter[str] = Counter()


def fuzz(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module", autouse=True)
def _write_tally() -> Iterator[None]:
    yield
    target = os.environ.get("TOGGL_FUZZ_TALLY")
    if target:
        rows = [{"property": p, "outcome": o, "count": n} for (p, o), n in sorted(TALLY.items())]
        Path(target).write_text(json.dumps({"tally": rows, "changed": dict(CHANGED)}, indent=1))


def _outcome(prop: str, call: Callable[[], Any], allowed: tuple[type[BaseException], ...]) -> BaseException | None:
    """Run ``call``; count its outcome; fail on an exception outside ``allowed``."""
    try:
        call()
    except allowed as exc:
        TALLY[prop, type(exc).__name__] += 1
        return exc
    except Exception as exc:  # the property: nothing undocumented escapes
        TALLY[prop, f"UNDOCUMENTED {type(exc).__name__}"] += 1
        pytest.fail(f"{prop}: undocumented {type(exc).__name__}: {exc}")
    TALLY[prop, "ok"] += 1
    return None


# -- strategies ------------------------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2026-11-20T10:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00",
                     "2026-02-30", "2026-11-20", "", "inf"]),
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(
    st.integers(min_value=1, max_value=2**40),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=6),
    st.none(),
)
FIELDS = ["name", "workspace_id", "wid", "start", "stop", "duration", "project_id", "client_id", "tags", "tag_ids",
          "active", "at", "server_deleted_at", "organization_id", "archived", "start_date", "end_date", "billable"]
# Half the payloads name a valid workspace, so the other fields get exercised past the workspace check.
workspaces = st.one_of(st.just({}), st.integers(min_value=1, max_value=2**40).map(lambda w: {"workspace_id": w}))
payloads = st.builds(
    lambda ident, ws, body: ({"id": ident} if ident is not None else {}) | ws | body,
    ids,
    workspaces,
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8),
)
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", None,
                 "application/octet-stream"]
bodies = st.one_of(
    json_values.map(json.dumps),
    st.lists(payloads, max_size=3).map(lambda items: json.dumps(items, default=str)),
    payloads.map(lambda item: json.dumps(item, default=str)),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(["<html><title>Login</title></html>", "", "null", "[" * 5000, '{"id": 1, "na']),
)
header_values = st.one_of(
    st.sampled_from(["inf", "-inf", "nan", "1e400", "-1e400", "9" * 40, "", "abc", "-5", "0", "3600"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
quota_headers = st.dictionaries(
    st.sampled_from(["X-Toggl-Quota-Remaining", "X-Toggl-Quota-Resets-In", "Retry-After", "X-Next-ID",
                     "X-Next-Row-Number"]),
    header_values, max_size=3,
)
arguments = st.one_of(
    scalars,
    json_values,
    st.sampled_from([datetime(2026, 1, 1), datetime(1, 1, 1, tzinfo=timezone.utc),
                     datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))), date(1, 1, 1),
                     date(2026, 11, 1), timedelta(days=10**8), b"bytes", object(), TogglTag(1, "t")]),
)


# -- helpers ---------------------------------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, Any]:
    """The caches under ``folder`` as a later reader sees them: JSON files' bytes and SQLite rows."""
    out: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        if path.suffix in (".sqlite", ".db", ".sqlite3"):
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                out[path.name] = list(db.iterdump())
        else:
            out[path.name] = path.read_bytes()
    return out


class World:
    """A fresh emulator, clock, client and cache folder for one example."""

    def __init__(self, folder: Path, seed: str = "demo") -> None:
        self.clock = FakeClock()
        self.emulator = Emulator(seed, clock=self.clock, limits=False)  # type: ignore[arg-type]
        account = self.emulator.account
        assert account is not None
        self.auth = account.auth()
        self.workspace_id = account.workspace_id
        self.folder = folder
        self.client = httpx.Client(transport=self.emulator.transport())

    def close(self) -> None:
        self.client.close()


@contextmanager
def _world(seed: str = "demo") -> Iterator[World]:
    with tempfile.TemporaryDirectory() as name:
        world = World(Path(name), seed)
        try:
            yield world
        finally:
            world.close()


# -- properties ------------------------------------------------------------------------------------------------


@fuzz(60)
@given(model=st.sampled_from(MODELS), payload=payloads)
def test_models_from_random_payloads_raise_only_type_or_value_errors(model: type[Any], payload: dict[str, Any]) -> None:
    _outcome("models from payloads", lambda: model.from_kwargs(**payload), DOCUMENTED_FOR_ARGUMENTS)


READS = ["tags", "projects", "clients", "trackers since", "tracker by id", "me", "report"]


@fuzz(60)
@given(
    read=st.sampled_from(READS),
    body=bodies,
    content_type=st.sampled_from(CONTENT_TYPES),
    headers=quota_headers,
    status=st.sampled_from([200, 200, 200, 201, 204]),
    kind=st.sampled_from(["json", "sqlite"]),
)
def test_endpoints_answering_random_bodies_raise_only_documented_errors_and_keep_the_cache(
    read: str, body: str | bytes, content_type: str | None, headers: dict[str, str], status: int, kind: str
) -> None:
    with _world() as world:
        cache: Any = (JSONCache(world.folder, clock=world.clock) if kind == "json"
                      else SqliteCache(world.folder / "cache.sqlite", clock=world.clock))
        common: dict[str, Any] = {"client": world.client, "clock": world.clock}
        ws = world.workspace_id
        tags = TagEndpoint(ws, world.auth, cache, **common)
        projects = ProjectEndpoint(ws, world.auth, cache, **common)
        clients = ClientEndpoint(ws, world.auth, cache, **common)
        trackers = TrackerEndpoint(ws, world.auth, cache, **common)
        tags.collect()
        projects.collect()
        clients.collect()
        since = world.clock.now() - timedelta(days=3)
        known = trackers.collect(since=since)
        before = _snapshot(world.folder)
        calls: dict[str, Callable[[], Any]] = {
            "tags": lambda: tags.collect(refresh=True),
            "projects": lambda: projects.collect(refresh=True),
            "clients": lambda: clients.collect(refresh=True),
            "trackers since": lambda: trackers.collect(since=since),
            "tracker by id": lambda: trackers.get(known[0].id, refresh=True),
            "me": lambda: UserEndpoint(world.auth, **common).get_details(),
            "report": lambda: DetailedReportEndpoint(ws, world.auth, **common).search_time_entries(
                ReportBody(start_date=date(2026, 11, 1), end_date=date(2026, 11, 20))),
        }
        world.emulator.faults.add(
            Fault.answer(body, content_type=content_type, status=status, headers=headers, apply=False), times=None
        )
        error = _outcome("endpoint answers", calls[read], DOCUMENTED_FOR_ANSWERS)
        if hasattr(cache, "close"):
            cache.close()
        if error is not None and _snapshot(world.folder) != before:
            CHANGED["endpoint answers"] += 1
            pytest.fail(f"{read}: {type(error).__name__} but the cache changed")


@fuzz(25)
@given(body=bodies, content_type=st.sampled_from(CONTENT_TYPES), headers=quota_headers)
def test_sync_answered_a_random_me_keeps_the_cache(
    body: str | bytes, content_type: str | None, headers: dict[str, str]
) -> None:
    with _world("empty") as world:
        cache: Any = JSONCache(world.folder, clock=world.clock)
        syncer = TogglSync(world.auth, cache, client=world.client, clock=world.clock, session=TogglSession())
        assert syncer.sync().complete
        before = _snapshot(world.folder)
        world.clock.advance(3600)
        world.emulator.faults.add(
            Fault.answer(body, content_type=content_type, headers=headers, apply=False), times=None, path=r"/me$"
        )
        error = _outcome("sync answers", syncer.sync, DOCUMENTED_FOR_ANSWERS)
        if error is not None and _snapshot(world.folder) != before:
            CHANGED["sync answers"] += 1
            pytest.fail(f"sync: {type(error).__name__} but the cache changed")


ENDPOINT_CALLS = [
    ("tags", "get"), ("tags", "add"), ("tags", "edit"), ("tags", "delete"), ("tags", "collect"),
    ("projects", "get"), ("projects", "collect"), ("projects", "add"), ("projects", "edit"),
    ("clients", "get"), ("clients", "collect"), ("clients", "archive"),
    ("trackers", "get"), ("trackers", "collect"), ("trackers", "stop"), ("trackers", "delete"),
    ("trackers", "bulk_edit"), ("user", "bootstrap"), ("report", "search_time_entries"), ("report", "collect_all"),
]


@fuzz(80)
@given(call=st.sampled_from(ENDPOINT_CALLS), args=st.lists(arguments, max_size=2),
       keyword=st.sampled_from([None, "refresh", "since", "before", "start_date", "end_date", "body", "page_size",
                                "max_pages", "tags"]),
       value=arguments)
def test_endpoint_methods_with_random_arguments_raise_only_type_value_or_toggl_errors(
    call: tuple[str, str], args: list[Any], keyword: str | None, value: Any
) -> None:
    with _world() as world:
        cache: Any = JSONCache(world.folder, clock=world.clock)
        common: dict[str, Any] = {"client": world.client, "clock": world.clock}
        ws = world.workspace_id
        endpoints: dict[str, Any] = {
            "tags": TagEndpoint(ws, world.auth, cache, **common),
            "projects": ProjectEndpoint(ws, world.auth, cache, **common),
            "clients": ClientEndpoint(ws, world.auth, cache, **common),
            "trackers": TrackerEndpoint(ws, world.auth, cache, **common),
            "user": UserEndpoint(world.auth, **common),
            "report": DetailedReportEndpoint(ws, world.auth, **common),
        }
        method = getattr(endpoints[call[0]], call[1])
        kwargs = {keyword: value} if keyword else {}
        _outcome("endpoint arguments", lambda: method(*args, **kwargs), DOCUMENTED_FOR_ARGUMENTS)


CACHE_CALLS = ["find", "add", "delete", "query", "mark_complete", "completed_at", "set_value", "get_value", "load"]


@fuzz(80)
@given(kind=st.sampled_from(["json", "sqlite"]), name=st.sampled_from(CACHE_CALLS), first=arguments,
       second=arguments, comparison=st.sampled_from(list(Comparison)))
def test_cache_methods_with_random_arguments_raise_only_type_value_or_toggl_errors(
    kind: str, name: str, first: Any, second: Any, comparison: Comparison
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        cache: Any = (JSONCache(Path(folder), clock=clock) if kind == "json"
                      else SqliteCache(Path(folder) / "cache.sqlite", clock=clock))
        cache.add(TogglTag(1, "a", workspace=1))
        cache.commit()
        calls: dict[str, Callable[[], Any]] = {
            "find": lambda: cache.find(first, TogglTag),
            "add": lambda: cache.add(first),
            "delete": lambda: cache.delete(first, model=TogglTag),
            "query": lambda: cache.query(TogglQuery(first if isinstance(first, str) else "name", second, comparison),
                                         model=TogglTag),
            "mark_complete": lambda: cache.mark_complete(first, second),
            "completed_at": lambda: cache.completed_at(first),
            "set_value": lambda: cache.set_value(first, second),
            "get_value": lambda: cache.get_value(first),
            "load": lambda: cache.load(first),
        }

        def run() -> None:
            calls[name]()
            cache.commit()

        try:
            _outcome("cache arguments", run, DOCUMENTED_FOR_ARGUMENTS)
        finally:
            if hasattr(cache, "close"):
                cache.close()
