"""Reading curated gazetteer tables (the bundled regional layer and user CSVs).

The schema is documented in ``data/gazetteer/README.md``::

    id,name,alt_names,kind,country,admin1,lat,lon,uncertainty_km,source,note

Malformed rows raise :class:`~geo_tracker.errors.GazetteerError` naming
``file:line``; nothing is silently accepted.

Example:
    >>> rows = read_curated_csv(bundled_curated_paths()[0])
    >>> all(r.source for r in rows)
    True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..errors import GazetteerError
from ..models import Place

REQUIRED_COLUMNS = ("id", "name", "kind", "lat", "lon", "uncertainty_km", "source")


def bundled_data_dir() -> Path:
    """The bundled ``data/`` directory (inside the installed package or the checkout)."""
    try:
        # ``geo_tracker._bundled`` has no __init__.py, so ``files()`` may be a
        # MultiplexedPath whose str() is not a path; a child of it is a real one.
        gazetteer = Path(str(resources.files("geo_tracker._bundled").joinpath("gazetteer")))
        if gazetteer.is_dir():
            return gazetteer.parent
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "data"


def bundled_curated_paths() -> list[Path]:
    """The curated CSV tables shipped with geo_tracker, in a stable order."""
    return sorted((bundled_data_dir() / "gazetteer").glob("*.csv"))


def _float(value: str, column: str, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GazetteerError(f"{where}: {column} {value!r} is not a number") from None


def _parse_row(row: dict[str, str], where: str, layer: str) -> Place:
    missing = [c for c in REQUIRED_COLUMNS if not (row.get(c) or "").strip()]
    if missing:
        raise GazetteerError(f"{where}: missing {', '.join(missing)}")
    lat = _float(row["lat"], "lat", where)
    lon = _float(row["lon"], "lon", where)
    unc = _float(row["uncertainty_km"], "uncertainty_km", where)
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        raise GazetteerError(f"{where}: coordinates out of range (lat {lat}, lon {lon})")
    if unc <= 0:
        raise GazetteerError(f"{where}: uncertainty_km must be positive, got {unc}")
    population = _float(row.get("population") or "0", "population", where)
    if population < 0:
        raise GazetteerError(f"{where}: population must not be negative, got {population:g}")
    alt = tuple(a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip())
    return Place(
        id=row["id"].strip(),
        name=row["name"].strip(),
        kind=row["kind"].strip(),
        country=(row.get("country") or "").strip().upper() or None,
        lat=lat,
        lon=lon,
        uncertainty_km=unc,
        alt_names=alt,
        admin1=(row.get("admin1") or "").strip() or None,
        population=int(population),
        source=row["source"].strip(),
        note=(row.get("note") or "").strip() or None,
        layer=layer,
    )


def iter_curated_csv(path: Path, *, layer: str = "curated") -> Iterator[Place]:
    """Yield the rows of a curated CSV as :class:`Place` objects (strict)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if absent:
        raise GazetteerError(f"{path}: missing column(s) {', '.join(absent)}")
    seen: set[str] = set()
    for row in reader:
        where = f"{path}:{reader.line_num}"
        place = _parse_row(row, where, layer)
        if place.id in seen:
            raise GazetteerError(f"{where}: duplicate id {place.id!r}")
        seen.add(place.id)
        yield place


def read_curated_csv(path: Path, *, layer: str = "curated") -> list[Place]:
    """Read a whole curated CSV (see :func:`iter_curated_csv`)."""
    return list(iter_curated_csv(path, layer=layer))
