"""Words that stand for a place without being its name.

Two kinds, both common in news and both annotated as toponyms by the
standard corpora:

* **nationality adjectives and nouns** — "Syrian territory", "the Iraqis",
  "American forces" stand for a country. The table comes from the
  ``countryinfo`` package (its ``demonym`` field, MIT licence) with
  :data:`EXTRA_DEMONYMS` for the forms it lacks, plus regular plurals.
* **abbreviations of news style** — "U.S.", "U.K.", "UAE" and the AP-style
  abbreviations of US states ("Charleston, W.Va.", "Gainesville, Ga.").
  Single-dot state abbreviations ("Ga.", "Ky.") are only read after a comma,
  where news style puts them; the multi-dot ones ("W.Va.", "N.C.") anywhere.

:func:`alias_spans` finds them in a text; :func:`alias_target` names the
place each one stands for, as ``(name, kind, country)``, which the gazetteer
then resolves like any other name — so a curated row standing for a country
(say, Iraq) is the one a nationality adjective reaches.

Example:
    >>> [(t[s:e], alias_target(t[s:e])) for t in ["Syrian forces entered Charleston, W.Va., and the U.S."]
    ...  for s, e in alias_spans(t)]       # doctest: +NORMALIZE_WHITESPACE
    [('Syrian', ('SY', 'country', 'SY')), ('W.Va.', ('West Virginia', 'admin1', 'US')),
     ('U.S.', ('US', 'country', 'US'))]
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from ..normalize import fold

if TYPE_CHECKING:
    from . import Gazetteer

T = TypeVar("T")

# Forms the countryinfo table lacks or spells differently (facts of usage).
EXTRA_DEMONYMS: dict[str, str] = {
    "Palestinian": "PS", "Argentine": "AR", "British": "GB", "Briton": "GB", "Emirati": "AE",
    "Saudi": "SA", "Filipino": "PH", "Dutch": "NL", "Kuwaiti": "KW", "Qatari": "QA", "Omani": "OM",
    "Bahraini": "BH", "Yemenite": "YE", "Cypriot": "CY", "Czech": "CZ", "Slovak": "SK",
    "Sri Lankan": "LK", "South Korean": "KR", "North Korean": "KP", "South African": "ZA",
    "South Sudanese": "SS", "New Zealander": "NZ", "Bosnian": "BA", "Kosovar": "XK",
    "Congolese": "CD", "Ivorian": "CI", "Salvadoran": "SV", "Belarusian": "BY", "Kyrgyz": "KG",
    "Tajik": "TJ", "Turkmen": "TM", "Uzbek": "UZ", "Kazakh": "KZ", "Lao": "LA", "Burmese": "MM",
    # Arabic adjectives (masculine, feminine), as folded by normalize.fold.
    "سوري": "SY", "سوريه": "SY", "عراقي": "IQ", "عراقيه": "IQ", "تركي": "TR", "تركيه": "TR",
    "اردني": "JO", "لبناني": "LB", "ايراني": "IR", "ايرانيه": "IR", "روسي": "RU", "روسيه": "RU",
    "امريكي": "US", "امريكيه": "US", "اميركي": "US", "اميركيه": "US",
}

# Abbreviations of news style -> (target name, kind, country). Facts of the
# AP Stylebook's state abbreviations and common country initialisms.
_COUNTRY_ABBREVIATIONS: dict[str, str] = {
    "U.S.": "US", "U.S.A.": "US", "US": "US", "USA": "US", "U.K.": "GB", "UK": "GB",
    "UAE": "AE", "U.A.E.": "AE", "America": "US", "Britain": "GB", "Great Britain": "GB",
}
_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Kans.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Tex.": "Texas", "Va.": "Virginia", "Vt.": "Vermont",
    "Wash.": "Washington", "W.Va.": "West Virginia", "W. Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}

_FUNCTION_WORDS = frozenset(
    "and or but for nor in on at to from with by of as into onto over under after before since than that "
    "which who is was are were has had have will would said says".split()
)
"""Words after an abbreviation that show it is a noun ("the US for", "the U.S. and")."""

_PLURAL_STOP = ("s", "sh", "ch", "ese", "ss", "x", "z")


def _plural(word: str) -> str | None:
    if not word.isascii() or word.endswith(_PLURAL_STOP) or word in ("British", "Dutch", "Lao"):
        return None
    return word + "s"


@lru_cache(maxsize=1)
def _countries() -> tuple:
    """The ``countryinfo`` package's country records (empty if it is missing)."""
    try:
        import countryinfo
    except ImportError:  # pragma: no cover - a declared dependency
        return ()
    return tuple(countryinfo.all_countries())


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Folded nationality word (and its plural) -> ISO 3166-1 alpha-2 country code.

    Example:
        >>> demonyms()["iraqis"], demonyms()["syrian"]
        ('IQ', 'SY')
    """
    ranked: dict[str, tuple[int, str]] = {}
    for c in _countries():
        try:
            words, code, population = c.demonym() or "", c.iso(2), int(c.population() or 0)
        except Exception:  # noqa: BLE001 - a malformed entry of the package
            continue
        for word in re.split(r"\s*[,/]\s*", words):
            # A word several countries share ("American": the US and the
            # Northern Mariana Islands) means the most populous one.
            if word and code and population >= ranked.get(word, (-1, ""))[0]:
                ranked[word] = (population, code)
    table = {word: code for word, (_, code) in ranked.items()}
    table.update(EXTRA_DEMONYMS)
    out: dict[str, str] = {}
    for word, code in table.items():
        out[fold(word)] = code
        plural = _plural(word)
        if plural:
            out.setdefault(fold(plural), code)
    return out


def is_attributive(text: str, start: int, end: int) -> bool:
    """Whether the alias ``text[start:end]`` stands for a nationality rather than a place:
    a nationality word ("Syrian", "Iraqis"), or an abbreviation used as an adjective ("US base",
    "U.S. troops").

    Example:
        >>> t = "US forces left the US for Syrian territory."
        >>> [is_attributive(t, s, e) for s, e in alias_spans(t)]
        [True, False, True]
    """
    surface = text[start:end]
    if surface not in _COUNTRY_ABBREVIATIONS and surface not in _STATE_ABBREVIATIONS:
        return alias_target(surface) is not None
    following = re.match(r" ([a-z]+)\b", text[end : end + 20])
    return bool(following) and following.group(1) not in _FUNCTION_WORDS


def alias_target(surface: str) -> tuple[str, str, str] | None:
    """``(name, kind, country)`` of the place ``surface`` stands for, or ``None``.

    For a country the name is its ISO code, which the gazetteer's country rows
    carry as their ``country``.
    """
    code = _COUNTRY_ABBREVIATIONS.get(surface)
    if code:
        return (code, "country", code)
    state = _STATE_ABBREVIATIONS.get(surface)
    if state:
        return (state, "admin1", "US")
    folded = fold(surface)
    table = demonyms()
    code = table.get(folded) or (table.get(folded[2:]) if folded.startswith("ال") else None)
    if code:
        return (code, "country", code)
    return None


# Tables derived from one index, kept while the index lives (keyed by identity).
_PER_INDEX: dict[tuple[str, int], object] = {}


def _per_index(gaz: "Gazetteer", build: Callable[["Gazetteer"], T]) -> T:
    """``build(gaz)``, computed once per gazetteer index."""
    key = (build.__name__, id(gaz.index))
    if key not in _PER_INDEX:
        _PER_INDEX[key] = build(gaz)
        weakref.finalize(gaz.index, _PER_INDEX.pop, key, None)
    return _PER_INDEX[key]  # type: ignore[return-value]


def _build_country_rows(gaz: "Gazetteer") -> dict[str, tuple[int, ...]]:
    index = gaz.index
    found: dict[str, list[int]] = {}
    for i, kind in enumerate(index.kinds):
        if kind == "country" and index.countries[i]:
            found.setdefault(index.countries[i], []).append(i)
    rows = {}
    for code, ids in found.items():
        upper = [i for i in ids if index.layers[i] != "world"]
        rows[code] = tuple(upper or ids)
    return rows


def _country_rows(gaz: "Gazetteer") -> dict[str, tuple[int, ...]]:
    """ISO code -> the gazetteer's country rows, curated/user rows before (and instead of) world rows."""
    return _per_index(gaz, _build_country_rows)


CAPITAL_MAX_KM = 40.0
"""A gazetteer place is a country's capital when it bears the capital's name within this distance of
the capital's point in ``countryinfo``."""


def _build_capitals(gaz: "Gazetteer") -> frozenset[int]:
    from ..geodesy import haversine_km

    index = gaz.index
    rows: set[int] = set()
    for c in _countries():
        try:
            names, code, (lat, lon) = c.capital(), c.iso(2), c.capital_latlng()
        except Exception:  # noqa: BLE001 - an entry without a capital
            continue
        names = [names] if isinstance(names, str) else list(names or ())
        # "Washington D.C." is the city GeoNames calls "Washington".
        names += [re.sub(r"[\s,]+D\.?\s?C\.?$", "", n) for n in names if isinstance(n, str)]
        hits = {i for n in names if isinstance(n, str) and n for i, _ in gaz.matches(n)}
        for i in sorted(hits):
            if (
                index.countries[i] == code
                and index.kinds[i] not in ("country", "admin1")
                and float(haversine_km(lat, lon, index.lat[i], index.lon[i])) <= CAPITAL_MAX_KM
            ):
                rows.add(i)
    return frozenset(rows)


def capitals(gaz: "Gazetteer") -> frozenset[int]:
    """Rows of ``gaz`` that are national capitals (names and points from ``countryinfo``).

    Example:
        >>> from geo_tracker.gazetteer import Gazetteer
        >>> from geo_tracker.models import Place
        >>> gaz = Gazetteer.from_places([Place("dc", "Washington", "city", "US", 38.895, -77.036, 10.0),
        ...                              Place("wa", "Washington", "town", "US", 40.7, -80.2, 3.0)])
        >>> sorted(capitals(gaz))
        [0]
    """
    return _per_index(gaz, _build_capitals)


def alias_hits(gaz: "Gazetteer", surface: str) -> tuple[tuple[int, str], ...]:
    """The gazetteer rows ``surface`` stands for, as ``(row, "alias")`` pairs (empty if none).

    Example:
        >>> from geo_tracker.gazetteer import Gazetteer
        >>> from geo_tracker.models import Place
        >>> gaz = Gazetteer.from_places([Place("iq", "Iraq", "country", "IQ", 33.2, 42.5, 485.0)])
        >>> alias_hits(gaz, "Iraqis")
        ((0, 'alias'),)
    """
    target = alias_target(surface)
    if target is None:
        return ()
    name, kind, country = target
    if kind == "country":
        ids = _country_rows(gaz).get(country, ())
    else:
        ids = tuple(i for i, _ in gaz.matches(name) if gaz.index.kinds[i] == kind and gaz.index.countries[i] == country)
    return tuple((i, "alias") for i in ids)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    abbrevs = sorted([*_COUNTRY_ABBREVIATIONS, *_STATE_ABBREVIATIONS], key=len, reverse=True)
    words = sorted({w for w in EXTRA_DEMONYMS if w.isascii()}, key=len, reverse=True)
    return re.compile(
        r"(?<![\w.])(?:(?P<abbr>" + "|".join(map(re.escape, abbrevs)) + r")(?![\w])"
        r"|(?P<multi>" + "|".join(map(re.escape, [w for w in words if " " in w])) + r")(?!\w)"
        r"|(?P<word>(?:[A-Z]|[\u0600-\u06ff])[\w'’-]*))"
    )


def _multi_dot(abbr: str) -> bool:
    return abbr.count(".") >= 2 or abbr.isupper()


@lru_cache(maxsize=100_000)
def _is_nationality_word(word: str) -> bool:
    table = demonyms()
    folded = fold(word)
    return folded in table or (folded.startswith("ال") and folded[2:] in table)


@lru_cache(maxsize=4)
def alias_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that are nationality words or news-style abbreviations of places.

    Nationality words must be capitalised ("Syrian"), or in Arabic script.
    Recognition and resolution both ask for the spans of the same report:
    the last few answers are kept.
    """
    out: list[tuple[int, int]] = []
    for m in _pattern().finditer(text):
        if m.group("abbr"):
            abbr = m.group("abbr")
            if abbr in _STATE_ABBREVIATIONS and not _multi_dot(abbr) and not text[: m.start()].rstrip().endswith(","):
                continue
            out.append(m.span())
        elif m.group("multi"):
            out.append(m.span())
        elif _is_nationality_word(m.group("word")):
            out.append(m.span())
    return tuple(out)
