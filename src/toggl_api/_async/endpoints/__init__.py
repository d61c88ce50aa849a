"""The Track v9 resource endpoints, one module per resource."""

from .client import AsyncClientEndpoint
from .group import AsyncGroupEndpoint
from .organization import AsyncOrganizationEndpoint
from .project import AsyncProjectEndpoint
from .project_user import AsyncProjectUserEndpoint
from .tag import AsyncTagEndpoint
from .task import AsyncTaskEndpoint
from .tracker import AsyncTrackerEndpoint
from .user import AsyncUserEndpoint
from .users import AsyncOrganizationUserEndpoint, AsyncWorkspaceUserEndpoint
from .workspace import AsyncWorkspaceEndpoint

__all__ = [
    "AsyncClientEndpoint",
    "AsyncGroupEndpoint",
    "AsyncOrganizationEndpoint",
    "AsyncOrganizationUserEndpoint",
    "AsyncProjectEndpoint",
    "AsyncProjectUserEndpoint",
    "AsyncTagEndpoint",
    "AsyncTaskEndpoint",
    "AsyncTrackerEndpoint",
    "AsyncUserEndpoint",
    "AsyncWorkspaceEndpoint",
    "AsyncWorkspaceUserEndpoint",
]
