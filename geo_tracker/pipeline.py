"""The extraction pipeline: report → mentions → locations → events.

One function per step, each replaceable; :func:`extract_report` runs them
in order for one report and :func:`extract_reports` for many.

Example:
    >>> import geo_tracker
    >>> r = geo_tracker.extract(
    ...     "On February 8, a convoy of 45 military vehicles and trucks entered Syrian "
    ...     "territory via the Al-Walid border crossing with the Kurdistan Region of Iraq.",
    ...     published="2021-02-10")                                  # doctest: +SKIP
    >>> r.convoys[0].vehicles_min, r.convoys[0].via.place.id        # doctest: +SKIP
    (45, 'sy-al-walid-crossing')
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Callable, Iterable

from .events import extract_convoys, extract_sites
from .gazetteer import Gazetteer
from .io import parse_date
from .models import Extraction, Report, ReportResult
from .qualify import qualify
from .resolve import resolve
from .text import sentence_spans


def make_report(
    text: str,
    *,
    published: str | _dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
    id: str | None = None,
) -> Report:
    """A :class:`Report` from loose arguments; the id defaults to a content hash."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    pub = parse_date(published) if isinstance(published, str) else published
    rid = id or "r-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return Report(id=rid, text=text, published=pub, source=source, url=url)


def extract_report(report: Report, gazetteer: Gazetteer | None = None) -> ReportResult:
    """Run recognition, resolution, qualification and event extraction on one report."""
    gaz = gazetteer or Gazetteer.default()
    text = report.text
    locations = qualify(text, resolve(text, gaz))
    sentences = sentence_spans(text)
    return ReportResult(
        report=report,
        places=tuple(locations),
        convoys=tuple(extract_convoys(report, locations, sentences)),
        sites=tuple(extract_sites(report, locations, sentences)),
    )


def extract(
    text: str,
    published: str | _dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
    *,
    gazetteer: Gazetteer | None = None,
) -> ReportResult:
    """Extract places, convoys and sites from one report's text."""
    return extract_report(make_report(text, published=published, source=source, url=url), gazetteer)


def extract_reports(
    reports: Iterable[Report],
    gazetteer: Gazetteer | None = None,
    *,
    progress: Callable[[Report], None] | None = None,
) -> Extraction:
    """Extract every report; ``progress`` is called after each one."""
    gaz = gazetteer
    results = []
    for report in reports:
        if gaz is None:
            gaz = Gazetteer.default()
        results.append(extract_report(report, gaz))
        if progress is not None:
            progress(report)
    return Extraction(results)
