"""Async endpoint classes, one module per resource."""
