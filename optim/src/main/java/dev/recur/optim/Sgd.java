package dev.recur.optim;

import dev.recur.spi.Parameter;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay (PyTorch's
 * formulation): {@code g = ∇ + λw; v = μv + g; w −= lr·(nesterov ? g + μv : v)}; with μ = 0 plain
 * {@code w −= lr·g}.
 */
public final class Sgd extends AbstractOptimizer {

    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    public Sgd(double momentum, boolean nesterov, double weightDecay) {
        super("velocity");
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs momentum > 0, got momentum 0");
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
    }

    /** Plain SGD. */
    public Sgd() {
        this(0, false, 0);
    }

    /** Plain SGD leaves a row with zero gradient unchanged: a row-sparse gradient updates its touched rows only. */
    @Override
    protected boolean zeroGradientLeavesStateAlone() {
        return momentum == 0f && weightDecay == 0f;
    }

    @Override
    protected void update(int index, Parameter p, float lr, int from, int to) {
        float[] w = p.value();
        float[] g = p.grad();
        float[] v = state[0][index];
        float mu = momentum;
        float wd = weightDecay;
        for (int i = from; i < to; i++) {
            float gi = g[i] + wd * w[i];
            if (mu != 0f) {
                float vi = mu * v[i] + gi;
                v[i] = vi;
                gi = nesterov ? gi + mu * vi : vi;
            }
            w[i] -= lr * gi;
        }
    }
}
