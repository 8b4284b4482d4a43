"""Toponyms that name no place (organisations, modifiers, people, weapons), capitals standing for
their government, and the spellings of regional places that recognition must still find.

All sentences are written for these tests."""

from __future__ import annotations

import pytest

import geo_tracker
from geo_tracker.events import locations_in
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.maps.payload import build_payload
from geo_tracker.models import METONYM, NATIONALITY, NOT_PLACE_QUALIFIERS


def _mentions(text: str, gaz: Gazetteer) -> list[str]:
    return [loc.mention for loc in geo_tracker.extract(text, gazetteer=gaz).places]


def _located(text: str, gaz: Gazetteer) -> list[str]:
    """Mentions that stand for a place (not a nationality word or a government)."""
    return [loc.mention for loc in geo_tracker.extract(text, gazetteer=gaz).places
            if loc.qualifier not in NOT_PLACE_QUALIFIERS]


@pytest.mark.parametrize("text, dropped, kept", [
    ("Fighters of the Lebanon Liberation Front moved towards Homs.", "Lebanon", "Homs"),
    ("Members of the Kurdistan Workers' Party were seen near Sinjar.", "Kurdistan", "Sinjar"),
    ("A correspondent told Jordan 24 that the road to Homs was shut.", "Jordan", "Homs"),
    ("The Lebanon Free TV crew filmed trucks entering Homs.", "Lebanon", "Homs"),
    ("وقال مراسل تلفزيون الأردن إن الرتل وصل إلى حمص", "الأردن", "حمص"),
    ("هاجمت قوات لبنان الديمقراطية مواقع قرب حمص", "لبنان", "حمص"),
    ("Officials of the Autonomous Administration said the trucks reached Qamishli.", "Autonomous Administration", "Qamishli"),
    # political hyphenated modifiers
    ("Iran-backed gunmen were seen on the road to Homs.", "Iran", "Homs"),
    ("Lebanon-led mediation failed, and fighting resumed in Homs.", "Lebanon", "Homs"),
    ("Pro-Turkey factions shelled villages west of Manbij.", "Turkey", "Manbij"),
])
def test_a_toponym_inside_an_organisation_name_or_a_political_modifier_is_no_place(gaz, text, dropped, kept) -> None:
    found = _mentions(text, gaz)
    assert dropped not in found and kept in found


@pytest.mark.parametrize("text, dropped", [
    ("The envoy, Hussein Karimi, arrived in Homs on Monday.", "Hussein"),
    ("Supporters of Bashar al-Assad's government rallied in Homs.", "al-Assad"),
    ("Critics of the Obama administration met in Homs.", "Obama"),
])
def test_part_of_a_persons_name_is_no_place(gaz, text, dropped) -> None:
    found = _mentions(text, gaz)
    assert not any(dropped in m for m in found) and "Homs" in found


def test_a_weapon_system_named_like_a_town_is_no_place(gaz) -> None:
    found = _mentions("The convoy from Erbil included six Bradley fighting vehicles and a Pantsir air defence system.", gaz)
    assert found == ["Erbil"]


@pytest.mark.parametrize("text, capitals", [
    ("Ankara says the operation in Afrin will go on.", ["Ankara"]),
    ("Ankara says a convoy of 30 trucks arrived in Damascus.", ["Ankara"]),
    ("Damascus was shelled overnight, and Ankara is trying to mediate.", ["Ankara"]),
    ("Talks between Baghdad and Washington on the coalition stalled.", ["Baghdad", "Washington"]),
    ("The fighters, backed by Tehran, entered Afrin.", ["Tehran"]),
    ("The regime in power in Damascus sent troops to Afrin.", ["Damascus"]),
])
def test_a_capital_standing_for_its_government_is_a_metonym_kept_in_the_output(gaz, text, capitals) -> None:
    result = geo_tracker.extract(text, gazetteer=gaz)
    marked = [loc.mention for loc in result.places if loc.qualifier == METONYM]
    assert marked == capitals
    assert all(loc.resolved for loc in result.places if loc.qualifier == METONYM)
    assert "Afrin" in _located(text, gaz) or "Afrin" not in text


@pytest.mark.parametrize("text, capitals, places", [
    ("أنقرة تقول إن العملية في عفرين مستمرة", ["أنقرة"], ["عفرين"]),
    ("وأعلنت دمشق أن رتلا وصل إلى تدمر", ["دمشق"], ["تدمر"]),
    ("تعثرت المحادثات بين أنقرة ودمشق حول المعابر", ["أنقرة", "دمشق"], []),
    # a capital that is where something happens stays a place
    ("غادرت الشاحنات دمشق باتجاه تدمر", [], ["دمشق", "تدمر"]),
    ("وصل الوفد إلى أنقرة أمس", [], ["أنقرة"]),
])
def test_an_arabic_capital_standing_for_its_government_is_a_metonym(gaz, text, capitals, places) -> None:
    result = geo_tracker.extract(text, gazetteer=gaz)
    assert [loc.mention for loc in result.places if loc.qualifier == METONYM] == capitals
    assert _located(text, gaz) == places


def test_metonyms_and_nationality_words_are_not_drawn_on_the_map(gaz) -> None:
    result = geo_tracker.extract("Washington says US troops reached Qamishli.", gazetteer=gaz)
    qualifiers = {loc.mention: loc.qualifier for loc in result.places}
    assert qualifiers["Washington"] == METONYM and qualifiers["US"] == NATIONALITY
    drawn = [p["n"] for p in build_payload(places=list(result.places)).places]
    assert len(drawn) == 1 and "Qamishli" in drawn[0]


def test_a_metonym_is_no_event_location(gaz) -> None:
    text = "Damascus announced that a convoy of 40 trucks headed to Palmyra."
    places = geo_tracker.extract(text, gazetteer=gaz).places
    assert [loc.mention for loc in locations_in(places, (0, len(text)))] == ["Palmyra"]


@pytest.mark.parametrize("text", [
    "ونقل ذلك على لسان المتحدث باسم التحالف",
    "وفي تشرين الأول الماضي تحدثت الصحف عن الرتل",
    "قاتلت القوات تنظيم الدولة لسنوات",
    "وصدر القرار عن البيت الأبيض أمس",
    "وصلت الشاحنات في منتصف الليل",
])
def test_common_arabic_words_are_no_places(gaz, text) -> None:
    assert _mentions(text, gaz) == []


def test_the_crossing_is_a_noun_phrase_not_a_name(gaz) -> None:
    assert _mentions("The crossing reopened after two years.", gaz) == []


@pytest.mark.parametrize("text, place_id", [
    ("A patrol was seen in Tel Abiad on Monday.", "sy-tell-abyad"),
    ("The column reached Ain Issaa before noon.", "sy-ain-issa"),
])
def test_spellings_that_start_with_a_short_word_reach_the_regional_place(gaz, text, place_id) -> None:
    ids = [loc.place.id for loc in geo_tracker.extract(text, gazetteer=gaz).places if loc.place]
    assert ids == [place_id]


def test_the_arabic_area_word_before_a_town_is_the_town_area(gaz) -> None:
    [loc] = geo_tracker.extract("وصل الرتل إلى منطقة المالكية صباحا", gazetteer=gaz).places
    assert loc.mention == "المالكية" and loc.place.id == "sy-al-malikiyah" and loc.qualifier == "area"


def test_a_bare_capital_name_is_the_city_not_its_governorate(gaz) -> None:
    [loc] = geo_tracker.extract("The trucks drove on to Basra.", gazetteer=gaz).places
    assert loc.place.kind == "city" and loc.place.id == "iq-basra"


def test_turkey_has_its_arabic_name(gaz) -> None:
    # The world layer's Arabic translation of Turkey was the bird's name.
    [loc] = geo_tracker.extract("عادت القوات إلى تركيا بعد أسبوع", gazetteer=gaz).places
    assert loc.mention == "تركيا" and loc.place.kind == "country" and loc.place.country == "TR"


def test_and_does_not_join_a_country_to_the_next_organisation_name(gaz) -> None:
    found = _mentions("Fighting between Turkey and the Kurdistan Workers' Party went on.", gaz)
    assert "Turkey" in found and "Kurdistan" not in found


def test_a_town_that_shares_its_districts_name_is_the_town(gaz) -> None:
    # The curated district row's name no longer hides the world layer's town of that name.
    [loc] = geo_tracker.extract("وصل الرتل إلى مدينة جسر الشغور", gazetteer=gaz).places
    assert loc.place.kind == "town"


def test_the_kurdish_arabic_spelling_of_the_kurdistan_region(gaz) -> None:
    [loc] = geo_tracker.extract("عبرت الشاحنات من إقليم كوردستان العراق", gazetteer=gaz).places
    assert loc.place.id == "iq-kurdistan-region"
