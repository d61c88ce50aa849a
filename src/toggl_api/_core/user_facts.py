"""What the cache remembers about the current user from ``GET /me``: id, time zone, default workspace.

The sync stores these facts under :data:`USER_FACTS_KEY` (a cache value) on every related-data read, so offline
readers (the CLI's ``--tz`` default, its report scope) know the user's Toggl time zone without a request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from attrs import frozen

__all__ = ["USER_FACTS_KEY", "UserFacts"]

#: The cache value holding :class:`UserFacts` as JSON.
USER_FACTS_KEY = "me.facts"


def _opt_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _opt_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@frozen
class UserFacts:
    """The current user's facts as of the last sync (each ``None`` when unknown).

    Attributes:
        user_id: The user's id.
        timezone: The IANA name of the user's Toggl time zone (Toggl's reports cut days in it).
        default_workspace_id: The user's default workspace.
    """

    user_id: int | None = None
    timezone: str | None = None
    default_workspace_id: int | None = None

    @classmethod
    def from_me(cls, data: Mapping[str, Any]) -> UserFacts:
        """From a ``/me`` answer; fields of the wrong type are left unknown."""
        return cls(_opt_id(data.get("id")), _opt_text(data.get("timezone")), _opt_id(data.get("default_workspace_id")))

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(
            {"user_id": self.user_id, "timezone": self.timezone, "default_workspace_id": self.default_workspace_id}
        )

    @classmethod
    def from_json(cls, text: str | None) -> UserFacts:
        """The stored form read back; nothing stored, or anything unreadable, is all unknown."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(
            _opt_id(data.get("user_id")), _opt_text(data.get("timezone")), _opt_id(data.get("default_workspace_id"))
        )
