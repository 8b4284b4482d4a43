"""``geo-tracker``: the command line, one thin sub-command per library entry point.

Every expected failure (bad input, bad gazetteer, unwritable output) ends in
a one-line ``Error: …`` message and exit status 1; usage mistakes exit 2.
Outputs are written to a temporary file and renamed, never half-written.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import GeoTrackerError, terminal_safe
from .gpkg import DEFAULT_LOCK_TIMEOUT


def _fail(message: str) -> None:
    raise click.ClickException(terminal_safe(message))


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    from .atomic import atomic_path

    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def _check_output(output: str, inputs: Sequence[str] = (), store: str | Path | None = None) -> None:
    """Refuse, before any work, an output file that is one of the inputs or a tracker store."""
    from .atomic import check_output

    if output != "-":
        check_output(output, inputs, store=store)


def _parse_published(value: str | None, param_hint: str = "--published") -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form", param_hint=param_hint) from None


def _load(inputs: Sequence[str], published: _dt.date | None, errors: str, skip_bad: bool):
    """Read and extract reports; the bundled samples when ``inputs`` is empty."""
    from .io import read_reports, sample_paths
    from .pipeline import extract_reports

    skipped: list[str] = []
    paths = list(inputs) or [str(p) for p in sample_paths()]
    reports = read_reports(paths, published=published, errors=errors, skip_bad=skip_bad, on_skip=skipped.append)
    extraction = extract_reports(reports)
    for message in skipped:
        click.echo(f"skipped: {message}", err=True)
    if skipped and not extraction.results:
        _fail(f"no report left to process: all {len(skipped)} problems above were skipped")
    return extraction


def _common_input_options(f: Callable) -> Callable:
    f = click.option("--skip-bad", is_flag=True, help="Skip unreadable files and malformed records (listed on stderr).")(f)
    f = click.option(
        "--errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True,
        help="Undecodable bytes: fail, or replace them with U+FFFD.",
    )(f)
    f = click.option("--published", metavar="YYYY-MM-DD", help="Publication date for reports that lack one.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo-tracker")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars (drawn only on a terminal anyway).")
def main(quiet: bool = False) -> None:
    """Turn reports on military movements into sourced events and maps.

    INPUT may be a .txt/.md report (front-matter lines published:, source:,
    url:), a .jsonl/.json/.csv file of reports (fields id, text, published,
    source, url), a .parquet table with a text column, or a directory of them.
    """
    from .progress import set_enabled

    set_enabled(False if quiet else None)


def _run(fn: Callable[[], None]) -> None:
    try:
        fn()
    except GeoTrackerError as exc:
        _fail(str(exc))


@main.command("map")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--output", default="map.html", show_default=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="HTML file to write, or - for standard output (the summary then goes to standard error).")
@click.option("--title", help="Title shown on the map.")
@click.option("--offline", is_flag=True,
              help="One self-contained HTML file: scripts and styles inline, no tiles, bundled country and "
                   "region outlines as the background; the page makes no network request.")
@click.option("--cdn", is_flag=True,
              help="A smaller page that loads its scripts and styles from jsDelivr (needs the internet to "
                   "draw anything). By default they are inline and only the tiles come from the web.")
@click.option("--basemap", type=click.Choice(["osm", "satellite", "light"]), default="osm", show_default=True,
              help="Base layer shown first (all three are in the layer control; ignored with --offline).")
@_common_input_options
def map_command(inputs, output, title, offline, cdn, basemap, published, errors, skip_bad):
    """Extract INPUT reports (default: the bundled samples) and write an HTML map."""

    def run() -> None:
        from .maps import render_map, save_map

        _check_output(output, inputs)
        extraction = _load(inputs, _parse_published(published), errors, skip_bad)
        m = render_map(extraction, title=title, offline=offline, cdn=cdn, basemap=basemap)
        s = extraction.summary()
        summary = f"{s['reports']} reports, {s['places']} places, {s['convoys']} convoys, {s['sites']} sites"
        if m.summary.unplaced:
            summary += f"; {m.summary.describe()}"
        if output == "-":  # like extract and export: the page on stdout, not a file named "-"
            try:
                page = m.get_root().render()
            except Exception as exc:  # folium/jinja failures of any kind, as save_map reports them
                _fail(f"could not render map: {exc}")
            click.echo(page, nl=False)
            click.echo(summary, err=True)
            return
        path = save_map(m, output)
        click.echo(str(path))
        click.echo(summary)

    _run(run)


@main.command("extract")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--format", "fmt", type=click.Choice(["json", "geojson", "csv"]), default="json", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, or - for standard output.")
@_common_input_options
def extract_command(inputs, fmt, output, published, errors, skip_bad):
    """Extract places, convoys and sites from INPUT reports."""

    def run() -> None:
        from . import export

        _check_output(output, inputs)
        extraction = _load(inputs, _parse_published(published), errors, skip_bad)
        text = {"json": export.to_json, "geojson": export.to_geojson, "csv": export.to_csv}[fmt](extraction)
        if output == "-":
            click.echo(text, nl=not text.endswith("\n"))
        else:
            _write_atomic(Path(output), text)
            click.echo(output, err=True)

    _run(run)


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="GeoParquet (.parquet) or GeoPackage (.gpkg) file to write.")
@click.option("--workers", type=click.IntRange(min=1), metavar="N",
              help="Local worker processes (default: one per CPU); 1 runs in this process.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on this running dask.distributed scheduler (e.g. tcp://host:8786) instead of local workers.")
@click.option("--partition-size", type=click.IntRange(min=1), default=500, show_default=True, metavar="K",
              help="Reports per partition (the unit of work).")
@click.option("--table", type=click.Choice(["events", "places"]), default="events", show_default=True,
              help="One row per convoy and site, or one per resolved place mention.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@_common_input_options
def batch_command(inputs, output, workers, scheduler, partition_size, table, quiet, published, errors, skip_bad):
    """Extract large INPUTs in partitions on dask workers into one GeoParquet or GeoPackage file.

    INPUT may also be a .parquet table with a text column. Reports are
    streamed, never all held in memory; rows come out in input order
    whatever the number of workers. Needs the 'batch' extra.
    """

    def run() -> None:
        from .batch import output_format, run_batch
        from .progress import write

        try:
            output_format(output)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--output") from None
        if scheduler and workers:
            raise click.UsageError("--workers starts local workers; with --scheduler the cluster's workers run")
        result = run_batch(
            inputs, output, workers=workers, scheduler=scheduler, partition_size=partition_size, table=table,
            published=_parse_published(published), errors=errors, skip_bad=skip_bad,
            on_skip=lambda message: write(f"skipped: {message}"), quiet=quiet,
        )
        if not quiet:
            click.echo(str(result.output))
            click.echo(result.summary())

    _run(run)


def _store_option(f: Callable) -> Callable:
    return click.option(
        "--store", type=click.Path(dir_okay=False), metavar="PATH",
        help="Tracker store, a GeoPackage (default: tracker.gpkg in the user data directory; "
        "$GEO_TRACKER_DATA overrides the directory).",
    )(f)


@main.command("ingest")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@_store_option
@click.option("--batch-size", type=click.IntRange(min=1), metavar="N",
              help="Commit every N new reports (default: the whole run is one transaction).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_LOCK_TIMEOUT, show_default=True,
              metavar="SECONDS", envvar="GEO_TRACKER_LOCK_TIMEOUT", show_envvar=True,
              help="How long to wait while another ingest writes the store.")
@_common_input_options
def ingest_command(inputs, store, batch_size, lock_timeout, published, errors, skip_bad):
    """Add INPUT reports to the tracker store and merge their events across outlets.

    A report already in the store (same outlet and text) is skipped. The run
    is one transaction: if it fails or is interrupted the store is left as it
    was, and running it again completes it.
    """

    def run() -> None:
        from .progress import progress_bar
        from .tracker import Tracker

        with progress_bar(desc="ingest", unit=" reports") as bar:
            tracker = Tracker(store, lock_timeout=lock_timeout, on_wait=lambda message: bar.write(f"waiting: {message}"))
            summary = tracker.ingest(
                inputs, published=_parse_published(published), errors=errors, skip_bad=skip_bad,
                on_skip=lambda message: bar.write(f"skipped: {message}"), batch_size=batch_size,
                progress=lambda report, added: bar.update(),
            )
        click.echo(str(summary.path))
        click.echo(str(summary))

    _run(run)


@main.command("export")
@_store_option
@click.option("-o", "--output", default="-", show_default=True,
              help="File to write, or - for standard output (csv, geojson, kml).")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "gpkg", "kml"]),
              help="Default: from the extension of --output; csv on standard output.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only events on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only events on or before this date.")
@click.option("--actor", metavar="TEXT", help="Only events whose actor contains TEXT (case-insensitive).")
@click.option("--kind", type=click.Choice(["convoy", "site", "base", "airfield", "outpost", "checkpoint", "position"],
                                          case_sensitive=False), help="Only convoys, only sites, or one site kind.")
def export_command(store, output, fmt, since, until, actor, kind):
    """Export the merged events of the tracker store.

    Formats: GeoJSON, GeoPackage (layers convoys and sites), KML for Google
    Earth, and an ACLED-like CSV (event_date, event_type, sub_event_type,
    actor1, location, latitude, longitude, geo_precision, source, notes,
    route_km…). Files are written to a temporary name and renamed.
    """

    def run() -> None:
        from .export import filter_events, format_for, render_events, write_events
        from .tracker import Tracker

        filters = {"since": _parse_published(since, "--since"), "until": _parse_published(until, "--until"),
                   "actor": actor, "kind": kind}
        tracker = Tracker(store)
        if not tracker.path.is_file():
            _fail(f"{tracker.path}: no tracker store here (run geo-tracker ingest first)")
        if output == "-":
            if fmt == "gpkg":
                raise click.UsageError("--format gpkg needs a file: give -o FILE.gpkg")
            text = render_events(tracker.merged(**filters), fmt or "csv")
            click.echo(text, nl=not text.endswith("\n"))
            return
        try:
            chosen = format_for(output, fmt)
        except GeoTrackerError as exc:
            raise click.BadParameter(str(exc), param_hint="--output") from None
        _check_output(output, store=tracker.path)
        events = tracker.merged(**filters)
        path = write_events(output, events, chosen)
        convoys = len(filter_events(events, kind="convoy"))
        click.echo(str(path))
        summary = f"{convoys} convoys, {len(events) - convoys} sites"
        if chosen == "kml":
            from .export import event_geometry

            unplaced = sum(event_geometry(e) is None for e in events)
            summary += f" ({unplaced} without coordinates, left out of the KML)" if unplaced else ""
        click.echo(summary)

    _run(run)


def _geocode_options(f: Callable) -> Callable:
    f = click.option(
        "--geocode-url", metavar="URL",
        help="Base URL of the geocoding service (default: the provider's public server), e.g. a self-hosted Nominatim.",
    )(f)
    f = click.option(
        "--geocode", type=click.Choice(["nominatim"]),
        help="Opt in to online geocoding (rate-limited, cached) for names the offline gazetteer lacks. "
        "Sends those names to the service.",
    )(f)
    return f


@contextmanager
def _geocoder(provider: str | None, url: str | None):
    """An :class:`OnlineGeocoder` when the user opted in, else ``None``."""
    if provider is None:
        if url:
            raise click.UsageError("--geocode-url needs --geocode")
        yield None
        return
    from urllib.parse import urlsplit

    from .gazetteer.online import OnlineGeocoder

    options: dict[str, str] = {}
    if url:
        try:
            parts = urlsplit(url if "://" in url else f"https://{url}")
            parts.port  # noqa: B018 - validates the port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--geocode-url")
        options = {"domain": parts.netloc + parts.path.rstrip("/"), "scheme": parts.scheme}
    with OnlineGeocoder(provider, **options) as geocoder:
        yield geocoder


@main.command("lookup")
@click.argument("name")
@click.option("--country", metavar="CC", help="Only candidates in this country (ISO 3166-1 alpha-2).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_geocode_options
def lookup_command(name, country, limit, as_json, geocode, geocode_url):
    """Ranked gazetteer candidates for NAME."""
    if country is not None and not (len(country.strip()) == 2 and country.strip().isascii() and country.strip().isalpha()):
        # "Syria" or "SYR" would otherwise filter out every candidate and read as "no place matches"
        raise click.BadParameter(f"{country!r} is not a two-letter ISO 3166-1 country code (e.g. SY, IQ, TR)",
                                 param_hint="--country")

    def run() -> None:
        from .gazetteer import Gazetteer

        with _geocoder(geocode, geocode_url) as geocoder:
            candidates = Gazetteer.default().lookup(name, country=country, limit=limit, geocoder=geocoder)
        if as_json:
            rows = [
                {
                    "id": c.place.id, "name": c.place.name, "kind": c.place.kind, "country": c.place.country,
                    "admin1": c.place.admin1, "lat": c.place.lat, "lon": c.place.lon,
                    "uncertainty_km": c.place.uncertainty_km, "score": round(c.score, 3), "match": c.match,
                    "layer": c.place.layer, "source": c.place.source, "note": c.place.note,
                    **({"bbox": list(c.place.bbox)} if c.place.bbox else {}),
                }
                for c in candidates
            ]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not candidates:
            click.echo(f"no place matches {name!r}", err=True)
            sys.exit(1)
        for c in candidates:
            p = c.place
            click.echo(
                f"{c.score:5.2f}  {p.name}  [{p.kind}, {p.country or '--'}]  "
                f"{p.lat:.5f}, {p.lon:.5f}  ±{p.uncertainty_km:g} km  {p.id}  ({c.match})"
            )

    _run(run)


@main.command("eval")
@click.option("--corpus", "corpus", required=True, metavar="FILE",
              help="Annotated corpus: LGL/TR-News, GeoWebNews or GeoVirus XML, or a report corpus (.jsonl with "
                   "places/convoys/sites); layout detected.")
@click.option("--gold-spans", is_flag=True, help="Resolve the gold toponym spans only (the standard geocoder comparison).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Evaluate the first N articles only.")
@click.option("--only", type=click.Choice(["en", "ar"]), help="Report corpus: score one language only.")
@click.option("--half", type=click.Choice(["even", "odd"]),
              help="Score the documents at even / odd 0-based index (report lines, XML articles): split-half checks.")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write every miss to FILE (JSON): misplaced and unresolved spans, and on a report corpus its other misses.")
def eval_command(corpus, gold_spans, as_json, limit, only, half, errors_file):
    """Score recognition and resolution (and, on a report corpus, convoys and sites) against an annotated corpus."""

    def run() -> None:
        from .evaluate_reports import is_report_corpus

        if is_report_corpus(corpus):
            _eval_reports(corpus, as_json, limit, only, half, errors_file)
            return
        if only:
            raise click.UsageError("--only applies to a report corpus (.jsonl) only")
        from .evaluate import error_rows, evaluate, format_scores, read_corpus

        if errors_file:
            _check_output(errors_file, [corpus])
        found: list = []
        scores = evaluate(read_corpus(corpus), gold_spans=gold_spans, limit=limit, half=half,
                          progress=found.append if errors_file else None)
        if errors_file:
            _write_atomic(Path(errors_file), json.dumps(error_rows(found), ensure_ascii=False, indent=1))
        click.echo(json.dumps(scores.to_dict(), indent=2) if as_json else format_scores(scores))

    _run(run)


def _eval_reports(corpus: str, as_json: bool, limit: int | None, only: str | None, half: str | None,
                  errors_file: str | None) -> None:
    """``eval`` on a report corpus: one extraction, scored for the selection and each language in it."""
    from .evaluate_reports import extract_predictions, format_report_scores, read_report_corpus, score_reports, select_docs

    if errors_file:
        _check_output(errors_file, [corpus])
    docs = select_docs(read_report_corpus(corpus), only=only, half=half, limit=limit)
    predictions = extract_predictions(docs)
    result = score_reports(docs, predictions)
    if errors_file:
        _write_atomic(Path(errors_file), json.dumps(result.errors, ensure_ascii=False, indent=1))
    if as_json:
        click.echo(json.dumps(result.to_dict()))
        return
    columns = {only or "all": result}
    langs = sorted({d.get("lang") for d in docs if d.get("lang")})
    if only is None and len(langs) > 1:
        columns.update({lang: score_reports([d for d in docs if d.get("lang") == lang], predictions) for lang in langs})
    click.echo(format_report_scores(columns))


@main.group("gazetteer")
def gazetteer_group() -> None:
    """Import, list, describe and remove gazetteer layers.

    Imported layers live in the user data directory ($GEO_TRACKER_DATA
    overrides) and stack over the bundled ones: user layers > curated > world.
    """


_MAPPING_FIELDS = ("name", "alt_names", "lat", "lon", "id", "kind", "country", "admin1",
                   "uncertainty_km", "population", "source")


def _mapping(pairs: Sequence[str]):
    from .gazetteer.importers import ColumnMapping

    if not pairs:
        return None
    fields: dict[str, object] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or field not in _MAPPING_FIELDS or not column:
            raise click.BadParameter(
                f"{pair!r}: expected FIELD=COLUMN with FIELD one of {', '.join(_MAPPING_FIELDS)}", param_hint="--column"
            )
        fields[field] = tuple(c.strip() for c in column.split(",") if c.strip()) if field == "alt_names" else column
    return ColumnMapping(**fields)


@gazetteer_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="Layer name (default: from the file name).")
@click.option("--format", "fmt", type=click.Choice(["geonames", "geojson", "csv"]), help="Default: detected.")
@click.option("--alternate-names", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="GeoNames alternateNamesV2.txt to join by geonameid.")
@click.option("--column", "columns", multiple=True, metavar="FIELD=COLUMN",
              help="Map a field to a CSV column / GeoJSON property (repeatable; alt_names takes a comma list).")
@click.option("--kind", "default_kind", default="place", show_default=True, help="Kind of rows that state none.")
@click.option("--country", "default_country", metavar="CC", help="Country of rows that state none.")
@click.option("--uncertainty-km", "default_uncertainty_km", type=click.FloatRange(min=0, min_open=True),
              help="Radius of point rows that state none.")
@click.option("--source", help="Citation stored with every row (default: from the file).")
@click.option("--licence", help="Licence of the data, shown by 'gazetteer stats'.")
@click.option("--on-error", type=click.Choice(["skip", "reject"]), default="skip", show_default=True,
              help="Malformed rows: report and skip them, or reject the whole file.")
@click.option("--errors", "encoding_errors", type=click.Choice(["strict", "replace"]), default="strict",
              show_default=True, help="Undecodable bytes: a malformed row, or replaced with U+FFFD.")
@click.option("--replace", is_flag=True, help="Replace an existing layer of the same name.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def gazetteer_import_command(file, name, fmt, alternate_names, columns, default_kind, default_country,
                             default_uncertainty_km, source, licence, on_error, encoding_errors, replace, quiet):
    """Import FILE (GeoNames dump, GeoJSON or CSV) as a gazetteer layer."""

    def run() -> None:
        import time

        from .gazetteer import Gazetteer
        from .gazetteer.userlayers import import_layer
        from .progress import progress_bar, write

        t0 = time.perf_counter()
        with progress_bar(desc=f"importing {file.name}", unit=" rows", quiet=quiet) as bar:
            info = import_layer(
                file, name=name, replace=replace, licence=licence,
                on_problem=lambda message: write(f"skipped: {message}"), progress=bar.update_to,
                fmt=fmt, mapping=_mapping(columns), alternate_names=alternate_names, default_kind=default_kind,
                default_country=default_country.upper() if default_country else None,
                default_uncertainty_km=default_uncertainty_km, source=source, on_error=on_error,
                encoding_errors=encoding_errors,
            )
        Gazetteer.default()  # compile the user index now, so the next start is warm
        if not quiet:
            click.echo(
                f"imported {info.rows:,} places into layer {info.name!r} ({info.skipped:,} rows skipped) "
                f"in {time.perf_counter() - t0:.1f} s"
            )

    _run(run)


@gazetteer_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def gazetteer_list_command(as_json):
    """Imported layers, in stacking order (later ones win ties)."""

    def run() -> None:
        from dataclasses import asdict

        from .gazetteer.userlayers import list_layers

        layers = list_layers()
        if as_json:
            click.echo(json.dumps([asdict(i) for i in layers], ensure_ascii=False, indent=2))
            return
        if not layers:
            click.echo("no imported layers (see: geo-tracker gazetteer import --help)")
        for i in layers:
            click.echo(f"{i.name}  {i.rows:,} rows ({i.skipped:,} skipped)  {i.format}  {i.imported_at}  {i.source_file}")

    _run(run)


@gazetteer_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def gazetteer_stats_command(as_json):
    """Layers of the gazetteer in use: rows, sources and licences."""

    def run() -> None:
        from .gazetteer import Gazetteer

        rows = Gazetteer.default().stats()
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            click.echo(f"{r['layer']}: {r['rows']:,} rows\n  source:  {r['source']}\n  licence: {r['licence']}")
        click.echo(f"total: {sum(r['rows'] for r in rows):,} places")

    _run(run)


@gazetteer_group.command("remove")
@click.argument("name")
def gazetteer_remove_command(name):
    """Remove the imported layer NAME."""

    def run() -> None:
        from .gazetteer.userlayers import remove_layer

        info = remove_layer(name)
        click.echo(f"removed layer {info.name!r} ({info.rows:,} rows)")

    _run(run)


if __name__ == "__main__":  # pragma: no cover
    main()
