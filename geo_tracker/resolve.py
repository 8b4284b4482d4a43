"""Toponym resolution: choose the place each recognised mention refers to.

Each candidate gets a score that adds up evidence which generalises across
corpora (no rule is keyed to a particular place):

* **match** — exact spelling > article-less > transliteration skeleton; a world
  place's own name over one of its alternate names; a skeleton or fuzzy guess is no
  candidate at all when the mention spells some place as written;
* **prior** — kind (country > region > city > village), population, layer
  (curated and user layers over the world layer);
* **cue words** — "border crossing", "oil field", "base", "airport",
  "governorate", "village"… next to the mention favour candidates of that kind;
* **document coherence** — candidates near what the other mentions probably are,
  inside the countries it names (or bordering them), and in the regions it names, gain;
  a reading that touches another mention's reading (Huntsville inside the Walker
  County the text names) gains most;
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
from .gazetteer.aliases import alias_spans, alias_target, capitals, is_attributive
from .gazetteer.kinds import CUE_BONUS, cue_kinds
from .gazetteer.world import country_neighbours
from .geodesy import haversine_km
from .models import NATIONALITY, Location
from .normalize import fold
from .recognize import Match, recognize
from .text import ARABIC_AREA_NOUNS, AREA_GAP, COUNTRYSIDE_OF

AREA_KINDS = frozenset({"continent", "country", "governorate", "admin1", "admin2", "region", "district"})
PART_KINDS = frozenset({"subdistrict", "oil_field", "gas_field"})

CUE_WINDOW_TOKENS = 3
TOP_CANDIDATES = 25
"""Candidates per mention kept for context (the best by base score)."""
SOFTMAX_TEMPERATURE = 0.15
"""How sharply a mention's base scores turn into beliefs about its candidates."""
ITERATIONS = 3
CAPITAL_BONUS = 0.3
"""A national capital is the likelier reading of its name ("Washington", "Amman")."""
PRIMARY_NAME_BONUS = 0.4
"""A world place called by its own name, over one listing the word among its alternate names."""
COUNTRY_BONUS = 0.5
NEIGHBOUR_BONUS = 0.25
"""A place in a country bordering the document's countries gains this much at most ("Gaza" beside Israel and Egypt)."""
ADMIN1_BONUS = 0.45
PROXIMITY_BONUS = 0.8
PROXIMITY_SCALE_KM = 250.0
LOCAL_BONUS = 3.0
"""Weight of local coherence: a reading that touches another mention's reading (a town in the
county the text names) beats namesakes hundreds of kilometres away."""
LOCAL_SCALE_KM = 30.0
"""Local closeness falls to 1/e over this gap between two places' extents."""
SAME_PLACE_MARGIN_KM = 10.0
"""Candidates of one mention this close beyond their radii are one location for local context."""
LOCAL_MAX_RADIUS_KM = 100.0
"""Only places this small take part in local context, and never states, countries or wider
regions (:data:`_WIDE_KINDS`): a town is not "near" the state it lies in (that is the first-level
region term's job). A county's derived radius can exceed 60 km (Henderson County, Texas: 73)."""
CONTAINER_BONUS = 0.8
CONTAINER_MIN_REACH_KM = 25.0
AREA_REACH_KM = 150.0
"""How far beyond a place's extent its countryside may reach ("X in the eastern countryside of
Deir ez-Zor": Al-Bukamal is 120 km from the city)."""
ANCHOR_MAX_UNCERTAINTY_KM = 150.0
REGION_ANCHOR_MAX_UNCERTAINTY_KM = 400.0
MIN_BELIEF = 0.002
"""Candidates believed less than this lend no context."""
DEMONYM_WEIGHT = 0.5
"""A nationality word's weight as evidence of a document's country, against 1 for a named place."""

_ADMIN1_KINDS = frozenset({"admin1", "governorate"})
_WIDE_KINDS = _ADMIN1_KINDS | {"country", "continent", "region"}
"""Kinds too wide to be a mention's local context, whatever their stated radius."""


def demonym_countries(text: str) -> Counter:
    """Countries named by adjectives of nationality in ``text`` (weighted).

    Example:
        >>> demonym_countries("Iraqi and Syrian officials met the Iraqis.")["IQ"]
        1.0
    """
    found: Counter = Counter()
    for start, end in alias_spans(text):
        target = alias_target(text[start:end])
        if target and target[1] == "country" and not text[start:end].isupper() and "." not in text[start:end]:
            found[target[2]] += DEMONYM_WEIGHT
    return found


def _context_tokens(text: str, m: Match, lo: int = 0, hi: int | None = None) -> list[str]:
    """Up to :data:`CUE_WINDOW_TOKENS` words either side of ``m``, not reaching past ``lo``/``hi``
    (the neighbouring mentions: "the Al-Walid border crossing, heading towards Al-Qamishli" gives
    Al-Qamishli no "crossing" cue)."""
    hi = len(text) if hi is None else hi
    before = fold(text[max(lo, m.start - 60) : m.start]).split()[-CUE_WINDOW_TOKENS:]
    after = fold(text[m.end : min(hi, m.end + 60)]).split()[:CUE_WINDOW_TOKENS]
    return before + after


def _cue_kinds(text: str, m: Match, lo: int = 0, hi: int | None = None) -> set[str]:
    return cue_kinds(_context_tokens(text, m, lo, hi) + m.key.split())


def _names_it(gaz: Gazetteer, i: int, key: str) -> bool:
    """Whether ``key`` is place ``i``'s own name, not one of its alternate names.

    GeoNames lists old, local and variant names as alternates ("Paris" for a
    Georgia town once called so); a place called by its name is the likelier
    reading. Every spelling of a curated or user row is one reporters use, so
    there all names count as its own.
    """
    return gaz.index.layers[i] != "world" or gaz.own_name_is(i, key)


GUESSED_MATCHES = frozenset({"skeleton", "fuzzy"})
"""Match types that guess at a spelling rather than read it."""
SPELLED_MATCHES = frozenset({"exact", "bare"})
"""Match types that read a place's name as written (with or without its article)."""


def _spelled_hits(m: Match) -> list[tuple[int, str]]:
    """``m``'s hits, without spelling guesses when the mention spells a known place exactly.

    A transliteration skeleton or fuzzy match stands in for a spelling the gazetteer lacks; once
    the words name a place as written ("Baghdad", the city; not "Al-Baghdady", a subdistrict
    whose skeleton is the same), the guess names another place, and no context should raise it
    over the place the text spells.
    """
    spelled = any(how in SPELLED_MATCHES for _, how in m.hits)
    return [(i, how) for i, how in m.hits if not (spelled and how in GUESSED_MATCHES)]


def _base_scores(gaz: Gazetteer, text: str, m: Match, lo: int = 0, hi: int | None = None) -> dict[int, float]:
    index = gaz.index
    cues = _cue_kinds(text, m, lo, hi)
    capital = capitals(gaz)
    scores: dict[int, float] = {}
    for i, how in _spelled_hits(m):
        s = MATCH_WEIGHT[how] + gaz.prior(i) + (CAPITAL_BONUS if i in capital else 0.0)
        if how == "exact" and _names_it(gaz, i, m.key):
            s += PRIMARY_NAME_BONUS
        if cues and index.kinds[i] in cues:
            s += CUE_BONUS
        scores[i] = max(scores.get(i, -1e9), s)
    return scores


_CONTAINER_GAP = re.compile(
    rf"\s*(?:,|in|in the|of|{COUNTRYSIDE_OF}|،|(?:في\s+|ب)?{ARABIC_AREA_NOUNS}|في)\s*", re.IGNORECASE
)
"""What lies between a place and the area that holds it: "X, Y", "X in Y", "X in the eastern
countryside of Y", "X بريف Y"."""


def _container_of(text: str, matches: Sequence[Match], k: int, gap_pattern: re.Pattern[str] = _CONTAINER_GAP) -> int | None:
    """The index of the mention that holds mention ``k`` ("X, Y", "X in Y"), if the text says so."""
    if k + 1 >= len(matches):
        return None
    gap = text[matches[k].end : matches[k + 1].start]
    return k + 1 if gap_pattern.fullmatch(gap) else None


def _containers(gaz: Gazetteer, text: str, matches: Sequence[Match], k: int) -> list[int]:
    """Candidates of the mention that holds mention ``k`` (its container), if any."""
    c = _container_of(text, matches, k)
    return [] if c is None else [i for i, _ in matches[c].hits]


def admin1_key(gaz: Gazetteer, i: int) -> tuple[str, str] | None:
    """``(country, code)`` of the first-level region place ``i`` lies in, or is.

    World places carry GeoNames' admin1 code; a world first-level region's id
    ends in its ISO 3166-2 code, which for the US (and several other
    countries) is the same code. Curated rows name their governorate.
    """
    index = gaz.index
    country = index.countries[i]
    if not country:
        return None
    if index.kinds[i] in _ADMIN1_KINDS:
        pid = index.ids[i]
        code = pid.rsplit("-", 1)[-1] if pid.startswith("admin1:") else fold(index.names[i])
        return (country, code.upper())
    a1 = index.admin1[i]
    return (country, fold(a1).upper() if index.layers[i] != "world" else a1.upper()) if a1 else None


class _Mention:
    """One mention's candidates (best first, at most :data:`TOP_CANDIDATES`) and their base scores."""

    def __init__(self, m: Match, scores: dict[int, float]) -> None:
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:TOP_CANDIDATES]
        self.match = m
        self.ids = np.asarray(ranked, dtype=np.int64)
        self.base = np.asarray([scores[i] for i in ranked], dtype=np.float64)


def _beliefs(total: np.ndarray) -> np.ndarray:
    z = np.exp((total - total.max()) / SOFTMAX_TEMPERATURE)
    return z / z.sum()


class _Document:
    """Every mention's candidates stacked into flat arrays, so that each mention's
    context — what the *other* mentions probably are — is a few array operations.

    Mentions of the same name form a group; a group lends no context to itself.
    """

    def __init__(self, gaz: Gazetteer, mentions: list[_Mention], demonyms: Counter) -> None:
        index = gaz.index
        self.mentions = mentions
        self.offsets = np.cumsum([0] + [len(m.ids) for m in mentions])
        ids = np.concatenate([m.ids for m in mentions]) if mentions else np.zeros(0, np.int64)
        keys = {m.match.key: g for g, m in enumerate(dict((m.match.key, m) for m in mentions).values())}
        self.n_groups = len(keys)
        self.group = np.repeat([keys[m.match.key] for m in mentions], [len(m.ids) for m in mentions])
        kinds = [index.kinds[i] for i in ids]
        unc = index.uncertainty_km[ids].astype(np.float64)
        is_country = np.array([k == "country" for k in kinds], dtype=bool)
        self.is_admin1 = np.array([k in _ADMIN1_KINDS for k in kinds], dtype=bool)
        self.local_kind = np.array([k not in _WIDE_KINDS for k in kinds], dtype=bool)
        # A place lends its country to the document when it locates it: a
        # country, or a place small enough not to straddle a border.
        self.votes_country = is_country | (unc <= ANCHOR_MAX_UNCERTAINTY_KM)
        # Points locate the document best; a region's centroid only roughly,
        # and a country's not at all.
        self.anchor = np.where(
            is_country | (unc > REGION_ANCHOR_MAX_UNCERTAINTY_KM), 0.0,
            np.minimum(1.0, ANCHOR_MAX_UNCERTAINTY_KM / np.maximum(unc, 1.0)),
        )
        codes: dict[str, int] = {}
        self.country = np.array([codes.setdefault(c, len(codes)) if c else -1 for c in (index.countries[i] for i in ids)])
        regions: dict[tuple[str, str], int] = {}
        self.region = np.array(
            [regions.setdefault(k, len(regions)) if k else -1 for k in (admin1_key(gaz, int(i)) for i in ids)]
        )
        self.n_countries, self.n_regions = len(codes), len(regions)
        borders = country_neighbours()
        self.borders = np.array(
            [[b in borders.get(a, ()) for b in codes] for a in codes], dtype=np.float64
        ).reshape(len(codes), len(codes))
        self.demonyms = np.zeros(len(codes))
        for code, weight in demonyms.items():
            if code in codes:
                self.demonyms[codes[code]] += weight
        self.has_demonyms = bool(demonyms)
        self.lat, self.lon = index.lat[ids], index.lon[ids]
        self.unc = unc
        self._closeness: np.ndarray | None = None
        self._local: np.ndarray | None = None
        self._colocated: tuple[np.ndarray, np.ndarray] | None = None
        self._anchor_cols: np.ndarray | None = None
        self._other: np.ndarray | None = None

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[a:b] for a, b in zip(self.offsets[:-1], self.offsets[1:])]

    def _mass(self, labels: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
        """``(groups, n)``: each group's total weight per label, from the other groups only."""
        ok = labels >= 0
        per_group = np.zeros((self.n_groups, max(n, 1)))
        np.add.at(per_group, (self.group[ok], labels[ok]), weights[ok])
        return per_group.sum(axis=0)[None, :] - per_group

    def context(self, beliefs: np.ndarray) -> np.ndarray:
        """The context bonus of every candidate, given beliefs about all of them."""
        b = np.where(beliefs >= MIN_BELIEF, beliefs, 0.0)
        bonus = np.zeros(len(b))
        if self.n_groups > 1 or self.has_demonyms:
            mass = self._mass(self.country, b * self.votes_country, self.n_countries)[:, : self.n_countries]
            mass = mass + self.demonyms[None, :]
            totals = mass.sum(axis=1)
            share = np.divide(mass, totals[:, None], out=np.zeros_like(mass), where=totals[:, None] > 0)
            has = self.country >= 0
            bonus[has] += COUNTRY_BONUS * share[self.group[has], self.country[has]]
            beside = np.minimum(1.0, share @ self.borders)  # each group's weight of countries bordering each country
            bonus[has] += NEIGHBOUR_BONUS * beside[self.group[has], self.country[has]]
        if self.n_groups > 1:
            if self.n_regions:
                mass = self._mass(self.region, b * self.is_admin1, self.n_regions)
                has = (self.region >= 0) & ~self.is_admin1
                bonus[has] += ADMIN1_BONUS * np.minimum(1.0, mass[self.group[has], self.region[has]])
            bonus += self._proximity(b)
        return bonus

    def _proximity(self, b: np.ndarray) -> np.ndarray:
        """Regional closeness plus local closeness to the other mentions' believed candidates."""
        if self._anchor_cols is None:
            # Candidates believed at the start are the only anchors (bounded work).
            self._anchor_cols = np.flatnonzero((self.anchor > 0) & (b > 0))
            cols = self._anchor_cols
            d = haversine_km(self.lat[:, None], self.lon[:, None], self.lat[None, cols], self.lon[None, cols])
            # Locally, places touch when their extents do: a town in a county is at distance 0.
            gap = np.maximum(0.0, d - self.unc[:, None] - self.unc[None, cols])
            # A mention's own group lends it no context: those anchors are zeroed once here.
            self._other = (self.group[:, None] != self.group[None, cols]).astype(np.float64)
            self._closeness = np.exp(-d / PROXIMITY_SCALE_KM) * self._other
            # towns, counties, districts: not states, countries or wider regions
            small = (self.unc <= LOCAL_MAX_RADIUS_KM) & self.local_kind
            self._local = np.where(small[:, None] & small[None, cols], np.exp(-gap / LOCAL_SCALE_KM), 0.0) * self._other
        assert self._closeness is not None and self._local is not None
        # Both terms say where a mention is, not which feature there it names: a mention's
        # co-located candidates (a city, its district and governorate) share the best of them.
        return self._same_place_max(PROXIMITY_BONUS * self._support(self._closeness, b)
                                    + LOCAL_BONUS * self._support(self._local, b))

    def _support(self, closeness: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Each candidate's ``closeness`` to the anchors of the other mentions, weighted by belief (0–1).

        ``closeness`` is (candidates, anchors), its own group's anchors already zeroed.
        """
        cols = self._anchor_cols
        if cols is None or not len(cols) or self._other is None:
            return np.zeros(len(b))
        w = b[cols] * self.anchor[cols]
        norm = self._other @ w
        return np.divide(closeness @ w, norm, out=np.zeros(len(b)), where=norm > 0)

    def _same_place_max(self, values: np.ndarray) -> np.ndarray:
        """``values`` raised to the best among each mention's co-located candidates.

        Context tells *where* a mention is, not which of the features there
        it names: the town and its district, the city and its governorate, or
        the base and the oil field it sits on get the same support, so cue
        words and priors decide.
        """
        if self._colocated is None:
            bounds = list(zip(self.offsets[:-1], self.offsets[1:]))
            rows = np.concatenate([np.repeat(np.arange(a, z), z - a) for a, z in bounds] or [np.zeros(0, int)])
            cols = np.concatenate([np.tile(np.arange(a, z), z - a) for a, z in bounds] or [np.zeros(0, int)])
            d = haversine_km(self.lat[rows], self.lon[rows], self.lat[cols], self.lon[cols])
            near = d <= np.maximum(self.unc[rows], self.unc[cols]) + SAME_PLACE_MARGIN_KM
            self._colocated = (rows[near], cols[near])
        rows, cols = self._colocated
        out = values.copy()
        np.maximum.at(out, rows, values[cols])
        return out


def resolve(text: str, gaz: Gazetteer, matches: Sequence[Match] | None = None) -> list[Location]:
    """Resolve every place mention of ``text`` to a :class:`Location` (see module doc)."""
    if matches is None:
        matches = recognize(text, gaz)
    mentions = [
        _Mention(m, _base_scores(gaz, text, m,
                                 matches[k - 1].end if k else 0,
                                 matches[k + 1].start if k + 1 < len(matches) else None))
        for k, m in enumerate(matches)
    ]
    if not mentions:
        return []
    doc = _Document(gaz, mentions, demonym_countries(text))
    fixed = np.concatenate([
        mention.base
        + _containment(gaz, mention.ids, _containers(gaz, text, matches, k))
        for k, mention in enumerate(mentions)
    ])
    total = fixed
    for _ in range(ITERATIONS if doc.n_groups > 1 or doc.has_demonyms else 0):
        beliefs = np.concatenate([_beliefs(t) for t in doc.split(total)])
        total = fixed + doc.context(beliefs)
    best = [int(np.argmax(t)) for t in doc.split(total)]
    chosen = [int(mention.ids[j]) for mention, j in zip(mentions, best)]
    scores = [float(t[j]) for t, j in zip(doc.split(total), best)]
    locations = []
    for k, mention in enumerate(mentions):
        c = _container_of(text, matches, k, AREA_GAP)
        if c is not None and _placeable(gaz, mention.match, chosen[k]) and not _within(gaz, chosen[k], chosen[c]):
            # "Al-Sour in the eastern countryside of Deir ez-Zor": the only Al-Sour known is Tyre,
            # in Lebanon. A namesake outside the area the text puts it in is not the place.
            locations.append(_unlocated(mention.match))
            continue
        locations.append(_location(gaz, mention.match, chosen[k], scores[k], text))
    return locations


def _within(gaz: Gazetteer, i: int, c: int) -> bool:
    """Whether place ``i`` can lie in the area of container place ``c`` ("X in the countryside of C").

    Generous on purpose, for it only rejects namesakes that cannot be meant: one in another
    country, one farther than :data:`AREA_REACH_KM` beyond the container's extent, or a region
    wider than the container itself.
    """
    index = gaz.index
    if index.countries[c] and index.countries[i] and index.countries[c] != index.countries[i]:
        return False
    if index.kinds[c] == "country":
        return True
    radius, container_radius = float(index.uncertainty_km[i]), float(index.uncertainty_km[c])
    if radius > max(container_radius, CONTAINER_MIN_REACH_KM):
        return False
    d = float(haversine_km(index.lat[i], index.lon[i], index.lat[c], index.lon[c]))
    return d <= container_radius + AREA_REACH_KM + radius


def _placeable(gaz: Gazetteer, m: Match, i: int) -> bool:
    """Whether a mention names a place that an area can hold: not a country or a nationality word."""
    return gaz.index.kinds[i] not in ("country", "continent") and not _only_aliases(m)


def _only_aliases(m: Match) -> bool:
    """Whether ``m`` matched only as a nationality word or abbreviation ("Syrian", "US")."""
    return all(how == "alias" for _, how in m.hits)


def _unlocated(m: Match) -> Location:
    """A mention the gazetteer has no fitting place for."""
    return Location(mention=m.surface, start=m.start, end=m.end, place=None, lat=None, lon=None)


def _containment(gaz: Gazetteer, cands: np.ndarray, containers: list[int]) -> np.ndarray:
    index = gaz.index
    out = np.zeros(len(cands))
    for c in containers:
        kind = index.kinds[c]
        if kind == "country":
            out = np.maximum(out, CONTAINER_BONUS * np.array([index.countries[i] == index.countries[c] for i in cands]))
        else:
            # An area contains the place; a town named after it ("Washington, D.C.") is it.
            key = admin1_key(gaz, c) if kind in _ADMIN1_KINDS else None
            same = np.array([key is not None and admin1_key(gaz, int(i)) == key for i in cands])
            reach = max(float(index.uncertainty_km[c]) * 1.5, CONTAINER_MIN_REACH_KM)
            d = haversine_km(index.lat[cands], index.lon[cands], index.lat[c], index.lon[c])
            out = np.maximum(out, CONTAINER_BONUS * (same | (d <= reach)))
    return out


def precision_of(kind: str) -> int:
    """Default precision code of a place kind: 3 for areas, 2 for parts, 1 for points."""
    if kind in AREA_KINDS:
        return 3
    if kind in PART_KINDS:
        return 2
    return 1


def _location(gaz: Gazetteer, m: Match, i: int, score: float, text: str) -> Location:
    place = gaz.place(i)
    attributive = _only_aliases(m) and is_attributive(text, m.start, m.end)
    return Location(
        mention=m.surface,
        start=m.start,
        end=m.end,
        place=place,
        lat=place.lat,
        lon=place.lon,
        precision=precision_of(place.kind),  # type: ignore[arg-type]
        uncertainty_km=place.uncertainty_km,
        qualifier=NATIONALITY if attributive else None,
        score=round(score, 3),
    )
