package dev.recur.cli.bench;

import java.util.Locale;

/**
 * The standard workloads of {@code shared/bench/peers/README.md}: W and C train an Elman tanh model with
 * full softmax, SGD lr 1 and global-norm clipping at 0.25; G-W and G-C generate with the W and C models at
 * batch 1, each sampled token fed back in, temperature 1.
 *
 * @param vocab V
 * @param embedding E
 * @param hidden H
 * @param batch B (1 for generation)
 * @param bptt T (1 for generation)
 * @param generation whether this is a generation workload
 */
public record Workload(String name, int vocab, int embedding, int hidden, int batch, int bptt, boolean generation) {

    public static final Workload W = new Workload("W", 10000, 256, 256, 32, 35, false);
    public static final Workload C = new Workload("C", 65, 64, 512, 32, 64, false);
    public static final Workload G_W = new Workload("G-W", 10000, 256, 256, 1, 1, true);
    public static final Workload G_C = new Workload("G-C", 65, 64, 512, 1, 1, true);

    /** W, C, G-W or G-C (case-insensitive). */
    public static Workload parse(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "W" -> W;
            case "C" -> C;
            case "G-W" -> G_W;
            case "G-C" -> G_C;
            default -> throw new IllegalArgumentException("workload must be one of W, C, G-W, G-C, got '" + name + "'");
        };
    }
}
