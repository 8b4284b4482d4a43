"""Maps in a real browser: headless Chromium driven by Playwright for Python.

Needs ``pip install playwright`` (the ``test`` extra) and Debian's Chromium at
``/usr/bin/chromium`` (or ``$CHROMIUM``); ``playwright install`` is not used.
``.ci/run`` installs Chromium; where it is missing these tests skip and say why.

The maps are written by the CLI (``geo-tracker map``) from the bundled samples
and from hostile reports, and by the library from events whose every text
field is hostile. Offline maps open in a context with networking disabled.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import geo_tracker
from geo_tracker.cli import main
from geo_tracker.maps import build_payload, render_map, save_map
from geo_tracker.maps.assets import PACKAGES
from geo_tracker.maps.text import day_number

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]

# Hostile reports. No "." in the payloads: the sentence splitter would cut them.
EVIL_HOST = "evil:8000"
HOSTILE_REPORTS = [
    {
        "id": "evil-1",
        "text": "On February 8, a convoy of 45 military vehicles entered Syrian territory via the Al-Walid "
        "border crossing with the Kurdistan Region of Iraq, heading towards Al-Qamishli "
        "<script>self['__pwned']=1</script><img src=http://evil:8000/pixel onerror=\"self['__pwned']=2\"> "
        "${self['__pwned']=3} `x` \" ' </script>",
        "published": "2021-02-10",
        "source": "<img src=http://evil:8000/logo onerror=self['__pwned']=4>\"';self['__pwned']=5//",
        "url": "javascript:self['__pwned']=6",
    },
    {
        "id": "evil-2",
        "text": "The US-led coalition began building a new military base near Ain Dewar "
        "<svg onload=self['__pwned']=7></svg> </script><script>self['__pwned']=8</script>",
        "published": "2021-03-01",
        "source": 'Evil "News" </script>',
        "url": "http://evil:8000/article?q=<script>self['__pwned']=9</script>",
    },
]


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright, or pip install -e '.[test]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set $CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Opened:
    """A map page with every request and console error it produced."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def network_requests(self) -> list[str]:
        """Requests other than the page itself (``data:`` URIs never leave the page)."""
        return [u for u in self.requests if u != self.url and not u.startswith(("data:", "about:"))]

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def set_range(self, start: int | None = None, end: int | None = None) -> None:
        """Move the time sliders the way a user's drag does (value, then an input event)."""
        for selector, value in ((".gt-time-from", start), (".gt-time-to", end)):
            if value is not None:
                self.page.locator(selector).evaluate(
                    "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
                )

    def popup_text(self) -> str:
        popup = self.page.locator(".leaflet-popup-content").last  # a closed one may still be fading out
        popup.wait_for(state="visible", timeout=5_000)
        return popup.inner_text()


@pytest.fixture
def open_map(browser):
    contexts = []

    def opener(path: Path, *, network: bool = False, route=None) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, offline=not network)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda msg: opened.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        if route is not None:
            page.route("**/*", route)
        page.goto(opened.url, wait_until="load")
        page.wait_for_function("window.geoTracker && window.geoTracker.instances.length > 0", timeout=15_000)
        return opened

    yield opener
    for context in contexts:
        context.close()


def _cli_map(directory: Path, *args: str) -> Path:
    out = directory / "map.html"
    result = CliRunner().invoke(main, ["map", "-o", str(out), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def samples():
    return geo_tracker.extract_reports(geo_tracker.read_reports(geo_tracker.sample_paths()))


@pytest.fixture(scope="module")
def sample_payload(samples):
    # What the CLI draws: convoys merged across outlets, site records as they are.
    return build_payload(convoys=geo_tracker.merge_convoys(samples.convoys), sites=samples.sites)


@pytest.fixture(scope="module")
def offline_sample_map(tmp_path_factory) -> Path:
    return _cli_map(tmp_path_factory.mktemp("offline"), "--offline", "--title", "Sample reports")


@pytest.fixture(scope="module")
def hostile_cli_map(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    reports = directory / "reports.jsonl"
    reports.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE_REPORTS), encoding="utf-8")
    return _cli_map(directory, str(reports), "--offline", "--title", "<script>self['__pwned']=10</script>")


def _first_day(item: dict) -> int | None:
    """The first day an item's date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) covers."""
    if "d" not in item["x"]:
        return None
    parts = [int(p) for p in item["x"]["d"].split("-")] + [1, 1]
    return day_number(dt.date(*parts[:3]))


def _expected_counts(payload, *, end: int | None = None) -> tuple[int, int]:
    """Site badges and route lines the page should show with the range ending at ``end``."""
    def shown(item: dict) -> bool:
        return end is None or _first_day(item) is None or _first_day(item) <= end

    routes = 0
    for corridor in payload.corridors:  # a line, or a dot for a convoy known at one point with no arrow
        if any(shown(payload.convoys[i]) for i in corridor["m"]) and (len(corridor["l"]) > 1 or "s" not in corridor):
            routes += 1
    return len({s["g"] for s in payload.sites if shown(s)}), routes


# --------------------------------------------------------------------------- #
# Content
# --------------------------------------------------------------------------- #


def test_offline_map_has_markers_routes_and_outlines(open_map, offline_sample_map, sample_payload) -> None:
    opened = open_map(offline_sample_map)
    sites, routes = _expected_counts(sample_payload)
    assert sites >= 5 and routes >= 4  # the samples hold that many placeable events (convoys merged across outlets)
    assert opened.count(".gt-site-marker") == sites
    assert opened.count("path.gt-route") == routes
    assert opened.count("path.gt-arrowhead") >= routes
    assert opened.count("path.gt-outline") > 100  # countries and first-level regions
    assert opened.count(".leaflet-control-layers-overlays label") >= 4
    for control in (".leaflet-control-scale", ".leaflet-control-zoom-fullscreen", ".leaflet-control-measure",
                    ".leaflet-control-search", ".gt-time", ".gt-legend"):
        assert opened.count(control) == 1, control
    assert opened.errors == []
    assert opened.network_requests() == []


def test_popup_shows_sources_and_corroboration(open_map, offline_sample_map) -> None:
    opened = open_map(offline_sample_map)
    opened.page.locator(".gt-site-marker").first.dispatch_event("click")  # the marker may sit under a control
    text = opened.popup_text()
    assert "Sources:" in text and "Corroboration: 1 outlet" in text and "Status:" in text
    # the samples carry their outlets' URLs: each becomes a safe link
    link = opened.page.locator(".leaflet-popup-content a.gt-source-link").first
    assert link.get_attribute("href").startswith("https://")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert opened.errors == []


def test_time_filter_hides_convoys_and_sets_site_status(open_map, offline_sample_map, sample_payload) -> None:
    opened = open_map(offline_sample_map)
    all_sites, all_routes = _expected_counts(sample_payload)
    end = day_number(dt.date(2021, 10, 1))
    sites, routes = _expected_counts(sample_payload, end=end)
    assert routes < all_routes  # the November 2021 convoy is outside the range
    opened.set_range(end=end)
    assert opened.count("path.gt-route") == routes
    assert opened.page.locator(".gt-time-to + .gt-time-value").inner_text() == "2021-10-01"
    # before the first site report, no site is in force yet
    early = day_number(dt.date(2020, 12, 31))
    opened.set_range(end=early)
    assert opened.count(".gt-site-marker") == _expected_counts(sample_payload, end=early)[0] < all_sites
    # the start slider cannot pass the end one
    opened.set_range(start=end)
    assert int(opened.page.locator(".gt-time-to").input_value()) == end
    opened.set_range(start=sample_payload.range[0], end=sample_payload.range[1])
    assert opened.count("path.gt-route") == all_routes and opened.count(".gt-site-marker") == all_sites
    assert opened.errors == []


def test_layer_control_filters_by_actor(open_map, offline_sample_map) -> None:
    opened = open_map(offline_sample_map)
    assert opened.count(".leaflet-control-layers-expanded") == 0  # collapsed on load
    opened.page.locator(".leaflet-control-layers").hover()
    label = opened.page.locator(".leaflet-control-layers-overlays label", has_text="Convoys:").first
    label.locator("input").uncheck()
    assert opened.count("path.gt-route") == 0
    label.locator("input").check()
    assert opened.count("path.gt-route") > 0
    sites = opened.page.locator(".leaflet-control-layers-overlays label", has_text="Sites:").first
    sites.locator("input").uncheck()
    assert opened.count(".gt-site-marker") == 0


def test_search_finds_a_place_and_opens_it(open_map, offline_sample_map) -> None:
    opened = open_map(offline_sample_map)
    page = opened.page
    page.locator(".leaflet-control-search .search-button").click()
    page.locator(".leaflet-control-search input.search-input").type("Qamis")
    tip = page.locator(".leaflet-control-search .search-tip", has_text="Qamishli").first
    tip.click()
    assert "Qamishli" in opened.popup_text()
    assert opened.errors == []


def test_clusters_many_sites(open_map, tmp_path) -> None:
    from geo_tracker.models import DateValue, Location, Place, Site

    sites = []
    for i in range(1500):
        lat, lon = 35.0 + (i % 50) * 0.05, 38.0 + (i // 50) * 0.15
        place = Place(f"p{i}", f"Place {i}", "village", "SY", lat, lon, 0.5)
        sites.append(Site(f"s{i}", f"Site {i}", "base", "established", DateValue(dt.date(2021, 1, 1)),
                          Location(f"Place {i}", 0, 1, place, lat, lon)))
    path = save_map(render_map(sites=sites, offline=True), tmp_path / "many.html")
    opened = open_map(path)
    clusters = opened.count(".gt-cluster")
    markers = opened.count(".gt-site-marker")
    assert clusters > 0 and markers + clusters < 1500
    zoom = opened.page.evaluate("geoTracker.instances[0].map.getZoom()")
    # click a cluster (again, if a redraw replaced it under the click) until the map zooms in
    opened.page.wait_for_function(
        f"""() => {{
            if (geoTracker.instances[0].map.getZoom() > {zoom}) return true;
            document.querySelector('.gt-cluster').dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
            return false;
        }}""",
        polling=500, timeout=10_000,
    )
    opened.page.wait_for_timeout(500)  # the zoom animation
    opened.page.evaluate("() => { geoTracker.instances[0].map.setView([35.0, 38.0], 13, {animate: false}); }")
    assert 0 < opened.count(".gt-site-marker") < 50
    assert opened.errors == []


# --------------------------------------------------------------------------- #
# Offline and online assets
# --------------------------------------------------------------------------- #


def test_offline_map_makes_no_request(open_map, offline_sample_map) -> None:
    opened = open_map(offline_sample_map)
    page = opened.page
    # interact with every control that could load something
    page.locator(".gt-site-marker").first.dispatch_event("click")  # the marker may sit under a control
    opened.popup_text()
    page.locator(".leaflet-control-measure").hover()
    page.locator(".leaflet-control-search .search-button").click()
    page.wait_for_timeout(300)
    assert opened.network_requests() == []
    assert opened.errors == []


def test_online_map_loads_the_pinned_vendored_assets(open_map, tmp_path, samples) -> None:
    """With cdn=True, the page links jsDelivr at the vendored versions: serve those files from the copy."""
    path = save_map(render_map(samples, cdn=True), tmp_path / "online.html")
    served, blocked = [], []
    linked = {pkg.url(f) for pkg in PACKAGES.values() for f in (*pkg.js, *pkg.css)}

    def vendored(url: str) -> Path | None:
        for pkg in PACKAGES.values():
            if url.startswith(pkg.url("")) and (pkg.directory / url[len(pkg.url("")):]).is_file():
                return pkg.directory / url[len(pkg.url("")):]
        return None

    def route(route, request) -> None:
        local = vendored(request.url)
        if request.url.startswith("file:"):
            route.continue_()
        elif local is not None:  # scripts, stylesheets and the images the stylesheets use
            served.append(request.url)
            route.fulfill(path=str(local))
        else:
            blocked.append(request.url)
            route.abort()

    opened = open_map(path, network=True, route=route)
    assert linked <= set(served)  # every vendored script and stylesheet, and nothing else from a CDN
    assert blocked and not [u for u in blocked if "tile" not in u and "arcgisonline" not in u]
    assert opened.count("path.gt-route") > 0 and opened.count(".gt-site-marker") > 0
    assert opened.count(".leaflet-control-layers-base label") == 3
    assert "OpenStreetMap" in opened.page.locator(".leaflet-control-attribution").inner_text()
    assert not [e for e in opened.errors if "ERR_FAILED" not in e and "Failed to load resource" not in e]


# --------------------------------------------------------------------------- #
# Hostile reports
# --------------------------------------------------------------------------- #


def _open_every_popup(opened: Opened) -> list[str]:
    """Open each site, route, circle and place popup through Leaflet; return their text."""
    texts = opened.page.evaluate(
        """() => {
            const layers = geoTracker.instances[0];
            const out = [];
            const visit = (layer) => {
                if (layer.getPopup && layer.getPopup()) {
                    layer.openPopup(layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter());
                    const node = layer.getPopup().getElement().querySelector('.leaflet-popup-content');
                    out.push([node.innerText, node.querySelectorAll('script,img,svg,iframe').length]);
                    layer.closePopup();
                }
                if (layer.eachLayer) layer.eachLayer(visit);
            };
            [layers.siteLayer, layers.convoyCircleLayer, ...layers.corridorShown.filter(Boolean),
             ...layers.placeLayers].forEach(visit);
            const panel = document.querySelector('.gt-unplaced');
            if (panel) {
                panel.querySelectorAll('details').forEach((d) => { d.open = true; });
                out.push([panel.innerText, panel.querySelectorAll('script,img,svg,iframe').length]);
            }
            return out;
        }"""
    )
    assert all(count == 0 for _, count in texts), texts
    return [text for text, _ in texts]


def test_hostile_reports_stay_inert(open_map, hostile_cli_map) -> None:
    opened = open_map(hostile_cli_map)
    page = opened.page
    assert opened.count(".gt-site-marker") == 1 and opened.count("path.gt-route") == 1
    page.locator(".gt-site-marker").first.hover()
    page.locator(".gt-site-marker").first.dispatch_event("click")  # the marker may sit under a control
    assert "<svg onload=self['__pwned']=7></svg>" in opened.popup_text()
    texts = _open_every_popup(opened)
    joined = "\n".join(texts)
    assert "<script>self['__pwned']=1</script>" in joined  # shown as text, not run
    assert "unlinked URL: javascript:self['__pwned']=6" in joined
    assert page.locator("a[href^='javascript']").count() == 0
    page.locator(".leaflet-control-search .search-button").click()
    page.locator(".leaflet-control-search input.search-input").type("Ain")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not [u for u in opened.requests if EVIL_HOST in u]
    assert opened.network_requests() == []
    assert opened.errors == []


def test_bidi_controls_in_report_text_are_isolated_in_popups(open_map, tmp_path) -> None:
    """An outlet named with a right-to-left override must not reorder the popup line after it."""
    reports = tmp_path / "bidi.jsonl"
    reports.write_text(json.dumps({"id": "b1", "published": "2024-05-09", "source": "\u202eSWEN ELPMAXE",
                                   "text": "US forces began building a base near Amuda on Monday, a local source said."})
                       + "\n", encoding="utf-8")
    opened = open_map(_cli_map(tmp_path, str(reports), "--offline"))
    opened.page.locator(".gt-site-marker").first.dispatch_event("click")
    styles = opened.page.evaluate(
        """() => {
            const popup = document.querySelector('.leaflet-popup-content');
            const walker = document.createTreeWalker(popup, NodeFilter.SHOW_TEXT);
            const out = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.data.includes('\u202e')) out.push(node.parentElement.tagName === 'BDI' || node.parentElement.dir === 'auto' ? 'isolate' : node.parentElement.tagName);
            }
            out.push(popup.querySelector('blockquote').dir === 'auto' ? 'isolate' : 'blockquote without dir');
            return out;
        }"""
    )
    assert len(styles) >= 2 and set(styles) == {"isolate"}, styles
    assert opened.errors == []


def test_hostile_fields_everywhere_stay_inert(open_map, tmp_path) -> None:
    """Names, kinds, actors, outlets, dates, places and the title all hostile (library-made map)."""
    from test_maps import HOSTILE, JS_BREAKERS, hostile_extraction

    path = save_map(render_map(hostile_extraction(), title=HOSTILE, offline=True), tmp_path / "evil.html")
    opened = open_map(path)
    page = opened.page
    page.locator(".gt-site-marker").first.hover()
    texts = _open_every_popup(opened)
    assert any(HOSTILE + JS_BREAKERS in text for text in texts)
    # the layer control and legend show the hostile actor as text
    assert HOSTILE in page.locator(".leaflet-control-layers-overlays").inner_text()
    assert HOSTILE in page.locator(".gt-legend").text_content()  # folded at this width: its text, not shown
    assert HOSTILE in page.locator(".gt-title").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert opened.network_requests() == []
    assert opened.errors == []


@pytest.mark.skipif(shutil.which("geo-tracker") is None, reason="the geo-tracker script is not installed")
def test_cli_offline_map_opens_with_networking_disabled(open_map, tmp_path) -> None:
    """The done-criterion as a user runs it: the installed command, then the file, offline."""
    out = tmp_path / "map.html"
    done = subprocess.run(["geo-tracker", "map", "--offline", "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    opened = open_map(out)
    assert opened.count(".gt-site-marker") > 0 and opened.count("path.gt-route") > 0
    assert opened.count("path.gt-outline") > 100
    assert opened.network_requests() == [] and opened.errors == []


# --------------------------------------------------------------------------- #
# Honest geometry and legibility (real and generated reports)
# --------------------------------------------------------------------------- #

DEV_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "reports" / "dev.jsonl"

# Our own reports, written for these tests: vague ends (countries, a governorate) beside precise places.
GENERATED_REPORTS = [
    {"id": "g1", "published": "2024-05-03", "source": "Outlet One",
     "text": "On May 2, a convoy of 30 trucks crossed from Iraq into Syria through the Semalka crossing "
             "and drove on to Al-Hasakah."},
    {"id": "g2", "published": "2024-05-06", "source": "Outlet Two",
     "text": "On May 5, a convoy of 12 vehicles left Qamishli for Iraq."},
    {"id": "g3", "published": "2024-05-09", "source": "Outlet Three",
     "text": "The coalition is building a new base in Syria, a local source said."},
    {"id": "g4", "published": "2024-05-12", "source": "Outlet Four",
     "text": "A convoy of 20 trucks carrying weapons arrived in Syria from Iraq on May 11."},
]


def _area_points(*, admin1: bool = True) -> list[tuple[float, float]]:
    """Representative points of countries and first-level regions (world layer and curated areas).

    ``admin1=False`` leaves out the world layer's first-level regions, whose point is often their
    capital's: a site in that city is a precise site.
    """
    import csv

    from geo_tracker.gazetteer.curated import bundled_data_dir
    from geo_tracker.gazetteer.world import iter_admin1, iter_countries
    from geo_tracker.maps.style import AREA_KINDS

    points = [(r.lat, r.lon) for r in iter_countries()]
    if admin1:
        points += [(r.lat, r.lon) for r in iter_admin1() if 20 < r.lat < 45 and 25 < r.lon < 60]
    for name in ("regional.csv", "areas.csv"):
        path = bundled_data_dir() / "gazetteer" / name
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                points += [(float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)
                           if r.get("kind") in AREA_KINDS - {"district", "subdistrict", "admin2"}]
    return points


def _drawn_points(opened: Opened) -> dict[str, list[list[float]]]:
    """Every polyline vertex and every site marker position Leaflet holds, after load."""
    return opened.page.evaluate(
        """() => {
            const map = geoTracker.instances[0].map;
            const out = {vertices: [], markers: []};
            map.eachLayer((layer) => {
                if (layer instanceof L.Polyline && !(layer instanceof L.Polygon) && layer.options.className !== 'gt-outline') {
                    layer.getLatLngs().flat(3).forEach((p) => out.vertices.push([p.lat, p.lng, layer.options.className || '']));
                } else if (layer instanceof L.Marker && layer.getElement() && layer.getElement().querySelector('.gt-site-marker')) {
                    const p = layer.getLatLng();
                    out.markers.push([p.lat, p.lng]);
                }
            });
            return out;
        }"""
    )


def _assert_honest(opened: Opened) -> None:
    from geo_tracker.geodesy import haversine_km

    drawn = _drawn_points(opened)
    assert drawn["vertices"] or drawn["markers"]
    for kind, areas in (("vertices", _area_points()), ("markers", _area_points(admin1=False))):
        near = [(p, a) for p in drawn[kind] for a in areas if haversine_km(p[0], p[1], *a) < 5.0]
        # an arrow towards a vague end stops short of its point, never on it
        assert near == [], (kind, near[:5])
    assert opened.count(".leaflet-control-layers-expanded") == 0
    assert opened.page.evaluate("document.querySelector('details.gt-legend').open") is False  # 1280 px < 1600 px
    assert opened.errors == []


@pytest.fixture(scope="module")
def generated_map(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("generated")
    reports = directory / "reports.jsonl"
    reports.write_text("".join(json.dumps(r) + "\n" for r in GENERATED_REPORTS), encoding="utf-8")
    return _cli_map(directory, str(reports), "--offline")


def test_generated_reports_draw_no_point_on_a_country_or_region(open_map, generated_map) -> None:
    opened = open_map(generated_map)
    _assert_honest(opened)
    # what cannot be placed is listed, with its sentence, in a folded panel
    panel = opened.page.locator(".gt-unplaced")
    assert panel.count() == 1 and panel.evaluate("el => el.open") is False
    panel.locator("summary").first.click()
    opened.page.evaluate("document.querySelectorAll('.gt-unplaced details').forEach(d => { d.open = true; })")
    text = panel.inner_text()
    assert "Sites placed only by region (1)" in text and "base in Syria" in text
    assert "Routes with no precise point (1)" in text and "weapons" in text
    # the region's popup, opened from the panel, names the sites placed only by that region
    panel.locator("button.gt-region-show").first.click()
    popup = opened.page.locator(".leaflet-popup .gt-region-popup")
    assert popup.count() == 1 and "Syria" in popup.inner_text() and "Base in Syria" in popup.inner_text()
    # the convoys with a precise point are drawn from it, with a dashed arrow towards the vague end
    assert opened.count("path.gt-route-stub") >= 2


@pytest.mark.skipif(not DEV_CORPUS.is_file(), reason="../shared/benchmarks/reports/dev.jsonl is absent")
def test_development_corpus_map_is_honest(open_map, tmp_path_factory) -> None:
    path = _cli_map(tmp_path_factory.mktemp("dev"), str(DEV_CORPUS), "--offline")
    _assert_honest(open_map(path))


def test_badges_at_one_spot_fan_out(open_map, tmp_path) -> None:
    from geo_tracker.models import Location, Place, Site

    place = Place("p", "One Town", "town", "SY", 36.5, 40.5, 1.0)
    sites = [Site(f"s{i}", f"Site {i}", "base", "established", None, Location("One Town", 0, 8, place, 36.5, 40.5))
             for i in range(4)]
    opened = open_map(save_map(render_map(sites=sites, offline=True), tmp_path / "fan.html"))
    boxes = [opened.page.locator(".gt-site-marker").nth(i).bounding_box() for i in range(4)]
    centres = {(round(b["x"] + b["width"] / 2), round(b["y"] + b["height"] / 2)) for b in boxes}
    assert len(centres) == 4
    xs, ys = [c[0] for c in centres], [c[1] for c in centres]
    assert max(xs) - min(xs) >= 20 or max(ys) - min(ys) >= 20  # at least a badge apart


def test_corridor_width_follows_the_convoys_in_the_time_range(open_map, tmp_path) -> None:
    from test_maps import CROSSING, QAMISHLI, _dated_convoy, loc

    convoys = [_dated_convoy(day, loc(CROSSING), loc(QAMISHLI), source=f"Outlet {day}") for day in (1, 10, 20)]
    opened = open_map(save_map(render_map(convoys=convoys, offline=True, merge=False), tmp_path / "c.html"))
    width = "() => +document.querySelector('path.gt-route').getAttribute('stroke-width')"
    wide = opened.page.evaluate(width)
    assert opened.count("path.gt-route") == 1
    opened.page.locator("path.gt-route").dispatch_event("click")
    text = opened.popup_text()
    assert "3 convoys along this route" in text
    assert text.index("2024-05-01") < text.index("2024-05-10") < text.index("2024-05-20")
    assert "Outlet 1" in text and "Outlet 20" in text
    opened.set_range(end=day_number(dt.date(2024, 5, 5)))
    assert opened.count("path.gt-route") == 1 and opened.page.evaluate(width) < wide
    opened.set_range(start=day_number(dt.date(2024, 5, 12)), end=day_number(dt.date(2024, 5, 15)))
    assert opened.count("path.gt-route") == 0
    assert opened.errors == []


def test_default_page_is_self_contained_and_falls_back_to_world_land(open_map, tmp_path) -> None:
    from geo_tracker.models import Location, Place, Site

    where = {"Mali": (17.5, -2.0), "Libya": (27.0, 17.0), "Belarus": (53.5, 28.0)}
    sites = [Site(f"s-{name}", f"Site in {name}", "base", "established", None,
                  Location(name, 0, 1, Place(f"p-{name}", f"Town in {name}", "town", None, lat, lon, 1.0), lat, lon))
             for name, (lat, lon) in where.items()]
    path = save_map(render_map(sites=sites), tmp_path / "default.html")
    page = path.read_text(encoding="utf-8")
    assert "<script src" not in page and "<link rel=\"stylesheet\"" not in page and "cdn.jsdelivr" not in page
    requests: list[str] = []

    def route(route, request) -> None:  # networking disabled: every tile fails
        requests.append(request.url)
        route.continue_() if request.url.startswith("file:") else route.abort()

    opened = open_map(path, network=True, route=route)
    assert not [u for u in requests if not u.startswith("file:") and "tile" not in u and "arcgisonline" not in u]
    opened.page.wait_for_function("document.querySelector('.leaflet-container.gt-no-tiles')", timeout=10_000)
    for name, (lat, lon) in where.items():
        opened.page.evaluate("([lat, lon]) => geoTracker.instances[0].map.setView([lat, lon], 6, {animate: false})",
                             [lat, lon])
        opened.page.wait_for_timeout(300)
        hit = opened.page.evaluate(
            """([lat, lon]) => {
                const map = geoTracker.instances[0].map;
                const p = map.latLngToContainerPoint([lat, lon]);
                const box = map.getContainer().getBoundingClientRect();
                // the land under the point, with the badges and labels out of the way (outlines
                // are not interactive: let them be hit for this look only)
                document.querySelectorAll('.leaflet-marker-pane, .leaflet-pane[class*="gtTowns"]')
                    .forEach((n) => { n.style.visibility = 'hidden'; });
                document.querySelectorAll('path.gt-outline').forEach((n) => { n.style.pointerEvents = 'auto'; });
                const node = document.elementFromPoint(box.left + p.x, box.top + p.y + 1);
                document.querySelectorAll('.leaflet-marker-pane, .leaflet-pane[class*="gtTowns"]')
                    .forEach((n) => { n.style.visibility = ''; });
                return node && node.getAttribute('class') + ' fill=' + node.getAttribute('fill');
            }""",
            [lat, lon],
        )
        assert hit and "gt-outline" in hit and "gt-region" not in hit and "fill=none" not in hit, (name, hit)


_VISIBLE_BOXES = """() => {
    const box = (n) => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const shown = (n) => getComputedStyle(n).visibility !== 'hidden' && n.getBoundingClientRect().width > 0;
    return {
        labels: [...document.querySelectorAll('.gt-town')].filter(shown).map((n) => [n.textContent, ...box(n)]),
        badges: [...document.querySelectorAll('.gt-site-marker')].map(box),
    };
}"""


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_town_labels_never_overlap_each_other_or_a_badge(open_map, tmp_path, monkeypatch) -> None:
    from geo_tracker.maps import labels
    from geo_tracker.models import Location, Place, Site

    # Made-up towns: seven names 2 km apart in a column, a badge on the middle one, one town apart.
    names = ["Northbank", "Upper Mill", "Old Ford", "Middle Crossing", "New Ford", "Lower Mill", "Southbank"]
    towns = [[36.56 - 0.02 * k, 40.5, name, None, 4] for k, name in enumerate(names)]
    towns.append([36.5, 41.9, "Lone Town", None, 4])
    monkeypatch.setattr(labels, "town_labels", lambda points, **kw: towns)
    place = Place("p", "Middle Crossing", "town", "SY", 36.5, 40.5, 1.0)
    sites = [Site("s1", "Base at the crossing", "base", "established", None,
                  Location("Middle Crossing", 0, 15, place, 36.5, 40.5))]
    opened = open_map(save_map(render_map(sites=sites, offline=True), tmp_path / "labels.html"))
    opened.page.wait_for_timeout(300)  # the page's own fitBounds settles first
    for zoom in (7, 9, 13):
        opened.page.evaluate("(z) => geoTracker.instances[0].map.setView([36.5, 40.5], z, {animate: false})", zoom)
        opened.page.wait_for_timeout(200)
        seen = opened.page.evaluate(_VISIBLE_BOXES)
        assert seen["badges"], zoom
        shown = seen["labels"]
        for i, (name, *a) in enumerate(shown):
            assert not any(_overlaps(a, b) for b in seen["badges"]), (zoom, name)
            for other, *b in shown[i + 1:]:
                assert not _overlaps(a, b), (zoom, name, other)
        names_shown = {n for n, *_ in shown}
        if zoom < 13:
            assert "Lone Town" in names_shown, zoom  # a label with room keeps it
        if zoom == 13:  # close in there is room: every name of the column shows, the badge's town's beside it
            assert set(names) <= names_shown, shown
    assert opened.errors == []
