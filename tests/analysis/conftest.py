"""Fixtures for the analysis tests."""

from __future__ import annotations

import pytest

from perftui.analysis import MetricSpec


@pytest.fixture
def lower() -> MetricSpec:
    return MetricSpec("APP-001", direction="lower")


@pytest.fixture
def higher() -> MetricSpec:
    return MetricSpec("VAL-003", direction="higher")
