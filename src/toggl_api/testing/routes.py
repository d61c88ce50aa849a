"""The URL table: (method, path regex) → handler, per API prefix.

To add an operation: write the handler in ``handlers/<resource>.py`` and append a
``route(...)`` row to that module's ``ROUTES``. A new resource module is registered by adding it
to ``TRACK_MODULES`` (Track v9) or ``REPORTS_MODULES`` (Reports v3).

Reports v3 plugs in here: create ``handlers/reports.py`` with ``ROUTES`` whose paths are relative
to ``/reports/api/v3`` (e.g. ``route("POST", "/workspace/{wid}/search/time_entries", ...)``) and add
the module to ``REPORTS_MODULES``. Quota accounting for ``/workspace/{wid}/...`` paths already
charges the workspace's organization.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

from attrs import define

from .errors import EmulatorError
from .handlers import (
    Route,
    clients,
    groups,
    me,
    organizations,
    preferences,
    projects,
    reports,
    status,
    tags,
    tasks,
    time_entries,
    users,
    workspaces,
)

__all__ = ["REPORTS_MODULES", "REPORTS_PREFIX", "TRACK_MODULES", "TRACK_PREFIX", "Match", "Router", "default_router"]

TRACK_PREFIX = "/api/v9"
REPORTS_PREFIX = "/reports/api/v3"

#: Track v9 handler modules (each has ``ROUTES``).
TRACK_MODULES: tuple[ModuleType, ...] = (
    me,
    workspaces,
    organizations,
    clients,
    projects,
    tags,
    time_entries,
    status,
    tasks,
    users,
    groups,
    preferences,
)
#: Reports v3 handler modules: register ``handlers.reports`` here.
REPORTS_MODULES: tuple[ModuleType, ...] = (reports,)


@define(frozen=True)
class Match:
    """A resolved route: API prefix, the route, the path below the prefix and the regex match."""

    prefix: str
    route: Route
    path: str
    match: re.Match[str]


class Router:
    """Resolve ``(method, url path)`` to a route; unknown path → 404, wrong method → 405 (empty)."""

    def __init__(self) -> None:
        self.prefixes: dict[str, list[Route]] = {TRACK_PREFIX: [], REPORTS_PREFIX: []}

    def add(self, prefix: str, routes: Iterable[Route]) -> None:
        """Register ``routes`` under ``prefix``."""
        self.prefixes.setdefault(prefix, []).extend(routes)

    def resolve(self, method: str, url_path: str) -> Match:
        """Find the route for ``method`` on ``url_path``.

        Raises:
            EmulatorError: 404 for an unknown path, 405 (empty body) for a known path with another method.
        """
        for prefix, routes in self.prefixes.items():
            if url_path != prefix and not url_path.startswith(prefix + "/"):
                continue
            rel = url_path[len(prefix) :].rstrip("/") or "/"
            known = False
            for candidate in routes:
                found = candidate.pattern.fullmatch(rel)
                if found:
                    if candidate.method == method.upper():
                        return Match(prefix, candidate, rel, found)
                    known = True
            if known:
                raise EmulatorError(405)
        raise EmulatorError(404, "404 page not found\n", content_type="text/plain; charset=utf-8")


def default_router() -> Router:
    """A router with every Track and Reports module registered."""
    router = Router()
    for module in TRACK_MODULES:
        router.add(TRACK_PREFIX, module.ROUTES)
    for module in REPORTS_MODULES:
        router.add(REPORTS_PREFIX, module.ROUTES)
    return router
