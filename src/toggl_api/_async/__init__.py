"""Hand-written async I/O layer. ``toggl_api/_sync`` is generated from it by ``scripts/unasync.py``."""
