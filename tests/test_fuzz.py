"""Property-based fuzzing of extraction (issue 9, item 1).

Whatever the text (any Unicode, RTL/LTR mixes, bidi controls, zero-width and
combining characters, NUL, emoji and ZWJ sequences, digits of many scripts,
megabyte lines), :func:`geo_tracker.extract` must not raise, and its output
must keep the JSON contract:

* every location's offsets index the text: ``text[start:end] == mention``;
* coordinates are finite and in range, uncertainty radii finite and >= 0;
* convoys and sites point at such locations, and their evidence sentences
  are slices of the text;
* ``export.to_json``/``to_geojson``/``to_csv`` succeed, and the JSON is strict
  (no ``NaN``/``Infinity``) and parses back.

Real place names, cue words and sentences of the bundled samples are spliced
into the noise so the deep paths (qualifiers, convoys, sites, dates) run.

The default suite runs ~200 generated reports; ``pytest -m fuzz`` runs the
long campaign (4 × 2,500 = 10,000 generated reports plus edge cases).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo_tracker import export
from geo_tracker.gazetteer import Gazetteer
from geo_tracker.io import read_reports, sample_paths
from geo_tracker.models import Extraction, Location, ReportResult
from geo_tracker.pipeline import SEGMENT_CHARS, extract
from geo_tracker.text import segment_spans

# --------------------------------------------------------------------------- alphabets


def _chars(*ranges: tuple[int, int]) -> str:
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


LATIN = _chars((0x20, 0x7E), (0xC0, 0xFF), (0x100, 0x17F)) + "ʿʾ’‘“”–—…"
ARABIC = _chars(
    (0x0600, 0x06FF),  # Arabic, incl. harakat (064B-065F), tatweel (0640), Arabic-Indic and Persian digits
    (0x0750, 0x077F),  # Arabic Supplement
    (0xFB50, 0xFBB1),  # presentation forms A (a slice)
    (0xFE70, 0xFEFC),  # presentation forms B
)
HEBREW = _chars((0x0590, 0x05FF))
BIDI = "\u200e\u200f\u061c" + _chars((0x202A, 0x202E), (0x2066, 0x2069))
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060\u00ad"
COMBINING = _chars((0x0300, 0x036F), (0x1AB0, 0x1ABE), (0x20D0, 0x20F0))
SPACES = " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2007\u2028\u2029\u202f\u3000"
CONTROLS = "\x00\x01\x07\x1b\x7f\x9f"
DIGITS = (
    "0123456789"
    "٠١٢٣٤٥٦٧٨٩"  # Arabic-Indic
    "۰۱۲۳۴۵۶۷۸۹"  # Persian
    "०१२३४५६७८९"  # Devanagari
    "০১২৩৪৫৬৭৮৯"  # Bengali
    "０１２３４５６７８９"  # fullwidth
    "๐๑๒๓๔๕๖๗๘๙"  # Thai
    "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"  # mathematical bold
    "¹²³½¼⅓Ⅻ٫٬.,-−"
)
EMOJI = "🚚🛻🚛🪖💥🔥🇸🇾🇮🇶🇹🇷🏳️‍🌈👨‍👩‍👧‍👦🧑🏽‍✈️☪️✡️❤️‍🔥🫡"
OTHER_SCRIPTS = "Ωωбжя中文字한국어ภาษาไทยქართულიአማርኛ𐎀𐎁𝔄𝔅ｱｲｳ"
WILD = LATIN + ARABIC + HEBREW + BIDI + ZERO_WIDTH + COMBINING + SPACES + CONTROLS + DIGITS + EMOJI + OTHER_SCRIPTS

# Surrogates are excluded: a str read from a file or built by a caller never holds them
# (UTF-8 decoding rejects or replaces them), and to_json's ensure_ascii=False could not encode them.
assert not re.search("[\ud800-\udfff]", WILD)

# --------------------------------------------------------------------------- real material

PHRASES = [
    "Al-Walid border crossing", "al-Waleed crossing", "Semalka", "Fishkhabour", "Al-Qamishli", "Qamishli",
    "Kamishli", "Qamişlo", "القامشلي", "الحسكة", "معبر الوليد", "الرميلان", "Hasakah", "Al-Hasakah",
    "Tal Tamr", "Tal Alu", "Ain Dewar", "Al-Yarubiya", "Rmelan", "Al-Omar oil field", "Deir ez-Zor",
    "the Kurdistan Region of Iraq", "Erbil", "Mosul", "Sinjar", "Kobani", "Manbij", "Raqqa", "Turkey", "Iraq",
    "Syria", "Syrian", "U.S.", "US forces", "the US-led coalition", "Russian", "Turkish", "SDF", "Iranian",
    "convoy of 50 trucks", "a convoy of 45 military vehicles", "dozens of trucks", "35 trucks", "قافلة",
    "شاحنة", "آلية", "دخلت", "متجهة إلى", "خرجت", "20 km south of Hasakah", "8 km south of Al-Yarubiya",
    "near Tal Tamr", "the eastern countryside of Deir ez-Zor", "north of", "on the outskirts of",
    "between Tal Tamr and Hasakah", "in the vicinity of", "airfield", "military base", "set up a new base",
    "under construction", "withdrew from", "established", "expanded", "outpost", "checkpoint",
    "On February 8,", "on 8/2/2021", "yesterday", "last week", "in January 2021", "on Monday",
    "٨ شباط ٢٠٢١", "entered via", "heading towards", "left Syria", "carrying fuel and weapons",
    "logistical supplies", "armoured vehicles", "km", "kilometres", "miles", "١٥ كم", "٢٠ كيلومتر",
    "Mr.", "Gen.", "Dr.", "St.", "e.g.", "No.", ". ", "? ", "!\n", "\n\n", ": ", "—", "(", ")", '"', "'",
]


def _sample_sentences() -> list[str]:
    out: list[str] = []
    for report in read_reports(sample_paths()):
        out.extend(s.strip() for s in re.split(r"(?<=[.!?؟])\s+", report.text) if s.strip())
    return out


SENTENCES = _sample_sentences()

# --------------------------------------------------------------------------- strategies

noise = st.text(alphabet=WILD, max_size=40)
number = st.builds(
    lambda digits, script: digits.translate(str.maketrans("0123456789", script)),
    st.from_regex(r"[0-9]{1,7}([.,][0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９"]),
)
# Digit strings far beyond any count (int() refuses over 4,300 digits) and odd numerals.
huge_number = st.one_of(
    st.text(alphabet="0123456789", min_size=13, max_size=6000),
    st.text(alphabet="٠١٢٣٤٥٦٧٨٩,.", min_size=1, max_size=80),
    st.sampled_from(["1e309", "NaN", "inf", "-0", "0.000", "٫٥", "1,000,000,000,000", "½", "Ⅻ", "²³"]),
)
place = st.sampled_from([p for p in PHRASES if p[:1].isupper() or "\u0600" <= p[:1] <= "\u06ff"])
TEMPLATES = [
    "a convoy of {n} trucks entered via {p}", "{n} km {d} of {p}", "{n} kilometres {d} of {p}",
    "about {n} miles from {p}", "on {n}/{n}/{n}", "on {n} February {n}", "{n}-{n} vehicles arrived in {p}",
    "between {p} and {p}", "{n} كم {d} {p}", "دخلت قافلة من {n} شاحنة إلى {p}", "the {d}ern countryside of {p}",
    "US forces set up a base {n} km {d} of {p}", "{p}, {p}", "{p} in {p}", "{n} trucks left {p} for {p} via {p}",
]
direction = st.sampled_from(["north", "south", "east", "west", "north-east", "southwest", "NNW", "شمال", "جنوب",
                             "شرق", "غرب", "", "up"])


@st.composite
def templated(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    out = []
    for piece in re.split(r"(\{[npd]\})", template):
        if piece == "{n}":
            out.append(draw(number | huge_number))
        elif piece == "{p}":
            out.append(draw(place))
        elif piece == "{d}":
            out.append(draw(direction))
        else:
            out.append(piece)
    return "".join(out)


glue = st.text(alphabet=BIDI + ZERO_WIDTH + COMBINING + SPACES + "\x00", max_size=3)
fragment = st.one_of(
    noise,
    st.sampled_from(PHRASES),
    st.sampled_from(SENTENCES),
    number,
    templated(),
    # a real phrase with invisible characters and marks pushed inside it
    st.builds(lambda p, g, i: p[: i % (len(p) + 1)] + g + p[i % (len(p) + 1) :], st.sampled_from(PHRASES), glue,
              st.integers(0, 60)),
)
reports = st.lists(st.tuples(fragment, glue), max_size=24).map(lambda parts: "".join(a + b for a, b in parts))
published = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))

# Only the noise, heavy on the hardest classes.
nasty = st.text(alphabet=BIDI + ZERO_WIDTH + COMBINING + CONTROLS + ARABIC[:300] + HEBREW + DIGITS + EMOJI + ".-' \n",
                max_size=400)
# Real sentences, each given one disruption (bidi isolate, zero-width, combining mark, NUL, digit swap).
disrupt = st.sampled_from(["\u2067", "\u200b", "\u0301", "\x00", "\u200f", "\u0640", "\ufeff", "٣", "🚚", "\n"])
perturbed = st.lists(
    st.builds(lambda s, d, i: s[: i % (len(s) + 1)] + d + s[i % (len(s) + 1) :], st.sampled_from(SENTENCES), disrupt,
              st.integers(0, 400)),
    min_size=1, max_size=6,
).map(" ".join)


# --------------------------------------------------------------------------- the invariants


def _check_location(text: str, loc: Location | None) -> None:
    if loc is None:
        return
    assert 0 <= loc.start <= loc.end <= len(text), (loc.start, loc.end, len(text))
    assert text[loc.start : loc.end] == loc.mention, (loc.mention, text[loc.start : loc.end])
    assert loc.precision in (1, 2, 3)
    assert math.isfinite(loc.uncertainty_km) and loc.uncertainty_km >= 0, loc
    if loc.lat is not None or loc.lon is not None:
        assert loc.lat is not None and loc.lon is not None
        assert math.isfinite(loc.lat) and -90.0 <= loc.lat <= 90.0, loc
        assert math.isfinite(loc.lon) and -180.0 <= loc.lon <= 180.0, loc


def _strict_json(s: str) -> object:
    def reject(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(s, parse_constant=reject)


def check(text: str, result: ReportResult) -> None:
    """Every invariant of one extraction of ``text``."""
    for loc in result.places:
        _check_location(text, loc)
    for convoy in result.convoys:
        for loc in (convoy.origin, convoy.via, convoy.destination):
            _check_location(text, loc)
        assert convoy.vehicles_min is None or convoy.vehicles_min >= 0
    for site in result.sites:
        _check_location(text, site.location)
        assert site.location.lat is not None
    assert len({site.id for site in result.sites}) == len(result.sites)  # one site per id, across segments too
    for event in (*result.convoys, *result.sites):
        for ev in event.evidence:
            assert ev.sentence in text
        if event.date is not None:
            assert isinstance(event.date.value, dt.date)
    ex = Extraction([result])
    doc = _strict_json(export.to_json(ex))
    [rep] = doc["reports"]  # type: ignore[index]
    for place in rep["places"]:
        assert text[place["start"] : place["end"]] == place["mention"]
    gj = _strict_json(export.to_geojson(ex))
    assert gj["type"] == "FeatureCollection"  # type: ignore[index]
    export.to_csv(ex)


@pytest.fixture(scope="module")
def gazetteer(gaz: Gazetteer) -> Gazetteer:
    return gaz


def run(gazetteer: Gazetteer, text: str, published: dt.date | None = None) -> ReportResult:
    result = extract(text, published=published, gazetteer=gazetteer)
    check(text, result)
    return result


# Hypothesis re-enters the function for every example; a module-scoped fixture is safe here.
FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


# --------------------------------------------------------------------------- default suite (~200 examples)


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURE_OK)
@given(text=reports, published=published)
def test_extract_survives_mixed_text(gazetteer: Gazetteer, text: str, published: dt.date | None) -> None:
    run(gazetteer, text, published)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(text=nasty)
def test_extract_survives_pure_noise(gazetteer: Gazetteer, text: str) -> None:
    run(gazetteer, text, dt.date(2021, 2, 10))


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(text=perturbed, published=published)
def test_extract_survives_disrupted_sample_sentences(gazetteer: Gazetteer, text: str, published) -> None:
    run(gazetteer, text, published)


@settings(max_examples=60, deadline=None)
@given(text=reports, size=st.integers(1, 300))
def test_segments_cover_the_text(text: str, size: int) -> None:
    spans = segment_spans(text, size)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(0 < e - s <= size for s, e in spans) or text == ""
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


def test_a_long_report_is_extracted_in_segments(gazetteer: Gazetteer) -> None:
    """Offsets index the whole text and a site named in many segments is one site."""
    paragraph = "\n\n".join(SENTENCES) + "\n\n"
    text = paragraph * (3 * SEGMENT_CHARS // len(paragraph) + 1)
    result = run(gazetteer, text, dt.date(2021, 2, 10))
    assert len(text) > 3 * SEGMENT_CHARS and result.convoys and result.sites
    assert max(c.via.end for c in result.convoys if c.via) > 2 * SEGMENT_CHARS
    one = run(gazetteer, paragraph, dt.date(2021, 2, 10))
    assert {s.id for s in result.sites} == {s.id for s in one.sites}


def test_spliced_phrases_reach_the_deep_paths(gazetteer: Gazetteer) -> None:
    """The material the fuzzer splices in really produces places, convoys and sites."""
    text = ("\u200fOn February 8, a convoy of ٤٥ military vehicles entered via the Al-Walid border crossing"
            "\u200b heading towards القامشلي. US forces set up a new base 8 km south of Al-Yarubiya.\x00")
    result = run(gazetteer, text, dt.date(2021, 2, 10))
    assert result.places and result.convoys and result.sites


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE_OK)
@given(text=st.lists(st.sampled_from(PHRASES) | st.text(alphabet="\ud800\udbff\udc00\udfff\ud83d", max_size=3),
                     max_size=12).map(" ".join))
def test_unpaired_surrogates_from_python_callers(gazetteer: Gazetteer, text: str) -> None:
    """A str from Python (or a JSON escape) may hold half a surrogate pair: it becomes U+FFFD."""
    result = extract(text, gazetteer=gazetteer)
    clean = re.sub("[\ud800-\udfff]", "\ufffd", text)
    assert result.report.text == clean
    check(clean, result)


def test_a_report_of_nul_bytes(gazetteer: Gazetteer) -> None:
    for text in ("\x00" * 10_000, "\x00", "Al-Qamishli\x00\x00Hasakah\x00" * 50):
        run(gazetteer, text)


def _one_line(unit: str, size: int = 1_000_000) -> str:
    text = (unit * (size // len(unit) + 1))[:size]
    assert "\n" not in text and len(text) == size
    return text


FILLER = "the weather was calm and people went about their business in the market while prices rose, "
EVENT = "a convoy of ٤٥ trucks entered via Al-Walid heading to Al-Qamishli, ٢٠ كم south of Hasakah; "


def test_a_one_megabyte_line(gazetteer: Gazetteer) -> None:
    """One line of a megabyte, with no sentence end: it is extracted in segments, offsets still exact."""
    result = run(gazetteer, _one_line(FILLER * 20 + EVENT), dt.date(2021, 2, 10))
    assert len(result.places) > 1000 and result.convoys


def test_a_one_megabyte_line_without_spaces(gazetteer: Gazetteer) -> None:
    run(gazetteer, "Qamishli" * 125_000)
    run(gazetteer, "\u0640" * 1_000_000)  # tatweel: Arabic that folds to nothing


# --------------------------------------------------------------------------- pytest -m fuzz (10,000 examples)

LONG = settings(max_examples=2_500, deadline=None, suppress_health_check=FIXTURE_OK, database=None)


@pytest.mark.fuzz
def test_fuzz_a_one_megabyte_line_of_events(gazetteer: Gazetteer) -> None:
    """The densest megabyte: a place name every few words (about 40 s)."""
    result = run(gazetteer, _one_line(EVENT), dt.date(2021, 2, 10))
    assert len(result.places) > 20_000


@pytest.mark.fuzz
@LONG
@given(text=reports, published=published)
def test_fuzz_mixed_text(gazetteer: Gazetteer, text: str, published: dt.date | None) -> None:
    run(gazetteer, text, published)


@pytest.mark.fuzz
@LONG
@given(text=nasty)
def test_fuzz_pure_noise(gazetteer: Gazetteer, text: str) -> None:
    run(gazetteer, text, dt.date(2021, 2, 10))


@pytest.mark.fuzz
@LONG
@given(text=perturbed, published=published)
def test_fuzz_disrupted_sample_sentences(gazetteer: Gazetteer, text: str, published) -> None:
    run(gazetteer, text, published)


@pytest.mark.fuzz
@LONG
@given(text=st.lists(st.sampled_from(PHRASES) | templated() | number | glue, max_size=40).map(" ".join),
       published=published)
def test_fuzz_cue_soup(gazetteer: Gazetteer, text: str, published: dt.date | None) -> None:
    """Place names, numbers, distances, dates and event words in random order: the deep paths."""
    run(gazetteer, text, published)
