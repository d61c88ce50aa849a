"""docs/migrating.md gives, for every behaviour that changed, the reason and what to write instead."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
#: Defect ids of the 2.2.0 review (reference upstream-api.md §6).
DEFECT = re.compile(r"\b(R\d+|F\d+|D\d+|M\d+|C\d+|S\d+)\b")


def _changed_items() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Behaviour that changed", 1)[1]
    items = re.split(r"\n- ", section)[1:]
    return [" ".join(item.split()) for item in items]


def test_the_guide_lists_the_changed_behaviours() -> None:
    assert len(_changed_items()) > 40


def test_every_changed_behaviour_says_why_and_what_to_write_instead() -> None:
    lacking = [
        item[:80]
        for item in _changed_items()
        if "(Addition" not in item and not ("Why:" in item and "Instead:" in item)
    ]
    assert lacking == []


def test_every_reason_names_a_defect_or_a_documented_fact() -> None:
    vague = [
        item[:80]
        for item in _changed_items()
        if "Why:" in item and not DEFECT.search(item.split("Why:", 1)[1]) and "toggl-api.md" not in item
        and "Swagger" not in item and "package index" not in item and "§" not in item
    ]
    assert vague == []
