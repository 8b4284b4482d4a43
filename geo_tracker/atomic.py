"""Atomic output files: every file geo_tracker writes goes through :func:`atomic_path`.

The content is written to a temporary file in the target's directory, which
then replaces the target in one ``os.replace``. A failure leaves any previous
file untouched and no temporary file behind. The finished file gets the mode
an ordinary ``open()`` would give it (0666 less the umask), or keeps the mode
of the file it replaces.

Example:
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("hello", encoding="utf-8")
    >>> out.read_text(encoding="utf-8")
    'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import RenderError

__all__ = ["atomic_path", "output_mode"]


def output_mode(path: Path) -> int:
    """The mode a finished output gets: the mode of the existing ``path``, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)  # the only way to read the umask is to set it
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error it replaces ``path``.

    The block may write the temporary file, or delete and re-create it (GDAL
    creates its own files). ``suffix`` ends the temporary name, for writers
    that choose a format by extension.

    Raises:
        RenderError: the directory does not exist or cannot be written, or writing failed.
    """
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise RenderError(f"{target}: directory {directory} does not exist")
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=suffix)
    except OSError as exc:  # an unwritable or read-only directory
        raise RenderError(f"{target}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, output_mode(target))  # mkstemp makes 0600
        os.replace(tmp, target)
    except OSError as exc:
        raise RenderError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
