"""toggl-api-wrapper's private ``toggl_api.models._decorators`` (helpers and tests import ``UTCDateTime`` from it).

``UTCDateTime`` is the SQL column type of the SQL caches: aware datetimes in, aware UTC datetimes out, naive
datetimes refused. It needs SQLAlchemy (the ``sqlite`` extra); without it, reading the name raises ``ImportError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._core.models.tables import UTCDateTime

__all__ = ["UTCDateTime"]


def __getattr__(name: str) -> Any:
    if name == "UTCDateTime":
        from .._sqlcompat import require_sqlalchemy

        require_sqlalchemy()
        from .._core.models.tables import UTCDateTime

        return UTCDateTime
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
