"""Corpus evaluation: both XML layouts, span repair, the metrics, and the eval command.

The exact figures are worked out by hand from the fixtures in tests/data/eval/ (see the
README there) and a six-place gazetteer, so that they do not move when the world
gazetteer or the resolver's weights change.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo_tracker.cli import main
from geo_tracker.errors import InputError
from geo_tracker.evaluate import (
    MAX_ERROR_KM,
    acc_at_161,
    auc_of_errors,
    evaluate,
    evaluate_article,
    format_scores,
    match_spans,
    median_km,
    read_corpus,
    repair_span,
)
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.geodesy import haversine_km
from geo_tracker.models import Place

DATA = Path(__file__).parent / "data" / "eval"
LGL = DATA / "lgl_layout.xml"
GWN = DATA / "gwn_layout.xml"
SHARED_LGL = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "lgl.xml"

# Damascus, Maryland (the gold) to Damascus, Syria (the only Damascus the small gazetteer knows).
DAMASCUS_KM = float(haversine_km(39.28844, -77.20387, 33.5102, 36.29128))


def scaled(km: float) -> float:
    return min(1.0, math.log1p(km) / math.log(20039))


@pytest.fixture(scope="module")
def small_gaz() -> Gazetteer:
    return Gazetteer.from_places([
        Place("iq-erbil", "Erbil", "city", "IQ", 36.19119, 44.00919, 5.0),
        Place("sy-qamishli", "Al-Qamishli", "city", "SY", 37.04802, 41.22516, 3.0, alt_names=("Qamishli",)),
        Place("sy-tal-tamr", "Tal Tamr", "town", "SY", 36.65876, 40.36503, 2.0),
        Place("sy-damascus", "Damascus", "city", "SY", 33.5102, 36.29128, 5.0),
        Place("sy-aleppo", "Aleppo", "city", "SY", 36.20311, 37.14087, 5.0),
        Place("sy-kobani", "Kobani", "city", "SY", 36.89093, 38.34816, 3.0),
    ])


def run(*args):
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- readers


def test_lgl_layout_is_read_with_spans_repaired_and_dropped():
    corpus = read_corpus(LGL)
    assert corpus.layout == "lgl"
    assert [a.id for a in corpus.articles] == ["101", "102", "103"]
    assert [len(a.toponyms) for a in corpus.articles] == [3, 2, 2]
    assert (corpus.repaired_spans, corpus.dropped, corpus.n_toponyms) == (1, 1, 7)
    for article in corpus.articles:
        for t in article.toponyms:
            assert article.text[t.start : t.end] == t.phrase
    tal_tamr, hasakah = corpus.articles[1].toponyms
    assert (tal_tamr.start, tal_tamr.end) == (23, 31)  # the file says 24–32
    assert (tal_tamr.lat, tal_tamr.lon) == (36.65876, 40.36503) and tal_tamr.geocodable
    assert hasakah.lat is None and hasakah.lon is None and not hasakah.geocodable
    # The unrepairable "Frederick" is no gold toponym; its given span is ignored.
    assert corpus.articles[2].ignored == ((30, 36),)


def test_gwn_layout_conventions():
    corpus = read_corpus(GWN)
    assert corpus.layout == "gwn"
    assert (corpus.repaired_spans, corpus.dropped) == (1, 0)
    first, second = corpus.articles
    assert first.id == "0" and second.id == "1"
    turkish, kobani, damascus = first.toponyms  # "town" (Literal_Expression) is not a toponym
    assert turkish.phrase == "Turkish" and not turkish.locational and turkish.lat is None
    assert kobani.geocodable
    assert damascus.lat is not None and not damascus.locational and not damascus.geocodable
    assert first.ignored == ((86, 90),) and first.text[86:90] == "town"
    aleppo = second.toponyms[1]
    assert second.text[aleppo.start : aleppo.end] == "Aleppo" and aleppo.start == 29  # the file says 28


def test_repair_span_tries_neighbouring_offsets():
    text = "Trucks left Erbil today"
    assert repair_span(text, 12, 17, "Erbil") == (12, 17)
    assert repair_span(text, 13, 18, "Erbil") == (12, 17)
    assert repair_span(text, 10, 15, "Erbil") == (12, 17)
    assert repair_span(text, 12, 14, "Erbil") == (12, 17)  # a wrong end alone
    assert repair_span(text, 15, 20, "Erbil") is None  # three characters off: not a repair
    assert repair_span(text, 40, 45, "Erbil") is None


def _write(tmp_path, body: str, name: str = "c.xml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_dtd_and_entities_are_refused(tmp_path):
    laughs = _write(tmp_path, (
        '<?xml version="1.0"?>\n<!DOCTYPE articles [\n <!ENTITY a "aaaaaaaaaa">\n <!ENTITY b "&a;&a;&a;&a;&a;">\n]>\n'
        "<articles><article><text>&b;</text><toponyms/></article></articles>\n"
    ))
    with pytest.raises(InputError, match=r"c\.xml:2: document type declarations and entities are refused"):
        read_corpus(laughs)
    external = _write(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE articles SYSTEM "http://example.invalid/x.dtd">\n<articles/>')
    with pytest.raises(InputError, match="refused"):
        read_corpus(external)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<articles>\n<article><text>A</text>\n<toponyms><toponym><name>A</name><start>0</start><end>1</end>"
         "</toponym></toponyms></article></articles>", r"c\.xml:3: unknown corpus layout"),
        ("<rss><channel><item>x</item></channel></rss>", r"c\.xml: unknown corpus layout: no <article> elements"),
        ("<articles><article><text>A</text></article></articles>", r"no <toponym> or <location> annotations"),
        ("<articles>\n<article>\n<toponyms/></article></articles>", r"c\.xml:2: <article> without <text>"),
        ("<articles>\n<article><text>Erbil</text>\n<toponyms>\n<toponym><phrase>Erbil</phrase><start>zero</start>"
         "<end>5</end></toponym></toponyms></article></articles>", r"c\.xml:4: <start> must be a whole number"),
        ("<articles><article><text>Erbil</text><toponyms>\n<toponym><phrase>Erbil</phrase><start>0</start><end>5</end>"
         "<gaztag><lat>136.2</lat><lon>44.0</lon></gaztag></toponym></toponyms></article></articles>",
         r"c\.xml:2: <lat> 136\.2 is out of range"),
        ("<articles><article><text>Erbil and Kobani</text><toponyms>\n<toponym><phrase>Erbil</phrase><start>0</start>"
         "<end>5</end></toponym>\n<toponym><extractedName>Kobani</extractedName><start>10</start><end>16</end>"
         "</toponym></toponyms></article></articles>", r"c\.xml:3: the corpus mixes"),
        ("<articles>\n<article><text>A</text>\n</articles>", r"c\.xml:3: malformed XML \(mismatched tag\)"),
        ("", r"c\.xml:1: malformed XML \(no element found\)"),
    ],
)
def test_malformed_corpora_are_one_line_errors(tmp_path, body, message):
    with pytest.raises(InputError, match=message) as info:
        read_corpus(_write(tmp_path, body))
    assert "\n" not in str(info.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_corpus(tmp_path / "nope.xml")
    with pytest.raises(InputError, match="is a directory"):
        read_corpus(tmp_path)


@pytest.mark.skipif(not SHARED_LGL.is_file(), reason="../shared/benchmarks/lgl.xml is not present")
def test_reader_on_the_lgl_corpus():
    corpus = read_corpus(SHARED_LGL)
    assert corpus.layout == "lgl"
    assert len(corpus.articles) == 588
    assert corpus.n_toponyms + corpus.dropped == 5088
    assert sum(t.geocodable for a in corpus.articles for t in a.toponyms) == 4462
    # This copy of LGL has every span right: nothing to repair, nothing dropped.
    assert (corpus.repaired_spans, corpus.dropped) == (0, 0)


# --------------------------------------------------------------------------- metrics


def test_span_matching_precision_recall():
    gold = [(0, 5), (10, 15), (20, 25), (30, 35)]
    pred = [(1, 3), (14, 18), (40, 45)]
    pairs = match_spans(gold, pred)
    assert pairs == [(0, 0), (1, 1)]
    precision, recall = len(pairs) / len(pred), len(pairs) / len(gold)
    assert (precision, recall) == (2 / 3, 1 / 2)
    # One to one: a second prediction on the same gold span is not a match.
    assert match_spans([(0, 10)], [(0, 5), (5, 10)]) == [(0, 0)]  # a tie goes to the earlier one
    # The gold span takes the prediction it overlaps most; touching is no overlap.
    assert match_spans([(5, 10)], [(0, 6), (6, 12), (10, 14)]) == [(0, 1)]


def test_error_metrics():
    assert acc_at_161([10, 200]) == 0.5
    assert acc_at_161([]) is None and auc_of_errors([]) is None and median_km([]) is None
    assert auc_of_errors([0, 0]) == 0.0
    assert auc_of_errors([MAX_ERROR_KM] * 3) == 1.0
    assert auc_of_errors([0, MAX_ERROR_KM]) == 0.5
    # Sorted [0, 0, 0, x] over x positions 0, 1/3, 2/3, 1: one trapezoid of height y(x)/2.
    assert auc_of_errors([500.0, 0, 0, 0]) == pytest.approx(scaled(500.0) / 6)
    assert auc_of_errors([100.0]) == pytest.approx(scaled(100.0))
    assert median_km([0, 0, 5, 20039]) == 2.5


# --------------------------------------------------------------------------- evaluation


def test_end_to_end_on_the_lgl_fixture(small_gaz):
    s = evaluate(read_corpus(LGL), small_gaz)
    # Predicted: Erbil, Qamishli, Tal Tamr, Aleppo (not annotated), Damascus.
    # Missed: Dohuk, Hasakah, Maryland. "Frederick" was dropped.
    assert (s.n_gold, s.n_pred, s.n_matched) == (7, 5, 4)
    assert s.precision == pytest.approx(4 / 5)
    assert s.recall == pytest.approx(4 / 7)
    assert s.f1 == pytest.approx(2 / 3)
    # Resolution on the matched toponyms with coordinates: three exact, Damascus on the wrong continent.
    assert (s.n_resolved, s.n_unresolved) == (4, 0)
    assert s.acc161 == 0.75
    assert s.mean_km == pytest.approx(DAMASCUS_KM / 4, abs=1e-6)
    assert s.median_km == pytest.approx(0.0, abs=1e-6)
    assert s.auc == pytest.approx(scaled(DAMASCUS_KM) / 6)
    assert (s.repaired_spans, s.dropped_spans, s.n_articles, s.layout, s.mode) == (1, 1, 3, "lgl", "end-to-end")


def test_gold_spans_on_the_lgl_fixture(small_gaz):
    s = evaluate(read_corpus(LGL), small_gaz, gold_spans=True)
    assert (s.precision, s.recall, s.f1, s.n_pred, s.n_matched) == (None, None, None, None, None)
    # Six gold toponyms with coordinates; Dohuk and Maryland have no candidate (20,039 km each).
    assert (s.n_gold, s.n_resolved, s.n_unresolved) == (7, 4, 2)
    assert s.acc161 == 0.5
    assert s.mean_km == pytest.approx((DAMASCUS_KM + 2 * MAX_ERROR_KM) / 6)
    assert s.median_km == pytest.approx(DAMASCUS_KM / 2)
    # Sorted [0, 0, 0, d, max, max] over steps of 1/5.
    assert s.auc == pytest.approx((scaled(DAMASCUS_KM) + 1.5) / 5)
    assert s.mode == "gold-spans"


def test_gwn_fixture(small_gaz):
    corpus = read_corpus(GWN)
    s = evaluate(corpus, small_gaz)
    # Gold for recognition: Turkish, Kobani, Damascus, Manbij, Aleppo; predicted: Kobani, Damascus, Aleppo.
    assert (s.n_gold, s.n_pred, s.n_matched) == (5, 3, 3)
    assert (s.precision, s.recall, s.f1) == (1.0, pytest.approx(0.6), pytest.approx(0.75))
    # Resolution: Kobani and Aleppo; metonymic Damascus is not resolution gold.
    assert (s.n_resolved, s.n_unresolved, s.acc161, s.auc) == (2, 0, 1.0, 0.0)
    g = evaluate(corpus, small_gaz, gold_spans=True)
    assert (g.n_resolved, g.n_unresolved) == (2, 1)  # Manbij is unknown to the small gazetteer
    assert g.acc161 == pytest.approx(2 / 3)
    assert g.mean_km == pytest.approx(MAX_ERROR_KM / 3, abs=1e-6)
    assert g.auc == pytest.approx(0.25)


def test_article_results_list_misses_and_spurious_mentions(small_gaz):
    results = []
    s = evaluate(read_corpus(LGL), small_gaz, limit=2, progress=results.append)
    assert s.n_articles == 2 and [r.article_id for r in results] == ["101", "102"]
    second = results[1]
    assert [t.phrase for t in second.missed] == ["Hasakah"]
    assert second.spurious == ((69, 75, "Aleppo"),)
    assert [(r.phrase, r.place_id, round(r.error_km, 6)) for r in second.resolved] == [("Tal Tamr", "sy-tal-tamr", 0.0)]
    gold = evaluate_article(read_corpus(LGL).articles[0], small_gaz, gold_spans=True)
    dohuk = gold.resolved[2]
    assert (dohuk.phrase, dohuk.place_id, dohuk.lat, dohuk.error_km) == ("Dohuk", None, None, MAX_ERROR_KM)


def test_default_gazetteer_resolves_the_fixture_places(gaz):
    result = evaluate_article(read_corpus(LGL).articles[0], gaz, gold_spans=True)
    assert [(r.phrase, r.error_km < 161) for r in result.resolved] == [
        ("Erbil", True), ("Qamishli", True), ("Dohuk", True)]


def test_table_layout(small_gaz):
    table = format_scores(evaluate(read_corpus(LGL), small_gaz, gold_spans=True))
    lines = table.splitlines()
    assert lines[0].startswith("mode") and "gold-spans (LGL/TR-News layout, 3 articles)" in lines[0]
    assert "  precision                   n/a" in lines
    assert "  scored / unresolved         6 / 2" in lines
    assert "spans repaired / dropped      1 / 1" in lines


# --------------------------------------------------------------------------- command line


def test_eval_command_table_and_json():
    res = run("eval", "--corpus", str(LGL))
    assert res.exit_code == 0, res.output
    assert "Acc@161km" in res.output and "spans repaired / dropped      1 / 1" in res.output
    res = run("eval", "--corpus", str(LGL), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["n_gold"], data["repaired_spans"], data["dropped_spans"], data["layout"]) == (7, 1, 1, "lgl")
    assert 0.0 <= data["f1"] <= 1.0 and data["mode"] == "end-to-end"
    res = run("eval", "--corpus", str(GWN), "--gold-spans", "--json", "--limit", "1")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["precision"] is None and data["n_articles"] == 1 and data["mode"] == "gold-spans"
    assert data["n_resolved"] + data["n_unresolved"] == 1  # Kobani


def test_eval_command_errors(tmp_path):
    res = run("eval", "--corpus", str(tmp_path / "nope.xml"))
    assert res.exit_code == 1
    assert res.output.strip() == f"Error: {tmp_path / 'nope.xml'}: no such file"
    bad = _write(tmp_path, "<articles><article><text>x</text><toponyms><toponym><name>x</name></toponym>"
                           "</toponyms></article></articles>")
    res = run("eval", "--corpus", str(bad))
    assert res.exit_code == 1 and "unknown corpus layout" in res.output
    assert len(res.output.strip().splitlines()) == 1
    res = run("eval")
    assert res.exit_code == 2  # --corpus is required


# --------------------------------------------------------------------------- GeoVirus layout

GEOVIRUS_XML = """<articles>
<article><source>https://example.org/wiki/Fever_cases_rise</source>
<text>Doctors in Erbil counted new fever cases, and a clinic in Kobani opened a ward.</text>
<locations>
<location><name>Erbil</name><start>11</start><end>16</end><lat>36.19</lat><lon>44.01</lon>
<page>https://example.org/wiki/Erbil</page></location>
<location><name>Kobani</name><start>57</start><end>63</end><lat>36.89</lat><lon>38.35</lon>
<page>https://example.org/wiki/Kobani</page></location>
</locations></article>
<article><source>https://example.org/wiki/Second</source>
<text>Nurses from Damascus travelled to Atlantis.</text>
<locations>
<location><name>Damascus</name><start>12</start><end>20</end><lat>39.29</lat><lon>-77.20</lon>
<page>https://example.org/wiki/Damascus,_Maryland</page></location>
<location><name>Atlantis</name><start>34</start><end>42</end><lat>10.0</lat><lon>10.0</lon>
<page>https://example.org/wiki/Atlantis</page></location>
</locations></article>
</articles>
"""


def test_geovirus_layout_is_detected_and_read(tmp_path):
    path = tmp_path / "virus.xml"
    path.write_text(GEOVIRUS_XML, encoding="utf-8")
    corpus = read_corpus(path)
    assert corpus.layout == "geovirus"
    assert [a.id for a in corpus.articles] == ["https://example.org/wiki/Fever_cases_rise", "https://example.org/wiki/Second"]
    assert [(t.phrase, t.lat) for t in corpus.articles[0].toponyms] == [("Erbil", 36.19), ("Kobani", 36.89)]


def test_geovirus_halves_and_error_list(tmp_path, small_gaz):
    path = tmp_path / "virus.xml"
    path.write_text(GEOVIRUS_XML, encoding="utf-8")
    corpus = read_corpus(path)
    assert evaluate(corpus, small_gaz, gold_spans=True, half="even").acc161 == 1.0
    found = []
    odd = evaluate(corpus, small_gaz, gold_spans=True, half="odd", progress=found.append)
    # Damascus goes to Syria (the gold is Maryland), Atlantis has no candidate.
    assert (odd.n_articles, odd.acc161, odd.n_unresolved) == (1, 0.0, 1)
    from geo_tracker.evaluate import error_rows

    assert [(r["phrase"], r["error"]) for r in error_rows(found)] == [("Damascus", "misplaced"), ("Atlantis", "unresolved")]


def test_eval_command_writes_the_errors_of_an_xml_corpus(tmp_path):
    path = tmp_path / "virus.xml"
    path.write_text(GEOVIRUS_XML, encoding="utf-8")
    out = tmp_path / "errors.json"
    res = run("eval", "--corpus", str(path), "--gold-spans", "--half", "odd", "--errors", str(out))
    assert res.exit_code == 0, res.output
    assert "GeoVirus layout, 1 articles" in res.output
    assert "Atlantis" in {r["phrase"] for r in json.loads(out.read_text("utf-8"))}


def test_breakdown_by_kind_of_the_chosen_place_when_the_corpus_gives_none(tmp_path, small_gaz):
    path = tmp_path / "virus.xml"
    path.write_text(GEOVIRUS_XML, encoding="utf-8")
    s = evaluate(read_corpus(path), small_gaz, gold_spans=True)
    assert s.kind_source == "resolved"
    assert s.by_kind == {
        "populated place": {"scored": 3, "acc161": pytest.approx(2 / 3), "misses": 1},
        "unresolved": {"scored": 1, "acc161": 0.0, "misses": 1},
    }
    assert "by kind (resolved)" in format_scores(s)


def test_breakdown_by_gold_feature_class_on_lgl(small_gaz):
    s = evaluate(read_corpus(LGL), small_gaz, gold_spans=True)
    assert s.kind_source == "gold" and set(s.by_kind) <= {"country", "first-level region", "populated place", "other"}
    assert sum(v["scored"] for v in s.by_kind.values()) == s.n_resolved + s.n_unresolved
