package dev.recur.optim;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.ClipReport;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.Parameter;
import java.util.List;

/**
 * The textbook rule over all parameters together: {@code if ‖g‖ > τ then g ← τ·g/‖g‖}, with ‖g‖ the L2 norm
 * of every gradient concatenated. NaN/Inf: when ‖g‖ is not finite, nothing is changed and the report says
 * so (the trainer skips the step). A row-sparse gradient (the embedding's) is read and scaled on its touched
 * rows only: the others are zero.
 */
public final class GlobalNormClipper implements GradientClipper {

    private final double maxNorm;
    private final MathKernels k;

    public GlobalNormClipper(double maxNorm, MathKernels kernels) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("max-norm must be a finite number > 0, got " + maxNorm);
        }
        this.maxNorm = maxNorm;
        this.k = kernels;
    }

    public GlobalNormClipper(double maxNorm) {
        this(maxNorm, Kernels.get());
    }

    public double maxNorm() {
        return maxNorm;
    }

    @Override
    public ClipReport clip(List<Parameter> parameters) {
        double norm = globalNorm(parameters, k);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return new ClipReport(norm, norm, false);
        }
        float factor = (float) (maxNorm / norm);
        for (Parameter p : parameters) {
            p.scaleGradient(k, factor);
        }
        return new ClipReport(norm, globalNorm(parameters, k), true);
    }

    /** ‖g‖ over all parameters, in double. */
    static double globalNorm(List<Parameter> parameters, MathKernels k) {
        double s = 0;
        for (Parameter p : parameters) {
            s += p.gradientSumOfSquares(k);
        }
        return Math.sqrt(s);
    }
}
