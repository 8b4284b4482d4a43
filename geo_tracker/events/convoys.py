"""Convoy extraction: how many vehicles of what moved, whose, from where, via where, to where.

A sentence reports a convoy when it has a convoy word ("convoy", "column of",
"قافلة", "رتل"), or "reinforcements"/a vehicle count together with a movement
verb ("45 trucks entered"). A sentence that refers back to the previous convoy
("The convoy…", "It comprised…", "القافلة…") adds to that convoy instead of
making a new one.

Route roles are parsed clause by clause (:func:`_roles`, clauses from
:func:`~geo_tracker.events.modality.clause_spans`, the one clause splitter of the event
rules): each place takes the role of the route cue that governs it inside its own clause
("from", "coming from", "via", "towards", "heading to", "arrived at", "قادمة من", "عبر",
"باتجاه", "متجهة إلى"…); a border crossing defaults to *via*; "crossing with X" names the
other side, which is the origin of an entering convoy and the destination of a leaving one.
The most precise place named for a role fills it (:func:`_route`): the country entered is
the destination only when no place in it is named. Nationality words ("Iraqi territory",
"الأراضي السورية") and capitals standing for their government fill no role, though
territory still tells the direction; "entered the base" heads to the base named before it.
Leaving through a border crossing is leaving the country.

One sentence may tell of several convoys: a second one starts after a conjunction
once the first has its verb ("… and another convoy of 20 trucks left …", "… and 30
via Semalka", see :func:`_convoy_parts`), and "two convoys of 20 and 35 trucks" gives one
convoy per count. A count in brackets restates the one before it, it does not add.

Actor and date come from the convoy's own clause, else from earlier sentences of the
same story (:func:`_context_start`): not from before "Meanwhile,"/"في سياق آخر", and, for
a new convoy (not "The convoy…", "It…"), not from another movement told before it.

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

from ..geodesy import haversine_km
from ..models import NATIONALITY, Convoy, DateValue, Location, Report
from ..text import NUMBER_PATTERN, arabic_pattern, parse_number
from ..dates import resolve_date
from . import (
    LOOKBACK_SENTENCES, dates_compatible, event_date, find_actor, is_inferred, locations_in, make_evidence, spans_for,
)
from .modality import clause_spans, states_movement
from .lexicon import (
    ACTORS, AGGREGATE_CUES, AIR_MEANS, ALTERNATIVE_CUES, ASIDE_CUES, BACKGROUND_CUES, CARGO, CONVOY_CUES, CONVOY_DEMONSTRATIVES, COUNT_NOUNS,
    DIRECTION, MOVEMENT_VERBS, MOVERS, ROLE_CUES, SITE_ANAPHORS, SITE_KINDS, STATIONING_CUES, SUBSET_CUES, VAGUE_QUANTITIES, Term, compile_vocabulary, find_terms,
)

__all__ = ["extract_convoys", "join_segments"]

Span = tuple[int, int]

_STOP = r"(?:from|of|to|in|at|and|with|the|a|an|or|by|on|for|km|kilometres|kilometers|miles|days?|weeks?)"
_NOUN = compile_vocabulary(COUNT_NOUNS)[0][1].pattern.replace(
    r"(?:[\w-]+ ){0,3}?", rf"(?:(?!{_STOP}\b)[\"“”'‘’]?[\w-]+[\"“”'‘’]? ){{0,3}}?").replace(
    r"(?<![\w-])", r"(?<![\w])")  # a hyphen may join the noun to its count: "a 55-truck convoy"
_COUNT = re.compile(rf"(?:(?<![\w.,/-])|(?<=(?<!\w)و))(?P<n>{NUMBER_PATTERN})(?:\s+|-)(?P<noun>{_NOUN})", re.IGNORECASE)
"""A vehicle count: "45 military vehicles", "four armoured “Bradley” vehicles", "30 شاحنة", "و4 سيارات"
(the conjunction glued to the number), and the compound "a 55-truck convoy"."""
_NOUN_ONLY = re.compile(_NOUN, re.IGNORECASE)
_NOUN_AFTER = re.compile(rf"\s+(?:{_NOUN})", re.IGNORECASE)
_ANAPHOR_START = re.compile(
    r"^(?:[\"'“]?)(?:It|Its|They|Their|These|This|The (?:trucks|vehicles|convoy|column|shipment)s?)\b"
    r"|^و?(?:تتألف|تتكون|تضم|ضمت|كانت|كان|القافلة|الرتل|الشاحنات|وهي|هي)(?!\w)"
)
_DEFINITE = re.compile(r"(?:\b(?:the|this|that|its|same)\s+(?:[\w-]+\s+){0,2}$)", re.IGNORECASE)
_ANOTHER = re.compile(
    r"\b(?:another|second|third|separate|similar)\b|(?:آخر|أخرى|اخرى|ثانية|ثان)(?!\w)",
    re.IGNORECASE,
)
_IDENTIFYING = re.compile(
    r"^\W*(?:this|that|it)\s+(?:is|was|marks|marked|became|would\s+be)\s+(?:the|a|an|its|their)\b", re.IGNORECASE
)
"""A sentence that identifies the convoy told before: "This is the second convoy to enter …"."""
_ANOTHER_ONE = re.compile(r"\b(?:another|a\s+(?:second|third|fourth|fifth|further))\s+one\b", re.IGNORECASE)
_PLURAL_CUE = re.compile(r"(?:s|قوافل|أرتال|ارتال)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\s*['’]s\s+")
_COORDINATION = re.compile(r"^[\s,،]*(?:(?:and|as\s+well\s+as)\s+(?:the\s+)?|و\s*)?$", re.IGNORECASE)
_INFINITIVE_TO = re.compile(r"(?<![\w-])to\s+$")
"""'to' right before a movement verb: the infinitive of a plan ("forces to withdraw from X")."""
_BETWEEN = re.compile(r"\b(?:between|linking|connecting|joining)\b|(?<!\w)(?:بين|الواصل بين|الرابط بين)(?!\w)", re.IGNORECASE)
_CROSSING_WORD = re.compile(r"crossing|border post|border gate|معبر|منفذ", re.IGNORECASE)
_CROSSING_BEFORE = re.compile(r"(?:معبر|منفذ)\s+$")
_CROSSING_AFTER = re.compile(r"^\s*(?:border\s+|الحدودي\s*)?(?:crossing|gate|post)\b", re.IGNORECASE)
_COARSE_KINDS = {"country": 0, "region": 1, "admin1": 1, "governorate": 1, "province": 1, "district": 1}
_TOPIC_BREAK = re.compile(
    r"^\W*(?:meanwhile|separately|elsewhere|in\s+the\s+meantime|in\s+other\s+news|on\s+the\s+other\s+hand|"
    r"in\s+(?:a|an)\s+(?:separate|other|unrelated)\s+(?:development|incident|context)|"
    r"in\s+another\s+(?:development|incident|context))\b"
    r"|^\W*و?(?:" + "|".join(arabic_pattern(p) for p in (
        "في غضون ذلك", "في الأثناء", "في هذه الأثناء", "في سياق آخر", "في سياق منفصل", "من جهة أخرى",
        "من جهة ثانية", "من ناحية أخرى", "إلى ذلك", "على صعيد آخر")) + r")(?!\w)",
    re.IGNORECASE,
)
"""A sentence opening that starts another story: nothing before it is context for it."""
_LEAVE_VERB = re.compile(r"\b(?:left|leaving|leaves|exited|exiting|departed|departing)\b|(?<!\w)و?(?:خرج|خرجت|غادر|غادرت)(?!\w)",
                         re.IGNORECASE)
_TERRITORY_AFTER = re.compile(r"^\s+(?:territor(?:y|ies)|soil|lands?)\b", re.IGNORECASE)
_TERRITORY_BEFORE = re.compile(r"(?<!\w)(?:[وفب]?ال|لل)?(?:[أا]راضي|تراب)\s+$")
_CONJ_BEFORE = re.compile(r"(?:[,;،]|\b(?:and|while|whereas|but)|(?<!\w)(?:بينما|حين|و))\s*$", re.IGNORECASE)
_SECOND_SUBJECT = re.compile(
    r"(?<![\w-])(?:another|a\s+(?:second|third|separate|further)|one\s+more)\b"
    r"|(?<!\w)و?(?:\w+\s+)?[وفبل]?(?:ال)?(?:قافلة|رتل|رتلا|أرتال|قوافل|شحنة)\w*\s+(?:أخرى|اخرى|آخر|آخرا|ثانية)(?!\w)",
    re.IGNORECASE,
)
_SECOND_COUNT = re.compile(rf"(?:(?<![\w.,/-])|(?<=(?<!\w)و))(?P<n>{NUMBER_PATTERN})", re.IGNORECASE)
_BARE_COUNT = re.compile(
    rf"\s*(?:(?:another|one\s+more|a\s+further)\s+)?و?(?P<n>{NUMBER_PATTERN})(?:\s+(?:{_NOUN}))?"
    rf"(?:\s+(?:more|others?|أخرى|اخرى))?(?![\w.,/-])",
    re.IGNORECASE,
)
_ROUTE_CUE_AFTER = re.compile(
    r"\s*(?:more\s+|others?\s+)?(?:via|through|from|to|towards?|into|across|out\s+of)\b"
    r"|\s*(?:أخرى\s+|اخرى\s+)?(?:عبر|من|إلى|الى|باتجاه|نحو)(?!\w)",
    re.IGNORECASE,
)
_DUAL = re.compile(r"(?:قافلت|رتل)[اي]ن(?!\w)")
_GROUP = re.compile(
    rf"(?<![\w-])(?P<k>{NUMBER_PATTERN}|both)\s+(?:[\w-]+\s+){{0,2}}?(?:convoys|columns|shipments)\s+"
    rf"(?:(?:of|with|carrying|comprising)\s+)?(?P<list>{NUMBER_PATTERN}(?:\s*,\s*{NUMBER_PATTERN})*,?\s+and\s+{NUMBER_PATTERN})"
    rf"\s+(?:{_NOUN})"
    rf"|(?<!\w)[وبل]?(?:قافلتين|قافلتان|رتلين|رتلان)\s+(?:\S+\s+){{0,3}}?"
    rf"(?P<list2>{NUMBER_PATTERN}(?:\s*،\s*{NUMBER_PATTERN})*\s+و\s*{NUMBER_PATTERN})\s+(?:{_NOUN})",
    re.IGNORECASE,
)
_RESTATED = re.compile(
    r"^\s*[(\[]\s*(?:(?:approx(?:imately|\.)?|about|around|some|roughly|nearly|almost|over|more than|up to|c\.|~|"
    r"نحو|حوالي|حوالى|قرابة|زهاء|أكثر من|ما يقارب|ما يزيد عن|ما يزيد على)\s*)*$",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- sentence classification


def _classify(text: str, span: Span, follows_convoy: bool, has_previous: bool) -> str | None:
    """'new', 'continuation' or None for a sentence that reports no convoy.

    A convoy word after a demonstrative ("these reinforcements", "هذه القافلة") or in a sentence
    that identifies the convoy told before ("This is the second convoy to enter…") continues it.
    Reinforcements that come by air (:data:`~geo_tracker.events.lexicon.AIR_MEANS`) are no convoy.
    """
    start, end = span
    cues = find_terms(CONVOY_CUES, text, start, end)
    sentence = text[start:end]
    convoy_words = [c for c in cues if c.label == "convoy"]
    if has_previous and cues and (_IDENTIFYING.match(sentence) or any(_after_demonstrative(text, start, c.start) for c in cues)):
        return "continuation"
    if not convoy_words and find_terms(AIR_MEANS, text, start, end):
        return None
    if convoy_words:
        cue = convoy_words[0]
        if has_previous and _refers_back(text, start, cue.start, cue.text) and not _ANOTHER.search(text, start, cue.end):
            return "continuation"
        return "new"
    if follows_convoy and _ANAPHOR_START.search(sentence) and not _ANOTHER.search(sentence):
        return "continuation"
    # the movement verbs are looked for last: a long sentence of prose has many ("went") and
    # rarely a count or a vague quantity of vehicles
    counted = bool(cues) or _COUNT.search(text, start, end) is not None or _vague_note(text, span) is not None
    another_one = follows_convoy and _ANOTHER_ONE.search(sentence) is not None
    if not (counted or another_one) or not find_terms(MOVEMENT_VERBS, text, start, end):
        return None
    if counted:
        return "continuation" if follows_convoy and not _ANOTHER.search(sentence) else "new"
    return "new"  # "It was followed by another one that headed to …"


def _tells_of_movers(text: str, span: Span, locations: Sequence[Location]) -> str | None:
    """'movers' for a sentence with a movement verb whose mover is a force, a patrol or vehicles and
    cargo (:data:`~geo_tracker.events.lexicon.MOVERS`, :data:`~geo_tracker.events.lexicon.CARGO`),
    but no convoy word ("troops withdrew from X towards Y", "brought military vehicles to X");
    'actor' when the mover is only an actor right before the verb ("the US military entered from
    X through the Y crossing"), which :func:`_movers_route` holds to a fuller route; else None."""
    if not locations_in(locations, span):
        return None  # no place to move to or from: no route for :func:`_movers_route` to find
    verbs = find_terms(MOVEMENT_VERBS, text, *span)
    if not verbs or find_terms(AIR_MEANS, text, *span):
        return None
    if find_terms(MOVERS, text, *span) or find_terms(CARGO, text, *span):
        return "movers"
    # A force named as the verb's subject ("the US military entered …", "الجيش التركي دخل …").
    if any(v.start >= a.end and _ACTOR_GAP.fullmatch(text, a.end, v.start)
           for a in find_terms(ACTORS, text, *span) for v in verbs):
        return "actor"
    return None


_ACTOR_GAP = re.compile(r"\s*(?:(?:has|have|had|also|then|later|reportedly|again|once\s+again)\s+)*", re.IGNORECASE)
"""What may stand between an actor and the movement verb it is the subject of ("US forces have
entered", "the army then withdrew"); a noun there makes the mover something else ("an SDF
delegation travelled")."""


def _movers_route(text: str, span: Span, convoy: Convoy, movers: str) -> bool:
    """True when a movement told without a convoy word (:func:`_tells_of_movers`) names a route
    precise enough to be a convoy's: after its verb, an origin or destination below country level
    or a crossing (for a mover that is only an actor, :func:`_tells_of_movers`, a crossing or both
    ends); the verb neither in the infinitive ("forces to withdraw from X", a headline's
    plan) nor recalled as background ("had already pulled out of X", "comes after troops left X")."""
    verb = find_terms(MOVEMENT_VERBS, text, *span)[0]
    points = [loc for loc in (convoy.origin, convoy.destination) if loc is not None and loc.start > verb.start]
    origin = convoy.origin
    if origin is not None and origin.start < verb.start and any(
            t.end <= origin.start and len(text[t.end : origin.start].split()) <= CUE_REACH
            for t in find_terms(STATIONING_CUES, text, span[0], origin.start)):
        points.append(origin)  # the subject's station: "troops based in X left their base"
    crossing = convoy.via is not None and convoy.via.start > verb.start
    if max(map(_rank, points), default=-1) < 1 and not crossing:
        return False
    if movers == "actor" and not (crossing or len(points) == 2):
        return False  # "militias withdrew from X": an actor's move with one end only is no convoy
    if _INFINITIVE_TO.search(text[max(span[0], verb.start - 4) : verb.start]):
        return False
    return not find_terms(BACKGROUND_CUES, text, span[0], verb.start)


def _after_demonstrative(text: str, sentence_start: int, cue_start: int) -> bool:
    """True when a demonstrative ("this", "these", "هذه") stands at most three words before the cue."""
    window = max(sentence_start, cue_start - 40)
    for term in find_terms(CONVOY_DEMONSTRATIVES, text, window, cue_start):
        if len(text[term.end : cue_start].split()) <= 3 and not _ANOTHER.search(text, term.end, cue_start):
            return True  # not "… noted that another convoy": "that" introduces, "another" is new
    return False


def _is_aggregate(text: str, span: Span) -> bool:
    """True for a sentence that sums up several movements rather than telling one: a plural convoy
    count ("sent two convoys", "three such convoys", "قوافل") not broken down into sizes, or a period
    of accumulation or a mass quantity ("over the past months", "thousands of trucks", "خلال الأشهر
    الماضية") with no single convoy word ("a convoy", "رتل")."""
    terms = find_terms(AGGREGATE_CUES, text, *span)
    if not terms:
        return False
    if any(t.label == "plural_convoys" for t in terms):
        return not _group_sizes(text, span)
    singular = [c for c in find_terms(CONVOY_CUES, text, *span) if c.label == "convoy" and not _PLURAL_CUE.search(c.text)]
    return not singular


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
    A count in brackets right after another restates it ("30 trucks (approx. 40
    vehicles)"): the larger of the two stands, they do not add up.
    """
    start, end = span
    subset = find_terms(SUBSET_CUES, text, start, end)
    subset_at = subset[0].start if subset else end
    main, part = [], []
    previous_end = -1
    for match in _COUNT.finditer(text, start, end):
        value = parse_number(match.group("n"))
        if value is not None and value > 0:
            counts = main if match.start() < subset_at else part
            if counts and previous_end >= 0 and _RESTATED.match(text[previous_end : match.start()]):
                counts[-1] = max(counts[-1], value)
            else:
                counts.append(value)
            previous_end = match.end()
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


def _role(text: str, terms: Sequence[Term], gap: Span, previous: tuple[Location, str | None] | None) -> str | None:
    """Role of the location right after ``gap`` from the route cue (``terms``, the ROLE_CUES found in
    ``gap``, which lies inside the location's own clause) nearest to it.

    A container word ("in", "في") right after another location marks this one as
    context for it (role ``None``); "with" after a crossing marks the other side. A cue
    reaches :data:`CUE_REACH` words, or :data:`SITE_CUE_REACH` over a facility noun
    ("to a helicopter base it set up in X").
    """
    has_real_cue = any(t.label != "container" for t in terms)
    for term in reversed(terms):
        words = len(text[term.end : gap[1]].split())
        if words > CUE_REACH and (words > SITE_CUE_REACH or not find_terms(SITE_KINDS, text, term.end, gap[1])):
            break
        if words > NAME_REACH and _CROSSING_WORD.search(term.text):
            break  # "من معبر X": the cue names its own crossing, X, not a place further on
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


CUE_REACH = 6
"""Words a route cue reaches over to the place it governs ("towards the bases of the coalition in X")."""
SITE_CUE_REACH = 10
"""The same over a facility noun phrase."""
NAME_REACH = 3
"""Words a cue that ends in a facility noun ("من معبر") reaches: the facility's own name."""


def _is_crossing(loc: Location, text: str) -> bool:
    """True for a border crossing: by gazetteer kind, or "X (border) crossing" / "معبر X"."""
    return (
        _names_crossing(loc)
        or bool(_CROSSING_BEFORE.search(text[max(0, loc.start - 8) : loc.start]))
        or bool(_CROSSING_AFTER.search(text[loc.end : loc.end + 24]))
    )


def _roles(text: str, span: Span, locations: Sequence[Location]) -> list[tuple[Location, str | None]]:
    """Each location in the sentence with its route role (origin/via/destination/other_side/side/None).

    The sentence is read clause by clause (:func:`~geo_tracker.events.modality.clause_spans`): a
    place takes its role from the route cue that governs it inside its own clause (:func:`_role`),
    never from a cue of an earlier clause ("left X, near Y": Y is no route point). The route
    cues and the other cue vocabularies are looked up once for the whole sentence. Beyond that:

    * "X's Y" ("Iraq's Kurdistan Region"): Y, the narrower place, takes the role, X is context;
    * "X and Y", "X, Y", "X وY": a list; its first member holds the role;
    * "either X or Y": once a route point is named, an alternative to it is no route point;
    * after "despite", "amid", "رغم" following the verb, places describe the surroundings;
    * a place named inside an actor ("for the US") is no route point;
    * a place a distance is measured from ("3 km from X") is where the convoy is, not where it
      came from: its "from" belongs to the place's own qualifier;
    * "the X crossing between A and B": A and B are the two sides (role "side"), sorted out by
      :func:`_route` with the direction of travel.
    """
    out: list[tuple[Location, str | None]] = []
    alternative = False
    sides_open = 0
    actors = find_terms(ACTORS, text, *span)
    verbs = find_terms(MOVEMENT_VERBS, text, *span)
    asides = find_terms(ASIDE_CUES, text, *span)
    alternatives = find_terms(ALTERNATIVE_CUES, text, *span)
    cues = find_terms(ROLE_CUES, text, *span)
    # where the movers are stationed names their origin before the verb; after it, where the
    # object is stationed: "brought supplies to the troops stationed in X" heads to X
    stationed = find_terms(STATIONING_CUES, text, *span)
    clauses = clause_spans(text, *span)
    cursor, at = span[0], 0
    for loc in locations_in(locations, span):
        if any(a.start <= loc.start and loc.end <= a.end for a in actors):
            continue  # "for the US", "U.S. forces": the actor, not a place on the route
        while at + 1 < len(clauses) and clauses[at + 1][0] <= loc.start:
            at += 1
        gap = (max(cursor, clauses[at][0]), loc.start)
        if any(cursor <= t.start and t.start < loc.start and verbs and verbs[0].start < t.start for t in asides):
            alternative = True
        between = text[cursor : loc.start]
        previous = out[-1] if out else None
        in_gap = [t for t in cues if gap[0] <= t.start and t.end <= gap[1] and not _in_qualifier(t, loc, text)
                  and not (verbs and t.start > verbs[0].start and any(t.start == s.start for s in stationed))]
        role: str | None
        if previous is not None and any(previous[0].end <= t.start < loc.start for t in alternatives) and any(r for _, r in out):
            alternative = True
        if sides_open and previous is not None and _COORDINATION.search(_UNBRACKETED.sub(" ", between)) and len(between) < 40:
            role, sides_open = "side", 0
        elif sides_open:
            role = None  # "(northeast Syria)" between the two sides
        elif previous is not None and previous[1] == "via" and _BETWEEN.search(between):
            role, sides_open = "side", 1
        elif previous is not None and _POSSESSIVE.fullmatch(between):
            out[-1], role = (previous[0], None), previous[1]
        elif previous is not None and _COORDINATION.fullmatch(between):
            role = None
        else:
            role = _role(text, in_gap, gap, previous)
            if _is_crossing(loc, text) and role in (None, "origin", "via", "destination"):
                role = "via"
        if alternative:
            role = None
        out.append((loc, role))
        cursor = max(cursor, loc.end)
    return out


_UNBRACKETED = re.compile(r"[()\[\]]")


_DISTANCE_QUALIFIER = re.compile(r"\b(?:km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?)\s+(?:from|of)$", re.IGNORECASE)
"""A qualifier that measures a distance from its place ("3 km from"), as qualify.py writes it."""


def _in_qualifier(term: Term, loc: Location, text: str) -> bool:
    """True when the cue ``term`` ("from") is the last word of ``loc``'s distance qualifier, right
    before the mention: "a few kilometres from X" puts the convoy near X, not coming from it."""
    if not loc.qualifier or not _DISTANCE_QUALIFIER.search(loc.qualifier):
        return False
    return term.text.lower() == loc.qualifier.split()[-1].lower() and not text[term.end : loc.start].strip(" the")


def _route(roles: list[tuple[Location, str | None]], direction: str | None) -> dict[str, Location | None]:
    """origin/via/destination from the roles; the other side and the two sides of a crossing
    follow the direction (an entering convoy comes from the side outside the country).
    The most precise origin (the first of equals) and destination (the last of equals) are kept,
    and a crossing before any other place passed."""
    by_role: dict[str, list[Location]] = {}
    for loc, role in roles:
        if role:
            by_role.setdefault(role, []).append(loc)
    origins, vias, dests = by_role.get("origin", []), by_role.get("via", []), by_role.get("destination", [])
    route: dict[str, Location | None] = {
        "origin": max(origins, key=_rank, default=None),
        "via": next((loc for loc in vias if _names_crossing(loc)), vias[0] if vias else None),
        "destination": max(reversed(dests), key=_rank, default=None),
    }
    other = by_role.get("other_side", [None])[0]
    side = "destination" if direction == "leaving" else "origin"
    if other is not None and route[side] is None:
        route[side] = other
    sides = by_role.get("side", [])
    inside = [loc for loc in sides if loc.place is not None and loc.place.country == REPORTED_COUNTRY]
    outside = [loc for loc in sides if loc.place is not None and loc.place.country != REPORTED_COUNTRY]
    if len(sides) == 2 and len(inside) == 1 and len(outside) == 1:
        start, end = (inside, outside) if direction == "leaving" else (outside, inside)
        route["origin"] = route["origin"] or start[0]
        route["destination"] = route["destination"] or end[0]
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


def _build(report: Report, locations: Sequence[Location], spans: list[Span], index: int,
           clause: Span | None = None, context: int = 0, previous: Convoy | None = None) -> Convoy:
    """The convoy told in ``clause`` (default: the whole sentence ``index``).

    Earlier sentences from ``context`` on may give the actor and the date (see
    :func:`_context_start`). ``previous`` is the convoy of the clause before in the same
    sentence: a clause without a date or actor of its own shares that one's, one without
    a verb of its own ("… and 30 via Semalka") its direction, one whose count names no
    vehicles ("… and another 20 left") its cargo.
    """
    text = report.text
    span = clause or spans[index]
    directions = [t for t in find_terms(DIRECTION, text, *span) if not _enters_facility(text, t, locations, span)]
    direction = directions[0].label if directions else None
    route = _route(_roles(text, span, locations), direction)
    if route["destination"] is None:
        route["destination"] = _site_referred_to(text, span, locations, spans[max(0, index - LOOKBACK_SENTENCES)][0])
    if direction is None:  # read off the route, the countries named as territory included
        full = _route(_roles(text, span, [_as_territory(loc, text) for loc in locations]), None) \
            if _names_territory(text, span, locations) else route
        direction = _direction_of_route(full["origin"], full["destination"] or full["via"])
    via = route["via"]
    if direction is None and via is not None and _is_crossing(via, text) and _LEAVE_VERB.search(text, *span):
        direction = "leaving"  # "left through the Semalka crossing": out of the country
    vehicles, note = _count_vehicles(text, span)
    if vehicles is None and note is None and previous is not None:
        vehicles = _bare_count(text, span)  # "… and 30 via Semalka", "… and another 20 left"
    cargo = tuple(dict.fromkeys(t.label for t in find_terms(CARGO, text, *span)))
    window = list(spans[context:index]) + [span]
    actor, date = find_actor(text, window, len(window) - 1), event_date(report, window, len(window) - 1)
    if date is not None and date.text and _DEICTIC_DAY.fullmatch(date.text.strip()) and _quoted(text, spans[index], span[0]):
        date = DateValue(report.published, "day", None) if report.published else None  # the speaker's "today", not the page's
    if previous is not None:
        if not find_terms(ACTORS, text, *span):
            actor = previous.actor
        if resolve_date(text[span[0] : span[1]], report.published) is None:
            date = previous.date
        if not find_terms(MOVEMENT_VERBS, text, *span):
            direction = direction or previous.direction
        if not cargo and _bare_count(text, span) is not None:
            cargo = previous.cargo  # the count's noun is elided: the same vehicles
    return Convoy(
        vehicles_min=vehicles,
        actor=actor,
        cargo=cargo,
        date=date,
        origin=route["origin"],
        via=via,
        destination=route["destination"],
        direction=direction,  # type: ignore[arg-type]
        vehicles_note=note,
        evidence=(make_evidence(report, spans[index]),),
    )


_DEICTIC_DAY = re.compile(r"(?:(?:on\s+)?(?:today|tonight|yesterday|this\s+(?:morning|afternoon|evening))|"
                          r"[وف]?(?:اليوم|أمس|البارحة|الليلة))", re.IGNORECASE)
"""Day words that count from the moment of speaking: inside a quotation that is the speaker's day, which
the report need not share ("a statement read out on Tuesday said: 'the troops left today'")."""
_QUOTES = re.compile(r"[\"“”«»]")


def _quoted(text: str, sentence: Span, pos: int) -> bool:
    """True when ``pos`` lies inside a quotation opened in its sentence (an odd number of quote marks
    before it)."""
    return len(_QUOTES.findall(text, sentence[0], pos + 1)) % 2 == 1


_SITE_NAMED_AFTER = re.compile(
    r"\s*(?:(?:in|at|of|near|outside|inside)\s+(?:the\s+)?)?|\s*(?:[فب]?ال)?(?:في|قرب|بالقرب من)?\s*", re.IGNORECASE)
"""What may stand between a site noun and the name of the site it is: "the base in X", "المطار في X"."""


_DIRECT_OBJECT = re.compile(r"\s*(?:(?:into\s+)?the\s+)?|\s*(?:إلى|الى)?\s*", re.IGNORECASE)
"""Between "entered" and its object: "entered the X crossing", not "entered through X"."""
_ENTER_VERB = re.compile(r"(?:entered|enters?|entering|و?(?:دخلت|دخل|تدخل))$", re.IGNORECASE)


def _enters_facility(text: str, term: Term, locations: Sequence[Location], span: Span) -> bool:
    """True for an "entered" whose object is a base or a crossing ("entered the Rabia crossing",
    "دخلت قاعدة X"): the convoy went into the facility, which says nothing of the border it crossed."""
    if term.label != "entering" or not _ENTER_VERB.fullmatch(term.text):
        return False
    after = [loc for loc in locations_in(locations, (term.end, span[1]))][:1]
    return bool(after) and _DIRECT_OBJECT.fullmatch(text, term.end, after[0].start) is not None and (
        _is_crossing(after[0], text) or _is_site(after[0], text))


def _site_referred_to(text: str, span: Span, locations: Sequence[Location], since: int) -> Location | None:
    """The site a convoy heads to when its clause names it only as "the base" ("entered the base",
    "وصلت إلى القاعدة", :data:`~geo_tracker.events.lexicon.SITE_ANAPHORS`) right after a destination
    cue: the last base or airfield named before it (from ``since``), else None."""
    cues = [t for t in find_terms(ROLE_CUES, text, *span) if t.label == "destination"]
    for term in find_terms(SITE_ANAPHORS, text, *span):
        if not any(c.end <= term.start and not text[c.end : term.start].strip() for c in cues):
            continue
        if any(term.end <= loc.start <= term.end + 12 and _SITE_NAMED_AFTER.fullmatch(text, term.end, loc.start)
               for loc in locations):
            continue  # "the base in X", "the airport of X": named after all (not "the area from X")
        earlier = [loc for loc in locations if since <= loc.start and loc.end <= term.start and _is_site(loc, text)]
        return earlier[-1] if earlier else None
    return None


def _is_site(loc: Location, text: str) -> bool:
    """True for a base or an airfield: by gazetteer kind or by its facility noun ("Qasrak base")."""
    kind = loc.place.kind if loc.place is not None else ""
    return kind in ("base", "airfield", "airport") or bool(find_terms(SITE_KINDS, text, loc.start, loc.end))


def _convoy_parts(text: str, span: Span, locations: Sequence[Location]) -> list[Span]:
    """The sentence ``span`` cut where a second convoy starts, one span per convoy (not a clause
    split: clauses come from :func:`~geo_tracker.events.modality.clause_spans`).

    A second convoy starts after a conjunction (", and", "while", "و", "بينما") once the
    convoy before has its verb: at "another/a second/a separate …" ("… and another convoy of
    20 trucks left"), or at a count when the convoy before also has a place after its own count
    and the count is followed by a route word or has a verb of its own ("20 trucks entered via
    Al-Walid and 30 via Semalka"). "A convoy of 20 trucks and 5 tanks entered" stays one convoy.
    """
    start, end = span
    cuts = [start]
    for match in sorted([*_SECOND_SUBJECT.finditer(text, start, end), *_SECOND_COUNT.finditer(text, start, end)],
                        key=lambda m: m.start()):
        at, before = match.start(), (cuts[-1], match.start())
        joined = _CONJ_BEFORE.search(text, before[0], at) or match.group(0).startswith("و")
        if at <= cuts[-1] or not joined or not find_terms(MOVEMENT_VERBS, text, *before):
            continue
        after = (at, end)
        if match.re is _SECOND_SUBJECT:
            if not (find_terms(CONVOY_CUES, text, *after) or _COUNT.search(text, *after) or _bare_count(text, after)):
                continue
        else:
            counted = [m.end() for m in _COUNT.finditer(text, *before)]
            if not counted or not any(loc.start >= counted[-1] for loc in locations_in(locations, before)):
                continue
            noun = _NOUN_AFTER.match(text, match.end(), end)
            words_end = noun.end() if noun else match.end()
            if parse_number(match.group("n")) is None:
                continue
            if not (_ROUTE_CUE_AFTER.match(text, words_end, end)
                    or (noun and find_terms(MOVEMENT_VERBS, text, *after))):
                continue
        cuts.append(at)
    cuts = sorted({*cuts, *_second_movements(text, span, locations)})
    bounds = cuts + [end]
    return [(a, _trim_end(text, a, b)) for a, b in zip(bounds, bounds[1:])]


def _second_movements(text: str, span: Span, locations: Sequence[Location]) -> list[int]:
    """Where a second movement verb with a convoy of its own starts after a conjunction: "drove a
    convoy towards X, and brought reinforcements to Y", "أرسلت رتلاً إلى X وأدخلت تعزيزات إلى Y".

    The part before has a convoy word (or count), a verb and a place; the part after opens with the
    verb, whose object is a convoy word, a count or cargo of its own, and names a place. "Entered X
    and headed to Y" (no convoy of its own after the verb) stays one convoy."""
    cuts: list[int] = []
    left = span[0]
    for verb in find_terms(MOVEMENT_VERBS, text, *span)[1:]:
        at = verb.start
        glued = verb.text.startswith("و") and any(
            t.end == verb.end for t in find_terms(MOVEMENT_VERBS, text, verb.start + 1, verb.end))
        if not (glued or _CONJ_BEFORE.search(text, left, at)):
            continue
        before, after = (left, at), (at, span[1])
        if not (find_terms(MOVEMENT_VERBS, text, *before) and locations_in(locations, before)
                and (find_terms(CONVOY_CUES, text, *before) or _COUNT.search(text, *before))):
            continue
        object_end = min(span[1], verb.end + 60)
        words = [c for c in find_terms(CONVOY_CUES, text, verb.end, object_end)
                 if not (_refers_back(text, verb.end, c.start, c.text) or _after_demonstrative(text, verb.end, c.start))]
        # a count after the verb with none before restates the convoy ("… وصلت X 45 شاحنة", verb first)
        own = words or (_COUNT.search(text, *before) and _COUNT.search(text, verb.end, object_end))
        if not own or not locations_in(locations, after):
            continue
        cuts.append(at)
        left = at
    return cuts


def _subject_end(text: str, span: Span) -> int:
    """Where the convoy of ``span`` is named: the end of its first convoy word or vehicle count, else
    the start of its first movement verb, else the span's end. "Another" must come before it to make
    another convoy ("another convoy of 20 trucks left", not "two convoys entered, a third is expected")."""
    ends = [t.end for t in find_terms(CONVOY_CUES, text, *span)[:1]]
    ends += [m.end() for m in [_COUNT.search(text, *span)] if m]
    ends += [t.start for t in find_terms(MOVEMENT_VERBS, text, *span)[:1]]
    return min(ends, default=span[1])


def _bare_count(text: str, span: Span) -> int | None:
    """The count opening a clause whose vehicles go unnamed: "30 via Semalka", "another 20 left …"."""
    match = _BARE_COUNT.match(text, *span)
    if match is None:
        return None
    rest = match.end()
    verb = find_terms(MOVEMENT_VERBS, text, rest, min(span[1], rest + 20))
    if _ROUTE_CUE_AFTER.match(text, rest, span[1]) or (verb and not text[rest : verb[0].start].strip()):
        return parse_number(match.group("n"))
    return None


def _trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over a trailing conjunction and spaces ("…Al-Walid and ")."""
    piece = text[start:end]
    trimmed = re.sub(r"(?:[\s,;،]|\b(?:and|while|whereas|but)\b|(?<!\w)(?:بينما|في حين|و))*$", "", piece,
                     flags=re.IGNORECASE)
    return start + len(trimmed) if trimmed else end


def _group_sizes(text: str, span: Span) -> list[int]:
    """Sizes of several convoys counted together: "two convoys of 20 and 35 trucks" → [20, 35]."""
    match = _GROUP.search(text, *span)
    if match is None:
        return []
    listed = match.group("list") or match.group("list2")
    items = re.split(r"\s*[,،]\s*(?:and\s+)?|,?\s+and\s+|\s+و\s*", listed.strip())
    sizes = [parse_number(item) for item in items if item]
    if not sizes or None in sizes or min(sizes) <= 0:  # type: ignore[operator]
        return []
    stated = match.group("k")
    if stated is not None and stated.lower() != "both" and parse_number(stated) != len(sizes):
        return []
    if stated is not None and stated.lower() == "both" and len(sizes) != 2:
        return []
    return sizes  # type: ignore[return-value]


def _reports_movement(text: str, span: Span) -> bool:
    """True for a sentence that tells of a movement (a movement verb or a convoy word)."""
    return bool(find_terms(MOVEMENT_VERBS, text, *span) or find_terms(CONVOY_CUES, text, *span))


def _context_start(text: str, spans: list[Span], index: int, new_subject: bool) -> int:
    """First sentence whose actor and date sentence ``index`` may inherit.

    Context flows from earlier sentences of the same story: it stops at a sentence that
    opens another story ("Meanwhile, …", "في سياق آخر") — that one keeps its own opening
    and nothing before it — and, for a new convoy ("a convoy of 40 trucks entered",
    not "The convoy then headed…"), after the last earlier sentence that tells of another
    movement: that movement's force and day are not this convoy's.
    """
    for earlier in range(index, max(-1, index - LOOKBACK_SENTENCES - 1), -1):
        a, b = spans[earlier]
        if _TOPIC_BREAK.match(text[a:b]):
            return earlier
        if earlier < index and new_subject and _reports_movement(text, (a, b)):
            return earlier + 1
    return 0


def _as_territory(loc: Location, text: str) -> Location:
    """A country named as territory ("Iraqi territory", "الأراضي السورية") as the country itself, for
    the direction of a route ("left X base towards Iraqi territory" is leaving); other locations as
    they are. The nationality word is no route point of the convoy: the report names no place there."""
    if loc.qualifier != NATIONALITY or loc.place is None or loc.place.kind != "country":
        return loc
    if _TERRITORY_AFTER.match(text[loc.end : loc.end + 30]) or _TERRITORY_BEFORE.search(text[max(0, loc.start - 20) : loc.start]):
        return dataclasses.replace(loc, qualifier=None)
    return loc


def _names_territory(text: str, span: Span, locations: Sequence[Location]) -> bool:
    """True when the clause names a country as territory (:func:`_as_territory`): a movement into
    or out of a country, which is a convoy's route though it fills no route role."""
    return any(loc.qualifier == NATIONALITY and _as_territory(loc, text) is not loc
               for loc in locations if span[0] <= loc.start and loc.end <= span[1])


def _rank(loc: Location | None) -> int:
    """How specific a route point is: countries < regions < anything else."""
    if loc is None:
        return -1
    return _COARSE_KINDS.get(loc.place.kind if loc.place else "", 2)


def _place_key(loc: Location | None) -> str | None:
    if loc is None:
        return None
    return loc.place.id if loc.place is not None else loc.mention.lower()


def _contains(coarse: Location | None, fine: Location | None) -> bool:
    """True when ``coarse``, a country or region, holds ``fine``: the same country for a country,
    else ``fine`` within the region's uncertainty of its point ("Al-Hasakah Governorate" holds
    "Qamishli Airport")."""
    if coarse is None or fine is None or coarse.place is None or fine.place is None:
        return False
    if _rank(coarse) >= 2 or _rank(fine) <= _rank(coarse):
        return False
    if coarse.place.kind == "country":
        return coarse.place.country is not None and coarse.place.country == fine.place.country
    distance = haversine_km(coarse.place.lat, coarse.place.lon, fine.place.lat, fine.place.lon)
    return bool(distance <= coarse.place.uncertainty_km)


def _compatible(a: Convoy, b: Convoy) -> bool:
    """True when two convoys of one report can be the same movement (no field conflicts; a
    country or region and a place inside it do not conflict)."""
    for field in ("origin", "via", "destination"):
        la, lb = getattr(a, field), getattr(b, field)
        ka, kb = _place_key(la), _place_key(lb)
        if ka and kb and ka != kb and not (_contains(la, lb) or _contains(lb, la)):
            return False
    if a.vehicles_min and b.vehicles_min and a.vehicles_min != b.vehicles_min:
        return False
    if a.direction and b.direction and a.direction != b.direction:
        return False
    return dates_compatible(a.date, b.date)


def _restates(old: Convoy, new: Convoy, headline: str, titles: set[str]) -> bool:
    """True when ``new`` restates ``old``, a convoy told first in the report's opening sentence
    (``headline``) or title, with no conflicting direction or stated date, and either

    * the same count: a headline and the lead after it name one movement by its size even where
      they place it differently ("20 vehicles reach X" / "20 vehicles entered the airport of Y"), or
    * ``old`` is told only in one of ``titles`` (the report's title lines, :func:`_is_title`) and
      ``new`` is the next convoy: the lead restates the title's movement, however
      differently it names the places ("Convoy reaches X" / "35 trucks arrived at the X base"),
      unless their counts or actors differ. "Another convoy entered…" in such a lead is the
      title's convoy, another only to earlier days' convoys."""
    if not old.evidence or old.evidence[0].sentence not in {headline, *titles}:
        return False
    same_count = bool(old.vehicles_min and old.vehicles_min == new.vehicles_min)
    lead = (old.evidence[0].sentence in titles and len(old.evidence) == 1
            and not (old.vehicles_min and new.vehicles_min and not same_count))
    if not (same_count or lead):
        return False
    if old.direction and new.direction and old.direction != new.direction:
        return False
    if not same_count and old.actor and new.actor and old.actor != new.actor:
        return False
    return dates_compatible(old.date, new.date)


TITLE_SENTENCES = 3
"""How far into a report its title may come (after a dateline or a time stamp)."""


def _is_title(text: str, span: Span) -> bool:
    """True for a title: a line of its own without a final full stop ("Convoy reaches X")."""
    before, after = text[max(0, span[0] - 2) : span[0]], text[span[1] : span[1] + 3]
    return ((span[0] == 0 or "\n" in before) and after.lstrip(" \t\r").startswith("\n")
            and not text[span[0] : span[1]].rstrip().endswith((".", "。", "؟", "?", "!")))


def _names_crossing(loc: Location | None) -> bool:
    """True for a route point that is a border crossing by its gazetteer kind or its own words."""
    return loc is not None and ((loc.place is not None and loc.place.kind == "crossing") or bool(_CROSSING_WORD.search(loc.mention)))


def _merge(old: Convoy, new: Convoy, restated: bool = False, onward: bool = False) -> Convoy:
    """Fill ``old``'s gaps from ``new``; a more specific route point replaces a country/region, and
    a crossing replaces another place passed.
    When ``new`` is the lead restating the headline's ``old`` (``restated``), the lead's route points
    stand wherever they are as specific: the lead names the places the title shortens. When ``new``
    tells how the convoy went on (``onward``: "The convoy then headed to Y"), its destination, as
    specific as ``old``'s, is where the route ends."""
    updates: dict[str, object] = {}
    for field in ("origin", "via", "destination"):
        mine, theirs = getattr(old, field), getattr(new, field)
        if _rank(theirs) > _rank(mine) or (theirs is not None and _rank(theirs) == _rank(mine) and (
                restated or (onward and field == "destination") or (mine.qualifier and not theirs.qualifier))):  # type: ignore[union-attr]
            updates[field] = theirs  # more precise, or as precise and named outright ("near X" → "Y")
    if _names_crossing(new.via) and not _names_crossing(old.via):
        updates["via"] = new.via  # the crossing on the route, rather than a town it passed
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
    text = report.text
    convoys: list[Convoy] = []
    titles = {text[slice(*sp)] for sp in spans[:TITLE_SENTENCES] if _is_title(text, sp)}
    headline = text[slice(*spans[0])] if spans else ""
    last_group: list[int] = []  # the convoys of the last sentence that told of one
    last_index = -2
    for index, span in enumerate(spans):
        follows = last_index == index - 1
        kind = _classify(text, span, follows_convoy=follows, has_previous=bool(convoys))
        movers = _tells_of_movers(text, span, locations) if kind is None else None
        if kind is None and not movers and not (_DUAL.search(text, *span) and find_terms(MOVEMENT_VERBS, text, *span)):
            continue  # then no clause of it tells of a convoy either
        if not states_movement(text, span):  # denied or expected: no movement
            continue
        clauses = _convoy_parts(text, span, locations)
        if len(clauses) > 1 or kind is None:
            kind = _classify(text, clauses[0], follows_convoy=follows, has_previous=bool(convoys))
            if kind is None and find_terms(MOVEMENT_VERBS, text, *clauses[0]) and _group_sizes(text, clauses[0]):
                kind = "new"  # "دخلت قافلتان من 20 و35 شاحنة": no convoy word of the lexicon
        if kind is None and movers:
            kind = "new"
        topic_break = bool(_TOPIC_BREAK.match(text[span[0] : span[1]]))
        if topic_break and kind == "continuation" and not _refers_to_convoy(text, clauses[0]):
            kind = "new"
        group: list[int] = []
        previous: Convoy | None = None
        for number, clause in enumerate(clauses):
            clause_kind = kind if number == 0 else "new"
            if clause_kind is None or (number > 0 and not states_movement(text, clause)):
                continue
            context = _context_start(text, spans, index, new_subject=clause_kind == "new")
            convoy = _build(report, locations, spans, index, clause, context, previous)
            previous = convoy
            if movers and not _movers_route(text, clause, convoy, movers):
                continue  # forces that moved, but along no named route: no convoy to map
            if clause_kind == "continuation" and not find_terms(MOVEMENT_VERBS, text, *clause):
                # "The convoy was hit near X": what befell the convoy, not its route
                convoy = dataclasses.replace(convoy, origin=None, via=None, destination=None)
            sizes = _group_sizes(text, clause)
            empty = _is_empty(convoy) and not sizes and not _names_territory(text, clause, locations)
            if clause_kind == "new" and (empty or _is_aggregate(text, clause)):
                continue
            if len(sizes) > 1:  # "two convoys of 20 and 35 trucks": one convoy each
                for size in sizes:
                    convoys.append(dataclasses.replace(convoy, vehicles_min=size))
                    group.append(len(convoys) - 1)
                continue
            restated = bool(number == 0 and len(convoys) == 1 and _restates(convoys[0], convoy, headline, titles))
            same = clause_kind == "continuation" or (
                number == 0 and not topic_break and convoys
                and (_compatible(convoys[-1], convoy) or restated or _restates(convoys[-1], convoy, headline, set()))
                and (restated or not _ANOTHER.search(text, clause[0], _subject_end(text, clause))))
            onward = clause_kind == "continuation" and bool(find_terms(MOVEMENT_VERBS, text, *clause))
            if convoys and same:
                targets = last_group if clause_kind == "continuation" and convoy.vehicles_min is None else []
                for target in targets or [len(convoys) - 1]:
                    convoys[target] = _merge(convoys[target], convoy, restated, onward=onward)
                group.extend(targets or [len(convoys) - 1])
            else:
                convoys.append(convoy)
                group.append(len(convoys) - 1)
        if group:
            last_group = group
            last_index = index
    return convoys


def join_segments(earlier: Sequence[Convoy], later: Sequence[Convoy]) -> list[Convoy]:
    """The convoys of one report read in two consecutive segments (a long report is read in parts).

    The first convoy of ``later`` merges into the last of ``earlier`` when nothing in them
    conflicts, as a later sentence of one segment merges into the convoy before it.

    Example:
        >>> from geo_tracker.models import Report
        >>> r = Report("r", "Dozens of trucks crossed into Syria.")
        >>> part = extract_convoys(r, [])
        >>> len(join_segments(part, part))
        1
    """
    out = list(earlier)
    rest = list(later)
    if out and rest and _compatible(out[-1], rest[0]):
        out[-1] = _merge(out[-1], rest.pop(0))
    return out + rest


def _refers_to_convoy(text: str, span: Span) -> bool:
    """True when the sentence names a convoy it has told of ("Meanwhile, the convoy…", "It…")."""
    cues = [c for c in find_terms(CONVOY_CUES, text, *span) if c.label == "convoy"]
    if cues:
        return _refers_back(text, span[0], cues[0].start, cues[0].text) and not _ANOTHER.search(text, span[0], cues[0].end)
    return bool(_ANAPHOR_START.search(text[span[0] : span[1]]))
