"""``generate-fake-toggl-data``: write a realistic, reproducible cache without a Toggl account.

The data is the emulator's demo account (organizations, workspaces, clients, projects, tags and about three
months of time entries), generated from ``--seed`` and mirrored into the cache by the sync engine in-process, so
the cache is exactly what ``toggl-api sync`` would produce (sync state included). No network is used.

Fixes over toggl-api-wrapper: ``--seed`` works (S2); overwriting an existing SQLite file replaces it instead of
appending (S3).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..__about__ import __title__

__all__ = ["cache_target", "generate", "main", "seed_number"]

PROMPT = "{path} exists. Overwrite it? [Y/y]Yes | [N/n] > "


def seed_number(seed: str | None) -> int:
    """The emulator's random seed for ``--seed``: an integer as given, any other text hashed (stable)."""
    if seed is None:
        return 2026
    text = seed.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def cache_target(path: Path, cache_type: str | None) -> tuple[Path, str]:
    """Where the cache goes and its type, as toggl-api-wrapper decided it.

    ``x.json`` → a folder ``x`` of JSON files; ``x.sqlite`` → that SQLite file; another suffix needs
    ``cache_type``, and the matching suffix is added.

    Raises:
        ValueError: no type can be inferred, or the suffix contradicts ``cache_type``.
    """
    suffix = path.suffix.lower()
    inferred = {".json": "json", ".sqlite": "sqlite"}.get(suffix)
    kind = cache_type or inferred
    if kind is None:
        msg = f"cannot tell the cache type of {path}: name it .json or .sqlite, or pass --cache-type"
        raise ValueError(msg)
    if inferred is not None and cache_type is not None and inferred != cache_type:
        msg = f"{path} has a .{inferred} suffix but --cache-type is {cache_type}"
        raise ValueError(msg)
    if inferred is None:
        path = path.with_name(path.name + f".{kind}")
    return (path.with_suffix("") if kind == "json" else path), kind


def _remove(target: Path) -> None:
    """Remove a previous cache at ``target`` (a JSON cache folder or an SQLite file with its journals)."""
    if target.is_dir():
        shutil.rmtree(target)
        return
    for extra in ("", "-wal", "-shm", "-journal"):
        candidate = target.with_name(target.name + extra)
        if candidate.exists():
            candidate.unlink()


def generate(target: Path, kind: str, seed: int) -> dict[str, int]:
    """Mirror the emulator's demo account (``seed``) into a new cache at ``target``; counts per model."""
    import httpx

    from .._core.models import MODELS
    from .._sync.sync import TogglSync
    from ..testing import Emulator, FakeClock

    emulator = Emulator("demo", clock=FakeClock(), limits=False, random_seed=seed)
    cache: Any
    if kind == "sqlite":
        import os

        from sqlalchemy import create_engine

        from .._sync.cache.sqlite import SqliteCache

        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
        cache = SqliteCache(target.parent, expire_after=None, clock=emulator.clock,
                            engine=create_engine(f"sqlite:///{target}"))
    else:
        from .._sync.cache.json import JSONCache

        cache = JSONCache(target, expire_after=None, clock=emulator.clock, max_length=10_000_000)
    assert emulator.account is not None
    with httpx.Client(transport=emulator.transport()) as client, TogglSync(
        emulator.account.auth(), cache, client=client, clock=emulator.clock, reserve=0
    ) as syncer:
        report = syncer.sync()
    if not report.complete:  # pragma: no cover - limits are off
        msg = f"generating stopped early: {report.message}"
        raise RuntimeError(msg)
    if kind == "json":  # every file whole (no commit log to replay), for tools that read cache_<model>.json alone
        from .._io.json_store import compact_directory

        compact_directory(target, cache._commit_lock)
    return {m.__tablename__: len(cache.load(m)) for m in MODELS}


def _confirm(path: Path, ask: Callable[[str], str]) -> bool:
    while True:
        answer = ask(PROMPT.format(path=path)).strip().lower()
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


def main(argv: Sequence[str] | None = None, *, ask: Callable[[str], str] = input) -> int:
    """Console-script entry point; returns the exit code (also used as ``sys.exit`` status)."""
    parser = argparse.ArgumentParser(prog="generate-data", description=__doc__.splitlines()[0])
    parser.add_argument("cache_path", type=Path, help="Target: x.json (a folder x of JSON files) or x.sqlite.")
    parser.add_argument("-s", "--seed", default=None, help="Seed of the generated data (same seed, same data).")
    parser.add_argument("-t", "--cache-type", choices=("sqlite", "json"), default=None,
                        help="Cache type when the path has no .json/.sqlite suffix.")
    parser.add_argument("-y", "--yes", action="store_true", help="Overwrite an existing cache without asking.")
    args = parser.parse_args(argv)
    try:
        target, kind = cache_target(args.cache_path, args.cache_type)
    except ValueError as exc:
        parser.error(str(exc))
    if kind == "sqlite":
        try:
            import sqlalchemy  # noqa: F401
        except ImportError:
            print(f"Error: SQLite caches need SQLAlchemy: pip install '{__title__}[sqlite]'", file=sys.stderr)
            return 1
    if target.exists():
        if not args.yes and not _confirm(target, ask):
            print("Nothing written.")
            return 0
        _remove(target)  # replace, never append (S3)
    counts = generate(target, kind, seed_number(args.seed))
    print(f"Wrote a {kind} cache to {target}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
