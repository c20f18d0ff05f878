package dev.recur.spi;

/**
 * Builds {@link Cell}s. Register implementations in
 * {@code META-INF/services/dev.recur.spi.CellProvider}. See {@link Provider} for the lifecycle.
 */
public interface CellProvider extends Provider {

    /**
     * A new cell with freshly initialised parameters.
     *
     * @param spec what to build
     * @return a new cell
     * @throws IllegalArgumentException on unknown or invalid options (one line: option, expected, actual)
     */
    Cell create(CellSpec spec);
}
