"""Recognition and resolution rules that generalise across news: nationality words,
news-style abbreviations, people who share their names with places, and document context."""

from __future__ import annotations

import dataclasses

import pytest

from geo_tracker.gazetteer import Gazetteer
from geo_tracker.gazetteer.aliases import alias_spans, alias_target, demonyms
from geo_tracker.models import Place
from geo_tracker.persons import PersonNames
from geo_tracker.recognize import match_span, recognize
from geo_tracker.resolve import resolve


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    # World-layer rows, with the world layer's conventions: first-level regions
    # are "admin1:<ISO 3166-2>", places carry their region's code.
    return Gazetteer.from_places([dataclasses.replace(p, layer="world") for p in [
        Place("us", "United States", "country", "US", 39.8, -98.6, 1500.0),
        Place("ge", "Georgia", "country", "GE", 42.0, 43.5, 200.0),
        Place("admin1:US-GA", "Georgia", "admin1", "US", 32.7, -83.4, 300.0),
        Place("admin1:US-WV", "West Virginia", "admin1", "US", 38.6, -80.6, 200.0),
        Place("sy", "Syria", "country", "SY", 34.8, 38.6, 300.0),
        Place("gainesville-ga", "Gainesville", "town", "US", 34.30, -83.82, 5.0, admin1="GA", population=40000),
        Place("gainesville-fl", "Gainesville", "city", "US", 29.65, -82.32, 5.0, admin1="FL", population=140000),
        Place("lincoln", "Lincoln", "city", "US", 40.8, -96.7, 5.0, admin1="NE", population=280000),
        Place("baker", "Baker", "town", "US", 30.6, -91.2, 3.0, admin1="LA", population=13000),
        Place("atlanta", "Atlanta", "city", "US", 33.75, -84.39, 5.0, admin1="GA", population=500000),
    ]], layer="world")


@pytest.mark.parametrize("word, code", [
    ("Syrian", "SY"), ("Iraqis", "IQ"), ("American", "US"), ("Americans", "US"), ("Palestinian", "PS"),
    ("Lebanese", "LB"), ("سوري", "SY"), ("السوريه", "SY"),
])
def test_nationality_words_name_their_country(word: str, code: str) -> None:
    assert alias_target(word) == (code, "country", code)


def test_shared_nationality_word_means_the_most_populous_country() -> None:
    # "American" is also the Northern Mariana Islands' demonym in the source table.
    assert demonyms()["american"] == "US"


def test_abbreviations_and_where_they_are_read() -> None:
    text = "CHARLESTON, W.Va. — A U.S. team met Ga. officials in Athens, Ga., and the UK envoy."
    found = [text[s:e] for s, e in alias_spans(text)]
    # "Ga." only after a comma (news style); the multi-dot and capital forms anywhere.
    assert found == ["W.Va.", "U.S.", "Ga.", "UK"]
    assert alias_target("W.Va.") == ("West Virginia", "admin1", "US")


def test_lowercase_and_unknown_words_are_not_aliases() -> None:
    assert alias_spans("the syrian side and a Martian") == ()


def test_nationality_word_is_a_mention_of_its_country(gaz: Gazetteer) -> None:
    text = "Syrian troops moved north."
    [m] = recognize(text, gaz)
    assert (m.surface, gaz.place(m.hits[0][0]).id) == ("Syrian", "sy")
    assert match_span(gaz, text, 0, 6).hits == m.hits


def test_state_abbreviation_resolves_to_the_state(gaz: Gazetteer) -> None:
    text = "Officials in Charleston, W.Va. said so."
    locs = {loc.mention: loc.place.id for loc in resolve(text, gaz)}
    assert locs["W.Va."] == "admin1:US-WV"


def test_mentioned_state_decides_between_homonyms(gaz: Gazetteer) -> None:
    # Alone, the larger Gainesville (Florida) wins; with Georgia in the document, Georgia's.
    assert resolve("Rain fell on Gainesville.", gaz)[0].place.id == "gainesville-fl"
    locs = resolve("Rain fell on Gainesville, and later on the rest of Georgia.", gaz)
    assert [loc.place.id for loc in locs] == ["gainesville-ga", "admin1:US-GA"]


def test_neighbouring_places_pull_each_other(gaz: Gazetteer) -> None:
    locs = resolve("Storms hit Atlanta and Georgia overnight.", gaz)
    assert locs[1].place.id == "admin1:US-GA"


@pytest.mark.parametrize("text, name, person", [
    ("Mayor Jim Baker visited the school.", "Baker", True),
    ("Sen. Baker voted no.", "Baker", True),
    ("Michael Baker opened a shop.", "Baker", True),
    ("The court heard that Baker said nothing.", "Baker", True),
    ("Trucks reached Baker on Monday.", "Baker", False),
    ("Abraham Lincoln was born in Kentucky.", "Lincoln", True),
    ("The fair moved to Lincoln this year.", "Lincoln", False),
    ("It ended in the Army. Lincoln was quiet.", "Lincoln", False),
])
def test_people_named_like_places(text: str, name: str, person: bool) -> None:
    start = text.index(name)
    assert PersonNames.of(text).is_person(text, start, start + len(name)) is person


def test_surname_introduced_earlier_is_a_person_later() -> None:
    text = "Gov. Bill Haslam spoke. Later Haslam left."
    start = text.rindex("Haslam")
    assert PersonNames.of(text).is_person(text, start, start + 6)


def test_person_names_are_not_place_mentions(gaz: Gazetteer) -> None:
    text = "Michael Baker and Abraham Lincoln met in Lincoln."
    assert [(m.surface, m.start) for m in recognize(text, gaz)] == [("Lincoln", text.rindex("Lincoln"))]


def test_state_name_before_an_institution_is_still_a_place(gaz: Gazetteer) -> None:
    text = "She studied at a Georgia Tech lab."
    assert [m.surface for m in recognize(text, gaz)] == ["Georgia"]


def test_possessives_and_contractions(gaz: Gazetteer) -> None:
    text = "Georgia's governor and Lincoln’s mayor said I've seen Atlanta's parks."
    assert [m.surface for m in recognize(text, gaz)] == ["Georgia", "Lincoln", "Atlanta"]


def test_every_capitalised_word_after_a_title_is_the_name() -> None:
    text = "President Barack Obama spoke. Later Obama left for Baker."
    people = PersonNames.of(text)
    start = text.rindex("Obama")
    assert people.is_person(text, start, start + 5)
    assert not people.is_person(text, text.index("Baker"), text.index("Baker") + 5)


def test_nationality_words_are_attributes_not_event_places() -> None:
    from geo_tracker.pipeline import extract

    r = extract("A US convoy of 30 trucks left the Syrian town of Al-Qamishli for Iraqi territory "
                "through the Al-Walid border crossing.", published="2021-11-07")
    quals = {loc.mention: loc.qualifier for loc in r.places}
    assert quals["US"] == quals["Syrian"] == "nationality"
    [convoy] = r.convoys
    assert convoy.via is not None and convoy.via.place.id == "sy-al-walid-crossing"
    assert all(loc.qualifier != "nationality" for loc in convoy.waypoints)


def test_very_common_given_name_before_a_surname_is_a_person_even_where_a_region_bears_it() -> None:
    # The Isle of Man has a sheading called Michael; "Michael Eneramo" is still a footballer.
    text = "The keeper brought down Michael Eneramo in the box."
    start = text.index("Michael")
    assert PersonNames.of(text).is_person(text, start, start + 7, well_known=True)
    # A less common given name that is a state stays a place before an institution word.
    text = "A Virginia Tech study."
    assert not PersonNames.of(text).is_person(text, 2, 10, well_known=True)


def test_possessive_comes_off_before_a_longer_lookup():
    # GeoNames lists "Frances" as an alternate name of a Nebraska village; "France's" is France.
    small = Gazetteer.from_places([dataclasses.replace(p, layer="world") for p in [
        Place("fr", "France", "country", "FR", 46.0, 2.0, 400.0),
        Place("tecumseh", "Tecumseh", "village", "US", 40.37, -96.19, 3.0, alt_names=("Frances",), population=1600),
    ]], layer="world")
    [m] = recognize("France's president spoke.", small)
    assert (m.surface, m.key, [small.place(i).id for i, _ in m.hits]) == ("France", "france", ["fr"])


def _world(*places: Place) -> Gazetteer:
    return Gazetteer.from_places([dataclasses.replace(p, layer="world") for p in places], layer="world")


def test_mount_saint_and_fort_answer_to_their_abbreviations():
    small = _world(
        Place("mp-ia", "Mount Pleasant", "town", "US", 40.96, -91.56, 3.0, admin1="IA", population=8433),
        Place("psl", "Port Saint Lucie", "city", "US", 27.29, -80.35, 8.0, admin1="FL", population=200000),
        Place("fw", "Fort Worth", "city", "US", 32.73, -97.32, 15.0, admin1="TX", population=900000),
    )
    text = "The Mt. Pleasant News, Port St. Lucie police and Ft. Worth officials said."
    found = recognize(text, small)
    assert [(m.surface, [small.place(i).id for i, _ in m.hits]) for m in found] == [
        ("Mt. Pleasant", ["mp-ia"]), ("Port St. Lucie", ["psl"]), ("Ft. Worth", ["fw"]),
    ]
    # the abbreviation is the place's own name, as good as the full one for resolution
    assert small.own_name_is(small.index.by_id["mp-ia"], "mt pleasant")


def test_a_saint_in_the_possessive_is_a_feast_or_church_not_a_place():
    small = _world(
        Place("stp", "Saint Patrick", "village", "US", 37.0, -90.0, 3.0, population=600),
        Place("spb", "Saint Petersburg", "city", "RU", 59.94, 30.31, 20.0, population=5000000),
        Place("sjn", "St. John's", "city", "CA", 47.56, -52.71, 10.0, population=100000),
    )
    text = "St. Patrick's Day came to St. Petersburg's streets and St. John's harbour."
    assert [m.surface for m in recognize(text, small)] == ["St. Petersburg", "St. John's"]
