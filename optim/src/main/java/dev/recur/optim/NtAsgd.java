package dev.recur.optim;

import dev.recur.spi.OptimizerState;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Non-monotonically triggered averaged SGD (NT-ASGD, Merity et al. 2017, "Regularizing and Optimizing LSTM
 * Language Models"): plain SGD, {@code w −= lr·(∇ + λw)}, until validation stalls — the first validation whose
 * loss is worse than the best of all validations but the last {@code nonmono} before it — then the same steps
 * go on and the optimizer also keeps the running mean of the iterates from then on
 * ({@code a = w} at the first averaged step, then {@code a += (w − a)/n} at the n-th). The trainer validates,
 * keeps and saves the average ({@link #swapAverage}); training continues from the raw iterate.
 *
 * <p>State: the averages (slot {@code average}), the step counter, {@code t0} (the step count when averaging
 * began, −1 before) and the validation history before the trigger ({@code history.count},
 * {@code history.<i>}); a restored optimizer continues bit for bit.
 */
public final class NtAsgd extends AbstractOptimizer {

    private final int nonmono;
    private final float weightDecay;
    private long t0 = -1;
    private final List<Double> history = new ArrayList<>();

    /**
     * @param nonmono     how many of the latest validations a stalled one is not compared with (≥ 1)
     * @param weightDecay L2 weight decay λ (≥ 0)
     */
    public NtAsgd(int nonmono, double weightDecay) {
        super("average");
        if (nonmono < 1) {
            throw new IllegalArgumentException("nonmono must be >= 1, got " + nonmono);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        this.nonmono = nonmono;
        this.weightDecay = (float) weightDecay;
    }

    /**
     * The step count at which averaging began, or −1 before.
     *
     * @return t0
     */
    public long averagingStart() {
        return t0;
    }

    @Override
    protected void update(int index, Parameter p, float lr, int from, int to) {
        float[] w = p.value();
        float[] g = p.grad();
        float wd = weightDecay;
        for (int i = from; i < to; i++) {
            w[i] -= lr * (g[i] + wd * w[i]);
        }
        if (t0 >= 0) {
            float[] a = state[0][index];
            long n = steps - t0;
            if (n <= 1) {
                System.arraycopy(w, from, a, from, to - from);
            } else {
                float mu = (float) (1.0 / n);
                for (int i = from; i < to; i++) {
                    a[i] += (w[i] - a[i]) * mu;
                }
            }
        }
    }

    @Override
    public void afterValidation(double validationLoss) {
        if (t0 >= 0 || !Double.isFinite(validationLoss)) {
            return;
        }
        if (history.size() > nonmono) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < history.size() - nonmono; i++) {
                best = Math.min(best, history.get(i));
            }
            if (validationLoss > best) {
                t0 = steps; // the next step is the first averaged one
                return;
            }
        }
        history.add(validationLoss);
    }

    @Override
    public boolean hasAverage() {
        return t0 >= 0 && steps > t0;
    }

    @Override
    public void swapAverage(List<Parameter> parameters) {
        if (!hasAverage()) {
            throw new IllegalStateException("NT-ASGD has not started averaging");
        }
        if (parameters.size() != state[0].length) {
            throw new IllegalArgumentException("this optimizer holds averages of " + state[0].length
                    + " parameters, got " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            float[] w = parameters.get(i).value();
            float[] a = state[0][i];
            if (w.length != a.length) {
                throw new IllegalArgumentException("parameter " + parameters.get(i).name() + " does not fit its average");
            }
            for (int j = 0; j < w.length; j++) {
                float t = w[j];
                w[j] = a[j];
                a[j] = t;
            }
        }
    }

    @Override
    public OptimizerState state() {
        OptimizerState base = super.state();
        Map<String, Double> scalars = new HashMap<>(base.scalars());
        scalars.put("t0", (double) t0);
        scalars.put("history.count", (double) history.size());
        for (int i = 0; i < history.size(); i++) {
            scalars.put("history." + i, history.get(i));
        }
        return new OptimizerState(base.tensors(), scalars);
    }

    @Override
    public void restore(OptimizerState st) {
        Double start = st.scalars().get("t0");
        Double count = st.scalars().get("history.count");
        if (start == null || count == null) {
            throw new IllegalArgumentException("not an NT-ASGD state (no 't0' or 'history.count')");
        }
        List<Double> h = new ArrayList<>();
        for (int i = 0; i < count.intValue(); i++) {
            Double v = st.scalars().get("history." + i);
            if (v == null) {
                throw new IllegalArgumentException("NT-ASGD state lacks 'history." + i + "'");
            }
            h.add(v);
        }
        super.restore(st);
        this.t0 = start.longValue();
        history.clear();
        history.addAll(h);
    }

    @Override
    public String toString() {
        return "nt-asgd(nonmono=" + nonmono + ", weight-decay=" + weightDecay + ")";
    }
}
