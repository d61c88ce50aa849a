"""Date and time rules, in one place: parsing Toggl's RFC 3339 spellings and formatting what we send.

Policy (applied everywhere): every datetime is timezone-aware. A naive datetime given by a user raises
``DateTimeError`` saying how to fix it; offsets are respected and converted to UTC, never relabelled.
A plain ``date`` is a calendar day and is sent as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .plain_errors import DateTimeError

__all__ = [
    "UTC",
    "date_floor",
    "ensure_aware",
    "format_iso",
    "get_timestamp",
    "get_workspace",
    "parse_date",
    "parse_iso",
    "to_utc",
]

UTC = timezone.utc

_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d+))?)?"
    r"(?P<tz>Z|z|[+-]\d{2}:?\d{2})?)?$"
)


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` unchanged, or raise ``DateTimeError`` if it has no time zone."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        msg = (
            f"{name} must be timezone-aware, got the naive datetime {value.isoformat()}; "
            "attach a zone, e.g. datetime.now(timezone.utc) or value.replace(tzinfo=timezone.utc)"
        )
        raise DateTimeError(msg)
    return value


def to_utc(value: datetime, name: str = "datetime") -> datetime:
    """Convert an aware datetime to UTC (naive or beyond year 1-9999 in UTC raises ``DateTimeError``)."""
    try:
        return ensure_aware(value, name).astimezone(UTC)
    except OverflowError:
        msg = f"{name} is out of range once converted to UTC: {value.isoformat()}"
        raise DateTimeError(msg) from None


#: The one shape Toggl writes on every answer: ``2026-01-01T09:00:00+00:00``, ``Z`` (or ``z``) for UTC, and an
#: optional ``.ffffff``. ASCII digits only (``\d`` would match other scripts' digits too).
_TOGGL_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _canonical(text: str) -> datetime | None:
    """The shape Toggl writes on every answer (``_TOGGL_SHAPE``) parsed without the general expression; ``None``
    for any other spelling or an impossible value (the general path then answers, with its own message)."""
    if _TOGGL_SHAPE.fullmatch(text) is None:
        return None
    if text[-1] in "Zz":  # Python 3.10's fromisoformat reads numeric offsets only
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        # fromisoformat gives the UTC singleton for +00:00, what Toggl writes: nothing to convert then.
        return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_iso(date_obj: str | datetime | date, name: str = "value") -> datetime | date:
    """Parse an RFC 3339 / ISO 8601 string into an aware UTC datetime.

    Accepts every spelling Toggl uses (``Z``, ``+00:00``, microseconds, other offsets). A string without an
    offset is UTC (that is how Toggl's API writes it). A ``date`` is returned unchanged and an aware
    ``datetime`` converted to UTC; a naive ``datetime`` raises ``DateTimeError``.
    """
    if isinstance(date_obj, datetime):
        return to_utc(date_obj, name)
    if isinstance(date_obj, date):
        return date_obj
    if not isinstance(date_obj, str):
        msg = f"{name} must be an ISO 8601 string, a date or a datetime, not {type(date_obj).__name__}"
        raise TypeError(msg)
    fast = _canonical(date_obj)
    if fast is not None:
        return fast
    match = _RFC3339.match(date_obj.strip())
    if match is None:
        msg = f"{name} is not an ISO 8601 date or datetime: {date_obj!r}"
        raise DateTimeError(msg)
    day = date.fromisoformat(match["date"])
    if match["h"] is None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    frac = (match["frac"] or "0")[:6].ljust(6, "0")
    tz = match["tz"]
    if tz is None or tz in {"Z", "z"}:
        tzinfo = UTC
    else:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        tzinfo = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    parsed = datetime(
        day.year,
        day.month,
        day.day,
        int(match["h"]),
        int(match["m"]),
        int(match["s"] or 0),
        int(frac),
        tzinfo=tzinfo,
    )
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        msg = f"{name} is out of range once converted to UTC: {date_obj!r}"
        raise DateTimeError(msg) from None


def parse_datetime(value: str | datetime, name: str = "value") -> datetime:
    """``parse_iso`` that always returns a datetime (a date becomes midnight UTC)."""
    parsed = parse_iso(value, name)
    if isinstance(parsed, datetime):
        return parsed
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)


def parse_date(value: str | date, name: str = "value") -> date:
    """Parse ``YYYY-MM-DD`` (or take a date; a datetime gives its UTC date)."""
    if isinstance(value, datetime):
        return to_utc(value, name).date()
    if isinstance(value, date):
        return value
    parsed = parse_iso(value, name)
    return parsed.date() if isinstance(parsed, datetime) else parsed


def format_iso(date_obj: datetime | date | str, name: str = "value") -> str:
    """Format for Toggl: datetimes in UTC as ``YYYY-MM-DDTHH:MM:SSZ``, dates as ``YYYY-MM-DD``.

    Strings are returned unchanged (they are assumed to be formatted already). Offsets are converted, never
    dropped; a naive datetime raises ``DateTimeError``.
    """
    if isinstance(date_obj, str):
        return date_obj
    if isinstance(date_obj, datetime):
        return to_utc(date_obj, name).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(date_obj, date):
        return date_obj.isoformat()
    msg = f"{name} must be a date, a datetime or a string, not {type(date_obj).__name__}"
    raise TypeError(msg)


def get_timestamp(ts: date | datetime | int) -> int:
    """Unix seconds for a datetime (its offset respected), a date (midnight UTC) or an int (unchanged)."""
    if isinstance(ts, bool):
        msg = "expected a date, a datetime or unix seconds, not a bool"
        raise TypeError(msg)
    if isinstance(ts, int):
        return ts
    if isinstance(ts, datetime):
        return int(to_utc(ts, "timestamp").timestamp())
    if isinstance(ts, date):
        return int(datetime(ts.year, ts.month, ts.day, tzinfo=UTC).timestamp())
    msg = f"expected a date, a datetime or unix seconds, not {type(ts).__name__}"
    raise TypeError(msg)


def date_floor(today: date, months: int) -> date:
    """``today`` minus calendar ``months`` (clamped to the month's last day): Toggl's look-back floor."""
    month_index = today.year * 12 + (today.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)  # pragma: no cover - the loop always returns


def get_workspace(data: dict[str, Any]) -> int:
    """The workspace id of an API payload: the first int among ``workspace_id``, ``wid`` and ``workspace``.

    Raises:
        KeyError: None of the keys holds an int.
    """
    for key in ("workspace_id", "wid", "workspace"):
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    msg = "Workspace not found!"
    raise KeyError(msg)
