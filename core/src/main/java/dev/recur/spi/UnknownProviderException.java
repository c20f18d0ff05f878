package dev.recur.spi;

import java.util.List;

/** No provider of the requested kind has the requested name on the classpath. */
public final class UnknownProviderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String requested;
    private final List<String> available;

    public UnknownProviderException(String kind, String requested, List<String> available) {
        super("unknown " + kind + " '" + requested + "'; available: "
                + (available.isEmpty() ? "(none)" : String.join(", ", available))
                + " (add the jar that provides it to the classpath)");
        this.kind = kind;
        this.requested = requested;
        this.available = List.copyOf(available);
    }

    /** "cell", "optimizer", ... */
    public String kind() {
        return kind;
    }

    /** The name that was asked for. */
    public String requested() {
        return requested;
    }

    /** The names that are on the classpath. */
    public List<String> available() {
        return available;
    }
}
