"""Convoy extraction: how many vehicles of what moved, whose, from where, via where, to where.

A sentence reports a convoy when it has a convoy word ("convoy", "column of",
"قافلة", "رتل"), or "reinforcements"/a vehicle count together with a movement
verb ("45 trucks entered"). A sentence that refers back to the previous convoy
("The convoy…", "It comprised…", "القافلة…") adds to that convoy instead of
making a new one.

Route roles come from the words right before each location mention ("from",
"via", "towards", "قادمة من", "عبر", "باتجاه"…); a border crossing defaults to
*via*; "crossing with X" names the other side, which is the origin of an
entering convoy and the destination of a leaving one.

Example:
    >>> import datetime as dt
    >>> from geo_tracker.models import Report
    >>> r = Report("r", "Yesterday a convoy of 20 trucks and 5 armoured vehicles entered Syria.", dt.date(2021, 3, 1))
    >>> c = extract_convoys(r, [])[0]
    >>> c.vehicles_min, c.cargo, c.date.value, c.direction
    (25, ('trucks', 'armoured vehicles'), datetime.date(2021, 2, 28), 'entering')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..models import Convoy, Location, Report
from ..text import NUMBER_PATTERN, parse_number
from . import event_date, find_actor, is_inferred, dates_compatible, locations_in, make_evidence, spans_for
from .lexicon import (
    CARGO, CONVOY_CUES, COUNT_NOUNS, DIRECTION, MOVEMENT_VERBS, ROLE_CUES, SUBSET_CUES, VAGUE_QUANTITIES,
    compile_vocabulary, find_terms,
)

__all__ = ["extract_convoys"]

Span = tuple[int, int]

_STOP = r"(?:from|of|to|in|at|and|with|the|a|an|or|by|on|for|km|kilometres|kilometers|miles|days?|weeks?)"
_NOUN = compile_vocabulary(COUNT_NOUNS)[0][1].pattern.replace(r"(?:[\w-]+ ){0,3}?", rf"(?:(?!{_STOP}\b)[\w-]+ ){{0,3}}?")
_COUNT = re.compile(rf"(?<![\w.,/-])(?P<n>{NUMBER_PATTERN})\s+(?P<noun>{_NOUN})", re.IGNORECASE)
_NOUN_ONLY = re.compile(_NOUN, re.IGNORECASE)
_ANAPHOR_START = re.compile(
    r"^(?:[\"'“]?)(?:It|Its|They|Their|These|This|The (?:trucks|vehicles|convoy|column|shipment)s?)\b"
    r"|^و?(?:تتألف|تتكون|تضم|ضمت|كانت|كان|القافلة|الرتل|الشاحنات|وهي|هي)(?!\w)"
)
_DEFINITE = re.compile(r"(?:\b(?:the|this|that|its|same)\s+(?:[\w-]+\s+){0,2}$)", re.IGNORECASE)
_ANOTHER = re.compile(
    r"\b(?:another|second|third|separate|similar)\b|(?:آخر|أخرى|اخرى|ثانية|ثان)(?!\w)",
    re.IGNORECASE,
)
_CROSSING_WORD = re.compile(r"crossing|border post|border gate|معبر|منفذ", re.IGNORECASE)
_CROSSING_BEFORE = re.compile(r"(?:معبر|منفذ)\s+$")
_CROSSING_AFTER = re.compile(r"^\s*(?:border\s+|الحدودي\s*)?(?:crossing|gate|post)\b", re.IGNORECASE)
_COARSE_KINDS = {"country": 0, "region": 1, "admin1": 1, "governorate": 1, "province": 1, "district": 1}


# ---------------------------------------------------------------- sentence classification


def _classify(text: str, span: Span, follows_convoy: bool, has_previous: bool) -> str | None:
    """'new', 'continuation' or None for a sentence that reports no convoy."""
    start, end = span
    cues = find_terms(CONVOY_CUES, text, start, end)
    sentence = text[start:end]
    if any(c.label == "convoy" for c in cues):
        cue = next(c for c in cues if c.label == "convoy")
        if has_previous and _refers_back(text, start, cue.start, cue.text) and not _ANOTHER.search(text, start, cue.end):
            return "continuation"
        return "new"
    if follows_convoy and _ANAPHOR_START.search(sentence):
        return "continuation"
    if not find_terms(MOVEMENT_VERBS, text, start, end):
        return None
    if cues or _COUNT.search(text, start, end) or _vague_note(text, span) is not None:
        return "continuation" if follows_convoy and not _ANOTHER.search(sentence) else "new"
    return None


def _refers_back(text: str, sentence_start: int, cue_start: int, cue_text: str) -> bool:
    """True for a definite convoy word: "the convoy", "this column", Arabic "القافلة"."""
    if re.match(r"^[وفبل]?(?:ال|لل)", cue_text):
        return True
    return bool(_DEFINITE.search(text[max(sentence_start, cue_start - 40) : cue_start]))


# ---------------------------------------------------------------- vehicle counts


def _count_vehicles(text: str, span: Span) -> tuple[int | None, str | None]:
    """``(vehicles_min, vehicles_note)`` for one sentence.

    Counts before a subset cue ("including", "بينها") add up; counts after it
    describe part of the convoy and are used only when nothing else is counted.
    """
    start, end = span
    subset = find_terms(SUBSET_CUES, text, start, end)
    subset_at = subset[0].start if subset else end
    main, part = [], []
    for match in _COUNT.finditer(text, start, end):
        value = parse_number(match.group("n"))
        if value is not None and value > 0:
            (main if match.start() < subset_at else part).append(value)
    note = _vague_note(text, span)
    if main:
        return sum(main), None
    if part:
        return (max(part) if note else sum(part)), note
    return None, note


def _vague_note(text: str, span: Span) -> str | None:
    """'dozens', 'hundreds' or 'several' when such a word quantifies vehicles."""
    for term in find_terms(VAGUE_QUANTITIES, text, *span):
        if _NOUN_ONLY.search(text, term.end, min(span[1], term.end + 40)):
            return term.label
    return None


# ---------------------------------------------------------------- route


def _role(text: str, gap: Span, previous: tuple[Location, str | None] | None) -> str | None:
    """Role of the location right after ``gap`` from the cue nearest to it.

    A container word ("in", "في") right after another location marks this one as
    context for it (role ``None``); "with" after a crossing marks the other side.
    """
    terms = find_terms(ROLE_CUES, text, *gap)
    has_real_cue = any(t.label != "container" for t in terms)
    for term in reversed(terms):
        if len(text[term.end : gap[1]].split()) > 6:
            break
        if term.label == "ignore":
            return None
        if term.label == "container":
            if previous is not None and not has_real_cue:
                return None
            continue
        if term.label == "other_side":
            if previous is not None and previous[1] == "via":
                return "other_side"
            continue
        return term.label
    return None


def _is_crossing(loc: Location, text: str) -> bool:
    """True for a border crossing: by gazetteer kind, or "X (border) crossing" / "معبر X"."""
    kind = loc.place.kind if loc.place is not None else ""
    return (
        kind == "crossing"
        or bool(_CROSSING_WORD.search(loc.mention))
        or bool(_CROSSING_BEFORE.search(text[max(0, loc.start - 8) : loc.start]))
        or bool(_CROSSING_AFTER.search(text[loc.end : loc.end + 24]))
    )


def _roles(text: str, span: Span, locations: Sequence[Location]) -> list[tuple[Location, str | None]]:
    """Each location in the sentence with its route role (origin/via/destination/other_side/None)."""
    out: list[tuple[Location, str | None]] = []
    cursor = span[0]
    for loc in locations_in(locations, span):
        role = _role(text, (cursor, loc.start), out[-1] if out else None)
        if _is_crossing(loc, text) and role in (None, "origin", "via", "destination"):
            role = "via"
        out.append((loc, role))
        cursor = max(cursor, loc.end)
    return out


def _route(roles: list[tuple[Location, str | None]], direction: str | None) -> dict[str, Location | None]:
    """origin/via/destination from the roles; the other side follows the direction."""
    by_role: dict[str, list[Location]] = {}
    for loc, role in roles:
        if role:
            by_role.setdefault(role, []).append(loc)
    origins, vias, dests = by_role.get("origin", []), by_role.get("via", []), by_role.get("destination", [])
    route: dict[str, Location | None] = {
        "origin": origins[0] if origins else None,
        "via": vias[0] if vias else (dests[0] if len(dests) > 1 else None),
        "destination": dests[-1] if dests else None,
    }
    other = by_role.get("other_side", [None])[0]
    side = "destination" if direction == "leaving" else "origin"
    if other is not None and route[side] is None:
        route[side] = other
    return route


REPORTED_COUNTRY = "SY"
"""The country whose borders "entering" and "leaving" refer to (see ``lexicon.DIRECTION``)."""


def _direction_of_route(origin: Location | None, destination: Location | None) -> str | None:
    """Entering or leaving, read off a route that starts on one side of the border and ends on the
    other ("left Al-Hasakah for Iraq"), when no word says so.

    Example:
        >>> from geo_tracker.models import Place
        >>> hasakah = Place("sy-h", "Al-Hasakah", "city", "SY", 36.5, 40.7, 3.0)
        >>> erbil = Place("iq-e", "Erbil", "city", "IQ", 36.2, 44.0, 5.0)
        >>> at = lambda p: Location(p.name, 0, 1, p, p.lat, p.lon)
        >>> _direction_of_route(at(hasakah), at(erbil)), _direction_of_route(at(erbil), at(hasakah))
        ('leaving', 'entering')
    """
    countries = [loc.place.country if loc is not None and loc.place is not None else None
                 for loc in (origin, destination)]
    if None in countries or countries[0] == countries[1]:
        return None
    return "leaving" if countries[0] == REPORTED_COUNTRY else "entering" if countries[1] == REPORTED_COUNTRY else None


# ---------------------------------------------------------------- building and merging


def _build(report: Report, locations: Sequence[Location], spans: list[Span], index: int) -> Convoy:
    text, span = report.text, spans[index]
    directions = find_terms(DIRECTION, text, *span)
    direction = directions[0].label if directions else None
    route = _route(_roles(text, span, locations), direction)
    direction = direction or _direction_of_route(route["origin"], route["destination"])
    vehicles, note = _count_vehicles(text, span)
    cargo = tuple(dict.fromkeys(t.label for t in find_terms(CARGO, text, *span)))
    return Convoy(
        vehicles_min=vehicles,
        actor=find_actor(text, spans, index),
        cargo=cargo,
        date=event_date(report, spans, index),
        origin=route["origin"],
        via=route["via"],
        destination=route["destination"],
        direction=direction,  # type: ignore[arg-type]
        vehicles_note=note,
        evidence=(make_evidence(report, span),),
    )


def _rank(loc: Location | None) -> int:
    """How specific a route point is: countries < regions < anything else."""
    if loc is None:
        return -1
    return _COARSE_KINDS.get(loc.place.kind if loc.place else "", 2)


def _place_key(loc: Location | None) -> str | None:
    if loc is None:
        return None
    return loc.place.id if loc.place is not None else loc.mention.lower()


def _compatible(a: Convoy, b: Convoy) -> bool:
    """True when two convoys of one report can be the same movement (no field conflicts)."""
    for field in ("origin", "via", "destination"):
        ka, kb = _place_key(getattr(a, field)), _place_key(getattr(b, field))
        if ka and kb and ka != kb:
            return False
    if a.vehicles_min and b.vehicles_min and a.vehicles_min != b.vehicles_min:
        return False
    if a.direction and b.direction and a.direction != b.direction:
        return False
    return dates_compatible(a.date, b.date)


def _merge(old: Convoy, new: Convoy) -> Convoy:
    """Fill ``old``'s gaps from ``new``; a more specific route point replaces a country/region."""
    updates: dict[str, object] = {}
    for field in ("origin", "via", "destination"):
        if _rank(getattr(new, field)) > _rank(getattr(old, field)):
            updates[field] = getattr(new, field)
    for field in ("vehicles_min", "actor", "direction", "vehicles_note"):
        if getattr(old, field) is None and getattr(new, field) is not None:
            updates[field] = getattr(new, field)
    if is_inferred(old.date) and not is_inferred(new.date) and new.date and new.date.granularity == "day":
        updates["date"] = new.date
    updates["cargo"] = tuple(dict.fromkeys(old.cargo + new.cargo))
    updates["evidence"] = old.evidence + new.evidence
    return dataclasses.replace(old, **updates)  # type: ignore[arg-type]


def _is_empty(convoy: Convoy) -> bool:
    """A convoy with no count, cargo or route point ("the second such convoy in days")."""
    return not (convoy.vehicles_min or convoy.vehicles_note or convoy.cargo
                or convoy.origin or convoy.via or convoy.destination)


def extract_convoys(
    report: Report, locations: Sequence[Location], sentences: list[Span] | None = None
) -> list[Convoy]:
    """Convoys reported in ``report``; ``locations`` are its resolved place mentions.

    ``sentences`` are sentence spans of ``report.text`` (computed when None).
    Sentences about the same convoy are merged into one Convoy whose evidence
    lists each sentence. See the module docstring for the rules.

    Example:
        >>> from geo_tracker.models import Report
        >>> r = Report("r", "Dozens of trucks crossed into Syria. The convoy carried ammunition.")
        >>> [(c.vehicles_min, c.vehicles_note, c.cargo) for c in extract_convoys(r, [])]
        [(None, 'dozens', ('trucks', 'ammunition'))]
    """
    spans = spans_for(report, sentences)
    convoys: list[Convoy] = []
    last_index = -2
    for index, span in enumerate(spans):
        kind = _classify(report.text, span, follows_convoy=last_index == index - 1, has_previous=bool(convoys))
        if kind is None:
            continue
        convoy = _build(report, locations, spans, index)
        if kind == "new" and _is_empty(convoy):
            continue
        same = kind == "continuation" or (convoys and _compatible(convoys[-1], convoy)
                                          and not _ANOTHER.search(report.text, *span))
        if convoys and same:
            convoys[-1] = _merge(convoys[-1], convoy)
        else:
            convoys.append(convoy)
        last_index = index
    return convoys
