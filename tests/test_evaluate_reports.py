"""`geo-tracker eval` on the report-corpus layout (JSON Lines with places, convoys and sites).

The tiny corpus here is written for these tests; the comparison with the corpus's own
reference scorer runs only where ``../shared`` (the development corpus) is present.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo_tracker.cli import main
from geo_tracker.evaluate_reports import is_report_corpus, score_reports, select_docs

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "reports"

TEXT = "A column of 20 trucks left Erbil for Kirkuk, officials in Washington said."


def _doc(**over):
    doc = {
        "id": "d1", "url": None, "published": "2024-03-01", "lang": "en", "text": TEXT,
        "places": [
            {"mention": "Erbil", "start": 27, "end": 32, "name": "Erbil", "kind": "town",
             "lat": 36.19, "lon": 44.01, "tol_km": 10, "coord_source": "test"},
            {"mention": "Kirkuk", "start": 37, "end": 43, "name": "Kirkuk", "kind": "town",
             "lat": 35.47, "lon": 44.39, "tol_km": 10, "coord_source": "test"},
        ],
        "convoys": [{"vehicles_min": 20, "origin": "Erbil", "via": None, "destination": "Kirkuk", "date": None,
                     "refs": {"origin": 0, "via": None, "destination": 1}}],
        "sites": [],
    }
    doc.update(over)
    return doc


def _place(start, end, lat, lon, qualifier=None, kind="town", name="x"):
    return {"mention": TEXT[start:end], "start": start, "end": end, "lat": lat, "lon": lon,
            "qualifier": qualifier, "kind": kind, "name": name}


def test_neutral_qualifier_counts_neither_way_and_overlap_matches():
    pred = {"d1": {"places": [
        _place(27, 31, 36.19, 44.01),               # overlaps 'Erbil' (partial span): right
        _place(37, 43, 30.0, 30.0),                 # recognised but placed far off
        _place(58, 68, 38.9, -77.0, qualifier="metonym"),  # 'Washington' as government: neutral
    ], "convoys": [], "sites": []}}
    f = score_reports([_doc()], pred).figures
    assert (f["recog_P"], f["recog_R"]) == (1.0, 1.0)
    assert f["recog_P_raw"] == round(2 / 3, 3)
    assert f["acc_tol"] == 0.5


def test_convoy_roles_and_event_match():
    pred = {"d1": {"places": [], "sites": [], "convoys": [
        {"vehicles_min": 20, "origin": _place(27, 32, 36.19, 44.01), "via": None,
         "destination": _place(27, 32, 36.19, 44.01)},  # destination wrongly at Erbil
    ]}}
    f = score_reports([_doc()], pred).figures
    assert (f["convoy_P"], f["convoy_R"]) == (1.0, 1.0)
    assert (f["convoy_role_P"], f["convoy_role_R"]) == (0.5, 0.5)


def test_site_status_scored_on_matched_sites():
    doc = _doc(convoys=[], sites=[{"name": "Erbil", "kind": "base", "status": "established", "ref": 0}])
    site = dict(_place(27, 32, 36.19, 44.01), status="expanded")
    f = score_reports([doc], {"d1": {"places": [], "convoys": [], "sites": [site]}}).figures
    assert f["site_F1"] == 1.0 and f["site_status_acc"] == 0.0
    site["status"] = "established"
    assert score_reports([doc], {"d1": {"places": [], "convoys": [], "sites": [site]}}).figures["site_status_acc"] == 1.0


def test_halves_and_languages_select_documents():
    docs = [_doc(id=f"d{i}", lang="ar" if i % 3 == 0 else "en") for i in range(6)]
    assert [d["id"] for d in select_docs(docs, half="odd")] == ["d1", "d3", "d5"]
    assert [d["id"] for d in select_docs(docs, only="ar")] == ["d0", "d3"]


def test_cli_detects_the_layout_and_writes_errors(tmp_path):
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(json.dumps(_doc()) + "\n", encoding="utf-8")
    assert is_report_corpus(corpus)
    errors = tmp_path / "misses.json"
    r = CliRunner().invoke(main, ["eval", "--corpus", str(corpus), "--json", "--errors", str(errors)])
    assert r.exit_code == 0, r.output
    figures = json.loads(r.output)
    assert {"recog_F1", "acc_tol", "convoy_F1", "convoy_role_F1", "site_F1", "site_status_acc"} <= set(figures)
    assert set(json.loads(errors.read_text(encoding="utf-8"))) >= {"false_positive", "missed", "sites"}


@pytest.mark.skipif(not (SHARED / "score.py").exists(), reason="../shared (development corpus) is absent")
def test_figures_equal_the_reference_scorer_on_the_development_corpus():
    exe = Path(sys.executable).with_name("geo-tracker")
    if not exe.exists():
        pytest.skip("the geo-tracker executable is not beside this Python")
    ref = subprocess.run([sys.executable, str(SHARED / "score.py"), "--geo-tracker", str(exe)],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    expected = json.loads(ref)
    r = CliRunner().invoke(main, ["eval", "--corpus", str(SHARED / "dev.jsonl"), "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    for key, value in expected.items():
        assert abs(got[key] - value) <= 0.001, key


def test_table_keeps_columns_apart(tmp_path):
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text(json.dumps(_doc()) + "\n" + json.dumps(_doc(id="d2", lang="ar")) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", "--corpus", str(corpus)])
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if line.startswith("convoys P / R / F1"))
    assert len(re.findall(r"\d\.\d{3} / \d\.\d{3} / \d\.\d{3}(?=\s|$)", row)) == 3


def test_errors_file_may_not_replace_the_corpus(tmp_path):
    corpus = tmp_path / "mine.jsonl"
    original = json.dumps(_doc()) + "\n"
    corpus.write_text(original, encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", "--corpus", str(corpus), "--errors", str(corpus)])
    assert r.exit_code != 0
    assert "the output is also an input" in r.output
    assert corpus.read_text(encoding="utf-8") == original
