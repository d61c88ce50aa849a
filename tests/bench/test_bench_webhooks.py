"""The day-of-use benchmark keeps the issue's promise: over the 8-hour day, webhooks cost the user's own writes plus
at most 2 requests an hour (set-up included) and are never more than 5 s behind."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_webhooks.py"


@pytest.fixture
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_webhooks", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_webhooks_cost_own_writes_plus_two_an_hour_and_stay_within_five_seconds(
    bench: ModuleType, tmp_path: Path
) -> None:
    logging.disable(logging.WARNING)
    try:
        row = bench.run("webhooks", tmp_path)
    finally:
        logging.disable(logging.NOTSET)
    assert row["per_hour"] <= row["writes_per_hour"] + 2
    assert row["worst_staleness"] <= 5
