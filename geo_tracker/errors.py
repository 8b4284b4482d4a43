"""Typed exceptions. Each carries a plain one-line message fit for a terminal.

Example:
    >>> from geo_tracker.errors import InputError
    >>> str(InputError("reports.csv:3: missing 'text' column"))
    "reports.csv:3: missing 'text' column"
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(message: str) -> str:
    """``message`` with control characters (terminal escape sequences, line breaks) and bidi controls
    shown as escapes, so a file name cannot recolour, rewrite or reorder the terminal line.

    Example:
        >>> print(terminal_safe("\\x1b[2Jevil.md: empty file"))
        \\x1b[2Jevil.md: empty file
    """
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       message)


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
