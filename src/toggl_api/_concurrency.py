"""The only module that knows both worlds: pairs that ``scripts/unasync.py`` maps by name.

Generated sync code calls the plain name; the async source calls the ``async``/``A`` one.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

__all__ = ["AsyncLock", "Lock"]


class AsyncLock:
    """An ``asyncio.Lock`` usable as ``async with``."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> None:
        await self._lock.acquire()

    async def __aexit__(self, *exc: Any) -> None:
        self._lock.release()


class Lock:
    """A ``threading.Lock`` usable as ``with``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()
