"""The sync twin of every name in ``toggl_api.asyncio``, found by the generator's own renaming.

Generated tests import ``toggl_api._sync_surface`` where their async source imports ``toggl_api.asyncio``
(a rule in ``scripts/unasync.py``), so each test module needs no hand-kept sync import list. A name resolves to
the object of the same renamed name in the ``_sync`` twin of the async object's module.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__: list[str] = []

_RENAMES = [
    (re.compile(r"^TogglAsync(\w*)$"), r"Toggl\1"),
    (re.compile(r"^Async([A-Z]\w*)$"), r"\1"),
    (re.compile(r"^async_(\w+)$"), r"\1"),
]


def _sync_name(name: str) -> str:
    for pattern, replacement in _RENAMES:
        if pattern.match(name):
            return pattern.sub(replacement, name)
    return name


def _index() -> dict[str, Any]:
    facade = importlib.import_module("toggl_api.asyncio")
    found: dict[str, Any] = {}
    for async_name in getattr(facade, "__all__", []):
        obj = getattr(facade, async_name)
        module_name = getattr(obj, "__module__", "") or ""
        module = importlib.import_module(module_name.replace("._async", "._sync"))
        sync_name = _sync_name(async_name)
        found[sync_name] = getattr(module, sync_name)
    return found


def __getattr__(name: str) -> Any:
    index = _index()
    if name not in index:
        msg = f"toggl_api.asyncio has no async twin of {name!r}"
        raise AttributeError(msg)
    return index[name]
