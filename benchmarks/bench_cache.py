#!/usr/bin/env python3
"""The performance targets of issue 14, each as a ratio to a floor measured in the same run.

Workloads at every size of cached time entries (a third tagged, 50 projects), each timed as a block of operations;
a block runs ``--repeat`` times and the best (least disturbed) one is kept, because other programs share the CPU:

  json get     JSONCache.find(id, TogglTracker) x1000          floor: a Python function taking find's arguments
                                                                and returning dict.get(id), x1000 (os.stat of
                                                                the file x1000 is reported too: what a read cost
                                                                before the change counter)
  json query   JSONCache.query(start >= a, start < b, project IN 3 of 50) (~1% of the entries, then 6% of those)
                                                                floor: a list comprehension over plain dicts
  sql get      SqliteCache.find x1000                           floor: sqlite3 "SELECT * WHERE id = ?" x1000
  sql query    SqliteCache.query (same query)                   floor: sqlite3 indexed SELECT returning tuples
  json add     JSONCache.add(100 entries) + commit              floor: json.dump of every record + fsync (what
               (the mean over a log cycle: every commit from a    a durable rewrite of the file writes), same
               fresh log up to and including the one that         file system
               compacts, so compaction is counted amortized; the
               best of --repeat cycles; its length is reported)
  sql add      SqliteCache.add(100 entries) + commit            floor: sqlite3 executemany of the same 100 rows
                                                                (same columns, their tags, WAL) + commit
  http get     TrackerEndpoint.get(id, refresh=True) x200       floor: httpx.Client.get(url).json() x200, both on
                                                                one MockTransport answering the same payload

``--wrapper`` also runs toggl-api-wrapper 2.2.0 (in its own venv, ``benchmarks/.venv-wrapper``, created on
first use, run in a subprocess): its JSONCache get/query and its SqliteCache query (``.all()`` of its Query).
Its caches are filled by writing once (its ``add`` is quadratic). ``--json FILE`` writes every figure.

Usage: python benchmarks/bench_cache.py [--sizes 1000,10000,100000] [--repeat 5] [--wrapper] [--json FILE]
       [--only json|sql|http]
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
from typing import Any

HERE = Path(__file__).resolve().parent
WRAPPER_VENV = HERE / ".venv-wrapper"
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
PROJECTS = 50
BATCH = 100
GETS = 1000
HTTP_GETS = 200
WANTED_PROJECTS = [3, 17, 42]

#: Target per ratio (ours / floor at most this); the flatness target compares the largest size with the smallest.
TARGETS = {
    "json get": 8.0,
    "json query": 4.0,
    "sql get": 3.0,
    "sql query": 3.0,
    "json add": 3.0,
    "sql add": 3.0,
    "http get": 1.3,
}
FLAT = 2.0
#: toggl-api-wrapper's SqliteCache query must take at least this many times ours.
WRAPPER_SQL_QUERY = 2.0


def best(block: Callable[[], object], ops: int, repeat: int) -> float:
    """Seconds per operation of the fastest of ``repeat`` runs of ``block`` (which performs ``ops`` operations)."""
    block()  # warm-up: caches, compiled statements, imports
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        block()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest / ops


def window(size: int) -> tuple[datetime, datetime]:
    """Entries start one minute apart; the window covers ~1% of them."""
    span = max(size // 100, 1)
    low = BASE + timedelta(minutes=size // 2)
    return low, low + timedelta(minutes=span)


def make_entries(size: int) -> list[Any]:
    from toggl_api._core.models import TogglTag, TogglTracker

    now = datetime.now(timezone.utc)
    tag = TogglTag(1, "work", now, workspace=1)
    return [
        TogglTracker(i, f"entry {i}", now, workspace=1, start=BASE + timedelta(minutes=i),
                     stop=BASE + timedelta(minutes=i, seconds=30), duration=30, project=i % PROJECTS,
                     tags=[tag] if i % 3 == 0 else [])
        for i in range(1, size + 1)
    ]


def batch_of(first: int) -> list[Any]:
    from toggl_api._core.models import TogglTag, TogglTracker

    stamp = datetime.now(timezone.utc)
    tag = TogglTag(1, "work", stamp, workspace=1)
    return [TogglTracker(i, f"edited {i}", stamp, workspace=1, start=BASE + timedelta(minutes=i),
                         stop=BASE + timedelta(minutes=i, seconds=40), duration=40, project=i % PROJECTS,
                         tags=[tag] if i % 3 == 0 else []) for i in range(first, first + BATCH)]


# -- ours ------------------------------------------------------------------------------------------------------


def bench_caches(size: int, repeat: int, entries: list[Any], kinds: tuple[str, ...] = ("json", "sql")
                 ) -> dict[str, float]:
    from toggl_api.meta.cache import Comparison, TogglQuery

    results: dict[str, float] = {}
    ids = [random.randint(1, size) for _ in range(GETS)]
    low, high = window(size)
    queries = (
        TogglQuery("start", low, Comparison.GREATER_THEN_OR_EQUAL),
        TogglQuery("start", high, Comparison.LESS_THEN),
        TogglQuery("project", WANTED_PROJECTS),
    )
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            results.update(bench_cache(kind, Path(tmp), size, repeat, entries, ids, queries))
    return results


def bench_cache(kind: str, folder: Path, size: int, repeat: int, entries: list[Any], ids: list[int],
                queries: tuple[Any, ...]) -> dict[str, float]:
    """get, query and add of one cache kind, in ``folder``."""
    from toggl_api._core.models import TogglTracker
    from toggl_api.meta.cache import JSONCache, SqliteCache

    def open_cache() -> Any:
        if kind == "json":
            return JSONCache(folder, max_length=size + BATCH)
        return SqliteCache(folder)

    results: dict[str, float] = {}
    writer = open_cache()
    writer.add(*entries)
    writer.commit()
    cache = open_cache()  # a second process's view: reads what the first wrote
    cache.load(TogglTracker)  # steady state (the JSON cache decodes lazily)
    find = cache.find

    def get() -> None:
        for ident in ids:
            find(ident, TogglTracker)

    results[f"{kind} get"] = best(get, GETS, repeat)
    assert len(cache.query(*queries, model=TogglTracker)) > 0
    results[f"{kind} query"] = best(lambda: cache.query(*queries, model=TogglTracker), 1, repeat)
    batches = iter(range(10**9))

    def add() -> None:
        first = (next(batches) * BATCH) % max(size - BATCH, 1) + 1
        cache.add(*batch_of(first))
        cache.commit()

    if kind == "json":
        results["json add"], results["json add commits"] = json_add_cycle(cache, add, repeat)
    else:
        results[f"{kind} add"] = best(add, 1, repeat)
    if kind == "sql":
        writer.close()
        cache.close()
    return results


def json_add_cycle(cache: Any, add: Callable[[], None], repeat: int) -> tuple[float, int]:
    """Mean seconds per add + commit over a whole log cycle (the best of ``repeat`` cycles), and its commits.

    A cycle starts with a fresh log (the cache was just filled by a commit that wrote the snapshots, or the last
    commit of the previous cycle compacted); commits append to the log until one finds it larger than the
    snapshots and compacts (rewrites them, starting a new log). Timing every commit of the cycle, that compaction
    included, counts the compaction at its amortized cost.
    """
    from toggl_api._core.models import TogglTracker

    session = cache._session(TogglTracker)
    fastest, length = float("inf"), 0
    for _ in range(repeat):
        log_id = session._log_id
        commits = 0
        start = time.perf_counter()
        while session._log_id == log_id:  # until a commit compacted
            add()
            commits += 1
        mean = (time.perf_counter() - start) / commits
        if mean < fastest:
            fastest, length = mean, commits
    return fastest, length


def bench_http(repeat: int) -> dict[str, float]:
    """One time entry by id through the sync endpoint (no cache) and through raw httpx, on one mock transport."""
    import httpx

    from toggl_api import TrackerEndpoint

    payload = json.dumps({
        "id": 42, "workspace_id": 1, "description": "benchmark", "start": "2026-01-01T09:00:00+00:00",
        "stop": "2026-01-01T10:00:00+00:00", "duration": 3600, "project_id": 3, "tags": ["a"], "tag_ids": [7],
        "billable": False, "user_id": 5, "task_id": None, "at": "2026-01-01T10:00:00+00:00",
        "server_deleted_at": None,
    }).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=payload, headers={"Content-Type": "application/json"})

    auth = httpx.BasicAuth("token", "api_token")
    results: dict[str, float] = {}
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        endpoint = TrackerEndpoint(1, auth, client=client)

        def ours() -> None:
            for _ in range(HTTP_GETS):
                endpoint.get(42, refresh=True)

        results["http get"] = best(ours, HTTP_GETS, repeat)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth,
                      base_url="https://api.track.toggl.com/api/v9/") as client:
        def raw() -> None:
            for _ in range(HTTP_GETS):
                response = client.get("me/time_entries/42")
                response.raise_for_status()
                response.json()

        results["http get floor"] = best(raw, HTTP_GETS, repeat)
    return results


# -- floors ----------------------------------------------------------------------------------------------------

_COLUMNS = ("id", "name", "timestamp", "at", "server_deleted_at", "extra", "workspace", "start", "duration", "stop",
            "project", "billable", "user", "task")


def _row(i: int, name: str, seconds: int) -> tuple[Any, ...]:
    start = BASE + timedelta(minutes=i)
    text = "%Y-%m-%d %H:%M:%S.%f"
    return (i, name, datetime.now(timezone.utc).strftime(text), None, None, "{}", 1, start.strftime(text),
            f"1970-01-01 00:00:{seconds:02d}.000000", (start + timedelta(seconds=seconds)).strftime(text),
            i % PROJECTS, 0, None, None)


def bench_floors(size: int, repeat: int, sql: bool = True) -> dict[str, float]:
    records = {
        i: {"id": i, "name": f"entry {i}", "workspace": 1, "start": BASE + timedelta(minutes=i),
            "stop": BASE + timedelta(minutes=i, seconds=30), "project": i % PROJECTS}
        for i in range(1, size + 1)
    }
    rows = list(records.values())
    ids = [random.randint(1, size) for _ in range(GETS)]
    results: dict[str, float] = {}
    def lookup(ident: int, model: object) -> object:  # a Python call with find's arguments, then the dict
        return records.get(ident)

    def dict_get() -> None:
        for ident in ids:
            lookup(ident, dict)

    results["json get floor"] = best(dict_get, GETS, repeat)
    low, high = window(size)
    wanted = set(WANTED_PROJECTS)
    results["json query floor"] = best(
        lambda: [r for r in rows if low <= r["start"] < high and r["project"] in wanted], 1, repeat
    )
    plain = [{**r, "start": r["start"].isoformat(), "stop": r["stop"].isoformat()} for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dump.json"

        def dump() -> None:  # what one durable commit must write: the whole file, synced
            with path.open("w") as handle:
                json.dump(plain, handle)
                handle.flush()
                os.fsync(handle.fileno())

        results["json add floor"] = best(dump, 1, repeat)

        def stat() -> None:  # what a JSON read must do to notice another process's commit
            for _ in ids:
                os.stat(path)

        results["stat floor"] = best(stat, GETS, repeat)
        if not sql:
            return results
        db = sqlite3.connect(Path(tmp) / "raw.sqlite")
        db.execute("PRAGMA journal_mode=WAL")
        names = ", ".join(f'"{c}"' for c in _COLUMNS)
        db.execute(f"CREATE TABLE t ({names}, PRIMARY KEY (id))")
        for column in ("start", "stop", "project", "workspace", "timestamp"):
            db.execute(f'CREATE INDEX t_{column} ON t("{column}")')
        db.execute("CREATE TABLE tt (tracker INTEGER, position INTEGER, tag INTEGER, name TEXT, workspace INTEGER, "
                   "PRIMARY KEY (tracker, position))")
        marks = ", ".join("?" * len(_COLUMNS))
        db.executemany(f"INSERT INTO t VALUES ({marks})", (_row(i, f"entry {i}", 30) for i in range(1, size + 1)))
        db.executemany("INSERT INTO tt VALUES (?, 0, 1, 'work', 1)", ((i,) for i in range(3, size + 1, 3)))
        db.execute("ANALYZE")  # the planner's statistics, as the cache keeps them: the best raw SQLite can do
        db.commit()

        def sql_get() -> None:
            for ident in ids:
                db.execute("SELECT * FROM t WHERE id = ?", (ident,)).fetchone()

        results["sql get floor"] = best(sql_get, GETS, repeat)
        text = "%Y-%m-%d %H:%M:%S.%f"
        args = (low.strftime(text), high.strftime(text), *WANTED_PROJECTS)
        sql = "SELECT * FROM t WHERE start >= ? AND start < ? AND project IN (?, ?, ?)"
        results["sql query floor"] = best(lambda: db.execute(sql, args).fetchall(), 1, repeat)
        batches = iter(range(10**9))

        def upsert() -> None:
            first = (next(batches) * BATCH) % max(size - BATCH, 1) + 1
            chosen = range(first, first + BATCH)
            db.executemany(f"INSERT OR REPLACE INTO t VALUES ({marks})", [_row(i, f"edited {i}", 40) for i in chosen])
            db.executemany("DELETE FROM tt WHERE tracker = ?", [(i,) for i in chosen])
            db.executemany("INSERT INTO tt VALUES (?, 0, 1, 'work', 1)", [(i,) for i in chosen if i % 3 == 0])
            db.commit()

        results["sql add floor"] = best(upsert, 1, repeat)
        db.close()
    return results


# -- toggl-api-wrapper -----------------------------------------------------------------------------------------

WRAPPER_SCRIPT = r"""
import json, random, sys, tempfile, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
import httpx
from toggl_api import TrackerEndpoint, TogglTracker
from toggl_api.meta.cache import JSONCache, SqliteCache, TogglQuery, Comparison

size, repeat, projects, gets = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wanted = json.loads(sys.argv[5])
base = datetime(2026, 1, 1, tzinfo=timezone.utc)

def best(block, ops, repeat):
    block()
    fastest = float("inf")
    for _ in range(repeat):
        start = time.perf_counter(); block(); fastest = min(fastest, time.perf_counter() - start)
    return fastest / ops

def entries():
    return [TogglTracker(id=i, name=f"entry {i}", workspace=1, start=base + timedelta(minutes=i),
                         stop=base + timedelta(minutes=i, seconds=30), duration=timedelta(seconds=30),
                         project=i % projects) for i in range(1, size + 1)]

span = max(size // 100, 1)
low = base + timedelta(minutes=size // 2)
queries = (TogglQuery("start", low, Comparison.GREATER_THEN_OR_EQUAL),
           TogglQuery("start", low + timedelta(minutes=span), Comparison.LESS_THEN),
           TogglQuery("project", wanted))
out = {}
auth = httpx.BasicAuth("x", "api_token")
with tempfile.TemporaryDirectory() as tmp:
    cache = JSONCache(Path(tmp), max_length=size + 100)
    TrackerEndpoint(1, auth, cache)
    cache.session.data = entries()          # filled by writing the file once (its add() is quadratic)
    cache.commit()
    cache.session.load(cache.cache_path)
    ids = [random.randint(1, size) for _ in range(gets)]
    # Its JSON find is a linear scan: time fewer calls at large sizes.
    few = ids[: max(10, gets * 1000 // size)]
    def get():
        for i in few:
            cache.find({"id": i})
    out["json get"] = best(get, len(few), 1)
    out["json query"] = best(lambda: cache.query(*queries), 1, 1)
with tempfile.TemporaryDirectory() as tmp:
    cache = SqliteCache(Path(tmp))
    TrackerEndpoint(1, auth, cache)
    cache.session.add_all(entries())        # its add() looks each entry up first
    cache.session.commit()
    out["sql query"] = best(lambda: cache.query(*queries).all(), 1, repeat)
    cache.session.close()
print(json.dumps(out))
"""


def ensure_wrapper_venv() -> Path:
    python = WRAPPER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(WRAPPER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "toggl-api-wrapper==2.2.0", "sqlalchemy>=2.0.30"],
                       check=True)
    return python


def bench_wrapper(size: int, repeat: int) -> dict[str, float]:
    python = ensure_wrapper_venv()
    done = subprocess.run(
        [str(python), "-c", WRAPPER_SCRIPT, str(size), str(repeat), str(PROJECTS), str(GETS),
         json.dumps(WANTED_PROJECTS)],
        check=True, capture_output=True, text=True, cwd=tempfile.gettempdir(),
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONWARNINGS": "ignore"},
    )
    data: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


# -- report ----------------------------------------------------------------------------------------------------


def run(sizes: list[int], repeat: int, wrapper: bool, http: bool = True,
        kinds: tuple[str, ...] = ("json", "sql")) -> dict[str, Any]:
    """Every figure, per size: ours, floors, ratios (and the wrapper's)."""
    random.seed(1)
    figures: dict[str, Any] = {"sizes": {}, "http": {}}
    if http:
        print("http...", file=sys.stderr)
        figures["http"] = bench_http(repeat)
    for size in sizes:
        print(f"size {size}: building entries...", file=sys.stderr)
        entries = make_entries(size)
        print(f"size {size}: caches...", file=sys.stderr)
        ours = bench_caches(size, repeat, entries, kinds)
        del entries
        print(f"size {size}: floors...", file=sys.stderr)
        floors = bench_floors(size, repeat, sql="sql" in kinds)
        data: dict[str, Any] = {"ours": ours, "floors": floors,
                                "ratios": {k: ours[k] / floors[f"{k} floor"] for k in ours if f"{k} floor" in floors}}
        if wrapper:
            print(f"size {size}: toggl-api-wrapper 2.2.0...", file=sys.stderr)
            data["wrapper"] = bench_wrapper(size, repeat)
        figures["sizes"][size] = data
    return figures


def _us(seconds: float) -> str:
    micro = seconds * 1e6
    return f"{micro:,.2f} µs" if micro < 10 else f"{micro:,.1f} µs" if micro < 1000 else f"{micro:,.0f} µs"


def report(figures: dict[str, Any]) -> str:
    lines = ["| entries | workload | ours | floor | ours / floor | target | met |",
             "|---|---|---|---|---|---|---|"]
    sizes = sorted(figures["sizes"])
    for size in sizes:
        data = figures["sizes"][size]
        for key, target in TARGETS.items():
            if key == "http get" or key not in data["ours"]:
                continue
            ratio = data["ratios"][key]
            lines.append(f"| {size:,} | {key} | {_us(data['ours'][key])} | {_us(data['floors'][key + ' floor'])} | "
                         f"{ratio:.2f}x | ≤ {target:g}x | {'yes' if ratio <= target else '**no**'} |")
    for size in sizes:
        data = figures["sizes"][size]
        if "json add commits" in data["ours"]:
            lines.append(f"| {size:,} | json add: commits per log cycle (one compaction each) | "
                         f"{data['ours']['json add commits']:,.0f} | - | - | - | - |")
    for size in sizes:
        data = figures["sizes"][size]
        stat = data["floors"]["stat floor"]
        lines.append(f"| {size:,} | json get / os.stat | {_us(data['ours']['json get'])} | {_us(stat)} | "
                     f"{data['ours']['json get'] / stat:.2f}x | (floor) | - |")
    if figures["http"]:
        http = figures["http"]
        ratio = http["http get"] / http["http get floor"]
        lines.append(f"| - | http get | {_us(http['http get'])} | {_us(http['http get floor'])} | {ratio:.2f}x | "
                     f"≤ {TARGETS['http get']:g}x | {'yes' if ratio <= TARGETS['http get'] else '**no**'} |")
    if len(sizes) > 1:
        lines += ["", f"Per-operation time at {sizes[-1]:,} entries / at {sizes[0]:,} (target ≤ {FLAT:g}x):", "",
                  "| workload | " + " | ".join(f"{s:,}" for s in sizes[1:]) + " | met |",
                  "|---|" + "---|" * len(sizes)]
        for key in ("json get", "sql get", "json add", "sql add"):
            if key not in figures["sizes"][sizes[0]]["ours"]:
                continue
            growth = [figures["sizes"][s]["ours"][key] / figures["sizes"][sizes[0]]["ours"][key] for s in sizes[1:]]
            lines.append(f"| {key} | " + " | ".join(f"{g:.2f}x" for g in growth) +
                         f" | {'yes' if growth[-1] <= FLAT else '**no**'} |")
    if any("wrapper" in figures["sizes"][s] for s in sizes):
        lines += ["", "Against toggl-api-wrapper 2.2.0 (its time / ours; the SQLite query must be ≥ "
                  f"{WRAPPER_SQL_QUERY:g}x):", "",
                  "| entries | json get | json query | sql query | sql query met |", "|---|---|---|---|---|"]
        for size in sizes:
            data = figures["sizes"][size]
            wrapper = data.get("wrapper")
            if not wrapper:
                continue
            ratio = {k: wrapper[k] / data["ours"][k] for k in ("json get", "json query", "sql query")}
            lines.append(f"| {size:,} | {ratio['json get']:,.0f}x | {ratio['json query']:,.0f}x | "
                         f"{ratio['sql query']:.1f}x ({_us(wrapper['sql query'])} / {_us(data['ours']['sql query'])})"
                         f" | {'yes' if ratio['sql query'] >= WRAPPER_SQL_QUERY else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each block; the best is kept")
    parser.add_argument("--wrapper", action="store_true", help="also run toggl-api-wrapper 2.2.0")
    parser.add_argument("--json", default=None, help="write every figure to this file")
    parser.add_argument("--only", choices=("json", "sql", "http"), default=None,
                        help="run only this group of workloads (while iterating)")
    args = parser.parse_args(argv)
    kinds = ("json", "sql") if args.only in (None, "http") else (args.only,)
    if args.only == "http":
        kinds = ()
    figures = run([int(s) for s in args.sizes.split(",")], args.repeat, args.wrapper,
                  http=args.only in (None, "http"), kinds=kinds)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    print(f"Best of {args.repeat} runs per block.\n")
    print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
