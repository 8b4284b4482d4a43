import csv
import math

import pytest

from geo_tracker.errors import GazetteerError
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.gazetteer.curated import bundled_curated_paths, read_curated_csv
from geo_tracker.models import Place

# Rough boxes: a curated row outside its country's box is a swapped or mistyped coordinate.
BOXES = {"SY": (32.3, 37.4, 35.6, 42.4), "IQ": (29.0, 37.5, 38.7, 48.7), "TR": (35.8, 42.2, 25.6, 44.9)}


def test_curated_rows_cite_sources_and_carry_uncertainty():
    rows = [r for p in bundled_curated_paths() for r in read_curated_csv(p)]
    assert len(rows) >= 120
    assert len({r.id for r in rows}) == len(rows)
    for r in rows:
        assert r.source and len(r.source) > 10, r.id
        assert r.uncertainty_km > 0, r.id
        box = BOXES.get(r.country or "")
        if box and r.kind != "country":
            assert box[0] <= r.lat <= box[1] and box[2] <= r.lon <= box[3], r.id


def test_estimated_positions_say_so():
    gaz = Gazetteer.from_places(r for p in bundled_curated_paths() for r in read_curated_csv(p))
    walid = gaz.get("sy-al-walid-crossing")
    assert walid is not None and walid.uncertainty_km >= 10
    assert "not public" in (walid.note or "").lower()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Kamishli", "sy-qamishli"), ("Qamişlo", "sy-qamishli"), ("القامشلي", "sy-qamishli"),
        ("Derik", "sy-al-malikiyah"), ("Dêrik", "sy-al-malikiyah"), ("Al-Malikiyah", "sy-al-malikiyah"),
        ("Al-Ya'rubiyah", "sy-al-yarubiyah"), ("Tal Kocher", "sy-al-yarubiyah"),
        ("Hassakeh", "sy-al-hasakah"), ("Hesekê", "sy-al-hasakah"),
        ("Deir Ezzor", "sy-deir-ez-zor"), ("Ayn Diwar", "sy-ain-dewar"), ("Rumeilan", "sy-rmelan"),
        ("Kobane", "sy-kobani"), ("Ain al-Arab", "sy-kobani"), ("Serêkaniyê", "sy-ras-al-ain"),
        ("Hawler", "iq-erbil"), ("Shingal", "iq-sinjar"),
    ],
)
def test_lookup_spellings_reporters_use(gaz, name, expected):
    assert gaz.lookup(name)[0].place.id == expected


@pytest.mark.parametrize("name, country", [("Iraq", "IQ"), ("Turkey", "TR"), ("Kyiv", "UA"), ("Erbil", "IQ")])
def test_world_layer_resolves_countries_and_cities(gaz, name, country):
    top = gaz.lookup(name)[0].place
    assert top.country == country


def test_well_known_areas_are_regions_with_wide_radii(gaz):
    from geo_tracker import extract

    for name, expected in [("West Bank", "ps-west-bank"), ("قطاع غزة", "ps-gaza-strip"),
                           ("the Golan Heights", "sy-golan-heights"), ("European Union", "eu-european-union")]:
        top = gaz.lookup(name)[0].place
        assert (top.id, top.kind) == (expected, "region") and top.uncertainty_km >= 25 and top.source
    places = extract("Troops moved from the West Bank into the Gaza Strip.", gazetteer=gaz).places
    assert [(p.mention, p.place.id, p.precision) for p in places] == [
        ("West Bank", "ps-west-bank", 3), ("Gaza Strip", "ps-gaza-strip", 3)]


def test_country_filter(gaz):
    assert all(c.place.country == "IQ" for c in gaz.lookup("Al-Walid", country="IQ"))
    assert gaz.lookup("Al-Walid", country="SY")[0].place.id == "sy-al-walid-crossing"


def _write(tmp_path, rows):
    path = tmp_path / "g.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "alt_names", "kind", "country", "admin1", "lat", "lon", "uncertainty_km", "source", "note"])
        w.writerows(rows)
    return path


def test_malformed_rows_are_rejected_with_file_and_line(tmp_path):
    ok = ["x-1", "Somewhere", "", "town", "SY", "", "36.0", "40.0", "2", "a cited source", ""]
    with pytest.raises(GazetteerError, match=r"g\.csv:3: coordinates out of range"):
        read_curated_csv(_write(tmp_path, [ok, ["x-2", "Bad", "", "town", "SY", "", "136", "40", "2", "src", ""]]))
    with pytest.raises(GazetteerError, match=r"g\.csv:3: duplicate id"):
        read_curated_csv(_write(tmp_path, [ok, ok]))
    with pytest.raises(GazetteerError, match=r"g\.csv:2: missing source"):
        read_curated_csv(_write(tmp_path, [["x-3", "NoSource", "", "town", "SY", "", "36", "40", "2", "", ""]]))
    with pytest.raises(GazetteerError, match="not a number"):
        read_curated_csv(_write(tmp_path, [["x-4", "Nan", "", "town", "SY", "", "abc", "40", "2", "src", ""]]))


def test_from_places_lookup_and_cache_free():
    p = Place("t-1", "Tell Brak", "village", "SY", 36.66, 41.06, 2.0, alt_names=("تل براك",))
    gaz = Gazetteer.from_places([p])
    assert gaz.lookup("Tal Brak")[0].place.id == "t-1"
    assert gaz.lookup("تل براك")[0].place.id == "t-1"
    assert gaz.lookup("Nowhere at all") == []
    assert math.isclose(gaz.get("t-1").lat, 36.66)
