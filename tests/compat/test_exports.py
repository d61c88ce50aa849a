"""toggl-api-wrapper 2.2.0's public names are importable from the same modules (reference §1.1, §10.1)."""

from __future__ import annotations

import importlib

import pytest

UPSTREAM_ALL = {
    "toggl_api": [
        "BulkEditParameter", "ClientBody", "ClientEndpoint", "DateTimeError", "Edits", "MissingParentError",
        "NamingError", "NoCacheAssignedError", "OrganizationEndpoint", "ProjectBody", "ProjectEndpoint",
        "TagEndpoint", "TogglClient", "TogglOrganization", "TogglProject", "TogglTag", "TogglTracker",
        "TogglWorkspace", "TrackerBody", "TrackerEndpoint", "User", "UserEndpoint", "WorkspaceBody",
        "WorkspaceEndpoint", "WorkspaceStatistics", "__version__",
    ],
    "toggl_api.meta": ["BaseBody", "RequestMethod", "TogglCachedEndpoint", "TogglEndpoint"],
    "toggl_api.meta.cache": [
        "Comparison", "JSONCache", "JSONSession", "SqliteCache", "TogglCache", "TogglQuery",
    ],
    "toggl_api.models": [
        "TogglClass", "TogglClient", "TogglOrganization", "TogglProject", "TogglTag", "TogglTracker",
        "TogglWorkspace", "WorkspaceChild", "as_dict_custom", "register_tables",
    ],
    "toggl_api.asyncio": [
        "AsyncClientEndpoint", "AsyncDetailedReportEndpoint", "AsyncOrganizationEndpoint", "AsyncProjectEndpoint",
        "AsyncReportEndpoint", "AsyncSqliteCache", "AsyncSummaryReportEndpoint", "AsyncTagEndpoint",
        "AsyncTrackerEndpoint", "AsyncUserEndpoint", "AsyncWeeklyReportEndpoint", "AsyncWorkspaceEndpoint",
        "TogglAsyncCache", "TogglAsyncCachedEndpoint", "TogglAsyncEndpoint", "async_register_tables",
    ],
    "toggl_api.utility": ["format_iso", "get_timestamp", "get_workspace", "parse_iso"],
}
# Modules without __all__ upstream: the names only have to be importable.
UPSTREAM_NAMES = {
    "toggl_api.reports": [
        "ReportFormats", "PaginationOptions", "PaginatedResult", "InvalidExtensionError", "ReportBody",
        "ReportEndpoint", "SummaryReportEndpoint", "DetailedReportEndpoint", "WeeklyReportEndpoint",
        "_validate_extension",
    ],
    "toggl_api.config": [
        "AuthenticationError", "WorkspaceMissingError", "generate_authentication", "use_togglrc",
        "retrieve_workspace_id", "retrieve_togglrc_workspace_id",
    ],
}


@pytest.mark.parametrize(("module", "names"), sorted(UPSTREAM_ALL.items()))
def test_upstream_names_are_exported_in_all(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    missing = sorted(set(names) - set(mod.__all__))
    assert missing == []
    for name in names:
        assert getattr(mod, name) is not None


@pytest.mark.parametrize(("module", "names"), sorted(UPSTREAM_NAMES.items()))
def test_upstream_names_are_importable(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    assert [n for n in names if not hasattr(mod, n)] == []


@pytest.mark.parametrize("module", sorted(set(UPSTREAM_ALL) | {"toggl_api.reports", "toggl_api.testing"}))
def test_every_name_in_all_resolves_and_all_is_sorted(module: str) -> None:
    mod = importlib.import_module(module)
    exported = list(getattr(mod, "__all__", []))
    assert [n for n in exported if not hasattr(mod, n)] == []
    assert len(exported) == len(set(exported)), "a name is listed twice"


def test_sqlite_cache_is_a_real_class() -> None:
    """C15: the exported SqliteCache can be subscripted, subclassed and used with isinstance."""
    from toggl_api.meta.cache import SqliteCache

    assert isinstance(SqliteCache, type)
    assert SqliteCache["object"] is not None  # type: ignore[index]


def test_workspace_and_tracker_errors_are_value_errors() -> None:
    from toggl_api import DateTimeError, NamingError, NoCacheAssignedError

    assert issubclass(DateTimeError, ValueError)
    assert issubclass(NamingError, ValueError)
    assert issubclass(NoCacheAssignedError, AttributeError)
