package dev.recur.optim;

import dev.recur.spi.Parameter;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction:
 * {@code m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= lr·m̂/(√v̂ + ε)}, m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ);
 * with decoupled weight decay λ (AdamW, Loshchilov &amp; Hutter 2019) first {@code w −= lr·λ·w}.
 */
public final class Adam extends AbstractOptimizer {

    private final double beta1;
    private final double beta2;
    private final float eps;
    private final float decoupledDecay;

    public Adam(double beta1, double beta2, double eps) {
        this(beta1, beta2, eps, 0);
    }

    /** AdamW when {@code decoupledWeightDecay > 0}. */
    public Adam(double beta1, double beta2, double eps, double decoupledWeightDecay) {
        super("m", "v");
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be a finite number > 0, got " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = (float) eps;
        if (!(decoupledWeightDecay >= 0) || !Double.isFinite(decoupledWeightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + decoupledWeightDecay);
        }
        this.decoupledDecay = (float) decoupledWeightDecay;
    }

    /** Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public Adam() {
        this(0.9, 0.999, 1e-8);
    }

    @Override
    protected void update(int index, Parameter p, float lr, int from, int to) {
        float[] w = p.value();
        float[] g = p.grad();
        float[] m = state[0][index];
        float[] v = state[1][index];
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        float keep = 1f - lr * decoupledDecay;
        for (int i = from; i < to; i++) {
            if (decoupledDecay != 0f) {
                w[i] *= keep;
            }
            float gi = g[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }
}
