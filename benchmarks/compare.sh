#!/usr/bin/env bash
# recur against the peers on the standard workloads, one benchmark after another in one session, then a
# table of ratios (medians). Run it on an otherwise idle machine (2 vCPUs: never two benchmarks at once).
#   benchmarks/compare.sh [PEERS_DIR=../shared/bench/peers] [OUT_DIR=a new temporary folder]
# ROUNDS=N (default 1) repeats the whole sequence N times: each figure is then the median over the rounds,
# and each ratio the median of the per-round ratios (recur and its peer measured minutes apart in the same
# round), with the per-round ratios listed — on a shared VM one round can be off by 20 % either way.
# Needs (Debian): apt-get install -y python3-torch python3-numpy python3-threadpoolctl libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
peers="${1:-../shared/bench/peers}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
./recur info >&2
py=/usr/bin/python3
noenv="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE"   # let OpenBLAS pick its own kernel (see the env notes)
rounds="${ROUNDS:-1}"
# the training workloads: W and C, and the large vocabularies W33 (full softmax), W-A and W-A-267k (adaptive);
# TRAIN="W C" runs the first two only (W-A-267k alone takes a few minutes for PyTorch)
TRAIN="${TRAIN:-W C W33 W-A W-A-267k}"
# WEIGHTS="int8 bf16" (default: both; WEIGHTS= for none) adds generation with reduced-precision weights
WEIGHTS="${WEIGHTS-int8 bf16}"
for r in $(seq 1 "$rounds"); do
  if [ "$rounds" -gt 1 ]; then echo "== round $r of $rounds" >&2; fi
  for w in $TRAIN; do
    for t in 1 2; do ./recur bench --workload "$w" --threads "$t" 2>/dev/null > "$out/recur-$w-$t-r$r.json"; cat "$out/recur-$w-$t-r$r.json"; done
    for t in 1 2; do
      $noenv OMP_WAIT_POLICY=PASSIVE $py "$peers/torch/rnnlm_train.py" --config "$w" --threads "$t" | tail -1 > "$out/torch-$w-$t-r$r.json"
      cat "$out/torch-$w-$t-r$r.json"
    done
  done
  for w in W C; do
    for t in 1 2; do ./recur bench --workload "G-$w" --threads "$t" 2>/dev/null > "$out/recur-G-$w-$t-r$r.json"; cat "$out/recur-G-$w-$t-r$r.json"; done
    for t in 1 2; do
      $noenv OMP_WAIT_POLICY=PASSIVE $py "$peers/torch/rnnlm_generate.py" --config "$w" --threads "$t" --runs 3 | tail -1 > "$out/torch-G-$w-$t-r$r.json"
      cat "$out/torch-G-$w-$t-r$r.json"
    done
  done
  # generation with reduced-precision weights (recur bench --weights), against PyTorch fp32 and recur fp32
  for f in $WEIGHTS; do
    for w in W C; do
      for t in 1 2; do ./recur bench --workload "G-$w" --threads "$t" --weights "$f" 2>/dev/null > "$out/recur-G-$w-$f-$t-r$r.json"; cat "$out/recur-G-$w-$f-$t-r$r.json"; done
    done
  done
  for t in 1 2; do ./recur bench --workload GEMM --threads "$t" 2>/dev/null > "$out/recur-GEMM-$t-r$r.json"; cat "$out/recur-GEMM-$t-r$r.json"; done
  $noenv $py "$peers/numpy/gemm.py" --lib numpy > "$out/numpy-GEMM-r$r.json"; cat "$out/numpy-GEMM-r$r.json"
done
$py - "$out" "$rounds" "$TRAIN" "$WEIGHTS" <<'PY'
import json, os, statistics, sys
d, rounds, train, weights = sys.argv[1], range(1, int(sys.argv[2]) + 1), sys.argv[3].split(), sys.argv[4].split()
def lines(f):
    return [json.loads(l) for l in open(os.path.join(d, f)) if l.strip().startswith("{")]
def tps(f):
    j = lines(f)[-1]
    return float(j.get("median_tokens_per_s", j.get("tokens_per_s_median")))
med = statistics.median
def each(ratios):
    return "" if len(ratios) == 1 else " (rounds: " + ", ".join(f"{x:.2f}" for x in ratios) + ")"
print()
# the peer's best setting: the faster of its 1- and 2-thread runs (on 2 vCPUs PyTorch is often faster on 1)
print("| workload | recur 1 thread | recur 2 threads | PyTorch 1 thread | PyTorch 2 threads | ratio (best recur / best PyTorch) |")
print("| --- | --- | --- | --- | --- | --- |")
for name in train + ["G-W", "G-C"]:
    r1 = [tps(f"recur-{name}-1-r{r}.json") for r in rounds]
    r2 = [tps(f"recur-{name}-2-r{r}.json") for r in rounds]
    p1 = [tps(f"torch-{name}-1-r{r}.json") for r in rounds]
    p2 = [tps(f"torch-{name}-2-r{r}.json") for r in rounds]
    ratios = [max(a, b) / max(c, e) for a, b, c, e in zip(r1, r2, p1, p2)]
    kind = "generation" if name.startswith("G-") else "training"
    print(f"| {name} {kind} tokens/s | {med(r1):,.0f} | {med(r2):,.0f} | {med(p1):,.0f} | {med(p2):,.0f} | "
          f"{med(ratios):.2f}x{each(ratios)} |")
for f in weights:
    # reduced precision: best recur (1/2 threads) against PyTorch fp32's best and against recur fp32's best
    for name in ["G-W", "G-C"]:
        q1 = [tps(f"recur-{name}-{f}-1-r{r}.json") for r in rounds]
        q2 = [tps(f"recur-{name}-{f}-2-r{r}.json") for r in rounds]
        best = [max(a, b) for a, b in zip(q1, q2)]
        torch = [best[i] / max(tps(f"torch-{name}-1-r{r}.json"), tps(f"torch-{name}-2-r{r}.json"))
                 for i, r in enumerate(rounds)]
        own = [best[i] / max(tps(f"recur-{name}-1-r{r}.json"), tps(f"recur-{name}-2-r{r}.json"))
               for i, r in enumerate(rounds)]
        print(f"| {name} generation, --weights {f}, tokens/s | {med(q1):,.0f} | {med(q2):,.0f} | (fp32 above) | | "
              f"{med(torch):.2f}x PyTorch fp32{each(torch)}; {med(own):.2f}x recur fp32{each(own)} |")
if "W-A" in train and "W33" in train:
    # the adaptive softmax against recur's own full softmax at the same vocabulary, same run
    own = [max(tps(f"recur-W-A-1-r{r}.json"), tps(f"recur-W-A-2-r{r}.json"))
           / max(tps(f"recur-W33-1-r{r}.json"), tps(f"recur-W33-2-r{r}.json")) for r in rounds]
    print(f"| W-A vs recur's own W33 (best of 1/2 threads each) | | | | | {med(own):.2f}x{each(own)} |")
for t in (1, 2):
    mine, ref, ratios = {}, {}, {}
    for r in rounds:
        np_ = {(j["shape"], j["threads"]): j["gflops_median"] for j in lines(f"numpy-GEMM-r{r}.json") if "shape" in j}
        for j in lines(f"recur-GEMM-{t}-r{r}.json"):
            mine.setdefault(j["shape"], []).append(j["gflops"])
            base = np_.get((j["shape"], t))
            if base:
                ref.setdefault(j["shape"], []).append(base)
                ratios.setdefault(j["shape"], []).append(j["gflops"] / base)
    for shape, g in mine.items():
        rs = ratios.get(shape)
        ratio = f"{med(rs):.2f}x{each(rs)}" if rs else "n/a"
        base = f"{med(ref[shape]):.1f}" if shape in ref else "n/a"
        print(f"| SGEMM {shape}, {t} thread(s), GFLOP/s | {med(g):.1f} | | numpy/OpenBLAS {base} | | {ratio} |")
PY
echo "(JSON lines in $out)"
