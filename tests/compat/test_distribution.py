"""The distribution name is ours and every place that tells users what to install agrees with it.

``toggl-api`` on the package index is an unrelated library, so a hint naming it would install someone else's code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

import toggl_api
from toggl_api.__about__ import __title__

ROOT = Path(__file__).resolve().parents[2]
#: Names that must never be offered for installation: the unrelated ``toggl-api`` and the package we replace.
FOREIGN = {"toggl-api", "toggl_api", "toggl-api-wrapper"}


def _pyproject() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        tomllib = pytest.importorskip("tomli")
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return dict(tomllib.load(handle))


def _texts() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += [p for p in sorted((ROOT / "src" / "toggl_api").rglob("*.py")) if "_sync" not in p.parts]
    return files


def _install_targets(text: str) -> list[str]:
    """The distribution names ``pip install ...`` hints in ``text`` ask for (local paths and options skipped)."""
    found = []
    for command in re.findall(r"pip install ([^`\n]*)", text):
        for raw in command.split():
            token = raw.strip("\"'`,;)")
            if token in ("&&", "|", "#", ";") or not token:
                break
            if token.startswith("-"):  # an option (-q, -e, ...)
                continue
            # The first argument: a local path ("."), or a name built from ``__title__`` in code, is no hint to check.
            if not token.startswith((".", "/", "{")):
                found.append(re.split(r"[\[<>=!~ ]", token, maxsplit=1)[0])
            break
    return found


def test_the_distribution_name_is_the_one_the_package_reports() -> None:
    assert _pyproject()["project"]["name"] == __title__ == "toggl-track-sdk"
    assert toggl_api.__name__ == "toggl_api"


def test_the_dev_extra_installs_this_distribution() -> None:
    dev = _pyproject()["project"]["optional-dependencies"]["dev"]
    assert f"{__title__}[all,test]" in dev


def test_the_all_extra_holds_every_runtime_extra_including_postgres() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    everything = set(extras["all"])
    for name in ("sqlite", "async", "cli", "postgres"):
        assert set(extras[name]) <= everything, name


def test_every_install_hint_names_this_distribution() -> None:
    wrong = {}
    for path in _texts():
        for target in _install_targets(path.read_text(encoding="utf-8")):
            if target != __title__:
                wrong[str(path.relative_to(ROOT))] = target
    # docs/migrating.md tells users to *uninstall* toggl-api-wrapper, which is no install hint
    assert wrong == {}


def test_no_text_offers_the_foreign_names_with_extras() -> None:
    pattern = re.compile(r"(?<![\w-])(toggl-api|toggl_api|toggl-api-wrapper)\[")
    offenders = [str(p.relative_to(ROOT)) for p in _texts() if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_sql_cache_hint_names_this_distributions_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from toggl_api import _sqlcompat

    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(ImportError, match=re.escape(f"pip install '{__title__}[sqlite]'")):
        _sqlcompat.require_sqlalchemy()


def test_the_cli_names_the_postgres_extra_when_the_driver_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from toggl_api.cli import app

    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = CliRunner().invoke(
        app.cli, ["--cache", "postgresql+psycopg://someone@localhost/toggl", "cache", "stats"], catch_exceptions=True
    )
    assert result.exit_code == 1
    assert f"pip install '{__title__}[postgres]'" in result.output
