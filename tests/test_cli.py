"""The geo-tracker command line: outputs, summaries and one-line errors."""

import json

from click.testing import CliRunner

from geo_tracker.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_map_on_bundled_samples(tmp_path):
    out = tmp_path / "map.html"
    res = run("map", "-o", str(out))
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == str(out)
    assert "reports" in lines[1] and "convoys" in lines[1] and "sites" in lines[1]
    html = out.read_text(encoding="utf-8")
    assert "leaflet" in html.lower()
    assert not list(tmp_path.glob(".*tmp"))


def test_extract_spec_example(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text(
        "On February 8, a convoy of 45 military vehicles and trucks entered Syrian territory via the "
        "Al-Walid border crossing with the Kurdistan Region of Iraq", encoding="utf-8")
    res = run("extract", str(report), "--published", "2021-02-10", "--format", "json")
    assert res.exit_code == 0, res.output
    conv = json.loads(res.output)["reports"][0]["convoys"][0]
    assert conv["vehicles_min"] == 45 and conv["date"] == "2021-02-08"
    assert conv["via"]["id"] == "sy-al-walid-crossing"
    assert conv["origin"]["id"] == "iq-kurdistan-region"


def test_extract_csv_and_geojson_to_file(tmp_path):
    out = tmp_path / "events.csv"
    assert run("extract", "--format", "csv", "-o", str(out), *[str(p) for p in _samples()]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("event_type,")
    res = run("extract", "--format", "geojson", str(_samples()[0]))
    assert json.loads(res.output)["type"] == "FeatureCollection"


def test_lookup_json():
    res = run("lookup", "Kamishli", "--json")
    assert res.exit_code == 0
    rows = json.loads(res.output)
    assert rows[0]["id"] == "sy-qamishli" and rows[0]["source"]


def test_lookup_country_filter():
    rows = json.loads(run("lookup", "Al-Walid", "--country", "IQ", "--json").output)
    assert rows and all(r["country"] == "IQ" for r in rows)


def test_missing_input_is_a_one_line_error(tmp_path):
    res = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert res.exit_code == 1
    assert res.output.count("\n") == 1 and "nope.txt" in res.output and res.output.startswith("Error:")


def test_bad_published_date_is_a_usage_error(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("A convoy reached Al-Qamishli.", encoding="utf-8")
    res = CliRunner().invoke(main, ["extract", str(report), "--published", "8 Feb"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output


def test_map_to_missing_directory_writes_nothing(tmp_path):
    res = CliRunner().invoke(main, ["map", "-o", str(tmp_path / "no" / "map.html")])
    assert res.exit_code == 1 and res.output.startswith("Error:")
    assert not (tmp_path / "no").exists()


def _samples():
    from geo_tracker.io import sample_paths

    return sample_paths()
