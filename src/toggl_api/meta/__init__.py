"""Compatibility facade: the endpoint bases and request vocabulary of ``toggl-api-wrapper``."""

from .._core.api.body import BaseBody
from .._core.api.request import RequestMethod
from .._sync.endpoint import TogglCachedEndpoint, TogglEndpoint

__all__ = ["BaseBody", "RequestMethod", "TogglCachedEndpoint", "TogglEndpoint"]
