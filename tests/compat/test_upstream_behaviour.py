"""Behaviours of toggl-api-wrapper 2.2.0 that ported user code relies on (issue 12), written as a 2.2.0 user
writes code, against the emulator.

Each test names the 2.2.0 behaviour it keeps; differences kept on purpose are in docs/migrating.md and are
checked by ``test_upstream_usage.py::test_migrating_guide_*``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from toggl_api import (
    ClientBody,
    ClientEndpoint,
    DateTimeError,
    NamingError,
    ProjectBody,
    ProjectEndpoint,
    TagEndpoint,
    TogglClient,
    TogglOrganization,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
    TrackerBody,
    TrackerEndpoint,
)
from toggl_api.meta import RequestMethod
from toggl_api.meta.cache import JSONCache, JSONSession, SqliteCache
from toggl_api.testing import Emulator, FakeClock


class _SqliteDialect:
    name = "sqlite"


_SQLITE: Any = _SqliteDialect()


@pytest.fixture
def client(toggl_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_transport) as http:
        yield http


# -- cache parent ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "sqlite"])
def test_assigning_a_cache_to_an_endpoint_makes_the_endpoint_its_parent(
    kind: str, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    # A 2.2.0 user builds a cache with a placeholder parent, then hands it to the endpoint that uses it.
    placeholder = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = JSONCache(tmp_path / "cache", parent=placeholder) if kind == "json" else SqliteCache(tmp_path / "db")
    if kind == "sqlite":
        cache.parent = placeholder
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    tag = tags.add("re-parented")

    assert cache.parent is tags
    assert cache.find(tag.id) == tag


def test_a_cache_shared_by_two_endpoints_follows_the_last_assignment_and_serves_both(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache")
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    clients = ClientEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)  # type: ignore[arg-type]
    tag = tags.add("shared")
    made = clients.add(ClientBody("Shared Cache Client"))

    assert cache.parent is clients
    assert tags.get(tag.id) == tag  # each endpoint still reads its own model (C16 stays fixed)
    assert clients.get(made.id) == made


# -- equality of two copies of one entity ---------------------------------------------------------------


def test_a_created_client_equals_the_client_read_back(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = ClientEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    made = endpoint.add(ClientBody("Equal Copies"))
    assert made == endpoint.get(made.id, refresh=True)


def test_a_created_project_equals_the_project_read_back_from_the_cache(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = ProjectEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    made = endpoint.add(ProjectBody("Equal Project"))
    assert made == endpoint.get(made.id)


def test_a_created_tracker_equals_the_tracker_read_back(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    tmp_path: Path,
    client: httpx.Client,
    fake_clock: FakeClock,
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    start = fake_clock.now() - timedelta(hours=2)
    made = endpoint.add(TrackerBody("equal entry", start=start, stop=start + timedelta(minutes=30)))
    assert made == endpoint.get(made.id, refresh=True)


def test_copies_differing_only_in_what_the_server_or_cache_adds_are_equal() -> None:
    from datetime import datetime, timezone

    utc = timezone.utc
    answer = TogglClient.from_kwargs(id=7, name="c", wid=1)  # e.g. a create answer without `at`
    read = TogglClient.from_kwargs(id=7, name="c", wid=1, at="2026-11-20T12:00:00Z", archived=False)
    read.timestamp = datetime(2020, 1, 1, tzinfo=utc)
    assert answer == read
    assert answer != TogglClient.from_kwargs(id=7, name="renamed", wid=1)


# -- collect(before=...) keeps the instant ----------------------------------------------------------------


def test_collect_before_an_instant_includes_an_entry_started_earlier_in_the_same_second(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    client: httpx.Client,
    fake_clock: FakeClock,
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client)
    start = fake_clock.now().replace(microsecond=0) - timedelta(hours=3)
    made = endpoint.add(TrackerBody("same second", start=start, stop=start + timedelta(minutes=5)))

    found = endpoint.collect(before=start + timedelta(microseconds=500_000), refresh=True)

    assert made.id in {t.id for t in found}


def test_collect_before_an_instant_excludes_an_entry_started_at_the_next_second(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    client: httpx.Client,
    fake_clock: FakeClock,
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client)
    start = fake_clock.now().replace(microsecond=0) - timedelta(hours=3)
    made = endpoint.add(TrackerBody("next second", start=start, stop=start + timedelta(minutes=5)))

    found = endpoint.collect(before=start - timedelta(microseconds=500_000), refresh=True)

    assert made.id not in {t.id for t in found}


# -- validation and messages ------------------------------------------------------------------------------


def test_collect_with_a_start_date_in_the_future_raises_datetime_error_before_any_request(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    client: httpx.Client,
    fake_clock: FakeClock,
    toggl_emulator: Emulator,
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, clock=fake_clock)
    tomorrow = fake_clock.now() + timedelta(days=1)
    with pytest.raises(DateTimeError, match="start_date"):
        endpoint.collect(start_date=tomorrow, end_date=tomorrow + timedelta(days=1))
    assert toggl_emulator.requests == []


def test_a_too_long_organization_name_gives_upstreams_message() -> None:
    with pytest.raises(NamingError, match=r"^Max organization name length is 140!$"):
        TogglOrganization.validate_name("x" * 141)


def test_an_empty_workspace_name_gives_upstreams_message() -> None:
    with pytest.raises(NamingError, match=r"^The workspace name need at least have one character!$"):
        TogglWorkspace.validate_name("")


def test_adding_a_client_without_a_name_gives_upstreams_message(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    with pytest.raises(NamingError, match=r"^Name must be set in order to create a client!$"):
        ClientEndpoint(toggl_workspace_id, toggl_auth, client=client).add(ClientBody())


def test_adding_a_tag_with_an_empty_name_gives_upstreams_message(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    with pytest.raises(NamingError, match=r"^The tag name needs to be at least one character long\.$"):
        TagEndpoint(toggl_workspace_id, toggl_auth, client=client).add("")


# -- JSONSession.data is a plain list ---------------------------------------------------------------------


def _tag_cache(tmp_path: Path, endpoint: TagEndpoint) -> JSONCache[TogglTag]:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache")
    endpoint.cache = cache
    return cache


def test_appending_to_session_data_and_committing_stores_the_model(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = _tag_cache(tmp_path, tags)
    cache.session.data.append(TogglTag(91, "appended", workspace=toggl_workspace_id))
    cache.commit()

    reopened: JSONCache[TogglTag] = JSONCache(tmp_path / "cache", parent=tags)
    assert reopened.find(91) == TogglTag(91, "appended", workspace=toggl_workspace_id)


def test_assigning_session_data_replaces_the_cached_models(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = _tag_cache(tmp_path, tags)
    cache.add(TogglTag(1, "old", workspace=toggl_workspace_id), TogglTag(2, "older", workspace=toggl_workspace_id))
    cache.commit()

    cache.session.data = [TogglTag(3, "only", workspace=toggl_workspace_id)]
    cache.commit()

    assert [t.id for t in JSONCache(tmp_path / "cache", parent=tags).load()] == [3]


def test_removing_from_session_data_deletes_the_model(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = _tag_cache(tmp_path, tags)
    cache.add(TogglTag(5, "gone", workspace=toggl_workspace_id))
    cache.commit()

    del cache.session.data[0]

    assert cache.find(5) is None


def test_session_data_reads_like_a_list_of_the_cached_models(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = _tag_cache(tmp_path, tags)
    made = tags.add("listed")
    assert isinstance(cache.session.data, list)
    assert made in cache.session.data


def test_a_session_built_with_data_holds_it() -> None:
    tag = TogglTag(4, "given", workspace=1)
    session: JSONSession[TogglTag] = JSONSession(max_length=10, data=[tag])
    assert session.data == [tag]


def test_process_data_keeps_the_newest_entries_up_to_max_length() -> None:
    from datetime import datetime, timezone

    session: JSONSession[TogglTag] = JSONSession(max_length=2)
    tags = [TogglTag(i, f"t{i}", datetime(2026, 1, i, tzinfo=timezone.utc), 1) for i in (1, 2, 3)]
    assert [t.id for t in session.process_data(tags)] == [2, 3]


# -- cache keyword names -----------------------------------------------------------------------------------


def test_json_cache_save_takes_upstreams_update_keyword(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    cache = _tag_cache(tmp_path, tags)
    cache.save(update=[TogglTag(8, "saved", workspace=toggl_workspace_id)], method=RequestMethod.GET)
    assert cache.find(8) is not None


def test_sqlite_cache_find_takes_upstreams_query_keyword(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, SqliteCache(tmp_path / "db"), client=client)
    made = tags.add("by query")
    assert tags.cache is not None
    assert tags.cache.find(query={"id": made.id}) == made


def test_async_sqlite_cache_find_takes_upstreams_pk_keyword(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, toggl_transport: httpx.MockTransport
) -> None:
    from toggl_api.asyncio import AsyncSqliteCache, AsyncTagEndpoint

    async def main() -> tuple[TogglTag, TogglTag | None]:
        cache: AsyncSqliteCache[TogglTag] = AsyncSqliteCache(tmp_path / "db")
        async with httpx.AsyncClient(transport=toggl_transport) as http:
            tags = AsyncTagEndpoint(toggl_workspace_id, toggl_auth, cache, client=http)
            made = await tags.add("by pk")
            return made, await cache.find(pk=made.id)

    made, found = asyncio.run(main())
    assert found == made


def test_find_refuses_an_unknown_keyword(tmp_path: Path) -> None:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache")
    with pytest.raises(TypeError, match="unexpected keyword argument 'ident'"):
        cache.find(ident=1, model=TogglTag)


# -- AsyncProjectEndpoint.status_to_query narrows a Select ---------------------------------------------------


def test_async_status_to_query_narrows_a_select_of_the_cached_projects(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, toggl_transport: httpx.MockTransport
) -> None:
    from sqlalchemy import select

    from toggl_api.asyncio import AsyncProjectEndpoint, AsyncSqliteCache

    async def main() -> tuple[set[int], int]:
        cache: AsyncSqliteCache[TogglProject] = AsyncSqliteCache(tmp_path / "db")
        async with httpx.AsyncClient(transport=toggl_transport) as http:
            projects = AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=http)
            archived = await projects.add(ProjectBody("Archived One", active=False))
            await projects.add(ProjectBody("Active One"))
            table = cache.metadata.tables["project"]
            statement = AsyncProjectEndpoint.status_to_query(TogglProject.Status.ARCHIVED, select(table.c.id))
            async with cache.database.connect() as connection:
                ids = {row.id for row in await connection.execute(statement)}
            return ids, archived.id

    ids, archived_id = asyncio.run(main())
    assert archived_id in ids
    assert all(isinstance(i, int) for i in ids)


def test_async_status_to_query_leaves_out_active_projects(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, toggl_transport: httpx.MockTransport
) -> None:
    from sqlalchemy import select

    from toggl_api.asyncio import AsyncProjectEndpoint, AsyncSqliteCache

    async def main() -> tuple[set[int], int]:
        cache: AsyncSqliteCache[TogglProject] = AsyncSqliteCache(tmp_path / "db")
        async with httpx.AsyncClient(transport=toggl_transport) as http:
            projects = AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=http)
            active = await projects.add(ProjectBody("Still Active"))
            table = cache.metadata.tables["project"]
            statement = AsyncProjectEndpoint.status_to_query(TogglProject.Status.ARCHIVED, select(table.c.id))
            async with cache.database.connect() as connection:
                ids = {row.id for row in await connection.execute(statement)}
            return ids, active.id

    ids, active_id = asyncio.run(main())
    assert active_id not in ids


# -- private modules helpers import ---------------------------------------------------------------------


def test_utc_datetime_is_importable_from_models_decorators_and_refuses_naive_datetimes() -> None:
    from datetime import datetime

    from toggl_api.models._decorators import UTCDateTime

    with pytest.raises(ValueError, match="Naive datetime is disallowed!"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), _SQLITE)


def test_requires_decorator_raises_import_error_at_call_time_for_a_missing_module() -> None:
    from toggl_api.utility import _requires

    @_requires("not_installed_module")
    def needs_it() -> int:
        return 1

    with pytest.raises(ImportError, match=r"^'Not_Installed_Module' is required for this functionality!$"):
        needs_it()


def test_reports_module_still_exposes_the_names_it_imported() -> None:
    from toggl_api import reports
    from toggl_api.meta import BaseBody

    assert reports.BaseBody is BaseBody
    assert reports.TogglProject is TogglProject
    assert reports.format_iso(date(2026, 1, 2)) == "2026-01-02"


def test_custom_decoder_takes_json_decoder_parameters_and_builds_models() -> None:
    import json
    from decimal import Decimal

    from toggl_api.meta.cache import CustomDecoder

    decoded = json.loads('{"class": "tag", "id": 1, "name": "123", "workspace": 2, "rate": 1.5}', cls=CustomDecoder)
    assert decoded == TogglTag(1, "123", workspace=2)
    assert json.loads("[1.5]", cls=CustomDecoder, parse_float=Decimal) == [Decimal("1.5")]


# -- surface details reviewed against 2.2.0 ---------------------------------------------------------------


def test_as_dict_custom_keeps_python_values_and_nests_tags() -> None:
    from datetime import datetime, timezone

    from toggl_api.models import as_dict_custom

    start = datetime(2026, 1, 2, 9, tzinfo=timezone.utc)
    stop = start + timedelta(minutes=5)
    entry = TogglTracker(1, "d", None, 2, start, timedelta(minutes=5), stop, None, [TogglTag(3, "t", None, 2)])
    record = as_dict_custom(entry)
    assert (record["class"], record["start"], record["duration"]) == ("tracker", start, timedelta(minutes=5))
    assert record["tags"][0]["class"] == "tag"


def test_toggl_class_itself_cannot_be_instantiated() -> None:
    from toggl_api.models import TogglClass

    with pytest.raises(TypeError, match="abstract class TogglClass"):
        TogglClass(1, "x")


def test_from_kwargs_without_a_workspace_raises_key_error() -> None:
    with pytest.raises(KeyError, match="Workspace not found!"):
        TogglClient.from_kwargs(id=1, name="no workspace")


def test_tracker_status_constants_are_httpx_codes() -> None:
    assert TrackerEndpoint.TRACKER_ALREADY_STOPPED is httpx.codes.CONFLICT
    assert TrackerEndpoint.TRACKER_NOT_RUNNING is httpx.codes.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("caught", [KeyError, AttributeError])
def test_an_unknown_body_key_is_caught_as_key_error_or_attribute_error(caught: type[Exception]) -> None:
    with pytest.raises(caught):
        TrackerBody()["no_such_field"]


def test_range_queries_refuse_floats_as_2_2_0_did() -> None:
    from toggl_api.meta.cache import Comparison, TogglQuery

    with pytest.raises(TypeError, match="None 'EQUAL' comparisons only available"):
        TogglQuery("duration", 1.5, Comparison.LESS_THEN)


def test_star_import_from_reports_brings_the_names_2_2_0_exposed() -> None:
    namespace: dict[str, Any] = {}
    exec("from toggl_api.reports import *", namespace)
    assert {"BaseBody", "TogglEndpoint", "TogglProject", "format_iso", "ReportBody"} <= set(namespace)
