"""``toggl-api cache clear``: empty the cache so the next ``sync`` is a full one.

It removes every cached entity, list marker, covered range and the sync state (``TogglCache.clear``), in one
all-or-nothing write that another process using the same cache sees whole. On a terminal it asks first; elsewhere
(scripts, pipes) it refuses unless ``--yes`` is given, so a stray command cannot empty a cache unseen.
"""

from __future__ import annotations

import sys

import click

from .._core.models import MODELS
from .app import CliError, Env, cache_group, pass_env

__all__ = ["clear"]


def _interactive() -> bool:
    """Whether a person can answer a question (stdin and stdout are terminals)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@cache_group.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask (needed when not on a terminal).")
@pass_env
def clear(env: Env, yes: bool) -> None:
    """Remove everything cached (entities, list markers, sync state); the next sync is a full one."""
    if not yes:
        if not _interactive():
            raise CliError(f"not clearing {env.location} without confirmation: pass --yes")
        if not click.confirm(f"Remove everything cached in {env.location}?", default=False):
            click.echo("nothing removed", err=True)
            return
    cache = env.cache()
    count = sum(len(cache.load(model)) for model in MODELS)
    cache.clear()
    click.echo(f"cleared {env.location}: {count} entities removed; the next `toggl-api sync` is a full one")
