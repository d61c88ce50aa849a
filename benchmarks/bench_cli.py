#!/usr/bin/env python3
"""Time the offline CLI and ``import toggl_api`` at scale, each in a fresh subprocess (wall time + peak RSS).

Builds a cache of N time entries (1 workspace, 5 clients, 40 projects, 12 tags, entries 10 minutes apart up to the
start of today, a third of them tagged) once per size and kind (``sqlite``: a ``cache.sqlite`` file, ``json``: a
folder), then runs:

  import          python -c "import toggl_api"
  entries --since toggl-api --cache C entries --since <the last 7 days' first day>
  entries         toggl-api --cache C entries            (newest 50 of all)
  report          toggl-api --cache C report --by project (the last 30 days, the default)
  report --since  toggl-api --cache C report --by project --since <the first entry's day> (every entry)

  current         toggl-api --cache C current            (a timer runs: the cache knows it, no request)
  current (idle)  toggl-api --cache C current            (nothing runs: the cache knows that too)

``current`` answers from the cache only while it knows what runs: before each run of it the benchmark stores a
running entry (or removes it) and the marker a timer command writes when Toggl told it what runs, through the
cache as ``toggl-api start``/``current`` do. Its runs get a fake token from the environment and a base URL where
nothing listens (a closed port on 127.0.0.1), and each run's output must say ``(0 requests)``: a request would
show as ``(1 request)`` and a "Toggl is unreachable" line, and stop the benchmark instead of being timed.

Baselines in the same run: ``python -c pass`` (interpreter start) and ``python -c "import click, rich.console"``
(what any click + rich CLI pays). Every command runs ``--repeat`` times; the best wall time and its peak RSS are
reported (the machine is shared: the best run is the one least disturbed by other work).

Usage: python benchmarks/bench_cli.py [--sizes 25000,100000] [--kinds sqlite,json] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEP = timedelta(minutes=10)
#: The entries end at the start of today (UTC), so the default report range (the last 30 days) holds some.
END = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
PROJECTS, CLIENTS, TAGS = 40, 5, 12
BUILD = r"""
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from toggl_api._core.models import TogglClient, TogglProject, TogglTag, TogglTracker, TogglWorkspace
kind, folder, size = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
base, step = datetime.fromisoformat(sys.argv[4]), timedelta(minutes=10)
n_tags, n_clients, n_projects = (int(v) for v in sys.argv[5:8])
stamp = datetime.now(timezone.utc)
if kind == "sqlite":
    from toggl_api.meta.cache import SqliteCache
    cache = SqliteCache(folder, expire_after=None)
else:
    from toggl_api.meta.cache import JSONCache
    cache = JSONCache(folder, expire_after=None, max_length=10_000_000)
ws = 1
tags = [TogglTag(100 + n, f"tag {n}", stamp, workspace=ws) for n in range(n_tags)]
cache.add(TogglWorkspace(ws, "Bench workspace", stamp))
cache.add(*[TogglClient(200 + n, f"client {n}", stamp, workspace=ws) for n in range(n_clients)])
cache.add(*[TogglProject(300 + n, f"project {n}", stamp, workspace=ws, client=200 + n % n_clients)
            for n in range(n_projects)])
cache.add(*tags)
batch = []
for i in range(1, size + 1):
    start = base + step * i
    batch.append(TogglTracker(i, f"entry {i}", stamp, workspace=ws, start=start, stop=start + timedelta(minutes=8),
                              duration=480, project=300 + i % n_projects if i % 7 else None,
                              tags=[tags[i % n_tags]] if i % 3 == 0 else []))
    if len(batch) == 5000:
        cache.add(*batch)
        batch = []
cache.add(*batch)
cache.commit()
"""
#: Before each run of ``current``: a running entry (``running`` = 1) or none (0), and the marker of a timer command
#: that just learned from Toggl what runs (``toggl_api.cli.timer._Timer.learned``), both through the cache.
SET_RUNNING = r"""
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from toggl_api._core.models import TogglTag, TogglTracker
from toggl_api.cli.timing import CHECKED_KEY
kind, folder, ident, running = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
now = datetime.now(timezone.utc)
if kind == "sqlite":
    from toggl_api.meta.cache import SqliteCache
    cache = SqliteCache(folder, expire_after=None)
else:
    from toggl_api.meta.cache import JSONCache
    cache = JSONCache(folder, expire_after=None, max_length=10_000_000)
if running:
    cache.add(TogglTracker(ident, "the running entry", now, workspace=1, start=now - timedelta(minutes=25),
                           project=300, tags=[TogglTag(100, "tag 0", now, workspace=1)]))
else:
    cache.delete(ident, model=TogglTracker)
cache.set_value(CHECKED_KEY, now.isoformat())
cache.commit()
cache.close()
"""


def build_cache(kind: str, folder: Path, size: int) -> Path:
    """Build the cache and return what ``--cache`` takes (the database file, or the JSON folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "cache.sqlite" if kind == "sqlite" else folder
    marker = folder / f".built-{kind}-{size}-{END.date()}"
    if not marker.exists():
        base = END - STEP * (size + 1)
        subprocess.run([sys.executable, "-c", BUILD, kind, str(folder), str(size), base.isoformat(), str(TAGS),
                        str(CLIENTS), str(PROJECTS)], check=True)
        marker.touch()
    return target


RSS_WRAPPER = r"""
import os, resource, subprocess, sys, time, json
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "rss_kb": usage.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}),
      file=sys.stderr)
"""


def measure(argv: list[str], repeat: int, *, env: dict[str, str] | None = None, before: list[str] | None = None,
            expect: tuple[str, str] | None = None) -> tuple[float, float]:
    """Best wall time (s) of ``repeat`` runs and that run's peak RSS (MB), both taken from ``os.wait4``.

    ``before`` runs (untimed) before each run; ``expect`` is text the run's stdout must start with and text its
    stderr must hold, checked after each run.
    """
    best: tuple[float, float] | None = None
    for _ in range(repeat):
        if before is not None:
            subprocess.run(before, check=True)
        done = subprocess.run([sys.executable, "-c", RSS_WRAPPER, *argv], capture_output=True, text=True,
                              env={**os.environ, **(env or {}), "COLUMNS": "120"})
        info = json.loads(done.stderr.strip().splitlines()[-1])
        if info["status"] != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({info['status']}): {done.stderr.strip()[-600:]}")
        if expect is not None and not (done.stdout.startswith(expect[0]) and expect[1] in done.stderr):
            raise SystemExit(f"{' '.join(argv)} did not answer from the cache alone (expected {expect!r}):\n"
                             f"{done.stdout[:300]}{done.stderr[-600:]}")
        result = (float(info["wall"]), info["rss_kb"] / 1024)
        if best is None or result[0] < best[0]:
            best = result
    assert best is not None
    return best


def closed_port() -> int:
    """A loopback port where nothing listens (just bound and released), so a connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,100000")
    parser.add_argument("--kinds", default="sqlite,json")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", default=None, help="folder to build the caches in and keep (reused when run again)")
    args = parser.parse_args(argv)
    python = sys.executable
    cli = str(Path(python).with_name("toggl-api"))
    rows: list[tuple[str, str, str, float, float]] = []
    for label, command in (("python -c pass", [python, "-c", "pass"]),
                           ("import click, rich.console", [python, "-c", "import click, rich.console"]),
                           ("import toggl_api", [python, "-c", "import toggl_api"])):
        wall, rss = measure(command, args.repeat)
        rows.append(("-", "-", label, wall, rss))
    # ``current`` on a fresh cache sends nothing; were it to send, it must fail at once, never reach a server.
    offline_env = {"TOGGL_API_TOKEN": "bench-fake-token", "TOGGL_API_BASE_URL": f"http://127.0.0.1:{closed_port()}"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            since = (END - timedelta(days=6)).date().isoformat()  # the last week of entries
            first_day = (END - STEP * (size + 1)).date().isoformat()
            for kind in args.kinds.split(","):
                print(f"building {kind} cache of {size} entries...", file=sys.stderr)
                target = build_cache(kind, root / f"{kind}-{size}", size)
                commands = [("entries --since", ["entries", "--since", since]), ("entries", ["entries"]),
                            ("report --by project", ["report", "--by", "project"]),
                            ("report --by project --since <first day>",
                             ["report", "--by", "project", "--since", first_day])]
                for label, extra in commands:
                    wall, rss = measure([cli, "--cache", str(target), *extra], args.repeat)
                    rows.append((f"{size:,}", kind, label, wall, rss))
                    print(f"  {kind} {size} {label}: {wall:.3f} s {rss:.0f} MB", file=sys.stderr)
                # The idle case last: the kept cache is left without the running entry, as it was built.
                for label, running, shown in (("current (a timer runs)", "1", "▶ the running entry"),
                                              ("current (nothing runs)", "0", "nothing is running")):
                    setup = [python, "-c", SET_RUNNING, kind, str(root / f"{kind}-{size}"), str(size + 1), running]
                    wall, rss = measure([cli, "--cache", str(target), "current"], args.repeat, env=offline_env,
                                        before=setup, expect=(shown, "(0 requests)"))
                    rows.append((f"{size:,}", kind, label, wall, rss))
                    print(f"  {kind} {size} {label}: {wall:.3f} s {rss:.0f} MB", file=sys.stderr)
    print(f"Best of {args.repeat} runs each (wall time and that run's peak RSS).\n")
    print("| entries | cache | command | wall | peak RSS |")
    print("|---|---|---|---|---|")
    for size_text, kind, label, wall, rss in rows:
        print(f"| {size_text} | {kind} | `{label}` | {wall:.3f} s | {rss:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
