#!/usr/bin/env python3
"""recur spark-train's round cost model and its predictions for larger clusters (docs/distributed.md).

A round = K steps of computing on every replica (in parallel) + the exchange. With the driver aggregation the
driver serialises the broadcast once (P / r_ser), the broadcast crosses the network (~2P / B: BitTorrent-like,
executors pass pieces on), every replica serialises its result (P / r_ser, in parallel), and the driver takes in
W results: W*P / B over its link and W*P*c_in to deserialise, store and add them. With the tree aggregation the
driver takes in one sum, and each of ceil(log2 W) levels costs a reducer 2P / B + 2P*c_in + P / r_ser + a
stage's scheduling. c_in is calibrated on the local[2] measurement (no network there).

  python3 benchmarks/spark-scaling.py [--comm-local S] [--p-local BYTES] [--r-ser BYTES_PER_S] [--bandwidth B]
"""
import argparse
import math

ap = argparse.ArgumentParser()
ap.add_argument("--comm-local", type=float, default=0.336, help="measured communication s/round, local[2], driver aggregation")
ap.add_argument("--p-local", type=float, default=42_090_632, help="bytes per replica in that measurement")
ap.add_argument("--r-ser", type=float, default=520e6, help="Java serialisation of float arrays, bytes/s (measured)")
ap.add_argument("--bandwidth", type=float, default=1.25e9, help="link bandwidth, bytes/s (10 GbE)")
ap.add_argument("--t0", type=float, default=0.05, help="scheduling per stage, s")
a = ap.parse_args()

c_in = max(0.0, (a.comm_local - a.t0 - 2 * a.p_local / a.r_ser) / (2 * a.p_local))
print(f"calibrated driver intake cost c_in = {c_in * 1e9:.2f} ns/byte ({1 / c_in / 1e6:.0f} MB/s)" if c_in else "c_in = 0")

def comm_driver(w, p):
    return a.t0 + 2 * p / a.r_ser + 2 * p / a.bandwidth + w * p * (1 / a.bandwidth + c_in)

def comm_tree(w, p):
    levels = math.ceil(math.log2(w)) if w > 1 else 0
    level = a.t0 + 2 * p / a.bandwidth + 2 * p * c_in + p / a.r_ser
    return a.t0 + 2 * p / a.r_ser + 2 * p / a.bandwidth + levels * level + p * (1 / a.bandwidth + c_in)

models = [
    # name, bytes per replica (weights + optimizer state), seconds per step on one core, K of the table
    ("W (V=10k, E=H=256, SGD; batch 32 x bptt 35 per replica)", 42_090_632, 1120 / 5408, 50),
    ("LSTM 2x650 (V=10k, SGD; batch 20 x bptt 35 per replica)", 2 * 4 * 19_775_200, 700 / 420, 50),
]
for name, p, t_step, k in models:
    print(f"\n{name}: P = {p / 1e6:.1f} MB, {t_step:.3f} s/step, K = {k} -> {k * t_step:.1f} s of computing per round")
    print("| executors | aggregation | communication s/round | efficiency at K | K for communication < 10 % |")
    print("| --- | --- | --- | --- | --- |")
    for w in (2, 8, 32, 128):
        for agg, f in (("driver", comm_driver), ("tree", comm_tree)):
            t = f(w, p)
            eff = k * t_step / (k * t_step + t)
            k10 = math.ceil(9 * t / t_step)
            print(f"| {w} | {agg} | {t:.2f} | {eff * 100:.0f} % | {k10} |")
