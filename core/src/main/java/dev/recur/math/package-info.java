/**
 * Numeric kernels behind one interface, {@link dev.recur.math.MathKernels}: {@link dev.recur.math.Kernels} chooses
 * the implementation once per JVM (the Vector API one, or the scalar reference without the
 * {@code jdk.incubator.vector} module), {@link dev.recur.math.ComputeContext} splits it over a sized thread pool.
 * The implementations themselves live in {@code dev.recur.math.internal}, which is not a supported API.
 */
package dev.recur.math;
