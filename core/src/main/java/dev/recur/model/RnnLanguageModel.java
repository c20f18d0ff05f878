package dev.recur.model;

import dev.recur.math.MathKernels;
import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The recurrent language model: embedding E [V×E] → {@link Cell} → output projection U [H×V] + b2 →
 * softmax, trained on mean cross-entropy.
 *
 * <p>All products that do not depend on the recurrence are hoisted out of the time loop: the cell projects
 * the inputs of a whole window at once, and the output layer, the fused softmax + cross-entropy and their
 * gradients run over all loss positions of a window in single matrix products. Nothing is allocated per
 * window: every buffer lives in a {@link Workspace}.
 *
 * <p>Parameter names: {@code E}, the cell's own (Elman: {@code W_e}, {@code W_h}, {@code b1}), {@code U},
 * {@code b2}. Not thread-safe.
 */
public final class RnnLanguageModel {

    private final int vocabSize;
    private final int embeddingSize;
    private final Cell cell;
    private final MathKernels k;
    private final Parameter embedding;
    private final Parameter outWeight;
    private final Parameter outBias;
    private final List<Parameter> parameters;
    private final ModelSpec spec;

    /**
     * A model around {@code cell}, with E ~ U(−0.1, 0.1), U ~ U(−1/√H, 1/√H) and b2 = 0.
     *
     * @param seed seed of the initialisation of E and U (the cell initialises itself)
     */
    public RnnLanguageModel(int vocabSize, int embeddingSize, Cell cell, long seed, MathKernels kernels) {
        this(vocabSize, embeddingSize, cell, seed, kernels, null);
    }

    /**
     * Builds the model a spec describes, with the cell from {@code provider} (which must be the provider the
     * spec names). Models built this way know their {@link #spec()} and can be saved.
     */
    public static RnnLanguageModel create(ModelSpec spec, dev.recur.spi.CellProvider provider, long seed,
                                          MathKernels kernels) {
        if (!provider.name().equals(spec.cell())) {
            throw new IllegalArgumentException("spec names cell '" + spec.cell() + "', got provider '" + provider.name() + "'");
        }
        Cell cell = provider.create(new dev.recur.spi.CellSpec(spec.embeddingSize(), spec.hiddenSize(),
                spec.cellOptions(), seed, kernels));
        return new RnnLanguageModel(spec.vocabSize(), spec.embeddingSize(), cell, seed ^ 0x5DEECE66DL, kernels, spec);
    }

    private RnnLanguageModel(int vocabSize, int embeddingSize, Cell cell, long seed, MathKernels kernels, ModelSpec spec) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (cell.inputSize() != embeddingSize) {
            throw new IllegalArgumentException("cell inputSize must equal embeddingSize " + embeddingSize
                    + ", got " + cell.inputSize());
        }
        this.vocabSize = vocabSize;
        this.embeddingSize = embeddingSize;
        this.cell = cell;
        this.k = kernels;
        int h = cell.hiddenSize();
        this.embedding = new Parameter("E", vocabSize, embeddingSize);
        this.outWeight = new Parameter("U", h, vocabSize);
        this.outBias = new Parameter("b2", vocabSize);
        SplittableRandom rnd = new SplittableRandom(seed);
        uniform(embedding.value(), 0.1, rnd);
        uniform(outWeight.value(), 1.0 / Math.sqrt(h), rnd);
        List<Parameter> all = new ArrayList<>();
        all.add(embedding);
        for (Parameter p : cell.parameters()) {
            if (p.name().equals("E") || p.name().equals("U") || p.name().equals("b2")) {
                throw new IllegalArgumentException("cell parameter name '" + p.name() + "' clashes with the model's");
            }
            all.add(p);
        }
        all.add(outWeight);
        all.add(outBias);
        this.parameters = Collections.unmodifiableList(all);
        if (spec != null && (spec.vocabSize() != vocabSize || spec.embeddingSize() != embeddingSize
                || spec.hiddenSize() != cell.hiddenSize())) {
            throw new IllegalArgumentException("spec " + spec + " does not match the model's sizes");
        }
        this.spec = spec;
    }

    /** What this model is (cell name and options, sizes), or null when built around a plain cell object. */
    public ModelSpec spec() {
        return spec;
    }

    private static void uniform(float[] a, double range, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    public int hiddenSize() {
        return cell.hiddenSize();
    }

    /** Floats of carried state per batch row. */
    public int stateSize() {
        return cell.stateSize();
    }

    public Cell cell() {
        return cell;
    }

    public MathKernels kernels() {
        return k;
    }

    /** Every trainable parameter, in a stable order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter called {@code name}. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter '" + name + "'; parameters: " + parameters);
    }

    /** Buffers for windows of up to {@code maxSteps} steps over {@code batch} rows. */
    public Workspace newWorkspace(int batch, int maxSteps) {
        return new Workspace(batch, maxSteps);
    }

    /** A zero state for {@code batch} rows. */
    public float[] newState(int batch) {
        return new float[batch * cell.stateSize()];
    }

    /**
     * Forward, loss and backward over one window. Gradients are ACCUMULATED into the parameters, scaled so
     * that they are the gradient of the MEAN cross-entropy over the loss rows.
     *
     * @param steps    window length
     * @param lossFrom first step whose prediction counts in the loss (0 = all)
     * @param inputs   [steps·batch] token ids, time-major
     * @param targets  [steps·batch] next-token ids, time-major (rows before lossFrom are ignored)
     * @param stateIn  [batch × stateSize], read only
     * @param stateOut [batch × stateSize], overwritten with the state after the window (may alias stateIn)
     * @return the SUM of cross-entropies over the loss rows (nats)
     */
    public double trainWindow(Workspace ws, int steps, int lossFrom, int[] inputs, int[] targets, float[] stateIn,
                              float[] stateOut) {
        int b = ws.batch;
        checkWindow(ws, steps, inputs);
        if (lossFrom < 0 || lossFrom >= steps) {
            throw new IllegalArgumentException("lossFrom must be in [0, " + steps + "), got " + lossFrom);
        }
        int h = cell.hiddenSize();
        embed(inputs, steps * b, ws.x);
        cell.forward(b, steps, ws.x, stateIn, ws.hs, stateOut, ws.cellWs);
        int first = lossFrom * b;
        int rows = (steps - lossFrom) * b;
        outputLogits(ws.hs, first, rows, ws.logits);
        double loss = k.softmaxCrossEntropy(rows, vocabSize, ws.logits, 0, vocabSize, targets, first, 1f / rows);
        // ws.logits now holds dJ/dlogits for the loss rows.
        k.gemmTN(h, vocabSize, rows, ws.hs, first * h, h, ws.logits, 0, vocabSize, outWeight.grad(), 0, vocabSize, true);
        k.sumRows(rows, vocabSize, ws.logits, 0, vocabSize, outBias.grad(), 0);
        java.util.Arrays.fill(ws.dhs, 0, first * h, 0f);
        k.gemmNT(rows, h, vocabSize, ws.logits, 0, vocabSize, outWeight.value(), 0, vocabSize, ws.dhs, first * h, h, false);
        cell.backward(b, steps, ws.dhs, null, ws.dx, null, ws.cellWs);
        float[] eg = embedding.grad();
        int e = embeddingSize;
        for (int r = 0; r < steps * b; r++) {
            k.axpy(e, 1f, ws.dx, r * e, eg, inputs[r] * e);
        }
        return loss;
    }

    /**
     * Forward and loss over one window, no gradients.
     *
     * @return the SUM of cross-entropies over all rows of the window (nats)
     */
    public double evaluateWindow(Workspace ws, int steps, int[] inputs, int[] targets, float[] stateIn,
                                 float[] stateOut) {
        int b = ws.batch;
        checkWindow(ws, steps, inputs);
        embed(inputs, steps * b, ws.x);
        cell.forward(b, steps, ws.x, stateIn, ws.hs, stateOut, ws.cellWs);
        int rows = steps * b;
        outputLogits(ws.hs, 0, rows, ws.logits);
        return k.softmaxCrossEntropy(rows, vocabSize, ws.logits, 0, vocabSize, targets, 0, 0f);
    }

    /** Runs the recurrence only (no output layer) over a window, updating the state. */
    public void advance(Workspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut) {
        checkWindow(ws, steps, inputs);
        embed(inputs, steps * ws.batch, ws.x);
        cell.forward(ws.batch, steps, ws.x, stateIn, ws.hs, stateOut, ws.cellWs);
    }

    /**
     * Feeds {@code steps} time-major tokens and writes the logits of the LAST step into
     * {@code logits[batch × V]}.
     */
    public void logitsAfter(Workspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut, float[] logits) {
        advance(ws, steps, inputs, stateIn, stateOut);
        int b = ws.batch;
        outputLogits(ws.hs, (steps - 1) * b, b, logits);
    }

    private void checkWindow(Workspace ws, int steps, int[] inputs) {
        ws.cellWs.check(ws.batch, steps);
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

    private void outputLogits(float[] hs, int firstRow, int rows, float[] logits) {
        int h = cell.hiddenSize();
        k.gemmNN(rows, vocabSize, h, hs, firstRow * h, h, outWeight.value(), 0, vocabSize, logits, 0, vocabSize, false);
        k.addRowVector(rows, vocabSize, outBias.value(), 0, logits, 0, vocabSize);
    }

    /** Per-window buffers; create once per (batch, maxSteps) and reuse. */
    public final class Workspace {
        private final int batch;
        private final int maxSteps;
        private final float[] x;
        private final float[] hs;
        private final float[] logits;
        private final float[] dhs;
        private final float[] dx;
        private final CellWorkspace cellWs;

        private Workspace(int batch, int maxSteps) {
            if (batch < 1 || maxSteps < 1) {
                throw new IllegalArgumentException("batch and maxSteps must be >= 1, got " + batch + ", " + maxSteps);
            }
            long rows = (long) batch * maxSteps;
            if (rows * vocabSize > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("batch*steps*vocab is too large for one window: "
                        + rows + " x " + vocabSize);
            }
            this.batch = batch;
            this.maxSteps = maxSteps;
            int r = (int) rows;
            this.x = new float[r * embeddingSize];
            this.hs = new float[r * cell.hiddenSize()];
            this.logits = new float[r * vocabSize];
            this.dhs = new float[r * cell.hiddenSize()];
            this.dx = new float[r * embeddingSize];
            this.cellWs = cell.newWorkspace(batch, maxSteps);
        }

        public int batch() {
            return batch;
        }

        public int maxSteps() {
            return maxSteps;
        }

        /** The cell's workspace (for diagnostics that walk the recorded window). */
        public CellWorkspace cellWorkspace() {
            return cellWs;
        }

        /** The hidden outputs [steps·batch × H] of the last window run on this workspace. */
        public float[] hiddenOutputs() {
            return hs;
        }
    }
}
