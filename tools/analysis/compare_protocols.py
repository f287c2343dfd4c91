#!/usr/bin/env python3
"""Side by side: the same grid's report under two or more evaluation protocols (e.g. the grids' fine-tuning, lr 1e-4, and
lr 3e-4 with grouped batches), row by row (model, task), from the reports' results.json.

  python3 tools/analysis/compare_protocols.py experiments/mini/attacks experiments/mini-lr3e-4-grouped/attacks \
      --labels "lr 1e-4" "lr 3e-4 grouped"

Prints a Markdown table: ACC, MASR, the reference's MASR floor and ACC difference to the reference, each "a -> b
[-> c ...]" (the last report's MASR with its seeds' std), for every (model, task) row that every report holds; the
other rows are listed after it.
"""
import argparse
import json
import sys
from pathlib import Path

TASKS = {"sst2": "SST-2", "hsol": "HSOL", "agnews": "AG News"}


def rows(report_dir):
    f = Path(report_dir) / "results.json"
    if not f.is_file():
        sys.exit(f"{f}: not found (run ./recipe experiment ... --report-only first)")
    out = {}
    for r in json.loads(f.read_text()):
        v, p = r["values"], r.get("provenance", {})
        delta = next((v[k] for k in v if k.startswith("\u0394ACC_vs_")), "n/a")
        out[(v["model"], v["task"])] = {
            "ACC": v["ACC"].split(" ")[0], "MASR": v["MASR"].split(" ")[0], "MASR_sd": v["MASR"],
            "floor": v.get("floor_MASR", "n/a"), "dACC": delta, "survives": v.get("survives", ""),
            "seeds": v.get("seeds", ""), "n": p.get("ACC", {}).get("n")}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", nargs="+", help="two or more report directories (each with results.json)")
    ap.add_argument("--labels", nargs="+", help="one label per report (default: a, b, c, ...)")
    args = ap.parse_args()
    if len(args.reports) < 2:
        ap.error("give at least two report directories")
    labels = args.labels or [chr(ord("a") + i) for i in range(len(args.reports))]
    if len(labels) != len(args.reports):
        ap.error(f"--labels: {len(labels)} labels for {len(args.reports)} reports")
    reports = [rows(d) for d in args.reports]
    arrow, slash = " \u2192 ", " / "
    print(f"| model | task | seeds {slash.join(labels)} | ACC {arrow.join(labels)} | \u0394ACC vs reference | "
          f"MASR {arrow.join(labels)} | floor {slash.join(labels)} | survives {slash.join(labels)} |")
    print("|---|---|---|---|---|---|---|---|")
    for key in reports[0]:
        if any(key not in r for r in reports):
            continue
        xs = [r[key] for r in reports]
        masr = [x["MASR"] for x in xs[:-1]] + [xs[-1]["MASR_sd"]]
        print(f"| {key[0]} | {TASKS.get(key[1], key[1])} | {slash.join(str(x['seeds']) for x in xs)} "
              f"| {arrow.join(x['ACC'] for x in xs)} | {arrow.join(str(x['dACC']) for x in xs)} "
              f"| {arrow.join(masr)} | {slash.join(str(x['floor']) for x in xs)} "
              f"| {slash.join(x['survives'] or '-' for x in xs)} |")
    keys = list(dict.fromkeys(k for r in reports for k in r))
    partial = [k for k in keys if any(k not in r for r in reports)]
    if partial:
        print()
        print("Not in every report: " + ", ".join(f"{m} / {TASKS.get(t, t)}" for m, t in partial))


if __name__ == "__main__":
    main()
