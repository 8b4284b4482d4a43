"""Shared fixtures: the default gazetteer is built (or loaded from cache) once per session.

The tests never see the developer's own imported gazetteer layers: the user
data directory is pointed at an empty temporary directory for the session.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from geo_tracker.gazetteer import Gazetteer

_DATA = tempfile.TemporaryDirectory(prefix="geo-tracker-test-data-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["GEO_TRACKER_DATA"] = _DATA.name


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.default()
