package dev.recur.testkit;

import java.util.function.DoubleSupplier;

/**
 * Central finite differences in float parameters, for gradient checks.
 *
 * <p>Method: for each element x_i, numeric = (f(x_i + ε) − f(x_i − ε)) / 2ε with f evaluated by the code
 * under test (float arithmetic, loss accumulated in double). With float forward passes, rounding puts an
 * error of about u·|f|/ε on the numeric value (u ≈ 6e-8), and truncation an error of O(ε²·f'''). ε = 1e-2
 * balances the two for losses of order 1: about 1e-5 rounding and 1e-4 truncation, hence the default
 * tolerance |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric|.
 */
public final class GradientCheck {

    /** Default step. */
    public static final float EPS = 1e-2f;
    /** Default absolute tolerance. */
    public static final double ABS_TOL = 2e-3;
    /** Default relative tolerance. */
    public static final double REL_TOL = 2e-2;

    private GradientCheck() {
    }

    /** Numeric ∂f/∂x[i] by central differences; restores x[i]. */
    public static double numeric(float[] x, int i, float eps, DoubleSupplier f) {
        float orig = x[i];
        x[i] = orig + eps;
        double plus = f.getAsDouble();
        x[i] = orig - eps;
        double minus = f.getAsDouble();
        x[i] = orig;
        // divide by the step that float rounding really took
        double step = (double) (orig + eps) - (double) (orig - eps);
        return (plus - minus) / step;
    }

    /** Whether analytic and numeric agree within the tolerances. */
    public static boolean close(double analytic, double numeric, double absTol, double relTol) {
        return Math.abs(analytic - numeric) <= absTol + relTol * Math.abs(numeric);
    }

    /**
     * Checks every element of {@code x} against {@code analytic} and returns a description of the first
     * mismatch, or null.
     */
    public static String check(String what, float[] x, float[] analytic, float eps, double absTol, double relTol,
                               DoubleSupplier f) {
        for (int i = 0; i < x.length; i++) {
            double num = numeric(x, i, eps, f);
            if (!close(analytic[i], num, absTol, relTol)) {
                return what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + num
                        + " (eps " + eps + ", tolerance " + absTol + " + " + relTol + "*|numeric|)";
            }
        }
        return null;
    }
}
