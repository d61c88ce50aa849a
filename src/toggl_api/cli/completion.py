"""Shell completion of names from the cache (projects, tags...) for click's completion (bash, zsh, fish).

Completion runs before any command: it opens the cache the command line (or the config file) names, reads it
without a request, and offers the names that start with what was typed (any letter case). Any trouble (no cache
yet, a damaged one) offers nothing rather than printing an error into the shell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem

from .._core.models import TogglClass

__all__ = ["names_of"]


def names_of(model: type[TogglClass]) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A completer offering the cached names of ``model`` that start with the text typed."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        from .app import Env

        root = ctx.find_root()
        try:
            env = Env(root.params.get("cache"), root.params.get("cache_type"), bool(root.params.get("fake")), False)
            if env.cache_url is None and not env.cache_path.exists():
                return []  # never synced: nothing to offer, and completing must not create the cache
            items: list[Any] = env.load(model)
        except Exception:
            return []
        typed = incomplete.casefold()
        names = sorted({m.name for m in items if m.name.casefold().startswith(typed)}, key=str.casefold)
        return [CompletionItem(name) for name in names]

    return complete
