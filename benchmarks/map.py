"""Map size, write time and browser load time at scale, next to the naive folium way.

Run (needs ``pip install playwright`` and Debian's chromium for the load figures)::

    python benchmarks/map.py [--events 10000] [--sites 100000] [--peer-sites 100000]

Figures:

1. **10,000 events** (half convoys on three-point routes, half site records
   of 2,000 sites, each with one or two source sentences): ``render_map`` +
   ``save_map`` wall time and HTML size, online and ``offline=True``.
   Targets: HTML <= 3 MB, written in <= 1 s.
2. **100,000 sites** (offline page): write time and size, then the time from
   navigation until headless Chromium has run the page and drawn the first
   frame of site clusters. Target: <= 5 s.
3. **A report corpus** (``--corpus FILE.jsonl``, e.g. the development corpus in
   ``../shared``): the extraction is mapped online (the default page, with
   tiles failing offline) and ``offline=True``; HTML size and the time until
   the page has drawn. Target: <= 2 s. Also the number of corridors and of
   events the map lists as not placed.

The peer is the same data drawn the naive folium way: one ``folium.Marker``
(with an HTML popup) per site and one ``folium.PolyLine`` per convoy, which is
how the map was drawn before. It gets the same Leaflet, inline, so that both
pages load with networking disabled. Each browser figure is the median of
``--repeat`` loads in a fresh page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium

from geo_tracker.maps import render_map, save_map
from geo_tracker.maps.assets import PACKAGES, InlineAssets, InlineScript
from geo_tracker.models import Convoy, DateValue, Evidence, Location, Place, Site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]
OUTLETS = ["SOHR", "SANA", "Asharq Al-Awsat", "North Press", "Enab Baladi", "Rudaw", "Hawar News", "Syriac Press"]
KINDS = ["base", "airfield", "crossing", "oil_field", "checkpoint", "outpost"]
STATUSES = ["planned", "under_construction", "established", "expanded", "withdrawn"]
ACTORS = ["US-led coalition", "Russia", "Turkey", "Iran-backed militias", None]
JQUERY_STAND_IN = (
    "window.$ = function (html) { var t = document.createElement('template');"
    " t.innerHTML = html.trim(); return [t.content.firstChild]; };"
)


def _place(rng: random.Random, i: int) -> Place:
    lat, lon = rng.uniform(32.5, 37.3), rng.uniform(36.0, 46.0)
    return Place(f"bench-{i}", f"Place {i}", "village", "SY", round(lat, 5), round(lon, 5), rng.choice((0.5, 2.0, 8.0)))


def _location(place: Place, rng: random.Random) -> Location:
    near = rng.random() < 0.3
    return Location(place.name, 0, len(place.name), place, place.lat, place.lon,
                    precision=2 if near else 1, qualifier="near" if near else None)


def _evidence(rng: random.Random, reports: int, sentence: str) -> tuple[Evidence, ...]:
    """One source sentence, or two (a merged event, 20%), from ``reports`` reports of 8 outlets."""

    def said(report: int, text: str) -> Evidence:
        return Evidence(f"r{report}", text, source=OUTLETS[report % len(OUTLETS)],
                        url=f"https://news.example/{report}",
                        published=dt.date(2020, 1, 1) + dt.timedelta(days=report % 900))

    first = said(rng.randrange(reports), sentence)
    if rng.random() < 0.2:
        return (first, said(rng.randrange(reports), sentence.replace("trucks", "vehicles")))
    return (first,)


def synthetic_events(n: int, seed: int = 1) -> tuple[list[Convoy], list[Site]]:
    """``n`` events: ``n // 2`` convoys and the rest site records (2,000 sites at most).

    They come from ``2n/3`` reports (1.5 events per report), each sentence
    120-150 characters, like the sample reports'.
    """
    rng = random.Random(seed)
    reports = max(1, 2 * n // 3)
    places = [_place(rng, i) for i in range(max(50, n // 20))]
    convoys, sites = [], []
    for i in range(n // 2):
        a, b, c = rng.sample(places, 3)
        count = rng.randrange(5, 120)
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(900))
        sentence = (f"A convoy of {count} trucks carrying fuel and ammunition entered from {a.name} via "
                    f"{b.name}, heading towards {c.name}, on {day:%B %d}.")
        convoys.append(Convoy(count, rng.choice(ACTORS), ("fuel", "ammunition"), DateValue(day),
                              _location(a, rng), _location(b, rng), _location(c, rng), direction="entering",
                              evidence=_evidence(rng, reports, sentence)))
    n_sites = max(1, min(2_000, (n - n // 2) // 3))
    for i in range(n - n // 2):
        site = i % n_sites
        place = places[site % len(places)]
        kind = KINDS[site % len(KINDS)]
        status = rng.choice(STATUSES)
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(900))
        sentence = (f"Local sources said on {day:%B %d} that the {kind.replace('_', ' ')} near {place.name} was "
                    f"{status.replace('_', ' ')}, with new earth berms and vehicles seen at its perimeter.")
        sites.append(Site(f"{kind}-{site}", f"{kind.replace('_', ' ').title()} at {place.name}", kind, status,
                          DateValue(day), _location(place, rng), actor=rng.choice(ACTORS),
                          evidence=_evidence(rng, reports, sentence)))
    return convoys, sites


def synthetic_sites(n: int, seed: int = 2) -> list[Site]:
    """``n`` distinct sites spread over the region, one record each."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place = _place(rng, i)
        kind, status = rng.choice(KINDS), rng.choice(STATUSES)
        out.append(Site(f"s{i}", f"Site {i}", kind, status, DateValue(dt.date(2021, 1, 1) + dt.timedelta(days=i % 700)),
                        _location(place, rng),
                        evidence=(Evidence(f"r{i}", f"The {kind} at {place.name} was reported {status}.",
                                           source=OUTLETS[i % len(OUTLETS)], url=f"https://news.example/{i}"),)))
    return out


def naive_map(convoys: list[Convoy], sites: list[Site]) -> folium.Map:
    """The peer: one folium element per item, HTML popups escaped in Python (the pre-payload way)."""
    m = folium.Map(location=[35.5, 41.0], zoom_start=7, tiles=None)
    m.default_js = PACKAGES["leaflet"].js_links()
    m.default_css = PACKAGES["leaflet"].css_links()
    for site in sites:
        ev = site.evidence[0]
        popup = (f"<b>{html.escape(site.name)}</b><br>{html.escape(site.status)}<br>"
                 f"<blockquote>{html.escape(ev.sentence)}</blockquote>{html.escape(ev.source or '')}")
        folium.Marker([site.location.lat, site.location.lon], tooltip=html.escape(site.name),
                      popup=folium.Popup(popup, parse_html=False)).add_to(m)
    for convoy in convoys:
        ev = convoy.evidence[0]
        folium.PolyLine([[loc.lat, loc.lon] for loc in convoy.waypoints], weight=4,
                        popup=folium.Popup(html.escape(ev.sentence), parse_html=False)).add_to(m)
    # folium's popups call jQuery's $(html)[0]; this stands in for jQuery, which is not vendored.
    m.get_root().header.add_child(InlineScript(JQUERY_STAND_IN), name="jquery_stand_in")
    m.get_root().add_child(InlineAssets(), name="inline_assets")
    return m


def write(make, path: Path, repeat: int = 1) -> tuple[float, int]:
    """Median seconds to build and save a map (``make()`` -> folium.Map), and the file's size in bytes."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        save_map(make(), path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), path.stat().st_size


def load_seconds(path: Path, ready: str, *, repeat: int, timeout_s: float) -> float | None:
    """Median seconds from navigation until ``ready`` (a JS expression) holds and a frame is drawn."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.access(CHROMIUM, os.X_OK):
        return None
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1280, "height": 860}, offline=True)
                page = context.new_page()
                t0 = time.perf_counter()
                try:
                    page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
                    page.wait_for_function(ready, timeout=timeout_s * 1000)
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                    times.append(time.perf_counter() - t0)
                except Exception:  # noqa: BLE001 - a timeout is a figure too
                    times.append(float("inf"))
                finally:
                    context.close()
        finally:
            browser.close()
    return statistics.median(times)


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "n/a (no playwright/chromium)"
    return "timed out" if seconds == float("inf") else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--sites", type=int, default=100_000)
    ap.add_argument("--peer-sites", type=int, default=100_000, help="sites for the naive peer's load figure")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120.0, help="give up on a page load after this many seconds")
    ap.add_argument("--corpus", type=Path, help="also map this report corpus (.jsonl) and time its page")
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, folium {folium.__version__}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="geo-tracker-bench-") as tmp:
        out = Path(tmp)
        convoys, sites = synthetic_events(args.events)
        # Warm imports and the once-per-process reads of the vendored assets and outlines.
        t0 = time.perf_counter()
        save_map(render_map(convoys=convoys[:10], sites=sites[:10], offline=True), out / "warm.html")
        print(f"first small offline map in this process (reads the bundled assets): {time.perf_counter() - t0:.2f} s")
        print(f"\n{args.events:,} events ({len(convoys):,} convoys, {len(sites):,} site records); "
              f"targets: <= 3 MB, <= 1 s (median of {args.repeat})")
        for label, make, repeat in (
            ("geo_tracker, online", lambda: render_map(convoys=convoys, sites=sites), args.repeat),
            ("geo_tracker, offline", lambda: render_map(convoys=convoys, sites=sites, offline=True), args.repeat),
            ("peer: folium Marker/PolyLine per item", lambda: naive_map(convoys, sites), 1),
        ):
            seconds, size = write(make, out / "events.html", repeat)
            print(f"  {label:<40} {seconds:6.2f} s  {_mb(size)}")

        many = synthetic_sites(args.sites)
        seconds, size = write(lambda: render_map(sites=many, offline=True), out / "sites.html")
        ready = "window.geoTracker && document.querySelector('.gt-cluster, .gt-site-marker')"
        loaded = load_seconds(out / "sites.html", ready, repeat=args.repeat, timeout_s=args.timeout)
        print(f"\n{args.sites:,} sites (offline page); target: loaded and drawn in <= 5 s")
        print(f"  {'geo_tracker (clustered payload)':<40} write {seconds:6.2f} s  {_mb(size)}  load {_s(loaded)}")
        peer = many[: args.peer_sites]
        seconds, size = write(lambda: naive_map([], peer), out / "peer.html")
        loaded = load_seconds(out / "peer.html", f"document.querySelectorAll('.leaflet-marker-icon').length >= "
                              f"{len(peer)}", repeat=1, timeout_s=args.timeout)
        print(f"  {f'peer: {len(peer):,} folium Markers':<40} write {seconds:6.2f} s  {_mb(size)}  load {_s(loaded)}")
        if args.corpus:
            corpus_figures(args.corpus, out, repeat=args.repeat, timeout_s=args.timeout)
    return 0


def corpus_figures(corpus: Path, out: Path, *, repeat: int, timeout_s: float) -> None:
    """Size and load time of the map of a report corpus, online and offline; corridors and unplaced events."""
    import geo_tracker
    from geo_tracker.maps.elements import EventLayers

    extraction = geo_tracker.extract_reports(geo_tracker.read_reports([corpus]))
    print(f"\n{corpus.name}: {len(extraction.results)} reports; target: loaded and drawn in <= 2 s")
    ready = "window.geoTracker && geoTracker.instances.length > 0"
    for label, offline in (("online (default page, tiles fail)", False), ("offline", True)):
        m = render_map(extraction, offline=offline)
        (layers,) = [c for c in m._children.values() if isinstance(c, EventLayers)]
        seconds, size = write(lambda: m, out / "corpus.html")
        loaded = load_seconds(out / "corpus.html", ready, repeat=repeat, timeout_s=timeout_s)
        print(f"  {label:<40} write {seconds:6.2f} s  {_mb(size)}  load {_s(loaded)}  "
              f"corridors {len(layers.payload.corridors)}, convoys {len(layers.payload.convoys)}, "
              f"not placed {len(layers.payload.unplaced)}")


if __name__ == "__main__":
    raise SystemExit(main())
