"""Bad inputs end in one clear line (issue 9, items 2 and 5).

Report files (``extract``, ``map``, ``ingest``, ``batch``): binary, empty and
undecodable files, malformed JSONL/CSV/JSON records, unreadable files and
directories, FIFOs, broken links, missing paths, unsupported extensions. Each
gives exit status 1 and one ``Error: …`` line naming the file (and the line for
JSONL/CSV); ``--skip-bad`` processes the rest and lists what it skipped;
``--errors replace`` decodes bad bytes as U+FFFD. A 100 MB report is read and
extracted with bounded memory.

Gazetteer rows (``gazetteer import``): out-of-range coordinates, duplicate ids,
missing names, swapped lat/lon, points outside the stated country…

Online geocoding (geopy mocked, nothing leaves the machine): time-outs, HTTP
errors and rate limits end in one line and a :class:`GeocodingError`; cached
answers stay valid; without ``--geocode`` no geocoder is even built.

Run as a script to print the table of ``docs/bad-input.md`` from the real outputs::

    python tests/test_bad_input.py > docs/bad-input.md
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from geo_tracker.cli import main
from geo_tracker.errors import GazetteerError, InputError
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.gazetteer.importers import iter_import

CONVOY = ("published: 2021-02-08\nsource: SOHR\n\nA convoy of 45 military vehicles entered Syria via the Al-Walid "
          "border crossing, heading towards Al-Qamishli.\n")
GOOD_JSONL = json.dumps({"id": "ok-1", "text": "A convoy of 30 trucks reached Hasakah.", "published": "2021-02-06"})
FIRST_DAY = ("published: 0001-01-01\nsource: SANA\n\nA convoy of 40 trucks entered Hasakah two days ago. "
             "Last year a convoy reached Qamishli, and last month another.\n")
LAST_DAY = "published: 9999-12-31\nsource: SOHR\n\nA convoy of 40 trucks entered Hasakah this week.\n"
DEEP_RECORD = '{"text": "A convoy reached Hasakah.", "extra": ' + "[" * 1000 + "]" * 1000 + "}"
DEEP_GEOJSON = ('{"type": "FeatureCollection", "features": [\n'
                '{"type": "Feature", "properties": {"name": "Amuda"}, "geometry": {"type": "Point", '
                '"coordinates": [40.93, 37.1]}},\n{"type": "Feature", "properties": {"name": "Deep", "p": '
                + "[" * 1000 + "]" * 1000 + '}, "geometry": {"type": "Point", "coordinates": [40.9, 37.0]}}]}')
DAMAGED_LAYER = {
    "data/gazetteers/towns.json": json.dumps({"name": "towns", "format": "csv", "source_file": "towns.csv",
                                              "source": "user import", "rows": 1, "skipped": 0,
                                              "imported_at": "2021-01-01T00:00:00+00:00"}),
    "data/gazetteers/towns.csv": "id,name,alt_names,kind,country,admin1,lat,lon,uncertainty_km,source,note\n"
                                 "towns:1,Amuda,,town,SY,,north,40.93,2.0,user import,\n",
}
SEPARATORS = ("source: Agence\u2028France\x85Presse\x0cWire\x0bDesk\nurl: https://example.org/a\nid: sep-1\n\n"
              "A convoy of 9 trucks entered Hasakah.\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


# --------------------------------------------------------------------------- building inputs

Files = dict[str, "str | bytes | Callable[[Path], None]"]


def build(root: Path, files: Files) -> None:
    """Write ``files`` (relative path → text, bytes, or a function that makes the entry) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def fifo(path: Path) -> None:
    os.mkfifo(path)


def broken_link(path: Path) -> None:
    path.symlink_to("gone.md")  # relative: to a gone.md next to it


def directory(path: Path) -> None:
    path.mkdir()


def tracker_store(path: Path) -> None:
    """A tracker store holding one report."""
    from geo_tracker.models import Report, ReportResult
    from geo_tracker.store import Store

    Store(path).ingest([Report("r1", "Nothing happened.", None, "SANA")], extract=lambda rep: ReportResult(rep))


def link_to(target: str) -> Callable[[Path], None]:
    """A maker of a symbolic link to ``target`` (relative to the link's directory)."""
    return lambda path: path.symlink_to(target)


def hard_link_to(target: str) -> Callable[[Path], None]:
    """A maker of a hard link to ``target`` (which must be built first)."""
    return lambda path: path.hardlink_to(path.parent / target)


# --------------------------------------------------------------------------- simulated permission errors
# The tests run as root, who can read a chmod-000 file; the EACCES a user would get is raised
# by patching the few calls that open files and list directories (a real chmod test runs when not root).

LOCKED = "locked"


def _denied(path: object) -> OSError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


@contextlib.contextmanager
def permission_denied() -> Iterator[None]:
    """Files and directories whose name contains 'locked' raise EACCES when opened or listed."""
    real_open, real_scandir = Path.open, os.scandir

    def open_(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if LOCKED in self.name:
            raise _denied(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def scandir(path: object = ".") -> object:
        if LOCKED in Path(os.fsdecode(path)).name:  # type: ignore[arg-type]
            raise _denied(path)
        return real_scandir(path)  # type: ignore[arg-type]

    with mock.patch.object(Path, "open", open_), mock.patch.object(os, "scandir", scandir):
        yield


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    input: str
    """The bad input, as the table describes it."""
    files: Files
    args: tuple[str, ...]
    code: int
    said: str
    """Regex the last line on stderr must match (the ``Error:`` line, or the last ``skipped:`` one)."""
    skipped: tuple[str, ...] = ()
    """Regexes of the ``skipped:`` lines, in order."""
    names: str | None = None
    """What the error line must name (default: the first path argument)."""
    gazetteer: bool = False
    permissions: bool = False
    stdout: str | None = None
    """Regex stdout must match (checks the rest really was processed)."""
    id: str = ""

    @property
    def command(self) -> str:
        return "geo-tracker " + " ".join(a if re.fullmatch(r"[\w./=:,+-]+", a) else repr(a) for a in self.args)


def _cases() -> list[Case]:
    latin1 = "published: 2021-02-08\n\nA convoy reached Al-Qamishli caf\xe9.\n".encode("latin-1")
    many_bad = "\n".join([GOOD_JSONL, "{broken json", "[1, 2]", '{"id": "x", "text": ""}',
                          '{"text": "Convoy.", "published": "08/02/2021"}',
                          json.dumps({"text": "Trucks entered Hasakah."})]) + "\n"
    gaz_rows = ("id,name,lat,lon,country\n1,Tall Tamr,36.65,40.37,SY\n2,Far North,95.0,40.0,SY\n"
                "1,Copy of Tall Tamr,36.7,40.4,SY\n3,,36.7,40.4,SY\n4,Swapped,40.93,37.05,SY\n"
                "5,Paris?,48.85,2.35,SY\n6,NaN,nan,40.2,SY\n7,Words,north,east,SY\n")
    E = r"Error: "
    return [
        # ---- paths and file types
        Case("missing path", {}, ("extract", "missing.md"), 1, E + r"missing\.md: no such file or directory$"),
        Case("unsupported extension (.pdf)", {"report.pdf": "%PDF-1.7"}, ("extract", "report.pdf"), 1,
             E + r"report\.pdf: unsupported file type \.pdf \(expected one of \.txt, \.md"),
        Case("no extension", {"README": "text"}, ("extract", "README"), 1,
             E + r"README: unsupported file type \(no extension\)"),
        Case("empty directory", {"empty": directory}, ("extract", "empty"), 1,
             E + r"empty: no report files in this directory"),
        Case("directory with only unsupported files", {"pdfs/a.pdf": "x", "pdfs/b.docx": "y"},
             ("extract", "pdfs"), 1, E + r"pdfs: no report files in this directory"),
        Case("FIFO named like a report (would block on open)", {"pipe.md": fifo}, ("extract", "pipe.md"), 1,
             E + r"pipe\.md: not a regular file \(a FIFO, socket or device\)"),
        Case("broken symbolic link", {"link.md": broken_link}, ("extract", "link.md"), 1,
             E + r"link\.md: broken symbolic link \(to gone\.md\), no such file$"),
        Case("broken link inside a directory", {"dir/a.md": CONVOY, "dir/link.md": broken_link}, ("extract", "dir"), 1,
             E + r"dir/link\.md: broken symbolic link", names="dir/link.md"),
        Case("... with --skip-bad", {"dir/a.md": CONVOY, "dir/link.md": broken_link},
             ("extract", "--skip-bad", "dir"), 0, r"skipped: dir/link\.md: broken symbolic link",
             skipped=(r"dir/link\.md: broken symbolic link",), stdout=r'"id": "a"'),
        # ---- unreadable
        Case("unreadable file (EACCES) in a directory", {"dir/a.md": CONVOY, "dir/locked.md": CONVOY},
             ("extract", "dir"), 1, E + r"dir/locked\.md: cannot read file \(Permission denied\)$",
             names="dir/locked.md", permissions=True),
        Case("... with --skip-bad", {"dir/a.md": CONVOY, "dir/locked.md": CONVOY},
             ("extract", "--skip-bad", "dir"), 0, r"skipped: dir/locked\.md: cannot read file \(Permission denied\)$",
             skipped=(r"dir/locked\.md: cannot read file",), permissions=True, stdout=r'"id": "a"'),
        Case("unreadable subdirectory (EACCES)", {"dir/a.md": CONVOY, "dir/locked/b.md": CONVOY},
             ("extract", "dir"), 1, E + r"dir/locked: cannot read directory \(Permission denied\)$",
             names="dir/locked", permissions=True),
        Case("... with --skip-bad", {"dir/a.md": CONVOY, "dir/locked/b.md": CONVOY},
             ("extract", "--skip-bad", "dir"), 0, r"skipped: dir/locked: cannot read directory",
             skipped=(r"dir/locked: cannot read directory \(Permission denied\)$",), permissions=True,
             stdout=r'"id": "a"'),
        # ---- empty and binary
        Case("empty file (.txt)", {"empty.txt": ""}, ("extract", "empty.txt"), 1, E + r"empty\.txt: empty file$"),
        Case("front matter but no text (.md)", {"fm.md": "published: 2021-02-08\nsource: SOHR\n\n"},
             ("extract", "fm.md"), 1, E + r"fm\.md: no report text after the front matter$"),
        Case("blank lines only (.jsonl)", {"blank.jsonl": "\n\n  \n"}, ("extract", "blank.jsonl"), 1,
             E + r"blank\.jsonl: empty file$"),
        Case("header row only (.csv)", {"h.csv": "id,text,published\n"}, ("extract", "h.csv"), 1,
             E + r"h\.csv: empty file \(header row but no records\)$"),
        Case("binary file (a PNG named .md)", {"image.md": PNG}, ("extract", "image.md"), 1,
             E + r"image\.md: binary file \(contains NUL bytes\), not a report$"),
        Case("NUL bytes in one JSONL line", {"nul.jsonl": GOOD_JSONL.encode() + b"\n{\"text\": \"a\x00b\"}\n"},
             ("extract", "nul.jsonl"), 1, E + r"nul\.jsonl:2: binary data \(NUL bytes\)$"),
        Case("... with --skip-bad", {"nul.jsonl": GOOD_JSONL.encode() + b"\n{\"text\": \"a\x00b\"}\n"},
             ("extract", "--skip-bad", "nul.jsonl"), 0, r"skipped: nul\.jsonl:2: binary data \(NUL bytes\)$",
             skipped=(r"nul\.jsonl:2: binary data",), stdout=r'"id": "ok-1"'),
        # ---- encodings
        Case("undecodable bytes (Latin-1 .md)", {"latin1.md": latin1}, ("extract", "latin1.md"), 1,
             E + r"latin1\.md:3: not valid UTF-8 \(byte 0xe9\); read it anyway with --errors replace \(errors='replace' in Python\)$"),
        Case("... with --errors replace", {"latin1.md": latin1}, ("extract", "--errors", "replace", "latin1.md"),
             0, r"^$", stdout="caf\ufffd|Al-Qamishli"),
        Case("undecodable bytes in JSONL line 2", {"l.jsonl": GOOD_JSONL.encode() + b'\n{"text": "caf\xe9"}\n'},
             ("extract", "l.jsonl"), 1, E + r"l\.jsonl:2: not valid UTF-8 \(byte 0xe9\)"),
        Case("JSON escape of half a surrogate pair", {"s.jsonl": '{"text": "Convoy near Hasakah \\ud83d"}\n'},
             ("extract", "s.jsonl"), 1, E + r"s\.jsonl:1: 'text' holds an unpaired surrogate \(\\ud83d at character 21\), "
             r"not Unicode; read it anyway with --errors replace \(errors='replace' in Python\)$"),
        Case("... with --errors replace", {"s.jsonl": '{"text": "Convoy near Hasakah \\ud83d"}\n'},
             ("extract", "--errors", "replace", "s.jsonl"), 0, r"^$", stdout=r"Hasakah"),
        Case("UTF-16 file (.txt)", {"u16.txt": "A convoy entered Hasakah.".encode("utf-16")}, ("extract", "u16.txt"),
             1, E + r"u16\.txt: binary file \(contains NUL bytes\)"),
        # ---- malformed records
        Case("malformed JSONL line", {"m.jsonl": GOOD_JSONL + '\n\n{"text": "oops"\n'}, ("extract", "m.jsonl"), 1,
             E + r"m\.jsonl:3: malformed JSON \(Expecting ',' delimiter at column 16\)$"),
        Case("bad JSONL records with --skip-bad", {"many.jsonl": many_bad}, ("extract", "--skip-bad", "many.jsonl"),
             0, r"skipped: many\.jsonl:5: bad date", stdout=r'"id": "ok-1".*"id": "many:6"',
             skipped=(r"many\.jsonl:2: malformed JSON", r"many\.jsonl:3: expected a JSON object, got list",
                      r"many\.jsonl:4: missing 'text'", r"many\.jsonl:5: bad date '08/02/2021'")),
        Case("CSV quote left open", {"q.csv": 'id,text\n1,"A convoy entered Hasakah.\n2,Trucks.\n'},
             ("extract", "q.csv"), 1, E + r"q\.csv:2: malformed CSV \(unexpected end of data\)$"),
        Case("CSV stray quote", {"s.csv": 'id,text\n1,"A convoy" entered\n2,Trucks reached Hasakah.\n'},
             ("extract", "s.csv"), 1, E + r"""s\.csv:2: malformed CSV \(',' expected after '"'\)$"""),
        Case("CSV row with an unquoted comma (extra field)",
             {"c.csv": "text,source\nA convoy, 50 trucks, entered Hasakah,SOHR\n"}, ("extract", "c.csv"), 1,
             E + r"c\.csv:2: 4 fields but the header has 2 \(unquoted comma\?\)$"),
        Case("CSV with --skip-bad", {"s.csv": 'id,text\n1,"A convoy" entered\n2,Trucks reached Hasakah.\n'},
             ("extract", "--skip-bad", "s.csv"), 0, r"skipped: s\.csv:2: malformed CSV", stdout=r'"id": "2"',
             skipped=(r"s\.csv:2: malformed CSV",)),
        Case("CSV without a 'text' column", {"t.csv": "body,source\nx,y\n"}, ("extract", "t.csv"), 1,
             E + r"t\.csv:1: missing 'text' column in the header row$"),
        Case("CSV cell over csv's 128 KiB limit (a long report)",
             {"long.csv": "id,text\nlong,A convoy of 30 trucks entered Hasakah. " + "Prices rose. " * 12000 + "\n"},
             ("extract", "--format", "csv", "long.csv"), 0, r"^$", stdout=r"convoy"),
        Case("malformed JSON document", {"m.json": '[\n  {"text": "a"},\n  {"text": }\n]'}, ("extract", "m.json"),
             1, E + r"m\.json:3: malformed JSON \(Expecting value at column 12\)$"),
        Case("JSON of the wrong shape", {"w.json": '{"text": "not in a list"}'}, ("extract", "w.json"), 1,
             E + r"""w\.json: expected a list of report objects or \{"reports": \[\.\.\.\]\}$"""),
        Case("the same explicit id twice", {"d.jsonl": '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n'},
             ("extract", "d.jsonl"), 1, E + r"d\.jsonl: duplicate id 'x' \(first seen in d\.jsonl\)$"),
        Case("every input bad, with --skip-bad", {"image.md": PNG, "empty.txt": ""},
             ("extract", "--skip-bad", "image.md", "empty.txt", "missing.md"), 1,
             E + r"no report left to process: all 3 problems above were skipped$", names="",
             skipped=(r"image\.md: binary file", r"empty\.txt: empty file", r"missing\.md: no such file")),
        # ---- options
        Case("bad --published", {"r.md": CONVOY}, ("extract", "--published", "8 Feb", "r.md"), 2,
             r"Error: Invalid value for --published: '8 Feb' is not a date in YYYY-MM-DD form$", names=""),
        Case("bad --errors", {"r.md": CONVOY}, ("extract", "--errors", "ignore", "r.md"), 2,
             r"Error: Invalid value for '--errors': 'ignore' is not one of 'strict', 'replace'\.$", names=""),
        # ---- the other commands share the readers
        Case("map: binary file", {"image.md": PNG}, ("map", "-o", "m.html", "image.md"), 1,
             E + r"image\.md: binary file", names="image.md"),
        Case("map: malformed JSONL with --skip-bad", {"m.jsonl": GOOD_JSONL + "\n{oops\n"},
             ("map", "-o", "m.html", "--skip-bad", "m.jsonl"), 0, r"skipped: m\.jsonl:2: malformed JSON",
             skipped=(r"m\.jsonl:2: malformed JSON",), stdout=r"m\.html\n1 reports"),
        Case("ingest: malformed JSONL (store left as it was)", {"m.jsonl": GOOD_JSONL + "\n{oops\n"},
             ("ingest", "--store", "t.gpkg", "m.jsonl"), 1, E + r"m\.jsonl:2: malformed JSON", names="m.jsonl"),
        Case("ingest: with --skip-bad", {"m.jsonl": GOOD_JSONL + "\n{oops\n"},
             ("ingest", "--store", "t.gpkg", "--skip-bad", "m.jsonl"), 0, r"skipped: m\.jsonl:2: malformed JSON",
             skipped=(r"m\.jsonl:2: malformed JSON",), stdout=r"added 1 report"),
        Case("batch: missing path", {}, ("batch", "-o", "out.parquet", "--workers", "1", "-q", "missing.jsonl"), 1,
             E + r"missing\.jsonl: no such file or directory$", names="missing.jsonl"),
        Case("batch: bad records with --skip-bad", {"many.jsonl": many_bad},
             ("batch", "-o", "out.parquet", "--workers", "1", "--skip-bad", "-q", "many.jsonl"), 0,
             r"skipped: many\.jsonl:5: bad date",
             skipped=(r"many\.jsonl:2:", r"many\.jsonl:3:", r"many\.jsonl:4:", r"many\.jsonl:5:")),
        # ---- an output that is an input or the store (issue 20, item 1): refused, nothing written
        Case("export onto its own store", {"s.gpkg": tracker_store}, ("export", "--store", "s.gpkg", "-o", "s.gpkg"),
             1, E + r"s\.gpkg: the output is a geo-tracker store; nothing written", names="s.gpkg"),
        Case("export onto a symbolic link to the store", {"s.gpkg": tracker_store, "l.gpkg": link_to("s.gpkg")},
             ("export", "--store", "s.gpkg", "-o", "l.gpkg"), 1, E + r"l\.gpkg: the output is a geo-tracker store"),
        Case("batch onto a tracker store", {"r.md": CONVOY, "s.gpkg": tracker_store},
             ("batch", "-o", "s.gpkg", "--workers", "1", "-q", "r.md"), 1,
             E + r"s\.gpkg: the output is a geo-tracker store", names="s.gpkg"),
        Case("extract onto its input", {"x.jsonl": GOOD_JSONL + "\n"}, ("extract", "x.jsonl", "-o", "x.jsonl"), 1,
             E + r"x\.jsonl: the output is also an input; nothing written", names="x.jsonl"),
        Case("extract onto a hard link to its input", {"x.jsonl": GOOD_JSONL + "\n", "h.json": hard_link_to("x.jsonl")},
             ("extract", "x.jsonl", "-o", "h.json"), 1, E + r"h\.json: the output is also an input \(x\.jsonl\)"),
        Case("extract onto a report in an input directory", {"d/r.md": CONVOY},
             ("extract", "d", "-o", "d/r.md"), 1, E + r"d/r\.md: the output is also an input"),
        Case("map onto its input", {"r.md": CONVOY}, ("map", "r.md", "-o", "./r.md"), 1,
             E + r"\./r\.md: the output is also an input \(r\.md\)"),
        # ---- smaller ones (issue 20, item 9)
        Case("JSON NaN / Infinity in a record", {"nan.jsonl": '{"id": NaN, "text": "A convoy entered Hasakah."}\n'},
             ("extract", "nan.jsonl"), 1, E + r"nan\.jsonl:1: malformed JSON \(NaN is not a JSON value\)$"),
        Case("terminal escape sequence in a file name", {"\x1b[31mred.md": ""}, ("extract", "\x1b[31mred.md"), 1,
             E + r"\\x1b\[31mred\.md: empty file$", names="\\x1b[31mred.md"),
        Case("bidi override in a file name", {"\u202eevil.md": ""}, ("extract", "\u202eevil.md"), 1,
             E + r"\\u202eevil\.md: empty file$", names="\\u202eevil.md"),
        # ---- front matter (issue 20, item 8): only \n and \r\n end a line; a key given twice is an error
        Case("front matter value holding U+2028, NEL, FF and VT", {"sep.md": SEPARATORS},
             ("extract", "sep.md"), 0, r"^$",
             stdout=r'"id": "sep-1".*"source": "Agence France Presse Wire Desk".*"url": "https://example\.org/a"'),
        Case("front matter key given twice", {"twice.md": "source: SANA\nsource: SOHR\n\nA convoy entered Hasakah.\n"},
             ("extract", "twice.md"), 1,
             E + r"twice\.md:2: front matter key 'source' given twice \(first on line 1\)$"),
        Case("... with --skip-bad", {"twice.md": "source: SANA\nsource: SOHR\n\nA convoy entered Hasakah.\n",
                                     "r.md": CONVOY},
             ("extract", "--skip-bad", "twice.md", "r.md"), 0, r"skipped: twice\.md:2: front matter key 'source'",
             skipped=(r"twice\.md:2: front matter key 'source' given twice",), stdout=r'"id": "r"'),
        # ---- nested 1,000 levels deep (issue 20, item 4): the line, not a RecursionError
        Case("JSONL record nested 1,000 levels deep", {"deep.jsonl": GOOD_JSONL + "\n" + DEEP_RECORD + "\n"},
             ("extract", "deep.jsonl"), 1, E + r"deep\.jsonl:2: JSON nested too deeply \(over 500 levels\)$"),
        Case("... with --skip-bad", {"deep.jsonl": GOOD_JSONL + "\n" + DEEP_RECORD + "\n"},
             ("extract", "--skip-bad", "deep.jsonl"), 0, r"skipped: deep\.jsonl:2: JSON nested too deeply",
             skipped=(r"deep\.jsonl:2: JSON nested too deeply",), stdout=r'"id": "ok-1"'),
        Case("JSON document nested 1,000 levels deep, with --skip-bad",
             {"deep.json": "[\n" + DEEP_RECORD + "\n]", "r.md": CONVOY},
             ("extract", "--skip-bad", "deep.json", "r.md"), 0, r"skipped: deep\.json:2: JSON nested too deeply",
             skipped=(r"deep\.json:2: JSON nested too deeply",), stdout=r'"id": "r"'),
        # ---- dates at the edges of the calendar (issue 20, item 3): never a crash
        Case("published 9999-12-31 (merging a date window past the calendar)", {"late.md": LAST_DAY},
             ("map", "late.md", "-o", "m.html"), 0, r"^$", stdout=r"1 reports, 1 places, 1 convoys"),
        Case("published 0001-01-01, relative dates before year 1 (stay unknown)", {"early.md": FIRST_DAY},
             ("extract", "early.md"), 0, r"^$", stdout=r'"published": "0001-01-01"'),
        Case("ingest: reports published 0001-01-01 and 9999-12-31", {"early.md": FIRST_DAY, "late.md": LAST_DAY},
             ("ingest", "--store", "t.gpkg", "early.md", "late.md"), 0, r"^$", stdout=r"added 2 reports"),
        Case("batch: a relative date before year 1", {"early.md": FIRST_DAY},
             ("batch", "-o", "out.parquet", "--workers", "1", "-q", "early.md"), 0, r"^$"),
        # ---- gazetteer rows
        Case("gazetteer CSV: out-of-range, duplicate id, no name, swapped, outside its country, not numbers",
             {"towns.csv": gaz_rows}, ("gazetteer", "import", "towns.csv"), 0,
             r"skipped: towns\.csv:9: lat 'north' is not a number; row skipped$", gazetteer=True,
             stdout=r"imported 1 places into layer 'towns' \(7 rows skipped\)",
             skipped=(r"towns\.csv:3: lat 95 out of range \[-90, 90\]; row skipped$",
                      r"towns\.csv:4: duplicate id '1'; row skipped$",
                      r"towns\.csv:5: missing name; row skipped$",
                      r"towns\.csv:6: lat/lon look swapped: \(40\.93, 37\.05\) is outside SY, \(37\.05, 40\.93\) is "
                      r"inside; row skipped$",
                      r"towns\.csv:7: point \(48\.85, 2\.35\) lies outside its stated country SY; row skipped$",
                      r"towns\.csv:8: lat 'nan' is not a finite number; row skipped$",
                      r"towns\.csv:9: lat 'north' is not a number; row skipped$")),
        Case("... with --on-error reject", {"towns.csv": gaz_rows},
             ("gazetteer", "import", "--on-error", "reject", "towns.csv"), 1,
             E + r"towns\.csv:3: lat 95 out of range \[-90, 90\]$", gazetteer=True),
        Case("gazetteer CSV: undecodable bytes (every row)", {"latin.csv": b"name,lat,lon\nCaf\xe9,36.6,40.3\n"},
             ("gazetteer", "import", "latin.csv"), 1,
             E + r"latin\.csv: no usable rows \(1 skipped\); nothing imported$", gazetteer=True,
             skipped=(r"latin\.csv:2: invalid UTF-8 byte 0xE9 in column 'name' at character 4; row skipped$",)),
        Case("... with --errors replace", {"latin.csv": b"name,lat,lon\nCaf\xe9,36.6,40.3\n"},
             ("gazetteer", "import", "--errors", "replace", "latin.csv"), 0, r"^$", gazetteer=True,
             stdout=r"imported 1 places"),
        Case("gazetteer GeoJSON: no geometry, bad position, no name",
             {"p.geojson": json.dumps({"type": "FeatureCollection", "features": [
                 {"type": "Feature", "properties": {"name": "Amuda"}, "geometry": None},
                 {"type": "Feature", "properties": {"name": "Far"}, "geometry": {"type": "Point",
                                                                                  "coordinates": [40.9, 123.0]}},
                 {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [40.9, 37.1]}},
                 {"type": "Feature", "properties": {"name": "Amuda"},
                  "geometry": {"type": "Point", "coordinates": [40.93, 37.10]}}]}, indent=1)},
             ("gazetteer", "import", "p.geojson"), 0, r"skipped: p\.geojson:24: missing name; feature skipped$",
             gazetteer=True, stdout=r"imported 1 places",
             skipped=(r"p\.geojson:4: feature has no geometry; feature skipped$",
                      r"p\.geojson:11: lat 123 out of range \[-90, 90\] \(GeoJSON positions are \[lon, lat\]\); "
                      r"feature skipped$",
                      r"p\.geojson:24: missing name; feature skipped$")),
        Case("gazetteer CSV: a column named twice in the header", {"twice.csv": "name,lat,lon,lat\nAmuda,37.1,40.9,36\n"},
             ("gazetteer", "import", "twice.csv"), 1,
             E + r"twice\.csv:1: the header names column\(s\) 'lat' more than once$", gazetteer=True),
        Case("gazetteer GeoJSON: a name that is an object, not text",
             {"o.geojson": json.dumps({"type": "FeatureCollection", "features": [
                 {"type": "Feature", "properties": {"name": {"en": "Amuda"}},
                  "geometry": {"type": "Point", "coordinates": [40.93, 37.10]}},
                 {"type": "Feature", "properties": {"name": "Amuda"},
                  "geometry": {"type": "Point", "coordinates": [40.93, 37.10]}}]})},
             ("gazetteer", "import", "o.geojson"), 0,
             r'skipped: o\.geojson:1: dict value \{"en": "Amuda"\} where text was expected; feature skipped$',
             gazetteer=True, stdout=r"imported 1 places",
             skipped=(r'o\.geojson:1: dict value \{"en": "Amuda"\} where text was expected; feature skipped$',)),
        Case("gazetteer GeoJSON in a projected CRS",
             {"utm.geojson": json.dumps({"type": "FeatureCollection",
                                         "crs": {"type": "name", "properties": {"name": "EPSG:32637"}},
                                         "features": []})},
             ("gazetteer", "import", "utm.geojson"), 1, E + r"utm\.geojson:1: CRS 'EPSG:32637' is not WGS84 lon/lat \(CRS84 / EPSG:4326\); reproject "
             r"first", gazetteer=True),
        Case("gazetteer GeoNames row with 5 columns", {"SY.txt": "1\tQamishli\tQamishli\t\t37.05\n"},
             ("gazetteer", "import", "--format", "geonames", "SY.txt"), 1, E + r"SY\.txt: no usable rows \(1 skipped\); nothing imported$",
             gazetteer=True, skipped=(r"SY\.txt:1: expected 19 tab-separated columns, found 5; row skipped$",)),
        Case("gazetteer GeoJSON: a feature nested 1,000 levels deep",
             {"deep.geojson": DEEP_GEOJSON}, ("gazetteer", "import", "deep.geojson"), 0,
             r"skipped: deep\.geojson:3: JSON nested too deeply \(over 500 levels\); feature skipped$", gazetteer=True,
             stdout=r"imported 1 places", skipped=(r"deep\.geojson:3: JSON nested too deeply",)),
        Case("... with --on-error reject", {"deep.geojson": DEEP_GEOJSON},
             ("gazetteer", "import", "--on-error", "reject", "deep.geojson"), 1,
             E + r"deep\.geojson:3: JSON nested too deeply \(over 500 levels\)$", gazetteer=True),
        Case("imported layer damaged on disk (a row edited by hand)", DAMAGED_LAYER, ("lookup", "Amuda"), 1,
             E + r"imported gazetteer layer 'towns' is damaged \(.*towns\.csv:2: lat 'north' is not a number\); "
             r"remove it with: geo-tracker gazetteer remove towns$", names="towns", gazetteer=True),
        Case("gazetteer: binary file", {"img.csv": PNG}, ("gazetteer", "import", "img.csv"), 1,
             E + r"img\.csv:1: invalid UTF-8 in the header row$", gazetteer=True),
        Case("gazetteer: empty file", {"empty.csv": ""}, ("gazetteer", "import", "empty.csv"), 1,
             E + r"empty\.csv: empty file; a header row is required$", gazetteer=True),
        Case("gazetteer: unsupported extension", {"x.xlsx": b"PK\x03\x04"}, ("gazetteer", "import", "x.xlsx"), 1,
             E + r"x\.xlsx: unsupported gazetteer format; use --format geonames\|geojson\|csv$", gazetteer=True),
        Case("gazetteer: missing file", {}, ("gazetteer", "import", "missing.csv"), 1,
             E + r"missing\.csv: no such file$", gazetteer=True),
    ]


CASES = _cases()
for _n, _c in enumerate(CASES):  # stable ids for pytest -k
    object.__setattr__(_c, "id", f"{_n:02d}-" + re.sub(r"\W+", "-", (_c.input + " " + _c.args[0]).lower()).strip("-"))


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None = None
    stderr_lines: list[str] = field(default_factory=list)


def run_case(case: Case, root: Path) -> Outcome:
    """Build the case's files in ``root`` and run its command there, as a user would."""
    build(root, case.files)
    env = {"GEO_TRACKER_DATA": str(root / "data")} if case.gazetteer else {}
    with contextlib.chdir(root), mock.patch.dict(os.environ, env), contextlib.ExitStack() as stack:
        if case.permissions:
            stack.enter_context(permission_denied())
        if case.gazetteer:
            Gazetteer.reset_default()
        try:
            result = CliRunner().invoke(main, list(case.args))
        finally:
            if case.gazetteer:
                Gazetteer.reset_default()
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.stdout, result.stderr, exc, lines)


# --------------------------------------------------------------------------- the CLI cases


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    out = run_case(case, tmp_path)
    assert out.exception is None, f"crashed: {out.exception!r}\n{out.stderr}"
    assert out.code == case.code, (out.code, out.stderr, out.stdout[-500:])
    lines = out.stderr_lines
    last = lines[-1] if lines else ""
    assert re.search(case.said, last), (case.said, out.stderr)
    # Only 'skipped:' lines and, on failure, one Error line: never a traceback. Usage mistakes
    # (exit 2) are click's: 'Usage: …', 'Try … --help', then the Error line.
    if case.code == 2:
        lines = [line for line in lines if not line.startswith(("Usage: ", "Try "))]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == (1 if case.code else 0), out.stderr
    assert all(line.startswith(("skipped: ", "Error: ")) for line in lines), out.stderr
    if case.code == 1:
        names = case.args[-1] if case.names is None else case.names
        assert names in errors[0]
    skipped = [line[len("skipped: ") :] for line in lines if line.startswith("skipped: ")]
    assert len(skipped) == len(case.skipped), skipped
    for pattern, line in zip(case.skipped, skipped):
        assert re.search(pattern, line), (pattern, line)
    if case.stdout is not None:
        assert re.search(case.stdout, out.stdout, re.DOTALL), out.stdout[-1000:]


def test_a_failed_ingest_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    build(tmp_path, {"good.jsonl": GOOD_JSONL + "\n", "m.jsonl": GOOD_JSONL.replace("ok-1", "ok-2") + "\n{oops\n"})
    store = str(tmp_path / "t.gpkg")
    first = CliRunner().invoke(main, ["ingest", "--store", store, str(tmp_path / "good.jsonl")])
    assert first.exit_code == 0, first.output
    before = Path(store).read_bytes()
    failed = CliRunner().invoke(main, ["ingest", "--store", store, str(tmp_path / "m.jsonl")])
    assert failed.exit_code == 1 and "m.jsonl:2: malformed JSON" in failed.stderr
    after = Path(store).read_bytes()
    # Every page as it was; only SQLite's file change counter (header bytes 24-27 and 92-95) moves, as the
    # writer enters the write-ahead log and leaves it (issue 20, item 5: readers do not wait meanwhile).
    assert _without_change_counter(after) == _without_change_counter(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.jsonl", "m.jsonl", "t.gpkg"]


def _without_change_counter(db: bytes) -> bytes:
    return db[:24] + db[28:92] + db[96:]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod-000 files; the simulated EACCES cases cover it")
def test_really_unreadable_file_and_directory(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    build(tmp_path, {"dir/a.md": CONVOY, "dir/secret.md": CONVOY, "dir/sub/b.md": CONVOY})
    (tmp_path / "dir" / "secret.md").chmod(0)
    (tmp_path / "dir" / "sub").chmod(0)
    try:
        skipped: list[str] = []
        from geo_tracker.io import read_reports

        assert [r.id for r in read_reports([tmp_path / "dir"], skip_bad=True, on_skip=skipped.append)] == ["a"]
        assert any("secret.md: cannot read file (Permission denied)" in s for s in skipped)
        assert any("sub: cannot read directory (Permission denied)" in s for s in skipped)
    finally:
        (tmp_path / "dir" / "secret.md").chmod(0o644)
        (tmp_path / "dir" / "sub").chmod(0o755)


def test_python_api_raises_typed_errors(tmp_path: Path) -> None:
    from geo_tracker.io import read_reports

    build(tmp_path, {"pipe.md": fifo, "m.jsonl": "{oops\n"})
    with pytest.raises(InputError, match=r"pipe\.md: not a regular file"):
        list(read_reports([tmp_path / "pipe.md"]))
    with pytest.raises(InputError, match=r"m\.jsonl:1: malformed JSON"):
        list(read_reports([tmp_path / "m.jsonl"]))
    with pytest.raises(GazetteerError, match=r"missing name"):
        bad = tmp_path / "g.csv"
        bad.write_text("name,lat,lon\n,36.6,40.3\n", encoding="utf-8")
        list(iter_import(bad, layer="t", on_error="reject"))


# --------------------------------------------------------------------------- a 100 MB report

_MEASURE = textwrap.dedent("""\
    import resource, sys
    from geo_tracker.cli import main
    try:
        main(sys.argv[1:], standalone_mode=False)
    finally:
        print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", file=sys.stderr)
""")

PARAGRAPH = ("On February 8, a convoy of 45 military vehicles and trucks of the US-led coalition entered Syria via "
             "the Al-Walid border crossing with the Kurdistan Region of Iraq, heading towards Al-Qamishli.\n\n")
FILLER = "the weather was calm and people went about their business in the market while prices rose again. "


def write_big_report(path: Path, size: int, *, padding: bool) -> int:
    """A report of ``size`` bytes, written in 1 MB chunks: a convoy paragraph every ~64 KB, between them
    prose (``padding=False``) or mostly the blank runs of a bad PDF export (``padding=True``)."""
    between = 64 * 1024 - len(PARAGRAPH)
    if padding:
        block = PARAGRAPH + (FILLER * 20 + "\n") + (" " * 78 + "\n") * ((between - len(FILLER) * 20 - 1) // 79)
    else:
        block = PARAGRAPH + (FILLER * (between // len(FILLER))) + "\n\n"
    chunk = (block * (1_000_000 // len(block) + 1)).encode()
    written = 0
    with path.open("wb") as fh:
        fh.write(b"published: 2021-02-10\nsource: Big Outlet\n\n")
        while written < size:
            part = chunk[: size - written]
            fh.write(part)
            written += len(part)
    return written


def extract_big(tmp_path: Path, size: int, *, padding: bool) -> tuple[dict, float, float, str]:
    report = tmp_path / "big.txt"
    write_big_report(report, size, padding=padding)
    script = tmp_path / "measure.py"
    script.write_text(_MEASURE, encoding="utf-8")
    out = tmp_path / "out.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), "extract", str(report), "-o", str(out)],
                          capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak = float(re.search(r"peak_rss_mb=(\d+)", proc.stderr).group(1))  # type: ignore[union-attr]
    doc = json.loads(out.read_text(encoding="utf-8"))
    return doc, peak, seconds, proc.stderr


MAX_RSS_MB = 1500


def _check_big(doc: dict, size: int, peak: float) -> None:
    [rep] = doc["reports"]
    expected = size // (64 * 1024)
    # the same convoy paragraph, repeated through the report, is read everywhere (its crossing is
    # named in each copy) and counted as the one convoy it is
    walid = [p for p in rep["places"] if p["id"] == "sy-al-walid-crossing"]
    assert len(walid) >= expected * 0.9 and max(p["start"] for p in walid) > size * 0.9, len(walid)
    assert rep["convoys"], "no convoy"
    assert all(c["via"] and c["via"]["id"] == "sy-al-walid-crossing" for c in rep["convoys"])
    assert peak < MAX_RSS_MB, f"peak RSS {peak:.0f} MB"


def test_a_100_mb_report_is_extracted_in_bounded_memory(tmp_path: Path) -> None:
    """100 MB in one report (mostly the blank runs of a bad PDF export, ~3 MB of prose and 1,500
    convoy paragraphs): read once, extracted in 20,000-character segments."""
    size = 100_000_000
    doc, peak, seconds, _ = extract_big(tmp_path, size, padding=True)
    _check_big(doc, size, peak)
    print(f"100 MB padded report: {seconds:.0f} s, peak RSS {peak:.0f} MB")


@pytest.mark.fuzz
def test_a_100_mb_report_of_prose_is_extracted_in_bounded_memory(tmp_path: Path) -> None:
    """100 MB of prose with a convoy paragraph every 64 KB (about 40 s on 2 CPUs; lowercase prose is skipped fast)."""
    size = 100_000_000
    doc, peak, seconds, _ = extract_big(tmp_path, size, padding=False)
    _check_big(doc, size, peak)
    print(f"100 MB prose report: {seconds:.0f} s, peak RSS {peak:.0f} MB")


# --------------------------------------------------------------------------- online geocoding (geopy mocked)


class FakeNominatim:
    """Stands in for ``geopy.geocoders.Nominatim``: answers from a script, never opens a socket."""

    script: list[object] = []
    calls: list[str] = []
    built = 0

    def __init__(self, **kwargs: object) -> None:
        type(self).built += 1

    def geocode(self, query: str, **kwargs: object) -> object:
        from geopy.location import Location

        type(self).calls.append(query)
        action = type(self).script.pop(0) if type(self).script else None
        if isinstance(action, BaseException):
            raise action
        if query.lower() == "tell small":
            raw = {"place_id": 7, "osm_type": "node", "osm_id": 42, "lat": "36.70", "lon": "40.90",
                   "class": "place", "type": "hamlet", "display_name": "Tell Small, Syria"}
            return Location(raw["display_name"], (36.7, 40.9), raw)
        return None

    def __exit__(self, *args: object) -> None:
        pass


def _fake_clock(setattr_: Callable[..., None], sleeps: list[float]) -> None:
    """The rate limiter's clock and sleep, made virtual: waiting takes no time but is recorded."""
    import geopy.extra.rate_limiter

    now = [0.0]

    def sleep(self: object, seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    setattr_(geopy.extra.rate_limiter.RateLimiter, "_sleep", sleep)
    setattr_(geopy.extra.rate_limiter.BaseRateLimiter, "_clock", lambda self: now[0])


@pytest.fixture
def fake_geopy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> type[FakeNominatim]:
    import geopy.extra.rate_limiter
    import geopy.geocoders

    import geo_tracker.gazetteer.online as online

    FakeNominatim.script, FakeNominatim.calls, FakeNominatim.built = [], [], 0
    sleeps: list[float] = []
    monkeypatch.setattr(geopy.geocoders, "Nominatim", FakeNominatim)
    _fake_clock(monkeypatch.setattr, sleeps)
    monkeypatch.setattr(online, "cache_dir", lambda: tmp_path / "cache")
    FakeNominatim.sleeps = sleeps  # type: ignore[attr-defined]
    return FakeNominatim


def _geopy_errors() -> list[tuple[str, Callable[[], BaseException], str, bool]]:
    """(name, exception, message regex, sticky: later lookups fail without asking)."""
    from geopy import exc

    return [
        ("timeout", lambda: exc.GeocoderTimedOut("Service timed out"),
         r"^online geocoding failed: cannot reach nominatim\.openstreetmap\.org \(timed out after 10 s\); "
         r"offline results only$", True),
        ("http-500", lambda: exc.GeocoderServiceError("Non-successful status code 500"),
         r"^online geocoding failed: nominatim\.openstreetmap\.org: Non-successful status code 500; "
         r"offline results only$", False),
        ("rate-limited-429", lambda: exc.GeocoderRateLimited("Non-successful status code 429", retry_after=30),
         r"^online geocoding failed: nominatim\.openstreetmap\.org is rate-limiting requests \(HTTP 429 Too Many "
         r"Requests\); offline results only$", True),
        ("quota", lambda: exc.GeocoderQuotaExceeded("Non-successful status code 402"),
         r"^online geocoding failed: nominatim\.openstreetmap\.org says the request quota is used up; "
         r"offline results only$", True),
        ("refused-403", lambda: exc.GeocoderInsufficientPrivileges("Non-successful status code 403"),
         r"HTTP 403 Forbidden", True),
        ("unreachable", lambda: exc.GeocoderUnavailable("Connection refused"),
         r"^online geocoding unavailable: cannot reach nominatim\.openstreetmap\.org \(connection refused\); "
         r"offline results only$", True),
        ("not-json", lambda: exc.GeocoderParseError("Could not deserialize"), r"not JSON", False),
    ]


GEOPY_ERRORS = [pytest.param(*e, id=e[0]) for e in _geopy_errors()]


@pytest.mark.parametrize("name, make, message, sticky", GEOPY_ERRORS)
def test_geocoding_failures_raise_one_line_and_keep_the_cache(fake_geopy, tmp_path: Path, name, make, message,
                                                             sticky) -> None:
    from geo_tracker.gazetteer.online import GeocodingError, OnlineGeocoder

    with OnlineGeocoder(max_retries=2) as geo:
        cached = geo.geocode("Tell Small")
        assert cached is not None and cached.layer == "online"
        assert geo.geocode("Nowhere") is None  # "no result" is cached too
        fake_geopy.script[:] = [make() for _ in range(5)]
        with pytest.raises(GeocodingError, match=message) as info:
            geo.geocode("Somewhere Else")
        assert "\n" not in str(info.value)
        asked = len(fake_geopy.calls)
        assert geo.geocode("Tell Small") == cached and geo.geocode("nowhere") is None  # from the cache
        assert len(fake_geopy.calls) == asked
        if sticky:  # the service is down or refusing: do not keep asking
            with pytest.raises(GeocodingError, match=message):
                geo.geocode("Yet Another")
            assert len(fake_geopy.calls) == asked
    with OnlineGeocoder() as again:  # a new run: the cache on disk still answers
        assert again.geocode("Tell Small") == cached
    assert fake_geopy.calls.count("Tell Small") == 1


def test_time_outs_are_retried_then_fail(fake_geopy) -> None:
    from geopy.exc import GeocoderTimedOut

    from geo_tracker.gazetteer.online import GeocodingError, OnlineGeocoder

    fake_geopy.script[:] = [GeocoderTimedOut("timed out")] * 3
    with OnlineGeocoder(max_retries=2, error_wait_seconds=5.0) as geo, pytest.raises(GeocodingError, match="timed out"):
        geo.geocode("Tell Small")
    assert fake_geopy.calls == ["Tell Small"] * 3 and fake_geopy.sleeps.count(5.0) == 2  # type: ignore[attr-defined]
    fake_geopy.script[:] = [GeocoderTimedOut("timed out")]
    with OnlineGeocoder(max_retries=2) as geo:
        assert geo.geocode("Tell Small") is not None  # one time-out, then an answer


@pytest.mark.parametrize("name, make, message, sticky", GEOPY_ERRORS)
def test_lookup_with_geocoding_failures_is_one_line(fake_geopy, name, make, message, sticky) -> None:
    fake_geopy.script[:] = [make() for _ in range(5)]
    result = CliRunner().invoke(main, ["lookup", "Nowhere Special", "--geocode", "nominatim"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and re.search(message, line[len("Error: ") :]), line


def test_nothing_is_sent_without_opt_in(fake_geopy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No geocoder is built and no socket is opened by extract, map, ingest or lookup without --geocode."""
    import socket

    import geo_tracker.gazetteer.online as online

    connects: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        connects.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(online.OnlineGeocoder, "__init__", lambda *a, **k: connects.append("OnlineGeocoder"))
    report = tmp_path / "r.md"
    report.write_text(CONVOY + "\nTell Small and Nowhere Special are villages no gazetteer knows.\n", encoding="utf-8")
    runner = CliRunner()
    for args, code in ((["extract", str(report)], 0), (["map", "-o", str(tmp_path / "m.html"), str(report)], 0),
                       (["ingest", "--store", str(tmp_path / "t.gpkg"), str(report)], 0),
                       (["lookup", "Tell Small"], 1)):  # 1: no offline match, and no asking online
        result = runner.invoke(main, args)
        assert result.exit_code == code, (args, result.output)
    assert connects == [] and fake_geopy.built == 0 and fake_geopy.calls == []


# --------------------------------------------------------------------------- the table of docs/bad-input.md


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>") or "—"


def table(cases: list[Case] = CASES) -> str:
    rows = ["| input tried | command | what the tool said (stderr) | exit |", "|---|---|---|---|"]
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="bad-input-") as tmp:
            out = run_case(case, Path(tmp))
        said = "\n".join(out.stderr_lines)
        if not said and case.stdout:
            said = "(nothing; output on stdout)"
        rows.append(f"| {_cell(case.input)} | `{case.command}` | {_cell(said if said else '—')} | {out.code} |")
    return "\n".join(rows)


def geocoding_table() -> str:
    rows = ["| geopy raises | command | what the tool said (stderr) | exit |", "|---|---|---|---|"]
    import geopy.geocoders

    import geo_tracker.gazetteer.online as online

    for name, make, _, _ in _geopy_errors():
        with tempfile.TemporaryDirectory() as tmp, \
                mock.patch.object(geopy.geocoders, "Nominatim", FakeNominatim), \
                mock.patch.object(online, "cache_dir", lambda: Path(tmp)), contextlib.ExitStack() as stack:
            _fake_clock(lambda obj, name, value: stack.enter_context(mock.patch.object(obj, name, value)), [])
            FakeNominatim.script = [make() for _ in range(5)]
            result = CliRunner().invoke(main, ["lookup", "Nowhere Special", "--geocode", "nominatim"])
        shown = type(make()).__name__ + f"({make()})"
        rows.append(f"| `{shown}` | `geo-tracker lookup 'Nowhere Special' --geocode nominatim` | "
                    f"{_cell(result.stderr.strip())} | {result.exit_code} |")
    return "\n".join(rows)


def big_rows(prose: bool) -> str:
    rows = []
    variants = [("padding", True)] + ([("prose", False)] if prose else [])
    for what, padding in variants:
        with tempfile.TemporaryDirectory(prefix="bad-input-big-") as tmp:
            doc, peak, seconds, _ = extract_big(Path(tmp), 100_000_000, padding=padding)
        [rep] = doc["reports"]
        kind = "mostly the blank runs of a bad PDF export, 3 MB of prose" if padding else "prose"
        rows.append(f"| a 100 MB report: {kind}, a convoy paragraph every 64 KB | "
                    f"`geo-tracker extract big.txt -o out.json` | nothing on stderr; {len(rep['convoys']):,} convoys, "
                    f"{len(rep['places']):,} places in {seconds:.0f} s, peak RSS {peak:.0f} MB | 0 |")
    return "\n".join(rows)


HEADER = """\
# Bad input: what the tool says

Every row was produced by running the command (`python tests/test_bad_input.py > docs/bad-input.md`,
add `--prose` for the 100 MB prose report, under a minute); `tests/test_bad_input.py` asserts
the same outcomes. Paths are relative to the directory the command ran in. A failure is one
`Error: ...` line naming the file (and the line for JSONL/CSV) with exit status 1; usage
mistakes are click's, exit status 2; `--skip-bad` lists each skip as `skipped: ...` and
processes the rest. The unreadable cases raise the EACCES a user gets (the suite runs as root,
who reads chmod-000 files, so it is simulated; a real chmod test runs when not root).

"""

if __name__ == "__main__":  # python tests/test_bad_input.py [--prose] > docs/bad-input.md
    os.environ["GEO_TRACKER_DATA"] = tempfile.mkdtemp(prefix="bad-input-data-")
    print(HEADER)
    print("## Report files (extract, map, ingest, batch) and gazetteer files (gazetteer import)\n")
    print(table())
    print(big_rows(prose="--prose" in sys.argv))
    print("\n## Online geocoding (opt-in; geopy mocked, nothing sent)\n")
    print("Cached answers stay valid after each failure; after a time-out, an unreachable host, a refusal or a")
    print("rate limit, later uncached names fail at once instead of asking again. Without `--geocode` no")
    print("geocoder is built and no socket is opened (`extract`, `map`, `ingest`, `lookup`).\n")
    print(geocoding_table())
