package dev.recur.model;

/**
 * The training-time regularisers of a model (none of them changes what the model computes outside training):
 * <ul>
 *   <li>{@code inputDropout}, {@code hiddenDropout}, {@code outputDropout} — inverted dropout on the embeddings
 *       fed to the first cell, on the outputs of every cell but the top one (between layers), and on the top
 *       cell's outputs before the output layer;
 *   <li>{@code locked} — variational (locked) dropout: those three draw one mask per batch row and window,
 *       shared by every time step of the window (Gal &amp; Ghahramani 2016), instead of one per element;
 *   <li>{@code embeddingDropout} — whole words: per window, each vocabulary row of the embedding is dropped with
 *       this probability (every occurrence of the word in the window is zero) and the kept rows scaled by
 *       1/(1−p);
 *   <li>{@code weightDrop} — DropConnect on each cell's recurrent (hidden-to-hidden) weights
 *       ({@link dev.recur.spi.Cell#recurrentWeights()}): one mask per window, shared by every row and step;
 *   <li>{@code ar}, {@code tar} — activation regularisation α·mean(h²) of the top layer's (dropped-out) outputs
 *       and temporal activation regularisation β·mean((h(t) − h(t−1))²) of its outputs before dropout, over
 *       the window's loss steps, added to the training objective (Merity et al. 2017).
 * </ul>
 *
 * @param inputDropout     dropout on the embeddings, in [0, 1)
 * @param hiddenDropout    dropout between stacked cells, in [0, 1)
 * @param outputDropout    dropout on the top cell's outputs, in [0, 1)
 * @param locked           one mask per row and window (variational) instead of per element
 * @param embeddingDropout whole-word dropout on the embedding, in [0, 1)
 * @param weightDrop       DropConnect on the recurrent weights, in [0, 1)
 * @param ar               activation regularisation coefficient α ≥ 0
 * @param tar              temporal activation regularisation coefficient β ≥ 0
 */
public record Regularization(double inputDropout, double hiddenDropout, double outputDropout, boolean locked,
                             double embeddingDropout, double weightDrop, double ar, double tar) {

    /** No regularisation. */
    public static final Regularization NONE = new Regularization(0, 0, 0, false, 0, 0, 0, 0);

    /**
     * Checks every probability is in [0, 1) and the coefficients are finite and ≥ 0.
     *
     * @param inputDropout dropout on the embeddings, in [0, 1)
     * @param hiddenDropout dropout between stacked cells, in [0, 1)
     * @param outputDropout dropout on the top cell's outputs, in [0, 1)
     * @param locked one mask per row and window (variational) instead of per element
     * @param embeddingDropout whole-word dropout on the embedding, in [0, 1)
     * @param weightDrop DropConnect on the recurrent weights, in [0, 1)
     * @param ar activation regularisation coefficient α ≥ 0
     * @param tar temporal activation regularisation coefficient β ≥ 0
     */
    public Regularization {
        probability("input dropout", inputDropout);
        probability("hidden dropout", hiddenDropout);
        probability("output dropout", outputDropout);
        probability("embedding dropout", embeddingDropout);
        probability("weight drop", weightDrop);
        coefficient("ar", ar);
        coefficient("tar", tar);
    }

    /**
     * Plain dropout p on the embeddings, between layers and on the outputs (what {@code --dropout} sets).
     *
     * @param p the probability, in [0, 1)
     * @return the regularisation
     */
    public static Regularization dropout(double p) {
        return new Regularization(p, p, p, false, 0, 0, 0, 0);
    }

    /**
     * The regularisers a front end's options ask for: {@code dropout} for each of input, hidden and output unless
     * that one is given (non-null), the rest as given (null: off).
     *
     * @param dropout          the common dropout probability
     * @param input            the input dropout, or null for {@code dropout}
     * @param hidden           the dropout between layers, or null for {@code dropout}
     * @param output           the output dropout, or null for {@code dropout}
     * @param locked           variational (locked) masks
     * @param embeddingDropout whole-word embedding dropout, or null
     * @param weightDrop       DropConnect on the recurrent weights, or null
     * @param ar               AR coefficient, or null
     * @param tar              TAR coefficient, or null
     * @return the regularisation
     * @throws IllegalArgumentException for a value out of range (naming it)
     */
    public static Regularization of(double dropout, Double input, Double hidden, Double output, boolean locked,
                                    Double embeddingDropout, Double weightDrop, Double ar, Double tar) {
        probability("dropout", dropout);
        return new Regularization(input == null ? dropout : input, hidden == null ? dropout : hidden,
                output == null ? dropout : output, locked, orZero(embeddingDropout), orZero(weightDrop), orZero(ar),
                orZero(tar));
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /**
     * Whether any of the regularisers is on.
     *
     * @return true unless this is {@link #NONE} in effect
     */
    public boolean any() {
        return inputDropout > 0 || hiddenDropout > 0 || outputDropout > 0 || embeddingDropout > 0 || weightDrop > 0
                || ar > 0 || tar > 0;
    }

    /**
     * The largest of the input, hidden and output dropout probabilities (a one-number summary).
     *
     * @return the largest plain dropout probability
     */
    public double maxDropout() {
        return Math.max(inputDropout, Math.max(hiddenDropout, outputDropout));
    }

    /**
     * A short description for logs: {@code none}, {@code dropout 0.3}, or each regulariser that is on.
     *
     * @return the description
     */
    public String describe() {
        if (!any()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        if (inputDropout == hiddenDropout && hiddenDropout == outputDropout) {
            if (inputDropout > 0) {
                b.append(locked ? "locked dropout " : "dropout ").append(inputDropout);
            }
        } else {
            b.append(locked ? "locked dropout" : "dropout").append(" input ").append(inputDropout).append(" hidden ")
                    .append(hiddenDropout).append(" output ").append(outputDropout);
        }
        append(b, "embedding dropout", embeddingDropout);
        append(b, "weight drop", weightDrop);
        append(b, "ar", ar);
        append(b, "tar", tar);
        return b.toString();
    }

    private static void append(StringBuilder b, String name, double v) {
        if (v > 0) {
            b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(v);
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + p);
        }
    }

    private static void coefficient(String name, double c) {
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + c);
        }
    }
}
