package dev.recur.cells;

import java.util.List;
import java.util.Locale;

/** How a cell's weights start. */
public enum Initialization {
    /** Every weight and bias ~ U(−s/√H, s/√H), s = init-scale (PyTorch's nn.RNN default for s = 1). */
    UNIFORM("uniform"),
    /** Glorot/Xavier: W ~ U(−s·√(6/(fan_in+fan_out)), +…), biases 0. */
    XAVIER("xavier"),
    /** IRNN (Le, Jaitly &amp; Hinton 2015): W_h = s·I, W_e ~ N(0, 0.001²), biases 0. */
    IRNN("irnn");

    private final String id;

    Initialization(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The known names. */
    public static List<String> names() {
        return List.of("uniform", "xavier", "irnn");
    }

    /** Looks a scheme up by name. */
    public static Initialization parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Initialization i : values()) {
            if (i.id.equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("init must be one of " + String.join(", ", names()) + ", got '" + name + "'");
    }
}
