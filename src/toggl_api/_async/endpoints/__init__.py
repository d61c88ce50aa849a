"""The Track v9 resource endpoints (async source; ``toggl_api._sync.endpoints`` is generated from it)."""

from .client import AsyncClientEndpoint
from .organization import AsyncOrganizationEndpoint
from .project import AsyncProjectEndpoint
from .tag import AsyncTagEndpoint
from .tracker import AsyncTrackerEndpoint
from .user import AsyncUserEndpoint
from .workspace import AsyncWorkspaceEndpoint

__all__ = [
    "AsyncClientEndpoint",
    "AsyncOrganizationEndpoint",
    "AsyncProjectEndpoint",
    "AsyncTagEndpoint",
    "AsyncTrackerEndpoint",
    "AsyncUserEndpoint",
    "AsyncWorkspaceEndpoint",
]
