"""Cross-report merging: reports of one event from several outlets become one event.

:func:`merge_convoys` and :func:`merge_sites` are pure functions over the
per-report events of many reports. A merged event keeps every source sentence
in ``evidence`` (so ``corroboration`` counts the distinct outlets) and every
disagreement between outlets in ``conflicts`` as a plain sentence such as
``"vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)"``; nothing is overwritten
silently. The result does not depend on the order of the input.

**When two statements are the same event.** Every rule must hold:

* they come from different reports (one report's extractor already told its
  events apart), and name no different actors and no opposite directions;
* **dates**: each date stands for an interval: a stated day is that day, a
  month or year the whole period, an estimate ("last week", "two weeks ago")
  ±:data:`ESTIMATE_DAYS`, and the publication-date fallback the
  :data:`INFERRED_LAG_DAYS` days up to publication (reports describe events
  after they happen). Convoys merge when the intervals come within
  :data:`CONVOY_SLACK_DAYS` (time zones, overnight crossings). Sites persist:
  their statements merge however far apart when they name the same gazetteer
  place (within :data:`SITE_TIME_SCALE_DAYS` agreeing locations are enough),
  so a base followed for years is one site whose latest statement gives its
  status (planned, then under construction, then established is a history,
  not a disagreement). Undated statements never merge.
  Two reports from the **same outlet** merge only on the same date (an outlet
  that reports a convoy on Monday and one on Wednesday reports two convoys);
* **places**: two points agree when they are the same gazetteer place or lie
  within the sum of their uncertainty radii plus :data:`PLACE_SLACK_KM`. A
  convoy pair needs at least one agreeing route point (any roles: one outlet's
  destination is another's waypoint), and no contradiction: different origins
  or crossings, destinations further apart than the radii plus
  :data:`DESTINATION_SLACK_KM` (outlets name the next town or the final
  bases, so nearby destinations only make a conflict note), or an origin and
  destination swapped. Sites must agree in location, and in kind unless they
  are at the same gazetteer place ("Kharab al-Jir airfield" / "the base at
  Kharab al-Jir");
* **sizes** (convoys): counts within a factor :data:`SIZE_FACTOR` plus
  :data:`SIZE_ALLOWANCE` vehicles: outlets count differently (trucks only,
  rounded figures) so 45 and 50 merge, with a conflict note; 30 and 270 do not.
  "dozens"/"several"/"hundreds" stand for the ranges in :data:`VAGUE_RANGES`.

**Clustering.** All compatible pairs are scored (agreeing places, weighted
by how precise they are, date and size closeness) and joined best-first,
complete-linkage: a statement joins a cluster only when it is compatible with
every member. So a report that fits either of two convoys of the same outlet
joins the closer one and never chains the two together.

**The merged event** takes the most supported, then most precise, route
point for each role; the most precise date (stated day > estimate >
publication date > month > year); for a site the most precise location and
the latest stated status. Differing counts, stated days, route points,
statuses and kinds go to ``conflicts``.

Example:
    >>> import datetime as dt
    >>> from geo_tracker.models import Convoy, DateValue, Evidence, Location, Place
    >>> walid = Place("sy-al-walid-crossing", "Al-Walid crossing", "crossing", "SY", 37.1, 42.3, 25.0)
    >>> via = Location("Al-Walid", 0, 8, walid, 37.1, 42.3, 1, 25.0)
    >>> def convoy(n, outlet, day):
    ...     ev = Evidence(f"{outlet}-{day}", f"{n} trucks entered via Al-Walid.", outlet, None, dt.date(2021, 2, 8))
    ...     return Convoy(n, "US-led coalition", ("trucks",), DateValue(dt.date(2021, 2, day), "day", "today"),
    ...                   None, via, None, "entering", evidence=(ev,))
    >>> [m] = merge_convoys([convoy(45, "SOHR", 8), convoy(50, "Asharq Al-Awsat", 8)])
    >>> m.corroboration, m.vehicles_min, m.conflicts
    (2, 45, ('vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)',))
    >>> len(merge_convoys([convoy(45, "SOHR", 8), convoy(50, "SOHR", 6)]))
    2
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as _dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .geodesy import EARTH_RADIUS_KM
from .models import Convoy, DateValue, Location, Site
from .outlets import outlet_key

__all__ = [
    "COARSE_KM", "CONVOY_SLACK_DAYS", "DESTINATION_SLACK_KM", "ESTIMATE_DAYS", "INFERRED_LAG_DAYS", "MERGE_RULES_VERSION",
    "PLACE_SLACK_KM", "SITE_WINDOW_DAYS", "SIZE_ALLOWANCE", "SIZE_FACTOR", "VAGUE_RANGES",
    "date_interval", "date_rank", "locations_agree", "merge_convoys", "merge_sites",
]

MERGE_RULES_VERSION = 1
"""Bumped whenever a rule below changes; stores recompute their merged tables."""

CONVOY_SLACK_DAYS = 1
"""Convoy date intervals may be this many days apart (time zones, overnight crossings, "yesterday")."""
INFERRED_LAG_DAYS = 3
"""A date taken from the publication date covers the days up to publication: news trails events."""
ESTIMATE_DAYS = 4
"""Half-width of an estimated day ("last week" = publication − 7 days, give or take half a week)."""
SITE_WINDOW_DAYS = 366_000
"""Sites persist: statements about one site merge however far apart they are (this bounds the
date sweep only)."""
SITE_TIME_SCALE_DAYS = 90
"""Statements about one site this far apart or less may agree through their radii ("8 km south of
Al-Yarubiyah" and "near Al-Yarubiyah"); further apart they must name the same gazetteer place,
for a fuzzy location months later is weak evidence of the same site. Also the scale on which
the nearer in time of two candidate sites scores higher."""
STATUS_CONFLICT_DAYS = 30
"""Different statuses from different outlets this close in time are a disagreement (a conflict
note); further apart they are the site's history."""
PLACE_SLACK_KM = 5.0
"""Added to the two uncertainty radii when deciding whether two points are the same place."""
DESTINATION_SLACK_KM = 100.0
"""Destinations are intentions stated at varying scale ("towards Qamishli" / "to the bases in the
Hasakah countryside"); only destinations further apart than this beyond their radii contradict."""
SIZE_FACTOR = 1.5
SIZE_ALLOWANCE = 10
"""Vehicle counts a and b (a ≤ b) are compatible when b ≤ a·SIZE_FACTOR + SIZE_ALLOWANCE."""
VAGUE_RANGES: dict[str, tuple[int, int]] = {"several": (3, 9), "dozens": (24, 99), "hundreds": (200, 999)}
"""Vehicle ranges that a vague quantity (``Convoy.vehicles_note``) stands for."""

COARSE_KM = 50.0
"""Points vaguer than this (regions, countries) weigh less as evidence that two routes are one."""
_ESTIMATE = re.compile(r"week|fortnight|\bago\b|\bfew\b|\bseveral\b|\bpast\b|أسبوع|اسبوع|أسابيع|اسابيع|أيام|ايام",
                       re.IGNORECASE)
_ROLES = ("origin", "via", "destination")
_STATUS_ORDER = ("unknown", "planned", "under_construction", "established", "expanded", "withdrawn")

E = TypeVar("E", Convoy, Site)


# ---------------------------------------------------------------- dates


def date_rank(d: DateValue | None) -> int:
    """How precise a date is: 0 a stated day, 1 an estimated day, 2 the publication date, 3 a month,
    4 a year, 5 none.

    Example:
        >>> date_rank(DateValue(_dt.date(2021, 2, 8), "day", "last week"))
        1
    """
    if d is None:
        return 5
    if d.granularity == "year":
        return 4
    if d.granularity == "month":
        return 3
    if d.text is None:
        return 2
    return 1 if _ESTIMATE.search(d.text) else 0


def date_interval(d: DateValue | None) -> tuple[_dt.date, _dt.date] | None:
    """The days a date may stand for (see the module docstring).

    Example:
        >>> date_interval(DateValue(_dt.date(2021, 2, 1), "month", "in February"))
        (datetime.date(2021, 2, 1), datetime.date(2021, 2, 28))
        >>> date_interval(DateValue(_dt.date(2021, 2, 8), "day", None))
        (datetime.date(2021, 2, 5), datetime.date(2021, 2, 8))
    """
    if d is None:
        return None
    v, rank = d.value, date_rank(d)
    if rank == 4:
        return _dt.date(v.year, 1, 1), _dt.date(v.year, 12, 31)
    if rank == 3:
        return _dt.date(v.year, v.month, 1), _dt.date(v.year, v.month, calendar.monthrange(v.year, v.month)[1])
    if rank == 2:
        return shift_days(v, -INFERRED_LAG_DAYS), v
    if rank == 1:
        return shift_days(v, -ESTIMATE_DAYS), shift_days(v, ESTIMATE_DAYS)
    return v, v


def shift_days(day: _dt.date, days: int) -> _dt.date:
    """``day`` moved by ``days``, held at the ends of the calendar (0001-01-01, 9999-12-31) instead of overflowing.

    Example:
        >>> shift_days(_dt.date(9999, 12, 30), 3), shift_days(_dt.date(2021, 2, 8), -3)
        (datetime.date(9999, 12, 31), datetime.date(2021, 2, 5))
    """
    try:
        return day + _dt.timedelta(days=days)
    except OverflowError:
        return _dt.date.max if days > 0 else _dt.date.min


# ---------------------------------------------------------------- places


def _distance_km(a: Location, b: Location) -> float:
    """Great-circle distance (the scalar form of :func:`geo_tracker.geodesy.haversine_km`)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def locations_agree(a: Location | None, b: Location | None, slack_km: float = PLACE_SLACK_KM) -> bool:
    """True when two resolved locations can be the same place: the same gazetteer place, or
    points within their two uncertainty radii plus ``slack_km``.

    Example:
        >>> from geo_tracker.models import Place
        >>> p = Place("x", "X", "town", "SY", 36.0, 40.0, 2.0)
        >>> near = Location("X", 0, 1, p, 36.0, 40.0, 1, 2.0)
        >>> far = Location("Y", 0, 1, p, 36.5, 40.0, 2, 10.0)   # 55 km away, 20 km south of X
        >>> locations_agree(near, dataclasses.replace(far, place=None)), locations_agree(near, far)
        (False, True)
    """
    if a is None or b is None or not a.resolved or not b.resolved:
        return False
    if a.place is not None and b.place is not None and a.place.id == b.place.id:
        return True
    return _distance_km(a, b) <= a.uncertainty_km + b.uncertainty_km + slack_km


def _weight(a: Location, b: Location) -> float:
    """How much an agreeing pair says about identity: precise points much more than regions."""
    return 1.0 if max(a.uncertainty_km, b.uncertainty_km) <= COARSE_KM else 0.25


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class _Statement(Generic[E]):
    """One per-report event with what the rules need precomputed."""

    event: E
    reports: frozenset[str]
    outlet: str
    label: str
    published: _dt.date | None
    interval: tuple[_dt.date, _dt.date] | None

    @property
    def sort_key(self) -> tuple:
        ev = self.event.evidence
        return (
            self.interval or (_dt.date.max, _dt.date.max),
            self.published or _dt.date.max,
            self.outlet,
            tuple(sorted(self.reports)),
            tuple(e.sentence for e in ev),
        )


def _statement(event: E) -> _Statement[E]:
    ev = event.evidence
    first = ev[0] if ev else None
    source = (first.source or "").strip() if first else ""
    rid = first.report_id if first else ""
    return _Statement(
        event=event,
        reports=frozenset(e.report_id for e in ev),
        outlet=outlet_key(source) or "report:" + rid,
        label=source or rid or "unknown source",
        published=first.published if first else None,
        interval=date_interval(event.date),
    )


def _gap_days(a: _Statement, b: _Statement) -> int | None:
    if a.interval is None or b.interval is None:
        return None
    return max(0, (a.interval[0] - b.interval[1]).days, (b.interval[0] - a.interval[1]).days)


def _basics_compatible(a: _Statement, b: _Statement, window: int) -> int | None:
    """The date gap when the shared rules hold (different reports, actors, dates), else None."""
    if a.reports & b.reports:
        return None
    if a.event.actor and b.event.actor and a.event.actor != b.event.actor:
        return None
    gap = _gap_days(a, b)
    if gap is None or gap > window:
        return None
    return gap


# ---------------------------------------------------------------- convoys


def _size_range(c: Convoy) -> tuple[int, int] | None:
    if c.vehicles_min:
        return c.vehicles_min, c.vehicles_min
    return VAGUE_RANGES.get(c.vehicles_note or "")


def sizes_compatible(a: Convoy, b: Convoy) -> bool:
    """True when two stated sizes can describe one convoy (unknown sizes always can).

    Example:
        >>> c = Convoy(45, None, (), None, None, None, None)
        >>> sizes_compatible(c, dataclasses.replace(c, vehicles_min=50)), sizes_compatible(
        ...     c, dataclasses.replace(c, vehicles_min=270))
        (True, False)
    """
    ra, rb = _size_range(a), _size_range(b)
    if ra is None or rb is None:
        return True
    return ra[0] <= rb[1] * SIZE_FACTOR + SIZE_ALLOWANCE and rb[0] <= ra[1] * SIZE_FACTOR + SIZE_ALLOWANCE


def _points(c: Convoy) -> list[tuple[str, Location]]:
    return [(role, loc) for role in _ROLES if (loc := getattr(c, role)) is not None and loc.resolved]


def _route_score(a: Convoy, b: Convoy) -> float | None:
    """Weight of the agreeing route points, or None when the routes contradict or never meet."""
    for role in ("origin", "via"):
        x, y = getattr(a, role), getattr(b, role)
        if x is not None and y is not None and x.resolved and y.resolved and not locations_agree(x, y):
            return None
    x, y = a.destination, b.destination
    if (x is not None and y is not None and x.resolved and y.resolved
            and not locations_agree(x, y, PLACE_SLACK_KM + DESTINATION_SLACK_KM)):
        return None
    if (locations_agree(a.origin, b.destination) and locations_agree(b.origin, a.destination)
            and not locations_agree(a.origin, a.destination) and not locations_agree(b.origin, b.destination)):
        return None  # the same two places, travelled in opposite directions
    for x, y in ((a, b), (b, a)):
        # One-sided: where one convoy came from is where the other went, and the
        # other did not come from there too ("entered from the KRI" / "left for the KRI").
        if (locations_agree(x.origin, y.destination) and not locations_agree(x.origin, y.origin)
                and not locations_agree(x.origin, x.destination)):
            return None
    score = 0.0
    for ra, x in _points(a):
        for rb, y in _points(b):
            if locations_agree(x, y):
                score += _weight(x, y) * (1.0 if ra == rb else 0.5)
    return score or None


def _convoy_pair(a: _Statement[Convoy], b: _Statement[Convoy]) -> float | None:
    """Score of two convoy statements that may be one convoy, else None."""
    x, y = a.event, b.event
    gap = _basics_compatible(a, b, CONVOY_SLACK_DAYS)
    if gap is None:
        return None
    if x.direction and y.direction and x.direction != y.direction:
        return None
    if a.outlet == b.outlet and (x.date is None or y.date is None or x.date.value != y.date.value):
        return None
    if not sizes_compatible(x, y):
        return None
    route = _route_score(x, y)
    if route is None:
        return None
    size = 0.5
    if x.vehicles_min and y.vehicles_min:
        size = 1 - abs(x.vehicles_min - y.vehicles_min) / max(x.vehicles_min, y.vehicles_min)
    return route + (1 - gap / (CONVOY_SLACK_DAYS + 1)) + size


# ---------------------------------------------------------------- sites


def _site_pair(a: _Statement[Site], b: _Statement[Site]) -> float | None:
    """Score of two site statements that may be one site, else None."""
    x, y = a.event, b.event
    gap = _basics_compatible(a, b, SITE_WINDOW_DAYS)
    if gap is None:
        return None
    px, py = x.location.place, y.location.place
    same_place = px is not None and py is not None and px.id == py.id
    if x.kind != y.kind and not same_place:
        return None
    if gap > SITE_TIME_SCALE_DAYS and not same_place:
        return None
    if not locations_agree(x.location, y.location):
        return None
    if same_place:
        closeness = 2.0
    else:
        limit = x.location.uncertainty_km + y.location.uncertainty_km + PLACE_SLACK_KM
        closeness = 1 - _distance_km(x.location, y.location) / limit
    return closeness + 1 / (1 + gap / SITE_TIME_SCALE_DAYS) + 0.25 * (x.status == y.status)


# ---------------------------------------------------------------- clustering


def _cluster(
    stmts: Sequence[_Statement[E]], pair: Callable[[_Statement[E], _Statement[E]], float | None], window: int
) -> list[list[_Statement[E]]]:
    """Best-first complete-linkage clusters of ``stmts`` (sorted by their sort key).

    Candidate pairs come from a sweep over the date intervals (only statements
    within ``window`` days are compared). Two clusters may join when every
    cross pair is compatible, i.e. when the number of compatible pairs between
    them, kept up to date as clusters merge, equals the product of their sizes.
    """
    n = len(stmts)
    candidates: list[tuple[float, int, int]] = []
    links: dict[int, dict[int, int]] = {i: {} for i in range(n)}  # cluster -> cluster -> compatible pairs
    dated = [i for i in range(n) if stmts[i].interval is not None]
    dated.sort(key=lambda i: (stmts[i].interval[0], i))  # type: ignore[index]
    for pos, i in enumerate(dated):
        end = shift_days(stmts[i].interval[1], window)  # type: ignore[index]
        for j in dated[pos + 1 :]:
            if stmts[j].interval[0] > end:  # type: ignore[index]
                break
            score = pair(stmts[i], stmts[j])
            if score is not None:
                candidates.append((-round(score, 9), min(i, j), max(i, j)))
                links[i][j] = links[j][i] = 1
    candidates.sort()
    root = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _, i, j in candidates:
        a, b = root[i], root[j]
        if a == b or links[a].get(b, 0) != len(members[a]) * len(members[b]):
            continue
        keep, gone = min(a, b), max(a, b)
        for other, count in links.pop(gone).items():
            others = links[other]
            del others[gone]
            if other != keep:
                links[keep][other] = others[keep] = links[keep].get(other, 0) + count
        links[keep].pop(gone, None)
        for m in members[gone]:
            root[m] = keep
        members[keep] += members.pop(gone)
    return [[stmts[i] for i in sorted(group)] for group in members.values()]


def _statements(events: Iterable[E]) -> list[_Statement[E]]:
    return sorted((_statement(e) for e in events), key=lambda s: s.sort_key)


# ---------------------------------------------------------------- combining


def _labelled(values: Iterable[tuple[str, str]]) -> str:
    """``"45 (SOHR); 50 (Asharq Al-Awsat)"`` from (value, label) pairs, values in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for value, label in values:
        labels = grouped.setdefault(value, [])
        if label not in labels:
            labels.append(label)
    return "; ".join(f"{value} ({', '.join(labels)})" for value, labels in grouped.items())


def _value_conflict(name: str, pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{name}: {_labelled(pairs)}"] if len({v for v, _ in pairs}) > 1 else []


def _best_date(group: Sequence[_Statement]) -> DateValue | None:
    dates = [s.event.date for s in group if s.event.date is not None]
    if not dates:
        return None
    counts = Counter(d.value for d in dates)
    return min(dates, key=lambda d: (date_rank(d), -counts[d.value], d.value))


def _location_name(loc: Location) -> str:
    return loc.place.name if loc.place is not None else loc.mention


def _route_point(group: Sequence[_Statement[Convoy]], role: str) -> tuple[Location | None, list[str]]:
    """The best point stated for ``role`` and a conflict note when outlets named places that disagree."""
    stated = [(s, loc) for s in group if (loc := getattr(s.event, role)) is not None]
    if not stated:
        return None, []

    def support(loc: Location) -> int:
        return len({s.outlet for s, other in stated if other is loc or locations_agree(loc, other)})

    best = min(
        stated,
        key=lambda sl: (not sl[1].resolved, -support(sl[1]), sl[1].precision, sl[1].uncertainty_km),
    )[1]
    agree = [not loc.resolved or locations_agree(best, loc) for _, loc in stated]
    if all(agree):
        # Two named crossings whose (wide) radii overlap still agree, but "via Al-Walid" and "via the
        # Al-Yarubiyah crossing" are two outlets' different statements: keep the other name as a conflict.
        crossings = {loc.place.id for _, loc in stated
                     if loc.resolved and loc.place is not None and loc.place.kind == "crossing"}
        if len(crossings) > 1:
            pairs = [(_location_name(loc), s.label) for s, loc in stated if loc.resolved]
            pairs.sort(key=lambda p: p[0] != _location_name(best))  # the point shown first
            return best, [f"{role}: {_labelled(pairs)}"]
        return best, []
    ordered = [sl for sl, ok in zip(stated, agree) if ok] + [sl for sl, ok in zip(stated, agree) if not ok]
    pairs = [(_location_name(loc), s.label) for s, loc in ordered]
    return best, [f"{role}: {_labelled(pairs)}"]


def _by_publication(group: list[_Statement[E]]) -> list[_Statement[E]]:
    """Members in the order their reports appeared, so evidence reads first report first."""
    return sorted(group, key=lambda s: (s.published or _dt.date.max, s.outlet, sorted(s.reports), s.sort_key))


def _combine_convoys(group: list[_Statement[Convoy]]) -> Convoy:
    if len(group) == 1:
        return group[0].event
    group = _by_publication(group)
    events = [s.event for s in group]
    conflicts: list[str] = []
    route: dict[str, Location | None] = {}
    for role in _ROLES:
        route[role], note = _route_point(group, role)
        conflicts += note
    counts = [(str(s.event.vehicles_min), s.label) for s in group if s.event.vehicles_min]
    conflicts = _value_conflict("vehicles", sorted(counts, key=lambda p: int(p[0]))) + conflicts
    stated_days = [(s.event.date.isoformat(), s.label) for s in group if date_rank(s.event.date) == 0]
    conflicts = _value_conflict("date", sorted(stated_days)) + conflicts
    sizes = [e.vehicles_min for e in events if e.vehicles_min]
    return Convoy(
        vehicles_min=min(sizes) if sizes else None,
        actor=next((e.actor for e in events if e.actor), None),
        cargo=tuple(dict.fromkeys(c for e in events for c in e.cargo)),
        date=_best_date(group),
        origin=route["origin"],
        via=route["via"],
        destination=route["destination"],
        direction=next((e.direction for e in events if e.direction), None),
        vehicles_note=next((e.vehicles_note for e in events if e.vehicles_note), None),
        evidence=tuple(ev for e in events for ev in e.evidence),
        conflicts=tuple(conflicts),
    )


def _combine_sites(group: list[_Statement[Site]]) -> Site:
    if len(group) == 1:
        return group[0].event
    group = _by_publication(group)
    events = [s.event for s in group]
    kinds = Counter(e.kind for e in events)
    located = min(
        (e for e in events if kinds[e.kind] == max(kinds.values())),
        key=lambda e: (not e.location.resolved, e.location.precision, e.location.uncertainty_km),
    )
    known = [s for s in group if s.event.status != "unknown"] or list(group)
    latest = max(
        known,
        key=lambda s: (s.event.date.value if s.event.date else _dt.date.min, -date_rank(s.event.date),
                       s.published or _dt.date.min, _STATUS_ORDER.index(s.event.status)),
    ).event
    conflicts = _status_conflicts(known) + _value_conflict("kind", [(e.kind, s.label) for s, e in
                                                                   zip(group, events)])
    return dataclasses.replace(
        located,
        status=latest.status,
        date=latest.date,
        actor=next((e.actor for e in events if e.actor), None),
        features=tuple(dict.fromkeys(f for e in events for f in e.features)),
        evidence=tuple(ev for e in events for ev in e.evidence),
        conflicts=tuple(conflicts),
    )


def _status_conflicts(known: Sequence[_Statement[Site]]) -> list[str]:
    """Status disagreements: different statuses from different outlets within
    :data:`STATUS_CONFLICT_DAYS` of each other. Statuses further apart are the site's history."""
    clashing: dict[tuple[str, str], None] = {}
    for i, a in enumerate(known):
        for b in known[i + 1 :]:
            gap = _gap_days(a, b)
            if (a.event.status != b.event.status and a.outlet != b.outlet
                    and gap is not None and gap <= STATUS_CONFLICT_DAYS):
                clashing[(a.event.status, a.label)] = None
                clashing[(b.event.status, b.label)] = None
    return _value_conflict("status", list(clashing))


def _event_order(event: Convoy | Site) -> tuple:
    first = event.evidence[0] if event.evidence else None
    return (
        event.date.value if event.date else _dt.date.max,
        first.published if first and first.published else _dt.date.max,
        first.report_id if first else "",
        first.sentence if first else "",
    )


def merge_convoys(convoys: Iterable[Convoy]) -> list[Convoy]:
    """Merge convoys reported by several reports into one convoy per movement.

    Returns the merged convoys ordered by date; an unmerged convoy is returned
    unchanged. See the module docstring for the rules.
    """
    groups = _cluster(_statements(convoys), _convoy_pair, CONVOY_SLACK_DAYS)
    return sorted((_combine_convoys(g) for g in groups), key=_event_order)


def merge_sites(sites: Iterable[Site]) -> list[Site]:
    """Merge site statements from several reports into one site each, statuses kept as conflicts.

    Example:
        >>> import datetime as dt
        >>> from geo_tracker.models import Evidence, Place
        >>> p = Place("sy-tal-alo-base", "Tal Alo base", "base", "SY", 36.93, 41.80, 3.0)
        >>> loc = Location("Tal Alu", 0, 7, p, 36.93, 41.80, 2, 6.0)
        >>> def site(status, outlet, day):
        ...     ev = Evidence(outlet, "…", outlet, None, dt.date(2021, 2, day))
        ...     return Site("base-sy-tal-alo-base", "Tal Alo base", "base", status,
        ...                 DateValue(dt.date(2021, 2, day), "day", None), loc, evidence=(ev,))
        >>> [s] = merge_sites([site("established", "SANA", 10), site("planned", "MEMO", 2)])
        >>> s.status, s.corroboration, s.conflicts
        ('established', 2, ('status: planned (MEMO); established (SANA)',))
    """
    groups = _cluster(_statements(sites), _site_pair, SITE_WINDOW_DAYS)
    return sorted((_combine_sites(g) for g in groups), key=_event_order)
