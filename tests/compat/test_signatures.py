"""Public signatures: every sync endpoint matches its async twin, and both keep toggl-api-wrapper 2.2.0's documented
constructors and methods (names, parameter kinds and order, defaults, return types).

Allowed differences, on purpose: extra keyword-only parameters with defaults (``base_url``, ``clock``, ``policy``,
``page``...), and ``retries`` defaulting to ``None`` (= the retry policy's own default of 3 retries).
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import toggl_api
import toggl_api.asyncio

P = inspect.Parameter
POS, KW = P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY
EMPTY = P.empty
VAR = P.VAR_POSITIONAL

#: upstream 2.2.0 (reference §3.1-§3.7): method -> ([(name, kind, default)], return annotation)
CTOR_WS = [
    ("workspace_id", POS, EMPTY),
    ("auth", POS, EMPTY),
    ("cache", POS, None),
    ("client", KW, None),
    ("timeout", KW, 10),
    ("re_raise", KW, False),
    ("retries", KW, 3),
]
CTOR_PLAIN = [
    ("auth", POS, EMPTY),
    ("cache", POS, None),
    ("client", KW, None),
    ("timeout", KW, 10),
    ("re_raise", KW, False),
    ("retries", KW, 3),
]
UPSTREAM: dict[str, dict[str, tuple[list[tuple[str, Any, Any]], str | None]]] = {
    "ClientEndpoint": {
        "__init__": (CTOR_WS, None),
        "add": ([("body", POS, EMPTY)], "TogglClient"),
        "get": ([("client_id", POS, EMPTY), ("refresh", KW, False)], "TogglClient | None"),
        "edit": ([("client", POS, EMPTY), ("body", POS, EMPTY)], "TogglClient"),
        "delete": ([("client", POS, EMPTY)], "None"),
        "collect": ([("body", POS, None), ("refresh", KW, False)], "list[TogglClient]"),
    },
    "ProjectEndpoint": {
        "__init__": (CTOR_WS, None),
        "collect": (
            [
                ("body", POS, None),
                ("refresh", KW, False),
                ("sort_pinned", KW, False),
                ("only_me", KW, False),
                ("only_templates", KW, False),
            ],
            "list[TogglProject]",
        ),
        "get": ([("project_id", POS, EMPTY), ("refresh", KW, False)], "TogglProject | None"),
        "delete": ([("project", POS, EMPTY)], "None"),
        "edit": ([("project", POS, EMPTY), ("body", POS, EMPTY)], "TogglProject"),
        "add": ([("body", POS, EMPTY)], "TogglProject"),
        "get_color": ([("name", POS, EMPTY)], "str"),
        "get_color_id": ([("color", POS, EMPTY)], "int"),
    },
    "TagEndpoint": {
        "__init__": (CTOR_WS, None),
        "get": ([("tag", POS, EMPTY), ("refresh", KW, False)], "TogglTag | None"),
        "collect": ([("refresh", KW, False)], "list[TogglTag]"),
        "add": ([("name", POS, EMPTY)], "TogglTag"),
        "edit": ([("tag", POS, EMPTY), ("name", POS, EMPTY)], "TogglTag"),
        "delete": ([("tag", POS, EMPTY)], "None"),
    },
    "TrackerEndpoint": {
        "__init__": (CTOR_WS, None),
        "current": ([("refresh", KW, True)], "TogglTracker | None"),
        "collect": (
            [
                ("since", POS, None),
                ("before", POS, None),
                ("start_date", POS, None),
                ("end_date", POS, None),
                ("refresh", KW, False),
            ],
            "list[TogglTracker]",
        ),
        "get": ([("tracker_id", POS, EMPTY), ("refresh", KW, False)], "TogglTracker | None"),
        "edit": ([("tracker", POS, EMPTY), ("body", POS, EMPTY), ("meta", KW, False)], "TogglTracker"),
        "bulk_edit": ([("trackers", VAR, EMPTY), ("body", KW, EMPTY)], "Edits"),
        "delete": ([("tracker", POS, EMPTY)], "None"),
        "stop": ([("tracker", POS, EMPTY)], "TogglTracker | None"),
        "add": ([("body", POS, EMPTY)], "TogglTracker"),
    },
    "OrganizationEndpoint": {
        "__init__": (CTOR_PLAIN, None),
        "get": ([("organization", POS, EMPTY), ("refresh", KW, False)], "TogglOrganization | None"),
        "add": ([("name", POS, EMPTY), ("workspace_name", POS, "Default-Workspace")], "TogglOrganization"),
        "edit": ([("organization", POS, EMPTY), ("name", POS, EMPTY)], "TogglOrganization"),
        "collect": ([("refresh", KW, False)], "list[TogglOrganization]"),
        "delete": ([("organization", POS, EMPTY)], "None"),
    },
    "WorkspaceEndpoint": {
        "__init__": ([("organization_id", POS, EMPTY), *CTOR_PLAIN], None),
        "get": ([("workspace", POS, EMPTY), ("refresh", KW, False)], "TogglWorkspace | None"),
        "add": ([("body", POS, EMPTY)], "TogglWorkspace"),
        "collect": ([("since", POS, None), ("refresh", KW, False)], "list[TogglWorkspace]"),
        "edit": ([("workspace_id", POS, EMPTY), ("body", POS, EMPTY)], "TogglWorkspace"),
        "tracker_constraints": ([("workspace_id", POS, EMPTY)], "dict[str, bool]"),
        "statistics": ([("workspace_id", POS, EMPTY)], "WorkspaceStatistics"),
    },
    "UserEndpoint": {
        "__init__": ([(n, k, d) for n, k, d in CTOR_PLAIN if n != "cache"], None),
        "verify_authentication": ([("auth", POS, EMPTY), ("client", KW, None)], "bool"),
        "get_details": ([], "dict[str, Any]"),
    },
}
#: Known, deliberate differences from upstream defaults.
ALLOWED_DEFAULTS = {("retries", 3): None}
#: Methods whose sync and async forms differed in toggl-api-wrapper 2.2.0 and still do: the async
#: ``status_to_query(status, statement)`` narrows a SQLAlchemy ``Select``, the sync one returns ``TogglQuery``s.
WORLD_SPECIFIC = {("ProjectEndpoint", "status_to_query")}

PAIRS = sorted(UPSTREAM)


def _params(func: Any) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(func).parameters.values() if p.name != "self" and p.kind is not P.VAR_KEYWORD]


def _shape(func: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in _params(func)]


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, value in inspect.getmembers(cls)
        if not name.startswith("_") and callable(value) and not isinstance(value, type)
    }


@pytest.mark.parametrize("name", PAIRS)
def test_sync_class_has_every_public_method_of_its_async_twin(name: str) -> None:
    sync_cls = getattr(toggl_api, name)
    async_cls = getattr(toggl_api.asyncio, f"Async{name}")
    assert _public_methods(sync_cls) == _public_methods(async_cls) - {"aclose"} | (
        {"close"} & _public_methods(sync_cls)
    )


@pytest.mark.parametrize("name", PAIRS)
def test_sync_methods_have_the_signatures_of_their_async_twins(name: str) -> None:
    sync_cls = getattr(toggl_api, name)
    async_cls = getattr(toggl_api.asyncio, f"Async{name}")
    for method in sorted(_public_methods(async_cls) - {"aclose"} | {"__init__"}):
        if (name, method) in WORLD_SPECIFIC:
            continue
        assert _shape(getattr(sync_cls, method)) == _shape(getattr(async_cls, method)), method


@pytest.mark.parametrize("name", PAIRS)
def test_async_methods_are_coroutines_and_sync_ones_are_not(name: str) -> None:
    sync_cls = getattr(toggl_api, name)
    async_cls = getattr(toggl_api.asyncio, f"Async{name}")
    for method in UPSTREAM[name]:
        if method in ("__init__", "get_color", "get_color_id"):
            continue
        assert inspect.iscoroutinefunction(getattr(async_cls, method)), method
        assert not inspect.iscoroutinefunction(getattr(sync_cls, method)), method


def _check_upstream(cls: type, method: str, expected: list[tuple[str, Any, Any]], returns: str | None) -> None:
    actual = _params(getattr(cls, method))
    by_name = {p.name: p for p in actual}
    for index, (param, kind, default) in enumerate(expected):
        assert param in by_name, f"{cls.__name__}.{method} lost parameter {param}"
        ours = by_name[param]
        assert ours.kind == kind, f"{cls.__name__}.{method}({param}) kind changed"
        if kind is POS or kind is VAR:
            assert actual[index].name == param, f"{cls.__name__}.{method}: {param} moved"
        assert ours.default == ALLOWED_DEFAULTS.get((param, default), default), f"{cls.__name__}.{method}({param})"
    for extra in (p for p in actual if p.name not in {e[0] for e in expected}):
        where = f"{cls.__name__}.{method}: extra {extra.name} breaks callers"
        assert extra.kind is KW, where
        assert extra.default is not EMPTY, where
    if returns is not None:
        assert inspect.signature(getattr(cls, method)).return_annotation == returns, f"{cls.__name__}.{method}"


@pytest.mark.parametrize(("name", "method"), [(n, m) for n in PAIRS for m in UPSTREAM[n]])
def test_sync_method_keeps_the_upstream_signature(name: str, method: str) -> None:
    expected, returns = UPSTREAM[name][method]
    _check_upstream(getattr(toggl_api, name), method, expected, returns)


@pytest.mark.parametrize(("name", "method"), [(n, m) for n in PAIRS for m in UPSTREAM[n]])
def test_async_method_keeps_the_upstream_signature(name: str, method: str) -> None:
    expected, returns = UPSTREAM[name][method]
    _check_upstream(getattr(toggl_api.asyncio, f"Async{name}"), method, expected, returns)


def test_async_user_endpoint_also_verifies_authentication() -> None:
    assert inspect.iscoroutinefunction(toggl_api.asyncio.AsyncUserEndpoint.verify_authentication)


def test_top_level_all_holds_upstreams_names() -> None:
    upstream = {
        "BulkEditParameter", "ClientBody", "ClientEndpoint", "DateTimeError", "Edits", "MissingParentError",
        "NamingError", "NoCacheAssignedError", "OrganizationEndpoint", "ProjectBody", "ProjectEndpoint",
        "TagEndpoint", "TogglClient", "TogglOrganization", "TogglProject", "TogglTag", "TogglTracker",
        "TogglWorkspace", "TrackerBody", "TrackerEndpoint", "User", "UserEndpoint", "WorkspaceBody",
        "WorkspaceEndpoint", "WorkspaceStatistics", "__version__",
    }  # fmt: skip
    assert upstream <= set(toggl_api.__all__)
    assert all(hasattr(toggl_api, n) for n in toggl_api.__all__)


def test_tracker_body_keeps_upstreams_positional_field_order() -> None:
    import dataclasses

    names = [f.name for f in dataclasses.fields(toggl_api.TrackerBody)]
    # Upstream's ten fields keep their positions; fields added here (task_id, billable) only ever come after them.
    assert names == [
        "description", "duration", "project_id", "start", "stop", "tag_action", "tag_ids", "tags",
        "shared_with_user_ids", "created_with", "task_id", "billable",
    ]  # fmt: skip


def test_edits_is_a_two_field_named_tuple() -> None:
    successes, failures = toggl_api.Edits([1], [])
    assert (successes, failures) == ([1], [])
