"""``toggl-api cache clear``: asks on a terminal, refuses unattended without ``--yes``, and leaves an empty cache
whose next sync is a full one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from toggl_api._core.models import MODELS
from toggl_api.cli import app, cache_clear
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import Emulator, FakeClock, Limits


@pytest.fixture(autouse=True)
def account(monkeypatch: pytest.MonkeyPatch) -> Emulator:
    emulator = Emulator("demo", clock=FakeClock(), limits=Limits(burst=True))
    monkeypatch.setattr(app, "make_emulator", lambda: emulator)
    return emulator


def run(cache: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app.cli, ["--fake", "--cache", str(cache), *args], input=stdin)


def cached_count(cache: Path) -> int:
    if cache.suffix == ".sqlite":
        store: Any = SqliteCache(cache.parent, engine=None)
    elif (cache / "cache.sqlite").exists():  # a new CLI cache in a folder is SQLite
        store = SqliteCache(cache, engine=None)
    else:
        store = JSONCache(cache)
    try:
        return sum(len(store.load(m)) for m in MODELS)
    finally:
        store.close()


@pytest.fixture(params=["folder", "cache.sqlite"])
def synced(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    cache = tmp_path / request.param
    assert run(cache, "sync").exit_code == 0
    return cache


def test_clear_with_yes_empties_the_cache(synced: Path) -> None:
    result = run(synced, "cache", "clear", "--yes")

    assert result.exit_code == 0, result.output
    assert "entities removed; the next `toggl-api sync` is a full one" in result.stdout
    stats = run(synced, "cache", "stats", "--json")
    assert '"last_sync": null' in stats.stdout


def test_the_sync_after_clear_is_a_full_one(synced: Path) -> None:
    run(synced, "cache", "clear", "--yes")

    result = run(synced, "sync")

    assert "(full sync)" in result.stdout


def test_clear_without_yes_off_a_terminal_refuses_and_keeps_everything(tmp_path: Path) -> None:
    cache = tmp_path / "folder"
    run(cache, "sync")
    before = cached_count(cache)

    result = run(cache, "cache", "clear")

    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: not clearing {cache} without confirmation: pass --yes"
    assert cached_count(cache) == before > 0


def test_clear_on_a_terminal_asks_and_a_no_keeps_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "folder"
    run(cache, "sync")
    before = cached_count(cache)
    monkeypatch.setattr(cache_clear, "_interactive", lambda: True)

    result = run(cache, "cache", "clear", stdin="n\n")

    assert result.exit_code == 0
    assert "Remove everything cached in" in result.stdout
    assert cached_count(cache) == before


def test_clear_on_a_terminal_asks_and_a_yes_clears(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "folder"
    run(cache, "sync")
    monkeypatch.setattr(cache_clear, "_interactive", lambda: True)

    result = run(cache, "cache", "clear", stdin="y\n")

    assert result.exit_code == 0, result.output
    assert cached_count(cache) == 0
