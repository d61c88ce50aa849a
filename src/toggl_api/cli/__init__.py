"""The ``toggl-api`` command line (needs the ``cli`` extra: click and rich).

Importing ``toggl_api`` never imports this package, so the library works without click and rich.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run ``toggl-api`` (see ``toggl_api.cli.app``)."""
    from .app import main as app_main

    app_main(argv)
