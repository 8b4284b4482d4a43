"""User gazetteer layers: import, stacking over the defaults, list/stats/remove, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo_tracker.cli import main
from geo_tracker.errors import GazetteerError
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.gazetteer.userlayers import import_layer, list_layers, remove_layer

# Three villages of Qamishli district as published in the OCHA COD-AB Syria
# communities dataset (2015), PCODEs C4524-C4526; none is in GeoNames cities500.
COMMUNITIES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"NAME_EN": name, "NAME_ARA": ar, "PCODE": code, "ADMIN1_EN": "Al-Hasakeh"},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}}
        for name, ar, code, lat, lon in [
            ("Tuffahiyeh", "التفاحية", "C4524", 36.8765002, 41.2038434),
            ("Shamasiyeh", "شماسية", "C4525", 36.9026421, 41.1936244),
            ("Hatemiyeh", "الحاتمية", "C4526", 37.0468869, 41.0764103),
        ]
    ],
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty user data directory; the default gazetteer is rebuilt around it."""
    monkeypatch.setenv("GEO_TRACKER_DATA", str(tmp_path / "data"))
    Gazetteer.reset_default()
    yield tmp_path / "data"
    Gazetteer.reset_default()


@pytest.fixture
def communities(tmp_path: Path) -> Path:
    path = tmp_path / "hasakah_communities.geojson"
    path.write_text(json.dumps(COMMUNITIES, ensure_ascii=False), encoding="utf-8")
    return path


def test_imported_villages_become_resolvable_and_rank_first(data_dir: Path, communities: Path) -> None:
    assert not Gazetteer.default().lookup("Tuffahiyeh")
    info = import_layer(communities, default_kind="village", source="OCHA COD-AB Syria communities 2015")
    assert (info.name, info.rows, info.skipped, info.format) == ("hasakah_communities", 3, 0, "geojson")
    Gazetteer.reset_default()
    gaz = Gazetteer.default()
    top = gaz.lookup("Tuffahiyeh")[0]
    assert top.place.layer == "hasakah_communities"
    assert (top.place.lat, top.place.lon) == (36.8765002, 41.2038434)
    assert top.place.id == "hasakah_communities:C4524"
    assert gaz.lookup("التفاحية")[0].place.id == "hasakah_communities:C4524"
    # Unlisted spellings reach user rows through the transliteration key too.
    assert gaz.lookup("Tuffahiya")[0].place.id == "hasakah_communities:C4524"
    # The default layers are still there, below.
    assert gaz.lookup("Kamishli")[0].place.id == "sy-qamishli"


def test_recognition_finds_imported_villages_in_reports(data_dir: Path, communities: Path) -> None:
    from geo_tracker.models import Report
    from geo_tracker.pipeline import extract_report

    import_layer(communities, default_kind="village")
    Gazetteer.reset_default()
    result = extract_report(Report("r1", "A convoy passed through Hatemiyeh village west of Qamishli."), Gazetteer.default())
    names = {loc.place.id for loc in result.places}
    assert "hasakah_communities:C4526" in names


def test_layers_are_listed_in_order_and_removed(data_dir: Path, communities: Path) -> None:
    import_layer(communities, name="zeta")
    import_layer(communities, name="first")
    import_layer(communities, name="second")
    assert [i.name for i in list_layers()] == ["zeta", "first", "second"]
    # On a tie the later import wins.
    assert Gazetteer.default().lookup("Tuffahiyeh")[0].place.layer == "second"
    remove_layer("zeta")
    with pytest.raises(GazetteerError, match="already exists"):
        import_layer(communities, name="first")
    import_layer(communities, name="first", replace=True)
    assert remove_layer("second").rows == 3
    assert [i.name for i in list_layers()] == ["first"]
    with pytest.raises(GazetteerError, match="no imported layer named 'second'"):
        remove_layer("second")


def test_a_failed_import_leaves_nothing_behind(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nGood,36.9,41.2\nBroken,abc,41.0\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bad\.csv:3"):
        import_layer(bad, on_error="reject")
    assert list_layers() == []
    assert not any(data_dir.rglob("*.csv"))
    problems: list[str] = []
    info = import_layer(bad, on_problem=problems.append)
    assert info.rows == 1 and info.skipped == 1
    assert len(problems) == 1 and "bad.csv:3" in problems[0]


@pytest.mark.parametrize("name", ["World", "curated", "../evil", "a b", "", "evil\n"])
def test_layer_names_are_checked(data_dir: Path, communities: Path, name: str) -> None:
    with pytest.raises(GazetteerError, match="invalid layer name"):
        import_layer(communities, name=name)


def test_cli_import_list_stats_remove(data_dir: Path, communities: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    imported = runner.invoke(main, ["gazetteer", "import", str(communities), "--name", "hasakah",
                                    "--kind", "village", "--licence", "CC BY-IGO"])
    assert imported.exit_code == 0, imported.output
    assert "imported 3 places into layer 'hasakah' (0 rows skipped)" in imported.output

    listed = json.loads(runner.invoke(main, ["gazetteer", "list", "--json"]).output)
    assert [(i["name"], i["rows"]) for i in listed] == [("hasakah", 3)]

    stats = json.loads(runner.invoke(main, ["gazetteer", "stats", "--json"]).output)
    layers = {r["layer"]: r for r in stats}
    assert layers["hasakah"]["rows"] == 3 and layers["hasakah"]["licence"] == "CC BY-IGO"
    assert layers["curated"]["rows"] >= 400
    assert layers["world: countries"]["rows"] >= 240 and "GeoNames" in layers["world: countries"]["source"]
    assert "CC BY 4.0" in layers["world: populated places"]["licence"]
    assert layers["world: first-level regions"]["rows"] > 4000

    found = json.loads(runner.invoke(main, ["lookup", "Shamasiyeh", "--json"]).output)
    assert found[0]["id"] == "hasakah:C4525"

    removed = runner.invoke(main, ["gazetteer", "remove", "hasakah"])
    assert removed.exit_code == 0 and "removed layer 'hasakah'" in removed.output
    assert json.loads(runner.invoke(main, ["lookup", "Shamasiyeh", "--json"]).output) == []


def test_cli_import_errors_are_one_line(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["gazetteer", "import", str(tmp_path / "nope.geojson")])
    assert missing.exit_code == 1 and missing.output.count("\n") == 1 and "no such file" in missing.output
    odd = tmp_path / "places.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    unsupported = runner.invoke(main, ["gazetteer", "import", str(odd)])
    assert unsupported.exit_code == 1 and "unsupported" in unsupported.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nGood,36.9,41.2\nBroken,95,41.0\n", encoding="utf-8")
    rejected = runner.invoke(main, ["gazetteer", "import", str(bad), "--on-error", "reject"])
    assert rejected.exit_code == 1 and "bad.csv:3" in rejected.output
    skipped = runner.invoke(main, ["gazetteer", "import", str(bad)])
    assert skipped.exit_code == 0 and "skipped: " in skipped.output and "bad.csv:3" in skipped.output
    usage = runner.invoke(main, ["gazetteer", "import", str(bad), "--column", "nom=name"])
    assert usage.exit_code == 2


def test_country_rows_carry_a_bounding_box(gaz: Gazetteer) -> None:
    syria = gaz.lookup("Syria", kind="country")[0].place
    west, south, east, north = syria.bbox
    assert west < 36.0 < 42.0 < east and south < 33.0 < 37.0 < north
    # Every curated Syrian town lies inside the country box.
    qamishli = gaz.get("sy-qamishli")
    assert west <= qamishli.lon <= east and south <= qamishli.lat <= north


def test_points_outside_their_country_are_reported(data_dir: Path, tmp_path: Path) -> None:
    rows = tmp_path / "villages.csv"
    rows.write_text(
        "name,lat,lon,country\n"
        "Tuffahiyeh,36.8765002,41.2038434,SY\n"
        "Shamasiyeh,41.1936244,36.9026421,SY\n"  # lat and lon swapped
        # A Syrian village stated as Iraqi still passes: it lies inside Iraq's
        # bounding box (the check is a box, not an outline).
        "Hatemiyeh,37.0468869,41.0764103,IQ\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    info = import_layer(rows, on_problem=problems.append)
    assert info.rows == 2 and info.skipped == 1
    [swapped] = problems
    assert swapped.startswith(f"{rows}:3: lat/lon look swapped")
    far = tmp_path / "far.csv"
    far.write_text("name,lat,lon,country\nTuffahiyeh,36.8765002,41.2038434,SY\nFaraway,-33.9,151.2,SY\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"far\.csv:3: point \(-33\.9, 151\.2\) lies outside its stated country SY"):
        import_layer(far, on_error="reject")


def test_orphan_and_broken_manifests_do_not_lock_the_user_out(data_dir: Path, communities: Path) -> None:
    import_layer(communities, name="orph")
    (data_dir / "gazetteers" / "orph.csv").unlink()
    assert list_layers() == []
    assert import_layer(communities, name="orph").rows == 3  # the orphan manifest does not block the name
    (data_dir / "gazetteers" / "zz.json").write_text('{"name": "zz"}', encoding="utf-8")
    with pytest.warns(UserWarning, match="zz.json: unreadable layer manifest"):
        assert [i.name for i in list_layers()] == ["orph"]


def test_cli_prints_skip_reasons_even_when_nothing_is_imported(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "allbad.csv"
    bad.write_text("name,lat,lon\nFoo,abc,1\nBar,1,xyz\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["gazetteer", "import", str(bad)])
    assert result.exit_code == 1
    assert "allbad.csv:2" in result.output and "allbad.csv:3" in result.output
    assert "no usable rows (2 skipped)" in result.output


def test_cli_rejects_a_malformed_geocoding_url(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["lookup", "Zzzzqqx", "--geocode", "nominatim", "--geocode-url", "http://[::1"])
    assert result.exit_code == 2 and "is not an http(s) URL" in result.output


# --------------------------------------------------------------------------- issue 20, item 2


def _polygon_collection(name: str, ring: list[list[float]]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}


def test_an_outline_beyond_the_csv_field_limit_imports_and_resolves(data_dir: Path, tmp_path: Path) -> None:
    """A 9,000-vertex district outline (WKT over csv's 128 KiB cell limit) is imported and found, in a
    process whose csv field limit is the default (as in a fresh 'geo-tracker lookup')."""
    import csv
    import math

    n = 9000
    ring = [[40 + 0.5 * math.cos(2 * math.pi * i / n), 36 + 0.5 * math.sin(2 * math.pi * i / n)] for i in range(n)]
    path = tmp_path / "outline.geojson"
    path.write_text(json.dumps(_polygon_collection("Broad Outline District", ring + [ring[0]])), encoding="utf-8")
    old = csv.field_size_limit(128 * 1024)
    try:
        imported = CliRunner().invoke(main, ["gazetteer", "import", str(path)])
        assert imported.exit_code == 0, imported.output
        Gazetteer.reset_default()
        found = CliRunner().invoke(main, ["lookup", "Broad Outline District", "--limit", "1"])
    finally:
        csv.field_size_limit(old)
    assert found.exit_code == 0, found.output
    assert "outline:1" in found.stdout and "36.0" in found.stdout


def test_a_polygon_across_the_antimeridian_gets_a_point_on_it_and_a_small_radius(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "dateline.geojson"
    ring = [[179.0, -17.0], [-179.0, -17.0], [-179.0, -16.0], [179.0, -16.0], [179.0, -17.0]]
    path.write_text(json.dumps(_polygon_collection("Across The Line", ring)), encoding="utf-8")
    import_layer(path, country_boxes={})
    [place] = [c.place for c in Gazetteer.default().lookup("Across The Line", limit=3) if c.place.layer == "dateline"]
    assert abs(abs(place.lon) - 180) <= 1 and -17 <= place.lat <= -16
    assert place.uncertainty_km < 200  # the 2° x 1° island, not half the globe


def test_a_layer_damaged_on_disk_names_itself_and_how_to_remove_it(data_dir: Path, communities: Path) -> None:
    import_layer(communities, name="villages", country_boxes={})
    csv_path = data_dir / "gazetteers" / "villages.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("36.9026421", "north"), encoding="utf-8")
    Gazetteer.reset_default()
    for args in (["lookup", "Shamasiyeh"], ["gazetteer", "stats"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None))), result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("Error: imported gazetteer layer 'villages' is damaged (")
        assert line.endswith("remove it with: geo-tracker gazetteer remove villages")
    assert CliRunner().invoke(main, ["gazetteer", "remove", "villages"]).exit_code == 0
    assert CliRunner().invoke(main, ["lookup", "Hasakah"]).exit_code == 0


def test_concurrent_imports_of_one_new_name_exactly_one_wins(data_dir: Path, communities: Path) -> None:
    """Three imports of one --name, all past the early 'exists' check before any finishes."""
    import threading

    together = threading.Barrier(3, timeout=30)
    outcomes: list[str] = []

    def run(k: int) -> None:
        try:
            import_layer(communities, name="same", source=f"run {k}", country_boxes={},
                         progress=lambda rows: together.wait() if rows == 1 else None)
            outcomes.append("won")
        except GazetteerError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
    assert all("'same' already exists" in o for o in outcomes if o != "won")
    [layer] = list_layers()
    from geo_tracker.gazetteer.userlayers import read_layer

    assert {p.source.split(",")[0] for p in read_layer(layer.csv_path)} == {layer.source}  # one run's rows
    assert not [p for p in (data_dir / "gazetteers").iterdir() if p.name.endswith(".tmp")]
