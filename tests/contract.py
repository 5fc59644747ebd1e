"""Access to the vendored API contract (`contract/`) for tests."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

CONTRACT_DIR = Path(__file__).resolve().parent.parent / "contract"
EXAMPLES_DIR = CONTRACT_DIR / "examples"


@functools.cache
def spec() -> dict[str, Any]:
    """The OpenAPI document as a dict."""
    with (CONTRACT_DIR / "openapi.yaml").open(encoding="utf-8") as fh:
        document: dict[str, Any] = yaml.safe_load(fh)
    return document


def example(name: str) -> Any:
    """One example file, by file name without `.json`."""
    return json.loads((EXAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def example_schemas() -> list[tuple[str, str]]:
    """(example file stem, schema name) for every example the spec attaches to a media type."""
    found: dict[str, str] = {}
    examples = spec()["components"]["examples"]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            schema = node.get("schema")
            if isinstance(schema, dict) and "$ref" in schema and isinstance(node.get("examples"), dict):
                for ref in node["examples"].values():
                    if "$ref" in ref:
                        entry = examples[ref["$ref"].rsplit("/", 1)[-1]]
                        stem = Path(entry["x-sety-file"]).stem
                        found[stem] = schema["$ref"].rsplit("/", 1)[-1]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec())
    return sorted(found.items())


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for all operations of the contract."""
    result = []
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                result.append((method.upper(), path, op))
    return result
