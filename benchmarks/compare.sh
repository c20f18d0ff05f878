#!/usr/bin/env bash
# recur against the peers on the standard workloads, one benchmark after another in one session, then a
# table of ratios (medians). Run it on an otherwise idle machine (2 vCPUs: never two benchmarks at once).
#   benchmarks/compare.sh [PEERS_DIR=../shared/bench/peers] [OUT_DIR=a new temporary folder]
# Needs (Debian): apt-get install -y python3-torch python3-numpy python3-threadpoolctl libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/.."
peers="${1:-../shared/bench/peers}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
./recur info >&2
py=/usr/bin/python3
noenv="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE"   # let OpenBLAS pick its own kernel (see the env notes)
for w in W C; do
  for t in 1 2; do ./recur bench --workload "$w" --threads "$t" 2>/dev/null > "$out/recur-$w-$t.json"; cat "$out/recur-$w-$t.json"; done
  for t in 1 2; do
    $noenv OMP_WAIT_POLICY=PASSIVE $py "$peers/torch/rnnlm_train.py" --config "$w" --threads "$t" | tail -1 > "$out/torch-$w-$t.json"
    cat "$out/torch-$w-$t.json"
  done
done
for w in W C; do
  for t in 1 2; do ./recur bench --workload "G-$w" --threads "$t" 2>/dev/null > "$out/recur-G-$w-$t.json"; cat "$out/recur-G-$w-$t.json"; done
  for t in 1 2; do
    $noenv OMP_WAIT_POLICY=PASSIVE $py "$peers/torch/rnnlm_generate.py" --config "$w" --threads "$t" --runs 3 | tail -1 > "$out/torch-G-$w-$t.json"
    cat "$out/torch-G-$w-$t.json"
  done
done
for t in 1 2; do ./recur bench --workload GEMM --threads "$t" 2>/dev/null > "$out/recur-GEMM-$t.json"; cat "$out/recur-GEMM-$t.json"; done
$noenv $py "$peers/numpy/gemm.py" --lib numpy > "$out/numpy-GEMM.json"; cat "$out/numpy-GEMM.json"
$py - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
def lines(f):
    return [json.loads(l) for l in open(os.path.join(d, f)) if l.strip().startswith("{")]
def tps(f):
    j = lines(f)[-1]
    return float(j.get("median_tokens_per_s", j.get("tokens_per_s_median")))
print()
# the peer's best setting: the faster of its 1- and 2-thread runs (on 2 vCPUs PyTorch is often faster on 1)
print("| workload | recur 1 thread | recur 2 threads | PyTorch 1 thread | PyTorch 2 threads | ratio (best recur / best PyTorch) |")
print("| --- | --- | --- | --- | --- | --- |")
for name, f in [(w, w) for w in "WC"] + [(f"G-{w}", f"G-{w}") for w in "WC"]:
    r1, r2 = tps(f"recur-{f}-1.json"), tps(f"recur-{f}-2.json")
    p1, p2 = tps(f"torch-{f}-1.json"), tps(f"torch-{f}-2.json")
    kind = "generation" if name.startswith("G-") else "training"
    print(f"| {name} {kind} tokens/s | {r1:,.0f} | {r2:,.0f} | {p1:,.0f} | {p2:,.0f} | {max(r1, r2)/max(p1, p2):.2f}x |")
np_ = {(j["shape"], j["threads"]): j["gflops_median"] for j in lines("numpy-GEMM.json") if "shape" in j}
for t in (1, 2):
    for j in lines(f"recur-GEMM-{t}.json"):
        ref = np_.get((j["shape"], t))
        ratio = f"{j['gflops']/ref:.2f}x" if ref else "n/a"
        print(f"| SGEMM {j['shape']}, {t} thread(s), GFLOP/s | {j['gflops']:.1f} | | numpy/OpenBLAS {ref} | | {ratio} |")
PY
echo "(JSON lines in $out)"
