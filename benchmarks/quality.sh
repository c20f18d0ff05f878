#!/usr/bin/env bash
# The real-data figures of the foundation issue (long runs: not part of the test suite).
#   benchmarks/quality.sh ts    # Tiny Shakespeare, char level, E=64 H=512 B=32 bptt 64, Adam 2e-3, clip 5, 20 min
#   benchmarks/quality.sh ptb   # Penn Treebank, word level, E=H=256 B=32 bptt 35, Adam 1e-3, clip 0.25, 30 min
#   benchmarks/quality.sh wt2   # WikiText-2, the PTB settings, 15 min
#   benchmarks/quality.sh wt2 --output adaptive --output-options 'cutoffs=2000;10000'   # more QualityRun options
#   benchmarks/quality.sh PRESET [SEED...]  # a preset (recur list presets) through `recur train`, per seed: wall
#                                           # seconds, validation, test (PTB presets) as JSON; metrics in $OUT
# MINUTES= and THREADS= (default 2) override the budget and the compute threads.
# The PyTorch reference on WikiText-2: benchmarks/torch_quality_wikitext2.py (see its header).
# Prints JSON lines: config, progress, validations and the end figures (PTB: test perplexity).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DATA:-../shared/data}"
corpus="${1:-ts}"
shift || true
case "$corpus" in
  ts)  exec benchmarks/run.sh QualityRun --corpus ts --data "$data" --minutes "${MINUTES:-20}" --eval-every 300 --threads "${THREADS:-2}" "$@" ;;
  ptb) exec benchmarks/run.sh QualityRun --corpus ptb --data "$data" --minutes "${MINUTES:-30}" --eval-every 500 --threads "${THREADS:-2}" "$@" ;;
  wt2) exec benchmarks/run.sh QualityRun --corpus wt2 --data "$data" --minutes "${MINUTES:-15}" --eval-every 500 --threads "${THREADS:-2}" "$@" ;;
  ptb-*|char-*|lstm-*)
    # a preset of recur train, run as a user would, once per seed: PTB presets on ptb.train/valid/test, char
    # presets on Tiny Shakespeare (validation = the last 10 %); metrics (for recur plot) in $OUT (default /tmp)
    preset="$corpus"
    out="${OUT:-${TMPDIR:-/tmp}/recur-quality}"
    mkdir -p "$out"
    for seed in "${@:-1}"; do
      case "$preset" in
        char-*) files=(--corpus "$data/tinyshakespeare/input.txt") ;;
        *) files=(--corpus "$data/ptb/ptb.train.txt" --valid "$data/ptb/ptb.valid.txt" --test "$data/ptb/ptb.test.txt") ;;
      esac
      t0=$(date +%s.%N)
      res=$(./recur train --preset "$preset" "${files[@]}" --seed "$seed" --sample-length 0 \
            --metrics "$out/$preset-$seed.jsonl" --out "$out/$preset-$seed.recur" 2>/dev/null)
      t1=$(date +%s.%N)
      v=$(sed -n 's/^validation: loss \([0-9.]*\) nats, perplexity \([0-9.]*\).*/\1 \2/p' <<<"$res")
      t=$(sed -n 's/^test: .*perplexity \([0-9.]*\).*/\1/p' <<<"$res")
      echo "{\"preset\":\"$preset\",\"seed\":$seed,\"seconds\":$(python3 -c "print(round($t1-$t0,1))"),\"validation_nats\":${v%% *},\"validation_perplexity\":${v##* },\"test\":${t:-null},\"metrics\":\"$out/$preset-$seed.jsonl\"}"
    done ;;
  *) echo "usage: benchmarks/quality.sh ts|ptb|wt2 [options] | PRESET [SEED...]" >&2; exit 2 ;;
esac
