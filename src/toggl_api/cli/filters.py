"""What the CLI's filters mean, as pure functions: dates, ranges and names to ids (no I/O, no clock).

Every refusal is a ``FilterError`` whose message is one line saying what to pass instead; the CLI shows it
as ``Error: ...`` with exit code 1, like its other refusals of bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Protocol

__all__ = ["FilterError", "Named", "check_range", "match_name", "parse_day"]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FilterError(ValueError):
    """A filter the CLI cannot apply; the message says what to pass instead."""


class Named(Protocol):
    """Anything with an id and a name (projects, clients, tags, workspaces)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def parse_day(value: str | None, option: str) -> date | None:
    """The day of ``--since``/``--until``: exactly ``YYYY-MM-DD`` (a real calendar day), or ``None`` when unset.

    Raises:
        FilterError: anything else, e.g. ``2026-11-20garbage`` or ``2026-02-30``.
    """
    if value is None:
        return None
    text = value.strip()
    if _DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass  # the right shape but no such day (2026-02-30): same message
    raise FilterError(f"{option} must be a date like 2026-11-20 (YYYY-MM-DD), got {value!r}")


def check_range(first: date | None, last: date | None) -> None:
    """Refuse a reversed range (``--since`` after ``--until``), which could only ever select nothing.

    Raises:
        FilterError: ``first`` is after ``last``.
    """
    if first is not None and last is not None and first > last:
        raise FilterError(
            f"--since {first.isoformat()} is after --until {last.isoformat()}: pass a --since on or before --until"
        )


def match_name(candidates: Iterable[Named], wanted: str, kind: str) -> int:
    """The id of the one ``kind`` named ``wanted``: an id, or the exact name in any letter case.

    Never a substring: ``site`` does not select ``Site redesign``. Names containing ``wanted`` are only
    suggested in the error.

    Args:
        candidates: the cached items of that kind (already narrowed to a workspace when one was given).
        wanted: what the user passed.
        kind: ``project``, ``client``, ``tag`` or ``workspace`` (for messages and the option name).

    Raises:
        FilterError: no such id or name, or a name shared by several items (listed with their ids).
    """
    items = list(candidates)
    text = wanted.strip()
    option = f"--{kind}"
    if text.isdigit():
        if any(item.id == int(text) for item in items):
            return int(text)
        raise FilterError(f"no cached {kind} has the id {text} (see `toggl-api {kind}s`)")
    folded = text.casefold()
    exact = sorted((item for item in items if item.name.casefold() == folded), key=lambda i: i.id)
    if len(exact) == 1:
        return exact[0].id
    if exact:
        listed = ", ".join(f"{item.name} (id {item.id})" for item in exact)
        hint = " or --workspace" if kind != "workspace" else ""
        raise FilterError(f"{option} {wanted!r} is ambiguous: {listed}; pass the id{hint}")
    near = sorted({item.name for item in items if folded and folded in item.name.casefold()}, key=str.casefold)
    suggestion = f"; did you mean: {', '.join(near)}?" if near else ""
    raise FilterError(f"no cached {kind} named {wanted!r}{suggestion} (see `toggl-api {kind}s`)")
