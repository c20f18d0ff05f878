/**
 * The implementations behind {@link dev.recur.math.MathKernels} — the scalar reference, the Vector API kernels,
 * the parallel splitting and its thread pool. <b>Not a supported API:</b> anything here may change or go away
 * in any release. Use {@link dev.recur.math.Kernels} to get kernels and {@link dev.recur.math.ComputeContext}
 * for threads.
 */
package dev.recur.math.internal;
