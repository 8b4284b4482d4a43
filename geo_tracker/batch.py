"""Extraction of large inputs in partitions, on dask.distributed, streamed to GeoParquet.

``geo-tracker batch INPUT... -o OUT.parquet|.gpkg [--workers N] [--scheduler ADDRESS]``
runs :func:`run_batch`:

1. The driver reads the reports lazily (:func:`geo_tracker.io.read_report_chunks`)
   in partitions of ``partition_size`` reports, so the input is never held
   in memory whole: at most two partitions per worker are in flight.
2. Each partition is extracted on a worker by :func:`extract_partition`,
   with the worker's process-wide :meth:`Gazetteer.default()
   <geo_tracker.gazetteer.Gazetteer.default>`: the index is loaded once
   per worker process, not per report or partition.
3. A worker returns its rows as an Arrow table (one row per convoy and site,
   the columns of :data:`geo_tracker.export.EVENT_COLUMNS`, plus the geometry
   as WKB: a convoy's route as a LineString, or a Point; a site's Point).
   The driver writes each table to a part file as it arrives and, at the
   end, joins the parts in partition order into OUT, through a temporary
   file and a rename. Rows come report by report, in input order, so the
   output does not depend on the number of workers or partitions.

With no ``scheduler``, ``workers > 1`` starts a
``distributed.LocalCluster`` of that many single-threaded worker processes
and ``workers=1`` runs in this process; with a scheduler address the same
code runs on that existing cluster (its workers need geo_tracker installed;
they need no shared file system: reports and rows travel through dask).

The output is GeoParquet 1.0 (``.parquet``, WKB geometry, EPSG:4326) or a
GeoPackage layer (``.gpkg``) named after the table.

Example:
    >>> import pathlib, tempfile, geopandas
    >>> from geo_tracker.io import sample_paths
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "events.parquet"
    >>> result = run_batch(sample_paths(), out, workers=1, quiet=True)
    >>> result.reports, result.rows == len(geopandas.read_parquet(out))
    (11, True)
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .atomic import atomic_path, check_output
from .errors import GeoTrackerError, RenderError
from .export import CRS, EVENT_COLUMNS, convoys_frame, event_rows, location_to_dict, places_frame, sites_frame
from .io import iter_input_files, read_report_chunks
from .models import Extraction, Report
from .progress import progress_bar, progress_enabled, set_enabled

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pyarrow as pa

__all__ = [
    "BatchError",
    "BatchResult",
    "DEFAULT_PARTITION_SIZE",
    "OUTPUT_FORMATS",
    "TABLES",
    "estimate_reports",
    "extract_partition",
    "output_format",
    "run_batch",
    "table_frame",
    "table_of",
]

Table = Literal["events", "places"]
TABLES: tuple[str, ...] = ("events", "places")
"""What a batch writes: ``events`` (one row per convoy and site) or ``places`` (one per resolved mention)."""

OUTPUT_FORMATS: dict[str, str] = {".parquet": "parquet", ".geoparquet": "parquet", ".gpkg": "gpkg"}
"""Output file suffix → format."""

DEFAULT_PARTITION_SIZE = 500
CONNECT_TIMEOUT_S = 10
GEOMETRY = "geometry"
_IN_FLIGHT_PER_WORKER = 2

log = logging.getLogger(__name__)


class BatchError(GeoTrackerError):
    """A batch could not run: the ``batch`` extra is missing, or the cluster cannot be started or reached."""


def _require(*modules: str) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise BatchError(
            f"batch needs {' and '.join(missing)}: pip install 'geo-tracker[batch]'"
        )


def output_format(path: str | os.PathLike[str]) -> str:
    """``"parquet"`` or ``"gpkg"`` from the output's suffix; ``ValueError`` for any other.

    Example:
        >>> output_format("events.parquet"), output_format("events.GPKG")
        ('parquet', 'gpkg')
    """
    suffix = Path(path).suffix.lower()
    try:
        return OUTPUT_FORMATS[suffix]
    except KeyError:
        raise ValueError(
            f"{path}: unsupported output type {suffix or '(no extension)'} "
            f"(expected one of {', '.join(OUTPUT_FORMATS)})"
        ) from None


# --------------------------------------------------------------------------- tables


def _arrow_table(columns: Sequence[str], rows: list[dict[str, Any]], geometries: list[Any]) -> "pa.Table":
    """Rows (dicts) and their shapely geometries (or ``None``) as an Arrow table with WKB geometry.

    Column types come from the Python values (ints stay ints next to
    ``None``), so they do not depend on how reports were split into partitions.
    """
    import numpy as np
    import pyarrow as pa
    import shapely

    data = {name: pa.array([row.get(name) for row in rows]) for name in columns}
    wkb = shapely.to_wkb(np.array(geometries, dtype=object)) if geometries else []
    data[GEOMETRY] = pa.array(list(wkb), type=pa.binary())
    return pa.table(data)


def _events(ex: Extraction) -> "pa.Table":
    """Convoys and sites, report by report: each report's convoys, then its sites."""
    rows = event_rows(ex)  # all convoys, then all sites, each in report order
    geometries = convoys_frame(ex).geometry.tolist() + sites_frame(ex).geometry.tolist()
    owner = [i for i, r in enumerate(ex.results) for _ in r.convoys] + [i for i, r in enumerate(ex.results) for _ in r.sites]
    order = sorted(range(len(rows)), key=owner.__getitem__)  # stable: convoys stay before sites
    return _arrow_table(EVENT_COLUMNS, [rows[i] for i in order], [geometries[i] for i in order])


def _places(ex: Extraction) -> "pa.Table":
    """Every resolved mention, report by report, with the columns of :func:`places_frame`."""
    frame = places_frame(ex)
    rows = [{"report_id": r.report.id, **(location_to_dict(loc) or {})} for r in ex.results for loc in r.places]
    return _arrow_table([c for c in frame.columns if c != GEOMETRY], rows, frame.geometry.tolist())


_TABLE_BUILDERS: dict[str, Callable[[Extraction], "pa.Table"]] = {"events": _events, "places": _places}


def table_of(ex: Extraction, table: Table = "events") -> "pa.Table":
    """The rows a batch writes for ``ex``, as an Arrow table with a WKB ``geometry`` column.

    Example:
        >>> import geo_tracker
        >>> t = table_of(geo_tracker.extract_reports([]))
        >>> t.num_rows, t.column_names[:3], t.column_names[-1]
        (0, ['event_type', 'report_id', 'date'], 'geometry')
    """
    try:
        build = _TABLE_BUILDERS[table]
    except KeyError:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {table!r}") from None
    return build(ex)


def table_frame(table: "pa.Table") -> "gpd.GeoDataFrame":
    """An Arrow table of :func:`table_of` (or a batch output) as a GeoDataFrame in EPSG:4326.

    Example:
        >>> import geo_tracker
        >>> table_frame(table_of(geo_tracker.extract_reports([]))).crs.to_string()
        'EPSG:4326'
    """
    import geopandas as gpd

    geometry = gpd.GeoSeries.from_wkb(table.column(GEOMETRY).to_pylist(), crs=CRS)
    return gpd.GeoDataFrame(table.drop_columns([GEOMETRY]).to_pandas(), geometry=geometry, crs=CRS)


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class _Part:
    """One extracted partition, as a worker returns it."""

    index: int
    reports: int
    table: Any  # pyarrow.Table
    geometry_types: frozenset[str]
    bounds: tuple[float, float, float, float] | None


def _usage() -> tuple[float | None, float]:
    """Peak resident memory (MB; ``None`` where the OS does not say) and CPU seconds of this process.

    On Linux the peak is ``VmHWM``, which starts afresh in an exec'd worker;
    ``ru_maxrss`` would carry over the peak of the process that spawned it.
    """
    cpu = time.process_time()
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1), cpu
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None, cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1), cpu


def extract_partition(index: int, reports: list[Report], table: Table = "events") -> _Part:
    """Extract one partition on a worker, with that process's default gazetteer (loaded once).

    Example:
        >>> extract_partition(0, []).table.num_rows
        0
    """
    import shapely

    from .gazetteer import Gazetteer
    from .pipeline import extract_report

    gaz = Gazetteer.default()
    ex = Extraction([extract_report(r, gaz) for r in reports])
    data = table_of(ex, table)
    geoms = shapely.from_wkb(data.column(GEOMETRY).to_numpy(zero_copy_only=False))
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    bounds = tuple(float(b) for b in shapely.total_bounds(present)) if len(present) else None
    types = frozenset(g.geom_type for g in present)
    return _Part(index=index, reports=len(reports), table=data, geometry_types=types, bounds=bounds)


# --------------------------------------------------------------------------- executors


class _Inline:
    """Runs partitions in this process, one at a time (``workers=1``)."""

    workers = 1

    def submit(self, fn: Callable[..., _Part], *args: Any) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to the caller by future.result()
            future.set_exception(exc)
        return future

    def wait_first(self, futures: set) -> tuple[set, set]:
        done, pending = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
        return set(done), set(pending)

    def result(self, future: concurrent.futures.Future) -> _Part:
        return future.result()

    def usage(self) -> dict[str, tuple[float | None, float]]:
        return {"local": _usage()}


def _without_bars(fn: Callable[..., _Part], *args: Any) -> _Part:
    """Run ``fn`` on a worker with progress bars off: a cold index build there would scribble on the terminal."""
    set_enabled(False)
    return fn(*args)


class _Distributed:
    """Runs partitions on a dask.distributed cluster through a client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))

    def submit(self, fn: Callable[..., _Part], *args: Any) -> Any:
        return self.client.submit(_without_bars, fn, *args, pure=False)

    def wait_first(self, futures: set) -> tuple[set, set]:
        from distributed import wait

        done, pending = wait(list(futures), return_when="FIRST_COMPLETED")
        return set(done), set(pending)

    def result(self, future: Any) -> _Part:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker as exc:  # a worker died (out of memory?) on this partition, more than once
            raise BatchError(f"dask workers died while extracting a partition ({exc})") from None

    def usage(self) -> dict[str, tuple[float | None, float]]:
        return {worker: tuple(u) for worker, u in self.client.run(_usage).items()}


def _warm_default_gazetteer() -> None:
    """Build (or load) the index in the driver, so local workers start from a warm cache.

    A first build here shows its progress bar once, instead of every worker
    building the same index at the same time.
    """
    from .gazetteer import Gazetteer

    if Gazetteer._default is None:  # already loaded: the cache is warm
        Gazetteer.default()
        Gazetteer.reset_default()  # the workers hold their own copies


@contextmanager
def _executor(workers: int | None, scheduler: str | None) -> Iterator[_Inline | _Distributed]:
    if scheduler is None and (workers or os.cpu_count() or 1) == 1:
        yield _Inline()
        return
    _require("distributed")
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as exc:  # unreachable, timed out, malformed address
            raise BatchError(f"cannot reach the dask scheduler at {scheduler} ({exc})") from None
        with client:
            yield _Distributed(client)
        return
    _warm_default_gazetteer()
    n = workers or os.cpu_count() or 1
    try:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    except Exception as exc:  # distributed raises RuntimeError, OSError, TimeoutError…
        raise BatchError(f"cannot start {n} local dask workers ({exc})") from None
    with cluster, Client(cluster) as client:
        yield _Distributed(client)


# --------------------------------------------------------------------------- output


class _Assembler:
    """Keeps arriving partitions as part files, then joins them in order into the output."""

    def __init__(self, workdir: Path, table: str) -> None:
        self.workdir = workdir
        self.table = table
        self.schemas: list[Any] = []
        self.paths: dict[int, Path] = {}
        self.geometry_types: set[str] = set()
        self.bounds: list[float] | None = None
        self.rows = 0

    def add(self, part: _Part) -> None:
        import pyarrow.parquet as pq

        path = self.workdir / f"part-{part.index:06d}.parquet"
        pq.write_table(part.table, path)
        self.paths[part.index] = path
        self.schemas.append(part.table.schema)
        self.rows += part.table.num_rows
        self.geometry_types |= part.geometry_types
        if part.bounds is not None:
            b = part.bounds
            self.bounds = list(b) if self.bounds is None else [
                min(self.bounds[0], b[0]), min(self.bounds[1], b[1]), max(self.bounds[2], b[2]), max(self.bounds[3], b[3])
            ]

    def _schema(self, *, no_null: bool) -> "pa.Schema":
        """One schema for all parts: a column all ``None`` in one part takes its type from the others."""
        import pyarrow as pa

        if not self.schemas:
            self.schemas.append(table_of(Extraction(), self.table).schema)  # type: ignore[arg-type]
        schema = pa.unify_schemas(self.schemas, promote_options="permissive")
        if no_null:  # GDAL has no field type for Arrow's null type
            schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema])
        return schema

    def _tables(self, schema: "pa.Schema") -> Iterator["pa.Table"]:
        import pyarrow.parquet as pq

        for index in sorted(self.paths):
            yield pq.read_table(self.paths[index]).select(schema.names).cast(schema)

    def _geo_metadata(self) -> bytes:
        """The GeoParquet 1.0 ``geo`` metadata of the whole output."""
        from pyproj import CRS as ProjCRS

        column: dict[str, Any] = {
            "encoding": "WKB",
            "geometry_types": sorted(self.geometry_types),
            "crs": ProjCRS.from_user_input(CRS).to_json_dict(),
        }
        if self.bounds is not None:
            column["bbox"] = self.bounds
        meta = {"version": "1.0.0", "primary_column": GEOMETRY, "columns": {GEOMETRY: column},
                "creator": {"library": "geo_tracker", "version": __version__}}
        return json.dumps(meta).encode()

    def write(self, output: Path, fmt: str) -> None:
        """Write the joined parts to a temporary file beside ``output``, then rename it."""
        with atomic_path(output, suffix=f".tmp{output.suffix}") as tmp:
            if fmt == "parquet":
                self._write_parquet(tmp)
            else:
                tmp.unlink()  # GDAL creates the file itself
                self._write_gpkg(tmp)

    def _write_parquet(self, path: Path) -> None:
        import pyarrow.parquet as pq

        schema = self._schema(no_null=False)
        schema = schema.with_metadata({**(schema.metadata or {}), b"geo": self._geo_metadata()})
        with pq.ParquetWriter(path, schema) as writer:
            for t in self._tables(schema):
                writer.write_table(t.replace_schema_metadata(schema.metadata))

    def _write_gpkg(self, path: Path) -> None:
        import pyogrio

        schema = self._schema(no_null=True)
        for n, t in enumerate(self._tables(schema)):
            pyogrio.write_arrow(t, path, layer=self.table, driver="GPKG", geometry_name=GEOMETRY,
                                geometry_type="Unknown", crs=CRS, append=n > 0)


# --------------------------------------------------------------------------- driver


@dataclass(frozen=True)
class BatchResult:
    """What a batch run did: counts, time, and each worker's peak resident memory (MB) and CPU seconds."""

    output: Path
    table: str
    reports: int
    rows: int
    partitions: int
    skipped: int
    workers: int
    seconds: float
    peak_rss_mb: dict[str, float | None] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the terminal.

        Example:
            >>> BatchResult(Path("o.parquet"), "events", 40, 31, 3, 0, 2, 5.0).summary()
            '40 reports, 31 events rows, 3 partitions on 2 workers in 5.0 s (8 reports/s)'
        """
        rate = self.reports / self.seconds if self.seconds > 0 else 0.0
        return (f"{_count(self.reports, 'report')}, {self.rows} {self.table} rows, "
                f"{_count(self.partitions, 'partition')} on {_count(self.workers, 'worker')} "
                f"in {self.seconds:.1f} s ({rate:.0f} reports/s)")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def estimate_reports(inputs: Iterable[str | os.PathLike[str]]) -> int | None:
    """A quick estimate of how many reports ``inputs`` hold, for a progress bar; ``None`` if unknown.

    Counts files for ``.txt``/``.md``, lines for ``.jsonl``/``.csv`` and
    rows from the footer of ``.parquet`` files; a ``.json`` file makes it unknown.

    Example:
        >>> from geo_tracker.io import sample_paths
        >>> estimate_reports(sample_paths())
        11
    """
    total = 0
    for path in iter_input_files(inputs):
        suffix = path.suffix.lower()
        try:
            if suffix in (".txt", ".md"):
                total += 1
            elif suffix in (".jsonl", ".csv"):
                with path.open("rb") as fh:
                    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                total += max(lines - (suffix == ".csv"), 1)
            elif suffix == ".parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            else:
                return None
        except Exception:  # the reader reports unreadable files properly; an estimate just gives up
            return None
    return total


def run_batch(
    inputs: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    table: Table = "events",
    published: _dt.date | None = None,
    errors: Literal["strict", "replace"] = "strict",
    skip_bad: bool = False,
    on_skip: Callable[[str], None] | None = None,
    quiet: bool = False,
) -> BatchResult:
    """Extract every report in ``inputs`` in partitions and write one table to ``output``.

    Args:
        inputs: report files and directories (see :func:`geo_tracker.io.read_reports`;
            Parquet tables with a ``text`` column too).
        output: ``.parquet`` (GeoParquet) or ``.gpkg`` file, replaced atomically.
        workers: local worker processes (default: the CPU count); 1 runs in
            this process. Ignored with ``scheduler``.
        scheduler: address of a running dask.distributed scheduler.
        partition_size: reports per partition (the unit of work and of memory).
        table: ``"events"`` or ``"places"`` (see :data:`TABLES`).
        published, errors, skip_bad, on_skip: as for :func:`~geo_tracker.io.read_reports`.
        quiet: no progress bar (it is drawn only on a terminal anyway).

    Raises:
        ~geo_tracker.errors.InputError: unreadable input (unless ``skip_bad``); nothing is written.
        RenderError: the output cannot be written.
        BatchError: pyarrow or dask.distributed missing; the cluster cannot be started or reached.
        ValueError: an unsupported output suffix, table or partition size.
    """
    started = time.perf_counter()
    out = Path(output)
    fmt = output_format(out)
    if table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}, not {table!r}")
    if partition_size < 1:
        raise ValueError(f"partition_size must be at least 1, not {partition_size}")
    _require("pyarrow")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise RenderError(f"{out}: directory {parent} does not exist")
    if out.is_dir():
        raise RenderError(f"{out}: is a directory")
    inputs = list(inputs) if not isinstance(inputs, (str, os.PathLike)) else [inputs]
    check_output(out, inputs)
    skipped: list[str] = []

    def skip(message: str) -> None:
        skipped.append(message)
        if on_skip is not None:
            on_skip(message)
        else:
            log.warning("skipped: %s", message)

    try:
        workdir = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.", suffix=".parts"))
    except OSError as exc:  # an unwritable or read-only directory
        raise RenderError(f"{out}: cannot write ({exc.strerror or exc})") from None
    try:
        assembler = _Assembler(workdir, table)
        total = estimate_reports(inputs) if progress_enabled(quiet=quiet) else None
        # The bar first: it shows while the workers start.
        with progress_bar(total, desc="batch", unit=" reports", quiet=quiet) as bar, \
                _executor(workers, scheduler) as executor:
            chunks = read_report_chunks(inputs, partition_size, published=published, errors=errors,
                                        skip_bad=skip_bad, on_skip=skip)
            pending: set = set()

            def collect(futures: set) -> None:
                for future in futures:
                    part = executor.result(future)
                    assembler.add(part)
                    bar.update(part.reports)

            partitions = 0
            for index, chunk in enumerate(chunks):
                pending.add(executor.submit(extract_partition, index, chunk, table))
                partitions = index + 1
                while len(pending) >= _IN_FLIGHT_PER_WORKER * executor.workers:
                    done, pending = executor.wait_first(pending)
                    collect(done)
            while pending:
                done, pending = executor.wait_first(pending)
                collect(done)
            bar.set_total(bar.n)
            usage = executor.usage()
            n_workers = executor.workers
        assembler.write(out, fmt)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return BatchResult(
        output=out, table=table, reports=bar.n, rows=assembler.rows, partitions=partitions, skipped=len(skipped),
        workers=n_workers, seconds=time.perf_counter() - started,
        peak_rss_mb={w: u[0] for w, u in usage.items()}, cpu_seconds={w: u[1] for w, u in usage.items()},
    )

