#!/usr/bin/env bash
# recur spark-train's overhead on one machine: tokens/s of `recur train --threads 2` against
# `recur spark-train --master local[2] --workers 2` (two replicas, one core each) on the W workload
# (PTB, V = 10,000, E = H = 256, batch 32 per replica, bptt 35, SGD lr 1, clip 0.25).
#   benchmarks/spark-overhead.sh [K ...]          # default K: 50; STEPS= steps per run (default 400)
#   AGG='driver tree' benchmarks/spark-overhead.sh 50   # the aggregations to measure (default: driver)
# Prints one JSON line per run and the ratio. Figures are medians over the logged steps / the rounds after the
# first (the first round includes the JIT warm-up and the executors' first decode of the run).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DATA:-../shared/data}/ptb"
steps="${STEPS:-400}"
ks=("${@:-50}")
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
w=(--corpus "$data/ptb.train.txt" --valid "$data/ptb.valid.txt" --level word --embedding 256 --hidden 256
   --batch 32 --bptt 35 --optimizer sgd --lr 1 --clip 0.25 --max-steps "$steps" --sample-length 0 --seed 1)
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.stdin.read().split()]; print(statistics.median(v) if v else "nan")'; }

./recur train "${w[@]}" --threads 2 --log-every 20 --metrics "$tmp/single.jsonl" --out "$tmp/single.recur" >/dev/null 2>&1
single=$(python3 -c 'import json,sys; [print(j["tokens_per_s"]) for j in map(json.loads, open(sys.argv[1])) if j.get("event")=="step" and j["step"]>40]' "$tmp/single.jsonl" | median)
echo "{\"run\":\"recur train --threads 2\",\"tokens_per_s\":$single}"
for agg in ${AGG:-driver}; do
for k in "${ks[@]}"; do
  ./recur spark-train "${w[@]}" --master 'local[2]' --workers 2 --sync-every "$k" --aggregation "$agg" \
    --metrics "$tmp/spark-$k.jsonl" --out "$tmp/spark.recur" >/dev/null 2>&1
  python3 - "$tmp/spark-$k.jsonl" "$k" "$single" "$agg" <<'PY'
import json, statistics, sys
rounds = [j for j in map(json.loads, open(sys.argv[1])) if j.get("event") == "round"][1:]
m = lambda key: statistics.median(r[key] for r in rounds)
tps = m("tokens_per_s")
print(json.dumps({"run": "recur spark-train local[2] --workers 2", "aggregation": sys.argv[4],
                  "sync_every": int(sys.argv[2]),
                  "rounds": len(rounds), "tokens_per_s": tps, "round_s": m("round_s"), "compute_s": m("compute_s"),
                  "communication_s": m("communication_s"), "average_s": m("average_s"), "bytes_per_replica": rounds[0]["bytes_per_replica"],
                  "ratio_vs_single": tps / float(sys.argv[3])}))
PY
done
done
