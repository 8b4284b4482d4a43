"""Convoy statements and their routes (sentences written for these tests, issue 16)."""

from __future__ import annotations

import geo_tracker


def _convoys(text: str, published: str = "2023-05-12"):
    return geo_tracker.extract(text, published=published).convoys


def _route(convoy) -> dict[str, str]:
    return {role: getattr(convoy, role).mention for role in ("origin", "via", "destination") if getattr(convoy, role)}


def test_a_tally_of_several_convoys_over_a_period_is_not_one_convoy():
    r = geo_tracker.extract(
        "Since the start of the year, the coalition has brought more than 600 trucks in several "
        "convoys into Syria through the Semalka crossing.", published="2023-05-12")
    assert r.convoys == ()


def test_a_single_movement_is_still_a_convoy():
    r = geo_tracker.extract(
        "On Monday a convoy of 30 coalition trucks entered Syria through the Semalka crossing.",
        published="2023-05-12")
    assert [c.vehicles_min for c in r.convoys] == [30]


# ---------------------------------------------------------------- roles, clause by clause


def test_the_country_entered_is_only_a_fallback_destination():
    [convoy] = _convoys("A convoy of 40 trucks entered Syria from Iraq and headed to Rmelan.")
    assert _route(convoy) == {"origin": "Iraq", "destination": "Rmelan"}
    [convoy] = _convoys("A convoy of 40 trucks entered Syria from Iraq.")  # no place in it named
    assert _route(convoy) == {"origin": "Iraq", "destination": "Syria"}


def test_a_nationality_word_is_no_route_point():
    [convoy] = _convoys("A convoy of 25 trucks entered Syrian territory coming from Iraq through the Semalka crossing.")
    assert _route(convoy) == {"origin": "Iraq", "via": "Semalka crossing"}
    assert convoy.direction == "entering"


def test_a_place_a_distance_is_measured_from_is_no_origin():
    convoys = _convoys("A Russian patrol of six armoured vehicles was moving five kilometres from Manbij on Monday.")
    assert all(c.origin is None for c in convoys)


def test_a_town_crossed_on_the_way_is_the_via():
    [convoy] = _convoys("The convoy of 20 trucks crossed the town of Tal Tamr and arrived in Qamishli.")
    assert _route(convoy) == {"via": "Tal Tamr", "destination": "Qamishli"}
    [convoy] = _convoys("وعبرت القافلة بلدة تل تمر ثم وصلت إلى القامشلي.")
    assert _route(convoy) == {"via": "تل تمر", "destination": "القامشلي"}


def test_a_cue_naming_its_own_crossing_does_not_reach_a_later_place():
    # the crossing's name is no known place; the town where the post is to be set up is not the crossing
    [convoy] = _convoys("وصل رتل من 30 آلية تركية من معبر زعفرانة بهدف إقامة نقطة مراقبة بالقرب من خان شيخون")
    assert convoy.via is None


def test_a_force_named_as_the_subject_of_a_movement_through_a_crossing_is_a_convoy():
    [convoy] = _convoys("According to the agency, the US military entered Syria from Iraq through the Al-Walid border crossing.")
    assert _route(convoy) == {"origin": "Iraq", "via": "Al-Walid border crossing", "destination": "Syria"}
    # the actor must be the mover: not a delegation of it
    assert _convoys("An SDF delegation travelled from Qamishli to Damascus for talks.") == ()


def test_the_base_a_convoy_enters_is_the_base_named_before():
    text = ("US forces have kept troops at the Qasrak base since 2019. On Monday a convoy of 13 vehicles "
            "entered the base coming from the Kurdistan Region of Iraq.")
    [convoy] = _convoys(text)
    assert _route(convoy) == {"origin": "Kurdistan Region of Iraq", "destination": "Qasrak base"}


# ---------------------------------------------------------------- one movement, one convoy


def test_a_title_and_the_lead_that_restates_it_are_one_convoy():
    text = ("Coalition convoy reaches Rmelan\n\n"
            "A convoy of 35 coalition trucks arrived at the Rmelan base on Sunday, coming from Iraq "
            "through the Semalka crossing.")
    [convoy] = _convoys(text)
    assert convoy.vehicles_min == 35 and len(convoy.evidence) == 2
    assert _route(convoy)["origin"] == "Iraq" and _route(convoy)["via"] == "Semalka crossing"
    assert convoy.destination.start > text.index("\n")  # the lead's place, which names the base


def test_a_lead_that_calls_the_titles_convoy_another_is_still_that_convoy():
    text = ("12 May 2023\nTurkish convoy enters Idlib\n\n"
            "Another Turkish military convoy entered Idlib on Friday from Hatay.")
    [convoy] = _convoys(text)
    assert len(convoy.evidence) == 2 and convoy.origin.mention == "Hatay"


def test_a_second_convoy_told_after_that_is_another_convoy():
    text = ("A convoy of 70 tankers left for Iraq through the Semalka crossing on Monday. "
            "The source noted that another convoy left the same day through the Al-Walid crossing.")
    convoys = _convoys(text)
    assert [c.via.mention for c in convoys] == ["Semalka crossing", "Al-Walid crossing"]


def test_counts_with_quoted_modifiers_and_glued_conjunctions_add_up():
    [convoy] = _convoys('A convoy of 40 trucks escorted by four armoured "Bradley" vehicles entered via Semalka.')
    assert convoy.vehicles_min == 44
    [convoy] = _convoys("دخلت قافلة من 7 ناقلات و4 سيارات عبر معبر سيمالكا")
    assert convoy.vehicles_min == 11


def test_a_capital_standing_for_its_government_is_no_route_point():
    from geo_tracker.events import extract_convoys
    from geo_tracker.models import Location, Place, Report

    text = "A convoy of 20 trucks left for Damascus, Ankara said."
    def at(mention, qualifier=None):
        place = Place(mention.lower(), mention, "city", "XX", 1.0, 2.0, 5.0)
        return Location(mention, text.index(mention), text.index(mention) + len(mention), place, 1.0, 2.0, qualifier=qualifier)
    [convoy] = extract_convoys(Report("r", text), [at("Damascus", "metonym"), at("Ankara", "metonym")])
    assert convoy.destination is None


def test_trucks_that_cross_every_day_are_a_habit_not_a_convoy():
    assert _convoys("Oil smuggling trucks cross daily from Deir ez-Zor to Iraq, local sources said.") == ()
    assert _convoys("تعبر الشاحنات يومياً من دير الزور إلى العراق") == ()


def test_the_crossing_is_the_via_rather_than_a_town_passed():
    [convoy] = _convoys("A convoy of 30 trucks passed through Tal Tamr and left via the Semalka crossing towards Erbil.")
    assert convoy.via.mention == "Semalka crossing"
    text = "A convoy of 30 trucks passed through Tal Tamr on Monday. The convoy then left via the Semalka crossing."
    [convoy] = _convoys(text)
    assert convoy.via.mention == "Semalka crossing"


# ---------------------------------------------------------------- roles2: general rules


def test_a_second_movement_verb_with_its_own_reinforcements_is_a_second_convoy():
    convoys = _convoys("Last week the Russian army drove a convoy of armoured cars towards Manbij, "
                       "and brought fresh reinforcements to its bases in Tabqa.")
    assert [_route(c) for c in convoys] == [{"destination": "Manbij"}, {"destination": "Tabqa"}]
    # a second verb with no convoy of its own goes on with the same one
    [convoy] = _convoys("A convoy of 40 trucks left Gao for Kidal, and then headed to Tessalit.")
    assert convoy.vehicles_min == 40


def test_where_the_troops_were_stationed_is_their_origin():
    [convoy] = _convoys("French troops stationed in Gao left their base on Monday, heading for Niamey.")
    assert _route(convoy) == {"origin": "Gao", "destination": "Niamey"}
    [convoy] = _convoys("Soldiers based at Kidal left their camp this morning.")
    assert _route(convoy) == {"origin": "Kidal"}
    # after the verb, where the object is stationed is where the convoy goes
    [convoy] = _convoys("A convoy of 20 trucks brought supplies to the French troops stationed in Gao.")
    assert _route(convoy) == {"destination": "Gao"}
    # only a stationing cue makes a place before the verb the movers' origin
    assert _convoys("The militia cut the water from the city of Kidal, and the workers entered the station.") == ()


def test_a_quoted_today_does_not_split_one_movement_in_two():
    convoys = _convoys('French soldiers left their bases in Mali on Tuesday in a first convoy heading for Niger, '
                       'the junta said.\n"Troops based in Gao left their base today," the statement said.',
                       published="2023-05-12")
    assert [_route(c) for c in convoys] == [{"origin": "Gao", "destination": "Niger"}]


def test_the_area_a_convoy_pours_into_is_the_site_just_named():
    [convoy] = _convoys("Russian helicopters landed at the Palmyra airport on Monday. "
                        "Reinforcements of the Syrian army poured into the area from Homs.")
    assert _route(convoy) == {"origin": "Homs", "destination": "Palmyra airport"}


def test_a_later_named_destination_replaces_a_vague_one_as_precise():
    [convoy] = _convoys("A convoy of 30 trucks headed to the countryside of Tabqa on Monday. The convoy later reached Raqqa.")
    assert _route(convoy) == {"destination": "Raqqa"}


def test_entering_a_crossing_or_base_says_nothing_of_the_border_crossed():
    [convoy] = _convoys("A convoy of 40 trucks of the coalition left the Hasakah base on Sunday and entered the Rabia crossing.")
    assert convoy.direction == "leaving"  # from a base in Syria to a crossing on the Iraqi side
    [convoy] = _convoys("A convoy of 40 trucks entered the Semalka crossing from Iraq.")
    assert convoy.direction == "entering"


def test_where_the_convoy_went_on_to_is_its_destination():
    [convoy] = _convoys("A convoy of 30 trucks reached Tabqa on Monday. The convoy then headed on to Raqqa.")
    assert _route(convoy) == {"destination": "Raqqa"}


def test_in_the_direction_of_names_the_destination():
    [convoy] = _convoys("A convoy of 25 trucks travelled in the direction of Shaddadi.")
    assert _route(convoy) == {"destination": "Shaddadi"}


def test_a_count_hyphenated_to_its_noun_is_counted():
    [convoy] = _convoys("A 40-truck convoy entered from the Al-Walid crossing, heading for bases in Hasakah.")
    assert convoy.vehicles_min == 40
