"""Convoy statements that are not one movement (sentences written for these tests)."""

from __future__ import annotations

import geo_tracker


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
