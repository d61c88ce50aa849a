"""The API token never leaks (logs, reprs, errors, cache files), and cache files are private (0600)."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import httpx
import pytest

from toggl_api import ClientEndpoint, TagEndpoint, TrackerBody, TrackerEndpoint, UserEndpoint
from toggl_api.meta.cache import JSONCache, SqliteCache
from toggl_api.testing import DEMO_API_TOKEN, Emulator, FakeClock, Fault

TOKEN = DEMO_API_TOKEN


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def workload_logs(
    caplog: pytest.LogCaptureFixture,
    toggl_emulator: Emulator,
    toggl_transport: httpx.MockTransport,
    toggl_workspace_id: int,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> tuple[list[str], list[object]]:
    """Run a small workload with failures at DEBUG level; return every log line and the objects it built."""
    caplog.set_level(logging.DEBUG)
    auth = httpx.BasicAuth(TOKEN, "api_token")
    toggl_emulator.faults.add(Fault.server_error(status=503), times=2, path="tags")
    seen: list[object] = []
    with httpx.Client(transport=toggl_transport) as client:
        for cache in (JSONCache(tmp_path / "json"), SqliteCache(tmp_path / "sql")):
            trackers = TrackerEndpoint(toggl_workspace_id, auth, cache, client=client, clock=fake_clock)
            tags = TagEndpoint(toggl_workspace_id, auth, cache, client=client, clock=fake_clock)
            entry = trackers.add(TrackerBody("secret-free work", start=fake_clock.now()))
            trackers.get(entry.id)
            tags.collect(refresh=True)
            trackers.delete(entry.id)
            seen += [trackers, tags, cache]
        bad = ClientEndpoint(toggl_workspace_id, httpx.BasicAuth("wrong-token-value", "api_token"), client=client)
        with pytest.raises(httpx.HTTPStatusError) as info:
            bad.collect(refresh=True)
        seen += [bad, info.value, UserEndpoint(auth, client=client)]
    lines = [record.getMessage() for record in caplog.records]
    return [*lines, str(info.value)], seen


def test_token_is_absent_from_every_log_line(workload_logs: tuple[list[str], list[object]]) -> None:
    lines, _ = workload_logs
    assert lines, "the workload logged nothing: the test would prove nothing"
    assert [line for line in lines if TOKEN in line or "wrong-token-value" in line] == []


def test_token_is_absent_from_reprs_and_errors(workload_logs: tuple[list[str], list[object]]) -> None:
    _, objects = workload_logs
    texts = [repr(o) for o in objects] + [str(o) for o in objects]
    assert [t for t in texts if TOKEN in t or "wrong-token-value" in t] == []


def test_token_is_absent_from_cache_files(workload_logs: tuple[list[str], list[object]], tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert files
    assert [p for p in files if TOKEN.encode() in p.read_bytes()] == []


def test_cache_files_holding_user_data_are_private(
    workload_logs: tuple[list[str], list[object]], tmp_path: Path
) -> None:
    data_files = [p for p in _files(tmp_path) if p.suffix in {".json", ".sqlite"} or "sqlite" in p.name]
    assert data_files
    loose = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode)) for p in data_files
             if stat.S_IMODE(p.stat().st_mode) & 0o077}
    assert loose == {}
