#!/usr/bin/env python3
"""Paired per-seed differences between two evaluation directories: the same models, tasks and seeds evaluated under
two protocols (e.g. lr 3e-4 on random batches and on grouped, shuffled batches, which differ only in the order of the
batches). For every cell file `<model>/cells/<task>-seed<N>.json` that both directories hold, b - a of ACC and MASR
(percentage points), per row and pooled: how far a protocol change, or the batch order alone, moves one seed.

  python3 tools/analysis/paired_cells.py experiments/mini-finetune-lr3e-4/eval experiments/mini-lr3e-4-grouped/eval

Prints a Markdown table (one row per model and task, the per-seed MASR differences) and the pooled mean, sample
standard deviation and sign count of each metric's differences.
"""
import argparse
import json
import re
import statistics
import sys
from pathlib import Path

CELL = re.compile(r"(?P<task>[a-z0-9_]+)-seed(?P<seed>\d+)\.json")


def cells(eval_dir):
    out = {}
    for f in sorted(Path(eval_dir).glob("*/cells/*-seed*.json")):
        m = CELL.fullmatch(f.name)
        if not m:
            continue
        records = json.loads(f.read_text())
        if not records or "values" not in records[0]:
            sys.exit(f"{f}: expected a list of records with 'values'")
        v = records[0]["values"]
        for k in ("ACC", "MASR"):
            if k not in v:
                sys.exit(f"{f}: the first record has no '{k}'")
        out[(f.parent.parent.name, m["task"], int(m["seed"]))] = (100 * v["ACC"], 100 * v["MASR"])
    return out


def summary(name, diffs):
    sd = statistics.stdev(diffs) if len(diffs) > 1 else float("nan")
    pos = sum(d > 0 for d in diffs)
    return f"{name}: mean {statistics.mean(diffs):+.1f}, sd {sd:.1f} points, positive in {pos} of {len(diffs)} pairs"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", help="evaluation directory (holds <model>/cells/)")
    ap.add_argument("b", help="evaluation directory to compare with a (b - a)")
    args = ap.parse_args()
    a, b = cells(args.a), cells(args.b)
    keys = sorted(k for k in a if k in b)
    if not keys:
        sys.exit(f"no cell file is in both {args.a} and {args.b}")
    rows = {}
    for k in keys:
        rows.setdefault(k[:2], []).append((k[2], b[k][0] - a[k][0], b[k][1] - a[k][1]))
    print("| model | task | seeds | MASR b − a per seed | ACC b − a per seed |")
    print("|---|---|---|---|---|")
    for (model, task), r in rows.items():
        print(f"| {model} | {task} | {', '.join(str(s) for s, _, _ in r)} | "
              f"{', '.join(f'{dm:+.1f}' for _, _, dm in r)} | {', '.join(f'{da:+.1f}' for _, da, _ in r)} |")
    print()
    print(summary("MASR", [b[k][1] - a[k][1] for k in keys]))
    print(summary("ACC", [b[k][0] - a[k][0] for k in keys]))


if __name__ == "__main__":
    main()
