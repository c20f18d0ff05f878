package dev.recur.model;

/**
 * The result of evaluating a model on a token sequence.
 *
 * @param meanLoss mean cross-entropy per predicted token, in nats
 * @param tokens   number of predicted tokens
 */
public record Evaluation(double meanLoss, long tokens) {

    /**
     * exp(mean cross-entropy).
     *
     * @return the perplexity
     */
    public double perplexity() {
        return Math.exp(meanLoss);
    }

    /**
     * Mean cross-entropy in bits (bits per character at character level).
     *
     * @return bits per token
     */
    public double bitsPerToken() {
        return meanLoss / Math.log(2);
    }
}
