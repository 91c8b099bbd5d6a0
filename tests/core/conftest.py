"""Fixtures for the domain-core tests."""

from __future__ import annotations

import pytest

from tests.core.core_sample import Sample, make_sample


@pytest.fixture
def sample() -> Sample:
    return make_sample()
