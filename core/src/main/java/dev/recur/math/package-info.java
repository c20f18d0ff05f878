/**
 * Numeric kernels: a scalar reference and a Vector API implementation behind {@link dev.recur.math.MathKernels},
 * chosen once by {@link dev.recur.math.Kernels}.
 */
package dev.recur.math;
