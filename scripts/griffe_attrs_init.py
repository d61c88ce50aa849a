"""Griffe extension of the docs build: give attrs classes the constructor attrs generates for them.

Griffe reads source code, where an attrs class (``TogglTracker``, ``RetryPolicy``, ``Limits``, ``Fault`` ...) has
no ``__init__``: the reference would show them without a signature. This extension imports each such class
(only during ``mkdocs build``), reads its fields with ``attrs.fields`` and adds the ``__init__`` attrs wrote, so
``merge_init_into_class`` shows the constructor like any other. Classes with a hand-written ``__init__`` are
left alone. Loaded from ``mkdocs.yml`` (``extensions: [scripts/griffe_attrs_init.py]``).
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path
from typing import Any

import attrs
import griffe

SRC = Path(__file__).resolve().parent.parent / "src"


def _annotation(value: Any, parent: griffe.Class) -> str | griffe.Expr | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else inspect.formatannotation(value)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return text
    # An expression lets the reference link the names in the annotation, as for hand-written signatures.
    return griffe.safe_get_annotation(node, parent=parent) or text


def _default(field: attrs.Attribute) -> str | None:  # type: ignore[type-arg]
    default = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory
        return f"{getattr(factory, '__name__', repr(factory))}()"
    return repr(default)


class AttrsInit(griffe.Extension):
    """Add the attrs-generated ``__init__`` to every attrs class that has none in its source."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        """Called by griffe once the members of ``cls`` are loaded."""
        if "__init__" in cls.members:
            return
        try:
            runtime = griffe.dynamic_import(cls.path, [SRC, *sys.path])  # it replaces sys.path while importing
        except Exception:  # a class that does not import is documented as griffe sees it
            return
        if not (inspect.isclass(runtime) and attrs.has(runtime) and "__init__" in vars(runtime)):
            return
        parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
        for field in attrs.fields(runtime):
            if not field.init:
                continue
            kind = griffe.ParameterKind.keyword_only if field.kw_only else griffe.ParameterKind.positional_or_keyword
            parameters.append(
                griffe.Parameter(
                    field.alias or field.name,
                    annotation=_annotation(field.type, cls),
                    kind=kind,
                    default=_default(field),
                )
            )
        init = griffe.Function(
            "__init__",
            parameters=griffe.Parameters(*parameters),
            returns="None",
            lineno=cls.lineno,
            endlineno=cls.lineno,
        )
        cls.set_member("__init__", init)
