"""JSON nested too deeply for Python's decoder: a clean, located error instead of ``RecursionError``.

The standard decoder recurses once per ``[`` or ``{``, so a document nested
about a thousand levels deep (hostile or broken) exhausts the interpreter's
stack. :func:`decode` runs a decoder and, when that happens, finds where the
nesting went too deep and where the value ends with a flat scan (no
recursion), so a reader can name the line and, with ``--skip-bad``, skip just
that value.

Example:
    >>> import json
    >>> text = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"
    >>> try:
    ...     decode(json.loads, text)
    ... except TooDeep as exc:
    ...     print(exc, exc.line, exc.end == len(text))
    JSON nested too deeply (over 500 levels) 1 True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

__all__ = ["MAX_DEPTH", "TooDeep", "decode"]

MAX_DEPTH = 500
"""Depth named in the error and where it points (the decoder's own limit depends on the stack left)."""

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)

T = TypeVar("T")


class TooDeep(ValueError):
    """A JSON value nested deeper than the decoder can go.

    ``offset`` is where the nesting passed :data:`MAX_DEPTH` (or its deepest
    point), ``line`` its 1-based line, ``end`` the offset after the value that
    starts at the decoded position (the end of the text when it never closes).
    """

    def __init__(self, text: str, offset: int, end: int) -> None:
        super().__init__(f"JSON nested too deeply (over {MAX_DEPTH} levels)")
        self.offset, self.end = offset, end
        self.line = text.count("\n", 0, offset) + 1


def _scan(text: str, start: int) -> TooDeep:
    depth = deepest = 0
    offset = start
    for m in _TOKEN.finditer(text, start):
        char = m.group()
        if char in "[{":
            depth += 1
            if depth > deepest and deepest <= MAX_DEPTH:
                deepest, offset = depth, m.start()
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return TooDeep(text, offset, m.end())
    return TooDeep(text, offset, len(text))


def decode(decoder: Callable[..., T], text: str, start: int | None = None) -> T:
    """``decoder(text)`` (or ``decoder(text, start)``), raising :class:`TooDeep` instead of ``RecursionError``."""
    try:
        return decoder(text) if start is None else decoder(text, start)
    except RecursionError:
        raise _scan(text, start or 0) from None
