package dev.recur.spi;

/**
 * Optional capability of a {@link Cell}: apply the Jacobian of one recurrent step to row vectors, for
 * gradient-flow diagnostics (products of Jacobians ∂state(t)/∂state(t−1)). A cell that implements it
 * enables {@code recur diagnose}.
 */
public interface StateJacobian {

    /**
     * For batch row {@code row} of the last forward run on {@code ws}, computes
     * {@code out[i] = v[i] · ∂state(t)/∂state(t−1)} for {@code count} row vectors of length stateSize
     * (a vector–Jacobian product: it maps ∂J/∂state(t) to ∂J/∂state(t−1)). {@code out} may not alias v.
     *
     * @param t step within the last forward window, 0-based (t = 0 maps to the state before the window)
     * @param ws the workspace of the forward pass
     * @param row the batch row
     * @param count how many vectors are stacked in {@code v}
     * @param v the vectors ∂L/∂state(t), one after another
     * @param out the array for ∂L/∂state(t−1) (overwritten)
     */
    void backStep(CellWorkspace ws, int t, int row, int count, float[] v, float[] out);
}
