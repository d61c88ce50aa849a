"""Compatibility facade: date helpers and payload helpers of ``toggl-api-wrapper``."""

from .._core.timeutil import format_iso, get_timestamp, get_workspace, parse_iso

__all__ = ["format_iso", "get_timestamp", "get_workspace", "parse_iso"]
