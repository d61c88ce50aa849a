"""Distribution metadata for ``toggl_api`` (toggl-api-wrapper's ``__about__`` names, with this project's values)."""

#: The distribution name (what ``pip install`` takes); the import name is ``toggl_api``. Every install hint
#: the package prints is built from it.
__title__ = "toggl-track-sdk"
__version__ = "3.0.0"
__description__ = "Typed Python SDK for the Toggl Track API with offline caches and an emulator."
__author__ = "toggl_api contributors"
__author_email__ = ""
__keywords__ = ["toggl", "toggl-track", "time-tracking", "api", "sdk"]
__status__ = "4 - Beta"
__license__ = "MIT"
__readme__ = "README.md"
# toggl-api-wrapper had these three; this project publishes no site of its own (yet), so they are empty.
__repository__ = ""
__homepage__ = ""
__documentation__ = ""

__all__ = [
    "__author__",
    "__author_email__",
    "__description__",
    "__documentation__",
    "__homepage__",
    "__keywords__",
    "__license__",
    "__readme__",
    "__repository__",
    "__status__",
    "__title__",
    "__version__",
]
