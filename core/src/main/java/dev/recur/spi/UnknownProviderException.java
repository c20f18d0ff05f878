package dev.recur.spi;

import java.util.List;

/** No provider of the requested kind has the requested name on the classpath. */
public final class UnknownProviderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The plugin kind. */
    private final String kind;
    /** The name that was asked for. */
    private final String requested;
    /** The names that are on the class path. */
    private final List<String> available;

    /**
     * An unknown name, with the names that are available.
     *
     * @param kind the plugin kind ("cell", "optimizer", …)
     * @param requested the name asked for
     * @param available the names on the class path
     */
    public UnknownProviderException(String kind, String requested, List<String> available) {
        super("unknown " + kind + " '" + requested + "'; available: "
                + (available.isEmpty() ? "(none)" : String.join(", ", available))
                + " (add the jar that provides it to the classpath)");
        this.kind = kind;
        this.requested = requested;
        this.available = List.copyOf(available);
    }

    /**
     * "cell", "optimizer", ...
     *
     * @return the kind
     */
    public String kind() {
        return kind;
    }

    /**
     * The name that was asked for.
     *
     * @return the name
     */
    public String requested() {
        return requested;
    }

    /**
     * The names that are on the classpath.
     *
     * @return the names
     */
    public List<String> available() {
        return available;
    }
}
