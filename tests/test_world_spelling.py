"""Reporters' spellings of world-layer places in the covered countries, and Arabic conjunctions.

GeoNames spells a Syrian or Iraqi town once ("An Nu‘mānīyah"); a report writes it as heard
("Numaniya"). World populated places of the covered countries carry the same transliteration
skeleton keys as curated rows, behind the same safeguards: a word spelled exactly as something
else, or an ordinary word opening a sentence, is not replaced by a guess.
"""

import pytest

from geo_tracker.resolve import resolve


def ids(text, gaz):
    return [loc.place.id for loc in resolve(text, gaz)]


@pytest.mark.parametrize(
    "text",
    [
        "Supply trucks unloaded in Numaniya, Iraq, on Monday.",
        "Supply trucks unloaded in al-Numaniya, Iraq, on Monday.",
        "Earlier, supply trucks unloaded in Numaniya, Iraq.",
    ],
)
def test_world_town_in_a_reporters_spelling(gaz, text):
    # GeoNames: An Nu‘mānīyah, Wasit, Iraq (geonameid 98846); no table lists "Numaniya".
    # A guess needs the report to name the country (or another place in it) as written.
    found = ids(text, gaz)
    assert found[0] == "gn:98846" and len(found) == 2, found


def test_world_village_with_iya_for_iyah(gaz):
    # GeoNames: Zākīyah, Syria (geonameid 162560), written without its long-vowel marks and -h.
    assert ids("The patrol returned to Zakiya in Syria at night.", gaz)[0] == "gn:162560"


def test_arabic_conjunction_before_a_name_starting_with_waw(gaz):
    # "كبيرة" (large) stays an adjective: only the conjunctions و and ف are peeled before a name
    # that itself starts with a proclitic letter.
    locs = resolve("وصلت شاحنات كبيرة إلى البصرة وواسط أمس", gaz)
    assert [l.place.name for l in locs] == ["Basra", "Wasit"]
    assert locs[1].mention == "واسط"
