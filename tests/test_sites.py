"""Sites on the patterns of real reporting: where a site is (its own phrase), its status at
publication (the corpus rules' default and cues), and one site per place within a report.

The sentences and toponyms here are made up for the tests; coordinates are test fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from geo_tracker.events import extract_sites
from geo_tracker.events.sites import VAGUE_QUALIFIER
from geo_tracker.models import Location, Place, Report

_PLACES = {
    "Marj Hilal": Place("xx-marj-hilal", "Marj Hilal", "town", "SY", 36.50, 40.90, 2.0),
    "Wadi Sura": Place("xx-wadi-sura", "Wadi Sura", "town", "SY", 36.10, 40.20, 2.0),
    "Qasr Nabil": Place("xx-qasr-nabil", "Qasr Nabil", "village", "SY", 35.70, 40.60, 1.0),
    "Qasr Nabil airfield": Place("xx-qasr-nabil-airfield", "Qasr Nabil airfield", "airfield", "SY", 35.71, 40.61, 1.0),
    "مرج هلال": Place("xx-marj-hilal", "Marj Hilal", "town", "SY", 36.50, 40.90, 2.0),
    "وادي سورة": Place("xx-wadi-sura", "Wadi Sura", "town", "SY", 36.10, 40.20, 2.0),
    "Syria": Place("sy-syria", "Syria", "country", "SY", 34.8, 38.6, 300.0),
    "US": Place("country:US", "United States", "country", "US", 39.8, -98.6, 1500.0),
}


def _report(text: str) -> Report:
    return Report("r1", text, dt.date(2024, 5, 6))


def _locs(text: str, *names: str) -> list[Location]:
    """One resolved Location per occurrence of each name (longest names first, no overlaps)."""
    out: list[Location] = []
    for name in sorted(names, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(l.start < end and start < l.end for l in out):
                p = _PLACES[name]
                out.append(Location(name, start, end, p, p.lat, p.lon, 3 if p.kind == "country" else 1))
            start = text.find(name, end)
    return sorted(out, key=lambda l: l.start)


# ---------------------------------------------------------------- status at publication


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # A base the report names as a place of its events exists: established, not unknown.
        ("Rockets struck near the base in Marj Hilal on Monday.", "established"),
        ("A convoy of fuel trucks headed to the base in Marj Hilal.", "established"),
        # Reinforcements or new equipment brought to a site expand it.
        ("A convoy carrying reinforcements reached the base in Marj Hilal.", "expanded"),
        ("Trucks loaded with new equipment arrived at the base in Marj Hilal.", "expanded"),
        ("وصلت تعزيزات عسكرية إلى قاعدة في مرج هلال.", "expanded"),
        # A withdrawal only announced leaves the base standing at publication.
        ("Officials said the troops will withdraw from the base in Marj Hilal next month.", "established"),
    ],
)
def test_status_read_at_publication(text: str, status: str) -> None:
    name = "Marj Hilal" if "Marj Hilal" in text else "مرج هلال"
    [site] = extract_sites(_report(text), _locs(text, name))
    assert site.status == status


def test_a_base_a_convoy_comes_from_is_not_the_one_reinforced() -> None:
    text = "A convoy from the base in Wadi Sura brought reinforcements to the base in Marj Hilal."
    sites = {s.location.mention: s.status for s in extract_sites(_report(text), _locs(text, "Wadi Sura", "Marj Hilal"))}
    assert sites == {"Wadi Sura": "established", "Marj Hilal": "expanded"}


# ---------------------------------------------------------------- where the site is


def test_site_is_at_the_name_before_its_word_not_a_later_toponym() -> None:
    text = "Soldiers arrived at the Marj Hilal base, north of Wadi Sura."
    [site] = extract_sites(_report(text), _locs(text, "Marj Hilal", "Wadi Sura"))
    assert site.location.mention == "Marj Hilal"


def test_unknown_facility_name_is_kept_without_inventing_a_coordinate() -> None:
    text = "Soldiers arrived at the Tal Khazna base, northwest of Wadi Sura."
    [site] = extract_sites(_report(text), _locs(text, "Wadi Sura"))
    assert site.location.mention == "Tal Khazna"
    assert site.location.lat is None and site.location.place is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # The actor's country is whose the base is, not where.
        ("Drones targeted a US base overnight.", ("US",)),
        # A toponym elsewhere in the sentence is not the site's place.
        ("The base was attacked overnight, a spokesman in Wadi Sura said.", ("Wadi Sura",)),
        ("Troops left the base and drove towards Wadi Sura.", ("Wadi Sura",)),
    ],
)
def test_no_site_at_a_toponym_the_site_phrase_does_not_name(text: str, names: tuple[str, ...]) -> None:
    assert extract_sites(_report(text), _locs(text, *names)) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Convoys headed to the bases in Marj Hilal, Wadi Sura and Qasr Nabil.", ("Marj Hilal", "Wadi Sura", "Qasr Nabil")),
        ("The army keeps two bases in Marj Hilal, and three in Wadi Sura.", ("Marj Hilal", "Wadi Sura")),
        ("Troops pulled out of the Marj Hilal and Wadi Sura bases.", ("Marj Hilal", "Wadi Sura")),
        ("توجهت القافلة إلى القواعد العسكرية في مرج هلال ووادي سورة.", ("مرج هلال", "وادي سورة")),
    ],
)
def test_plural_site_word_names_one_site_per_coordinated_place(text: str, names: tuple[str, ...]) -> None:
    sites = extract_sites(_report(text), _locs(text, *names))
    assert [s.location.mention for s in sites] == list(names)


# ---------------------------------------------------------------- one site per report


def test_headline_base_in_a_country_is_the_named_base_of_the_lead() -> None:
    text = "US forces leave a base in Syria\n\nUS forces withdrew from the base in Qasr Nabil on Monday."
    [site] = extract_sites(_report(text), _locs(text, "Syria", "Qasr Nabil"))
    assert (site.location.mention, site.status, len(site.evidence)) == ("Qasr Nabil", "withdrawn", 2)


def test_site_known_only_at_country_level_is_kept_at_precision_three() -> None:
    text = "Russia is expanding an air base in Syria."
    [site] = extract_sites(_report(text), _locs(text, "Syria"))
    assert (site.status, site.location.precision, site.location.qualifier) == ("expanded", 3, VAGUE_QUALIFIER)


def test_base_at_an_airfield_and_the_airfield_are_one_site() -> None:
    text = "A convoy reached the base at Qasr Nabil airfield. Qasr Nabil airfield was reinforced with radars."
    [site] = extract_sites(_report(text), _locs(text, "Qasr Nabil airfield"))
    assert (site.kind, site.status, len(site.evidence)) == ("airfield", "expanded", 2)


def test_plural_bases_placed_only_in_a_country_name_no_site() -> None:
    text = "Earlier, the troops had withdrawn from two other bases in Syria."
    assert extract_sites(_report(text), _locs(text, "Syria")) == []


def test_headline_status_joins_the_named_base_whose_own_sentence_states_none() -> None:
    text = "Troops leaving a base in Syria\n\nA convoy of trucks moved out of the base in Qasr Nabil."
    [site] = extract_sites(_report(text), _locs(text, "Syria", "Qasr Nabil"))
    assert (site.location.mention, site.status) == ("Qasr Nabil", "withdrawn")


def test_arabic_site_word_with_a_possessive_suffix() -> None:
    text = "نقلت القوات تعزيزات عسكرية إلى قاعدتها في مرج هلال."
    [site] = extract_sites(_report(text), _locs(text, "مرج هلال"))
    assert (site.kind, site.status, site.location.mention) == ("base", "expanded", "مرج هلال")


def test_actor_between_a_facility_name_and_its_site_word() -> None:
    text = "The general spoke at Marj Hilal U.S. military base, north of Wadi Sura."
    [site] = extract_sites(_report(text), _locs(text, "Marj Hilal", "Wadi Sura"))
    assert site.location.mention == "Marj Hilal"


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        # The site word before its own name: "Camp X", "Base X", "Air Base 101".
        ("The soldiers handed Camp Horvath over to the local army in Wadi Sura.", "Camp Horvath"),
        ("Two drones were launched from Air Base 117 near Wadi Sura early this morning.", "Air Base 117"),
        ("A shipment of supplies reached Base Tellmar, east of Wadi Sura, after a long delay.", "Base Tellmar"),
    ],
)
def test_site_word_before_its_own_name(text: str, mention: str) -> None:
    [site] = extract_sites(_report(text), _locs(text, "Wadi Sura"))
    assert site.location.mention == mention
    assert site.location.lat is None  # an unknown facility: no coordinate made up


def test_exported_site_keeps_its_location_qualifier() -> None:
    from geo_tracker.export import site_to_dict

    text = "US forces set up a base near Marj Hilal."
    [site] = extract_sites(_report(text), _locs(text, "Marj Hilal"))
    assert site_to_dict(site)["qualifier"] == "near"


def test_singular_site_word_and_a_second_place_after_it() -> None:
    text = "The troops pulled out of the Marj Hilal base and Wadi Sura in the north."
    sites = extract_sites(_report(text), _locs(text, "Marj Hilal", "Wadi Sura"))
    assert sorted((s.location.mention, s.status) for s in sites) == [("Marj Hilal", "withdrawn"), ("Wadi Sura", "withdrawn")]
    text = "Soldiers from the Marj Hilal base and Wadi Sura residents met on Monday."
    assert [s.location.mention for s in extract_sites(_report(text), _locs(text, "Marj Hilal", "Wadi Sura"))] == ["Marj Hilal"]


@pytest.mark.parametrize(
    "text",
    [
        # An intended change of an existing site leaves it standing at publication.
        "Asked about the planned relocation of the troops from the base in Marj Hilal, he said nothing.",
        "The planned withdrawal from the Marj Hilal base was confirmed by officials.",
    ],
)
def test_planned_change_of_an_existing_site_leaves_it_established(text: str) -> None:
    [site] = extract_sites(_report(text), _locs(text, "Marj Hilal"))
    assert site.status == "established"


def test_relocation_from_a_site_is_a_withdrawal() -> None:
    text = "The troops completed their relocation from the base in Marj Hilal last week."
    [site] = extract_sites(_report(text), _locs(text, "Marj Hilal"))
    assert site.status == "withdrawn"


def test_facility_name_with_another_spelling_in_brackets() -> None:
    text = "A rocket struck the Turkish Horvath (Horvat) military base, located north of Wadi Sura, at night."
    [site] = extract_sites(_report(text), _locs(text, "Wadi Sura"))
    assert site.location.mention == "Horvath"


def test_named_site_after_from_is_a_site_of_its_own() -> None:
    text = "The forces moved from Horvath airbase toward the south and reinforced Wadi Sura airbase."
    sites = extract_sites(_report(text), _locs(text, "Wadi Sura"))
    assert sorted(s.location.mention for s in sites) == ["Horvath", "Wadi Sura"]
