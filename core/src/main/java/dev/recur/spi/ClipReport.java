package dev.recur.spi;

/**
 * What a {@link GradientClipper} saw and did.
 *
 * @param normBefore the global L2 norm of all gradients before clipping (NaN or ∞ when non-finite)
 * @param normAfter  the global L2 norm after clipping
 * @param clipped    whether any gradient was changed
 */
public record ClipReport(double normBefore, double normAfter, boolean clipped) {

    /**
     * Whether the gradients were finite.
     *
     * @return false when a gradient was NaN or infinite
     */
    public boolean finite() {
        return Double.isFinite(normBefore);
    }
}
