"""Atomic output files: every file geo_tracker writes goes through :func:`atomic_path`.

The content is written to a temporary file in the target's directory, which
then replaces the target in one ``os.replace``. A failure leaves any previous
file untouched and no temporary file behind; the temporary name carries the
writer's process id, so the leftovers of a killed writer are removed by the
next write beside them. The finished file gets the mode
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
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import RenderError

__all__ = ["atomic_path", "check_output", "output_mode", "temp_beside"]


def output_mode(path: Path) -> int:
    """The mode a finished output gets: the mode of the existing ``path``, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)  # the only way to read the umask is to set it
        os.umask(mask)
        return 0o666 & ~mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


def temp_beside(target: Path, suffix: str = ".tmp") -> tuple[int, Path]:
    """``mkstemp`` beside ``target`` (``.NAME.PID.XXXX`` + ``suffix``), first removing the temporary files
    that writers of ``target`` killed before they could clean up left there.

    Raises:
        OSError: the directory cannot be written.
    """
    directory = target.parent
    stem = f".{target.name}."
    for left in directory.glob(f"{glob.escape(stem)}*{glob.escape(suffix)}"):
        pid = left.name[len(stem):].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            left.unlink(missing_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=f"{stem}{os.getpid()}.", suffix=suffix)
    return fd, Path(name)


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
        fd, tmp = temp_beside(target, suffix)
    except OSError as exc:  # an unwritable or read-only directory
        raise RenderError(f"{target}: cannot write ({exc.strerror or exc})") from None
    os.close(fd)
    import sqlite3

    try:
        yield tmp
        os.chmod(tmp, output_mode(target))  # mkstemp makes 0600
        os.replace(tmp, target)
    except OSError as exc:
        raise RenderError(f"{target}: cannot write ({exc.strerror or exc})") from None
    except sqlite3.Error as exc:  # a GeoPackage written by SQLite: 'database or disk is full'
        raise RenderError(f"{target}: cannot write ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` names after following links, or ``None`` if there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _is_tracker_store(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is an SQLite file holding a geo-tracker store's metadata table (read-only peek)."""
    import sqlite3

    from .store import META

    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return False
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=0.5)
    except (OSError, sqlite3.Error, ValueError):
        return False
    try:
        return con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (META.name,)).fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        con.close()


def check_output(
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    store: str | os.PathLike[str] | None = None,
) -> None:
    """Refuse an ``output`` that would replace one of ``inputs``, the tracker ``store`` or any tracker store.

    Files are compared by device and inode after following links, so another
    name, a relative path, a symbolic or a hard link to the same file is caught.
    A directory among ``inputs`` protects the report files it holds. An output
    that does not exist yet replaces nothing and passes.

    Raises:
        RenderError: one line naming the output and what it would destroy.
    """
    from .io import iter_input_files

    target = _identity(output)
    if target is None:
        return
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    real = os.path.realpath(output)
    for item in inputs:
        if os.path.isdir(item):
            if os.path.commonpath([real, os.path.realpath(item)]) != os.path.realpath(item):
                continue
            files: Iterable[str | os.PathLike[str]] = iter_input_files([item])
        else:
            files = [item]
        for f in files:
            if _identity(f) == target:
                same = "" if os.fspath(f) == os.fspath(output) else f" ({f})"
                raise RenderError(f"{output}: the output is also an input{same}; nothing written, choose another output")
    if (store is not None and _identity(store) == target) or _is_tracker_store(output):
        raise RenderError(f"{output}: the output is a geo-tracker store; nothing written, choose another output")
