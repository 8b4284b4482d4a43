"""What a map page draws, reduced to one JSON payload of plain values.

The page's script (``static/geo_tracker.js``) turns the payload into a few
Leaflet layers and builds every popup and label from it with DOM text nodes.
The wording of values ("at least 40", "near Rmeilan ±5 km") is decided here;
the script adds only what it can look up (status and actor names, the time
span of a date). Text stays raw (unescaped) in the payload:
:func:`~geo_tracker.maps.text.json_for_html` makes the JSON safe to embed and
the script never treats it as markup.

The page embeds it zlib-compressed and base64-encoded
(:func:`~geo_tracker.maps.elements.data_script`): event JSON compresses about
sevenfold, and base64 holds no character that markup could act on. Layout
(keys are short and repeated values are tables)::

    reports   [[outlet, published, http(s) url | null, unlinkable url?], ...]
    icons     [svg, ...]                fixed badge markup, by (kind, status)
    statuses  [[label, colour], ...]    site statuses; sites index into it
    actors    [[name, colour], ...]     sites and convoys index into it
    labels    {row key: label}          popup row labels, in display order
    sites     [{g: group, n: name, p: [lat, lon], i: icon, s: status, a: actor, ap: approximate?,
                R: circle radius km?, x: {row key: text}, e: [[report, sentence], ...], cf: [conflict]?, nc: outlets,
                h: who stated it, for the status history}]
    convoys   [{k: corridor, a: actor, v: vehicles?, x, e, cf?, nc}]
    corridors [{l: [[lat, lon], ...], a: actor, s: [[[lat, lon], [lat, lon]], ...]?, ci: [circle]?,
                m: [convoy, ...]}]     convoys of one actor along the same precise points
    circles   [[lat, lon, metres, colour, label], ...]   convoy end points, radius <= MAX_CIRCLE_KM
    places    [{p, n, x, m: [[said, outlet, date, report id], ...], more?}]
    unplaced  [{w: "route" | "region", n: title, x, e, cf?, nc, r: [region, lat, lon, km]?}]   listed, not drawn
    towns     [[lat, lon, name, Arabic name | null, min zoom], ...]   background labels (labels.py)
    weights   [px, ...]                 corridor width by the number of its convoys shown
    range     [first day, last day] | null   days since 1970-01-01

Only precise locations (:func:`precise`: precision 1-2) are drawn as points. A
route line joins a convoy's precise points; an end known only as a country or
region becomes a short arrow (``s``, a stub) from the nearest precise point
towards it. A convoy with no precise point and a site known only by region are
listed in ``unplaced``. Names used as nationalities or metonyms ("Syrian
forces", "Damascus said") are never drawn.

An item's time span is that of its ``x.d`` date at the granularity stated
(``2021``, ``2021-02`` or ``2021-02-08``). Sites sharing an id (one site
reported at several dates) form a group, sorted by date: the page shows, per
group, the record in force at the end of the chosen time range, and lists the
others as its history.

Example:
    >>> import datetime as dt
    >>> from geo_tracker.models import DateValue, Location, Place, Site
    >>> qam = Place("sy-qamishli", "Qamishli", "city", "SY", 37.05, 41.23, 2.0)
    >>> site = Site("s1", "Qamishli airport", "airfield", "expanded",
    ...             DateValue(dt.date(2024, 5, 1)), Location("Qamishli", 0, 8, qam, 37.05, 41.23))
    >>> data = build_payload(sites=[site])
    >>> data.sites[0]["n"], data.statuses[data.sites[0]["s"]][0], data.range == [19844, 19844]
    ('Qamishli airport', 'Expanded', True)
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..geodesy import haversine_km
from ..models import NOT_PLACE_QUALIFIERS, Convoy, DateValue, Evidence, Location, Place, Report, Site
from ..outlets import outlet_key
from .style import (
    AREA_KINDS,
    AREA_KM,
    MAX_CIRCLE_KM,
    STUB_KM,
    STATUS_COLORS,
    STATUS_LABELS,
    UNKNOWN_ACTOR_LABEL,
    ActorColors,
    corridor_weight,
    site_icon_svg,
    status_key,
    uncertainty_radius_km,
)
from .text import format_date, json_for_html, period, safe_url

__all__ = ["ROW_LABELS", "Bounds", "MapPayload", "MapSummary", "build_payload", "location_text", "precise"]

ROW_LABELS: dict[str, str] = {
    "k": "Kind",
    "s": "Status",
    "a": "Actor",
    "c": "Cargo",
    "vn": "Vehicles note",
    "d": "Event date",
    "f": "Features",
    "l": "Location",
    "rt": "Route",
    "dr": "Direction",
    "co": "Country",
    "ps": "Position",
    "u": "Uncertainty",
    "gs": "Gazetteer source",
    "nt": "Note",
}
"""Popup row keys and their labels, in display order."""

PLACE_MAX_MENTIONS = 10
"""Mentions listed in a place popup; the rest are counted."""


class Bounds:
    """Running ``[[south, west], [north, east]]`` of everything drawn.

    Example:
        >>> b = Bounds(); b.extend(36.0, 40.0); b.extend(37.0, 41.0, radius_km=11.132)
        >>> [[round(v, 2) for v in corner] for corner in b.as_list()]
        [[36.0, 40.0], [37.1, 41.13]]
    """

    def __init__(self) -> None:
        self.south = math.inf
        self.west = math.inf
        self.north = -math.inf
        self.east = -math.inf

    def extend(self, lat: float, lon: float, radius_km: float = 0.0) -> None:
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(0.01, math.cos(math.radians(lat))))
        self.south = min(self.south, lat - dlat)
        self.north = max(self.north, lat + dlat)
        self.west = min(self.west, lon - dlon)
        self.east = max(self.east, lon + dlon)

    @property
    def empty(self) -> bool:
        return self.south == math.inf

    def as_list(self) -> list[list[float]]:
        return [[self.south, self.west], [self.north, self.east]]


def _point(loc: Location | None) -> tuple[float, float] | None:
    """``(lat, lon)`` rounded to 4 decimals (about 10 m; no gazetteer row is finer), or ``None``."""
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    if not (math.isfinite(loc.lat) and math.isfinite(loc.lon)):
        return None
    return (round(float(loc.lat), 4), round(float(loc.lon), 4))


def precise(loc: Location | None) -> bool:
    """Whether ``loc`` may be drawn as a point: resolved, precision 1-2, not a nationality or metonym.

    Example:
        >>> from geo_tracker.models import Location, Place
        >>> sy = Place("sy", "Syria", "country", "SY", 35.0, 38.5, 250.0)
        >>> precise(Location("Syria", 0, 5, sy, 35.0, 38.5, precision=3))
        False
        >>> town = Place("sy-t", "Town", "town", "SY", 36.0, 40.0, 1.0)
        >>> precise(Location("Town", 0, 4, town, 36.0, 40.0, precision=2, qualifier="near"))
        True
    """
    return _point(loc) is not None and loc.precision in (1, 2) and loc.qualifier not in NOT_PLACE_QUALIFIERS


def _stub(start: tuple[float, float], towards: tuple[float, float]) -> list[list[float]] | None:
    """A short segment from ``start`` towards ``towards``: :data:`STUB_KM`, at most half the way.

    ``None`` when ``towards`` is within 5 km (the arrow would point nowhere).
    """
    distance = haversine_km(*start, *towards)
    if not math.isfinite(distance) or distance < 5.0:
        return None
    f = min(STUB_KM, distance / 2.0) / distance
    end = (start[0] + (towards[0] - start[0]) * f, start[1] + (towards[1] - start[1]) * f)
    return [list(start), [round(end[0], 4), round(end[1], 4)]]


def location_text(loc: Location | None) -> str:
    """One line describing a location: qualifier, mention, gazetteer name, radius.

    Example:
        >>> from geo_tracker.models import Location, Place
        >>> p = Place("sy-rmeilan", "Rmeilan", "town", "SY", 37.0, 41.92, 1.0)
        >>> location_text(Location("Rmelan", 0, 6, p, 37.0, 41.92, precision=2, qualifier="near"))
        'near Rmelan (Rmeilan) ±5 km'
        >>> location_text(Location("Tal Nowhere", 0, 11, None, None, None))
        'Tal Nowhere (unresolved)'
    """
    if loc is None:
        return ""
    parts = [loc.qualifier, loc.mention] if loc.qualifier else [loc.mention]
    if loc.place is not None and loc.place.name != loc.mention:
        parts.append(f"({loc.place.name})")
    if not loc.resolved:
        parts.append("(unresolved)")
    else:
        radius = uncertainty_radius_km(loc)
        if radius is not None:
            parts.append(f"±{radius:g} km")
    return " ".join(str(p) for p in parts)


def _rows(**values: object) -> dict[str, str]:
    """The non-empty rows, as strings (the page shows them in :data:`ROW_LABELS` order)."""
    return {key: str(value) for key, value in values.items() if value not in (None, "", ())}


def _coord(value: float) -> str:
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


_STATUS_INDEX = {key: i for i, key in enumerate(STATUS_COLORS)}


@dataclass(frozen=True)
class MapSummary:
    """What a map draws and what it only lists, by count (what ``geo-tracker map`` reports).

    Example:
        >>> MapSummary(corridors=2, convoys=3, sites=1, unplaced_routes=2, unplaced_sites=1).describe()
        '3 not on the map (2 routes with no precise point, 1 site known only by region)'
        >>> MapSummary(corridors=0, convoys=0, sites=0, unplaced_routes=0, unplaced_sites=0).describe()
        ''
    """

    corridors: int
    """Route lines drawn (convoys of one actor along the same precise points share one)."""
    convoys: int
    """Convoys drawn, on their corridors."""
    sites: int
    """Sites drawn as badges (one per site, whatever the number of its dated records)."""
    unplaced_routes: int
    """Convoys with no precise point: listed in the page's panel, not drawn."""
    unplaced_sites: int
    """Sites known only as a country or region: listed, not drawn."""

    @property
    def unplaced(self) -> int:
        return self.unplaced_routes + self.unplaced_sites

    def describe(self) -> str:
        """How many events are not on the map and why, or ``""`` when all are."""
        if not self.unplaced:
            return ""
        parts = []
        if self.unplaced_routes:
            parts.append(f"{self.unplaced_routes} route{'s' if self.unplaced_routes != 1 else ''} with no precise point")
        if self.unplaced_sites:
            parts.append(f"{self.unplaced_sites} site{'s' if self.unplaced_sites != 1 else ''} known only by region")
        return f"{self.unplaced} not on the map ({', '.join(parts)})"


@dataclass
class MapPayload:
    """The payload's parts (see the module docstring) and the bounds of what they draw."""

    reports: list[list[str | None]] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)
    actors: list[list[str]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    convoys: list[dict[str, Any]] = field(default_factory=list)
    corridors: list[dict[str, Any]] = field(default_factory=list)
    circles: list[list[Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    towns: list[list[Any]] = field(default_factory=list)
    range: list[int] | None = None
    bounds: Bounds = field(default_factory=Bounds)
    statuses: list[list[str]] = field(
        default_factory=lambda: [[STATUS_LABELS[key], color] for key, color in STATUS_COLORS.items()]
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reports": self.reports,
            "icons": self.icons,
            "statuses": self.statuses,
            "actors": self.actors,
            "labels": ROW_LABELS,
            "sites": self.sites,
            "convoys": self.convoys,
            "corridors": self.corridors,
            "circles": self.circles,
            "places": self.places,
            "unplaced": self.unplaced,
            "towns": self.towns,
            # Line width by the number of convoys shown on a corridor (index: count - 1).
            "weights": [corridor_weight(n) for n in range(1, 1 + max((len(c["m"]) for c in self.corridors), default=0))],
            "range": self.range,
        }

    def to_json(self) -> str:
        """The payload as JSON that is safe to put inside a ``<script>`` element."""
        return json_for_html(self.to_dict())

    def summary(self) -> MapSummary:
        """The counts of what is drawn and what is only listed."""
        routes = sum(item["w"] == "route" for item in self.unplaced)
        return MapSummary(corridors=len(self.corridors), convoys=len(self.convoys),
                          sites=len({s["g"] for s in self.sites}), unplaced_routes=routes,
                          unplaced_sites=len(self.unplaced) - routes)

    def points(self) -> list[tuple[float, float]]:
        """Every distinct ``(lat, lon)`` drawn (sorted): route vertices and arrow ends, site badges, place dots."""
        seen: set[tuple[float, float]] = set()
        for c in self.corridors:
            seen.update((v[0], v[1]) for v in c["l"])
            seen.update((v[0], v[1]) for stub in c.get("s", ()) for v in stub)
        seen.update((s["p"][0], s["p"][1]) for s in self.sites)
        seen.update((p["p"][0], p["p"][1]) for p in self.places)
        return sorted(seen)

    def actor_indexes(self, kind: str) -> list[int]:
        """Indexes into :attr:`actors` used by ``kind`` (``"sites"`` or ``"convoys"``), sorted."""
        return sorted({item["a"] for item in getattr(self, kind)})


class _Builder:
    def __init__(self, actor_colors: ActorColors) -> None:
        self.data = MapPayload()
        self.actor_colors = actor_colors
        self._actor_index: dict[str, int] = {}
        for label, color in actor_colors.legend_items():
            self._actor_index[label] = len(self.data.actors)
            self.data.actors.append([label, color])
        self._reports: dict[tuple[Any, ...], int] = {}
        self._icons: dict[str, int] = {}
        self._circles: dict[tuple[float, float, float], int] = {}
        self._corridors: dict[tuple[Any, ...], int] = {}
        self._groups: dict[str, int] = {}
        self._places: dict[str, tuple[Place, list[tuple[Location, Report | None]]]] = {}
        self._first: int | None = None
        self._last: int | None = None
        self._sort_keys: list[float] = []

    # -- shared pieces ------------------------------------------------------ #
    def actor(self, name: str | None) -> int:
        label = name.strip() if name and name.strip() else UNKNOWN_ACTOR_LABEL
        return self._actor_index[label]

    def report(self, ev: Evidence) -> int:
        key = (ev.source, ev.published, ev.url)
        index = self._reports.get(key)
        if index is None:
            url = safe_url(ev.url)
            row = [ev.source or None, format_date(ev.published) or None, url]
            if ev.url and url is None:
                row.append(ev.url)
            index = self._reports[key] = len(self.data.reports)
            self.data.reports.append(row)
        return index

    def sourced(self, item: dict[str, Any], event: Convoy | Site) -> dict[str, Any]:
        item["e"] = [[self.report(ev), ev.sentence] for ev in event.evidence]
        if event.conflicts:
            item["cf"] = list(event.conflicts)
        item["nc"] = event.corroboration
        return item

    def when(self, date: DateValue | None) -> float:
        """Note ``date`` in the overall range; returns its first day (-inf when undated)."""
        span = period(date)
        if span is None:
            return -math.inf
        self._first = span[0] if self._first is None else min(self._first, span[0])
        self._last = span[1] if self._last is None else max(self._last, span[1])
        return span[0]

    def circle(self, loc: Location, point: tuple[float, float], color: str) -> int | None:
        """Index of the (shared) uncertainty circle of a precise ``loc`` at ``point``, when one says
        something.

        None for a point, and for a radius over :data:`MAX_CIRCLE_KM` (the popup gives it).
        """
        radius = uncertainty_radius_km(loc)
        if radius is None or radius > MAX_CIRCLE_KM:
            return None
        self.data.bounds.extend(*point, radius_km=radius)
        key = (*point, round(radius, 3))
        if key not in self._circles:
            self._circles[key] = len(self.data.circles)
            what = f"{loc.qualifier} {loc.mention}" if loc.qualifier else loc.mention
            label = f"Location uncertainty: ±{radius:g} km around {what} (precision {int(loc.precision)})"
            self.data.circles.append([*point, round(radius * 1000.0, 1), color, label])
        return self._circles[key]

    def unplace(self, why: str, title: str, rows: dict[str, str], event: Convoy | Site) -> None:
        """List ``event`` in the panel of what the map cannot place."""
        self.data.unplaced.append(self.sourced({"w": why, "n": title, "x": rows}, event))

    # -- items --------------------------------------------------------------- #
    def add_site(self, site: Site) -> None:
        point = _point(site.location)
        if point is None or not precise(site.location):
            rows = _rows(k=(site.kind or "").replace("_", " "), s=STATUS_LABELS[status_key(site.status)],
                         a=site.actor, d=format_date(site.date), l=location_text(site.location))
            self.unplace("region", site.name, rows, site)
            place = site.location.place if site.location is not None else None
            if point is not None and place is not None:
                # The region's own extent, for the panel's "show the region" (never a drawn point).
                self.data.unplaced[-1]["r"] = [place.name, *point, round(uncertainty_radius_km(site.location) or 0.0, 1)]
            return
        status = status_key(site.status)
        radius = uncertainty_radius_km(site.location)
        drawn = radius is not None and radius <= MAX_CIRCLE_KM
        self.data.bounds.extend(*point, radius_km=radius if drawn else 0.0)
        svg = site_icon_svg(site.kind, site.status)
        icon = self._icons.get(svg)
        if icon is None:
            icon = self._icons[svg] = len(self.data.icons)
            self.data.icons.append(svg)
        item: dict[str, Any] = {
            # One site's records at several dates are its status history; two actors' sites
            # at one place are two sites.
            "g": self._groups.setdefault((site.id, site.actor), len(self._groups)),
            "n": site.name,
            "p": list(point),
            "i": icon,
            "s": _STATUS_INDEX[status],
            "a": self.actor(site.actor),
        }
        if radius is not None:
            item["ap"] = 1  # approximate: a faded badge
        if drawn:
            item["R"] = radius
        item["x"] = _rows(
            k=(site.kind or "").replace("_", " "),
            d=format_date(site.date),
            f=", ".join(site.features),
            l=location_text(site.location),
        )
        # The status history names who stated a record. A merged site's status is one outlet's
        # (the latest statement), which its evidence does not say: name no single outlet then.
        outlets: dict[str, str] = {}
        for ev in site.evidence:
            outlets.setdefault(outlet_key(ev.source) or "report:" + ev.report_id, (ev.source or "").strip())
        if len(outlets) == 1:
            item["h"] = next(iter(outlets.values())) or None
        elif len(outlets) > 1:
            item["h"] = f"{len(outlets)} outlets"
        self._sort_keys.append(self.when(site.date))
        self.data.sites.append(self.sourced(item, site))

    def add_convoy(self, convoy: Convoy) -> None:
        color = self.actor_colors.color(convoy.actor)
        points: list[tuple[float, float]] = []
        circles: list[int] = []
        for loc in convoy.waypoints:
            if not precise(loc):
                continue
            point = _point(loc)
            assert point is not None
            if not points or points[-1] != point:  # consecutive duplicates have no direction
                points.append(point)
            self.data.bounds.extend(*point)
            circle = self.circle(loc, point, color)
            if circle is not None and circle not in circles:
                circles.append(circle)
        route = " → ".join(
            f"{label} {location_text(loc)}"
            for label, loc in (("from", convoy.origin), ("via", convoy.via), ("to", convoy.destination))
            if loc is not None
        )
        rows = _rows(
            c=", ".join(convoy.cargo),
            vn=convoy.vehicles_note,
            d=format_date(convoy.date),
            rt=route,
            dr=convoy.direction,
        )
        self.when(convoy.date)
        if not points:
            vehicles = f"at least {convoy.vehicles_min}" if convoy.vehicles_min is not None else "unknown number of"
            self.unplace("route", f"Convoy: {vehicles} vehicles", {**rows, "a": convoy.actor or UNKNOWN_ACTOR_LABEL},
                         convoy)
            return
        # An end known only as a country or region: an arrow from the nearest precise point towards it.
        stubs = []
        for end, anchor, inward in ((convoy.origin, points[0], True), (convoy.destination, points[-1], False)):
            far = _point(end) if end is not None and not precise(end) and end.qualifier not in NOT_PLACE_QUALIFIERS else None
            stub = _stub(anchor, far) if far is not None else None
            if stub is not None:
                stubs.append(stub[::-1] if inward else stub)
                self.data.bounds.extend(*stub[1])
        actor = self.actor(convoy.actor)
        key = (actor, tuple(points))
        index = self._corridors.get(key)
        if index is None:
            index = self._corridors[key] = len(self.data.corridors)
            self.data.corridors.append({"l": [list(p) for p in points], "a": actor, "m": []})
        corridor = self.data.corridors[index]
        for stub in stubs:
            corridor.setdefault("s", [])
            if stub not in corridor["s"]:
                corridor["s"].append(stub)
        for circle in circles:
            corridor.setdefault("ci", [])
            if circle not in corridor["ci"]:
                corridor["ci"].append(circle)
        corridor["m"].append(len(self.data.convoys))
        item: dict[str, Any] = {"k": index, "a": actor}
        if convoy.vehicles_min is not None:
            item["v"] = int(convoy.vehicles_min)
        item["x"] = rows
        self.data.convoys.append(self.sourced(item, convoy))

    def note_place(self, loc: Location, report: Report | None) -> None:
        place = loc.place
        if place is None or not (math.isfinite(place.lat) and math.isfinite(place.lon)):
            return
        if loc.qualifier in NOT_PLACE_QUALIFIERS or place.kind in AREA_KINDS:
            return  # a nationality, a metonym, or an area: no spot to mark
        self._places.setdefault(place.id, (place, []))[1].append((loc, report))

    def finish_places(self) -> None:
        for place, mentions in self._places.values():
            point = (round(float(place.lat), 4), round(float(place.lon), 4))
            own = max(0.0, place.uncertainty_km or 0.0)
            if own > AREA_KM:
                continue  # an area by its size, whatever its kind
            self.data.bounds.extend(*point)
            said, more = _mentions(mentions)
            item: dict[str, Any] = {
                "p": list(point),
                "n": place.name,
                "x": _rows(
                    k=(place.kind or "").replace("_", " "),
                    co=place.country,
                    ps=f"{_coord(place.lat)}, {_coord(place.lon)}",
                    u=f"±{own:g} km" if own > 0 else "",
                    gs=place.source,
                    nt=place.note,
                ),
                "m": said,
            }
            if more:
                item["more"] = more
            self.data.places.append(item)

    def finish(self) -> MapPayload:
        self.finish_places()
        # A group's records in date order (undated first), so the page can walk them.
        order = sorted(range(len(self.data.sites)), key=lambda i: (self.data.sites[i]["g"], self._sort_keys[i]))
        self.data.sites = [self.data.sites[i] for i in order]
        if self._first is not None and self._last is not None:
            self.data.range = [self._first, self._last]
        return self.data


def _mentions(mentions: list[tuple[Location, Report | None]]) -> tuple[list[list[Any]], int]:
    """Up to :data:`PLACE_MAX_MENTIONS` distinct (qualifier, mention, report) lines, and the rest's count."""
    counts: dict[tuple[str, str, str], int] = {}
    reports: dict[tuple[str, str, str], Report | None] = {}
    for loc, report in mentions:
        key = ((loc.qualifier or "").strip(), loc.mention, report.id if report is not None else "")
        counts[key] = counts.get(key, 0) + 1
        reports.setdefault(key, report)
    lines = []
    for key in list(counts)[:PLACE_MAX_MENTIONS]:
        qualifier, mention, report_id = key
        said = f"{qualifier} “{mention}”" if qualifier else f"“{mention}”"
        if counts[key] > 1:
            said += f" ×{counts[key]}"
        report = reports[key]
        outlet = report.source if report is not None else None
        published = format_date(report.published) if report is not None else None
        lines.append([said, outlet or None, published or None, report_id or None])
    return lines, max(0, len(counts) - PLACE_MAX_MENTIONS)


def build_payload(
    *,
    convoys: Iterable[Convoy] = (),
    sites: Iterable[Site] = (),
    places: Iterable[Location | tuple[Location, Report | None]] = (),
) -> MapPayload:
    """Reduce convoys, sites and place mentions to a :class:`MapPayload`.

    ``places`` holds resolved mentions, alone or with the report that made
    them (whose outlet and date the place popup then lists). Items without a
    resolved position are left off; a convoy needs two distinct route points.
    """
    convoys = list(convoys)
    sites = list(sites)
    # Building a few hundred thousand small containers triggers the cyclic GC
    # over and over (a third of the time at 10,000 events); none of them is cyclic.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(convoys, sites, places)
    finally:
        if paused:
            gc.enable()


def _build(convoys: list[Convoy], sites: list[Site], places: Iterable[Location | tuple[Location, Report | None]]) -> MapPayload:
    builder = _Builder(ActorColors.for_actors([c.actor for c in convoys] + [s.actor for s in sites]))
    for convoy in convoys:
        builder.add_convoy(convoy)
    for site in sites:
        builder.add_site(site)
    for entry in places:
        loc, report = entry if isinstance(entry, tuple) else (entry, None)
        builder.note_place(loc, report)
    return builder.finish()

