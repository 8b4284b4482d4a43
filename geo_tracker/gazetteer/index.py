"""The compiled name index: every layer's names folded into one lookup structure.

Places are stored column-wise (NumPy arrays for coordinates, plain lists for
strings) so the 240,000-place world layer stays small; a :class:`Place` is
built only when asked for. Three maps lead from a key to place numbers:

* ``exact``: :func:`~geo_tracker.normalize.fold` of every name;
* ``bare``: the same with the Arabic article removed (``al walid`` → ``walid``);
* ``skeletons``: :func:`~geo_tracker.normalize.skeleton` keys of the curated
  and user layers and of the world layer's populated places in the covered
  countries (:data:`~geo_tracker.gazetteer.world.SKELETON_COUNTRIES`), for
  spellings no table lists.

``first_tokens`` maps the first token of every key to the longest key (in
tokens) that starts with it, so recognition tries only the few n-grams that
can match at each token of a report.

The compiled index is pickled to the user cache directory, keyed by a hash
of its inputs (curated files, data-package versions, index format), so the
second start loads it instead of rebuilding.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..geodesy import haversine_km
from ..models import Place
from ..normalize import ARTICLES, abbreviated, core_name, fold, is_arabic, skeleton, strip_articles
from .keys import KeyInts, KeyStack, KeyTable
from .world import SKELETON_COUNTRIES, SKELETON_KINDS, WorldRow

INDEX_FORMAT = 11
MIN_KEY_LENGTH = 3

LAYER_RANK = {"world": 0, "curated": 2}
"""Precedence of layers when candidates tie: user layers (rank 3) > curated > world."""
USER_LAYER_RANK = 3


def _bare_key(key: str, *, kind_words: bool) -> str | None:
    """The key without articles and, with ``kind_words``, kind words ("al waleed crossing" → "waleed").

    Kind words are stripped only from curated and user rows, whose names
    describe a feature ("Al-Omar oil field"). In the world layer they are
    part of the name: "Texas City" and "Mexico City" must not answer to
    "Texas" and "Mexico".
    """
    if " " not in key and not key.startswith("ال"):
        return None  # one token, no article: nothing to strip
    bare = core_name(key) if kind_words else " ".join(strip_articles([t for t in key.split() if t not in ARTICLES]))
    return bare if bare != key and len(bare) >= MIN_KEY_LENGTH else None


@dataclass
class NameIndex:
    """Column store of places plus the key maps; see module doc."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    countries: list[str | None] = field(default_factory=list)
    admin1: list[str | None] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lat: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lon: np.ndarray = field(default_factory=lambda: np.zeros(0))
    uncertainty_km: np.ndarray = field(default_factory=lambda: np.zeros(0))
    population: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    layer_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    extras: dict[int, tuple[tuple[str, ...], str | None]] = field(default_factory=dict)
    bboxes: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)
    exact: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    bare: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    skeletons: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    codes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Codes as written (capitals: "ORER", "EBL") → places; apart from the folded keys, so "Ebl" matches nothing."""
    by_id: Mapping[str, int] = field(default_factory=dict)
    first_tokens: Mapping[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def place(self, i: int) -> Place:
        """Materialise place number ``i``."""
        alt, note = self.extras.get(i, ((), None))
        return Place(
            id=self.ids[i],
            name=self.names[i],
            kind=self.kinds[i],
            country=self.countries[i],
            lat=float(self.lat[i]),
            lon=float(self.lon[i]),
            uncertainty_km=float(self.uncertainty_km[i]),
            alt_names=alt,
            admin1=self.admin1[i],
            population=int(self.population[i]),
            source=self.sources[i],
            note=note,
            layer=self.layers[i],
            bbox=self.bboxes.get(i),
        )


def _spelled_loosely(row: WorldRow) -> bool:
    """Whether a world row gets skeleton keys: a populated place of the covered countries.

    Reporters transliterate these places as they hear them ("Tel Rifaat" for GeoNames'
    "Tall Rif'at"); only the curated rows used to answer to such spellings. Only a world row's
    Latin-script names get keys: its Arabic names are spelled as Arabic reports spell them,
    and an Arabic skeleton (long vowels dropped) of an unvetted name matches common words. A name spelled
    exactly as written still beats a skeleton guess (see :mod:`geo_tracker.resolve`).
    """
    return row.kind in SKELETON_KINDS and row.country in SKELETON_COUNTRIES


class IndexBuilder:
    """Accumulates layers, then compiles a :class:`NameIndex`."""

    def __init__(self) -> None:
        self._cols: dict[str, list] = defaultdict(list)
        self._extras: dict[int, tuple[tuple[str, ...], str | None]] = {}
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._bare: dict[str, list[int]] = defaultdict(list)
        self._skel: dict[str, list[int]] = defaultdict(list)
        self._codes: dict[str, list[int]] = defaultdict(list)
        self._ranks: list[int] = []
        self._facilities: list[WorldRow] = []
        self._merged: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))

    def _add(self, row: WorldRow, layer: str, rank: int, *, with_skeletons: bool, kind_words: bool | None = None) -> int:
        """Store ``row``; ``kind_words`` (default: ``with_skeletons``) strips kind words from its bare keys."""
        kind_words = with_skeletons if kind_words is None else kind_words
        i = len(self._ranks)
        c = self._cols
        c["ids"].append(row.id)
        c["names"].append(row.name)
        c["kinds"].append(row.kind)
        c["countries"].append(row.country)
        c["admin1"].append(row.admin1)
        c["layers"].append(layer)
        c["sources"].append(row.source)
        c["lat"].append(row.lat)
        c["lon"].append(row.lon)
        c["unc"].append(row.uncertainty_km)
        c["pop"].append(row.population)
        self._ranks.append(rank)
        for code in row.codes:
            self._codes[code].append(i)
        keys = {fold(n) for n in row.names}
        keys |= {short for short in map(abbreviated, keys) if short}
        for key in keys:
            if len(key) < MIN_KEY_LENGTH:
                continue
            self._exact[key].append(i)
            bare = _bare_key(key, kind_words=kind_words)
            if bare:
                self._bare[bare].append(i)
        if with_skeletons:
            for n in (row.names if layer != "world" else [n for n in row.names if not is_arabic(n)]):
                sk = skeleton(n)
                if len(sk) >= MIN_KEY_LENGTH:
                    self._skel[sk].append(i)
        return i

    def curated_facilities(self, places: Iterable[Place]) -> None:
        """Curated airfields, airports and bases that world airfields defer to (call before :meth:`add_world`).

        A world airfield within :data:`FACILITY_SAME_KM` (or the curated row's
        radius, if wider) of one is the same facility: it is left out, and its
        names and codes lead to the curated row instead.
        """
        self._facilities += [
            WorldRow(p.id, p.name, (), p.kind, p.country, p.admin1, p.lat, p.lon, p.uncertainty_km, 0, "")
            for p in places if p.kind in FACILITY_KINDS
        ]

    def _same_facility(self, row: WorldRow) -> WorldRow | None:
        if row.kind != "airfield":
            return None
        return next((f for f in self._facilities if haversine_km(f.lat, f.lon, row.lat, row.lon)
                     <= max(f.uncertainty_km, FACILITY_SAME_KM)), None)

    def add_world(self, rows: Iterable[WorldRow]) -> None:
        from ..progress import progress_bar  # a bar on a terminal: the first build takes seconds

        with progress_bar(desc="Building the gazetteer index (first run only)", unit=" places") as bar:
            for n, row in enumerate(rows, start=1):
                same = self._same_facility(row) if self._facilities else None
                if same is not None:
                    names, codes = self._merged[same.id]
                    names += row.names
                    codes += row.codes
                    continue
                i = self._add(row, "world", LAYER_RANK["world"], with_skeletons=_spelled_loosely(row), kind_words=False)
                if row.note:
                    self._extras[i] = ((), row.note)
                if not n % 4096:
                    bar.update_to(n)
            bar.update_to(len(self._ranks))

    def add_places(self, places: Iterable[Place], *, layer: str = "curated", rank: int | None = None) -> None:
        rank = LAYER_RANK.get(layer, USER_LAYER_RANK) if rank is None else rank
        for p in places:
            merged = self._merged.get(p.id, ((), ()))
            row = WorldRow(
                id=p.id, name=p.name, names=(p.name, *p.alt_names, *merged[0]),
                kind=p.kind, country=p.country,
                admin1=p.admin1, lat=p.lat, lon=p.lon, uncertainty_km=p.uncertainty_km,
                population=p.population, source=p.source or "", codes=tuple(merged[1]),
            )
            i = self._add(row, layer, rank, with_skeletons=True)
            self._extras[i] = (p.alt_names, p.note)

    def build(self) -> NameIndex:
        self._shadow_world_duplicates()
        c = self._cols
        freeze = lambda d: KeyTable.build({k: tuple(dict.fromkeys(v)) for k, v in d.items()})  # noqa: E731
        idx = NameIndex(
            ids=c["ids"], names=c["names"], kinds=c["kinds"], countries=c["countries"],
            admin1=c["admin1"], layers=c["layers"], sources=c["sources"],
            lat=np.asarray(c["lat"], dtype=np.float64),
            lon=np.asarray(c["lon"], dtype=np.float64),
            uncertainty_km=np.asarray(c["unc"], dtype=np.float32),
            population=np.asarray(c["pop"], dtype=np.int64),
            layer_rank=np.asarray(self._ranks, dtype=np.int8),
            extras=self._extras,
            bboxes=self._country_bboxes(),
            exact=freeze(self._exact),
            bare=freeze(self._bare),
            skeletons=freeze(self._skel),
            codes=freeze(self._codes),
        )
        idx.by_id = KeyInts.build({pid: i for i, pid in enumerate(idx.ids)})
        first: dict[str, int] = {}
        for table in (self._exact, self._bare):
            for key, members in table.items():
                if not members:
                    continue
                tokens = key.split(" ")
                if first.get(tokens[0], 0) < len(tokens):
                    first[tokens[0]] = len(tokens)
        idx.first_tokens = KeyInts.build(first, dtype=np.int8)
        return idx


    def _country_bboxes(self) -> dict[int, tuple[float, float, float, float]]:
        """Bounding box of each world country row: the extent of the country's places.

        The registry packages carry no country outlines, so the box is the
        extent of the country's populated places and first-level region
        points in the world layer, padded by their uncertainty radii (and
        always containing the country's representative point). It is an
        inner approximation: uninhabited margins may fall outside.
        Second-level regions take no part: their points are towns already
        counted, and their wide radii would pad the box past the towns.
        """
        c = self._cols
        if 0 not in self._ranks:
            return {}  # no world rows (a user-only index): no extent to measure
        ext: dict[str, list[float]] = {}
        for kind, cc, lat, lon, unc, rank in zip(c["kinds"], c["countries"], c["lat"], c["lon"], c["unc"], self._ranks):
            if rank or not cc or kind in ("country", "admin2"):
                continue
            pad = min(float(unc), 50.0) / 111.0
            box = ext.get(cc)
            if box is None:
                ext[cc] = [lon - pad, lat - pad, lon + pad, lat + pad]
            else:
                box[0], box[1] = min(box[0], lon - pad), min(box[1], lat - pad)
                box[2], box[3] = max(box[2], lon + pad), max(box[3], lat + pad)
        out = {}
        for i, (kind, cc, rank) in enumerate(zip(c["kinds"], c["countries"], self._ranks)):
            if kind == "country" and cc:
                lat, lon = c["lat"][i], c["lon"][i]
                w, s, e, n = ext.get(cc, [lon, lat, lon, lat])
                out[i] = tuple(round(v, 4) for v in (min(w, lon), max(min(s, lat), -90.0), max(e, lon), min(max(n, lat), 90.0)))
        return out

    def _shadow_world_duplicates(self) -> None:
        """Hide world rows that a curated or user row of the same name already covers.

        A world place is shadowed under a key when a higher layer lists the
        same key within ``max(its uncertainty, SHADOW_KM)`` of it: the curated
        row carries the better coordinate, source and alternate names.
        """
        lat, lon, unc, ranks = self._cols["lat"], self._cols["lon"], self._cols["unc"], self._ranks
        kinds = self._cols["kinds"]
        for table in (self._exact, self._bare):
            for key, members in table.items():
                if len(members) < 2:
                    continue
                upper = [i for i in members if ranks[i] > 0]
                if not upper:
                    continue
                keep = []
                for j in members:
                    if ranks[j] == 0 and any(
                        covers(lat[i], lon[i], unc[i], lat[j], lon[j]) and stands_for(kinds[i], kinds[j]) for i in upper
                    ):
                        continue
                    keep.append(j)
                table[key] = keep


SHADOW_KM = 15.0

AREA_ROW_KINDS = frozenset(
    ("country", "region", "governorate", "province", "state", "district", "subdistrict", "admin1", "admin2")
)
"""Kinds of administrative or vague areas. A curated area that shares a town's name (the X
District, "Baghdad" as the governorate's alternate name) is not that town: it never hides the
world layer's populated place, so that a bare name can still reach the town."""


def stands_for(upper_kind: str, world_kind: str) -> bool:
    """Whether a higher-layer row of ``upper_kind`` may stand for a world row of ``world_kind``
    of the same name and place (see :data:`AREA_ROW_KINDS`)."""
    return upper_kind not in AREA_ROW_KINDS or world_kind in AREA_ROW_KINDS


FACILITY_KINDS = frozenset({"airfield", "airport", "base"})
"""Curated kinds a world airfield may be the same facility as."""
FACILITY_SAME_KM = 5.0
"""A world airfield this close to a curated facility is that facility (two airfields are rarely closer)."""


def covers(lat: float, lon: float, uncertainty_km: float, other_lat: float, other_lon: float) -> bool:
    """Whether a higher-layer place at (lat, lon) stands for a world place at the other point.

    True within ``max(uncertainty_km, SHADOW_KM)``: the rule by which a curated
    or user row hides a world row of the same name, at build, stack and lookup time.
    """
    return haversine_km(lat, lon, other_lat, other_lon) <= max(uncertainty_km, SHADOW_KM)


def stack(base: NameIndex, top: NameIndex) -> NameIndex:
    """One index of ``base``'s places followed by ``top``'s, without rebuilding either.

    User layers are compiled into their own small index and stacked over the
    cached default one at load time, so importing a layer costs seconds, not
    a rebuild of the 240,000-place world layer. Place numbers of ``top`` are
    shifted by ``len(base)``. A world row of ``base`` is hidden under a key
    when a ``top`` row of the same key lies within ``max(its uncertainty,
    SHADOW_KM)`` of it, as :meth:`IndexBuilder.build` does within one index.
    """
    n = len(base)
    idx = NameIndex(
        ids=base.ids + top.ids, names=base.names + top.names, kinds=base.kinds + top.kinds,
        countries=base.countries + top.countries, admin1=base.admin1 + top.admin1,
        layers=base.layers + top.layers, sources=base.sources + top.sources,
        lat=np.concatenate([base.lat, top.lat]), lon=np.concatenate([base.lon, top.lon]),
        uncertainty_km=np.concatenate([base.uncertainty_km, top.uncertainty_km]),
        population=np.concatenate([base.population, top.population]),
        layer_rank=np.concatenate([base.layer_rank, top.layer_rank]),
        extras={**base.extras, **{i + n: v for i, v in top.extras.items()}},
        bboxes={**base.bboxes, **{i + n: v for i, v in top.bboxes.items()}},
    )

    def shadow(found: list[tuple[int, ...]]) -> tuple[int, ...]:
        upper = [i for part in found for i in part if i >= n]
        kept = [
            j for part in found for j in part
            if j >= n or idx.layer_rank[j] > 0 or not any(
                covers(idx.lat[i], idx.lon[i], float(idx.uncertainty_km[i]), idx.lat[j], idx.lon[j])
                and stands_for(idx.kinds[i], idx.kinds[j])
                for i in upper
            )
        ]
        return tuple(kept)

    idx.exact = KeyStack([base.exact, _shift(top.exact, n)], refine=shadow)
    idx.bare = KeyStack([base.bare, _shift(top.bare, n)], refine=shadow)
    idx.skeletons = KeyStack([base.skeletons, _shift(top.skeletons, n)])
    idx.codes = KeyStack([base.codes, _shift(top.codes, n)])
    idx.by_id = KeyStack([_shift(top.by_id, n), base.by_id], combine=lambda first, _other: first)
    idx.first_tokens = KeyStack([base.first_tokens, top.first_tokens], combine=max)
    return idx


def _shift(table: Mapping, offset: int) -> Mapping:
    if isinstance(table, (KeyTable, KeyInts)):
        return table.shifted(offset)
    if isinstance(table, dict):  # an empty index built by NameIndex()
        return {k: (tuple(i + offset for i in v) if isinstance(v, tuple) else v + offset) for k, v in table.items()}
    raise TypeError(f"cannot shift {type(table).__name__}")


def cache_dir() -> Path:
    """Where compiled indexes are cached (``GEO_TRACKER_CACHE`` overrides)."""
    env = os.environ.get("GEO_TRACKER_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo-tracker"))


def fingerprint(parts: Sequence[bytes | str]) -> str:
    """A short content hash of the index inputs."""
    h = hashlib.sha256(f"format={INDEX_FORMAT}".encode())
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:20]


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector: unpickling creates many objects and no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_cached(key: str, kind: str = "base") -> NameIndex | None:
    """The cached index of this kind ("base" or "user") and key, or ``None``."""
    path = cache_dir() / f"index-{kind}-{key}.pkl"
    try:
        with open(path, "rb") as fh, _gc_paused():
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # a corrupt or foreign cache file is rebuilt, never trusted
        return None


def store_cached(key: str, index: NameIndex, kind: str = "base") -> None:
    """Cache ``index`` atomically and delete stale caches of the same kind."""
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".index-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        name = f"index-{kind}-{key}.pkl"
        os.replace(tmp, directory / name)
        for stale in [*directory.glob(f"index-{kind}-*.pkl"), *directory.glob("index-" + "?" * 20 + ".pkl")]:
            if stale.name != name:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only cache directory only costs start-up time
