"""Importers of user gazetteers (GeoNames, GeoJSON, CSV): see tests/data/importers/README.md."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

import pytest
from shapely import wkt as shapely_wkt
from shapely.geometry import Point

from geo_tracker.errors import GazetteerError
from geo_tracker.gazetteer.curated import bundled_curated_paths, read_curated_csv
from geo_tracker.gazetteer.importers import (
    FORMATS,
    ColumnMapping,
    ImportedPlace,
    detect_format,
    geonames_kind,
    iter_import,
)

DATA = Path(__file__).resolve().parent / "data" / "importers"
GEONAMES = DATA / "SY_sample.txt"
ALTNAMES = DATA / "SY_alternateNamesV2.txt"
GEOJSON = DATA / "communities.geojson"
CROSSINGS = DATA / "crossings.csv"
CROSSINGS_MAPPING = ColumnMapping(
    name="label", alt_names=("other_labels",), lat="lat_wgs84", lon="lon_wgs84", id="ref",
    kind="category", country="iso", uncertainty_km="radius_km", source="citation",
)
OCHA_COMMUNITIES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "syria" / "syr_admin4_point.geojson"


def run(path: Path, **kwargs) -> tuple[dict[str, ImportedPlace], list[str]]:
    problems: list[str] = []
    items = list(iter_import(path, layer=kwargs.pop("layer", "t"), on_problem=problems.append, **kwargs))
    by_id = {i.place.id: i for i in items}
    assert len(by_id) == len(items), "ids must be unique"
    return by_id, problems


def lines_of(problems: list[str], path: Path) -> list[int]:
    """The line numbers named by the problems, checking each names this file and is one line."""
    out = []
    for message in problems:
        assert "\n" not in message
        assert message.startswith(f"{path}:"), message
        out.append(int(message[len(str(path)) + 1 :].split(":", 1)[0]))
    return out


# --------------------------------------------------------------------------- format detection


def test_formats_and_detection(tmp_path):
    assert FORMATS == ("geonames", "geojson", "csv")
    assert detect_format(GEONAMES) == "geonames"
    assert detect_format(GEOJSON) == "geojson"
    assert detect_format(CROSSINGS) == "csv"
    assert detect_format(tmp_path / "x.json") == "geojson"
    with pytest.raises(GazetteerError, match="unsupported gazetteer format; use --format geonames|geojson|csv"):
        detect_format(_write(tmp_path / "places.xlsx", b"PK\x03\x04"))
    with pytest.raises(GazetteerError, match=r"x\.txt:1: unsupported gazetteer format \(10 tab"):
        detect_format(_write(tmp_path / "x.txt", ALTNAMES.read_bytes()))
    # unknown extension, sniffed by content
    assert detect_format(_write(tmp_path / "dump", GEONAMES.read_bytes())) == "geonames"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- GeoNames


def test_geonames_good_rows_become_places():
    places, _ = run(GEONAMES, layer="gn", alternate_names=ALTNAMES)
    assert sorted(places) == ["gn:163434", "gn:173377", "gn:173811", "gn:383661"]
    qam = places["gn:173377"].place
    assert (qam.name, qam.kind, qam.country, qam.admin1, qam.population) == ("Al Qāmishlī", "city", "SY", "01", 184231)
    assert (qam.lat, qam.lon) == (37.05215, 41.23142)
    assert qam.layer == "gn" and places["gn:173377"].geometry_wkt is None
    assert qam.source == "GeoNames (CC BY 4.0), geonameid 173377"
    assert qam.uncertainty_km == pytest.approx(4.6)  # city_uncertainty_km(184231)
    # names of the row (asciiname, alternatenames) plus the joined alternateNamesV2 rows
    for name in ("Al Qamishli", "Al-Qamishli", "Kamishli", "القامشلي", "Qamişlo", "ܩܡܫܠܐ", "قامشلو"):
        assert name in qam.alt_names
    assert "KAC" not in qam.alt_names  # IATA code in the alternatenames column and an 'iata' row
    assert not any("wikipedia" in n for n in qam.alt_names)  # 'link' row
    assert len(set(qam.alt_names)) == len(qam.alt_names) and qam.name not in qam.alt_names
    assert "Hesîçe" in places["gn:173811"].place.alt_names
    tamr = places["gn:163434"].place
    assert tamr.kind == "village" and tamr.uncertainty_km == 1.0 and "Tell Tamer" in tamr.alt_names
    assert not any("Raqqa" in n for i in places.values() for n in i.place.alt_names)


def test_geonames_each_bad_row_is_reported_once():
    _, problems = run(GEONAMES, alternate_names=ALTNAMES)
    main = [p for p in problems if p.startswith(str(GEONAMES))]
    alt = [p for p in problems if p.startswith(str(ALTNAMES))]
    assert lines_of(main, GEONAMES) == [4, 5, 6, 7, 8, 9]
    assert lines_of(alt, ALTNAMES) == [10]
    assert all(p.endswith("; row skipped") for p in problems)
    text = "\n".join(main)
    assert f"{GEONAMES}:4: lat 'abc' is not a number; row skipped" in main
    assert f"{GEONAMES}:5: lat 123 out of range [-90, 90]; row skipped" in main
    assert f"{GEONAMES}:6: missing name; row skipped" in main
    assert f"{GEONAMES}:7: expected 19 tab-separated columns, found 18; row skipped" in main
    assert "8: invalid UTF-8 byte 0xE1" in text
    assert f"{GEONAMES}:9: duplicate geonameid 163434; row skipped" in main


def test_geonames_reject_raises_at_first_bad_line():
    got = []
    with pytest.raises(GazetteerError) as exc:
        for item in iter_import(GEONAMES, layer="t", on_error="reject"):
            got.append(item.place.id)
    assert str(exc.value) == f"{GEONAMES}:4: lat 'abc' is not a number"
    assert got == ["t:173377", "t:173811", "t:163434"]


def test_geonames_replace_keeps_row_with_bad_byte():
    places, problems = run(GEONAMES, encoding_errors="replace")
    hawl = places["t:173797"].place
    assert hawl.name == "Al \ufffdawl" and (hawl.lat, hawl.lon) == (36.39042, 41.14983)
    assert 8 not in lines_of(problems, GEONAMES)
    assert len(problems) == 5


def test_geonames_without_on_problem_warns():
    with pytest.warns(UserWarning) as record:
        items = list(iter_import(GEONAMES, layer="t"))
    assert len(items) == 4
    assert lines_of([str(w.message) for w in record], GEONAMES) == [4, 5, 6, 7, 8, 9]


def test_geonames_kinds():
    assert geonames_kind("P", "PPL", 5_000) == ("village", 1.6)
    assert geonames_kind("P", "PPLA", 50_000)[0] == "town"
    assert geonames_kind("P", "PPLC", 2_000_000)[0] == "city"
    assert geonames_kind("A", "PCLI") == ("country", 200.0)
    assert geonames_kind("A", "ADM1") == ("admin1", 75.0)
    assert geonames_kind("A", "ADM2") == ("district", 20.0)
    assert geonames_kind("A", "ADM3") == ("subdistrict", 8.0)
    assert geonames_kind("A", "ADM4")[0] == "subdistrict"
    expected = {
        ("S", "AIRP"): "airport", ("S", "AIRF"): "airfield", ("S", "AIRH"): "airfield",
        ("S", "MILB"): "base", ("S", "INSM"): "base", ("L", "OILF"): "oil_field",
        ("L", "GASF"): "gas_field", ("H", "DAM"): "dam", ("S", "PSTB"): "crossing",
        ("S", "BP"): "crossing", ("L", "RGN"): "region", ("L", "AREA"): "region",
        ("H", "STM"): "water", ("T", "MT"): "landmark", ("S", "SCH"): "place",
    }
    for (cls, code), kind in expected.items():
        assert geonames_kind(cls, code) == (kind, None), code


def test_geonames_default_uncertainty_and_source(tmp_path):
    # Non-populated, non-admin features take default_uncertainty_km; an explicit source replaces GeoNames'.
    row = GEONAMES.read_bytes().splitlines()[2].split(b"\t")
    row[6], row[7] = b"T", b"HLL"
    path = _write(tmp_path / "one.txt", b"\t".join(row) + b"\n")
    (item,) = iter_import(path, layer="t", default_uncertainty_km=3.0, source="My GeoNames extract")
    assert item.place.kind == "landmark" and item.place.uncertainty_km == 3.0
    assert item.place.source == "My GeoNames extract, geonameid 163434"


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_points_multipoint_and_polygon():
    places, _ = run(GEOJSON, layer="ocha")
    assert sorted(places) == ["ocha:C4409", "ocha:C4564", "ocha:SY0803"]
    tamr = places["ocha:C4409"]
    assert tamr.geometry_wkt is None
    assert (tamr.place.name, tamr.place.kind, tamr.place.country, tamr.place.admin1) == (
        "Tal Tamer", "place", "SY", "Al-Hasakeh")
    assert (round(tamr.place.lat, 5), round(tamr.place.lon, 5)) == (36.65876, 40.36503)
    assert tamr.place.alt_names == ("تل تمر",) and tamr.place.uncertainty_km == 1.0
    assert tamr.place.source == "user import: communities.geojson, PCODE C4409"
    qam = places["ocha:C4564"]
    assert qam.geometry_wkt is None and (round(qam.place.lat, 5), round(qam.place.lon, 5)) == (37.04802, 41.22516)

    poly = places["ocha:SY0803"]
    shape = shapely_wkt.loads(poly.geometry_wkt)
    assert poly.geometry_wkt.startswith("POLYGON ((42.3574 37.2275")
    assert shape.contains(Point(poly.place.lon, poly.place.lat))
    # farthest bbox corner of a ~2,700 km² district: tens of km, not metres or hundreds of km
    assert 30 < poly.place.uncertainty_km < 80
    assert poly.place.uncertainty_km == round(poly.place.uncertainty_km, 1)


def test_geojson_each_bad_feature_is_reported_once():
    _, problems = run(GEOJSON)
    assert lines_of(problems, GEOJSON) == [8, 9, 10, 11, 12]
    assert problems[0] == f"{GEOJSON}:8: feature has no geometry; feature skipped"
    assert "lat 365.116 out of range" in problems[1]
    assert problems[2] == f"{GEOJSON}:10: missing name; feature skipped"
    assert "invalid UTF-8 byte 0xD8" in problems[3]
    assert problems[4] == f"{GEOJSON}:12: duplicate id 'C4409'; feature skipped"


def test_geojson_name_that_is_not_text_is_a_bad_feature(tmp_path):
    feature = '{{"type":"Feature","properties":{{"name":{name},"alt_names":{alt}}},"geometry":{{"type":"Point","coordinates":[41,36]}}}}'
    text = ('{"type":"FeatureCollection","features":[\n'
            + feature.format(name='{"en":"Amuda"}', alt='[]') + ',\n'
            + feature.format(name='"Tal Tamr"', alt='["Tel Tamer", "تل تمر"]') + '\n]}')
    path = _write(tmp_path / "obj.geojson", text.encode())
    places, problems = run(path)
    assert problems == [f'{path}:2: dict value {{"en": "Amuda"}} where text was expected; feature skipped']
    [tamr] = places.values()
    assert (tamr.place.name, tamr.place.alt_names) == ("Tal Tamr", ("Tel Tamer", "تل تمر"))


def test_geojson_reject_and_replace():
    with pytest.raises(GazetteerError, match=rf"^{re.escape(str(GEOJSON))}:8: feature has no geometry$"):
        list(iter_import(GEOJSON, layer="t", on_error="reject"))
    places, problems = run(GEOJSON, encoding_errors="replace")
    assert places["t:C4688"].place.alt_names == ("عامود\ufffd",)
    assert lines_of(problems, GEOJSON) == [8, 9, 10, 12]


def test_geojson_mapping_overrides_properties():
    # Arabic as the primary name, the English one as alternate; a kind property absent -> default_kind
    mapping = ColumnMapping(name="NAME_ARA", alt_names=("NAME_EN",), kind="feature_type")
    places, problems = run(GEOJSON, mapping=mapping, default_kind="Populated Place", default_uncertainty_km=2.5)
    tamr = places["t:C4409"].place
    assert (tamr.name, tamr.alt_names, tamr.kind, tamr.uncertainty_km) == (
        "تل تمر", ("Tal Tamer",), "populated_place", 2.5)
    # line 10 has no NAME_EN but has NAME_ARA: with this mapping it is a good feature
    assert "t:C4360" in places and lines_of(problems, GEOJSON) == [8, 9, 11, 12]
    # an explicit id property must be filled: no feature here has ADMIN2_COD
    _, problems = run(GEOJSON, mapping=ColumnMapping(id="ADMIN2_COD"))
    missing = [p for p in problems if p.endswith("missing id (ADMIN2_COD is empty); feature skipped")]
    assert lines_of(missing, GEOJSON) == [5, 6, 7, 12]


def test_geojson_crs_and_structure_errors(tmp_path):
    fc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
          "features": []}
    path = _write(tmp_path / "m.geojson", json.dumps(fc).encode())
    with pytest.raises(GazetteerError, match=r"m\.geojson:1: CRS 'urn:ogc:def:crs:EPSG::3857' is not WGS84"):
        list(iter_import(path, layer="t"))
    with pytest.raises(GazetteerError, match=r"bad\.geojson:2: invalid JSON"):
        list(iter_import(_write(tmp_path / "bad.geojson", b'{"type": "FeatureCollection",\n "features": [}'),
                         layer="t"))
    with pytest.raises(GazetteerError, match="is not a FeatureCollection or a Feature"):
        list(iter_import(_write(tmp_path / "g.geojson", b'{"type": "Point", "coordinates": [1, 2]}'), layer="t"))


def test_geojson_single_feature_and_line_geometry(tmp_path):
    # Al-Hasakeh C4360 -> Tal Tamer C4409 (OCHA community points) as a line
    feature = {"type": "Feature", "id": 7, "properties": {"name": "Hasakah–Tal Tamr road", "kind": "Road"},
               "geometry": {"type": "LineString",
                            "coordinates": [[40.757260613, 36.511645897], [40.36502674, 36.658760664]]}}
    path = _write(tmp_path / "road.geojson", json.dumps(feature, indent=1).encode())
    (item,) = iter_import(path, layer="t")
    assert item.place.id == "t:7" and item.place.kind == "road"
    assert item.geometry_wkt.startswith("LINESTRING (40.757261 36.511646")
    assert 20 < item.place.uncertainty_km < 50


# --------------------------------------------------------------------------- CSV


def test_csv_with_column_mapping():
    places, problems = run(CROSSINGS, layer="x", mapping=CROSSINGS_MAPPING)
    assert sorted(places) == ["x:qamishli", "x:semalka", "x:yarubiyah"]
    sem = places["x:semalka"].place
    assert (sem.name, sem.kind, sem.country, sem.lat, sem.lon, sem.uncertainty_km) == (
        "Semalka crossing", "border_crossing", "SY", 37.09, 42.348, 1.0)
    assert sem.alt_names == ("Faysh Khabur crossing", "Fishkhabour", "معبر سيمالكا")
    assert sem.source == "Open-Syria data-transport v0.1.1, id sy-peshakapor-border-crossing"
    assert places["x:qamishli"].place.source == "user import: crossings.csv, ref qamishli"
    assert lines_of(problems, CROSSINGS) == [5, 6, 7, 8, 9]
    assert problems == [
        f"{CROSSINGS}:5: lon 'xyz' is not a number; row skipped",
        f"{CROSSINGS}:6: missing lat; row skipped",
        f"{CROSSINGS}:7: expected 9 columns, found 8; row skipped",
        f"{CROSSINGS}:8: invalid UTF-8 byte 0xFF in column 'citation' at character 27; row skipped",
        f"{CROSSINGS}:9: duplicate id 'semalka'; row skipped",
    ]


def test_csv_reject_replace_and_defaults():
    with pytest.raises(GazetteerError, match=rf"^{re.escape(str(CROSSINGS))}:5: lon 'xyz' is not a number$"):
        list(iter_import(CROSSINGS, layer="x", mapping=CROSSINGS_MAPPING, on_error="reject"))
    places, problems = run(CROSSINGS, mapping=CROSSINGS_MAPPING, encoding_errors="replace",
                           default_uncertainty_km=4.0, default_country="tr")
    assert places["t:cizre"].place.source == "Open-Syria data-transport \ufffd"
    assert places["t:qamishli"].place.uncertainty_km == 4.0  # empty radius_km
    assert places["t:semalka"].place.uncertainty_km == 1.0  # stated radius wins
    assert len(problems) == 4


def test_csv_header_errors(tmp_path):
    with pytest.raises(GazetteerError, match=r"crossings\.csv:1: no latitude column"):
        list(iter_import(CROSSINGS, layer="x", mapping=ColumnMapping(name="label")))
    with pytest.raises(GazetteerError, match=r"crossings\.csv:1: column 'lat' not found"):
        list(iter_import(CROSSINGS, layer="x", mapping=dataclasses.replace(CROSSINGS_MAPPING, lat="lat")))
    with pytest.raises(GazetteerError, match="a header row is required"):
        list(iter_import(_write(tmp_path / "empty.csv", b""), layer="x"))
    twice = _write(tmp_path / "twice.csv", b"name,lat,lon,lat\nA,36.1,41.0,37.0\n")
    with pytest.raises(GazetteerError, match=r"twice\.csv:1: the header names column\(s\) 'lat' more than once"):
        list(iter_import(twice, layer="x"))


def test_csv_autodetects_common_column_names(tmp_path):
    # Tall Tamr, GeoNames 163434 (cities500)
    path = _write(tmp_path / "t.csv", "Latitude,Longitude,NAME_EN,Name_AR,Type\n36.65556,40.37079,Tall Tamr,تل تمر,Town\n"
                  .encode())
    (item,) = iter_import(path, layer="u", default_country="SY")
    p = item.place
    assert (p.id, p.name, p.alt_names, p.kind, p.country, p.lat, p.lon) == (
        "u:1", "Tall Tamr", ("تل تمر",), "town", "SY", 36.65556, 40.37079)


def test_curated_schema_imports_unchanged():
    for path in bundled_curated_paths():
        expected = read_curated_csv(path)
        problems: list[str] = []
        got = [i.place for i in iter_import(path, layer="curated", on_problem=problems.append)]
        assert problems == []
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g.id == f"curated:{e.id}"
            assert dataclasses.replace(g, id=e.id) == e


# --------------------------------------------------------------------------- arguments


def test_argument_errors(tmp_path):
    with pytest.raises(GazetteerError, match="no such file"):
        iter_import(tmp_path / "missing.csv", layer="x")
    with pytest.raises(GazetteerError, match="unknown format 'shp'"):
        iter_import(CROSSINGS, layer="x", fmt="shp")
    with pytest.raises(GazetteerError, match="only be joined onto a GeoNames file"):
        iter_import(CROSSINGS, layer="x", alternate_names=ALTNAMES)
    with pytest.raises(GazetteerError, match="does not apply to GeoNames"):
        iter_import(GEONAMES, layer="x", mapping=ColumnMapping(name="x"))


# --------------------------------------------------------------------------- real OCHA file


@pytest.fixture(scope="module")
def ocha_communities() -> Path:
    if not OCHA_COMMUNITIES.is_file():
        pytest.skip(f"{OCHA_COMMUNITIES} not present")
    return OCHA_COMMUNITIES


def test_ocha_communities_replace(ocha_communities):
    start = time.perf_counter()
    places, problems = run(ocha_communities, layer="ocha", encoding_errors="replace")
    elapsed = time.perf_counter() - start
    assert len(places) == 5251 and problems == []
    assert elapsed < 2.0, f"parsing took {elapsed:.2f} s"
    qam = places["ocha:C4564"].place
    assert (qam.name, qam.country, qam.admin1) == ("Quamishli", "SY", "Al-Hasakeh")
    assert "القامشلي" in qam.alt_names


def test_ocha_communities_strict_reports_bad_bytes(ocha_communities):
    places, problems = run(ocha_communities, layer="ocha")
    lines = lines_of(problems, ocha_communities)
    assert len(lines) == len(set(lines)) == 6
    assert len(places) == 5251 - 6
    assert all("invalid UTF-8 byte 0xD" in p for p in problems)
    assert "ocha:C2327" not in places  # one of the six (line 4522)
    raw = ocha_communities.read_bytes().split(b"\n")
    for line in lines:
        with pytest.raises(UnicodeDecodeError):
            raw[line - 1].decode("utf-8")
