"""The OpenAPI document of `/api/v4` is the committed copy, byte for byte once normalized.

Refactoring the routes (one table for the attribute scopes, a handler layer) must not change a
path, method, parameter, schema, auth label or error reason a client relies on. When a change to
the API is meant, regenerate the copy and review its diff:

    .venv/bin/python -m tests.api.test_openapi_identity --write
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from odyssey.api.docs import build_openapi
from odyssey.app import create_app
from odyssey.config import Settings

COMMITTED = Path(__file__).resolve().parent.parent / "data" / "openapi-v4.json"


def current_document(data_dir: Path) -> dict[str, Any]:
    """The document the app builds; no lifespan needed (routes are mounted at creation)."""
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir}/odyssey.db", port=0)
    return build_openapi(create_app(settings))


def normalized(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def test_openapi_document_is_the_committed_copy(tmp_path: Path) -> None:
    current = normalized(current_document(tmp_path))
    committed = COMMITTED.read_text()
    if current != committed:
        now = json.loads(current)
        then = json.loads(committed)
        added = sorted(set(now["paths"]) - set(then["paths"]))
        removed = sorted(set(then["paths"]) - set(now["paths"]))
        changed = sorted(
            path
            for path in set(now["paths"]) & set(then["paths"])
            if now["paths"][path] != then["paths"][path]
        )
        schemas = sorted(
            name
            for name in set(now["components"]["schemas"]) | set(then["components"]["schemas"])
            if now["components"]["schemas"].get(name) != then["components"]["schemas"].get(name)
        )
        raise AssertionError(
            f"the OpenAPI document differs from {COMMITTED.name}: paths added {added}, "
            f"removed {removed}, changed {changed}; schemas changed {schemas}"
        )


def test_a_changed_route_is_noticed(tmp_path: Path) -> None:
    """The comparison is not vacuous: dropping one parameter of one path shows as a change."""
    document = current_document(tmp_path)
    path = next(p for p, item in document["paths"].items() if "parameters" in str(item))
    for operation in document["paths"][path].values():
        if isinstance(operation, dict) and operation.get("parameters"):
            operation["parameters"] = operation["parameters"][1:]
            break
    assert normalized(document) != COMMITTED.read_text()


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.api.test_openapi_identity --write")
    with tempfile.TemporaryDirectory() as directory:
        COMMITTED.write_text(normalized(current_document(Path(directory))))
    print(f"wrote {COMMITTED}")
