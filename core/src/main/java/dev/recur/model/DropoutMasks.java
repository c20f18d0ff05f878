package dev.recur.model;

/**
 * Inverted-dropout masks drawn from a SplitMix64 stream whose state is one long (checkpointed, so that a
 * resumed run draws the same masks): each element is 0 with probability p and 1/(1−p) otherwise. Every
 * regulariser of a model draws from the one stream, in a fixed order per window. Not thread-safe.
 */
final class DropoutMasks {

    private long state;

    DropoutMasks(long state) {
        this.state = state;
    }

    long state() {
        return state;
    }

    void setState(long state) {
        this.state = state;
    }

    /** Fills mask[0..n) for probability p in [0, 1) and advances the stream by n draws. */
    void fill(float[] mask, int n, float p) {
        float keep = 1f / (1f - p);
        long s = state;
        for (int i = 0; i < n; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            float u = (z >>> 40) * 0x1.0p-24f;
            mask[i] = u < p ? 0f : keep;
        }
        state = s;
    }
}
