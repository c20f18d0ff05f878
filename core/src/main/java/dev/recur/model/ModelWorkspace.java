package dev.recur.model;

import dev.recur.spi.Cell;
import dev.recur.spi.CellWorkspace;
import dev.recur.spi.OutputWorkspace;
import java.util.List;

/**
 * The buffers of one {@link RnnLanguageModel} for windows of up to {@link #maxSteps()} steps over
 * {@link #batch()} rows: embeddings, every layer's outputs and gradients, dropout masks, the cells' and the
 * output layer's workspaces. Create once per (batch, maxSteps) with {@link RnnLanguageModel#newWorkspace} and
 * reuse for every window: nothing is allocated per window. Belongs to the model that made it; not
 * thread-safe.
 */
public final class ModelWorkspace {

    final RnnLanguageModel owner;
    final int batch;
    final int maxSteps;
    final float[] x;
    final float[] xDrop;
    final OutputWorkspace out;
    final float[] dx;
    final float[][] hs;
    final float[][] hsDrop;
    final float[][] dh;
    final float[][] mask;
    final float[][] stateIn;
    final float[][] stateOut;
    final CellWorkspace[] cellWs;
    /** Whole-word embedding dropout: one mask element per vocabulary row (null without embedding dropout). */
    final float[] wordMask;
    /** Weight drop: each recurrent weight's values, gradient so far and mask (allocated on first use). */
    float[][] weightValues;
    float[][] weightGrads;
    float[][] weightMasks;
    /** The AR and TAR terms of the last training window. */
    double regularizationLoss;

    ModelWorkspace(RnnLanguageModel model, int batch, int maxSteps) {
        if (batch < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("batch and maxSteps must be >= 1, got " + batch + ", " + maxSteps);
        }
        long rows = (long) batch * maxSteps;
        if (rows > Integer.MAX_VALUE / Math.max(model.embeddingSize(), model.hiddenSize())) {
            throw new IllegalArgumentException("batch*steps is too large for one window: " + rows);
        }
        this.owner = model;
        this.batch = batch;
        this.maxSteps = maxSteps;
        int r = (int) rows;
        List<Cell> cells = model.cells();
        int embeddingSize = model.embeddingSize();
        int n = cells.size();
        Regularization reg = model.regularization();
        boolean inputDrop = reg.inputDropout() > 0;
        this.x = new float[r * embeddingSize];
        this.xDrop = inputDrop ? new float[r * embeddingSize] : null;
        this.wordMask = reg.embeddingDropout() > 0 ? new float[model.vocabSize()] : null;
        this.out = model.output().newWorkspace(r);
        this.dx = new float[r * embeddingSize];
        this.hs = new float[n][];
        this.hsDrop = new float[n][];
        this.dh = new float[n][];
        this.mask = new float[n + 1][];
        this.stateIn = new float[n][];
        this.stateOut = new float[n][];
        this.cellWs = new CellWorkspace[n];
        if (inputDrop) {
            mask[0] = new float[r * embeddingSize];
        }
        for (int l = 0; l < n; l++) {
            Cell c = cells.get(l);
            hs[l] = new float[r * c.hiddenSize()];
            dh[l] = new float[r * c.hiddenSize()];
            if ((l < n - 1 ? reg.hiddenDropout() : reg.outputDropout()) > 0) {
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

    void allocateWeightDrop(List<Cell> cells) {
        int count = 0;
        for (Cell c : cells) {
            count += c.recurrentWeights().size();
        }
        weightValues = new float[count][];
        weightGrads = new float[count][];
        weightMasks = new float[count][];
        int i = 0;
        for (Cell c : cells) {
            for (var w : c.recurrentWeights()) {
                weightValues[i] = new float[w.size()];
                weightGrads[i] = new float[w.size()];
                weightMasks[i] = new float[w.size()];
                i++;
            }
        }
    }

    /**
     * The activation regularisation terms (AR + TAR, {@link Regularization}) the last training window added to
     * its objective: the value whose gradient {@code trainWindow} accumulated besides the mean cross-entropy's
     * (0 without AR and TAR, or when the window ran without regularisers).
     *
     * @return the AR and TAR terms of the last training window
     */
    public double regularizationLoss() {
        return regularizationLoss;
    }

    /**
     * The batch rows of every window.
     *
     * @return the batch size this workspace was made for
     */
    public int batch() {
        return batch;
    }

    /**
     * The longest window it holds.
     *
     * @return the most steps per window
     */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * The first layer's cell workspace (for diagnostics of one-layer models).
     *
     * @return the first layer's cell workspace
     */
    public CellWorkspace cellWorkspace() {
        return cellWs[0];
    }

    /**
     * The top layer's hidden outputs [steps·batch × H] of the last window (before dropout).
     *
     * @return the top layer's outputs
     */
    public float[] hiddenOutputs() {
        return hs[hs.length - 1];
    }
}
