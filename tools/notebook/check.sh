#!/usr/bin/env bash
# Runs the code cells of a notebook (default notebooks/quickstart.ipynb) in plain JShell against the built checkout,
# skipping cells tagged "setup" (the kernel's classpath magic: JShell gets --class-path instead), and fails on the
# first exception or compile error. Needs: mvn -q -B install -DskipTests. Usage: tools/notebook/check.sh [NOTEBOOK]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
nb="${1:-$here/notebooks/quickstart.ipynb}"
script="$(mktemp --suffix=.jsh)"
trap 'rm -f "$script"' EXIT
python3 - "$nb" "$script" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] != "code" or "setup" in c.get("metadata", {}).get("tags", []):
            continue
        out.write('System.out.println("=== cell %d");\n' % i)
        out.write("".join(c["source"]) + "\n")
    out.write("/exit\n")
PY
cp="$here/modules/app/target/classes:$(cat "$here/modules/app/target/classpath.txt")"
cd "$here/notebooks"
log="$(mktemp)"
jshell --class-path "$cp" -R-Xmx1g -R-Drecipe.home="$here" --feedback concise "$script" 2>&1 | tee "$log"
if grep -qE '^\|  (Exception|Error|[a-zA-Z.]*Exception)|^\|  Error:' "$log"; then
  echo "notebook check FAILED: see the first '|  ' error above" >&2
  exit 1
fi
echo "notebook check passed: every code cell of $nb ran"
