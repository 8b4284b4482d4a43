"""Tests for geo_tracker.io: every input format, front matter, directories, errors, skip_bad, samples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo_tracker.errors import InputError
from geo_tracker.io import (
    iter_input_files,
    parse_date,
    read_report_file,
    read_reports,
    sample_paths,
)
from geo_tracker.models import Report

FIX = Path(__file__).parent / "fixtures" / "io"
D = dt.date


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def one_line(message: str) -> bool:
    return "\n" not in message and message.strip() == message


# --------------------------------------------------------------------------- formats


def test_markdown_front_matter() -> None:
    [r] = list(read_report_file(FIX / "front_matter.md"))
    assert r == Report(
        id="sohr-45",
        text="A convoy of 45 military vehicles and trucks entered via the Al-Walid crossing.",
        published=D(2021, 2, 8),
        source="Syrian Observatory for Human Rights",
        url="https://example.org/sohr/45",
    )


def test_plain_text_uses_stem_and_default_date() -> None:
    [r] = list(read_report_file(FIX / "plain.txt", published=D(2021, 3, 1)))
    assert r.id == "plain"
    assert r.text == "A convoy of dozens of trucks was seen near Al-Qamishli."
    assert r.published == D(2021, 3, 1)
    assert r.source is None and r.url is None


def test_front_matter_stops_at_first_non_key_line(tmp_path: Path) -> None:
    p = write(tmp_path / "r.md", "source: Rudaw\nUS forces arrived: at the base yesterday.\nMore text.\n")
    [r] = list(read_report_file(p))
    assert r.source == "Rudaw"
    assert r.text == "US forces arrived: at the base yesterday.\nMore text."
    assert r.published is None


def test_text_without_front_matter_keeps_colon_lines(tmp_path: Path) -> None:
    p = write(tmp_path / "r.txt", "Update: a convoy entered.\n\nSecond paragraph.")
    [r] = list(read_report_file(p))
    assert r.text == "Update: a convoy entered.\n\nSecond paragraph."
    assert r.source is None


def test_fenced_front_matter_and_case_insensitive_keys(tmp_path: Path) -> None:
    p = write(tmp_path / "r.md", "---\nPublished: 2021-02-15\nSOURCE: Asharq Al-Awsat\nauthor: ignored\n---\n\nBody.\n")
    [r] = list(read_report_file(p))
    assert (r.published, r.source, r.text) == (D(2021, 2, 15), "Asharq Al-Awsat", "Body.")


def test_front_matter_datetime_and_bom(tmp_path: Path) -> None:
    p = write(tmp_path / "r.md", "\ufeffpublished: 2021-02-06T08:00:00+03:00\n\nText.")
    [r] = list(read_report_file(p))
    assert r.published == D(2021, 2, 6)
    assert r.text == "Text."


def test_jsonl_records_ids_and_dates() -> None:
    rs = list(read_report_file(FIX / "reports.jsonl", published=D(2021, 1, 1)))
    assert [r.id for r in rs] == ["j1", "reports:3", "reports:4"]
    assert rs[0].published == D(2021, 1, 5) and rs[0].source == "Syriac Press"
    assert rs[1].published == D(2021, 2, 17)  # full ISO datetime accepted
    assert rs[2].published == D(2021, 1, 1)  # default applied
    assert rs[2].url == "https://example.org/x"


def test_json_reports_object_and_list() -> None:
    rs = list(read_report_file(FIX / "reports.json"))
    assert [(r.id, r.published) for r in rs] == [("a", D(2021, 1, 20)), ("reports:2", None)]
    [only] = list(read_report_file(FIX / "list.json"))
    assert (only.id, only.source, only.text) == ("only", "Enab Baladi", "One report in a JSON list.")


def test_csv_records_with_multiline_field() -> None:
    rs = list(read_report_file(FIX / "reports.csv"))
    assert len(rs) == 2
    assert rs[0] == Report(
        id="c1",
        text="A convoy of 50 vehicles entered, heading to Hasakah.",
        published=D(2021, 2, 6),
        source="SOHR",
        url=None,
    )
    assert rs[1].id == "reports:3"  # starts on physical line 3
    assert rs[1].text == "Quoted text\nover two lines."
    assert rs[1].source == "North Press Agency"
    assert rs[1].url == "https://example.org/np"


def test_csv_header_case_and_missing_optional_columns(tmp_path: Path) -> None:
    p = write(tmp_path / "x.csv", "Text , Source\nConvoy near Tal Alu.,Hawar News\n")
    [r] = list(read_report_file(p, published=D(2021, 2, 1)))
    assert (r.id, r.text, r.source, r.published) == ("x:2", "Convoy near Tal Alu.", "Hawar News", D(2021, 2, 1))


def test_arabic_text_round_trips(tmp_path: Path) -> None:
    text = "دخلت قافلة من معبر الوليد متجهة إلى القامشلي"
    p = write(tmp_path / "ar.jsonl", json.dumps({"text": text}, ensure_ascii=False) + "\n")
    [r] = list(read_report_file(p))
    assert r.text == text


def test_jsonl_and_csv_are_streamed(tmp_path: Path) -> None:
    # The first record is yielded before a later bad line is reached.
    p = write(tmp_path / "s.jsonl", '{"text": "first"}\n{broken\n')
    it = read_report_file(p)
    assert next(it).text == "first"
    with pytest.raises(InputError):
        next(it)
    c = write(tmp_path / "s.csv", "text,published\nfirst,\nsecond,not-a-date\n")
    it = read_report_file(c)
    assert next(it).text == "first"
    with pytest.raises(InputError, match=r"s\.csv:3: "):
        next(it)


# --------------------------------------------------------------------------- directories


def test_directory_is_recursive_sorted_and_filtered() -> None:
    files = list(iter_input_files([FIX / "dir"]))
    assert [f.relative_to(FIX / "dir").as_posix() for f in files] == ["a.jsonl", "sub/nested.md"]
    rs = list(read_reports([FIX / "dir"]))
    assert [r.id for r in rs] == ["d1", "nested"]
    assert rs[1].published == D(2021, 2, 6)


def test_read_reports_mixes_files_and_directories_in_order() -> None:
    rs = list(read_reports([FIX / "plain.txt", FIX / "dir", str(FIX / "list.json")]))
    assert [r.id for r in rs] == ["plain", "d1", "nested", "only"]


def test_read_reports_accepts_single_path() -> None:
    assert [r.id for r in read_reports(FIX / "plain.txt")] == ["plain"]


def test_read_reports_default_published() -> None:
    rs = list(read_reports([FIX / "plain.txt", FIX / "front_matter.md"], published=D(2020, 12, 31)))
    assert [r.published for r in rs] == [D(2020, 12, 31), D(2021, 2, 8)]


def test_generated_ids_are_made_unique(tmp_path: Path) -> None:
    write(tmp_path / "a" / "same.md", "First.")
    write(tmp_path / "b" / "same.md", "Second.")
    write(tmp_path / "c" / "same.jsonl", '{"text": "x"}\n')
    write(tmp_path / "d" / "same.jsonl", '{"text": "y"}\n')
    rs = list(read_reports([tmp_path]))
    assert [r.id for r in rs] == ["same", "same~2", "same:1", "same:1~2"]
    assert len({r.id for r in rs}) == len(rs)


def test_duplicate_explicit_id_is_an_error(tmp_path: Path) -> None:
    p = write(tmp_path / "d.jsonl", '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n')
    with pytest.raises(InputError, match=r"duplicate id 'x'") as ei:
        list(read_reports([p]))
    assert str(p) in str(ei.value)
    skipped: list[str] = []
    rs = list(read_reports([p], skip_bad=True, on_skip=skipped.append))
    assert [r.text for r in rs] == ["a"]
    assert len(skipped) == 1 and "duplicate id" in skipped[0]


# --------------------------------------------------------------------------- errors


def assert_error(paths: list[Path], pattern: str, **kwargs: object) -> str:
    with pytest.raises(InputError, match=pattern) as ei:
        list(read_reports(paths, **kwargs))  # type: ignore[arg-type]
    message = str(ei.value)
    assert one_line(message), message
    return message


def test_missing_path(tmp_path: Path) -> None:
    p = tmp_path / "nope.md"
    msg = assert_error([p], r"no such file")
    assert msg.startswith(str(p))
    with pytest.raises(InputError, match="no such file"):
        read_report_file(p)  # raised eagerly, before iteration


def test_unsupported_extension(tmp_path: Path) -> None:
    p = write(tmp_path / "report.pdf", "text")
    msg = assert_error([p], r"unsupported file type \.pdf")
    assert msg.startswith(f"{p}:")
    noext = write(tmp_path / "README", "text")
    assert_error([noext], r"unsupported file type \(no extension\)")


def test_read_report_file_rejects_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_report_file(tmp_path)


def test_undecodable_bytes_strict_and_replace(tmp_path: Path) -> None:
    p = write(tmp_path / "latin.txt", "Convoy near Al-Qamishli caf\xe9".encode("latin-1"))
    msg = assert_error([p], r"not valid UTF-8")
    assert msg.startswith(f"{p}:1:")
    [r] = list(read_reports([p], errors="replace"))
    assert r.text.endswith("caf\ufffd")


def test_undecodable_jsonl_line_names_line(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    msg = assert_error([p], r"not valid UTF-8")
    assert msg.startswith(f"{p}:2:")
    rs = list(read_reports([p], errors="replace"))
    assert [r.text for r in rs] == ["ok", "caf\ufffd"]


def test_undecodable_csv_line_names_line(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.csv", b"text\nok\ncaf\xe9\n")
    msg = assert_error([p], r"not valid UTF-8")
    assert msg.startswith(f"{p}:3:")


def test_binary_file(tmp_path: Path) -> None:
    for name in ("img.md", "img.jsonl", "img.csv", "img.json"):
        p = write(tmp_path / name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        msg = assert_error([p], r"binary")
        assert msg.startswith(str(p))


def test_malformed_json_line(tmp_path: Path) -> None:
    p = write(tmp_path / "m.jsonl", '{"text": "ok"}\n\n{"text": "oops"\n')
    msg = assert_error([p], r"malformed JSON")
    assert msg.startswith(f"{p}:3: ")


def test_malformed_json_document(tmp_path: Path) -> None:
    p = write(tmp_path / "m.json", '[\n  {"text": "a"},\n  {"text": }\n]')
    msg = assert_error([p], r"malformed JSON")
    assert msg.startswith(f"{p}:3: ")


def test_json_wrong_shape(tmp_path: Path) -> None:
    p = write(tmp_path / "w.json", '{"text": "not in a list"}')
    assert_error([p], r"expected a list of report objects")
    q = write(tmp_path / "n.json", '[1, {"text": "ok"}]')
    msg = assert_error([q], r"item 1: expected a JSON object")
    assert msg.startswith(str(q))


def test_missing_text(tmp_path: Path) -> None:
    p = write(tmp_path / "t.jsonl", '{"text": "ok"}\n{"id": "x", "text": "  "}\n')
    msg = assert_error([p], r"missing 'text'")
    assert msg.startswith(f"{p}:2: ")
    c = write(tmp_path / "t.csv", "text,source\nok,A\n,B\n")
    msg = assert_error([c], r"missing 'text'")
    assert msg.startswith(f"{c}:3: ")
    h = write(tmp_path / "h.csv", "body,source\nx,y\n")
    msg = assert_error([h], r"missing 'text' column")
    assert msg.startswith(f"{h}:1: ")
    j = write(tmp_path / "t.json", '[{"text": "ok"}, {"text": 5}]')
    assert_error([j], r"item 2: missing 'text'")


def test_bad_date(tmp_path: Path) -> None:
    p = write(tmp_path / "d.jsonl", '{"text": "a", "published": "06/02/2021"}\n')
    msg = assert_error([p], r"bad date '06/02/2021'")
    assert msg.startswith(f"{p}:1: ")
    c = write(tmp_path / "d.csv", "text,published\na,2021-02-30\n")
    assert assert_error([c], r"bad date").startswith(f"{c}:2: ")
    m = write(tmp_path / "d.md", "published: yesterday\n\nText.")
    assert assert_error([m], r"bad date 'yesterday'").startswith(f"{m}: ")


def test_empty_files(tmp_path: Path) -> None:
    for name, content in [
        ("e.md", ""),
        ("e.txt", "  \n\n"),
        ("e.jsonl", "\n\n"),
        ("e.json", ""),
        ("l.json", "[]"),
        ("e.csv", ""),
        ("h.csv", "id,text\n"),
    ]:
        p = write(tmp_path / name, content)
        msg = assert_error([p], r"empty file")
        assert msg.startswith(f"{p}:"), msg
    fm = write(tmp_path / "fm.md", "published: 2021-02-06\nsource: SOHR\n\n")
    assert_error([fm], r"no report text")


def test_errors_argument_is_validated() -> None:
    with pytest.raises(ValueError):
        list(read_reports([FIX / "plain.txt"], errors="ignore"))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- skip_bad


def test_skip_bad_skips_records_and_files(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", '{"text": "one"}\n{bad json\n{"text": ""}\n{"text": "two", "published": "x"}\n{"text": "three"}\n')
    write(tmp_path / "b.pdf", "ignored in directories")  # not even reported
    write(tmp_path / "c.md", b"\x00\x01binary")
    write(tmp_path / "d.csv", "text\nfour\n")
    write(tmp_path / "e.json", "")
    skipped: list[str] = []
    rs = list(read_reports([tmp_path, tmp_path / "missing.txt"], skip_bad=True, on_skip=skipped.append))
    assert [r.text for r in rs] == ["one", "three", "four"]
    assert [r.id for r in rs] == ["a:1", "a:5", "d:2"]
    a = tmp_path / "a.jsonl"
    assert skipped[0].startswith(f"{a}:2: malformed JSON")
    assert skipped[1].startswith(f"{a}:3: missing 'text'")
    assert skipped[2].startswith(f"{a}:4: bad date")
    assert skipped[3].startswith(f"{tmp_path / 'c.md'}: binary")
    assert skipped[4].startswith(f"{tmp_path / 'e.json'}: empty file")
    assert skipped[5].startswith(f"{tmp_path / 'missing.txt'}: no such file")
    assert len(skipped) == 6
    assert all(one_line(m) for m in skipped)


def test_skip_bad_default_handler_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    p = write(tmp_path / "a.jsonl", '{"text": "ok"}\n[1,2]\n')
    with caplog.at_level("WARNING", logger="geo_tracker.io"):
        rs = list(read_reports([p], skip_bad=True))
    assert [r.text for r in rs] == ["ok"]
    assert f"{p}:2: expected a JSON object" in caplog.text


def test_read_report_file_skip_bad(tmp_path: Path) -> None:
    p = write(tmp_path / "a.csv", "text,published\nok,\nbad,2021-13-01\nfine,2021-02-08\n")
    skipped: list[str] = []
    rs = list(read_report_file(p, skip_bad=True, on_skip=skipped.append))
    assert [(r.text, r.published) for r in rs] == [("ok", None), ("fine", D(2021, 2, 8))]
    assert len(skipped) == 1 and skipped[0].startswith(f"{p}:3: bad date")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-02-06", D(2021, 2, 6)),
        (" 2021-02-06 ", D(2021, 2, 6)),
        ("2021-02-06T23:59:59", D(2021, 2, 6)),
        ("2021-02-06T09:00:00Z", D(2021, 2, 6)),
        ("2021-02-06 09:00:00+03:00", D(2021, 2, 6)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_accepts(value: str | None, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["6 Feb 2021", "2021-2-6", "20210206", "2021-02-30", "2021-02-06Tnoon", 20210206])
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="bad date"):
        parse_date(value)


# --------------------------------------------------------------------------- samples


def test_sample_paths_finds_bundled_samples() -> None:
    paths = sample_paths()
    assert len(paths) >= 10
    assert paths == sorted(paths, key=lambda p: p.name)
    assert all(p.is_file() and p.suffix == ".md" for p in paths)


def test_samples_parse_with_dates_sources_and_unique_ids() -> None:
    rs = list(read_reports(sample_paths()))
    assert len(rs) >= 10
    assert all(isinstance(r.published, dt.date) for r in rs)
    assert all(D(2020, 1, 1) <= r.published <= D(2021, 12, 31) for r in rs)  # type: ignore[operator]
    assert all(r.source for r in rs)
    assert all(r.text and "published:" not in r.text for r in rs)
    assert len({r.id for r in rs}) == len(rs)
    assert all(r.url is None or r.url.startswith("https://") for r in rs)


def test_samples_cover_required_content() -> None:
    rs = list(read_reports(sample_paths()))
    texts = [r.text for r in rs]
    joined = "\n".join(texts)
    # the February 2021 Al-Walid convoys, the Ain Dewar and Tal Alu bases, the Al-Omar airport
    for needle in ("Al-Walid", "45 military vehicles", "about 50", "11th", "Ain Dewar", "Tal Alu", "Al-Omar"):
        assert needle in joined, needle
    # an Arabic report about a convoy
    arabic = [t for t in texts if "قافلة" in t]
    assert arabic and all(w in arabic[0] for w in ("شاحنة", "آلية", "معبر الوليد", "دخلت", "متجهة", "القامشلي"))
    # a convoy that left Syria, and one convoy reported by two outlets
    assert any("left Syria" in t for t in texts)
    by_35 = {r.source for r in rs if "35 trucks" in r.text}
    assert len(by_35) >= 2


def test_sample_paths_prefers_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.resources

    pkg = tmp_path / "_bundled"
    write(pkg / "samples" / "b.md", "published: 2021-02-06\n\nB.")
    write(pkg / "samples" / "a.md", "published: 2021-02-08\n\nA.")
    write(pkg / "samples" / "README.md", "not a report")

    def fake_files(name: str) -> Path:
        assert name == "geo_tracker._bundled"
        return pkg

    monkeypatch.setattr(importlib.resources, "files", fake_files)
    assert [p.name for p in sample_paths()] == ["a.md", "b.md"]


def test_sample_paths_falls_back_to_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.resources

    def missing(name: str) -> Path:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.resources, "files", missing)
    paths = sample_paths()
    assert len(paths) >= 10
    assert all(p.parent.name == "samples" and p.parent.parent.name == "data" for p in paths)


def test_a_title_in_the_front_matter_is_the_headline(tmp_path: Path) -> None:
    # "title:" used to end the front matter at once, so "published:" became report text
    p = write(tmp_path / "r.md", "title: US convoy enters Syria via Al-Walid\npublished: 2021-02-06\n\nA convoy entered.\n")
    [r] = list(read_report_file(p))
    assert r.published == dt.date(2021, 2, 6)
    assert r.text == "US convoy enters Syria via Al-Walid\n\nA convoy entered."
    fenced = write(tmp_path / "f.md", "---\ntitle: Headline\nsource: SANA\n---\nBody.\n")
    [r] = list(read_report_file(fenced))
    assert (r.source, r.text) == ("SANA", "Headline\n\nBody.")
