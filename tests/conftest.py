"""Shared fixtures: the shipped model and the Analyzer load once per test session."""

from __future__ import annotations

import pytest

from analyzer.model import DEFAULT_MODEL_DIR


@pytest.fixture(scope="session")
def analyzer():
    from analyzer.analysis import Analyzer

    return Analyzer.load(DEFAULT_MODEL_DIR)
