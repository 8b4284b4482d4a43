"""Interactive maps of sites, convoys and places, built with folium.

A map is a tree of folium elements::

    folium.Map                       Leaflet only (no jQuery/Bootstrap/icon fonts)
    ├── TileLayer ×3                 OpenStreetMap, satellite, light grey (online; xyzservices)
    ├── GeoJson "Borders"            bundled Natural Earth outlines (offline: land-filled background)
    ├── FeatureGroup "Uncertainty areas"
    ├── FeatureGroup "Convoys: <actor>" ×n      the layer control filters by kind and actor
    ├── FeatureGroup "Places named"
    ├── FeatureGroup "Sites: <actor>" ×n
    ├── EventLayers                  one JSON payload -> site badges (clustered when many),
    │                                convoy lines + arrowheads, circles, place dots, DOM-built popups
    ├── LayerControl
    ├── TimeFilter                   date-range sliders: convoys in range, sites as of the end
    ├── PlaceSearch, Fullscreen, MeasureControl, scale bar
    ├── Legend, TitleBox
    └── FitBounds
    (+ InlineAssets on the figure, offline: every script and stylesheet inline)

Modules, by job: :mod:`.payload` (what is drawn, as plain JSON values),
:mod:`.elements` (the folium elements), :mod:`.assets` (vendored JS/CSS and
the offline inliner), :mod:`.style` (colours, glyphs, widths, radii),
:mod:`.text` (escaping, safe links, dates), :mod:`.render` (assembly and
atomic writing), :mod:`.vendor` (refreshing the vendored copies).

Example:
    >>> import datetime as dt
    >>> import folium
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
    >>> isinstance(m, folium.Map), m.summary.sites
    (True, 1)
    >>> m = render_map(sites=[site], offline=True)   # plain events, self-contained page
"""

from __future__ import annotations

from .elements import EventGroups, EventLayers, Legend, PlaceSearch, TimeFilter, TitleBox
from .payload import MapPayload, MapSummary, build_payload, location_text
from .render import BASEMAPS, CLUSTER_THRESHOLD, MapPage, outlines_frame, render_map, save_map
from .style import (
    ACTOR_PALETTE,
    KIND_GLYPHS,
    NE_SYRIA_BOUNDS,
    STATUS_COLORS,
    ActorColors,
    corridor_weight,
    site_icon_svg,
    uncertainty_radius_km,
)
from .text import escape_text, format_date, json_for_html, safe_url

__all__ = [
    "ACTOR_PALETTE",
    "BASEMAPS",
    "CLUSTER_THRESHOLD",
    "KIND_GLYPHS",
    "NE_SYRIA_BOUNDS",
    "STATUS_COLORS",
    "ActorColors",
    "EventGroups",
    "EventLayers",
    "Legend",
    "MapPage",
    "MapPayload",
    "MapSummary",
    "PlaceSearch",
    "TimeFilter",
    "TitleBox",
    "build_payload",
    "corridor_weight",
    "escape_text",
    "format_date",
    "json_for_html",
    "location_text",
    "render_map",
    "safe_url",
    "save_map",
    "site_icon_svg",
    "uncertainty_radius_km",
]
