/** Throughput measurement of the standard workloads (for benchmarks and {@code recur bench}; never in tests). */
package dev.recur.perf;
