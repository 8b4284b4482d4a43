"""Read reports from files and directories.

Every reader yields :class:`geo_tracker.models.Report` objects. Supported inputs:

``.txt`` / ``.md``
    One report per file. Optional front-matter lines at the top
    (``published:``, ``source:``, ``url:``, ``id:``, ``title:``) end at the first
    blank line or the first line that is not one of those ``key: value`` lines; a
    block fenced by ``---`` lines is accepted too. The id defaults to the file stem.
    A title is the headline: it becomes the first paragraph of the report's text.
``.jsonl``
    One JSON object per line (blank lines are ignored). Streamed.
``.json``
    A list of objects, or ``{"reports": [...]}``.
``.csv``
    A header row, then one record per row. Streamed. A stray or unclosed quote
    and a row with more fields than the header are malformed records.
``.parquet``
    A table with a ``text`` column (and optionally the other fields), read a
    row batch at a time. Needs pyarrow (the ``batch`` extra).
a directory
    Every supported file below it, recursively, in sorted order (hidden files
    and directories are ignored). A directory that cannot be listed, or holds
    no supported file, is a problem like a bad file.

Records carry ``text`` (required) and optionally ``id``, ``published``
(ISO ``YYYY-MM-DD``, full ISO datetimes accepted), ``source`` and ``url``.
A record without an id gets ``<file stem>:<line>`` (JSONL, CSV) or
``<file stem>:<n>`` (the n-th item or row, from 1, of a JSON list or Parquet table).

Problems raise :class:`geo_tracker.errors.InputError` with a one-line message
that starts with the file (``file:line`` for JSONL/CSV records): missing paths,
FIFOs and devices, unsupported extensions, empty and binary files, bytes that
are not UTF-8 (``errors='replace'`` decodes them as U+FFFD), malformed records. With
``skip_bad=True`` bad records and files are skipped and their messages passed
to ``on_skip`` instead.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "convoy.md").write_text(
    ...     "published: 2021-02-08\\nsource: SOHR\\n\\n45 vehicles entered via Al-Walid.\\n",
    ...     encoding="utf-8")
    >>> [(r.id, r.published.isoformat(), r.source) for r in read_reports([d])]
    [('convoy', '2021-02-08', 'SOHR')]
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import importlib.resources
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import jsondepth
from .errors import InputError
from .models import Report

__all__ = [
    "SUPPORTED_SUFFIXES",
    "read_reports",
    "read_report_chunks",
    "read_report_file",
    "iter_input_files",
    "parse_date",
    "sample_paths",
]

log = logging.getLogger(__name__)

Errors = Literal["strict", "replace"]
SkipHandler = Callable[[str], None]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".jsonl", ".json", ".csv", ".parquet")
"""File extensions :func:`read_reports` understands (case-insensitive)."""

FRONT_MATTER_KEYS: tuple[str, ...] = ("published", "source", "url", "id", "title")
_RECORD_FIELDS = ("id", "text", "published", "source", "url")

CSV_FIELD_LIMIT = 1 << 30
"""Longest CSV cell read (csv's default, 128 KiB, is shorter than many reports)."""
if csv.field_size_limit() < CSV_FIELD_LIMIT:  # process-wide, and only ever raised
    csv.field_size_limit(CSV_FIELD_LIMIT)

_FRONT_MATTER_RE = re.compile(r"\s*(" + "|".join(FRONT_MATTER_KEYS) + r")\s*:\s*(.*?)\s*$", re.IGNORECASE)
_SNIFF_BYTES = 8192


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Bad:
    """A problem found while streaming a file; raised or skipped by the caller."""

    message: str


def _default_on_skip(message: str) -> None:
    log.warning("skipped: %s", message)


def parse_date(value: Any) -> _dt.date | None:
    """Parse an ISO date (``YYYY-MM-DD``) or ISO datetime; ``None``/``""`` give ``None``.

    Raises ``ValueError`` for anything else.

    Example:
        >>> parse_date("2021-02-06"), parse_date("2021-02-06T09:30:00Z")
        (datetime.date(2021, 2, 6), datetime.date(2021, 2, 6))
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)")
    s = value.strip()
    if not s:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        try:
            return _dt.date.fromisoformat(s)
        except ValueError:
            raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)") from None
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]", s):
        try:
            return _dt.datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00")).date()
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD)")


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    value = value.strip()
    return value or None


def _make_report(
    record: Any,
    *,
    where: str,
    default_id: str,
    published: _dt.date | None,
    errors: Errors = "strict",
) -> Report | _Bad:
    """Validate one record (a mapping) into a Report, or describe why it is bad."""
    if not isinstance(record, dict):
        return _Bad(f"{where}: expected a JSON object, got {type(record).__name__}")
    record = _without_surrogates(record, where, errors)
    if isinstance(record, _Bad):
        return record
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return _Bad(f"{where}: missing 'text'")
    try:
        rid = _opt_str(record.get("id"))
    except ValueError as exc:
        return _Bad(f"{where}: bad 'id': {exc}")
    try:
        date = parse_date(record.get("published"))
    except ValueError as exc:
        return _Bad(f"{where}: {exc}")
    try:
        source = _opt_str(record.get("source"))
        url = _opt_str(record.get("url"))
    except ValueError as exc:
        return _Bad(f"{where}: bad 'source' or 'url': {exc}")
    return Report(
        id=rid or default_id,
        text=text.strip(),
        published=date if date is not None else published,
        source=source,
        url=url,
    )


def report_from_record(record: Any, *, where: str, default_id: str, published: _dt.date | None = None) -> Report:
    """The :class:`Report` that reading one JSON record gives (as in a ``.jsonl`` file), or :class:`InputError`.

    Example:
        >>> report_from_record({"id": "a", "text": " Trucks left. "}, where="x:1", default_id="x:1").text
        'Trucks left.'
    """
    made = _make_report(record, where=where, default_id=default_id, published=published)
    if isinstance(made, _Bad):
        raise InputError(made.message)
    return made


_LINE_FORMATS = (".jsonl", ".csv")


def _looks_binary(head: bytes, suffix: str) -> bool:
    """NUL bytes make a file binary, except in a line of a JSONL or CSV file that starts as text.

    There the bad line is one malformed record (skippable on its own), as it is
    further down the file.
    """
    if b"\x00" not in head:
        return False
    if suffix not in _LINE_FORMATS:
        return True
    first = head.lstrip(b"\r\n").split(b"\n", 1)[0].removeprefix(codecs.BOM_UTF8)
    if b"\x00" in first:
        return True
    try:  # final=False: a character cut by the end of the sniffed bytes is still text
        codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
    except UnicodeDecodeError:
        return True
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(record: dict[str, Any], where: str, errors: Errors) -> dict[str, Any] | _Bad:
    """A JSON string may escape half a surrogate pair (``"\\ud83d"``): not Unicode, so not text
    that can be matched or written out. Strict: a bad record; replace: U+FFFD (offsets unchanged)."""
    found = {k: v for k in _RECORD_FIELDS if isinstance(v := record.get(k), str) and _SURROGATE.search(v)}
    if not found:
        return record
    if errors == "replace":
        return {**record, **{k: _SURROGATE.sub("\ufffd", v) for k, v in found.items()}}
    key, value = next(iter(found.items()))
    m = _SURROGATE.search(value)
    assert m is not None
    return _Bad(f"{where}: {key!r} holds an unpaired surrogate (\\u{ord(m.group()):04x} at character {m.start() + 1}), "
                "not Unicode; read it anyway with --errors replace (errors='replace' in Python)")


def _sniff(path: Path) -> bytes:
    """Check a file is readable, non-empty and not binary; return its first bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if _looks_binary(head, path.suffix.lower()):
        raise InputError(f"{path}: binary file (contains NUL bytes), not a report")
    if not head.strip() or head.strip() == codecs.BOM_UTF8:
        raise InputError(f"{path}: empty file")
    return head


def _decode(data: bytes | memoryview, path: Path, errors: Errors, line: int | None = None) -> str:
    try:
        text = str(data, "utf-8", errors)
    except UnicodeDecodeError as exc:
        line_no = line if line is not None else bytes(data[: exc.start]).count(b"\n") + 1
        where = f"{path}:{line_no}"
        raise InputError(
            f"{where}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "read it anyway with --errors replace (errors='replace' in Python)"
        ) from None
    return text


# --------------------------------------------------------------------------- formats


def _read_whole_text(path: Path, errors: Errors) -> str:
    """A whole file as text: binary files rejected, BOM dropped (the bytes are not copied)."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), not a report")
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return _decode(memoryview(data)[skip:], path, errors)


def _strip_bounds(text: str, start: int) -> tuple[int, int]:
    """``(s, e)`` such that ``text[s:e] == text[start:].strip()``, without copying the text."""
    s = _BLANK.match(text, start).end()  # type: ignore[union-attr]
    e = len(text)
    while e > s:
        chunk = text[max(s, e - 4096) : e]
        kept = len(chunk.rstrip())
        e -= len(chunk) - kept
        if kept:
            break
    return s, e


def _read_text_file(path: Path, errors: Errors, published: _dt.date | None) -> Iterator[Report | _Bad]:
    # A report may be huge: the text is copied once (to its stripped body) and dropped before yielding.
    text = _read_whole_text(path, errors)
    try:
        meta, offset = _front_matter(text)
    except _DuplicateKey as exc:
        raise InputError(f"{path}:{exc}") from None
    start, end = _strip_bounds(text, offset)
    body = text[start:end]
    del text
    if meta.get("title", "").strip():  # the headline is part of what the report says
        body = f"{meta['title'].strip()}\n\n{body}" if body else meta["title"].strip()
    if not body:
        raise InputError(f"{path}: empty file" if not meta else f"{path}: no report text after the front matter")
    try:
        date = parse_date(meta.get("published"))
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None
    yield Report(
        id=meta.get("id") or path.stem,
        text=body,
        published=date if date is not None else published,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
    )


_LINE = re.compile(r"[^\n]*(?:\n|\Z)")
"""A front-matter line ends at ``\n`` or ``\r\n`` only: U+2028/2029, NEL, FF or VT inside a value are part of it."""
_BLANK = re.compile(r"\s*")
_SPACES = re.compile(r"\s+")
_FENCE = re.compile(r"\s*---\s*")


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line, end after its ``\n``, lazily.

    Front matter sits at the top: looking at it never copies or splits the rest
    of a long report.
    """
    pos, n = 0, len(text)
    while pos < n:
        end = _LINE.match(text, pos).end()  # type: ignore[union-attr]
        yield pos, end
        pos = end


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``key: value`` lines off the top of a text report.

    Example:
        >>> _split_front_matter("source: SOHR\\nurl: https://x\\n\\nBody")
        ({'source': 'SOHR', 'url': 'https://x'}, 'Body')
    """
    meta, offset = _front_matter(text)
    return meta, text[offset:]


class _DuplicateKey(ValueError):
    """A front-matter key given twice (the message starts with its line number)."""


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """The front matter of a text report and the offset where the report itself starts.

    Whitespace runs inside a value (a U+2028 line separator, a tab) become one space; a key
    given twice raises :class:`_DuplicateKey`, since either value may be the wrong one.
    """
    lines = _line_spans(text)
    meta: dict[str, str] = {}
    first_line: dict[str, int] = {}

    def put(m: re.Match[str], start: int) -> None:
        key = m.group(1).lower()
        line = text.count("\n", 0, start) + 1
        if key in meta:
            raise _DuplicateKey(f"{line}: front matter key {key!r} given twice (first on line {first_line[key]})")
        meta[key], first_line[key] = _SPACES.sub(" ", m.group(2)), line
    span = next(lines, None)
    while span is not None and _BLANK.fullmatch(text, *span):  # skip leading blank lines
        span = next(lines, None)
    if span is not None and _FENCE.fullmatch(text, *span):
        # Fenced block: everything up to the closing '---'; unknown keys are ignored.
        block = []
        for inner in lines:
            if _FENCE.fullmatch(text, *inner):
                for start, end in block:
                    m = _FRONT_MATTER_RE.match(text, start, end)
                    if m:
                        put(m, start)
                return meta, inner[1]
            block.append(inner)
        return {}, 0  # no closing fence: not front matter
    while span is not None:
        m = _FRONT_MATTER_RE.match(text, *span)
        if not m:
            break
        put(m, span[0])
        span = next(lines, None)
    if not meta:
        return {}, 0
    if span is not None and _BLANK.fullmatch(text, *span):
        span = next(lines, None)
    return meta, span[0] if span is not None else len(text)


class _NotJson(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's decoder accepts them, JSON has no such values."""


def _no_constant(name: str) -> Any:
    raise _NotJson(f"malformed JSON ({name} is not a JSON value)")


_loads = json.JSONDecoder(parse_constant=_no_constant).decode


def _binary_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            yield n, raw


def _read_jsonl(path: Path, errors: Errors, published: _dt.date | None) -> Iterator[Report | _Bad]:
    stem = path.stem
    count = 0
    for n, raw in _binary_lines(path):
        where = f"{path}:{n}"
        if b"\x00" in raw:
            yield _Bad(f"{where}: binary data (NUL bytes)")
            continue
        try:
            line = _decode(raw, path, errors, line=n)
        except InputError as exc:
            yield _Bad(str(exc))
            continue
        if not line.strip():
            continue
        count += 1
        try:
            obj = jsondepth.decode(_loads, line.rstrip("\r\n"))  # a column past the end is not 'column 1' of a next line
        except json.JSONDecodeError as exc:
            yield _Bad(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except (jsondepth.TooDeep, _NotJson) as exc:
            yield _Bad(f"{where}: {exc}")
            continue
        yield _make_report(obj, where=where, default_id=f"{stem}:{n}", published=published, errors=errors)
    if count == 0:
        raise InputError(f"{path}: empty file")


def _read_json(path: Path, errors: Errors, published: _dt.date | None) -> Iterator[Report | _Bad]:
    text = _read_whole_text(path, errors)
    if not text.strip():
        raise InputError(f"{path}: empty file")
    try:
        doc = jsondepth.decode(_loads, text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg} at column {exc.colno})") from None
    except jsondepth.TooDeep as exc:
        raise InputError(f"{path}:{exc.line}: {exc}") from None
    except _NotJson as exc:
        raise InputError(f"{path}: {exc}") from None
    if isinstance(doc, dict) and "reports" in doc:
        items = doc["reports"]
    else:
        items = doc
    if not isinstance(items, list):
        raise InputError(f'{path}: expected a list of report objects or {{"reports": [...]}}')
    if not items:
        raise InputError(f"{path}: empty file (no reports)")
    stem = path.stem
    for n, obj in enumerate(items, start=1):
        yield _make_report(obj, where=f"{path}: item {n}", default_id=f"{stem}:{n}", published=published,
                           errors=errors)


def _read_csv(path: Path, errors: Errors, published: _dt.date | None) -> Iterator[Report | _Bad]:
    bad_lines: list[_Bad] = []

    def lines() -> Iterator[str]:
        for n, raw in _binary_lines(path):
            # A bad line is replaced by an empty one so csv line numbers stay right.
            if b"\x00" in raw:
                bad_lines.append(_Bad(f"{path}:{n}: binary data (NUL bytes)"))
                yield "\n"
                continue
            try:
                yield _decode(raw, path, errors, line=n)
            except InputError as exc:
                bad_lines.append(_Bad(str(exc)))
                yield "\n"

    # strict: a stray quote ('"a"b') or a quote left open at the end is an error, not a silently
    # merged record; the reader goes on with the next line after one.
    reader = csv.reader(lines(), strict=True)
    header: list[str] | None = None
    stem = path.stem
    last_line = 0
    count = 0
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            last_line = reader.line_num
            if header is None:
                raise InputError(f"{path}:{start}: malformed CSV header ({exc})") from None
            yield _Bad(f"{path}:{start}: malformed CSV ({exc})")
            continue
        last_line = reader.line_num
        while bad_lines:
            yield bad_lines.pop(0)
        if not row or all(not cell.strip() for cell in row):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            if "text" not in header:
                raise InputError(f"{path}:{start}: missing 'text' column in the header row")
            continue
        count += 1
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            yield _Bad(f"{path}:{start}: {len(row)} fields but the header has {len(header)} (unquoted comma?)")
            continue
        record = {key: (row[i] if i < len(row) else None) for i, key in enumerate(header) if key}
        yield _make_report(record, where=f"{path}:{start}", default_id=f"{stem}:{start}", published=published)
    while bad_lines:
        yield bad_lines.pop(0)
    if header is None:
        raise InputError(f"{path}: empty file")
    if count == 0:
        raise InputError(f"{path}: empty file (header row but no records)")


_PARQUET_COLUMNS = _RECORD_FIELDS


def _sniff_parquet(path: Path) -> None:
    """Check a Parquet file is readable and starts with the Parquet magic bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if not head:
        raise InputError(f"{path}: empty file")
    if head != b"PAR1":
        raise InputError(f"{path}: not a Parquet file")


def _read_parquet(path: Path, errors: Errors, published: _dt.date | None) -> Iterator[Report | _Bad]:
    """Records of a Parquet table with a ``text`` column, one row batch at a time."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(f"{path}: reading Parquet needs pyarrow (pip install 'geo-tracker[batch]')") from None
    try:
        table = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    columns = {name.strip().lower(): name for name in table.schema_arrow.names}
    if "text" not in columns:
        raise InputError(f"{path}: missing 'text' column")
    if table.metadata.num_rows == 0:
        raise InputError(f"{path}: empty file (no rows)")
    wanted = [columns[key] for key in _PARQUET_COLUMNS if key in columns]
    stem = path.stem
    n = 0
    try:
        for batch in table.iter_batches(batch_size=1024, columns=wanted):
            for row in batch.to_pylist():
                n += 1
                record = {key.strip().lower(): value for key, value in row.items()}
                if isinstance(record["text"], bytes):  # a binary column: decode like a text file
                    try:
                        record["text"] = _decode(record["text"], path, errors)
                    except InputError:
                        yield _Bad(f"{path}: row {n}: 'text' is not valid UTF-8")
                        continue
                yield _make_report(record, where=f"{path}: row {n}", default_id=f"{stem}:{n}", published=published)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: row {n + 1}: cannot read ({exc})") from None


_READERS: dict[str, Callable[[Path, Errors, _dt.date | None], Iterator[Report | _Bad]]] = {
    ".txt": _read_text_file,
    ".md": _read_text_file,
    ".jsonl": _read_jsonl,
    ".json": _read_json,
    ".csv": _read_csv,
    ".parquet": _read_parquet,
}


# --------------------------------------------------------------------------- public API


def _check_errors_arg(errors: str) -> None:
    if errors not in ("strict", "replace"):
        raise ValueError(f"errors must be 'strict' or 'replace', not {errors!r}")


def read_report_file(
    path: str | os.PathLike[str],
    *,
    published: _dt.date | None = None,
    errors: Errors = "strict",
    skip_bad: bool = False,
    on_skip: SkipHandler | None = None,
) -> Iterator[Report]:
    """Yield the reports in one file (``.txt``, ``.md``, ``.jsonl``, ``.json``, ``.csv``).

    The path, its extension and its first bytes (empty? binary?) are checked
    before this returns, so those errors raise at call time even with
    ``skip_bad`` (:func:`read_reports` turns them into skips). Problems with
    single records raise :class:`InputError` while iterating, or with
    ``skip_bad=True`` are passed to ``on_skip`` (default: a logged warning).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.jsonl"
        >>> _ = p.write_text('{"text": "A convoy entered."}\\n', encoding="utf-8")
        >>> [r.id for r in read_report_file(p)]
        ['r:1']
    """
    _check_errors_arg(errors)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise InputError(f"{p}: broken symbolic link (to {os.readlink(p)}), no such file") from None
        raise InputError(f"{p}: no such file or directory") from None
    except OSError as exc:  # e.g. a parent directory that cannot be searched
        raise InputError(f"{p}: cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory (use read_reports to read directories)")
    if not stat.S_ISREG(st.st_mode):  # opening a FIFO would wait for a writer forever
        raise InputError(f"{p}: not a regular file (a FIFO, socket or device), not a report")
    suffix = p.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        shown = suffix or "(no extension)"
        raise InputError(
            f"{p}: unsupported file type {shown} (expected one of {', '.join(SUPPORTED_SUFFIXES)})"
        )
    if suffix == ".parquet":
        _sniff_parquet(p)
    else:
        _sniff(p)
    return _drain(reader(p, errors, published), skip_bad=skip_bad, on_skip=on_skip or _default_on_skip)


def _drain(items: Iterator[Report | _Bad], *, skip_bad: bool, on_skip: SkipHandler) -> Iterator[Report]:
    for item in items:
        if isinstance(item, _Bad):
            if not skip_bad:
                raise InputError(item.message)
            on_skip(item.message)
            continue
        yield item


def iter_input_files(
    inputs: Iterable[str | os.PathLike[str]], *, on_error: SkipHandler | None = None
) -> Iterator[Path]:
    """Expand inputs to files: files pass through, directories become their supported files.

    Directory contents are sorted by relative path and searched recursively
    (symbolic links to directories are not followed); hidden entries (names
    starting with ``.``) are skipped, and so are FIFOs, sockets and devices. A
    missing path, or a broken symbolic link with a supported extension, is
    passed through unchanged so the reader reports it. A directory that cannot
    be listed, or holds no supported file, is passed to ``on_error`` as a
    one-line message (default: ignored).

    Example:
        >>> list(iter_input_files(["no/such/file.md"]))
        [PosixPath('no/such/file.md')]
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    for item in inputs:
        p = Path(item)
        try:
            is_dir = p.is_dir()
        except OSError:  # cannot even be looked at: the reader says why
            is_dir = False
        if not is_dir:
            yield p
            continue
        found: list[Path] = []
        problems: list[str] = []

        def unreadable(exc: OSError) -> None:
            problems.append(f"{exc.filename}: cannot read directory ({exc.strerror or exc})")

        for folder, dirs, files in os.walk(p, onerror=unreadable):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                f = Path(folder, name)
                if name.startswith(".") or f.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                if f.is_file() or (f.is_symlink() and not f.exists()):
                    found.append(f)
        if not found and not problems:
            problems.append(f"{p}: no report files in this directory (expected {', '.join(SUPPORTED_SUFFIXES)})")
        for message in problems:
            if on_error is not None:
                on_error(message)
        yield from sorted(found, key=lambda f: f.relative_to(p).as_posix())


def read_reports(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    published: _dt.date | None = None,
    errors: Errors = "strict",
    skip_bad: bool = False,
    on_skip: SkipHandler | None = None,
) -> Iterator[Report]:
    """Yield every report in ``inputs`` (files and/or directories), lazily and in order.

    Args:
        inputs: paths of report files or directories (a single path is accepted too).
        published: default publication date for records that lack one.
        errors: ``'strict'`` raises on bytes that are not UTF-8; ``'replace'``
            substitutes U+FFFD.
        skip_bad: skip bad records and files instead of raising; each skip is
            reported through ``on_skip``.
        on_skip: called with the one-line message of each skipped record or
            file (default: a logged warning).

    Ids are unique within one call: an explicit id seen twice is an error
    (skippable); a generated id (file stem, ``stem:line``) that collides gets
    ``~2``, ``~3``… appended.

    Raises:
        InputError: the first problem, unless ``skip_bad`` is set.

    Example:
        >>> from geo_tracker.io import read_reports, sample_paths
        >>> reports = list(read_reports(sample_paths()))
        >>> len(reports) >= 10 and all(r.published for r in reports)
        True
    """
    _check_errors_arg(errors)
    handler = on_skip or _default_on_skip
    seen: dict[str, str] = {}

    def unreadable_directory(message: str) -> None:
        if not skip_bad:
            raise InputError(message)
        handler(message)

    for path in iter_input_files(inputs, on_error=unreadable_directory):
        try:
            reports = read_report_file(path, published=published, errors=errors, skip_bad=skip_bad, on_skip=handler)
            for report in reports:
                explicit = not _is_generated_id(report.id, path)
                if report.id in seen:
                    if explicit:
                        message = f"{path}: duplicate id {report.id!r} (first seen in {seen[report.id]})"
                        if not skip_bad:
                            raise InputError(message)
                        handler(message)
                        continue
                    n = 2
                    while f"{report.id}~{n}" in seen:
                        n += 1
                    report = Report(
                        id=f"{report.id}~{n}",
                        text=report.text,
                        published=report.published,
                        source=report.source,
                        url=report.url,
                    )
                seen[report.id] = str(path)
                yield report
        except InputError as exc:
            if not skip_bad:
                raise
            handler(str(exc))


def read_report_chunks(
    inputs: Iterable[str | os.PathLike[str]], size: int, **options: Any
) -> Iterator[list[Report]]:
    """:func:`read_reports` in lists of at most ``size`` reports, read lazily.

    Only one chunk is held at a time, so inputs of any size stream through.
    ``options`` are those of :func:`read_reports`.

    Example:
        >>> [len(chunk) for chunk in read_report_chunks(sample_paths(), 4)]
        [4, 4, 3]
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, not {size}")
    chunk: list[Report] = []
    for report in read_reports(inputs, **options):
        chunk.append(report)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _is_generated_id(rid: str, path: Path) -> bool:
    stem = path.stem
    if rid == stem:
        return True
    prefix = stem + ":"
    return rid.startswith(prefix) and rid[len(prefix) :].isdigit()


def sample_paths() -> list[Path]:
    """The bundled sample reports (``data/samples`` in a checkout), sorted by name.

    Looks in the installed package ``geo_tracker._bundled`` first, then falls
    back to the ``data/samples`` directory of a source checkout.

    Example:
        >>> paths = sample_paths()
        >>> len(paths) >= 10 and all(p.suffix == ".md" for p in paths)
        True
    """
    candidates: list[Path] = []
    try:
        res = importlib.resources.files("geo_tracker._bundled") / "samples"
        if isinstance(res, Path):
            candidates.append(res)
    except (ModuleNotFoundError, TypeError, FileNotFoundError, ValueError):
        pass
    candidates.append(Path(__file__).resolve().parent.parent / "data" / "samples")
    for folder in candidates:
        if folder.is_dir():
            found = sorted(
                (
                    p
                    for p in folder.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith(".")
                    and not p.stem.upper().startswith("README")
                ),
                key=lambda p: p.name,
            )
            if found:
                return found
    return []
