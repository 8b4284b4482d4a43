"""The Python API: Tracker.ingest, GeoDataFrames of merged events, to_file, filters."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest

import geo_tracker
from geo_tracker.models import Report
from geo_tracker.tracker import IngestSummary, Tracker

SOHR = Report("sohr-1", "On March 9, a convoy of 45 military vehicles and trucks belonging to the US-led coalition "
              "entered Syrian territory via the Al-Walid border crossing with the Kurdistan Region of Iraq, heading "
              "towards Al-Qamishli.", dt.date(2021, 3, 10), "SOHR", "https://www.syriahr.com/en/1")
ASHARQ = Report("asharq-1", "A convoy of 50 trucks of the international coalition crossed from the Kurdistan Region "
                "of Iraq into Syria through the Al-Waleed crossing yesterday and headed to Qamishli.",
                dt.date(2021, 3, 10), "Asharq Al-Awsat")
SANA = Report("sana-1", "US forces have established a new military base near Tal Alu in the Al-Yarubiya area.",
              dt.date(2021, 2, 1), "SANA")
HAWAR = Report("hawar-1", "The US-led coalition is planning to build a military base near Tal Alu.",
               dt.date(2021, 2, 3), "Hawar News")
RUSSIA = Report("ru-1", "On 4 April a Russian military police convoy of 12 armoured vehicles arrived in Al-Qamishli.",
                dt.date(2021, 4, 4), "Sputnik")


@pytest.fixture()
def tracker(tmp_path, gaz) -> Tracker:
    t = Tracker(tmp_path / "tracker.gpkg", gazetteer=gaz)
    t.ingest([SOHR, ASHARQ, SANA, HAWAR, RUSSIA])
    return t


def test_ingest_summary_counts_and_duplicates(tmp_path, gaz):
    t = Tracker(tmp_path / "t.gpkg", gazetteer=gaz)
    first = t.ingest([SOHR, ASHARQ])
    assert isinstance(first, IngestSummary)
    assert (first.added, first.skipped, first.reports, first.convoys, first.corroborated) == (2, 0, 2, 1, 1)
    second = t.ingest([ASHARQ])
    assert (second.added, second.skipped, second.skipped_ids) == (0, 1, ("asharq-1",))
    assert str(second).startswith("added 0 reports, skipped 1 already in the store; the store holds 2 reports")


def test_ingest_reads_paths_and_report_objects(tmp_path, gaz):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("published: 2021-03-10\nsource: SOHR\n\n" + SOHR.text + "\n", encoding="utf-8")
    t = Tracker(tmp_path / "t.gpkg", gazetteer=gaz)
    done = t.ingest([folder, ASHARQ])
    assert done.added_ids == ("a", "asharq-1") and done.convoys == 1
    assert t.ingest(str(folder)).skipped == 1  # a single path works; same outlet and text: a duplicate


def test_frames_are_tidy_geodataframes(tracker):
    convoys = tracker.convoys()
    assert isinstance(convoys, gpd.GeoDataFrame) and convoys.crs.to_epsg() == 4326
    merged = convoys[convoys["corroboration"] == 2].iloc[0]
    assert merged["sources"] == "Asharq Al-Awsat; SOHR"  # by publication, then outlet
    assert merged["report_ids"] == "asharq-1; sohr-1"
    assert merged["conflicts"] == "vehicles: 45 (SOHR); 50 (Asharq Al-Awsat)"
    assert merged["event_date"] == dt.datetime(2021, 3, 9)
    assert 60 < merged["route_km"] < 110  # Al-Walid crossing to Al-Qamishli; the region is left out
    assert merged["precision"] == 1 and merged["uncertainty_km"] > 0
    assert merged.geometry.geom_type == "LineString"
    sites = tracker.sites()
    assert sites["status"].tolist() == ["planned"]
    assert sites["conflicts"].iloc[0] == "status: established (SANA); planned (Hawar News)"
    events = tracker.events()
    assert events["event_type"].tolist() == ["site", "convoy", "convoy"]  # by date
    assert list(tracker.reports()["report_id"]) == ["sohr-1", "asharq-1", "sana-1", "hawar-1", "ru-1"]
    assert len(tracker) == 5


def test_filters(tracker):
    assert len(tracker.events(since="2021-03-01")) == 2
    assert len(tracker.events(until=dt.date(2021, 3, 1))) == 1
    assert tracker.events(actor="russian")["actor"].tolist() == ["Russian forces"]
    assert len(tracker.events(kind="site")) == 1 and len(tracker.events(kind="base")) == 1
    assert len(tracker.events(kind="airfield")) == 0
    assert len(tracker.convoys(actor="coalition")) == 1
    assert tracker.events(since="2030-01-01").empty
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        tracker.events(since="March")


def test_to_file_every_format(tracker, tmp_path):
    for name in ("e.geojson", "e.gpkg", "e.kml", "e.csv"):
        path = tracker.to_file(tmp_path / name, actor="coalition")
        assert path.stat().st_size > 0
    assert set(gpd.read_file(tmp_path / "e.gpkg", layer="convoys")["sources"]) == {"Asharq Al-Awsat; SOHR"}
    assert len(gpd.read_file(tmp_path / "e.geojson")) == 2
    tracker.to_file(tmp_path / "sites.dat", "csv", kind="site")
    assert (tmp_path / "sites.dat").read_text(encoding="utf-8").count("\n") == 2


def test_repr_html_and_summary(tracker):
    summary = tracker.summary()
    assert summary["reports"] == 5 and summary["corroborated"] == 2 and summary["with conflicts"] == 2
    assert "<table>" in tracker._repr_html_()


def test_default_store_lives_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_TRACKER_DATA", str(tmp_path / "data"))
    t = geo_tracker.Tracker()
    assert t.path == tmp_path / "data" / "tracker.gpkg"
    assert t.events().empty and not t.path.exists()
    t.ingest([Report("x", "Nothing happened today.", dt.date(2021, 1, 1), "SANA")])
    assert t.path.is_file()


def test_failed_first_ingest_leaves_no_empty_store(tmp_path) -> None:
    import pytest

    import geo_tracker

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "A convoy entered via the Al-Walid crossing."}\n{not json\n', encoding="utf-8")
    store = tmp_path / "new.gpkg"
    with pytest.raises(geo_tracker.InputError):
        geo_tracker.Tracker(store).ingest([bad])
    assert not store.exists()


def test_sites_of_kind_convoy_is_empty_not_a_crash(tracker):
    # sites(kind="convoy") handed the merged convoys to the site table: AttributeError 'Convoy'.id.
    sites = tracker.sites(kind="convoy")
    assert sites.empty and "status" in sites.columns


def test_events_frame_keeps_site_and_convoy_columns_when_filters_leave_nothing(tracker):
    # An empty selection used to come back with the convoy columns only, so
    # events(kind="airfield")["status"] raised KeyError in code that works on any other day.
    full = tracker.events()
    for selection in (tracker.events(kind="airfield"), tracker.events(since="2030-01-01"),
                      tracker.events(kind="base"), tracker.events(kind="convoy")):
        assert list(selection.columns) == list(full.columns)
        assert selection.crs.to_epsg() == 4326


def test_a_site_followed_over_months_and_its_state_on_a_date(tmp_path, gaz):
    # One base, three outlets, ten months: one site; --until gives the site as it stood then.
    reports = [
        Report("a", "US forces are planning to build a military base near Tal Alu in the Al-Yarubiya area.",
               dt.date(2021, 1, 10), "SANA"),
        Report("b", "US forces have established a new military base near Tal Alu in the Al-Yarubiya area.",
               dt.date(2021, 6, 15), "SOHR"),
        Report("c", "US forces withdrew from their base near Tal Alu in the Al-Yarubiya area.",
               dt.date(2021, 11, 20), "North Press"),
    ]
    t = Tracker(tmp_path / "t.gpkg", gazetteer=gaz)
    t.ingest(reports)
    [site] = [e for e in t.merged() if not isinstance(e, geo_tracker.Convoy)]
    assert (site.status, site.corroboration, site.conflicts) == ("withdrawn", 3, ())
    [then] = t.merged(until="2021-02-01", kind="site")
    assert (then.status, then.date.value) == ("planned", dt.date(2021, 1, 10))
    [since] = t.merged(since="2021-06-01", kind="site")
    assert since.status == "withdrawn" and since.corroboration == 2
