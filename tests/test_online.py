"""Online geocoding against a local fake Nominatim: no request ever leaves 127.0.0.1."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geo_tracker.errors import GeoTrackerError
from geo_tracker.gazetteer.online import (
    DEFAULT_USER_AGENT,
    GeocodingError,
    OnlineGeocoder,
    place_from_nominatim,
)

QAMISHLI = {
    "place_id": 123456,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "relation",
    "osm_id": 1913706,
    "lat": "37.0522",
    "lon": "41.2311",
    "class": "place",
    "type": "city",
    "importance": 0.55,
    "name": "Al-Qamishli",
    "display_name": "Al-Qamishli, Qamishli District, Al-Hasakah Governorate, Syria",
    "boundingbox": ["36.8922", "37.2122", "41.0711", "41.3911"],
}
HAMLET = {
    "place_id": 777, "osm_type": "node", "osm_id": 42, "lat": "36.70", "lon": "40.90",
    "class": "place", "type": "hamlet", "importance": 0.1,
    "display_name": "Tell Small, Al-Hasakah Governorate, Syria",
}
KNOWN = {"qamishli": QAMISHLI, "tell small": HAMLET}


@dataclass
class Seen:
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


@dataclass
class FakeNominatim:
    """Answers /search like Nominatim (format=json); ``script`` overrides the next answers."""

    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    script: list[object] = field(default_factory=list)  # int = HTTP status, float = sleep seconds
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def geocoder(self, cache: Path, **kw: object) -> OnlineGeocoder:
        opts: dict[str, object] = {"min_delay_seconds": 0.0, "max_retries": 0, "error_wait_seconds": 0.0,
                                   "timeout": 2.0}
        opts.update(kw)
        return OnlineGeocoder(domain=self.domain, scheme="http", cache_path=cache, **opts)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            fake.requests.append(Seen(query, dict(self.headers.items()), time.monotonic()))
            action = fake.script.pop(0) if fake.script else None
            if isinstance(action, float):
                fake.release.wait(action)
                action = None
            if isinstance(action, int):
                body, status = b'{"error": "boom"}', action
            elif url.path != "/search":
                body, status = b"[]", 404
            else:
                hit = KNOWN.get(query.get("q", [""])[0].lower())
                body, status = json.dumps([hit] if hit else []).encode(), 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the client gave up (time-out test)
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        httpd.shutdown()
        httpd.server_close()


def test_known_name_becomes_an_online_place(server: FakeNominatim, tmp_path: Path) -> None:
    with server.geocoder(tmp_path / "cache.sqlite") as geo:
        place = geo.geocode("Qamishli", country="SY")
    assert place is not None
    assert (place.id, place.name, place.kind, place.country) == ("osm:relation/1913706", "Al-Qamishli", "city", "SY")
    assert (place.lat, place.lon) == (37.0522, 41.2311)
    assert place.uncertainty_km == 22.8  # half the bbox diagonal: 0.32° × 0.32° at 37° N
    assert place.source == "OpenStreetMap contributors (ODbL) via Nominatim, relation/1913706"
    assert place.layer == "online" and place.note == "online geocoding result; not verified"
    assert QAMISHLI["display_name"] in place.alt_names and "Qamishli" in place.alt_names

    [seen] = server.requests
    assert seen.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("geo-tracker/")
    assert seen.query["q"] == ["Qamishli"]
    assert seen.query["countrycodes"] == ["sy"]
    assert seen.query["format"] == ["json"] and seen.query["limit"] == ["1"]
    assert seen.query["accept-language"] == ["en"]
    assert "addressdetails" not in seen.query and "extratags" not in seen.query


def test_answers_are_cached_on_disk(server: FakeNominatim, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    with server.geocoder(cache) as geo:
        first = geo.geocode("Qamishli", country="SY")
        assert first is not None
        assert geo.geocode("  qamishli ", country="sy").id == first.id  # same folded key
        assert len(server.requests) == 1
        assert geo.geocode("Qamishli") is not None  # another country filter is another question
        assert len(server.requests) == 2
    with server.geocoder(cache) as again:
        assert again.geocode("Qamishli", country="SY") == first
    assert len(server.requests) == 2


def test_unknown_name_is_none_and_negatively_cached(server: FakeNominatim, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    with server.geocoder(cache) as geo:
        assert geo.geocode("Nowhere-on-earth") is None
        assert geo.geocode("Nowhere-on-earth") is None
    with server.geocoder(cache) as geo:
        assert geo.geocode("nowhere on earth") is None
    assert len(server.requests) == 1
    rows = sqlite3.connect(cache).execute("SELECT query, raw FROM answers").fetchall()
    assert rows == [("nowhere on earth", None)]


@pytest.mark.parametrize("status, words", [(500, "HTTP 500"), (429, "HTTP 429"), (403, "HTTP 403")])
def test_http_errors_raise_one_line_and_are_not_cached(
    server: FakeNominatim, tmp_path: Path, status: int, words: str
) -> None:
    cache = tmp_path / "cache.sqlite"
    with server.geocoder(cache) as geo:
        assert geo.geocode("Qamishli") is not None
        server.script.append(status)
        with pytest.raises(GeocodingError) as info:
            geo.geocode("Tell Small")
        message = str(info.value)
        assert "\n" not in message and words in message and server.domain in message
        assert message.startswith("online geocoding failed: ")
        assert isinstance(info.value, GeoTrackerError)
        assert geo.geocode("Qamishli") is not None  # cached answers survive the error
    assert len(server.requests) == 2
    rows = sqlite3.connect(cache).execute("SELECT query FROM answers").fetchall()
    assert rows == [("qamishli",)]


def test_server_errors_are_retried_by_the_rate_limiter(server: FakeNominatim, tmp_path: Path) -> None:
    server.script.append(500)
    with server.geocoder(tmp_path / "c.sqlite", max_retries=1) as geo:
        assert geo.geocode("Tell Small") is not None
    assert len(server.requests) == 2


def test_rate_limiting_stops_further_requests(server: FakeNominatim, tmp_path: Path) -> None:
    server.script.append(429)
    with server.geocoder(tmp_path / "c.sqlite") as geo:
        with pytest.raises(GeocodingError):
            geo.geocode("Qamishli")
        with pytest.raises(GeocodingError, match="HTTP 429"):
            geo.geocode("Tell Small")
    assert len(server.requests) == 1


def test_time_out(server: FakeNominatim, tmp_path: Path) -> None:
    server.script.append(3.0)
    with server.geocoder(tmp_path / "c.sqlite", timeout=0.5) as geo:
        start = time.monotonic()
        with pytest.raises(GeocodingError) as info:
            geo.geocode("Qamishli")
        assert time.monotonic() - start < 2.5
        assert str(info.value) == (
            f"online geocoding failed: cannot reach {server.domain} (timed out after 0.5 s); offline results only"
        )
        with pytest.raises(GeocodingError, match="timed out"):  # fails at once, no second wait
            geo.geocode("Tell Small")
    assert len(server.requests) == 1


@pytest.mark.parametrize("use_requests", [True, False], ids=["requests", "urllib"])
def test_closed_port_cannot_be_reached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_requests: bool) -> None:
    import geopy.adapters

    monkeypatch.setattr(geopy.adapters.RequestsAdapter, "is_available", use_requests)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    geo = OnlineGeocoder(domain=f"127.0.0.1:{port}", scheme="http", min_delay_seconds=0.0,
                         max_retries=2, error_wait_seconds=5.0, cache_path=tmp_path / "c.sqlite")
    start = time.monotonic()
    with pytest.raises(GeocodingError) as info:
        geo.geocode("Qamishli")
    assert time.monotonic() - start < 2.0  # not retried: an unreachable host fails at once
    assert str(info.value) == (
        f"online geocoding unavailable: cannot reach 127.0.0.1:{port} (connection refused); offline results only"
    )
    geo.close()
    geo.close()


def test_rate_limiter_spaces_requests(server: FakeNominatim, tmp_path: Path) -> None:
    with server.geocoder(tmp_path / "c.sqlite", min_delay_seconds=0.3) as geo:
        start = time.monotonic()
        geo.geocode("Qamishli")
        geo.geocode("Tell Small")
        geo.geocode("Qamishli")  # cached: no request, no wait
        elapsed = time.monotonic() - start
    assert elapsed >= 0.3
    first, second = server.requests
    assert second.at - first.at >= 0.28


def test_corrupt_cache_is_moved_aside_and_recreated(server: FakeNominatim, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(b"definitely not an sqlite database\n" * 200)
    with pytest.warns(UserWarning, match="unreadable"):
        geo = server.geocoder(cache)
    with geo:
        assert geo.geocode("Qamishli") is not None
    assert [p.name.startswith("cache.sqlite.corrupt-") for p in tmp_path.iterdir()].count(True) == 1
    with server.geocoder(cache) as geo:
        assert geo.geocode("Qamishli") is not None
    assert len(server.requests) == 1


def test_cache_directory_follows_geo_tracker_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEO_TRACKER_CACHE", str(tmp_path / "gt"))
    with OnlineGeocoder(domain="127.0.0.1:9", scheme="http", min_delay_seconds=0.0) as geo:
        assert geo.cache_path == tmp_path / "gt" / "geocode-cache.sqlite"
        assert geo.cache_path.exists()


def test_policy_guards() -> None:
    with pytest.raises(GeocodingError, match="unknown geocoding provider"):
        OnlineGeocoder("google")
    with pytest.raises(GeocodingError, match="1 request/s"):
        OnlineGeocoder(min_delay_seconds=0.1)


def test_importing_the_module_loads_no_network_code() -> None:
    import subprocess
    import sys

    code = (
        "import sys, geo_tracker.gazetteer.online\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('geopy', 'requests', 'urllib3')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "cls, typ, kind",
    [
        ("place", "city", "city"), ("place", "town", "town"), ("place", "village", "village"),
        ("place", "hamlet", "village"), ("place", "suburb", "place"),
        ("boundary", "administrative", "region"), ("aeroway", "aerodrome", "airfield"),
        ("military", "barracks", "base"), ("highway", "primary", "place"),
    ],
)
def test_kind_mapping(cls: str, typ: str, kind: str) -> None:
    raw = {"osm_type": "way", "osm_id": 1, "lat": "36.0", "lon": "40.0", "class": cls, "type": typ,
           "display_name": "X, Syria"}
    assert place_from_nominatim(raw, "X").kind == kind


def test_fallbacks_without_name_bbox_or_osm_ids() -> None:
    place = place_from_nominatim(HAMLET, "Tell Small")
    assert place.name == "Tell Small" and place.country is None
    assert place.uncertainty_km == 5.0
    tiny = dict(HAMLET, boundingbox=["36.7", "36.7001", "40.9", "40.9001"], address={"country_code": "sy"})
    assert place_from_nominatim(tiny, "x").uncertainty_km == 0.5
    assert place_from_nominatim(tiny, "x").country == "SY"
    bare = {k: v for k, v in HAMLET.items() if k not in ("osm_type", "osm_id")}
    assert place_from_nominatim(bare, "x").id == "nominatim:777"


# --- the command line: opt-in only -------------------------------------------------------------


def test_lookup_geocodes_online_only_when_asked(server: FakeNominatim, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    import geo_tracker.gazetteer.online as online
    from geo_tracker.cli import main

    monkeypatch.setattr(online, "cache_dir", lambda: tmp_path)
    runner = CliRunner()
    offline = runner.invoke(main, ["lookup", "Tell Small", "--json"])
    assert offline.exit_code == 0 and json.loads(offline.output) == []
    assert server.requests == []  # nothing leaves the machine without --geocode

    url = f"http://{server.domain}"
    online_run = runner.invoke(main, ["lookup", "Tell Small", "--json", "--geocode", "nominatim", "--geocode-url", url])
    assert online_run.exit_code == 0, online_run.output
    [row] = json.loads(online_run.output)
    assert (row["layer"], row["match"], row["lat"], row["lon"]) == ("online", "online", 36.7, 40.9)
    assert len(server.requests) == 1

    known = runner.invoke(main, ["lookup", "Kamishli", "--json", "--geocode", "nominatim", "--geocode-url", url])
    assert json.loads(known.output)[0]["id"] == "sy-qamishli"
    assert len(server.requests) == 1  # the gazetteer knew it: no request


def test_lookup_reports_an_unreachable_service_in_one_line(tmp_path: Path, monkeypatch) -> None:
    import socket

    from click.testing import CliRunner

    import geo_tracker.gazetteer.online as online
    from geo_tracker.cli import main

    monkeypatch.setattr(online, "cache_dir", lambda: tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(
        main, ["lookup", "Nowhere Special", "--geocode", "nominatim", "--geocode-url", f"http://127.0.0.1:{port}"]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: online geocoding unavailable: cannot reach 127.0.0.1")
