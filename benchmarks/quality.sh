#!/usr/bin/env bash
# The real-data figures of the foundation issue (long runs: not part of the test suite).
#   benchmarks/quality.sh ts    # Tiny Shakespeare, char level, E=64 H=512 B=32 bptt 64, Adam 2e-3, clip 5, 20 min
#   benchmarks/quality.sh ptb   # Penn Treebank, word level, E=H=256 B=32 bptt 35, Adam 1e-3, clip 0.25, 30 min
# MINUTES= and THREADS= (default 2) override the budget and the compute threads.
# Prints JSON lines: config, progress, validations and the end figures (PTB: test perplexity).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DATA:-../shared/data}"
case "${1:-ts}" in
  ts)  exec benchmarks/run.sh QualityRun --corpus ts --data "$data" --minutes "${MINUTES:-20}" --eval-every 300 --threads "${THREADS:-2}" ;;
  ptb) exec benchmarks/run.sh QualityRun --corpus ptb --data "$data" --minutes "${MINUTES:-30}" --eval-every 500 --threads "${THREADS:-2}" ;;
  *) echo "usage: benchmarks/quality.sh ts|ptb" >&2; exit 2 ;;
esac
