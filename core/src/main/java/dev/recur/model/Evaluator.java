package dev.recur.model;

import dev.recur.spi.GradientClipper;
import dev.recur.spi.Optimizer;
import dev.recur.spi.Parameter;
import dev.recur.text.TokenStreams;
import java.util.List;

/**
 * Mean cross-entropy of a model over a token sequence: the sequence is cut into {@code batch} streams, read
 * in windows of {@code window} steps, with the state carried from window to window.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Evaluates {@code tokens}.
     *
     * @param model the model
     * @param tokens the token ids
     * @param batch streams evaluated side by side (capped at half the tokens)
     * @param window steps per window (the state is carried across windows)
     * @param what the text's name for messages
     * @return the mean cross-entropy and the number of predicted tokens
     * @throws dev.recur.text.CorpusException when there are fewer than 2 tokens per stream
     */
    public static Evaluation evaluate(RnnLanguageModel model, int[] tokens, int batch, int window, String what) {
        return overWindows(model, tokens, batch, window, what, model::evaluateWindow);
    }

    /** The loss of one window: forward over it from {@code state}, leaving the state after it there. */
    private interface WindowLoss {
        double sum(ModelWorkspace ws, int steps, int[] in, int[] tgt, float[] stateIn, float[] stateOut);
    }

    /** Cuts the tokens into streams and windows, carries the state, and averages {@code loss} over every row. */
    private static Evaluation overWindows(RnnLanguageModel model, int[] tokens, int batch, int window, String what,
                                          WindowLoss loss) {
        int b = Math.max(1, Math.min(batch, tokens.length / 2));
        TokenStreams s = TokenStreams.of(tokens, b, 2, what);
        int w = Math.min(window, s.length() - 1);
        ModelWorkspace ws = model.newWorkspace(b, w);
        int[] in = new int[w * b];
        int[] tgt = new int[w * b];
        float[] state = model.newState(b);
        double total = 0;
        long count = 0;
        for (int pos = 0; pos + 1 < s.length(); pos += w) {
            int steps = Math.min(w, s.length() - 1 - pos);
            s.window(pos, steps, in);
            s.window(pos + 1, steps, tgt);
            total += loss.sum(ws, steps, in, tgt, state, state);
            count += (long) steps * b;
        }
        return new Evaluation(total / count, count);
    }

    /**
     * Dynamic evaluation (Mikolov 2010; Krause et al. 2018): the model keeps learning from the text as it is
     * evaluated. Each window is scored with the current weights first (no dropout); then the gradient of that
     * window's mean cross-entropy is clipped and applied with {@code optimizer} at {@code learningRate}, and the
     * next window is scored with the updated weights. The returned loss counts every token exactly once, each
     * scored before the model has seen it. The model's weights are changed.
     *
     * @param model the model (its weights are updated)
     * @param tokens the token ids
     * @param batch streams evaluated side by side (1 reads the text in order, as Mikolov's dynamic model does)
     * @param window steps per window: the model is updated after each window
     * @param optimizer the update rule (plain SGD is the classic choice)
     * @param clipper applied to each window's gradient before the update
     * @param learningRate the update's learning rate
     * @param what the text's name for messages
     * @return the mean cross-entropy (each token scored before its window's update) and the token count
     * @throws dev.recur.text.CorpusException when there are fewer than 2 tokens per stream
     */
    public static Evaluation evaluateDynamic(RnnLanguageModel model, int[] tokens, int batch, int window,
                                             Optimizer optimizer, GradientClipper clipper, double learningRate,
                                             String what) {
        Optimizer.checkLearningRate(learningRate);
        List<Parameter> params = model.parameters();
        return overWindows(model, tokens, batch, window, what, (ws, steps, in, tgt, stateIn, stateOut) -> {
            for (Parameter p : params) {
                p.zeroGrad();
            }
            double sum = model.trainWindow(ws, steps, 0, in, tgt, stateIn, stateOut, false);
            if (clipper.clip(params).finite()) {
                optimizer.step(params, learningRate);
            }
            return sum;
        });
    }
}
