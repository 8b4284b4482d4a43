"""Cross-report merging: one event per real-world event, every source kept, conflicts shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from geo_tracker.export import event_id
from geo_tracker.merge import date_interval, merge_convoys, merge_sites
from geo_tracker.models import Convoy, DateValue, Evidence, Location, Place, Site
from geo_tracker.outlets import corroboration
from geo_tracker.pipeline import extract

# ---------------------------------------------------------------- reports written for the rules

SOHR_45 = ("On March 9, a convoy of 45 military vehicles and trucks belonging to the US-led coalition entered "
           "Syrian territory via the Al-Walid border crossing with the Kurdistan Region of Iraq, heading towards "
           "Al-Qamishli.")
ASHARQ_50 = ("A convoy of 50 trucks of the international coalition crossed from the Kurdistan Region of Iraq into "
             "Syria through the Al-Waleed crossing yesterday and headed to Qamishli.")
HAWAR_APRIL = ("On April 20, a convoy of 45 trucks of the US-led coalition entered Syria via the Al-Walid border "
               "crossing and headed towards Al-Qamishli.")
NORTH_PRESS_OMAR = ("On March 9, a coalition convoy of 45 trucks moved from the Al-Omar oil field to the Conoco gas "
                    "field in the Deir ez-Zor countryside.")
SANA_BASE = "US forces have established a new military base near Tal Alu in the Al-Yarubiya area."
HAWAR_BASE = "The US-led coalition is planning to build a military base near Tal Alu."


def convoys_of(*reports: tuple[str, str, str]) -> list[Convoy]:
    out = []
    for text, source, published in reports:
        out += extract(text, published=published, source=source).convoys
    return out


def sites_of(*reports: tuple[str, str, str]) -> list[Site]:
    out = []
    for text, source, published in reports:
        out += extract(text, published=published, source=source).sites
    return out


def test_two_outlets_reporting_one_convoy_merge_with_both_sources(gaz):
    merged = merge_convoys(convoys_of((SOHR_45, "SOHR", "2021-03-10"), (ASHARQ_50, "Asharq Al-Awsat", "2021-03-10")))
    assert len(merged) == 1
    c = merged[0]
    assert c.corroboration == 2
    assert {e.source for e in c.evidence} == {"SOHR", "Asharq Al-Awsat"}
    assert any("45 military vehicles" in e.sentence for e in c.evidence)
    assert any("50 trucks" in e.sentence for e in c.evidence)
    assert c.conflicts == ("vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)",)
    assert c.vehicles_min == 45  # the figure every outlet supports ("at least")
    assert c.date.value == dt.date(2021, 3, 9)
    assert c.via.place.id == "sy-al-walid-crossing"


def test_same_route_weeks_apart_stays_two_convoys(gaz):
    merged = merge_convoys(convoys_of((SOHR_45, "SOHR", "2021-03-10"), (HAWAR_APRIL, "Hawar News", "2021-04-21")))
    assert len(merged) == 2
    assert all(c.corroboration == 1 and not c.conflicts for c in merged)


def test_different_routes_same_day_stay_apart(gaz):
    merged = merge_convoys(convoys_of((SOHR_45, "SOHR", "2021-03-10"),
                                      (NORTH_PRESS_OMAR, "North Press", "2021-03-10")))
    assert len(merged) == 2


def test_established_and_planned_base_merge_with_the_conflict_kept(gaz):
    merged = merge_sites(sites_of((SANA_BASE, "SANA", "2021-02-01"), (HAWAR_BASE, "Hawar News", "2021-02-03")))
    assert len(merged) == 1
    s = merged[0]
    assert s.corroboration == 2
    assert s.conflicts == ("status: established (SANA); planned (Hawar News)",)
    assert s.status == "planned"  # the latest statement; the earlier one stays in conflicts and evidence


# ---------------------------------------------------------------- synthetic statements, one rule each

WALID = Place("sy-al-walid-crossing", "Al-Walid crossing", "crossing", "SY", 36.935, 42.172, 25.0)
KRI = Place("iq-kurdistan-region", "Kurdistan Region of Iraq", "region", "IQ", 35.96, 44.50, 200.0)
QAMISHLI = Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.048, 41.225, 5.0)
DEIR = Place("sy-deir-ez-zor", "Deir ez-Zor", "city", "SY", 35.336, 40.14, 5.0)
TAL_ALO = Place("sy-tal-alo-base", "Tal Alo base", "base", "SY", 36.93, 41.80, 3.0)
OMAR = Place("sy-al-omar-oil-field", "Al-Omar oil field", "oil_field", "SY", 35.15, 40.58, 5.0)


def at(place: Place, precision: int = 1, km: float | None = None) -> Location:
    return Location(place.name, 0, len(place.name), place, place.lat, place.lon, precision,
                    place.uncertainty_km if km is None else km)


def day(d: int, text: str | None = "today", month: int = 2, granularity: str = "day") -> DateValue:
    return DateValue(dt.date(2021, month, d), granularity, text)


def convoy(outlet: str, n: int | None, date: DateValue | None, *, rid: str | None = None, actor="US-led coalition",
           origin=KRI, via=WALID, destination=QAMISHLI, direction="entering", note=None) -> Convoy:
    rid = rid or f"{outlet}-{date.value if date else 'undated'}-{n}"
    ev = Evidence(rid, f"{outlet}: {n} vehicles.", outlet, None, date.value if date else None)
    return Convoy(n, actor, ("trucks",), date, at(origin) if origin else None, at(via) if via else None,
                  at(destination) if destination else None, direction, note, evidence=(ev,))


def site(outlet: str, status: str, date: DateValue | None, place: Place = TAL_ALO, kind="base", actor=None,
         rid: str | None = None) -> Site:
    rid = rid or f"{outlet}-{status}-{date.value if date else ''}"
    ev = Evidence(rid, f"{outlet} says {status}.", outlet, None, date.value if date else None)
    return Site(f"{kind}-{place.id}", place.name, kind, status, date, at(place, 2), actor, evidence=(ev,))


def test_one_outlet_on_two_days_reports_two_convoys():
    # SOHR: 50 vehicles on the 6th, "another convoy" of 45 on the 8th.
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), convoy("SOHR", 45, day(8))])) == 2


def test_one_outlet_updating_the_same_day_merges():
    merged = merge_convoys([convoy("SOHR", 50, day(6), rid="a"), convoy("SOHR", 50, day(6), rid="b")])
    assert len(merged) == 1 and merged[0].corroboration == 1 and len(merged[0].evidence) == 2


def test_yesterday_and_today_across_outlets_merge_but_two_days_do_not():
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), convoy("SANA", 50, day(7))])) == 1
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), convoy("SANA", 50, day(8))])) == 2


def test_publication_date_fallback_covers_the_days_before_publication():
    stated, inferred = convoy("SOHR", 50, day(6)), convoy("SANA", 50, day(9, text=None))
    assert len(merge_convoys([stated, inferred])) == 1
    late = convoy("SANA", 50, day(12, text=None))
    assert len(merge_convoys([stated, late])) == 2


def test_incompatible_sizes_stay_apart_and_vague_sizes_fit():
    assert len(merge_convoys([convoy("SOHR", 30, day(6)), convoy("SANA", 270, day(6))])) == 2
    merged = merge_convoys([convoy("SOHR", None, day(6), note="dozens"), convoy("SANA", 60, day(6))])
    assert len(merged) == 1 and merged[0].vehicles_min == 60 and not merged[0].conflicts


def test_opposite_directions_and_different_actors_stay_apart():
    leaving = convoy("SANA", 50, day(6), origin=QAMISHLI, destination=KRI, direction="leaving")
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), leaving])) == 2
    swapped = dataclasses.replace(leaving, direction=None)
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), swapped])) == 2
    russian = convoy("SANA", 50, day(6), actor="Russian forces")
    assert len(merge_convoys([convoy("SOHR", 50, day(6)), russian])) == 2


def test_nearby_destinations_merge_with_a_conflict_far_ones_do_not():
    hasakah = Place("sy-al-hasakah", "Al-Hasakah", "city", "SY", 36.51, 40.76, 5.0)
    merged = merge_convoys([convoy("SOHR", 50, day(6), destination=hasakah), convoy("SANA", 50, day(6))])
    assert len(merged) == 1
    assert merged[0].conflicts == ("destination: Al-Qamishli (SANA); Al-Hasakah (SOHR)",)
    far = Place("sy-damascus", "Damascus", "city", "SY", 33.51, 36.29, 5.0)
    assert len(merge_convoys([convoy("SOHR", 50, day(6), destination=far), convoy("SANA", 50, day(6))])) == 2


def test_routes_must_share_a_place():
    a = convoy("SOHR", 50, day(6), origin=None, via=WALID, destination=None)
    b = convoy("SANA", 50, day(6), origin=OMAR, via=None, destination=DEIR)
    assert len(merge_convoys([a, b])) == 2
    c = convoy("SANA", 50, day(6), origin=None, via=None, destination=None)
    assert len(merge_convoys([a, c])) == 2  # no place at all: nothing ties it to the route


def test_undated_and_same_report_statements_never_merge():
    assert len(merge_convoys([convoy("SOHR", 50, None), convoy("SANA", 50, None)])) == 2
    one, two = convoy("SOHR", 50, day(6), rid="r1"), convoy("SANA", 50, day(6), rid="r1")
    assert len(merge_convoys([one, two])) == 2


def test_an_ambiguous_report_joins_the_closer_convoy_and_never_chains_two():
    sohr_50, sohr_45 = convoy("SOHR", 50, day(6)), convoy("SOHR", 45, day(8))
    asharq = convoy("Asharq Al-Awsat", 50, day(8, text="last week"))
    merged = merge_convoys([sohr_45, asharq, sohr_50])
    assert len(merged) == 2
    joined = next(c for c in merged if c.corroboration == 2)
    assert joined.vehicles_min == 50 and not joined.conflicts


def test_stated_dates_that_differ_are_conflicts():
    merged = merge_convoys([convoy("SOHR", 50, day(6)), convoy("SANA", 50, day(7, text="on Sunday"))])
    assert merged[0].conflicts == ("date: 2021-02-06 (SOHR); 2021-02-07 (SANA)",)
    assert merged[0].date.value == dt.date(2021, 2, 6)


def test_merging_does_not_depend_on_input_order():
    events = [
        convoy("SOHR", 50, day(6)), convoy("SOHR", 45, day(8)), convoy("Asharq Al-Awsat", 50, day(8, text="last week")),
        convoy("SANA", 48, day(7)), convoy("RT", 45, day(9, text=None)), convoy("Mehr", 270, day(7)),
    ]
    expected = None
    for perm in itertools.permutations(events):
        got = [(event_id(c), c.conflicts, c.vehicles_min, c.date) for c in merge_convoys(perm)]
        if expected is None:
            expected = got
        assert got == expected


def test_sites_statuses_are_kept_and_far_places_stay_apart():
    merged = merge_sites([site("SANA", "established", day(10)), site("MEMO", "planned", day(2))])
    assert len(merged) == 1
    assert merged[0].status == "established"
    assert merged[0].conflicts == ("status: planned (MEMO); established (SANA)",)
    assert len(merge_sites([site("SANA", "established", day(2)), site("MEMO", "established", day(3), place=OMAR)])) == 2


def test_a_site_followed_for_a_year_is_one_site_with_its_latest_status():
    # planned -> under construction -> established -> expanded -> withdrawn over a year, three outlets:
    # one site, the latest status, and no "conflict" between statements months apart
    history = [("SANA", "planned", dt.date(2022, 1, 10)), ("SANA", "under_construction", dt.date(2022, 3, 20)),
               ("SOHR", "established", dt.date(2022, 6, 15)), ("North Press", "expanded", dt.date(2022, 9, 10)),
               ("SOHR", "withdrawn", dt.date(2022, 12, 20))]
    statements = [site(outlet, status, DateValue(when, "day", when.isoformat())) for outlet, status, when in history]
    [merged] = merge_sites(statements)
    assert (merged.status, merged.date.value, merged.conflicts) == ("withdrawn", dt.date(2022, 12, 20), ())
    assert merged.corroboration == 3 and len(merged.evidence) == 5
    # two outlets that disagree at the same time still make a conflict note
    [merged] = merge_sites([*statements, site("Hawar", "established", DateValue(dt.date(2022, 12, 22), "day", "x"))])
    assert merged.conflicts == ("status: withdrawn (SOHR); established (Hawar)",)


def test_a_site_kind_may_differ_at_the_same_gazetteer_place():
    kj = Place("sy-kharab-al-jir-airstrip", "Kharab al-Jir airstrip", "airfield", "SY", 36.91, 42.0, 5.0)
    merged = merge_sites([site("Mehr", "unknown", day(7), place=kj), site("SANA", "established", day(8), place=kj,
                                                                          kind="airfield")])
    assert len(merged) == 1
    assert merged[0].status == "established"
    assert merged[0].conflicts == ("kind: base (Mehr); airfield (SANA)",)
    assert len(merge_sites([site("A", "established", day(2)), site("B", "established", day(2), kind="outpost",
                                                                  place=dataclasses.replace(TAL_ALO, id="x"))])) == 2


@pytest.mark.parametrize(("value", "expected"), [
    (DateValue(dt.date(2021, 2, 8), "day", "February 8"), ("2021-02-08", "2021-02-08")),
    (DateValue(dt.date(2021, 2, 8), "day", "last week"), ("2021-02-04", "2021-02-12")),
    (DateValue(dt.date(2021, 2, 8), "day", None), ("2021-02-05", "2021-02-08")),
    (DateValue(dt.date(2021, 12, 1), "month", "in December"), ("2021-12-01", "2021-12-31")),
    (DateValue(dt.date(2021, 1, 1), "year", "in 2021"), ("2021-01-01", "2021-12-31")),
])
def test_date_intervals(value, expected):
    assert tuple(d.isoformat() for d in date_interval(value)) == expected


def test_convoy_leaving_for_where_another_came_from_is_another_convoy() -> None:
    import geo_tracker

    entering = geo_tracker.extract(
        "On February 8, a convoy of 40 US trucks entered Syria from the Kurdistan Region of Iraq through "
        "the Al-Walid border crossing.", published="2021-02-08", source="SOHR").convoys
    leaving = geo_tracker.extract(
        "On February 8, a convoy of 40 US trucks left for the Kurdistan Region of Iraq through "
        "the Al-Walid border crossing.", published="2021-02-08", source="SANA").convoys
    assert len(entering) == len(leaving) == 1
    assert entering[0].origin is not None and leaving[0].destination is not None
    assert len(geo_tracker.merge_convoys(entering + leaving)) == 2


def test_an_outlet_and_its_acronym_are_one_outlet() -> None:
    import geo_tracker

    a = geo_tracker.extract("On February 8, a convoy of 40 trucks entered via the Al-Walid border crossing.",
                            published="2021-02-08", source="SOHR").convoys
    b = geo_tracker.extract("On February 9, a convoy of 60 trucks entered via the Al-Walid border crossing.",
                            published="2021-02-09", source="Syrian Observatory for Human Rights").convoys
    merged = geo_tracker.merge_convoys(a + b)
    # One outlet's convoys on two days are two convoys, each corroborated once.
    assert len(merged) == 2 and all(c.corroboration == 1 for c in merged)


def test_a_report_citing_another_outlet_of_the_event_is_not_a_second_source():
    sohr = Evidence("r1", "A convoy of 50 trucks entered Syria.", source="Syrian Observatory for Human Rights")
    relay = Evidence("r2", "The convoy was large, SOHR said.", source="Asharq Al-Awsat")
    own = Evidence("r3", "A convoy of 50 trucks entered, SANA said.", source="Asharq Al-Awsat")
    assert corroboration((sohr, relay)) == 1
    # citing an outlet that did not report the event leaves the report its own account
    assert corroboration((sohr, own)) == 2
    # one cited sentence is enough for the whole report
    assert corroboration((sohr, Evidence("r2", "Trucks crossed.", source="Asharq Al-Awsat"), relay)) == 1


def test_a_two_letter_acronym_of_a_two_word_outlet_is_no_citation():
    # "Ain Arab" abbreviates to "AA", as "Asharq Al-Awsat" would: not a citation of it.
    asharq = Evidence("r1", "A convoy reached Ain Arab.", source="Asharq Al-Awsat")
    sohr = Evidence("r2", "A convoy reached Ain Arab.", source="SOHR")
    assert corroboration((asharq, sohr)) == 2


def test_an_arabic_report_relaying_an_outlet_is_not_a_second_source():
    sohr = Evidence("r1", "A convoy of 40 trucks entered Syria.", source="SOHR")
    relay = Evidence("r2", "دخلت قافلة من 40 شاحنة، بحسب المرصد السوري لحقوق الإنسان", source="IMLebanon")
    own = Evidence("r3", "دخلت قافلة من 40 شاحنة إلى الشرق الأوسط", source="IMLebanon")
    assert corroboration((sohr, relay)) == 1
    assert corroboration((sohr, own)) == 2


def test_two_named_crossings_that_merge_keep_the_other_crossing_as_a_conflict():
    # Al-Walid's position is a wide estimate, so its radius reaches the Al-Yarubiyah crossing and the
    # two statements merge; the merged route shows one crossing, and the other outlet's must not vanish.
    walid = ("Last week a convoy of 30 trucks entered via the Al-Walid crossing.", "North Press", "2022-05-10")
    rabia = ("On May 2, a convoy of 30 trucks entered via the Al-Yarubiyah crossing heading to Rmelan.",
             "SOHR", "2022-05-10")
    merged = merge_convoys(convoys_of(walid, rabia))
    if len(merged) == 1:
        [c] = merged
        named = {c.via.place.name}
        notes = [n for n in c.conflicts if n.startswith("via: ")]
        assert len(notes) == 1, c.conflicts
        assert "Al-Walid crossing (North Press)" in notes[0] and "Al-Yarubiyah crossing (SOHR)" in notes[0]
        assert notes[0].startswith(f"via: {named.pop()} (")  # the crossing shown comes first
    else:  # kept apart: each keeps its own crossing
        assert {c.via.place.name for c in merged} == {"Al-Walid crossing", "Al-Yarubiyah crossing"}


def test_one_crossing_named_two_ways_is_no_conflict():
    merged = merge_convoys(convoys_of((SOHR_45, "SOHR", "2021-03-10"), (ASHARQ_50, "Asharq Al-Awsat", "2021-03-10")))
    assert len(merged) == 1
    assert not [n for n in merged[0].conflicts if n.startswith("via")]
