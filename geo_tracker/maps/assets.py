"""The JavaScript and CSS a map needs: pinned npm packages, vendored with their licences.

Every third-party asset a map loads comes from one :class:`Package` in
:data:`PACKAGES`. Online, a map links the package's files on the jsDelivr CDN
at the pinned version; offline (:class:`InlineAssets`), the very same files are
read from the copy under ``geo_tracker/maps/vendor/`` and written into the page,
with every ``url(...)`` of their stylesheets turned into a ``data:`` URI, so no
request leaves the page. ``python -m geo_tracker.maps.vendor`` refreshes the
copy from the npm registry (``npm pack``) after a version bump here.

geo_tracker's own script and stylesheet (``static/``) are always inline.

Example:
    >>> leaflet = PACKAGES["leaflet"]
    >>> leaflet.url("dist/leaflet.js")
    'https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js'
    >>> [name for name, _ in leaflet.js_links()]
    ['leaflet']
    >>> local_path(leaflet.url("dist/leaflet.js")).name
    'leaflet.js'
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink
from folium.template import Template

from ..errors import RenderError

__all__ = [
    "PACKAGES",
    "VENDOR_DIR",
    "InlineAssets",
    "InlineScript",
    "InlineStyle",
    "Package",
    "inline_css",
    "local_path",
    "own_css",
    "own_js",
]

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
"""Where the pinned copies live: ``vendor/<npm name>@<version>/<path in the package>``."""

STATIC_DIR = Path(__file__).resolve().parent / "static"

CDN = "https://cdn.jsdelivr.net/npm"


@dataclass(frozen=True)
class Package:
    """One pinned npm package: which of its files a map loads, and its licence."""

    name: str
    version: str
    licence: str
    """SPDX identifier; the package's own licence file is vendored with it."""
    licence_file: str
    js: tuple[str, ...] = ()
    """Scripts, in load order (paths inside the npm package)."""
    css: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    """Files the stylesheets reference (images), inlined as ``data:`` URIs offline."""

    @property
    def directory(self) -> Path:
        return VENDOR_DIR / f"{self.name}@{self.version}"

    @property
    def files(self) -> tuple[str, ...]:
        """Every file kept in the vendored copy."""
        return (*self.js, *self.css, *self.extra, self.licence_file)

    def url(self, path: str) -> str:
        """The CDN address of ``path`` at the pinned version."""
        return f"{CDN}/{self.name}@{self.version}/{path}"

    def _links(self, paths: tuple[str, ...]) -> list[tuple[str, str]]:
        stem = self.name.replace("/", "_")
        return [(stem if len(paths) == 1 else f"{stem}:{p}", self.url(p)) for p in paths]

    def js_links(self) -> list[tuple[str, str]]:
        """``(name, url)`` pairs in folium's ``default_js`` form."""
        return self._links(self.js)

    def css_links(self) -> list[tuple[str, str]]:
        """``(name, url)`` pairs in folium's ``default_css`` form."""
        return [(f"{name}_css", url) for name, url in self._links(self.css)]


PACKAGES: dict[str, Package] = {
    p.name: p
    for p in (
        Package(
            "leaflet", "1.9.4", "BSD-2-Clause", "LICENSE",
            js=("dist/leaflet.js",), css=("dist/leaflet.css",),
            extra=("dist/images/layers.png", "dist/images/layers-2x.png", "dist/images/marker-icon.png"),
        ),
        Package("supercluster", "8.0.1", "ISC", "LICENSE", js=("dist/supercluster.min.js",)),
        Package("fflate", "0.8.2", "MIT", "LICENSE", js=("umd/index.js",)),
        Package("topojson-client", "3.1.0", "ISC", "LICENSE", js=("dist/topojson-client.min.js",)),
        # Data, not code: Natural Earth 1:50m countries (public domain) as TopoJSON, the land of
        # every page's fallback background; embedded in the page, never linked.
        Package("world-atlas", "2.0.2", "ISC", "LICENSE", extra=("countries-50m.json",)),
        Package(
            "leaflet-polylinedecorator", "1.6.0", "MIT", "LICENSE",
            js=("dist/leaflet.polylineDecorator.js",),
        ),
        Package(
            "leaflet.fullscreen", "3.0.0", "MIT", "LICENSE",
            js=("Control.FullScreen.js",), css=("Control.FullScreen.css",), extra=("icon-fullscreen.svg",),
        ),
        Package(
            "leaflet-measure", "2.1.7", "MIT", "LICENSE",
            js=("dist/leaflet-measure.min.js",), css=("dist/leaflet-measure.css",),
            extra=tuple(
                f"dist/images/{icon}{scale}.png"
                for icon in ("cancel", "check", "focus", "rulers", "start", "trash")
                for scale in ("", "_@2X")
            ),
        ),
        Package(
            "leaflet-search", "2.9.7", "MIT", "license.txt",
            js=("dist/leaflet-search.min.js",), css=("dist/leaflet-search.min.css",),
            extra=("images/search-icon.png", "images/loader.gif"),
        ),
    )
}
"""The vendored packages, by npm name."""


@cache
def _url_index() -> dict[str, Path]:
    return {pkg.url(path): pkg.directory / path for pkg in PACKAGES.values() for path in (*pkg.js, *pkg.css)}


def local_path(url: str) -> Path:
    """The vendored file behind a CDN ``url``.

    Raises:
        RenderError: no vendored package provides ``url``.

    Example:
        >>> local_path("https://example.org/x.js")
        Traceback (most recent call last):
        ...
        geo_tracker.errors.RenderError: offline map: no bundled copy of https://example.org/x.js
    """
    try:
        return _url_index()[url]
    except KeyError:
        raise RenderError(f"offline map: no bundled copy of {url}") from None


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def inline_css(css: str, base: Path) -> str:
    """``css`` with each relative ``url(...)`` that names a file under ``base`` as a ``data:`` URI.

    Fragment (``#...``) and ``data:`` references are kept; a relative reference
    to a missing file raises, since the browser would request it.

    Example:
        >>> inline_css(".a{background:url(#default#VML)}", Path("."))
        '.a{background:url(#default#VML)}'
    """

    def replace(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("#", "data:")):
            return match.group(0)
        target = (base / ref).resolve()
        if not target.is_file():
            raise RenderError(f"offline map: stylesheet in {base} refers to missing {ref}")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    return _CSS_URL.sub(replace, css)


@cache
def _read_js(path: Path) -> str:
    code = path.read_text(encoding="utf-8")
    # A literal "</script" would end the inline element early; "<\/" means the same to JS.
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


@cache
def _read_css(path: Path) -> str:
    css = inline_css(path.read_text(encoding="utf-8"), path.parent)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def own_js() -> str:
    """geo_tracker's map script (``static/geo_tracker.js``), ready to inline."""
    return _read_js(STATIC_DIR / "geo_tracker.js")


def own_css() -> str:
    """geo_tracker's map stylesheet (``static/geo_tracker.css``), ready to inline."""
    return _read_css(STATIC_DIR / "geo_tracker.css")


class _Inline(Element):
    """An element holding trusted code (a vendored or geo_tracker file) inside ``<tag>``."""

    tag = ""
    _template = Template("<{{ this.tag }}>{{ this.code }}</{{ this.tag }}>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.code = code


class InlineScript(_Inline):
    """A ``<script>`` element holding trusted code."""

    tag = "script"


class InlineStyle(_Inline):
    """A ``<style>`` element holding a trusted stylesheet."""

    tag = "style"


_NETWORK_LAYERS = (folium.TileLayer, folium.WmsTileLayer, folium.raster_layers.ImageOverlay)


class InlineAssets(Element):
    """Makes a figure self-contained: every linked script and stylesheet becomes inline.

    Add it to the map's *figure* (``m.get_root()``), after the map: the figure
    renders its children in order, so by the time this one renders, every
    element of the map has put its ``<script src>``/``<link>`` into the header.
    Each is replaced, in place, by the vendored file's contents; a link with no
    vendored copy, or (unless ``tiles``) a tile or image layer anywhere in the map, raises
    :class:`~geo_tracker.errors.RenderError` rather than letting the page fetch it.
    """

    _template = Template("")

    def __init__(self, *, tiles: bool = False) -> None:
        super().__init__()
        self._name = "InlineAssets"
        self.tiles = tiles

    def render(self, **kwargs: object) -> str:
        figure = self.get_root()
        if not isinstance(figure, Figure):  # pragma: no cover - add_to(Figure) is the only use
            raise RenderError("InlineAssets must be added to a Figure")
        for element in () if self.tiles else _walk(figure):
            if isinstance(element, _NETWORK_LAYERS):
                raise RenderError(f"offline map: {type(element).__name__} would load from the network")
        header = figure.header
        replaced: OrderedDict[str, Element] = OrderedDict()
        for name, child in header._children.items():
            if isinstance(child, JavascriptLink):
                child = InlineScript(_read_js(local_path(child.url)))
            elif isinstance(child, CssLink):
                child = InlineStyle(_read_css(local_path(child.url)))
            replaced[name] = child
            child._parent = header
        header._children = replaced
        return ""


def _walk(element: Element):
    yield element
    for child in element._children.values():
        yield from _walk(child)
