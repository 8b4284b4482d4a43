"""Opt-in online geocoding: a last-resort lookup of names the offline gazetteer lacks.

Off by default. Nothing is sent anywhere unless an :class:`OnlineGeocoder` is
constructed *and* :meth:`OnlineGeocoder.geocode` is called (the CLI does so
only with ``--geocode nominatim``); importing this module imports no network
code at all (geopy is loaded inside the constructor).

Requests go through geopy's ``Nominatim`` wrapped in geopy's ``RateLimiter``
(at most one request per ``min_delay_seconds``; Nominatim's usage policy
allows one per second), and every answer, including "no result", is kept
in an SQLite cache on disk, so a name is asked for at most once per cache.
Errors are never cached; they raise :class:`GeocodingError` with a one-line
message, and the results cached before stay usable.

Results are converted with :func:`place_from_nominatim`, which needs no network:

Example:
    >>> from geo_tracker.gazetteer.online import OnlineGeocoder, place_from_nominatim
    >>> raw = {"place_id": 1, "osm_type": "relation", "osm_id": 1684625,
    ...        "lat": "36.1901", "lon": "44.0091", "class": "place", "type": "city",
    ...        "name": "Erbil", "display_name": "Erbil, Erbil Governorate, Iraq",
    ...        "boundingbox": ["36.0901", "36.2901", "43.9091", "44.1091"]}
    >>> p = place_from_nominatim(raw, "Hawler")
    >>> (p.id, p.name, p.kind, p.lat, p.uncertainty_km, p.layer)
    ('osm:relation/1684625', 'Erbil', 'city', 36.1901, 14.3, 'online')
    >>> p.source
    'OpenStreetMap contributors (ODbL) via Nominatim, relation/1684625'

Online use (sends the name to nominatim.openstreetmap.org):

    >>> with OnlineGeocoder() as geo:                        # doctest: +SKIP
    ...     geo.geocode("Tal Tamr", country="SY").layer
    'online'
"""

from __future__ import annotations

import http
import json
import logging
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from .. import __version__
from ..errors import GeoTrackerError
from ..geodesy import haversine_km
from ..models import Place
from ..normalize import fold
from .index import cache_dir

__all__ = [
    "CACHE_FILENAME",
    "DEFAULT_USER_AGENT",
    "GeocodingError",
    "OnlineGeocoder",
    "PROVIDERS",
    "place_from_nominatim",
]

PROVIDERS: tuple[str, ...] = ("nominatim",)
"""Online geocoders ``--geocode`` accepts."""

PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
"""The OSM Foundation's server; its usage policy caps clients at one request per second."""

PROJECT_URL: str | None = None
"""Contact URL appended to the User-Agent as ``(+URL)`` once the project has a public home."""

DEFAULT_USER_AGENT = f"geo-tracker/{__version__}" + (f" (+{PROJECT_URL})" if PROJECT_URL else "")

CACHE_FILENAME = "geocode-cache.sqlite"
CACHE_SCHEMA = 1

DEFAULT_UNCERTAINTY_KM = 5.0
MIN_UNCERTAINTY_KM = 0.5
ONLINE_NOTE = "online geocoding result; not verified"

_PLACE_KINDS = {"city": "city", "town": "town", "village": "village", "hamlet": "village"}


class GeocodingError(GeoTrackerError):
    """Online geocoding failed (host unreachable, timed out, refused or answered an error)."""


# --- converting an answer ------------------------------------------------------


def _kind(raw: Mapping[str, Any]) -> str:
    cls = raw.get("class", raw.get("category"))
    typ = raw.get("type")
    if cls == "place" and typ in _PLACE_KINDS:
        return _PLACE_KINDS[typ]
    if cls == "boundary" and typ == "administrative":
        return "region"
    if cls == "aeroway":
        return "airfield"
    if cls == "military" or (cls == "landuse" and typ == "military"):
        return "base"
    return "place"


def _uncertainty_km(raw: Mapping[str, Any]) -> float:
    """Half the diagonal of ``boundingbox`` ([south, north, west, east] strings)."""
    try:
        south, north, west, east = (float(v) for v in raw["boundingbox"])
    except (KeyError, TypeError, ValueError):
        return DEFAULT_UNCERTAINTY_KM
    half = float(haversine_km(south, west, north, east)) / 2.0
    return max(round(half, 1), MIN_UNCERTAINTY_KM)


def place_from_nominatim(raw: Mapping[str, Any], query: str, *, country: str | None = None) -> Place:
    """A :class:`Place` from one object of Nominatim's ``/search?format=json`` answer.

    ``query`` is the name that was asked for (kept as an alternative name);
    ``country`` the ISO code the search was restricted to, used when the
    answer carries no address.
    """
    osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
    ref = f"{osm_type}/{osm_id}" if osm_type and osm_id is not None else f"place_id {raw.get('place_id')}"
    place_id = f"osm:{osm_type}/{osm_id}" if osm_type and osm_id is not None else f"nominatim:{raw.get('place_id')}"
    display = str(raw.get("display_name") or "").strip()
    name = str(raw.get("name") or "").strip() or display.split(",")[0].strip() or query.strip()
    alt_names = tuple(dict.fromkeys(n for n in (query.strip(), display) if n and n != name))
    address = raw.get("address")
    code = address.get("country_code") if isinstance(address, Mapping) else None
    code = code or country
    return Place(
        id=place_id,
        name=name,
        kind=_kind(raw),
        country=code.upper() if code else None,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        uncertainty_km=_uncertainty_km(raw),
        alt_names=alt_names,
        source=f"OpenStreetMap contributors (ODbL) via Nominatim, {ref}",
        note=ONLINE_NOTE,
        layer="online",
    )


# --- the disk cache ------------------------------------------------------------

_MISSING = object()


class _Cache:
    """Answers by (provider, domain, folded query, country) in SQLite; ``None`` raw = no result.

    Every write is one transaction. A file SQLite cannot read as a database
    is moved aside and recreated with a warning; a cache that cannot be
    opened at all (read-only or locked) falls back to memory for this run.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._warned = False
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(self.path)
        except sqlite3.OperationalError as exc:  # cannot open / locked: not corruption
            return self._in_memory(f"geocode cache {self.path} cannot be used ({exc}); caching in memory for this run")
        except sqlite3.DatabaseError as exc:
            return self._recreate(exc)

    @staticmethod
    def _connect(path: Path | str) -> sqlite3.Connection:
        if isinstance(path, Path):
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10.0, check_same_thread=False)
        try:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise sqlite3.DatabaseError("integrity check failed")
            with conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS answers ("
                    " provider TEXT NOT NULL, domain TEXT NOT NULL, query TEXT NOT NULL,"
                    " country TEXT NOT NULL, raw TEXT, fetched REAL NOT NULL,"
                    " PRIMARY KEY (provider, domain, query, country))"
                )
                conn.execute(f"PRAGMA user_version = {CACHE_SCHEMA}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _in_memory(self, message: str) -> sqlite3.Connection:
        warnings.warn(message, stacklevel=5)
        return self._connect(":memory:")

    def _recreate(self, exc: Exception) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
            conn = self._connect(self.path)
        except (OSError, sqlite3.Error) as again:
            return self._in_memory(
                f"geocode cache {self.path} is unreadable ({exc}) and cannot be replaced ({again}); "
                "caching in memory for this run"
            )
        warnings.warn(
            f"geocode cache {self.path} was unreadable ({exc}); moved it to {aside.name} and started a new one",
            stacklevel=5,
        )
        return conn

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A failure after opening: corruption starts a fresh cache; a busy or read-only one is skipped."""
        if isinstance(exc, sqlite3.OperationalError):
            if not self._warned:
                self._warned = True
                warnings.warn(f"geocode cache {self.path} is not usable right now ({exc}); answers not cached",
                              stacklevel=4)
            return
        try:
            self._conn.close()
        except sqlite3.Error:
            pass
        self._conn = self._recreate(exc)

    def get(self, key: tuple[str, str, str, str]) -> Any:
        """The cached raw answer (a dict, or ``None`` for "no result"), or ``_MISSING``."""
        with self._lock:
            try:
                row = self._conn.execute(
                    "SELECT raw FROM answers WHERE provider=? AND domain=? AND query=? AND country=?", key
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
                return _MISSING
        if row is None:
            return _MISSING
        if row[0] is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return _MISSING

    def put(self, key: tuple[str, str, str, str], raw: Mapping[str, Any] | None) -> None:
        text = None if raw is None else json.dumps(raw, ensure_ascii=False)
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                                       (*key, text, time.time()))
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# --- errors --------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


_UNREACHABLE = (
    ("refused", "connection refused"),
    ("name or service not known", "host name not resolved"),
    ("nodename nor servname", "host name not resolved"),
    ("name resolution", "host name not resolved"),
    ("getaddrinfo", "host name not resolved"),
    ("no address associated", "host name not resolved"),
    ("network is unreachable", "network unreachable"),
    ("no route to host", "no route to host"),
    ("connection reset", "connection reset"),
    ("remote end closed", "connection closed by the server"),
    ("connection aborted", "connection aborted"),
)


def _describe(exc: BaseException, host: str, timeout: float) -> tuple[str, str]:
    """``(kind, one-line message)`` for a geopy or socket error."""
    from geopy.adapters import AdapterHTTPError
    from geopy.exc import (
        GeocoderAuthenticationFailure,
        GeocoderInsufficientPrivileges,
        GeocoderParseError,
        GeocoderQuotaExceeded,
        GeocoderRateLimited,
        GeocoderTimedOut,
        GeocoderUnavailable,
    )

    chain = _chain(exc)
    text = " ".join(str(e) for e in chain).lower()
    status = next((e.status_code for e in chain if isinstance(e, AdapterHTTPError)), None)
    if status is None:  # no HTTP answer attached: geopy's exception type tells what the server said
        if any(isinstance(e, GeocoderRateLimited) for e in chain):
            status = 429
        elif any(isinstance(e, GeocoderQuotaExceeded) for e in chain):
            return "rate_limited", (f"online geocoding failed: {host} says the request quota is used up; "
                                    "offline results only")
        elif any(isinstance(e, (GeocoderInsufficientPrivileges, GeocoderAuthenticationFailure)) for e in chain):
            status = 403
    if status == 429:
        return "rate_limited", (f"online geocoding failed: {host} is rate-limiting requests "
                                "(HTTP 429 Too Many Requests); offline results only")
    if status == 403:
        return "forbidden", (f"online geocoding failed: {host} refused the request (HTTP 403 Forbidden; "
                             "check the User-Agent and the provider's usage policy); offline results only")
    if status is not None:
        try:
            reason = f" {http.HTTPStatus(status).phrase}"
        except ValueError:
            reason = ""
        kind = "server_error" if status >= 500 or status == 408 else "client_error"
        return kind, f"online geocoding failed: {host} answered HTTP {status}{reason}; offline results only"
    if "timed out" in text or any(isinstance(e, (GeocoderTimedOut, TimeoutError)) for e in chain):
        return "timeout", (f"online geocoding failed: cannot reach {host} (timed out after {timeout:g} s); "
                           "offline results only")
    cause = next((why for needle, why in _UNREACHABLE if needle in text), None)
    if cause or any(isinstance(e, (GeocoderUnavailable, ConnectionError)) for e in chain):
        return "unreachable", (f"online geocoding unavailable: cannot reach {host} ({cause or 'connection failed'}); "
                               "offline results only")
    if any(isinstance(e, GeocoderParseError) for e in chain):
        return "bad_answer", f"online geocoding failed: {host} sent an answer that is not JSON; offline results only"
    detail = " ".join(str(exc).split())[:160] or type(exc).__name__
    return "other", f"online geocoding failed: {host}: {detail}; offline results only"


_RETRYABLE = {"timeout", "rate_limited", "server_error"}
"""Worth another try after ``error_wait_seconds``; anything else fails at once."""

_STICKY = {"timeout", "unreachable", "rate_limited", "forbidden"}
"""After these, later uncached lookups fail at once instead of asking again."""


class _NoRetry(Exception):
    """Carries an error the rate limiter must not retry (it only retries geopy service errors)."""

    def __init__(self, error: BaseException, kind: str, message: str) -> None:
        super().__init__(message)
        self.error, self.kind, self.message = error, kind, message


# --- the geocoder --------------------------------------------------------------


class OnlineGeocoder:
    """Last-resort lookup of names the offline gazetteer lacks.

    ``domain``/``scheme`` point at another Nominatim server (a local one, or a
    test server); ``user_agent`` identifies the application as the usage
    policy requires. Requests are spaced ``min_delay_seconds`` apart (at least
    1 s on the public server) and retried up to ``max_retries`` times after
    ``error_wait_seconds`` on time-outs, HTTP 429 and server errors.

    Answers are cached in ``cache_path`` (default ``geocode-cache.sqlite``
    in the user cache directory, or in ``$GEO_TRACKER_CACHE``). Once the host
    proved unreachable, timed out or refused us, later uncached lookups raise
    the same :class:`GeocodingError` at once; cached ones keep working.
    """

    def __init__(
        self,
        provider: str = "nominatim",
        *,
        domain: str | None = None,
        scheme: str = "https",
        user_agent: str | None = None,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
        max_retries: int = 2,
        error_wait_seconds: float = 5.0,
        cache_path: Path | None = None,
    ) -> None:
        if provider not in PROVIDERS:
            raise GeocodingError(f"unknown geocoding provider {provider!r} (known: {', '.join(PROVIDERS)})")
        domain = (domain or PUBLIC_NOMINATIM).strip("/")
        if domain == PUBLIC_NOMINATIM and min_delay_seconds < 1.0:
            raise GeocodingError(f"{PUBLIC_NOMINATIM} allows at most 1 request/s; min_delay_seconds must be >= 1.0")
        if max_retries < 0 or timeout <= 0 or min_delay_seconds < 0:
            raise ValueError("max_retries and min_delay_seconds must be >= 0 and timeout > 0")

        from geopy.adapters import RequestsAdapter, URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        logger = logging.getLogger("geopy")  # retry warnings go to the app's handlers, not bare stderr
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())

        self.provider = provider
        self.domain = domain
        self.scheme = scheme
        self.timeout = float(timeout)
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.cache_path = Path(cache_path) if cache_path is not None else cache_dir() / CACHE_FILENAME
        self._cache = _Cache(self.cache_path)
        self._down: str | None = None
        self._closed = False
        # Retries happen in one place, the RateLimiter: the requests adapter's own
        # (urllib3 retries read time-outs twice by default) would triple every time-out.
        adapter = partial(RequestsAdapter, max_retries=0) if RequestsAdapter.is_available else URLLibAdapter
        self._geocoder = Nominatim(user_agent=self.user_agent, domain=domain, scheme=scheme, timeout=self.timeout,
                                   adapter_factory=adapter)
        self._geocode: Callable[..., Any] = RateLimiter(
            self._fail_fast(self._geocoder.geocode),
            min_delay_seconds=min_delay_seconds,
            max_retries=max_retries,
            error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
            swallow_exceptions=False,
        )

    def _fail_fast(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` with every error the rate limiter should not retry taken out of its reach."""
        from geopy.exc import GeopyError

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (GeopyError, OSError) as exc:
                kind, message = _describe(exc, self.domain, self.timeout)
                if kind in _RETRYABLE and isinstance(exc, GeopyError):
                    raise
                raise _NoRetry(exc, kind, message) from exc

        return call

    def geocode(self, name: str, *, country: str | None = None) -> Place | None:
        """The best match for ``name`` (optionally within ISO country ``country``), or ``None``.

        Served from the cache when this name was asked before (also "no
        result"); otherwise one rate-limited request. Raises
        :class:`GeocodingError` when the provider cannot answer.
        """
        if self._closed:
            raise ValueError("geocoder is closed")
        query = name.strip()
        key = (self.provider, self.domain, fold(query), (country or "").upper())
        if not key[2]:
            return None
        cached = self._cache.get(key)
        if cached is not _MISSING:
            return None if cached is None else place_from_nominatim(cached, query, country=country)
        if self._down is not None:
            raise GeocodingError(self._down)

        from geopy.exc import GeopyError

        try:
            location = self._geocode(
                query,
                exactly_one=True,
                addressdetails=False,
                extratags=False,
                language="en",
                country_codes=country.lower() if country else None,
            )
        except _NoRetry as exc:
            self._fail(exc.kind, exc.message, exc.error)
        except (GeopyError, OSError) as exc:
            self._fail(*_describe(exc, self.domain, self.timeout), exc)
        if location is None:
            self._cache.put(key, None)
            return None
        raw = dict(location.raw)
        try:
            place = place_from_nominatim(raw, query, country=country)
        except (KeyError, TypeError, ValueError) as exc:
            raise GeocodingError(
                f"online geocoding failed: {self.domain} sent a result without usable coordinates; offline results only"
            ) from exc
        self._cache.put(key, raw)
        return place

    def _fail(self, kind: str, message: str, error: BaseException) -> NoReturn:
        if kind in _STICKY:
            self._down = message
        raise GeocodingError(message) from error

    def close(self) -> None:
        """Close the cache and the HTTP session; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._cache.close()
        try:
            self._geocoder.__exit__(None, None, None)
        except Exception:  # pragma: no cover - adapter without a session
            pass

    def __enter__(self) -> "OnlineGeocoder":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.provider!r}, domain={self.domain!r}, cache_path={str(self.cache_path)!r})"
