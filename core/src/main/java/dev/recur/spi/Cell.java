package dev.recur.spi;

import dev.recur.math.WeightFormat;

import java.util.List;

/**
 * A recurrent cell: the map (state(t−1), input(t)) → (state(t), output(t)) applied over a window of time
 * steps for a batch of independent rows.
 *
 * <h2>Layout</h2>
 * Every buffer is a row-major {@code float[]}, time-major over a window: row {@code t·batch + b} of
 * {@code inputs} ([steps·batch × inputSize]) is the input of batch row b at step t; {@code outputs} is
 * [steps·batch × hiddenSize]. The carried state of one batch row is {@link #stateSize()} floats (Elman: h;
 * a cell with several state parts, like an LSTM's h and c, concatenates them), so states are
 * [batch × stateSize].
 *
 * <p>Working on a whole window lets a cell hoist its non-recurrent products out of the time loop (all
 * input projections of the window in one matrix product).
 *
 * <h2>Ownership and lifecycle (checked by {@code CellContractTest} in recur-testkit)</h2>
 * <ul>
 *   <li>{@link #inputSize()}, {@link #hiddenSize()} and {@link #stateSize()} are the sizes it was built with;
 *       a window that does not fit its workspace (other batch, more steps) is an
 *       {@link IllegalArgumentException}.
 *   <li>The caller owns every buffer and the {@link CellWorkspace}; the cell keeps no reference to a caller's
 *       array beyond one call. A workspace is created once per (batch, maxSteps) and reused for every window.
 *   <li>{@link #forward} OVERWRITES {@code outputs} and {@code stateOut} and never writes its inputs
 *       ({@code inputs}, {@code stateIn}); {@code stateOut} may be the same array as {@code stateIn}.
 *   <li>{@link #backward} uses what the last {@code forward} on the same workspace recorded. It OVERWRITES
 *       {@code dInputs} and {@code dStateIn} (either may be null: not wanted), never writes
 *       {@code dOutputs} or {@code dStateOut}, and ACCUMULATES (+=) into the gradients of
 *       {@link #parameters()}.
 *   <li>Batch rows are independent: row b's results depend only on row b's inputs and state.
 *   <li>No allocation in forward or backward: everything needed lives in the workspace.
 *   <li>A cell instance is not thread-safe; use one per training thread.
 *   <li>{@link #backward} is the exact gradient of {@link #forward}: every parameter, the inputs and the
 *       incoming state agree with central finite differences.
 * </ul>
 */
public interface Cell {

    /**
     * Width of one input row.
     *
     * @return the input width
     */
    int inputSize();

    /**
     * Width of one output row (the hidden state h).
     *
     * @return the output width H
     */
    int hiddenSize();

    /**
     * Floats of carried state per batch row (≥ {@link #hiddenSize()}).
     *
     * @return the state width per row
     */
    default int stateSize() {
        return hiddenSize();
    }

    /**
     * The trainable parameters, with stable names (persisted in model files).
     *
     * @return the parameters
     */
    List<Parameter> parameters();

    /**
     * The recurrent (hidden-to-hidden) weights among {@link #parameters()}: what weight drop (DropConnect on the
     * recurrence) masks during training. The model masks their values in place for one window and restores them
     * after it, so a cell must read these values afresh in every {@link #forward} and {@link #backward} (no copy
     * kept across windows). The default: none (the model then refuses weight drop for this cell).
     *
     * @return the recurrent weights, a subset of {@link #parameters()}
     */
    default List<Parameter> recurrentWeights() {
        return List.of();
    }

    /**
     * Rounds this cell's weights to {@code format} for inference (a model loaded with {@code --weights int8} or
     * {@code bf16} for generation or scoring; called once, before any forward pass; never with fp32). Afterwards
     * the cell computes with the rounded values; it is not trained any more (the model refuses to). The default
     * rounds every matrix parameter in place ({@link Parameter#reducePrecision}: per column, i.e. per output unit),
     * so every cell computes the reduced-precision function; the built-in cells also keep the packed copies and
     * read them in single-step forward passes, which is where the bytes saved turn into speed.
     *
     * @param format {@link WeightFormat#INT8} or {@link WeightFormat#BF16}
     */
    default void reduceWeights(WeightFormat format) {
        for (Parameter p : parameters()) {
            if (p.shape().length == 2) {
                p.reducePrecision(format, false);
            }
        }
    }

    /**
     * Buffers for windows of up to {@code maxSteps} steps over {@code batch} rows.
     *
     * @param batch the number of independent rows (streams)
     * @param maxSteps the longest window it must hold
     * @return a new workspace
     */
    CellWorkspace newWorkspace(int batch, int maxSteps);

    /**
     * Runs {@code steps} steps.
     *
     * @param inputs   [steps·batch × inputSize], read only
     * @param stateIn  [batch × stateSize], the state before step 0, read only
     * @param outputs  [steps·batch × hiddenSize], overwritten
     * @param stateOut [batch × stateSize], overwritten with the state after the last step
     * @param batch the number of independent rows (streams)
     * @param steps the window length (time steps)
     * @param ws the workspace that backward reads
     */
    void forward(int batch, int steps, float[] inputs, float[] stateIn, float[] outputs, float[] stateOut,
                 CellWorkspace ws);

    /**
     * Backpropagates through the last {@link #forward} run on {@code ws}.
     *
     * @param dOutputs  ∂J/∂outputs [steps·batch × hiddenSize], read only
     * @param dStateOut ∂J/∂stateOut [batch × stateSize] or null for zero, read only
     * @param dInputs   ∂J/∂inputs [steps·batch × inputSize], overwritten (null: not computed)
     * @param dStateIn  ∂J/∂stateIn [batch × stateSize], overwritten (null: not computed)
     * @param batch the number of independent rows (streams)
     * @param steps the window length (time steps)
     * @param ws the workspace of the forward pass
     */
    void backward(int batch, int steps, float[] dOutputs, float[] dStateOut, float[] dInputs, float[] dStateIn,
                  CellWorkspace ws);
}
