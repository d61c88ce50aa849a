"""The documentation only points at things that exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from .conftest import DOCS

DIRECTIVE = re.compile(r"^:::\s+(\S+)", re.MULTILINE)
SNIPPET = re.compile(r"""^\s*--8<--\s+["']([^"']+)["']""", re.MULTILINE)
PAGES = sorted(DOCS.rglob("*.md"))
#: The public modules whose API the reference must render.
FACADES = (
    "toggl_api",
    "toggl_api.asyncio",
    "toggl_api.meta",
    "toggl_api.meta.cache",
    "toggl_api.models",
    "toggl_api.reports",
    "toggl_api.config",
    "toggl_api.utility",
    "toggl_api.testing",
    "toggl_api.errors",
    "toggl_api.webhooks",
    "toggl_api.history",
)


def _directives() -> list[tuple[Path, str]]:
    return [(page, name) for page in PAGES for name in DIRECTIVE.findall(page.read_text(encoding="utf-8"))]


def _resolve(dotted: str) -> object:
    """Import the longest importable module prefix of ``dotted``, then follow attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize(("page", "name"), _directives(), ids=lambda v: v if isinstance(v, str) else v.name)
def test_reference_directive_names_an_importable_object(page: Path, name: str) -> None:
    assert name.startswith("toggl_api"), f"{page.name}: {name} is not part of toggl_api"
    _resolve(name)


def test_every_public_module_has_a_reference_section() -> None:
    assert set(FACADES) <= {name for _, name in _directives()}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_included_snippets_exist(page: Path) -> None:
    for target in SNIPPET.findall(page.read_text(encoding="utf-8")):
        assert (DOCS / target).is_file(), f"{page.name} includes missing {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_python_imports_shown_in_the_docs_resolve(page: Path) -> None:
    # Upstream's docs imported names that never existed (JSONCache from toggl_api); ours must not.
    text = page.read_text(encoding="utf-8")
    for module, names in re.findall(r"^\s*from (toggl_api[\w.]*) import ([\w, ]+)$", text, re.MULTILINE):
        imported = importlib.import_module(module)
        for name in (n.strip() for n in names.split(",")):
            assert hasattr(imported, name), f"{page.name}: `from {module} import {name}` fails"
