"""Endpoints, the sync engine and the ``toggl-api`` CLI with a PostgreSQL-backed cache, against the emulator:
what one team member fetched is answered from the shared cache for another without requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from toggl_api import TagEndpoint, TrackerEndpoint
from toggl_api._core.session import TogglSession
from toggl_api._sync.sync import TogglSync
from toggl_api.cli import app
from toggl_api.meta.cache import SqliteCache
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture
def sync_http(toggl_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=toggl_transport) as client:
        yield client


@pytest.fixture
def member(pg_engines: Callable[..., Any], tmp_path: Path, fake_clock: FakeClock) -> Callable[[], SqliteCache[Any]]:
    """Makes one team member's cache: their own engine on the shared PostgreSQL database."""

    def make() -> SqliteCache[Any]:
        return SqliteCache(tmp_path, expire_after=timedelta(days=1), engine=pg_engines(), clock=fake_clock)

    return make


def test_a_tracker_collected_by_one_member_is_read_by_another_without_requests(
    member: Callable[[], SqliteCache[Any]], toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    sync_http: httpx.Client, fake_clock: FakeClock, toggl_emulator: Emulator,
) -> None:
    alice = TrackerEndpoint(toggl_workspace_id, toggl_auth, member(), client=sync_http, clock=fake_clock)
    bob = TrackerEndpoint(toggl_workspace_id, toggl_auth, member(), client=sync_http, clock=fake_clock)
    collected = alice.collect()
    assert collected
    sent = toggl_emulator.request_count()

    found = [bob.get(entry.id) for entry in collected]

    assert found == collected
    assert toggl_emulator.request_count() == sent
    assert bob.cache.stats.hits == len(collected)  # type: ignore[union-attr]


def test_a_list_fetched_by_one_member_is_complete_for_another(
    member: Callable[[], SqliteCache[Any]], toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    sync_http: httpx.Client, fake_clock: FakeClock, toggl_emulator: Emulator,
) -> None:
    alice = TagEndpoint(toggl_workspace_id, toggl_auth, member(), client=sync_http, clock=fake_clock)
    bob = TagEndpoint(toggl_workspace_id, toggl_auth, member(), client=sync_http, clock=fake_clock)
    tags = alice.collect()
    sent = toggl_emulator.request_count()

    assert sorted(bob.collect(), key=lambda t: t.id) == sorted(tags, key=lambda t: t.id)
    assert toggl_emulator.request_count() == sent


def test_a_tag_deleted_by_one_member_is_gone_for_another(
    member: Callable[[], SqliteCache[Any]], toggl_workspace_id: int, toggl_auth: httpx.BasicAuth,
    sync_http: httpx.Client, fake_clock: FakeClock,
) -> None:
    alice = TagEndpoint(toggl_workspace_id, toggl_auth, member(), client=sync_http, clock=fake_clock)
    bob_cache = member()
    doomed = alice.collect()[0]

    alice.delete(doomed)

    assert bob_cache.find(doomed.id, type(doomed)) is None


def test_the_sync_engine_mirrors_into_postgresql_and_resumes_incrementally(
    member: Callable[[], SqliteCache[Any]], toggl_auth: httpx.BasicAuth, sync_http: httpx.Client,
    fake_clock: FakeClock, toggl_emulator: Emulator,
) -> None:
    def sync() -> Any:
        with TogglSync(toggl_auth, member(), client=sync_http, clock=fake_clock, session=TogglSession()) as engine:
            return engine.sync()

    first = sync()
    before = toggl_emulator.request_count()
    second = sync()

    assert first.complete
    assert second.complete
    assert not second.full
    assert toggl_emulator.request_count() - before == second.requests == 2


class _Emulators:
    """Every emulator the CLI made (one per invocation, as in separate processes)."""

    def __init__(self) -> None:
        self.made: list[Emulator] = []

    def __call__(self) -> Emulator:
        emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
        self.made.append(emulator)
        return emulator


def test_the_cli_syncs_into_a_postgresql_url_and_reads_it_back_without_requests(
    monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    emulators = _Emulators()
    monkeypatch.setattr(app, "make_emulator", emulators)
    runner = CliRunner()

    synced = runner.invoke(app.cli, ["--fake", "--cache", pg_url, "sync"])
    listed = runner.invoke(app.cli, ["--fake", "--cache", pg_url, "entries", "--limit", "0", "--json"])
    again = runner.invoke(app.cli, ["--fake", "--cache", pg_url, "sync"])

    assert synced.exit_code == 0, synced.output
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) > 0
    assert emulators.made[1].request_count() == 0
    assert again.exit_code == 0, again.output
    assert emulators.made[2].request_count() == 2


def test_the_cli_names_the_database_not_a_folder_and_hides_the_password(
    monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    from sqlalchemy.engine import make_url

    monkeypatch.setattr(app, "make_emulator", _Emulators())
    url = make_url(pg_url).set(password="s3cret-pw")
    shown = url.render_as_string(hide_password=True)
    runner = CliRunner()

    synced = runner.invoke(app.cli, ["--fake", "--cache", url.render_as_string(hide_password=False), "sync"])
    stats = runner.invoke(app.cli, ["--fake", "--cache", pg_url, "cache", "stats"])

    assert synced.exit_code == 0, synced.output
    assert "s3cret-pw" not in synced.output
    assert shown in synced.output.replace("\n", "")  # rich may wrap a long URL
    assert "database server" in stats.output
    assert app.default_cache_dir(fake=True).name not in stats.output + synced.output  # the URL, not the folder
