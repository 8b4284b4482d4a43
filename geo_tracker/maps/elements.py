"""The folium elements a geo_tracker map is made of.

Each is a small :class:`~branca.element.MacroElement` whose template calls the
page script (``static/geo_tracker.js``, inlined once per page) or a vendored
Leaflet plugin. Assets are declared in folium's ``default_js``/``default_css``
form from :data:`~geo_tracker.maps.assets.PACKAGES`, so the offline mode can
inline exactly those files.

Example:
    >>> import folium
    >>> from geo_tracker.maps.payload import build_payload
    >>> m = folium.Map(tiles=None)
    >>> groups = EventGroups.for_payload(build_payload())
    >>> groups.add_to(m)
    >>> layers = EventLayers(build_payload(), groups).add_to(m)
    >>> "geoTracker.eventLayers" in m.get_root().render()
    True
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import folium
import folium.plugins
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from ..errors import RenderError
from .assets import PACKAGES, InlineScript, InlineStyle, own_css, own_js
from .payload import MapPayload
from .style import KIND_GLYPHS, PLACE_COLOR, PLACE_FILL, SITE_ICON_PX, STATUS_COLORS, STATUS_LABELS, glyph_svg
from .text import escape_text

__all__ = [
    "EventGroups",
    "EventLayers",
    "Fullscreen",
    "Legend",
    "MeasureControl",
    "NoTiles",
    "Outlines",
    "PlaceSearch",
    "RawHTML",
    "TimeFilter",
    "TitleBox",
    "UnplacedPanel",
    "data_script",
    "encode_data",
]


def _add_own_assets(element: MacroElement) -> None:
    """Put geo_tracker's script and stylesheet into the page header (once per page)."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise RenderError(f"{type(element).__name__} must be on a map that is in a figure")
    figure.header.add_child(InlineStyle(own_css()), name="geo_tracker_css")
    figure.header.add_child(InlineScript(own_js()), name="geo_tracker_js")


class _PageScript(JSCSSMixin):
    """A JSCSSMixin that also needs geo_tracker's own script."""

    def render(self, **kwargs: object) -> None:
        _add_own_assets(self)
        super().render(**kwargs)


@dataclass
class EventGroups:
    """The layer-control entries the event layers draw into.

    One :class:`folium.FeatureGroup` per actor for convoys and for sites (the
    layer control then filters by event kind and actor), one for uncertainty
    areas and one for the places named. Names are escaped: Leaflet's layer
    control shows them as HTML.
    """

    uncertainty: folium.FeatureGroup
    places: folium.FeatureGroup
    convoys: dict[int, folium.FeatureGroup] = field(default_factory=dict)
    sites: dict[int, folium.FeatureGroup] = field(default_factory=dict)

    @classmethod
    def for_payload(cls, payload: MapPayload) -> EventGroups:
        def group(name: str) -> folium.FeatureGroup:
            return folium.FeatureGroup(name=escape_text(name), show=True)

        return cls(
            uncertainty=group("Uncertainty areas"),
            places=group("Places named"),
            convoys={a: group(f"Convoys: {payload.actors[a][0]}") for a in payload.actor_indexes("convoys")},
            sites={a: group(f"Sites: {payload.actors[a][0]}") for a in payload.actor_indexes("sites")},
        )

    def all(self) -> list[folium.FeatureGroup]:
        """Every group, in drawing order: areas under lines under places under sites."""
        return [self.uncertainty, *self.convoys.values(), self.places, *self.sites.values()]

    def add_to(self, m: folium.Map) -> None:
        for group in self.all():
            group.add_to(m)


def _js_groups(groups: Mapping[int, folium.FeatureGroup]) -> str:
    return "{" + ",".join(f"{key}:{group.get_name()}" for key, group in groups.items()) + "}"


class RawHTML(Element):
    """Markup written to the page exactly as given.

    branca renders each macro of a :class:`MacroElement` and then compiles the
    result *again* as a Jinja template, so ``{{ ... }}`` in data placed by a
    macro would be evaluated (and a megabyte payload lexed). Data goes
    through this element instead; text that macros do place is escaped by
    :func:`~geo_tracker.maps.text.escape_text`, which also escapes braces.
    """

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.markup = markup

    def render(self, **kwargs: object) -> str:
        return self.markup


class EventLayers(_PageScript):
    """Sites, convoys, uncertainty areas and places, drawn from one embedded JSON payload.

    The payload sits, compressed, in a ``<script type="application/zlib+base64">``
    element (unzipped in the page by fflate); the page script builds the layers from it: site badges (clustered with
    supercluster when there are many), convoy lines with arrowheads
    (Leaflet.PolylineDecorator), circles and place dots (canvas).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoTracker.eventLayers(
                {{ this._parent.get_name() }},
                geoTracker.readPayload({{ (this.get_name() ~ "_data")|tojson }}),
                {
                    uncertainty: {{ this.groups.uncertainty.get_name() }},
                    places: {{ this.groups.places.get_name() }},
                    convoys: {{ this.convoy_groups }},
                    sites: {{ this.site_groups }}
                },
                {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    default_js = [
        *PACKAGES["fflate"].js_links(),
        *PACKAGES["supercluster"].js_links(),
        *PACKAGES["leaflet-polylinedecorator"].js_links(),
    ]

    def __init__(self, payload: MapPayload, groups: EventGroups, *, cluster: bool = False) -> None:
        super().__init__()
        self._name = "EventLayers"
        self.payload = payload
        self.groups = groups
        self.options = {
            "cluster": bool(cluster),
            "iconSize": SITE_ICON_PX,
            "placeColor": PLACE_COLOR,
            "placeFill": PLACE_FILL,
        }

    @property
    def payload_json(self) -> str:
        return self.payload.to_json()

    def render(self, **kwargs: object) -> None:
        super().render(**kwargs)
        name = f"{self.get_name()}_data"
        self.get_root().html.add_child(data_script(name, self.payload.to_json()), name=name)

    @property
    def convoy_groups(self) -> str:
        return _js_groups(self.groups.convoys)

    @property
    def site_groups(self) -> str:
        return _js_groups(self.groups.sites)


class _LayersControl(_PageScript):
    """A control that ``geoTracker.<factory>(layers, options)`` makes for an :class:`EventLayers`."""

    factory = ""
    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoTracker.{{ this.factory }}(
                {{ this.layers.get_name() }}, {{ this.options|tojson }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, layers: EventLayers, *, position: str) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.layers = layers
        self.options = {"position": position}


class TimeFilter(_LayersControl):
    """A date-range control (two sliders) that filters convoys and sets site statuses.

    Convoys show when their date (at its granularity) overlaps the range;
    each site shows its status as of the range's end. A checkbox hides undated
    items.
    """

    factory = "timeFilter"

    def __init__(self, layers: EventLayers, *, position: str = "bottomleft") -> None:
        super().__init__(layers, position=position)


class UnplacedPanel(_LayersControl):
    """A folded panel, "Not on the map (N)": routes with no precise point, sites placed only by region.

    Each entry gives its rows, sentences and sources, built as text in the page.
    """

    factory = "unplacedPanel"

    def __init__(self, layers: EventLayers, *, position: str = "topright") -> None:
        super().__init__(layers, position=position)


class PlaceSearch(_LayersControl):
    """Search by name over the sites and places drawn (leaflet-search); zooms to the match and opens it."""

    factory = "placeSearch"
    default_js = PACKAGES["leaflet-search"].js_links()
    default_css = PACKAGES["leaflet-search"].css_links()

    def __init__(self, layers: EventLayers, *, position: str = "topleft") -> None:
        super().__init__(layers, position=position)


class Fullscreen(folium.plugins.Fullscreen):
    """folium's fullscreen button, loading the pinned, vendored leaflet.fullscreen."""

    default_js = PACKAGES["leaflet.fullscreen"].js_links()
    default_css = PACKAGES["leaflet.fullscreen"].css_links()


class MeasureControl(folium.plugins.MeasureControl):
    """folium's distance/area measure tool, loading the pinned, vendored leaflet-measure."""

    default_js = PACKAGES["leaflet-measure"].js_links()
    default_css = PACKAGES["leaflet-measure"].css_links()


class NoTiles(MacroElement):
    """Marks a map drawn without tiles, so the page paints a sea-coloured background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.getContainer().classList.add("gt-no-tiles");
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "NoTiles"


def encode_data(text: str) -> str:
    """``text`` zlib-compressed and base64-encoded, as :func:`geoTracker.readPayload` reads it."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 5)).decode("ascii")


def data_script(element_id: str, text: str | None = None, *, encoded: str | None = None) -> RawHTML:
    """A ``<script type="application/zlib+base64">`` element holding ``text`` (or its ``encoded`` form)."""
    data = encode_data(text or "") if encoded is None else encoded
    return RawHTML(f'<script type="application/zlib+base64" id="{element_id}">{data}</script>')


@cache
def _outlines_encoded() -> tuple[str, str]:
    """The regions (``data/outlines``) and the world's countries (world-atlas TopoJSON), encoded."""
    from ..gazetteer.curated import bundled_data_dir

    regions = bundled_data_dir() / "outlines" / "middle-east.geojson"
    world = PACKAGES["world-atlas"].directory / WORLD_OUTLINES
    out = []
    for path in (regions, world):
        try:
            out.append(encode_data(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise RenderError(f"{path}: cannot read the bundled outlines: {exc}") from exc
    return out[0], out[1]


WORLD_OUTLINES = "countries-50m.json"
"""The world-atlas file of country outlines (Natural Earth 1:50m, public domain)."""


class Outlines(_PageScript, Layer):
    """Country outlines of the whole world and first-level regions where the bundled data has them.

    Countries: Natural Earth 1:50m, from the npm package world-atlas (TopoJSON,
    decoded in the page by topojson-client). Regions: ``data/outlines`` (Natural
    Earth admin-1 of Syria, Iraq, Turkey, Jordan, Lebanon and Iran).

    With ``land``, countries are filled, so the outlines stand in for a tile
    background (offline maps). With ``fallback``, they start as borders (or
    hidden, with ``show=False``) and become that land background by themselves
    when the tiles fail to load. Not interactive: clicks go through to the events.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoTracker.outlines(
                {{ this._parent.get_name() }}, geoTracker.readPayload("gt_outlines_data"),
                geoTracker.readPayload("gt_world_data"), {{ this.options|tojson }}
            );
        {% endmacro %}
        """
    )

    default_js = PACKAGES["topojson-client"].js_links()

    def __init__(self, *, land: bool, fallback: bool = False, show: bool = True,
                 name: str = "Borders (Natural Earth)") -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "Outlines"
        self.options = {"land": land, "fallback": fallback, "attribution": "Borders: Natural Earth"}

    def render(self, **kwargs: object) -> None:
        super().render(**kwargs)
        regions, world = _outlines_encoded()
        root = self.get_root()
        root.html.add_child(data_script("gt_outlines_data", encoded=regions), name="gt_outlines_data")
        root.html.add_child(data_script("gt_world_data", encoded=world), name="gt_world_data")


LEGEND_OPEN_MIN_PX = 1600
"""The legend starts folded on screens narrower than this."""


class Legend(_PageScript):
    """A collapsible legend: site statuses and kinds, convoy actors, places, and what shapes mean.

    ``actors`` holds raw ``(label, colour)`` pairs; labels are escaped here.

    Example:
        >>> legend = Legend(actors=[("Russia <ru>", "#e41a1c")])
        >>> "Russia &lt;ru&gt;" in legend.body
        True
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <details id="{{ this.get_name() }}" class="gt-legend" open>
                <summary>Legend</summary>{{ this.body }}
            </details>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            // Folded where it would cover the map: screens narrower than {{ this.fold_below }} px.
            if (window.innerWidth < {{ this.fold_below }}) {
                document.getElementById({{ this.get_name()|tojson }}).open = false;
            }
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
        clusters: bool = False,
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.fold_below = LEGEND_OPEN_MIN_PX
        self.body = self._body(statuses, kinds, list(actors), places, clusters)

    @staticmethod
    def _body(
        statuses: Mapping[str, str],
        kinds: Mapping[str, str],
        actors: list[tuple[str, str]],
        places: bool,
        clusters: bool,
    ) -> str:
        rows = ["<h4>Site status</h4>"]
        for status, color in statuses.items():
            rows.append(
                '<div class="gt-legend-row"><span class="gt-legend-swatch" '
                f'style="background:{escape_text(color)}"></span>'
                f"{escape_text(STATUS_LABELS.get(status, status))}</div>"
            )
        rows.append("<h4>Site kind</h4>")
        for kind, glyph in kinds.items():
            svg = glyph_svg(glyph, size=14, fill="#666666", stroke="#ffffff")
            rows.append(f'<div class="gt-legend-row">{svg}{escape_text(kind.replace("_", " "))}</div>')
        if actors:
            rows.append("<h4>Actors (convoy line colour)</h4>")
            for label, color in actors:
                rows.append(
                    '<div class="gt-legend-row"><span class="gt-legend-line" '
                    f'style="background:{escape_text(color)}"></span>{escape_text(label)}</div>'
                )
        if places:
            rows.append("<h4>Places named</h4>")
            rows.append(
                '<div class="gt-legend-row"><span class="gt-legend-swatch" style="width:8px;height:8px;'
                f'background:{PLACE_FILL};border:1px solid {PLACE_COLOR};box-shadow:none"></span>gazetteer point</div>'
            )
        notes = [
            "Dashed circles: location uncertainty up to 50 km (faded badge: approximate site).",
            "Arrowheads: direction of travel; line width: number of convoys on the route.",
            "Dashed arrow: towards (or from) an end known only as a country or region.",
            "Countries and regions are never drawn as points: see “Not on the map”.",
        ]
        if clusters:
            notes.append("Dark numbered discs: clusters of sites (click to zoom in).")
        rows.append('<div class="gt-legend-note">' + "<br>".join(notes) + "</div>")
        return "".join(rows)


class PageTitle(MacroElement):
    """The page's ``<title>`` (browser tab, bookmarks, history); the title is escaped.

    Example:
        >>> PageTitle("A </title><script>").text
        'A &lt;/title&gt;&lt;script&gt;'
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <title>{{ this.text }}</title>
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "PageTitle"
        self.text = escape_text(title)


class TitleBox(_PageScript):
    """A title banner at the top centre of the map; the title is escaped.

    Example:
        >>> TitleBox("A & B").text
        'A &amp; B'
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div id="{{ this.get_name() }}" class="gt-title">{{ this.text }}</div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "TitleBox"
        self.text = escape_text(title)
