package dev.recur.math;

import java.util.Objects;

/**
 * A matrix B [rows × cols] (row-major, {@code B[i][j] = source()[offset() + i·ld() + j]}) prepared for many
 * products A·B while it does not change — the recurrent weights over one window, by which every time step
 * multiplies. Made by {@link MathKernels#prepare}, used by {@link MathKernels#gemmNN(int, int, int, float[], int,
 * int, PreparedMatrix, int, float[], int, int, boolean)}. Kernels may keep a copy of B in the layout their
 * micro-kernels stream (the vector kernels: column strips, each a contiguous block), so a change to B is seen
 * only after {@code prepare} is called again; the products give the same bits as the products with B itself.
 */
public abstract class PreparedMatrix {

    private final int rows;
    private final int cols;
    private float[] source;
    private int offset;
    private int ld;

    /**
     * @param rows rows of B (the summation length of A·B)
     * @param cols columns of B
     */
    protected PreparedMatrix(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be > 0, got " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Points this matrix at B (called by {@link MathKernels#prepare}).
     *
     * @param b the array holding B
     * @param off index of B[0][0]
     * @param ldb distance between rows of B
     */
    protected final void refer(float[] b, int off, int ldb) {
        Objects.requireNonNull(b, "b");
        if (off < 0 || ldb < cols || (long) off + (long) (rows - 1) * ldb + cols > b.length) {
            throw new IllegalArgumentException("matrix " + rows + " x " + cols + " at " + off + " (ld " + ldb
                    + ") does not fit in " + b.length + " floats");
        }
        this.source = b;
        this.offset = off;
        this.ld = ldb;
    }

    /** @return rows of B */
    public final int rows() {
        return rows;
    }

    /** @return columns of B */
    public final int cols() {
        return cols;
    }

    /** @return the array B was prepared from */
    public final float[] source() {
        return source;
    }

    /** @return index of B[0][0] in {@link #source()} */
    public final int offset() {
        return offset;
    }

    /** @return distance between rows of B in {@link #source()} */
    public final int ld() {
        return ld;
    }

    /** B as it is, for kernels without a layout of their own. */
    static final class Plain extends PreparedMatrix {
        Plain(int rows, int cols) {
            super(rows, cols);
        }
    }

    /**
     * {@code reuse} pointed at B when it is a plain matrix of that shape, else a new one.
     *
     * @param rows rows of B
     * @param cols columns of B
     * @param b the array holding B
     * @param off index of B[0][0]
     * @param ldb distance between rows of B
     * @param reuse a matrix from an earlier call, or null
     * @return the prepared matrix
     */
    static PreparedMatrix plain(int rows, int cols, float[] b, int off, int ldb, PreparedMatrix reuse) {
        PreparedMatrix p = reuse instanceof Plain && reuse.rows == rows && reuse.cols == cols ? reuse
                : new Plain(rows, cols);
        p.refer(b, off, ldb);
        return p;
    }
}
