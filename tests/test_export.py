"""Exports of merged events (KML, ACLED-like CSV, GeoJSON, GeoPackage) and the ingest/export commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geo_tracker.cli import main
from geo_tracker.errors import RenderError
from geo_tracker.export import ACLED_COLUMNS, format_for, to_acled_csv, write_events
from geo_tracker.io import sample_paths
from geo_tracker.kml import KML_NS, to_kml
from geo_tracker.merge import merge_convoys
from geo_tracker.models import Convoy, DateValue, Evidence, Location, Place

K = f"{{{KML_NS}}}"

WALID = Place("sy-al-walid-crossing", "Al-Walid crossing", "crossing", "SY", 36.935, 42.172, 25.0, admin1="Al-Hasakah")
QAMISHLI = Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.048, 41.225, 5.0, admin1="Al-Hasakah")


def loc(p: Place) -> Location:
    return Location(p.name, 0, 1, p, p.lat, p.lon, 1, p.uncertainty_km)


def convoy(n: int, source: str, sentence: str, url: str | None = None, rid: str | None = None) -> Convoy:
    ev = Evidence(rid or source, sentence, source, url, dt.date(2021, 3, 10))
    return Convoy(n, "US-led coalition", ("trucks",), DateValue(dt.date(2021, 3, 9), "day", "March 9"), None,
                  loc(WALID), loc(QAMISHLI), "entering", evidence=(ev,))


HOSTILE = '<script>alert("x")</script> A convoy of 20 trucks entered via <b>Al-Walid</b> & went on.'


def hostile_events():
    return merge_convoys([
        convoy(20, "<img src=x onerror=alert(1)>", HOSTILE, url="javascript:alert(1)"),
        convoy(25, "SANA", "25 trucks entered.", url="https://sana.sy/?p=1&q=<2>"),
    ])


def test_kml_never_carries_report_markup():
    text = to_kml(hostile_events())
    assert "<script" not in text and "<img" not in text and "<b>Al-Walid" not in text
    root = ET.fromstring(text)  # well-formed XML
    pm = root.find(f".//{K}Placemark")
    description = pm.find(f"{K}description").text
    # After XML parsing, Google Earth sees HTML in which the report text is still escaped.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in description
    assert "&lt;img src=x onerror=alert(1)&gt;" in description
    assert 'href="javascript' not in description and "(javascript:alert(1))" in description
    assert '<a href="https://sana.sy/?p=1&amp;q=&lt;2&gt;">' in description
    assert root.find(f".//{K}BalloonStyle/{K}text").text == "$[description]"
    assert pm.find(f"{K}TimeStamp/{K}when").text == "2021-03-09"
    assert pm.find(f"{K}LineString/{K}coordinates").text.startswith("42.172000,36.935000,0")
    data = {d.get("name"): d.find(f"{K}value").text for d in pm.findall(f".//{K}Data")}
    assert data["corroboration"] == "2" and data["vehicles_min"] == "20"


def test_kml_drops_characters_xml_cannot_hold():
    text = to_kml(merge_convoys([convoy(5, "SANA", "Five\x00 trucks\x1b entered.")]))
    ET.fromstring(text)
    assert "\x00" not in text


def test_acled_csv_columns_and_values():
    rows = list(csv.DictReader(io.StringIO(to_acled_csv(hostile_events()))))
    assert list(rows[0]) == ACLED_COLUMNS
    assert ACLED_COLUMNS[:10] == ["event_date", "event_type", "sub_event_type", "actor1", "location", "latitude",
                                  "longitude", "geo_precision", "source", "notes"]
    (row,) = rows
    assert row["event_date"] == "2021-03-09"
    assert (row["event_type"], row["sub_event_type"]) == ("Strategic developments", "Movement of forces")
    assert row["location"] == "Al-Walid crossing" and row["geo_precision"] == "1"
    assert row["source"] == "<img src=x onerror=alert(1)>; SANA"  # plain text in a CSV cell
    assert "Conflicting reports: vehicles: 20 (" in row["notes"] and "Reported by 2 outlets." in row["notes"]
    assert float(row["route_km"]) > 50 and row["corroboration"] == "2"


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    rows = list(csv.DictReader(io.StringIO(to_acled_csv(merge_convoys([convoy(5, "=HYPERLINK(1)", "x")])))))
    assert rows[0]["source"] == "'=HYPERLINK(1)"


def test_writes_are_atomic_and_formats_come_from_extensions(tmp_path):
    out = tmp_path / "events.geojson"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(AttributeError):
        write_events(out, [object()])  # not an event: fails while rendering
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["events.geojson"]
    write_events(out, hostile_events())
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["corroboration"] == 2
    assert format_for("x.KML") == "kml" and format_for("x.json") == "geojson"
    with pytest.raises(RenderError, match="cannot tell the export format"):
        format_for("x.shp")
    with pytest.raises(RenderError, match="does not exist"):
        write_events(tmp_path / "no" / "x.csv", [])


def test_gpkg_export_has_both_layers(tmp_path):
    out = write_events(tmp_path / "e.gpkg", hostile_events())
    convoys = gpd.read_file(out, layer="convoys")
    assert convoys.crs.to_epsg() == 4326 and convoys["corroboration"].tolist() == [2]
    assert gpd.read_file(out, layer="sites").empty


# ---------------------------------------------------------------- the commands, on the bundled samples


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_ingest_then_export_csv_on_the_samples(tmp_path, gaz):
    store = tmp_path / "tracker.gpkg"
    samples = [str(p) for p in sample_paths()]
    res = run("ingest", *samples, "--store", str(store))
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == str(store)
    assert lines[1].startswith(f"added {len(samples)} reports, skipped 0 already in the store")
    again = run("ingest", *samples, "--store", str(store))
    assert f"added 0 reports, skipped {len(samples)} already" in again.output

    res = run("export", "--store", str(store), "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert list(rows[0]) == ACLED_COLUMNS
    assert [r["event_date"] for r in rows] == sorted(r["event_date"] for r in rows)
    # RT Arabic and Syriac Press reported the same 35-truck convoy of 28 November 2020; Syriac Press
    # says "Russia Today reported", so both sources are kept but they are one account, not two.
    rt = [r for r in rows if "2020-11-28-rt-convoy-35-trucks" in r["report_ids"]]
    assert len(rt) == 1
    assert rt[0]["source"] == "RT Arabic; Syriac Press" and rt[0]["corroboration"] == "1"
    # SANA and Middle East Monitor each report the Tal Alu base without citing the other: two accounts.
    assert [r["corroboration"] for r in rows if r["location"] == "Tal Alo base"] == ["2"]
    assert rt[0]["event_date"] == "2020-11-28" and "Convoy of 35 vehicles" in rt[0]["notes"]
    # SOHR's convoys of 6 and 8 February 2021 are two convoys.
    sohr = [r for r in rows if r["sub_event_type"] == "Movement of forces"
            and "Syrian Observatory for Human Rights" in r["source"]]
    assert {r["event_date"] for r in sohr} >= {"2021-02-06", "2021-02-08"}
    # SANA (28 January) and MEMO (17 February) both report building the Tal Alu base.
    tal_alu = [r for r in rows if r["location"] == "Tal Alo base"]
    assert len(tal_alu) == 1 and tal_alu[0]["source"] == "SANA; Middle East Monitor"
    # Every report with an event is somewhere in the table.
    assert {rid for r in rows for rid in r["report_ids"].split("; ")} == {p.stem for p in sample_paths()}

    # An event that names no place cannot be a KML placemark; the summary says how many are left out.
    kml = tmp_path / "e.kml"
    res = run("export", "--store", str(store), "-o", str(kml))
    placemarks = ET.fromstring(kml.read_text(encoding="utf-8")).iter("{http://www.opengis.net/kml/2.2}Placemark")
    unplaced = sum(1 for r in rows if not r["latitude"])
    left_out = f" ({unplaced} without coordinates, left out of the KML)" if unplaced else ""
    assert res.output.splitlines()[1] == f"{len(rows)-5} convoys, 5 sites{left_out}"
    assert len(list(placemarks)) == len(rows) - unplaced


def test_export_files_filters_and_errors(tmp_path, gaz):
    store = tmp_path / "t.gpkg"
    assert run("ingest", str(sample_paths()[1]), str(sample_paths()[2]), "--store", str(store)).exit_code == 0
    out = tmp_path / "e.kml"
    res = run("export", "--store", str(store), "-o", str(out), "--kind", "convoy", "--since", "2020-11-01")
    assert res.exit_code == 0 and res.output.splitlines() == [str(out), "1 convoys, 0 sites"]
    ET.fromstring(out.read_text(encoding="utf-8"))
    res = run("export", "--store", str(store), "-o", str(tmp_path / "e.gpkg"), "--until", "2020-01-01")
    assert res.output.splitlines()[1] == "0 convoys, 0 sites"

    missing = CliRunner().invoke(main, ["export", "--store", str(tmp_path / "none.gpkg")])
    assert missing.exit_code == 1 and "no tracker store here" in missing.output
    bad_date = CliRunner().invoke(main, ["export", "--store", str(store), "--since", "yesterday"])
    assert bad_date.exit_code == 2
    bad_ext = CliRunner().invoke(main, ["export", "--store", str(store), "-o", str(tmp_path / "x.txt")])
    assert bad_ext.exit_code == 2 and "cannot tell the export format" in bad_ext.output
    gpkg_stdout = CliRunner().invoke(main, ["export", "--store", str(store), "--format", "gpkg"])
    assert gpkg_stdout.exit_code == 2
    not_store = tmp_path / "notes.gpkg"
    not_store.write_text("hello", encoding="utf-8")
    res = CliRunner().invoke(main, ["ingest", str(sample_paths()[0]), "--store", str(not_store)])
    assert res.exit_code == 1 and res.output.startswith("Error: ") and "not a geo-tracker store" in res.output


def test_two_sites_of_one_sentence_have_distinct_event_ids() -> None:
    import geo_tracker
    from geo_tracker.export import event_id

    r = geo_tracker.extract("US forces established a new base near Ain Dewar and a new outpost near Tal Tamr.",
                            published="2021-03-01", source="Outlet")
    assert len(r.sites) == 2
    assert event_id(r.sites[0]) != event_id(r.sites[1])


def test_extract_csv_guards_spreadsheet_formulas() -> None:
    import geo_tracker
    from geo_tracker.export import to_csv
    from geo_tracker.models import Extraction

    r = geo_tracker.extract("On February 8, a convoy of 45 trucks entered via the Al-Walid border crossing.",
                            published="2021-02-10", source='=HYPERLINK("http://evil","x")')
    text = to_csv(Extraction([r]))
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text
