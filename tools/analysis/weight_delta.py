#!/usr/bin/env python3
"""Where did an attack or a defense change a model? Per weight matrix: the Frobenius norm of the reference model's
weight, of the change to the model, and of the change to a third model (e.g. the purified one), from the models'
safetensors files (reads the format directly: numpy only, no torch).

usage: tools/analysis/weight_delta.py REF.safetensors ATTACKED.safetensors [PURIFIED.safetensors] > table.md
e.g.   tools/analysis/weight_delta.py zoo/models/bert-mini/model.safetensors \
           runs/experiments/mini/models/por/model.safetensors runs/experiments/mini/models/por-recipe/model.safetensors
"""
import json
import struct
import sys

import numpy as np


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        if v["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor '{name}' has dtype {v['dtype']}, expected F32")
        s, e = v["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + s:8 + n + e], dtype=np.float32).reshape(v["shape"])
    return out


def main(argv):
    if len(argv) not in (3, 4):
        raise SystemExit(__doc__)
    ref, att = load(argv[1]), load(argv[2])
    pur = load(argv[3]) if len(argv) == 4 else None
    print(f"reference `{argv[1]}`, attacked `{argv[2]}`" + (f", purified `{argv[3]}`" if pur else ""))
    print()
    head = "| weight | ‖W_ref‖ | ‖W_att − W_ref‖ | relative |"
    if pur:
        head += " ‖W_pur‖ | ‖W_pur − W_att‖ |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name in ref:
        if not name.endswith("weight") or name not in att:
            continue
        w = ref[name]
        d = np.linalg.norm(att[name] - w)
        row = f"| {name} | {np.linalg.norm(w):.2f} | {d:.3f} | {d / np.linalg.norm(w):.3f} |"
        if pur:
            row += f" {np.linalg.norm(pur[name]):.2f} | {np.linalg.norm(pur[name] - att[name]):.3f} |"
        print(row)


if __name__ == "__main__":
    main(sys.argv)
