package dev.recur.math;

import java.util.Locale;

/**
 * The precision in which a loaded model keeps the weight matrices it multiplies for generation and scoring. A
 * choice made when a model is loaded, never by the file: model files always hold fp32.
 *
 * <ul>
 *   <li>{@link #FP32}: the trained weights, unchanged (the default).</li>
 *   <li>{@link #BF16}: each weight rounded to bfloat16 (8 exponent bits, 8 significant bits, round to nearest
 *       even): relative error ≤ 2⁻⁸, half the bytes.</li>
 *   <li>{@link #INT8}: each column of a [in × out] matrix (one output unit) as signed bytes in [−127, 127]
 *       times one fp32 scale per column, {@code max|column| / 127}: error ≤ scale / 2, a quarter of the bytes.</li>
 * </ul>
 */
public enum WeightFormat {
    /** 32-bit floats: the trained weights. */
    FP32,
    /** bfloat16: the upper half of each fp32 weight, rounded to nearest even. */
    BF16,
    /** 8-bit integers with one fp32 scale per output unit (column). */
    INT8;

    /**
     * The option value ("fp32", "bf16", "int8").
     *
     * @return the lower-case name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Bytes per weight in this format (the per-column scales of int8 not counted).
     *
     * @return 4, 2 or 1
     */
    public int bytesPerWeight() {
        return switch (this) {
            case FP32 -> 4;
            case BF16 -> 2;
            case INT8 -> 1;
        };
    }

    /**
     * Parses an option value, case-insensitively.
     *
     * @param text "fp32", "bf16" or "int8"
     * @return the format
     * @throws IllegalArgumentException with a one-line message naming the choices
     */
    public static WeightFormat parse(String text) {
        if (text != null) {
            for (WeightFormat f : values()) {
                if (f.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + text + "' (choose fp32, bf16 or int8)");
    }
}
