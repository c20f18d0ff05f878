package dev.recur.cells;

import dev.recur.spi.CellWorkspace;

/** The shared part of the built-in cells' workspaces: sizes, owner, and the steps of the last forward. */
abstract class WindowBuffers implements CellWorkspace {

    final Object owner;
    final int batch;
    final int maxSteps;
    /** Steps of the last forward (backward must match). */
    int steps;

    WindowBuffers(Object owner, int batch, int maxSteps) {
        if (batch < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("batch and maxSteps must be >= 1, got " + batch + ", " + maxSteps);
        }
        this.owner = owner;
        this.batch = batch;
        this.maxSteps = maxSteps;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public int maxSteps() {
        return maxSteps;
    }

    /** {@code ws} as the workspace type of {@code owner}, checked against the window. */
    static <W extends WindowBuffers> W of(Class<W> type, CellWorkspace ws, Object owner, int batch, int steps) {
        if (!type.isInstance(ws) || type.cast(ws).owner != owner) {
            throw new IllegalArgumentException("workspace was not created by this cell");
        }
        ws.check(batch, steps);
        return type.cast(ws);
    }

    /** Checks that a backward follows a forward over the same window. */
    void checkBackward(int steps) {
        if (this.steps != steps) {
            throw new IllegalStateException("backward over " + steps + " steps after a forward over " + this.steps);
        }
    }
}
