"""Typed exceptions. Each carries a plain one-line message fit for a terminal.

Example:
    >>> from geo_tracker.errors import InputError
    >>> str(InputError("reports.csv:3: missing 'text' column"))
    "reports.csv:3: missing 'text' column"
"""

from __future__ import annotations


class GeoTrackerError(Exception):
    """Base class of every error geo_tracker raises on purpose."""


class InputError(GeoTrackerError):
    """A report file or directory could not be read (missing, unsupported, malformed)."""


class GazetteerError(GeoTrackerError):
    """A gazetteer file is missing or malformed."""


class RenderError(GeoTrackerError):
    """A map or export could not be written."""


class StoreError(GeoTrackerError):
    """A tracker store could not be opened, read or written (not a store, locked, newer schema)."""
