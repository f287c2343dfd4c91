#!/usr/bin/env python3
"""Summarises a bench JSONL file (from tools/bench/run.sh) as a Markdown table: median of the runs' medians."""
import json, statistics, sys, collections

rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    d = json.loads(line)
    key = (d["config"], d["step"], d["impl"], d.get("head", "n/a") if d["step"] == "recipe" else "-", d.get("dropout", 0.0), d.get("allocator", "n/a"), d.get("blas_coretype", "auto"))
    rows[key].append(d)
print("| config | step | impl | MLM head | dropout | allocator | BLAS kernels | runs | median step ms | peak RSS MB | GFLOP/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(rows):
    rs = rows[key]
    med = statistics.median(r["median_ms"] for r in rs)
    rss = max(r["peak_rss_mb"] for r in rs)
    gf = statistics.median(r["achieved_gflops"] for r in rs)
    print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {key[4]} | {key[5]} | {key[6]} | {len(rs)} | {med:.0f} | {rss:.0f} | {gf:.1f} |")
