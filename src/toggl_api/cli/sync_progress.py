"""The counts beside ``toggl-api sync``'s progress bar, from the engine's ``SyncProgress`` (pure)."""

from __future__ import annotations

from .._sync.sync import SyncProgress

__all__ = ["progress_counts"]


def progress_counts(step: SyncProgress) -> str:
    """``"3 requests · 120 stored · ~2 windows left"``: what the run spent and did so far."""
    parts = [f"{step.requests} request{'s' if step.requests != 1 else ''}", f"{step.stored} stored"]
    if step.windows_left is not None:
        parts.append(f"~{step.windows_left} window{'s' if step.windows_left != 1 else ''} left")
    elif step.share is not None:
        parts.append("windows left: counting")
    return " · ".join(parts)
