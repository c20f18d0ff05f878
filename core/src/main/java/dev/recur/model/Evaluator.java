package dev.recur.model;

import dev.recur.text.TokenStreams;

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
            total += model.evaluateWindow(ws, steps, in, tgt, state, state);
            count += (long) steps * b;
        }
        return new Evaluation(total / count, count);
    }
}
