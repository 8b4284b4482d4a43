"""Toponym resolution: choose the place each recognised mention refers to.

Each candidate gets a score that adds up evidence which generalises across
corpora (no rule is keyed to a particular place):

* **match** — exact spelling > article-less > transliteration skeleton;
* **prior** — kind (country > region > city > village), population, layer
  (curated and user layers over the world layer);
* **cue words** — "border crossing", "oil field", "base", "airport",
  "governorate", "village"… next to the mention favour candidates of that kind;
* **document coherence** — after a first pass, candidates near the document's
  confidently resolved places, or inside the countries it names, gain;
* **"X, Y" and "X in Y"** — a candidate inside the country or region Y gains.

Then a precision code and uncertainty follow from the place's kind:
areas (countries, governorates, regions, districts) are precision 3, points 1.
:mod:`geo_tracker.qualify` refines them for "near X", "20 km south of X"…

Example:
    >>> from geo_tracker.gazetteer import Gazetteer
    >>> from geo_tracker.models import Place
    >>> gaz = Gazetteer.from_places([
    ...   Place("sy-walid", "Al-Walid crossing", "crossing", "SY", 37.0, 42.3, 15.0, alt_names=("Al-Walid",)),
    ...   Place("iq-waleed", "Al-Waleed crossing", "crossing", "IQ", 33.4, 38.8, 2.0, alt_names=("Al-Walid",)),
    ...   Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.05, 41.22, 3.0)])
    >>> locs = resolve("Trucks crossed Al-Walid towards Al-Qamishli.", gaz)
    >>> locs[0].place.id
    'sy-walid'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .gazetteer import MATCH_WEIGHT, Gazetteer
from .gazetteer.kinds import CUE_BONUS, cue_kinds
from .geodesy import haversine_km
from .models import Location
from .normalize import fold
from .recognize import Match, recognize

AREA_KINDS = frozenset({"country", "governorate", "admin1", "region", "district"})
PART_KINDS = frozenset({"subdistrict", "oil_field", "gas_field"})

CUE_WINDOW_TOKENS = 3
COUNTRY_BONUS = 0.45
PROXIMITY_BONUS = 0.8
PROXIMITY_SCALE_KM = 250.0
CONTAINER_BONUS = 0.8
ANCHOR_MARGIN = 0.35
ANCHOR_MAX_UNCERTAINTY_KM = 150.0
REGION_ANCHOR_MAX_UNCERTAINTY_KM = 400.0

# Adjectives of nationality are evidence of a document's country
# ("entered Syrian territory", "the Iraqi side"), weaker than a named place.
DEMONYMS: dict[str, str] = {
    "syrian": "SY", "سوري": "SY", "سوريه": "SY", "iraqi": "IQ", "عراقي": "IQ", "عراقيه": "IQ",
    "turkish": "TR", "تركي": "TR", "تركيه": "TR", "jordanian": "JO", "lebanese": "LB", "iranian": "IR",
    "israeli": "IL", "russian": "RU", "american": "US", "ukrainian": "UA", "egyptian": "EG",
    "saudi": "SA", "yemeni": "YE", "libyan": "LY", "afghan": "AF", "pakistani": "PK",
}
DEMONYM_WEIGHT = 0.5


def demonym_countries(text: str) -> Counter:
    """Countries named by adjectives of nationality in ``text`` (weighted)."""
    found: Counter = Counter()
    for tok in fold(text).split():
        cc = DEMONYMS.get(tok) or (DEMONYMS.get(tok[2:]) if tok.startswith("ال") else None)
        if cc:
            found[cc] += DEMONYM_WEIGHT
    return found


def _context_tokens(text: str, m: Match) -> list[str]:
    before = fold(text[max(0, m.start - 60) : m.start]).split()[-CUE_WINDOW_TOKENS:]
    after = fold(text[m.end : m.end + 60]).split()[:CUE_WINDOW_TOKENS]
    return before + after


def _cue_kinds(text: str, m: Match) -> set[str]:
    return cue_kinds(_context_tokens(text, m) + m.key.split())


def _base_scores(gaz: Gazetteer, text: str, m: Match) -> dict[int, float]:
    index = gaz.index
    cues = _cue_kinds(text, m)
    scores: dict[int, float] = {}
    for i, how in m.hits:
        s = MATCH_WEIGHT[how] + gaz.prior(i)
        if cues and index.kinds[i] in cues:
            s += CUE_BONUS
        scores[i] = max(scores.get(i, -1e9), s)
    return scores


def _containers(gaz: Gazetteer, text: str, matches: Sequence[Match], k: int) -> list[int]:
    """Candidates of the mention right after "X, " or "X in " (its container)."""
    if k + 1 >= len(matches):
        return []
    gap = text[matches[k].end : matches[k + 1].start]
    if not re.fullmatch(r"\s*(,|in|in the|of)\s*", gap, flags=re.IGNORECASE):
        return []
    return [i for i, _ in matches[k + 1].hits]


def resolve(text: str, gaz: Gazetteer, matches: Sequence[Match] | None = None) -> list[Location]:
    """Resolve every place mention of ``text`` to a :class:`Location` (see module doc)."""
    if matches is None:
        matches = recognize(text, gaz)
    index = gaz.index
    base = [_base_scores(gaz, text, m) for m in matches]

    # Pass 1: every mention's provisional best candidate, weighted by how clear
    # its lead is, gives the document's geography.
    provisional: list[tuple[int, float]] = []
    for scores in base:
        ranked = sorted(scores.values(), reverse=True)
        lead = ranked[0] - ranked[1] if len(ranked) > 1 else ANCHOR_MARGIN
        provisional.append((max(scores, key=scores.__getitem__), min(1.0, 0.3 + lead / ANCHOR_MARGIN)))
    countries: Counter = demonym_countries(text)
    for i, weight in provisional:
        if index.countries[i] and (index.kinds[i] == "country" or index.uncertainty_km[i] <= ANCHOR_MAX_UNCERTAINTY_KM):
            countries[index.countries[i]] += weight

    # Pass 2: add coherence with the other mentions and "X, Y" containment.
    locations = []
    for k, (m, scores) in enumerate(zip(matches, base)):
        cands = np.fromiter(scores.keys(), dtype=np.int64)
        total = np.fromiter(scores.values(), dtype=np.float64)
        if len(cands) > 1:
            others = [(i, w) for j, (i, w) in enumerate(provisional) if matches[j].key != m.key]
            own = countries.copy()
            for j, (i, w) in enumerate(provisional):
                if matches[j].key == m.key and index.countries[i]:
                    own[index.countries[i]] -= w
            total = total + _coherence(gaz, cands, others, +own)
            containers = _containers(gaz, text, matches, k)
            if containers:
                total = total + _containment(gaz, cands, containers)
        best = int(cands[int(np.argmax(total))])
        locations.append(_location(gaz, m, best, float(total.max())))
    return locations


def _coherence(
    gaz: Gazetteer, cands: np.ndarray, others: list[tuple[int, float]], countries: Counter
) -> np.ndarray:
    """Bonus for candidates in the document's countries and near its other places."""
    index = gaz.index
    bonus = np.zeros(len(cands))
    if countries:
        top = sum(countries.values())
        bonus += COUNTRY_BONUS * np.array([countries.get(index.countries[i], 0) / top for i in cands])
    # Points locate the document best; a region's centroid only roughly, and
    # a country's not at all.
    anchors = [
        (i, w * min(1.0, ANCHOR_MAX_UNCERTAINTY_KM / max(float(index.uncertainty_km[i]), 1.0)))
        for i, w in others
        if index.kinds[i] != "country" and index.uncertainty_km[i] <= REGION_ANCHOR_MAX_UNCERTAINTY_KM
    ]
    if anchors:
        ids = np.array([i for i, _ in anchors])
        weights = np.array([w for _, w in anchors])
        d = haversine_km(
            index.lat[cands][:, None], index.lon[cands][:, None], index.lat[ids][None, :], index.lon[ids][None, :]
        )
        closeness = np.exp(-d / PROXIMITY_SCALE_KM) * weights[None, :]
        bonus += PROXIMITY_BONUS * closeness.sum(axis=1) / weights.sum()
    return bonus


def _containment(gaz: Gazetteer, cands: np.ndarray, containers: list[int]) -> np.ndarray:
    index = gaz.index
    out = np.zeros(len(cands))
    for c in containers:
        kind = index.kinds[c]
        if kind == "country":
            out += CONTAINER_BONUS * np.array([index.countries[i] == index.countries[c] for i in cands])
        elif kind in AREA_KINDS:
            d = haversine_km(index.lat[cands], index.lon[cands], index.lat[c], index.lon[c])
            out += CONTAINER_BONUS * (d <= float(index.uncertainty_km[c]) * 1.5)
    return out


def precision_of(kind: str) -> int:
    """Default precision code of a place kind: 3 for areas, 2 for parts, 1 for points."""
    if kind in AREA_KINDS:
        return 3
    if kind in PART_KINDS:
        return 2
    return 1


def _location(gaz: Gazetteer, m: Match, i: int, score: float) -> Location:
    place = gaz.place(i)
    return Location(
        mention=m.surface,
        start=m.start,
        end=m.end,
        place=place,
        lat=place.lat,
        lon=place.lon,
        precision=precision_of(place.kind),  # type: ignore[arg-type]
        uncertainty_km=place.uncertainty_km,
        score=round(score, 3),
    )
