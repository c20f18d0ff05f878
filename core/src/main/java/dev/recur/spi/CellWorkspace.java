package dev.recur.spi;

/**
 * The per-window buffers a {@link Cell} needs between forward and backward. Created by
 * {@link Cell#newWorkspace}, owned by the caller, reused across windows, opaque to everyone but its cell.
 */
public interface CellWorkspace {

    /**
     * The batch size this workspace was made for.
     *
     * @return the batch size
     */
    int batch();

    /**
     * The longest window it can hold.
     *
     * @return the most steps per window
     */
    int maxSteps();

    /**
     * Checks that a window fits.
     *
     * @param batch the batch of the window
     * @param steps the window length
     * @throws IllegalArgumentException naming expected and actual sizes
     */
    default void check(int batch, int steps) {
        if (batch != batch()) {
            throw new IllegalArgumentException("batch must be " + batch() + " for this workspace, got " + batch);
        }
        if (steps < 1 || steps > maxSteps()) {
            throw new IllegalArgumentException("steps must be in [1, " + maxSteps() + "], got " + steps);
        }
    }
}
