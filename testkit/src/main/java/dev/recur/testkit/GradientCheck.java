package dev.recur.testkit;

import java.util.function.DoubleSupplier;

/**
 * Finite differences in float parameters, for gradient checks strict enough to catch a 5 % error in any
 * gradient entry of magnitude ≥ 1e-3.
 *
 * <p>Method: central differences at ±ε and ±2ε combined by Richardson extrapolation (the fourth-order
 * stencil), with f evaluated by the code under test (float arithmetic, the loss accumulated in double). The
 * truncation error is then O(ε⁴·f⁽⁵⁾) (about 1e-8 at ε = 2e-2 for losses of order 1) instead of the two-point
 * stencil's ε²·f⁽³⁾/6 (about 1e-4 at ε = 1e-2: too coarse to see a 5 % error in a gradient of 1e-3); float
 * rounding of f (about 1e-7) adds about 11·1e-7 / 12ε ≈ 5e-6. Hence the default tolerance
 * |analytic − numeric| ≤ 1e-5 + 1e-2·|numeric|: a 5 % error in an entry of 1e-3 (5e-5) exceeds it (2e-5).
 *
 * <p>Non-smooth points (a relu kink, a max) inside [x − 2ε, x + 2ε] make any stencil wrong: each element is
 * also estimated at ε/2, and when the two estimates disagree by more than two tolerances the element is
 * counted as inconclusive instead of compared. {@link #check} fails when more than {@link #MAX_INCONCLUSIVE}
 * of the elements (and more than one) are inconclusive, so a check cannot pass by skipping.
 */
public final class GradientCheck {

    /** Default step (of the fourth-order stencil). */
    public static final float EPS = 2e-2f;
    /** Default absolute tolerance. */
    public static final double ABS_TOL = 1e-5;
    /** Default relative tolerance. */
    public static final double REL_TOL = 1e-2;
    /** The largest share of inconclusive (non-smooth) elements a passing check may have. */
    public static final double MAX_INCONCLUSIVE = 0.1;

    private GradientCheck() {
    }

    /**
     * Numeric ∂f/∂x[i] by two-point central differences; restores x[i].
     *
     * @param x the parameter values (x[i] is moved and restored)
     * @param i the element
     * @param eps the step ε
     * @param f the function, evaluated by the code under test
     * @return the derivative estimate
     */
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

    /**
     * Numeric ∂f/∂x[i] by the fourth-order central stencil (±ε, ±2ε, Richardson); restores x[i].
     *
     * @param x the parameter values (x[i] is moved and restored)
     * @param i the element
     * @param eps the step ε
     * @param f the function, evaluated by the code under test
     * @return the derivative estimate
     */
    public static double numeric4(float[] x, int i, float eps, DoubleSupplier f) {
        float orig = x[i];
        // the steps float rounding really takes, so that the weights are exact
        float p1 = orig + eps;
        float m1 = orig - eps;
        float p2 = orig + 2 * eps;
        float m2 = orig - 2 * eps;
        x[i] = p1;
        double fp1 = f.getAsDouble();
        x[i] = m1;
        double fm1 = f.getAsDouble();
        x[i] = p2;
        double fp2 = f.getAsDouble();
        x[i] = m2;
        double fm2 = f.getAsDouble();
        x[i] = orig;
        double h1 = ((double) p1 - (double) m1) / 2;
        double h2 = ((double) p2 - (double) m2) / 2;
        double d1 = (fp1 - fm1) / (2 * h1);
        double d2 = (fp2 - fm2) / (2 * h2);
        // d1 = f' + c·h1² + O(h⁴), d2 = f' + c·h2² + O(h⁴)  →  f' = (h2²·d1 − h1²·d2) / (h2² − h1²)
        return (h2 * h2 * d1 - h1 * h1 * d2) / (h2 * h2 - h1 * h1);
    }

    /**
     * Whether analytic and numeric agree within the tolerances.
     *
     * @param analytic the gradient under test
     * @param numeric the finite-difference estimate
     * @param absTol the absolute tolerance
     * @param relTol the tolerance relative to |numeric|
     * @return |analytic − numeric| ≤ absTol + relTol·|numeric|
     */
    public static boolean close(double analytic, double numeric, double absTol, double relTol) {
        return Math.abs(analytic - numeric) <= absTol + relTol * Math.abs(numeric);
    }

    /**
     * Checks every element of {@code x} against {@code analytic} (see the class comment) and returns a
     * description of the first mismatch, or of too many inconclusive elements, or null when they agree.
     *
     * @param what the parameter's name for the message
     * @param x the parameter values (each element is moved and restored)
     * @param analytic the gradient under test
     * @param eps the stencil step
     * @param absTol the absolute tolerance
     * @param relTol the tolerance relative to |numeric|
     * @param f the loss, evaluated by the code under test
     * @return null when every conclusive element agrees and few are inconclusive, else what went wrong
     */
    public static String check(String what, float[] x, float[] analytic, float eps, double absTol, double relTol,
                               DoubleSupplier f) {
        int inconclusive = 0;
        for (int i = 0; i < x.length; i++) {
            double num = numeric4(x, i, eps, f);
            double half = numeric4(x, i, eps / 2, f);
            if (Math.abs(num - half) > 2 * (absTol + relTol * Math.abs(num))) {
                inconclusive++; // a kink (or noise) within ±2ε: no stencil can be trusted here
                continue;
            }
            if (!close(analytic[i], num, absTol, relTol)) {
                return what + "[" + i + "]: analytic " + analytic[i] + ", numeric " + num
                        + " (eps " + eps + ", tolerance " + absTol + " + " + relTol + "*|numeric|)";
            }
        }
        if (inconclusive > Math.max(1, MAX_INCONCLUSIVE * x.length)) {
            return what + ": " + inconclusive + " of " + x.length + " elements are not smooth within ±2·" + eps
                    + " (a kink, or float noise above the tolerance): choose another eps or point";
        }
        return null;
    }
}
