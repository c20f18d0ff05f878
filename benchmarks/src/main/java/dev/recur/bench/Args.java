package dev.recur.bench;

import java.util.HashMap;
import java.util.Map;

/** Minimal {@code --key value} parsing for the benchmark mains. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + argv[i] + "'");
            }
            values.put(argv[i].substring(2), argv[++i]);
        }
    }

    String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int integer(String key, int def) {
        return Integer.parseInt(get(key, String.valueOf(def)));
    }

    double number(String key, double def) {
        return Double.parseDouble(get(key, String.valueOf(def)));
    }
}
