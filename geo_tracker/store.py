"""The tracker store: one GeoPackage file holding reports, their extractions and merged events.

The file opens in QGIS, GDAL/pyogrio and geopandas. Its tables:

============== ========== ==============================================================
table          geometry   rows
============== ========== ==============================================================
``reports``    –          one per report: id, content hash, published, source, url, text,
                          ingest time, and the full extraction as JSON (``extraction``)
``places``     Point      every resolved place mention of every report
``report_convoys`` route  the convoys of each report, before merging
``report_sites`` Point    the sites of each report, before merging
``convoys``    route      convoys merged across reports (see :mod:`geo_tracker.merge`)
``sites``      Point      sites merged across reports
``geo_tracker_meta`` –    ``schema_version``, ``merge_rules_version``, creating version
============== ========== ==============================================================

Routes are LineStrings, or Points for a convoy with one known waypoint.

**Duplicates.** A report is identified by its *content hash*: SHA-256 of its
outlet (case-folded) and its text (Unicode NFC, whitespace collapsed). The
same article ingested twice, from another file or with another id, adds
nothing. The same text from a *different* outlet is a different report: a
republication is that outlet's own statement, kept as its own source. The
publication date and URL are not part of the hash, so a re-ingest with a
different ``--published`` default or a URL added later is still a duplicate.
A new report whose id is taken by another report gets ``~2``, ``~3``… appended.

**Transactions.** An ingest writes in one SQLite transaction (``synchronous=FULL``)
that also rewrites the merged layers: an error, Ctrl-C or a kill at any point
leaves the store exactly as it was before, and running the ingest again
completes it without duplicates. With ``batch_size`` every batch is its own
transaction, so a long run keeps what it finished.

**Concurrent use.** A writer switches the store to SQLite's write-ahead log
(WAL) while it writes, and back to a plain rollback journal when it is done
and nobody else has the store open, so a store at rest is one file. Readers
(``export``, ``map --store``, the Python API) never wait for a writer: they
read the last committed state. A second writer waits for the first, tells
``on_wait`` so (the CLI prints it), and gives up after ``lock_timeout``
seconds (``--lock-timeout``, ``$GEO_TRACKER_LOCK_TIMEOUT``; default
:data:`geo_tracker.gpkg.DEFAULT_LOCK_TIMEOUT`) with one line saying so.

**Rebuilding.** The JSON extraction of each report (``extraction``, with
``schema``) keeps everything merging needs, so the merged layers are
recomputed when the merge rules change (``merge_rules_version``) without
re-reading any report.

Example:
    >>> import tempfile, pathlib, datetime as dt
    >>> from geo_tracker.models import Report, ReportResult
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "t.gpkg")
    >>> r = Report("r1", "Nothing happened.", dt.date(2021, 1, 1), "SANA")
    >>> store.ingest([r], extract=lambda rep: ReportResult(rep)).added_ids
    ('r1',)
    >>> print(store.ingest([r], extract=lambda rep: ReportResult(rep)))
    added 0 reports, skipped 1 already in the store; the store holds 1 report: 0 convoys, 0 sites, 0 reported by 2+ outlets
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, gpkg
from .gpkg import DEFAULT_LOCK_TIMEOUT
from .errors import StoreError
from .export import _name, event_geometry, route_km, write_merged_layers
from .merge import MERGE_RULES_VERSION, merge_convoys, merge_sites
from .models import Convoy, DateValue, Evidence, Location, Place, Report, ReportResult, Site

__all__ = ["SCHEMA_VERSION", "IngestSummary", "Store", "content_hash", "default_store_path", "result_from_record",
           "result_to_record"]

SCHEMA_VERSION = 1
"""Version of the tables and of the extraction JSON; a newer store is refused, not misread."""

STORE_FILENAME = "tracker.gpkg"

META = gpkg.Layer("geo_tracker_meta", (("key", "TEXT UNIQUE NOT NULL"), ("value", "TEXT")),
                  description="geo_tracker store metadata")
REPORTS = gpkg.Layer(
    "reports",
    (("report_id", "TEXT UNIQUE NOT NULL"), ("content_hash", "TEXT UNIQUE NOT NULL"), ("published", "DATE"),
     ("source", "TEXT"), ("url", "TEXT"), ("text", "TEXT"), ("ingested_at", "DATETIME"),
     ("convoys", "INTEGER"), ("sites", "INTEGER"), ("extraction", "TEXT")),
    description="Ingested reports with their extraction (JSON)",
)
PLACES = gpkg.Layer(
    "places",
    (("report_id", "TEXT"), ("mention", "TEXT"), ("start", "INTEGER"), ("end", "INTEGER"), ("place_id", "TEXT"),
     ("name", "TEXT"), ("kind", "TEXT"), ("country", "TEXT"), ("precision", "INTEGER"),
     ("uncertainty_km", "REAL"), ("qualifier", "TEXT")),
    "POINT", "Resolved place mentions of every report",
)
REPORT_CONVOYS = gpkg.Layer(
    "report_convoys",
    (("report_id", "TEXT"), ("idx", "INTEGER"), ("event_date", "DATE"), ("date_granularity", "TEXT"),
     ("actor", "TEXT"), ("vehicles_min", "INTEGER"), ("vehicles_note", "TEXT"), ("cargo", "TEXT"),
     ("direction", "TEXT"), ("origin", "TEXT"), ("via", "TEXT"), ("destination", "TEXT"), ("route_km", "REAL"),
     ("source", "TEXT"), ("sentence", "TEXT")),
    "GEOMETRY", "Convoys of each report, before merging",
)
REPORT_SITES = gpkg.Layer(
    "report_sites",
    (("report_id", "TEXT"), ("idx", "INTEGER"), ("site_id", "TEXT"), ("name", "TEXT"), ("kind", "TEXT"),
     ("status", "TEXT"), ("event_date", "DATE"), ("date_granularity", "TEXT"), ("actor", "TEXT"),
     ("features", "TEXT"), ("precision", "INTEGER"), ("uncertainty_km", "REAL"), ("source", "TEXT"),
     ("sentence", "TEXT")),
    "POINT", "Sites of each report, before merging",
)
_PER_REPORT = (PLACES, REPORT_CONVOYS, REPORT_SITES)


def default_store_path() -> Path:
    """``tracker.gpkg`` in the user data directory (``$GEO_TRACKER_DATA`` overrides the directory)."""
    from .gazetteer.userlayers import data_dir

    return data_dir() / STORE_FILENAME


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def content_hash(report: Report) -> str:
    """The identity of a report: SHA-256 of its outlet (case-folded) and text, normalised.

    Example:
        >>> a = Report("a", "45 trucks  entered.", source="SOHR")
        >>> b = Report("b", "45 trucks entered.\\n", source="sohr ")
        >>> content_hash(a) == content_hash(b), content_hash(a) == content_hash(
        ...     Report("a", "45 trucks entered.", source="SANA"))
        (True, False)
    """
    key = f"geo-tracker/report/1\x00{_norm(report.source).casefold()}\x00{_norm(report.text)}"
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


# ---------------------------------------------------------------- extraction JSON (full fidelity)


def _place_to(p: Place | None) -> dict[str, Any] | None:
    if p is None:
        return None
    d = dataclasses.asdict(p)
    d.pop("alt_names")
    d["bbox"] = list(p.bbox) if p.bbox else None
    return d


def _place_from(d: dict[str, Any] | None) -> Place | None:
    if d is None:
        return None
    d = dict(d)
    d["bbox"] = tuple(d["bbox"]) if d.get("bbox") else None
    return Place(**d)


def _loc_to(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    d = dataclasses.asdict(loc)
    d["place"] = _place_to(loc.place)
    return d


def _loc_from(d: dict[str, Any] | None) -> Location | None:
    if d is None:
        return None
    d = dict(d)
    d["place"] = _place_from(d["place"])
    return Location(**d)


def _date_to(d: DateValue | None) -> dict[str, Any] | None:
    return None if d is None else {"value": d.value.isoformat(), "granularity": d.granularity, "text": d.text}


def _date_from(d: dict[str, Any] | None) -> DateValue | None:
    return None if d is None else DateValue(_dt.date.fromisoformat(d["value"]), d["granularity"], d["text"])


def _evidence_from(report: Report, sentences: list[str]) -> tuple[Evidence, ...]:
    return tuple(Evidence(report.id, s, report.source, report.url, report.published) for s in sentences)


def result_to_record(result: ReportResult) -> dict[str, Any]:
    """Everything extracted from one report as JSON-ready data (the ``extraction`` column).

    Evidence is kept as its sentences; the rest of it comes from the report row.
    """
    convoys = [
        {"vehicles_min": c.vehicles_min, "actor": c.actor, "cargo": list(c.cargo), "date": _date_to(c.date),
         "origin": _loc_to(c.origin), "via": _loc_to(c.via), "destination": _loc_to(c.destination),
         "direction": c.direction, "vehicles_note": c.vehicles_note,
         "sentences": [e.sentence for e in c.evidence], "conflicts": list(c.conflicts)}
        for c in result.convoys
    ]
    sites = [
        {"id": s.id, "name": s.name, "kind": s.kind, "status": s.status, "date": _date_to(s.date),
         "location": _loc_to(s.location), "actor": s.actor, "features": list(s.features),
         "sentences": [e.sentence for e in s.evidence], "conflicts": list(s.conflicts)}
        for s in result.sites
    ]
    return {"schema": SCHEMA_VERSION, "places": [_loc_to(p) for p in result.places], "convoys": convoys,
            "sites": sites}


def result_from_record(report: Report, record: dict[str, Any]) -> ReportResult:
    """The :class:`ReportResult` of ``report`` from its stored record (inverse of :func:`result_to_record`)."""
    convoys = tuple(
        Convoy(
            vehicles_min=c["vehicles_min"], actor=c["actor"], cargo=tuple(c["cargo"]), date=_date_from(c["date"]),
            origin=_loc_from(c["origin"]), via=_loc_from(c["via"]), destination=_loc_from(c["destination"]),
            direction=c["direction"], vehicles_note=c["vehicles_note"],
            evidence=_evidence_from(report, c["sentences"]), conflicts=tuple(c.get("conflicts", ())),
        )
        for c in record["convoys"]
    )
    sites = tuple(
        Site(
            id=s["id"], name=s["name"], kind=s["kind"], status=s["status"], date=_date_from(s["date"]),
            location=_loc_from(s["location"]), actor=s["actor"], features=tuple(s["features"]),  # type: ignore[arg-type]
            evidence=_evidence_from(report, s["sentences"]), conflicts=tuple(s.get("conflicts", ())),
        )
        for s in record["sites"]
    )
    places = tuple(_loc_from(p) for p in record["places"])
    return ReportResult(report=report, places=places, convoys=convoys, sites=sites)  # type: ignore[arg-type]


# ---------------------------------------------------------------- per-report rows


def _place_rows(result: ReportResult) -> tuple[list[dict[str, Any]], list[Any]]:
    from shapely.geometry import Point

    rows, geoms = [], []
    for loc in result.places:
        if not loc.resolved:
            continue
        p = loc.place
        rows.append({"report_id": result.report.id, "mention": loc.mention, "start": loc.start, "end": loc.end,
                     "place_id": p.id, "name": p.name, "kind": p.kind, "country": p.country,
                     "precision": loc.precision, "uncertainty_km": loc.uncertainty_km, "qualifier": loc.qualifier})
        geoms.append(Point(loc.lon, loc.lat))
    return rows, geoms


def _event_base(result: ReportResult, idx: int, event: Convoy | Site) -> dict[str, Any]:
    return {"report_id": result.report.id, "idx": idx, "event_date": event.date.isoformat() if event.date else None,
            "date_granularity": event.date.granularity if event.date else None, "actor": event.actor,
            "source": result.report.source, "sentence": " ".join(e.sentence for e in event.evidence)}


def _convoy_rows(result: ReportResult) -> tuple[list[dict[str, Any]], list[Any]]:
    rows = [
        {**_event_base(result, i, c), "vehicles_min": c.vehicles_min, "vehicles_note": c.vehicles_note,
         "cargo": "; ".join(c.cargo), "direction": c.direction, "origin": _name(c.origin), "via": _name(c.via),
         "destination": _name(c.destination), "route_km": route_km(c)}
        for i, c in enumerate(result.convoys)
    ]
    return rows, [event_geometry(c) for c in result.convoys]


def _site_rows(result: ReportResult) -> tuple[list[dict[str, Any]], list[Any]]:
    rows = [
        {**_event_base(result, i, s), "site_id": s.id, "name": s.name, "kind": s.kind, "status": s.status,
         "features": "; ".join(s.features), "precision": s.location.precision,
         "uncertainty_km": s.location.uncertainty_km}
        for i, s in enumerate(result.sites)
    ]
    return rows, [event_geometry(s) for s in result.sites]


# ---------------------------------------------------------------- the store


@dataclass(frozen=True)
class IngestSummary:
    """The outcome of an ingest.

    ``added_ids`` are the ids the new reports were stored under; ``skipped_ids``
    the input ids of reports already in the store (same outlet and text). The
    totals describe the whole store after the ingest; ``corroborated`` counts
    merged events reported by two or more outlets.
    """

    path: Path
    added_ids: tuple[str, ...]
    skipped_ids: tuple[str, ...]
    reports: int
    convoys: int
    sites: int
    corroborated: int

    @property
    def added(self) -> int:
        return len(self.added_ids)

    @property
    def skipped(self) -> int:
        return len(self.skipped_ids)

    def __str__(self) -> str:
        return (
            f"added {self.added} report{_s(self.added)}, skipped {self.skipped} already in the store; "
            f"the store holds {self.reports} report{_s(self.reports)}: {self.convoys} convoy{_s(self.convoys)}, "
            f"{self.sites} site{_s(self.sites)}, {self.corroborated} reported by 2+ outlets"
        )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _locked(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class Store:
    """A GeoPackage tracker store at ``path`` (created on the first write).

    Reading a store that does not exist yet gives no reports; nothing is
    created until something is written.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    # -------------------------------------------------------- connections

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """An open, checked connection; a new file is initialised first (in its own transaction)."""
        if write and not self.path.parent.is_dir():
            if self.path == default_store_path():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            else:
                raise StoreError(f"{self.path}: directory {self.path.parent} does not exist")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            con = gpkg.connect(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
        try:
            if write:
                con.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
                con.execute("PRAGMA journal_mode = WAL")  # readers keep reading the last commit meanwhile
                con.execute("PRAGMA synchronous = FULL")
            self._check(con, write=write)
            yield con
        except sqlite3.Error as exc:
            if _locked(exc):
                raise StoreError(f"{self.path}: the store is still locked by another program after "
                                 f"{self.lock_timeout:g} s; retry later or wait longer with --lock-timeout") from None
            if "not a database" in str(exc):
                raise StoreError(f"{self.path}: not a geo-tracker store (not a GeoPackage/SQLite file)") from None
            raise StoreError(f"{self.path}: {exc}") from None
        finally:
            if write:
                _back_to_one_file(con)
            con.close()

    def _check(self, con: sqlite3.Connection, *, write: bool) -> None:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            if write:
                self._create(con)
            return
        if META.name not in tables or not gpkg.is_geopackage(con):
            kind = "a GeoPackage" if gpkg.is_geopackage(con) else "a database"
            raise StoreError(f"{self.path}: {kind} but not a geo-tracker store")
        meta = dict(con.execute(f"SELECT key, value FROM {META.name}").fetchall())
        version = int(meta.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer geo-tracker (store schema {version}, "
                             f"this version reads {SCHEMA_VERSION}); upgrade geo-tracker")
        if write and meta.get("merge_rules_version") != str(MERGE_RULES_VERSION):
            self._begin(con)
            try:
                self._refresh(con)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def _begin(self, con: sqlite3.Connection) -> None:
        """Start a write transaction; while another writer holds the store, say so and wait (``lock_timeout``)."""
        con.execute("PRAGMA busy_timeout = 200")
        try:
            con.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
        finally:
            con.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
        if self.on_wait is not None:
            self.on_wait(f"{self.path}: another program is writing the store; waiting up to "
                         f"{self.lock_timeout:g} s (--lock-timeout)")
        con.execute("BEGIN IMMEDIATE")

    def _create(self, con: sqlite3.Connection) -> None:
        self._begin(con)
        try:
            gpkg.init(con)
            for layer in (META, REPORTS, *_PER_REPORT):
                gpkg.create_layer(con, layer)
            write_merged_layers(con, [])
            now = _now()
            gpkg.insert(con, META, [{"key": "schema_version", "value": str(SCHEMA_VERSION)},
                                    {"key": "created_by", "value": f"geo-tracker {__version__}"},
                                    {"key": "created_at", "value": now},
                                    {"key": "merge_rules_version", "value": str(MERGE_RULES_VERSION)}])
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    # -------------------------------------------------------- reading

    def results(self) -> list[ReportResult]:
        """Every stored report with its extraction, in ingest order."""
        if not self.exists:
            return []
        with self._connect(write=False) as con:
            return self._results(con)

    def _results(self, con: sqlite3.Connection) -> list[ReportResult]:
        if not _has_table(con, REPORTS.name):
            return []
        out = []
        rows = con.execute("SELECT report_id, text, published, source, url, extraction FROM reports ORDER BY fid")
        for rid, text, published, source, url, extraction in rows:
            report = Report(rid, text or "", _dt.date.fromisoformat(published) if published else None, source, url)
            try:
                record = json.loads(extraction)
            except (TypeError, ValueError):
                raise StoreError(f"{self.path}: report {rid!r} has an unreadable extraction") from None
            out.append(result_from_record(report, record))
        return out

    def report_rows(self) -> list[dict[str, Any]]:
        """The ``reports`` table without the extraction JSON."""
        if not self.exists:
            return []
        with self._connect(write=False) as con:
            if not _has_table(con, REPORTS.name):
                return []
            cur = con.execute("SELECT report_id, content_hash, published, source, url, text, ingested_at, "
                              "convoys, sites FROM reports ORDER BY fid")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur]

    # -------------------------------------------------------- writing

    def ingest(
        self,
        reports: Iterable[Report],
        extract: Callable[[Report], ReportResult],
        *,
        batch_size: int | None = None,
        progress: Callable[[Report, bool], None] | None = None,
    ) -> IngestSummary:
        """Extract and store the reports that are not stored yet, then recompute the merged layers.

        One transaction for the whole call, or one per ``batch_size`` new
        reports. ``progress(report, added)`` is called after each report.
        Any exception rolls the open transaction back and propagates.
        """
        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        added: list[str] = []
        skipped: list[str] = []
        with self._connect(write=True) as con:
            in_tx, pending = False, 0
            try:
                for report in reports:
                    if not in_tx:
                        self._begin(con)
                        in_tx = True
                    digest = content_hash(report)
                    new = not con.execute("SELECT 1 FROM reports WHERE content_hash = ?", (digest,)).fetchone()
                    if new:
                        report = self._unique_id(con, report)
                        self._insert(con, extract(report), digest)
                        added.append(report.id)
                        pending += 1
                    else:
                        skipped.append(report.id)
                    if progress is not None:
                        progress(report, new)
                    if batch_size and pending >= batch_size:
                        self._refresh(con)
                        con.execute("COMMIT")
                        in_tx, pending = False, 0
                if in_tx:
                    if pending:
                        self._refresh(con)
                    con.execute("COMMIT")
                    in_tx = False
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            counts = self._counts(con)
        return IngestSummary(self.path, tuple(added), tuple(skipped), *counts)

    def _unique_id(self, con: sqlite3.Connection, report: Report) -> Report:
        rid, n = report.id, 2
        while con.execute("SELECT 1 FROM reports WHERE report_id = ?", (rid,)).fetchone():
            rid, n = f"{report.id}~{n}", n + 1
        return report if rid == report.id else dataclasses.replace(report, id=rid)

    def _insert(self, con: sqlite3.Connection, result: ReportResult, digest: str) -> None:
        r = result.report
        record = json.dumps(result_to_record(result), ensure_ascii=False, separators=(",", ":"))
        gpkg.insert(con, REPORTS, [{
            "report_id": r.id, "content_hash": digest, "published": r.published, "source": r.source, "url": r.url,
            "text": r.text, "ingested_at": _now(), "convoys": len(result.convoys), "sites": len(result.sites),
            "extraction": record,
        }])
        for layer, build in zip(_PER_REPORT, (_place_rows, _convoy_rows, _site_rows)):
            rows, geoms = build(result)
            gpkg.insert(con, layer, rows, geoms)

    def _refresh(self, con: sqlite3.Connection) -> None:
        """Recompute the merged layers and extents from the stored extractions (inside a transaction)."""
        results = self._results(con)
        convoys = merge_convoys(c for r in results for c in r.convoys)
        sites = merge_sites(s for r in results for s in r.sites)
        write_merged_layers(con, [*convoys, *sites])
        for layer in (REPORTS, *_PER_REPORT):
            gpkg.update_extent(con, layer)
        con.execute(f"INSERT OR REPLACE INTO {META.name} (key, value) VALUES ('merge_rules_version', ?)",
                    (str(MERGE_RULES_VERSION),))

    def _counts(self, con: sqlite3.Connection) -> tuple[int, int, int, int]:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return (
            one("SELECT count(*) FROM reports"),
            one("SELECT count(*) FROM convoys"),
            one("SELECT count(*) FROM sites"),
            one("SELECT (SELECT count(*) FROM convoys WHERE corroboration > 1) + "
                "(SELECT count(*) FROM sites WHERE corroboration > 1)"),
        )


def _back_to_one_file(con: sqlite3.Connection) -> None:
    """Leave WAL for a rollback journal (the log folded into the file) unless another connection is open."""
    try:
        con.execute("PRAGMA busy_timeout = 0")
        con.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error:  # another connection is open (it will), or the store is unusable (already reported)
        pass


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _now() -> str:
    """UTC now in the GeoPackage DATETIME form (``YYYY-MM-DDTHH:MM:SS.SSSZ``)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
