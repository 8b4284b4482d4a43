"""Value objects that flow through the pipeline.

Data flows one way::

    Report -> Match (recognise) -> Location (resolve) -> Convoy / Site (events)
           -> ReportResult -> Extraction (store, export, map)

Every object here is an immutable dataclass with no behaviour beyond
serialisation, so any stage can be replaced without touching the others.

Example:
    >>> from geo_tracker.models import Place
    >>> p = Place(id="sy-qamishli", name="Al-Qamishli", kind="city", country="SY",
    ...           lat=37.05, lon=41.22, uncertainty_km=2.0)
    >>> p.point
    (41.22, 37.05)
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Literal

from .outlets import corroboration

Precision = Literal[1, 2, 3]
"""ACLED-style geo-precision: 1 the named place itself, 2 near it or part of it, 3 a region."""

SiteStatus = Literal[
    "planned", "under_construction", "established", "expanded", "withdrawn", "unknown"
]
SITE_STATUSES: tuple[str, ...] = (
    "planned",
    "under_construction",
    "established",
    "expanded",
    "withdrawn",
    "unknown",
)

DateGranularity = Literal["day", "month", "year"]


@dataclass(frozen=True)
class Report:
    """One piece of reporting: the untrusted text plus where and when it was published."""

    id: str
    text: str
    published: _dt.date | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a named point with a cited position and an uncertainty radius."""

    id: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    uncertainty_km: float
    alt_names: tuple[str, ...] = ()
    admin1: str | None = None
    population: int = 0
    source: str | None = None
    note: str | None = None
    layer: str = "curated"
    bbox: tuple[float, float, float, float] | None = None
    """``(west, south, east, north)`` in degrees, for countries; ``None`` otherwise."""

    @property
    def point(self) -> tuple[float, float]:
        """``(lon, lat)``, the axis order of GeoJSON and shapely."""
        return (self.lon, self.lat)


NATIONALITY = "nationality"
"""The :attr:`Location.qualifier` of a mention that names a country only as an attribute
("Syrian territory", "US forces"): a toponym, but not a place where an event happened."""

METONYM = "metonym"
"""The :attr:`Location.qualifier` of a capital standing for its government ("Washington says",
"talks between Ankara and Damascus"): a toponym, but not a place where an event happened."""

NOT_PLACE_QUALIFIERS: frozenset[str] = frozenset({NATIONALITY, METONYM})
"""Qualifiers of mentions that stay in the output but are neither drawn as places nor used as
event locations."""


@dataclass(frozen=True)
class Location:
    """A mention resolved to a position, with how precise that position is.

    ``lat``/``lon`` are the place's point, or the offset point for relative
    phrases ("20 km south of X"). ``place`` is ``None`` for mentions the
    gazetteer could not resolve; then ``lat``/``lon`` are ``None`` too.
    ``qualifier`` keeps the phrase that widened the location ("near",
    "20 km south of", "eastern countryside of").
    """

    mention: str
    start: int
    end: int
    place: Place | None
    lat: float | None
    lon: float | None
    precision: Precision = 1
    uncertainty_km: float = 0.0
    qualifier: str | None = None
    score: float = 0.0

    @property
    def resolved(self) -> bool:
        return self.place is not None and self.lat is not None


@dataclass(frozen=True)
class DateValue:
    """A resolved date with how much of it the text actually stated."""

    value: _dt.date
    granularity: DateGranularity = "day"
    text: str | None = None

    def isoformat(self) -> str:
        return self.value.isoformat()


@dataclass(frozen=True)
class Evidence:
    """Where an event was read: the sentence, the report and its outlet."""

    report_id: str
    sentence: str
    source: str | None = None
    url: str | None = None
    published: _dt.date | None = None


@dataclass(frozen=True)
class Convoy:
    """A movement of vehicles: who moved how many of what, from where, through where, to where."""

    vehicles_min: int | None
    actor: str | None
    cargo: tuple[str, ...]
    date: DateValue | None
    origin: Location | None
    via: Location | None
    destination: Location | None
    direction: Literal["entering", "leaving"] | None = None
    vehicles_note: str | None = None
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[str, ...] = ()
    """Statements that disagree across merged reports, kept as plain sentences
    ("vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)") rather than overwritten."""

    @property
    def corroboration(self) -> int:
        """How many distinct outlets (or reports, when the outlet is unknown) stated this event."""
        return corroboration(self.evidence)

    @property
    def waypoints(self) -> tuple[Location, ...]:
        """The resolved route points in travel order (origin, via, destination)."""
        return tuple(
            loc for loc in (self.origin, self.via, self.destination) if loc is not None and loc.resolved
        )


@dataclass(frozen=True)
class Site:
    """A military site (base, airfield, outpost…) and its status as reported."""

    id: str
    name: str
    kind: str
    status: SiteStatus
    date: DateValue | None
    location: Location
    actor: str | None = None
    features: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    conflicts: tuple[str, ...] = ()
    """Statements that disagree across merged reports (e.g. two statuses), kept as plain sentences."""

    @property
    def corroboration(self) -> int:
        """How many distinct outlets (or reports, when the outlet is unknown) stated this event."""
        return corroboration(self.evidence)


@dataclass(frozen=True)
class ReportResult:
    """Everything extracted from one report."""

    report: Report
    places: tuple[Location, ...] = ()
    convoys: tuple[Convoy, ...] = ()
    sites: tuple[Site, ...] = ()


@dataclass
class Extraction:
    """The result of extracting many reports; exports and maps start here.

    Example:
        >>> import geo_tracker
        >>> ex = geo_tracker.extract_reports([])
        >>> len(ex.results)
        0
    """

    results: list[ReportResult] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def convoys(self) -> list[Convoy]:
        return [c for r in self.results for c in r.convoys]

    @property
    def sites(self) -> list[Site]:
        return [s for r in self.results for s in r.sites]

    @property
    def places(self) -> list[Location]:
        return [p for r in self.results for p in r.places]

    def summary(self) -> dict[str, int]:
        """Counts for a one-line summary: reports, places, convoys, sites."""
        resolved = {p.place.id for p in self.places if p.place is not None}
        return {
            "reports": len(self.results),
            "places": len(resolved),
            "convoys": len(self.convoys),
            "sites": len(self.sites),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``geo-tracker extract --format json``."""
        from .export import extraction_to_dict

        return extraction_to_dict(self)

    def _repr_html_(self) -> str:
        from .export import extraction_summary_html

        return extraction_summary_html(self)
