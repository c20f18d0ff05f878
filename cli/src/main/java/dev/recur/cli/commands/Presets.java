package dev.recur.cli.commands;

import dev.recur.cli.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training recipes by name, for {@code recur train --preset NAME}: a preset is a list of {@code recur train}
 * options put before the user's own, so any option given on the command line overrides the preset's (the corpus
 * files are always the user's). {@code recur list presets} shows them in full, with what each was measured to
 * reach (docs/recipes.md).
 */
public final class Presets {

    /**
     * One recipe.
     *
     * @param name        its name
     * @param description what it is for
     * @param measured    what it reached, where and how long (the figure in docs/recipes.md)
     * @param options     the {@code recur train} options it sets
     */
    public record Preset(String name, String description, String measured, List<String> options) {
    }

    /** The recipes. */
    public static final Map<String, Preset> ALL = Map.of(
            "ptb-120s", new Preset("ptb-120s",
                    "PTB-sized word corpus in two minutes: Elman E=H=256 with an adaptive softmax (2,000-word head), "
                            + "Adam 3e-3 decayed by a cosine schedule over the 2,700 steps that fit in 110 s on 2 cores",
                    "PTB test perplexity 134.93 in 113.9 s wall, evaluation included (2 vCPU Xeon 167, seed 1)",
                    List.of("--level", "word", "--embedding", "256", "--hidden", "256", "--bptt", "35", "--batch", "32",
                            "--lr", "0.003", "--clip", "0.25", "--output", "adaptive", "--output-option", "cutoffs=2000",
                            "--schedule", "cosine", "--schedule-option", "total-steps=2700", "--max-time", "110s")),
            "char-20m", new Preset("char-20m",
                    "character level in twenty minutes: LSTM 2 x 512 (E=64) with locked dropout and weight drop, "
                            + "batch 32 x bptt 100, Adam 3e-3 with a cosine decay over 2,450 steps (2,600-2,870 fit in the "
                            + "19-minute budget on 2 cores)",
                    "Tiny Shakespeare validation (the last 10 %) 1.4671 / 1.5049 / 1.7262 nats/char (seeds 1 / 2 / 3; seed 3 "
                            + "starts slowly) in 19m06s wall, evaluation included (2 vCPU Xeon 167; the target is 1.47)",
                    List.of("--level", "char", "--cell", "lstm", "--layers", "2", "--embedding", "64", "--hidden", "512",
                            "--locked-dropout", "--dropout", "0.25", "--weight-drop", "0.1", "--batch", "32",
                            "--bptt", "100", "--lr", "0.003", "--clip", "1", "--schedule", "cosine", "--schedule-option",
                            "total-steps=2450", "--eval-every", "400", "--max-time", "19m")),
            "ptb-lstm-2h", new Preset("ptb-lstm-2h",
                    "PTB-sized word corpus in two hours with a gated cell: LSTM 2 x 650, tied, locked dropout (0.4 on the "
                            + "embeddings, 0.25 between the layers, 0.4 on the outputs), whole-word dropout 0.05, weight drop "
                            + "0.15, Adam 2e-3 with 300 warm-up steps and a cosine decay to 1e-5 over 10,000 steps (about 1h50 "
                            + "at 1,770 tokens/s on 2 cores); a checkpoint every 500 steps, so it can be split: add --max-steps "
                            + "5000, then run the same command with --resume OUT.ckpt instead (bit-identical; the model "
                            + "options come from the checkpoint, the limits from the preset)",
                    "PTB test perplexity 88.80 (validation 93.99) after 10,000 steps (12 epochs) in 1h52m wall, split in two "
                            + "runs of 56m38s and 55m23s, evaluation included (2 vCPU Xeon 167, seed 1; the target is 85)",
                    List.of("--level", "word", "--cell", "lstm", "--layers", "2", "--embedding", "650", "--hidden", "650",
                            "--tie-weights", "--locked-dropout", "--dropout-input", "0.4", "--dropout-hidden", "0.25",
                            "--dropout-output", "0.4", "--dropout-embedding", "0.05", "--weight-drop", "0.15", "--bptt",
                            "35", "--batch", "32", "--lr", "0.002", "--clip", "0.25", "--schedule", "cosine",
                            "--schedule-option", "total-steps=10000", "--schedule-option", "warmup-steps=300",
                            "--schedule-option", "min-lr=0.00001", "--eval-every", "2000", "--checkpoint-every", "500",
                            "--epochs", "100", "--max-steps", "10000", "--max-time", "118m")));

    private Presets() {
    }

    /**
     * The command line with a {@code train} command's {@code --preset NAME} expanded: the preset's options go right
     * after {@code train}, before the user's (which override them); {@code --preset NAME} stays, for the log.
     *
     * @param args the command line
     * @return the command line to parse
     * @throws UsageException for an unknown preset or a missing name
     */
    public static String[] expand(String[] args) {
        int train = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("train")) {
                train = i;
                break;
            }
            if (!args[i].startsWith("-")) {
                return args; // another command
            }
        }
        if (train < 0) {
            return args;
        }
        String name = null;
        for (int i = train + 1; i < args.length; i++) {
            if (args[i].equals("--preset")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--preset needs a name: " + String.join(", ", new java.util.TreeSet<>(ALL.keySet())));
                }
                name = args[i + 1];
            } else if (args[i].startsWith("--preset=")) {
                name = args[i].substring("--preset=".length());
            }
        }
        if (name == null) {
            return args;
        }
        Preset p = ALL.get(name);
        if (p == null) {
            throw new UsageException("unknown preset '" + name + "'; presets: " + String.join(", ", new java.util.TreeSet<>(ALL.keySet()))
                    + " (recur list presets)");
        }
        List<String> out = new ArrayList<>(List.of(args).subList(0, train + 1));
        out.addAll(p.options());
        out.addAll(List.of(args).subList(train + 1, args.length));
        return out.toArray(String[]::new);
    }
}
