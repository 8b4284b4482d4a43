"""Widen or move resolved locations according to vague or relative phrasing.

A gazetteer match says *which* place a report names; the words around the
name say *how exactly* the report means it.  "Near Manbij", "20 km south of
Al-Hasakah", "the eastern countryside of Deir ez-Zor" or "between Tal Tamr and
Al-Hasakah" all name a place but locate the event somewhere else, with a wider
margin of error.  :func:`qualify` reads the words right before (and for some
patterns right after) each mention and returns new :class:`Location` objects
whose ``precision``, ``uncertainty_km``, ``lat``/``lon`` and ``qualifier`` say
so, on the ACLED-style scale:

* ``1`` the named place itself;
* ``2`` near it, at a stated offset from it, or a part of it;
* ``3`` a region (a country, a governorate, "the countryside of X").

Rules (English and Arabic; the first that matches wins, in this order):

========================  =====================================  =========  ==========================
phrase                    result position                        precision  qualifier
========================  =====================================  =========  ==========================
X–Y road, road between    midpoint of X and Y                    2          ``"road X–Y"``
between X and Y           midpoint of X and Y                    2          ``"between X and Y"``
N km south of X           N km along the bearing                 2          ``"N km south of"``
about N km from X         X, radius N·(1+25 %)                   2          ``"N km from"``
eastern countryside of X  half of X's region radius that way     3          ``"eastern countryside of"``
countryside of X, rural X X, radius of X's region                3          ``"countryside of"``
southern outskirts of X   X's edge in that direction             2          ``"southern outskirts of"``
northern X, the north of  half of X's radius that way            2 (3 †)    ``"northern part of"``
north of X                ~10 km that way, radius ~10 km         2          ``"north of"``
near X, outskirts of X    X, radius ≥ 5 km                       2          ``"near"``
the X region              X, radius ≥ 25 km                      3          ``"region"``
the X area                X, radius ≥ 10 km                      2          ``"area"``
========================  =====================================  =========  ==========================

† 3 when X is itself a region (country, governorate, district, ...).

Conventions:

* ``between X and Y`` and the ``X–Y road``: only the *first* mention (X) is
  moved to the midpoint, with the qualifier naming both ends; Y is returned as
  mentioned, so a map still shows the named end point.  If Y is not resolved
  the rule does not apply.
* "near X and Y" / "the countryside of X and Y": a later mention joined by
  *and*/*or*/*و* inherits an undirected ``near``/``countryside``/``area``/
  ``region`` qualifier of the mention before it.
* A mention whose place kind is a region (:data:`REGION_KINDS`) never gets a
  precision finer than 3.
* Unresolved mentions (``place is None``) and mentions that already carry a
  qualifier pass through unchanged, so ``qualify`` is idempotent.
* Plain mentions are returned as the very same object.

Example:
    >>> from geo_tracker.models import Location, Place
    >>> hasakah = Place(id="sy-hasakah", name="Al-Hasakah", kind="city", country="SY",
    ...                 lat=36.5, lon=40.75, uncertainty_km=3.0)
    >>> text = "The convoy stopped 20 km south of Al-Hasakah."
    >>> start = text.index("Al-Hasakah")
    >>> loc = Location("Al-Hasakah", start, start + 10, hasakah, 36.5, 40.75)
    >>> [q] = qualify(text, [loc])
    >>> q.qualifier, q.precision, round(q.lat, 2), q.uncertainty_km
    ('20 km south of', 2, 36.32, 5.0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic

from .models import Location, Place
from .text import AREA_GAP, fold_case

__all__ = [
    "AREA_RADIUS_KM",
    "BETWEEN_RADIUS_FACTOR",
    "COMPASS",
    "COUNTRYSIDE_MIN_RADIUS_KM",
    "COUNTRYSIDE_OFFSET_FRACTION",
    "COUNTRYSIDE_RADIUS_FRACTION",
    "DISTANCE_UNCERTAINTY_FRACTION",
    "MIN_RELATIVE_UNCERTAINTY_KM",
    "NEAR_RADIUS_KM",
    "PART_OFFSET_FRACTION",
    "PART_RADIUS_FRACTION",
    "REGION_KINDS",
    "REGION_RADIUS_KM",
    "ROAD_RADIUS_FACTOR",
    "SECTOR_OFFSET_KM",
    "SECTOR_RADIUS_KM",
    "UNDIRECTED_DISTANCE_FACTOR",
    "compass_bearing",
    "midpoint",
    "offset_point",
    "qualify",
]

# --------------------------------------------------------------------------
# Radius choices (kilometres).  Each is a floor: the place's own uncertainty
# wins when it is larger.
# --------------------------------------------------------------------------

NEAR_RADIUS_KM: float = 5.0
""""near X", "on the outskirts of X", "قرب": within about an hour's walk."""

AREA_RADIUS_KM: float = 10.0
""""the X area": the town plus its immediate surroundings (wider than near)."""

REGION_RADIUS_KM: float = 25.0
""""the X region": a district-sized area named after X."""

SECTOR_OFFSET_KM: float = 10.0
""""north of X" without a distance: the point is moved this far that way..."""

SECTOR_RADIUS_KM: float = 10.0
"""...and given this radius (covers roughly 0-20 km in a 90-degree sector)."""

DISTANCE_UNCERTAINTY_FRACTION: float = 0.25
""""N km south of X": radius = this fraction of N (rounded distance, ±~15° bearing)."""

UNDIRECTED_DISTANCE_FACTOR: float = 1.25
""""about N km from X" (no direction): X's point with radius N times this."""

MIN_RELATIVE_UNCERTAINTY_KM: float = 1.0
"""Smallest radius given to any relative ("N km of") location."""

COUNTRYSIDE_MIN_RADIUS_KM: float = 30.0
"""Radius of "the countryside of X" when X is a town: a Syrian district (mantiqa) is ~30-60 km across."""

COUNTRYSIDE_OFFSET_FRACTION: float = 0.5
""""eastern countryside of X": move this fraction of the countryside radius east..."""

COUNTRYSIDE_RADIUS_FRACTION: float = 0.5
"""...and keep this fraction of it as the radius (the eastern half of the disc)."""

PART_OFFSET_FRACTION: float = 0.5
""""northern Syria", "eastern Aleppo": move this fraction of X's own radius..."""

PART_RADIUS_FRACTION: float = 0.5
"""...and keep this fraction of it as the radius."""

BETWEEN_RADIUS_FACTOR: float = 0.5
""""between X and Y": radius = half the X-Y distance (the circle with XY as diameter)."""

ROAD_RADIUS_FACTOR: float = 0.6
""""the X–Y road": half the distance plus 20 % because roads wind."""

REGION_KINDS: frozenset[str] = frozenset(
    {
        "country",
        "governorate",
        "province",
        "state",
        "region",
        "admin1",
        "admin2",
        "admin3",
        "district",
        "subdistrict",
        "nahiya",
        "area",
        "border_point",
        "tripoint",
        "border",
        "river",
        "desert",
        "mountain_range",
    }
)
"""Place kinds that are areas rather than points: precision 3 at best."""

# Lookback/lookahead windows (characters) for the phrase matchers.
_BEFORE = 160
_AFTER = 80

# --------------------------------------------------------------------------
# Compass
# --------------------------------------------------------------------------

_POINTS: dict[str, float] = {
    "north": 0.0,
    "north-northeast": 22.5,
    "northeast": 45.0,
    "east-northeast": 67.5,
    "east": 90.0,
    "east-southeast": 112.5,
    "southeast": 135.0,
    "south-southeast": 157.5,
    "south": 180.0,
    "south-southwest": 202.5,
    "southwest": 225.0,
    "west-southwest": 247.5,
    "west": 270.0,
    "west-northwest": 292.5,
    "northwest": 315.0,
    "north-northwest": 337.5,
}
_ABBREV: dict[str, float] = {
    "N": 0.0, "NNE": 22.5, "NE": 45.0, "ENE": 67.5, "E": 90.0, "ESE": 112.5,
    "SE": 135.0, "SSE": 157.5, "S": 180.0, "SSW": 202.5, "SW": 225.0,
    "WSW": 247.5, "W": 270.0, "WNW": 292.5, "NW": 315.0, "NNW": 337.5,
}
_AR_BASE: dict[str, float] = {
    "شمال": 0.0,
    "شمال شرق": 45.0,
    "شرق": 90.0,
    "جنوب شرق": 135.0,
    "جنوب": 180.0,
    "جنوب غرب": 225.0,
    "غرب": 270.0,
    "شمال غرب": 315.0,
}


def _en_forms(name: str) -> list[str]:
    """'northeast' -> northeast, north-east, north east, northeastern, north-eastern, ..."""
    parts = name.split("-")
    if len(parts) == 2:  # north-northeast style: keep as is plus 'ern'
        return [name, name + "ern"]
    for a in ("north", "south"):
        for b in ("east", "west"):
            if name == a + b:
                joined = [a + b, f"{a}-{b}", f"{a} {b}"]
                return joined + [j + "ern" for j in joined]
    return [name, name + "ern"]


def _ar_forms(token: str) -> list[str]:
    return [token, token + "ي", "ال" + token + "ي", "ال" + token + "ية"]


def _build_compass() -> dict[str, float]:
    table: dict[str, float] = {}
    for name, deg in _POINTS.items():
        for form in _en_forms(name):
            table[form] = deg
    table.update(_ABBREV)
    for name, deg in _AR_BASE.items():
        tokens = name.split()
        if len(tokens) == 1:
            for form in _ar_forms(tokens[0]):
                table[form] = deg
        else:
            for f1 in _ar_forms(tokens[0]):
                for f2 in _ar_forms(tokens[1]):
                    table[f"{f1} {f2}"] = deg
    return table


COMPASS: dict[str, float] = _build_compass()
"""Direction words to bearings in degrees clockwise from north.

English nouns and adjectives in every spelling ("north-east", "northeast",
"north east", "northeastern", "eastern"), upper-case abbreviations ("NE",
"NNW") and Arabic forms ("شمال", "شمالي", "الشمالي", "الشمالية",
"جنوب شرق", "الجنوبي الشرقي"...).  Use :func:`compass_bearing` to look up
words in other spellings.

Example:
    >>> COMPASS["south"], COMPASS["north-east"], COMPASS["NE"], COMPASS["western"]
    (180.0, 45.0, 45.0, 270.0)
    >>> COMPASS["جنوب شرق"], COMPASS["الشرقي"]
    (135.0, 90.0)
"""

_EN_NAME: dict[float, str] = {deg: name for name, deg in _POINTS.items()}
_EN_ADJ8: dict[float, str] = {
    0.0: "northern", 45.0: "northeastern", 90.0: "eastern", 135.0: "southeastern",
    180.0: "southern", 225.0: "southwestern", 270.0: "western", 315.0: "northwestern",
}

_AR_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat, dagger alif, tatweel
_AR_HARAKAT = re.compile(r"[\u064B-\u065F\u0670]")  # harakat only: tatweel is kept ("لـ", "X ـ Y")


def _norm_ar(s: str) -> str:
    s = _AR_DIACRITICS.sub("", s)
    return s.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")


def compass_bearing(word: str) -> float | None:
    """Bearing (degrees clockwise from north) of a direction word, or ``None``.

    Tolerant of case, hyphens, spaces, "-ern" endings, Arabic article,
    adjective endings and diacritics.

    Example:
        >>> compass_bearing("South-Western"), compass_bearing("NE"), compass_bearing("الشمالية الغربية")
        (225.0, 45.0, 315.0)
        >>> compass_bearing("upstream") is None
        True
    """
    w = unicodedata.normalize("NFC", word).strip()
    if not w:
        return None
    if w in COMPASS:
        return COMPASS[w]
    if w.upper() in _ABBREV and w.isalpha() and w.isascii():
        return _ABBREV[w.upper()]
    low = re.sub(r"[\s\u2010-\u2015_-]+", "-", w.lower())
    if low.isascii():
        if low.endswith("ern"):
            low = low[:-3]
        for cand in (low, low.replace("-", ""), low.replace("-", " ")):
            if cand in COMPASS:
                return COMPASS[cand]
        return None
    tokens = []
    for tok in re.split(r"[\s\-]+", _norm_ar(w)):
        if not tok:
            continue
        if tok.startswith("ال"):
            tok = tok[2:]
        tok = re.sub(r"(?:ية|ي)$", "", tok)
        tokens.append(tok)
    key = " ".join(tokens)
    return _AR_BASE.get(key)


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def offset_point(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``km`` kilometres from ``(lat, lon)`` along ``bearing_deg`` (WGS84 geodesic).

    Returns ``(lat, lon)`` with longitude normalised to [-180, 180].

    Example:
        >>> lat, lon = offset_point(36.5, 40.75, 20, 180)
        >>> round(36.5 - lat, 3), round(lon, 3)
        (0.18, 40.75)
    """
    if km == 0:
        return (lat, lon)
    dest = geodesic(kilometers=km).destination((lat, lon), bearing=bearing_deg % 360.0)
    new_lon = ((dest.longitude + 180.0) % 360.0) - 180.0
    return (max(-90.0, min(90.0, dest.latitude)), new_lon)


def midpoint(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float, float]:
    """Geodesic midpoint of two points and the distance between them in km.

    Example:
        >>> lat, lon, km = midpoint(36.0, 40.0, 37.0, 40.0)
        >>> round(lat, 2), round(lon, 2), round(km)
        (36.5, 40.0, 111)
    """
    inv = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    dist_km = inv["s12"] / 1000.0
    line = Geodesic.WGS84.Direct(lat1, lon1, inv["azi1"], inv["s12"] / 2.0)
    lon = ((line["lon2"] + 180.0) % 360.0) - 180.0
    return (line["lat2"], lon, dist_km)


# --------------------------------------------------------------------------
# Phrase patterns
# --------------------------------------------------------------------------

_F = re.IGNORECASE | re.UNICODE

_DIR_NOUN = (
    r"(?:(?:north|south)[\s-]?(?:north|south)?[\s-]?(?:east|west)|"
    r"(?:east|west)[\s-](?:north|south)[\s-]?(?:east|west)|north|south|east|west)"
)
_DIR_ADJ = r"(?:(?:north|south)[\s-]?(?:east|west)ern|northern|southern|eastern|western)"
_DIR_ABBR = r"(?-i:N|S|E|W|NE|NW|SE|SW|NNE|ENE|ESE|SSE|SSW|WSW|WNW|NNW)"
_DIR_ANY = rf"(?:{_DIR_ADJ}|{_DIR_NOUN}|{_DIR_ABBR})"

_PLACE_NOUNS = (
    r"towns?|villages?|cit(?:y|ies)|hamlets?|settlements?|districts?|sub-?districts?|provinces?|"
    r"governorates?|municipalit(?:y|ies)|neighbou?rhoods?|suburbs?|camps?|bases?|air\s?bases?|"
    r"airports?|airfields?|oil\s?fields?|gas\s?fields?|fields?|crossings?|border\s+crossings?|"
    r"checkpoints?|outposts?|posts?|dams?|bridges?|hills?|mountains?|mount|strongholds?|"
    r"encampments?|garrisons?|positions?|points?|areas?|localit(?:y|ies)|capital|hub|junction"
)
# Filler between the keyword and the name: "near the Kurdish-held border town of ".
_EN_FILLER = (
    rf"(?:(?:the|a|an)\s+)?(?:(?:[\w'’-]+\s+){{0,4}}?(?:{_PLACE_NOUNS})\s+(?:of\s+)?)?"
    r"(?:(?:the|al-|el-)\s*)?"
)

_NUM_WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a few": 3, "few": 3, "a couple of": 2, "a couple": 2, "several": 5, "a dozen": 12,
    "dozen": 12, "half a": 0.5, "a": 1, "an": 1,
    "بضعة": 3, "بضع": 3, "عدة": 5,
}
_NUM_WORD_RE = "|".join(
    sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _NUM_WORDS if k.isascii()), key=len, reverse=True)
)
_DIGITS = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
_NUM = (
    rf"(?P<num>{_DIGITS}+(?:[.,\u066B]{_DIGITS}+)?(?:\s*(?:-|–|to|or)\s*{_DIGITS}+(?:[.,\u066B]{_DIGITS}+)?)?"
    rf"|(?:{_NUM_WORD_RE})(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?(?=[\s-]))"
)
_UNIT = (
    r"(?P<unit>kilomet(?:er|re)s?|kms?|klms?|miles?|mi|met(?:er|re)s?|m)(?![\w])\.?"
)
_APPROX = (
    r"(?:(?:about|around|approximately|approx\.?|roughly|some|nearly|almost|just|only|barely|"
    r"less\s+than|under|more\s+than|over|up\s+to|an\s+estimated|circa|c\.|~)\s*)*"
)
_PAREN = r"(?:\s*\([^()]{0,40}\))?"

_AR_CLITIC = r"(?:[وفبل]|لـ|بـ)?"
_AR_PLACE_NOUNS = (
    r"مدينة|مدينتي|بلدة|بلدتي|قرية|قريتي|قرى|منطقة|محافظة|ناحية|مخيم|قاعدة|مطار|حقل|معبر|"
    r"حي|مركز|تلة|جبل|سد|جسر|نقطة|مدن|بلدات"
)
_AR_FILLER = rf"(?:{_AR_CLITIC}(?:{_AR_PLACE_NOUNS})\s+)?(?:لـ|بـ|ل|ب)?\s*"
_AR_DIR = (
    r"(?P<ardir>(?:ال)?(?:شمال|جنوب|شرق|غرب)(?:يّ|ية|ي)?"
    r"(?:\s*-?\s*(?:ال)?(?:شرق|غرب)(?:يّ|ية|ي)?)?)"
)
_AR_NUM = rf"(?P<num>{_DIGITS}+(?:[.,\u066B]{_DIGITS}+)?|بضعة|بضع|عدة)"
_AR_UNIT = r"(?P<unit>كم|كلم|كيلو\s?مترا?ت?|كيلومتر(?:ا|ات)?|كيلو|ميلا?|أميال|متر(?:ا|ات)?)"
_AR_APPROX = r"(?:(?:نحو|حوالي|حوالى|قرابة|زهاء|أكثر\s+من|أقل\s+من|ما\s+يقارب|مسافة)\s+)*"

_B = r"(?<![\w-])"  # left word boundary that also refuses hyphenated tails


def _re(p: str) -> re.Pattern[str]:
    return re.compile(p, _F)


# ---- roads and "between" (prefix of X, gap X..Y, suffix of Y) ----
_ROAD_KEY = r"(?:road|highway|motorway|expressway|route|supply\s+route|axis|corridor|artery)"
_EN_ROAD_BETWEEN_PRE = _re(
    rf"{_B}{_ROAD_KEY}\s+(?:that\s+)?(?:between|linking|links|connecting|connects|joining|joins|from)\s+{_EN_FILLER}\Z"
)
_EN_ROAD_BETWEEN_GAP = _re(rf"\s+(?:and|to|with)\s+{_EN_FILLER}")
_EN_ROAD_DASH_GAP = _re(r"\s*[-–—‑/]\s*|\s+to\s+")
_EN_ROAD_SUFFIX = _re(rf"\A(?:\s*['’]s)?\s+(?:[\w-]+\s+){{0,2}}?{_ROAD_KEY}\b")
_EN_BETWEEN_PRE = _re(rf"{_B}between\s+{_EN_FILLER}\Z")
_EN_BETWEEN_GAP = _re(rf"\s+(?:and|&)\s+{_EN_FILLER}")

_AR_ROAD_PRE = _re(
    rf"(?<!\w){_AR_CLITIC}(?:ال)?(?:طريق|أوتوستراد|اوتوستراد|أوتستراد|اتوستراد)"
    r"(?:\s+(?:ال)?(?:دولي|سريع|عام|رئيسي|رئيس))?\s+\Z"
)
_AR_ROAD_DASH_GAP = _re(r"\s*[-–—ـ/]\s*")
_AR_ROAD_BETWEEN_PRE = _re(
    rf"(?<!\w){_AR_CLITIC}(?:ال)?(?:طريق|أوتوستراد|اوتوستراد)"
    rf"(?:\s+(?:ال)?(?:واصل|رابط|دولي|سريع|عام|رئيسي|الذي\s+يربط|يربط|يصل))*\s+(?:ما\s+)?بين\s+{_AR_FILLER}\Z"
)
_AR_BETWEEN_PRE = _re(rf"(?<!\w)(?:ما\s+)?بين\s+{_AR_FILLER}\Z")
_AR_AND_GAP = _re(rf"\s*و\s*{_AR_FILLER}")

# ---- distances ----
_EN_DIST_DIR = _re(
    rf"{_B}{_APPROX}{_NUM}\s*-?\s*{_UNIT}{_PAREN}\s+(?:(?:to\s+the|due|further|farther)\s+)?"
    rf"(?P<dir>{_DIR_ANY})\s+(?:of|from)\s+{_EN_FILLER}\Z"
)
_EN_DIST = _re(
    rf"{_B}(?P<within>within\s+)?{_APPROX}{_NUM}\s*-?\s*{_UNIT}{_PAREN}\s+"
    rf"(?:away\s+)?(?:from|of|outside(?:\s+of)?|off|short\s+of)\s+{_EN_FILLER}\Z"
)
_AR_DIST_DIR = _re(
    rf"(?:(?:على|وعلى)\s+(?:بعد|مسافة)\s+)?{_AR_APPROX}{_AR_NUM}\s*{_AR_UNIT}\s*"
    rf"(?:(?:إلى|الى)\s+)?{_AR_DIR}\s*(?:(?:من|عن)\s+)?{_AR_FILLER}\Z"
)
_AR_DIST = _re(
    rf"(?:(?:على|وعلى)\s+(?:بعد|مسافة)\s+)?{_AR_APPROX}{_AR_NUM}\s*{_AR_UNIT}\s*"
    rf"(?:من|عن)\s+{_AR_FILLER}\Z"
)

# ---- countryside ----
_CS_NOUN = r"(?P<cs>countryside|rural\s+areas?|rural\s+parts?|rural\s+outskirts|hinterlands?|desert|badia)"
_EN_CS_PRE = _re(
    rf"{_B}(?:(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+)?{_CS_NOUN}\s+(?:of|around|surrounding|near)\s+"
    rf"(?:(?P<dir2>{_DIR_ADJ})\s+)?{_EN_FILLER}\Z"
)
_EN_RURAL_PRE = _re(rf"{_B}(?:(?P<dir>{_DIR_ADJ})\s+)?rural\s+(?:(?P<dir2>{_DIR_ADJ})\s+)?\Z")
_EN_CS_SUFFIX = _re(rf"\A(?:['’]s?)?\s+(?:(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+)?{_CS_NOUN}\b")
_EN_DIR_ADJ_PRE = _re(rf"{_B}(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+\Z")
_AR_CS_KEY = r"(?P<cs>ريف|أرياف|ارياف|بادية)"
_AR_CS_PRE = _re(rf"(?<!\w){_AR_CLITIC}(?:ال)?{_AR_CS_KEY}\s+{_AR_FILLER}\Z")
_AR_CS_DIR_PRE = _re(
    rf"(?<!\w){_AR_CLITIC}(?:ال)?{_AR_CS_KEY}\s+{_AR_DIR}\s+(?:(?:من|في)\s+)?{_AR_FILLER}\Z"
)
_AR_DIR_SUFFIX = _re(
    r"\A\s+(?P<ardir>ال(?:شمال|جنوب|شرق|غرب)(?:ية|ي)(?:\s+ال(?:شرق|غرب)(?:ية|ي))?)(?!\w)"
)

# ---- outskirts with a direction ----
_OUTSKIRTS = r"(?:outskirts|edges?|suburbs|fringes?|entrances?|approaches|periphery|gates?)"
_EN_OUTSKIRTS_PRE = _re(
    rf"{_B}(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+{_OUTSKIRTS}\s+(?:of|to)\s+{_EN_FILLER}\Z"
)
_EN_OUTSKIRTS_SUFFIX = _re(rf"\A['’]s?\s+(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+{_OUTSKIRTS}\b")
_AR_OUTSKIRTS_PRE = _re(
    rf"(?<!\w){_AR_CLITIC}(?:ال)?(?:أطراف|اطراف|ضواحي|مشارف|مداخل|مدخل)\s+{_AR_DIR}\s+(?:(?:من|في)\s+)?{_AR_FILLER}\Z"
)
_AR_OUTSKIRTS_X_DIR = _re(rf"(?<!\w){_AR_CLITIC}(?:أطراف|اطراف|ضواحي|مشارف|مدخل)\s+{_AR_FILLER}\Z")

# ---- parts ("northern Syria", "in the north of X") ----
_EN_PART_OF_PRE = _re(
    rf"{_B}(?:(?:in|across|throughout|from|into|through|of)\s+)?(?<!to )(?<!to\n)the\s+(?P<dir>{_DIR_NOUN})\s+of\s+(?:the\s+)?\Z"
)
_EN_PART_AREAS_PRE = _re(
    rf"{_B}(?P<dir>{_DIR_ADJ}|{_DIR_NOUN})\s+(?:parts?|areas?|regions?|sections?|reaches|districts|"
    rf"neighbou?rhoods|quarters|half|side)\s+of\s+(?:the\s+)?\Z"
)
_EN_PART_ADJ_PRE = _re(rf"{_B}(?P<dir>{_DIR_ADJ})\s+\Z")
_EN_PART_NOUN_PRE = _re(
    rf"(?:{_B}(?:in|across|throughout|from|into|to|through|of|and|the|or)|[,;(])\s+(?P<dir>{_DIR_NOUN})\s+\Z"
)
_AR_PART_PRE = _re(rf"(?<!\w)(?:في|ب|وفي|من)\s*(?:ال)?{_AR_DIR}\s+{_AR_FILLER}\Z")

# ---- sectors ("north of X") ----
_EN_SECTOR_PRE = _re(
    rf"{_B}(?:(?:just|directly|due|immediately|further|farther|slightly|somewhere|right|far)\s+)?"
    rf"(?:to\s+the\s+)?(?P<dir>{_DIR_NOUN})\s+of\s+{_EN_FILLER}\Z"  # not "from": "moved north from X"
)
_AR_SECTOR_TO_PRE = _re(rf"(?<!\w)(?:إلى|الى)\s+(?:ال)?{_AR_DIR}\s+(?:من\s+)?{_AR_FILLER}\Z")
_AR_SECTOR_PRE = _re(rf"(?<![\w\d]){_AR_CLITIC}{_AR_DIR}\s+{_AR_FILLER}\Z")

# ---- near ----
_EN_NEAR_PRE = _re(
    rf"{_B}(?:(?:just|very|somewhere|right|directly|immediately|quite)\s+)?"
    r"(?:near(?:by)?|close\s+(?:to|by)|closer\s+to|next\s+to|adjacent\s+to|alongside|not\s+far\s+from|"
    r"(?:(?:in|on|at)\s+)?the\s+(?:immediate\s+)?(?:vicinity|proximity|environs|surroundings|outskirts|"
    r"neighbou?rhood|edges?|periphery|suburbs|fringes?|approaches|entrance|gates|perimeter|area|surrounding\s+area)\s+(?:of|to|around)|"
    r"(?:in|on|at)\s+(?:the\s+)?(?:vicinity|outskirts|edge|periphery|fringes?|approaches)\s+(?:of|to)|"
    r"(?:the\s+)?(?:outskirts|environs|surroundings)\s+of|"
    r"around|outside(?:\s+of)?|a\s+short\s+distance\s+from|within\s+(?:a\s+)?(?:short\s+)?(?:reach|distance|range)\s+of)"
    rf"\s+{_EN_FILLER}\Z"
)
_EN_NEAR_SUFFIX = _re(
    r"\A(?:['’]s?\s+(?:outskirts|environs|surroundings|vicinity|suburbs|periphery)|"
    r"\s+(?:and\s+its\s+(?:surroundings|environs|outskirts|vicinity|suburbs)|outskirts|environs|surroundings|vicinity))\b"
)
_AR_NEAR_PRE = _re(
    rf"(?<!\w)(?:(?:في|على|عند|من|و)\s*)?{_AR_CLITIC}"
    r"(?:بالقرب\s+من|قرب|قريبا?\s+من|مقربة\s+من|على\s+مقربة\s+من|محيط|أطراف|اطراف|ضواحي|مشارف|جوار|"
    r"حول|مدخل|تخوم|خارج|بمحاذاة|محاذاة)"
    rf"\s+{_AR_FILLER}\Z"
)
_AR_NEAR_SUFFIX = _re(r"\A\s+(?:و\s*محيطها|ومحيطها|و\s*ريفها\s+القريب|وضواحيها|وأطرافها|واطرافها)(?!\w)")

# ---- area / region ----
_EN_REGION_PRE = _re(rf"{_B}(?:the\s+)?region\s+of\s+(?:the\s+)?\Z")
_EN_REGION_SUFFIX = _re(r"\A(?:['’]s)?\s+region\b")
_AR_REGION_PRE = _re(rf"(?<!\w){_AR_CLITIC}(?:إقليم|اقليم)\s+\Z")
_EN_AREA_SUFFIX = _re(r"\A(?:['’]s)?\s+(?:area|areas|sector|front|environs)\b")
_EN_AREA_PRE = _re(rf"{_B}(?:the\s+)?area\s+of\s+(?:the\s+)?\Z")
_AR_AREA_PRE = _re(rf"(?<!\w){_AR_CLITIC}(?:ال)?منطقة\s+\Z")

# ---- coordination ("near X and Y") ----
_COORD_GAP = _re(
    rf"\s*(?:,|،|;)?\s*(?:(?:and|or|&|as\s+well\s+as)\s+{_EN_FILLER}|و\s*{_AR_FILLER}|أو\s+{_AR_FILLER})"
)
_COMMA_GAP = _re(rf"\s*(?:,|،)\s*{_EN_FILLER}")
_LIST_GOES_ON = _re(r"\s*(?:,|،|and\b|or\b|و)")


# --------------------------------------------------------------------------
# Cue gates
#
# Most mentions have no vague or relative phrasing around them, so most phrase
# patterns fail.  Each gate below is a quick test for something a family of
# patterns cannot match without (a keyword, a distance unit, an Arabic letter);
# when the gate finds nothing in a window, the pattern is not run.  The outcome
# is the same, only cheaper: every gate must stay a necessary condition of the
# patterns it guards (tests/test_qualify.py checks this on strings generated
# from the patterns themselves).
#
# Keyword gates are substring tests on the window folded to lower case
# (:func:`geo_tracker.text.fold_case`): far cheaper than case-insensitive regex scans.
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Cue:
    """Something every pattern it guards needs: one of ``words`` (lower-case ASCII, found
    case-insensitively), or for a cue that no word list states, a match of ``pattern``."""

    words: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def found_in(self, window: _Window) -> bool:
        """Whether the cue occurs in ``window``."""
        if self.pattern is not None:
            return self.pattern.search(window.text) is not None
        folded = window.folded
        return any(word in folded for word in self.words)


_ARABIC_CUE = _Cue(pattern=_re(r"[\u0600-\u06FF]"))
"""Every ``_AR_*`` pattern searched in a window spells an Arabic word."""

_DIR_CUE = _Cue(("north", "south", "east", "west"))
"""Every ``_DIR_ADJ``/``_DIR_NOUN`` form."""

_UNIT_CUE = _Cue(pattern=_re(rf"(?<=[\d\s-]){_UNIT}"))
"""A distance unit after a digit, a space or a hyphen: in ``{_NUM}\\s*-?\\s*{_UNIT}`` a number ends
in a digit or, as a word, must be followed by a space or hyphen (so "I am" or "program" is no unit)."""

_CS_CUE = _Cue(("countryside", "rural", "hinterland", "desert", "badia"))
"""Every ``_CS_NOUN`` and "rural" form."""

_ROAD_CUE = _Cue(("road", "highway", "motorway", "expressway", "route", "axis", "corridor", "artery"))
"""Every ``_ROAD_KEY``."""

_NEAR_CUE = _Cue(
    (
        "near", "close", "next", "adjacent", "alongside", "far", "vicinity", "proximity", "environs",
        "surroundings", "outskirts", "neighbo", "edge", "periphery", "suburbs", "fringe", "approaches",
        "entrance", "gates", "perimeter", "area", "around", "outside", "distance", "within",
    )
)
"""A word of each ``_EN_NEAR_PRE`` phrase ("not far from": "far"; "a short distance from": "distance")."""

_GATED: tuple[tuple[_Cue, tuple[re.Pattern[str], ...]], ...] = (
    (
        _ARABIC_CUE,
        (
            _AR_ROAD_PRE, _AR_ROAD_BETWEEN_PRE, _AR_BETWEEN_PRE, _AR_DIST_DIR, _AR_DIST, _AR_CS_PRE,
            _AR_CS_DIR_PRE, _AR_DIR_SUFFIX, _AR_OUTSKIRTS_PRE, _AR_OUTSKIRTS_X_DIR, _AR_PART_PRE,
            _AR_SECTOR_TO_PRE, _AR_SECTOR_PRE, _AR_NEAR_PRE, _AR_NEAR_SUFFIX, _AR_REGION_PRE, _AR_AREA_PRE,
        ),
    ),
    (
        _DIR_CUE,
        (
            _EN_DIR_ADJ_PRE, _EN_OUTSKIRTS_PRE, _EN_OUTSKIRTS_SUFFIX, _EN_PART_OF_PRE, _EN_PART_AREAS_PRE,
            _EN_PART_ADJ_PRE, _EN_PART_NOUN_PRE, _EN_SECTOR_PRE,
        ),
    ),
    (_UNIT_CUE, (_EN_DIST_DIR, _EN_DIST)),
    (_CS_CUE, (_EN_CS_PRE, _EN_CS_SUFFIX, _EN_RURAL_PRE)),
    (_ROAD_CUE, (_EN_ROAD_BETWEEN_PRE,)),
    (_Cue(("between",)), (_EN_BETWEEN_PRE,)),
    (_NEAR_CUE, (_EN_NEAR_PRE,)),
    (_Cue(("region",)), (_EN_REGION_PRE, _EN_REGION_SUFFIX)),
    (_Cue(("area",)), (_EN_AREA_PRE,)),
)
"""Each gate with the phrase patterns it guards; patterns not listed always run."""

_CUE_OF: dict[int, _Cue] = {id(p): cue for cue, patterns in _GATED for p in patterns}
"""``id(pattern)`` -> its gate.  Keyed by id (the patterns are module constants): hashing a
compiled pattern hashes its whole program, which would cost more than some searches."""


@dataclass
class _Window:
    """The cleaned text on one side of a mention, searched through the cue gates."""

    text: str
    _folded: str | None = field(default=None, compare=False, repr=False)
    _gates: dict[_Cue, bool] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folded(self) -> str:
        """:func:`fold_case` of the text (computed once)."""
        if self._folded is None:
            self._folded = fold_case(self.text)
        return self._folded

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern.search(self.text)``, or None at once when the pattern's gate finds nothing."""
        cue = _CUE_OF.get(id(pattern))
        if cue is not None and not self.passes(cue):
            return None
        return pattern.search(self.text)

    def passes(self, cue: _Cue) -> bool:
        """Whether ``cue`` occurs in the window (tested once per window)."""
        found = self._gates.get(cue)
        if found is None:
            found = self._gates[cue] = cue.found_in(self)
        return found


# --------------------------------------------------------------------------
# Parsing helpers
# --------------------------------------------------------------------------

_AR_DIGIT_TABLE = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_AR_DIGIT_TABLE.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_AR_DIGIT_TABLE[0x066B] = "."


def _parse_single(s: str) -> float | None:
    s = s.strip().translate(_AR_DIGIT_TABLE)
    if re.fullmatch(r"\d+,\d{3}", s):
        s = s.replace(",", "")
    s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        pass
    words = re.sub(r"[\s-]+", " ", s.lower()).strip()
    if words in _NUM_WORDS:
        return float(_NUM_WORDS[words])
    parts = words.split(" ")
    if len(parts) == 2 and parts[0] in _NUM_WORDS and parts[1] in _NUM_WORDS:
        return float(_NUM_WORDS[parts[0]] + _NUM_WORDS[parts[1]])
    return None


def _parse_number(s: str) -> tuple[float, float] | None:
    """'20' -> (20, 0); '10-15' -> (12.5, 2.5): the value and half the stated range."""
    m = re.fullmatch(r"(.+?)\s*(?:-|–|to|or)\s*([0-9\u0660-\u0669\u06F0-\u06F9][^\s]*)", s.strip())
    if m:
        a, b = _parse_single(m.group(1)), _parse_single(m.group(2))
        if a is not None and b is not None:
            lo, hi = min(a, b), max(a, b)
            return ((lo + hi) / 2.0, (hi - lo) / 2.0)
    v = _parse_single(s)
    return None if v is None else (v, 0.0)


def _to_km(value: float, unit: str) -> float:
    u = unit.lower().rstrip(".")
    if u.startswith(("mi", "مي", "أمي")):
        return value * 1.609344
    if u in ("m", "meter", "meters", "metre", "metres") or u.startswith("متر"):
        return value / 1000.0
    return value


def _fmt_km(km: float) -> str:
    return f"{round(km, 1):g}"


def _snap8(deg: float) -> float:
    return (round(deg / 45.0) * 45.0) % 360.0


def _dir_name(deg: float) -> str:
    return _EN_NAME.get(deg % 360.0, _EN_NAME[_snap8(deg)])


def _dir_adj(deg: float) -> str:
    return _EN_ADJ8[_snap8(deg)]


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    text: str
    loc: Location
    place: Place
    before: _Window
    after: _Window
    lat: float
    lon: float
    unc: float
    is_region: bool
    nxt: Location | None
    gap: str  # text between this mention and the next one ("" if none)


def _result(
    ctx: _Ctx,
    lat: float,
    lon: float,
    unc: float,
    precision: int,
    qualifier: str,
    *,
    widen: bool = True,
) -> Location:
    """The qualified copy of ``ctx.loc``.

    ``widen`` keeps the radius at least the place's own; rules that describe a
    *part* of the place (its eastern countryside, its northern half) turn it off.
    """
    prec = max(precision, 3 if ctx.is_region else ctx.loc.precision)
    radius = max(unc, ctx.unc) if widen else max(unc, MIN_RELATIVE_UNCERTAINTY_KM)
    return replace(
        ctx.loc,
        lat=lat,
        lon=lon,
        precision=prec,  # type: ignore[arg-type]
        uncertainty_km=round(radius, 3),
        qualifier=qualifier,
    )


def _near(ctx: _Ctx) -> Location:
    return _result(ctx, ctx.lat, ctx.lon, max(ctx.unc, NEAR_RADIUS_KM), 2, "near")


def _area(ctx: _Ctx) -> Location:
    return _result(ctx, ctx.lat, ctx.lon, max(ctx.unc, AREA_RADIUS_KM), 2, "area")


def _region(ctx: _Ctx) -> Location:
    return _result(ctx, ctx.lat, ctx.lon, max(ctx.unc, REGION_RADIUS_KM), 3, "region")


def _countryside(ctx: _Ctx, bearing: float | None, noun: str = "countryside") -> Location:
    radius = max(ctx.unc, COUNTRYSIDE_MIN_RADIUS_KM)
    label = "desert" if noun.lower() in ("desert", "badia", "بادية") else "countryside"
    if bearing is None:
        return _result(ctx, ctx.lat, ctx.lon, radius, 3, f"{label} of")
    lat, lon = offset_point(ctx.lat, ctx.lon, COUNTRYSIDE_OFFSET_FRACTION * radius, bearing)
    return _result(
        ctx, lat, lon, COUNTRYSIDE_RADIUS_FRACTION * radius, 3, f"{_dir_adj(bearing)} {label} of", widen=False
    )


def _outskirts(ctx: _Ctx, bearing: float) -> Location:
    lat, lon = offset_point(ctx.lat, ctx.lon, ctx.unc, bearing)
    return _result(ctx, lat, lon, NEAR_RADIUS_KM, 2, f"{_dir_adj(bearing)} outskirts of")


def _part(ctx: _Ctx, bearing: float) -> Location:
    lat, lon = offset_point(ctx.lat, ctx.lon, PART_OFFSET_FRACTION * ctx.unc, bearing)
    return _result(
        ctx, lat, lon, PART_RADIUS_FRACTION * ctx.unc, 2, f"{_dir_adj(bearing)} part of", widen=False
    )


def _sector(ctx: _Ctx, bearing: float) -> Location:
    dist = max(SECTOR_OFFSET_KM, ctx.unc)
    lat, lon = offset_point(ctx.lat, ctx.lon, dist, bearing)
    return _result(ctx, lat, lon, max(SECTOR_RADIUS_KM, ctx.unc), 2, f"{_dir_name(bearing)} of")


def _distance(ctx: _Ctx, m: re.Match[str], bearing: float | None) -> Location | None:
    parsed = _parse_number(m.group("num"))
    if parsed is None:
        return None
    value, half_range = parsed
    km = _to_km(value, m.group("unit"))
    spread = _to_km(half_range, m.group("unit"))
    if km <= 0 or km > 2000:
        return None
    if bearing is None:
        if m.group("unit").lower() == "m":  # "a $20m grant from X": bare "m" needs a direction
            return None
        within = "within" in m.groupdict() and m.group("within")
        radius = km if within else km * UNDIRECTED_DISTANCE_FACTOR + spread
        qual = f"within {_fmt_km(km)} km of" if within else f"{_fmt_km(km)} km from"
        return _result(ctx, ctx.lat, ctx.lon, max(radius, MIN_RELATIVE_UNCERTAINTY_KM), 2, qual)
    lat, lon = offset_point(ctx.lat, ctx.lon, km, bearing)
    radius = max(DISTANCE_UNCERTAINTY_FRACTION * km + spread, MIN_RELATIVE_UNCERTAINTY_KM)
    return _result(ctx, lat, lon, radius, 2, f"{_fmt_km(km)} km {_dir_name(bearing)} of")


def _pair(ctx: _Ctx, factor: float, qualifier: str) -> Location | None:
    y = ctx.nxt
    if y is None or y.place is None or y.lat is None or y.lon is None:
        return None
    lat, lon, dist = midpoint(ctx.lat, ctx.lon, y.lat, y.lon)
    radius = max(factor * dist, ctx.unc, y.uncertainty_km, y.place.uncertainty_km)
    return _result(ctx, lat, lon, radius, 2, qualifier)


def _bearing(m: re.Match[str], *groups: str) -> float | None:
    for g in groups:
        if g in m.re.groupindex and m.group(g):
            b = compass_bearing(m.group(g))
            if b is not None:
                return b
    return None


def _rule_road(ctx: _Ctx) -> Location | None:
    if ctx.nxt is None:
        return None
    y = ctx.nxt
    after_y = ctx.text[y.end : y.end + _AFTER]
    qual = f"road {ctx.loc.mention}–{y.mention}"
    if (ctx.before.search(_EN_ROAD_BETWEEN_PRE) and _EN_ROAD_BETWEEN_GAP.fullmatch(ctx.gap)) or (
        ctx.before.search(_AR_ROAD_BETWEEN_PRE) and _AR_AND_GAP.fullmatch(ctx.gap)
    ):
        return _pair(ctx, ROAD_RADIUS_FACTOR, qual)
    if _EN_ROAD_DASH_GAP.fullmatch(ctx.gap) and _EN_ROAD_SUFFIX.search(after_y):
        return _pair(ctx, ROAD_RADIUS_FACTOR, qual)
    if ctx.before.search(_AR_ROAD_PRE) and _AR_ROAD_DASH_GAP.fullmatch(ctx.gap):
        return _pair(ctx, ROAD_RADIUS_FACTOR, qual)
    return None


def _rule_between(ctx: _Ctx) -> Location | None:
    if ctx.nxt is None:
        return None
    if (ctx.before.search(_EN_BETWEEN_PRE) and _EN_BETWEEN_GAP.fullmatch(ctx.gap)) or (
        ctx.before.search(_AR_BETWEEN_PRE) and _AR_AND_GAP.fullmatch(ctx.gap)
    ):
        return _pair(ctx, BETWEEN_RADIUS_FACTOR, f"between {ctx.loc.mention} and {ctx.nxt.mention}")
    return None


def _rule_distance(ctx: _Ctx) -> Location | None:
    for pat in (_EN_DIST_DIR, _AR_DIST_DIR):
        m = ctx.before.search(pat)
        if m:
            b = _bearing(m, "dir", "ardir")
            if b is not None:
                res = _distance(ctx, m, b)
                if res is not None:
                    return res
    for pat in (_EN_DIST, _AR_DIST):
        m = ctx.before.search(pat)
        if m:
            res = _distance(ctx, m, None)
            if res is not None:
                return res
    return None


def _rule_countryside(ctx: _Ctx) -> Location | None:
    m = ctx.before.search(_EN_CS_PRE)
    if m:
        return _countryside(ctx, _bearing(m, "dir", "dir2"), m.group("cs"))
    s = ctx.after.search(_EN_CS_SUFFIX)
    if s:
        b = _bearing(s, "dir")
        if b is None:
            p = ctx.before.search(_EN_DIR_ADJ_PRE)
            b = _bearing(p, "dir") if p else None
        return _countryside(ctx, b, s.group("cs"))
    m = ctx.before.search(_EN_RURAL_PRE)
    if m:
        return _countryside(ctx, _bearing(m, "dir", "dir2"))
    m = ctx.before.search(_AR_CS_DIR_PRE)
    if m:
        return _countryside(ctx, _bearing(m, "ardir"), m.group("cs"))
    m = ctx.before.search(_AR_CS_PRE)
    if m:
        s = ctx.after.search(_AR_DIR_SUFFIX)
        return _countryside(ctx, _bearing(s, "ardir") if s else None, m.group("cs"))
    return None


def _rule_outskirts(ctx: _Ctx) -> Location | None:
    for pat, window in (
        (_EN_OUTSKIRTS_PRE, ctx.before),
        (_EN_OUTSKIRTS_SUFFIX, ctx.after),
        (_AR_OUTSKIRTS_PRE, ctx.before),
    ):
        m = window.search(pat)
        if m:
            b = _bearing(m, "dir", "ardir")
            if b is not None:
                return _outskirts(ctx, b)
    if ctx.before.search(_AR_OUTSKIRTS_X_DIR):
        s = ctx.after.search(_AR_DIR_SUFFIX)
        if s:
            b = _bearing(s, "ardir")
            if b is not None:
                return _outskirts(ctx, b)
    return None


def _rule_part(ctx: _Ctx) -> Location | None:
    for pat in (_EN_PART_OF_PRE, _EN_PART_AREAS_PRE, _EN_PART_ADJ_PRE, _EN_PART_NOUN_PRE, _AR_PART_PRE):
        m = ctx.before.search(pat)
        if m:
            b = _bearing(m, "dir", "ardir")
            if b is not None:
                return _part(ctx, b)
    # Arabic "شمال سوريا" is "northern Syria" when the place is a region.
    if ctx.is_region:
        m = ctx.before.search(_AR_SECTOR_PRE)
        if m:
            b = _bearing(m, "ardir")
            if b is not None:
                return _part(ctx, b)
    return None


def _rule_sector(ctx: _Ctx) -> Location | None:
    for pat in (_EN_SECTOR_PRE, _AR_SECTOR_TO_PRE, _AR_SECTOR_PRE):
        m = ctx.before.search(pat)
        if m:
            b = _bearing(m, "dir", "ardir")
            if b is not None:
                return _sector(ctx, b)
    return None


def _rule_near(ctx: _Ctx) -> Location | None:
    if (
        ctx.before.search(_EN_NEAR_PRE)
        or ctx.before.search(_AR_NEAR_PRE)
        or ctx.after.search(_EN_NEAR_SUFFIX)
        or ctx.after.search(_AR_NEAR_SUFFIX)
    ):
        return _near(ctx)
    return None


def _rule_region_area(ctx: _Ctx) -> Location | None:
    if ctx.before.search(_EN_REGION_PRE) or ctx.after.search(_EN_REGION_SUFFIX) or ctx.before.search(_AR_REGION_PRE):
        return _region(ctx)
    if ctx.before.search(_EN_AREA_PRE) or ctx.after.search(_EN_AREA_SUFFIX) or ctx.before.search(_AR_AREA_PRE):
        return _area(ctx)
    return None


_RULES: tuple[Callable[[_Ctx], Location | None], ...] = (
    _rule_road,
    _rule_between,
    _rule_distance,
    _rule_countryside,
    _rule_outskirts,
    _rule_part,
    _rule_sector,
    _rule_near,
    _rule_region_area,
)

_INHERIT: dict[str, Callable[[_Ctx], Location]] = {
    "near": _near,
    "area": _area,
    "region": _region,
    "countryside of": lambda c: _countryside(c, None),
    "desert of": lambda c: _countryside(c, None, "desert"),
}


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def _clean(s: str) -> str:
    """Drop Arabic vowel marks so patterns need not spell them (offsets are not reused)."""
    return _AR_HARAKAT.sub("", unicodedata.normalize("NFC", s))


def _usable(text: str, loc: Location) -> bool:
    return (
        loc.place is not None
        and loc.lat is not None
        and loc.lon is not None
        and 0 <= loc.start <= loc.end <= len(text)
        and loc.qualifier is None
    )


def qualify(text: str, locations: Sequence[Location]) -> list[Location]:
    """Adjust each resolved location for the vague or relative words around it.

    ``locations`` carry exact offsets into ``text``.  The result has the same
    length and order; unaffected locations are returned as the same objects,
    mentions of region-kind places get precision 3, and the others are new
    :class:`Location` objects (``dataclasses.replace``) with updated ``lat``,
    ``lon``, ``precision``, ``uncertainty_km`` and ``qualifier``.

    Example:
        >>> from geo_tracker.models import Location, Place
        >>> manbij = Place(id="sy-manbij", name="Manbij", kind="city", country="SY",
        ...                lat=36.53, lon=37.95, uncertainty_km=3.0)
        >>> text = "Clashes near Manbij; later in Manbij."
        >>> locs = [Location("Manbij", i, i + 6, manbij, 36.53, 37.95)
        ...         for i in (text.index("Manbij"), text.rindex("Manbij"))]
        >>> [(q.qualifier, q.precision, q.uncertainty_km) for q in qualify(text, locs)]
        [('near', 2, 5.0), (None, 1, 0.0)]
    """
    text = text or ""
    order = sorted(range(len(locations)), key=lambda i: (locations[i].start, locations[i].end))
    out: list[Location] = list(locations)
    prev_rule: str | None = None
    prev_end: int | None = None
    for pos, idx in enumerate(order):
        loc = locations[idx]
        nxt = locations[order[pos + 1]] if pos + 1 < len(order) else None
        if not _usable(text, loc):
            prev_rule, prev_end = None, loc.end
            continue
        assert loc.place is not None and loc.lat is not None and loc.lon is not None
        place = loc.place
        gap = text[loc.end : nxt.start] if nxt is not None and nxt.start >= loc.end else ""
        if nxt is not None and nxt.start < loc.end:
            nxt = None
        ctx = _Ctx(
            text=text,
            loc=loc,
            place=place,
            before=_Window(_clean(text[max(0, loc.start - _BEFORE) : loc.start])),
            after=_Window(_clean(text[loc.end : loc.end + _AFTER])),
            lat=loc.lat,
            lon=loc.lon,
            unc=max(loc.uncertainty_km, place.uncertainty_km, 0.0),
            is_region=place.kind.lower() in REGION_KINDS,
            nxt=nxt,
            gap=_clean(gap),
        )
        result: Location | None = None
        # "near X and Y": Y inherits an undirected qualifier from X.
        if prev_rule in _INHERIT and prev_end is not None and prev_end <= loc.start:
            between = _clean(text[prev_end : loc.start])
            listed = _LIST_GOES_ON.match(ctx.after.text) is not None
            if _COORD_GAP.fullmatch(between) or (
                listed and not ctx.is_region and _COMMA_GAP.fullmatch(between)
            ):
                result = _INHERIT[prev_rule](ctx)
        if result is None:
            for rule in _RULES:
                result = rule(ctx)
                if result is not None:
                    break
        if result is None:
            if ctx.is_region and loc.precision < 3:
                result = replace(loc, precision=3, uncertainty_km=ctx.unc)
            else:
                result = loc
        out[idx] = result
        prev_rule, prev_end = result.qualifier, loc.end
    return _in_stated_areas(text, order, out)


def _in_stated_areas(text: str, order: Sequence[int], out: list[Location]) -> list[Location]:
    """An unlocated mention the text puts in an area of the next one takes that area's location.

    "Al-Sour in the eastern countryside of Deir ez-Zor": the gazetteer has no Al-Sour there, so
    Al-Sour is placed as the eastern countryside of Deir ez-Zor, under its own name.
    """
    for a, b in zip(order, order[1:]):
        inner, area = out[a], out[b]
        if inner.resolved or not area.resolved or area.start < inner.end:
            continue
        if AREA_GAP.fullmatch(text[inner.end : area.start]):
            out[a] = replace(area, mention=inner.mention, start=inner.start, end=inner.end, score=0.0)
    return out
