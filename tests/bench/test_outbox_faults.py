"""The seeded fault run of the offline outbox, small: through every fault kind, kills at every journal step and
another device's changes, no write lands twice and none is lost (``benchmarks/outbox_faults.py`` runs 1,000+)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "outbox_faults.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("outbox_faults", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["json", "sqlite"])
def figures(request: pytest.FixtureRequest, bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp(f"outbox-{request.param}")
    return bench.run(writes=250, seed=5, cache_kind=request.param, folder=folder)


def test_no_write_lands_twice(figures: dict[str, Any]) -> None:
    assert figures["landed_twice"] == 0


def test_no_write_is_lost(figures: dict[str, Any]) -> None:
    assert (figures["lost"], figures["lost_detail"]) == (0, [])


def test_the_outbox_ends_empty(figures: dict[str, Any]) -> None:
    assert figures["still_pending"] == 0


def test_every_fault_kind_was_injected(figures: dict[str, Any]) -> None:
    assert all(count > 0 for count in figures["faults_injected"].values())


def test_replays_were_killed_at_every_step(figures: dict[str, Any]) -> None:
    assert all(count > 0 for count in figures["replays_killed"].values())


def test_conflicts_were_met_and_reported(figures: dict[str, Any]) -> None:
    assert figures["conflicts_reported"] > 0
