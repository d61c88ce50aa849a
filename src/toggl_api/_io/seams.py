"""A seam for crash tests: every step of a cache commit calls ``step(name)``; a test sets ``crash_hook`` to stop
(``os._exit``) a writer there and checks what a new process reads afterwards."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["crash_hook", "step"]

#: Called with the name of each commit step (``None``: nothing happens, the production setting).
crash_hook: Callable[[str], None] | None = None


def step(name: str) -> None:
    """Report that a commit reached the step ``name`` (a no-op unless a test installed ``crash_hook``)."""
    if crash_hook is not None:
        crash_hook(name)
