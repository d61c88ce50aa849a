"""``python -m toggl_api``: the ``toggl-api`` command line (needs the ``cli`` extra)."""

from .cli import main

if __name__ == "__main__":
    main()
