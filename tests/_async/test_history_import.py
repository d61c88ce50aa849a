"""Importing the emulator's own detailed CSV export into a cache, and the contract with a backfill through Reports v3:
every entry counted once, whichever comes first (issue 15)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from toggl_api import TogglTracker
from toggl_api._async.cache.json import AsyncJSONCache
from toggl_api._async.cache.sqlite import AsyncSqliteCache
from toggl_api._async.sync import AsyncTogglSync
from toggl_api._core.session import TogglSession
from toggl_api.history import CsvImportError, async_import_csv
from toggl_api.testing import DemoAccount, Emulator, FakeClock

REPORTS = "https://api.track.toggl.com/reports/api/v3"
BERLIN = ZoneInfo("Europe/Berlin")  # the demo user's time zone: the export's local times are in it
UTC = timezone.utc


@pytest.fixture
def cache(cache_dir: Path, fake_clock: FakeClock) -> AsyncJSONCache[TogglTracker]:
    return AsyncJSONCache(cache_dir, clock=fake_clock, max_length=100_000)


@pytest.fixture
def month(toggl_emulator: Emulator) -> tuple[date, date]:
    """A month of the old history (older than what ``/me/time_entries`` serves), in the demo user's calendar."""
    today = toggl_emulator.clock.now().astimezone(BERLIN).date()
    return today - timedelta(days=240), today - timedelta(days=210)


@pytest.fixture
def year(toggl_emulator: Emulator) -> tuple[date, date]:
    """The 365 days before today, in the demo user's calendar."""
    today = toggl_emulator.clock.now().astimezone(BERLIN).date()
    return today - timedelta(days=365), today - timedelta(days=1)


def _bounds(days: tuple[date, date]) -> tuple[datetime, datetime]:
    lo = datetime.combine(days[0], time(0), tzinfo=BERLIN).astimezone(UTC)
    return lo, datetime.combine(days[1] + timedelta(days=1), time(0), tzinfo=BERLIN).astimezone(UTC)


async def _export(client: httpx.AsyncClient, auth: httpx.BasicAuth, wid: int, days: tuple[date, date]) -> bytes:
    body = {"start_date": days[0].isoformat(), "end_date": days[1].isoformat()}
    response = await client.post(f"{REPORTS}/workspace/{wid}/search/time_entries.csv", json=body, auth=auth)
    response.raise_for_status()
    return response.content


async def _sync(
    cache: AsyncJSONCache[TogglTracker], auth: httpx.BasicAuth, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    """Mirror the account (projects, tags, users, the last three months of entries) as a user would first."""
    report = await AsyncTogglSync(auth, cache, client=client, clock=clock, session=TogglSession()).sync()
    assert report.complete


async def _backfill(
    cache: AsyncJSONCache[TogglTracker],
    auth: httpx.BasicAuth,
    client: httpx.AsyncClient,
    account: DemoAccount,
    days: tuple[date, date],
) -> None:
    """The real backfill (``sync(since=...)``) of the year, from the UTC day before its first Berlin day; a free
    plan's hour does not hold a year's pages, so it runs again after each quota reset, as a user would."""
    clock = cache.clock
    assert isinstance(clock, FakeClock)
    while True:
        report = await AsyncTogglSync(auth, cache, client=client, clock=clock, session=TogglSession()).sync(
            since=days[0] - timedelta(days=1)
        )
        if report.complete:
            return
        assert report.resets_at is not None
        clock.set(report.resets_at + timedelta(seconds=1))


async def _import_span(
    cache: AsyncJSONCache[TogglTracker],
    auth: httpx.BasicAuth,
    client: httpx.AsyncClient,
    account: DemoAccount,
    days: tuple[date, date],
) -> list[Any]:
    reports = []
    for wid in account.workspace_ids:
        data = await _export(client, auth, wid, days)
        reports.append(await async_import_csv(io.BytesIO(data), cache, workspace_id=wid, tz=BERLIN))
    return reports


def _emulator_totals(emulator: Emulator, user_id: int, lo: datetime, hi: datetime) -> Counter[int | None]:
    totals: Counter[int | None] = Counter()
    for te in emulator.state.time_entries.values():
        if te.user_id == user_id and te.stop is not None and not te.deleted and lo <= te.start < hi:
            totals[te.project_id] += te.duration
    return totals


async def _cache_totals(cache: AsyncJSONCache[TogglTracker], lo: datetime, hi: datetime) -> Counter[int | None]:
    totals: Counter[int | None] = Counter()
    for entry in await cache.load(TogglTracker):
        if lo <= entry.start < hi and entry.stop is not None:
            totals[entry.project] += int((entry.stop - entry.start).total_seconds())
    return totals


# -- the import alone -------------------------------------------------------------------------------------


async def test_import_stores_every_row_of_the_export_with_negative_ids_and_no_request(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    year: tuple[date, date],
) -> None:
    data = await _export(http_client, toggl_auth, toggl_account.workspace_id, year)
    before = toggl_emulator.request_count()
    report = await async_import_csv(io.BytesIO(data), cache, workspace_id=toggl_account.workspace_id, tz=BERLIN)
    stored = await cache.load(TogglTracker)
    assert toggl_emulator.request_count() == before
    assert report.imported == len(stored) == data.count(b"\n") - 1 > 1000
    assert all(e.id < 0 for e in stored)


async def test_an_sql_cache_keeps_imported_entries_with_their_tags_and_extras(
    cache_dir: Path,
    fake_clock: FakeClock,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    month: tuple[date, date],
) -> None:
    data = await _export(http_client, toggl_auth, toggl_account.workspace_id, month)
    sql: AsyncSqliteCache[TogglTracker] = AsyncSqliteCache(cache_dir, clock=fake_clock)
    try:
        report = await async_import_csv(io.BytesIO(data), sql, workspace_id=toggl_account.workspace_id, tz=BERLIN)
        stored = await sql.load(TogglTracker)
        assert len(stored) == report.imported > 0
        assert any(e.tag_names() for e in stored)
        assert all(e.id < 0 and e.extra["imported_from"] == "csv" for e in stored)
    finally:
        await sql.aclose()


async def test_importing_the_same_file_again_adds_nothing(
    cache: AsyncJSONCache[TogglTracker],
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    month: tuple[date, date],
    tmp_path: Path,
) -> None:
    path = tmp_path / "Toggl_time_entries.csv"
    path.write_bytes(await _export(http_client, toggl_auth, toggl_account.workspace_id, month))
    first = await async_import_csv(path, cache, workspace_id=toggl_account.workspace_id, tz=BERLIN)
    again = await async_import_csv(str(path), cache, workspace_id=toggl_account.workspace_id, tz=BERLIN)
    assert (again.imported, again.unchanged) == (0, first.imported)
    assert len(await cache.load(TogglTracker)) == first.imported


async def test_without_cached_projects_the_names_are_reported_unknown(
    cache: AsyncJSONCache[TogglTracker],
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    month: tuple[date, date],
) -> None:
    data = await _export(http_client, toggl_auth, toggl_account.workspace_id, month)
    report = await async_import_csv(io.BytesIO(data), cache, workspace_id=toggl_account.workspace_id, tz=BERLIN)
    assert "Website Redesign" in report.unknown_projects
    assert all(e.project is None for e in await cache.load(TogglTracker))


async def test_after_a_sync_the_names_map_to_the_cached_projects(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    month: tuple[date, date],
) -> None:
    toggl_emulator.limits.enabled = False
    await _sync(cache, toggl_auth, http_client, fake_clock)
    reports = await _import_span(cache, toggl_auth, http_client, toggl_account, month)
    assert all(not r.unknown_projects and not r.unknown_tags and not r.unknown_users for r in reports)


async def test_a_bad_row_stores_nothing_and_names_line_and_column(
    cache: AsyncJSONCache[TogglTracker],
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    month: tuple[date, date],
) -> None:
    lines = (await _export(http_client, toggl_auth, toggl_account.workspace_id, month)).decode().splitlines()
    lines[5] = lines[5].replace(",No,", ",Maybe,").replace(",Yes,", ",Maybe,")
    with pytest.raises(CsvImportError, match=r"line 6, column 'Billable'"):
        await async_import_csv(io.StringIO("\n".join(lines)), cache, workspace_id=toggl_account.workspace_id, tz=BERLIN)
    assert await cache.load(TogglTracker) == []


# -- the contract with the backfill: no total counted twice -----------------------------------------------


async def test_import_then_backfill_counts_each_entry_once(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    year: tuple[date, date],
) -> None:
    toggl_emulator.limits.enabled = False
    await _sync(cache, toggl_auth, http_client, fake_clock)
    reports = await _import_span(cache, toggl_auth, http_client, toggl_account, year)
    assert sum(r.imported for r in reports) > 500
    await _backfill(cache, toggl_auth, http_client, toggl_account, year)
    lo, hi = _bounds(year)
    assert await _cache_totals(cache, lo, hi) == _emulator_totals(toggl_emulator, toggl_account.user_id, lo, hi)
    assert not [e for e in await cache.load(TogglTracker) if e.id < 0]


async def test_backfill_then_import_skips_every_row_and_keeps_the_totals(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    year: tuple[date, date],
) -> None:
    toggl_emulator.limits.enabled = False
    await _sync(cache, toggl_auth, http_client, fake_clock)
    await _backfill(cache, toggl_auth, http_client, toggl_account, year)
    reports = await _import_span(cache, toggl_auth, http_client, toggl_account, year)
    lo, hi = _bounds(year)
    assert sum(r.imported + r.unchanged for r in reports) == 0
    assert sum(r.skipped_covered for r in reports) > 1000
    assert await _cache_totals(cache, lo, hi) == _emulator_totals(toggl_emulator, toggl_account.user_id, lo, hi)


async def test_import_after_a_sync_skips_the_rows_the_sync_fetched(
    cache: AsyncJSONCache[TogglTracker],
    toggl_emulator: Emulator,
    toggl_account: DemoAccount,
    toggl_auth: httpx.BasicAuth,
    http_client: httpx.AsyncClient,
    fake_clock: FakeClock,
    year: tuple[date, date],
) -> None:
    toggl_emulator.limits.enabled = False
    await _sync(cache, toggl_auth, http_client, fake_clock)
    synced = len(await cache.load(TogglTracker))
    reports = await _import_span(cache, toggl_auth, http_client, toggl_account, year)
    skipped = sum(r.skipped_covered + r.skipped_known for r in reports)
    lo, hi = _bounds(year)
    in_year = sum(1 for e in await cache.load(TogglTracker) if lo <= e.start < hi)
    expected = sum(_emulator_totals(toggl_emulator, toggl_account.user_id, lo, hi).values())
    assert skipped > 0
    assert synced + sum(r.imported for r in reports) == len(await cache.load(TogglTracker))
    assert (
        sum(
            int((e.stop - e.start).total_seconds())
            for e in await cache.load(TogglTracker)
            if lo <= e.start < hi and e.stop
        )
        == expected
    )
    assert in_year > 0
