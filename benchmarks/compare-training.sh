#!/usr/bin/env bash
# Training throughput of recur and PyTorch on workloads W and C, one after another, in one session.
# Prints the JSON lines of both and a ratio table (medians of per-step tokens/s).
# Needs (Debian): apt-get install -y python3-torch python3-numpy libopenblas0-pthread
#   benchmarks/compare-training.sh [PEERS_DIR=../shared/bench/peers] [STEPS=100]
set -euo pipefail
cd "$(dirname "$0")/.."
peers="${1:-../shared/bench/peers}"
steps="${2:-100}"
out=$(mktemp -d)
./mvnw -q -B install -DskipTests -pl benchmarks -am >&2
for w in W C; do
  for t in 1 2; do
    benchmarks/run.sh TrainThroughput --workload "$w" --steps "$steps" --threads "$t" 2>/dev/null | tee "$out/recur-$w-$t.json"
  done
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$peers/torch/rnnlm_train.py" --config "$w" --threads 2 --steps "$steps" \
    | tail -1 | tee "$out/torch-$w.json"
done
python3 - "$out" <<'PY'
import json, sys, os
d = sys.argv[1]
def tps(f):
    j = json.loads(open(os.path.join(d, f)).read().strip().splitlines()[-1])
    for k in ("median_tokens_per_s", "tokens_per_s_median", "tokens_per_s"):
        if k in j: return float(j[k])
    raise SystemExit("no throughput in " + f + ": " + str(j))
print("| workload | recur 1 thread | recur 2 threads | PyTorch 2 threads (PASSIVE) | ratio 1t | ratio 2t |")
print("| --- | --- | --- | --- | --- | --- |")
for w in "WC":
    r1, r2, t = tps(f"recur-{w}-1.json"), tps(f"recur-{w}-2.json"), tps(f"torch-{w}.json")
    print(f"| {w} | {r1:,.0f} | {r2:,.0f} | {t:,.0f} | {r1/t:.2f}x | {r2/t:.2f}x |")
PY
