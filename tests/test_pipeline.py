"""End to end: the JSON contract, the spec's convoy example and the bundled samples."""

import datetime as dt
import json

import geo_tracker
from geo_tracker.export import extraction_to_dict, places_frame, convoys_frame, sites_frame, to_csv, to_geojson
from geo_tracker.io import read_reports, sample_paths
from geo_tracker.pipeline import extract_reports

SPEC = ("On February 8, a convoy of 45 military vehicles and trucks entered Syrian territory via the "
        "Al-Walid border crossing with the Kurdistan Region of Iraq")


def test_spec_convoy(gaz):
    r = geo_tracker.extract(SPEC, published="2021-02-10", gazetteer=gaz)
    assert len(r.convoys) == 1
    c = r.convoys[0]
    assert c.vehicles_min == 45
    assert c.date.value == dt.date(2021, 2, 8)
    assert c.via.place.id == "sy-al-walid-crossing"
    assert c.via.place.admin1 == "Al-Hasakah"
    assert c.origin.place.id == "iq-kurdistan-region"
    assert c.direction == "entering"


def test_json_contract_shape(gaz):
    ex = extract_reports([geo_tracker.make_report(SPEC + ", heading towards Al-Qamishli.", published="2021-02-10",
                                                  source="Outlet")], gaz)
    d = json.loads(json.dumps(extraction_to_dict(ex)))
    rep = d["reports"][0]
    assert rep["published"] == "2021-02-10" and rep["source"] == "Outlet"
    place_keys = {"mention", "start", "end", "id", "name", "kind", "country", "lat", "lon", "precision", "uncertainty_km"}
    for p in rep["places"]:
        assert place_keys <= set(p)
        assert p["precision"] in (1, 2, 3)
    conv = rep["convoys"][0]
    assert {"vehicles_min", "actor", "cargo", "date", "origin", "via", "destination"} <= set(conv)
    assert conv["destination"]["id"] == "sy-qamishli"
    assert place_keys <= set(conv["via"])


def test_samples_end_to_end(gaz):
    reports = list(read_reports(sample_paths()))
    ex = extract_reports(reports, gaz)
    for r in ex.results:
        for loc in r.places:
            assert r.report.text[loc.start : loc.end] == loc.mention
            assert -90 <= loc.lat <= 90 and -180 <= loc.lon <= 180
    place_ids = {l.place.id for l in ex.places}
    for needed in ["sy-al-walid-crossing", "sy-qamishli", "sy-al-hasakah", "sy-ain-dewar",
                   "sy-al-yarubiyah", "sy-al-omar-oil-field", "sy-deir-ez-zor"]:
        assert needed in place_ids, needed
    assert place_ids & {"sy-tal-alo", "sy-tal-alo-base"}  # the village, or the base named after it
    assert not any(pid.startswith("iq-al-waleed") for pid in place_ids), "no sample is about the Anbar crossing"
    towards_hasakah = [c for c in ex.convoys if c.destination and c.destination.place.admin1 == "Al-Hasakah"]
    assert len(towards_hasakah) >= 3
    statuses = {s.status for s in ex.sites}
    assert {"under_construction", "established"} <= statuses


def test_exports_from_samples(gaz):
    ex = extract_reports(read_reports(sample_paths()), gaz)
    gj = json.loads(to_geojson(ex))
    assert gj["type"] == "FeatureCollection" and gj["features"]
    kinds = {f["geometry"]["type"] for f in gj["features"]}
    assert {"LineString", "Point"} <= kinds
    lines = to_csv(ex).splitlines()
    assert lines[0].startswith("event_type,report_id,date")
    assert len(lines) == 1 + len(ex.convoys) + len(ex.sites)
    for frame in (places_frame(ex), convoys_frame(ex), sites_frame(ex)):
        assert frame.crs.to_epsg() == 4326 and len(frame) > 0


def test_a_long_report_counts_a_repeated_statement_once(gaz):
    # A report longer than SEGMENT_CHARS is read in segments; a statement repeated across the
    # segments is one convoy, as it is in a short report.
    from geo_tracker.pipeline import SEGMENT_CHARS

    sentence = "A convoy of 40 trucks entered Syria via the Al-Walid crossing on Monday, heading to Al-Qamishli. "
    short = geo_tracker.extract(sentence * 3, published="2024-05-06", gazetteer=gaz)
    text = sentence * (2 * SEGMENT_CHARS // len(sentence) + 1)
    long = geo_tracker.extract(text, published="2024-05-06", gazetteer=gaz)
    assert len(short.convoys) == len(long.convoys) == 1
    assert len(long.convoys[0].evidence) == text.count("A convoy")
