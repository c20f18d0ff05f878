package dev.recur.model;

import dev.recur.math.MathKernels;
import dev.recur.output.SoftmaxOutputProvider;
import dev.recur.spi.Cell;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.spi.OutputSpec;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The recurrent language model: embedding E [V×E] → one or more stacked {@link Cell}s → an
 * {@link OutputLayer} (by default the full softmax, U [H×V] + b2), trained on mean cross-entropy. Optional
 * regularisers ({@link Regularization}: dropout on the embeddings, between layers and on the top outputs, per
 * element or locked per row and window; whole-word embedding dropout; DropConnect on the recurrent weights;
 * AR and TAR), active in {@link #trainWindow} only and drawn from the model's own seeded generator (its state is
 * checkpointed); optional weight tying, where the output layer uses Eᵀ as its projection (needs E = H).
 *
 * <p>All products that do not depend on the recurrence are hoisted out of the time loop: each cell projects
 * the inputs of a whole window at once, and the output layer runs over all loss positions of a window in one
 * call. Nothing is allocated per window: every buffer lives in a {@link ModelWorkspace}.
 *
 * <p>Parameter names: {@code E}, the cells' own (layer 0 unprefixed — Elman: {@code W_e}, {@code W_h},
 * {@code b1} —, layer l ≥ 1 prefixed {@code l<l>.}), then the output layer's (softmax: {@code U} when untied,
 * {@code b2}). The carried state is the layers' states one after another: [layer 0: batch × S0 | layer 1:
 * batch × S1 | …]. Not thread-safe.
 */
public final class RnnLanguageModel {

    private final int vocabSize;
    private final int embeddingSize;
    private final List<Cell> cells;
    private final MathKernels k;
    private final Parameter embedding;
    private final OutputLayer output;
    private final List<Parameter> parameters;
    private final ModelSpec spec;
    private final Regularization reg;
    private final DropoutMasks masks;
    private final boolean tied;
    private final int stateSize;
    /** FP32, or the reduced precision the weights were rounded to for inference ({@link #reduceWeights}). */
    private volatile dev.recur.math.WeightFormat weightFormat = dev.recur.math.WeightFormat.FP32;

    /**
     * A one-layer model around {@code cell} with the full softmax, E ~ U(−0.1, 0.1), U ~ U(−1/√H, 1/√H), b2 = 0.
     *
     * @param seed seed of the initialisation of E and U (the cell initialises itself)
     * @param vocabSize V
     * @param embeddingSize E
     * @param cell the recurrent cell
     * @param kernels the kernels to compute with
     */
    public RnnLanguageModel(int vocabSize, int embeddingSize, Cell cell, long seed, MathKernels kernels) {
        this(vocabSize, embeddingSize, List.of(cell), Regularization.NONE, false, seed, kernels, null,
                new SoftmaxOutputProvider(), Map.of(), null);
    }

    /**
     * A model over stacked cells with the full softmax, dropout probability {@code dropout}, optional tying.
     *
     * @param vocabSize V
     * @param embeddingSize E
     * @param cells the stacked cells, bottom first
     * @param dropout dropout probability in [0, 1)
     * @param tieWeights use the embedding as the output projection (needs E = H)
     * @param seed the initialisation seed
     * @param kernels the kernels to compute with
     */
    public RnnLanguageModel(int vocabSize, int embeddingSize, List<Cell> cells, double dropout, boolean tieWeights,
                            long seed, MathKernels kernels) {
        this(vocabSize, embeddingSize, cells, Regularization.dropout(dropout), tieWeights, seed, kernels, null,
                new SoftmaxOutputProvider(), Map.of(), null);
    }

    /**
     * {@link #create(ModelSpec, CellProvider, OutputLayerProvider, long[], long, MathKernels)} without token
     * counts (output layers that group tokens by frequency then fall back to their documented default).
     *
     * @param spec           what to build
     * @param cellProvider   builds each layer's cell
     * @param outputProvider builds the output layer
     * @param seed           the initialisation seed
     * @param kernels        the kernels to compute with
     * @return the model
     */
    public static RnnLanguageModel create(ModelSpec spec, CellProvider cellProvider, OutputLayerProvider outputProvider,
                                          long seed, MathKernels kernels) {
        return create(spec, cellProvider, outputProvider, null, seed, kernels);
    }

    /**
     * Builds the model a spec describes: each layer's cell from {@code cellProvider}, the output layer from
     * {@code outputProvider} (the providers the spec names). Models built this way know their {@link #spec()}
     * and can be saved.
     *
     * @param spec what to build
     * @param cellProvider builds each layer's cell
     * @param outputProvider builds the output layer
     * @param tokenCounts each token's count in the training text (from the vocabulary), or null
     * @param seed the initialisation seed
     * @param kernels the kernels to compute with
     * @return the model
     */
    public static RnnLanguageModel create(ModelSpec spec, CellProvider cellProvider, OutputLayerProvider outputProvider,
                                          long[] tokenCounts, long seed, MathKernels kernels) {
        if (!cellProvider.name().equals(spec.cell())) {
            throw new IllegalArgumentException("spec names cell '" + spec.cell() + "', got provider '"
                    + cellProvider.name() + "'");
        }
        if (!outputProvider.name().equals(spec.output())) {
            throw new IllegalArgumentException("spec names output layer '" + spec.output() + "', got provider '"
                    + outputProvider.name() + "'");
        }
        List<Cell> cells = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            int in = l == 0 ? spec.embeddingSize() : spec.hiddenSize();
            cells.add(cellProvider.create(new CellSpec(in, spec.hiddenSize(), spec.cellOptions(), seed + 7919L * l,
                    kernels)));
        }
        return new RnnLanguageModel(spec.vocabSize(), spec.embeddingSize(), cells, spec.regularization(), spec.tieWeights(),
                seed ^ 0x5DEECE66DL, kernels, spec, outputProvider, spec.outputOptions(), tokenCounts);
    }

    /**
     * {@link #create(ModelSpec, CellProvider, OutputLayerProvider, long, MathKernels)} for the built-in softmax.
     *
     * @param spec what to build
     * @param cellProvider builds each layer's cell
     * @param seed the initialisation seed
     * @param kernels the kernels to compute with
     * @return the model
     */
    public static RnnLanguageModel create(ModelSpec spec, CellProvider cellProvider, long seed, MathKernels kernels) {
        return create(spec, cellProvider, new SoftmaxOutputProvider(), seed, kernels);
    }

    private RnnLanguageModel(int vocabSize, int embeddingSize, List<Cell> cells, Regularization reg, boolean tieWeights,
                             long seed, MathKernels kernels, ModelSpec spec, OutputLayerProvider outputProvider,
                             Map<String, String> outputOptions, long[] tokenCounts) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one cell");
        }
        java.util.Objects.requireNonNull(reg, "regularization");
        for (int l = 0; l < cells.size(); l++) {
            int expected = l == 0 ? embeddingSize : cells.get(l - 1).hiddenSize();
            if (cells.get(l).inputSize() != expected) {
                throw new IllegalArgumentException("cell " + l + " inputSize must be " + expected + ", got "
                        + cells.get(l).inputSize());
            }
        }
        int h = cells.get(cells.size() - 1).hiddenSize();
        if (tieWeights && h != embeddingSize) {
            throw new IllegalArgumentException("tied weights need embedding size = hidden size, got " + embeddingSize
                    + " and " + h);
        }
        this.vocabSize = vocabSize;
        this.embeddingSize = embeddingSize;
        this.cells = List.copyOf(cells);
        this.k = kernels;
        this.tied = tieWeights;
        this.embedding = new Parameter("E", vocabSize, embeddingSize);
        if (!tieWeights) {
            // only the rows of a window's input tokens receive gradient (a tied output layer writes every row)
            embedding.trackGradientRows();
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        uniform(embedding.value(), 0.1, rnd);
        this.output = outputProvider.create(new OutputSpec(h, vocabSize, outputOptions, tieWeights ? embedding : null,
                rnd, kernels, tokenCounts));
        if (output.inputSize() != h || output.vocabSize() != vocabSize) {
            throw new IllegalArgumentException("output layer '" + outputProvider.name() + "' was built for " + h + " x "
                    + vocabSize + " but reports " + output.inputSize() + " x " + output.vocabSize());
        }
        this.reg = reg;
        this.masks = new DropoutMasks(rnd.nextLong());
        if (reg.weightDrop() > 0) {
            for (int l = 0; l < this.cells.size(); l++) {
                Cell c = this.cells.get(l);
                if (c.recurrentWeights().isEmpty()) {
                    throw new IllegalArgumentException("weight drop needs cells that name their recurrent weights; "
                            + "layer " + l + "'s cell (" + c.getClass().getSimpleName() + ") names none");
                }
                for (Parameter w : c.recurrentWeights()) {
                    if (c.parameters().stream().noneMatch(q -> q == w)) {
                        throw new IllegalArgumentException("layer " + l + "'s recurrent weight " + w.name()
                                + " is not one of its parameters");
                    }
                }
            }
        }
        List<Parameter> all = new ArrayList<>();
        all.add(embedding);
        java.util.Set<String> outputNames = new java.util.HashSet<>();
        for (Parameter p : output.parameters()) {
            outputNames.add(p.name());
        }
        if (outputNames.contains("E")) {
            throw new IllegalArgumentException("output parameter name 'E' clashes with the model's embedding");
        }
        int s = 0;
        for (int l = 0; l < this.cells.size(); l++) {
            for (Parameter p : this.cells.get(l).parameters()) {
                if (p.name().equals("E") || outputNames.contains(p.name())) {
                    throw new IllegalArgumentException("cell parameter name '" + p.name() + "' clashes with the model's");
                }
                all.add(l == 0 ? p : p.withName("l" + l + "." + p.name()));
            }
            s += this.cells.get(l).stateSize();
        }
        this.stateSize = s;
        all.addAll(output.parameters());
        this.parameters = Collections.unmodifiableList(all);
        if (spec != null && (spec.vocabSize() != vocabSize || spec.embeddingSize() != embeddingSize
                || spec.hiddenSize() != h || spec.layers() != cells.size() || spec.tieWeights() != tieWeights)) {
            throw new IllegalArgumentException("spec " + spec + " does not match the model");
        }
        this.spec = spec;
    }

    private static void uniform(float[] a, double range, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
    }

    /**
     * What this model is (cell name and options, sizes), or null when built around plain cell objects.
     *
     * @return the spec, or null
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * V, the number of tokens.
     *
     * @return the vocabulary size
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * E, the width of an embedding row.
     *
     * @return the embedding size
     */
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * H of the top layer.
     *
     * @return H
     */
    public int hiddenSize() {
        return cells.get(cells.size() - 1).hiddenSize();
    }

    /**
     * Floats of carried state per batch row (all layers).
     *
     * @return the state width per row
     */
    public int stateSize() {
        return stateSize;
    }

    /**
     * The first layer's cell (the only one of a one-layer model).
     *
     * @return the first layer's cell
     */
    public Cell cell() {
        return cells.get(0);
    }

    /**
     * Every layer's cell, bottom first.
     *
     * @return the cells
     */
    public List<Cell> cells() {
        return cells;
    }

    /**
     * The number of stacked cells.
     *
     * @return the layer count (≥ 1)
     */
    public int layers() {
        return cells.size();
    }

    /**
     * The largest plain dropout probability of training windows (input, between layers, output).
     *
     * @return p in [0, 1)
     */
    public double dropout() {
        return reg.maxDropout();
    }

    /**
     * The regularisers of training windows.
     *
     * @return the regularisation
     */
    public Regularization regularization() {
        return reg;
    }

    /**
     * The output layer (the top layer's outputs → the next-token distribution).
     *
     * @return the output layer
     */
    public OutputLayer output() {
        return output;
    }

    /**
     * Whether the output layer uses the embedding as its projection.
     *
     * @return true when the weights are tied
     */
    public boolean tiedWeights() {
        return tied;
    }

    /**
     * Rounds the weight matrices the model multiplies per token — every cell's, the output layer's, and a tied
     * embedding (one scale per word) — to {@code format} for generation and scoring, keeping packed copies for
     * the batch-1 products (see {@link dev.recur.math.WeightFormat}). Untied embeddings are looked up, not
     * multiplied, and stay fp32; biases stay fp32. Afterwards the model is for inference only: training it
     * fails. fp32 changes nothing. Call it once, before the model is used.
     *
     * @param format the precision
     * @throws IllegalStateException if the weights were reduced already
     */
    public synchronized void reduceWeights(dev.recur.math.WeightFormat format) {
        java.util.Objects.requireNonNull(format, "format");
        if (format == dev.recur.math.WeightFormat.FP32) {
            return;
        }
        if (weightFormat != dev.recur.math.WeightFormat.FP32) {
            throw new IllegalStateException("the weights are " + weightFormat.id() + " already");
        }
        for (Cell c : cells) {
            c.reduceWeights(format);
        }
        if (tied) {
            embedding.reducePrecision(format, true);
        }
        output.reduceWeights(format);
        weightFormat = format;
    }

    /**
     * The precision of the weights: FP32 unless {@link #reduceWeights} rounded them for inference.
     *
     * @return the weight format
     */
    public dev.recur.math.WeightFormat weightFormat() {
        return weightFormat;
    }

    /**
     * The kernels the model computes with.
     *
     * @return the kernels
     */
    public MathKernels kernels() {
        return k;
    }

    /**
     * Every trainable parameter, in a stable order.
     *
     * @return the parameters
     */
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The parameter called {@code name}.
     *
     * @param name a parameter name such as {@code W_h} or {@code l1.W_h}
     * @return the parameter
     */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter '" + name + "'; parameters: " + parameters);
    }

    /**
     * The state of the dropout generator (for checkpoints).
     *
     * @return the generator's state
     */
    public long dropoutState() {
        return masks.state();
    }

    /**
     * Restores the dropout generator (from a checkpoint).
     *
     * @param state a value returned by {@link #dropoutState()}
     */
    public void setDropoutState(long state) {
        masks.setState(state);
    }

    /**
     * Buffers for windows of up to {@code maxSteps} steps over {@code batch} rows.
     *
     * @param batch the number of independent rows (streams)
     * @param maxSteps the longest window it must hold
     * @return a new workspace
     */
    public ModelWorkspace newWorkspace(int batch, int maxSteps) {
        return new ModelWorkspace(this, batch, maxSteps);
    }

    /**
     * A zero state for {@code batch} rows.
     *
     * @param batch the batch rows
     * @return a zero state [batch × stateSize]
     */
    public float[] newState(int batch) {
        return new float[batch * stateSize];
    }

    /**
     * Forward, loss and backward over one window. Gradients are ACCUMULATED into the parameters, scaled so
     * that they are the gradient of the MEAN cross-entropy over the loss rows, plus the AR and TAR terms when the
     * model has them. The regularisers (if any) are applied.
     *
     * @param steps    window length
     * @param lossFrom first step whose prediction counts in the loss (0 = all)
     * @param inputs   [steps·batch] token ids, time-major
     * @param targets  [steps·batch] next-token ids, time-major (rows before lossFrom are ignored)
     * @param stateIn  [batch × stateSize], read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may alias stateIn)
     * @param ws a workspace of this model
     * @return the SUM of cross-entropies over the loss rows (nats)
     */
    public double trainWindow(ModelWorkspace ws, int steps, int lossFrom, int[] inputs, int[] targets, float[] stateIn,
                              float[] stateOut) {
        return trainWindow(ws, steps, lossFrom, inputs, targets, stateIn, stateOut, reg.any());
    }

    /**
     * {@link #trainWindow(ModelWorkspace, int, int, int[], int[], float[], float[])} with the regularisers
     * (dropout, weight drop, AR/TAR) switched off or on: off, the returned loss is the model's evaluation loss on the window (as
     * {@link #evaluateWindow} computes it) and the gradients are those of that loss, which is what dynamic
     * evaluation needs.
     *
     * @param ws a workspace of this model
     * @param steps window length
     * @param lossFrom first step whose prediction counts in the loss (0 = all)
     * @param inputs [steps·batch] token ids, time-major
     * @param targets [steps·batch] next-token ids, time-major
     * @param stateIn [batch × stateSize], read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may alias stateIn)
     * @param applyDropout apply the model's regularisers (a model without any ignores it)
     * @return the SUM of cross-entropies over the loss rows (nats)
     */
    public double trainWindow(ModelWorkspace ws, int steps, int lossFrom, int[] inputs, int[] targets, float[] stateIn,
                              float[] stateOut, boolean applyDropout) {
        int b = ws.batch;
        checkWindow(ws, steps, inputs);
        if (weightFormat != dev.recur.math.WeightFormat.FP32) {
            throw new IllegalStateException("this model's weights were rounded to " + weightFormat.id()
                    + " for inference; train from the fp32 model file");
        }
        if (lossFrom < 0 || lossFrom >= steps) {
            throw new IllegalArgumentException("lossFrom must be in [0, " + steps + "), got " + lossFrom);
        }
        int h = hiddenSize();
        int rows = steps * b;
        int n = cells.size();
        boolean drop = applyDropout && reg.any();
        boolean weightDrop = drop && reg.weightDrop() > 0;
        if (weightDrop) {
            dropRecurrentWeights(ws);
        }
        try {
            float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, drop);
            int first = lossFrom * b;
            int lossRows = (steps - lossFrom) * b;
            float[] dTop = ws.dh[n - 1];
            Arrays.fill(dTop, 0, first * h, 0f);
            double loss = output.lossAndGradient(ws.out, lossRows, top, first * h, targets, first, 1f / lossRows, dTop,
                    first * h);
            double extra = 0;
            if (drop && reg.ar() > 0) {
                extra += activationRegularization(top, first * h, rows * h, reg.ar(), dTop);
            }
            if (drop && reg.outputDropout() > 0) {
                k.multiply(rows * h, dTop, 0, ws.mask[n], 0, dTop, 0);
            }
            if (drop && reg.tar() > 0) {
                extra += temporalActivationRegularization(ws.hs[n - 1], lossFrom, steps, b, h, reg.tar(), dTop);
            }
            ws.regularizationLoss = extra;
            for (int l = n - 1; l >= 0; l--) {
                float[] dIn = l == 0 ? ws.dx : ws.dh[l - 1];
                cells.get(l).backward(b, steps, ws.dh[l], null, dIn, null, ws.cellWs[l]);
                double p = l == 0 ? reg.inputDropout() : reg.hiddenDropout();
                if (drop && p > 0) {
                    int width = l == 0 ? embeddingSize : cells.get(l - 1).hiddenSize();
                    k.multiply(rows * width, dIn, 0, ws.mask[l], 0, dIn, 0);
                }
            }
            float[] eg = embedding.grad();
            int e = embeddingSize;
            boolean words = drop && reg.embeddingDropout() > 0;
            for (int r = 0; r < rows; r++) {
                float scale = words ? ws.wordMask[inputs[r]] : 1f;
                if (scale != 0f) {
                    k.axpy(e, scale, ws.dx, r * e, eg, inputs[r] * e);
                }
                embedding.markGradientRow(inputs[r]);
            }
            return loss;
        } finally {
            if (weightDrop) {
                restoreRecurrentWeights(ws);
            }
        }
    }

    /** AR: α·mean(top²) over [from, to); adds its gradient 2α·top/count to dTop, returns the term. */
    private static double activationRegularization(float[] top, int from, int to, double alpha, float[] dTop) {
        int count = to - from;
        float c = (float) (2 * alpha / count);
        double sum = 0;
        for (int i = from; i < to; i++) {
            float v = top[i];
            sum += (double) v * v;
            dTop[i] += c * v;
        }
        return alpha * sum / count;
    }

    /**
     * TAR: β·mean((h(t) − h(t−1))²) over the pairs of consecutive loss steps of each row; adds its gradient to
     * dHs, returns the term (0 with fewer than two loss steps).
     */
    private static double temporalActivationRegularization(float[] hs, int lossFrom, int steps, int b, int h,
                                                           double beta, float[] dHs) {
        long count = (long) (steps - lossFrom - 1) * b * h;
        if (count <= 0) {
            return 0;
        }
        float c = (float) (2 * beta / count);
        double sum = 0;
        for (int i = (lossFrom + 1) * b * h, end = steps * b * h, back = b * h; i < end; i++) {
            float d = hs[i] - hs[i - back];
            sum += (double) d * d;
            dHs[i] += c * d;
            dHs[i - back] -= c * d;
        }
        return beta * sum / count;
    }

    /**
     * Weight drop: keeps each cell's recurrent weights and their gradients so far, masks the weights in place
     * (one mask per window) and zeroes their gradients, so that the window's gradient can be masked alone.
     */
    private void dropRecurrentWeights(ModelWorkspace ws) {
        if (ws.weightValues == null) {
            ws.allocateWeightDrop(cells);
        }
        float p = (float) reg.weightDrop();
        int i = 0;
        for (Cell c : cells) {
            for (Parameter w : c.recurrentWeights()) {
                int size = w.size();
                float[] v = w.value();
                float[] g = w.grad();
                System.arraycopy(v, 0, ws.weightValues[i], 0, size);
                System.arraycopy(g, 0, ws.weightGrads[i], 0, size);
                Arrays.fill(g, 0f);
                masks.fill(ws.weightMasks[i], size, p);
                k.multiply(size, v, 0, ws.weightMasks[i], 0, v, 0);
                i++;
            }
        }
    }

    /** Undoes {@link #dropRecurrentWeights}: gradient = kept + window's ⊙ mask, weights restored. */
    private void restoreRecurrentWeights(ModelWorkspace ws) {
        int i = 0;
        for (Cell c : cells) {
            for (Parameter w : c.recurrentWeights()) {
                int size = w.size();
                float[] g = w.grad();
                k.multiply(size, g, 0, ws.weightMasks[i], 0, g, 0);
                k.axpy(size, 1f, ws.weightGrads[i], 0, g, 0);
                System.arraycopy(ws.weightValues[i], 0, w.value(), 0, size);
                i++;
            }
        }
    }

    /**
     * Forward and loss over one window, no gradients, no dropout.
     *
     * @param ws a workspace of this model
     * @param steps the window length (time steps)
     * @param inputs [steps·batch] token ids, time-major
     * @param targets [steps·batch] next-token ids, time-major
     * @param stateIn [batch × stateSize], the state before the window, read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may be {@code stateIn})
     * @return the SUM of cross-entropies over all rows of the window (nats)
     */
    public double evaluateWindow(ModelWorkspace ws, int steps, int[] inputs, int[] targets, float[] stateIn,
                                 float[] stateOut) {
        checkWindow(ws, steps, inputs);
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
        return output.loss(ws.out, steps * ws.batch, top, 0, targets, 0);
    }

    /**
     * Forward over one window, no dropout: {@code logProbs[r]} = log p(targets[r]) for every row r of the
     * window (time-major), natural log.
     *
     * @param ws a workspace of this model
     * @param steps the window length (time steps)
     * @param inputs [steps·batch] token ids, time-major
     * @param targets [steps·batch] next-token ids, time-major
     * @param stateIn [batch × stateSize], the state before the window, read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may be {@code stateIn})
     * @param logProbs [steps·batch], overwritten
     */
    public void targetLogProbabilities(ModelWorkspace ws, int steps, int[] inputs, int[] targets, float[] stateIn,
                                       float[] stateOut, double[] logProbs) {
        checkWindow(ws, steps, inputs);
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
        output.targetLogProbabilities(ws.out, steps * ws.batch, top, 0, targets, 0, logProbs, 0);
    }

    /**
     * Runs the recurrence only (no output layer, no dropout) over a window, updating the state.
     *
     * @param ws a workspace of this model
     * @param steps the window length (time steps)
     * @param inputs [steps·batch] token ids, time-major
     * @param stateIn [batch × stateSize], the state before the window, read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may be {@code stateIn})
     */
    public void advance(ModelWorkspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut) {
        checkWindow(ws, steps, inputs);
        forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
    }

    /**
     * Feeds {@code steps} time-major tokens and writes the next-token scores of the LAST step into
     * {@code logits[batch × V]}: softmax of each row is the model's next-token distribution (see
     * {@link OutputLayer#nextTokenScores}).
     *
     * @param ws a workspace of this model
     * @param steps the window length (time steps)
     * @param inputs [steps·batch] token ids, time-major
     * @param stateIn [batch × stateSize], the state before the window, read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may be {@code stateIn})
     * @param logits [batch × V], overwritten with the last step's scores
     */
    public void logitsAfter(ModelWorkspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut, float[] logits) {
        checkWindow(ws, steps, inputs);
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
        int b = ws.batch;
        output.nextTokenScores(ws.out, b, top, (steps - 1) * b * hiddenSize(), logits, 0);
    }

    /** Embeds, runs every layer; returns the top layer's (dropped-out) outputs. */
    private float[] forwardLayers(ModelWorkspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut,
                                  boolean drop) {
        int b = ws.batch;
        int rows = steps * b;
        embed(inputs, rows, ws.x);
        if (drop && reg.embeddingDropout() > 0) {
            masks.fill(ws.wordMask, vocabSize, (float) reg.embeddingDropout());
            int e = embeddingSize;
            for (int r = 0; r < rows; r++) {
                float m = ws.wordMask[inputs[r]];
                if (m == 0f) {
                    Arrays.fill(ws.x, r * e, r * e + e, 0f);
                } else {
                    k.scale(e, m, ws.x, r * e);
                }
            }
        }
        float[] in = ws.x;
        if (drop && reg.inputDropout() > 0) {
            fillMask(ws.mask[0], b, steps, embeddingSize, reg.inputDropout());
            k.multiply(rows * embeddingSize, ws.x, 0, ws.mask[0], 0, ws.xDrop, 0);
            in = ws.xDrop;
        }
        int off = 0;
        int n = cells.size();
        for (int l = 0; l < n; l++) {
            Cell c = cells.get(l);
            int sl = b * c.stateSize();
            float[] sIn;
            float[] sOut;
            if (n == 1) {
                sIn = stateIn;
                sOut = stateOut;
            } else {
                sIn = ws.stateIn[l];
                sOut = ws.stateOut[l];
                System.arraycopy(stateIn, off, sIn, 0, sl);
            }
            c.forward(b, steps, in, sIn, ws.hs[l], sOut, ws.cellWs[l]);
            if (n > 1) {
                System.arraycopy(sOut, 0, stateOut, off, sl);
            }
            off += sl;
            int width = c.hiddenSize();
            double p = l < n - 1 ? reg.hiddenDropout() : reg.outputDropout();
            if (drop && p > 0) {
                fillMask(ws.mask[l + 1], b, steps, width, p);
                k.multiply(rows * width, ws.hs[l], 0, ws.mask[l + 1], 0, ws.hsDrop[l], 0);
                in = ws.hsDrop[l];
            } else {
                in = ws.hs[l];
            }
        }
        return in;
    }

    /** A dropout mask over [steps·b × width]: per element, or (locked) one [b × width] mask repeated per step. */
    private void fillMask(float[] mask, int b, int steps, int width, double p) {
        int perStep = b * width;
        if (reg.locked()) {
            masks.fill(mask, perStep, (float) p);
            for (int t = 1; t < steps; t++) {
                System.arraycopy(mask, 0, mask, t * perStep, perStep);
            }
        } else {
            masks.fill(mask, steps * perStep, (float) p);
        }
    }

    private void checkWindow(ModelWorkspace ws, int steps, int[] inputs) {
        if (ws.owner != this) {
            throw new IllegalArgumentException("the workspace belongs to another model");
        }
        ws.cellWs[0].check(ws.batch, steps);
        if (inputs.length < steps * ws.batch) {
            throw new IllegalArgumentException("inputs must hold steps*batch = " + steps * ws.batch
                    + " ids, got " + inputs.length);
        }
    }

    private void embed(int[] tokens, int rows, float[] x) {
        float[] ev = embedding.value();
        int e = embeddingSize;
        for (int r = 0; r < rows; r++) {
            int id = tokens[r];
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id must be in [0, " + vocabSize + "), got " + id);
            }
            System.arraycopy(ev, id * e, x, r * e, e);
        }
    }
}
