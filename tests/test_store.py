"""The GeoPackage store: content-hash duplicates, transactions, a valid GeoPackage, crash safety."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import textwrap
import time

import geopandas as gpd
import pytest

from geo_tracker import gpkg
from geo_tracker.errors import StoreError
from geo_tracker.export import to_json
from geo_tracker.models import Extraction, Report, ReportResult
from geo_tracker.pipeline import extract_report
from geo_tracker.store import SCHEMA_VERSION, Store, content_hash, result_from_record, result_to_record

CONVOY = ("On March 9, a convoy of 45 military vehicles and trucks of the US-led coalition entered Syria via the "
          "Al-Walid border crossing with the Kurdistan Region of Iraq, heading towards Al-Qamishli.")
BASE = "US forces have established a new military base near Tal Alu in the Al-Yarubiya area."


def report(rid: str, text: str = CONVOY, source: str | None = "SOHR", published="2021-03-10") -> Report:
    return Report(rid, text, dt.date.fromisoformat(published) if published else None, source)


def empty(rep: Report) -> ReportResult:
    return ReportResult(rep)


def count(path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def snapshot(path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        con.close()


# ---------------------------------------------------------------- duplicates


def test_the_same_report_twice_adds_nothing(tmp_path, gaz):
    store = Store(tmp_path / "t.gpkg")
    extract = lambda r: extract_report(r, gaz)  # noqa: E731
    first = store.ingest([report("a")], extract)
    assert first.added_ids == ("a",) and first.reports == 1 and first.convoys == 1
    before = snapshot(store.path)
    # Same outlet and text: another id, reflowed whitespace, another publication date, a URL.
    again = Report("copy", CONVOY.replace(" ", "  ") + "\n", dt.date(2021, 3, 11), "sohr ", "https://x.org/a")
    second = store.ingest([report("a"), again], extract)
    assert second.added_ids == () and second.skipped_ids == ("a", "copy")
    assert snapshot(store.path)["reports"] == before["reports"]


def test_same_text_from_another_outlet_is_another_report(tmp_path):
    store = Store(tmp_path / "t.gpkg")
    done = store.ingest([report("a"), report("b", source="SANA")], empty)
    assert done.added_ids == ("a", "b")
    assert content_hash(report("a")) != content_hash(report("b", source="SANA"))


def test_duplicates_within_one_batch_are_skipped(tmp_path):
    done = Store(tmp_path / "t.gpkg").ingest([report("a"), report("b")], empty)
    assert done.added_ids == ("a",) and done.skipped_ids == ("b",)


def test_a_taken_id_gets_a_suffix(tmp_path):
    store = Store(tmp_path / "t.gpkg")
    store.ingest([report("a")], empty)
    done = store.ingest([report("a", text="Another text."), report("a", text="A third text.")], empty)
    assert done.added_ids == ("a~2", "a~3")
    assert [r.report.id for r in store.results()] == ["a", "a~2", "a~3"]


# ---------------------------------------------------------------- transactions


class Boom(Exception):
    pass


def test_an_error_mid_ingest_leaves_the_store_unchanged(tmp_path, gaz):
    store = Store(tmp_path / "t.gpkg")
    store.ingest([report("a")], lambda r: extract_report(r, gaz))
    before = snapshot(store.path)

    def failing(rep: Report) -> ReportResult:
        if rep.id == "c":
            raise Boom("extractor crashed")
        return extract_report(rep, gaz)

    reports = [report("b", text=BASE, source="SANA"), report("c", source="RT")]
    with pytest.raises(Boom):
        store.ingest(reports, failing)
    assert snapshot(store.path) == before
    assert not list(tmp_path.glob("*-journal"))
    done = store.ingest(reports, lambda r: extract_report(r, gaz))  # the re-run completes it
    assert done.added_ids == ("b", "c") and done.reports == 3


def test_ctrl_c_during_the_first_ingest_leaves_an_empty_store(tmp_path):
    store = Store(tmp_path / "t.gpkg")

    def interrupted():
        yield report("a")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.ingest(interrupted(), empty)
    assert store.results() == []
    assert gpd.read_file(store.path, layer="convoys").empty


def test_batches_commit_separately(tmp_path):
    store = Store(tmp_path / "t.gpkg")

    def stream():
        yield from (report(f"r{i}", text=f"Report number {i}.") for i in range(5))
        raise Boom

    with pytest.raises(Boom):
        store.ingest(stream(), empty, batch_size=2)
    assert [r.report.id for r in store.results()] == ["r0", "r1", "r2", "r3"]


_KILLED_INGEST = textwrap.dedent("""
    import sys, time
    from geo_tracker.models import Report, ReportResult
    from geo_tracker.store import Store

    def slow(rep):
        time.sleep(0.02)
        return ReportResult(rep)

    reports = (Report(f"r{i}", f"Report number {i}.", None, "Outlet") for i in range(int(sys.argv[2])))
    print("started", flush=True)
    Store(sys.argv[1]).ingest(reports, slow, batch_size=int(sys.argv[3]))
""")


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_sigkill_leaves_a_consistent_store_and_a_rerun_completes_it(tmp_path, batch_size):
    path = tmp_path / "t.gpkg"
    script = tmp_path / "ingest.py"
    script.write_text(_KILLED_INGEST, encoding="utf-8")
    n = 200
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(n), str(batch_size)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    store = Store(path)
    kept = [r.report.id for r in store.results()]
    assert kept == [f"r{i}" for i in range(len(kept))]  # exactly a prefix: whole batches, nothing torn
    if batch_size == 1000:
        assert kept == []
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    done = store.ingest((Report(f"r{i}", f"Report number {i}.", None, "Outlet") for i in range(n)), empty)
    assert done.added == n - len(kept) and done.reports == n


# ---------------------------------------------------------------- the GeoPackage


def test_the_store_is_a_geopackage_that_geopandas_reads(tmp_path, gaz):
    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("a"), report("b", text=BASE, source="SANA")], lambda r: extract_report(r, gaz))
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
    contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert contents["convoys"] == "features" and contents["reports"] == "attributes"
    blob = con.execute("SELECT geom FROM sites").fetchone()[0]
    magic, version, flags, srs = struct.unpack("<2sBBi", blob[:8])
    assert (magic, version, flags & 1, (flags >> 1) & 7, srs) == (b"GP", 0, 1, 1, 4326)
    minx, maxx, miny, maxy = struct.unpack("<4d", blob[8:40])
    assert minx == maxx and miny == maxy  # a point's envelope
    extent = con.execute("SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'convoys'").fetchone()
    assert None not in extent
    con.close()
    convoys = gpd.read_file(path, layer="convoys")
    assert convoys.crs.to_epsg() == 4326 and len(convoys) == 1
    assert convoys.geometry.iloc[0].geom_type == "LineString"
    assert convoys["sources"].iloc[0] == "SOHR" and convoys["vehicles_min"].iloc[0] == 45
    sites = gpd.read_file(path, layer="sites")
    assert sites["status"].tolist() == ["established"]
    places = gpd.read_file(path, layer="places")
    assert {"sy-al-walid-crossing", "sy-qamishli"} <= set(places["place_id"])
    assert len(gpd.read_file(path, layer="report_convoys")) == 1
    reports = gpd.read_file(path, layer="reports")
    assert reports["report_id"].tolist() == ["a", "b"]


def test_extractions_round_trip_through_the_json_record(gaz):
    result = extract_report(report("a"), gaz)
    back = result_from_record(result.report, result_to_record(result))
    assert to_json(Extraction([back])) == to_json(Extraction([result]))
    (c,), (d,) = back.convoys, result.convoys
    assert c.date == d.date  # "March 9" kept: merging tells stated days from inferred ones
    assert c.via == dataclasses.replace(d.via, place=dataclasses.replace(d.via.place, alt_names=()))
    assert c.evidence == d.evidence


def test_an_rtree_trigger_added_by_gdal_does_not_break_writes(tmp_path):
    store = Store(tmp_path / "t.gpkg")
    store.ingest([report("a")], empty)
    con = sqlite3.connect(store.path)  # what GDAL's spatial index trigger calls
    con.execute("CREATE TABLE rtree_log (minx REAL)")
    con.execute("CREATE TRIGGER t AFTER INSERT ON sites BEGIN INSERT INTO rtree_log "
                "SELECT ST_MinX(NEW.geom) WHERE NOT ST_IsEmpty(NEW.geom); END")
    con.commit()
    con.close()
    store.ingest([report("b", text=BASE, source="SANA")], lambda r: extract_report(r, None))
    assert count(store.path, "rtree_log") == 1


def test_text_that_sqlite_cannot_store_is_kept_readable(tmp_path):
    store = Store(tmp_path / "t.gpkg")
    store.ingest([report("a", text="A lone surrogate \ud800 in text.")], empty)
    assert store.results()[0].report.text == "A lone surrogate ? in text."


# ---------------------------------------------------------------- refusing what is not a store


def test_files_that_are_not_stores_are_refused(tmp_path):
    text = tmp_path / "notes.gpkg"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a geo-tracker store"):
        Store(text).ingest([report("a")], empty)
    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([1], [2]), crs=4326).to_file(other)
    with pytest.raises(StoreError, match="a GeoPackage but not a geo-tracker store"):
        Store(other).results()
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "missing" / "t.gpkg").ingest([report("a")], empty)


def test_a_newer_schema_is_refused_and_new_merge_rules_rebuild(tmp_path):
    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("a")], empty)
    con = sqlite3.connect(path)
    con.execute("UPDATE geo_tracker_meta SET value = '0' WHERE key = 'merge_rules_version'")
    con.commit()
    Store(path).ingest([], empty)
    assert con.execute("SELECT value FROM geo_tracker_meta WHERE key = 'merge_rules_version'").fetchone()[0] != "0"
    con.execute("UPDATE geo_tracker_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer geo-tracker"):
        Store(path).results()


def test_reading_a_missing_store_creates_nothing(tmp_path):
    store = Store(tmp_path / "t.gpkg")
    assert store.results() == [] and store.report_rows() == []
    assert not store.path.exists()


def test_gpkg_blobs_decode():
    from shapely.geometry import LineString

    line = LineString([(40, 36), (41, 37)])
    assert gpkg.decode(gpkg.encode(line)).equals(line)
    assert gpkg.encode(None) is None


# --------------------------------------------------------------------------- concurrent use (issue 20, item 5)


class _HeldIngest:
    """An ingest in another thread, stopped inside its transaction (after a report bigger than SQLite's page
    cache, so it has written to the file) until ``release()``."""

    def __init__(self, path, ids=("held-1", "held-2")) -> None:
        import threading

        self.inside, self.go = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        first, second = report(ids[0], "Trucks rolled. " * 400_000), report(ids[1], "Trucks rolled back.")

        def extract(rep: Report) -> ReportResult:
            if rep.id == second.id:
                self.inside.set()
                self.go.wait(60)
            return ReportResult(rep)

        def run() -> None:
            try:
                Store(path).ingest([first, second], extract=extract)
            except BaseException as exc:  # pragma: no cover - reported by the test
                self.error = exc

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.inside.wait(60)

    def release(self) -> None:
        self.go.set()
        self.thread.join(60)
        assert self.error is None, self.error


def test_readers_do_not_wait_for_a_writer(tmp_path):
    import threading

    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("before")], extract=empty)
    held = _HeldIngest(path)
    try:
        seen: list = []
        reader = threading.Thread(target=lambda: seen.append([r.report.id for r in Store(path).results()]))
        t0 = time.monotonic()
        reader.start()
        reader.join(10)
        assert seen == [["before"]] and time.monotonic() - t0 < 5  # the last committed state, at once
    finally:
        held.release()
    assert [r.report.id for r in Store(path).results()] == ["before", "held-1", "held-2"]
    assert not list(tmp_path.glob("t.gpkg-*"))  # back to one file at rest


def test_a_second_writer_says_it_waits_and_gives_up_after_its_timeout(tmp_path):
    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("before")], extract=empty)
    held = _HeldIngest(path)
    try:
        said: list[str] = []
        t0 = time.monotonic()
        with pytest.raises(StoreError, match=r"t\.gpkg: the store is still locked by another program after 0\.5 s; "
                                             r"retry later or wait longer with --lock-timeout"):
            Store(path, lock_timeout=0.5, on_wait=said.append).ingest([report("late")], extract=empty)
        assert time.monotonic() - t0 < 10
        assert len(said) == 1 and "another program is writing the store; waiting up to 0.5 s" in said[0]
    finally:
        held.release()
    assert [r.report.id for r in Store(path).results()] == ["before", "held-1", "held-2"]


def test_a_second_writer_waits_and_both_ingests_finish(tmp_path):
    import threading

    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("before")], extract=empty)
    held = _HeldIngest(path)
    said: list[str] = []
    second = threading.Thread(target=lambda: Store(path, lock_timeout=60, on_wait=said.append).ingest(
        [report("late", "A convoy of 9 trucks left."), report("dup", "Trucks rolled back.")], extract=empty))
    second.start()
    time.sleep(1.0)
    held.release()
    second.join(60)
    assert said and "waiting up to 60 s" in said[0]
    ids = [r.report.id for r in Store(path).results()]
    assert ids == ["before", "held-1", "held-2", "late"]  # every report stored once


def test_cli_ingest_lock_timeout(tmp_path):
    from click.testing import CliRunner

    from geo_tracker.cli import main

    path = tmp_path / "t.gpkg"
    Store(path).ingest([report("before")], extract=empty)
    (tmp_path / "r.md").write_text("source: SANA\n\nA convoy of 9 trucks left.\n", encoding="utf-8")
    held = _HeldIngest(path)
    try:
        result = CliRunner().invoke(main, ["ingest", "--store", str(path), "--lock-timeout", "0.3",
                                           str(tmp_path / "r.md")])
    finally:
        held.release()
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1
    assert any(line.startswith("waiting: ") for line in lines)
    assert lines[-1].startswith("Error: ") and lines[-1].endswith("after 0.3 s; retry later or wait longer with "
                                                                  "--lock-timeout")
