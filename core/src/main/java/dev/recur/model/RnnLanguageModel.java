package dev.recur.model;

import dev.recur.math.MathKernels;
import dev.recur.spi.Cell;
import dev.recur.spi.CellProvider;
import dev.recur.spi.CellSpec;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The recurrent language model: embedding E [V×E] → one or more stacked {@link Cell}s → output projection
 * U [H×V] + b2 → softmax, trained on mean cross-entropy. Optional (inverted) dropout on the embeddings,
 * between layers and on the top outputs, active in {@link #trainWindow} only and drawn from the model's own
 * seeded generator (its state is checkpointed); optional weight tying, where the output projection is Eᵀ
 * (no U parameter; needs E = H).
 *
 * <p>All products that do not depend on the recurrence are hoisted out of the time loop: each cell projects
 * the inputs of a whole window at once, and the output layer, the fused softmax + cross-entropy and their
 * gradients run over all loss positions of a window in single matrix products. Nothing is allocated per
 * window: every buffer lives in a {@link Workspace}.
 *
 * <p>Parameter names: {@code E}, the cells' own (layer 0 unprefixed — Elman: {@code W_e}, {@code W_h},
 * {@code b1} —, layer l ≥ 1 prefixed {@code l<l>.}), {@code U} (untied only), {@code b2}. The carried state
 * is the layers' states one after another: [layer 0: batch × S0 | layer 1: batch × S1 | …]. Not
 * thread-safe.
 */
public final class RnnLanguageModel {

    private final int vocabSize;
    private final int embeddingSize;
    private final List<Cell> cells;
    private final MathKernels k;
    private final Parameter embedding;
    private final Parameter outWeight; // null when tied
    private final Parameter outBias;
    private final List<Parameter> parameters;
    private final ModelSpec spec;
    private final float dropout;
    private final boolean tied;
    private final int stateSize;
    private long rngState;

    /**
     * A one-layer model around {@code cell}, with E ~ U(−0.1, 0.1), U ~ U(−1/√H, 1/√H) and b2 = 0.
     *
     * @param seed seed of the initialisation of E and U (the cell initialises itself)
     */
    public RnnLanguageModel(int vocabSize, int embeddingSize, Cell cell, long seed, MathKernels kernels) {
        this(vocabSize, embeddingSize, List.of(cell), 0, false, seed, kernels, null);
    }

    /** A model over stacked cells, with dropout probability {@code dropout} and optional weight tying. */
    public RnnLanguageModel(int vocabSize, int embeddingSize, List<Cell> cells, double dropout, boolean tieWeights,
                            long seed, MathKernels kernels) {
        this(vocabSize, embeddingSize, cells, dropout, tieWeights, seed, kernels, null);
    }

    /**
     * Builds the model a spec describes, each layer's cell from {@code provider} (which must be the provider
     * the spec names). Models built this way know their {@link #spec()} and can be saved.
     */
    public static RnnLanguageModel create(ModelSpec spec, CellProvider provider, long seed, MathKernels kernels) {
        if (!provider.name().equals(spec.cell())) {
            throw new IllegalArgumentException("spec names cell '" + spec.cell() + "', got provider '" + provider.name() + "'");
        }
        List<Cell> cells = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            int in = l == 0 ? spec.embeddingSize() : spec.hiddenSize();
            cells.add(provider.create(new CellSpec(in, spec.hiddenSize(), spec.cellOptions(), seed + 7919L * l, kernels)));
        }
        return new RnnLanguageModel(spec.vocabSize(), spec.embeddingSize(), cells, spec.dropout(), spec.tieWeights(),
                seed ^ 0x5DEECE66DL, kernels, spec);
    }

    private RnnLanguageModel(int vocabSize, int embeddingSize, List<Cell> cells, double dropout, boolean tieWeights,
                             long seed, MathKernels kernels, ModelSpec spec) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        if (embeddingSize <= 0) {
            throw new IllegalArgumentException("embeddingSize must be > 0, got " + embeddingSize);
        }
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one cell");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
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
        this.dropout = (float) dropout;
        this.tied = tieWeights;
        this.embedding = new Parameter("E", vocabSize, embeddingSize);
        this.outWeight = tieWeights ? null : new Parameter("U", h, vocabSize);
        this.outBias = new Parameter("b2", vocabSize);
        SplittableRandom rnd = new SplittableRandom(seed);
        uniform(embedding.value(), 0.1, rnd);
        if (outWeight != null) {
            uniform(outWeight.value(), 1.0 / Math.sqrt(h), rnd);
        }
        this.rngState = rnd.nextLong();
        List<Parameter> all = new ArrayList<>();
        all.add(embedding);
        int s = 0;
        for (int l = 0; l < this.cells.size(); l++) {
            for (Parameter p : this.cells.get(l).parameters()) {
                if (p.name().equals("E") || p.name().equals("U") || p.name().equals("b2")) {
                    throw new IllegalArgumentException("cell parameter name '" + p.name() + "' clashes with the model's");
                }
                all.add(l == 0 ? p : p.withName("l" + l + "." + p.name()));
            }
            s += this.cells.get(l).stateSize();
        }
        this.stateSize = s;
        if (outWeight != null) {
            all.add(outWeight);
        }
        all.add(outBias);
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

    /** What this model is (cell name and options, sizes), or null when built around plain cell objects. */
    public ModelSpec spec() {
        return spec;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    /** H of the top layer. */
    public int hiddenSize() {
        return cells.get(cells.size() - 1).hiddenSize();
    }

    /** Floats of carried state per batch row (all layers). */
    public int stateSize() {
        return stateSize;
    }

    /** The first layer's cell (the only one of a one-layer model). */
    public Cell cell() {
        return cells.get(0);
    }

    /** Every layer's cell, bottom first. */
    public List<Cell> cells() {
        return cells;
    }

    public int layers() {
        return cells.size();
    }

    public double dropout() {
        return dropout;
    }

    public boolean tiedWeights() {
        return tied;
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

    /** The state of the dropout generator (for checkpoints). */
    public long dropoutState() {
        return rngState;
    }

    /** Restores the dropout generator (from a checkpoint). */
    public void setDropoutState(long state) {
        this.rngState = state;
    }

    /** Buffers for windows of up to {@code maxSteps} steps over {@code batch} rows. */
    public Workspace newWorkspace(int batch, int maxSteps) {
        return new Workspace(batch, maxSteps);
    }

    /** A zero state for {@code batch} rows. */
    public float[] newState(int batch) {
        return new float[batch * stateSize];
    }

    /**
     * Forward, loss and backward over one window. Gradients are ACCUMULATED into the parameters, scaled so
     * that they are the gradient of the MEAN cross-entropy over the loss rows. Dropout (if any) is applied.
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
        int h = hiddenSize();
        int rows = steps * b;
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, dropout > 0);
        int first = lossFrom * b;
        int lossRows = (steps - lossFrom) * b;
        outputLogits(top, first, lossRows, ws.logits);
        double loss = k.softmaxCrossEntropy(lossRows, vocabSize, ws.logits, 0, vocabSize, targets, first, 1f / lossRows);
        // ws.logits now holds dJ/dlogits for the loss rows
        float[] dTop = ws.dh[cells.size() - 1];
        Arrays.fill(dTop, 0, first * h, 0f);
        if (tied) {
            // logits = top·Eᵀ: dE += dLogitsᵀ·top, dTop = dLogits·E
            k.gemmTN(vocabSize, h, lossRows, ws.logits, 0, vocabSize, top, first * h, h, embedding.grad(), 0, h, true);
            k.gemmNN(lossRows, h, vocabSize, ws.logits, 0, vocabSize, embedding.value(), 0, h, dTop, first * h, h, false);
        } else {
            k.gemmTN(h, vocabSize, lossRows, top, first * h, h, ws.logits, 0, vocabSize, outWeight.grad(), 0, vocabSize, true);
            // dTop = dLogits·Uᵀ as a product with Uᵀ transposed once per window: the packed A·B kernels instead of
            // |V|-long dot products that stream all of U once per four rows (W: 70 ms of a 196 ms step)
            if (ws.outWeightT == null) {
                ws.outWeightT = new float[vocabSize * h];
            }
            k.transpose(h, vocabSize, outWeight.value(), 0, vocabSize, ws.outWeightT, 0, h);
            k.gemmNN(lossRows, h, vocabSize, ws.logits, 0, vocabSize, ws.outWeightT, 0, h, dTop, first * h, h, false);
        }
        k.sumRows(lossRows, vocabSize, ws.logits, 0, vocabSize, outBias.grad(), 0);
        if (dropout > 0) {
            k.multiply(rows * h, dTop, 0, ws.mask[cells.size()], 0, dTop, 0);
        }
        for (int l = cells.size() - 1; l >= 0; l--) {
            float[] dIn = l == 0 ? ws.dx : ws.dh[l - 1];
            cells.get(l).backward(b, steps, ws.dh[l], null, dIn, null, ws.cellWs[l]);
            if (dropout > 0) {
                int width = l == 0 ? embeddingSize : cells.get(l - 1).hiddenSize();
                k.multiply(rows * width, dIn, 0, ws.mask[l], 0, dIn, 0);
            }
        }
        float[] eg = embedding.grad();
        int e = embeddingSize;
        for (int r = 0; r < rows; r++) {
            k.axpy(e, 1f, ws.dx, r * e, eg, inputs[r] * e);
        }
        return loss;
    }

    /**
     * Forward and loss over one window, no gradients, no dropout.
     *
     * @return the SUM of cross-entropies over all rows of the window (nats)
     */
    public double evaluateWindow(Workspace ws, int steps, int[] inputs, int[] targets, float[] stateIn,
                                 float[] stateOut) {
        checkWindow(ws, steps, inputs);
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
        int rows = steps * ws.batch;
        outputLogits(top, 0, rows, ws.logits);
        return k.softmaxCrossEntropy(rows, vocabSize, ws.logits, 0, vocabSize, targets, 0, 0f);
    }

    /** Runs the recurrence only (no output layer, no dropout) over a window, updating the state. */
    public void advance(Workspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut) {
        checkWindow(ws, steps, inputs);
        forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
    }

    /**
     * Feeds {@code steps} time-major tokens and writes the logits of the LAST step into
     * {@code logits[batch × V]}.
     */
    public void logitsAfter(Workspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut, float[] logits) {
        checkWindow(ws, steps, inputs);
        float[] top = forwardLayers(ws, steps, inputs, stateIn, stateOut, false);
        int b = ws.batch;
        outputLogits(top, (steps - 1) * b, b, logits);
    }

    /** Embeds, runs every layer; returns the top layer's (dropped-out) outputs. */
    private float[] forwardLayers(Workspace ws, int steps, int[] inputs, float[] stateIn, float[] stateOut,
                                  boolean drop) {
        int b = ws.batch;
        int rows = steps * b;
        embed(inputs, rows, ws.x);
        float[] in = ws.x;
        if (drop) {
            fillMask(ws.mask[0], rows * embeddingSize);
            k.multiply(rows * embeddingSize, ws.x, 0, ws.mask[0], 0, ws.xDrop, 0);
            in = ws.xDrop;
        }
        int off = 0;
        for (int l = 0; l < cells.size(); l++) {
            Cell c = cells.get(l);
            int sl = b * c.stateSize();
            float[] sIn;
            float[] sOut;
            if (cells.size() == 1) {
                sIn = stateIn;
                sOut = stateOut;
            } else {
                sIn = ws.stateIn[l];
                sOut = ws.stateOut[l];
                System.arraycopy(stateIn, off, sIn, 0, sl);
            }
            c.forward(b, steps, in, sIn, ws.hs[l], sOut, ws.cellWs[l]);
            if (cells.size() > 1) {
                System.arraycopy(sOut, 0, stateOut, off, sl);
            }
            off += sl;
            int width = c.hiddenSize();
            if (drop) {
                fillMask(ws.mask[l + 1], rows * width);
                k.multiply(rows * width, ws.hs[l], 0, ws.mask[l + 1], 0, ws.hsDrop[l], 0);
                in = ws.hsDrop[l];
            } else {
                in = ws.hs[l];
            }
        }
        return in;
    }

    /** Inverted-dropout mask: 0 with probability p, 1/(1−p) otherwise (SplitMix64, checkpointable state). */
    private void fillMask(float[] mask, int n) {
        float keep = 1f / (1f - dropout);
        long s = rngState;
        for (int i = 0; i < n; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            float u = (z >>> 40) * 0x1.0p-24f;
            mask[i] = u < dropout ? 0f : keep;
        }
        rngState = s;
    }

    private void checkWindow(Workspace ws, int steps, int[] inputs) {
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

    private void outputLogits(float[] top, int firstRow, int rows, float[] logits) {
        int h = hiddenSize();
        if (tied) {
            k.gemmNT(rows, vocabSize, h, top, firstRow * h, h, embedding.value(), 0, h, logits, 0, vocabSize, false);
        } else {
            k.gemmNN(rows, vocabSize, h, top, firstRow * h, h, outWeight.value(), 0, vocabSize, logits, 0, vocabSize, false);
        }
        k.addRowVector(rows, vocabSize, outBias.value(), 0, logits, 0, vocabSize);
    }

    /** Per-window buffers; create once per (batch, maxSteps) and reuse. */
    public final class Workspace {
        private final int batch;
        private final int maxSteps;
        private final float[] x;
        private final float[] xDrop;
        private final float[] logits;
        private final float[] dx;
        private final float[][] hs;
        private final float[][] hsDrop;
        private final float[][] dh;
        private final float[][] mask;
        private final float[][] stateIn;
        private final float[][] stateOut;
        private final CellWorkspace[] cellWs;
        /** Uᵀ [V × H] for the backward pass of an untied output layer (allocated at the first training window). */
        private float[] outWeightT;

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
            int n = cells.size();
            boolean drop = dropout > 0;
            this.x = new float[r * embeddingSize];
            this.xDrop = drop ? new float[r * embeddingSize] : null;
            this.logits = new float[r * vocabSize];
            this.dx = new float[r * embeddingSize];
            this.hs = new float[n][];
            this.hsDrop = new float[n][];
            this.dh = new float[n][];
            this.mask = new float[n + 1][];
            this.stateIn = new float[n][];
            this.stateOut = new float[n][];
            this.cellWs = new CellWorkspace[n];
            if (drop) {
                mask[0] = new float[r * embeddingSize];
            }
            for (int l = 0; l < n; l++) {
                Cell c = cells.get(l);
                hs[l] = new float[r * c.hiddenSize()];
                dh[l] = new float[r * c.hiddenSize()];
                if (drop) {
                    hsDrop[l] = new float[r * c.hiddenSize()];
                    mask[l + 1] = new float[r * c.hiddenSize()];
                }
                if (n > 1) {
                    stateIn[l] = new float[batch * c.stateSize()];
                    stateOut[l] = new float[batch * c.stateSize()];
                }
                cellWs[l] = c.newWorkspace(batch, maxSteps);
            }
        }

        public int batch() {
            return batch;
        }

        public int maxSteps() {
            return maxSteps;
        }

        /** The first layer's cell workspace (for diagnostics of one-layer models). */
        public CellWorkspace cellWorkspace() {
            return cellWs[0];
        }

        /** The top layer's hidden outputs [steps·batch × H] of the last window (before dropout). */
        public float[] hiddenOutputs() {
            return hs[cells.size() - 1];
        }
    }
}
