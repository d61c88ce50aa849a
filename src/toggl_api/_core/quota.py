"""What the latest response said about the hourly quota, as a value."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import httpx
from attrs import frozen

from .errors import QUOTA_REMAINING_HEADER, QUOTA_RESETS_IN_HEADER

__all__ = ["Bucket", "QuotaInfo", "bucket_for_path", "quota_from_response"]


class Bucket(enum.Enum):
    """Toggl's two quota buckets: requests about your user (``/me*``) and requests to an organization."""

    USER = "user"
    ORGANIZATION = "organization"


def bucket_for_path(path: str) -> Bucket:
    """Which bucket a request path counts against (``/me*`` → user; everything else → organization)."""
    tail = path.split("/api/v9/", 1)[-1].lstrip("/")
    return Bucket.USER if tail == "me" or tail.startswith(("me/", "me?")) else Bucket.ORGANIZATION


@frozen
class QuotaInfo:
    """The quota as last seen.

    Attributes:
        remaining: Requests left in the current window.
        resets_in: Seconds until the window frees requests, as Toggl said.
        resets_at: ``seen_at + resets_in``.
        bucket: Which bucket the response reported on.
        seen_at: When the response arrived.
    """

    remaining: int
    resets_in: int | None
    resets_at: datetime | None
    bucket: Bucket
    seen_at: datetime


def quota_from_response(response: httpx.Response, now: datetime) -> QuotaInfo | None:
    """Read the ``X-Toggl-Quota-*`` headers, or ``None`` when the response has none."""
    raw = response.headers.get(QUOTA_REMAINING_HEADER)
    if raw is None:
        return None
    try:
        remaining = int(float(raw))
    except ValueError:
        return None
    resets_in: int | None
    try:
        resets_in = int(float(response.headers.get(QUOTA_RESETS_IN_HEADER, "")))
    except ValueError:
        resets_in = None
    resets_at = now + timedelta(seconds=resets_in) if resets_in is not None else None
    return QuotaInfo(remaining, resets_in, resets_at, bucket_for_path(response.request.url.path), now)
