"""Render the bundled sample reports as a map and screenshot it for the README.

Usage (from the repository root, with the package installed)::

    python docs/screenshot.py            # writes docs/map.png
    python docs/screenshot.py -o x.png --width 1400 --height 900 --popup
    python docs/screenshot.py --corpus ../shared/benchmarks/reports/dev.jsonl -o /tmp/dev-map.png

``--corpus`` maps those reports instead of the samples and zooms on north-east
Syria, with no popup open and no panel unfolded, so no report text shows. That
screenshot is derived from the corpus: write it outside the repository (the
default is the temporary directory); it is never shipped.

The map is written by the CLI with ``--offline``: a self-contained page with the
bundled country and region outlines as its background, so the screenshot
needs no network (the browser context has networking disabled). It needs
``pip install playwright`` and a system Chromium (Debian: ``apt-get install
chromium``, at ``/usr/bin/chromium``; override with ``--chromium`` or
``$CHROMIUM``). ``playwright install`` is not needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]


NE_SYRIA_VIEW = [[35.3, 39.0], [37.4, 42.4]]
"""``[[south, west], [north, east]]`` a ``--corpus`` screenshot is zoomed to."""


def build_map(out_html: Path, title: str | None, inputs: tuple[str, ...] = ()) -> None:
    exe = shutil.which("geo-tracker")
    cmd = [exe] if exe else [sys.executable, "-m", "geo_tracker.cli"]
    cmd += ["map", *inputs, "--offline", "-o", str(out_html)]
    if title:
        cmd += ["--title", title]
    subprocess.run(cmd, check=True)


def screenshot(html: Path, png: Path, *, chromium: str, width: int, height: int, popup: bool = False,
               view: list[list[float]] | None = None) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
            page = context.new_page()
            page.goto(html.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_selector(".gt-site-marker", state="attached", timeout=30_000)
            page.wait_for_selector("path.gt-route", state="attached", timeout=30_000)
            if view:
                page.evaluate("(view) => { geoTracker.instances[0].map.fitBounds(view); }", view)
            if popup:  # show what a popup holds: the latest route's
                page.evaluate("""() => {
                    const shown = geoTracker.instances[0].corridorShown.filter(Boolean);
                    const line = shown[shown.length - 1].getLayers()[0];
                    line.openPopup(line.getCenter ? line.getCenter() : line.getLatLng());
                }""")
            page.wait_for_timeout(800)  # fitBounds and popup animations
            page.screenshot(path=str(png), full_page=False)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=None,
                    help="default: docs/map.png; with --corpus, dev-map.png in the temporary directory")
    ap.add_argument("--corpus", help="map these reports (.jsonl), zoomed on north-east Syria, instead of the samples")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--title", default="Sample reports: north-east Syria, 2020-2021")
    ap.add_argument("--popup", action="store_true", help="open a convoy popup before the screenshot")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--keep-html", type=Path, default=None, help="also copy the map HTML here")
    args = ap.parse_args(argv)
    if args.output is None:
        args.output = Path(tempfile.gettempdir()) / "dev-map.png" if args.corpus else HERE / "map.png"
    if args.corpus and args.popup:
        ap.error("--corpus screenshots show no popup (no report text)")

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "map.html"
        build_map(html, None if args.corpus else args.title, (args.corpus,) if args.corpus else ())
        if args.keep_html:
            shutil.copyfile(html, args.keep_html)
        screenshot(html, args.output, chromium=args.chromium, width=args.width, height=args.height,
                   popup=args.popup, view=NE_SYRIA_VIEW if args.corpus else None)
    print(f"{args.output} ({args.output.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
