"""Site extraction: bases, airfields, outposts, checkpoints and positions with their status.

For each site word in a sentence ("base", "military airport", "قاعدة"…):

* **status** is read at publication (the corpus rules): the nearest status cue of the
  sentence (:data:`~geo_tracker.events.lexicon.SITE_STATUS`: planned, under_construction,
  established, expanded — reinforcements and new equipment too — withdrawn), cues of a site
  in use (attacked, hosting troops, aircraft landing) counting only where no change is stated;
  without a cue, :data:`DEFAULT_STATUS` ('established': the report names the site as there).
  Only cues that state the site's status count (:mod:`geo_tracker.events.modality`, scoped to
  the cue's clause): a denied, negated or only intended change of an existing site ("denied it
  had withdrawn", "will withdraw", "تستعد للانسحاب") leaves it 'established'; an intended
  making ("plans to build", "لإنشاء") is 'planned', a denied one 'unknown'. A withdrawal or
  return cue whose subject is a convoy ("a convoy … left the X base", "غادرت قافلة …") is a
  convoy's movement, not the force leaving the site; forces returning to a site re-establish it;
  a site something came from ("a convoy from the X base carrying reinforcements") is not expanded;
* **date** is the sentence's event date, except that a date in a background clause of the
  status cue ("…the base *they had left in 2019*", "…التي كانت قد انسحبت منها عام 2019")
  is not the event's: the carried or publication date is used instead;
* **location** is the place the site word's own phrase names (:func:`_own_place`): an
  adjacent place that is itself a site (place.kind base/airfield/oil_field…, precision kept),
  else the place right before it ("the X base", "X airport"; never an actor's country: "the US
  base"), else a facility name the gazetteer does not know ("the Tal Khazna base": unresolved, no
  coordinate made up), else the place after it across a locative phrase only ("base in/near X",
  "the airbase of X", "قاعدة في ريف X"); a site inside or near an ordinary place gets precision
  2. A plural word names one site per coordinated place ("bases in X, Y and Z", "قواعد في X
  وY"), none when they are only placed in a country, region or countryside;
* a site word after "at/in the" ("an airport *at the base* in X") is a container,
  not a site, when the sentence names another site; "airstrip"/"helipad" are
  features of a base named in the same sentence, not sites of their own.

Within a report, one site is one site (:func:`_fold_vague`): mentions at one place merge
(a stated status beats the default of an earlier mention), a site in a town within 15 km of
a named facility is that facility, and a site placed only in a country or region joins the
report's site in that country, or is kept at precision 3 with :data:`VAGUE_QUALIFIER`.

Example:
    >>> from geo_tracker.models import Location, Place, Report
    >>> text = "US forces began establishing a base near Tal Alu."
    >>> p = Place("sy-tal-alu", "Tal Alu", "village", "SY", 36.9, 42.1, 1.0)
    >>> loc = Location("Tal Alu", text.index("Tal Alu"), text.index("Tal Alu") + 7, p, 36.9, 42.1)
    >>> s = extract_sites(Report("r", text), [loc])[0]
    >>> s.id, s.name, s.status, s.location.precision
    ('base-sy-tal-alu', 'Base near Tal Alu', 'under_construction', 2)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..dates import find_dates
from ..geodesy import haversine_km
from ..models import DateValue, Location, Report, Site
from . import event_date, find_actor, locations_in, make_evidence, spans_for
from .lexicon import (
    ACTORS, CONVOY_CUES, FEATURES, SITE_COORDINATION_GAP, SITE_COORDINATION_WORD, SITE_KINDS, SITE_LOCATIVE_GAP, SITE_CONJUNCT_END, SITE_NAME_AFTER, SITE_NAME_GAP,
    SITE_NAME_STOPWORDS, SITE_TRAILING_CONJUNCT, SITE_PROPER_NAME, SITE_STATUS, Term, find_terms,
)
from .modality import background, clause, modality

__all__ = ["extract_sites", "site_id"]

Span = tuple[int, int]

SITE_PLACE_KINDS: dict[str, str] = {
    "base": "base", "military_base": "base", "airfield": "airfield", "airport": "airfield",
    "airbase": "airfield", "outpost": "outpost", "checkpoint": "checkpoint",
}
"""Gazetteer place kinds that are themselves a site of a given kind."""

SELF_SITE_PLACE_KINDS = frozenset(SITE_PLACE_KINDS) | {"oil_field", "gas_field", "military", "silo", "silos", "dam", "factory"}
"""Place kinds where a site "at" the place is the place itself (precision kept)."""

_STATUS_PRIORITY = ("withdrawn", "planned", "under_construction", "expanded", "established", "unknown", "in_use")

STATUS_OF = {"in_use": "established"}
""":data:`~geo_tracker.events.lexicon.SITE_STATUS` labels that are not statuses of their own: a site in
use (attacked, hosting troops, aircraft landing) is established, when the sentence states no change."""
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:at|in|inside|within|into|near|to|from)\s+(?:the\s+|its\s+|their\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$)"
    r"|(?:(?:في|داخل|الى|إلى|من)\s+$)",
    re.IGNORECASE,
)
_COMPONENT_BEFORE = re.compile(
    r"(?:\b(?:includ\w*|with|contain\w*|has|have|featur\w*)\s+(?:a\s+|an\s+)?(?:new\s+)?$)|(?:(?:تضم|يضم|تحتوي|يحتوي|مع)\s+$)",
    re.IGNORECASE,
)
_AIRSTRIP_WORD = re.compile(r"strip|runway|مهبط|مدرج", re.IGNORECASE)
_PLURAL = re.compile(r"(?:s$|قواعد|مطارات|حواجز|نقاط|مواقع)", re.IGNORECASE)
_NEAR = re.compile(
    r"\b(?:near|close to|outside|next to|around|outskirts|vicinity|north|south|east|west|km|kilomet)"
    r"|قرب|بالقرب|محيط|أطراف|اطراف|شمال|جنوب|شرق|غرب|كم",
    re.IGNORECASE,
)
_WINDOW_AFTER, _WINDOW_BEFORE = 90, 40


def site_id(kind: str, location: Location) -> str:
    """Stable slug of the site kind and the place id (or mention when unresolved).

    Example:
        >>> site_id("base", Location("Tal Alu", 0, 7, None, None, None))
        'base-tal-alu'
    """
    key = location.place.id if location.place is not None else location.mention
    slug = re.sub(r"[^\w]+", "-", f"{kind}-{key}".lower()).strip("-")
    return slug


# ---------------------------------------------------------------- choosing site words


def _is_container(text: str, sentence_start: int, term: Term) -> bool:
    """A site word after "at/in/from the" ("an airport at the base"), except a named site
    something came from ("moved from the Tal Khazna base"): that is a site of its own."""
    m = _LOCATIVE_BEFORE.search(text[max(sentence_start, term.start - 40) : term.start])
    return bool(m) and not _NAMED_BEFORE.search(m.group(0))


_NAMED_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?(?:(?:al|el|Al|El)[-‑])?[A-Z][\w'’‑-]*\s+$")
""""from" and a capitalised word right before the site word: a named site something left."""


def _is_component(text: str, sentence_start: int, term: Term) -> bool:
    """A site word that is part of another site: "a base that includes a military airfield"."""
    return bool(_COMPONENT_BEFORE.search(text[max(sentence_start, term.start - 30) : term.start]))


def _site_terms(text: str, span: Span, terms: list[Term]) -> list[Term]:
    """The site words of a sentence (``terms``) that name sites (not containers or airstrip features)."""
    main = [t for t in terms if not _is_container(text, span[0], t) and not _is_component(text, span[0], t)]
    has_base = any(not _AIRSTRIP_WORD.search(t.text) for t in main)
    main = [t for t in main if not (_AIRSTRIP_WORD.search(t.text) and has_base)]
    return main or terms  # every site word a container: each names its own site


# ---------------------------------------------------------------- location


def _adjacent_site_place(term: Term, locs: list[Location]) -> Location | None:
    """A place that is itself a site and is named right next to (or over) the site word."""
    for loc in locs:
        kind = loc.place.kind if loc.place is not None else ""
        touching = loc.start <= term.end + 3 and term.start <= loc.end + 3
        if kind in SELF_SITE_PLACE_KINDS and touching:
            return loc
    return None


def _is_actor_country(loc: Location) -> bool:
    """A country named as whose the site is ("the US base", "a Russian-run airfield"), not where."""
    return loc.place is not None and loc.place.kind == "country"


def _own_place(text: str, term: Term, locs: list[Location]) -> Location | None:
    """The place the site word's own phrase names: "the X base", "X airport" (right before it),
    else "base in/at/near X", "the airbase of X", "قاعدة X", "مطار مدينة X" (after it, across
    only the words of a locative phrase: :data:`~geo_tracker.events.lexicon.SITE_PLACE_BEFORE` /
    ``SITE_PLACE_AFTER``). Never a toponym elsewhere in the sentence, nor an actor's country."""
    before = [l for l in locs if l.end <= term.start and SITE_NAME_GAP.fullmatch(text[l.end : term.start])]
    if before and term.text.isascii() and not _is_actor_country(before[-1]):
        return before[-1]
    named = _facility_name(text, term, locs) or _name_after(text, term, locs)
    if named is not None:
        return named
    for loc in locs:
        if loc.start < term.end:
            continue
        if not SITE_LOCATIVE_GAP.fullmatch(text[term.end : loc.start]):
            break
        return loc
    return None


def _part_locations(text: str, term: Term, words: list[Term], locs: list[Location]) -> list[tuple[Location, str]]:
    """A site word with no place of its own whose part follows it ("a new base that includes a
    military airfield in X"): the site is where its part is."""
    parts = [w for w in words if term.end <= w.start <= term.end + 40 and _is_component(text, term.end, w)]
    return _site_locations(text, parts[0], locs) if parts else []


def _title_case(text: str) -> bool:
    """A headline in title case ("US Troops Leave Another Base"), where capitals name nothing."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _in_title_case_line(text: str, term: Term) -> bool:
    """The site word is in a title-case line (a headline), where capitals name nothing."""
    line_start = text.rfind("\n", 0, term.start) + 1
    line_end = text.find("\n", term.end)
    return _title_case(text[line_start : line_end if line_end >= 0 else len(text)])


def _facility_name(text: str, term: Term, locs: list[Location]) -> Location | None:
    """An unresolved location for a facility's own name right before an English site word ("the
    Tal Khazna base", "Marj Hilal military base") that the gazetteer does not know: the site is at
    that name, not at a toponym further on ("the Tal Khazna base, northwest of X"). Its position is
    unknown (no coordinate is made up). Determiners and demonyms (:data:`SITE_NAME_STOPWORDS`)
    are not names; nor is anything in a title-case headline."""
    if not term.text.isascii() or _in_title_case_line(text, term):
        return None
    line_start = text.rfind("\n", 0, term.start) + 1
    m = SITE_PROPER_NAME.search(text, max(line_start, term.start - 60), term.start)
    if m is None:
        return None
    words = m.group(0).split()
    while words and words[0].casefold().strip("'’") in SITE_NAME_STOPWORDS:
        words.pop(0)
    if not words or any(l.start < term.start and l.end > m.start() for l in locs):
        return None
    name = " ".join(words)
    start = text.index(words[0], m.start())
    if len(name) < 3 or find_terms(ACTORS, name) or find_terms(SITE_KINDS, name):
        return None
    return Location(text[start : m.end()], start, m.end(), None, None, None, precision=3)


def _name_after(text: str, term: Term, locs: list[Location]) -> Location | None:
    """An unresolved location for a facility named by a capitalised site word and the name after
    it ("Camp X", "Base X", "Air Base 101", :data:`~geo_tracker.events.lexicon.SITE_NAME_AFTER`)
    that the gazetteer does not know (a known place there is the site's place as usual). Its
    position is unknown; nothing in a title-case headline counts."""
    if not (term.text.isascii() and term.text[:1].isupper()) or _in_title_case_line(text, term):
        return None
    m = SITE_NAME_AFTER.match(text, term.end)
    if m is None:
        return None
    words = []
    for w in m.group(1).split():
        if w.casefold().strip("'’") in SITE_NAME_STOPWORDS:
            break
        words.append(w)
    if not words:
        return None
    end = text.index(words[-1], m.start(1)) + len(words[-1])
    if any(l.start < end and l.end > m.start(1) for l in locs):
        return None
    if find_terms(ACTORS, text, m.start(1), end) or find_terms(SITE_KINDS, text, m.start(1), end):
        return None
    return Location(text[term.start : end], term.start, end, None, None, None, precision=3)


def _coordinated(text: str, first: Location, locs: list[Location]) -> list[Location]:
    """``first`` and the places coordinated with it ("bases in X, Y and Z", "قواعد في X وY",
    "the X and Y bases", "three bases in X and four in Y"), in text order."""
    def joins(gap: str) -> bool:
        return bool(SITE_COORDINATION_GAP.fullmatch(gap) and SITE_COORDINATION_WORD.search(gap))

    out = [first]
    for loc in (l for l in locs if l.start >= first.end):
        if not joins(text[out[-1].end : loc.start]):
            break
        out.append(loc)
    for loc in reversed([l for l in locs if l.end <= first.start]):
        if not joins(text[loc.end : out[0].start]):
            break
        out.insert(0, loc)
    return [l for l in out if not _is_actor_country(l) or l is first]


def _trailing_conjunct(text: str, term: Term, found: Location, locs: list[Location]) -> list[Location]:
    """A second site place joined after a singular site word named by the place before it: "the X
    base and Y" (:data:`~geo_tracker.events.lexicon.SITE_TRAILING_CONJUNCT`), when nothing after Y
    makes it qualify another noun ("the X base and Y residents")."""
    if found.end > term.start or not term.text.isascii():
        return []
    nxt = next((l for l in locs if l.start >= term.end), None)
    if nxt is None or _is_actor_country(nxt) or not SITE_TRAILING_CONJUNCT.fullmatch(text[term.end : nxt.start]):
        return []
    return [nxt] if SITE_CONJUNCT_END.match(text, nxt.end) else []


def _site_locations(text: str, term: Term, locs: list[Location]) -> list[tuple[Location, str]]:
    """``(location, relation)`` of each site a site word names; relation is 'self', 'near' or
    'in'. A plural word ("bases in X and Y") names one site per coordinated place."""
    adjacent = _adjacent_site_place(term, locs)
    if adjacent is not None:
        found = adjacent
    else:
        own = _own_place(text, term, locs)
        if own is None:
            return []
        found = own
    plural = bool(_PLURAL.search(term.text))
    places = _coordinated(text, found, locs) if plural else [found, *_trailing_conjunct(text, term, found, locs)]
    def broad(l: Location) -> bool:
        return l.place is not None and (l.place.kind in VAGUE_PLACE_KINDS or l.precision >= 3)

    # a head noun after the last conjunct ("the X and Y countryside") qualifies them all
    shared = places[-1].qualifier is not None and broad(places[-1])
    if plural and (shared or all(broad(l) for l in places)):
        return []  # "two other bases in northern Syria", "bases in the X and Y countryside" name no one site
    out = []
    for loc in places:
        if loc.place is not None and loc.place.kind in SELF_SITE_PLACE_KINDS:
            out.append((loc, "self"))
            continue
        gap = text[term.end : loc.start] if loc.start >= term.end else text[loc.end : term.start]
        out.append((loc, "near" if _NEAR.search(gap) or loc.qualifier else "in"))
    return out


def _widen(loc: Location, relation: str) -> Location:
    """A site near or inside an ordinary place is at precision 2 (at least)."""
    if relation == "self":
        return loc
    return dataclasses.replace(loc, precision=max(loc.precision, 2), qualifier=loc.qualifier or relation)  # type: ignore[arg-type]


def _name(kind: str, loc: Location, relation: str) -> str:
    place = loc.place.name if loc.place is not None else loc.mention
    place_kind = SITE_PLACE_KINDS.get(loc.place.kind) if loc.place is not None else None
    if place_kind == kind:
        return place
    return f"{kind.capitalize()} {'at' if relation == 'self' else relation} {place}"


# ---------------------------------------------------------------- status and features


_RETURN_CUE = re.compile(r"return|عاد|عودة", re.IGNORECASE)


def _moved_by_convoy(text: str, span: Span, cue: Term) -> bool:
    """A withdrawal or return cue whose subject is a convoy ("a convoy … left the base", Arabic
    "غادرت قافلة …"): a convoy moving, not the force leaving or retaking the site. The convoy word
    is before the cue in its clause, or (Arabic verb-first order) within two words after it."""
    if cue.label != "withdrawn" and not _RETURN_CUE.search(cue.text):
        return False
    left, right = clause(text, cue.start, *span)
    if find_terms(CONVOY_CUES, text, left, cue.start):
        return True
    after = find_terms(CONVOY_CUES, text, cue.end, right)
    return bool(after) and not cue.text.isascii() and len(text[cue.end : after[0].start].split()) <= 2


def _effective_statuses(text: str, span: Span, statuses: list[Term]) -> list[Term]:
    """The status cues that state the site's status at publication (the corpus rule: "read from
    the report's perspective at publication"). A convoy's movement is none. A denied, negated or
    only intended change of an existing site ("denied it had withdrawn", "will not withdraw",
    "preparing to withdraw", "will expand", "تستعد للانسحاب") leaves it 'established': it is
    there, and the change has not happened. An intended or expected making of a site ("plans
    to build", "تعتزم إنشاء") is 'planned'; a denied one is 'unknown' (nothing says the site is
    there). :func:`~geo_tracker.events.modality.modality` is scoped to the cue's clause."""
    out = []
    intended = _intended_changes(text, statuses)
    for cue in statuses:
        if _moved_by_convoy(text, span, cue):
            continue
        if cue.start in intended:
            out.append(dataclasses.replace(cue, label="established"))
            continue
        mood = modality(text, cue.start, *span)
        if mood is None:
            out.append(cue)
        elif cue.label in _CHANGES or cue.label == "in_use":
            out.append(dataclasses.replace(cue, label="established"))
        else:
            out.append(dataclasses.replace(cue, label="planned" if mood == "planned" else "unknown"))
    return out


_CHANGES = ("withdrawn", "expanded")
"""Statuses that change a site that already exists."""


def _intended_changes(text: str, statuses: list[Term]) -> set[int]:
    """Starts of the 'planned' cues qualifying a change right after them ("the planned withdrawal
    from the base", "a planned relocation from X") and of those changes: an intended change of
    an existing site, which is still there ('established'), not a site planned."""
    out: set[int] = set()
    for cue, nxt in zip(statuses, statuses[1:]):
        if cue.label == "planned" and nxt.label in _CHANGES and len(text[cue.end : nxt.start].split()) <= 1:
            out |= {cue.start, nxt.start}
    return out

_FROM_BEFORE = re.compile(
    r"(?:\b(?:from|out of)\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,6}$)|(?:(?:من|قادمة من|قادما من|قادمة|قادمين من)\s+$)",
    re.IGNORECASE,
)
"""Before a site word: the site is where something came from ("a convoy from the X base")."""

DEFAULT_STATUS = "established"
"""A site the report names, with no cue of another status, exists: the corpus rules read a site
that is attacked, hosts troops, receives a convoy or sees aircraft land as 'established', and
'unknown' only where the text gives no clue; a report that names a base as a place of its events
states that it is there."""


def _status(text: str, span: Span, term: Term, statuses: list[Term]) -> tuple[str, Term | None]:
    """The status cue nearest to the site word (priority breaks ties): ``(status, cue)``;
    ``(DEFAULT_STATUS, None)`` without one. ``statuses`` are :func:`_effective_statuses`. A site
    that something came from ("a convoy from the X base carrying reinforcements") is not the
    one they reinforce."""
    if _FROM_BEFORE.search(text[max(span[0], term.start - 40) : term.start]):
        statuses = [s for s in statuses if s.label != "expanded"]
    changes = [s for s in statuses if s.label != "in_use"]
    statuses = changes or statuses
    if not statuses:
        return DEFAULT_STATUS, None

    def distance(s: Term) -> tuple[int, int]:
        gap = max(0, s.start - term.end, term.start - s.end)
        return gap, _STATUS_PRIORITY.index(s.label)

    cue = min(statuses, key=distance)
    return STATUS_OF.get(cue.label, cue.label), cue


def _site_date(report: Report, spans: list[Span], index: int, cue: Term | None) -> DateValue | None:
    """:func:`event_date` of the sentence, leaving out a date stated in a background clause of the
    status cue ("returned to the base *they had left in 2019*" is dated by the report, not 2019)."""
    date = event_date(report, spans, index)
    if cue is None or date is None or date.text is None:
        return date
    start, end = spans[index]
    text = report.text
    for d_start, d_end, _ in find_dates(text[start:end], report.published):
        if background(report.text, start + d_start, cue.start, start, end):
            text = text[: start + d_start] + " " * (d_end - d_start) + text[start + d_end :]
    if text == report.text:
        return date
    return event_date(dataclasses.replace(report, text=text), spans, index)


def _features(features: list[Term], term: Term, kind: str) -> tuple[str, ...]:
    labels = [f.label for f in features if f.end <= term.start or f.start >= term.end]
    if kind == "airfield":
        labels = [l for l in labels if l != "airstrip"]
    return tuple(dict.fromkeys(labels))


# ---------------------------------------------------------------- assembling


def _sentence_sites(
    report: Report, locations: Sequence[Location], spans: list[Span], index: int
) -> list[tuple[Site, bool]]:
    """The sites of sentence ``index``, each with whether a cue of the sentence states its status."""
    text, span = report.text, spans[index]
    locs = locations_in(locations, span)
    site_words = find_terms(SITE_KINDS, text, *span) if locs else []
    if not site_words and not any(loc.place is not None and loc.place.kind in SITE_PLACE_KINDS for loc in locs):
        return []  # a site needs a site word or a place that is a site, and a location
    statuses = find_terms(SITE_STATUS, text, *span)
    stated = _effective_statuses(text, span, statuses)
    features = find_terms(FEATURES, text, *span) + [
        Term("airstrip", t.start, t.end, t.text)
        for t in site_words
        if t.label == "airfield" and _is_component(text, span[0], t)
    ]
    terms = _site_terms(text, span, site_words)
    pairs = [(t, t.label, found) for t in terms for found in _site_locations(text, t, locs) or _part_locations(text, t, site_words, locs)]
    pairs += _place_sites(locs, terms, statuses)
    sites = []
    for term, kind, found in pairs:
        loc, relation = found
        if relation == "self" and loc.place is not None and loc.place.kind in SITE_PLACE_KINDS:
            kind = SITE_PLACE_KINDS[loc.place.kind]  # "the base at X airport" is X airport
        status, cue = _status(text, span, term, stated)
        sites.append((
            Site(
                id=site_id(kind, loc),
                name=_name(kind, loc, relation),
                kind=kind,
                status=status,  # type: ignore[arg-type]
                date=_site_date(report, spans, index, cue),
                location=_widen(loc, relation),
                actor=find_actor(text, spans, index),
                features=_features(features, term, kind),
                evidence=(make_evidence(report, span),),
            ),
            cue is not None,
        ))
    return sites


def _place_sites(
    locs: list[Location], terms: list[Term], statuses: list[Term]
) -> list[tuple[Term, str, tuple[Location, str] | None]]:
    """Places that are sites themselves (a gazetteer base) given a status but no site word."""
    if not statuses:
        return []
    out = []
    for loc in locs:
        kind = SITE_PLACE_KINDS.get(loc.place.kind) if loc.place is not None else None
        if kind and not any(_adjacent_site_place(t, [loc]) for t in terms):
            out.append((Term(kind, loc.start, loc.end, loc.mention), kind, (loc, "self")))
    return out


def _merge(old: Site, new: Site) -> Site:
    """One site mentioned twice: keep the first known status, pool features and evidence."""
    updates: dict[str, object] = {
        "features": tuple(dict.fromkeys(old.features + new.features)),
        "evidence": old.evidence + new.evidence,
        "actor": old.actor or new.actor,
    }
    if old.status == "unknown" and new.status != "unknown":
        updates.update(status=new.status, date=new.date)
    return dataclasses.replace(old, **updates)  # type: ignore[arg-type]


def extract_sites(report: Report, locations: Sequence[Location], sentences: list[Span] | None = None) -> list[Site]:
    """Military sites reported in ``report``, one per site id, in order of first mention.

    ``locations`` are the report's resolved place mentions; ``sentences`` its
    sentence spans (computed when None). See the module docstring for the rules.

    Example:
        >>> from geo_tracker.models import Location, Place, Report
        >>> text = "انسحبت القوات الروسية من قاعدة في القامشلي"
        >>> p = Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.05, 41.22, 2.0)
        >>> i = text.index("القامشلي")
        >>> s = extract_sites(Report("r", text), [Location("القامشلي", i, i + 8, p, 37.05, 41.22)])[0]
        >>> s.name, s.status, s.actor
        ('Base in Al-Qamishli', 'withdrawn', 'Russian forces')
    """
    spans = spans_for(report, sentences)
    merged: dict[str, Site] = {}
    stated: dict[str, bool] = {}
    for index in range(len(spans)):
        for site, has_cue in _sentence_sites(report, locations, spans, index):
            old = merged.get(site.id)
            if old is None:
                merged[site.id], stated[site.id] = site, has_cue
                continue
            merged[site.id] = _merge(old, site)
            if has_cue and not stated[site.id]:  # a stated status beats the default of an earlier mention
                merged[site.id] = dataclasses.replace(merged[site.id], status=site.status, date=site.date)
                stated[site.id] = True
    return _fold_vague(list(merged.values()), {i for i, v in stated.items() if v})


VAGUE_PLACE_KINDS = frozenset({"country", "region"})
"""Place kinds that locate a site only at country or region level ("a base in Syria")."""


def _fold_vague(sites: list[Site], stated: set[str] = frozenset()) -> list[Site]:  # type: ignore[assignment]
    """One site of the report told several ways is one site (its statements joined, in order of
    first mention; the first site's kind and a stated status are kept):

    * sites at the same place ("a base in X", "the airfield in X") are one;
    * a site in or near an ordinary place within :data:`FACILITY_RADIUS_KM` of a facility the
      report names as a site ("a base in X" and "the X airport") is that facility;
    * a site the report places only in a country or region ("a base in Syria", "bases in the
      northeast") is, when the report names a site in that country by its own place, that site
      told loosely (a headline's "base in Syria" and the lead's "the X base"). Otherwise it is
      kept, at precision 3 and with qualifier :data:`VAGUE_QUALIFIER`.

    ``stated`` are the ids of sites whose status a cue states: such a status beats the default
    of the site it joins."""
    def key(s: Site) -> str:
        return s.location.place.id if s.location.place is not None else s.location.mention.casefold()

    def vague(s: Site) -> bool:
        return s.location.place is not None and s.location.place.kind in VAGUE_PLACE_KINDS

    def facility(s: Site) -> bool:
        return s.location.place is not None and s.location.place.kind in SELF_SITE_PLACE_KINDS

    def country_site(site: Site) -> int | None:
        """Index in ``out`` of a precise site in the country of the vague ``site``."""
        country = site.location.place.country  # type: ignore[union-attr]
        return next((i for i, s in enumerate(out) if not vague(s) and s.location.place is not None
                     and s.location.place.country == country), None)

    def near(a: Site, b: Site) -> bool:
        la, lb = a.location, b.location
        return (la.lat is not None and lb.lat is not None
                and haversine_km(la.lat, la.lon, lb.lat, lb.lon) <= FACILITY_RADIUS_KM)

    def join(kept: Site, other: Site) -> Site:
        joined = _merge(kept, other)
        if other.id in stated and kept.id not in stated:
            stated.add(joined.id)
            return dataclasses.replace(joined, status=other.status, date=other.date)
        return joined

    stated = set(stated)
    out: list[Site] = []
    for site in sites:
        target = next((i for i, s in enumerate(out) if key(s) == key(site)), None)
        if target is None and not facility(site) and not vague(site) and site.location.precision <= 2:
            target = next((i for i, s in enumerate(out) if facility(s) and near(s, site)), None)
        if target is None and facility(site):
            absorbed = [i for i, s in enumerate(out)
                        if not facility(s) and not vague(s) and s.location.precision <= 2 and near(s, site)]
            if absorbed:
                first = absorbed[0]
                out[first] = dataclasses.replace(site, evidence=out[first].evidence + site.evidence)
                out = [s for i, s in enumerate(out) if i not in absorbed[1:]]
                continue
        if target is None and vague(site):
            target = country_site(site)
        if target is not None:
            out[target] = join(out[target], site)
        else:
            out.append(site)
    late = [s for s in out if vague(s)]
    for site in late:  # a vague site told before the precise one: join it now
        target = country_site(site)
        i = out.index(site)
        if target is not None:
            out[target] = dataclasses.replace(join(out[target], site), evidence=site.evidence + out[target].evidence)
            del out[i]
        else:
            out[i] = dataclasses.replace(site, location=dataclasses.replace(site.location, precision=3, qualifier=VAGUE_QUALIFIER))
    return out


FACILITY_RADIUS_KM = 15.0
"""How near a facility (airport, base, oil field) a site "in X" or "near X" may lie to be that facility."""


VAGUE_QUALIFIER = "country or region level: the report names no closer place"
"""The :attr:`~geo_tracker.models.Location.qualifier` of a site known only at country or region level."""
