"""The API reference is usable: every public class is on a page with its constructor documented, docstrings are
Markdown (no Sphinx markup shows up raw), no private name is exported, and signatures are formatted."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import toggl_api

from .conftest import DOCS

ROOT = DOCS.parent
#: Every module whose ``__all__`` is public API (what the reference pages render).
PUBLIC_MODULES = (
    "toggl_api",
    "toggl_api.asyncio",
    "toggl_api.config",
    "toggl_api.errors",
    "toggl_api.meta",
    "toggl_api.history",
    "toggl_api.meta.cache",
    "toggl_api.models",
    "toggl_api.reports",
    "toggl_api.testing",
    "toggl_api.testing.pytest_plugin",
    "toggl_api.utility",
    "toggl_api.webhooks",
)
#: Classes of the I/O layers that stay internal, and why (everything else there must be public).
INTERNAL_CLASSES = {
    "WriteGuard": "wraps endpoint write methods; never built by users",
    "ResourceEndpoint": "shared helpers of the resource endpoints",
    "WorkspaceScopedEndpoint": "base class; its constructor is documented on each endpoint",
    "OrganizationScopedEndpoint": "base class; its constructor is documented on each endpoint",
    "Requester": "the HTTP engine behind every endpoint",
    "CacheStats": "the async caches' twin of toggl_api.meta.cache.CacheStats (same fields)",
    "Backfill": "the engine behind TogglSync.sync(since=...) and collect() past three months; built by them",
}
SPHINX_ROLE = re.compile(r":(?:py:)?[a-z]+:`")
SPHINX_DIRECTIVE = re.compile(r"^\s*\.\. [a-z-]+::", re.MULTILINE)
RST_LITERAL_BLOCK = re.compile(r"\S::\s*$", re.MULTILINE)
DIRECTIVE = re.compile(r"^:::\s+(\S+)((?:\n[ \t]+.*)*)", re.MULTILINE)


def _public() -> Iterator[tuple[str, str, Any]]:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            yield module_name, name, getattr(module, name)


def _own(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith("toggl_api")


def _docstrings() -> Iterator[tuple[str, str]]:
    """(where, docstring) of every public module, public name and public member the reference renders."""
    seen: set[int] = set()
    for module_name in PUBLIC_MODULES:
        yield module_name, importlib.import_module(module_name).__doc__ or ""
    for module_name, name, obj in _public():
        documented = inspect.isclass(obj) or inspect.isroutine(obj)  # a TypeVar or a value has the type's doc
        if id(obj) in seen or not (documented and _own(obj)):
            continue
        seen.add(id(obj))
        where = f"{module_name}.{name}"
        yield where, inspect.getdoc(obj) or ""
        if inspect.isclass(obj):
            for member_name, member in inspect.getmembers(obj):
                if member_name.startswith("_") and member_name != "__init__":
                    continue
                target = member.fget if isinstance(member, property) else member
                if callable(target) and _own(target) and target.__doc__:
                    yield f"{where}.{member_name}", inspect.getdoc(target) or ""


def _all_modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(toggl_api.__path__, "toggl_api."):
        if info.name.endswith("__main__"):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # an optional extra not installed here
            continue


def _reference_directives() -> list[tuple[str, str]]:
    """(object path, options text) of every ``:::`` directive of the docs pages."""
    return [
        (name, options) for page in sorted(DOCS.rglob("*.md"))
        for name, options in DIRECTIVE.findall(page.read_text(encoding="utf-8"))
    ]


def test_no_sphinx_markup_in_rendered_docstrings() -> None:
    found = []
    for where, doc in _docstrings():
        for pattern in (SPHINX_ROLE, SPHINX_DIRECTIVE, RST_LITERAL_BLOCK):
            found += [f"{where}: {m.group(0).strip()!r}" for m in pattern.finditer(doc)]
    assert found == [], "Sphinx/RST markup shows raw on the site; use Markdown (`code`, [Name][path], ```fences```)"


def test_every_public_class_appears_on_a_reference_page() -> None:
    directives = _reference_directives()
    # A module directive renders the classes of its __all__, unless it names its members itself.
    whole_modules = {name for name, options in directives if "members:" not in options}
    named = {name for name, _ in directives}
    missing = [
        f"{module}.{name}"
        for module, name, obj in _public()
        if inspect.isclass(obj) and module not in whole_modules and f"{module}.{name}" not in named
    ]
    assert missing == []


def test_every_class_of_the_io_layers_has_a_public_import_path() -> None:
    public = {id(obj) for _, _, obj in _public()}
    hidden = [
        f"{module.__name__}.{name}"
        for module in _all_modules()
        if module.__name__.startswith(("toggl_api._sync", "toggl_api._async"))
        for name in getattr(module, "__all__", [])
        if inspect.isclass(getattr(module, name))
        and id(getattr(module, name)) not in public
        and name.removeprefix("Async") not in INTERNAL_CLASSES
    ]
    assert hidden == []


def test_toggl_sync_is_importable_from_the_package() -> None:
    from toggl_api import SyncReport, TogglSync
    from toggl_api.asyncio import AsyncTogglSync

    assert TogglSync.sync.__annotations__["return"] in ("SyncReport", SyncReport)
    assert inspect.iscoroutinefunction(AsyncTogglSync.sync)


def test_no_private_name_in_any_all() -> None:
    private = [
        f"{module.__name__}.{name}"
        for module in _all_modules()
        for name in getattr(module, "__all__", [])
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    ]
    assert private == []


def test_private_helpers_of_toggl_api_wrapper_stay_importable() -> None:
    from toggl_api.reports import _validate_extension
    from toggl_api.utility import _requires

    assert callable(_validate_extension)
    assert callable(_requires)


def _args_documented(doc: str) -> set[str]:
    """Names in the ``Args:`` section of a Google-style docstring."""
    match = re.search(r"^Args:\n((?:[ \t]+.*\n?|\n)*)", doc, re.MULTILINE)
    if match is None:
        return set()
    return {m.lstrip("*") for m in re.findall(r"^ {4}(\*{0,2}\w+)(?: \([^)]*\))?:", match.group(1), re.MULTILINE)}


def _constructed_classes() -> list[tuple[str, type]]:
    from toggl_api._async.sync import AsyncTogglSync
    from toggl_api._sync.sync import TogglSync
    from toggl_api.asyncio import TogglAsyncCache, TogglAsyncEndpoint
    from toggl_api.meta import TogglEndpoint
    from toggl_api.meta.cache import TogglCache
    from toggl_api.webhooks import AsyncWebhookReceiver, WebhookReceiver

    bases = (TogglEndpoint, TogglAsyncEndpoint, TogglCache, TogglAsyncCache)
    extra = (TogglSync, AsyncTogglSync, WebhookReceiver, AsyncWebhookReceiver)
    out: dict[int, tuple[str, type]] = {}
    for module, name, obj in _public():
        if inspect.isclass(obj) and (issubclass(obj, bases) or obj in extra) and not inspect.isabstract(obj):
            out.setdefault(id(obj), (f"{module}.{name}", obj))
    return sorted(out.values(), key=lambda item: item[0])


@pytest.mark.parametrize(("name", "cls"), _constructed_classes(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_endpoint_and_cache_constructors_document_every_argument(name: str, cls: type) -> None:
    owner = next(k for k in cls.__mro__ if "__init__" in vars(k))
    init = vars(owner)["__init__"]
    documented = _args_documented(inspect.getdoc(init) or "")
    if owner is cls:  # the class's own docstring documents its own constructor on its page
        documented |= _args_documented(inspect.getdoc(cls) or "")
    # An inherited constructor is shown on the subclass's page with the __init__ docstring only.
    wanted = {p for p in inspect.signature(init).parameters if p != "self"}
    assert sorted(wanted - documented) == [], f"{name}: document them under Args: in {owner.__qualname__}.__init__"


def test_sync_side_docstrings_do_not_call_themselves_async() -> None:
    wrong = []
    for module_name, name, obj in _public():
        if inspect.isclass(obj) and obj.__module__.startswith("toggl_api._sync"):
            for where, doc in ((name, obj.__doc__), (f"{name}.__init__", vars(obj).get("__init__", None).__doc__
                                                     if "__init__" in vars(obj) else None)):
                if doc and re.search(r"\basync\b", doc.split("\n\n")[0]):
                    wrong.append(f"{module_name}.{where}: {doc.splitlines()[0]}")
    assert wrong == []


def _docs_extra() -> list[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"]["docs"])


def test_docs_extra_installs_a_signature_formatter() -> None:
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in _docs_extra()}
    assert names & {"ruff", "black"}, "mkdocstrings-python wraps signatures only with ruff or black installed"


def test_mkdocs_shows_constructors_and_separate_formatted_signatures() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for option in ("merge_init_into_class: true", "separate_signature: true", "show_signature_annotations: true"):
        assert re.search(rf"^\s+{re.escape(option)}\s*$", config, re.MULTILINE), option


def test_attrs_classes_get_their_generated_constructor_in_the_reference() -> None:
    griffe = pytest.importorskip("griffe")
    extensions = griffe.load_extensions(f"{ROOT / 'scripts' / 'griffe_attrs_init.py'}:AttrsInit")
    module = griffe.load("toggl_api._core.policy", search_paths=[str(ROOT / "src")], extensions=extensions)
    init = module["RetryPolicy"].members["__init__"]
    assert [p.name for p in init.parameters][:3] == ["self", "retries", "base_delay"]
    assert init.parameters["retries"].default == "3"


def test_reference_pages_build_from_paths_that_exist() -> None:
    # Every directive must name something importable, or mkdocs (strict) fails far from the cause.
    for name, _ in _reference_directives():
        module, _, attr = name.rpartition(".")
        try:
            importlib.import_module(name)
        except ImportError:
            assert hasattr(importlib.import_module(module), attr), name
