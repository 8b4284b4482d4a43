"""Evaluation against annotated toponym corpora (LGL, TR-News, GeoWebNews, GeoVirus).

:func:`read_corpus` reads the three standard XML layouts and detects which one a
file uses:

* **LGL / TR-News**: ``<article>`` → ``<text>`` and ``<toponyms>`` →
  ``<toponym>`` with ``<start>``, ``<end>``, ``<phrase>`` and an optional
  ``<gaztag>`` holding ``<lat>`` and ``<lon>``.
* **GeoWebNews**: ``<article>`` → ``<text>`` and ``<toponyms>`` →
  ``<toponym>`` with ``<extractedName>``, ``<type>``, ``<nonLocational>``,
  ``<start>``, ``<end>`` and optional ``<latitude>``, ``<longitude>``.
* **GeoVirus**: ``<article>`` → ``<source>``, ``<text>`` and ``<locations>``
  → ``<location>`` with ``<name>``, ``<start>``, ``<end>``, ``<lat>``,
  ``<lon>`` and ``<page>`` (the Wikipedia page of the place); the source URL
  is the article's id.

A corpus is untrusted input: a document type declaration (``<!DOCTYPE``,
and with it any ``<!ENTITY``) is refused before anything is expanded, and
every malformed file ends in one :class:`~geo_tracker.errors.InputError`
naming the file and, where it can, the line.

:func:`evaluate` runs the system over every article and returns
:class:`Scores`. Conventions (chosen once here, for every corpus):

* **Span repair.** Some corpora have spans off by a character or two. When
  ``text[start:end]`` is not the annotated phrase, the phrase is looked for
  at the same start with a corrected end, then shifted by -1, +1, -2, +2;
  a span found so is *repaired* (counted in ``repaired_spans``). A span not
  found is *dropped* (counted in ``dropped_spans``): it is no gold toponym,
  and a prediction overlapping its given offsets counts neither way.
* **Recognition** (end-to-end only): a prediction matches a gold toponym
  when the two spans share at least one character; matching is one-to-one
  and greedy (each gold toponym, left to right, takes the free prediction
  it overlaps most). Precision, recall and F1 are micro-averaged over the
  corpus. In GeoWebNews every annotated toponym is gold for recognition,
  associative ones (``nonLocational`` Yes: metonyms, demonyms…) included, as
  the GeoWebNews paper does; the ``Literal_Expression`` and
  ``Non_Literal_Expression`` types ("the town", "the city") are not names
  and count neither way.
* **Resolution** gold is the toponyms with coordinates (in GeoWebNews, also
  with ``nonLocational`` No). End-to-end, it is scored on the gold toponyms
  that recognition matched (recall already charges the others). With
  ``gold_spans=True`` recognition is skipped: every gold span is resolved
  in its document, with the other gold spans as context; this is the
  standard comparison between geocoders.
* **Unresolved** gold toponyms (no gazetteer candidate) count as a miss for
  Acc@161 and at the maximal error, :data:`MAX_ERROR_KM` (20,039 km), for
  the mean, the median and the AUC.
* **AUC** (Gritta et al. 2018, "What's missing in geographical parsing?"):
  the errors sorted, each scaled to ``ln(1 + km) / ln(20039)`` (capped at 1),
  integrated by the trapezoid rule over x in [0, 1]. Lower is better.
* The system's coordinate is the resolved place itself
  (:func:`~geo_tracker.resolve.resolve`): the qualifiers of
  :mod:`~geo_tracker.qualify` ("20 km south of X") move events, not the
  toponym the annotators geocoded.

Example:
    >>> acc_at_161([10, 200]), auc_of_errors([0, 0]), median_km([3, 1, 2])
    (0.5, 0.0, 2.0)
    >>> match_spans([(0, 5), (10, 16)], [(1, 4), (20, 25), (12, 14)])
    [(0, 0), (1, 2)]
    >>> repair_span("Trucks left Erbil today", 13, 18, "Erbil")
    (12, 17)
"""

from __future__ import annotations

import math
import time
import xml.parsers.expat as expat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .gazetteer import Gazetteer
from .geodesy import haversine_km
from .recognize import Match, match_span
from .resolve import resolve

__all__ = [
    "ArticleResult", "Corpus", "GoldArticle", "GoldToponym", "KIND_CLASSES", "MAX_ERROR_KM", "Resolved", "Scores",
    "acc_at_161", "auc_of_errors", "by_kind", "error_rows", "evaluate", "evaluate_article", "format_scores", "match_spans",
    "median_km", "read_corpus", "repair_span",
]

MAX_ERROR_KM = 20039.0
"""Half the Earth's circumference: the error charged for an unresolved toponym."""

ACC_KM = 161.0
"""The distance (100 miles) within which a resolution counts as correct."""

KIND_CLASSES = ("country", "first-level region", "populated place", "other")
"""The classes of the per-kind breakdown; toponyms without a gold class or a candidate are ``unresolved``."""
_PLACE_CLASS = {"country": "country", "admin1": "first-level region", "governorate": "first-level region",
                "city": "populated place", "town": "populated place", "village": "populated place"}


def place_class(kind: str) -> str:
    """The breakdown class of a gazetteer kind.

    Example:
        >>> place_class("admin1"), place_class("town"), place_class("airfield")
        ('first-level region', 'populated place', 'other')
    """
    return _PLACE_CLASS.get(kind, "other")


def _feature_class(fcode: str | None) -> str | None:
    """The breakdown class of a GeoNames feature code (``PCLI``, ``ADM1``, ``PPLA``…), ``None`` if none.

    Example:
        >>> _feature_class("PCLI"), _feature_class("ADM1"), _feature_class("PPLA2"), _feature_class("RGN")
        ('country', 'first-level region', 'populated place', 'other')
    """
    code = (fcode or "").strip().upper()
    if not code:
        return None
    if code.startswith("PCL"):
        return "country"
    if code == "ADM1":
        return "first-level region"
    return "populated place" if code.startswith("PPL") else "other"


_SHIFTS = (0, -1, 1, -2, 2)
_GWN_NON_TOPONYMS = frozenset({"Literal_Expression", "Non_Literal_Expression"})
_TOPONYM_TAGS = frozenset({"toponym", "location"})
"""The annotation element of each layout: ``<toponym>`` (LGL, TR-News, GeoWebNews), ``<location>`` (GeoVirus)."""
_LAYOUT_NAMES = {"lgl": "LGL/TR-News", "gwn": "GeoWebNews", "geovirus": "GeoVirus"}
_CHUNK = 1 << 16


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class GoldToponym:
    """An annotated toponym: its span in the article, and its coordinates when annotated."""

    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None
    locational: bool = True
    kind: str | None = None
    """The toponym's class (:data:`KIND_CLASSES`) when the corpus gives one (LGL's GeoNames feature code)."""

    @property
    def geocodable(self) -> bool:
        """Whether the toponym is gold for resolution (has coordinates and is locational)."""
        return self.lat is not None and self.lon is not None and self.locational


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article.

    ``ignored`` holds spans that count neither as gold nor against a
    prediction: unrepairable spans (at their given offsets) and GeoWebNews
    expressions that are not names ("the town").
    """

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    ignored: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Corpus:
    """An annotated corpus: its articles, its layout (``"lgl"``, ``"gwn"`` or ``"geovirus"``) and span fixes."""

    articles: list[GoldArticle]
    layout: str
    repaired_spans: int
    dropped: int

    @property
    def n_toponyms(self) -> int:
        return sum(len(a.toponyms) for a in self.articles)


@dataclass(frozen=True)
class Resolved:
    """A gold toponym with coordinates, and where the system put it.

    ``place_id``/``lat``/``lon`` are ``None`` when no gazetteer candidate was
    found; ``error_km`` is then :data:`MAX_ERROR_KM`.
    """

    article_id: str
    start: int
    end: int
    phrase: str
    gold_lat: float
    gold_lon: float
    place_id: str | None
    lat: float | None
    lon: float | None
    error_km: float
    kind: str | None = None
    """The class (:data:`KIND_CLASSES`) of the gold toponym if the corpus gives one, else of the chosen place."""


@dataclass(frozen=True)
class ArticleResult:
    """What the system made of one article.

    ``n_pred``/``n_matched`` are ``None`` in gold-spans mode; ``missed``
    (gold toponyms no prediction overlaps) and ``spurious`` (predictions
    overlapping no gold toponym, as ``(start, end, surface)``) are empty there.
    """

    article_id: str
    n_gold: int
    n_pred: int | None
    n_matched: int | None
    resolved: tuple[Resolved, ...]
    missed: tuple[GoldToponym, ...] = ()
    spurious: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Scores:
    """Corpus figures; see the module documentation for the conventions.

    Recognition figures are ``None`` in gold-spans mode; resolution figures
    are ``None`` when no gold toponym with coordinates was scored.
    """

    precision: float | None
    recall: float | None
    f1: float | None
    n_gold: int
    n_pred: int | None
    n_matched: int | None
    acc161: float | None
    mean_km: float | None
    median_km: float | None
    auc: float | None
    n_resolved: int
    n_unresolved: int
    seconds: float
    repaired_spans: int
    dropped_spans: int = 0
    n_articles: int = 0
    layout: str = ""
    mode: str = "end-to-end"
    by_kind: dict[str, dict[str, float | int]] | None = None
    """Per class (:data:`KIND_CLASSES`, plus ``unresolved``): ``scored``, ``acc161`` and ``misses`` (beyond 161 km)."""
    kind_source: str = ""
    """``gold`` when the corpus gives every scored toponym a class, else ``resolved`` (the chosen place's)."""

    def to_dict(self) -> dict[str, object]:
        """The figures as a JSON-ready dict (``geo-tracker eval --json``)."""
        return asdict(self)


# --------------------------------------------------------------------------- metrics


def acc_at_161(errors_km: Sequence[float]) -> float | None:
    """Share of errors within 161 km (100 miles); ``None`` for no errors.

    Example:
        >>> acc_at_161([0.0, 161.0, 161.5, 20039.0])
        0.5
    """
    if not len(errors_km):
        return None
    return float(np.mean(np.asarray(errors_km, dtype=float) <= ACC_KM))


def auc_of_errors(errors_km: Sequence[float]) -> float | None:
    """Area under the sorted ``ln(1 + km) / ln(20039)`` error curve, x in [0, 1]; lower is better.

    Each term is capped at 1. A single error has no curve: its own scaled
    value is returned. ``None`` for no errors.

    Example:
        >>> auc_of_errors([20039, 20039]), auc_of_errors([0, 20039])
        (1.0, 0.5)
    """
    if not len(errors_km):
        return None
    y = np.minimum(np.log1p(np.sort(np.asarray(errors_km, dtype=float))) / math.log(MAX_ERROR_KM), 1.0)
    if len(y) == 1:
        return float(y[0])
    x = np.linspace(0.0, 1.0, len(y))
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2.0)


def median_km(errors_km: Sequence[float]) -> float | None:
    """Median error; ``None`` for no errors."""
    return float(np.median(np.asarray(errors_km, dtype=float))) if len(errors_km) else None


def _mean(errors_km: Sequence[float]) -> float | None:
    return float(np.mean(np.asarray(errors_km, dtype=float))) if len(errors_km) else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def match_spans(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of overlapping spans, as ``(gold index, pred index)`` pairs.

    Gold spans are taken in order of start; each takes the free prediction
    it shares the most characters with (the earlier one on a tie).

    Example:
        >>> match_spans([(0, 5), (3, 8)], [(4, 6)])
        [(0, 0)]
    """
    used: set[int] = set()
    pairs = []
    for g in sorted(range(len(gold)), key=lambda k: (gold[k][0], gold[k][1])):
        best, best_overlap = None, 0
        for p, span in enumerate(pred):
            if p not in used:
                ov = _overlap(gold[g], span)
                if ov > best_overlap:
                    best, best_overlap = p, ov
        if best is not None:
            used.add(best)
            pairs.append((g, best))
    return pairs


def _prf(n_gold: int, n_pred: int, n_matched: int) -> tuple[float, float, float]:
    p = n_matched / n_pred if n_pred else 0.0
    r = n_matched / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --------------------------------------------------------------------------- reading


def _same(a: str, b: str) -> bool:
    return a == b or " ".join(a.split()) == " ".join(b.split())


def repair_span(text: str, start: int, end: int, phrase: str) -> tuple[int, int] | None:
    """The span of ``phrase`` at or next to ``start``: the given one if right, else shifted ±1, ±2.

    ``None`` when the phrase is not there (the span cannot be repaired).

    Example:
        >>> repair_span("near Tal Tamr", 5, 13, "Tal Tamr"), repair_span("near Tal Tamr", 6, 14, "Tal Tamr")
        ((5, 13), (5, 13))
        >>> repair_span("near Tal Tamr", 0, 4, "Hasakah") is None
        True
    """
    if 0 <= start <= end <= len(text) and _same(text[start:end], phrase):
        return start, end
    n = len(phrase)
    for d in _SHIFTS:
        s = start + d
        if 0 <= s and s + n <= len(text) and text[s : s + n] == phrase:
            return s, s + n
    return None


class _Element:
    """A minimal element: tag, attributes, text, children, and the line it starts on."""

    __slots__ = ("tag", "attrib", "chunks", "children", "line")

    def __init__(self, tag: str, attrib: dict[str, str], line: int) -> None:
        self.tag, self.attrib, self.line = tag, attrib, line
        self.chunks: list[str] = []
        self.children: list[_Element] = []

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def find(self, tag: str) -> "_Element | None":
        """The first descendant with this tag (depth first)."""
        for child in self.children:
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None

    def findtext(self, tag: str) -> str | None:
        el = self.find(tag)
        return None if el is None else el.text

    def iter(self, tag: str) -> Iterable["_Element"]:
        return self.iter_any(frozenset({tag}))

    def iter_any(self, tags: frozenset[str]) -> Iterable["_Element"]:
        """Descendants with any of these tags, in document order (not looking inside a match)."""
        for child in self.children:
            if child.tag in tags:
                yield child
            else:
                yield from child.iter_any(tags)


def _iter_articles(path: Path) -> Iterable[_Element]:
    """Stream the ``<article>`` elements of an XML file, refusing DTDs and entities."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[_Element] = []
    done: list[_Element] = []

    def refuse(*_args) -> None:
        raise InputError(f"{path}:{parser.CurrentLineNumber}: document type declarations and entities are refused")

    def start(tag: str, attrib: dict[str, str]) -> None:
        # Only elements inside an <article> are kept; ``stack`` is empty outside one.
        if stack or tag == "article":
            el = _Element(tag, attrib, parser.CurrentLineNumber)
            if stack:
                stack[-1].children.append(el)
            stack.append(el)

    def end(tag: str) -> None:
        if stack:
            el = stack.pop()
            if not stack:
                done.append(el)

    def data(text: str) -> None:
        if stack:
            stack[-1].chunks.append(text)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a corpus file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    with fh:
        try:
            while True:
                try:
                    chunk = fh.read(_CHUNK)
                except OSError as exc:
                    raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
                parser.Parse(chunk, not chunk)
                yield from done
                done.clear()
                if not chunk:
                    break
        except expat.ExpatError as exc:
            raise InputError(f"{path}:{exc.lineno}: malformed XML ({expat.ErrorString(exc.code)})") from None


def _int(el: _Element, tag: str, where: str) -> int:
    raw = (el.findtext(tag) or "").strip()
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{where}: <{tag}> must be a whole number, not {raw!r}") from None


def _coord(raw: str | None, tag: str, limit: float, where: str) -> float | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{where}: <{tag}> must be a number, not {raw!r}") from None
    if not -limit <= value <= limit or math.isnan(value):
        raise InputError(f"{where}: <{tag}> {raw} is out of range")
    return value


def _read_toponym(el: _Element, where: str) -> tuple[str, GoldToponym, bool]:
    """(layout, toponym, counts as a name) of one ``<toponym>`` (or GeoVirus ``<location>``) element."""
    gold_kind: str | None = None
    if el.find("phrase") is not None:
        layout, phrase = "lgl", el.findtext("phrase") or ""
        gaz = el.find("gaztag")
        lat = _coord(gaz.findtext("lat"), "lat", 90.0, where) if gaz is not None else None
        lon = _coord(gaz.findtext("lon"), "lon", 180.0, where) if gaz is not None else None
        locational, is_name = True, True
        gold_kind = _feature_class(gaz.findtext("fcode") if gaz is not None else None)
    elif el.find("extractedName") is not None:
        layout, phrase = "gwn", el.findtext("extractedName") or ""
        lat = _coord(el.findtext("latitude"), "latitude", 90.0, where)
        lon = _coord(el.findtext("longitude"), "longitude", 180.0, where)
        locational = (el.findtext("nonLocational") or "No").strip().lower() != "yes"
        is_name = (el.findtext("type") or "").strip() not in _GWN_NON_TOPONYMS
    elif el.tag == "location" and el.find("name") is not None:
        layout, phrase = "geovirus", el.findtext("name") or ""
        lat = _coord(el.findtext("lat"), "lat", 90.0, where)
        lon = _coord(el.findtext("lon"), "lon", 180.0, where)
        locational, is_name = True, True
    else:
        raise InputError(
            f"{where}: unknown corpus layout: a <toponym> needs <phrase> (LGL/TR-News) or <extractedName> "
            "(GeoWebNews), a <location> needs <name> (GeoVirus)"
        )
    if not phrase.strip():
        raise InputError(f"{where}: empty toponym phrase")
    if (lat is None) != (lon is None):
        raise InputError(f"{where}: a toponym needs both coordinates or neither")
    start, end = _int(el, "start", where), _int(el, "end", where)
    return layout, GoldToponym(start, end, phrase, lat, lon, locational, gold_kind), is_name


def read_corpus(path: str | Path) -> Corpus:
    """Read an annotated corpus in the LGL/TR-News or GeoWebNews layout (detected).

    Raises :class:`~geo_tracker.errors.InputError` for a missing, unreadable
    or malformed file, an unknown layout, a mix of layouts, or a DTD.
    """
    path = Path(path)
    layout: str | None = None
    articles: list[GoldArticle] = []
    repaired = dropped = 0
    for art in _iter_articles(path):
        text_el = art.find("text")
        if text_el is None:
            raise InputError(f"{path}:{art.line}: <article> without <text>")
        text = text_el.text
        toponyms: list[GoldToponym] = []
        ignored: list[tuple[int, int]] = []
        for el in art.iter_any(_TOPONYM_TAGS):
            where = f"{path}:{el.line}"
            kind, t, is_name = _read_toponym(el, where)
            if layout is None:
                layout = kind
            elif kind != layout:
                raise InputError(f"{where}: the corpus mixes the {_LAYOUT_NAMES[layout]} and {_LAYOUT_NAMES[kind]} layouts")
            span = repair_span(text, t.start, t.end, t.phrase)
            if span is None:
                dropped += 1
                ignored.append((max(0, t.start), max(0, t.end)))
                continue
            if span != (t.start, t.end):
                repaired += 1
                t = GoldToponym(span[0], span[1], t.phrase, t.lat, t.lon, t.locational, t.kind)
            if is_name:
                toponyms.append(t)
            else:
                ignored.append((t.start, t.end))
        aid = (art.attrib.get("docid") or art.attrib.get("file") or art.attrib.get("id")
               or (art.findtext("source") or "").strip() or str(len(articles)))
        articles.append(GoldArticle(aid, text, tuple(toponyms), tuple(ignored)))
    if not articles:
        raise InputError(f"{path}: unknown corpus layout: no <article> elements")
    if layout is None:
        raise InputError(f"{path}: no <toponym> or <location> annotations in any article")
    return Corpus(articles, layout, repaired, dropped)


# --------------------------------------------------------------------------- evaluation


def _gold_matches(gaz: Gazetteer, article: GoldArticle) -> list[tuple[GoldToponym, Match | None]]:
    """Each gold toponym with a :class:`Match` of its gazetteer candidates (``None`` if none)."""
    return [
        (t, match_span(gaz, article.text, t.start, t.end))
        for t in sorted(article.toponyms, key=lambda t: (t.start, t.end))
    ]


def _resolved(article_id: str, t: GoldToponym, loc) -> Resolved:
    assert t.lat is not None and t.lon is not None
    if loc is None or loc.lat is None or loc.lon is None:
        return Resolved(article_id, t.start, t.end, t.phrase, t.lat, t.lon, None, None, None, MAX_ERROR_KM, t.kind)
    err = float(haversine_km(t.lat, t.lon, loc.lat, loc.lon))
    kind = t.kind or (place_class(loc.place.kind) if loc.place is not None else None)
    return Resolved(article_id, t.start, t.end, t.phrase, t.lat, t.lon,
                    loc.place.id if loc.place is not None else None, loc.lat, loc.lon, err, kind)


def evaluate_article(article: GoldArticle, gazetteer: Gazetteer, *, gold_spans: bool = False) -> ArticleResult:
    """Run the system on one article and compare it with the gold annotation."""
    gaz = gazetteer
    if gold_spans:
        pairs = _gold_matches(gaz, article)
        matches = [m for _, m in pairs if m is not None]
        locations = iter(resolve(article.text, gaz, matches))
        # One location per match, in order; every match consumes its location
        # whether or not its toponym has gold coordinates.
        aligned = [(t, next(locations) if m is not None else None) for t, m in pairs]
        resolved = tuple(_resolved(article.id, t, loc) for t, loc in aligned if t.geocodable)
        return ArticleResult(article.id, len(article.toponyms), None, None, resolved)

    predicted = [
        loc for loc in resolve(article.text, gaz)
        if not any(_overlap((loc.start, loc.end), span) > 0 for span in article.ignored)
    ]
    gold = list(article.toponyms)
    pairs = match_spans([(t.start, t.end) for t in gold], [(p.start, p.end) for p in predicted])
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    resolved = tuple(
        _resolved(article.id, gold[g], predicted[p]) for g, p in sorted(pairs) if gold[g].geocodable
    )
    return ArticleResult(
        article.id, len(gold), len(predicted), len(pairs), resolved,
        missed=tuple(t for k, t in enumerate(gold) if k not in matched_gold),
        spurious=tuple((p.start, p.end, p.mention) for k, p in enumerate(predicted) if k not in matched_pred),
    )


def evaluate(
    corpus: Corpus,
    gazetteer: Gazetteer | None = None,
    *,
    gold_spans: bool = False,
    limit: int | None = None,
    half: str | None = None,
    progress: Callable[[ArticleResult], None] | None = None,
) -> Scores:
    """Score the system on ``corpus`` (the first ``limit`` articles); see the module doc.

    ``half`` (``"even"`` or ``"odd"``) keeps the articles at even / odd 0-based
    position in the file, before ``limit``: the split-half check (tune on one
    half, report the other).

    ``progress`` is called with each article's :class:`ArticleResult`, which
    also lists its misses and errors for error analysis.
    """
    t0 = time.perf_counter()
    gaz = gazetteer or Gazetteer.default()
    if half not in (None, "even", "odd"):
        raise ValueError(f"half must be 'even' or 'odd', not {half!r}")
    articles = [a for k, a in enumerate(corpus.articles) if half is None or (k % 2 == 0) == (half == "even")]
    articles = articles if limit is None else articles[: max(limit, 0)]
    n_gold = n_pred = n_matched = 0
    errors: list[float] = []
    scored: list[Resolved] = []
    n_unresolved = 0
    for article in articles:
        result = evaluate_article(article, gaz, gold_spans=gold_spans)
        n_gold += result.n_gold
        n_pred += result.n_pred or 0
        n_matched += result.n_matched or 0
        for r in result.resolved:
            errors.append(r.error_km)
            scored.append(r)
            n_unresolved += r.lat is None
        if progress is not None:
            progress(result)
    p, r, f = (None, None, None) if gold_spans else _prf(n_gold, n_pred, n_matched)
    return Scores(
        precision=p, recall=r, f1=f, n_gold=n_gold,
        n_pred=None if gold_spans else n_pred, n_matched=None if gold_spans else n_matched,
        acc161=acc_at_161(errors), mean_km=_mean(errors), median_km=median_km(errors), auc=auc_of_errors(errors),
        n_resolved=len(errors) - n_unresolved, n_unresolved=n_unresolved,
        seconds=round(time.perf_counter() - t0, 3),
        repaired_spans=corpus.repaired_spans, dropped_spans=corpus.dropped, n_articles=len(articles),
        layout=corpus.layout, mode="gold-spans" if gold_spans else "end-to-end",
        by_kind=by_kind(scored), kind_source=_kind_source(articles),
    )


def _kind_source(articles: Sequence[GoldArticle]) -> str:
    return "gold" if all(t.kind for a in articles for t in a.toponyms if t.geocodable) else "resolved"


def by_kind(resolved: Iterable[Resolved]) -> dict[str, dict[str, float | int]]:
    """Acc@161 and misses per class of :data:`KIND_CLASSES` (``unresolved``: no class known).

    Example:
        >>> r = [Resolved("a", 0, 1, "X", 0.0, 0.0, "c", 0.0, 0.0, 5.0, "country"),
        ...      Resolved("a", 2, 3, "Y", 0.0, 0.0, "t", 0.0, 9.0, 1000.0, "populated place")]
        >>> by_kind(r)["populated place"]
        {'scored': 1, 'acc161': 0.0, 'misses': 1}
    """
    groups: dict[str, list[float]] = {}
    for r in resolved:
        groups.setdefault(r.kind or "unresolved", []).append(r.error_km)
    order = [*KIND_CLASSES, "unresolved"]
    return {
        k: {"scored": len(groups[k]), "acc161": acc_at_161(groups[k]) or 0.0,
            "misses": int(sum(e > ACC_KM for e in groups[k]))}
        for k in order if k in groups
    }


# --------------------------------------------------------------------------- report


def error_rows(results: Iterable[ArticleResult]) -> list[dict[str, object]]:
    """The misses of ``results`` as JSON-ready rows (``geo-tracker eval --errors FILE``).

    Each gold toponym placed beyond :data:`ACC_KM` is ``misplaced`` (with the
    chosen place and the error), each without a candidate ``unresolved``;
    end to end, gold toponyms no prediction overlaps are ``missed`` and
    predictions overlapping none are ``spurious``.

    Example:
        >>> r = Resolved("a1", 0, 5, "Paris", 48.85, 2.35, "gn:1", 33.66, -95.56, 7800.0)
        >>> error_rows([ArticleResult("a1", 1, None, None, (r,))])[0]["error"]
        'misplaced'
    """
    rows: list[dict[str, object]] = []
    for res in results:
        for r in res.resolved:
            if r.error_km <= ACC_KM:
                continue
            row: dict[str, object] = {"article": r.article_id, "error": "unresolved" if r.lat is None else "misplaced",
                                      "phrase": r.phrase, "start": r.start, "end": r.end,
                                      "gold": [r.gold_lat, r.gold_lon]}
            if r.lat is not None:
                row.update(place=r.place_id, at=[r.lat, r.lon], km=round(r.error_km, 1))
            rows.append(row)
        rows += [{"article": res.article_id, "error": "missed", "phrase": t.phrase, "start": t.start, "end": t.end}
                 for t in res.missed]
        rows += [{"article": res.article_id, "error": "spurious", "phrase": surface, "start": a, "end": b}
                 for a, b, surface in res.spurious]
    return rows


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def format_scores(scores: Scores) -> str:
    """A small aligned table of the figures (``geo-tracker eval``).

    Example:
        >>> s = Scores(2/3, 0.5, 4/7, 4, 3, 2, 0.5, 10.0, 5.0, 0.1, 2, 0, 0.2, 1)
        >>> print(format_scores(s))
        mode                          end-to-end (? layout, 0 articles)
        recognition
          precision                   0.667
          recall                      0.500
          F1                          0.571
          gold / predicted / matched  4 / 3 / 2
        resolution
          Acc@161km                   0.500
          mean error (km)             10.0
          median error (km)           5.0
          AUC (lower is better)       0.100
          scored / unresolved         2 / 0
        spans repaired / dropped      1 / 0
        time (s)                      0.2
    """
    s = scores
    layout = _LAYOUT_NAMES.get(s.layout, s.layout or "?")
    rows = [
        ("mode", f"{s.mode} ({layout} layout, {s.n_articles} articles)"),
        ("recognition", ""),
        ("  precision", _fmt(s.precision, ".3f")),
        ("  recall", _fmt(s.recall, ".3f")),
        ("  F1", _fmt(s.f1, ".3f")),
        ("  gold / predicted / matched",
         f"{s.n_gold} / {'n/a' if s.n_pred is None else s.n_pred} / {'n/a' if s.n_matched is None else s.n_matched}"),
        ("resolution", ""),
        ("  Acc@161km", _fmt(s.acc161, ".3f")),
        ("  mean error (km)", _fmt(s.mean_km, ".1f")),
        ("  median error (km)", _fmt(s.median_km, ".1f")),
        ("  AUC (lower is better)", _fmt(s.auc, ".3f")),
        ("  scored / unresolved", f"{s.n_resolved + s.n_unresolved} / {s.n_unresolved}"),
        ("spans repaired / dropped", f"{s.repaired_spans} / {s.dropped_spans}"),
        ("time (s)", f"{s.seconds:.1f}"),
    ]
    if s.by_kind:
        rows.append((f"by kind ({s.kind_source or 'resolved'})", "Acc@161km / scored / misses"))
        rows += [(f"  {k}", f"{v['acc161']:.3f} / {v['scored']} / {v['misses']}") for k, v in s.by_kind.items()]
    width = max(len(k) for k, _ in rows) + 2
    return "\n".join(f"{k:<{width}}{v}".rstrip() if v else k for k, v in rows)
