"""Shared pytest configuration.

`--long` turns on the slow tests (marked `long`): the 1,000,000-frame posbus fuzz and friends.
Without it they are skipped, so the default run stays quick; `.ci/run` runs them once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", default=False, help="run the long tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip_long = pytest.mark.skip(reason="long test: run with --long")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip_long)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR
