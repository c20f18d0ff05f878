package dev.recur.spi;

/**
 * The buffers an {@link OutputLayer} needs for one call. Created by {@link OutputLayer#newWorkspace}, owned by
 * the caller, reused across calls, opaque to everyone but its layer.
 */
public interface OutputWorkspace {

    /**
     * The most rows one call may pass.
     *
     * @return the most rows
     */
    int maxRows();

    /**
     * Checks that a call fits.
     *
     * @param rows the rows of the call
     * @throws IllegalArgumentException naming expected and actual sizes
     */
    default void check(int rows) {
        if (rows < 1 || rows > maxRows()) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows() + "], got " + rows);
        }
    }
}
