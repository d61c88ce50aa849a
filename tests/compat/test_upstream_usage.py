"""Code written for toggl-api-wrapper 2.2.0 runs unchanged: constructors, bodies, caches, queries, errors and the
documented examples, used the way that package's users write them, against the emulator.

Behaviour that changed on purpose (defect fixes, "naive datetimes raise") is not tested here in its old form;
``test_migrating_guide_*`` checks that docs/migrating.md tells users about it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import (
    ClientBody,
    ClientEndpoint,
    DateTimeError,
    Edits,
    MissingParentError,
    NamingError,
    NoCacheAssignedError,
    OrganizationEndpoint,
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
    UserEndpoint,
    WorkspaceBody,
    WorkspaceEndpoint,
)
from toggl_api.config import generate_authentication, retrieve_togglrc_workspace_id, use_togglrc
from toggl_api.meta import RequestMethod, TogglCachedEndpoint
from toggl_api.meta.cache import Comparison, JSONCache, SqliteCache, TogglQuery
from toggl_api.models import as_dict_custom
from toggl_api.reports import (
    DetailedReportEndpoint,
    InvalidExtensionError,
    PaginatedResult,
    PaginationOptions,
    ReportBody,
    SummaryReportEndpoint,
    WeeklyReportEndpoint,
)
from toggl_api.testing import DemoAccount, Emulator, FakeClock, Fault
from toggl_api.utility import format_iso, get_timestamp, parse_iso

UTC = timezone.utc
MIGRATING = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"


@pytest.fixture
def client(toggl_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_transport) as http:
        yield http


@pytest.fixture
def trackers(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client, fake_clock: FakeClock
) -> TrackerEndpoint:
    # The emulator's clock is the test's (``clock=`` is ours; 2.2.0 code reads the system clock): entries that start
    # "now" start at the emulator's now, not days in its future.
    return TrackerEndpoint(
        toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache", clock=fake_clock), client=client,
        clock=fake_clock,
    )


@pytest.fixture
def projects(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> ProjectEndpoint:
    return ProjectEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)


def _stopped_body(description: str, fake_clock: FakeClock, hours_ago: int = 5) -> TrackerBody:
    start = fake_clock.now() - timedelta(hours=hours_ago)
    return TrackerBody(description, start=start, stop=start + timedelta(minutes=45))


# -- constructors ----------------------------------------------------------------------------------------


def test_tracker_endpoint_accepts_upstreams_full_constructor_shape(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = TrackerEndpoint(
        toggl_workspace_id,
        toggl_auth,
        JSONCache(Path(tmp_path / "cache")),
        client=client,
        timeout=20,
        re_raise=True,
        retries=5,
    )
    assert (endpoint.workspace_id, endpoint.re_raise) == (toggl_workspace_id, True)
    assert all(isinstance(t, TogglTracker) for t in endpoint.collect())


def test_retries_keyword_is_kept_on_the_endpoint(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, retries=5)
    assert endpoint.retries == 5


def test_negative_retries_are_clamped_to_zero(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    assert TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, retries=-5).retries == 0


def test_timeout_may_be_an_httpx_timeout(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, client=client, timeout=httpx.Timeout(5.0))
    assert all(isinstance(t, TogglTag) for t in endpoint.collect())


def test_cache_may_be_passed_by_keyword(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache")
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, cache=cache, client=client)
    assert endpoint.cache is cache


def test_workspace_scoped_endpoint_takes_a_workspace_model(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, toggl_emulator: Emulator
) -> None:
    endpoint = ClientEndpoint(TogglWorkspace(toggl_workspace_id, "ws"), toggl_auth, client=client)
    endpoint.collect()
    assert endpoint.workspace_id == toggl_workspace_id
    assert toggl_emulator.requests[-1].path.startswith(f"/api/v9/workspaces/{toggl_workspace_id}/clients")


def test_workspace_endpoint_takes_organization_id_auth_and_cache_positionally(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = WorkspaceEndpoint(toggl_account.organization_id, toggl_auth, JSONCache(tmp_path / "c"), client=client)
    assert endpoint.organization_id == toggl_account.organization_id
    assert toggl_account.workspace_id in {w.id for w in endpoint.collect()}


def test_organization_endpoint_takes_auth_and_cache_positionally(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = OrganizationEndpoint(toggl_auth, JSONCache(tmp_path / "c"), client=client)
    assert toggl_account.organization_id in {o.id for o in endpoint.collect()}


def test_user_endpoint_takes_only_auth(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    details = UserEndpoint(toggl_auth, client=client).get_details()
    assert details["id"] == toggl_account.user_id


def test_report_endpoints_take_workspace_id_and_auth(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    body = ReportBody(today - timedelta(days=6), today)
    assert isinstance(SummaryReportEndpoint(toggl_workspace_id, toggl_auth, client=client).search_time_entries(body),
                      dict)
    assert isinstance(WeeklyReportEndpoint(toggl_workspace_id, toggl_auth, client=client).search_time_entries(body),
                      list)


def test_shared_client_is_not_taken_over_by_the_endpoint(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client).collect()
    assert client.auth is None
    assert "client" in MIGRATING.read_text()
    assert "not modified" in MIGRATING.read_text()


# -- bodies ----------------------------------------------------------------------------------------------


def test_tracker_body_positional_order_is_description_duration_project_id() -> None:
    body = TrackerBody("work", 300, 42)
    assert (body.description, body.duration, body.project_id) == ("work", 300, 42)


def test_dict_of_a_tracker_body_is_its_formatted_json() -> None:
    body = TrackerBody("d", tags=["x"])
    assert dict(body) == body.format("")
    assert dict(body)["description"] == "d"
    assert dict(body)["tags"] == ["x"]


def test_body_item_access_reads_and_writes_fields() -> None:
    body = TrackerBody("old")
    body["description"] = "new"
    assert body["description"] == "new"
    assert body.description == "new"


def test_deleting_a_body_item_resets_it_to_its_default() -> None:
    body = TrackerBody("d", tags=["x"])
    del body["tags"]
    assert body.tags == []


def test_tracker_body_add_creates_an_entry_with_tags(trackers: TrackerEndpoint) -> None:
    tracker = trackers.add(TrackerBody("My First Tracker", tags=["My First Tag"]))
    assert tracker.description == "My First Tracker"
    assert [t.name for t in tracker.tags] == ["My First Tag"]
    assert tracker.running()


def test_project_body_with_client_name_and_named_colour_creates_both(
    projects: ProjectEndpoint, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    color = ProjectEndpoint.get_color("red")
    project = projects.add(ProjectBody("My First Project", client_name="My First Client", color=color))
    assert project.color == "#d92b2b"
    created = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client).get(project.client or 0)
    assert created is not None
    assert created.name == "My First Client"


def test_project_body_translates_a_basic_colour_name(projects: ProjectEndpoint) -> None:
    assert projects.add(ProjectBody("Named colour", color="teal")).color == "#06a893"


def test_client_body_name_is_the_first_positional_field(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    created = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client).add(ClientBody("Acme", notes="n"))
    assert (created.name, type(created)) == ("Acme", TogglClient)


def test_adding_without_a_name_raises_naming_error_caught_as_value_error(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    with pytest.raises(ValueError, match=r"[Nn]ame"):
        ClientEndpoint(toggl_workspace_id, toggl_auth, client=client).add(ClientBody())
    with pytest.raises(NamingError):
        TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client).add(TrackerBody())


def test_workspace_body_positional_name_and_flags_edit_a_workspace(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = WorkspaceEndpoint(toggl_account.organization_id, toggl_auth, client=client)
    edited = endpoint.edit(toggl_account.workspace_id, WorkspaceBody("Renamed-Workspace"))
    assert edited.name == "Renamed-Workspace"


# -- tracker endpoint usage ------------------------------------------------------------------------------


def test_current_returns_the_running_tracker(trackers: TrackerEndpoint) -> None:
    started = trackers.add(TrackerBody("running"))
    current = trackers.current()
    assert current is not None
    assert current.id == started.id
    assert current.running()


def test_stop_then_current_returns_none(trackers: TrackerEndpoint) -> None:
    started = trackers.add(TrackerBody("to stop"))
    stopped = trackers.stop(started)
    assert stopped is not None
    assert not stopped.running()
    assert trackers.current() is None


def test_stopping_a_stopped_tracker_returns_none(trackers: TrackerEndpoint, fake_clock: FakeClock) -> None:
    done = trackers.add(_stopped_body("done", fake_clock))
    assert trackers.stop(done.id) is None


def test_edit_with_meta_keyword_returns_the_edited_tracker(trackers: TrackerEndpoint, fake_clock: FakeClock) -> None:
    done = trackers.add(_stopped_body("before", fake_clock))
    edited = trackers.edit(done, TrackerBody("after"), meta=True)
    assert (edited.id, edited.description) == (done.id, "after")


def test_bulk_edit_takes_trackers_positionally_and_body_by_keyword(
    trackers: TrackerEndpoint, fake_clock: FakeClock
) -> None:
    first = trackers.add(_stopped_body("a", fake_clock, 8))
    second = trackers.add(_stopped_body("b", fake_clock, 6))
    edits = trackers.bulk_edit(first, second.id, body=TrackerBody("renamed"))
    assert isinstance(edits, Edits)
    assert sorted(edits.successes) == sorted([first.id, second.id])
    assert edits.failures == []


def test_get_of_a_deleted_tracker_returns_none(trackers: TrackerEndpoint, fake_clock: FakeClock) -> None:
    done = trackers.add(_stopped_body("gone", fake_clock))
    trackers.delete(done)
    assert trackers.get(done.id, refresh=True) is None


def test_collect_since_unix_seconds_returns_recent_changes(trackers: TrackerEndpoint, fake_clock: FakeClock) -> None:
    done = trackers.add(_stopped_body("recent", fake_clock))
    since = int((fake_clock.now() - timedelta(minutes=1)).timestamp())
    assert done.id in {t.id for t in trackers.collect(since=since, refresh=True)}


def test_collect_between_start_and_end_dates_returns_entries_of_that_range(
    trackers: TrackerEndpoint, fake_clock: FakeClock
) -> None:
    done = trackers.add(_stopped_body("ranged", fake_clock))
    today = fake_clock.now().date()
    found = trackers.collect(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
    assert done.id in {t.id for t in found}


def test_get_answers_from_the_json_cache_without_a_request(
    trackers: TrackerEndpoint, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    done = trackers.add(_stopped_body("cached", fake_clock))
    trackers.get(done.id)
    before = len(toggl_emulator.requests)
    assert trackers.get(done.id) == done
    assert len(toggl_emulator.requests) == before


def test_tracker_model_helpers_work_on_api_results(trackers: TrackerEndpoint, fake_clock: FakeClock) -> None:
    done = trackers.add(_stopped_body("helpers", fake_clock))
    assert done.running() is False
    assert done.description == done.name == "helpers"
    assert done.running_duration == timedelta(minutes=45)
    assert done["name"] == "helpers"


def test_running_duration_of_a_running_tracker_counts_from_its_start(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client, clock=fake_clock)
    started = endpoint.add(TrackerBody("clocked", start=fake_clock.now() - timedelta(minutes=10)))
    assert started.running()
    # The model measures with the system clock, so compare with the system clock.
    expected = datetime.now(UTC) - started.start
    assert abs(started.running_duration - expected) < timedelta(seconds=5)


def test_body_item_access_to_a_non_field_raises_key_error_and_the_guide_says_so() -> None:
    with pytest.raises(KeyError):
        TrackerBody("d")["format"]
    assert "accept only the body's fields" in MIGRATING.read_text()


# -- errors ----------------------------------------------------------------------------------------------


def test_http_errors_are_still_caught_as_httpx_status_errors(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    assert toggl_account.other_workspace_id is not None
    endpoint = ProjectEndpoint(toggl_account.other_workspace_id, toggl_auth, client=client)
    with pytest.raises(httpx.HTTPStatusError) as caught:
        endpoint.collect(refresh=True)
    assert caught.value.response.status_code == 403


def test_a_missing_entity_returns_none_without_re_raise(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    assert ProjectEndpoint(toggl_workspace_id, toggl_auth, client=client).get(999_999_999) is None


def test_re_raise_turns_a_missing_entity_into_an_http_status_error(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = ProjectEndpoint(toggl_workspace_id, toggl_auth, client=client, re_raise=True)
    with pytest.raises(httpx.HTTPStatusError) as caught:
        endpoint.get(999_999_999)
    assert caught.value.response.status_code == 404


def test_server_errors_are_retried_until_an_answer(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    client: httpx.Client,
    toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    toggl_emulator.faults.add(Fault.server_error(502), times=2, path="/tags")
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, client=client, retries=3, clock=fake_clock)
    assert endpoint.collect()


def test_re_raise_disables_retries(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    client: httpx.Client,
    toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    toggl_emulator.faults.add(Fault.server_error(502), times=1, path="/tags")
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, client=client, re_raise=True, clock=fake_clock)
    with pytest.raises(httpx.HTTPStatusError):
        endpoint.collect()
    assert toggl_emulator.request_count(path_contains="/tags") == 1


def test_organization_of_another_user_returns_none(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    assert toggl_account.other_organization_id is not None
    assert OrganizationEndpoint(toggl_auth, client=client).get(toggl_account.other_organization_id) is None


def test_load_cache_without_a_cache_raises_no_cache_assigned_error(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client)
    with pytest.raises(NoCacheAssignedError):
        endpoint.load_cache()


def test_query_without_a_cache_is_caught_as_attribute_error(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = ProjectEndpoint(toggl_workspace_id, toggl_auth, client=client)
    with pytest.raises(AttributeError):
        endpoint.query(TogglQuery("name", "x"))


def test_cache_without_parent_raises_missing_parent_error(tmp_path: Path) -> None:
    cache: JSONCache[TogglTracker] = JSONCache(tmp_path / "cache")
    with pytest.raises(MissingParentError):
        _ = cache.parent
    with pytest.raises(AttributeError):
        _ = cache.model


def test_bad_report_extension_raises_invalid_extension_error_caught_as_value_error(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    endpoint = WeeklyReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    with pytest.raises(InvalidExtensionError):
        endpoint.export_report(ReportBody(today - timedelta(days=6), today), "docx")  # type: ignore[arg-type]
    assert issubclass(InvalidExtensionError, ValueError)


# -- caches and queries ----------------------------------------------------------------------------------


def test_query_by_name_finds_cached_projects(projects: ProjectEndpoint) -> None:
    created = projects.add(ProjectBody("Query me"))
    found = projects.query(TogglQuery("name", "Query me"))
    assert [p.id for p in found] == [created.id]


def test_greater_then_with_a_date_selects_cached_trackers_after_that_day(
    trackers: TrackerEndpoint, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    trackers.collect(start_date=today - timedelta(days=20), end_date=today)
    found = trackers.query(TogglQuery("start", today - timedelta(days=3), Comparison.GREATER_THEN))
    assert found
    assert all(t.start.date() > today - timedelta(days=3) for t in found)


def test_query_with_a_list_value_matches_any_of_them(projects: ProjectEndpoint) -> None:
    first = projects.add(ProjectBody("In one"))
    second = projects.add(ProjectBody("In two"))
    projects.add(ProjectBody("Out"))
    found = projects.query(TogglQuery("name", ["In one", "In two"]))
    assert {p.id for p in found} == {first.id, second.id}


def test_load_cache_returns_the_cached_models(projects: ProjectEndpoint) -> None:
    created = projects.add(ProjectBody("Loaded"))
    assert created.id in {p.id for p in projects.load_cache()}


def test_cache_find_accepts_an_id_dict(projects: ProjectEndpoint) -> None:
    created = projects.add(ProjectBody("Found"))
    assert projects.cache is not None
    assert projects.cache.find({"id": created.id}) == created


def test_save_cache_stores_a_model_for_a_get(projects: ProjectEndpoint, toggl_workspace_id: int) -> None:
    model = TogglProject(123, "Saved by hand", None, toggl_workspace_id)
    projects.save_cache(model, RequestMethod.GET)
    assert projects.cache is not None
    assert projects.cache.find({"id": 123}) == model


def test_json_cache_writes_upstreams_file_name_and_layout(projects: ProjectEndpoint, tmp_path: Path) -> None:
    projects.add(ProjectBody("On disk"))
    content = json.loads((tmp_path / "cache" / "cache_project.json").read_text())
    assert {"version", "data"} <= content.keys()
    assert any(item.get("class") == "project" and item.get("name") == "On disk" for item in content["data"])


def test_json_cache_expire_after_makes_get_ask_toggl_again(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    tmp_path: Path,
    client: httpx.Client,
    toggl_emulator: Emulator,
    fake_clock: FakeClock,
) -> None:
    cache: JSONCache[TogglTag] = JSONCache(tmp_path / "cache", expire_after=timedelta(minutes=5), clock=fake_clock)
    endpoint = ProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=client, clock=fake_clock)
    created = endpoint.add(ProjectBody("Expiring"))
    fake_clock.advance(600)
    before = len(toggl_emulator.requests)
    assert endpoint.get(created.id) == created
    assert len(toggl_emulator.requests) == before + 1


def test_json_cache_expire_after_may_be_positional_seconds(tmp_path: Path) -> None:
    cache: JSONCache[TogglTracker] = JSONCache(tmp_path / "cache", 3600)
    assert cache.expire_after == timedelta(hours=1)


def test_sqlite_cache_serves_a_tracker_endpoint(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client, fake_clock: FakeClock
) -> None:
    cache = SqliteCache[TogglTracker](Path(tmp_path / "cache"), timedelta(hours=24))
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    created = endpoint.add(_stopped_body("sqlite", fake_clock))
    assert endpoint.query(TogglQuery("name", "sqlite")) == [created]
    assert (tmp_path / "cache" / "cache.sqlite").exists()


def test_sqlite_cache_takes_an_engine_keyword(tmp_path: Path) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'own.sqlite'}")
    cache = SqliteCache(tmp_path / "cache", engine=engine)
    endpoint = TagEndpoint(1, None, cache)
    endpoint.save_cache([TogglTag(1, "a", None, 1), TogglTag(2, "b", None, 1)], RequestMethod.PUT)
    assert [t.name for t in endpoint.load_cache()] == ["a", "b"]
    assert "`SqliteCache.load()` and `query()` return lists" in MIGRATING.read_text()


def test_distinct_query_drops_repeated_values(tmp_path: Path) -> None:
    endpoint = TagEndpoint(1, None, JSONCache(tmp_path / "cache", max_length=100))
    endpoint.save_cache([TogglTag(1, "same", None, 1), TogglTag(2, "same", None, 1)], RequestMethod.GET)
    assert len(endpoint.query(TogglQuery("name", "same"), distinct=True)) == 1


def test_one_json_cache_serves_two_endpoints_of_different_models(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    cache = JSONCache(tmp_path / "cache")
    tags = TagEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    projects = ProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=client)
    tag = tags.add("shared-cache-tag")
    project = projects.add(ProjectBody("Shared cache project"))
    assert tags.query(TogglQuery("name", "shared-cache-tag")) == [tag]
    assert projects.query(TogglQuery("name", "Shared cache project")) == [project]


def test_tag_get_after_collect_finds_the_tag(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    first = endpoint.collect()[0]
    assert endpoint.get(first.id) == first


def test_user_subclass_of_the_cached_endpoint_can_use_request(
    toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    class MyTrackers(TogglCachedEndpoint[TogglTracker]):
        MODEL = TogglTracker

    endpoint = MyTrackers(toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    result = endpoint.request("me/time_entries", refresh=True)
    assert result
    assert all(isinstance(t, TogglTracker) for t in result)
    assert endpoint.request(f"me/time_entries/{result[0].id}") == result[0]


def test_request_with_raw_returns_the_httpx_response(trackers: TrackerEndpoint) -> None:
    response = trackers.request("me/time_entries", raw=True)
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200


def test_subclass_may_send_upstreams_default_headers(
    toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client, toggl_emulator: Emulator
) -> None:
    class MyTags(TogglCachedEndpoint[TogglTag]):
        MODEL = TogglTag

    endpoint = MyTags(toggl_auth, client=client)
    endpoint.request("me/tags", headers=endpoint.HEADERS)
    assert toggl_emulator.requests[-1].headers["content-type"] == "application/json"


def test_second_collect_is_answered_from_the_cache(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client, toggl_emulator: Emulator
) -> None:
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    first = endpoint.collect()
    before = len(toggl_emulator.requests)
    assert sorted(endpoint.collect(), key=lambda t: t.id) == sorted(first, key=lambda t: t.id)
    assert len(toggl_emulator.requests) == before


def test_current_without_refresh_answers_from_the_cache(
    trackers: TrackerEndpoint, toggl_emulator: Emulator
) -> None:
    started = trackers.add(TrackerBody("cached running"))
    before = len(toggl_emulator.requests)
    current = trackers.current(refresh=False)
    assert current is not None
    assert current.id == started.id
    assert len(toggl_emulator.requests) == before


def test_expire_after_zero_keeps_nothing_in_the_cache(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = TagEndpoint(
        toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache", expire_after=timedelta(0)), client=client
    )
    endpoint.add("not cached")
    assert endpoint.load_cache() == []


def test_cache_assigned_after_construction_gets_the_endpoint_as_parent(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, client: httpx.Client
) -> None:
    endpoint = TagEndpoint(toggl_workspace_id, toggl_auth, client=client)
    endpoint.cache = JSONCache(tmp_path / "cache")
    assert endpoint.cache.parent is endpoint
    assert endpoint.cache.model is TogglTag


def test_a_json_cache_written_by_toggl_api_wrapper_is_read_by_the_endpoint(
    tmp_path: Path, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    stamp = datetime.now(UTC).isoformat()
    tag = {"class": "tag", "id": 3, "name": "a", "timestamp": stamp, "workspace": toggl_workspace_id}
    done = {"class": "tracker", "id": 11, "name": "done", "timestamp": stamp, "workspace": toggl_workspace_id,
            "start": "2026-11-20T09:00:00+00:00", "duration": 2700.0, "stop": "2026-11-20T09:45:00+00:00",
            "project": 5, "tags": [tag]}
    running = {"class": "tracker", "id": 12, "name": "run", "timestamp": stamp, "workspace": toggl_workspace_id,
               "start": "2026-11-20T10:00:00+00:00", "duration": -1.0, "stop": None, "project": None, "tags": []}
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cache_tracker.json").write_text(json.dumps({"version": "2.2.0", "data": [done, running]}))
    endpoint = TrackerEndpoint(toggl_workspace_id, toggl_auth, JSONCache(tmp_path / "cache"), client=client)
    cached = endpoint.get(11)
    assert cached is not None
    assert (cached.duration, [t.name for t in cached.tags]) == (timedelta(minutes=45), ["a"])
    assert [t.id for t in endpoint.query(TogglQuery("stop", None))] == [12]


# -- projects --------------------------------------------------------------------------------------------


def test_get_color_translates_names_and_falls_back_to_gray() -> None:
    assert ProjectEndpoint.get_color("red") == "#d92b2b"
    assert ProjectEndpoint.get_color("no such colour") == "#525266"


def test_get_color_id_is_the_index_of_a_hex_value() -> None:
    assert ProjectEndpoint.get_color_id("#d92b2b") == list(ProjectEndpoint.BASIC_COLORS).index("red")


def test_basic_colors_keep_upstreams_names_and_order() -> None:
    assert list(ProjectEndpoint.BASIC_COLORS)[:3] == ["blue", "violet", "pink"]
    assert ProjectEndpoint.BASIC_COLORS["gray"] == "#525266"


def test_status_to_query_for_archived_selects_inactive_projects() -> None:
    assert ProjectEndpoint.status_to_query(TogglProject.Status.ARCHIVED) == [TogglQuery("active", False)]


def test_status_to_query_queries_find_archived_projects_in_the_cache(projects: ProjectEndpoint) -> None:
    archived = projects.add(ProjectBody("Archived one", active=False))
    projects.add(ProjectBody("Active one"))
    found = projects.query(*ProjectEndpoint.status_to_query(TogglProject.Status.ARCHIVED))
    assert [p.id for p in found] == [archived.id]


def test_status_to_query_for_active_is_not_implemented() -> None:
    with pytest.raises(NotImplementedError):
        ProjectEndpoint.status_to_query(TogglProject.Status.ACTIVE)


def test_project_status_enum_keeps_upstreams_values() -> None:
    assert [(s.name, s.value) for s in TogglProject.Status] == [
        ("UPCOMING", 1), ("ACTIVE", 2), ("ENDED", 3), ("ARCHIVED", 4), ("DELETED", 5)
    ]


def test_collect_with_a_project_body_filters_by_client(
    projects: ProjectEndpoint, toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    acme = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client).add(ClientBody("Filter client"))
    mine = projects.add(ProjectBody("Client project", client_id=acme.id))
    found = projects.collect(ProjectBody(client_ids=[acme.id]), refresh=True)
    assert [p.id for p in found] == [mine.id]


# -- organizations, workspaces, users --------------------------------------------------------------------


def test_organization_add_and_edit_take_plain_names(toggl_auth: httpx.BasicAuth, client: httpx.Client) -> None:
    endpoint = OrganizationEndpoint(toggl_auth, client=client)
    created = endpoint.add("New Org")
    assert endpoint.edit(created, "Renamed Org").name == "Renamed Org"


def test_workspace_statistics_is_a_plain_mapping(
    toggl_account: DemoAccount, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    stats = WorkspaceEndpoint(toggl_account.organization_id, toggl_auth, client=client).statistics(
        toggl_account.workspace_id
    )
    assert {"admins", "groups_count", "members_count"} <= stats.keys()


def test_verify_authentication_tells_good_from_bad_credentials(
    toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    assert UserEndpoint.verify_authentication(toggl_auth, client=client) is True
    assert UserEndpoint.verify_authentication(httpx.BasicAuth("wrong", "api_token"), client=client) is False


def test_client_edit_with_a_status_archives_and_the_migration_guide_says_so(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client
) -> None:
    endpoint = ClientEndpoint(toggl_workspace_id, toggl_auth, client=client)
    created = endpoint.add(ClientBody("To archive"))
    assert endpoint.edit(created, ClientBody(status="archived")).archived
    assert "`ClientBody.status`" in MIGRATING.read_text()


# -- models ----------------------------------------------------------------------------------------------


def test_models_take_upstreams_positional_order() -> None:
    tag = TogglTag(1, "tag", None, 7)
    assert (tag.id, tag.name, tag.workspace) == (1, "tag", 7)


def test_model_equality_ignores_timestamp() -> None:
    now = datetime.now(UTC)
    assert TogglTag(1, "t", now, 7) == TogglTag(1, "t", now - timedelta(days=1), 7)


def test_from_kwargs_reads_an_api_payload() -> None:
    tracker = TogglTracker.from_kwargs(
        id=5, workspace_id=7, description="d", start="2026-01-01T10:00:00Z", stop=None, duration=-1, project_id=3
    )
    assert (tracker.workspace, tracker.project, tracker.running()) == (7, 3, True)


def test_models_survive_pickling() -> None:
    import pickle

    tracker = TogglTracker(1, "x", None, 2, datetime(2026, 1, 1, tzinfo=UTC), tags=[TogglTag(3, "a", None, 2)])
    assert pickle.loads(pickle.dumps(tracker)) == tracker


def test_dataclass_helpers_are_replaced_by_attrs_and_the_guide_says_so() -> None:
    import attrs

    tracker = TogglTracker(1, "x", None, 2, datetime(2026, 1, 1, tzinfo=UTC))
    assert attrs.evolve(tracker, name="y").name == "y"
    assert "`attrs.evolve(model, name=...)`" in MIGRATING.read_text()


def test_as_dict_custom_tags_records_with_their_class() -> None:
    assert as_dict_custom(TogglClient(1, "c", None, 7))["class"] == "client"


def test_organization_model_keeps_name_validation() -> None:
    with pytest.raises(NamingError):
        TogglOrganization(1, "")


# -- reports ---------------------------------------------------------------------------------------------


def test_documented_pagination_loop_collects_every_row(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    endpoint = DetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    today = fake_clock.now().date()
    body = ReportBody(today - timedelta(weeks=4), today)
    data = []
    content = endpoint.search_time_entries(body, PaginationOptions(page_size=10))
    data.extend(content.result)
    pages = 1
    while content.next_id is not None and content.next_row is not None:
        content = endpoint.search_time_entries(body, content.next_options(10))
        data.extend(content.result)
        pages += 1
    assert pages > 1
    assert data == endpoint.collect_all(body)


def test_detailed_export_returns_a_paginated_result_of_bytes(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    endpoint = DetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    page = endpoint.export_report(ReportBody(today - timedelta(days=6), today), "pdf", PaginationOptions(page_size=5))
    assert isinstance(page, PaginatedResult)
    assert page.result.startswith(b"%PDF")


def test_totals_report_takes_granularity_and_with_graph(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    endpoint = DetailedReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    totals = endpoint.totals_report(ReportBody(today - timedelta(days=6), today), granularity="week", with_graph=True)
    assert totals["seconds"] > 0


def test_project_summary_accepts_a_project_and_date_strings(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, projects: ProjectEndpoint
) -> None:
    project = projects.collect()[0]
    endpoint = SummaryReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    assert "seconds" in endpoint.project_summary(project, "2026-11-01", "2026-11-20")


def test_paginated_result_converts_header_strings_to_ints() -> None:
    page = PaginatedResult([], "12", "3")
    assert (page.next_id, page.next_row) == (12, 3)
    assert page.next_options(20) == PaginationOptions(20, 12, 3)


def test_csv_export_returns_bytes(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, fake_clock: FakeClock
) -> None:
    today = fake_clock.now().date()
    endpoint = SummaryReportEndpoint(toggl_workspace_id, toggl_auth, client=client)
    content = endpoint.export_report(ReportBody(today - timedelta(days=6), today), "csv")
    assert isinstance(content, bytes)
    assert content


# -- configuration and utilities -------------------------------------------------------------------------


def test_generate_authentication_reads_the_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, toggl_account: DemoAccount, toggl_workspace_id: int, client: httpx.Client
) -> None:
    monkeypatch.setenv("TOGGL_API_TOKEN", toggl_account.api_token)
    auth = generate_authentication()
    assert TagEndpoint(toggl_workspace_id, auth, client=client).collect()


def test_togglrc_in_a_folder_gives_auth_and_workspace(
    tmp_path: Path, toggl_account: DemoAccount, client: httpx.Client
) -> None:
    (tmp_path / ".togglrc").write_text(
        f"[auth]\napi_token = {toggl_account.api_token}\n\n[options]\ndefault_wid = {toggl_account.workspace_id}\n"
    )
    endpoint = TagEndpoint(retrieve_togglrc_workspace_id(tmp_path), use_togglrc(tmp_path), client=client)
    assert endpoint.collect()


def test_format_iso_and_parse_iso_round_trip_an_aware_datetime() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_iso(format_iso(moment)) == moment
    assert parse_iso("2026-01-02T03:04:05Z") == moment


def test_get_timestamp_returns_ints_unchanged_and_converts_aware_datetimes() -> None:
    assert get_timestamp(1_700_000_000) == 1_700_000_000
    assert get_timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == 1_767_225_600


def test_endpoint_logs_under_the_toggl_api_logger_tree(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    # A deliberate difference (docs/migrating.md): 2.2.0 logged under "toggl-api-wrapper.endpoint".
    with caplog.at_level(logging.WARNING, logger="toggl_api"):
        ProjectEndpoint(toggl_workspace_id, toggl_auth, client=client).delete(999_999_999)
    assert any(r.name == "toggl_api.endpoint" for r in caplog.records)


# -- async -----------------------------------------------------------------------------------------------


def test_async_project_example_runs_with_a_sqlite_cache_built_inside_the_loop(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, tmp_path: Path, toggl_transport: httpx.MockTransport
) -> None:
    from toggl_api.asyncio import AsyncProjectEndpoint, AsyncSqliteCache

    async def main() -> TogglProject:
        cache = AsyncSqliteCache[TogglProject](Path(tmp_path / "cache"), timedelta(hours=24))
        async with httpx.AsyncClient(transport=toggl_transport) as http:
            endpoint = AsyncProjectEndpoint(toggl_workspace_id, toggl_auth, cache, client=http)
            color = AsyncProjectEndpoint.get_color("red")
            body = ProjectBody("My First Project", client_name="My First Client", color=color)
            project = await endpoint.add(body)
            assert await endpoint.get(project.id) == project
            return project

    assert asyncio.run(main()).color == "#d92b2b"


# -- documented behaviour changes ------------------------------------------------------------------------


def test_naive_datetimes_raise_and_the_migration_guide_says_so() -> None:
    with pytest.raises(DateTimeError):
        TrackerBody("naive", start=datetime(2026, 1, 1, 9)).format("add")
    assert "Naive datetimes raise `DateTimeError`" in MIGRATING.read_text()


def test_migrating_guide_mentions_each_intentional_difference() -> None:
    text = MIGRATING.read_text()
    for phrase in (
        "A cached read answers only what it was asked",
        "POST results are cached",
        "Retries never duplicate a write",
        "`SqliteCache` is a real class",
        "Bodies are not modified by the endpoints",
        "`TrackerEndpoint.bulk_edit` sends full timestamps",
        "`collect` without a cache asks Toggl",
        "`import toggl_api.asyncio` no longer exits",
    ):
        assert phrase in text, phrase


def test_dates_in_queries_keep_the_whole_day(fake_clock: FakeClock) -> None:
    query = TogglQuery("start", date(2026, 1, 2), Comparison.GREATER_THEN)
    assert query.value == datetime(2026, 1, 2, 23, 59, 59, 999_999, tzinfo=UTC)
