package dev.recur.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Validated option values of one plugin: the given {@code key=value} pairs over the provider's
 * {@link OptionSpec} defaults. Unknown keys are rejected with the list of known ones; typed getters report
 * the option, the expected form and the actual value.
 */
public final class Options {

    private final String owner;
    private final Map<String, String> values;

    private Options(String owner, Map<String, String> values) {
        this.owner = owner;
        this.values = values;
    }

    /**
     * Validates {@code given} against the options of {@code provider}.
     *
     * @param kind "cell", "optimizer", ... used in messages
     * @param provider the plugin's provider (declares the options and defaults)
     * @param given the options given
     * @return the validated options
     * @throws IllegalArgumentException on an unknown key, naming the known ones
     */
    public static Options parse(String kind, Provider provider, Map<String, String> given) {
        String owner = kind + " '" + provider.name() + "'";
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec spec : provider.options()) {
            values.put(spec.name(), spec.defaultValue());
        }
        for (Map.Entry<String, String> e : new TreeMap<>(given).entrySet()) {
            if (!values.containsKey(e.getKey())) {
                String known = provider.options().isEmpty() ? "(none)"
                        : provider.options().stream().map(OptionSpec::name).collect(Collectors.joining(", "));
                throw new IllegalArgumentException("unknown option '" + e.getKey() + "' for " + owner
                        + "; known options: " + known);
            }
            values.put(e.getKey(), e.getValue() == null ? "" : e.getValue().trim());
        }
        return new Options(owner, Collections.unmodifiableMap(values));
    }

    /**
     * Every option with its effective value, in declaration order (what model files store).
     *
     * @return the effective options
     */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * The raw value of a declared option.
     *
     * @param key the option's name
     * @return the value
     */
    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(owner + " has no option '" + key + "'");
        }
        return v;
    }

    /**
     * The value as a finite double.
     *
     * @param key the option's name
     * @return the value
     */
    public double number(String key) {
        String v = string(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "a finite number", v);
    }

    /**
     * The value as a double in the interval (lo, hi] or [lo, hi] depending on {@code loInclusive}.
     *
     * @param key the option's name
     * @param lo the lower bound
     * @param loInclusive whether the lower bound itself is allowed
     * @param hi the upper bound (inclusive)
     * @return the value
     */
    public double number(String key, double lo, boolean loInclusive, double hi) {
        double d = number(key);
        boolean ok = (loInclusive ? d >= lo : d > lo) && d <= hi;
        if (!ok) {
            String expected = Double.isInfinite(hi)
                    ? "a number " + (loInclusive ? ">= " : "> ") + fmt(lo)
                    : "a number in " + (loInclusive ? "[" : "(") + fmt(lo) + ", " + fmt(hi) + "]";
            throw invalid(key, expected, string(key));
        }
        return d;
    }

    /**
     * The value as an int in [lo, hi].
     *
     * @param key the option's name
     * @param lo the lower bound (inclusive)
     * @param hi the upper bound (inclusive)
     * @return the value
     */
    public int integer(String key, int lo, int hi) {
        String v = string(key);
        try {
            int i = Integer.parseInt(v);
            if (i >= lo && i <= hi) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "an integer in [" + lo + ", " + hi + "]", v);
    }

    /**
     * The value as a boolean ({@code true} / {@code false}).
     *
     * @param key the option's name
     * @return the value
     */
    public boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "true or false", string(key));
        };
    }

    /**
     * The value, which must be one of {@code allowed}.
     *
     * @param key the option's name
     * @param allowed the allowed values
     * @return the value
     */
    public String choice(String key, List<String> allowed) {
        String v = string(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw invalid(key, "one of " + String.join(", ", allowed), string(key));
        }
        return v;
    }

    /**
     * An error for option {@code key}: "option 'lr' of optimizer 'sgd' must be X, got 'Y'".
     *
     * @param key the option's name
     * @param expected what was expected
     * @param actual what was given
     * @return the exception to throw
     */
    public IllegalArgumentException invalid(String key, String expected, String actual) {
        return new IllegalArgumentException(
                "option '" + key + "' of " + owner + " must be " + expected + ", got '" + actual + "'");
    }

    private static String fmt(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
