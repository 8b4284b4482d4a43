"""Interactive maps of an :class:`~geo_tracker.models.Extraction`, built with folium.

A map is a tree of folium elements, assembled by small pieces::

    folium.Map
    ├── FeatureGroup "Uncertainty"  Circle per imprecise location (precision 2-3 or >= 1 km;
    │                               unfilled outline above 100 km)
    ├── FeatureGroup "Convoys"      PolyLine per convoy, rotated arrowheads, waypoint markers
    ├── FeatureGroup "Places"       small CircleMarker per distinct resolved place (gazetteer
    │                               citation + the mentions that named it)
    ├── FeatureGroup "Sites"        Marker per site (inline-SVG DivIcon: colour = status, glyph = kind)
    ├── LayerControl
    ├── Legend                      statuses, kinds, the actors present, place dots
    ├── TitleBox                    only when a title is given
    └── FitBounds                   every drawn point and circle (NE Syria when nothing is drawn);
                                    circles > 100 km count by their centre only, and
                                    country/region-scale place dots not at all

Icons and arrowheads are inline SVG, so the map needs no icon web font and no
extra Leaflet plugin.

Security: every piece of report-derived text (sentences, names, outlets,
actors, dates as written, URLs) and of gazetteer text (place names, sources,
notes) is untrusted. It passes through
:func:`escape_text` before it is put into any HTML, and URLs become links only
via :func:`safe_url`. folium embeds popup and tooltip HTML verbatim inside a JS
template literal (```...```), so :func:`escape_text` also turns the characters
that are special there (`````, ``$``, ``\\``, ``{``, ``}``) into HTML character
references: the text cannot close the literal, interpolate ``${...}``, close
the ``<script>`` element or become markup.

Example:
    >>> import datetime as dt
    >>> from geo_tracker.models import (DateValue, Evidence, Extraction, Location,
    ...                                 Place, Report, ReportResult, Site)
    >>> qam = Place(id="sy-qamishli", name="Qamishli", kind="city", country="SY",
    ...             lat=37.05, lon=41.23, uncertainty_km=2.0)
    >>> loc = Location(mention="Qamishli", start=0, end=8, place=qam, lat=37.05, lon=41.23)
    >>> site = Site(id="s1", name="Qamishli airport", kind="airfield", status="expanded",
    ...             date=DateValue(dt.date(2024, 5, 1)), location=loc,
    ...             evidence=(Evidence("r1", "The airfield was expanded.", source="Outlet"),))
    >>> ex = Extraction([ReportResult(report=Report(id="r1", text="..."), sites=(site,))])
    >>> m = render_map(ex, title="North-east Syria")
    >>> type(m).__name__
    'Map'
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import folium
from branca.element import MacroElement
from folium.template import Template

from .errors import RenderError
from .models import Convoy, DateValue, Evidence, Extraction, Location, Place, Report, Site

__all__ = [
    "ACTOR_PALETTE",
    "KIND_GLYPHS",
    "NE_SYRIA_BOUNDS",
    "STATUS_COLORS",
    "ActorColors",
    "Legend",
    "TitleBox",
    "convoy_popup_html",
    "convoy_weight",
    "escape_text",
    "place_popup_html",
    "render_map",
    "safe_url",
    "save_map",
    "screen_bearing",
    "site_popup_html",
    "uncertainty_radius_km",
]

# --------------------------------------------------------------------------- #
# Escaping
# --------------------------------------------------------------------------- #

# Characters html.escape leaves alone but which are live inside the JS template
# literal folium wraps popup/tooltip HTML in. Replaced by character references,
# which the browser's HTML parser turns back into the same visible characters.
_JS_TEMPLATE_SAFE = str.maketrans(
    {
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",
        "{": "&#123;",
        "}": "&#125;",
    }
)


def escape_text(value: object) -> str:
    """Escape untrusted text for HTML that folium may embed in a JS template literal.

    ``html.escape(..., quote=True)`` plus character references for `````,
    ``$``, ``\\``, ``{`` and ``}``. ``None`` becomes ``""``.

    Example:
        >>> escape_text('<script>alert("x")</script>')
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
        >>> escape_text("${1+1}`")
        '&#36;&#123;1+1&#125;&#96;'
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_JS_TEMPLATE_SAFE)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` stripped if it is a plain ``http://``/``https://`` URL, else ``None``.

    URLs containing whitespace or control characters are refused as well, since
    browsers silently drop some of them. The result still needs
    :func:`escape_text` before going into an attribute.

    Example:
        >>> safe_url(" https://example.org/a?b=1 ")
        'https://example.org/a?b=1'
        >>> safe_url("javascript:alert(1)") is None
        True
    """
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    if len(url) <= len("https://"):
        return None
    return url


# --------------------------------------------------------------------------- #
# Styling
# --------------------------------------------------------------------------- #

STATUS_COLORS: Mapping[str, str] = {
    "planned": "#6a51a3",
    "under_construction": "#f28e2b",
    "established": "#d62728",
    "expanded": "#8c1c13",
    "withdrawn": "#555555",
    "unknown": "#1f77b4",
}
"""Fill colour of a site marker by :data:`~geo_tracker.models.SITE_STATUSES` value."""

_STATUS_LABELS: Mapping[str, str] = {
    "planned": "Planned",
    "under_construction": "Under construction",
    "established": "Established",
    "expanded": "Expanded",
    "withdrawn": "Withdrawn",
    "unknown": "Unknown",
}

# SVG markup drawn in white on a 20x20 viewBox; only fixed strings, never report text.
KIND_GLYPHS: Mapping[str, str] = {
    "base": '<polygon points="10,3.5 11.9,8 16.5,8.2 12.9,11.1 14.1,15.8 10,13.2 5.9,15.8 '
    '7.1,11.1 3.5,8.2 8.1,8" fill="#fff"/>',
    "airfield": '<path d="M10 3 L11.2 8.2 L16.5 10.5 L16.5 11.8 L11.2 10.6 L11 14.2 L12.8 15.6 '
    'L12.8 16.6 L10 15.8 L7.2 16.6 L7.2 15.6 L9 14.2 L8.8 10.6 L3.5 11.8 L3.5 10.5 '
    'L8.8 8.2 Z" fill="#fff"/>',
    "crossing": '<path d="M3.5 13.5 Q10 4.5 16.5 13.5 M3 13.5 H17" stroke="#fff" '
    'stroke-width="2" fill="none"/>',
    "oil_field": '<path d="M10 3.5 C12.5 7.5 14.5 9.8 14.5 12.2 A4.5 4.5 0 0 1 5.5 12.2 '
    'C5.5 9.8 7.5 7.5 10 3.5 Z" fill="#fff"/>',
    "checkpoint": '<path d="M3.5 9 H16.5 V11.5 H3.5 Z M5 11.5 V16 M15 11.5 V16" stroke="#fff" '
    'stroke-width="1.6" fill="#fff"/>',
    "outpost": '<polygon points="10,4 16,15.5 4,15.5" fill="#fff"/>',
}
"""White glyph drawn inside a site marker, by site kind."""

_DEFAULT_GLYPH = '<circle cx="10" cy="10" r="3.2" fill="#fff"/>'

ACTOR_PALETTE: tuple[str, ...] = (
    "#e41a1c",
    "#377eb8",
    "#4daf4a",
    "#984ea3",
    "#ff7f00",
    "#a65628",
    "#f781bf",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
"""Convoy colours, handed out to actors in alphabetical order (cycled if exhausted)."""

UNKNOWN_ACTOR_COLOR = "#333333"
UNKNOWN_ACTOR_LABEL = "Unknown actor"

NE_SYRIA_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((35.0, 38.0), (37.35, 42.4))
"""``((south, west), (north, east))`` shown when an extraction has nothing to draw."""

# Radius used when a location is marked imprecise but carries no radius of its own.
_DEFAULT_RADIUS_KM: Mapping[int, float] = {1: 0.0, 2: 5.0, 3: 25.0}

_SITE_ICON_PX = 26
_ARROW_PX = 18

PLACE_COLOR = "#37474f"
"""Outline colour of a place dot (fill is :data:`PLACE_FILL`); neutral, not a status colour."""
PLACE_FILL = "#90a4ae"
_PLACE_DOT_PX = 3
# Locations whose radius exceeds this (countries, regions, governorates) are areas,
# not points: their uncertainty circle (sites/convoys) is an unfilled outline
# and only its centre counts for fit_bounds; a place dot of that scale is white
# and dashed, gets no circle and stays out of fit_bounds ("Russia" must not zoom
# the map out to Siberia).
_AREA_KM = 100.0
# Mentions listed per place popup.
_PLACE_MAX_MENTIONS = 10


@dataclass(frozen=True)
class ActorColors:
    """A stable actor -> colour assignment for one map.

    Example:
        >>> colors = ActorColors.for_actors(["Russia", "US", None, "Russia"])
        >>> colors.color("Russia"), colors.color(None)
        ('#e41a1c', '#333333')
        >>> list(colors.legend_items())[-1]
        ('Unknown actor', '#333333')
    """

    colors: Mapping[str, str] = field(default_factory=dict)
    has_unknown: bool = False

    @classmethod
    def for_actors(cls, actors: Iterable[str | None]) -> ActorColors:
        """Assign palette colours to the distinct non-empty actors, alphabetically."""
        names: set[str] = set()
        has_unknown = False
        for actor in actors:
            if actor and actor.strip():
                names.add(actor.strip())
            else:
                has_unknown = True
        ordered = sorted(names, key=lambda a: (a.casefold(), a))
        colors = {a: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(ordered)}
        return cls(colors=colors, has_unknown=has_unknown)

    def color(self, actor: str | None) -> str:
        """The colour for ``actor`` (grey-black for missing or unknown actors)."""
        if actor and actor.strip():
            return self.colors.get(actor.strip(), UNKNOWN_ACTOR_COLOR)
        return UNKNOWN_ACTOR_COLOR

    def legend_items(self) -> Iterable[tuple[str, str]]:
        """``(label, colour)`` pairs; labels are raw (unescaped) actor names."""
        yield from self.colors.items()
        if self.has_unknown:
            yield (UNKNOWN_ACTOR_LABEL, UNKNOWN_ACTOR_COLOR)


def convoy_weight(vehicles_min: int | None) -> float:
    """Line weight in pixels: 3 for an unknown count, growing with log2 of the count, max 12.

    Example:
        >>> convoy_weight(None), convoy_weight(1), convoy_weight(15), convoy_weight(10_000)
        (3.0, 4.5, 9.0, 12.0)
    """
    if vehicles_min is None or vehicles_min <= 0:
        return 3.0
    return round(min(12.0, 3.0 + 1.5 * math.log2(1 + vehicles_min)), 2)


def _mercator_y(lat: float) -> float:
    lat = max(-85.0, min(85.0, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def screen_bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Clockwise angle from screen-up of the segment ``a -> b`` on a Web-Mercator map.

    Points are ``(lat, lon)``. This is the rhumb-line bearing, i.e. the angle the
    straight segment Leaflet draws actually has on screen, so a CSS rotation by
    this angle lines an up-pointing arrow up with the line.

    Example:
        >>> round(screen_bearing((36.0, 40.0), (37.0, 40.0)))
        0
        >>> round(screen_bearing((36.0, 41.0), (36.0, 40.0)))
        270
    """
    dx = b[1] - a[1]
    dy = _mercator_y(b[0]) - _mercator_y(a[0])
    return math.degrees(math.atan2(dx, dy)) % 360.0


def _screen_midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Midpoint of the drawn (Mercator-straight) segment, as ``(lat, lon)``."""
    y = (_mercator_y(a[0]) + _mercator_y(b[0])) / 2
    return (_mercator_lat(y), (a[1] + b[1]) / 2)


def uncertainty_radius_km(loc: Location) -> float | None:
    """Radius in km of the area a location stands for, or ``None`` if it reads as a point.

    A location is an area when its precision is 2-3 or ``uncertainty_km >= 1``.
    The radius is the largest of the location's and its place's
    ``uncertainty_km``, and a floor per precision (5 km near, 25 km region).

    Example:
        >>> from geo_tracker.models import Location
        >>> uncertainty_radius_km(Location("x", 0, 1, None, 36.0, 40.0, precision=3))
        25.0
        >>> uncertainty_radius_km(Location("x", 0, 1, None, 36.0, 40.0)) is None
        True
    """
    if loc.lat is None or loc.lon is None:
        return None
    own = max(0.0, loc.uncertainty_km or 0.0)
    if loc.precision not in (2, 3) and own < 1.0:
        return None
    place_km = loc.place.uncertainty_km if loc.place is not None else 0.0
    radius = max(own, place_km or 0.0, _DEFAULT_RADIUS_KM.get(loc.precision, 0.0))
    return radius if radius > 0 else None


def _svg(inner: str, *, size: int, fill: str, stroke: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 20 20" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="9" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
        f"{inner}</svg>"
    )


def _kind_key(kind: str | None) -> str:
    return (kind or "").strip().lower().replace(" ", "_").replace("-", "_")


def _status_key(status: str | None) -> str:
    key = (status or "").strip().lower()
    return key if key in STATUS_COLORS else "unknown"


def site_icon_svg(kind: str | None, status: str | None, *, size: int = _SITE_ICON_PX) -> str:
    """Inline SVG badge for a site: status colour fill, white kind glyph.

    Only fixed markup is produced; ``kind``/``status`` merely select from tables.

    Example:
        >>> 'fill="#8c1c13"' in site_icon_svg("airfield", "expanded")
        True
    """
    status_key = _status_key(status)
    glyph = KIND_GLYPHS.get(_kind_key(kind), _DEFAULT_GLYPH)
    return _svg(
        glyph,
        size=size,
        fill=STATUS_COLORS[status_key],
        stroke="#ffffff" if status_key != "withdrawn" else "#222222",
        dashed=status_key in ("planned", "withdrawn"),
    )


def site_icon(kind: str | None, status: str | None, *, imprecise: bool = False) -> folium.DivIcon:
    """A :class:`folium.DivIcon` holding :func:`site_icon_svg`; faded when ``imprecise``."""
    opacity = "0.7" if imprecise else "1"
    markup = (
        f'<div class="gt-site-marker" style="opacity:{opacity};'
        f'filter:drop-shadow(0 1px 1px rgba(0,0,0,.5))">{site_icon_svg(kind, status)}</div>'
    )
    half = _SITE_ICON_PX // 2
    return folium.DivIcon(
        html=markup,
        icon_size=(_SITE_ICON_PX, _SITE_ICON_PX),
        icon_anchor=(half, half),
        popup_anchor=(0, -half),
        class_name="gt-site-icon",
    )


def arrow_icon(angle_deg: float, color: str) -> folium.DivIcon:
    """A small up-pointing SVG arrowhead rotated clockwise by ``angle_deg``.

    White with an outline in the line's colour, so it stands out on the line it sits on.
    """
    half = _ARROW_PX // 2
    markup = (
        f'<div class="gt-arrow" style="width:{_ARROW_PX}px;height:{_ARROW_PX}px;'
        f'transform:rotate({angle_deg:.1f}deg);transform-origin:50% 50%">'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_ARROW_PX}" height="{_ARROW_PX}" '
        f'viewBox="0 0 14 14" aria-hidden="true"><polygon points="7,0.5 13,13 7,9.5 1,13" '
        f'fill="#ffffff" stroke="{color}" stroke-width="1.6" stroke-linejoin="round"/>'
        f"</svg></div>"
    )
    return folium.DivIcon(
        html=markup,
        icon_size=(_ARROW_PX, _ARROW_PX),
        icon_anchor=(half, half),
        class_name="gt-arrow-icon",
    )


# --------------------------------------------------------------------------- #
# Popups
# --------------------------------------------------------------------------- #

_POPUP_STYLE = "font:12px/1.4 sans-serif;max-height:280px;overflow:auto;min-width:220px"


def format_date(date: DateValue | _dt.date | None) -> str:
    """A date at the granularity the report stated it (``2024``, ``2024-05``, ``2024-05-03``).

    Example:
        >>> import datetime as dt
        >>> format_date(DateValue(dt.date(2024, 5, 1), granularity="month"))
        '2024-05'
    """
    if date is None:
        return ""
    if isinstance(date, DateValue):
        value, granularity = date.value, date.granularity
    else:
        value, granularity = date, "day"
    if granularity == "year":
        return f"{value.year:04d}"
    if granularity == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _row(label: str, value: str) -> str:
    """A ``label: value`` line; ``label`` is fixed text, ``value`` must already be escaped."""
    if not value:
        return ""
    return f"<div><b>{label}:</b> {value}</div>"


def _location_text(loc: Location | None) -> str:
    """Escaped one-line description of a location (mention, qualifier, place, precision)."""
    if loc is None:
        return ""
    parts = [escape_text(loc.mention)]
    if loc.qualifier:
        parts.insert(0, escape_text(loc.qualifier))
    if loc.place is not None and loc.place.name != loc.mention:
        parts.append(f"({escape_text(loc.place.name)})")
    if not loc.resolved:
        parts.append("<i>unresolved</i>")
    else:
        radius = uncertainty_radius_km(loc)
        if radius is not None:
            parts.append(f"&plusmn;{radius:g} km")
    return " ".join(parts)


def evidence_html(evidence: Sequence[Evidence]) -> str:
    """Escaped HTML listing each sentence with its outlet, publication date and a safe link.

    Example:
        >>> ev = Evidence("r1", "<b>x</b>", source="Outlet", url="javascript:alert(1)")
        >>> out = evidence_html([ev])
        >>> "<b>x" in out, "&lt;b&gt;x" in out, "href" in out
        (False, True, False)
    """
    if not evidence:
        return '<div class="gt-evidence"><i>No source sentence recorded.</i></div>'
    items = []
    for ev in evidence:
        meta = []
        if ev.source:
            meta.append(escape_text(ev.source))
        if ev.published is not None:
            meta.append(f"published {escape_text(format_date(ev.published))}")
        url = safe_url(ev.url)
        if url is not None:
            meta.append(
                f'<a href="{escape_text(url)}" target="_blank" rel="noopener noreferrer">link</a>'
            )
        elif ev.url:
            meta.append(f"<span>unlinked URL: {escape_text(ev.url)}</span>")
        meta_html = f'<div style="color:#555">{" &middot; ".join(meta)}</div>' if meta else ""
        items.append(
            '<li style="margin:4px 0">'
            '<blockquote style="margin:0;padding-left:6px;border-left:3px solid #ccc">'
            f"{escape_text(ev.sentence)}</blockquote>{meta_html}</li>"
        )
    return (
        '<div class="gt-evidence"><b>Sources:</b>'
        f'<ul style="margin:2px 0;padding-left:16px">{"".join(items)}</ul></div>'
    )


def site_popup_html(site: Site) -> str:
    """Popup HTML for a site: name, kind, status, actor, date, features, location, sources.

    Example:
        >>> import datetime as dt
        >>> from geo_tracker.models import Location, Site
        >>> loc = Location("Tal Baydar", 0, 10, None, None, None)
        >>> s = Site("s1", "Base <1>", "base", "established", None, loc)
        >>> "Base &lt;1&gt;" in site_popup_html(s)
        True
    """
    status = _status_key(site.status)
    features = ", ".join(escape_text(f) for f in site.features)
    body = "".join(
        [
            f'<div style="font-weight:bold;font-size:13px">{escape_text(site.name)}</div>',
            _row("Kind", escape_text(site.kind)),
            _row("Status", escape_text(_STATUS_LABELS.get(status, status))),
            _row("Actor", escape_text(site.actor)),
            _row("Event date", escape_text(format_date(site.date))),
            _row("Features", features),
            _row("Location", _location_text(site.location)),
            evidence_html(site.evidence),
        ]
    )
    return f'<div class="gt-popup gt-site-popup" style="{_POPUP_STYLE}">{body}</div>'


def convoy_popup_html(convoy: Convoy) -> str:
    """Popup HTML for a convoy: vehicles, actor, cargo, date, route, direction, sources.

    Example:
        >>> from geo_tracker.models import Convoy
        >>> c = Convoy(vehicles_min=30, actor="X", cargo=("fuel",), date=None,
        ...            origin=None, via=None, destination=None)
        >>> "at least 30" in convoy_popup_html(c)
        True
    """
    if convoy.vehicles_min is not None:
        vehicles = f"at least {int(convoy.vehicles_min)}"
    else:
        vehicles = "unknown number of"
    route = " &rarr; ".join(
        f"{label} {_location_text(loc)}"
        for label, loc in (
            ("from", convoy.origin),
            ("via", convoy.via),
            ("to", convoy.destination),
        )
        if loc is not None
    )
    body = "".join(
        [
            f'<div style="font-weight:bold;font-size:13px">Convoy: {vehicles} vehicles</div>',
            _row("Actor", escape_text(convoy.actor) or UNKNOWN_ACTOR_LABEL.lower()),
            _row("Cargo", ", ".join(escape_text(c) for c in convoy.cargo)),
            _row("Vehicles note", escape_text(convoy.vehicles_note)),
            _row("Event date", escape_text(format_date(convoy.date))),
            _row("Route", route),
            _row("Direction", escape_text(convoy.direction)),
            evidence_html(convoy.evidence),
        ]
    )
    return f'<div class="gt-popup gt-convoy-popup" style="{_POPUP_STYLE}">{body}</div>'


@dataclass
class _PlaceMentions:
    """One distinct place and the mentions (with their reports) that resolved to it."""

    place: Place
    locations: list[tuple[Location, Report]] = field(default_factory=list)


def _place_radius_km(place: Place, locations: Iterable[Location] = ()) -> float:
    """The larger of the place's own radius and any mention's uncertainty radius."""
    radii = [max(0.0, place.uncertainty_km or 0.0)]
    radii.extend(max(0.0, loc.uncertainty_km or 0.0) for loc in locations)
    return max(radii)


def _coord(value: float) -> str:
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


def place_popup_html(
    place: Place,
    mentions: Sequence[tuple[Location, Report]] = (),
    *,
    max_mentions: int = _PLACE_MAX_MENTIONS,
) -> str:
    """Popup HTML for a gazetteer place: name, kind, country, position, radius, citation, mentions.

    ``mentions`` are ``(location, report)`` pairs; up to ``max_mentions``
    distinct (mention, report) pairs are listed, then a count of the rest.
    Gazetteer text is escaped like report text.

    Example:
        >>> from geo_tracker.models import Location, Place, Report
        >>> p = Place("x", "Tal <b>", "village", "SY", 36.5, 40.75, 2.0, source="OCHA & co")
        >>> out = place_popup_html(p, [(Location("Tal", 0, 3, p, 36.5, 40.75), Report("r1", "..."))])
        >>> "Tal &lt;b&gt;" in out, "OCHA &amp; co" in out, "<b>Tal" in out
        (True, True, False)
    """
    seen: dict[tuple[str, str, str], int] = {}
    order: list[tuple[str, str, str, Report]] = []
    for loc, report in mentions:
        key = ((loc.qualifier or "").strip(), loc.mention, report.id)
        if key not in seen:
            seen[key] = 0
            order.append((*key, report))
        seen[key] += 1
    items = []
    for qualifier, mention, report_id, report in order[: max(0, max_mentions)]:
        said = f"&ldquo;{escape_text(mention)}&rdquo;"
        if qualifier:
            said = f"{escape_text(qualifier)} {said}"
        times = seen[(qualifier, mention, report_id)]
        if times > 1:
            said += f" &times;{times}"
        meta = [escape_text(report.source)] if report.source else []
        if report.published is not None:
            meta.append(escape_text(format_date(report.published)))
        meta.append(f'<span style="color:#777">{escape_text(report_id)}</span>')
        items.append(
            f'<li style="margin:2px 0">{said}'
            f'<div style="color:#555">{" &middot; ".join(meta)}</div></li>'
        )
    rest = len(order) - len(items)
    if rest > 0:
        items.append(f"<li><i>and {rest} more</i></li>")
    if items:
        mentions_html = (
            f'<div class="gt-place-mentions"><b>Named in:</b>'
            f'<ul style="margin:2px 0;padding-left:16px">{"".join(items)}</ul></div>'
        )
    else:
        mentions_html = ""
    radius = _place_radius_km(place)
    body = "".join(
        [
            f'<div style="font-weight:bold;font-size:13px">{escape_text(place.name)}</div>',
            _row("Kind", escape_text((place.kind or "").replace("_", " "))),
            _row("Country", escape_text(place.country)),
            _row("Position", f"{_coord(place.lat)}, {_coord(place.lon)}"),
            _row("Uncertainty", f"&plusmn;{radius:g} km" if radius > 0 else ""),
            _row("Gazetteer source", escape_text(place.source)),
            _row("Note", escape_text(place.note)),
            mentions_html,
        ]
    )
    return f'<div class="gt-popup gt-place-popup" style="{_POPUP_STYLE}">{body}</div>'


def make_popup(popup_html: str, *, max_width: int = 360) -> folium.Popup:
    """Wrap already-escaped HTML in a :class:`folium.Popup`.

    folium embeds ``popup_html`` verbatim (``parse_html=False``) in a JS template
    literal, which is why it must come from :func:`escape_text`-ed parts only.
    """
    return folium.Popup(popup_html, parse_html=False, max_width=max_width)


def make_tooltip(text: str | None) -> folium.Tooltip:
    """A hover label; ``text`` is raw and gets escaped here (folium does not escape it)."""
    return folium.Tooltip(escape_text(text), sticky=False)


# --------------------------------------------------------------------------- #
# Map-level elements
# --------------------------------------------------------------------------- #


class Legend(MacroElement):
    """A fixed-position legend: site statuses, site kinds and convoy actors.

    ``actors`` holds raw ``(label, colour)`` pairs; labels are escaped here.

    Example:
        >>> legend = Legend(actors=[("Russia <ru>", "#e41a1c")])
        >>> "Russia &lt;ru&gt;" in legend.body
        True
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                .gt-legend {position: fixed; bottom: 40px; left: 10px; z-index: 1000;
                    background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 5px;
                    box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 11px/1.35 sans-serif;
                    max-height: 55vh; overflow: auto; color: #222;}
                .gt-legend h4 {margin: 4px 0 2px; font-size: 11px;}
                .gt-legend-row {display: flex; align-items: center; gap: 5px; margin: 1px 0;}
                .gt-legend-swatch {display: inline-block; width: 12px; height: 12px;
                    border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px #999;}
                .gt-legend-line {display: inline-block; width: 18px; height: 4px; border-radius: 2px;}
            </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <div id="{{ this.get_name() }}" class="gt-legend">{{ this.body }}</div>
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        statuses: Mapping[str, str] = STATUS_COLORS,
        kinds: Mapping[str, str] = KIND_GLYPHS,
        actors: Iterable[tuple[str, str]] = (),
        places: bool = False,
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = self._body(statuses, kinds, list(actors), places)

    @staticmethod
    def _body(
        statuses: Mapping[str, str],
        kinds: Mapping[str, str],
        actors: list[tuple[str, str]],
        places: bool = False,
    ) -> str:
        rows = ["<h4>Site status</h4>"]
        for status, color in statuses.items():
            label = escape_text(_STATUS_LABELS.get(status, status))
            rows.append(
                '<div class="gt-legend-row"><span class="gt-legend-swatch" '
                f'style="background:{escape_text(color)}"></span>{label}</div>'
            )
        rows.append("<h4>Site kind</h4>")
        for kind, glyph in kinds.items():
            svg = _svg(glyph, size=14, fill="#666666", stroke="#ffffff")
            rows.append(
                f'<div class="gt-legend-row">{svg}{escape_text(kind.replace("_", " "))}</div>'
            )
        if actors:
            rows.append("<h4>Convoys by actor</h4>")
            for label, color in actors:
                rows.append(
                    '<div class="gt-legend-row"><span class="gt-legend-line" '
                    f'style="background:{escape_text(color)}"></span>{escape_text(label)}</div>'
                )
        if places:
            dot = (
                '<span class="gt-legend-swatch" style="width:8px;height:8px;'
                f'background:{PLACE_FILL};border-color:{PLACE_COLOR};box-shadow:none"></span>'
            )
            ring = (
                '<span class="gt-legend-swatch" style="width:8px;height:8px;'
                f'background:#fff;border:1px dashed {PLACE_COLOR};box-shadow:none"></span>'
            )
            rows.append("<h4>Places named</h4>")
            rows.append(f'<div class="gt-legend-row">{dot}gazetteer point</div>')
            rows.append(f'<div class="gt-legend-row">{ring}country / region</div>')
        rows.append(
            '<div style="margin-top:4px;color:#555">Circles: location uncertainty.<br>'
            "Line width: vehicle count.</div>"
        )
        return "".join(rows)


class TitleBox(MacroElement):
    """A title banner at the top centre of the map; the title is escaped.

    Example:
        >>> TitleBox("A & B").text
        'A &amp; B'
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                .gt-title {position: fixed; top: 10px; left: 50%; transform: translateX(-50%);
                    z-index: 1000; background: rgba(255,255,255,.92); padding: 5px 12px;
                    border-radius: 5px; box-shadow: 0 1px 4px rgba(0,0,0,.35);
                    font: bold 15px/1.3 sans-serif; color: #222; max-width: 60%;
                    text-align: center;}
            </style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <div id="{{ this.get_name() }}" class="gt-title">{{ this.text }}</div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "TitleBox"
        self.text = escape_text(title)


# --------------------------------------------------------------------------- #
# Assembly
# --------------------------------------------------------------------------- #


class _Bounds:
    """Running ``[[south, west], [north, east]]`` of everything drawn."""

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
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    if not (math.isfinite(loc.lat) and math.isfinite(loc.lon)):
        return None
    return (float(loc.lat), float(loc.lon))


class _MapBuilder:
    """Adds extraction items to the three feature groups and tracks their bounds."""

    def __init__(self, actor_colors: ActorColors) -> None:
        self.actor_colors = actor_colors
        self.uncertainty = folium.FeatureGroup(name="Uncertainty", show=True)
        self.convoys = folium.FeatureGroup(name="Convoys", show=True)
        self.places = folium.FeatureGroup(name="Places", show=True)
        self.sites = folium.FeatureGroup(name="Sites", show=True)
        self.bounds = _Bounds()
        self._circles: set[tuple[float, float, float]] = set()
        self._waypoints: dict[tuple[float, float, str], list[str]] = {}
        self._places: dict[str, _PlaceMentions] = {}

    # -- uncertainty ------------------------------------------------------- #
    def add_uncertainty(self, loc: Location, color: str) -> None:
        """Draw a lightly filled circle for an imprecise location (once per place/radius).

        Circles wider than :data:`_AREA_KM` are outlines only and fit the map
        bounds by their centre alone.
        """
        point = _point(loc)
        radius = uncertainty_radius_km(loc)
        if point is None or radius is None:
            return
        area = radius > _AREA_KM
        self.bounds.extend(*point, radius_km=0.0 if area else radius)
        key = (round(point[0], 5), round(point[1], 5), round(radius, 3))
        if key in self._circles:
            return
        self._circles.add(key)
        what = escape_text(loc.mention)
        if loc.qualifier:
            what = f"{escape_text(loc.qualifier)} {what}"
        folium.Circle(
            location=list(point),
            radius=radius * 1000.0,
            color=color,
            weight=1,
            dash_array="4 4",
            # folium turns fill on whenever fill_color is given
            **({"fill": False} if area else {"fill_color": color, "fill_opacity": 0.08}),
            popup=make_popup(
                f'<div class="gt-popup" style="font:12px sans-serif">'
                f"Location uncertainty: &plusmn;{radius:g} km around {what} "
                f"(precision {int(loc.precision)})</div>",
                max_width=260,
            ),
        ).add_to(self.uncertainty)

    # -- sites ------------------------------------------------------------- #
    def add_site(self, site: Site) -> None:
        """One marker per site with a resolved position; unresolved sites are skipped."""
        point = _point(site.location)
        if point is None:
            return
        self.bounds.extend(*point)
        status_color = STATUS_COLORS[_status_key(site.status)]
        self.add_uncertainty(site.location, status_color)
        imprecise = uncertainty_radius_km(site.location) is not None
        folium.Marker(
            location=list(point),
            icon=site_icon(site.kind, site.status, imprecise=imprecise),
            tooltip=make_tooltip(site.name),
            popup=make_popup(site_popup_html(site)),
        ).add_to(self.sites)

    # -- convoys ----------------------------------------------------------- #
    def add_convoy(self, convoy: Convoy) -> None:
        """A polyline through the resolved waypoints with arrowheads at segment midpoints."""
        color = self.actor_colors.color(convoy.actor)
        points = [p for p in (_point(loc) for loc in convoy.waypoints) if p is not None]
        for role, loc in (
            ("origin", convoy.origin),
            ("via", convoy.via),
            ("destination", convoy.destination),
        ):
            if loc is not None and loc.resolved:
                self._note_waypoint(loc, role, convoy)
                self.add_uncertainty(loc, color)
        for p in points:
            self.bounds.extend(*p)
        # Consecutive duplicates give zero-length segments with no direction.
        route = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(route) < 2:
            return
        folium.PolyLine(
            locations=[list(p) for p in route],
            color=color,
            weight=convoy_weight(convoy.vehicles_min),
            opacity=0.85,
            tooltip=make_tooltip(self._convoy_label(convoy)),
            popup=make_popup(convoy_popup_html(convoy)),
        ).add_to(self.convoys)
        for a, b in zip(route, route[1:]):
            folium.Marker(
                location=list(_screen_midpoint(a, b)),
                icon=arrow_icon(screen_bearing(a, b), color),
                interactive=False,
                keyboard=False,
            ).add_to(self.convoys)

    @staticmethod
    def _convoy_label(convoy: Convoy) -> str:
        """Raw (unescaped) hover label: ``actor: N vehicles``."""
        actor = convoy.actor or UNKNOWN_ACTOR_LABEL
        if convoy.vehicles_min is not None:
            return f"{actor}: at least {convoy.vehicles_min} vehicles"
        return f"{actor}: convoy"

    def _note_waypoint(self, loc: Location, role: str, convoy: Convoy) -> None:
        point = _point(loc)
        if point is None:
            return
        name = loc.place.name if loc.place is not None else loc.mention
        key = (round(point[0], 5), round(point[1], 5), name)
        actor = convoy.actor or UNKNOWN_ACTOR_LABEL
        self._waypoints.setdefault(key, []).append(f"{role} of a convoy ({actor})")

    def finish_waypoints(self) -> None:
        """One small circle marker per distinct waypoint, listing its roles."""
        for (lat, lon, name), roles in self._waypoints.items():
            counts: dict[str, int] = {}
            for r in roles:
                counts[r] = counts.get(r, 0) + 1
            items = "".join(
                f"<li>{escape_text(r)}{f' &times;{n}' if n > 1 else ''}</li>"
                for r, n in counts.items()
            )
            folium.CircleMarker(
                location=[lat, lon],
                radius=5,
                color="#222222",
                weight=1.5,
                fill=True,
                fill_color="#ffffff",
                fill_opacity=1.0,
                tooltip=make_tooltip(name),
                popup=make_popup(
                    f'<div class="gt-popup gt-waypoint-popup" style="font:12px sans-serif">'
                    f"<b>{escape_text(name)}</b>"
                    f'<ul style="margin:2px 0;padding-left:16px">{items}</ul></div>',
                    max_width=300,
                ),
            ).add_to(self.convoys)

    # -- places ------------------------------------------------------------ #
    def note_place(self, loc: Location, report: Report) -> None:
        """Remember a resolved place mention; drawn once per place id by :meth:`finish_places`."""
        place = loc.place
        if place is None or not (math.isfinite(place.lat) and math.isfinite(place.lon)):
            return
        entry = self._places.setdefault(place.id, _PlaceMentions(place))
        entry.locations.append((loc, report))

    @property
    def has_places(self) -> bool:
        return bool(self._places)

    def finish_places(self) -> None:
        """One small neutral dot per distinct place, at the gazetteer point.

        Places up to :data:`_AREA_KM` get the usual uncertainty circle for
        their imprecise mentions (shared with sites/convoys, never drawn twice)
        and count for the map bounds; larger ones (countries, regions) get a
        white, dash-outlined dot only.
        """
        for entry in self._places.values():
            place = entry.place
            point = (float(place.lat), float(place.lon))
            area = _place_radius_km(place, (loc for loc, _ in entry.locations)) > _AREA_KM
            if not area:
                self.bounds.extend(*point)
                for loc, _ in entry.locations:
                    self.add_uncertainty(loc, PLACE_COLOR)
            folium.CircleMarker(
                location=list(point),
                radius=_PLACE_DOT_PX,
                color=PLACE_COLOR,
                weight=1.5 if area else 1,
                dash_array="2 2" if area else None,
                fill=True,  # a white fill keeps the hollow-looking dot clickable
                fill_color="#ffffff" if area else PLACE_FILL,
                fill_opacity=0.6 if area else 0.95,
                tooltip=make_tooltip(place.name),
                popup=make_popup(place_popup_html(place, entry.locations), max_width=340),
            ).add_to(self.places)

    def add_to(self, m: folium.Map) -> None:
        """Attach the groups in drawing order: areas under lines under dots under markers."""
        self.finish_waypoints()
        self.finish_places()
        for group in (self.uncertainty, self.convoys, self.places, self.sites):
            group.add_to(m)


def render_map(
    extraction: Extraction,
    *,
    title: str | None = None,
    tiles: str = "OpenStreetMap",
) -> folium.Map:
    """Draw an extraction's sites and convoys on an interactive folium map.

    Sites become status-coloured markers with a glyph per kind, convoys
    become actor-coloured lines (wider for more vehicles) with direction
    arrowheads and waypoint dots, every distinct resolved place named in a
    report becomes a small grey dot citing its gazetteer source, and imprecise
    locations get a lightly filled uncertainty circle. Every item has a popup with its source sentences; all
    report text is escaped (see :func:`escape_text`). Items without a resolved
    position are left off. The view fits everything drawn, or north-east
    Syria when nothing is.

    Args:
        extraction: What to draw.
        title: Optional banner text (escaped).
        tiles: Any folium tile name or URL template.

    Returns:
        A plain :class:`folium.Map` (renders inline in Jupyter).

    Example:
        >>> from geo_tracker.models import Extraction
        >>> m = render_map(Extraction(), title="Nothing yet")
        >>> "fitBounds" in m.get_root().render()
        True
    """
    convoys = extraction.convoys
    sites = extraction.sites
    actor_colors = ActorColors.for_actors(c.actor for c in convoys)

    (south, west), (north, east) = NE_SYRIA_BOUNDS
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=7,
        tiles=tiles,
        control_scale=True,
    )

    builder = _MapBuilder(actor_colors)
    for convoy in convoys:
        builder.add_convoy(convoy)
    for site in sites:
        builder.add_site(site)
    for res in extraction.results:
        for loc in res.places:
            builder.note_place(loc, res.report)
    builder.add_to(m)

    folium.LayerControl(collapsed=False).add_to(m)
    Legend(actors=actor_colors.legend_items(), places=builder.has_places).add_to(m)
    if title:
        TitleBox(title).add_to(m)

    if builder.bounds.empty:
        m.fit_bounds([list(NE_SYRIA_BOUNDS[0]), list(NE_SYRIA_BOUNDS[1])])
    else:
        m.fit_bounds(builder.bounds.as_list(), padding=(30, 30), max_zoom=11)
    return m


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` as a standalone HTML file, atomically.

    The HTML goes to a temporary file in the target directory, which then
    replaces ``path`` in one ``os.replace``; a failure leaves any previous file
    untouched and no temporary file behind.

    Raises:
        RenderError: the map could not be rendered or written.

    Example:
        >>> import tempfile, pathlib
        >>> from geo_tracker.models import Extraction
        >>> out = save_map(render_map(Extraction()), pathlib.Path(tempfile.mkdtemp()) / "m.html")
        >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        True
    """
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise RenderError(f"{target}: directory {directory} does not exist")
    try:
        page = m.get_root().render()
    except Exception as exc:  # folium/jinja failures of any kind
        raise RenderError(f"{target}: could not render map: {exc}") from exc

    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(page)
            fh.flush()
            os.fsync(fh.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"{target}: could not write map: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
