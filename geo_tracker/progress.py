"""Progress bars for long work: shown on a terminal, silent when piped or quiet.

One small API over `tqdm <https://tqdm.github.io>`_ for every long command
(``batch``, ``ingest`` of many files, ``gazetteer import``, the first build
of the gazetteer index):

* :func:`progress_bar` — a context manager yielding a :class:`Progress`
  (``update``, ``update_to``, ``set_total``, ``write``);
* :func:`track` — wraps an iterable, one step per item;
* :func:`set_enabled` — the process-wide switch (the CLI's ``--quiet``);
* :func:`write` — print a line (``skipped: …``) without breaking a running bar.

A bar is shown only when all of these hold: the call did not pass
``quiet=True`` or ``enabled=False``; :func:`set_enabled` did not turn bars
off; ``GEO_TRACKER_PROGRESS`` is not ``0``; and the output stream (standard
error by default) is a terminal or the code runs in a Jupyter kernel, where
``tqdm.auto`` draws a widget. ``GEO_TRACKER_PROGRESS=1`` forces bars on.
A disabled bar costs one method call per update and never imports tqdm.

Example:
    >>> from geo_tracker.progress import progress_bar, track
    >>> with progress_bar(total=3, desc="reports", unit=" reports", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.update()
    >>> bar.n, bar.enabled
    (3, False)
    >>> sum(track(range(4), desc="files", quiet=True))
    6
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

__all__ = ["Progress", "progress_bar", "progress_enabled", "set_enabled", "track", "write"]

T = TypeVar("T")

ENV_VAR = "GEO_TRACKER_PROGRESS"
"""``0`` turns every bar off, ``1`` forces bars on even when not on a terminal."""

_override: bool | None = None


def set_enabled(enabled: bool | None) -> None:
    """Turn bars off (``False``) or on (``True``) process-wide; ``None`` restores auto-detection.

    The CLI's ``--quiet`` calls ``set_enabled(False)``; batch workers do too.

    Example:
        >>> set_enabled(False); progress_enabled(); set_enabled(None)
        False
    """
    global _override
    _override = enabled


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where standard error is no terminal but a widget shows)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # pragma: no cover - a broken IPython install
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def write(message: str, file: IO[str] | None = None) -> None:
    """Print one line to ``file`` (standard error by default), above any running bar.

    Example:
        >>> import io
        >>> out = io.StringIO(); write("skipped: bad.csv:3: missing 'text'", file=out); out.getvalue()
        "skipped: bad.csv:3: missing 'text'\\n"
    """
    from .errors import terminal_safe

    message = "\n".join(terminal_safe(line) for line in message.split("\n"))
    file = sys.stderr if file is None else file
    tqdm = sys.modules.get("tqdm")  # a bar can only be running if tqdm was imported
    if tqdm is not None and getattr(tqdm.tqdm, "_instances", None):
        tqdm.tqdm.write(message, file=file)
    else:
        print(message, file=file)


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress_enabled(enabled: bool | None = None, *, quiet: bool = False, file: IO[str] | None = None) -> bool:
    """Whether a bar would be shown; see the module doc for the rules.

    Example:
        >>> import io
        >>> progress_enabled(file=io.StringIO()), progress_enabled(True), progress_enabled(True, quiet=True)
        (False, True, False)
    """
    if quiet or enabled is False or _override is False:
        return False
    if enabled or _override:
        return True
    env = os.environ.get(ENV_VAR, "").strip()
    if env in ("0", "1"):
        return env == "1"
    return _in_notebook() or _isatty(sys.stderr if file is None else file)


class Progress:
    """A running bar, or a silent counter when disabled.

    ``n`` counts the steps done either way, so callers can report totals.
    """

    def __init__(self, bar: Any | None, total: int | None, file: IO[str] | None) -> None:
        self._bar = bar
        self._file = file
        self.n = 0
        self.total = total

    @property
    def enabled(self) -> bool:
        """True when a bar is drawn."""
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self.n += n
        if self._bar is not None:
            self._bar.update(n)

    def update_to(self, done: int) -> None:
        """Advance to ``done`` steps: for callbacks that report a running count.

        Example:
            >>> with progress_bar(enabled=False) as bar:
            ...     for rows in (100, 250):
            ...         bar.update_to(rows)
            >>> bar.n
            250
        """
        if done > self.n:
            self.update(done - self.n)

    def set_total(self, total: int | None) -> None:
        """Change the expected number of steps (an estimate that turned out wrong)."""
        self.total = total
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def set_description(self, desc: str) -> None:
        """Change the label in front of the bar."""
        if self._bar is not None:
            self._bar.set_description_str(desc)

    def write(self, message: str) -> None:
        """Print one line to the bar's stream without breaking the bar."""
        write(message, self._file)


def _tqdm_class():
    """``tqdm.auto.tqdm`` in a notebook, the terminal tqdm elsewhere; ``None`` without tqdm."""
    try:
        if _in_notebook():
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency; degrade to silence
        return None
    return tqdm


@contextmanager
def progress_bar(
    total: int | None = None,
    *,
    desc: str | None = None,
    unit: str = "it",
    enabled: bool | None = None,
    quiet: bool = False,
    file: IO[str] | None = None,
    leave: bool = True,
) -> Iterator[Progress]:
    """A progress bar for the ``with`` block: drawn on a terminal, silent otherwise.

    Args:
        total: expected number of steps, or ``None`` for a counter with a rate.
        desc: label in front of the bar.
        unit: what a step is (``" reports"``, ``" files"``, ``" rows"``).
        enabled: ``True``/``False`` force the bar on/off; ``None`` decides
            from the stream, the environment and :func:`set_enabled`.
        quiet: ``True`` turns the bar off whatever else says (``--quiet``).
        file: stream to draw on (default: standard error).
        leave: keep the finished bar on screen.

    Example:
        >>> with progress_bar(total=2, desc="files", quiet=True) as bar:
        ...     bar.update(2)
        >>> bar.n
        2
    """
    tqdm = _tqdm_class() if progress_enabled(enabled, quiet=quiet, file=file) else None
    bar = None
    if tqdm is not None:
        bar = tqdm(total=total, desc=desc, unit=unit, file=file, leave=leave, dynamic_ncols=True,
                   unit_scale=total is None or total >= 10_000)
    progress = Progress(bar, total, file)
    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def track(iterable: Iterable[T], total: int | None = None, **options: Any) -> Iterator[T]:
    """Yield the items of ``iterable``, advancing a bar by one after each.

    ``total`` defaults to ``len(iterable)`` when it has one; ``options`` are
    those of :func:`progress_bar` (``desc``, ``unit``, ``enabled``, ``quiet``, ``file``).

    Example:
        >>> list(track(["a.md", "b.md"], desc="ingest", unit=" files", quiet=True))
        ['a.md', 'b.md']
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    with progress_bar(total, **options) as bar:
        for item in iterable:
            yield item
            bar.update()
