"""Scaling of ``geo-tracker batch``: one worker against two, on generated reports (issue 7).

Generates ``--reports`` sample-style reports (default 100,000) into a
temporary JSONL file, runs the batch with each ``--workers`` count in a
fresh process, checks the outputs are identical, and prints wall time,
reports/s, the speed-up over one worker (target ≥ 1.7× with 2 workers on
2 cores) and the peak resident memory of each worker. One worker runs in
the driver process (no cluster); more start a ``distributed.LocalCluster``,
whose start-up is part of the time. Run:

    python benchmarks/batch.py [--reports 100000] [--workers 1,2] [--partition-size 500]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import sample_style_reports  # noqa: E402


def run_one(args: argparse.Namespace) -> None:
    """Child mode: one batch run, its result as one JSON line."""
    from geo_tracker.batch import run_batch

    r = run_batch([args.input], args.output, workers=args.one, partition_size=args.partition_size, quiet=True)
    print(json.dumps({"reports": r.reports, "rows": r.rows, "partitions": r.partitions, "seconds": r.seconds,
                      "workers": r.workers, "peak_rss_mb": r.peak_rss_mb, "cpu_seconds": r.cpu_seconds}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000, metavar="N", help="reports to generate (default 100,000)")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare (default 1,2)")
    ap.add_argument("--partition-size", type=int, default=500, metavar="K", help="reports per partition (default 500)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        run_one(args)
        return

    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="geo-tracker-batch-bench-") as tmp:
        corpus = Path(tmp) / "reports.jsonl"
        size = 0
        with corpus.open("w", encoding="utf-8") as fh:
            for record in sample_style_reports(args.reports):
                line = json.dumps(record, ensure_ascii=False) + "\n"
                size += len(line.encode("utf-8"))
                fh.write(line)
        print(f"corpus: {args.reports:,} generated reports, {size / 1e6:.1f} MB JSONL; "
              f"partitions of {args.partition_size}")
        results = {}
        for n in counts:
            load = os.getloadavg()[0]  # other work on the machine skews the comparison
            out = Path(tmp) / f"events-{n}.parquet"
            proc = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--input", str(corpus), "--output", str(out),
                 "--partition-size", str(args.partition_size)],
                capture_output=True, text=True, check=True,
            )
            results[n] = json.loads(proc.stdout.strip().splitlines()[-1])
            r = results[n]
            mem = ", ".join(f"{mb:.0f}" for mb in r["peak_rss_mb"].values())
            cpu = ", ".join(f"{s:.0f}" for s in r["cpu_seconds"].values())
            print(f"{n} worker{'s' if n > 1 else ' '}: {r['seconds']:8.1f} s  {r['reports'] / r['seconds']:8.1f} reports/s  "
                  f"{r['rows']:,} rows  peak memory per worker: {mem} MB  CPU per worker: {cpu} s  (load before: {load:.1f})")
        import pyarrow.parquet as pq

        tables = [pq.read_table(Path(tmp) / f"events-{n}.parquet") for n in counts]
        same = all(t.equals(tables[0]) for t in tables[1:])
        print(f"outputs identical: {same}")
        base = counts[0]
        for n in counts[1:]:
            speedup = results[base]["seconds"] / results[n]["seconds"]
            target = "  target ≥ 1.7× " + ("met" if speedup >= 1.7 else "NOT met") if n == 2 and base == 1 else ""
            print(f"speed-up {n} vs {base} worker(s): {speedup:.2f}×{target}")


if __name__ == "__main__":
    main()
