package dev.recur.optim;

import dev.recur.math.Kernels;
import dev.recur.math.MathKernels;
import dev.recur.spi.ClipReport;
import dev.recur.spi.ClipperProvider;
import dev.recur.spi.GradientClipper;
import dev.recur.spi.OptionSpec;
import dev.recur.spi.Options;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Clippers {@code per-parameter-norm}, {@code value} and {@code adaptive}. NaN/Inf policy, shared by all
 * three: when any gradient is non-finite they change nothing and report a non-finite norm, so the trainer
 * skips the step (clamping an Inf to the threshold would hide a real divergence).
 */
public final class MoreClippers {

    private MoreClippers() {
    }

    /** Clips one parameter's gradient in place; returns whether it changed anything. */
    private interface PerParameter {
        boolean clip(Parameter p);
    }

    /** The shared frame: measure, refuse non-finite gradients, clip each parameter, report. */
    private static GradientClipper each(MathKernels k, PerParameter action) {
        return params -> {
            double before = GlobalNormClipper.globalNorm(params, k);
            if (!Double.isFinite(before)) {
                return new ClipReport(before, before, false);
            }
            boolean clipped = false;
            for (Parameter p : params) {
                clipped |= action.clip(p);
            }
            return new ClipReport(before, clipped ? GlobalNormClipper.globalNorm(params, k) : before, clipped);
        };
    }

    /** Each parameter's gradient rescaled on its own: {@code if ‖g_p‖ > τ then g_p ← τ·g_p/‖g_p‖}. */
    public static GradientClipper perParameterNorm(double maxNorm, MathKernels k) {
        positive("max-norm", maxNorm);
        return each(k, p -> {
            double n = Math.sqrt(p.gradientSumOfSquares(k));
            if (n > maxNorm) {
                p.scaleGradient(k, (float) (maxNorm / n));
                return true;
            }
            return false;
        });
    }

    /** Element-wise clamp to [−c, c] (Mikolov's RNNLM toolkit, char-rnn). */
    public static GradientClipper value(double c, MathKernels k) {
        positive("clip-value", c);
        float cf = (float) c;
        return each(k, p -> {
            boolean clipped = false;
            float[] g = p.grad();
            int len = p.gradientRangeLength();
            for (int s = 0, n = p.gradientRanges(); s < n; s++) {
                for (int i = p.gradientRangeStart(s), end = i + len; i < end; i++) {
                    if (g[i] > cf) {
                        g[i] = cf;
                        clipped = true;
                    } else if (g[i] < -cf) {
                        g[i] = -cf;
                        clipped = true;
                    }
                }
            }
            return clipped;
        });
    }

    /**
     * Unit-wise adaptive clipping (AGC, Brock et al. 2021, "High-performance large-scale image recognition without
     * normalization"): for every <em>output unit</em> u, {@code if ‖g_u‖ > λ·max(‖w_u‖, ε) then
     * g_u ← λ·max(‖w_u‖, ε)·g_u/‖g_u‖}. recur stores a layer's matrix as [inputs × outputs] (x·W), so an output
     * unit's weights — its fan-in — are a <em>column</em>; of a vector (a bias, a gain) each element is its own
     * unit. This is the reference implementation's {@code unitwise_norm} for the same layout (norms over axis 0
     * of a 2-D weight, element-wise for 1-D). For the embedding [vocabulary × E] the output units are the E
     * embedding dimensions.
     */
    public static GradientClipper adaptive(double lambda, double eps, MathKernels k) {
        positive("clipping", lambda);
        positive("eps", eps);
        return each(k, p -> {
            boolean clipped = false;
            boolean vector = p.shape().length == 1;
            int rows = vector ? 1 : p.rows();
            int cols = p.size() / rows;
            float[] w = p.value();
            float[] g = p.grad();
            double[] wn = new double[cols];
            double[] gn = new double[cols];
            if (vector) {
                for (int c = 0; c < cols; c++) {
                    wn[c] = (double) w[c] * w[c];
                    gn[c] = (double) g[c] * g[c];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0, o = r * cols; c < cols; c++) {
                        wn[c] += (double) w[o + c] * w[o + c];
                    }
                }
                // a row-sparse gradient is zero outside its touched rows
                int ranges = p.gradientRanges();
                for (int i = 0; i < ranges; i++) {
                    int from = p.gradientRangeStart(i);
                    int to = from + p.gradientRangeLength();
                    for (int row = from; row < to; row += cols) {
                        for (int c = 0; c < cols; c++) {
                            gn[c] += (double) g[row + c] * g[row + c];
                        }
                    }
                }
            }
            float[] scale = new float[cols];
            java.util.Arrays.fill(scale, 1f);
            for (int c = 0; c < cols; c++) {
                double gNorm = Math.sqrt(gn[c]);
                double limit = lambda * Math.max(Math.sqrt(wn[c]), eps);
                if (gNorm > limit) {
                    scale[c] = (float) (limit / gNorm);
                    clipped = true;
                }
            }
            if (clipped) {
                int ranges = p.gradientRanges();
                for (int i = 0; i < ranges; i++) {
                    int from = p.gradientRangeStart(i);
                    int to = from + p.gradientRangeLength();
                    for (int row = from; row < to; row += cols) { // stretches are whole rows
                        for (int c = 0; c < cols; c++) {
                            g[row + c] *= scale[c];
                        }
                    }
                }
            }
            return clipped;
        });
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number > 0, got " + v);
        }
    }

    /** {@code per-parameter-norm}. */
    public static final class PerParameterNormProvider implements ClipperProvider {
        public String name() {
            return "per-parameter-norm";
        }

        public String description() {
            return "rescale each parameter's gradient to at most max-norm, separately";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("max-norm", "1.0", "τ per parameter (> 0)"));
        }

        public GradientClipper create(Map<String, String> options) {
            Options o = Options.parse("clipper", this, options);
            return perParameterNorm(o.number("max-norm", 0, false, Double.POSITIVE_INFINITY), Kernels.get());
        }
    }

    /** {@code value}. */
    public static final class ValueProvider implements ClipperProvider {
        public String name() {
            return "value";
        }

        public String description() {
            return "clamp every gradient element to [-clip-value, clip-value]";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("clip-value", "5.0", "c (> 0)"));
        }

        public GradientClipper create(Map<String, String> options) {
            Options o = Options.parse("clipper", this, options);
            return value(o.number("clip-value", 0, false, Double.POSITIVE_INFINITY), Kernels.get());
        }
    }

    /** {@code adaptive}. */
    public static final class AdaptiveProvider implements ClipperProvider {
        public String name() {
            return "adaptive";
        }

        public String description() {
            return "unit-wise clipping relative to the weight norm (AGC, Brock et al. 2021), per output unit: a "
                    + "column of an [inputs x outputs] matrix, an element of a vector";
        }

        public List<OptionSpec> options() {
            return List.of(new OptionSpec("clipping", "0.01", "λ: largest gradient/weight norm ratio per unit (> 0)"),
                    new OptionSpec("eps", "1e-3", "floor of the weight norm (> 0)"));
        }

        public GradientClipper create(Map<String, String> options) {
            Options o = Options.parse("clipper", this, options);
            return adaptive(o.number("clipping", 0, false, 1e6), o.number("eps", 0, false, 1), Kernels.get());
        }
    }
}
