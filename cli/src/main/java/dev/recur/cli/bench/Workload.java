package dev.recur.cli.bench;

import java.util.List;
import java.util.Map;

/**
 * The standard workloads of {@code shared/bench/peers/README.md}: W and C train an Elman tanh model with
 * full softmax, SGD lr 1 and global-norm clipping at 0.25; G-W and G-C generate with the W and C models at
 * batch 1, each sampled token fed back in, temperature 1; W33, W-A and W-A-267k train at large vocabularies
 * (full and adaptive softmax) on Zipf-distributed tokens.
 *
 * @param name the workload's name
 * @param vocab V
 * @param embedding E
 * @param hidden H
 * @param batch B (1 for generation)
 * @param bptt T (1 for generation)
 * @param generation whether this is a generation workload
 * @param output     the output layer's provider name
 * @param outputOptions its options
 * @param zipf       tokens drawn from Zipf(1.0) over the ids (id 0 the most frequent) instead of uniformly
 */
public record Workload(String name, int vocab, int embedding, int hidden, int batch, int bptt, boolean generation,
                       String output, Map<String, String> outputOptions, boolean zipf) {

    public static final Workload W = new Workload("W", 10000, 256, 256, 32, 35, false, "softmax", Map.of(), false);
    public static final Workload C = new Workload("C", 65, 64, 512, 32, 64, false, "softmax", Map.of(), false);
    public static final Workload G_W = new Workload("G-W", 10000, 256, 256, 1, 1, true, "softmax", Map.of(), false);
    public static final Workload G_C = new Workload("G-C", 65, 64, 512, 1, 1, true, "softmax", Map.of(), false);
    /** WikiText-2's vocabulary with the full softmax. */
    public static final Workload W33 = new Workload("W33", 33278, 256, 256, 32, 35, false, "softmax", Map.of(), true);
    /** W33 with an adaptive softmax (as PyTorch's AdaptiveLogSoftmaxWithLoss(H, V, [2000, 10000], div_value=4)). */
    public static final Workload W_A = new Workload("W-A", 33278, 256, 256, 32, 35, false, "adaptive",
            Map.of("cutoffs", "2000,10000", "divisor", "4", "head-bias", "false"), true);
    /** WikiText-103's vocabulary with an adaptive softmax. */
    public static final Workload W_A_267K = new Workload("W-A-267k", 267735, 256, 256, 32, 35, false, "adaptive",
            Map.of("cutoffs", "20000,60000,200000", "divisor", "4", "head-bias", "false"), true);

    /** Every workload, by name. */
    public static final List<Workload> ALL = List.of(W, C, G_W, G_C, W33, W_A, W_A_267K);

    /**
     * The workload called {@code name} (case-insensitive).
     *
     * @param name W, C, G-W, G-C, W33, W-A or W-A-267k
     * @return the workload
     */
    public static Workload parse(String name) {
        for (Workload w : ALL) {
            if (w.name().equalsIgnoreCase(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("workload must be one of " + String.join(", ",
                ALL.stream().map(Workload::name).toList()) + " (or GEMM), got '" + name + "'");
    }

    /**
     * A token drawer for this workload: uniform over the ids, or Zipf(1.0) (p(i) ∝ 1/(i+1)) by inverse CDF.
     *
     * @return a function of the random generator that gives a token id
     */
    public java.util.function.ToIntFunction<java.util.random.RandomGenerator> tokens() {
        if (!zipf) {
            return r -> r.nextInt(vocab);
        }
        double[] cdf = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += 1.0 / (i + 1);
            cdf[i] = sum;
        }
        final double total = sum;
        return r -> {
            int i = java.util.Arrays.binarySearch(cdf, r.nextDouble() * total);
            return Math.min(vocab - 1, i >= 0 ? i : -i - 1);
        };
    }
}
