"""``geo-tracker batch``: partitions on dask workers give the single-process result, row for row."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

pa = pytest.importorskip("pyarrow")  # the 'batch' extra, part of the 'test' extra
pq = pytest.importorskip("pyarrow.parquet")

from geo_tracker import batch
from geo_tracker.batch import BatchError, run_batch, table_frame, table_of
from geo_tracker.cli import main
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.io import read_reports, sample_paths
from geo_tracker.pipeline import extract_reports

N_REPORTS = 40
PARTITION = 7  # 6 partitions: uneven, so partition boundaries fall inside the corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A JSONL corpus of the samples repeated to 40 reports, with unique ids."""
    base = list(read_reports(sample_paths()))
    path = tmp_path_factory.mktemp("corpus") / "reports.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N_REPORTS):
            r = base[i % len(base)]
            record = {"id": f"r{i:03d}", "text": r.text, "published": r.published.isoformat(), "source": r.source}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def single_process(corpus, gaz):
    """The plain pipeline's events over the whole corpus, in one process and one piece."""
    return extract_reports(read_reports([corpus]), gaz)


@pytest.fixture(scope="module")
def expected(single_process) -> geopandas.GeoDataFrame:
    return table_frame(table_of(single_process))


def read_output(path: Path) -> geopandas.GeoDataFrame:
    return table_frame(pq.read_table(path))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_local_cluster_of_two_workers_equals_single_process(corpus, expected, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_batch([corpus], tmp_path / "events.parquet", scheduler=cluster.scheduler_address,
                           partition_size=PARTITION, quiet=True)
    assert (result.reports, result.partitions, result.workers) == (N_REPORTS, 6, 2)
    assert len(result.peak_rss_mb) == 2 and all(mb and mb > 0 for mb in result.peak_rss_mb.values())
    got = read_output(tmp_path / "events.parquet")
    assert len(got) == result.rows == len(expected) > N_REPORTS / 2
    assert_geodataframe_equal(got, expected)
    assert leftovers(tmp_path) == []


def test_output_is_geoparquet(corpus, expected, tmp_path):
    out = tmp_path / "events.parquet"
    run_batch([corpus], out, workers=1, partition_size=PARTITION, quiet=True)
    frame = geopandas.read_parquet(out)
    assert frame.crs.to_epsg() == 4326
    assert set(frame.geom_type.dropna()) == {"LineString", "Point"}
    assert_geodataframe_equal(frame, expected)
    meta = json.loads(pq.read_schema(out).metadata[b"geo"])
    assert meta["primary_column"] == "geometry"
    assert meta["columns"]["geometry"]["bbox"] == pytest.approx(list(expected.total_bounds))


def test_rows_do_not_depend_on_partitioning(corpus, expected, tmp_path):
    for size in (1, 13, 1000):
        out = tmp_path / f"events-{size}.parquet"
        run_batch([corpus], out, workers=1, partition_size=size, quiet=True)
        assert_geodataframe_equal(read_output(out), expected)


def test_gazetteer_loaded_once_per_process(corpus, tmp_path, monkeypatch, gaz):
    builds = []
    real_build = Gazetteer.build.__func__

    def counting_build(cls, *args, **kwargs):
        builds.append(1)
        return real_build(cls, *args, **kwargs)

    monkeypatch.setattr(Gazetteer, "build", classmethod(counting_build))
    monkeypatch.setattr(Gazetteer, "_default", None)
    result = run_batch([corpus], tmp_path / "events.parquet", workers=1, partition_size=5, quiet=True)
    assert result.partitions == 8 and len(builds) == 1


def test_parquet_input_with_a_text_column(corpus, expected, tmp_path):
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    table = pa.table({
        "id": [r["id"] for r in records],
        "Text": [r["text"] for r in records],
        "published": pa.array([r["published"] for r in records]).cast(pa.date32()),
        "source": [r["source"] for r in records],
        "extra": list(range(len(records))),
    })
    source = tmp_path / "reports.parquet"
    pq.write_table(table, source, row_group_size=9)
    out = tmp_path / "events.parquet"
    run_batch([source], out, workers=1, partition_size=PARTITION, quiet=True)
    assert_geodataframe_equal(read_output(out), expected)


def test_geopackage_output(corpus, expected, tmp_path):
    out = tmp_path / "events.gpkg"
    result = run_batch([corpus], out, workers=1, partition_size=PARTITION, quiet=True)
    frame = geopandas.read_file(out, layer="events")
    assert len(frame) == result.rows == len(expected)
    assert list(frame["report_id"]) == list(expected["report_id"])
    assert frame.geometry.geom_equals(expected.geometry).sum() == expected.geometry.notna().sum()
    assert leftovers(tmp_path) == []


def test_places_table(corpus, single_process, tmp_path):
    out = tmp_path / "places.parquet"
    result = run_batch([corpus], out, workers=1, partition_size=PARTITION, table="places", quiet=True)
    frame = geopandas.read_parquet(out)
    assert result.rows == len(frame) == len(single_process.places)
    assert frame["report_id"].iloc[0] == "r000" and (frame["mention"].str.len() > 0).all()


def test_reports_without_events_give_an_empty_table(tmp_path):
    source = tmp_path / "quiet.jsonl"
    source.write_text('{"id": "a", "text": "Nothing of note happened today."}\n', encoding="utf-8")
    out = tmp_path / "events.parquet"
    result = run_batch([source], out, workers=1, quiet=True)
    frame = geopandas.read_parquet(out)
    assert result.reports == 1 and len(frame) == 0 and "event_type" in frame.columns


def test_cli_batch(corpus, expected, tmp_path):
    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(main, ["batch", str(corpus), "-o", str(out), "--workers", "2", "--partition-size", "9"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == str(out)
    assert result.stdout.splitlines()[1].startswith(
        f"{N_REPORTS} reports, {len(expected)} events rows, 5 partitions on 2 workers in ")
    assert result.stderr == ""  # no bar when not on a terminal
    assert_geodataframe_equal(read_output(out), expected)
    quiet = CliRunner().invoke(main, ["batch", str(corpus), "-o", str(out), "--workers", "1", "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_cli_bad_input_fails_in_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "A convoy entered via Al-Walid."}\n{not json}\n', encoding="utf-8")
    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(main, ["batch", str(bad), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}:2: malformed JSON (Expecting property name enclosed in double quotes at column 2)\n"
    assert not out.exists() and leftovers(tmp_path) == []

    skipped = CliRunner().invoke(main, ["batch", str(bad), "-o", str(out), "--workers", "1", "--skip-bad"])
    assert skipped.exit_code == 0
    assert skipped.stderr.startswith(f"skipped: {bad}:2: malformed JSON")
    assert len(geopandas.read_parquet(out)) >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.csv"], "unsupported output type .csv"),
        (["-o", "out.parquet", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "--workers starts local workers"),
        (["-o", "out.parquet", "--table", "nope"], "'nope' is not one of"),
    ],
)
def test_cli_usage_mistakes_exit_2(corpus, tmp_path, args, message):
    result = CliRunner().invoke(main, ["batch", str(corpus), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_cli_missing_output_directory(corpus, tmp_path):
    result = CliRunner().invoke(main, ["batch", str(corpus), "-o", str(tmp_path / "no" / "x.parquet"), "--workers", "1"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "does not exist" in result.stderr


def test_missing_extra_is_a_one_line_error(corpus, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(BatchError, match=r"batch needs distributed: pip install 'geo-tracker\[batch\]'"):
        run_batch([corpus], tmp_path / "events.parquet", workers=2, quiet=True)
    assert leftovers(tmp_path) == []


def test_estimate_reports(corpus, tmp_path):
    assert batch.estimate_reports([corpus]) == N_REPORTS
    assert batch.estimate_reports(sample_paths()) == len(sample_paths())
    (tmp_path / "x.json").write_text('[{"text": "a"}]', encoding="utf-8")
    assert batch.estimate_reports([tmp_path / "x.json"]) is None
