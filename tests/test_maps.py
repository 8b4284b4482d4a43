"""Tests for geo_tracker.maps: structure of the folium tree, the saved HTML, and escaping."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path

import folium
import pytest

from geo_tracker.errors import RenderError
from geo_tracker.maps import (
    NE_SYRIA_BOUNDS,
    ActorColors,
    convoy_weight,
    escape_text,
    render_map,
    safe_url,
    save_map,
    screen_bearing,
    uncertainty_radius_km,
)
from geo_tracker.models import (
    Convoy,
    DateValue,
    Evidence,
    Extraction,
    Location,
    Place,
    Report,
    ReportResult,
    Site,
)

HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"
# Things that break out of a JS template literal or string if left raw.
JS_BREAKERS = "${window.__pwned=2} \\` ` \" ' </div>"

QAMISHLI = Place("sy-qamishli", "Qamishli", "city", "SY", 37.05, 41.23, 2.0)
HASAKAH = Place("sy-hasakah", "Al-Hasakah", "city", "SY", 36.50, 40.75, 3.0)
RMEILAN = Place("sy-rmeilan", "Rmeilan", "town", "SY", 37.00, 41.92, 1.0)
DEIR = Place("sy-deir-ez-zor", "Deir ez-Zor", "city", "SY", 35.33, 40.14, 3.0)


def loc(place: Place, *, precision: int = 1, unc: float = 0.0, qualifier: str | None = None) -> Location:
    return Location(
        mention=place.name,
        start=0,
        end=len(place.name),
        place=place,
        lat=place.lat,
        lon=place.lon,
        precision=precision,  # type: ignore[arg-type]
        uncertainty_km=unc,
        qualifier=qualifier,
    )


def unresolved(mention: str) -> Location:
    return Location(mention=mention, start=0, end=len(mention), place=None, lat=None, lon=None)


def ev(sentence: str, *, url: str | None = "https://example.org/report/1", source: str = "Example News") -> Evidence:
    return Evidence("r1", sentence, source=source, url=url, published=dt.date(2024, 5, 3))


def result(*, sites: tuple[Site, ...] = (), convoys: tuple[Convoy, ...] = ()) -> ReportResult:
    return ReportResult(report=Report(id="r1", text="..."), sites=sites, convoys=convoys)


@pytest.fixture
def extraction() -> Extraction:
    sites = (
        Site(
            id="s1",
            name="Qamishli airport",
            kind="airfield",
            status="expanded",
            date=DateValue(dt.date(2024, 5, 1)),
            location=loc(QAMISHLI),
            actor="Russia",
            features=("new hangar",),
            evidence=(ev("Russia expanded the airfield at Qamishli & added a hangar."),),
        ),
        Site(
            id="s2",
            name="Rmeilan landing strip",
            kind="airfield",
            status="established",
            date=DateValue(dt.date(2024, 4, 1), granularity="month"),
            location=loc(RMEILAN, precision=2, qualifier="near"),
            evidence=(ev("A strip near Rmeilan is in use."),),
        ),
        Site(
            id="s3",
            name="Unplaceable outpost",
            kind="outpost",
            status="planned",
            date=None,
            location=unresolved("Tal Nowhere"),
        ),
    )
    convoys = (
        Convoy(
            vehicles_min=40,
            actor="US-led coalition",
            cargo=("fuel", "armour"),
            date=DateValue(dt.date(2024, 5, 2)),
            origin=loc(QAMISHLI),
            via=loc(HASAKAH),
            destination=loc(DEIR, precision=3, unc=30.0),
            evidence=(ev("A convoy of 40 trucks went from Qamishli via Hasakah to Deir ez-Zor."),),
        ),
        Convoy(
            vehicles_min=None,
            actor=None,
            cargo=(),
            date=None,
            origin=loc(RMEILAN),
            via=None,
            destination=unresolved("somewhere"),
            direction="leaving",
        ),
    )
    return Extraction([result(sites=sites, convoys=convoys)])


def hostile_extraction() -> Extraction:
    bad = HOSTILE + JS_BREAKERS
    evidence = (ev(bad, url="javascript:alert(1)", source=bad), ev("fine", url="https://ok.example/a?x=1&y=2"))
    site = Site(
        id="s-bad",
        name=bad,
        kind=bad,
        status="expanded",
        date=DateValue(dt.date(2024, 5, 1), text=bad),
        location=Location(bad, 0, 1, QAMISHLI, 37.05, 41.23, precision=2, qualifier=bad),
        actor=bad,
        features=(bad,),
        evidence=evidence,
    )
    convoy = Convoy(
        vehicles_min=12,
        actor=bad,
        cargo=(bad,),
        date=None,
        origin=loc(QAMISHLI),
        via=None,
        destination=loc(HASAKAH),
        vehicles_note=bad,
        evidence=evidence,
    )
    return Extraction([result(sites=(site,), convoys=(convoy,))])


def saved_html(m: folium.Map, tmp_path: Path, name: str = "map.html") -> str:
    return save_map(m, tmp_path / name).read_text(encoding="utf-8")


def children_of(m: folium.Map, group_name: str) -> list:
    for child in m._children.values():
        if isinstance(child, folium.FeatureGroup) and child.layer_name == group_name:
            return list(child._children.values())
    raise AssertionError(f"no feature group {group_name!r}")


def fit_bounds(page: str) -> list[list[float]]:
    match = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", page, re.S)
    assert match, "no fitBounds call"
    return json.loads(match.group(1))


# --------------------------------------------------------------------------- #
# Structure
# --------------------------------------------------------------------------- #


def test_returns_plain_folium_map(extraction: Extraction) -> None:
    m = render_map(extraction)
    assert type(m) is folium.Map
    assert "<iframe" in m._repr_html_()


def test_site_markers_one_per_placeable_site(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction)
    markers = [c for c in children_of(m, "Sites") if isinstance(c, folium.Marker)]
    assert len(markers) == 2  # the unresolved site is left off
    page = saved_html(m, tmp_path)
    assert page.count('class=\\"gt-site-marker\\"') == 2
    # icon colours: expanded and established
    assert "#8c1c13" in page and "#d62728" in page
    # icons are inline SVG, not icon-font glyphs
    assert "L.AwesomeMarkers.icon(" not in page


def test_tooltip_is_site_name(extraction: Extraction, tmp_path: Path) -> None:
    page = saved_html(render_map(extraction), tmp_path)
    assert "Qamishli airport" in page
    assert ".bindTooltip(" in page


def test_convoy_polylines_arrows_and_waypoints(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction)
    kids = children_of(m, "Convoys")
    lines = [c for c in kids if isinstance(c, folium.PolyLine)]
    # second convoy has only one resolved waypoint -> no line
    assert len(lines) == 1
    assert [tuple(p) for p in lines[0].locations] == [(37.05, 41.23), (36.5, 40.75), (35.33, 40.14)]
    assert lines[0].options["weight"] == convoy_weight(40)
    arrows = [c for c in kids if isinstance(c, folium.Marker) and not isinstance(c, folium.CircleMarker)]
    assert len(arrows) == 2  # one per segment
    waypoints = [c for c in kids if isinstance(c, folium.CircleMarker)]
    assert len(waypoints) == 4  # Qamishli, Hasakah, Deir ez-Zor, Rmeilan
    page = saved_html(m, tmp_path)
    assert page.count("L.polyline(") == 1
    assert page.count("gt-arrow\\\"") == 2


def test_arrow_points_along_segment() -> None:
    # Qamishli -> Hasakah is towards the south-west.
    assert 200 < screen_bearing((37.05, 41.23), (36.5, 40.75)) < 240
    assert round(screen_bearing((36.0, 40.0), (36.0, 41.0))) == 90


def test_uncertainty_circles(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction)
    circles = [c for c in children_of(m, "Uncertainty") if isinstance(c, folium.Circle)]
    radii = sorted(c.options["radius"] for c in circles)
    # Rmeilan "near" (precision 2 -> 5 km floor) and Deir ez-Zor (30 km region)
    assert radii == [5000.0, 30000.0]
    page = saved_html(m, tmp_path)
    assert page.count("L.circle(") == 2


def test_uncertainty_radius_rules() -> None:
    assert uncertainty_radius_km(loc(QAMISHLI)) is None
    assert uncertainty_radius_km(loc(QAMISHLI, unc=1.0)) == 2.0  # place's own radius is larger
    assert uncertainty_radius_km(loc(QAMISHLI, precision=3)) == 25.0
    assert uncertainty_radius_km(unresolved("x")) is None


def test_popups_contain_sentence_outlet_dates_and_link(extraction: Extraction, tmp_path: Path) -> None:
    page = saved_html(render_map(extraction), tmp_path)
    assert "Russia expanded the airfield at Qamishli &amp; added a hangar." in page
    assert "Example News" in page
    assert "published 2024-05-03" in page
    assert "2024-05-01" in page  # site event date
    assert "2024-04" in page  # month granularity
    assert 'href="https://example.org/report/1"' in page
    assert "at least 40" in page and "fuel, armour" in page and "US-led coalition" in page
    assert "new hangar" in page and "Expanded" in page


def test_every_item_has_a_popup(extraction: Extraction) -> None:
    m = render_map(extraction)
    for name in ("Sites", "Uncertainty"):
        for child in children_of(m, name):
            assert any(isinstance(c, folium.Popup) for c in child._children.values())
    for child in children_of(m, "Convoys"):
        if isinstance(child, (folium.PolyLine, folium.CircleMarker)):
            assert any(isinstance(c, folium.Popup) for c in child._children.values())


def test_layers_legend_and_title(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction, title="NE Syria <May>")
    page = saved_html(m, tmp_path)
    assert "L.control.layers(" in page
    for name in ("Sites", "Convoys", "Uncertainty"):
        assert f'"{name}"' in page
    assert 'class="gt-legend"' in page
    assert "Under construction" in page and "Withdrawn" in page
    assert "US-led coalition" in page and "Unknown actor" in page
    assert 'class="gt-title">NE Syria &lt;May&gt;</div>' in page


def test_bounds_fitted_to_points(extraction: Extraction, tmp_path: Path) -> None:
    (south, west), (north, east) = fit_bounds(saved_html(render_map(extraction), tmp_path))
    for place in (QAMISHLI, HASAKAH, RMEILAN, DEIR):
        assert south <= place.lat <= north and west <= place.lon <= east
    # the 30 km Deir ez-Zor circle is inside too
    assert south < DEIR.lat - 0.25


def test_empty_extraction_renders_ne_syria(tmp_path: Path) -> None:
    m = render_map(Extraction())
    page = saved_html(m, tmp_path)
    assert fit_bounds(page) == [list(NE_SYRIA_BOUNDS[0]), list(NE_SYRIA_BOUNDS[1])]
    assert "L.polyline(" not in page and "L.circle(" not in page
    assert 'class="gt-legend"' in page
    assert "gt-title" not in page.split("<body>", 1)[1]


def test_actor_colours_stable_and_distinct() -> None:
    a = ActorColors.for_actors(["Turkey", "Russia", None, "Russia"])
    b = ActorColors.for_actors(["Russia", "Turkey"])
    assert a.color("Russia") == b.color("Russia") != a.color("Turkey")
    assert a.color(None) == a.color("") and a.has_unknown and not b.has_unknown


# --------------------------------------------------------------------------- #
# Escaping
# --------------------------------------------------------------------------- #


def test_hostile_text_is_inert(tmp_path: Path) -> None:
    page = saved_html(render_map(hostile_extraction(), title=HOSTILE), tmp_path)
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert", "")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    # template-literal breakers are neutralised
    assert "${window.__pwned" not in page
    assert "&#36;&#123;window.__pwned=2&#125;" in page
    assert "\\`" not in page and "`x" not in page
    # the only <script> elements are folium's own
    assert page.count("</script>") == page.count("<script")


def test_javascript_url_is_not_linked(tmp_path: Path) -> None:
    page = saved_html(render_map(hostile_extraction()), tmp_path)
    assert 'href="javascript' not in page.lower()
    assert "unlinked URL: javascript:alert(1)" in page
    assert 'href="https://ok.example/a?x=1&amp;y=2"' in page


def test_escape_text_and_safe_url() -> None:
    raw = HOSTILE + JS_BREAKERS
    out = escape_text(raw)
    assert not set(out) & set("<>\"'`$\\{}")
    assert htmllib.unescape(out) == raw
    assert escape_text(None) == ""
    for bad in ("javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "http://a b", "https://", "", None):
        assert safe_url(bad) is None
    assert safe_url("HTTPS://example.org/") == "HTTPS://example.org/"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_hostile_popups_evaluate_to_escaped_text_in_js(tmp_path: Path) -> None:
    """Run the map's script in node with Leaflet/jQuery stubs: no payload runs, strings are intact."""
    page = saved_html(render_map(hostile_extraction(), title="t"), tmp_path)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    stub = r"""
    const seen = [];
    globalThis.window = globalThis;
    globalThis.alert = () => { globalThis.__pwned = 'alert'; };
    const chain = () => new Proxy(function () {}, {
      get: (t, k) => (k === Symbol.toPrimitive ? () => '' : chain()),
      apply: (t, self, args) => { for (const a of args) if (typeof a === 'string') seen.push(a); return chain(); },
    });
    globalThis.L = chain();
    globalThis.$ = (s) => { seen.push(s); return [s]; };
    globalThis.document = chain();
    """
    program = stub + "\n".join(scripts) + "\nprocess.stdout.write(JSON.stringify({pwned: globalThis.__pwned ?? null, seen}));"
    js = tmp_path / "run.js"
    js.write_text(program, encoding="utf-8")
    proc = subprocess.run(["node", str(js)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["pwned"] is None
    popups = [s for s in out["seen"] if "gt-site-popup" in s]
    assert popups, "site popup html not passed to $()"
    expected = escape_text(HOSTILE + JS_BREAKERS)
    assert expected in popups[0]
    tooltips = [s for s in out["seen"] if "&lt;script&gt;" in s and "gt-popup" not in s]
    assert tooltips, "tooltip with escaped name missing"


# --------------------------------------------------------------------------- #
# save_map
# --------------------------------------------------------------------------- #


def test_save_map_atomic_and_clean(extraction: Extraction, tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")
    result_path = save_map(render_map(extraction), target)
    assert result_path == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_save_map_failure_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("geo_tracker.maps.os.replace", boom)
    with pytest.raises(RenderError):
        save_map(render_map(Extraction()), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_save_map_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RenderError):
        save_map(render_map(Extraction()), tmp_path / "nope" / "m.html")


# --------------------------------------------------------------------------- #
# Places layer
# --------------------------------------------------------------------------- #

QAMISHLI_CITED = Place(
    "sy-qamishli", "Qamishli", "city", "SY", 37.05, 41.23, 2.0,
    source="OCHA COD-AB Syria communities 2015, PCODE C4564", note="city centre",
)
RUSSIA = Place("country:RU", "Russia", "country", "RU", 60.0, 100.0, 2333.0, source="GeoNames", layer="world")


def place_result(report_id: str, outlet: str | None, *locs: Location, sites: tuple[Site, ...] = ()) -> ReportResult:
    return ReportResult(report=Report(id=report_id, text="...", source=outlet), places=locs, sites=sites)


def place_dots(m: folium.Map) -> list[folium.CircleMarker]:
    return [c for c in children_of(m, "Places") if isinstance(c, folium.CircleMarker)]


def popup_html_of(marker: folium.Element) -> str:
    popups = [c for c in marker._children.values() if isinstance(c, folium.Popup)]
    assert len(popups) == 1
    return popups[0].html.render()


@pytest.fixture
def places_extraction() -> Extraction:
    near_rmeilan = loc(RMEILAN, precision=2, qualifier="near")
    site = Site(
        id="s2", name="Rmeilan landing strip", kind="airfield", status="established",
        date=None, location=near_rmeilan,
    )
    return Extraction(
        [
            place_result("r1", "Outlet One", loc(QAMISHLI_CITED), loc(HASAKAH), near_rmeilan, unresolved("Tal Nowhere"),
                         sites=(site,)),
            place_result("r2", "Outlet Two", loc(QAMISHLI_CITED), loc(RUSSIA, precision=3, unc=2333.0)),
            place_result("r3", None, Location("Al-Qamishli", 0, 11, QAMISHLI_CITED, 37.05, 41.23)),
        ]
    )


def test_places_layer_one_dot_per_distinct_place(places_extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(places_extraction)
    dots = place_dots(m)
    # Qamishli (3 mentions), Al-Hasakah, Rmeilan, Russia; the unresolved mention is left off
    assert len(dots) == 4
    assert sorted(tuple(d.location) for d in dots) == sorted(
        (p.lat, p.lon) for p in (QAMISHLI_CITED, HASAKAH, RMEILAN, RUSSIA)
    )
    assert all(d.options["radius"] <= 6 for d in dots)
    page = saved_html(m, tmp_path)
    assert '"Places"' in page and "Places named" in page
    # the places layer draws above the convoy lines, below the site markers
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert names == ["Uncertainty", "Convoys", "Places", "Sites"]


def test_place_popup_cites_gazetteer_and_mentions(places_extraction: Extraction) -> None:
    dots = {tuple(d.location): d for d in place_dots(render_map(places_extraction))}
    text = popup_html_of(dots[(QAMISHLI_CITED.lat, QAMISHLI_CITED.lon)])
    for expected in ("Qamishli", "city", "SY", "37.05, 41.23", "&plusmn;2 km",
                     "OCHA COD-AB Syria communities 2015, PCODE C4564", "city centre",
                     "&ldquo;Qamishli&rdquo;", "&ldquo;Al-Qamishli&rdquo;",
                     "Outlet One", "Outlet Two", "r1", "r2", "r3"):
        assert expected in text, expected
    assert "near &ldquo;Rmeilan&rdquo;" in popup_html_of(dots[(RMEILAN.lat, RMEILAN.lon)])


def test_place_popup_lists_at_most_ten_mentions() -> None:
    results = [place_result(f"rep-{i}", "Outlet", loc(QAMISHLI_CITED)) for i in range(14)]
    (dot,) = place_dots(render_map(Extraction(results)))
    text = popup_html_of(dot)
    assert text.count("<li") == 11  # ten mentions and the remainder line
    assert "rep-9" in text and "rep-10" not in text and "and 4 more" in text


def test_places_share_uncertainty_circles_and_fit_bounds(places_extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(places_extraction)
    circles = [c for c in children_of(m, "Uncertainty") if isinstance(c, folium.Circle)]
    # "near Rmeilan" is both the site's and a place mention: one circle. Russia gets none.
    assert [c.options["radius"] for c in circles] == [5000.0]
    (south, west), (north, east) = fit_bounds(saved_html(m, tmp_path))
    for place in (QAMISHLI_CITED, HASAKAH, RMEILAN):
        assert south <= place.lat <= north and west <= place.lon <= east
    # a country-scale place is drawn (white, dashed) but does not zoom the map out to Siberia
    assert north < 40 and east < 45
    russia = next(d for d in place_dots(m) if tuple(d.location) == (RUSSIA.lat, RUSSIA.lon))
    assert russia.options["dashArray"] and russia.options["fillColor"] == "#ffffff"


def test_no_places_no_places_legend(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction)
    assert place_dots(m) == []
    assert "Places named" not in saved_html(m, tmp_path)


def test_hostile_place_text_is_inert(tmp_path: Path) -> None:
    bad = HOSTILE + JS_BREAKERS
    evil = Place("evil", bad, bad, bad, 36.9, 41.5, 1.5, source=bad, note=bad, layer=bad)
    location = Location(bad, 0, 1, evil, 36.9, 41.5, precision=2, qualifier=bad)
    report = Report(id=bad, text="...", source=bad)
    m = render_map(Extraction([ReportResult(report=report, places=(location,))]))
    (dot,) = place_dots(m)
    text = popup_html_of(dot)
    assert escape_text(bad) in text
    assert "<script" not in text and "<img" not in text and "${" not in text and "`" not in text
    page = saved_html(m, tmp_path)
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    assert "${window.__pwned" not in page and "\\`" not in page
    assert page.count("</script>") == page.count("<script")


def test_area_scale_circle_is_outline_and_fitted_by_centre(tmp_path: Path) -> None:
    kurdistan = Place("iq-kurdistan-region", "Kurdistan Region", "region", "IQ", 35.96, 44.50, 200.0)
    convoy = Convoy(
        vehicles_min=30, actor="X", cargo=(), date=None,
        origin=loc(kurdistan, precision=3, unc=200.0), via=None, destination=loc(QAMISHLI),
    )
    m = render_map(Extraction([result(convoys=(convoy,))]))
    (circle,) = [c for c in children_of(m, "Uncertainty") if isinstance(c, folium.Circle)]
    assert circle.options["radius"] == 200_000.0 and circle.options["fill"] is False
    (south, west), (north, east) = fit_bounds(saved_html(m, tmp_path))
    # the bounds hold both ends of the route, not the 200 km disc around Kurdistan
    assert east < 44.6 and south > 35.9
