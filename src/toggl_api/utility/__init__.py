"""Compatibility facade: date helpers and payload helpers of ``toggl-api-wrapper``."""

from ._helpers import _requires as _requires  # private in toggl-api-wrapper too; its tests import it
from ._helpers import format_iso, get_timestamp, get_workspace, parse_iso

__all__ = ["format_iso", "get_timestamp", "get_workspace", "parse_iso"]
