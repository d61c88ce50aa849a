"""Which time-entry ranges a cache is known to hold completely: a pure value, no I/O, no clock reads.

A ``Coverage`` is a set of disjoint half-open UTC intervals ``[lo, hi)`` of entry ``start``, each with the time
``at`` as of which the cache held *every* entry of that interval (and had fetched each of them no earlier than
``at``, so none of them has expired before the interval has). A range read may be answered from the cache only
when the coverage ``covers`` the whole range with fresh parts.

The value travels as a JSON string (``to_json``/``from_json``) in the cache's value store under
``COVERAGE_KEY``, so every process sharing a cache shares it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from attrs import frozen

from .cache_rules import is_fresh
from .timeutil import to_utc

__all__ = ["COVERAGE_KEY", "Coverage", "Segment", "as_instant"]

#: Value-store key of the user's time-entry coverage.
COVERAGE_KEY = "time_entries:coverage"
_FORMAT = 1
UTC = timezone.utc


def as_instant(value: date | datetime, name: str = "value") -> datetime:
    """An aware UTC datetime: a plain ``date`` is its midnight in UTC (how Toggl reads ``start_date``)."""
    if isinstance(value, datetime):
        return to_utc(value, name)
    return datetime.combine(value, time(0), tzinfo=UTC)


@frozen
class Segment:
    """Entries starting in ``[lo, hi)`` were all in the cache as of ``at``."""

    lo: datetime
    hi: datetime
    at: datetime


@frozen
class Coverage:
    """Disjoint segments ordered by ``lo``; adjacent segments with the same ``at`` are merged."""

    segments: tuple[Segment, ...] = ()

    def add(self, lo: datetime, hi: datetime, at: datetime) -> Coverage:
        """The coverage after a complete fetch of ``[lo, hi)`` at ``at``: that part now dates from ``at``."""
        if not lo < hi:
            return self
        return Coverage(_normalise([*self._cut(lo, hi), Segment(lo, hi, at)]))

    def remove(self, lo: datetime, hi: datetime) -> Coverage:
        """The coverage without ``[lo, hi)`` (the cache may no longer hold everything there)."""
        if not lo < hi:
            return self
        return Coverage(_normalise(self._cut(lo, hi)))

    def remove_start(self, start: datetime) -> Coverage:
        """The coverage without the second holding ``start`` (an entry starting then was dropped unseen)."""
        lo = to_utc(start, "start").replace(microsecond=0)
        return self.remove(lo, lo + timedelta(seconds=1))

    def covers(self, lo: datetime, hi: datetime, now: datetime, expire_after: timedelta | None) -> bool:
        """Whether every start in ``[lo, hi)`` lies in a segment still fresh at ``now`` (an empty range: no)."""
        if not lo < hi:
            return False
        cursor = lo
        for seg in self.segments:
            if seg.hi <= cursor:
                continue
            if seg.lo > cursor or not is_fresh(seg.at, now, expire_after):
                return False
            cursor = seg.hi
            if cursor >= hi:
                return True
        return False

    def prune(self, now: datetime, expire_after: timedelta | None) -> Coverage:
        """The coverage without its expired segments (keeps the stored value small)."""
        return Coverage(tuple(s for s in self.segments if is_fresh(s.at, now, expire_after)))

    def _cut(self, lo: datetime, hi: datetime) -> list[Segment]:
        out: list[Segment] = []
        for seg in self.segments:
            if seg.hi <= lo or seg.lo >= hi:
                out.append(seg)
                continue
            if seg.lo < lo:
                out.append(Segment(seg.lo, lo, seg.at))
            if seg.hi > hi:
                out.append(Segment(hi, seg.hi, seg.at))
        return out

    # -- serialisation ----------------------------------------------------------------------------------

    def to_json(self) -> str:
        """The coverage as a compact JSON string."""
        return json.dumps(
            {
                "format": _FORMAT,
                "segments": [[s.lo.isoformat(), s.hi.isoformat(), s.at.isoformat()] for s in self.segments],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | None) -> Coverage:
        """Parse ``to_json`` output; ``None`` is empty coverage.

        Raises:
            ValueError: the text is not a coverage this version understands (callers treat it as empty).
        """
        if text is None:
            return cls()
        try:
            payload: Any = json.loads(text)
            if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
                msg = "unknown coverage format"
                raise ValueError(msg)
            segments = [Segment(*(_instant(v) for v in item)) for item in payload["segments"]]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            msg = f"unreadable coverage: {exc}"
            raise ValueError(msg) from exc
        if any(not s.lo < s.hi for s in segments):
            msg = "unreadable coverage: an empty segment"
            raise ValueError(msg)
        return cls(_normalise(segments))


def _instant(value: Any) -> datetime:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 string, got {type(value).__name__}"
        raise TypeError(msg)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        msg = f"naive datetime {value!r} in coverage"
        raise ValueError(msg)
    return parsed.astimezone(UTC)


def _normalise(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    """Disjoint segments ordered by ``lo``, adjacent ones of the same time merged.

    Raises:
        ValueError: two segments overlap (only a damaged stored value can do that).
    """
    out: list[Segment] = []
    for seg in sorted(segments, key=lambda s: s.lo):
        if out and out[-1].hi > seg.lo:
            msg = "unreadable coverage: overlapping segments"
            raise ValueError(msg)
        if out and out[-1].hi == seg.lo and out[-1].at == seg.at:
            out[-1] = Segment(out[-1].lo, seg.hi, seg.at)
        else:
            out.append(seg)
    return tuple(out)
