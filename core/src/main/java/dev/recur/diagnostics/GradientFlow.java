package dev.recur.diagnostics;

/**
 * What the gradient-flow probe measured, per distance l = 0..L.
 *
 * @param lossGradient    mean over positions t and batch rows of ‖∂J_t/∂h(t−l)‖ (J_t: the cross-entropy
 *                        at position t, backpropagated without truncation)
 * @param jacobian        mean over the sampled positions of ‖∂h(t)/∂h(t−l)‖_F / √H, the RMS singular value of
 *                        the Jacobian product (1 at l = 0)
 * @param positions       positions t averaged over
 * @param rows            batch rows averaged over
 */
public record GradientFlow(double[] lossGradient, double[] jacobian, int positions, int rows) {

    /**
     * The largest distance L.
     *
     * @return the largest distance L
     */
    public int maxDistance() {
        return lossGradient.length - 1;
    }

    /**
     * ‖∂J/∂h(t−l)‖ relative to l = 0.
     *
     * @param l the distance
     * @return the mean norm at distance l over that at distance 0
     */
    public double ratio(int l) {
        return lossGradient[l] / lossGradient[0];
    }
}
