package dev.recur.text;

/**
 * A token sequence cut into {@code batch} contiguous streams (the PyTorch {@code batchify} scheme): stream b
 * holds tokens [b·L, (b+1)·L) with L = ⌊n / batch⌋; the remainder is dropped. Windows of the streams are
 * read time-major: row {@code t·batch + b} is stream b at position {@code start + t}.
 */
public final class TokenStreams {

    private final int[] data; // [batch × length]
    private final int batch;
    private final int length;

    private TokenStreams(int[] data, int batch, int length) {
        this.data = data;
        this.batch = batch;
        this.length = length;
    }

    /**
     * Cuts {@code tokens} into {@code batch} streams of at least {@code minLength} tokens each.
     *
     * @param what what to call the corpus in errors ("training corpus")
     * @param tokens the token ids
     * @param batch the number of streams
     * @param minLength the fewest tokens each stream must have
     * @return the streams
     * @throws CorpusException when the corpus is empty or too short
     */
    public static TokenStreams of(int[] tokens, int batch, int minLength, String what) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (tokens.length == 0) {
            throw new CorpusException(what + " is empty: expected at least " + (long) batch * minLength + " tokens");
        }
        int length = tokens.length / batch;
        if (length < minLength) {
            throw new CorpusException(what + " is too short: " + tokens.length + " tokens in " + batch
                    + " streams give " + length + " tokens per stream, expected at least " + minLength
                    + " (at least " + (long) batch * minLength + " tokens; use a smaller batch or window)");
        }
        int[] data = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(tokens, b * length, data, b * length, length);
        }
        return new TokenStreams(data, batch, length);
    }

    /**
     * The number of streams.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * Tokens per stream.
     *
     * @return the tokens per stream
     */
    public int length() {
        return length;
    }

    /**
     * Token at {@code position} of stream {@code b}.
     *
     * @param b the stream
     * @param position the position within it
     * @return the token id
     */
    public int at(int b, int position) {
        return data[b * length + position];
    }

    /**
     * Copies positions [start, start+steps) of every stream into {@code out} time-major
     * ({@code out[t·batch + b]}).
     *
     * @param start the first position
     * @param steps the window length
     * @param out [steps·batch], overwritten time-major
     */
    public void window(int start, int steps, int[] out) {
        if (start < 0 || start + steps > length) {
            throw new IndexOutOfBoundsException("window [" + start + ", " + (start + steps) + ") outside [0, " + length + ")");
        }
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                out[t * batch + b] = data[b * length + start + t];
            }
        }
    }
}
