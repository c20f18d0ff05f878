package dev.recur.diagnostics;

import dev.recur.model.ModelWorkspace;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.OutputWorkspace;
import dev.recur.spi.Parameter;

import dev.recur.math.MathKernels;
import dev.recur.model.RnnLanguageModel;
import dev.recur.spi.StateJacobian;
import dev.recur.text.CorpusException;
import dev.recur.text.TokenStreams;

/**
 * Measures how gradients flow back through time in a trained model: for a window of text it runs the
 * recurrence once, then for several positions t backpropagates the loss at t alone, step by step and
 * without truncation, recording ‖∂J_t/∂h(t−l)‖ for l = 0..L; and it pushes the identity through the same
 * chain of step Jacobians to measure ‖∂h(t)/∂h(t−l)‖. For identity σ the chain is exactly W_hˡ.
 */
public final class GradientProbe {

    private GradientProbe() {
    }

    /**
     * Measures how the gradient of the loss at late positions of a window flows back to earlier hidden states.
     *
     * @param tokens      the text, as ids of the model's vocabulary
     * @param maxDistance L (≥ 1)
     * @param batch       rows averaged over (streams of the text)
     * @param positions   positions t averaged over (the last ones of the window, all ≥ L)
     * @param model the model to probe (its weights are not changed)
     * @return the measured gradient flow
     * @throws CorpusException when the text is too short for L
     * @throws IllegalArgumentException when the cell does not implement {@link StateJacobian}
     */
    public static GradientFlow probe(RnnLanguageModel model, int[] tokens, int maxDistance, int batch, int positions) {
        if (maxDistance < 1) {
            throw new IllegalArgumentException("max distance must be >= 1, got " + maxDistance);
        }
        if (positions < 1) {
            throw new IllegalArgumentException("positions must be >= 1, got " + positions);
        }
        if (model.layers() != 1) {
            throw new IllegalArgumentException("the gradient probe supports one-layer models; this one has "
                    + model.layers() + " layers");
        }
        if (!(model.cell() instanceof StateJacobian jac)) {
            throw new IllegalArgumentException("cell " + model.cell().getClass().getSimpleName()
                    + " does not implement StateJacobian, so its gradient flow cannot be probed");
        }
        int minLength = maxDistance + 2;
        int b = Math.max(1, Math.min(batch, tokens.length / minLength));
        TokenStreams s;
        try {
            s = TokenStreams.of(tokens, b, minLength, "corpus");
        } catch (CorpusException e) {
            throw new CorpusException("corpus is too short for --max-distance " + maxDistance + ": it has "
                    + tokens.length + " tokens, the probe needs at least " + minLength + " (distance + 2)");
        }
        int window = Math.min(s.length() - 1, maxDistance + positions);
        int p = Math.min(positions, window - maxDistance);
        int h = model.hiddenSize();
        MathKernels k = model.kernels();
        ModelWorkspace ws = model.newWorkspace(b, window);
        int[] in = new int[window * b];
        int[] tgt = new int[window * b];
        s.window(0, window, in);
        s.window(1, window, tgt);
        float[] state = model.newState(b);
        model.advance(ws, window, in, state, state);
        float[] hs = ws.hiddenOutputs();
        // dJ_t/dh(t) of every row through the model's own output layer (any kind: softmax, adaptive, class)
        OutputLayer out = model.output();
        OutputWorkspace ows = out.newWorkspace(b);
        float[] dTop = new float[b * h];

        double[] lossGrad = new double[maxDistance + 1];
        double[] jacobian = new double[maxDistance + 1];
        float[] dh = new float[h];
        float[] next = new float[h];
        float[] eye = new float[h * h];
        float[] eyeNext = new float[h * h];
        int jacPositions = Math.min(p, 2);
        for (int q = 0; q < p; q++) {
            int t = window - 1 - q;
            out.lossAndGradient(ows, b, hs, t * b * h, tgt, t * b, 1f, dTop, 0);
            for (int row = 0; row < b; row++) {
                // dJ_t/dh(t) for this row (rows are independent), then back through the steps t, t-1, ...
                System.arraycopy(dTop, row * h, dh, 0, h);
                for (int l = 0; l <= maxDistance; l++) {
                    lossGrad[l] += Math.sqrt(k.sumOfSquares(h, dh, 0));
                    if (l < maxDistance) {
                        jac.backStep(ws.cellWorkspace(), t - l, row, 1, dh, next);
                        System.arraycopy(next, 0, dh, 0, h);
                    }
                }
            }
            if (q < jacPositions) {
                java.util.Arrays.fill(eye, 0f);
                for (int i = 0; i < h; i++) {
                    eye[i * h + i] = 1f;
                }
                double rootH = Math.sqrt(h);
                for (int l = 0; l <= maxDistance; l++) {
                    jacobian[l] += Math.sqrt(k.sumOfSquares(h * h, eye, 0)) / rootH;
                    if (l < maxDistance) {
                        jac.backStep(ws.cellWorkspace(), t - l, 0, h, eye, eyeNext);
                        float[] tmp = eye;
                        eye = eyeNext;
                        eyeNext = tmp;
                    }
                }
            }
        }
        for (Parameter prm : model.parameters()) {
            prm.zeroGrad(); // the output layer accumulated into its gradients: leave them as a trainer expects
        }
        for (int l = 0; l <= maxDistance; l++) {
            lossGrad[l] /= (double) p * b;
            jacobian[l] /= jacPositions;
        }
        return new GradientFlow(lossGrad, jacobian, p, b);
    }
}
