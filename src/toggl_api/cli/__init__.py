"""The ``toggl-api`` command line (needs the ``cli`` extra: click and rich).

Importing ``toggl_api`` never imports this package, so the library works without click and rich.
"""

from __future__ import annotations

from ..__about__ import __title__

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run ``toggl-api`` (see ``toggl_api.cli.app``); without click and rich, say which extra to install."""
    try:
        from .app import main as app_main
    except ModuleNotFoundError as exc:
        if exc.name not in {"click", "rich"}:
            raise
        import sys

        print(f"toggl-api needs {exc.name!r}: pip install '{__title__}[cli]'", file=sys.stderr)
        raise SystemExit(2) from None
    app_main(argv)
