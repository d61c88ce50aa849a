"""Where the plugin's fake clock starts: the real current time by default, pinned per test or per project.

This suite pins every clock with the ``toggl_emulator_now`` ini option (pyproject.toml), so the default is
proven in a separate pytest run in a scratch project that only has the plugin, as a user's would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from toggl_api import TrackerBody, TrackerEndpoint
from toggl_api.errors import BadRequestError
from toggl_api.testing import Emulator, FakeClock

PINNED = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)  # the suite's ini option

USER_TEST = '''
from pathlib import Path

def test_write_the_clock(fake_clock, toggl_emulator):
    Path("seen.txt").write_text(fake_clock.now().isoformat() + "\\n" + toggl_emulator.clock.now().isoformat())
'''


def _run_scratch_project(tmp_path: Path, ini: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``USER_TEST`` with pytest in ``tmp_path`` (its own ini, so this suite's pin does not apply)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n" + ini)
    (tmp_path / "test_user.py").write_text(USER_TEST)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    strict = "error::toggl_api.testing.pytest_plugin.TogglClockWarning"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", strict],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def _seen(tmp_path: Path) -> list[datetime]:
    return [datetime.fromisoformat(line) for line in (tmp_path / "seen.txt").read_text().splitlines()]


def test_by_default_the_clock_starts_at_the_real_current_time(tmp_path: Path) -> None:
    before = datetime.now(timezone.utc)
    run = _run_scratch_project(tmp_path)
    after = datetime.now(timezone.utc)
    assert run.returncode == 0, run.stdout + run.stderr
    clock_now, emulator_now = _seen(tmp_path)
    assert before - timedelta(seconds=1) <= clock_now <= after  # whole seconds: up to 1 s below the real now
    assert emulator_now == clock_now


def test_the_ini_option_pins_every_tests_clock(tmp_path: Path) -> None:
    run = _run_scratch_project(tmp_path, "toggl_emulator_now = 2025-01-02T03:04:05Z\n")
    assert run.returncode == 0, run.stdout + run.stderr
    assert _seen(tmp_path)[0] == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_a_malformed_ini_value_stops_the_run_saying_what_to_write(tmp_path: Path) -> None:
    run = _run_scratch_project(tmp_path, "toggl_emulator_now = next tuesday\n")
    assert run.returncode != 0
    assert "toggl_emulator_now ini option must be a datetime, an ISO 8601 instant" in run.stdout + run.stderr


def test_this_suite_pins_the_clock_with_the_ini_option(fake_clock: FakeClock) -> None:
    assert fake_clock.now() == PINNED


@pytest.mark.toggl_emulator(now="2025-03-04T05:06:07Z")
def test_the_marker_pins_one_tests_clock_over_the_ini_option(fake_clock: FakeClock) -> None:
    assert fake_clock.now() == datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


@pytest.mark.toggl_emulator(now=datetime(2025, 3, 4, 5, 6, 7))
def test_the_marker_reads_a_naive_datetime_as_utc(fake_clock: FakeClock) -> None:
    assert fake_clock.now() == datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


@pytest.mark.toggl_emulator(now="now")
def test_the_marker_now_brings_back_the_real_time(fake_clock: FakeClock) -> None:
    assert abs(fake_clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


@pytest.mark.toggl_emulator(now="2025-03-04T05:06:07Z")
def test_the_demo_data_is_seeded_before_the_pinned_clock(toggl_emulator: Emulator, fake_clock: FakeClock) -> None:
    starts = [te.start for te in toggl_emulator.state.time_entries.values()]
    assert max(starts) <= fake_clock.now()
    assert max(starts) > fake_clock.now() - timedelta(days=7)


@pytest.mark.toggl_emulator(now="2025-13-01")
def test_a_malformed_marker_value_is_a_usage_error(request: pytest.FixtureRequest) -> None:
    with pytest.raises(pytest.UsageError, match=r"toggl_emulator\(now=\.\.\.\) must be a datetime"):
        request.getfixturevalue("fake_clock")


@pytest.mark.toggl_emulator(now="now")
def test_code_reading_the_system_clock_gets_real_durations(
    toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int, fake_clock: FakeClock
) -> None:
    # What our docs show: the start comes from datetime.now(), not from the emulator's clock.
    with httpx.Client(transport=toggl_emulator.transport()) as client:
        tracker = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client)
        entry = tracker.add(TrackerBody(description="real time", start=datetime.now(timezone.utc)))
        fake_clock.advance(90 * 60)
        stopped = tracker.stop(entry)
    assert stopped is not None
    assert 90 * 60 - 5 <= stopped.duration.total_seconds() <= 90 * 60
    assert toggl_emulator.clock_warnings == []


def test_stopping_an_entry_started_in_the_pinned_clocks_future_raises(
    toggl_emulator: Emulator, toggl_auth: httpx.BasicAuth, toggl_workspace_id: int
) -> None:
    with httpx.Client(transport=toggl_emulator.transport()) as client:
        tracker = TrackerEndpoint(toggl_workspace_id, toggl_auth, client=client)
        entry = tracker.add(TrackerBody(description="three days ahead", start=PINNED + timedelta(days=3)))
        with pytest.raises(BadRequestError, match="after the emulator's clock"):
            tracker.stop(entry)
    toggl_emulator.take_clock_warnings()  # the start's flag is expected here
