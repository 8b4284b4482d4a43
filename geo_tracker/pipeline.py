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

import dataclasses
import datetime as _dt
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from .events import extract_convoys, extract_sites
from .events.convoys import join_segments
from .events.sites import _merge as _merge_sites
from .gazetteer import Gazetteer
from .io import parse_date
from .notplaces import mark_metonyms
from .models import Convoy, Extraction, Location, Report, ReportResult, Site
from .qualify import qualify
from .recognize import Match, recognize
from .resolve import resolve
from .text import segment_spans, sentence_spans

SEGMENT_CHARS = 20_000
"""A longer report is extracted in segments of at most this many characters, cut at
paragraph, line or sentence ends (:func:`~geo_tracker.text.segment_spans`), so time and
memory grow linearly with its length. Sites of one id are merged across segments."""

MAX_MENTIONS = 300
"""Mentions resolved together at most. Resolution weighs every mention against every
other (quadratic); a segment with more mentions (a list of names) is resolved in runs
of this many consecutive mentions."""

_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """Run recognition, resolution, qualification and event extraction on one report.

    A report longer than :data:`SEGMENT_CHARS` is extracted segment by segment;
    offsets always index the whole text. Unpaired surrogates (from a Python caller)
    become U+FFFD in the result's report text.
    """
    gaz = gazetteer or Gazetteer.default()
    if _SURROGATE.search(report.text):  # half a surrogate pair is not text; U+FFFD keeps every offset
        report = dataclasses.replace(report, text=_SURROGATE.sub("\ufffd", report.text))
    text = report.text
    if len(text) <= SEGMENT_CHARS:
        return _extract_segment(report, gaz)
    places: list[Location] = []
    convoys: list[Convoy] = []
    sites: dict[str, Site] = {}
    for start, end in segment_spans(text, SEGMENT_CHARS):
        part = _extract_segment(dataclasses.replace(report, text=text[start:end]), gaz)
        places += [_shift(loc, start) for loc in part.places]
        convoys = join_segments(convoys, [
            dataclasses.replace(c, origin=_shift(c.origin, start), via=_shift(c.via, start),
                                destination=_shift(c.destination, start))
            for c in part.convoys
        ])
        for site in part.sites:
            site = dataclasses.replace(site, location=_shift(site.location, start))
            sites[site.id] = _merge_sites(sites[site.id], site) if site.id in sites else site
    return ReportResult(report=report, places=tuple(places), convoys=tuple(convoys), sites=tuple(sites.values()))


def _extract_segment(report: Report, gaz: Gazetteer) -> ReportResult:
    text = report.text
    locations = qualify(text, mark_metonyms(text, gaz, _resolve(text, gaz)))
    sentences = sentence_spans(text)
    return ReportResult(
        report=report,
        places=tuple(locations),
        convoys=tuple(extract_convoys(report, locations, sentences)),
        sites=tuple(extract_sites(report, locations, sentences)),
    )


_Span = TypeVar("_Span", Location, Match)


def _shift(item: _Span | None, by: int) -> _Span | None:
    """A location or match moved ``by`` characters (from a segment's offsets to the report's)."""
    if item is None or by == 0:
        return item
    return dataclasses.replace(item, start=item.start + by, end=item.end + by)


def _resolve(text: str, gaz: Gazetteer) -> list[Location]:
    """:func:`resolve`, in runs of at most :data:`MAX_MENTIONS` consecutive mentions.

    Each run sees the text from the middle of the gap before its first mention
    to the middle of the gap after its last one.
    """
    matches = recognize(text, gaz)
    if len(matches) <= MAX_MENTIONS:
        return resolve(text, gaz, matches)
    locations: list[Location] = []
    cut = 0
    for first in range(0, len(matches), MAX_MENTIONS):
        run = matches[first : first + MAX_MENTIONS]
        after = matches[first + MAX_MENTIONS] if first + MAX_MENTIONS < len(matches) else None
        end = (run[-1].end + after.start) // 2 if after is not None else len(text)
        shifted = [_shift(m, -cut) for m in run]
        locations += [_shift(loc, cut) for loc in resolve(text[cut:end], gaz, shifted)]  # type: ignore[misc]
        cut = end
    return locations


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
