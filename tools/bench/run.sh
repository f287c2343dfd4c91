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
# The peer runs on the allocator the launcher gives the Java side (jemalloc, freed pages kept): under glibc's malloc
# PyTorch's fresh output arrays cost page faults, which on some VMs doubled its step (BENCHMARKS.md, "The peer's
# allocator"). PEER_GLIBC=1 also times the peer on glibc's malloc, as tables before session 30 did.
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
peer_envs=("")
if [ -f "$jemalloc" ]; then
  peer_envs=("LD_PRELOAD=$jemalloc MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}")
  [ -n "${PEER_GLIBC:-}" ] && peer_envs+=("")
fi
peer() { for e in "${peer_envs[@]}"; do env $e $py "$here/tools/bench/peer_bert.py" "$@" | tail -1; done; }
for r in $(seq 1 "$rounds"); do
  for c in "${configs[@]}"; do
    if [ "$c" = base ]; then n=4; w=1; else n=15; w=3; fi
    "$here/recipe" bench --config "$c" --step recipe --steps $n --warmup $w --json "$out" 2>/dev/null | tail -1
    peer --config "$c" --step recipe --head all --steps $n --warmup $w --threads 2 --json "$out"
    peer --config "$c" --step recipe --head masked --dropout 0 --steps $n --warmup $w --threads 2 --json "$out"
    "$here/recipe" bench --config "$c" --step finetune --steps $n --warmup $w --json "$out" 2>/dev/null | tail -1
    peer --config "$c" --step finetune --steps $n --warmup $w --threads 2 --json "$out"
  done
done
$py "$here/tools/bench/table.py" "$out"
