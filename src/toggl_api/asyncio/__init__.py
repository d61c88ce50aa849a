"""The async surface of ``toggl_api`` (``toggl-api-wrapper``'s ``toggl_api.asyncio`` names)."""

from .._async.cache.base import TogglAsyncCache
from .._async.endpoint import TogglAsyncCachedEndpoint, TogglAsyncEndpoint

__all__ = ["TogglAsyncCache", "TogglAsyncCachedEndpoint", "TogglAsyncEndpoint"]
