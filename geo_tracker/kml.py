"""KML (Google Earth) export of merged convoys and sites.

Convoys are routes (a tessellated LineString, or a Point with one waypoint),
sites are points coloured by status, in two folders. Every placemark carries a
``TimeStamp`` (the date at its stated granularity, so Google Earth's time
slider works), its tidy columns as ``ExtendedData``, and a description
balloon listing each source sentence with its outlet.

**Safety.** Report text, outlet names and URLs never become markup. The
description is HTML that this module writes, with every piece of report or
gazetteer text HTML-escaped, and the whole is then XML-escaped as element text
(no CDATA): Google Earth un-escapes the XML once and shows ``<script>`` as
text. A URL becomes a link only when it is http(s). The balloon template is
fixed to ``$[description]`` so ``ExtendedData`` values are never rendered as
HTML.

Example:
    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(to_kml([]))
    >>> root.tag
    '{http://www.opengis.net/kml/2.2}kml'
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from urllib.parse import urlsplit

from .export import event_geometry, merged_convoy_row, merged_site_row
from .models import Convoy, Site

__all__ = ["KML_NS", "STATUS_COLORS", "to_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"

STATUS_COLORS: dict[str, str] = {
    "planned": "#6a51a3", "under_construction": "#f28e2b", "established": "#d62728",
    "expanded": "#8c1c13", "withdrawn": "#555555", "unknown": "#1f77b4",
}
"""Site colours by status (the palette of the HTML map)."""
CONVOY_COLOR = "#0b6e4f"


def _kml_color(rgb: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    r, g, b = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"{alpha}{b}{g}{r}"


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attrib.items()})
    if text is not None:
        el.text = _xml(text)
    return el


def _style(doc: ET.Element, style_id: str, color: str, *, line: bool = False) -> None:
    style = _sub(doc, "Style", id=style_id)
    _sub(_sub(style, "IconStyle"), "color", _kml_color(color))
    if line:
        line_style = _sub(style, "LineStyle")
        _sub(line_style, "color", _kml_color(color))
        _sub(line_style, "width", "3")
    _sub(_sub(style, "BalloonStyle"), "text", "$[description]")


def _when(event: Convoy | Site) -> str | None:
    d = event.date
    if d is None:
        return None
    if d.granularity == "year":
        return f"{d.value.year:04d}"
    if d.granularity == "month":
        return f"{d.value.year:04d}-{d.value.month:02d}"
    return d.value.isoformat()


def _link(url: str | None) -> str:
    """An escaped link for an http(s) URL; other schemes are shown as escaped text."""
    if not url:
        return ""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return f' <a href="{html.escape(url, quote=True)}">link</a>'
    return f" ({html.escape(url)})"


def _description(event: Convoy | Site, row: dict, facts: list[tuple[str, object]]) -> str:
    """The balloon HTML: fixed markup around escaped values."""
    e = html.escape
    lines = [f"<b>{e(str(label))}</b>: {e(str(value))}" for label, value in facts if value not in (None, "")]
    parts = ["<br/>".join(lines)]
    if event.conflicts:
        items = "".join(f"<li>{e(c)}</li>" for c in event.conflicts)
        parts.append(f"<p><b>Conflicting reports</b></p><ul>{items}</ul>")
    sources = []
    for ev in event.evidence:
        who = e(ev.source or ev.report_id)
        when = f", {ev.published.isoformat()}" if ev.published else ""
        sources.append(f"<li>{who}{when}: “{e(ev.sentence)}”{_link(ev.url)}</li>")
    n = row["corroboration"]
    parts.append(f"<p><b>Sources</b> ({n} outlet{'s' if n != 1 else ''})</p><ul>{''.join(sources)}</ul>")
    return "".join(parts)


def _placemark(folder: ET.Element, event: Convoy | Site) -> None:
    geom = event_geometry(event)
    if geom is None:
        return
    if isinstance(event, Convoy):
        row = merged_convoy_row(event)
        size = f"{event.vehicles_min} vehicles" if event.vehicles_min else (event.vehicles_note or "size unknown")
        name = f"Convoy ({size})" + (f", {row['event_date']}" if row["event_date"] else "")
        facts = [("Date", row["event_date"]), ("Actor", row["actor"]), ("Vehicles", row["vehicles_min"]),
                 ("Direction", row["direction"]), ("Cargo", row["cargo"]), ("Origin", row["origin"]),
                 ("Via", row["via"]), ("Destination", row["destination"]), ("Route km", row["route_km"])]
        style = "#convoy"
    else:
        row = merged_site_row(event)
        name = f"{event.name} ({event.status.replace('_', ' ')})"
        facts = [("Date", row["event_date"]), ("Actor", row["actor"]), ("Kind", row["kind"]),
                 ("Status", row["status"]), ("Features", row["features"]), ("Location", row["location"]),
                 ("Uncertainty km", row["uncertainty_km"])]
        style = f"#site-{event.status}" if event.status in STATUS_COLORS else "#site-unknown"
    pm = _sub(folder, "Placemark", id=row["event_id"])
    _sub(pm, "name", name)
    _sub(pm, "description", _description(event, row, facts))
    when = _when(event)
    if when:
        _sub(_sub(pm, "TimeStamp"), "when", when)
    _sub(pm, "styleUrl", style)
    data = _sub(pm, "ExtendedData")
    for key, value in row.items():
        if value is not None and value != "":
            _sub(_sub(data, "Data", name=key), "value", str(value))
    coords = " ".join(f"{x:.6f},{y:.6f},0" for x, y in geom.coords)
    if geom.geom_type == "LineString":
        line = _sub(pm, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", coords)
    else:
        _sub(_sub(pm, "Point"), "coordinates", coords)


def to_kml(events: Iterable[Convoy | Site], *, name: str = "geo_tracker events") -> str:
    """A KML document of merged convoys and sites (events without coordinates are left out)."""
    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", name)
    _style(doc, "convoy", CONVOY_COLOR, line=True)
    for status, color in STATUS_COLORS.items():
        _style(doc, f"site-{status}", color)
    events = list(events)
    for title, kind in (("Convoys", Convoy), ("Sites", Site)):
        folder = _sub(doc, "Folder")
        _sub(folder, "name", title)
        for event in events:
            if isinstance(event, kind):
                _placemark(folder, event)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
