"""Serialisations of an :class:`~geo_tracker.models.Extraction`: the JSON contract,
GeoJSON, a flat CSV event table, and GeoDataFrames (EPSG:4326).

Example:
    >>> from geo_tracker.models import Extraction
    >>> extraction_to_dict(Extraction())
    {'reports': []}
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .atomic import atomic_path
from .models import Convoy, DateValue, Extraction, Location, ReportResult, Site

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

CRS = "EPSG:4326"


def _date(d: DateValue | None) -> str | None:
    return d.isoformat() if d else None


def location_to_dict(loc: Location | None) -> dict[str, Any] | None:
    """A PLACE object of the JSON contract (``None`` stays ``None``)."""
    if loc is None:
        return None
    p = loc.place
    return {
        "mention": loc.mention,
        "start": loc.start,
        "end": loc.end,
        "id": p.id if p else None,
        "name": p.name if p else None,
        "kind": p.kind if p else None,
        "country": p.country if p else None,
        "lat": loc.lat,
        "lon": loc.lon,
        "precision": loc.precision,
        "uncertainty_km": round(float(loc.uncertainty_km), 3),
        "qualifier": loc.qualifier,
    }


def convoy_to_dict(c: Convoy) -> dict[str, Any]:
    return {
        "vehicles_min": c.vehicles_min,
        "vehicles_note": c.vehicles_note,
        "actor": c.actor,
        "cargo": list(c.cargo),
        "date": _date(c.date),
        "date_granularity": c.date.granularity if c.date else None,
        "direction": c.direction,
        "origin": location_to_dict(c.origin),
        "via": location_to_dict(c.via),
        "destination": location_to_dict(c.destination),
        "sentence": c.evidence[0].sentence if c.evidence else None,
    }


def site_to_dict(s: Site) -> dict[str, Any]:
    loc = s.location
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "status": s.status,
        "date": _date(s.date),
        "date_granularity": s.date.granularity if s.date else None,
        "actor": s.actor,
        "features": list(s.features),
        "lat": loc.lat,
        "lon": loc.lon,
        "precision": loc.precision,
        "uncertainty_km": round(float(loc.uncertainty_km), 3),
        "qualifier": loc.qualifier,
        "mention": loc.mention,
        "start": loc.start,
        "end": loc.end,
        "place_id": loc.place.id if loc.place else None,
        "sentence": s.evidence[0].sentence if s.evidence else None,
    }


def result_to_dict(r: ReportResult) -> dict[str, Any]:
    rep = r.report
    return {
        "id": rep.id,
        "published": rep.published.isoformat() if rep.published else None,
        "source": rep.source,
        "url": rep.url,
        "places": [location_to_dict(p) for p in r.places],
        "convoys": [convoy_to_dict(c) for c in r.convoys],
        "sites": [site_to_dict(s) for s in r.sites],
    }


def extraction_to_dict(ex: Extraction) -> dict[str, Any]:
    """The JSON contract of ``geo-tracker extract --format json``."""
    return {"reports": [result_to_dict(r) for r in ex.results]}


def to_json(ex: Extraction, *, indent: int | None = 2) -> str:
    return json.dumps(extraction_to_dict(ex), ensure_ascii=False, indent=indent)


# --- tables and geometry ---------------------------------------------------------

EVENT_COLUMNS = [
    "event_type", "report_id", "date", "published", "source", "url", "actor", "name", "kind",
    "status", "vehicles_min", "cargo", "origin", "via", "destination", "lat", "lon",
    "precision", "uncertainty_km", "sentence",
]


def _evidence_fields(ev) -> dict[str, Any]:
    if not ev:
        return {"report_id": None, "published": None, "source": None, "url": None, "sentence": None}
    e = ev[0]
    return {
        "report_id": e.report_id,
        "published": e.published.isoformat() if e.published else None,
        "source": e.source,
        "url": e.url,
        "sentence": e.sentence,
    }


def _name(loc: Location | None) -> str | None:
    if loc is None:
        return None
    return loc.place.name if loc.place else loc.mention


def event_rows(ex: Extraction) -> list[dict[str, Any]]:
    """One flat row per convoy and site (the CSV table)."""
    rows = []
    for c in ex.convoys:
        end = c.destination or c.via or c.origin
        rows.append({
            "event_type": "convoy", **_evidence_fields(c.evidence), "date": _date(c.date),
            "actor": c.actor, "name": None, "kind": "convoy", "status": c.direction,
            "vehicles_min": c.vehicles_min, "cargo": "; ".join(c.cargo),
            "origin": _name(c.origin), "via": _name(c.via), "destination": _name(c.destination),
            "lat": end.lat if end else None, "lon": end.lon if end else None,
            "precision": end.precision if end else None,
            "uncertainty_km": end.uncertainty_km if end else None,
        })
    for s in ex.sites:
        loc = s.location
        rows.append({
            "event_type": "site", **_evidence_fields(s.evidence), "date": _date(s.date),
            "actor": s.actor, "name": s.name, "kind": s.kind, "status": s.status,
            "vehicles_min": None, "cargo": "; ".join(s.features), "origin": None, "via": None,
            "destination": None, "lat": loc.lat, "lon": loc.lon, "precision": loc.precision,
            "uncertainty_km": loc.uncertainty_km,
        })
    return rows


def _csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str], **dialect: Any) -> str:
    """Rows as CSV text, text cells guarded against spreadsheet formulas."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", **dialect)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return buf.getvalue()


def to_csv(ex: Extraction) -> str:
    """The per-report event table (``geo-tracker extract --format csv``)."""
    return _csv_text(event_rows(ex), EVENT_COLUMNS)


def _convoy_geometry(c: Convoy):
    from shapely.geometry import LineString, Point

    pts = [(w.lon, w.lat) for w in c.waypoints]
    if len(pts) >= 2:
        return LineString(pts)
    return Point(pts[0]) if pts else None


def places_frame(ex: Extraction) -> "gpd.GeoDataFrame":
    """Every resolved mention as a point row (EPSG:4326)."""
    import geopandas as gpd

    rows = []
    for r in ex.results:
        for loc in r.places:
            d = location_to_dict(loc) or {}
            d["report_id"] = r.report.id
            rows.append(d)
    cols = ["report_id", "mention", "start", "end", "id", "name", "kind", "country", "lat", "lon",
            "precision", "uncertainty_km", "qualifier"]
    df = gpd.GeoDataFrame(rows, columns=cols)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=CRS)


def convoys_frame(ex: Extraction) -> "gpd.GeoDataFrame":
    """Convoys with their route as a LineString (origin → via → destination)."""
    import geopandas as gpd

    rows, geoms = [], []
    for c in ex.convoys:
        d = convoy_to_dict(c)
        for role in ("origin", "via", "destination"):
            d[role] = _name(getattr(c, role))
        d.update({k: v for k, v in _evidence_fields(c.evidence).items() if k != "sentence"})
        d["cargo"] = "; ".join(c.cargo)
        rows.append(d)
        geoms.append(_convoy_geometry(c))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS)


def sites_frame(ex: Extraction) -> "gpd.GeoDataFrame":
    """Sites as points with status, kind and source columns."""
    import geopandas as gpd

    rows = []
    for s in ex.sites:
        d = site_to_dict(s)
        d["features"] = "; ".join(s.features)
        d.update({k: v for k, v in _evidence_fields(s.evidence).items() if k != "sentence"})
        rows.append(d)
    df = gpd.GeoDataFrame(rows)
    if df.empty:
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=CRS)


def to_geojson(ex: Extraction) -> str:
    """Convoys (lines) and sites (points) as one GeoJSON FeatureCollection."""
    from shapely.geometry import mapping

    features = []
    for c in ex.convoys:
        geom = _convoy_geometry(c)
        if geom is None:
            continue
        features.append({"type": "Feature", "geometry": mapping(geom),
                         "properties": {"event_type": "convoy", **convoy_to_dict(c)}})
    for s in ex.sites:
        if s.location.lat is None:
            continue
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [s.location.lon, s.location.lat]},
                         "properties": {"event_type": "site", **site_to_dict(s)}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=2)


def extraction_summary_html(ex: Extraction) -> str:
    """A small HTML table for Jupyter (all values escaped)."""
    s = ex.summary()
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in s.items())
    return f"<table><caption>geo_tracker extraction</caption>{cells}</table>"


# --- merged events (the tracker) -------------------------------------------------
#
# One tidy row per merged event. The same rows feed the tracker's GeoDataFrames,
# the merged layers of its GeoPackage store, and the GeoJSON, GeoPackage, KML
# and ACLED-like CSV exports, so every output shows the same columns.

EVENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("event_id", "TEXT"), ("event_type", "TEXT"), ("event_date", "DATE"), ("date_granularity", "TEXT"),
    ("time_precision", "INTEGER"), ("actor", "TEXT"),
)
LOCATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("location", "TEXT"), ("place_id", "TEXT"), ("country", "TEXT"), ("admin1", "TEXT"),
    ("latitude", "REAL"), ("longitude", "REAL"), ("precision", "INTEGER"), ("uncertainty_km", "REAL"),
)
SOURCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("corroboration", "INTEGER"), ("sources", "TEXT"), ("report_ids", "TEXT"), ("urls", "TEXT"),
    ("first_published", "DATE"), ("conflicts", "TEXT"), ("sentences", "TEXT"),
)
CONVOY_FIELDS: tuple[tuple[str, str], ...] = (
    EVENT_FIELDS
    + (("vehicles_min", "INTEGER"), ("vehicles_note", "TEXT"), ("cargo", "TEXT"), ("direction", "TEXT"),
       ("origin", "TEXT"), ("via", "TEXT"), ("destination", "TEXT"), ("route_km", "REAL"))
    + LOCATION_FIELDS + SOURCE_FIELDS
)
"""Columns of a merged convoy (name, GeoPackage type); the geometry is the route."""
SITE_FIELDS: tuple[tuple[str, str], ...] = (
    EVENT_FIELDS
    + (("site_id", "TEXT"), ("name", "TEXT"), ("kind", "TEXT"), ("status", "TEXT"), ("features", "TEXT"))
    + LOCATION_FIELDS + SOURCE_FIELDS
)
"""Columns of a merged site (name, GeoPackage type); the geometry is its point."""

CONFLICT_SEPARATOR = " | "
"""Joins the conflict sentences of one event (each already lists values with '; ')."""

_ROUTE_ROLES = ("origin", "via", "destination")


def event_id(event: Convoy | Site) -> str:
    """A stable id from the event's evidence: the same sources give the same id.

    Example:
        >>> from geo_tracker.models import Evidence
        >>> c = Convoy(5, None, (), None, None, None, None, evidence=(Evidence("r1", "Five trucks."),))
        >>> event_id(c) == event_id(c.__class__(9, None, (), None, None, None, None, evidence=c.evidence))
        True

    Sites also carry their site id, so two sites read from one sentence differ.
    """
    import hashlib

    kind = "convoy" if isinstance(event, Convoy) else "site"
    keys = sorted({f"{e.report_id}\x1f{e.sentence}" for e in event.evidence})
    # Two sites of one sentence ("a base near X and an outpost near Y") share their evidence.
    what = event.id if isinstance(event, Site) else ""
    return f"{kind}-" + hashlib.sha1("\n".join([what, *keys]).encode("utf-8", "replace")).hexdigest()[:12]


def time_precision(d: DateValue | None) -> int | None:
    """ACLED time precision: 1 a stated day, 2 a day within a week (estimates and the
    publication-date fallback), 3 a month or a year."""
    from .merge import date_rank

    rank = date_rank(d)
    return None if rank == 5 else 1 if rank == 0 else 2 if rank in (1, 2) else 3


def route_km(c: Convoy) -> float | None:
    """Length in km of the route through its waypoints that are places, not regions: geopy's
    geodesic on WGS84 between points whose uncertainty is at most
    :data:`geo_tracker.merge.COARSE_KM` (the representative point of "the Kurdistan Region" is not
    where the convoy went). ``None`` with fewer than two such points.

    Example:
        >>> from geo_tracker.models import Place
        >>> b = Location("B", 0, 1, Place("b", "B", "town", "SY", 37.0, 40.0, 1.0), 37.0, 40.0)
        >>> a = Location("A", 0, 1, Place("a", "A", "town", "SY", 36.0, 40.0, 1.0), 36.0, 40.0)
        >>> route_km(Convoy(None, None, (), None, a, None, b))
        111.0
    """
    from geopy.distance import geodesic

    from .merge import COARSE_KM

    pts = [(w.lat, w.lon) for w in c.waypoints if w.uncertainty_km <= COARSE_KM]
    if len(pts) < 2:
        return None
    return round(sum(geodesic(p, q).km for p, q in zip(pts, pts[1:])), 1)


def key_location(c: Convoy) -> Location | None:
    """The convoy's location in tables: its most precise route point; on a tie the crossing it
    was seen at (via), then its destination, then its origin."""
    order = {"via": 0, "destination": 1, "origin": 2}
    points = [(role, getattr(c, role)) for role in _ROUTE_ROLES]
    points = [(role, loc) for role, loc in points if loc is not None and loc.resolved]
    if not points:
        return None
    return min(points, key=lambda rl: (rl[1].precision, order[rl[0]], rl[1].uncertainty_km))[1]


def _unique(values) -> list:
    return list(dict.fromkeys(v for v in values if v))


def _location_fields(loc: Location | None) -> dict[str, Any]:
    p = loc.place if loc is not None else None
    return {
        "location": _name(loc),
        "place_id": p.id if p else None,
        "country": p.country if p else None,
        "admin1": p.admin1 if p else None,
        "latitude": loc.lat if loc is not None else None,
        "longitude": loc.lon if loc is not None else None,
        "precision": loc.precision if loc is not None and loc.resolved else None,
        "uncertainty_km": round(float(loc.uncertainty_km), 3) if loc is not None and loc.resolved else None,
    }


def _source_fields(event: Convoy | Site) -> dict[str, Any]:
    ev = event.evidence
    published = [e.published for e in ev if e.published]
    return {
        "corroboration": event.corroboration,
        "sources": "; ".join(_unique(e.source for e in ev)),
        "report_ids": "; ".join(_unique(e.report_id for e in ev)),
        "urls": "; ".join(_unique(e.url for e in ev)),
        "first_published": min(published).isoformat() if published else None,
        "conflicts": CONFLICT_SEPARATOR.join(event.conflicts),
        "sentences": CONFLICT_SEPARATOR.join(_unique(e.sentence for e in ev)),
    }


def _event_fields(event: Convoy | Site, kind: str) -> dict[str, Any]:
    return {
        "event_id": event_id(event),
        "event_type": kind,
        "event_date": _date(event.date),
        "date_granularity": event.date.granularity if event.date else None,
        "time_precision": time_precision(event.date),
        "actor": event.actor,
    }


def merged_convoy_row(c: Convoy) -> dict[str, Any]:
    """The tidy row of a (merged) convoy: keys are :data:`CONVOY_FIELDS`."""
    return {
        **_event_fields(c, "convoy"),
        "vehicles_min": c.vehicles_min, "vehicles_note": c.vehicles_note, "cargo": "; ".join(c.cargo),
        "direction": c.direction, "origin": _name(c.origin), "via": _name(c.via),
        "destination": _name(c.destination), "route_km": route_km(c),
        **_location_fields(key_location(c)),
        **_source_fields(c),
    }


def merged_site_row(s: Site) -> dict[str, Any]:
    """The tidy row of a (merged) site: keys are :data:`SITE_FIELDS`."""
    return {
        **_event_fields(s, "site"),
        "site_id": s.id, "name": s.name, "kind": s.kind, "status": s.status, "features": "; ".join(s.features),
        **_location_fields(s.location if s.location.resolved else None),
        **_source_fields(s),
    }


def site_geometry(s: Site):
    from shapely.geometry import Point

    return Point(s.location.lon, s.location.lat) if s.location.resolved else None


def event_geometry(event: Convoy | Site):
    """The route (LineString, or Point with one waypoint) of a convoy; the point of a site."""
    return _convoy_geometry(event) if isinstance(event, Convoy) else site_geometry(event)


def merged_frame(events, kind: str) -> "gpd.GeoDataFrame":
    """A GeoDataFrame (EPSG:4326) of merged ``events`` of one ``kind`` ('convoy' or 'site')."""
    import geopandas as gpd
    import pandas as pd

    fields = CONVOY_FIELDS if kind == "convoy" else SITE_FIELDS
    row = merged_convoy_row if kind == "convoy" else merged_site_row
    events = list(events)
    df = pd.DataFrame([row(e) for e in events], columns=[n for n, _ in fields])
    for name, sqltype in fields:
        if sqltype == "DATE":
            df[name] = pd.to_datetime(df[name])
        elif sqltype == "INTEGER":
            df[name] = df[name].astype("Int64")
        elif sqltype == "REAL":
            df[name] = df[name].astype("float64")
    geoms = gpd.GeoSeries([event_geometry(e) for e in events], index=df.index, crs=CRS)
    return gpd.GeoDataFrame(df, geometry=geoms, crs=CRS)


# --- filters ----------------------------------------------------------------------

EVENT_KINDS = ("convoy", "site")


def _as_date(value, name: str):
    import datetime as _dt

    if value is None or isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date in YYYY-MM-DD form") from None


def filter_events(events, *, since=None, until=None, actor: str | None = None, kind: str | None = None) -> list:
    """The events (convoys and/or sites) that pass every filter given.

    ``since``/``until`` (dates or ``YYYY-MM-DD``) bound the event date,
    inclusive; an undated event fails any date filter. ``actor`` matches a
    case-insensitive part of the actor ("coalition"). ``kind`` is 'convoy',
    'site', or a site kind ('base', 'airfield'…).

    Example:
        >>> c = Convoy(5, "US-led coalition", (), None, None, None, None)
        >>> len(filter_events([c], actor="coalition")), len(filter_events([c], kind="site"))
        (1, 0)
    """
    since, until = _as_date(since, "since"), _as_date(until, "until")
    needle = actor.casefold().strip() if actor else None
    kind = kind.casefold().strip() if kind else None
    out = []
    for e in events:
        is_convoy = isinstance(e, Convoy)
        if kind and kind != ("convoy" if is_convoy else "site") and (is_convoy or e.kind.casefold() != kind):
            continue
        if needle and needle not in (e.actor or "").casefold():
            continue
        if since or until:
            if e.date is None:
                continue
            if (since and e.date.value < since) or (until and e.date.value > until):
                continue
        out.append(e)
    return out


# --- ACLED-like table -------------------------------------------------------------

ACLED_COLUMNS = [
    "event_date", "event_type", "sub_event_type", "actor1", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "route_km", "corroboration", "time_precision", "uncertainty_km",
    "country", "admin1", "event_id", "report_ids",
]
"""The ACLED-like CSV: ACLED's own columns first, then the tracker's."""

ACLED_EVENT_TYPE = "Strategic developments"
ACLED_SUB_EVENT_TYPES: dict[str, str] = {
    "convoy": "Movement of forces",
    "planned": "Other",
    "under_construction": "Headquarters or base established",
    "established": "Headquarters or base established",
    "expanded": "Headquarters or base established",
    "withdrawn": "Non-violent transfer of territory",
    "unknown": "Other",
}
"""Sub-event type by convoy / site status. ACLED itself codes troop movements as
'Other'; 'Movement of forces' names them. A base being built counts as
established, a withdrawal as a transfer of territory, plans as 'Other'."""

_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    """Text starting like a spreadsheet formula gets a leading apostrophe (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_CSV_FORMULA):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def _convoy_notes(c: Convoy, row: dict[str, Any]) -> str:
    size = (f"{c.vehicles_min} vehicles" if c.vehicles_min else c.vehicles_note or "unknown size")
    parts = [f"Convoy of {size}" + (f", {c.direction}" if c.direction else "") + "."]
    if c.cargo:
        parts.append(f"Cargo: {', '.join(c.cargo)}.")
    route = " → ".join(f"{role} {_name(getattr(c, role))}" for role in _ROUTE_ROLES if getattr(c, role) is not None)
    if route:
        parts.append(f"Route: {route}" + (f" ({row['route_km']:g} km)." if row["route_km"] else "."))
    return " ".join(parts)


def _site_notes(s: Site) -> str:
    parts = [f"{s.name} ({s.kind}), status {s.status.replace('_', ' ')}."]
    if s.features:
        parts.append(f"Features: {', '.join(s.features)}.")
    return " ".join(parts)


def _common_notes(event: Convoy | Site) -> str:
    parts = []
    if event.date is not None and event.date.granularity != "day":
        parts.append(f"Date known to the {event.date.granularity}.")
    n = event.corroboration
    parts.append(f"Reported by {n} outlet{'s' if n != 1 else ''}.")
    if event.conflicts:
        parts.append("Conflicting reports: " + CONFLICT_SEPARATOR.join(event.conflicts) + ".")
    return " ".join(parts)


def acled_rows(events) -> list[dict[str, Any]]:
    """ACLED-like rows (:data:`ACLED_COLUMNS`) for merged convoys and sites, by date then type."""
    rows = []
    for e in events:
        if isinstance(e, Convoy):
            row = merged_convoy_row(e)
            sub, notes = ACLED_SUB_EVENT_TYPES["convoy"], _convoy_notes(e, row)
        else:
            row = merged_site_row(e)
            sub, notes = ACLED_SUB_EVENT_TYPES.get(e.status, "Other"), _site_notes(e)
        rows.append({
            "event_date": row["event_date"], "event_type": ACLED_EVENT_TYPE, "sub_event_type": sub,
            "actor1": row["actor"], "location": row["location"], "latitude": row["latitude"],
            "longitude": row["longitude"], "geo_precision": row["precision"], "source": row["sources"],
            "notes": f"{notes} {_common_notes(e)}", "route_km": row.get("route_km"),
            "corroboration": row["corroboration"], "time_precision": row["time_precision"],
            "uncertainty_km": row["uncertainty_km"], "country": row["country"], "admin1": row["admin1"],
            "event_id": row["event_id"], "report_ids": row["report_ids"],
        })
    rows.sort(key=lambda r: (r["event_date"] or "9999", r["sub_event_type"], r["location"] or "", r["event_id"]))
    return rows


def to_acled_csv(events) -> str:
    """The ACLED-like CSV of merged events (text cells guarded against spreadsheet formulas)."""
    return _csv_text(acled_rows(events), ACLED_COLUMNS, lineterminator="\n")


def events_geojson(events) -> str:
    """Merged convoys (routes) and sites (points) as a GeoJSON FeatureCollection of tidy rows."""
    from shapely.geometry import mapping

    features = []
    for e in events:
        geom = event_geometry(e)
        props = merged_convoy_row(e) if isinstance(e, Convoy) else merged_site_row(e)
        features.append({"type": "Feature", "id": props["event_id"],
                         "geometry": mapping(geom) if geom is not None else None, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=2) + "\n"


# --- writing files ----------------------------------------------------------------

EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv",), "geojson": (".geojson", ".json"), "gpkg": (".gpkg",), "kml": (".kml",),
}
"""Export formats and the file extensions that select them."""


def format_for(path, fmt: str | None = None) -> str:
    """``fmt`` checked, or the format named by ``path``'s extension.

    Example:
        >>> format_for("events.GeoJSON"), format_for("x.dat", "csv")
        ('geojson', 'csv')
    """
    from .errors import RenderError

    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise RenderError(f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})")
        return fmt
    suffix = os.path.splitext(str(path))[1].lower()
    for name, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return name
    raise RenderError(f"{path}: cannot tell the export format from the extension (use one of "
                      f"{', '.join(s for ss in EXPORT_FORMATS.values() for s in ss)}, or give a format)")


def render_events(events, fmt: str) -> str:
    """A text export (csv, geojson or kml) of merged events."""
    if fmt == "csv":
        return to_acled_csv(events)
    if fmt == "geojson":
        return events_geojson(events)
    if fmt == "kml":
        from .kml import to_kml

        return to_kml(events)
    raise ValueError(f"{fmt} is not a text format")


def write_events(path, events, fmt: str | None = None):
    """Write merged events to ``path`` atomically; the format comes from ``fmt`` or the extension.

    Returns the path written.

    Example:
        >>> import tempfile, pathlib
        >>> out = write_events(pathlib.Path(tempfile.mkdtemp()) / "events.csv", [])
        >>> out.read_text(encoding="utf-8").split(",")[:3]
        ['event_date', 'event_type', 'sub_event_type']
    """
    from pathlib import Path

    fmt = format_for(path, fmt)
    with atomic_path(path) as tmp:
        if fmt == "gpkg":
            write_events_gpkg(tmp, events)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                fh.write(render_events(events, fmt))
    return Path(path)


CONVOYS_LAYER_DESCRIPTION = "Convoys merged across reports: route, size, sources, corroboration, conflicts"
SITES_LAYER_DESCRIPTION = "Military sites merged across reports: status, sources, corroboration, conflicts"


def merged_layers():
    """The two GeoPackage layers of merged events: ``convoys`` and ``sites``."""
    from .gpkg import Layer

    return (Layer("convoys", CONVOY_FIELDS, "GEOMETRY", CONVOYS_LAYER_DESCRIPTION),
            Layer("sites", SITE_FIELDS, "POINT", SITES_LAYER_DESCRIPTION))


def write_merged_layers(con, events) -> None:
    """Replace the rows of the ``convoys`` and ``sites`` layers of an open GeoPackage."""
    from . import gpkg

    convoys = [e for e in events if isinstance(e, Convoy)]
    sites = [e for e in events if not isinstance(e, Convoy)]
    for layer, items, row in zip(merged_layers(), (convoys, sites), (merged_convoy_row, merged_site_row)):
        gpkg.create_layer(con, layer)
        con.execute(f'DELETE FROM "{layer.name}"')
        gpkg.insert(con, layer, [row(e) for e in items], [event_geometry(e) for e in items])
        gpkg.update_extent(con, layer)


def write_events_gpkg(path, events) -> None:
    """A new GeoPackage at ``path`` with the ``convoys`` and ``sites`` layers (not atomic by itself)."""
    from . import gpkg

    con = gpkg.connect(path)
    try:
        con.execute("BEGIN")
        gpkg.init(con)
        write_merged_layers(con, events)
        con.execute("COMMIT")
    finally:
        con.close()
