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
        # A base the report names as existing, with no other cue, is established (corpus rule).
        ("US troops patrolled near the base in Tabqa.", "established"),
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


# ---------------------------------------------------------------- modality: denied, expected and intended events


def _site_at(text: str, name: str, kind: str = "base", occurrence: int = 0) -> Location:
    """A resolved Location of ``kind`` for a mention not in KINDS (bases, towns of the modality tests)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(name, start + 1)
    p = Place("sy-" + name.lower().replace(" ", "-"), name, kind, "SY", 35.0, 40.0, 3.0)
    return Location(name, start, start + len(name), p, p.lat, p.lon)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("The convoy did not enter Syria.", "enter", "negated"),
        ("US forces have not yet withdrawn from the base.", "withdrawn", "negated"),
        ("The coalition denied it had withdrawn from the base.", "withdrawn", "negated"),
        ("US forces will not withdraw from the base.", "withdraw", "negated"),
        ("لم تدخل القافلة الأراضي السورية", "تدخل", "negated"),
        ("نفت القوات الأمريكية انسحابها من القاعدة", "انسحابها", "negated"),
        ("A convoy is expected to arrive next week.", "arrive", "planned"),
        ("US forces are preparing to withdraw from the base.", "withdraw", "planned"),
        ("The coalition intends to leave the base.", "leave", "planned"),
        ("من المتوقع أن تصل القافلة إلى رميلان", "تصل", "planned"),
        ("تستعد القوات الأمريكية للانسحاب من القاعدة", "للانسحاب", "planned"),
        ("يعتزم التحالف الانسحاب من القاعدة", "الانسحاب", "planned"),
        ("A convoy of no fewer than 40 trucks entered Syria.", "entered", None),
        ("A convoy of not less than 40 trucks entered Syria.", "entered", None),
        ("قافلة لا يقل عدد آلياتها عن 40 دخلت سوريا", "دخلت", None),
        ("The coalition denied the report, but a convoy entered Syria.", "entered", None),
        ("A convoy that did not stop at the town entered Syria.", "entered", None),
        ("A convoy entered Syria and did not stop.", "entered", None),
        ("As expected, the convoy entered Syria.", "entered", None),
        ("In May a convoy entered Syria.", "entered", None),
    ],
)
def test_modality_of_event_word(text: str, word: str, expected: str | None) -> None:
    from geo_tracker.events.modality import modality

    assert modality(text, text.index(word)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The convoy did not enter Syria through the Al-Walid crossing.",
        "No convoy has entered Syria through the Al-Walid crossing.",
        "A convoy of 50 trucks is expected to arrive at Rmelan next week.",
        "A convoy of 30 trucks will reach Rmelan.",
        "لم تدخل القافلة عبر معبر الوليد.",
        "من المتوقع أن تصل قافلة من 50 شاحنة إلى رميلان الأسبوع المقبل.",
        "نفت قوات التحالف دخول رتل من 30 شاحنة عبر معبر الوليد.",
    ],
)
def test_denied_or_expected_convoy_is_no_movement(text: str) -> None:
    names = [n for n in ("Al-Walid", "الوليد", "Rmelan", "Syria") if n in text]
    assert extract_convoys(report(text), locs(text, *names)) == []


def test_stated_convoy_beside_denial_or_quantifier_is_kept() -> None:
    text = ("The coalition denied the report, but a convoy of no fewer than 20 trucks entered Syria "
            "via Al-Walid. It did not stop at Rmelan.")
    [convoy] = extract_convoys(report(text), locs(text, "Syria", "Al-Walid", "Rmelan"))
    assert (convoy.vehicles_min, convoy.direction, convoy.via.mention) == (20, "entering", "Al-Walid")
    assert convoy.destination.mention == "Syria" and len(convoy.evidence) == 1  # the denied stop adds nothing


@pytest.mark.parametrize(
    ("text", "name", "status"),
    [
        # A denied or only intended change of an existing site leaves it established at publication
        # (the corpus rule reads the status at publication); never 'withdrawn'.
        ("The US-led coalition denied it had withdrawn from the Al-Omar oil field base.", "Al-Omar oil field base", "established"),
        ("US forces will not withdraw from the Tanf base.", "Tanf", "established"),
        ("نفى التحالف انسحاب قواته من قاعدة التنف.", "التنف", "established"),
        ("لا صحة لانسحاب القوات الأمريكية من قاعدة التنف.", "التنف", "established"),
        ("US forces are preparing to withdraw from the Tanf base.", "Tanf", "established"),
        ("US forces will withdraw from the Tanf base.", "Tanf", "established"),
        ("تستعد القوات الأمريكية للانسحاب من قاعدة التنف.", "التنف", "established"),
        ("يعتزم التحالف الانسحاب من قاعدة التنف.", "التنف", "established"),
        # An intended site that does not exist yet is planned; a denied one has no status.
        ("The coalition intends to build a base near Tanf.", "Tanf", "planned"),
        ("The coalition denied it had built a base near Tanf.", "Tanf", "unknown"),
        ("Russian forces withdrew from their base in Tabqa.", "Tabqa", "withdrawn"),
    ],
)
def test_denied_or_intended_site_status(text: str, name: str, status: str) -> None:
    [site] = extract_sites(report(text), [_site_at(text, name)])
    assert site.status == status


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("A convoy of 60 vehicles left the Conoco gas field base towards Iraq.", "Conoco gas field base"),
        ("A convoy of 60 vehicles withdrew from the Conoco base towards Iraq.", "Conoco"),
        ("غادرت قافلة عسكرية قاعدة كونيكو باتجاه العراق.", "كونيكو"),
    ],
)
def test_convoy_leaving_a_base_does_not_withdraw_it(text: str, name: str) -> None:
    """A convoy moving out of a base is not the force leaving it (as for the Mehr sample's
    "set out from the US base at Kharab al-Jir"): the base sends a convoy, so it is established."""
    [site] = extract_sites(report(text), [_site_at(text, name)])
    assert site.status == "established"


def test_forces_leaving_a_base_in_a_convoy_still_withdraw() -> None:
    text = "US forces withdrew from the Conoco base in a convoy of 60 vehicles."
    [site] = extract_sites(report(text), [_site_at(text, "Conoco")])
    assert site.status == "withdrawn"


@pytest.mark.parametrize(
    "text",
    [
        "US forces returned to the Tal Baydar base they had left in 2019.",
        "US forces returned to the Tal Baydar base, which they had abandoned in 2019.",
        "عادت القوات الأمريكية إلى قاعدة تل بيدر التي كانت قد انسحبت منها عام 2019.",
    ],
)
def test_return_to_a_base_reestablishes_it_dated_by_the_report(text: str) -> None:
    name = "Tal Baydar" if "Tal Baydar" in text else "تل بيدر"
    [site] = extract_sites(report(text), [_site_at(text, name)])
    assert site.status == "established"
    assert site.date is not None and (site.date.value, site.date.text) == (dt.date(2021, 2, 10), None)


def test_return_keeps_its_own_date_and_convoy_return_is_no_status() -> None:
    text = "On 3 February US forces returned to the Tal Baydar base, which they had left in 2019."
    [site] = extract_sites(report(text), [_site_at(text, "Tal Baydar")])
    assert site.status == "established" and site.date.value == dt.date(2021, 2, 3)
    text = "The convoy returned to the Tal Baydar base."
    [site] = extract_sites(report(text), [_site_at(text, "Tal Baydar")])
    assert site.status == "established" and site.date.text is None  # receives a convoy; no re-establishing cue


# ---------------------------------------------------------------- convoys: one per clause, context, territory

_PLACES = {
    "Al-Walid": Place("sy-al-walid", "Al-Walid", "crossing", "SY", 36.93, 42.17, 25.0),
    "Semalka": Place("sy-semalka", "Semalka", "crossing", "SY", 37.12, 42.13, 2.0),
    "Qamishli airport": Place("sy-qamishli-airport", "Qamishli airport", "airport", "SY", 37.02, 41.19, 1.5),
    "Al-Bukamal": Place("sy-al-bukamal", "Al-Bukamal", "city", "SY", 34.45, 40.92, 3.0),
    "Conoco": Place("sy-conoco", "Conoco", "gas_field", "SY", 35.34, 40.31, 4.0),
    "Al-Shaddadi base": Place("sy-al-shaddadi-base", "Al-Shaddadi base", "base", "SY", 36.03, 40.75, 6.0),
    "Syria": Place("sy-syria", "Syria", "country", "SY", 34.82, 38.58, 319.0),
    "Iraq": Place("iq-iraq", "Iraq", "country", "IQ", 33.22, 42.52, 485.0),
}


def _at(text: str, mention: str, name: str | None = None, qualifier: str | None = None) -> Location:
    """A Location of ``_PLACES[name or mention]`` at ``mention``; countries at precision 3."""
    p, start = _PLACES[name or mention], text.index(mention)
    return Location(mention, start, start + len(mention), p, p.lat, p.lon,
                    precision=3 if p.kind == "country" else 1, uncertainty_km=p.uncertainty_km, qualifier=qualifier)


def _summary(convoys: list) -> list[tuple]:
    return [(c.vehicles_min, c.direction, c.via.mention if c.via else None,
             c.date.value if c.date else None, c.cargo) for c in convoys]


def test_two_convoys_in_one_sentence_stay_apart() -> None:
    text = ("40 trucks entered Syria on March 3 via Al-Walid and another convoy of 20 trucks left through "
            "Semalka on March 5.")
    convoys = extract_convoys(report(text, dt.date(2021, 3, 10)), [_at(text, "Syria"), _at(text, "Al-Walid"),
                                                                    _at(text, "Semalka")])
    assert _summary(convoys) == [
        (40, "entering", "Al-Walid", dt.date(2021, 3, 3), ("trucks",)),
        (20, "leaving", "Semalka", dt.date(2021, 3, 5), ("trucks",)),  # left through a crossing: leaving
    ]
    assert convoys[0].destination.mention == "Syria" and convoys[1].destination is None


@pytest.mark.parametrize("text", [
    "On March 3, US forces brought in 20 trucks via Al-Walid and 30 via Semalka.",
    "On March 3, US forces brought in 20 trucks via Al-Walid, while another 30 entered through Semalka.",
])
def test_second_count_with_its_own_route_is_a_second_convoy(text: str) -> None:
    convoys = extract_convoys(report(text, dt.date(2021, 3, 10)), [_at(text, "Al-Walid"), _at(text, "Semalka")])
    assert _summary(convoys) == [
        (20, "entering", "Al-Walid", dt.date(2021, 3, 3), ("trucks",)),
        (30, "entering", "Semalka", dt.date(2021, 3, 3), ("trucks",)),  # date, actor, cargo shared
    ]
    assert [c.actor for c in convoys] == ["US-led coalition"] * 2
    assert all(c.evidence[0].sentence == text for c in convoys)


@pytest.mark.parametrize("text", [
    "A convoy of 45 trucks entered via Al-Walid, and 20 of them headed to Semalka.",
    "A convoy entered Syria with 20 trucks and 25 tankers via Al-Walid.",
    "A convoy of 45 trucks entered via Al-Walid, 20 km from Semalka.",
])
def test_parts_of_one_convoy_are_not_a_second_convoy(text: str) -> None:
    names = [n for n in ("Syria", "Al-Walid", "Semalka") if n in text]
    [convoy] = extract_convoys(report(text), [_at(text, n) for n in names])
    assert convoy.vehicles_min == 45


@pytest.mark.parametrize("text", [
    "Two convoys of 20 and 35 trucks entered Syria via Al-Walid on March 3.",
    "دخلت قافلتان من 20 و35 شاحنة عبر Al-Walid في الثالث من آذار.",
])
def test_convoys_counted_together_are_one_record_each(text: str) -> None:
    # One record per convoy: merge.py compares one convoy's size with another outlet's.
    convoys = extract_convoys(report(text, dt.date(2021, 3, 10)), [_at(text, "Al-Walid")])
    assert _summary(convoys) == [(n, "entering", "Al-Walid", dt.date(2021, 3, 3), ("trucks",)) for n in (20, 35)]


def test_convoys_counted_together_take_a_continuation_each() -> None:
    text = "Two convoys of 20 and 35 trucks entered via Al-Walid. They headed to Al-Bukamal."
    convoys = extract_convoys(report(text), [_at(text, "Al-Walid"), _at(text, "Al-Bukamal")])
    assert [(c.vehicles_min, c.destination.mention, len(c.evidence)) for c in convoys] == [
        (20, "Al-Bukamal", 2), (35, "Al-Bukamal", 2)]


@pytest.mark.parametrize(("text", "count"), [
    ("A convoy of 30 trucks (approx. 40 vehicles) entered Syria.", 40),
    ("A convoy of 50 trucks (about 40 of them refrigerated) entered Syria.", 50),
    ("دخلت قافلة من 30 شاحنة (نحو 40 آلية) إلى سوريا.", 40),
    ("A convoy of 50 trucks (and 10 tanks) entered Syria.", 60),
])
def test_bracketed_count_restates_the_count(text: str, count: int) -> None:
    [convoy] = extract_convoys(report(text), [])
    assert convoy.vehicles_min == count


def test_meanwhile_starts_another_convoy_without_the_earlier_actor_or_day() -> None:
    text = ("Russian forces sent reinforcements to Qamishli airport on Monday. "
            "Meanwhile, a convoy of 40 trucks entered via the Al-Walid crossing.")
    convoys = extract_convoys(report(text), [_at(text, "Qamishli airport"), _at(text, "Al-Walid")])
    assert [(c.actor, c.vehicles_min, c.date.value, c.date.text) for c in convoys] == [
        ("Russian forces", None, dt.date(2021, 2, 8), "on Monday"),
        (None, 40, dt.date(2021, 2, 10), None),  # the report's date, not Monday
    ]
    text = ("On Monday Russian forces reinforced their positions at Qamishli airport. "
            "Meanwhile, a convoy of 40 trucks entered via the Al-Walid crossing.")
    [convoy] = extract_convoys(report(text), [_at(text, "Qamishli airport"), _at(text, "Al-Walid")])
    assert (convoy.actor, convoy.date.text) == (None, None)


def test_new_convoy_does_not_inherit_the_actor_of_another_movement() -> None:
    text = ("On Monday Iran-backed militias moved fighters to Al-Bukamal. "
            "A convoy of 10 tankers left the Conoco field towards Iraq.")
    *_, convoy = extract_convoys(report(text), [_at(text, "Al-Bukamal"), _at(text, "Conoco"), _at(text, "Iraq")])
    assert (convoy.actor, convoy.date.text, convoy.vehicles_min) == (None, None, 10)


def test_continuation_and_background_sentences_still_give_actor_and_date() -> None:
    text = ("On Monday a US convoy of 40 trucks entered via Al-Walid. The convoy then headed to Al-Bukamal. "
            "Meanwhile, the convoy was joined by 5 tankers.")
    [convoy] = extract_convoys(report(text), [_at(text, "Al-Walid"), _at(text, "Al-Bukamal")])
    assert (convoy.actor, convoy.date.value, convoy.destination.mention) == (
        "US-led coalition", dt.date(2021, 2, 8), "Al-Bukamal")
    assert len(convoy.evidence) == 3
    text = "On Monday Russian forces reinforced their positions. A column of 12 trucks arrived in Al-Bukamal."
    [convoy] = extract_convoys(report(text), [_at(text, "Al-Bukamal")])
    assert (convoy.actor, convoy.date.value) == ("Russian forces", dt.date(2021, 2, 8))


def test_territory_named_by_a_nationality_word_is_no_route_point() -> None:
    # "Syrian territory", "الأراضي السورية": the movement is into or out of the country (a convoy),
    # but the nationality word is not a place mention and fills no route role (issue 16)
    text = "خرج رتل للقوات الأمريكية من الأراضي السورية باتجاه العراق"
    locations = [_at(text, "السورية", "Syria", qualifier="nationality"), _at(text, "العراق", "Iraq")]
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.direction, convoy.origin, convoy.destination.place.id) == ("leaving", None, "iq-iraq")
    text = "A convoy of 20 trucks left Al-Shaddadi base towards Iraqi territory."
    locations = [_at(text, "Al-Shaddadi base"), _at(text, "Iraqi", "Iraq", qualifier="nationality")]
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.direction, convoy.origin.mention, convoy.destination) == ("leaving", "Al-Shaddadi base", None)
    text = "Dozens of trucks entered Syrian territory."
    [convoy] = extract_convoys(report(text), [_at(text, "Syrian", "Syria", qualifier="nationality")])
    assert (convoy.direction, convoy.destination) == ("entering", None)
    text = "A convoy of Iraqi trucks entered via Al-Walid."  # a nationality word stays an attribute
    [convoy] = extract_convoys(report(text), [_at(text, "Iraqi", "Iraq", qualifier="nationality"), _at(text, "Al-Walid")])
    assert (convoy.origin, convoy.destination) == (None, None)


def test_arabic_second_count_with_its_own_crossing_is_a_second_convoy() -> None:
    text = "دخلت قافلة من 30 شاحنة عبر Al-Walid في الثالث من آذار، و15 شاحنة أخرى عبر Semalka"
    convoys = extract_convoys(report(text, dt.date(2021, 3, 10)), [_at(text, "Al-Walid"), _at(text, "Semalka")])
    assert _summary(convoys) == [
        (30, "entering", "Al-Walid", dt.date(2021, 3, 3), ("trucks",)),
        (15, "entering", "Semalka", dt.date(2021, 3, 3), ("trucks",)),
    ]


def test_masculine_arabic_verbs_and_nationality_adjectives() -> None:
    # "An American military convoy of 30 trucks left Syrian territory towards Iraq": the masculine
    # verb خرج and the adjective أمريكي after a masculine noun
    text = "خرج رتل عسكري أمريكي مؤلف من 30 شاحنة من الأراضي السورية باتجاه العراق"
    locations = [_at(text, "السورية", "Syria", qualifier="nationality"), _at(text, "العراق", "Iraq")]
    [convoy] = extract_convoys(report(text), locations)
    assert (convoy.vehicles_min, convoy.actor, convoy.direction) == (30, "US-led coalition", "leaving")
    [convoy] = extract_convoys(report("دخل رتل روسي إلى Semalka"), [_at("دخل رتل روسي إلى Semalka", "Semalka")])
    assert convoy.actor == "Russian forces"
