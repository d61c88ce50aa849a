"""The "live" marker of a cache: a small file next to the cache saying until when webhook pushes keep it fresh.

The receiver writes it on every delivery and ping (``until = now + health interval``); every cache reading the same
folder (any process) checks it before applying ``expire_after``. A valid marker is trusted without touching the
disk; only an absent or lapsed one costs an ``os.stat`` per check, and the file is re-read only when it changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

__all__ = ["LIVE_FILE", "LiveMarker"]

LIVE_FILE = "webhooks-live.json"
#: Entities the caches model: live freshness needs pushes for all of them (else a change of an uncovered one would
#: be missed while reads skip expiry).
MODELLED_ENTITIES = frozenset({"time_entry", "project", "client", "tag"})


class LiveMarker:
    """Read and write the marker of the cache stored in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LIVE_FILE
        self._until: datetime | None = None
        self._key: tuple[int, int] | None = None

    def active(self, now: datetime) -> bool:
        """Whether pushes keep the cache fresh at ``now``."""
        if self._until is not None and now < self._until:
            return True
        try:
            stat = self.path.stat()
        except OSError:
            self._until, self._key = None, None
            return False
        key = (stat.st_mtime_ns, stat.st_size)
        if key != self._key:
            self._key = key
            self._until = self._read()
        return self._until is not None and now < self._until

    def _read(self) -> datetime | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            until = datetime.fromisoformat(data["until"])
            entities = set(data.get("entities") or ())
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not entities >= MODELLED_ENTITIES and "*" not in entities:
            return None
        return until

    def write(self, until: datetime | None, entities: Iterable[str]) -> None:
        """Mark the cache live until ``until`` (``None`` removes the marker): temp file + ``os.replace``, 0600."""
        if until is None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self._until = self._key = None
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"until": until.isoformat(), "entities": sorted(set(entities))})
        fd, tmp = tempfile.mkstemp(prefix=".live-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._until, self._key = None, None  # re-read on the next check
