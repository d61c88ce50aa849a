"""Answers that are not what Toggl documents: one error, and the cache, the lists and the sync stay as they were.

Each test here is a regression test of issue 10: on the code before it, the bad answer was read as an empty
complete list, a raw builtin exception escaped, or a listing looped for ever.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from toggl_api import (
    PagingLimitError,
    TogglError,
    TogglProject,
    TogglTag,
    TogglTracker,
    TogglWorkspace,
    UnexpectedResponseError,
)
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.sync import AsyncTogglSync
from toggl_api._core import paging
from toggl_api._core.session import TogglSession
from toggl_api.asyncio import AsyncProjectEndpoint, AsyncTagEndpoint, AsyncTrackerEndpoint
from toggl_api.errors import PaymentRequiredError
from toggl_api.testing import Emulator, FakeClock, Fault

LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Hotel Wi-Fi login</title></head><body>Accept</body></html>"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under the cache folder with its bytes: the cache as a reader after us would see it."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTag]:
    return AsyncJSONCache(cache_dir, clock=fake_clock)


@pytest.fixture
def tags(
    toggl_workspace_id: int,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache: AsyncJSONCache[TogglTag],
) -> AsyncTagEndpoint:
    return AsyncTagEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (LOGIN_PAGE, "text/html"),
        ("", "application/json"),
        ("42", "application/json"),
        ('{"tags": []}', "application/json"),
        ('[{"id": 1, "na', "application/json"),
    ],
    ids=["login-page", "empty", "scalar", "object", "cut-off"],
)
async def test_a_list_answered_out_of_shape_raises_and_leaves_the_cached_list_untouched(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator, cache_dir: Path, body: str, content_type: str
) -> None:
    known = await tags.collect()
    before = _files(cache_dir)
    toggl_emulator.faults.add(Fault.answer(body, content_type=content_type), times=None, method="GET")

    with pytest.raises(UnexpectedResponseError):
        await tags.collect(refresh=True)

    assert _files(cache_dir) == before
    toggl_emulator.faults.clear()
    sent = toggl_emulator.request_count()
    # Still the complete list, answered from the cache.
    assert sorted(t.id for t in await tags.collect()) == sorted(t.id for t in known)
    assert toggl_emulator.request_count() == sent


async def test_the_error_names_method_path_status_content_type_and_a_short_excerpt(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int
) -> None:
    toggl_emulator.faults.add(
        Fault.answer(LOGIN_PAGE * 20, content_type="text/html; charset=utf-8"), method="GET", times=None
    )

    with pytest.raises(UnexpectedResponseError) as caught:
        await tags.collect(refresh=True)

    text = str(caught.value)
    for part in ("GET", f"/api/v9/workspaces/{toggl_workspace_id}/tags", "200", "text/html", "Hotel Wi-Fi login"):
        assert part in text
    assert len(caught.value.excerpt) <= 120
    assert caught.value.status == 200


async def test_the_excerpt_of_a_bad_answer_never_shows_the_api_token(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator
) -> None:
    token = "0123456789abcdef0123456789abcdef"
    body = json.dumps([{"id": 1, "api_token": token, "email": "me@example.com"}])
    toggl_emulator.faults.add(Fault.answer(body), path=r"/me$", times=None)
    from toggl_api.asyncio import AsyncUserEndpoint

    user = AsyncUserEndpoint(toggl_auth, client=http_client, clock=fake_clock)
    with pytest.raises(UnexpectedResponseError) as caught:
        await user.get_details()
    assert token not in str(caught.value)
    assert token not in repr(caught.value.args)
    assert token not in caught.value.message


async def test_sync_with_a_non_object_me_answer_keeps_every_cached_workspace_client_project_and_tag(
    cache: AsyncJSONCache[TogglTag],
    toggl_emulator: Emulator,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    cache_dir: Path,
) -> None:
    syncer = AsyncTogglSync(toggl_auth, cache, client=http_client, clock=fake_clock, session=TogglSession())
    assert (await syncer.sync()).complete
    before = _files(cache_dir)
    workspaces = await cache.load(TogglWorkspace)
    toggl_emulator.faults.add(Fault.answer("[]"), path=r"/me$", times=None)
    fake_clock.advance(3600)

    with pytest.raises(UnexpectedResponseError):
        await syncer.sync()

    assert _files(cache_dir) == before
    assert await cache.load(TogglWorkspace) == workspaces
    assert await cache.load(TogglProject)


async def test_a_list_item_without_an_id_raises_the_documented_error_not_key_error(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.answer('[{"name": "no id"}]'), method="GET", times=None)
    with pytest.raises(UnexpectedResponseError, match="without an id"):
        await tags.collect(refresh=True)


@pytest.mark.parametrize(
    "ident", [1.5, 7.0, True, "12", 0, -3, 2**63], ids=["fraction", "integral-float", "bool", "string", "zero",
                                                        "negative", "too-big"]
)
async def test_an_answer_with_an_id_that_is_not_a_positive_64_bit_int_is_refused(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator, cache_dir: Path, ident: object, toggl_workspace_id: int
) -> None:
    await tags.collect()
    before = _files(cache_dir)
    body = json.dumps([{"id": ident, "name": "odd", "workspace_id": toggl_workspace_id}])
    toggl_emulator.faults.add(Fault.answer(body), method="GET")
    with pytest.raises(UnexpectedResponseError, match="id"):
        await tags.collect(refresh=True)
    assert _files(cache_dir) == before


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "1e400", 10**20],
    ids=["year-one-east", "year-9999-west", "junk", "huge-timestamp"]
)
async def test_an_entry_with_an_absurd_date_raises_the_documented_error_not_overflow(
    toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock, toggl_emulator: Emulator,
    toggl_workspace_id: int, start: object
) -> None:
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, client=http_client, clock=fake_clock)
    body = json.dumps([{"id": 5, "workspace_id": toggl_workspace_id, "start": start, "duration": 60}])
    toggl_emulator.faults.add(Fault.answer(body), method="GET")
    with pytest.raises(UnexpectedResponseError):
        await trackers.collect(since=fake_clock.now())


async def test_deeply_nested_json_raises_the_documented_error_not_recursion_error(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.answer("[" * 200_000 + "]" * 200_000), method="GET", times=None)
    with pytest.raises(UnexpectedResponseError, match="nested too deeply"):
        await tags.collect(refresh=True)


async def test_unreadable_json_is_the_documented_error_and_still_an_httpx_decoding_error(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.malformed_json(), method="GET", times=None)
    with pytest.raises(UnexpectedResponseError) as caught:
        await tags.collect(refresh=True)
    assert isinstance(caught.value, httpx.DecodingError)
    assert isinstance(caught.value, TogglError)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Toggl-Quota-Remaining": "inf", "X-Toggl-Quota-Resets-In": "inf"},
        {"X-Toggl-Quota-Remaining": "5", "X-Toggl-Quota-Resets-In": "1e400"},
        {"X-Toggl-Quota-Remaining": "-5", "X-Toggl-Quota-Resets-In": "-1e400"},
        {"X-Toggl-Quota-Remaining": "9" * 400, "X-Toggl-Quota-Resets-In": "9" * 400},
    ],
    ids=["inf", "huge-reset", "negative-inf-reset", "400-digits"],
)
async def test_absurd_quota_headers_are_ignored_instead_of_overflowing(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator, toggl_workspace_id: int, headers: dict[str, str]
) -> None:
    body = json.dumps([{"id": 3, "name": "ok", "workspace_id": toggl_workspace_id}])
    toggl_emulator.faults.add(Fault.answer(body, headers=headers), method="GET")
    assert [t.id for t in await tags.collect(refresh=True)] == [3]


async def test_a_402_with_absurd_quota_headers_is_still_a_payment_error(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    headers = {"X-Toggl-Quota-Remaining": "-inf", "X-Toggl-Quota-Resets-In": "1e400", "Retry-After": "inf"}
    toggl_emulator.faults.add(
        Fault.answer('"You have hit your hourly limit"', status=402, headers=headers, apply=False), times=None
    )
    with pytest.raises(PaymentRequiredError):
        await tags.collect(refresh=True)


def test_a_float_id_is_refused_rather_than_truncated() -> None:
    with pytest.raises(TypeError, match="id must be an int"):
        TogglTag(5.7, "x")  # type: ignore[arg-type]


def test_an_id_beyond_64_bits_is_refused_before_any_cache_sees_it() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        TogglTracker(2**63, "x")


async def test_project_paging_stops_at_the_cap_when_the_server_keeps_answering_full_pages(
    toggl_auth: httpx.BasicAuth, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 5)
    calls: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        calls.append(page)
        return httpx.Response(200, json=[{"id": page * 10 + i, "name": f"p{page}-{i}", "workspace_id": 1}
                                         for i in range(2)])

    async with httpx.AsyncClient(transport=httpx.MockTransport(endless)) as client:
        projects = AsyncProjectEndpoint(1, toggl_auth, client=client, clock=fake_clock)
        with pytest.raises(PagingLimitError, match="page cap") as caught:
            await projects.collect(per_page=2)
    assert calls == [1, 2, 3, 4, 5, 6]
    assert "/workspaces/1/projects" in caught.value.route


async def test_project_paging_stops_when_the_server_answers_the_same_page_again(
    toggl_auth: httpx.BasicAuth, fake_clock: FakeClock
) -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": 1, "name": "a", "workspace_id": 1},
                                         {"id": 2, "name": "b", "workspace_id": 1}])

    async with httpx.AsyncClient(transport=httpx.MockTransport(stuck)) as client:
        projects = AsyncProjectEndpoint(1, toggl_auth, client=client, clock=fake_clock)
        with pytest.raises(PagingLimitError, match="repeated"):
            await projects.collect(per_page=2)


async def test_a_body_httpx_cannot_decode_is_the_documented_error_not_a_raw_decoding_error(
    toggl_auth: httpx.BasicAuth, fake_clock: FakeClock
) -> None:
    def broken_gzip(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
                              content=b"not gzip at all")

    async with httpx.AsyncClient(transport=httpx.MockTransport(broken_gzip)) as client:
        tags = AsyncTagEndpoint(1, toggl_auth, client=client, clock=fake_clock)
        with pytest.raises(UnexpectedResponseError, match="could not be decoded"):
            await tags.collect()


async def test_time_entry_windows_stop_at_the_cap_and_cover_nothing(
    toggl_workspace_id: int, toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient, fake_clock: FakeClock,
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 1)
    cache: AsyncJSONCache[TogglTracker] = AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)
    trackers = AsyncTrackerEndpoint(toggl_workspace_id, toggl_auth, cache, client=http_client, clock=fake_clock)
    with pytest.raises(PagingLimitError, match="page cap"):  # the demo account has > 1000 entries in 3 months
        await trackers.collect(start_date=fake_clock.now().date() - timedelta(days=85),
                               end_date=fake_clock.now().date())
    assert await cache.load(TogglTracker) == []


async def test_sync_windows_stop_at_the_cap_with_a_paging_error(
    cache: AsyncJSONCache[TogglTag], toggl_auth: httpx.BasicAuth, http_client: httpx.AsyncClient,
    fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 1)
    syncer = AsyncTogglSync(toggl_auth, cache, client=http_client, clock=fake_clock, session=TogglSession())
    with pytest.raises(PagingLimitError, match="sync windows"):  # the demo account needs two windows
        await syncer.sync()


async def test_a_write_answered_out_of_shape_raises_and_caches_nothing_of_the_answer(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator, cache: AsyncJSONCache[TogglTag]
) -> None:
    await tags.collect()
    toggl_emulator.faults.add(Fault.answer(LOGIN_PAGE, content_type="text/html"), method="POST")

    with pytest.raises(UnexpectedResponseError, match="POST"):
        await tags.add("written behind a login page")

    # Toggl applied it (the answer was lost on the way); the cache holds nothing made up from the answer.
    assert "written behind a login page" not in {t.name for t in await cache.load(TogglTag)}
    assert toggl_emulator.request_count(method="POST") == 1  # a POST is never repeated


async def test_a_read_answered_once_out_of_shape_is_retried_and_then_succeeds(
    tags: AsyncTagEndpoint, toggl_emulator: Emulator
) -> None:
    toggl_emulator.faults.add(Fault.answer(LOGIN_PAGE, content_type="text/html"), method="GET", times=1)
    assert await tags.collect(refresh=True)
    assert toggl_emulator.request_count(method="GET") == 2


async def test_a_list_where_one_entry_belongs_is_an_unreadable_answer_retried_like_one(
    toggl_auth: httpx.BasicAuth, fake_clock: FakeClock
) -> None:
    # The read states the shape it expects (an object); the requester checks that shape, so a list is an
    # unreadable answer, retried as a cut-off body is, rather than decoded and refused once.
    calls: list[str] = []

    def listing(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, json=[{"id": 42, "workspace_id": 1}])

    async with httpx.AsyncClient(transport=httpx.MockTransport(listing)) as client:
        trackers = AsyncTrackerEndpoint(1, toggl_auth, client=client, clock=fake_clock, retries=2)
        with pytest.raises(UnexpectedResponseError, match="a JSON array where a JSON object belongs"):
            await trackers.get(42)
    assert calls == ["/api/v9/me/time_entries/42"] * 3
