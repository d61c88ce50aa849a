"""Compatibility facade: the caches of ``toggl-api-wrapper`` (``toggl_api.meta.cache``).

``SqliteCache`` is a real class (subscriptable, usable with ``isinstance``); without SQLAlchemy installed it
raises ``ImportError`` when constructed.
"""

from ..._core.errors import CorruptCacheError
from ..._core.query import Comparison, TogglQuery
from ..._io.json_store import CustomDecoder, CustomEncoder, JSONSession
from ..._sync.cache.base import CacheStats, TogglCache
from ..._sync.cache.json import JSONCache
from ..._sync.cache.sqlite import SqliteCache

__all__ = [
    "CacheStats",
    "Comparison",
    "CorruptCacheError",
    "CustomDecoder",
    "CustomEncoder",
    "JSONCache",
    "JSONSession",
    "SqliteCache",
    "TogglCache",
    "TogglQuery",
]
