"""Assembling a map (:func:`render_map`) and writing it (:func:`save_map`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import folium
import xyzservices.providers as xyz
from xyzservices import TileProvider

from ..atomic import atomic_path
from ..errors import RenderError

if TYPE_CHECKING:
    import geopandas as gpd
from ..models import Convoy, Extraction, Location, Report, Site
from .assets import PACKAGES, InlineAssets
from .elements import (
    EventGroups,
    EventLayers,
    Fullscreen,
    Legend,
    MeasureControl,
    NoTiles,
    PageTitle,
    PlaceSearch,
    TimeFilter,
    Outlines,
    TitleBox,
    UnplacedPanel,
)
from .payload import MapSummary, build_payload
from .style import NE_SYRIA_BOUNDS

DEFAULT_PAGE_TITLE = "geo_tracker map"
"""The page's ``<title>`` when the map has no title of its own."""

__all__ = ["BASEMAPS", "CLUSTER_THRESHOLD", "Basemap", "MapPage", "render_map", "save_map"]

Basemap = Literal["osm", "satellite", "light"]

BASEMAPS: dict[str, tuple[str, TileProvider]] = {
    "osm": ("OpenStreetMap", xyz.OpenStreetMap.Mapnik),
    "satellite": ("Satellite (Esri World Imagery)", xyz.Esri.WorldImagery),
    "light": ("Light grey (Esri World Gray Canvas)", xyz.Esri.WorldGrayCanvas),
}
"""Base layers of an online map: key -> (layer-control name, xyzservices provider with attribution)."""

CLUSTER_THRESHOLD = 500
"""With ``cluster=None``, sites are clustered when a map has more site groups than this."""

PlaceInput = Location | tuple[Location, Report | None]


def _places_of(source: Any) -> list[PlaceInput] | None:
    """Place mentions with their reports, when ``source`` carries them."""
    results = getattr(source, "results", None)
    if results is not None:
        return [(loc, res.report) for res in results for loc in res.places]
    places = getattr(source, "places", None)
    return list(places) if places is not None else None


def _route_places(convoys: Sequence[Convoy]) -> list[PlaceInput]:
    """The convoys' resolved waypoints, for maps fed plain events (sites have their own badges)."""
    return [loc for c in convoys for loc in c.waypoints]


class MapPage(folium.Map):
    """A :class:`folium.Map` that also says what it draws: :attr:`summary` (set by :func:`render_map`)."""

    summary: MapSummary


def render_map(
    source: Extraction | Any | None = None,
    *,
    convoys: Iterable[Convoy] | None = None,
    sites: Iterable[Site] | None = None,
    places: Iterable[PlaceInput] | None = None,
    title: str | None = None,
    basemap: Basemap = "osm",
    offline: bool = False,
    cdn: bool = False,
    outlines: bool | None = None,
    cluster: bool | None = None,
    timeline: bool = True,
    merge: bool = True,
    labels: bool = True,
) -> MapPage:
    """Draw sites, convoys and places on an interactive folium map.

    What is drawn:

    * **sites**: a badge per site (fill colour = status, white glyph = kind,
      label on hover); precision 2-3 sites are drawn as their uncertainty
      area with a faded badge. Records of one site (same id) at several dates
      become its status history; the badge shows the status as of the end of
      the time range;
    * **convoys**: a line through origin -> via -> destination with
      arrowheads, width by vehicle count, colour by actor, plus the
      uncertainty circles of imprecise end points;
    * **places**: a small grey dot per distinct resolved place, citing its
      gazetteer source and the mentions that named it.

    Every popup lists each source sentence with its outlet, date and a link
    (http(s) URLs only), the corroboration count and any conflicts. The
    controls are a legend, a layer control (base maps; events by kind and
    actor), a time-range filter, place search, fullscreen, a scale bar and a
    distance/area measure.

    Report text is untrusted: it travels as JSON and the page sets it as text
    (see :mod:`geo_tracker.maps.text`).

    Args:
        source: An :class:`~geo_tracker.models.Extraction`, or any object with
            ``convoys`` and ``sites`` (and optionally ``places`` or ``results``),
            e.g. a store of merged events.
        convoys, sites: Events to draw, instead of or in addition to ``source``'s.
        places: Resolved mentions, alone or as ``(location, report)`` pairs.
            Default: ``source``'s, or else the convoys' waypoints.
        title: Optional banner text.
        basemap: The base layer shown first: ``"osm"``, ``"satellite"`` or
            ``"light"`` (all three are in the layer control).
        offline: A self-contained page: every script and stylesheet inline, no
            tiles, and the bundled country/region outlines as the background.
            No request leaves the page.
        cdn: Link the pinned scripts and stylesheets on jsDelivr instead of
            carrying them inline (a smaller page that needs the internet to
            draw anything). By default every page is self-contained; only its
            tiles come from the web, and when they fail to load the bundled
            outlines become the background by themselves.
        outlines: Show the bundled outlines as borders from the start
            (default: only offline; online pages always carry them as the
            fallback background).
        cluster: Cluster site badges; default: when there are more than
            :data:`CLUSTER_THRESHOLD` sites.
        timeline: Add the time-range filter (when any item is dated).
        merge: Draw one line per movement: convoys that several outlets
            reported are merged (:func:`~geo_tracker.merge.merge_convoys`), their
            sources and conflicts pooled. Input that is already merged (any
            convoy read from several reports) is drawn as it is. Site records stay as they are: one
            site's records at several dates are its status history.
        labels: Label towns and cities of the area from the gazetteer
            (:func:`~geo_tracker.maps.labels.town_labels`), by population and zoom.

    Returns:
        A :class:`MapPage`: a :class:`folium.Map` (renders inline in Jupyter) whose ``summary``
        (:class:`~geo_tracker.maps.payload.MapSummary`) counts what is drawn and what is only
        listed in the page's panel.

    Example:
        >>> from geo_tracker.models import Extraction
        >>> m = render_map(Extraction(), title="Nothing yet", offline=True)
        >>> page = m.get_root().render()
        >>> "fitBounds" in page and "cdn.jsdelivr" not in page
        True
    """
    if basemap not in BASEMAPS:
        raise RenderError(f"unknown base map {basemap!r}; choose from {', '.join(BASEMAPS)}")
    all_convoys = list(getattr(source, "convoys", ()) or ()) + list(convoys or ())
    if merge and all(len({e.report_id for e in c.evidence}) <= 1 for c in all_convoys):
        # Only report-level statements are merged: events that already pool several
        # sources (a tracker's, merge_convoys' output) are drawn as they are.
        from ..merge import merge_convoys

        all_convoys = merge_convoys(all_convoys)
    all_sites = list(getattr(source, "sites", ()) or ()) + list(sites or ())
    if places is None:
        places = _places_of(source)
        if places is None:
            places = _route_places(all_convoys)
    payload = build_payload(convoys=all_convoys, sites=all_sites, places=places)
    if labels:
        from .labels import town_labels

        payload.towns = town_labels(payload.points() or [tuple(NE_SYRIA_BOUNDS[0]), tuple(NE_SYRIA_BOUNDS[1])])
    summary = payload.summary()
    clustered = summary.sites > CLUSTER_THRESHOLD if cluster is None else bool(cluster)

    (south, west), (north, east) = NE_SYRIA_BOUNDS
    m = MapPage(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=7,
        tiles=None,
        control_scale=True,
    )
    # Only Leaflet: none of folium's default jQuery, Bootstrap or icon fonts is used.
    m.default_js = PACKAGES["leaflet"].js_links()
    m.default_css = PACKAGES["leaflet"].css_links()

    if offline:
        NoTiles().add_to(m)
    else:
        for key, (name, provider) in BASEMAPS.items():
            folium.TileLayer(provider, name=name, show=key == basemap, overlay=False, control=True).add_to(m)
    if offline:
        Outlines(land=True, show=outlines is not False).add_to(m)
    else:
        Outlines(land=False, fallback=True, show=bool(outlines)).add_to(m)

    groups = EventGroups.for_payload(payload)
    groups.add_to(m)
    layers = EventLayers(payload, groups, cluster=clustered).add_to(m)

    folium.LayerControl(collapsed=True).add_to(m)
    if timeline and payload.range is not None:
        TimeFilter(layers).add_to(m)
    if payload.unplaced:
        UnplacedPanel(layers).add_to(m)
    PlaceSearch(layers).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="miles",
                   primary_area_unit="sqkilometers", secondary_area_unit=None).add_to(m)
    Legend(actors=[(a, c) for a, c in payload.actors], places=bool(payload.places), clusters=clustered).add_to(m)
    PageTitle(title or DEFAULT_PAGE_TITLE).add_to(m)
    if title:
        TitleBox(title).add_to(m)

    m.summary = summary
    if payload.bounds.empty:
        m.fit_bounds([list(NE_SYRIA_BOUNDS[0]), list(NE_SYRIA_BOUNDS[1])])
    else:
        m.fit_bounds(payload.bounds.as_list(), padding=(30, 30), max_zoom=11)
    if offline or not cdn:
        m.get_root().add_child(InlineAssets(tiles=not offline), name="inline_assets")
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
    except RenderError as exc:
        raise RenderError(f"{target}: {exc}") from exc
    except Exception as exc:  # folium/jinja failures of any kind
        raise RenderError(f"{target}: could not render map: {exc}") from exc

    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(page)
        fh.flush()
        os.fsync(fh.fileno())
    return target


def outlines_frame() -> "gpd.GeoDataFrame":
    """The bundled country and first-level region outlines (Natural Earth), as a GeoDataFrame.

    The same outlines the offline map draws; handy as the background of a
    static ``.plot()``. Columns: ``level`` (0 country, 1 region), ``name``,
    ``iso_a2``, ``geometry`` (EPSG:4326).

    Example:
        >>> frame = outlines_frame()
        >>> frame.crs.to_epsg(), "SY" in set(frame.iso_a2)
        (4326, True)
    """
    import geopandas as gpd

    from ..gazetteer.curated import bundled_data_dir

    return gpd.read_file(bundled_data_dir() / "outlines" / "middle-east.geojson").set_crs(4326, allow_override=True)

