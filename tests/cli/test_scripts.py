"""The console scripts ``generate-fake-toggl-data`` and ``clean-toggl-account`` (the latter against the emulator)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from toggl_api.testing import Emulator, FakeClock
from toggl_api.utility import _clean_account, _generate_fake_data


def _answers(*replies: str) -> object:
    queue: Iterator[str] = iter(replies)
    return lambda prompt: next(queue)


def _tracker_ids(folder: Path) -> list[int]:
    records = json.loads((folder / "cache_tracker.json").read_text())
    items = records if isinstance(records, list) else records.get("data", records.get("entries", []))
    return sorted(int(r["id"]) for r in items)


def test_generate_json_cache_is_reproducible_with_a_seed(tmp_path: Path) -> None:
    assert _generate_fake_data.main([str(tmp_path / "a.json"), "--seed", "42"]) == 0
    assert _generate_fake_data.main([str(tmp_path / "b.json"), "--seed", "42"]) == 0

    assert _tracker_ids(tmp_path / "a") == _tracker_ids(tmp_path / "b")
    assert len(_tracker_ids(tmp_path / "a")) > 1000


def test_generate_with_other_seeds_gives_other_data(tmp_path: Path) -> None:
    _generate_fake_data.main([str(tmp_path / "a.json"), "--seed", "1"])
    _generate_fake_data.main([str(tmp_path / "b.json"), "--seed", "text seeds work too"])

    assert len(_tracker_ids(tmp_path / "a")) != len(_tracker_ids(tmp_path / "b"))


def test_overwriting_a_sqlite_file_replaces_it(tmp_path: Path) -> None:
    target = tmp_path / "fake.sqlite"
    _generate_fake_data.main([str(target), "--seed", "7"])
    with sqlite3.connect(target) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        table = next(t for t in tables if "tracker" in t)
        first = db.execute(f"select count(*) from {table}").fetchone()[0]

    assert _generate_fake_data.main([str(target), "--seed", "7"], ask=_answers("y")) == 0  # type: ignore[arg-type]

    with sqlite3.connect(target) as db:
        assert db.execute(f"select count(*) from {table}").fetchone()[0] == first


def test_generate_asks_before_overwriting_and_no_keeps_the_file(tmp_path: Path) -> None:
    target = tmp_path / "fake.sqlite"
    target.write_bytes(b"keep me")

    assert _generate_fake_data.main([str(target)], ask=_answers("maybe", "n")) == 0  # type: ignore[arg-type]

    assert target.read_bytes() == b"keep me"


def test_generate_needs_a_type_for_a_path_without_suffix(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _generate_fake_data.main([str(tmp_path / "noext")])
    assert exit_info.value.code == 2


@pytest.fixture
def emulator() -> Emulator:
    return Emulator("demo", clock=FakeClock(), limits=True)


@pytest.fixture
def account_env(monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> int:
    assert emulator.account is not None
    monkeypatch.setenv("TOGGL_API_TOKEN", emulator.account.api_token)
    monkeypatch.setenv("TOGGL_WORKSPACE_ID", str(emulator.account.workspace_id))
    return emulator.account.workspace_id


def _live(emulator: Emulator, wid: int) -> dict[str, int]:
    state = emulator.state
    return {
        "projects": sum(1 for p in state.projects.values() if p.workspace_id == wid and p.server_deleted_at is None),
        "tags": sum(1 for t in state.tags.values() if t.workspace_id == wid and t.deleted_at is None),
        "clients": sum(1 for c in state.clients.values() if c.workspace_id == wid and c.server_deleted_at is None),
    }


def test_clean_account_deletes_after_yes_without_sleeping(emulator: Emulator, account_env: int, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "nested" / "deeper").mkdir(parents=True)
    (cache / "nested" / "deeper" / "f.json").write_text("{}")
    with httpx.Client(transport=emulator.transport()) as client:
        code = _clean_account.main(
            ["-o", "org", "tracker", "--cache-dir", str(cache)],
            ask=_answers("what?", "y"),  # type: ignore[arg-type]
            client=client,
            clock=emulator.clock,
        )

    assert code == 0
    assert _live(emulator, account_env) == {"projects": 0, "tags": 0, "clients": 0}
    assert not cache.exists()  # nested folders removed, no recursion on the same path
    assert max(emulator.clock.sleeps, default=0) <= 1.0  # paced at one request per second, never a fixed sleep


def test_clean_account_no_answer_deletes_nothing(emulator: Emulator, account_env: int) -> None:
    before = _live(emulator, account_env)
    with httpx.Client(transport=emulator.transport()) as client:
        code = _clean_account.main([], ask=_answers("n"), client=client, clock=emulator.clock)  # type: ignore[arg-type]

    assert code == 1
    assert _live(emulator, account_env) == before
    assert emulator.request_count() == 0


def test_clean_account_skips_sections_given_with_objects(emulator: Emulator, account_env: int) -> None:
    with httpx.Client(transport=emulator.transport()) as client:
        _clean_account.main(["-o", "tracker", "project", "client", "org"], ask=_answers("y"),  # type: ignore[arg-type]
                            client=client, clock=emulator.clock)

    live = _live(emulator, account_env)
    assert live["tags"] == 0
    assert live["projects"] > 0
    assert live["clients"] > 0


def test_clean_account_without_token_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert _clean_account.main([], ask=_answers("y")) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().err.startswith("Error: Email or API Key not set")
