#!/usr/bin/env bash
# Runs the step benchmark: SameDiff (./recipe bench) and the PyTorch peer (peer_bert.py), alternating, in one sitting.
# usage: tools/bench/run.sh OUT.jsonl [ROUNDS] [CONFIGS...]     e.g. tools/bench/run.sh bench.jsonl 2 mini base
# Needs: mvn -q -B install -DskipTests; Debian python3-torch + libopenblas0-openmp for the peer.
set -euo pipefail
out=${1:?usage: tools/bench/run.sh OUT.jsonl [ROUNDS] [CONFIGS...]}
rounds=${2:-2}
shift $(( $# >= 2 ? 2 : $# ))
configs=("${@:-mini}")
here="$(cd "$(dirname "$0")/../.." && pwd)"
py=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE
for r in $(seq 1 "$rounds"); do
  for c in "${configs[@]}"; do
    if [ "$c" = base ]; then n=4; w=1; else n=15; w=3; fi
    "$here/recipe" bench --config "$c" --step recipe --steps $n --warmup $w --json "$out" 2>/dev/null | tail -1
    $py "$here/tools/bench/peer_bert.py" --config "$c" --step recipe --head all --steps $n --warmup $w --threads 2 --json "$out" | tail -1
    $py "$here/tools/bench/peer_bert.py" --config "$c" --step recipe --head masked --dropout 0 --steps $n --warmup $w --threads 2 --json "$out" | tail -1
    "$here/recipe" bench --config "$c" --step finetune --steps $n --warmup $w --json "$out" 2>/dev/null | tail -1
    $py "$here/tools/bench/peer_bert.py" --config "$c" --step finetune --steps $n --warmup $w --threads 2 --json "$out" | tail -1
  done
done
$py "$here/tools/bench/table.py" "$out"
