"""How map items look: status colours, kind glyphs, actor colours, line widths, radii.

Everything here is fixed markup or arithmetic; no report text is ever put
into the SVG these functions return.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..models import Location

__all__ = [
    "ACTOR_PALETTE",
    "AREA_KINDS",
    "AREA_KM",
    "MAX_CIRCLE_KM",
    "STUB_KM",
    "KIND_GLYPHS",
    "NE_SYRIA_BOUNDS",
    "PLACE_COLOR",
    "PLACE_FILL",
    "STATUS_COLORS",
    "SITE_ICON_PX",
    "STATUS_LABELS",
    "UNKNOWN_ACTOR_COLOR",
    "UNKNOWN_ACTOR_LABEL",
    "ActorColors",
    "corridor_weight",
    "glyph_svg",
    "kind_key",
    "site_icon_svg",
    "status_key",
    "uncertainty_radius_km",
]

STATUS_COLORS: Mapping[str, str] = {
    "planned": "#6a51a3",
    "under_construction": "#f28e2b",
    "established": "#d62728",
    "expanded": "#8c1c13",
    "withdrawn": "#555555",
    "unknown": "#1f77b4",
}
"""Fill colour of a site marker by :data:`~geo_tracker.models.SITE_STATUSES` value."""

STATUS_LABELS: Mapping[str, str] = {
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

SITE_ICON_PX = 26
"""Size of a site badge in pixels."""

PLACE_COLOR = "#37474f"
"""Outline colour of a place dot (fill is :data:`PLACE_FILL`); neutral, not a status colour."""
PLACE_FILL = "#90a4ae"
# Locations whose radius exceeds this (countries, regions, governorates) are areas,
# not points: their uncertainty circle (sites/convoys) is an unfilled outline
# and only its centre counts for fit_bounds; a place dot of that scale is white
# and dashed, gets no circle and stays out of fit_bounds ("Russia" must not zoom
# the map out to Siberia).
AREA_KM = 100.0

MAX_CIRCLE_KM = 50.0
"""Uncertainty circles wider than this radius say nothing a reader can use (they cover half a
country): such a location is described in its popup instead of drawn."""

AREA_KINDS = frozenset({"country", "region", "governorate", "admin1", "admin2", "district", "subdistrict"})
"""Gazetteer kinds that name an area, not a spot: their representative point is never drawn as a dot."""

STUB_KM = 25.0
"""Length of the arrow that points from a convoy's last precise point towards an end known only
as a country or region (never longer than half the way there)."""


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


def corridor_weight(count: int) -> float:
    """Width in pixels of a corridor line drawn by ``count`` convoys: 3 for one, growing with log2, max 14.

    Example:
        >>> corridor_weight(1), corridor_weight(2), corridor_weight(8), corridor_weight(1000)
        (3.0, 5.5, 10.5, 14.0)
    """
    if count <= 1:
        return 3.0
    return round(min(14.0, 3.0 + 2.5 * math.log2(count)), 2)


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


def glyph_svg(inner: str, *, size: int, fill: str, stroke: str, dashed: bool = False) -> str:
    """A round badge of ``size`` pixels around a glyph from :data:`KIND_GLYPHS` (fixed markup only)."""
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 20 20" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="9" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
        f"{inner}</svg>"
    )


def kind_key(kind: str | None) -> str:
    """``"Oil field"`` -> ``"oil_field"``: the key :data:`KIND_GLYPHS` is looked up by."""
    return (kind or "").strip().lower().replace(" ", "_").replace("-", "_")


def status_key(status: str | None) -> str:
    """The :data:`STATUS_COLORS` key for ``status`` (``"unknown"`` when not one of them)."""
    key = (status or "").strip().lower()
    return key if key in STATUS_COLORS else "unknown"


def site_icon_svg(kind: str | None, status: str | None, *, size: int = SITE_ICON_PX) -> str:
    """Inline SVG badge for a site: status colour fill, white kind glyph.

    Only fixed markup is produced; ``kind``/``status`` merely select from tables.

    Example:
        >>> 'fill="#8c1c13"' in site_icon_svg("airfield", "expanded")
        True
    """
    key = status_key(status)
    glyph = KIND_GLYPHS.get(kind_key(kind), _DEFAULT_GLYPH)
    return glyph_svg(
        glyph,
        size=size,
        fill=STATUS_COLORS[key],
        stroke="#ffffff" if key != "withdrawn" else "#222222",
        dashed=key in ("planned", "withdrawn"),
    )


