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
from typing import TYPE_CHECKING, Any

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


def to_csv(ex: Extraction) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EVENT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in event_rows(ex):
        writer.writerow(row)
    return buf.getvalue()


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
