"""A small GeoPackage writer on Python's sqlite3 (OGC GeoPackage 1.3, EPSG:4326 only).

Enough of the standard for QGIS, GDAL/pyogrio and geopandas to open the file:
the ``application_id``/``user_version`` header, ``gpkg_spatial_ref_sys``,
``gpkg_contents`` with layer extents, ``gpkg_geometry_columns``, and standard
GeoPackage binary geometries (``GP`` header with an XY envelope, then WKB).
Writing goes through a caller's connection, so a caller controls the
transaction: the tracker store writes a whole ingest in one.

The SQL functions GDAL's spatial-index triggers call (``ST_IsEmpty``,
``ST_MinX``…) are registered on every connection, so the file stays writable
after QGIS adds an R-tree index to a layer.

Example:
    >>> import sqlite3, tempfile, pathlib
    >>> from shapely.geometry import Point
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.gpkg"
    >>> con = connect(path)
    >>> layer = Layer("pts", (("name", "TEXT"),), "POINT")
    >>> init(con)
    >>> create_layer(con, layer)
    >>> insert(con, layer, [{"name": "a"}], [Point(40.0, 36.0)])
    1
    >>> decode(con.execute("SELECT geom FROM pts").fetchone()[0]).wkt
    'POINT (40 36)'
    >>> con.close()
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["APPLICATION_ID", "Layer", "connect", "create_layer", "decode", "encode", "init", "insert",
           "is_geopackage", "update_extent"]

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3.0
SRS_ID = 4326

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
    'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

_CORE = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""

_SRS_ROWS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees"),
)


@dataclass(frozen=True)
class Layer:
    """A table: its columns as ``(name, SQL type)`` and its geometry type (``None``: attributes only).

    Geometry types are GeoPackage names: ``POINT``, ``LINESTRING``, ``GEOMETRY`` (mixed)…
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    geometry_type: str | None = None
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- geometry blobs


def encode(geom: Any) -> bytes | None:
    """A shapely geometry as GeoPackage binary (little-endian, XY envelope); ``None`` stays ``None``."""
    if geom is None:
        return None
    import shapely

    if geom.is_empty:
        header = struct.pack("<2sBBi", b"GP", 0, 0b00010001, SRS_ID)
        return header + shapely.to_wkb(geom, byte_order=1, output_dimension=2, flavor="iso")
    minx, miny, maxx, maxy = geom.bounds
    header = struct.pack("<2sBBi4d", b"GP", 0, 0b00000011, SRS_ID, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, output_dimension=2, flavor="iso")


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _split(blob: bytes) -> tuple[int, tuple[float, ...], bytes]:
    """``(flags, envelope, wkb)`` of a GeoPackage geometry blob."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    order = "<" if flags & 1 else ">"
    size = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if size is None:
        raise ValueError("bad GeoPackage envelope indicator")
    envelope = struct.unpack(f"{order}{size // 8}d", blob[8 : 8 + size]) if size else ()
    return flags, envelope, blob[8 + size :]


def decode(blob: bytes | None) -> Any:
    """The shapely geometry of a GeoPackage binary blob (``None`` stays ``None``)."""
    if blob is None:
        return None
    import shapely

    return shapely.from_wkb(_split(bytes(blob))[2])


_EMPTY = 0b10000


def _header(blob: bytes | None) -> tuple[int, tuple[float, ...]] | None:
    """``(flags, envelope)`` of a blob, or ``None`` for NULL or a blob that is not GeoPackage binary."""
    if blob is None:
        return None
    try:
        flags, envelope, _ = _split(bytes(blob))
    except ValueError:
        return None
    return flags, envelope


def _bound(index: int) -> Any:
    """An SQL function returning one bound (minx, maxx, miny, maxy) of a blob, for GDAL's R-tree triggers."""

    def fn(blob: bytes | None) -> float | None:
        header = _header(blob)
        if header is None or header[0] & _EMPTY:
            return None
        if header[1]:
            return header[1][index]
        minx, miny, maxx, maxy = decode(blob).bounds
        return (minx, maxx, miny, maxy)[index]

    return fn


def _is_empty(blob: bytes | None) -> int | None:
    header = _header(blob)
    return None if header is None else int(bool(header[0] & _EMPTY))


# ---------------------------------------------------------------- files and tables


DEFAULT_LOCK_TIMEOUT = 600.0
"""Seconds a connection waits for another program's lock on the file before giving up (writers: ``--lock-timeout``)."""


def connect(path: str | os.PathLike[str], *, timeout: float = DEFAULT_LOCK_TIMEOUT) -> sqlite3.Connection:
    """An autocommit connection (``BEGIN``/``COMMIT`` are the caller's) with the ST_* functions."""
    con = sqlite3.connect(os.fspath(path), timeout=timeout, isolation_level=None)
    con.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        con.create_function(name, 1, _bound(i), deterministic=True)
    return con


def is_geopackage(con: sqlite3.Connection) -> bool:
    """True when the database carries the GeoPackage application id."""
    return con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def init(con: sqlite3.Connection) -> None:
    """Make the database a GeoPackage: header fields and core tables (idempotent)."""
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {USER_VERSION}")
    for statement in _CORE.split(";"):
        if statement.strip():
            con.execute(statement)
    con.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _SRS_ROWS)


def create_layer(con: sqlite3.Connection, layer: Layer) -> None:
    """Create ``layer``'s table and register it in ``gpkg_contents`` (idempotent)."""
    cols = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if layer.geometry_type:
        cols.append(f"geom {layer.geometry_type}")
    cols += [f"{_q(name)} {sqltype}" for name, sqltype in layer.columns]
    con.execute(f"CREATE TABLE IF NOT EXISTS {_q(layer.name)} ({', '.join(cols)})")
    data_type = "features" if layer.geometry_type else "attributes"
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (layer.name, data_type, layer.name, layer.description, SRS_ID if layer.geometry_type else None),
    )
    if layer.geometry_type:
        con.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                    (layer.name, layer.geometry_type, SRS_ID))


def insert(
    con: sqlite3.Connection, layer: Layer, rows: Iterable[Mapping[str, Any]], geoms: Iterable[Any] | None = None
) -> int:
    """Append rows (missing keys are NULL) with their geometries; returns the number of rows."""
    names = layer.column_names
    columns = (["geom"] if layer.geometry_type else []) + [_q(n) for n in names]
    sql = f"INSERT INTO {_q(layer.name)} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    if layer.geometry_type:
        geoms = list(geoms) if geoms is not None else None
        rows = list(rows)
        blobs: Sequence[bytes | None] = [encode(g) for g in geoms] if geoms is not None else [None] * len(rows)
        values = [(blob, *(_sql_value(row.get(n)) for n in names)) for row, blob in zip(rows, blobs)]
    else:
        values = [tuple(_sql_value(row.get(n)) for n in names) for row in rows]
    con.executemany(sql, values)
    return len(values)


def _sql_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (from JSON input) cannot be stored; keep the length
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if value is None or isinstance(value, (int, float, bytes)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def update_extent(con: sqlite3.Connection, layer: Layer) -> None:
    """Set the layer's extent and last change in ``gpkg_contents`` from its geometries."""
    bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    if layer.geometry_type:
        for (blob,) in con.execute(f"SELECT geom FROM {_q(layer.name)} WHERE geom IS NOT NULL"):
            g = decode(blob)
            if g is None or g.is_empty:
                continue
            minx, miny, maxx, maxy = g.bounds
            bounds = [min(bounds[0], minx), min(bounds[1], miny), max(bounds[2], maxx), max(bounds[3], maxy)]
    extent = bounds if bounds[0] != float("inf") else [None] * 4
    con.execute(
        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
        "last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
        (*extent, layer.name),
    )
