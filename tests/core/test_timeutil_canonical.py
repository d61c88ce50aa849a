"""``parse_iso``'s fast path for the shape Toggl writes must answer exactly what the general parser answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toggl_api._core import timeutil


def general(text: str) -> object:
    """The general parser's answer (a datetime, or the type of the error it raises)."""
    saved = timeutil._canonical
    timeutil._canonical = lambda _text: None  # type: ignore[assignment]
    try:
        return timeutil.parse_iso(text)
    except (ValueError, TypeError) as exc:
        return type(exc)
    finally:
        timeutil._canonical = saved  # type: ignore[assignment]


def answer(text: str) -> object:
    try:
        return timeutil.parse_iso(text)
    except (ValueError, TypeError) as exc:
        return type(exc)


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2400, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.booleans(),
    st.sampled_from(["offset", "Z", "z"]),
)
def test_canonical_strings_parse_as_the_general_parser_does(moment: datetime, minutes: int, micro: bool,
                                                             zone: str) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)) if zone == "offset" else timezone.utc)
    text = aware.isoformat(timespec="microseconds" if micro else "seconds")
    if zone != "offset":
        text = text[:-6] + zone

    assert timeutil._canonical(text) is not None
    assert answer(text) == general(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01T09:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:00+00:00",
        "0001-01-01T00:00:00+01:00",
        "2026-01-01T09:00:00+0000x",
        "2026-01-01T09:00:00.12345Z",
        " 2026-01-01T09:00:00Z",
        "2026-01-01 09:00:00+00:00",
        "2026-01-01T09:00:00+25:00",
        "\uff12\uff10\uff12\uff16-01-01T09:00:00+00:00",  # full-width digits
    ],
)
def test_other_spellings_and_impossible_values_answer_as_the_general_parser(text: str) -> None:
    assert answer(text) == general(text)
