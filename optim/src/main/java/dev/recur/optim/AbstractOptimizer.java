package dev.recur.optim;

import dev.recur.spi.Optimizer;
import dev.recur.spi.OptimizerState;
import dev.recur.spi.Parameter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A base for optimizers whose state is one float buffer per parameter and slot (moments, velocities) plus a
 * step counter — the built-in ones extend it, and so can a plugin's. It does what the {@link Optimizer}
 * contract asks of everything but the update rule: checks the learning rate, binds to one fixed parameter
 * list on the first step (allocating the buffers then, zero-filled), rejects another list later, and saves and
 * restores the state (buffers named {@code <slot>/<index>/<parameter>}, scalar {@code step}).
 *
 * <p>A subclass implements {@link #update} for one parameter, reading its buffers from {@link #state} and
 * the step number (1 on the first step) from {@link #steps}.
 */
public abstract class AbstractOptimizer implements Optimizer {

    private final String[] slots;
    private List<Parameter> bound;
    /** state[slot][parameter index] */
    protected float[][][] state;
    /** Steps taken so far. */
    protected long steps;

    /** @param slots the names of the per-parameter buffers, such as {@code m} and {@code v} */
    protected AbstractOptimizer(String... slots) {
        this.slots = slots.clone();
    }

    @Override
    public final void step(List<Parameter> parameters, double learningRate) {
        Optimizer.checkLearningRate(learningRate);
        bind(parameters);
        steps++;
        float lr = (float) learningRate;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p.rowSparseGradient() && zeroGradientLeavesStateAlone()) {
                int len = p.gradientRangeLength();
                for (int s = 0, n = p.gradientRanges(); s < n; s++) {
                    int from = p.gradientRangeStart(s);
                    update(i, p, lr, from, from + len);
                }
            } else {
                update(i, p, lr, 0, p.size());
            }
        }
    }

    /**
     * Whether an update with a zero gradient changes neither the weight nor this optimizer's state — then a
     * row-sparse gradient (the embedding's) is applied to its touched rows only, with exactly the result of a
     * dense update. True for plain SGD and Adagrad without an initial accumulator; false (the default)
     * wherever state moves a row without gradient: momentum, weight decay, the moving averages of Adam and
     * RMSprop (a lazy update, as PyTorch's SparseAdam does, would change the results).
     *
     * @return true when updating only the non-zero rows is exact
     */
    protected boolean zeroGradientLeavesStateAlone() {
        return false;
    }

    /**
     * Updates elements [from, to) of parameter {@code index} in place from its gradient (the whole parameter,
     * or one touched row of a row-sparse one).
     *
     * @param index the parameter's position in the bound list
     * @param p     the parameter
     * @param lr    this step's learning rate
     * @param from  the first element
     * @param to    one past the last element
     */
    protected abstract void update(int index, Parameter p, float lr, int from, int to);

    private void bind(List<Parameter> parameters) {
        if (bound == null) {
            bound = List.copyOf(parameters);
            if (state == null) {
                state = new float[slots.length][parameters.size()][];
                for (int s = 0; s < slots.length; s++) {
                    for (int i = 0; i < parameters.size(); i++) {
                        state[s][i] = new float[parameters.get(i).size()];
                    }
                }
            } else {
                checkRestored(parameters);
            }
            return;
        }
        if (parameters.size() != bound.size()) {
            throw new IllegalArgumentException("this optimizer is bound to " + bound.size()
                    + " parameters, got " + parameters.size());
        }
        for (int i = 0; i < bound.size(); i++) {
            if (parameters.get(i) != bound.get(i)) {
                throw new IllegalArgumentException("this optimizer is bound to another parameter list (parameter "
                        + i + " is " + parameters.get(i).name() + ", expected " + bound.get(i).name() + ")");
            }
        }
    }

    private void checkRestored(List<Parameter> parameters) {
        for (int s = 0; s < slots.length; s++) {
            if (state[s].length != parameters.size()) {
                throw new IllegalArgumentException("restored optimizer state holds " + state[s].length
                        + " parameters, the model has " + parameters.size());
            }
            for (int i = 0; i < parameters.size(); i++) {
                if (state[s][i] == null || state[s][i].length != parameters.get(i).size()
                        || !parameters.get(i).name().equals(restoredNames[i])) {
                    throw new IllegalArgumentException("restored optimizer state does not fit parameter "
                            + parameters.get(i).name());
                }
            }
        }
    }

    /** Parameter names of a restored state, checked against the parameters on the next step. */
    private String[] restoredNames;

    @Override
    public OptimizerState state() {
        Map<String, float[]> tensors = new HashMap<>();
        if (bound != null) {
            for (int s = 0; s < slots.length; s++) {
                for (int i = 0; i < bound.size(); i++) {
                    tensors.put(slots[s] + "/" + i + "/" + bound.get(i).name(), state[s][i]);
                }
            }
        }
        return new OptimizerState(tensors, Map.of("step", (double) steps));
    }

    @Override
    public void restore(OptimizerState st) {
        Double step = st.scalars().get("step");
        if (step == null) {
            throw new IllegalArgumentException("optimizer state lacks 'step'");
        }
        if (st.tensors().isEmpty()) {
            // the state of an optimizer that has not stepped yet (or keeps no tensors): fresh slots on the next step
            this.state = null;
            this.steps = step.longValue();
            this.bound = null;
            this.restoredNames = null;
            return;
        }
        int n = 0;
        for (String key : st.tensors().keySet()) {
            String[] parts = key.split("/", 3);
            if (parts.length == 3) {
                n = Math.max(n, Integer.parseInt(parts[1]) + 1);
            }
        }
        float[][][] fresh = new float[slots.length][n][];
        String[] seen = new String[n];
        for (Map.Entry<String, float[]> e : st.tensors().entrySet()) {
            String[] parts = e.getKey().split("/", 3);
            int slot = List.of(slots).indexOf(parts[0]);
            if (parts.length != 3 || slot < 0) {
                throw new IllegalArgumentException("unexpected optimizer state entry '" + e.getKey() + "'");
            }
            int index = Integer.parseInt(parts[1]);
            fresh[slot][index] = e.getValue().clone();
            seen[index] = parts[2];
        }
        this.state = fresh;
        this.steps = step.longValue();
        this.bound = null;
        this.restoredNames = seen;
    }
}
