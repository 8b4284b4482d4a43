"""Shared fixtures: the default gazetteer is built (or loaded from cache) once per session."""

from __future__ import annotations

import pytest

from geo_tracker.gazetteer import Gazetteer


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.default()
