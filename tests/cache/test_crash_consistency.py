"""Crash tests: a writer killed at every step of a commit leaves a cache whose answers a new process reads are
the old or the new ones, never a mix inside one answer.

The writer (``_crash_writer.py``) refreshes a time-entry range and the tag list after another device changed
both; it is killed at the 1st, 2nd, ... commit step (``toggl_api._io.seams``) until it survives. A fresh
process then reads every copy without network: the range (through the coverage) and the tag list (through its
completeness marker). Each answer must equal the old state's or the new state's answer; "unknown" (the cache
would ask Toggl) is never a lie and is counted apart. The JSON cache commits its files together (one log line, or
a journal), so it must never even answer "unknown" where both states know (``json`` appends each commit to the
log, ``json-compact`` rewrites every snapshot and starts a new log at each commit); the SQL cache writes one
transaction per cache operation and retracts a list's claim before dropping entries of it, so it may.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TIMEOUT = 120
WRITER = Path(__file__).with_name("_crash_writer.py")


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, str(WRITER), *args], capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def judge(old: dict[str, Any], new: dict[str, Any], seen: dict[str, Any]) -> tuple[int, int]:
    """(answers equal to neither state, "unknown" answers where both states knew) over the reads of one copy."""
    lies = unknown = 0
    for read in ("range", "tags"):
        answer = seen[read]
        if answer is None:
            unknown += old[read] is not None and new[read] is not None
        elif answer not in (old[read], new[read]):
            lies += 1
    return lies, unknown


@pytest.mark.parametrize("kind", ["json", "json-compact", "sqlite"])
def test_a_writer_killed_at_any_commit_step_leaves_old_or_new_answers(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "cache"
    run(kind, str(base), "old")
    steps = json.loads(run(kind, str(base), "kill"))
    copies = [tmp_path / f"cache-{n}" for n in range(1, len(steps) + 1)]
    answers = json.loads(run(kind, str(base), "read", str(tmp_path / "cache-new"), *map(str, copies)))
    old, new = answers.pop("cache"), answers.pop("cache-new")
    assert old != new  # the refresh changed what the cache answers
    verdicts = {name: judge(old, new, seen) for name, seen in answers.items()}
    lies = sum(lie for lie, _ in verdicts.values())
    unknown = sum(gap for _, gap in verdicts.values())
    with capsys.disabled():
        print(f"\n[crash figures] {kind}: {len(steps)} kill points, {2 * len(steps)} answers checked, "
              f"{lies} inconsistent, {unknown} unknown")
    assert lies == 0, {name: v for name, v in verdicts.items() if v[0]}
    if kind.startswith("json"):
        assert unknown == 0
