"""``geo-tracker``: the command line, one thin sub-command per library entry point.

Every expected failure (bad input, bad gazetteer, unwritable output) ends in
a one-line ``Error: …`` message and exit status 1; usage mistakes exit 2.
Outputs are written to a temporary file and renamed, never half-written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from . import __version__
from .errors import GeoTrackerError


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        _fail(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        _fail(f"{path}: cannot write ({exc.strerror})")


def _parse_published(value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form", param_hint="--published") from None


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
def main() -> None:
    """Turn reports on military movements into sourced events and maps.

    INPUT may be a .txt/.md report (front-matter lines published:, source:,
    url:), a .jsonl/.json/.csv file of reports (fields id, text, published,
    source, url), or a directory of them.
    """


def _run(fn: Callable[[], None]) -> None:
    try:
        fn()
    except GeoTrackerError as exc:
        _fail(str(exc))


@main.command("map")
@click.argument("inputs", nargs=-1, metavar="[INPUT]...")
@click.option("-o", "--output", default="map.html", show_default=True, type=click.Path(dir_okay=False),
              help="HTML file to write.")
@click.option("--title", help="Title shown on the map.")
@_common_input_options
def map_command(inputs, output, title, published, errors, skip_bad):
    """Extract INPUT reports (default: the bundled samples) and write an HTML map."""

    def run() -> None:
        from .maps import render_map, save_map

        extraction = _load(inputs, _parse_published(published), errors, skip_bad)
        path = save_map(render_map(extraction, title=title), output)
        s = extraction.summary()
        click.echo(str(path))
        click.echo(f"{s['reports']} reports, {s['places']} places, {s['convoys']} convoys, {s['sites']} sites")

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

        extraction = _load(inputs, _parse_published(published), errors, skip_bad)
        text = {"json": export.to_json, "geojson": export.to_geojson, "csv": export.to_csv}[fmt](extraction)
        if output == "-":
            click.echo(text, nl=not text.endswith("\n"))
        else:
            _write_atomic(Path(output), text)
            click.echo(output, err=True)

    _run(run)


@main.command("lookup")
@click.argument("name")
@click.option("--country", metavar="CC", help="Only candidates in this country (ISO 3166-1 alpha-2).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def lookup_command(name, country, limit, as_json):
    """Ranked gazetteer candidates for NAME."""

    def run() -> None:
        from .gazetteer import Gazetteer

        candidates = Gazetteer.default().lookup(name, country=country, limit=limit)
        if as_json:
            rows = [
                {
                    "id": c.place.id, "name": c.place.name, "kind": c.place.kind, "country": c.place.country,
                    "admin1": c.place.admin1, "lat": c.place.lat, "lon": c.place.lon,
                    "uncertainty_km": c.place.uncertainty_km, "score": round(c.score, 3), "match": c.match,
                    "layer": c.place.layer, "source": c.place.source, "note": c.place.note,
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


if __name__ == "__main__":  # pragma: no cover
    main()
