package dev.recur.optim;

import dev.recur.spi.Parameter;

/** RMSprop (Tieleman &amp; Hinton 2012): {@code v = α·v + (1−α)·g²; w −= lr·g/(√v + ε)}. */
public final class RmsProp extends AbstractOptimizer {

    private final float alpha;
    private final float eps;

    public RmsProp(double alpha, double eps) {
        super("square-avg");
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1), got " + alpha);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number > 0, got " + eps);
        }
        this.alpha = (float) alpha;
        this.eps = (float) eps;
    }

    @Override
    protected void update(int index, Parameter p, float lr, int from, int to) {
        float[] w = p.value();
        float[] g = p.grad();
        float[] v = state[0][index];
        float c = 1f - alpha;
        for (int i = from; i < to; i++) {
            float vi = alpha * v[i] + c * g[i] * g[i];
            v[i] = vi;
            w[i] -= lr * g[i] / ((float) Math.sqrt(vi) + eps);
        }
    }
}
