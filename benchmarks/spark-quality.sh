#!/usr/bin/env bash
# recur spark-train's quality against one process on the same number of training tokens and steps: PTB, Elman
# E = H = 256, a global batch of 32 streams, bptt 35, Adam 1e-3, clip 0.25, constant rate (the model kept is the
# best validation), EPOCHS (default 6) passes over the corpus in total. One process: `recur train --threads 2`,
# batch 32; Spark: `local[2]`, two replicas of batch 16, each one pass over its half per epoch, averaged every
# K (default 50) steps. Prints both test perplexities and the ratio.
#   benchmarks/spark-quality.sh [K]
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DATA:-../shared/data}/ptb"
k="${1:-50}"
epochs="${EPOCHS:-6}"
out="${OUT:-$(mktemp -d)}"
w=(--corpus "$data/ptb.train.txt" --valid "$data/ptb.valid.txt" --test "$data/ptb.test.txt" --level word
   --embedding 256 --hidden 256 --bptt 35 --lr 0.001 --clip 0.25
   --epochs "$epochs" --sample-length 0 --seed 1)
t0=$(date +%s)
./recur train "${w[@]}" --batch 32 --threads 2 --metrics "$out/single.jsonl" --out "$out/single.recur" > "$out/single.txt" 2>&1
t1=$(date +%s)
./recur spark-train "${w[@]}" --batch 16 --master 'local[2]' --workers 2 --sync-every "$k" --metrics "$out/spark.jsonl" \
  --out "$out/spark.recur" > "$out/spark.txt" 2>&1
t2=$(date +%s)
single=$(sed -n 's/^test: .*perplexity \([0-9.]*\).*/\1/p' "$out/single.txt")
spark=$(sed -n 's/^test: .*perplexity \([0-9.]*\).*/\1/p' "$out/spark.txt")
grep -h '^trained' "$out/single.txt" "$out/spark.txt"
echo "{\"epochs\":$epochs,\"sync_every\":$k,\"single_test_ppl\":$single,\"single_s\":$((t1-t0)),\"spark_test_ppl\":$spark,\"spark_s\":$((t2-t1)),\"ratio\":$(python3 -c "print(round($spark/$single,4))")}"
echo "logs and metrics: $out"
