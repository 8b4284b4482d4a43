"""Tests for geo_tracker.events: lexicon, convoys and sites (hand-built locations)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_tracker.events import event_date, extract_convoys, extract_sites
from geo_tracker.events.lexicon import ACTORS, CARGO, SITE_STATUS, find_terms
from geo_tracker.models import Location, Place, Report
from geo_tracker.text import sentence_spans

KINDS = {
    "Al-Walid": "crossing", "الوليد": "crossing", "Al-Yarubiyah": "crossing",
    "Kurdistan Region of Iraq": "region", "إقليم كردستان العراق": "region", "Iraq": "country",
    "Al-Qamishli": "city", "القامشلي": "city", "Hasakah": "admin1", "الحسكة": "admin1",
    "Tal Alu": "village", "Al-Omar oil field": "oil_field", "Kharab al-Jir": "airfield",
    "Rmelan": "town", "Syria": "country", "Tabqa": "city", "منبج": "city", "Deir Ezzor": "admin1",
}


def place(name: str) -> Place:
    slug = "sy-" + name.lower().replace(" ", "-")
    return Place(slug, name, KINDS[name], "SY", 36.0, 41.0, 1.0)


def loc(text: str, name: str, occurrence: int = 0) -> Location:
    """A resolved Location for the ``occurrence``-th mention of ``name`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    p = place(name)
    return Location(name, start, start + len(name), p, p.lat, p.lon)


def report(text: str, published: dt.date | None = dt.date(2021, 2, 10), rid: str = "r1") -> Report:
    return Report(rid, text, published, source="Test Outlet", url="https://example.org/r1")


def locs(text: str, *names: str) -> list[Location]:
    return [loc(text, n) for n in names]


# ---------------------------------------------------------------- lexicon


def test_lexicon_canonical_actors() -> None:
    text = "American forces, the international coalition, التحالف الدولي, القوات الأمريكية, Russian troops, قسد, pro-Iranian militias, regime forces"
    assert [t.label for t in find_terms(ACTORS, text)] == [
        "US-led coalition", "US-led coalition", "US-led coalition", "US-led coalition",
        "Russian forces", "SDF", "Iran-backed militias", "Syrian government forces",
    ]


def test_lexicon_does_not_read_pronoun_us_as_actor() -> None:
    assert find_terms(ACTORS, "let us see") == []


def test_lexicon_cargo_longest_match_wins() -> None:
    text = "refrigerated trucks, fuel tankers, concrete blocks, generators, صهاريج وقود وذخائر"
    assert [t.label for t in find_terms(CARGO, text)] == [
        "refrigerated trucks", "fuel tankers", "concrete blocks", "generators", "fuel tankers", "ammunition",
    ]


def test_lexicon_status_modal_absorbs_verb() -> None:
    assert [t.label for t in find_terms(SITE_STATUS, "plans to establish; began building; تعتزم إنشاء")][:2] == [
        "planned", "under_construction",
    ]


LEXICON_TEXTS = [
    (
        "On February 8, a convoy of 45 military vehicles and trucks entered Syrian territory via the "
        "Al-Walid border crossing; US forces plans to establish a base, opened fire, withdrew from the air base."
    ),
    "Dozens of refrigerated trucks, fuel tankers and APCs crossed into north-east Syria heading towards Hasakah.",
    "non-convoy convoyed reinforcementsX pre-base bases; the U.S.-led coalition's column of Humvees left the country",
    "دخلت قافلة للقوات الأمريكية تضم 30 شاحنة وصهاريج وقود إلى الحسكة عبر معبر الوليد، وتعتزم إنشاء قاعدة",
    "Russian military police and the SDF (QSD) built a checkpoint; regime forces vacated observation posts",
]


def test_lexicon_boundary_factored_out_of_the_alternation() -> None:
    """Each script's locator tests the left boundary once, before its alternation: at every
    position and for every end of the searched range it matches exactly as the alternation
    of the per-surface patterns (boundary at the head of every branch) does."""
    import re

    from geo_tracker.events import lexicon

    for name, vocabulary in vars(lexicon).items():
        if not (name.isupper() and isinstance(vocabulary, dict)):
            continue
        surfaces = [s for forms in vocabulary.values() for s in forms]
        for script in ([s for s in surfaces if not lexicon._ARABIC.search(s)],
                       [s for s in surfaces if lexicon._ARABIC.search(s)]):
            factored = lexicon._alternation(script)
            if factored is None:
                continue
            plain = re.compile("|".join(lexicon._pattern(s) for s in sorted(script, key=len, reverse=True)), re.IGNORECASE)
            for text in LEXICON_TEXTS:
                for end in (len(text), len(text) // 2, text.find(" ", 30)):
                    for pos in range(end):
                        a, b = factored.match(text, pos, end), plain.match(text, pos, end)
                        assert (a and a.span()) == (b and b.span()), (name, text[pos:end])


# ---------------------------------------------------------------- convoys

CONTRACT = (
    "On February 8, a convoy of 45 military vehicles and trucks entered Syrian territory via the "
    "Al-Walid border crossing with the Kurdistan Region of Iraq."
)


def test_contract_convoy() -> None:
    locations = locs(CONTRACT, "Al-Walid", "Kurdistan Region of Iraq")
    [convoy] = extract_convoys(report(CONTRACT), locations)
    assert convoy.vehicles_min == 45
    assert convoy.date is not None and convoy.date.value == dt.date(2021, 2, 8) and convoy.date.granularity == "day"
    assert convoy.via == locations[0]
    assert convoy.origin == locations[1]
    assert convoy.destination is None
    assert convoy.direction == "entering"
    assert convoy.cargo == ("military vehicles", "trucks")
    assert convoy.evidence[0].sentence == CONTRACT
    assert (convoy.evidence[0].source, convoy.evidence[0].published) == ("Test Outlet", dt.date(2021, 2, 10))


@pytest.mark.parametrize(
    ("sentence", "count", "note"),
    [
        ("A convoy of over 50 vehicles and trucks crossed into Syria.", 50, None),
        ("More than 30 trucks entered Syria today.", 30, None),
        ("A convoy of 20 trucks and 5 armoured vehicles entered Syria.", 25, None),
        ("A convoy of fifty trucks entered Syria.", 50, None),
        ("A convoy of dozens of trucks entered Syria.", None, "dozens"),
        ("About 270 vehicles, among them 150 trucks and 120 carriers, left Syria.", 270, None),
        ("A convoy of dozens of vehicles, including 60 armoured vehicles, arrived.", 60, "dozens"),
        ("دخلت قافلة تضم خمسين شاحنة إلى سوريا.", 50, None),
        ("دخل رتل مؤلف من ٤٥ آلية عسكرية.", 45, None),
        ("دخلت عشرات الشاحنات إلى سوريا.", None, "dozens"),
        ("A convoy 20 km from the border was seen.", None, None),
    ],
)
def test_vehicle_counts(sentence: str, count: int | None, note: str | None) -> None:
    convoys = extract_convoys(report(sentence), [])
    if count is None and note is None:
        assert convoys == [] or convoys[0].vehicles_min is None
        return
    assert [(c.vehicles_min, c.vehicles_note) for c in convoys] == [(count, note)]


def test_roles_from_words_before_mentions() -> None:
    text = "A US convoy of 30 trucks coming from Iraq passed through Al-Qamishli heading to the Rmelan base in Hasakah."
    locations = locs(text, "Iraq", "Al-Qamishli", "Rmelan", "Hasakah")
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.origin, convoy.via, convoy.destination) == tuple(locations[:3])
    assert convoy.actor == "US-led coalition"


def test_arabic_convoy_roles_actor_and_cargo() -> None:
    text = (
        "دخلت قافلة للتحالف الدولي مؤلفة من 35 شاحنة تحمل أسلحة وذخائر قادمة من إقليم كردستان العراق "
        "عبر معبر الوليد متجهة إلى القامشلي."
    )
    locations = locs(text, "إقليم كردستان العراق", "الوليد", "القامشلي")
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.origin, convoy.via, convoy.destination) == tuple(locations)
    assert convoy.actor == "US-led coalition"
    assert convoy.vehicles_min == 35
    assert convoy.cargo == ("trucks", "weapons", "ammunition")
    assert convoy.direction == "entering"


def test_leaving_convoy_reverses_other_side() -> None:
    text = (
        "A convoy of 40 American trucks left Syria through the Al-Yarubiyah border crossing with the "
        "Kurdistan Region of Iraq on Sunday."
    )
    locations = locs(text, "Syria", "Al-Yarubiyah", "Kurdistan Region of Iraq")
    [convoy] = extract_convoys(report(text, dt.date(2021, 11, 9)), locations)
    assert convoy.direction == "leaving"
    assert convoy.origin == locations[0]
    assert convoy.via == locations[1]
    assert convoy.destination == locations[2]
    assert convoy.date is not None and convoy.date.value == dt.date(2021, 11, 7)


@pytest.mark.parametrize("text, places", [
    ("A convoy of 40 trucks left for Iraq through the Al-Walid crossing.", ("Al-Walid", "Iraq")),
    ("A convoy of 35 trucks crossed into the Kurdistan Region of Iraq via Al-Walid.", ("Kurdistan Region of Iraq", "Al-Walid")),
    ("Some 30 trucks headed back to northern Iraq via Al-Walid.", ("Iraq", "Al-Walid")),
])
def test_heading_into_iraq_is_leaving(text: str, places: tuple[str, ...]) -> None:
    # "crossed into" alone means entering; into Iraq or the Kurdistan Region it is out of Syria.
    [convoy] = extract_convoys(report(text), locs(text, *places))
    assert convoy.direction == "leaving"


def test_direction_read_off_a_route_across_the_border() -> None:
    # No direction word: the route starts in Syria and ends in Iraq, or the other way round.
    hasakah = Place("sy-al-hasakah", "Al-Hasakah", "city", "SY", 36.5, 40.75, 3.0)
    iraq = Place("iq", "Iraq", "country", "IQ", 33.0, 44.0, 300.0)
    qamishli = Place("sy-qamishli", "Qamishli", "city", "SY", 37.05, 41.22, 3.0)

    def at(text: str, place: Place) -> Location:
        start = text.index(place.name)
        return Location(place.name, start, start + len(place.name), place, place.lat, place.lon)

    out = "A convoy of 20 US military vehicles left Al-Hasakah for Iraq."
    [convoy] = extract_convoys(report(out), [at(out, hasakah), at(out, iraq)])
    assert (convoy.direction, convoy.origin.mention, convoy.destination.mention) == ("leaving", "Al-Hasakah", "Iraq")
    back = "A convoy of 25 trucks came from Iraq and headed to Qamishli."
    [convoy] = extract_convoys(report(back), [at(back, iraq), at(back, qamishli)])
    assert convoy.direction == "entering"
    inside = "A convoy of 25 trucks moved from Al-Hasakah to Qamishli."
    [convoy] = extract_convoys(report(inside), [at(inside, hasakah), at(inside, qamishli)])
    assert convoy.direction is None


def test_arabic_leaving_convoy() -> None:
    text = "خرجت قافلة للقوات الأمريكية تضم 20 شاحنة عبر معبر الوليد الحدودي مع إقليم كردستان العراق."
    locations = locs(text, "الوليد", "إقليم كردستان العراق")
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.direction, convoy.via, convoy.destination, convoy.origin) == ("leaving", locations[0], locations[1], None)


def test_crossing_defaults_to_via_and_with_region_is_origin_when_entering() -> None:
    text = "Yesterday 25 trucks crossed at Al-Walid with the Kurdistan Region of Iraq."
    locations = locs(text, "Al-Walid", "Kurdistan Region of Iraq")
    [convoy] = extract_convoys(report(text, dt.date(2021, 3, 1)), locations)
    assert (convoy.via, convoy.origin) == (locations[0], locations[1])
    assert convoy.date is not None and convoy.date.value == dt.date(2021, 2, 28)


def test_following_sentences_merge_into_one_convoy() -> None:
    text = (
        "On February 8 a coalition convoy entered Syria via Al-Walid. "
        "It comprised 45 trucks loaded with ammunition and generators. "
        "The convoy headed towards Tabqa."
    )
    locations = locs(text, "Syria", "Al-Walid", "Tabqa")
    convoys = extract_convoys(report(text), locations)
    assert len(convoys) == 1
    convoy = convoys[0]
    assert (convoy.vehicles_min, convoy.via, convoy.destination) == (45, locations[1], locations[2])
    assert convoy.cargo == ("trucks", "ammunition", "generators")
    assert len(convoy.evidence) == 3
    assert convoy.date is not None and convoy.date.value == dt.date(2021, 2, 8)


def test_another_convoy_stays_separate() -> None:
    text = "A convoy of 30 trucks entered via Al-Walid. Another convoy of 12 tankers entered via Al-Walid."
    convoys = extract_convoys(report(text), [loc(text, "Al-Walid", 0), loc(text, "Al-Walid", 1)])
    assert [c.vehicles_min for c in convoys] == [30, 12]


def test_undated_convoy_falls_back_to_publication_date() -> None:
    [convoy] = extract_convoys(report("A convoy of 10 trucks entered Syria."), [])
    assert convoy.date is not None
    assert (convoy.date.value, convoy.date.granularity, convoy.date.text) == (dt.date(2021, 2, 10), "day", None)


def test_convoy_without_publication_or_date_has_no_date() -> None:
    [convoy] = extract_convoys(report("A convoy of 10 trucks entered Syria.", None), [])
    assert convoy.date is None


def test_actor_carried_from_previous_sentence_and_month_date() -> None:
    text = "Russian forces reinforced their positions. Last month a column of 12 armoured vehicles arrived in Tabqa."
    [convoy] = extract_convoys(report(text, dt.date(2021, 1, 20)), locs(text, "Tabqa"))
    assert convoy.actor == "Russian forces"
    assert convoy.date is not None and (convoy.date.value, convoy.date.granularity) == (dt.date(2020, 12, 1), "month")
    assert convoy.cargo == ("armoured vehicles",)


def test_no_convoy_in_unrelated_sentence() -> None:
    assert extract_convoys(report("The SDF said the situation in Hasakah was calm."), []) == []


def test_event_date_carries_paragraph_date() -> None:
    text = "On 8 February a convoy came. It had 5 trucks.\nIt rained."
    r = report(text)
    spans = sentence_spans(text)
    assert event_date(r, spans, 1).value == dt.date(2021, 2, 8)  # type: ignore[union-attr]
    assert event_date(r, spans, 2).text is None  # new paragraph: publication date


# ---------------------------------------------------------------- sites

AL_OMAR = (
    "Last month a military airport was established at the base in the Al-Omar oil field in "
    "Deir Ezzor's eastern countryside."
)


def test_airfield_at_oil_field_base() -> None:
    locations = locs(AL_OMAR, "Al-Omar oil field", "Deir Ezzor")
    [site] = extract_sites(report(AL_OMAR, dt.date(2021, 2, 17)), locations)
    assert (site.kind, site.status) == ("airfield", "established")
    assert site.location == locations[0] and site.location.precision == 1
    assert site.id == "airfield-sy-al-omar-oil-field"
    assert site.name == "Airfield at Al-Omar oil field"
    assert site.date is not None and (site.date.value, site.date.granularity) == (dt.date(2021, 1, 1), "month")


def test_base_near_village_has_precision_two() -> None:
    text = "At the end of last month US forces began establishing a base near Tal Alu."
    [site] = extract_sites(report(text, dt.date(2021, 2, 17)), locs(text, "Tal Alu"))
    assert (site.kind, site.status, site.name, site.id) == ("base", "under_construction", "Base near Tal Alu", "base-sy-tal-alu")
    assert site.location.precision == 2
    assert site.actor == "US-led coalition"
    assert site.date is not None and site.date.value == dt.date(2021, 1, 1)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The coalition plans to establish a base in Tabqa.", "planned"),
        ("The coalition intends to build a base in Tabqa.", "planned"),
        ("التحالف تعتزم إنشاء قاعدة في منبج.", "planned"),
        ("Construction of a base in Tabqa is ongoing.", "under_construction"),
        ("The coalition is building a base in Tabqa.", "under_construction"),
        ("بدأت القوات الأمريكية ببناء قاعدة في منبج.", "under_construction"),
        ("US forces set up a base in Tabqa.", "established"),
        ("أنشأت القوات الروسية قاعدة في منبج.", "established"),
        ("Russian forces expanded their base in Tabqa.", "expanded"),
        ("بدأت القوات الأمريكية بتوسيع قاعدة في منبج.", "expanded"),
        ("Russian forces withdrew from their base in Tabqa.", "withdrawn"),
        ("The coalition handed over the checkpoint in Tabqa to the SDF.", "withdrawn"),
        ("انسحبت القوات التركية من نقطة المراقبة في منبج.", "withdrawn"),
        ("US troops patrolled near the base in Tabqa.", "unknown"),
    ],
)
def test_site_status(text: str, status: str) -> None:
    name = "Tabqa" if "Tabqa" in text else "منبج"
    sites = extract_sites(report(text), locs(text, name))
    assert [s.status for s in sites] == [status]


def test_withdrawn_from_established_base_uses_nearest_cue() -> None:
    text = "Russian troops withdrew from the base they had established in Tabqa."
    [site] = extract_sites(report(text), locs(text, "Tabqa"))
    assert site.status == "withdrawn" and site.actor == "Russian forces"


def test_site_kinds_and_features() -> None:
    text = "The coalition expanded the base in Tabqa, adding a helipad, an airstrip and air defence systems."
    [site] = extract_sites(report(text), locs(text, "Tabqa"))
    assert (site.kind, site.status) == ("base", "expanded")
    assert site.features == ("helipad", "airstrip", "air defence")


def test_landing_strip_at_base_is_an_airfield() -> None:
    text = "US forces began building a landing strip at their base in Tabqa."
    [site] = extract_sites(report(text), locs(text, "Tabqa"))
    assert (site.kind, site.status, site.name) == ("airfield", "under_construction", "Airfield in Tabqa")


def test_place_that_is_a_base_names_the_site() -> None:
    text = "US forces reinforced the Kharab al-Jir airfield with missile launchers."
    [site] = extract_sites(report(text), locs(text, "Kharab al-Jir"))
    assert (site.kind, site.name, site.status, site.features) == ("airfield", "Kharab al-Jir", "expanded", ("missile launchers",))
    assert site.location.precision == 1


def test_arabic_checkpoint_and_outpost_kinds() -> None:
    text = "أقامت قوات النظام حاجزا عسكريا قرب منبج."
    [site] = extract_sites(report(text), locs(text, "منبج"))
    assert (site.kind, site.status, site.actor, site.name) == ("checkpoint", "established", "Syrian government forces", "Checkpoint near منبج")
    assert site.location.precision == 2


def test_site_mentions_merge_within_report() -> None:
    text = "A base near Tal Alu was mentioned. US forces began establishing the base near Tal Alu."
    sites = extract_sites(report(text), [loc(text, "Tal Alu", 0), loc(text, "Tal Alu", 1)])
    assert len(sites) == 1
    assert sites[0].status == "under_construction"
    assert len(sites[0].evidence) == 2


def test_site_without_location_is_skipped() -> None:
    assert extract_sites(report("US forces set up a new base."), []) == []


# ---------------------------------------------------------------- find_terms' word pre-check

def _latin_surfaces() -> list[tuple[str, str]]:
    from geo_tracker.events import lexicon

    vocabularies = [name for name in lexicon.__all__ if isinstance(getattr(lexicon, name), dict)]
    return [
        (name, surface)
        for name in vocabularies
        for surfaces in getattr(lexicon, name).values()
        for surface in surfaces
        if not lexicon._ARABIC.search(surface)
    ]


@pytest.mark.parametrize("name, surface", _latin_surfaces())
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_cue_contains_a_pre_check_word(name: str, surface: str, data) -> None:
    """The words find_terms looks for first are in every text a vocabulary's cue matches
    (texts generated from the cue's own regex, odd cases included)."""
    import re

    from geo_tracker.events import lexicon
    from geo_tracker.text import fold_case

    vocabulary = getattr(lexicon, name)
    matcher = lexicon._matcher(tuple((k, tuple(v)) for k, v in vocabulary.items()), lexicon._LATIN)
    assert matcher is not None and matcher.words is not None, name
    regex = re.compile(lexicon._pattern(surface), re.IGNORECASE)
    text = data.draw(st.from_regex(regex))
    odd = text.translate(str.maketrans({"i": "\u0130", "s": "\u017f", "k": "\u212a"}))
    if data.draw(st.booleans()) and regex.search(odd):
        text = odd
    match = regex.search(text)
    assert matcher.words.search(fold_case(text), match.start(), match.end()), (surface, text)


_WORDS = ["convoy", "Convoy", "CONVOYS", "trucks", "entered", "enterED", "left", "ſent", "base", "bases", "airport",
          "U.S.", "US", "us", "the", "of", "Syria", "-", ",", ".", " ", "\n", "dozens of", "قافلة", "دخلت", "ال", "İ",
          "establish", "column of", "military", "positions", "withdrew", "42", "armoured", "vehicles"]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=20), cut=st.integers(0, 5))
def test_find_terms_pre_check_changes_nothing(words: list[str], cut: int) -> None:
    """find_terms gives the same cues with and without its word pre-check."""
    import dataclasses
    import unittest.mock

    from geo_tracker.events import lexicon

    text = " ".join(words)
    start, end = min(cut, len(text)), max(len(text) - cut, min(cut, len(text)))
    vocabularies = [getattr(lexicon, n) for n in lexicon.__all__ if isinstance(getattr(lexicon, n), dict)]
    checked = [find_terms(v, text, start, end) for v in vocabularies]
    plain = lexicon._matcher.__wrapped__

    def without_words(items, script):
        matcher = plain(items, script)
        return None if matcher is None else dataclasses.replace(matcher, words=None)

    with unittest.mock.patch.object(lexicon, "_matcher", without_words):
        assert [find_terms(v, text, start, end) for v in vocabularies] == checked
