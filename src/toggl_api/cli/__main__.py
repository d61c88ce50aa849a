"""``python -m toggl_api.cli``: the ``toggl-api`` command."""

from . import main

if __name__ == "__main__":
    main()
