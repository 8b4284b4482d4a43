"""User gazetteer layers: imported once, kept in the user's data directory.

``geo-tracker gazetteer import FILE`` converts a GeoNames dump, a GeoJSON
file or a CSV (see :mod:`geo_tracker.gazetteer.importers`) into a layer
stored as two files in ``<data dir>/gazetteers/``:

* ``NAME.csv`` — the places in the curated schema (``id,name,alt_names,kind,
  country,admin1,lat,lon,uncertainty_km,source,note``) plus ``population``;
* ``NAME.geom.jsonl`` — the polygons and lines, one ``{"id": …, "wkt": …}``
  line each (points have none). A district outline runs to megabytes: no CSV
  cell (csv's limit is 128 KiB) holds it;
* ``NAME.json`` — the manifest: where the layer came from, its format,
  licence/attribution, when it was imported, rows kept and rows skipped.

The data directory is ``platformdirs.user_data_dir("geo-tracker")``, or
``$GEO_TRACKER_DATA`` when set. The files are written to temporary names and
renamed under a lock (``gazetteers/.lock``), the manifest last: an interrupted
or failed import leaves the previous state intact, and of concurrent imports
of one new name exactly one wins (the others fail: the layer exists). A layer
damaged on disk fails in one line that names it and how to remove it.

Precedence (documented in the README): user layers > curated > world. A
user row hides a world row of the same name within its radius; curated rows
stay candidates and the user row wins ties by its higher layer rank.

Example:
    >>> layer_name_for(Path("downloads/syr_admin4_point.geojson"))
    'syr_admin4_point'
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import fcntl
import json
import os
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ..atomic import temp_beside
from ..errors import GazetteerError
from .curated import iter_curated_csv
from ..models import Place

__all__ = ["LayerInfo", "data_dir", "import_layer", "layer_csv_paths", "list_layers", "read_layer", "remove_layer"]

LAYER_COLUMNS = (
    "id", "name", "alt_names", "kind", "country", "admin1", "lat", "lon",
    "uncertainty_km", "source", "note", "population",
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RESERVED = {"world", "curated", "online"}


@dataclass(frozen=True)
class LayerInfo:
    """The manifest of one imported layer."""

    name: str
    format: str
    source_file: str
    source: str
    rows: int
    skipped: int
    imported_at: str
    licence: str | None = None

    @property
    def csv_path(self) -> Path:
        return layers_dir() / f"{self.name}.csv"

    @property
    def files(self) -> tuple[Path, Path, Path]:
        """The layer's files: places, geometries, manifest (the manifest last: it makes the layer exist)."""
        return self.csv_path, layers_dir() / f"{self.name}.geom.jsonl", layers_dir() / f"{self.name}.json"


def data_dir() -> Path:
    """The user data directory (``$GEO_TRACKER_DATA`` overrides)."""
    env = os.environ.get("GEO_TRACKER_DATA")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("geo-tracker"))


def layers_dir() -> Path:
    return data_dir() / "gazetteers"


def layer_name_for(path: Path) -> str:
    """A default layer name from a file name: ``syr_admin4_point.geojson`` → ``syr_admin4_point``."""
    stem = Path(path).name.split(".")[0].lower()
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-_") or "layer"
    return slug[:64]


def check_layer_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name in RESERVED:
        raise GazetteerError(
            f"invalid layer name {name!r}: use lower-case letters, digits, '-' and '_' "
            f"(not {', '.join(sorted(RESERVED))})"
        )
    return name


def list_layers() -> list[LayerInfo]:
    """Imported layers, oldest first (the order they are stacked in)."""
    out = []
    for manifest in layers_dir().glob("*.json"):
        try:
            info = LayerInfo(**json.loads(manifest.read_text("utf-8")))
            if info.name != manifest.stem:
                raise ValueError(f"names layer {info.name!r}")
            check_layer_name(info.name)
        except (OSError, ValueError, TypeError, GazetteerError) as exc:
            warnings.warn(f"{manifest}: unreadable layer manifest ({exc}); layer ignored", stacklevel=2)
            continue
        if info.csv_path.is_file():
            out.append(info)
    return sorted(out, key=lambda i: (i.imported_at, i.name))


def layer_csv_paths() -> list[Path]:
    """The CSV files of every imported layer, in stacking order."""
    return [info.csv_path for info in list_layers()]


def read_layer(path: Path) -> Iterator[Place]:
    """The places of a stored layer file (strict: a damaged file raises, naming the layer and its remedy)."""
    name = Path(path).stem
    try:
        yield from iter_curated_csv(path, layer=name)
    except (GazetteerError, csv.Error) as exc:
        raise GazetteerError(
            f"imported gazetteer layer {name!r} is damaged ({path}: {exc}); "
            f"remove it with: geo-tracker gazetteer remove {name}"
        ) from None


@contextlib.contextmanager
def _layers_lock() -> Iterator[None]:
    """Hold the lock of the layers directory (an ``flock``, released when the process ends)."""
    layers_dir().mkdir(parents=True, exist_ok=True)
    with open(layers_dir() / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _exists_error(name: str) -> GazetteerError:
    return GazetteerError(f"layer {name!r} already exists: remove it first or pass --replace")


def _atomic_writer(target: Path):
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_beside(target)
    return os.fdopen(fd, "w", encoding="utf-8", newline=""), tmp


def import_layer(
    path: Path,
    *,
    name: str | None = None,
    replace: bool = False,
    licence: str | None = None,
    on_problem: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    **options,
) -> LayerInfo:
    """Import a gazetteer file as a user layer and return its manifest.

    ``options`` go to :func:`geo_tracker.gazetteer.importers.iter_import`
    (``fmt``, ``mapping``, ``alternate_names``, ``on_error``,
    ``encoding_errors``, ``default_kind``…). Problems are passed to
    ``on_problem`` one line each; with ``on_error="reject"`` the first one
    raises and nothing is stored.
    """
    from .importers import detect_format, iter_import

    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: no such file")
    name = check_layer_name(layer_name_for(path) if name is None else name)
    target = layers_dir() / f"{name}.csv"
    if any(info.name == name for info in list_layers()) and not replace:
        raise _exists_error(name)
    fmt = options.pop("fmt", None) or detect_format(path)
    skipped = 0

    def problem(message: str) -> None:
        nonlocal skipped
        skipped += 1
        if on_problem is not None:
            on_problem(message)

    rows = 0
    source = options.get("source")
    from_geonames = False
    fh, tmp = _atomic_writer(target)
    gfh, gtmp = _atomic_writer(layers_dir() / f"{name}.geom.jsonl")
    mtmp: Path | None = None
    try:
        with fh, gfh:
            writer = csv.writer(fh)
            writer.writerow(LAYER_COLUMNS)
            boxes = options.pop("country_boxes", None)
            if boxes is None:
                boxes = _country_boxes()
            for item in iter_import(path, layer=name, fmt=fmt, on_problem=problem, country_boxes=boxes, **options):
                p = item.place
                from_geonames = from_geonames or fmt == "geonames"
                writer.writerow([
                    p.id, p.name, "|".join(a.replace("|", "/") for a in p.alt_names), p.kind, p.country or "",
                    p.admin1 or "", repr(p.lat), repr(p.lon), repr(p.uncertainty_km), p.source or "",
                    p.note or "", p.population or "",
                ])
                if item.geometry_wkt:
                    gfh.write(json.dumps({"id": p.id, "wkt": item.geometry_wkt}, ensure_ascii=False) + "\n")
                rows += 1
                if progress is not None:
                    progress(rows)
        if rows == 0:
            raise GazetteerError(f"{path}: no usable rows ({skipped} skipped); nothing imported")
        info = LayerInfo(
            name=name, format=fmt, source_file=str(path.resolve()),
            source=source or ("GeoNames (CC BY 4.0)" if from_geonames else f"user import: {path.name}"), rows=rows, skipped=skipped,
            imported_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds"),
            licence=licence,
        )
        mfh, mtmp = _atomic_writer(layers_dir() / f"{name}.json")
        with mfh:
            json.dump(asdict(info), mfh, ensure_ascii=False, indent=2)
        with _layers_lock():
            if not replace and any(i.name == name for i in list_layers()):  # another import finished first
                raise _exists_error(name)
            for written, final in zip((tmp, gtmp, mtmp), info.files):
                os.replace(written, final)
    finally:
        for left in (tmp, gtmp, mtmp):
            if left is not None:
                left.unlink(missing_ok=True)
    _forget_default()
    return info


def _country_boxes() -> dict[str, tuple[float, float, float, float]]:
    """Country bounding boxes from the default world layer (its cached index)."""
    from . import Gazetteer
    from .curated import bundled_curated_paths

    index = Gazetteer.build(bundled_curated_paths(), include_world=True).index
    return {index.countries[i]: box for i, box in index.bboxes.items() if index.countries[i]}


def remove_layer(name: str) -> LayerInfo:
    """Delete an imported layer; raises if there is none of that name.

    The manifest goes first, so an interruption leaves at worst an orphan
    CSV, which is invisible and overwritten by the next import of that name.
    """
    check_layer_name(name)
    for info in list_layers():
        if info.name == name:
            with _layers_lock():
                for path in reversed(info.files):  # the manifest first
                    path.unlink(missing_ok=True)
            _forget_default()
            return info
    raise GazetteerError(f"no imported layer named {name!r} (see: geo-tracker gazetteer list)")


def _forget_default() -> None:
    """Make the process-wide default gazetteer pick up the changed layers."""
    from . import Gazetteer

    Gazetteer.reset_default()
