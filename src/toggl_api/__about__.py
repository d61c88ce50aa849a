"""Distribution metadata for ``toggl_api``."""

__title__ = "toggl-api"
__version__ = "3.0.0"
__description__ = "Typed Python SDK for the Toggl Track API with offline caches and an emulator."
__license__ = "MIT"

__all__ = ["__description__", "__license__", "__title__", "__version__"]
