"""Output files of every writing command: one-line errors for unwritable directories, usual file modes."""

from __future__ import annotations

import errno
import os
import stat
import tempfile

import pytest
from click.testing import CliRunner

from geo_tracker.cli import main

REPORT = ("published: 2021-02-06\nsource: SOHR\n\nA convoy of 50 military vehicles entered Syria through the "
          "Al-Walid border crossing and headed to Al-Hasakah.\n")


@pytest.fixture()
def report(tmp_path):
    path = tmp_path / "r.md"
    path.write_text(REPORT, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _refuse(*args, **kwargs):  # what a read-only or unwritable directory does (root ignores chmod)
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


@pytest.fixture()
def store(tmp_path, report):
    path = tmp_path / "store.gpkg"
    assert run("ingest", report, "--store", path).exit_code == 0
    return path


@pytest.mark.parametrize("command", [
    ["map", "{report}", "-o", "{out}/m.html"],
    ["extract", "{report}", "-o", "{out}/e.json"],
    ["export", "--store", "{store}", "-o", "{out}/x.csv"],
    ["export", "--store", "{store}", "-o", "{out}/x.kml"],
    ["batch", "{report}", "--workers", "1", "-q", "-o", "{out}/b.parquet"],
])
def test_unwritable_output_directory_is_a_one_line_error(tmp_path, report, store, monkeypatch, command):
    if command[0] == "batch":
        pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(report=report, out=out, store=store) for a in command]
    monkeypatch.setattr(tempfile, "mkstemp", _refuse)
    monkeypatch.setattr(tempfile, "mkdtemp", _refuse)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    assert not isinstance(res.exception, PermissionError), res.exception  # not a traceback
    assert res.output.strip().splitlines()[-1].startswith("Error: "), res.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name, extra", [
    ("e.json", ["extract"]),
    ("e.csv", ["extract", "--format", "csv"]),
    ("m.html", ["map"]),
    ("b.parquet", ["batch", "--workers", "1", "-q"]),
])
def test_new_output_files_get_the_usual_mode(tmp_path, report, name, extra):
    if extra[0] == "batch":
        pytest.importorskip("pyarrow")
    out = tmp_path / name
    old = os.umask(0o022)
    try:
        res = run(extra[0], report, "-o", out, *extra[1:])
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600: others may read what they could before


def test_map_respects_a_strict_umask(tmp_path, report):
    out = tmp_path / "m.html"
    old = os.umask(0o077)
    try:
        res = run("map", report, "-o", out)
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("country", ["Syria", "SYR", "S", ""])
def test_lookup_country_that_is_not_a_two_letter_code_is_a_usage_error(country):
    res = CliRunner().invoke(main, ["lookup", "Qamishli", "--country", country])
    assert res.exit_code == 2, res.output  # not "no place matches 'Qamishli'" with status 1
    assert "two-letter" in res.output


def test_lookup_country_code_in_any_case():
    for country in ("SY", "sy"):
        res = CliRunner().invoke(main, ["lookup", "Qamishli", "--country", country, "--limit", "1"])
        assert res.exit_code == 0 and "sy-qamishli" in res.output, res.output


def test_map_dash_writes_the_page_to_stdout_not_a_file_named_dash(tmp_path, report, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["map", str(report), "-o", "-"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "-").exists()
    assert res.stdout.startswith("<!DOCTYPE html>") and res.stdout.rstrip().endswith("</html>")
    assert "1 reports" in res.stderr and "1 reports" not in res.stdout


def test_python_api_refuses_to_overwrite_the_store_or_an_input(tmp_path, report, store):
    """Tracker.to_file and run_batch refuse the store and their inputs, whatever name reaches them (issue 20)."""
    from geo_tracker.errors import RenderError
    from geo_tracker.tracker import Tracker

    before = store.read_bytes()
    (tmp_path / "alias.gpkg").symlink_to(store)
    for target in (store, tmp_path / "alias.gpkg", tmp_path / "." / "store.gpkg"):
        with pytest.raises(RenderError, match="the output is a geo-tracker store"):
            Tracker(store).to_file(target)
    assert store.read_bytes() == before
    pytest.importorskip("pyarrow")
    from geo_tracker.batch import run_batch

    table = tmp_path / "in.parquet"
    assert run("batch", report, "--workers", "1", "-q", "-o", table).exit_code == 0
    with pytest.raises(RenderError, match="the output is also an input"):
        run_batch([table], table, workers=1, quiet=True)


def test_a_gpkg_export_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, store, monkeypatch):
    import sqlite3

    from geo_tracker import gpkg

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(gpkg, "insert", full)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["export", "--store", str(store), "-o", str(out / "x.gpkg")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stderr.strip().splitlines() == [f"Error: {out / 'x.gpkg'}: cannot write (database or disk is full)"]
    assert list(out.iterdir()) == []


def test_the_temporary_files_of_a_killed_writer_are_removed_by_the_next_write(tmp_path, report):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process that has ended, as a killed writer has
    left = tmp_path / f".e.json.{pid}.k1ll3d.tmp"
    left.write_text("half a file", encoding="utf-8")
    alive = tmp_path / f".e.json.{os.getppid()}.w0rk1ng.tmp"  # a writer still running: left alone
    alive.write_text("being written", encoding="utf-8")
    assert run("extract", report, "-o", tmp_path / "e.json").exit_code == 0
    assert not left.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [alive.name]
