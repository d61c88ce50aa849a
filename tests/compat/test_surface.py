"""Every public name and parameter of toggl-api-wrapper 2.2.0 exists here, at the same position and of the same
kind (positional or keyword-only), so calls written for 2.2.0 bind the same way.

The expected surface is ``upstream_surface_2_2_0.txt`` (where it came from is written at its top); both sides are
enumerated by ``_surface.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: 2.2.0 entries met another way, each with the reason. The first argument of ``find`` is ``entry`` here (the
#: name 2.2.0's ``TogglCache``/``JSONCache`` used); the names its async caches (``pk``) and ``SqliteCache``
#: (``query``) gave it are accepted as keywords through ``**kwargs`` (``find_target``), which
#: ``test_upstream_behaviour.py`` calls.
MET_OTHERWISE = {
    "toggl_api.asyncio.AsyncSqliteCache.find(0:pk)": "toggl_api.asyncio.AsyncSqliteCache.find(**)",
    "toggl_api.asyncio.TogglAsyncCache.find(0:pk)": "toggl_api.asyncio.TogglAsyncCache.find(**)",
    "toggl_api.meta.cache.SqliteCache.find(0:query)": "toggl_api.meta.cache.SqliteCache.find(**)",
}


def _load_surface() -> list[str]:
    spec = importlib.util.spec_from_file_location("_toggl_surface", HERE / "_surface.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_toggl_surface", module)
    spec.loader.exec_module(module)
    return list(module.surface())


def _upstream() -> list[str]:
    lines = (HERE / "upstream_surface_2_2_0.txt").read_text().splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_upstream_list_holds_the_whole_surface() -> None:
    upstream = _upstream()
    assert len(upstream) == len(set(upstream)) > 1_500
    for module in ("toggl_api", "toggl_api.asyncio", "toggl_api.meta.cache", "toggl_api.reports"):
        assert f"{module}." in "".join(upstream)


def test_every_upstream_name_and_parameter_exists_here() -> None:
    ours = set(_load_surface())
    missing = [entry for entry in _upstream() if entry not in ours and MET_OTHERWISE.get(entry) not in ours]
    assert missing == []


def test_entries_met_otherwise_are_still_missing_in_their_upstream_form() -> None:
    # Keeps MET_OTHERWISE honest: an entry that starts to exist as such must leave the list.
    ours = set(_load_surface())
    assert [entry for entry in MET_OTHERWISE if entry in ours] == []
