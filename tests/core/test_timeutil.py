"""Date and time rules: offsets respected, epochs in UTC, naive values refused (D1-D3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from toggl_api import DateTimeError
from toggl_api._core.timeutil import date_floor
from toggl_api.utility import format_iso, get_timestamp, get_workspace, parse_iso

UTC = timezone.utc
PLUS2 = timezone(timedelta(hours=2))


def test_get_timestamp_respects_offset_d1() -> None:
    assert get_timestamp(datetime(2024, 1, 1, 2, 0, tzinfo=PLUS2)) == 1704067200


def test_get_timestamp_of_date_is_utc_midnight() -> None:
    assert get_timestamp(date(2024, 1, 1)) == 1704067200


def test_get_timestamp_passes_ints_through() -> None:
    assert get_timestamp(1704067200) == 1704067200


def test_get_timestamp_refuses_naive_datetime() -> None:
    with pytest.raises(DateTimeError, match="timezone-aware"):
        get_timestamp(datetime(2024, 1, 1))


def test_format_iso_converts_offsets_to_utc_d2() -> None:
    assert format_iso(datetime(2024, 1, 1, 12, 0, tzinfo=PLUS2)) == "2024-01-01T10:00:00Z"


def test_format_iso_of_date() -> None:
    assert format_iso(date(2024, 1, 31)) == "2024-01-31"


def test_format_iso_refuses_naive_datetime() -> None:
    with pytest.raises(DateTimeError):
        format_iso(datetime(2024, 1, 1, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-16T02:18:20+00:00", datetime(2024, 12, 16, 2, 18, 20, tzinfo=UTC)),
        ("2024-12-15T20:17:59Z", datetime(2024, 12, 15, 20, 17, 59, tzinfo=UTC)),
        ("2024-12-16T01:38:02.034497Z", datetime(2024, 12, 16, 1, 38, 2, 34497, tzinfo=UTC)),
        ("2024-07-30T11:13:46+03:00", datetime(2024, 7, 30, 8, 13, 46, tzinfo=UTC)),
        ("2024-12-16T02:18:20", datetime(2024, 12, 16, 2, 18, 20, tzinfo=UTC)),
    ],
)
def test_parse_iso_accepts_every_rfc3339_spelling_d3(text: str, expected: datetime) -> None:
    parsed = parse_iso(text)
    assert parsed == expected
    assert isinstance(parsed, datetime)
    assert parsed.utcoffset() == timedelta(0)


def test_parse_iso_rejects_garbage_with_the_value_in_the_message() -> None:
    with pytest.raises(DateTimeError, match="yesterday"):
        parse_iso("yesterday")


def test_parse_iso_refuses_naive_datetime_objects() -> None:
    with pytest.raises(DateTimeError):
        parse_iso(datetime(2024, 1, 1))


def test_date_floor_is_three_calendar_months_back() -> None:
    assert date_floor(date(2024, 12, 16), 3) == date(2024, 9, 16)
    assert date_floor(date(2024, 5, 31), 3) == date(2024, 2, 29)


def test_get_workspace_prefers_workspace_id_and_ignores_bools() -> None:
    assert get_workspace({"workspace_id": 3, "wid": 4}) == 3
    assert get_workspace({"workspace_id": True, "wid": 4}) == 4
    with pytest.raises(KeyError):
        get_workspace({"wid": "12"})
