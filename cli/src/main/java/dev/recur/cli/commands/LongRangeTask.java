package dev.recur.cli.commands;

import java.util.SplittableRandom;

/**
 * A synthetic long-range dependency, the "she printed the ___" example made measurable: each line is a key
 * (one of {@code a b c d}), then random filler characters, then the cue {@code ?} and the key again, which
 * stands exactly {@code distance} steps after its first appearance. The filler is unpredictable, so the
 * only thing to learn is to carry the key across the distance.
 */
final class LongRangeTask {

    static final String KEYS = "abcd";
    static final String FILLER = "stuvwxyz";

    private LongRangeTask() {
    }

    /** {@code lines} lines for the given distance (≥ 2), deterministic in {@code seed}. */
    static String text(int distance, int lines, long seed) {
        if (distance < 2) {
            throw new IllegalArgumentException("distance must be >= 2, got " + distance);
        }
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(lines * (distance + 2));
        for (int i = 0; i < lines; i++) {
            char key = KEYS.charAt(r.nextInt(KEYS.length()));
            sb.append(key);
            for (int j = 0; j < distance - 2; j++) {
                sb.append(FILLER.charAt(r.nextInt(FILLER.length())));
            }
            sb.append('?').append(key).append('\n');
        }
        return sb.toString();
    }
}
