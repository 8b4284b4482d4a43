"""Tests for geo_tracker.maps: the payload, the folium tree, the saved page, offline assets, escaping.

What the page does with all this in a browser is in test_browser.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as htmllib
import json
import re
from pathlib import Path

import folium
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from geo_tracker.cli import main
from geo_tracker.errors import RenderError
from geo_tracker.geodesy import haversine_km
from geo_tracker.maps import (
    BASEMAPS,
    NE_SYRIA_BOUNDS,
    ActorColors,
    build_payload,
    corridor_weight,
    escape_text,
    json_for_html,
    render_map,
    safe_url,
    save_map,
    uncertainty_radius_km,
)
from geo_tracker.maps.assets import PACKAGES, VENDOR_DIR, inline_css, local_path
from geo_tracker.maps.elements import EventLayers, PlaceSearch, TimeFilter
from geo_tracker.maps.style import STUB_KM
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
    """The map's own fitBounds call: the last in the page, after the inline scripts."""
    matches = re.findall(r"\.fitBounds\(\s*(\[\[.*?\]\])", page.split("<body>", 1)[-1], re.S)
    assert matches, "no fitBounds call"
    return json.loads(matches[-1])




def saved_html(m: folium.Map, tmp_path: Path, name: str = "map.html") -> str:
    return save_map(m, tmp_path / name).read_text(encoding="utf-8")


def payload_of(m: folium.Map) -> dict:
    """The JSON payload a map embeds, parsed back."""
    (layers,) = [c for c in m._children.values() if isinstance(c, EventLayers)]
    return json.loads(layers.payload_json)


def group_names(m: folium.Map) -> list[str]:
    return [c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)]


def fit_bounds(page: str) -> list[list[float]]:
    """The map's own fitBounds call: the last in the page, after the inline scripts."""
    matches = re.findall(r"\.fitBounds\(\s*(\[\[.*?\]\])", page.split("<body>", 1)[-1], re.S)
    assert matches, "no fitBounds call"
    return json.loads(matches[-1])


# --------------------------------------------------------------------------- #
# What is drawn (the payload)
# --------------------------------------------------------------------------- #


def test_returns_plain_folium_map(extraction: Extraction) -> None:
    m = render_map(extraction)
    assert isinstance(m, folium.Map) and type(m).__mro__[1] is folium.Map  # a folium.Map that also has .summary
    assert "<iframe" in m._repr_html_()


def test_sites_one_record_per_placeable_site(extraction: Extraction) -> None:
    data = payload_of(render_map(extraction))
    sites = data["sites"]
    assert [s["n"] for s in sites] == ["Qamishli airport", "Rmeilan landing strip"]  # unresolved one left off
    qamishli, rmeilan = sites
    statuses = [data["statuses"][s["s"]] for s in sites]
    assert statuses == [["Expanded", "#8c1c13"], ["Established", "#d62728"]]
    assert 'fill="#8c1c13"' in data["icons"][qamishli["i"]]
    assert "R" not in qamishli and rmeilan["R"] == 5.0  # "near" -> a 5 km area, not a pin
    assert data["actors"][qamishli["a"]][0] == "Russia"
    assert qamishli["x"] == {"k": "airfield", "d": "2024-05-01", "f": "new hangar", "l": "Qamishli"}
    assert rmeilan["x"]["l"] == "near Rmeilan ±5 km" and rmeilan["x"]["d"] == "2024-04"
    assert data["range"] == [19814, 19845]  # 2024-04-01 (the month) to 2024-05-02 (the convoy)


def test_evidence_outlets_dates_links_and_corroboration(extraction: Extraction) -> None:
    data = payload_of(render_map(extraction))
    site = data["sites"][0]
    (ref, sentence), = site["e"]
    assert sentence == "Russia expanded the airfield at Qamishli & added a hangar."
    assert data["reports"][ref] == ["Example News", "2024-05-03", "https://example.org/report/1"]
    assert site["nc"] == 1 and "cf" not in site


def test_merged_events_show_every_source_and_conflicts() -> None:
    evidence = (
        Evidence("r1", "45 vehicles entered.", source="SOHR", url="https://sohr.example/1", published=dt.date(2021, 2, 8)),
        Evidence("r2", "50 vehicles entered.", source="Asharq Al-Awsat", published=dt.date(2021, 2, 9)),
        Evidence("r3", "A convoy entered.", source="SOHR", url="https://sohr.example/2"),
    )
    convoy = Convoy(vehicles_min=45, actor="US-led coalition", cargo=(), date=DateValue(dt.date(2021, 2, 8)),
                    origin=loc(QAMISHLI), via=None, destination=loc(HASAKAH), evidence=evidence,
                    conflicts=("vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)",))
    data = payload_of(render_map(convoys=[convoy]))
    (item,) = data["convoys"]
    assert item["nc"] == 2 and item["cf"] == ["vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)"]
    assert [s for _, s in item["e"]] == [e.sentence for e in evidence]
    assert [data["reports"][r][0] for r, _ in item["e"]] == ["SOHR", "Asharq Al-Awsat", "SOHR"]
    assert data["reports"][item["e"][1][0]][2] is None  # no URL, no link


def test_site_records_of_one_site_form_a_dated_history() -> None:
    def record(status: str, day: dt.date | None) -> Site:
        return Site("base-x", "Base X", "base", status, DateValue(day) if day else None, loc(QAMISHLI))

    sites = [record("established", dt.date(2021, 3, 1)), record("planned", dt.date(2020, 5, 1)),
             record("unknown", None), record("withdrawn", dt.date(2022, 1, 1))]
    data = build_payload(sites=sites)
    assert {s["g"] for s in data.sites} == {0}
    assert [data.statuses[s["s"]][0] for s in data.sites] == ["Unknown", "Planned", "Established", "Withdrawn"]


def test_status_history_credits_no_single_outlet_for_a_merged_record() -> None:
    # A merged site's status comes from its latest statement, not from its first source: SOHR
    # said "established" in June, North Press "expanded" in September. The history line must
    # not read "Expanded (SOHR)".
    from geo_tracker.merge import merge_sites

    def record(status: str, day: dt.date, source: str, rid: str) -> Site:
        evidence = (Evidence(rid, f"{status} base", source=source, published=day),)
        return Site("base-x", "Base X", "base", status, DateValue(day), loc(QAMISHLI), evidence=evidence)

    [merged] = merge_sites([record("established", dt.date(2022, 6, 15), "Syrian Observatory for Human Rights", "a"),
                            record("expanded", dt.date(2022, 8, 10), "North Press Agency", "b")])
    assert merged.status == "expanded"
    single = record("withdrawn", dt.date(2022, 12, 20), "SANA", "c")
    relayed = dataclasses.replace(single, evidence=single.evidence + (Evidence("d", "x", source="sana "),))
    data = build_payload(sites=[merged, single, relayed])
    assert [s.get("h") for s in data.sites] == ["2 outlets", "SANA", "SANA"]
    from geo_tracker.maps import payload as payload_module

    js = (Path(payload_module.__file__).parent / "static" / "geo_tracker.js").read_text(encoding="utf-8")
    assert "other.e[0]" not in js and "other.h" in js


def test_convoy_lines_join_precise_points_and_point_towards_a_vague_end(extraction: Extraction) -> None:
    data = payload_of(render_map(extraction))
    convoy, other = data["convoys"]
    line, dot = data["corridors"]  # the second convoy has one resolved point: a dot, not a line
    assert dot["l"] == [[37.0, 41.92]] and "s" not in dot and data["actors"][dot["a"]][0] == "Unknown actor"
    # "to the countryside of Deir ez-Zor" (precision 3): the line ends at Hasakah, and a short
    # arrow points from there towards Deir ez-Zor without reaching it
    assert line["l"] == [[37.05, 41.23], [36.5, 40.75]]
    ((start, end),) = line["s"]
    assert start == [36.5, 40.75]
    assert 35.33 < end[0] < 36.5 and 40.14 < end[1] < 40.75
    assert haversine_km(*start, *end) == pytest.approx(STUB_KM, abs=1.0)
    assert line["m"] == [0] and other["k"] == 1 and convoy["k"] == 0 and convoy["v"] == 40
    assert data["weights"] == [corridor_weight(1)]
    assert data["actors"][convoy["a"]][0] == "US-led coalition"
    assert convoy["x"]["rt"] == "from Qamishli → via Al-Hasakah → to Deir ez-Zor ±30 km"
    assert convoy["x"]["c"] == "fuel, armour" and convoy["x"]["d"] == "2024-05-02"
    assert data["circles"] == [] and "ci" not in line  # no circle around a precision 3 end


def test_uncertainty_radius_rules() -> None:
    assert uncertainty_radius_km(loc(QAMISHLI)) is None
    assert uncertainty_radius_km(loc(QAMISHLI, unc=1.0)) == 2.0  # place's own radius is larger
    assert uncertainty_radius_km(loc(QAMISHLI, precision=3)) == 25.0
    assert uncertainty_radius_km(unresolved("x")) is None


def test_actor_colours_stable_and_distinct() -> None:
    a = ActorColors.for_actors(["Turkey", "Russia", None, "Russia"])
    b = ActorColors.for_actors(["Russia", "Turkey"])
    assert a.color("Russia") == b.color("Russia") != a.color("Turkey")
    assert a.color(None) == a.color("") and a.has_unknown and not b.has_unknown


def test_plain_events_and_event_stores_are_accepted(extraction: Extraction) -> None:
    class Store:  # what a store of merged events looks like to the map
        convoys = extraction.convoys
        sites = extraction.sites

    for m in (render_map(Store()), render_map(convoys=extraction.convoys, sites=extraction.sites)):
        data = payload_of(m)
        assert len(data["sites"]) == 2 and len(data["convoys"]) == 2
        # without report mentions, the places are the convoys' waypoints (sites have badges)
        assert {p["n"] for p in data["places"]} == {"Qamishli", "Al-Hasakah", "Deir ez-Zor", "Rmeilan"}
        assert all(p["m"] == [[f"“{p['n']}”", None, None, None]] for p in data["places"])


# --------------------------------------------------------------------------- #
# The folium tree and the page
# --------------------------------------------------------------------------- #


def test_layer_control_entries_by_kind_and_actor(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction)
    # the unknown actor's convoy has one resolved point: drawn as a dot, with its own entry
    assert group_names(m) == ["Uncertainty areas", "Convoys: US-led coalition", "Convoys: Unknown actor",
                              "Places named", "Sites: Russia", "Sites: Unknown actor"]
    page = saved_html(m, tmp_path)
    assert "L.control.layers(" in page
    for control in (TimeFilter, PlaceSearch, folium.plugins.Fullscreen, folium.plugins.MeasureControl):
        assert any(isinstance(c, control) for c in m._children.values()), control
    assert "L.control.scale()" in page


def test_base_maps_with_attribution(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction, basemap="satellite")
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert [t.tile_name for t in tiles] == [name for name, _ in BASEMAPS.values()]
    assert [t.show for t in tiles] == [False, True, False]
    page = saved_html(m, tmp_path)
    assert "World_Imagery" in page and "Esri \\u0026mdash;" in page
    assert "\\u003eOpenStreetMap\\u003c/a\\u003e contributors" in page  # attribution, JSON-escaped
    # only Leaflet from a CDN: no jQuery, Bootstrap or icon web fonts
    assert "jquery" not in page.lower() and "bootstrap" not in page and "font-awesome" not in page
    with pytest.raises(RenderError):
        render_map(extraction, basemap="nope")  # type: ignore[arg-type]


def test_no_time_filter_without_dates(tmp_path: Path) -> None:
    convoy = Convoy(vehicles_min=3, actor=None, cargo=(), date=None, origin=loc(QAMISHLI), via=None,
                    destination=loc(HASAKAH))
    m = render_map(convoys=[convoy])
    assert not any(isinstance(c, TimeFilter) for c in m._children.values())
    assert payload_of(m)["range"] is None


def test_legend_and_title(extraction: Extraction, tmp_path: Path) -> None:
    page = saved_html(render_map(extraction, title="NE Syria <May>"), tmp_path)
    assert 'class="gt-legend"' in page
    assert "Under construction" in page and "Withdrawn" in page and "oil field" in page
    assert "US-led coalition" in page and "Unknown actor" in page
    assert 'class="gt-title">NE Syria &lt;May&gt;</div>' in page


def test_bounds_fitted_to_points(extraction: Extraction, tmp_path: Path) -> None:
    (south, west), (north, east) = fit_bounds(saved_html(render_map(extraction), tmp_path))
    for place in (QAMISHLI, HASAKAH, RMEILAN):  # not Deir ez-Zor, known only by its countryside
        assert south <= place.lat <= north and west <= place.lon <= east
    # the arrow towards it is inside, the city itself is not
    assert south < HASAKAH.lat - 0.1 and south > DEIR.lat


def test_empty_extraction_renders_ne_syria(tmp_path: Path) -> None:
    m = render_map(Extraction())
    page = saved_html(m, tmp_path)
    assert fit_bounds(page) == [list(NE_SYRIA_BOUNDS[0]), list(NE_SYRIA_BOUNDS[1])]
    data = payload_of(m)
    assert data["sites"] == data["convoys"] == data["places"] == []
    assert 'class="gt-legend"' in page
    assert "gt-title" not in page.split("<body>", 1)[1]


def test_region_origin_is_an_arrow_into_the_first_precise_point(tmp_path: Path) -> None:
    kurdistan = Place("iq-kurdistan-region", "Kurdistan Region", "region", "IQ", 35.96, 44.50, 200.0)
    convoy = Convoy(
        vehicles_min=30, actor="X", cargo=(), date=None,
        origin=loc(kurdistan, precision=3, unc=200.0), via=None, destination=loc(QAMISHLI),
    )
    m = render_map(Extraction([result(convoys=(convoy,))]))
    data = payload_of(m)
    assert data["circles"] == []  # a 200 km disc says nothing
    ((start, end),) = data["corridors"][0]["s"]
    assert end == [37.05, 41.23] and start[1] > 41.23  # from the east, into Qamishli
    (south, west), (north, east) = fit_bounds(saved_html(m, tmp_path))
    # the bounds hold Qamishli and the arrow, not the region's point
    assert east < 42.0 and south > 36.5


def test_circles_only_up_to_fifty_km() -> None:
    near = Place("sy-n", "Near Town", "town", "SY", 36.2, 40.2, 1.0)
    sites = [
        Site(id=f"s{unc}", name=f"Site {unc}", kind="base", status="established", date=None,
             location=loc(near, precision=2, unc=unc, qualifier="near"))
        for unc in (10.0, 80.0)
    ]
    data = payload_of(render_map(sites=sites))
    small, large = sorted(data["sites"], key=lambda s: s["n"])
    assert small["R"] == 10.0 and "R" not in large  # both are badges; only one gets a circle
    assert large["ap"] == small["ap"] == 1 and "±80 km" in large["x"]["l"]


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


def test_places_one_dot_per_distinct_place(places_extraction: Extraction) -> None:
    places = payload_of(render_map(places_extraction))["places"]
    # Qamishli (3 mentions), Al-Hasakah, Rmeilan; the unresolved mention and the country are left off
    assert sorted(tuple(p["p"]) for p in places) == sorted(
        (p.lat, p.lon) for p in (QAMISHLI_CITED, HASAKAH, RMEILAN)
    )
    qamishli = next(p for p in places if p["n"] == "Qamishli")
    assert qamishli["x"] == {"k": "city", "co": "SY", "ps": "37.05, 41.23", "u": "±2 km",
                                "gs": "OCHA COD-AB Syria communities 2015, PCODE C4564", "nt": "city centre"}
    assert [m[:2] for m in qamishli["m"]] == [["“Qamishli”", "Outlet One"], ["“Qamishli”", "Outlet Two"],
                                              ["“Al-Qamishli”", None]]
    rmeilan = next(p for p in places if p["n"] == "Rmeilan")
    assert rmeilan["m"][0][0] == "near “Rmeilan”"

SYRIA = Place("country:SY", "Syria", "country", "SY", 35.0, 38.5, 250.0, layer="world")
IRAQ = Place("country:IQ", "Iraq", "country", "IQ", 33.0, 43.7, 400.0, layer="world")
HASAKAH_GOV = Place("sy-hasakah-gov", "Al-Hasakah governorate", "governorate", "SY", 36.4, 40.9, 80.0)
CROSSING = Place("sy-crossing", "Border crossing", "crossing", "SY", 36.9, 42.1, 5.0)


def _dated_convoy(day: int, origin: Location | None, destination: Location | None, *, via: Location | None = None,
                  actor: str | None = "Coalition", source: str = "Outlet A") -> Convoy:
    return Convoy(
        vehicles_min=10 + day, actor=actor, cargo=(), date=DateValue(dt.date(2024, 5, day)),
        origin=origin, via=via, destination=destination,
        evidence=(Evidence(f"r{day}", f"Convoy number {day} moved.", source=source, published=dt.date(2024, 5, day)),),
    )


def test_no_vertex_badge_or_dot_on_a_country_or_region_point() -> None:
    convoys = [
        _dated_convoy(1, loc(IRAQ, precision=3), loc(SYRIA, precision=3), via=loc(CROSSING)),
        _dated_convoy(2, loc(CROSSING), loc(SYRIA, precision=3, qualifier="northern part of")),
        _dated_convoy(3, loc(HASAKAH_GOV, precision=3), loc(QAMISHLI)),
    ]
    sites = [
        Site(id="r1", name="Base somewhere in Syria", kind="base", status="established", date=None,
             location=loc(SYRIA, precision=3, qualifier="in"), evidence=(ev("A base was set up in Syria."),)),
        Site(id="r2", name="Base in the governorate", kind="base", status="planned", date=None,
             location=loc(HASAKAH_GOV, precision=3, qualifier="in")),
        Site(id="ok", name="Base at the crossing", kind="base", status="established", date=None,
             location=loc(CROSSING)),
    ]
    places = [loc(SYRIA, precision=3), loc(HASAKAH_GOV, precision=3), loc(CROSSING), loc(QAMISHLI)]
    data = payload_of(render_map(convoys=convoys, sites=sites, places=places, merge=False))
    areas = [(p.lat, p.lon) for p in (SYRIA, IRAQ, HASAKAH_GOV)]
    drawn = [tuple(v) for c in data["corridors"] for v in c["l"]]
    drawn += [tuple(s["p"]) for s in data["sites"]] + [tuple(p["p"]) for p in data["places"]]
    drawn += [tuple(v) for c in data["corridors"] for stub in c.get("s", ()) for v in stub]
    assert drawn and all(haversine_km(*a, *v) > 5.0 for a in areas for v in drawn)
    assert [s["n"] for s in data["sites"]] == ["Base at the crossing"]
    assert {p["n"] for p in data["places"]} == {"Border crossing", "Qamishli"}
    # each convoy still shows, from its precise point(s), with an arrow per vague end: the two
    # through the crossing are one corridor (from Iraq, towards Syria), the third comes from the governorate
    assert sorted(len(c.get("s", ())) for c in data["corridors"]) == [1, 2]
    assert sorted(len(c["m"]) for c in data["corridors"]) == [1, 2]


def test_unplaced_routes_and_region_sites_are_listed() -> None:
    convoys = [_dated_convoy(4, loc(IRAQ, precision=3), loc(SYRIA, precision=3))]
    sites = [Site(id="r1", name="Base somewhere in Syria", kind="base", status="established", date=None,
                  location=loc(SYRIA, precision=3, qualifier="in"), evidence=(ev("A base was set up in Syria."),))]
    m = render_map(convoys=convoys, sites=sites)
    data = payload_of(m)
    assert data["corridors"] == [] and data["sites"] == []
    route, site = sorted(data["unplaced"], key=lambda u: u["w"], reverse=True)
    assert route["w"] == "route" and route["x"]["rt"].startswith("from Iraq")
    assert route["e"][0][1] == "Convoy number 4 moved."
    assert site["w"] == "region" and site["n"] == "Base somewhere in Syria" and site["x"]["l"] == "in Syria ±250 km"
    assert site["e"][0][1] == "A base was set up in Syria."
    assert site["r"][0] == "Syria" and site["r"][3] == 250  # the region the panel's button shows
    assert "r" not in route
    assert "geoTracker.unplacedPanel" in m.get_root().render()


def test_map_says_what_it_draws_and_what_it_only_lists(tmp_path: Path) -> None:
    from geo_tracker.maps import MapSummary

    convoys = [_dated_convoy(4, loc(IRAQ, precision=3), loc(SYRIA, precision=3)),
               _dated_convoy(5, loc(CROSSING), loc(QAMISHLI)), _dated_convoy(6, loc(CROSSING), loc(QAMISHLI))]
    sites = [Site(id="r1", name="Base somewhere in Syria", kind="base", status="established", date=None,
                  location=loc(SYRIA, precision=3, qualifier="in"), evidence=(ev("A base was set up in Syria."),)),
             Site(id="r2", name="Airfield", kind="airfield", status="active", date=None, location=loc(RMEILAN))]
    summary = render_map(convoys=convoys, sites=sites, merge=False).summary
    assert summary == MapSummary(corridors=1, convoys=2, sites=1, unplaced_routes=1, unplaced_sites=1)
    assert summary.unplaced == 2
    assert summary.describe() == "2 not on the map (1 route with no precise point, 1 site known only by region)"


def test_cli_map_summary_says_why_events_are_not_on_the_map(tmp_path: Path) -> None:
    reports = tmp_path / "r.jsonl"
    reports.write_text(json.dumps({"id": "a", "published": "2024-05-09", "source": "Outlet",
                                   "text": "The coalition is building a new base in Syria, a local source said."})
                       + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["map", str(reports), "--offline", "-o", str(tmp_path / "m.html")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 not on the map (1 site known only by region)" in result.output


@pytest.mark.parametrize("qualifier", ["nationality", "metonym"])
def test_nationality_and_metonym_mentions_are_never_drawn(qualifier: str) -> None:
    named = loc(QAMISHLI, qualifier=qualifier)
    convoy = _dated_convoy(5, named, loc(HASAKAH))
    site = Site(id="s", name="A site", kind="base", status="established", date=None, location=named)
    data = payload_of(render_map(convoys=[convoy], sites=[site], places=[named, loc(HASAKAH)]))
    assert [c["l"] for c in data["corridors"]] == [[[36.5, 40.75]]] and "s" not in data["corridors"][0]
    assert data["sites"] == [] and [p["n"] for p in data["places"]] == ["Al-Hasakah"]


def test_convoys_on_the_same_precise_points_form_one_corridor() -> None:
    convoys = [
        _dated_convoy(day, loc(CROSSING), loc(QAMISHLI), source=f"Outlet {day}") for day in (3, 1, 2)
    ] + [_dated_convoy(9, loc(CROSSING), loc(HASAKAH)), _dated_convoy(8, loc(CROSSING), loc(QAMISHLI), actor="Other")]
    data = payload_of(render_map(convoys=convoys, merge=False))
    assert len(data["convoys"]) == 5  # the time filter still has each convoy
    by_size = sorted(data["corridors"], key=lambda c: -len(c["m"]))
    assert [len(c["m"]) for c in by_size] == [3, 1, 1]
    assert by_size[0]["l"] == [[36.9, 42.1], [37.05, 41.23]]
    members = [data["convoys"][i] for i in by_size[0]["m"]]
    assert sorted(m["x"]["d"] for m in members) == ["2024-05-01", "2024-05-02", "2024-05-03"]
    assert {data["reports"][m["e"][0][0]][0] for m in members} == {"Outlet 1", "Outlet 2", "Outlet 3"}
    assert data["weights"] == [corridor_weight(n) for n in (1, 2, 3)]
    assert data["weights"][2] > data["weights"][0]


def test_place_lists_at_most_ten_mentions() -> None:
    results = [place_result(f"rep-{i}", "Outlet", loc(QAMISHLI_CITED)) for i in range(14)]
    (place,) = payload_of(render_map(Extraction(results)))["places"]
    assert len(place["m"]) == 10 and place["more"] == 4
    assert place["m"][9][3] == "rep-9"


def test_country_scale_place_does_not_zoom_out(places_extraction: Extraction, tmp_path: Path) -> None:
    (south, west), (north, east) = fit_bounds(saved_html(render_map(places_extraction), tmp_path))
    for place in (QAMISHLI_CITED, HASAKAH, RMEILAN):
        assert south <= place.lat <= north and west <= place.lon <= east
    assert north < 40 and east < 45


# --------------------------------------------------------------------------- #
# Offline, self-contained pages
# --------------------------------------------------------------------------- #


def test_offline_page_is_self_contained(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction, offline=True)
    assert "<script src" not in m.get_root().render()  # rendering twice (notebook, then file) stays inline
    page = saved_html(m, tmp_path)
    assert not re.search(r"<script[^>]*\ssrc=", page) and "<link" not in page
    assert "cdn.jsdelivr" not in page and "tile.openstreetmap" not in page
    styles = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    assert all(u.startswith(("data:", "#")) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", styles))
    assert "L.Control.Search" in page and "Supercluster" in page  # the plugins, inline
    assert 'id="gt_outlines_data"' in page and "geoTracker.outlines(" in page  # the bundled outlines
    assert page.count("<script") == page.count("</script>")
    assert len(page) < 1_500_000


def test_offline_refuses_what_would_reach_the_network(extraction: Extraction, tmp_path: Path) -> None:
    m = render_map(extraction, offline=True)
    folium.TileLayer("OpenStreetMap").add_to(m)
    with pytest.raises(RenderError, match="TileLayer"):
        save_map(m, tmp_path / "m.html")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RenderError, match="no bundled copy"):
        local_path("https://cdn.example/x.js")
    with pytest.raises(RenderError, match="missing"):
        inline_css(".x{background:url(img/nope.png)}", tmp_path)


def test_cli_offline_map(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["map", "--offline", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and "gt-outline" in page
    assert not list(tmp_path.glob(".*tmp"))


def test_vendored_assets_and_outlines_ship_with_licences() -> None:
    for pkg in PACKAGES.values():
        for rel in pkg.files:
            assert (pkg.directory / rel).is_file(), (pkg.name, rel)
        assert "licen" in (pkg.directory / pkg.licence_file).read_text(encoding="utf-8").lower() or pkg.licence == "ISC"
    assert {p.name for p in VENDOR_DIR.iterdir()} == {p.directory.name for p in PACKAGES.values()}
    outlines = Path(__file__).resolve().parents[1] / "data" / "outlines"
    assert (outlines / "README.md").is_file()
    data = json.loads((outlines / "middle-east.geojson").read_text(encoding="utf-8"))
    regions = {f["properties"]["country"] for f in data["features"] if f["properties"]["level"] == 1}
    assert regions == {"Syria", "Iraq", "Turkey", "Jordan", "Lebanon", "Iran"}
    assert (outlines / "middle-east.geojson").stat().st_size < 300_000


# --------------------------------------------------------------------------- #
# Escaping
# --------------------------------------------------------------------------- #


def test_hostile_text_is_inert(tmp_path: Path) -> None:
    m = render_map(hostile_extraction(), title=HOSTILE)
    page = saved_html(m, tmp_path)
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert page.count("<script") == page.count("</script>")
    # the payload carries the text unchanged, as JSON that cannot close its element
    data = payload_of(m)
    assert data["sites"][0]["n"] == HOSTILE + JS_BREAKERS
    assert data["sites"][0]["e"][0][1] == HOSTILE + JS_BREAKERS
    # HTML that Python writes (title, legend, layer names) is escaped
    escaped = escape_text(HOSTILE)
    assert f'class="gt-title">{escaped}</div>' in page
    assert f"Convoys: {escape_text(HOSTILE + JS_BREAKERS)}" in group_names(m)  # Leaflet shows names as HTML


def test_javascript_url_is_not_linked(tmp_path: Path) -> None:
    data = payload_of(render_map(hostile_extraction()))
    bad, good = data["reports"]
    assert bad[2] is None and bad[3] == "javascript:alert(1)"
    assert good == ["Example News", "2024-05-03", "https://ok.example/a?x=1&y=2"]


def test_escape_text_and_safe_url() -> None:
    raw = HOSTILE + JS_BREAKERS
    out = escape_text(raw)
    assert not set(out) & set("<>\"'`$\\{}")
    assert htmllib.unescape(out) == raw
    assert escape_text(None) == ""
    for bad in ("javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "http://a b", "https://", "", None):
        assert safe_url(bad) is None
    assert safe_url("HTTPS://example.org/") == "HTTPS://example.org/"


@given(st.text())
def test_json_for_html_round_trips_and_cannot_end_a_script(text: str) -> None:
    out = json_for_html({"t": text})
    assert json.loads(out) == {"t": text}
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}


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

    monkeypatch.setattr("geo_tracker.maps.render.os.replace", boom)
    with pytest.raises(RenderError):
        save_map(render_map(Extraction()), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_save_map_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RenderError):
        save_map(render_map(Extraction()), tmp_path / "nope" / "m.html")


def test_two_actors_sites_with_one_id_stay_two_sites() -> None:
    import geo_tracker
    from geo_tracker.maps import build_payload

    us = geo_tracker.extract("US forces established a base near Qamishli.", published="2021-03-01", source="A")
    ru = geo_tracker.extract("Russian forces established a base near Qamishli.", published="2021-03-02", source="B")
    sites = [*us.sites, *ru.sites]
    assert len(sites) == 2 and sites[0].id == sites[1].id and sites[0].actor != sites[1].actor
    payload = build_payload(convoys=[], sites=sites)
    assert len({s["g"] for s in payload.sites}) == 2


def test_render_map_does_not_merge_merged_convoys_again() -> None:
    import geo_tracker
    from geo_tracker.maps.render import render_map

    texts = [("On February 8, a convoy of 40 trucks entered via the Al-Walid border crossing.", "SOHR", "2021-02-08"),
             ("On February 8, a convoy of 41 trucks entered via the Al-Walid border crossing.", "SANA", "2021-02-08"),
             ("On February 9, a convoy of 60 trucks entered via the Al-Walid border crossing.", "SANA", "2021-02-09")]
    convoys = [c for t, s, d in texts for c in geo_tracker.extract(t, published=d, source=s).convoys]
    merged = geo_tracker.merge_convoys(convoys)
    assert len(merged) == 2
    from geo_tracker.maps import build_payload

    # Each convoy is known at one point (the crossing): drawn as a dot, not dropped.
    assert len(build_payload(convoys=merged, sites=[]).convoys) == 2
    # Merged input is drawn as it is; raw statements are merged first: both give 2 convoys.
    for source in (merged, convoys):
        m = render_map(convoys=source, timeline=False)
        assert m.get_root().render().count("gt-route") >= 1


def test_the_page_title_is_the_map_title_escaped():
    import re

    from geo_tracker.models import Extraction

    page = render_map(Extraction(), title="Convoys </title><script>alert(1)</script>", offline=True).get_root().render()
    assert re.findall(r"<title>(.*?)</title>", page, re.S) == [
        "Convoys &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert re.findall(r"<title>(.*?)</title>", render_map(Extraction(), offline=True).get_root().render()) == [
        "geo_tracker map"]


def test_town_labels_near_what_is_drawn_latin_with_arabic_tooltip() -> None:
    convoy = _dated_convoy(6, loc(CROSSING), loc(QAMISHLI))
    towns = payload_of(render_map(convoys=[convoy]))["towns"]
    by_name = {t[2]: t for t in towns}
    # the curated spelling of the city, at the gazetteer's point, with its Arabic name for the tooltip
    qamishli = next(t for name, t in by_name.items() if "Qamishli" in name)
    assert haversine_km(qamishli[0], qamishli[1], QAMISHLI.lat, QAMISHLI.lon) < 8.0
    assert qamishli[3] and re.search("[\u0600-\u06ff]", qamishli[3])
    assert not re.search("[\u0600-\u06ff]", qamishli[2])
    # a city of its size shows at a regional zoom, small towns only closer in; nothing from far away
    assert qamishli[4] <= 8 and max(t[4] for t in towns) > qamishli[4]
    assert all(30 < t[0] < 40 and 36 < t[1] < 46 for t in towns)
    assert payload_of(render_map(convoys=[convoy], labels=False))["towns"] == []


def test_a_town_is_labelled_once() -> None:
    from geo_tracker.gazetteer import Gazetteer
    from geo_tracker.maps.labels import town_labels

    # Two world rows of one made-up city 2 km apart (its old town and its new one); the curated row
    # gives the second its reporters' spelling, which is the first one's name.
    g = Gazetteer.from_places([
        Place("w1", "Riverford", "city", "SY", 36.00, 40.00, 5.0, population=1_200_000, layer="world"),
        Place("w2", "Riverford Jadida", "city", "SY", 36.00, 40.03, 5.0, population=1_100_000, layer="world"),
        Place("c1", "Riverford", "city", "SY", 36.00, 40.035, 3.0),
    ])
    names = [t[2] for t in town_labels([(36.0, 40.0)], gazetteer=g)]
    assert names.count("Riverford") == 1, names
