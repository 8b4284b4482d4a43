"""Evaluation against an annotated *report* corpus: places, convoys and sites.

The layout is JSON Lines, one report per line, each object carrying ``id``,
``text``, ``published``, ``lang`` and the gold ``places`` (mention, start,
end, name, kind, lat, lon, tol_km), ``convoys`` (vehicles_min and ``refs``
into ``places`` for origin / via / destination) and ``sites`` (kind, status,
``ref`` into ``places``). :func:`is_report_corpus` detects it.

:func:`evaluate_reports` extracts every report in-process through
:func:`geo_tracker.pipeline.extract_reports` and scores the JSON contract of
``geo-tracker extract --format json`` (:func:`geo_tracker.export.result_to_dict`),
so the figures are those of the corpus's reference scorer. Rules:

* **Recognition**: a predicted place is right when its span shares a character
  with a gold mention. A prediction with qualifier ``nationality`` or
  ``metonym``, or whose mention is US / U.S. / UAE, counts neither way unless it
  overlaps a gold mention (the corpus annotates none of them); ``recog_P_raw``
  counts them as false positives. Recall: gold mentions overlapped by any prediction.
* **Resolution** (``acc_tol``, over gold mentions with a coordinate): right when an
  overlapping prediction lies within the mention's ``tol_km``, or, for a gold
  country or governorate, when an overlapping prediction of an admin kind bears
  the same name (compared by :func:`name_key`).
* **Convoy roles**: each predicted origin / via / destination maps to the name of
  the gold place its mention overlaps; it is right when that (name, role) pair is
  still unused among the gold convoys' roles of the report.
* **Convoy events**: a predicted convoy matches the first unused gold convoy of the
  report with which it shares a role place or its ``vehicles_min``; one to one.
* **Sites**: a predicted site matches the gold site (one that names a place) whose
  location mention its own mention overlaps, one to one; ``site_status_acc`` is the
  share of gold sites matched with the right status, ``site_status_acc_matched``
  the share of matched sites.

Ratios are rounded to three decimals.

Example:
    >>> from geo_tracker.evaluate_reports import evaluate_reports, read_report_corpus
    >>> docs = read_report_corpus("dev.jsonl")                      # doctest: +SKIP
    >>> result = evaluate_reports(docs, only="ar", half="odd")      # doctest: +SKIP
    >>> result.figures["site_F1"], len(result.errors["sites"])      # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import InputError
from .geodesy import haversine_km
from .models import Report

ROLES = ("origin", "via", "destination")
GOLD_ADMIN_KINDS = frozenset({"country", "governorate"})
PRED_ADMIN_KINDS = frozenset({"country", "admin1", "governorate", "province", "state"})
NEUTRAL_QUALIFIERS = frozenset({"nationality", "metonym"})
NEUTRAL_ABBREVIATIONS = frozenset({"US", "UAE"})  # compared with dots removed: U.S. -> US
NAME_FILLERS = frozenset({"al", "el", "the", "of", "governorate", "province", "state", "region", "muhafazat"})
HALVES = ("even", "odd")

Doc = Mapping[str, Any]
Prediction = Mapping[str, Any]


@dataclass
class ReportScores:
    """The figures of one run (``figures``, keys as the reference scorer's) and every miss (``errors``)."""

    figures: dict[str, Any]
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The figures, then ``counts`` (the raw numbers behind them)."""
        return {**self.figures, "counts": dict(self.counts)}


# --------------------------------------------------------------------------- reading


def is_report_corpus(path: str | Path) -> bool:
    """True when ``path`` is a ``.jsonl`` file whose first object has places, convoys or sites."""
    path = Path(path)
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    obj = json.loads(line)
                except ValueError:
                    return False
                return isinstance(obj, dict) and any(k in obj for k in ("places", "convoys", "sites"))
    return False


def read_report_corpus(path: str | Path) -> list[dict[str, Any]]:
    """Every annotated report of a JSONL report corpus, in file order.

    Raises :class:`~geo_tracker.errors.InputError` for an unreadable file or a bad line.
    """
    path = Path(path)
    docs = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: {exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{path}:{n}: {exc}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f"{path}:{n}: expected an object with 'text'")
        docs.append(obj)
    return docs


def select_docs(docs: Sequence[Doc], *, only: str | None = None, half: str | None = None,
                limit: int | None = None) -> list[Doc]:
    """The documents to score: one language (``only``), one split half, then the first ``limit``.

    ``half`` is ``'even'`` or ``'odd'``: the documents at even / odd 0-based index in the
    corpus file (taken before ``only`` and ``limit``), the split-half discipline of the project.

    Example:
        >>> [d["id"] for d in select_docs([{"id": "a"}, {"id": "b"}, {"id": "c"}], half="even")]
        ['a', 'c']
    """
    if half is not None and half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}, not {half!r}")
    chosen = [d for i, d in enumerate(docs) if half is None or (i % 2 == 0) == (half == "even")]
    if only is not None:
        chosen = [d for d in chosen if d.get("lang") == only]
    return chosen if limit is None else chosen[: max(limit, 0)]


# --------------------------------------------------------------------------- helpers


def name_key(name: str | None) -> str:
    """A place name folded for comparison: no accents, case, brackets, punctuation or filler words.

    Example:
        >>> name_key("Al-Ḥasakah Governorate") == name_key("Hasakah")
        True
    """
    s = unicodedata.normalize("NFKD", name or "").casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"\(.*?\)", " ", s)
    return " ".join(w for w in re.findall(r"[a-z0-9\u0600-\u06ff]+", s) if w not in NAME_FILLERS)


def _shares_char(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _span(obj: Mapping[str, Any]) -> tuple[int, int]:
    return obj["start"], obj["end"]


def _is_neutral(place: Mapping[str, Any]) -> bool:
    """A prediction the corpus would leave unannotated: nationality word, metonym, US / U.S. / UAE."""
    return (place.get("qualifier") in NEUTRAL_QUALIFIERS
            or (place.get("mention") or "").replace(".", "") in NEUTRAL_ABBREVIATIONS)


def _ratio(num: int, den: int) -> float:
    return round(num / max(den, 1), 3)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return round(p, 3), round(r, 3), round(2 * p * r / max(p + r, 1e-9), 3)


def _brief(place: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What was predicted at one place, for an error record."""
    if not place:
        return None
    return {k: place.get(k) for k in ("mention", "start", "end", "name", "kind", "qualifier", "lat", "lon")}


# --------------------------------------------------------------------------- scoring


class _Tally:
    """Counts and error lists accumulated over documents."""

    def __init__(self) -> None:
        self.n: dict[str, int] = {k: 0 for k in (
            "docs", "missing_reports", "places_gold", "places_pred", "recog_tp", "recog_fp", "recog_fn",
            "recog_neutral", "acc_ok", "acc_n", "role_tp", "role_fp", "role_fn", "convoys_gold",
            "convoys_pred", "convoy_tp", "sites_gold", "sites_pred", "sites_matched", "sites_status_ok")}
        self.errors: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("false_positive", "missed", "misplaced", "convoy_roles", "convoys", "sites")}

    def add(self, key: str, value: int = 1) -> None:
        self.n[key] += value

    def miss(self, category: str, /, **record: Any) -> None:
        self.errors[category].append(record)


def _score_places(doc: Doc, pred: Sequence[Mapping[str, Any]], t: _Tally) -> None:
    gold = doc.get("places") or []
    covered: set[int] = set()
    for x in pred:
        hits = [i for i, g in enumerate(gold) if _shares_char(_span(x), _span(g))]
        covered.update(hits)
        if hits:
            t.add("recog_tp", not _is_neutral(x))
        elif _is_neutral(x):
            t.add("recog_neutral")
        else:
            t.add("recog_fp")
            t.miss("false_positive", doc=doc["id"], **_brief(x))
    for i, g in enumerate(gold):
        if i not in covered:
            t.add("recog_fn")
            t.miss("missed", doc=doc["id"], mention=g["mention"], start=g["start"], end=g["end"],
                   name=g.get("name"), kind=g.get("kind"))
        if g.get("lat") is None:
            continue
        t.add("acc_n")
        cands = [x for x in pred if x.get("lat") is not None and _shares_char(_span(x), _span(g))]
        ok = any(float(haversine_km(x["lat"], x["lon"], g["lat"], g["lon"])) <= g["tol_km"] for x in cands)
        if not ok and g.get("kind") in GOLD_ADMIN_KINDS:
            ok = any(x.get("kind") in PRED_ADMIN_KINDS and name_key(x.get("name")) == name_key(g.get("name"))
                     for x in cands)
        t.add("acc_ok", ok)
        if not ok and cands:
            t.miss("misplaced", doc=doc["id"], mention=g["mention"], start=g["start"], end=g["end"],
                   gold_name=g.get("name"), gold_kind=g.get("kind"), tol_km=g.get("tol_km"),
                   predicted=[_brief(x) for x in cands])


def _gold_name_at(gold: Sequence[Mapping[str, Any]], obj: Mapping[str, Any] | None) -> str | None:
    """The gold name of the first gold mention that ``obj``'s mention overlaps."""
    if not obj or obj.get("start") is None:
        return None
    return next((g["name"] for g in gold if _shares_char(_span(obj), _span(g))), None)


def _score_convoys(doc: Doc, pred: Sequence[Mapping[str, Any]], t: _Tally) -> None:
    gold = doc.get("places") or []
    gconvoys = doc.get("convoys") or []

    def ref_name(cv: Mapping[str, Any], role: str) -> str | None:
        i = (cv.get("refs") or {}).get(role)
        return None if i is None else gold[i]["name"]

    gold_roles = [(ref_name(cv, r), r) for cv in gconvoys for r in ROLES if ref_name(cv, r) is not None]
    pred_roles = [(_gold_name_at(gold, cv.get(r)), r, cv.get(r)) for cv in pred for r in ROLES if cv.get(r)]
    unused = list(gold_roles)
    wrong = []
    for name, role, place in pred_roles:
        if (name, role) in unused:
            unused.remove((name, role))
            t.add("role_tp")
        else:
            t.add("role_fp")
            wrong.append({"role": role, "gold_name": name, "predicted": _brief(place)})
    t.add("role_fn", len(unused))
    if wrong or unused:
        t.miss("convoy_roles", doc=doc["id"], wrong=wrong,
               missed=[{"role": r, "gold_name": n} for n, r in unused])

    gold_events = [({ref_name(cv, r) for r in ROLES} - {None}, cv.get("vehicles_min")) for cv in gconvoys]
    used: set[int] = set()
    t.add("convoys_gold", len(gconvoys))
    t.add("convoys_pred", len(pred))
    for cv in pred:
        names = {_gold_name_at(gold, cv.get(r)) for r in ROLES} - {None}
        hit = next((k for k, (gnames, vmin) in enumerate(gold_events) if k not in used and (
            names & gnames or (vmin is not None and vmin == cv.get("vehicles_min")))), None)
        if hit is None:
            t.miss("convoys", doc=doc["id"], what="spurious", vehicles_min=cv.get("vehicles_min"),
                   **{r: _brief(cv.get(r)) for r in ROLES})
        else:
            used.add(hit)
            t.add("convoy_tp")
    for k, cv in enumerate(gconvoys):
        if k not in used:
            t.miss("convoys", doc=doc["id"], what="missed", vehicles_min=cv.get("vehicles_min"),
                   **{r: ref_name(cv, r) for r in ROLES})


def _score_sites(doc: Doc, pred: Sequence[Mapping[str, Any]], t: _Tally) -> None:
    gold = doc.get("places") or []
    gsites = {gold[s["ref"]]["name"]: s for s in doc.get("sites") or [] if s.get("ref") is not None}
    t.add("sites_gold", len(gsites))
    t.add("sites_pred", len(pred))
    seen: set[str] = set()
    for s in pred:
        name = _gold_name_at(gold, s)
        where = {k: s.get(k) for k in ("mention", "start", "end", "name", "kind", "status")}
        if name in gsites and name not in seen:
            seen.add(name)
            t.add("sites_matched")
            if s.get("status") == gsites[name].get("status"):
                t.add("sites_status_ok")
            else:
                t.miss("sites", doc=doc["id"], what="status", gold_name=name,
                       gold_status=gsites[name].get("status"), predicted=where)
        else:
            t.miss("sites", doc=doc["id"], what="spurious", predicted=where)
    for name, g in gsites.items():
        if name not in seen:
            ref = gold[g["ref"]]
            t.miss("sites", doc=doc["id"], what="missed", gold_name=name, gold_kind=g.get("kind"),
                   gold_status=g.get("status"), mention=ref["mention"], start=ref["start"], end=ref["end"])


def score_reports(docs: Sequence[Doc], predictions: Mapping[str, Prediction]) -> ReportScores:
    """Score predictions (report id → one report of the ``extract --format json`` contract) against ``docs``.

    A document without a prediction counts as one with nothing found (``missing_reports``).

    Example:
        >>> doc = {"id": "d", "text": "Trucks reached Xville.", "places": [
        ...     {"mention": "Xville", "start": 15, "end": 21, "name": "Xville", "kind": "town",
        ...      "lat": 1.0, "lon": 2.0, "tol_km": 10}], "convoys": [], "sites": []}
        >>> pred = {"d": {"places": [{"mention": "Xville", "start": 15, "end": 21, "lat": 1.0, "lon": 2.0}]}}
        >>> r = score_reports([doc], pred)
        >>> r.figures["recog_F1"], r.figures["acc_tol"]
        (1.0, 1.0)
    """
    t = _Tally()
    for doc in docs:
        t.add("docs")
        p = predictions.get(doc["id"])
        if p is None:
            t.add("missing_reports")
            p = {}
        places = [x for x in p.get("places") or [] if x.get("start") is not None]
        t.add("places_gold", len(doc.get("places") or []))
        t.add("places_pred", len(places))
        _score_places(doc, places, t)
        _score_convoys(doc, p.get("convoys") or [], t)
        _score_sites(doc, p.get("sites") or [], t)
    n = t.n
    P, R, F = _prf(n["recog_tp"], n["recog_fp"], n["recog_fn"])
    rP, rR, rF = _prf(n["role_tp"], n["role_fp"], n["role_fn"])
    eP, eR, eF = _prf(n["convoy_tp"], n["convoys_pred"] - n["convoy_tp"], n["convoys_gold"] - n["convoy_tp"])
    sP, sR, sF = _prf(n["sites_matched"], n["sites_pred"] - n["sites_matched"], n["sites_gold"] - n["sites_matched"])
    figures = {
        "docs": n["docs"], "missing_reports": n["missing_reports"],
        "recog_P": P, "recog_R": R, "recog_F1": F,
        "recog_P_raw": _ratio(n["recog_tp"], n["recog_tp"] + n["recog_fp"] + n["recog_neutral"]),
        "acc_tol": _ratio(n["acc_ok"], n["acc_n"]), "acc_n": n["acc_n"],
        "convoy_role_P": rP, "convoy_role_R": rR, "convoy_role_F1": rF,
        "convoy_P": eP, "convoy_R": eR, "convoy_F1": eF,
        "site_P": sP, "site_R": sR, "site_F1": sF,
        "site_status_acc": _ratio(n["sites_status_ok"], n["sites_gold"]),
        "site_status_acc_matched": _ratio(n["sites_status_ok"], n["sites_matched"]),
        "sites_pred": n["sites_pred"],
    }
    return ReportScores(figures=figures, errors=t.errors, counts=dict(n))


def _as_report(doc: Doc) -> Report:
    """The report ``geo-tracker extract`` reads from this document's id, text, published and url."""
    from .io import report_from_record

    record = {k: doc.get(k) for k in ("id", "text", "published", "url")}
    return report_from_record(record, where=str(doc.get("id")), default_id=str(doc.get("id")))


def extract_predictions(docs: Iterable[Doc], gazetteer=None,
                        progress: Callable[[Report], None] | None = None) -> dict[str, dict[str, Any]]:
    """Extract every document in-process; report id → its ``extract --format json`` object."""
    from .export import result_to_dict
    from .pipeline import extract_reports

    extraction = extract_reports((_as_report(d) for d in docs), gazetteer, progress=progress)
    return {r.report.id: result_to_dict(r) for r in extraction.results}


def evaluate_reports(docs: Sequence[Doc], gazetteer=None, *, only: str | None = None,
                     half: str | None = None, limit: int | None = None) -> ReportScores:
    """Extract and score a report corpus (see the module doc); ``only``/``half``/``limit`` as :func:`select_docs`.

    Example:
        >>> result = evaluate_reports(read_report_corpus("dev.jsonl"), only="en")   # doctest: +SKIP
        >>> result.figures["recog_F1"]                                            # doctest: +SKIP
    """
    chosen = select_docs(docs, only=only, half=half, limit=limit)
    return score_reports(chosen, extract_predictions(chosen, gazetteer))


FIGURE_ROWS = (
    ("recognition P / R / F1", ("recog_P", "recog_R", "recog_F1")),
    ("recognition P, raw", ("recog_P_raw",)),
    ("resolution within tol", ("acc_tol",)),
    ("convoys P / R / F1", ("convoy_P", "convoy_R", "convoy_F1")),
    ("convoy roles P / R / F1", ("convoy_role_P", "convoy_role_R", "convoy_role_F1")),
    ("sites P / R / F1", ("site_P", "site_R", "site_F1")),
    ("site status (gold / matched)", ("site_status_acc", "site_status_acc_matched")),
)


_CELL = 24  # wide enough for "0.000 / 0.000 / 0.000" and a gap


def format_report_scores(columns: Mapping[str, ReportScores]) -> str:
    """A plain-text table: one row per figure, one column per scored selection (e.g. all, en, ar)."""
    names = list(columns)
    width = max(len(label) for label, _ in FIGURE_ROWS) + 2

    def row(label: str, cells: Iterable[str]) -> str:
        return label.ljust(width) + "".join(c.rjust(_CELL) for c in cells)

    head = row("figure", names)
    lines = [head, "-" * len(head), row("documents", (str(columns[n].figures["docs"]) for n in names))]
    for label, keys in FIGURE_ROWS:
        lines.append(row(label, (" / ".join(f"{columns[n].figures[k]:.3f}" for k in keys) for n in names)))
    lines.append(row("gold mentions with coord", (str(columns[n].figures["acc_n"]) for n in names)))
    lines.append(row("sites predicted", (str(columns[n].figures["sites_pred"]) for n in names)))
    return "\n".join(lines)
