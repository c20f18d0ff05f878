/** Throughput of the standard workloads, for {@code recur bench} and the benchmarks (never in tests). */
package dev.recur.cli.bench;
