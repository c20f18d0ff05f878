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

    /**
     * A zero gradient adds nothing to the sum and moves nothing, so a row-sparse gradient updates its touched
     * rows only — unless the sum starts at an initial value, which the first step writes into every row.
     */
    @Override
    protected boolean zeroGradientLeavesStateAlone() {
        return initial == 0f;
    }

    @Override
    protected void update(int index, Parameter p, float lr, int from, int to) {
        float[] w = p.value();
        float[] g = p.grad();
        float[] sum = state[0][index];
        boolean first = steps == 1 && initial != 0f;
        for (int i = from; i < to; i++) {
            float s = (first ? initial : sum[i]) + g[i] * g[i];
            sum[i] = s;
            w[i] -= lr * g[i] / ((float) Math.sqrt(s) + eps);
        }
    }
}
