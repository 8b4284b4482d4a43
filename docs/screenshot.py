"""Render the bundled sample reports as a map and screenshot it for the README.

Usage (from the repository root, with the package installed)::

    python docs/screenshot.py            # writes docs/map.png
    python docs/screenshot.py -o x.png --width 1400 --height 900

Needs ``pip install playwright`` and a system Chromium (Debian: ``apt-get
install chromium``, at ``/usr/bin/chromium``; override with ``--chromium`` or
``$CHROMIUM``). ``playwright install`` is not needed.

folium's HTML pulls Leaflet and jQuery from CDNs. So that the script also works
offline, those requests are answered from the Debian packages ``libjs-leaflet``
and ``libjs-jquery`` when installed (``/usr/share/javascript``); other CDN
assets (Bootstrap, Font Awesome) are not needed and are blocked. Map tiles are
tried when ``--tiles`` is given and otherwise blocked: offline, the background
stays blank grey while markers, lines and legend still render. A PNG over
350 KB (e.g. with tiles) is quantised to a palette if Pillow is installed.
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
JS_DIR = Path("/usr/share/javascript")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]


def build_map(out_html: Path, title: str | None) -> None:
    exe = shutil.which("geo-tracker")
    cmd = [exe] if exe else [sys.executable, "-m", "geo_tracker.cli"]
    cmd += ["map", "-o", str(out_html)]
    if title:
        cmd += ["--title", title]
    subprocess.run(cmd, check=True)


def local_asset(url: str) -> Path | None:
    """A local copy of a CDN Leaflet/jQuery file folium links to, if one is installed."""
    path = url.split("?", 1)[0]
    if "/leaflet@" in path and "/dist/" in path:
        local = JS_DIR / "leaflet" / path.split("/dist/", 1)[1]
    elif "jquery" in path.rsplit("/", 1)[-1] and path.endswith(".js"):
        local = JS_DIR / "jquery" / "jquery.min.js"
    else:
        return None
    return local if local.is_file() else None


def _route(route, request, *, tiles: bool) -> None:  # noqa: ANN001 - playwright types
    url = request.url
    if url.startswith(("file:", "data:")):
        route.continue_()
        return
    local = local_asset(url)
    if local is not None:
        route.fulfill(path=str(local))
    elif tiles and request.resource_type == "image":
        route.continue_()
    else:
        route.abort()


def screenshot(
    html: Path, png: Path, *, chromium: str, width: int, height: int, tiles: bool = False
) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route, request: _route(route, request, tiles=tiles))
            # Tiles cannot load offline; don't wait for the network to go idle.
            page.goto(html.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_selector(".gt-site-marker", state="attached", timeout=30_000)
            page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=30_000)
            page.wait_for_timeout(1_000)  # fitBounds animation, tile attempts
            page.screenshot(path=str(png), full_page=False)
        finally:
            browser.close()


def shrink(png: Path, *, max_bytes: int = 350_000, colors: int = 256) -> None:
    """Quantise to a palette PNG if larger than ``max_bytes`` and Pillow is available.

    Offline (blank tiles) the screenshot is already ~100 KB and left as is:
    quantising visibly shifts the status colours.
    """
    if png.stat().st_size <= max_bytes:
        return
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as im:
        small = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    small.save(png, optimize=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=HERE / "map.png")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--title", default=None, help="map title banner (default: none)")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--tiles", action="store_true", help="let map tiles load (needs internet)")
    ap.add_argument("--keep-html", type=Path, default=None, help="also copy the map HTML here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "map.html"
        build_map(html, args.title)
        if args.keep_html:
            shutil.copyfile(html, args.keep_html)
        screenshot(html, args.output, chromium=args.chromium, width=args.width, height=args.height,
                   tiles=args.tiles)
    shrink(args.output)
    print(f"{args.output} ({args.output.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
