package dev.recur.cli.commands;

import dev.recur.cli.UsageException;
import dev.recur.math.WeightFormat;
import dev.recur.model.LanguageModel;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --weights fp32|bf16|int8} (a picocli mixin) of the commands that generate with or score a loaded model:
 * the precision of the weight matrices in memory, chosen at load time; the model file keeps fp32.
 */
public final class WeightsOption {

    @Option(names = "--weights", defaultValue = "fp32", paramLabel = "FORMAT",
            description = {"Weights in memory: fp32 (the file's, default), bf16 (rounded, half the bytes) or int8 "
                    + "(one scale per output unit, a quarter of the bytes). Faster generation; the scores are the "
                    + "rounded model's. The file is not changed."})
    String weights;

    /**
     * The chosen format.
     *
     * @return the format
     * @throws UsageException naming the choices
     */
    public WeightFormat format() {
        try {
            return WeightFormat.parse(weights);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--weights: " + e.getMessage());
        }
    }

    /**
     * Rounds a freshly loaded model's weights to the chosen format and says so on {@code err} (nothing for fp32).
     *
     * @param lm  the model, just loaded
     * @param err where the one-line notice goes (may be null)
     * @return lm
     */
    public LanguageModel apply(LanguageModel lm, PrintWriter err) {
        WeightFormat f = format();
        if (f != WeightFormat.FP32) {
            lm.network().reduceWeights(f);
            if (err != null) {
                err.println("weights: " + describe(f) + ", rounded at load (the model file keeps fp32)");
                err.flush();
            }
        }
        return lm;
    }

    /**
     * One phrase for logs and listings.
     *
     * @param f the format
     * @return e.g. "int8 with one scale per output unit"
     */
    public static String describe(WeightFormat f) {
        return switch (f) {
            case FP32 -> "fp32";
            case BF16 -> "bf16";
            case INT8 -> "int8 with one scale per output unit";
        };
    }
}
