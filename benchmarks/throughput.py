"""Throughput of geo_tracker's full extraction next to flashgeotext and geotext (issue 7).

On one corpus, in one run:

* geo_tracker: recognition + resolution + events (``extract_report``), with
  the default gazetteer loaded first and timed apart;
* flashgeotext (``GeoText().extract(text)``, its default lookup) and geotext
  (``GeoText(text)``): recognition only;
* a pure-Python floor: one token pass with one dictionary lookup per token
  (:func:`token_floor`), the least any tagger written in Python does;

then MB/s, reports/s and the ratios to flashgeotext (target: geo_tracker
≥ 2×), the seconds each stage of geo_tracker takes, the start-up of a fresh process (``import geo_tracker`` and the first
extraction with the warm on-disk index cache; target ≤ 1 s) and peak
resident memory after the geo_tracker run (target ≤ 400 MB).

The corpus is the text of the LGL articles in ``../shared/benchmarks/lgl.xml``
when present (``--corpus`` names another file of that XML family), otherwise
a generated corpus of sample-style reports of at least ``--mb`` MB.
Install the peers with ``pip install -e ".[bench]"``. Run:

    python benchmarks/throughput.py [--corpus FILE | --generated] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

LGL = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "lgl.xml"
HEAVY_MODULES = ("numpy", "pandas", "geopandas", "shapely", "folium", "dateparser", "rapidfuzz", "pyarrow", "dask")

STARTUP = r"""
import json, sys, time
t0 = time.perf_counter()
import geo_tracker
t1 = time.perf_counter()
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
r = geo_tracker.extract({text!r}, published="2021-02-08")
t2 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "first_extract_s": t2 - t1, "heavy": heavy, "convoys": len(r.convoys)}}))
"""


def sample_texts() -> list[tuple[str, str | None, str | None]]:
    """(text, published, source) of the bundled sample reports."""
    from geo_tracker.io import read_reports, sample_paths

    return [(r.text, r.published.isoformat() if r.published else None, r.source) for r in read_reports(sample_paths())]


def sample_style_reports(n: int | None = None, *, min_bytes: int = 0, seed: int = 7) -> Iterator[dict]:
    """Generated reports in the style of the samples: 1-3 sample paragraphs, numbers varied.

    Yields JSONL-ready records (``id``, ``text``, ``published``, ``source``)
    until ``n`` reports or ``min_bytes`` of text, whichever is given; never
    holds more than one report.
    """
    import re

    rng = random.Random(seed)
    base = sample_texts()
    size = i = 0
    while (n is not None and i < n) or (n is None and size < min_bytes):
        picks = rng.sample(base, rng.randint(1, 3))
        text = "\n\n".join(re.sub(r"\b\d{2}\b", lambda m: str(rng.randint(10, 99)), t) for t, _, _ in picks)
        size += len(text.encode("utf-8"))
        yield {"id": f"g{i:07d}", "text": text, "published": picks[0][1], "source": picks[0][2]}
        i += 1


def load_corpus(args: argparse.Namespace) -> tuple[str, list[str]]:
    corpus = None if args.generated else (Path(args.corpus) if args.corpus else LGL)
    if corpus is not None and corpus.is_file():
        from geo_tracker.evaluate import read_corpus

        texts = [a.text for a in read_corpus(corpus).articles]
        name = corpus.name
    else:
        if corpus is not None and args.corpus:
            sys.exit(f"error: {corpus}: no such file")
        texts = [r["text"] for r in sample_style_reports(min_bytes=int(args.mb * 1_000_000))]
        name = f"generated sample-style reports (≥ {args.mb:g} MB)"
    if args.limit:
        texts = texts[: args.limit]
    return name, texts


def timed(fn: Callable[[str], object], texts: Sequence[str]) -> float:
    t0 = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - t0


_TOKEN = re.compile(r"\w+")


def token_floor(text: str, _words: dict = {}) -> None:  # noqa: B006 - a fixed, empty lookup table
    """The least work any pure-Python tagger does per report: find each token and look it up once.

    Its rate bounds what a pipeline written in Python can reach. On LGL it runs at about
    32 MB/s, and the 2× flashgeotext target is about 10 MB/s: three such lookups per token
    for recognition, resolution and events together.
    """
    for token in _TOKEN.findall(text.lower()):
        _words.get(token)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def startup(repeat: int) -> dict:
    """Fresh-process start-up with the warm cache of this process (median of ``repeat``)."""
    text = sample_texts()[0][0]
    code = STARTUP.format(heavy=HEAVY_MODULES, text=text)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
        runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "wall_s": time.perf_counter() - t0})
    best = {k: statistics.median(r[k] for r in runs) for k in ("import_s", "first_extract_s", "wall_s")}
    return {**best, "heavy": runs[-1]["heavy"]}


def stage_seconds(reports: Sequence, gaz) -> dict[str, float]:
    """Seconds per pipeline stage over ``reports``, run stage by stage as ``extract_report`` does
    for a report of one segment (where the time goes; the full run above is the figure that counts)."""
    from geo_tracker.events.convoys import extract_convoys
    from geo_tracker.events.sites import extract_sites
    from geo_tracker.qualify import qualify
    from geo_tracker.recognize import recognize
    from geo_tracker.resolve import resolve
    from geo_tracker.text import sentence_spans

    spent = dict.fromkeys(("recognition", "resolution", "qualifiers", "sentences", "convoys", "sites"), 0.0)

    def clock(stage: str, fn: Callable, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        spent[stage] += time.perf_counter() - t0
        return out

    for report in reports:
        text = report.text
        matches = clock("recognition", recognize, text, gaz)
        places = clock("qualifiers", qualify, text, clock("resolution", resolve, text, gaz, matches))
        sentences = clock("sentences", sentence_spans, text)
        clock("convoys", extract_convoys, report, places, sentences)
        clock("sites", extract_sites, report, places, sentences)
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", metavar="FILE", help=f"LGL-family XML corpus (default: {LGL} when present)")
    ap.add_argument("--generated", action="store_true", help="use a generated corpus even when LGL is present")
    ap.add_argument("--mb", type=float, default=1.0, help="size of the generated corpus in MB (default 1)")
    ap.add_argument("--limit", type=int, metavar="N", help="first N reports only")
    ap.add_argument("--repeat", type=int, default=3, help="start-up runs (median)")
    args = ap.parse_args()

    name, texts = load_corpus(args)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {name}: {len(texts)} reports, {mb:.2f} MB; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")

    from geo_tracker.gazetteer import Gazetteer
    from geo_tracker.pipeline import extract_report, make_report

    t0 = time.perf_counter()
    gaz = Gazetteer.default()
    load_s = time.perf_counter() - t0
    reports = {text: make_report(text) for text in texts}  # built before timing: ids hash the text
    rows: list[tuple[str, str, float]] = [
        ("geo_tracker", "full: recognition + resolution + events", timed(lambda t: extract_report(reports[t], gaz), texts))
    ]
    rss = peak_rss_mb()

    try:
        from flashgeotext.geotext import GeoText as FlashGeoText
        import geotext
    except ImportError:
        print("flashgeotext/geotext missing: pip install -e '.[bench]'", file=sys.stderr)
    else:
        t0 = time.perf_counter()
        flash = FlashGeoText()
        flash_load_s = time.perf_counter() - t0
        geotext.GeoText(texts[0])  # loads its data
        rows.append(("flashgeotext", "recognition only", timed(lambda t: flash.extract(input_text=t), texts)))
        rows.append(("geotext", "recognition only", timed(geotext.GeoText, texts)))
        print(f"flashgeotext lookup load: {flash_load_s:.2f} s (not in its rate)")
    rows.append(("python floor", "a token pass, one dict lookup per token", timed(token_floor, texts)))

    print(f"geo_tracker gazetteer load (warm cache): {load_s:.2f} s (not in its rate)")
    flash_rate = next((mb / s for n, _, s in rows if n == "flashgeotext"), None)
    print(f"\n{'':13} {'what':42} {'seconds':>8} {'MB/s':>8} {'reports/s':>10} {'× flashgeotext':>15}")
    for tool, what, seconds in rows:
        ratio = f"{mb / seconds / flash_rate:.3f}" if flash_rate else "-"
        print(f"{tool:13} {what:42} {seconds:8.2f} {mb / seconds:8.3f} {len(texts) / seconds:10.1f} {ratio:>15}")
    if flash_rate:
        gt = mb / rows[0][2] / flash_rate
        print(f"target geo_tracker ≥ 2× flashgeotext: {gt:.3f}× ({'met' if gt >= 2 else 'NOT met'})")

    stages = stage_seconds(list(reports.values()), gaz)
    print("where geo_tracker's time goes (a second pass, stage by stage, caches warm; s): "
          + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in stages.items()))

    s = startup(args.repeat)
    print(f"\nstart-up, fresh process, warm index cache (median of {args.repeat}):")
    print(f"  import geo_tracker:            {s['import_s']:6.3f} s   heavy modules loaded by the import: "
          f"{', '.join(s['heavy']) or 'none'}")
    print(f"  first extraction:              {s['first_extract_s']:6.3f} s   target ≤ 1 s "
          f"({'met' if s['first_extract_s'] <= 1 else 'NOT met'})")
    print(f"  whole process (interpreter on): {s['wall_s']:5.3f} s")
    print(f"peak resident memory after the geo_tracker run: {rss:.0f} MB   target ≤ 400 MB "
          f"({'met' if rss <= 400 else 'NOT met'})")


if __name__ == "__main__":
    main()
