"""The tracker: a store of reports whose events are merged across outlets.

Example:
    >>> import geo_tracker, tempfile, pathlib
    >>> t = geo_tracker.Tracker(pathlib.Path(tempfile.mkdtemp()) / "tracker.gpkg")
    >>> summary = t.ingest(geo_tracker.sample_paths())                 # doctest: +SKIP
    >>> summary.added, summary.skipped                                  # doctest: +SKIP
    (11, 0)
    >>> t.convoys()[["event_date", "vehicles_min", "corroboration", "sources"]].head(1)  # doctest: +SKIP
      event_date  vehicles_min  corroboration                  sources
    0 2020-11-28            35              2  RT Arabic; Syriac Press
    >>> t.to_file("events.kml", since="2021-01-01", actor="coalition")  # doctest: +SKIP
    PosixPath('events.kml')
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .atomic import check_output
from .gpkg import DEFAULT_LOCK_TIMEOUT
from .export import filter_events, merged_frame, write_events
from .merge import merge_convoys, merge_sites
from .models import Convoy, Extraction, Report, Site
from .store import IngestSummary, Store, default_store_path

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

    from .gazetteer import Gazetteer

__all__ = ["IngestSummary", "Tracker"]

ReportSource = Union[Report, str, os.PathLike]
DateLike = Union[_dt.date, str, None]


class Tracker:
    """Reports and the events merged from them, kept in one GeoPackage file.

    Args:
        path: the store file (default: ``tracker.gpkg`` in the user data
            directory; ``$GEO_TRACKER_DATA`` overrides the directory). It is
            created by the first :meth:`ingest`.
        gazetteer: the gazetteer used for extraction (default: the standard one).

    Example:
        >>> import tempfile, pathlib
        >>> from geo_tracker.models import Report
        >>> t = Tracker(pathlib.Path(tempfile.mkdtemp()) / "t.gpkg")
        >>> t.ingest([Report("r1", "Nothing to see.", source="SANA")]).added    # doctest: +SKIP
        1
        >>> len(t), t.convoys().crs.to_string()                                 # doctest: +SKIP
        (1, 'EPSG:4326')
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, gazetteer: Gazetteer | None = None,
                 lock_timeout: float = DEFAULT_LOCK_TIMEOUT, on_wait: Callable[[str], None] | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._store = Store(self.path, lock_timeout=lock_timeout, on_wait=on_wait)
        self._gazetteer = gazetteer
        self._cache: tuple[Any, Any] | None = None

    def __repr__(self) -> str:
        return f"Tracker({str(self.path)!r})"

    # -------------------------------------------------------- writing

    def ingest(
        self,
        reports: ReportSource | Iterable[ReportSource],
        *,
        published: DateLike = None,
        errors: str = "strict",
        skip_bad: bool = False,
        on_skip: Callable[[str], None] | None = None,
        batch_size: int | None = None,
        progress: Callable[[Report, bool], None] | None = None,
    ) -> IngestSummary:
        """Extract and store reports that are not in the store yet; merge events again.

        ``reports`` may mix :class:`Report` objects and paths of report files
        or directories (a single path is accepted too; a ``str`` is always a
        path). ``published``, ``errors``, ``skip_bad`` and ``on_skip`` are as
        in :func:`geo_tracker.read_reports`. The whole call is one transaction
        (or one per ``batch_size`` new reports): on any error the store is
        left as it was, and the error propagates.

        Raises:
            InputError: a report file could not be read.
            StoreError: the store could not be opened or written.
        """
        from .pipeline import extract_report

        pub = _date(published, "published")
        stream = _reports(reports, published=pub, errors=errors, skip_bad=skip_bad, on_skip=on_skip)
        gaz = self._gazetteer

        def extract(report: Report):
            nonlocal gaz
            if gaz is None:
                from .gazetteer import Gazetteer

                gaz = Gazetteer.default()
            return extract_report(report, gaz)

        created = not self._store.exists
        try:
            return self._store.ingest(stream, extract, batch_size=batch_size, progress=progress)
        except BaseException:
            # A store this call created and that holds nothing is not left behind.
            if created and self._store.exists and self._holds_nothing():
                self.path.unlink(missing_ok=True)
            raise
        finally:
            self._cache = None

    # -------------------------------------------------------- reading

    def extraction(self) -> Extraction:
        """The stored reports with their per-report extraction (as :func:`geo_tracker.extract_reports` gives)."""
        return Extraction(list(self._load()[0]))

    def merged(
        self, *, since: DateLike = None, until: DateLike = None, actor: str | None = None, kind: str | None = None
    ) -> list[Convoy | Site]:
        """The merged convoys then sites that pass the filters (see :func:`geo_tracker.export.filter_events`).

        A site is followed over time, so with ``since``/``until`` its statements in that period are
        merged anew: ``until`` gives each site as it stood on that date (planned, not the withdrawal
        reported later), ``since`` what was said of it from then on.
        """
        results, convoys, sites = self._load()
        if since is not None or until is not None:
            sites = merge_sites(filter_events([s for r in results for s in r.sites], since=since, until=until))
        return filter_events([*convoys, *sites], since=since, until=until, actor=actor, kind=kind)

    def _load(self) -> tuple[list, list[Convoy], list[Site]]:
        key = _stamp(self.path)
        if self._cache is None or self._cache[0] != key:
            results = self._store.results()
            convoys = merge_convoys(c for r in results for c in r.convoys)
            sites = merge_sites(s for r in results for s in r.sites)
            self._cache = (key, (results, convoys, sites))
        return self._cache[1]

    def _holds_nothing(self) -> bool:
        self._cache = None
        try:
            return len(self) == 0
        except Exception:  # noqa: BLE001 - never mask the error being raised
            return False

    def __len__(self) -> int:
        return len(self._load()[0])

    def reports(self) -> pd.DataFrame:
        """One row per stored report: id, content hash, published, source, url, text, ingest time, counts."""
        import pandas as pd

        cols = ["report_id", "content_hash", "published", "source", "url", "text", "ingested_at", "convoys", "sites"]
        df = pd.DataFrame(self._store.report_rows(), columns=cols)
        df["published"] = pd.to_datetime(df["published"])
        df["ingested_at"] = pd.to_datetime(df["ingested_at"])
        return df

    def convoys(self, *, since: DateLike = None, until: DateLike = None, actor: str | None = None) -> gpd.GeoDataFrame:
        """Merged convoys (EPSG:4326): the route as geometry, sources, corroboration, conflicts, route_km."""
        return merged_frame(self.merged(since=since, until=until, actor=actor, kind="convoy"), "convoy")

    def sites(
        self, *, since: DateLike = None, until: DateLike = None, actor: str | None = None, kind: str | None = None
    ) -> gpd.GeoDataFrame:
        """Merged sites (EPSG:4326); ``kind`` narrows to one site kind ('base', 'airfield'…)."""
        kind = kind if kind and kind.casefold() != "site" else "site"
        # kind="convoy" selects no site (and must not hand convoys to the site table).
        events = [e for e in self.merged(since=since, until=until, actor=actor, kind=kind) if isinstance(e, Site)]
        return merged_frame(events, "site")

    def events(
        self, *, since: DateLike = None, until: DateLike = None, actor: str | None = None, kind: str | None = None
    ) -> gpd.GeoDataFrame:
        """Convoys and sites in one frame (``event_type`` tells them apart), by date."""
        import geopandas as gpd
        import pandas as pd

        events = self.merged(since=since, until=until, actor=actor, kind=kind)
        frames = [merged_frame([e for e in events if isinstance(e, Convoy)], "convoy"),
                  merged_frame([e for e in events if isinstance(e, Site)], "site")]
        columns = list(dict.fromkeys([*frames[0].columns, *frames[1].columns]))
        frames = [f for f in frames if not f.empty] or frames[:1]
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        # Convoy and site columns whatever the filters left (status, kind… even with no site).
        df = df.reindex(columns=columns)
        df = df.sort_values(["event_date", "event_type", "event_id"], kind="stable", na_position="last")
        return gpd.GeoDataFrame(df.reset_index(drop=True), geometry="geometry", crs="EPSG:4326")

    def to_file(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,  # noqa: A002 - the fiona/geopandas name
        *,
        since: DateLike = None,
        until: DateLike = None,
        actor: str | None = None,
        kind: str | None = None,
    ) -> Path:
        """Export the merged events to GeoJSON, GeoPackage, KML or ACLED-like CSV, atomically.

        The format is ``format`` ('geojson', 'gpkg', 'kml', 'csv') or comes from
        the extension. Returns the path written.

        Raises:
            RenderError: unknown format, missing directory, or the file could not be written.
        """
        check_output(path, store=self.path)
        return write_events(path, self.merged(since=since, until=until, actor=actor, kind=kind), format)

    # -------------------------------------------------------- summaries

    def summary(self) -> dict[str, int]:
        """Counts: reports, outlets, convoys, sites, and merged events reported by 2+ outlets."""
        results, convoys, sites = self._load()
        outlets = {(r.report.source or "").casefold() or "report:" + r.report.id for r in results}
        return {
            "reports": len(results),
            "outlets": len(outlets),
            "convoys": len(convoys),
            "sites": len(sites),
            "corroborated": sum(e.corroboration > 1 for e in [*convoys, *sites]),
            "with conflicts": sum(bool(e.conflicts) for e in [*convoys, *sites]),
        }

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in self.summary().items())
        return (f"<table><caption>geo_tracker store <code>{html.escape(str(self.path))}</code></caption>"
                f"{rows}</table>")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _date(value: DateLike, name: str) -> _dt.date | None:
    if value is None or isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date in YYYY-MM-DD form") from None


def _reports(items, *, published, errors, skip_bad, on_skip):
    """Reports from a mix of Report objects and paths, in order."""
    from .io import read_reports

    if isinstance(items, (Report, str, os.PathLike)):
        items = [items]
    paths: list = []
    for item in items:
        if isinstance(item, Report):
            if paths:
                yield from read_reports(paths, published=published, errors=errors, skip_bad=skip_bad, on_skip=on_skip)
                paths = []
            yield item
        else:
            paths.append(item)
    if paths:
        yield from read_reports(paths, published=published, errors=errors, skip_bad=skip_bad, on_skip=on_skip)
