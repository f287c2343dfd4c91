#!/usr/bin/env python3
"""Adds the header-independent model identity (model_tensors_sha256) to evaluation cells written before it existed.

Evaluation cells written before session 16 identify their model only by the sha256 of the weights FILE, and until
commit 3eb31f2 the file's safetensors header recorded the git revision that wrote it ({"git": REV} in __metadata__),
so a model re-made bit for bit on a fresh machine (runs/ is not committed) has another file sha256 and its committed
cells are refused as "another model". This tool proves identity and records it:

  tools/cells_tensor_sha.py MODEL_DIR CELLS_DIR [CELLS_DIR ...]

For every record in CELLS_DIR/*.json without model_tensors_sha256 whose recorded file sha256 differs from
MODEL_DIR/model.safetensors, it rebuilds the old file exactly (the same tensors, the header's metadata with
"git": REV added, for REV = the cell's own revision, then every commit of this repository) and compares the sha256.
Only when a rebuilt file has the recorded sha256 (bit-identical tensors, proven) does it add
"model_tensors_sha256" (the same value as dev.recipe.core.SafeTensors.contentSha256) to the record's provenance.
A record it cannot prove is listed and left alone. Cells are rewritten atomically, one line inserted per record.
Standard library only.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
from collections import OrderedDict

WEIGHTS = "model.safetensors"
KEY = "model_tensors_sha256"


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    return raw, n, raw[8:8 + n].decode("utf-8")


def content_sha(raw, n, header_text):
    header = json.loads(header_text)
    md = hashlib.sha256()
    for name in sorted(k for k in header if k != "__metadata__"):
        t = header[name]
        shape = ",".join(str(d) for d in t["shape"])
        md.update(f"{name}\0{t['dtype']}\0{shape}\0".encode("utf-8"))
        b, e = t["data_offsets"]
        md.update(raw[8 + n + b:8 + n + e])
    return md.hexdigest()


def dump(header):
    return json.dumps(header, separators=(",", ":"), ensure_ascii=False)


def with_revision(raw, n, header_text, rev):
    header = json.loads(header_text, object_pairs_hook=OrderedDict)
    if dump(header) != header_text.rstrip(" "):
        raise SystemExit("cannot reproduce the writer's header serialisation; refusing to guess")
    meta = dict(header.get("__metadata__", {}))
    meta["git"] = rev
    rebuilt = OrderedDict([("__metadata__", OrderedDict(sorted(meta.items())))])
    for k, v in header.items():
        if k != "__metadata__":
            rebuilt[k] = v
    text = dump(rebuilt).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return hashlib.sha256(struct.pack("<Q", len(text)) + text + raw[8 + n:]).hexdigest()


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    model = os.path.join(argv[1], WEIGHTS)
    raw, n, header_text = read(model)
    file_sha = hashlib.sha256(raw).hexdigest()
    tensors = content_sha(raw, n, header_text)
    revisions = subprocess.run(["git", "rev-list", "--all"], capture_output=True, text=True, check=True).stdout.split()
    proven = {}
    print(f"{model}: file sha256 {file_sha}, tensors sha256 {tensors}")
    for cells in argv[2:]:
        for name in sorted(os.listdir(cells)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(cells, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            records = json.loads(text)
            lines = text.split("\n")
            inserts = []
            for r in records:
                prov = r.get("provenance", {})
                if KEY in prov:
                    continue
                old = next((v for k, v in prov.get("inputSha256", {}).items() if k.startswith("model_weights")), None)
                if old is None:
                    continue
                if old not in proven:
                    if old == file_sha:
                        proven[old] = "same file"
                    else:
                        for rev in [prov.get("gitRevision")] + revisions:
                            if rev and with_revision(raw, n, header_text, rev) == old:
                                proven[old] = f"the file with header revision {rev}"
                                break
                        else:
                            proven[old] = None
                inserts.append(proven[old] is not None)
            if not inserts:
                continue
            if not all(inserts):
                print(f"  {path}: NOT proven (recorded file sha256 matches no rebuild); left alone")
                continue
            out, i = [], 0
            for line in lines:
                out.append(line)
                if line.strip() == '"provenance" : {':
                    indent = line[:len(line) - len(line.lstrip())] + "  "
                    out.append(f'{indent}"{KEY}" : "{tensors}",')
            check = json.loads("\n".join(out))
            if sum(1 for r in check if r["provenance"].get(KEY) == tensors) != len(check):
                raise SystemExit(f"{path}: unexpected layout; nothing written")
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write("\n".join(out))
            os.replace(tmp, path)
            print(f"  {path}: {len(check)} record(s) <- {KEY} (recorded file = {proven[next(iter(proven))]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
