#!/usr/bin/env python3
"""Side by side: the same grid's report under two evaluation protocols (e.g. the grids' fine-tuning, lr 1e-4, and
lr 3e-4 with grouped batches), row by row (model, task), from the reports' results.json.

  python3 tools/analysis/compare_protocols.py experiments/mini/attacks experiments/mini-lr3e-4-grouped/attacks \
      --labels "lr 1e-4" "lr 3e-4 grouped"

Prints a Markdown table: ACC, MASR, the reference's MASR floor and ACC difference to the reference, each "a -> b",
for every (model, task) row both reports hold; rows only one report holds are listed after it.
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
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--labels", nargs=2, default=["a", "b"])
    args = ap.parse_args()
    a, b = rows(args.a), rows(args.b)
    la, lb = args.labels
    print(f"| model | task | seeds {la} / {lb} | ACC {la} \u2192 {lb} | \u0394ACC vs reference | "
          f"MASR {la} \u2192 {lb} | floor {la} / {lb} | survives {la} / {lb} |")
    print("|---|---|---|---|---|---|---|---|")
    for key in a:
        if key not in b:
            continue
        x, y = a[key], b[key]
        print(f"| {key[0]} | {TASKS.get(key[1], key[1])} | {x['seeds']} / {y['seeds']} | {x['ACC']} \u2192 {y['ACC']} "
              f"| {x['dACC']} \u2192 {y['dACC']} | {x['MASR']} \u2192 {y['MASR_sd']} | {x['floor']} / {y['floor']} "
              f"| {x['survives'] or '-'} / {y['survives'] or '-'} |")
    only = [k for k in list(a) + list(b) if (k in a) != (k in b)]
    if only:
        print()
        print("Only in one report: " + ", ".join(f"{m} / {TASKS.get(t, t)}" for m, t in only))


if __name__ == "__main__":
    main()
