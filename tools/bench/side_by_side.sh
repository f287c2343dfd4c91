#!/usr/bin/env bash
# Stages side by side: does `recipe experiment --jobs 2` (two child JVMs, one thread each) do more work per hour on
# 2 cores than one stage with two threads? Alternates, ROUNDS times: one 2-thread fine-tuning benchmark, then two
# 1-thread ones at once. Throughput = steps/s summed over the concurrent runs (BENCHMARKS.md, "Stages side by side").
#   mvn -q -B install -DskipTests && tools/bench/side_by_side.sh OUTDIR [ROUNDS] [RECIPE_LAUNCHER]
set -euo pipefail
out="${1:?usage: tools/bench/side_by_side.sh OUTDIR [ROUNDS] [RECIPE_LAUNCHER]}"
rounds="${2:-2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
recipe="${3:-$here/recipe}"
mkdir -p "$out"
bench() { "$recipe" bench --config mini --step finetune --steps 12 --warmup 3 --json "$out/$1.json" > "$out/$1.log" 2>&1; }
for r in $(seq 1 "$rounds"); do
  OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 bench "two-threads-$r"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench "one-thread-a-$r" &
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench "one-thread-b-$r"
  wait
done
python3 - "$out" "$rounds" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
med = lambda n: json.load(open(f"{out}/{n}.json"))["median_ms"]
for r in range(1, rounds + 1):
    two, a, b = med(f"two-threads-{r}"), med(f"one-thread-a-{r}"), med(f"one-thread-b-{r}")
    print(f"round {r}: one stage, 2 threads: {two:.0f} ms/step = {1000/two:.2f} steps/s; "
          f"two stages, 1 thread each: {a:.0f} / {b:.0f} ms/step = {1000/a + 1000/b:.2f} steps/s "
          f"({(1000/a + 1000/b) / (1000/two):.2f}x)")
PY
