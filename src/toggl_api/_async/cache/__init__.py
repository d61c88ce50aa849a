"""Async caches (source of ``toggl_api._sync.cache``)."""
