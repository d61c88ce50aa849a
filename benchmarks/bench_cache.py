#!/usr/bin/env python3
"""Benchmark the caches against raw baselines and (with ``--wrapper``) toggl-api-wrapper 2.2.0.

Workloads, each at every size of cached time entries:
  get     get-by-id of an existing entry, steady state after one load() (µs per call)
  query   start in a ~1% window AND project IN (3 of 50 projects) (µs per call, after one warm-up call)
  add     upsert 100 existing entries and commit (µs per batch)

Raw baselines measured in the same run: dict lookup, sqlite3 primary-key SELECT, sqlite3 indexed range + IN query,
plain ``json.dump`` of all records (what one JSON commit must write), sqlite3 ``executemany`` upsert + commit.
toggl-api-wrapper runs in its own venv (``benchmarks/.venv-wrapper``, created on first use) in a subprocess,
through its public API; its JSON cache is quadratic, so it is populated by writing its file once and each
operation is repeated only while the time budget allows (the iteration counts are printed).

Usage: python benchmarks/bench_cache.py [--sizes 1000,10000,100000] [--wrapper] [--budget 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRAPPER_VENV = HERE / ".venv-wrapper"
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
PROJECTS = 50
BATCH = 100


def measure(func: Callable[[], object], budget: float, max_iter: int = 100_000) -> tuple[float, int]:
    """Mean seconds per call, repeating until ``budget`` seconds pass (at least once)."""
    n = 0
    start = time.perf_counter()
    while True:
        func()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget or n >= max_iter:
            return elapsed / n, n


def window(size: int) -> tuple[datetime, datetime]:
    # Entries start one minute apart; the window covers ~1% of them.
    span = max(size // 100, 1)
    low = BASE + timedelta(minutes=size // 2)
    return low, low + timedelta(minutes=span)


WANTED_PROJECTS = [3, 17, 42]


# -- ours ------------------------------------------------------------------------------------------------------


def bench_ours(kind: str, size: int, budget: float) -> dict[str, tuple[float, int]]:
    from toggl_api._core.models import TogglTag, TogglTracker
    from toggl_api.meta.cache import Comparison, JSONCache, SqliteCache, TogglQuery

    now = datetime.now(timezone.utc)
    tag = TogglTag(1, "work", now, workspace=1)
    entries = [
        TogglTracker(i, f"entry {i}", now, workspace=1, start=BASE + timedelta(minutes=i),
                     stop=BASE + timedelta(minutes=i, seconds=30), duration=30, project=i % PROJECTS,
                     tags=[tag] if i % 3 == 0 else [])
        for i in range(1, size + 1)
    ]
    results: dict[str, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = (JSONCache if kind == "json" else SqliteCache)(Path(tmp), max_length=size + BATCH) \
            if kind == "json" else SqliteCache(Path(tmp))
        cache.add(*entries)
        cache.commit()
        reader = JSONCache(Path(tmp), max_length=size + BATCH) if kind == "json" else SqliteCache(Path(tmp))
        ids = [random.randint(1, size) for _ in range(4096)]
        counter = iter(range(10**9))

        def get() -> None:
            assert reader.find(ids[next(counter) % 4096], TogglTracker) is not None

        reader.load(TogglTracker)  # steady state: every entry decoded once (the JSON cache decodes lazily)
        results["get"] = measure(get, budget)
        low, high = window(size)
        queries = (
            TogglQuery("start", low, Comparison.GREATER_THEN_OR_EQUAL),
            TogglQuery("start", high, Comparison.LESS_THEN),
            TogglQuery("project", WANTED_PROJECTS),
        )

        def query() -> None:
            reader.query(*queries, model=TogglTracker)

        query()
        results["query"] = measure(query, budget)
        batch_no = iter(range(10**9))

        def add() -> None:
            first = (next(batch_no) * BATCH) % max(size - BATCH, 1) + 1
            stamp = datetime.now(timezone.utc)
            batch = [TogglTracker(i, f"edited {i}", stamp, workspace=1, start=BASE + timedelta(minutes=i),
                                  project=i % PROJECTS) for i in range(first, first + BATCH)]
            reader.add(*batch)
            reader.commit()

        results["add"] = measure(add, budget, max_iter=200)
        if kind == "sqlite":
            cache.close()
            reader.close()
    return results


# -- raw baselines ---------------------------------------------------------------------------------------------


def bench_raw(size: int, budget: float) -> dict[str, tuple[float, int]]:
    records = {
        i: {"id": i, "name": f"entry {i}", "workspace": 1, "start": (BASE + timedelta(minutes=i)).isoformat(),
            "project": i % PROJECTS}
        for i in range(1, size + 1)
    }
    ids = [random.randint(1, size) for _ in range(4096)]
    counter = iter(range(10**9))
    results: dict[str, tuple[float, int]] = {}
    results["dict get"] = measure(lambda: records[ids[next(counter) % 4096]], budget)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.json"

        def dump() -> None:
            with path.open("w") as handle:
                json.dump(list(records.values()), handle)

        results["json.dump"] = measure(dump, budget, max_iter=200)
        db = sqlite3.connect(Path(tmp) / "raw.sqlite")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, workspace INT, start TEXT, project INT)")
        db.execute("CREATE INDEX t_start ON t(start)")
        db.execute("CREATE INDEX t_project ON t(project)")
        db.executemany("INSERT INTO t VALUES (:id, :name, :workspace, :start, :project)", records.values())
        db.commit()
        results["sqlite3 get"] = measure(
            lambda: db.execute("SELECT * FROM t WHERE id = ?", (ids[next(counter) % 4096],)).fetchone(), budget
        )
        low, high = window(size)
        sql = "SELECT * FROM t WHERE start >= ? AND start < ? AND project IN (?, ?, ?)"
        args = (low.isoformat(), high.isoformat(), *WANTED_PROJECTS)
        results["sqlite3 query"] = measure(lambda: db.execute(sql, args).fetchall(), budget)
        batch_no = iter(range(10**9))

        def upsert() -> None:
            first = (next(batch_no) * BATCH) % max(size - BATCH, 1) + 1
            rows = [records[i] for i in range(first, first + BATCH)]
            db.executemany("INSERT OR REPLACE INTO t VALUES (:id, :name, :workspace, :start, :project)", rows)
            db.commit()

        results["sqlite3 add"] = measure(upsert, budget, max_iter=2000)
        db.close()
    return results


# -- toggl-api-wrapper -----------------------------------------------------------------------------------------

WRAPPER_SCRIPT = r"""
import json, random, sys, tempfile, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
import httpx
from toggl_api import TrackerEndpoint, TogglTracker
from toggl_api.meta.cache import JSONCache, TogglQuery, Comparison

size, budget, batch, projects = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wanted = json.loads(sys.argv[5])
base = datetime(2026, 1, 1, tzinfo=timezone.utc)

def measure(func, max_iter):
    n, start = 0, time.perf_counter()
    while True:
        func(); n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget or n >= max_iter:
            return [elapsed / n, n]

with tempfile.TemporaryDirectory() as tmp:
    cache = JSONCache(Path(tmp), max_length=size + batch)
    endpoint = TrackerEndpoint(1, httpx.BasicAuth("x", "api_token"), cache)
    entries = [TogglTracker(id=i, name=f"entry {i}", workspace=1, start=base + timedelta(minutes=i),
                            stop=base + timedelta(minutes=i, seconds=30), duration=timedelta(seconds=30),
                            project=i % projects) for i in range(1, size + 1)]
    cache.session.data = entries          # populate by writing the file once (its add() is quadratic)
    cache.commit()
    cache.session.load(cache.cache_path)
    ids = [random.randint(1, size) for _ in range(4096)]
    counter = iter(range(10**9))
    out = {}
    out["get"] = measure(lambda: cache.find({"id": ids[next(counter) % 4096]}), 100000)
    span = max(size // 100, 1)
    low = base + timedelta(minutes=size // 2)
    queries = (TogglQuery("start", low, Comparison.GREATER_THEN_OR_EQUAL),
               TogglQuery("start", low + timedelta(minutes=span), Comparison.LESS_THEN),
               TogglQuery("project", wanted))
    cache.query(*queries)
    out["query"] = measure(lambda: cache.query(*queries), 1000)
    batch_no = iter(range(10**9))
    def add():
        first = (next(batch_no) * batch) % max(size - batch, 1) + 1
        items = [TogglTracker(id=i, name=f"edited {i}", workspace=1, start=base + timedelta(minutes=i),
                              project=i % projects) for i in range(first, first + batch)]
        cache.add(*items); cache.commit()
    out["add"] = measure(add, 200)
    print(json.dumps(out))
"""


def ensure_wrapper_venv() -> Path:
    python = WRAPPER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(WRAPPER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "toggl-api-wrapper==2.2.0"], check=True)
    return python


def bench_wrapper(size: int, budget: float) -> dict[str, tuple[float, int]]:
    python = ensure_wrapper_venv()
    done = subprocess.run(
        [str(python), "-c", WRAPPER_SCRIPT, str(size), str(budget), str(BATCH), str(PROJECTS),
         json.dumps(WANTED_PROJECTS)],
        check=True, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: (v[0], v[1]) for k, v in data.items()}


# -- report ----------------------------------------------------------------------------------------------------


def fmt(value: tuple[float, int] | None) -> str:
    if value is None:
        return "-"
    seconds, n = value
    micro = seconds * 1e6
    text = f"{micro:,.1f}" if micro < 100 else f"{micro:,.0f}"
    return f"{text} µs (n={n})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--wrapper", action="store_true", help="also run toggl-api-wrapper 2.2.0")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per measurement")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    random.seed(1)
    rows: list[tuple[int, str, str, str, str, str, str]] = []
    summary: dict[int, dict[str, dict[str, tuple[float, int]]]] = {}
    for size in sizes:
        print(f"size {size}: ours (json)...", file=sys.stderr)
        ours_json = bench_ours("json", size, args.budget)
        print(f"size {size}: ours (sqlite)...", file=sys.stderr)
        ours_sql = bench_ours("sqlite", size, args.budget)
        print(f"size {size}: raw baselines...", file=sys.stderr)
        raw = bench_raw(size, args.budget)
        wrapper: dict[str, tuple[float, int]] = {}
        if args.wrapper:
            print(f"size {size}: toggl-api-wrapper...", file=sys.stderr)
            wrapper = bench_wrapper(size, args.budget)
        summary[size] = {"json": ours_json, "sql": ours_sql, "raw": raw, "wrapper": wrapper}
        rows.append((size, "get-by-id", fmt(ours_json["get"]), fmt(ours_sql["get"]),
                     f"dict {fmt(raw['dict get'])}", f"sqlite3 {fmt(raw['sqlite3 get'])}", fmt(wrapper.get("get"))))
        rows.append((size, "query", fmt(ours_json["query"]), fmt(ours_sql["query"]), "-",
                     f"sqlite3 {fmt(raw['sqlite3 query'])}", fmt(wrapper.get("query"))))
        rows.append((size, f"add {BATCH}+commit", fmt(ours_json["add"]), fmt(ours_sql["add"]),
                     f"json.dump {fmt(raw['json.dump'])}", f"sqlite3 {fmt(raw['sqlite3 add'])}",
                     fmt(wrapper.get("add"))))
    header = ("entries", "operation", "JSONCache", "SqliteCache", "raw (JSON side)", "raw (SQL side)",
              "toggl-api-wrapper JSONCache")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()
    print("Ratios (ours / baseline; for the wrapper: wrapper / ours):")
    first = summary[sizes[0]]
    for size, data in summary.items():
        j, s, r, w = data["json"], data["sql"], data["raw"], data["wrapper"]
        line = (f"  {size:>7}: json get/dict {j['get'][0] / r['dict get'][0]:.1f}x, "
                f"sql get/sqlite3 {s['get'][0] / r['sqlite3 get'][0]:.1f}x, "
                f"sql query/sqlite3 {s['query'][0] / r['sqlite3 query'][0]:.1f}x, "
                f"json add/json.dump {j['add'][0] / r['json.dump'][0]:.1f}x, "
                f"sql add/sqlite3 {s['add'][0] / r['sqlite3 add'][0]:.1f}x, "
                f"json get vs {sizes[0]}: {j['get'][0] / first['json']['get'][0]:.2f}x, "
                f"sql get vs {sizes[0]}: {s['get'][0] / first['sql']['get'][0]:.2f}x")
        if w:
            line += (f", wrapper/ours json get {w['get'][0] / j['get'][0]:,.0f}x, "
                     f"query {w['query'][0] / j['query'][0]:,.0f}x, add {w['add'][0] / j['add'][0]:,.1f}x")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
