"""Tests for geo_tracker.qualify: vague and relative location phrasing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_tracker.models import Location, Place
from geo_tracker.qualify import (
    AREA_RADIUS_KM,
    COMPASS,
    COUNTRYSIDE_MIN_RADIUS_KM,
    NEAR_RADIUS_KM,
    REGION_RADIUS_KM,
    SECTOR_OFFSET_KM,
    SECTOR_RADIUS_KM,
    compass_bearing,
    midpoint,
    offset_point,
    qualify,
)

# Hand-built places (positions approximate, for geometry only).
HASAKAH = Place("sy-hasakah", "Al-Hasakah", "city", "SY", 36.50, 40.75, 3.0)
TAL_TAMR = Place("sy-tal-tamr", "Tal Tamr", "town", "SY", 36.65, 40.37, 1.5)
QAMISHLI = Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.05, 41.22, 2.0)
MANBIJ = Place("sy-manbij", "Manbij", "city", "SY", 36.53, 37.95, 3.0)
RAQQA = Place("sy-raqqa", "Raqqa", "city", "SY", 35.95, 39.01, 4.0)
ALEPPO = Place("sy-aleppo", "Aleppo", "city", "SY", 36.20, 37.16, 8.0)
LATAKIA = Place("sy-latakia", "Latakia", "city", "SY", 35.52, 35.79, 5.0)
DEIR_GOV = Place("sy-deir-gov", "Deir ez-Zor", "governorate", "SY", 35.0, 40.5, 60.0)
DEIR_CITY = Place("sy-deir", "Deir ez-Zor", "city", "SY", 35.33, 40.14, 5.0)
SYRIA = Place("sy", "Syria", "country", "SY", 35.0, 38.5, 250.0)
TRIPOINT = Place("sy-iq-tr", "border triangle", "border_point", None, 37.11, 42.36, 10.0)


def loc(text: str, surface: str, place: Place | None, nth: int = 0) -> Location:
    """A resolved Location for the nth occurrence of ``surface`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    lat = place.lat if place else None
    lon = place.lon if place else None
    return Location(surface, start, start + len(surface), place, lat, lon, 1, 0.0, None, 0.9)


def one(text: str, surface: str, place: Place) -> Location:
    [q] = qualify(text, [loc(text, surface, place)])
    return q


def km_between(a: Location | Place, b: Location | Place) -> float:
    return midpoint(a.lat, a.lon, b.lat, b.lon)[2]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- helpers


def test_offset_point_20km_south_moves_latitude_down_018() -> None:
    lat, lon = offset_point(36.5, 40.75, 20, 180)
    assert 36.5 - lat == pytest.approx(0.18, abs=0.005)
    assert lon == pytest.approx(40.75, abs=1e-6)


@pytest.mark.parametrize(
    ("bearing", "dlat_sign", "dlon_sign"),
    [(0, 1, 0), (90, 0, 1), (180, -1, 0), (270, 0, -1), (45, 1, 1), (225, -1, -1)],
)
def test_offset_point_bearings(bearing: float, dlat_sign: int, dlon_sign: int) -> None:
    lat, lon = offset_point(36.0, 40.0, 10, bearing)
    for delta, sign in ((lat - 36.0, dlat_sign), (lon - 40.0, dlon_sign)):
        if sign == 0:
            assert abs(delta) < 0.005
        else:
            assert math.copysign(1, delta) == sign and abs(delta) > 0.03
    assert km_between(Place("a", "a", "x", None, 36.0, 40.0, 0), Place("b", "b", "x", None, lat, lon, 0)) == (
        pytest.approx(10, rel=1e-3)
    )


def test_offset_point_zero_is_identity() -> None:
    assert offset_point(1.0, 2.0, 0, 123) == (1.0, 2.0)


@given(
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(0, 5000),
    st.floats(-720, 720),
)
def test_offset_point_stays_in_range(lat: float, lon: float, km: float, bearing: float) -> None:
    new_lat, new_lon = offset_point(lat, lon, km, bearing)
    assert -90 <= new_lat <= 90
    assert -180 <= new_lon <= 180


def test_compass_table() -> None:
    assert COMPASS["north"] == 0
    assert COMPASS["north-east"] == COMPASS["northeast"] == COMPASS["NE"] == 45
    assert COMPASS["eastern"] == 90
    assert COMPASS["western"] == 270
    assert COMPASS["south-western"] == 225
    assert COMPASS["NNW"] == 337.5
    assert COMPASS["شمال"] == 0
    assert COMPASS["جنوب شرق"] == 135
    assert COMPASS["الشرقي"] == 90
    assert COMPASS["الشمالية الغربية"] == 315
    assert all(0 <= v < 360 for v in COMPASS.values())


@pytest.mark.parametrize(
    ("word", "deg"),
    [
        ("South-West", 225),
        ("north east", 45),
        ("Northeastern", 45),
        ("ne", 45),
        ("جنوبي", 180),
        ("الجنوبي الغربي", 225),
        ("شمال-شرق", 45),
        ("الشَّرقي", 90),
    ],
)
def test_compass_bearing_normalises(word: str, deg: float) -> None:
    assert compass_bearing(word) == deg


def test_compass_bearing_unknown() -> None:
    assert compass_bearing("upstream") is None
    assert compass_bearing("") is None


def test_midpoint() -> None:
    lat, lon, dist = midpoint(36.0, 40.0, 37.0, 40.0)
    assert lat == pytest.approx(36.5, abs=0.01) and lon == pytest.approx(40.0, abs=1e-6)
    assert dist == pytest.approx(111, abs=1)


# --------------------------------------------------------------------------- plain mentions


def test_plain_mention_is_unchanged() -> None:
    text = "Coalition vehicles entered Al-Hasakah on Monday."
    original = loc(text, "Al-Hasakah", HASAKAH)
    [q] = qualify(text, [original])
    assert q is original


@pytest.mark.parametrize("text", ["I am north of Manbij.", "Troops am-bushed north of Manbij."])
def test_a_word_ending_in_a_unit_letter_is_not_a_distance(text: str) -> None:
    # "am" is not "a m(etre)": a number word needs a space or hyphen before its unit.
    [q] = qualify(text, [one(text, "Manbij", MANBIJ)])
    assert q.qualifier == "north of"


def test_adjective_before_filler_is_not_a_part() -> None:
    # "the northern town of Manbij": the adjective places the town, it is not "northern Manbij".
    text = "Forces reached the northern town of Manbij."
    assert one(text, "Manbij", MANBIJ).qualifier is None


@pytest.mark.parametrize(
    "text",
    [
        "Forces moved north from Manbij.",  # Manbij is the origin, not the reference of a sector
        "It was near midnight when forces entered Manbij.",
        "The convoy headed north. Manbij was calm.",
        "A $20m grant from Manbij council.",
        "Manbij - Latakia: calm day.",
    ],
)
def test_no_false_positives(text: str) -> None:
    original = loc(text, "Manbij", MANBIJ)
    assert qualify(text, [original]) == [original]


def test_unresolved_passes_through() -> None:
    text = "A convoy near Tell Baydar moved east."
    original = loc(text, "Tell Baydar", None)
    assert qualify(text, [original]) == [original]


def test_empty() -> None:
    assert qualify("", []) == []


@pytest.mark.parametrize("place", [SYRIA, DEIR_GOV, TRIPOINT])
def test_region_kinds_get_precision_3(place: Place) -> None:
    text = f"Reinforcements arrived in {place.name} yesterday."
    q = one(text, place.name, place)
    assert q.precision == 3
    assert q.uncertainty_km >= place.uncertainty_km
    assert (q.lat, q.lon) == (place.lat, place.lon)


def test_border_triangle_keeps_point() -> None:
    text = "A convoy crossed at the border triangle of Syria, Iraq and Turkey."
    q = one(text, "border triangle", TRIPOINT)
    assert q.precision == 3 and q.lat == TRIPOINT.lat and q.qualifier is None


def test_existing_qualifier_is_respected_and_idempotent() -> None:
    text = "Shelling near Manbij and 20 km south of Al-Hasakah, in the eastern countryside of Deir ez-Zor."
    locs = [loc(text, "Manbij", MANBIJ), loc(text, "Al-Hasakah", HASAKAH), loc(text, "Deir ez-Zor", DEIR_GOV)]
    once = qualify(text, locs)
    assert qualify(text, once) == once


def test_order_and_length_preserved() -> None:
    text = "Between Tal Tamr and Al-Hasakah, near Manbij."
    locs = [loc(text, "Manbij", MANBIJ), loc(text, "Al-Hasakah", HASAKAH), loc(text, "Tal Tamr", TAL_TAMR)]
    out = qualify(text, locs)
    assert [o.mention for o in out] == ["Manbij", "Al-Hasakah", "Tal Tamr"]
    assert out[0].qualifier == "near"
    assert out[2].qualifier == "between Tal Tamr and Al-Hasakah"


def test_bad_offsets_pass_through() -> None:
    text = "near Manbij"
    bad = Location("Manbij", 50, 56, MANBIJ, MANBIJ.lat, MANBIJ.lon)
    assert qualify(text, [bad]) == [bad]


# --------------------------------------------------------------------------- near


@pytest.mark.parametrize(
    "text",
    [
        "Clashes broke out near Manbij on Friday.",
        "US troops patrolled close to Manbij.",
        "A base in the vicinity of Manbij was expanded.",
        "Trucks parked on the outskirts of Manbij.",
        "Drones circled around Manbij.",
        "Fighting near the Kurdish-held town of Manbij.",
        "An outpost just outside Manbij.",
        "Shelling hit Manbij's outskirts.",
        "Patrols in Manbij and its surroundings.",
        "اشتباكات بالقرب من Manbij",
        "اشتباكات قرب Manbij",
        "قصف في محيط Manbij",
        "تعزيزات على أطراف Manbij",
        "تعزيزات قرب مدينة Manbij",
        "تعزيزات وصلت إلى Manbij ومحيطها",
    ],
)
def test_near_phrases(text: str) -> None:
    q = one(text, "Manbij", MANBIJ)
    assert q.qualifier == "near"
    assert q.precision == 2
    assert q.uncertainty_km == max(MANBIJ.uncertainty_km, NEAR_RADIUS_KM)
    assert (q.lat, q.lon) == (MANBIJ.lat, MANBIJ.lon)


def test_near_keeps_larger_place_radius() -> None:
    text = "Clashes near Aleppo."
    big = Place("x", "Aleppo", "city", "SY", 36.2, 37.16, 12.0)
    assert one(text, "Aleppo", big).uncertainty_km == 12.0


def test_near_region_stays_precision_3() -> None:
    text = "Convoys gathered near Syria's border."
    q = one(text, "Syria", SYRIA)
    assert q.precision == 3


def test_near_is_inherited_through_and() -> None:
    text = "Clashes near Manbij and Raqqa; calm in Aleppo."
    out = qualify(text, [loc(text, "Manbij", MANBIJ), loc(text, "Raqqa", RAQQA), loc(text, "Aleppo", ALEPPO)])
    assert [o.qualifier for o in out] == ["near", "near", None]


def test_near_inherited_in_list() -> None:
    text = "Raids near Manbij, Raqqa and Aleppo."
    out = qualify(text, [loc(text, n, p) for n, p in (("Manbij", MANBIJ), ("Raqqa", RAQQA), ("Aleppo", ALEPPO))])
    assert [o.qualifier for o in out] == ["near", "near", "near"]


def test_arabic_near_inherited_through_wa() -> None:
    text = "اشتباكات قرب Manbij وRaqqa"
    out = qualify(text, [loc(text, "Manbij", MANBIJ), loc(text, "Raqqa", RAQQA)])
    assert [o.qualifier for o in out] == ["near", "near"]


# --------------------------------------------------------------------------- distances


def test_20_km_south() -> None:
    text = "The convoy stopped 20 km south of Al-Hasakah."
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == "20 km south of"
    assert q.precision == 2
    assert HASAKAH.lat - q.lat == pytest.approx(0.18, abs=0.005)
    assert q.lon == pytest.approx(HASAKAH.lon, abs=1e-6)
    assert km_between(q, HASAKAH) == pytest.approx(20, rel=1e-3)
    assert q.uncertainty_km == pytest.approx(max(HASAKAH.uncertainty_km, 0.25 * 20))


@pytest.mark.parametrize(
    ("phrase", "km", "direction", "bearing"),
    [
        ("30 kilometres southwest of", 30, "southwest", 225),
        ("about 30 kilometers south-west of", 30, "southwest", 225),
        ("some 12km north-east of", 12, "northeast", 45),
        ("15 km (9 miles) to the west of", 15, "west", 270),
        ("approximately 8 kilometres east of the city of", 8, "east", 90),
        ("5 miles north of", 5 * 1.609344, "north", 0),
        ("twenty-five kilometres NW of", 25, "northwest", 315),
        ("500 metres south of", 0.5, "south", 180),
    ],
)
def test_distance_with_direction(phrase: str, km: float, direction: str, bearing: float) -> None:
    text = f"A new outpost was built {phrase} Al-Hasakah, sources said."
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == f"{round(km, 1):g} km {direction} of"
    assert q.precision == 2
    assert km_between(q, HASAKAH) == pytest.approx(km, rel=0.02)
    expected = offset_point(HASAKAH.lat, HASAKAH.lon, km, bearing)
    assert (q.lat, q.lon) == pytest.approx(expected, abs=1e-3)
    assert q.uncertainty_km >= HASAKAH.uncertainty_km


def test_distance_range_uses_middle() -> None:
    text = "10-20 km east of Al-Hasakah"
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == "15 km east of"
    assert q.uncertainty_km == pytest.approx(max(3.0, 0.25 * 15 + 5))


def test_distance_without_direction_keeps_point() -> None:
    text = "The base lies about 20 km from Al-Hasakah."
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == "20 km from"
    assert (q.lat, q.lon) == (HASAKAH.lat, HASAKAH.lon)
    assert q.uncertainty_km >= 20
    assert q.precision == 2


def test_within_distance() -> None:
    text = "All of it within 5 km of Al-Hasakah."
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == "within 5 km of" and q.uncertainty_km == 5


@pytest.mark.parametrize(
    ("text", "km", "bearing", "qual"),
    [
        ("تمركزت القوات على بعد 20 كم جنوب Al-Hasakah", 20, 180, "20 km south of"),
        ("على بعد نحو 15 كيلومتراً شمال شرقي Al-Hasakah", 15, 45, "15 km northeast of"),
        ("على بُعد ٢٠ كم إلى الغرب من مدينة Al-Hasakah", 20, 270, "20 km west of"),
        ("على مسافة 10 كلم جنوب غرب Al-Hasakah", 10, 225, "10 km southwest of"),
    ],
)
def test_arabic_distance(text: str, km: float, bearing: float, qual: str) -> None:
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == qual
    assert (q.lat, q.lon) == pytest.approx(offset_point(HASAKAH.lat, HASAKAH.lon, km, bearing), abs=1e-4)


def test_arabic_distance_no_direction() -> None:
    text = "على بعد 20 كم من Al-Hasakah"
    q = one(text, "Al-Hasakah", HASAKAH)
    assert q.qualifier == "20 km from" and (q.lat, q.lon) == (HASAKAH.lat, HASAKAH.lon)
    assert q.uncertainty_km >= 20


# --------------------------------------------------------------------------- sectors


@pytest.mark.parametrize(
    ("phrase", "bearing", "name"),
    [
        ("southwest of", 225, "southwest"),
        ("north of", 0, "north"),
        ("to the east of", 90, "east"),
        ("just north-west of the town of", 315, "northwest"),
        ("جنوب", 180, "south"),
        ("إلى الشمال من", 0, "north"),
        ("شرقي", 90, "east"),
        ("شمال غرب بلدة", 315, "northwest"),
    ],
)
def test_sector(phrase: str, bearing: float, name: str) -> None:
    text = f"Helicopters landed {phrase} Tal Tamr."
    q = one(text, "Tal Tamr", TAL_TAMR)
    assert q.qualifier == f"{name} of"
    assert q.precision == 2
    assert q.uncertainty_km == SECTOR_RADIUS_KM
    assert (q.lat, q.lon) == pytest.approx(offset_point(TAL_TAMR.lat, TAL_TAMR.lon, SECTOR_OFFSET_KM, bearing), abs=1e-6)


# --------------------------------------------------------------------------- countryside


@pytest.mark.parametrize(
    "text",
    [
        "Raids in the eastern countryside of Deir ez-Zor.",
        "Raids in Deir ez-Zor's eastern countryside.",
        "Raids in eastern rural Deir ez-Zor.",
        "Raids in the eastern Deir ez-Zor countryside.",
        "Raids in the countryside of eastern Deir ez-Zor.",
        "مداهمات في ريف Deir ez-Zor الشرقي",
        "مداهمات في الريف الشرقي لـDeir ez-Zor",
        "مداهمات بالريف الشرقي لمحافظة Deir ez-Zor",
    ],
)
def test_eastern_countryside_of_governorate(text: str) -> None:
    q = one(text, "Deir ez-Zor", DEIR_GOV)
    assert q.qualifier == "eastern countryside of"
    assert q.precision == 3
    assert q.lat == pytest.approx(DEIR_GOV.lat, abs=0.01)
    assert q.lon > DEIR_GOV.lon
    assert km_between(q, DEIR_GOV) == pytest.approx(0.5 * DEIR_GOV.uncertainty_km, rel=0.01)
    assert q.uncertainty_km == pytest.approx(0.5 * DEIR_GOV.uncertainty_km)


def test_countryside_of_town_uses_district_radius() -> None:
    text = "Cells were active in the northern countryside of Manbij."
    q = one(text, "Manbij", MANBIJ)
    assert q.qualifier == "northern countryside of"
    assert q.lat > MANBIJ.lat and q.precision == 3
    assert km_between(q, MANBIJ) == pytest.approx(0.5 * COUNTRYSIDE_MIN_RADIUS_KM, rel=0.01)


@pytest.mark.parametrize(
    "text",
    [
        "Cells were active in the countryside of Manbij.",
        "Cells were active in Manbij's countryside.",
        "Cells were active in the Manbij countryside.",
        "Cells were active in rural Manbij.",
        "خلايا نشطة في ريف Manbij",
    ],
)
def test_undirected_countryside(text: str) -> None:
    q = one(text, "Manbij", MANBIJ)
    assert q.qualifier == "countryside of"
    assert q.precision == 3
    assert (q.lat, q.lon) == (MANBIJ.lat, MANBIJ.lon)
    assert q.uncertainty_km == COUNTRYSIDE_MIN_RADIUS_KM


def test_arabic_compound_direction_countryside() -> None:
    text = "في ريف Aleppo الشمالي الشرقي"
    q = one(text, "Aleppo", ALEPPO)
    assert q.qualifier == "northeastern countryside of"
    assert q.lat > ALEPPO.lat and q.lon > ALEPPO.lon


def test_countryside_inherited() -> None:
    text = "Raids in the countryside of Aleppo and Raqqa."
    out = qualify(text, [loc(text, "Aleppo", ALEPPO), loc(text, "Raqqa", RAQQA)])
    assert [o.qualifier for o in out] == ["countryside of", "countryside of"]


# --------------------------------------------------------------------------- parts, outskirts


@pytest.mark.parametrize(
    "text",
    ["US forces in northern Syria.", "US forces in the north of Syria.", "قوات في شمال Syria", "قوات شمالي Syria"],
)
def test_northern_part_of_country(text: str) -> None:
    q = one(text, "Syria", SYRIA)
    assert q.qualifier == "northern part of"
    assert q.precision == 3
    assert q.lat > SYRIA.lat
    assert q.uncertainty_km == pytest.approx(0.5 * SYRIA.uncertainty_km)


def test_northeast_syria_arabic() -> None:
    q = one("في شمال شرق Syria", "Syria", SYRIA)
    assert q.qualifier == "northeastern part of"
    assert q.lat > SYRIA.lat and q.lon > SYRIA.lon


def test_eastern_part_of_city_is_precision_2() -> None:
    q = one("Shelling hit eastern Aleppo.", "Aleppo", ALEPPO)
    assert q.qualifier == "eastern part of" and q.precision == 2 and q.lon > ALEPPO.lon


@pytest.mark.parametrize(
    "text",
    ["Tanks on the southern outskirts of Manbij.", "Tanks on Manbij's southern outskirts.", "دبابات على الأطراف الجنوبية لـManbij"],
)
def test_directed_outskirts(text: str) -> None:
    q = one(text, "Manbij", MANBIJ)
    assert q.qualifier == "southern outskirts of"
    assert q.precision == 2 and q.lat < MANBIJ.lat
    assert km_between(q, MANBIJ) == pytest.approx(MANBIJ.uncertainty_km, rel=0.01)


# --------------------------------------------------------------------------- between, roads


@pytest.mark.parametrize(
    "text",
    [
        "Fighting between Tal Tamr and Al-Hasakah.",
        "A checkpoint midway between the town of Tal Tamr and the city of Al-Hasakah.",
        "حاجز بين Tal Tamr وAl-Hasakah",
        "حاجز بين Tal Tamr و Al-Hasakah",
    ],
)
def test_between(text: str) -> None:
    x, y = loc(text, "Tal Tamr", TAL_TAMR), loc(text, "Al-Hasakah", HASAKAH)
    qx, qy = qualify(text, [x, y])
    assert qx.qualifier == "between Tal Tamr and Al-Hasakah"
    assert qx.precision == 2
    d = km_between(TAL_TAMR, HASAKAH)
    assert km_between(qx, TAL_TAMR) == pytest.approx(d / 2, rel=0.01)
    assert km_between(qx, HASAKAH) == pytest.approx(d / 2, rel=0.01)
    assert qx.uncertainty_km == pytest.approx(d / 2, rel=0.01)
    assert qy is y  # the second end is left as mentioned


def test_between_with_unresolved_second_end_falls_back() -> None:
    text = "Fighting between Tal Tamr and Tell Baydar."
    x, y = loc(text, "Tal Tamr", TAL_TAMR), loc(text, "Tell Baydar", None)
    assert qualify(text, [x, y]) == [x, y]


@pytest.mark.parametrize(
    "text",
    [
        "An ambush on the Aleppo–Latakia road.",
        "An ambush on the Aleppo-Latakia M4 highway.",
        "An ambush on the road between Aleppo and Latakia.",
        "An ambush on the highway linking Aleppo with Latakia.",
        "كمين على طريق Aleppo - Latakia",
        "كمين على الطريق الدولي Aleppo ـ Latakia",
        "كمين على الطريق الواصل بين Aleppo وLatakia",
    ],
)
def test_road(text: str) -> None:
    x, y = loc(text, "Aleppo", ALEPPO), loc(text, "Latakia", LATAKIA)
    qx, qy = qualify(text, [x, y])
    assert qx.qualifier == "road Aleppo–Latakia"
    assert qx.precision == 2
    d = km_between(ALEPPO, LATAKIA)
    assert km_between(qx, ALEPPO) == pytest.approx(d / 2, rel=0.01)
    assert qx.uncertainty_km > d / 2
    assert qy is y


def test_dash_without_road_is_not_a_road() -> None:
    text = "Aleppo - Latakia: calm day."
    x, y = loc(text, "Aleppo", ALEPPO), loc(text, "Latakia", LATAKIA)
    assert qualify(text, [x, y]) == [x, y]


# --------------------------------------------------------------------------- area, region


def test_area_and_region() -> None:
    text = "Patrols in the Manbij area and the Manbij region."
    area, region = qualify(text, [loc(text, "Manbij", MANBIJ, 0), loc(text, "Manbij", MANBIJ, 1)])
    assert (area.qualifier, area.precision, area.uncertainty_km) == ("area", 2, AREA_RADIUS_KM)
    assert (region.qualifier, region.precision, region.uncertainty_km) == ("region", 3, REGION_RADIUS_KM)


def test_arabic_area() -> None:
    q = one("دوريات في منطقة Manbij", "Manbij", MANBIJ)
    assert q.qualifier == "area" and q.precision == 2


# --------------------------------------------------------------------------- orderings and ranges


def test_radius_ordering_region_near_exact() -> None:
    text = "In Manbij. Near Manbij. In the Manbij area. The Manbij region. The countryside of Manbij."
    locs = [loc(text, "Manbij", MANBIJ, i) for i in range(5)]
    exact, near, area, region, countryside = qualify(text, locs)
    assert exact.qualifier is None and near.qualifier == "near"
    assert exact.uncertainty_km < near.uncertainty_km < area.uncertainty_km < region.uncertainty_km
    assert region.uncertainty_km <= countryside.uncertainty_km
    assert exact.precision < near.precision < region.precision


PHRASES = [
    "near ",
    "20 km south of ",
    "about 7 km from ",
    "northeast of ",
    "the eastern countryside of ",
    "rural ",
    "northern ",
    "between ",
    "قرب ",
    "ريف ",
    "على بعد 30 كم شمال ",
    "on the southern outskirts of ",
    "",
]


@settings(max_examples=150, deadline=None)
@given(
    phrase=st.sampled_from(PHRASES),
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-179.9, 179.9),
    unc=st.floats(0, 500),
    kind=st.sampled_from(["city", "town", "governorate", "country", "border_point"]),
    noise=st.text(max_size=30),
)
def test_property_lat_lon_in_range(phrase: str, lat: float, lon: float, unc: float, kind: str, noise: str) -> None:
    place = Place("p", "Xplace", kind, None, lat, lon, unc)
    other = Place("q", "Yplace", "town", None, -lat / 2, lon / 3, 1.0)
    text = f"{noise} {phrase}Xplace and Yplace road {noise}"
    locs = [loc(text, "Xplace", place), loc(text, "Yplace", other)]
    out = qualify(text, locs)
    assert len(out) == 2
    for q, orig in zip(out, locs):
        assert q.lat is not None and q.lon is not None
        assert -90 <= q.lat <= 90 and -180 <= q.lon <= 180
        assert q.precision in (1, 2, 3)
        assert q.uncertainty_km >= 0
        assert (q.start, q.end, q.mention, q.place) == (orig.start, orig.end, orig.mention, orig.place)
        if kind in ("governorate", "country", "border_point") and q is out[0]:
            assert q.precision == 3
    assert qualify(text, out) == out


# --------------------------------------------------------------------------- cue gates

# Phrases before (and words after) a mention that exercise every gated pattern,
# including degenerate forms a gate must not miss ("am north of" reads as "a m").
GATE_PHRASES = [
    "20 km south of ", "about 2.5 kms north-east of the town of ", "10-15 km from ", "twenty-five miles west of ",
    "some 5-km south of ", "a few kilometres from ", "a couple of miles outside ", "I am north of ", "twentykm from ",
    "within 3 km of ", "٢٠ كم شمال ", "على بعد 30 كم شمال شرق ", "نحو 10 كيلومترات إلى الشرق من ", "بضعة أميال عن ",
    "the eastern countryside of ", "the rural areas of ", "rural ", "northern rural ", "the desert of ", "the badia of ",
    "on the southern outskirts of ", "the northern edges of the city of ", "the north of ", "in the north of the ",
    "the eastern parts of ", "northern ", "in east ", "(north ", "just north of ", "to the south-west of ",
    "ريف ", "ريف حلب الشمالي ", "أطراف ", "أطراف الجنوبية من ", "في شمال ", "إلى الشمال من ", "شمال ", "بالقرب من ",
    "طريق ", "الطريق الواصل بين ", "بين ", "إقليم ", "منطقة ", "near ", "the road between ", "Islam ", "from ", "",
]
GATE_TAILS = ["", "'s countryside", " southern countryside", "'s northern outskirts", " الشرقي", " ومحيطها",
              " region", " area", " and its surroundings", " road"]


@settings(max_examples=300, deadline=None)
@given(
    noise=st.lists(st.sampled_from(["the", "and", "20", "km", "north", "Islam", "from", "-", ",", "قرب", "\n"]), max_size=8),
    phrase=st.sampled_from(GATE_PHRASES),
    tail=st.sampled_from(GATE_TAILS),
    kind=st.sampled_from(["city", "governorate"]),
)
def test_cue_gates_change_no_result(noise: list[str], phrase: str, tail: str, kind: str) -> None:
    """The cue gates only skip searches that would fail: results equal those of the ungated patterns."""
    import unittest.mock

    import geo_tracker.qualify as module

    place = Place("p", "Xplace", kind, None, 36.0, 40.0, 3.0)
    other = Place("q", "Yplace", "town", None, 36.5, 40.5, 1.0)
    text = f"{' '.join(noise)} {phrase}Xplace{tail} and Yplace"
    locs = [loc(text, "Xplace", place), loc(text, "Yplace", other)]
    gated = qualify(text, locs)
    with unittest.mock.patch.object(module, "_CUE_OF", {}):
        assert qualify(text, locs) == gated


@pytest.mark.parametrize("phrase", GATE_PHRASES)
def test_cue_gates_pass_where_their_patterns_match(phrase: str) -> None:
    """Each gate is a necessary condition of the patterns it guards."""
    from geo_tracker.qualify import _GATED, _Window

    for tail in GATE_TAILS:
        for window in (phrase, tail):
            for gate, patterns in _GATED:
                if any(p.search(window) for p in patterns):
                    assert _Window(window).passes(gate), (gate, window)


def _gated_patterns() -> list[tuple[str, object]]:
    import geo_tracker.qualify as module

    names = {id(v): k for k, v in vars(module).items() if k.startswith(("_EN_", "_AR_"))}
    return [(names[id(p)], p) for _, patterns in module._GATED for p in patterns]


@pytest.mark.parametrize("name, pattern", _gated_patterns(), ids=[n for n, _ in _gated_patterns()])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_cue_gates_pass_on_generated_matches(name: str, pattern, data) -> None:
    """Each gate passes on any text its patterns match, generated from the pattern itself
    (odd cases included: "İ", "ı", "ſ" and the Kelvin sign match Latin letters case-insensitively)."""
    from geo_tracker.qualify import _CUE_OF, _Window

    text = data.draw(st.from_regex(pattern))
    odd = str.maketrans({"i": "\u0130", "s": "\u017f", "k": "\u212a"})
    if data.draw(st.booleans()) and pattern.search(text.translate(odd)):
        text = text.translate(odd)
    assert _Window(text).passes(_CUE_OF[id(pattern)]), (name, text)

