"""Service status (no authentication, no quota)."""

from __future__ import annotations

from typing import Any

from ._base import Ctx, Route, route

__all__ = ["ROUTES"]


def status(ctx: Ctx) -> Any:
    """GET /status."""
    return {"status": "OK"}


ROUTES: list[Route] = [route("GET", "/status", status, auth=False)]
