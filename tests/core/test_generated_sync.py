"""The sync side is generated: every file under ``_sync/`` matches what ``scripts/unasync.py`` produces."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_unasync():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "scripts" / "unasync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_up_to_date() -> None:
    unasync = _load_unasync()
    outputs = unasync.expected_outputs(set())
    stale = [str(p.relative_to(ROOT)) for p, text in outputs.items() if not p.exists() or p.read_text() != text]
    assert stale == [], f"run scripts/unasync.py: {stale}"


def test_no_generated_file_lacks_a_source() -> None:
    unasync = _load_unasync()
    outputs = set(unasync.expected_outputs(set()))
    generated = {p for _, dst in unasync.PAIRS if dst.exists() for p in dst.rglob("*.py")}
    assert sorted(str(p) for p in generated - outputs) == []


def test_transform_maps_async_names_to_sync_names() -> None:
    unasync = _load_unasync()
    source = "async def f(c: httpx.AsyncClient) -> None:\n    await self.clock.asleep(1)\n    await c.aclose()\n"
    assert unasync.transform(source, set()) == (
        "def f(c: httpx.Client) -> None:\n    self.clock.sleep(1)\n    c.close()\n"
    )
