"""Start-up, memory and throughput of the default pipeline.

Each figure is measured in a fresh subprocess so that imports and caches are
honest. Run:

    python benchmarks/startup.py [--repeat 3]

Prints: cold index build (empty cache dir), warm `geo-tracker lookup` wall
time, peak resident memory of a warm extraction, and extraction throughput
over the bundled samples replicated to ~1 MB. Targets (issues 3 and 7): warm
start < 1 s, resident memory < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

WARM_LOOKUP = "from geo_tracker.cli import main; main(['lookup', 'Kamishli'], standalone_mode=False)"

THROUGHPUT = r"""
import json, resource, time
import geo_tracker
from geo_tracker.io import read_reports, sample_paths
from geo_tracker.gazetteer import Gazetteer
t0 = time.perf_counter(); gaz = Gazetteer.default(); load = time.perf_counter() - t0
base = list(read_reports(sample_paths()))
reports, size = [], 0
while size < 1_000_000:
    for r in base:
        reports.append(r); size += len(r.text.encode())
t0 = time.perf_counter()
ex = geo_tracker.extract_reports(reports, gaz)
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load_s": load, "mb": size / 1e6, "reports": len(reports), "seconds": dt,
                  "peak_rss_mb": rss, "convoys": len(ex.convoys)}))
"""


def _run(code: str, env_cache: str) -> tuple[float, str]:
    import os

    env = dict(os.environ, GEO_TRACKER_CACHE=env_cache)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold, _ = _run(WARM_LOOKUP, cache)
        warm = [_run(WARM_LOOKUP, cache)[0] for _ in range(args.repeat)]
        _, out = _run(THROUGHPUT, cache)
    tp = json.loads(out.strip().splitlines()[-1])
    print(f"cold start (build index, lookup):  {cold:6.2f} s")
    print(f"warm start (lookup, median of {args.repeat}):  {statistics.median(warm):6.2f} s   target < 1 s")
    print(f"index load inside a process:       {tp['load_s']:6.2f} s")
    print(f"peak resident memory (extraction): {tp['peak_rss_mb']:6.0f} MB  target < 400 MB")
    print(f"extraction: {tp['reports']} reports, {tp['mb']:.2f} MB in {tp['seconds']:.2f} s "
          f"= {tp['mb'] / tp['seconds']:.2f} MB/s, {tp['reports'] / tp['seconds']:.0f} reports/s")
    print("peers (flashgeotext, geotext) are measured by benchmarks/throughput.py (issue 7), not yet written")


if __name__ == "__main__":
    main()
