"""Event extraction: convoys and military sites, from a report and its resolved locations.

Shared rules for both extractors (documented here once):

* **Date** (:func:`event_date`): the sentence's own date (:func:`geo_tracker.dates.resolve_date`);
  else a day-precise date stated earlier in the same paragraph (reports often date
  an event once and describe it over several sentences); else the publication date
  at 'day' granularity with ``DateValue.text = None`` (marking it as inferred: news
  reports overwhelmingly describe same- or previous-day events); else None.
* **Actor** (:func:`find_actor`): the first actor named in the sentence; else the one
  named last in the nearest earlier sentence of the report.

Example:
    >>> from geo_tracker.models import Report
    >>> from geo_tracker.events import extract_convoys
    >>> extract_convoys(Report("r1", "A convoy of 30 trucks entered Syria."), [])[0].vehicles_min
    30
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

from ..dates import resolve_date
from ..models import NOT_PLACE_QUALIFIERS, DateValue, Evidence, Location, Report
from ..text import sentence_spans
from .lexicon import ACTORS, find_terms

__all__ = [
    "event_date", "extract_convoys", "extract_sites", "find_actor", "locations_in", "make_evidence", "spans_for",
]

Span = tuple[int, int]

LOOKBACK_SENTENCES = 20
"""How many earlier sentences a date or an actor is looked for in (more would make a long
report's events quadratic in its sentences)."""


def spans_for(report: Report, sentences: list[Span] | None) -> list[Span]:
    """The given sentence spans, or :func:`sentence_spans` of the report text."""
    return list(sentences) if sentences is not None else sentence_spans(report.text)


def locations_in(locations: Sequence[Location], span: Span) -> list[Location]:
    """Locations whose mention lies inside ``span``, in text order; nationality words
    ("Syrian territory", "US forces") are attributes and capitals standing for their government
    ("Washington says", qualifier ``metonym``) actors, not event locations.

    Example:
        >>> loc = Location("Homs", 10, 14, None, None, None)
        >>> locations_in([loc], (0, 20)) == [loc], locations_in([loc], (15, 30))
        (True, [])
    """
    start, end = span
    return sorted(
        (loc for loc in locations if start <= loc.start and loc.end <= end and loc.qualifier not in NOT_PLACE_QUALIFIERS),
        key=lambda l: l.start,
    )


def _same_paragraph(text: str, earlier: Span, later: Span) -> bool:
    return "\n" not in text[earlier[1] : later[0]]


def event_date(report: Report, spans: Sequence[Span], index: int) -> DateValue | None:
    """Date of the event told in sentence ``index`` (rules in the module docstring).

    Example:
        >>> import datetime as dt
        >>> r = Report("r", "On 8 February a convoy came. It had 5 trucks.", dt.date(2021, 2, 10))
        >>> event_date(r, [(0, 28), (29, 46)], 1).value
        datetime.date(2021, 2, 8)
    """
    text, published = report.text, report.published
    start, end = spans[index]
    own = resolve_date(text[start:end], published)
    if own is not None:
        return own
    for earlier in reversed(spans[max(0, index - LOOKBACK_SENTENCES) : index]):
        if not _same_paragraph(text, earlier, spans[index]):
            break
        carried = resolve_date(text[earlier[0] : earlier[1]], published)
        if carried is not None and carried.granularity == "day":
            return carried
    return DateValue(published, "day", None) if published is not None else None


def find_actor(text: str, spans: Sequence[Span], index: int) -> str | None:
    """Canonical actor of sentence ``index``: its first actor, else the last one named before it.

    Example:
        >>> t = "US forces moved. A convoy came."
        >>> find_actor(t, [(0, 16), (17, 31)], 1)
        'US-led coalition'
    """
    start, end = spans[index]
    own = find_terms(ACTORS, text, start, end)
    if own:
        return own[0].label
    for earlier in reversed(spans[max(0, index - LOOKBACK_SENTENCES) : index]):
        terms = find_terms(ACTORS, text, *earlier)
        if terms:
            return terms[-1].label
    return None


def make_evidence(report: Report, span: Span) -> Evidence:
    """Evidence for one sentence of ``report``."""
    return Evidence(report.id, report.text[span[0] : span[1]], report.source, report.url, report.published)


def is_inferred(date: DateValue | None) -> bool:
    """True for the publication-date fallback (a DateValue without text)."""
    return date is None or date.text is None


def dates_compatible(a: DateValue | None, b: DateValue | None) -> bool:
    """True unless both dates were stated and neither period contains the other."""
    if is_inferred(a) or is_inferred(b):
        return True
    assert a is not None and b is not None
    return _contains(a, b.value) or _contains(b, a.value)


def _contains(period: DateValue, day: _dt.date) -> bool:
    if period.granularity == "year":
        return period.value.year == day.year
    if period.granularity == "month":
        return (period.value.year, period.value.month) == (day.year, day.month)
    return period.value == day


# Imported last: the extractors use the helpers above.
from .convoys import extract_convoys  # noqa: E402
from .sites import extract_sites  # noqa: E402
