"""One module per Toggl resource; each exposes ``ROUTES`` (see ``toggl_api.testing.routes``)."""

from ._base import EMPTY, Ctx, Handler, Reply, Route, route

__all__ = ["EMPTY", "Ctx", "Handler", "Reply", "Route", "route"]
