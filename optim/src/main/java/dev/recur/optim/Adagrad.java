package dev.recur.optim;

import dev.recur.spi.Parameter;

/** Adagrad (Duchi et al. 2011): {@code G += g²; w −= lr·g/(√G + ε)}. */
public final class Adagrad extends AbstractOptimizer {

    private final float eps;
    private final float initial;

    public Adagrad(double eps, double initialAccumulator) {
        super("sum");
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number > 0, got " + eps);
        }
        if (!(initialAccumulator >= 0) || !Double.isFinite(initialAccumulator)) {
            throw new IllegalArgumentException("initial accumulator must be >= 0, got " + initialAccumulator);
        }
        this.eps = (float) eps;
        this.initial = (float) initialAccumulator;
    }

    @Override
    protected void update(int index, Parameter p, float lr) {
        float[] w = p.value();
        float[] g = p.grad();
        float[] sum = state[0][index];
        boolean first = steps == 1 && initial != 0f;
        for (int i = 0; i < w.length; i++) {
            float s = (first ? initial : sum[i]) + g[i] * g[i];
            sum[i] = s;
            w[i] -= lr * g[i] / ((float) Math.sqrt(s) + eps);
        }
    }
}
