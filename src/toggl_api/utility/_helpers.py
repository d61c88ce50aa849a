"""toggl-api-wrapper's ``toggl_api.utility._helpers``: the date and payload helpers, and ``_requires``."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from .._core.timeutil import format_iso, get_timestamp, get_workspace, parse_iso

__all__ = ["format_iso", "get_timestamp", "get_workspace", "parse_iso"]  # ``_requires`` is private (importable)

P = ParamSpec("P")
R = TypeVar("R")


def _requires(module: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function so calling it raises ``ImportError`` when ``module`` is not installed.

    The check runs at call time (``importlib.util.find_spec``), with toggl-api-wrapper's message
    ``"'<Module>' is required for this functionality!"``.
    """

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if importlib.util.find_spec(module) is None:
                msg = f"'{module.title()}' is required for this functionality!"
                raise ImportError(msg)
            return func(*args, **kwargs)

        return wrapper

    return decorator
