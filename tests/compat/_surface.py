"""The public surface of an installed ``toggl_api``, as a sorted list of strings (shared by the surface test and
the command that regenerated ``upstream_surface_2_2_0.txt``).

Entries:
- ``module.Name``: a name importable from a public module (defined by the package, or listed in ``__all__``);
- ``module.Class.member``: a public method, property, class constant or enum member of such a class;
- ``module.function(0:param)`` / ``module.Class(1:param)`` / ``module.Class.method(param=)``: a parameter, with
  its position when it can be passed positionally, or ``=`` when it is keyword-only; ``(*)`` and ``(**)`` stand
  for ``*args`` / ``**kwargs`` (their names cannot be used by callers).

Run ``python tests/compat/_surface.py`` with a given installation's interpreter to print its surface.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import sys
import types
from typing import Any

#: The public modules of toggl-api-wrapper 2.2.0 (reference upstream-api.md §1.1), plus the private module and
#: names its users' helpers and tests import (§1.1, §4.4, §7.2).
MODULES = [
    "toggl_api",
    "toggl_api.__about__",
    "toggl_api.asyncio",
    "toggl_api.config",
    "toggl_api.meta",
    "toggl_api.meta.cache",
    "toggl_api.models",
    "toggl_api.reports",
    "toggl_api.utility",
]
PRIVATE = {
    "toggl_api.config": ["_get_togglrc"],
    "toggl_api.models._decorators": ["UTCDateTime"],
    "toggl_api.reports": ["_validate_extension"],
    "toggl_api.utility": ["_requires"],
}


def _own(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith("toggl_api")


def _params(qual: str, func: Any, out: set[str]) -> None:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return
    position = 0
    for param in signature.parameters.values():
        if param.name in ("self", "cls"):
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            out.add(f"{qual}(*)")
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            out.add(f"{qual}(**)")
        elif param.kind is inspect.Parameter.KEYWORD_ONLY:
            out.add(f"{qual}({param.name}=)")
        else:
            out.add(f"{qual}({position}:{param.name})")
            position += 1


def _class(qual: str, cls: type, out: set[str]) -> None:
    _params(qual, cls, out)
    if issubclass(cls, BaseException):
        return
    data_fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    for name in dir(cls):
        if name.startswith("_") or name in data_fields:
            continue
        try:
            value = inspect.getattr_static(cls, name)
        except AttributeError:  # pragma: no cover - dir() lists it
            continue
        func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if inspect.isfunction(func):
            out.add(f"{qual}.{name}")
            if _own(func):
                _params(f"{qual}.{name}", func, out)
        elif (
            isinstance(value, (property, enum.Enum))
            or (isinstance(value, type) and _own(value))
            or name.isupper()  # class constants: BASE_ENDPOINT, MODEL, BASIC_COLORS, MATCH_DICT...
        ):
            out.add(f"{qual}.{name}")


def surface() -> list[str]:
    """Every entry of the installed package's surface (see the module docstring)."""
    out: set[str] = set()
    for module_name in sorted({*MODULES, *PRIVATE}):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:  # its entries are then reported missing
            continue
        exported = list(getattr(module, "__all__", []))
        names = [n for n in dir(module) if not n.startswith("_")] + exported + PRIVATE.get(module_name, [])
        for name in sorted(set(names)):
            if not hasattr(module, name):
                continue
            value = getattr(module, name)
            if isinstance(value, types.ModuleType) or not (_own(value) or name in exported):
                continue
            if isinstance(value, TypeVarType):
                continue
            qual = f"{module_name}.{name}"
            out.add(qual)
            target = getattr(value, "__wrapped__", value)  # 2.2.0's SqliteCache is a function wrapping the class
            if inspect.isclass(target):
                _class(qual, target, out)
            elif inspect.isfunction(value):
                _params(qual, value, out)
    return sorted(out)


TypeVarType = type(__import__("typing").TypeVar("_T"))

if __name__ == "__main__":
    sys.stdout.write("\n".join(surface()) + "\n")
