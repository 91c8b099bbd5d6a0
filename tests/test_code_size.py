"""Every module and function in `src/` stays small enough to read: no file over 600 lines and no
function over 80 (issue 12), outside migrations and seed data. The web client's limits are
ESLint's `max-lines` and `max-lines-per-function` (web/eslint.config.js)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "odyssey"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
# Data, not logic: the Alembic migrations and the tables of what a fresh node is seeded with.
EXEMPT = ("db/migrations/", "db/seed_data.py", "core/seed.py")


def modules() -> list[Path]:
    return [
        path
        for path in sorted(SRC.rglob("*.py"))
        if not path.relative_to(SRC).as_posix().startswith(EXEMPT)
    ]


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method longer than the limit."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append((node.name, node.lineno, length))
    return found


def test_no_file_over_600_lines() -> None:
    too_long = {
        str(path.relative_to(SRC)): lines
        for path in modules()
        if (lines := len(path.read_text().splitlines())) > MAX_FILE_LINES
    }
    assert too_long == {}


def test_no_function_over_80_lines() -> None:
    too_long = {
        f"{path.relative_to(SRC)}:{line} {name}": length
        for path in modules()
        for name, line, length in long_functions(path.read_text())
    }
    assert too_long == {}


def test_the_function_check_sees_a_long_one() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def short():\n    return 1\n\nasync def long():\n{body}\n") == [
        ("long", 4, MAX_FUNCTION_LINES + 1)
    ]
