"""The import rules of docs/architecture.md (pyproject.toml, [tool.importlinter]) hold, and the
checker really refuses a violation: a copy of the package with deliberate bad imports fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(python_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if python_path is not None:  # ahead of the installed package: this copy is checked
        env["PYTHONPATH"] = str(python_path)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_violation_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "odyssey", tmp_path / "odyssey")
    with (tmp_path / "odyssey" / "core" / "geometry.py").open("a") as module:
        module.write("\nfrom odyssey.db import tables  # the pure core reaching for storage\n")
    with (tmp_path / "odyssey" / "auth" / "errors.py").open("a") as module:
        module.write("\nimport fastapi  # a domain service speaking HTTP\n")
    with (tmp_path / "odyssey" / "db" / "engine.py").open("a") as module:
        module.write("\nimport odyssey.api.errors  # storage importing a transport\n")

    done = lint_imports(tmp_path)

    assert done.returncode != 0
    assert "odyssey.core is not allowed to import odyssey.db" in done.stdout
    assert "odyssey.auth is not allowed to import fastapi" in done.stdout
    assert "odyssey.db is not allowed to import odyssey.api" in done.stdout
