"""SQL lives in `odyssey.db` only: the import contract refuses a database library imported by
any other package (a copy of the package with deliberate bad imports fails the check)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.test_architecture import ROOT, lint_imports


def test_a_database_import_outside_storage_is_refused(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "odyssey", tmp_path / "odyssey")
    with (tmp_path / "odyssey" / "media" / "quotas.py").open("a") as module:
        module.write("\nimport sqlalchemy  # a domain service writing its own SQL\n")
    with (tmp_path / "odyssey" / "services.py").open("a") as module:
        module.write("\nimport alembic  # migrations run anywhere but in storage\n")

    done = lint_imports(tmp_path)

    assert done.returncode != 0
    assert "odyssey.media is not allowed to import sqlalchemy" in done.stdout
    assert "odyssey.services is not allowed to import alembic" in done.stdout
    assert "Only storage imports the database libraries BROKEN" in done.stdout
