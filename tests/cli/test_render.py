"""Readable numbers in the text output."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from toggl_api._core.quota import Bucket, QuotaInfo
from toggl_api.cli.render import duration_text, percent_text, quota_lines
from toggl_api.cli.scope import parse_zone


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (750, "12m 30s"), (25_500, "7h 05m"), (25_559, "7h 05m"), (100 * 3600, "100h 00m")],
)
def test_durations_read_as_hours_and_minutes(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


def test_percentages_have_one_decimal() -> None:
    assert percent_text(117.345) == "117.3%"


def _info(remaining: int, resets_in: int | None, organization_id: int | None = 7) -> QuotaInfo:
    seen = datetime(2026, 11, 20, 20, 37, tzinfo=timezone.utc)
    at = None if resets_in is None else datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)
    bucket = Bucket.ORGANIZATION if organization_id is not None else Bucket.USER
    return QuotaInfo(remaining, resets_in, at, bucket, seen, organization_id=organization_id, total=30)


def test_quota_reads_as_a_sentence_with_the_reset_in_the_chosen_zone() -> None:
    lines = quota_lines([_info(12, 23 * 60)], {7: "Acme"}, parse_zone("Europe/Paris"), "Europe/Paris")

    assert lines == [
        "12 of 30 requests left this hour (organization bucket: Acme), resets in 23 min (at 22:00 Europe/Paris)"
    ]


def test_quota_without_a_reset_time_says_so() -> None:
    lines = quota_lines([_info(3, None, None)], {}, timezone.utc, "UTC")

    assert lines == ["3 of 30 requests left this hour (user bucket: requests under /me), reset time unknown"]
