"""Rebuild ``spec_subset.json`` from Toggl's Swagger file (run by hand when the Swagger file changes).

    python tests/fidelity/make_spec_subset.py path/to/track-v9.swagger.json

It keeps, for every route of ``toggl-v9-core-routes.md``, the 200 answer's schema (array or object and
the definition name) and, for those definitions and the ones their arrays hold, each property's type.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
_ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (/\S*) \|")


def _schema(schema: dict[str, Any] | None) -> list[str | None] | None:
    if not schema:
        return None
    if schema.get("type") == "array":
        items = schema.get("items", {})
        return ["array", items["$ref"].split("/")[-1] if "$ref" in items else items.get("type")]
    if "$ref" in schema:
        return ["object", schema["$ref"].split("/")[-1]]
    return [schema.get("type"), None]


def _type(prop: dict[str, Any]) -> str | None:
    if "$ref" in prop:
        return "object"
    if prop.get("type") == "array":
        items = prop.get("items", {})
        return "array<" + (items["$ref"].split("/")[-1] if "$ref" in items else items.get("type", "?")) + ">"
    value = prop.get("type")
    return value if isinstance(value, str) else None


def build(spec: dict[str, Any]) -> dict[str, Any]:
    """The subset kept in ``spec_subset.json``."""
    definitions: dict[str, Any] = spec["definitions"]
    routes = [m.groups() for m in map(_ROW.match, (HERE / "toggl-v9-core-routes.md").read_text().splitlines()) if m]
    responses: dict[str, Any] = {}
    needed: set[str] = set()
    for method, path in routes:
        operation = spec["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue  # GET /workspaces is not in the Swagger file
        schema = _schema(operation["responses"].get("200", {}).get("schema"))
        responses[f"{method} {path}"] = schema
        if schema and schema[1] in definitions:
            needed.add(str(schema[1]))
    for name in list(needed):
        for prop in definitions[name].get("properties", {}).values():
            items = prop.get("items", {}) if prop.get("type") == "array" else {}
            if "$ref" in items:
                needed.add(items["$ref"].split("/")[-1])
    return {
        "source": "Toggl Track v9 Swagger file (track-v9.swagger.json, March 2026): the 200 answers of the core "
        "routes and the definitions they use, reduced to property types.",
        "responses": responses,
        "definitions": {
            name: {key: _type(prop) for key, prop in definitions[name].get("properties", {}).items()}
            for name in sorted(needed)
        },
    }


if __name__ == "__main__":
    subset = build(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    (HERE / "spec_subset.json").write_text(json.dumps(subset, indent=1, sort_keys=True), encoding="utf-8")
