"""geo_tracker: reports on military movements → places, convoys, sites → maps.

Importing the package does no heavy work: the gazetteer index is loaded on
first use (from the on-disk cache after the first run).

Example:
    >>> import geo_tracker
    >>> result = geo_tracker.extract(
    ...     "A convoy of 45 trucks entered via the Al-Walid border crossing, heading towards Al-Qamishli.",
    ...     published="2021-02-08")                                   # doctest: +SKIP
    >>> [p.place.name for p in result.places]                       # doctest: +SKIP
    ['Al-Walid crossing', 'Al-Qamishli']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "extract": "geo_tracker.pipeline",
    "extract_report": "geo_tracker.pipeline",
    "extract_reports": "geo_tracker.pipeline",
    "make_report": "geo_tracker.pipeline",
    "Gazetteer": "geo_tracker.gazetteer",
    "read_reports": "geo_tracker.io",
    "sample_paths": "geo_tracker.io",
    "render_map": "geo_tracker.maps",
    "save_map": "geo_tracker.maps",
    "places_frame": "geo_tracker.export",
    "convoys_frame": "geo_tracker.export",
    "sites_frame": "geo_tracker.export",
    "Report": "geo_tracker.models",
    "Place": "geo_tracker.models",
    "Location": "geo_tracker.models",
    "Convoy": "geo_tracker.models",
    "Site": "geo_tracker.models",
    "Extraction": "geo_tracker.models",
    "ReportResult": "geo_tracker.models",
    "GeoTrackerError": "geo_tracker.errors",
    "InputError": "geo_tracker.errors",
    "GazetteerError": "geo_tracker.errors",
    "StoreError": "geo_tracker.errors",
    "Tracker": "geo_tracker.tracker",
    "IngestSummary": "geo_tracker.tracker",
    "merge_convoys": "geo_tracker.merge",
    "merge_sites": "geo_tracker.merge",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from .errors import GazetteerError, GeoTrackerError, InputError
    from .export import convoys_frame, places_frame, sites_frame
    from .gazetteer import Gazetteer
    from .io import read_reports, sample_paths
    from .maps import render_map, save_map
    from .models import Convoy, Extraction, Location, Place, Report, ReportResult, Site
    from .pipeline import extract, extract_report, extract_reports, make_report
    from .errors import StoreError
    from .merge import merge_convoys, merge_sites
    from .tracker import IngestSummary, Tracker


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geo_tracker' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
