package dev.recur.spi;

import java.util.List;

/**
 * The output layer of a language model: from the top layer's outputs h [rows × inputSize] to a probability
 * distribution over the vocabulary, its cross-entropy loss and the gradients of that loss.
 *
 * <h2>What every implementation guarantees (checked by {@code OutputLayerContractTest} in recur-testkit)</h2>
 * <ul>
 *   <li>Exact probabilities: for every row, the probabilities of all {@link #vocabSize()} tokens sum to 1;
 *       {@link #targetLogProbabilities} is the exact log-probability of the given token under the same
 *       distribution that {@link #nextTokenScores} describes (an approximation used for training only is
 *       not allowed).
 *   <li>{@link #loss} is minus the sum of {@link #targetLogProbabilities} over the rows;
 *       {@link #lossAndGradient} returns the same loss and its exact gradient (checked against finite
 *       differences, for every parameter and for the input).
 * </ul>
 *
 * <h2>Layout, ownership and lifecycle</h2>
 * <ul>
 *   <li>Inputs are row-major, {@code rows} contiguous rows of {@link #inputSize()} floats starting at an
 *       offset; targets are token ids in [0, vocabSize), one per row.
 *   <li>The caller owns every buffer and the {@link OutputWorkspace} (created once per maximum row count and
 *       reused); the layer keeps no reference to a caller's array beyond one call and allocates nothing per
 *       call once the workspace exists.
 *   <li>{@link #lossAndGradient} OVERWRITES {@code dInput} and ACCUMULATES (+=) into the gradients of its
 *       parameters — including a tied embedding it was given in its {@link OutputSpec}.
 *   <li>Rows are independent. An instance is not thread-safe.
 * </ul>
 */
public interface OutputLayer {

    /**
     * Width of one input row (the top layer's hidden size).
     *
     * @return the input width
     */
    int inputSize();

    /**
     * Number of tokens the distribution is over.
     *
     * @return V
     */
    int vocabSize();

    /**
     * The parameters this layer owns, with stable names (persisted in model files). A tied embedding is not
     * among them: the model owns it.
     *
     * @return the parameters
     */
    List<Parameter> parameters();

    /**
     * How the layer groups the vocabulary, for inspection: boundaries b₀ = 0 &lt; b₁ &lt; … &lt; bₙ = V, group g
     * being the ids [b_g, b_{g+1}) (the adaptive softmax: its shortlist, then each tail cluster; a class-based
     * softmax: each class). A flat softmax is one group.
     *
     * @return the boundaries, starting at 0 and ending at {@link #vocabSize()}
     */
    default int[] tokenGroups() {
        return new int[] {0, vocabSize()};
    }

    /**
     * Buffers for up to {@code maxRows} rows per call.
     *
     * @param maxRows the most rows one call may pass
     * @return a new workspace
     */
    OutputWorkspace newWorkspace(int maxRows);

    /**
     * Loss and backward pass over {@code rows} rows.
     *
     * @param gradScale the gradient computed is that of {@code gradScale · loss} (for a mean: 1/rows)
     * @param dInput    ∂(gradScale·loss)/∂input [rows × inputSize] from {@code dOff}, overwritten
     * @param ws a workspace of this layer
     * @param rows the number of rows
     * @param input the rows of input [rows × inputSize]
     * @param inOff index of the first input element
     * @param targets the target token ids, one per row
     * @param tOff index of the first row's target
     * @param dOff index of dInput's first element
     * @return the SUM over the rows of −log p(target), in nats
     */
    double lossAndGradient(OutputWorkspace ws, int rows, float[] input, int inOff, int[] targets, int tOff,
                           float gradScale, float[] dInput, int dOff);

    /**
     * The SUM over the rows of −log p(target), in nats; no gradients.
     *
     * @param ws a workspace of this layer
     * @param rows the number of rows
     * @param input the rows of input [rows × inputSize]
     * @param inOff index of the first input element
     * @param targets the target token ids, one per row
     * @param tOff index of the first row's target
     * @return the summed cross-entropy in nats
     */
    double loss(OutputWorkspace ws, int rows, float[] input, int inOff, int[] targets, int tOff);

    /**
     * out[outOff + r] = log p(targets[tOff + r] | input row r), natural log, for each of the rows.
     *
     * @param ws a workspace of this layer
     * @param rows the number of rows
     * @param input the rows of input [rows × inputSize]
     * @param inOff index of the first input element
     * @param targets the target token ids, one per row
     * @param tOff index of the first row's target
     * @param out the array for the log-probabilities
     * @param outOff index of the first row's result
     */
    void targetLogProbabilities(OutputWorkspace ws, int rows, float[] input, int inOff, int[] targets, int tOff,
                                double[] out, int outOff);

    /**
     * The next-token distribution of each row as scores [rows × vocabSize] from {@code outOff}: the
     * distribution is softmax(scores) — logits, or log-probabilities, or anything that differs from the
     * log-probabilities by a constant per row. What samplers and beam search read.
     *
     * @param ws a workspace of this layer
     * @param rows the number of rows
     * @param input the rows of input [rows × inputSize]
     * @param inOff index of the first input element
     * @param out the array for the scores [rows × vocabSize]
     * @param outOff index of the first score
     */
    void nextTokenScores(OutputWorkspace ws, int rows, float[] input, int inOff, float[] out, int outOff);

    /**
     * Rounds this layer's weights to {@code format} for inference, as {@link Cell#reduceWeights} does for a cell
     * (called once, before any forward pass; never with fp32). A tied embedding has been rounded already, one
     * scale per word (the output unit). The default rounds every matrix among {@link #parameters()} in place, one
     * scale per column; the full softmax also keeps the packed copy for {@link #nextTokenScores} of a few rows.
     *
     * @param format {@link dev.recur.math.WeightFormat#INT8} or {@link dev.recur.math.WeightFormat#BF16}
     */
    default void reduceWeights(dev.recur.math.WeightFormat format) {
        for (Parameter p : parameters()) {
            if (p.shape().length == 2) {
                p.reducePrecision(format, false);
            }
        }
    }
}
