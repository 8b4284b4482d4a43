"""Kinds of places, and the words that point to them.

Both lookup (``geo-tracker lookup "Rmelan base"``) and resolution in
running text ("the Al-Omar oil field") prefer candidates of the kind a cue
word names.

Example:
    >>> sorted(cue_kinds(["al", "omar", "oil", "field"]))
    ['gas_field', 'oil_field']
"""

from __future__ import annotations

from collections.abc import Iterable

CUES: dict[str, frozenset[str]] = {
    "crossing": frozenset({"crossing", "border_point"}),
    "border": frozenset({"crossing", "border_point", "region"}),
    "معبر": frozenset({"crossing"}),
    "oil": frozenset({"oil_field"}),
    "oilfield": frozenset({"oil_field"}),
    "gas": frozenset({"gas_field"}),
    "field": frozenset({"oil_field", "gas_field"}),
    "حقل": frozenset({"oil_field", "gas_field"}),
    "base": frozenset({"base", "airfield"}),
    "قاعده": frozenset({"base", "airfield"}),
    "airport": frozenset({"airport", "airfield", "base"}),
    "airbase": frozenset({"airfield", "base", "airport"}),
    "airfield": frozenset({"airfield", "base", "airport"}),
    "مطار": frozenset({"airport", "airfield"}),
    "airstrip": frozenset({"airfield", "airport"}),
    "aerodrome": frozenset({"airfield", "airport"}),
    "جويه": frozenset({"airfield", "base"}),
    "icao": frozenset({"airfield", "airport"}),
    "iata": frozenset({"airfield", "airport"}),
    "governorate": frozenset({"governorate", "admin1"}),
    "province": frozenset({"governorate", "admin1"}),
    "state": frozenset({"admin1"}),
    "محافظه": frozenset({"governorate", "admin1"}),
    "district": frozenset({"district", "subdistrict", "admin2"}),
    "county": frozenset({"admin2", "district"}),
    "parish": frozenset({"admin2"}),
    "borough": frozenset({"admin2"}),
    "municipality": frozenset({"admin2", "district"}),
    "countryside": frozenset({"city", "town", "district", "governorate", "admin1"}),
    "ريف": frozenset({"city", "town", "district", "governorate", "admin1"}),
    "city": frozenset({"city", "town"}),
    "مدينه": frozenset({"city", "town"}),
    "town": frozenset({"town", "village", "city"}),
    "village": frozenset({"village", "town"}),
    "قريه": frozenset({"village", "town"}),
    "region": frozenset({"region", "district", "governorate", "admin1"}),
    "country": frozenset({"country"}),
    "dam": frozenset({"dam"}),
    "سد": frozenset({"dam"}),
}
"""Folded cue words and the kinds of place they point to."""

CUE_BONUS = 0.9
"""Score added to a candidate whose kind a nearby cue word names."""


def cue_kinds(tokens: Iterable[str]) -> set[str]:
    """The kinds named by any of these folded tokens."""
    kinds: set[str] = set()
    for tok in tokens:
        kinds |= CUES.get(tok, frozenset())
    return kinds


# --- airfield names -----------------------------------------------------------
# How airports and air bases are named in the registry tables (airportsdata,
# after OurAirports/mwgg conventions) and in news: "<X> International Airport",
# "<X> Air Base", "<X> Army Air Field". Folded, longest first.

AIRFIELD_NAME_TAILS: tuple[str, ...] = (
    "army air field", "army airfield", "air force base", "air national guard base", "international airport",
    "regional airport", "municipal airport", "national airport", "domestic airport", "intl airport",
    "air base", "airbase", "air field", "airfield", "airport", "airstrip", "landing strip", "aerodrome",
    "air park", "airpark", "afb", "aaf", "field", "strip",
)
"""Endings of an airfield's name that say what it is, not which it is ("Incirlik Air Base" → "Incirlik")."""

AIRFIELD_VARIANTS: tuple[str, ...] = (
    "Air Base", "Airbase", "Airport", "International Airport", "Airfield", "Army Air Field",
)
"""The spellings news give an airfield called X: "X Air Base", "X Airbase", "X Airport"… (issue 19)."""

AIRFIELD_ARABIC_PREFIX = "مطار"
"""Arabic "airport of": "مطار X" names the airfield of the place X."""


def airfield_core(name: str) -> str:
    """An airfield's name without the words that say it is one.

    Example:
        >>> airfield_core("Incirlik Air Base"), airfield_core("Erbil International Airport")
        ('Incirlik', 'Erbil')
        >>> airfield_core("Fort Rucker Army Air Field"), airfield_core("Airport")
        ('Fort Rucker', '')
    """
    words = name.replace("(", " ").replace(")", " ").split()
    changed = True
    while changed and words:
        changed = False
        low = [w.lower().rstrip(".") for w in words]
        for tail in AIRFIELD_NAME_TAILS:
            n = tail.count(" ") + 1
            if len(low) >= n and " ".join(low[-n:]) == tail:
                words, changed = words[:-n], True
                break
    return " ".join(words)
