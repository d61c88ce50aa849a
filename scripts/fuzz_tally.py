"""Run the fuzz properties of ``tests/fuzz`` with more examples and print what was tried and raised.

Usage: ``python scripts/fuzz_tally.py [EXAMPLES_PER_PROPERTY]`` (default 500; 0: the suite's own counts).
It runs pytest on ``tests/fuzz`` with ``TOGGL_FUZZ_EXAMPLES`` set, then prints, per property, the cases tried,
the outcomes by exception type, and how many caches a bad answer changed (must be 0). Exit status: pytest's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    examples = int(argv[1]) if len(argv) > 1 else 500
    with tempfile.TemporaryDirectory() as folder:
        tally_file = Path(folder) / "tally.json"
        env = {**os.environ, "TOGGL_FUZZ_EXAMPLES": str(examples), "TOGGL_FUZZ_TALLY": str(tally_file)}
        result = subprocess.run(  # our own interpreter running pytest
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "fuzz")],
            env=env,
            cwd=ROOT,
            check=False,
        )
        if not tally_file.exists():
            print("no tally written (did the tests run?)")
            return result.returncode or 1
        data = json.loads(tally_file.read_text())
    by_property: dict[str, dict[str, int]] = defaultdict(dict)
    for row in data["tally"]:
        by_property[row["property"]][row["outcome"]] = row["count"]
    total = 0
    asked = f"{examples} examples per property requested" if examples else "the suite's own example counts"
    print(f"\nfuzz tally ({asked})")
    for prop, outcomes in sorted(by_property.items()):
        tried = sum(outcomes.values())
        total += tried
        print(f"  {prop}: {tried} cases")
        for outcome, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0])):
            print(f"      {outcome:<32} {count}")
    changed = data.get("changed", {})
    print(f"  cases tried in all: {total}")
    print(f"  caches changed by a bad answer: {sum(changed.values())} {changed or ''}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
