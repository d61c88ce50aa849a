"""What Toggl said about the hourly quota, as values: from response headers or from ``GET /me/quota``."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import httpx
from attrs import frozen

from .errors import QUOTA_REMAINING_HEADER, QUOTA_RESETS_IN_HEADER

__all__ = ["Bucket", "QuotaInfo", "bucket_for_path", "quota_from_response", "quotas_from_payload"]


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
    """The quota of one bucket as last seen.

    Attributes:
        remaining: Requests left in the current window (may be negative while Toggl does not enforce it).
        resets_in: Seconds until the window frees requests, as Toggl said.
        resets_at: ``seen_at + resets_in``.
        bucket: Which bucket this is about.
        seen_at: When the answer arrived.
        organization_id: The organization of an organization bucket, when known (``GET /me/quota`` says it).
        total: The bucket's hourly size, when known (only ``GET /me/quota`` says it).
    """

    remaining: int
    resets_in: int | None
    resets_at: datetime | None
    bucket: Bucket
    seen_at: datetime
    organization_id: int | None = None
    total: int | None = None


#: Readings beyond these are not believed (ignored, as a missing header is): no hourly window resets in more
#: than a day, and no bucket holds a billion requests.
MAX_RESETS_IN = 86_400
MAX_REMAINING = 10**9


def _as_int(value: Any, low: int = -MAX_REMAINING, high: int = MAX_REMAINING) -> int | None:
    """A header or payload number as an int within ``[low, high]``; anything else (``inf``, ``nan``, text,
    absurd sizes) is ``None`` rather than an ``OverflowError`` later."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if low <= number <= high else None


def _resets_in(value: Any) -> int | None:
    return _as_int(value, 0, MAX_RESETS_IN)


def quota_from_response(response: httpx.Response, now: datetime) -> QuotaInfo | None:
    """Read the ``X-Toggl-Quota-*`` headers, or ``None`` when the response has none."""
    remaining = _as_int(response.headers.get(QUOTA_REMAINING_HEADER))
    if remaining is None:
        return None
    resets_in = _resets_in(response.headers.get(QUOTA_RESETS_IN_HEADER))
    resets_at = now + timedelta(seconds=resets_in) if resets_in is not None else None
    return QuotaInfo(remaining, resets_in, resets_at, bucket_for_path(response.request.url.path), now)


def quotas_from_payload(payload: Any, now: datetime) -> list[QuotaInfo]:
    """Decode ``GET /me/quota`` (``[{organization_id, remaining, resets_in_secs, total}, ...]``).

    ``organization_id: null`` is the user bucket. Items without a usable ``remaining`` are skipped.

    Raises:
        TypeError: When the payload is not a list.
    """
    if not isinstance(payload, list):
        msg = f"GET /me/quota answered {type(payload).__name__}, expected a list of buckets"
        raise TypeError(msg)
    out: list[QuotaInfo] = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        remaining = _as_int(item.get("remaining"))
        if remaining is None:
            continue
        org_id = _as_int(item.get("organization_id"), 1, 2**63 - 1)
        resets_in = _resets_in(item.get("resets_in_secs"))
        out.append(
            QuotaInfo(
                remaining=remaining,
                resets_in=resets_in,
                resets_at=now + timedelta(seconds=resets_in) if resets_in is not None else None,
                bucket=Bucket.USER if org_id is None else Bucket.ORGANIZATION,
                seen_at=now,
                organization_id=org_id,
                total=_as_int(item.get("total"), 0),
            )
        )
    return out


def lowest(infos: Iterable[QuotaInfo]) -> QuotaInfo | None:
    """The bucket with the fewest requests left, or ``None`` for no buckets."""
    return min(infos, key=lambda info: info.remaining, default=None)
