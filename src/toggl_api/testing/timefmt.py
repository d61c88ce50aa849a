"""Timestamp spellings used by Toggl (reference §1) and a tolerant RFC 3339 parser."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from .errors import bad_request

__all__ = ["fmt_date", "fmt_micro_z", "fmt_plus", "fmt_z", "parse_date_or_ts", "parse_ts", "utc"]

_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def utc(value: datetime) -> datetime:
    """Return ``value`` as aware UTC (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def fmt_plus(value: datetime) -> str:
    """``2024-12-16T02:18:20+00:00`` (seconds, ``+00:00``)."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def fmt_z(value: datetime) -> str:
    """``2024-12-15T20:17:59Z`` (seconds, ``Z``)."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_micro_z(value: datetime) -> str:
    """``2024-12-16T01:38:02.034497Z`` (microseconds, ``Z``)."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fmt_date(value: date) -> str:
    """``YYYY-MM-DD``."""
    return value.strftime("%Y-%m-%d")


def parse_ts(value: object, field: str = "time") -> datetime:
    """Parse an RFC 3339 timestamp (any fraction length, ``Z`` or offset) into aware UTC.

    Raises:
        EmulatorError: 400 when the value is not a timestamp.
    """
    if isinstance(value, str):
        m = _TS.match(value.strip())
        if m:
            year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
            second = int(m.group(6) or 0)
            micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
            offset = m.group(8)
            try:
                naive = datetime(year, month, day, hour, minute, second, micro)
            except ValueError:
                pass
            else:
                if offset in (None, "Z", "z"):
                    return naive.replace(tzinfo=timezone.utc)
                sign = 1 if offset[0] == "+" else -1
                digits = offset[1:].replace(":", "")
                delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                return (naive - sign * delta).replace(tzinfo=timezone.utc)
    raise bad_request(f"Invalid {field} format: {value!r}")


def parse_date_or_ts(value: object, field: str) -> datetime:
    """Parse ``YYYY-MM-DD`` (midnight UTC) or an RFC 3339 timestamp."""
    if isinstance(value, str):
        m = _DATE.match(value.strip())
        if m:
            try:
                return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=timezone.utc)
            except ValueError:
                pass
    return parse_ts(value, field)
