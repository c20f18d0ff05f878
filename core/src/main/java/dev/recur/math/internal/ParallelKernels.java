package dev.recur.math.internal;

import dev.recur.math.Activation;
import dev.recur.math.MathKernels;

/**
 * {@link MathKernels} that split large matrix products over a {@link ComputePool}; everything else, and
 * products below {@link #THRESHOLD_FLOPS}, runs serially on the wrapped kernels.
 *
 * <p>Products are split by output columns (A·B, Aᵀ·B) or output rows (A·Bᵀ), never along the summation
 * index, so every output element is summed in the same order as serially: results are bit-identical for any
 * thread count. No allocation per call: the split is described by one reused task object. Like the pool,
 * an instance serves one thread at a time.
 */
public final class ParallelKernels implements MathKernels {

    /** Products smaller than this (2·m·n·k) stay serial: dispatch would cost more than it saves. */
    public static final long THRESHOLD_FLOPS = 1L << 18;

    private final MathKernels base;
    private final ComputePool pool;
    private final GemmTask gemm = new GemmTask();
    /**
     * Column chunks are multiples of this many floats: one strip of the 8×3-vector micro-kernel (AVX-512: 48), so
     * a chunked product runs the same kernels as an unsplit one (n = 512 in chunks of 96: ten strips and one
     * 32-column tail, as serially; two halves of 256 had two 16-column tails on the 8×1 kernel).
     */
    private static final int ALIGN = 48;
    /** Products split by columns only when every part gets at least this many (else by rows). */
    private static final int MIN_COLUMNS_PER_PART = 48;
    /** ... and to this many for products of 1 to 3 rows (batch-1 generation: 8-vector blocks). */
    private static final int ALIGN_FEW_ROWS = 128;
    /** Memory-bound passes are split into one part per thread, aligned to one AVX-512 vector. */
    private static final int PASS_ALIGN = 16;
    /** Row chunks are multiples of this many rows (the 8-row micro-kernels). */
    private static final int ROW_ALIGN = 8;
    /**
     * About this many chunks per thread. Threads CLAIM chunks (an atomic counter) instead of owning one fixed
     * part: on a shared VM one vCPU is often slowed down for a while, and with fixed halves every product then
     * waited for the slow one (C training on 2 threads: median steps 45 % slower than the best ones).
     */
    private static final int CHUNKS_PER_THREAD = 3;
    /** From this many rows the products are packed, and a column chunk re-reads all of A. */
    private static final int MANY_ROWS = 64;

    /**
     * {@code base} split over the threads of {@code pool}.
     *
     * @param base the serial kernels each part runs on
     * @param pool the threads (owned by the caller, who closes it)
     */
    public ParallelKernels(MathKernels base, ComputePool pool) {
        this.base = base;
        this.pool = pool;
        this.softmaxTask = new SoftmaxTask();
    }

    /**
     * The pool's thread count.
     *
     * @return the number of threads
     */
    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return base.name() + " x " + pool.threads() + " threads";
    }

    private boolean serial(int m, int n, int k) {
        return pool.threads() == 1 || 2L * m * n * k < THRESHOLD_FLOPS;
    }

    private static final int NN = 0;
    private static final int TN = 1;
    private static final int NT = 2;

    private final class GemmTask implements ComputePool.Task {
        int kind;
        int m;
        int n;
        int k;
        float[] a;
        int aOff;
        int lda;
        float[] b;
        int bOff;
        int ldb;
        float[] c;
        int cOff;
        int ldc;
        boolean acc;
        boolean byColumns;
        /** What each part does to the block it computed, while it is still in its cache (NONE for a plain product). */
        int epilogue;
        Activation act;
        float[] y;
        int yOff;
        float[] d;
        int dOff;
        float[] g;
        int gOff;
        float[] e;
        int eOff;

        /** The next chunk to claim. */
        final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void run(int part, int parts) {
            int total = byColumns ? n : m;
            // products of many rows split by columns take one chunk per thread: each chunk streams all of A
            // (1024³ on 2 threads: medians 350-367 GFLOP/s with 2 chunks, 271-328 with 6)
            // (and equal halves, aligned to one vector: 48-wide halves of 1024 were 528 + 496)
            boolean halves = byColumns && m >= MANY_ROWS;
            int align = halves ? PASS_ALIGN : byColumns ? columnAlign(m) : ROW_ALIGN;
            int chunk = chunkSize(total, align, parts, halves ? 1 : CHUNKS_PER_THREAD);
            for (int ch; (ch = next.getAndIncrement()) * chunk < total; ) {
                if (byColumns) {
                    int j0 = ch * chunk;
                    int w = Math.min(total, j0 + chunk) - j0;
                    switch (kind) {
                        case NN -> base.gemmNN(m, w, k, a, aOff, lda, b, bOff + j0, ldb, c, cOff + j0, ldc, acc);
                        case TN -> base.gemmTN(m, w, k, a, aOff, lda, b, bOff + j0, ldb, c, cOff + j0, ldc, acc);
                        default -> base.gemmNT(m, w, k, a, aOff, lda, b, bOff + j0 * ldb, ldb, c, cOff + j0, ldc, acc);
                    }
                    epilogue(m, w, j0);
                } else {
                    int i0 = rowBound(ch, chunk, m);
                    int i1 = rowBound(ch + 1, chunk, m);
                    if (i1 <= i0) {
                        continue;
                    }
                    int h = i1 - i0;
                    switch (kind) {
                        case NN -> base.gemmNN(h, n, k, a, aOff + i0 * lda, lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc, acc);
                        case TN -> base.gemmTN(h, n, k, a, aOff + i0, lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc, acc);
                        default -> base.gemmNT(h, n, k, a, aOff + i0 * lda, lda, b, bOff, ldb, c, cOff + i0 * ldc, ldc, acc);
                    }
                    epilogue(h, n, i0 * ldc);
                }
            }
        }

        /** The epilogue over this part's rows × columns block, which starts {@code at} elements into C (and y, d, g, e). */
        private void epilogue(int rows, int cols, int at) {
            switch (epilogue) {
                case ACTIVATE -> base.activateBlock(rows, cols, ldc, act, c, cOff + at, y, yOff + at, d,
                        d == null ? 0 : dOff + at);
                case ADD_MULTIPLY -> base.addMultiplyBlock(rows, cols, ldc, c, cOff + at, g, gOff + at, d, dOff + at,
                        e, eOff + at);
                default -> {
                }
            }
        }
    }

    private static final int NONE = 0;
    private static final int ACTIVATE = 1;
    private static final int ADD_MULTIPLY = 2;

    /** Column chunks of a product with {@code rows} rows are multiples of this. */
    private static int columnAlign(int rows) {
        return rows < 4 ? ALIGN_FEW_ROWS : ALIGN;
    }

    /** About {@code perThread} chunks per thread, each a multiple of {@code align} (but at least one). */
    static int chunkSize(int total, int align, int threads, int perThread) {
        int target = (total + perThread * threads - 1) / (perThread * threads);
        return Math.max(align, (target + align - 1) / align * align);
    }

    /**
     * Start of the c-th chunk of rows, and a last chunk of fewer than 4 rows is merged into the one before it,
     * so no chunk sees fewer rows than the product has (below 4 rows A·Bᵀ switches to dot products, whose
     * rounding differs, and split results must equal serial ones). Chunks are multiples of 4 rows.
     */
    static int rowBound(int part, int chunk, int m) {
        if (part == 0) {
            return 0;
        }
        int b = Math.min(m, part * chunk);
        return m - b < 4 ? m : b;
    }

    private void parallel(int kind, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean acc, boolean byColumns) {
        GemmTask t = gemm;
        t.kind = kind;
        t.m = m;
        t.n = n;
        t.k = k;
        t.a = a;
        t.aOff = aOff;
        t.lda = lda;
        t.b = b;
        t.bOff = bOff;
        t.ldb = ldb;
        t.c = c;
        t.cOff = cOff;
        t.ldc = ldc;
        t.acc = acc;
        t.byColumns = byColumns;
        t.next.set(0);
        try {
            pool.invoke(t);
        } finally {
            t.a = null;
            t.b = null;
            t.c = null;
            t.epilogue = NONE;
            t.y = null;
            t.d = null;
            t.g = null;
            t.e = null;
        }
    }

    /**
     * Split like {@link #gemmNN}; each part activates the columns (or rows) it computed, so the activation is
     * parallel too and runs on data still in that core's cache (serially, the other core's half of C moved
     * across for every step of a recurrence).
     */
    @Override
    public void gemmNNActivate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate, Activation act, float[] y, int yOff,
                               float[] d, int dOff) {
        if (serial(m, n, k)) {
            base.gemmNNActivate(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, act, y, yOff, d, dOff);
            return;
        }
        GemmTask t = gemm;
        t.epilogue = ACTIVATE;
        t.act = act;
        t.y = y;
        t.yOff = yOff;
        t.d = d;
        t.dOff = dOff;
        parallel(NN, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                n >= MIN_COLUMNS_PER_PART * pool.threads());
    }

    /** Split like {@link #gemmNN}; each part adds and multiplies over the block it computed. */
    @Override
    public void gemmNNAddMultiply(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, float[] g, int gOff, float[] s, int sOff, float[] e,
                                  int eOff) {
        if (serial(m, n, k)) {
            base.gemmNNAddMultiply(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, g, gOff, s, sOff, e, eOff);
            return;
        }
        GemmTask t = gemm;
        t.epilogue = ADD_MULTIPLY;
        t.g = g;
        t.gOff = gOff;
        t.d = s;
        t.dOff = sOff;
        t.e = e;
        t.eOff = eOff;
        parallel(NN, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false,
                n >= MIN_COLUMNS_PER_PART * pool.threads());
    }

    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                       int cOff, int ldc, boolean accumulate) {
        if (serial(m, n, k)) {
            base.gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            parallel(NN, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, n >= MIN_COLUMNS_PER_PART * pool.threads());
        }
    }

    @Override
    public void gemmTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                       int cOff, int ldc, boolean accumulate) {
        if (serial(m, n, k)) {
            base.gemmTN(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            parallel(TN, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, n >= MIN_COLUMNS_PER_PART * pool.threads());
        }
    }

    @Override
    public void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                       int cOff, int ldc, boolean accumulate) {
        if (serial(m, n, k)) {
            base.gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            parallel(NT, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, m < 4 * pool.threads());
        }
    }

    /**
     * {@link #forColumns}: each part owns one FIXED column range, the same at every call. A single step
     * (generation) streams its weights once per token; with a fixed range each core keeps its own columns of
     * W_e and W_h in its own L2 from token to token, whereas claimed chunks moved columns between the cores'
     * caches whenever the claiming order changed (G-C on 2 threads, 4 alternating runs: 71.5 k -> 77.7 k tokens/s).
     */
    private final class ColumnsTask implements ComputePool.Task {
        int n;
        int align;
        ColumnTask task;

        @Override
        public void run(int part, int parts) {
            int chunk = chunkSize(n, align, parts, 1);
            int j0 = Math.min(n, part * chunk);
            int j1 = Math.min(n, j0 + chunk);
            if (j1 > j0) {
                task.run(j0, j1, base);
            }
        }
    }

    private final ColumnsTask columns = new ColumnsTask();

    /** A product with a prepared B split by columns (each part a fixed range, see {@link #forColumns}). */
    private final class PreparedTask implements ColumnTask {
        int m;
        int k;
        float[] a;
        int aOff;
        int lda;
        dev.recur.math.PreparedMatrix b;
        int bCol;
        float[] c;
        int cOff;
        int ldc;
        boolean acc;

        @Override
        public void run(int j0, int j1, MathKernels kernels) {
            kernels.gemmNN(m, j1 - j0, k, a, aOff, lda, b, bCol + j0, c, cOff + j0, ldc, acc);
        }
    }

    private final PreparedTask preparedTask = new PreparedTask();

    @Override
    public dev.recur.math.PreparedMatrix prepare(int k, int n, float[] b, int bOff, int ldb,
                                                 dev.recur.math.PreparedMatrix reuse) {
        return base.prepare(k, n, b, bOff, ldb, reuse);
    }

    /** Split by output columns over the pool, each part a fixed range aligned to the strips (the same bits). */
    @Override
    public void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, dev.recur.math.PreparedMatrix b, int bCol,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        MathKernels.checkPrepared(n, k, b, bCol);
        if (serial(m, n, k)) {
            base.gemmNN(m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        PreparedTask t = preparedTask;
        t.m = m;
        t.k = k;
        t.a = a;
        t.aOff = aOff;
        t.lda = lda;
        t.b = b;
        t.bCol = bCol;
        t.c = c;
        t.cOff = cOff;
        t.ldc = ldc;
        t.acc = accumulate;
        try {
            forColumns(m, n, 2L * m * n * k, t);
        } finally {
            t.a = null;
            t.b = null;
            t.c = null;
        }
    }

    /** A reduced-precision product split by columns (each part a fixed range, see {@link #forColumns}). */
    private final class PackedTask implements ColumnTask {
        int m;
        int k;
        float[] a;
        int aOff;
        int lda;
        dev.recur.math.PackedWeights b;
        int bCol;
        float[] c;
        int cOff;
        int ldc;
        boolean acc;

        @Override
        public void run(int j0, int j1, MathKernels kernels) {
            kernels.gemmPacked(m, j1 - j0, k, a, aOff, lda, b, bCol + j0, c, cOff + j0, ldc, acc);
        }
    }

    private final PackedTask packedTask = new PackedTask();

    /**
     * Split by output columns over the pool (each column is summed as serially: the same bits); the weights
     * stream once per call, so the work estimate counts the bytes as well as the flops.
     */
    @Override
    public void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, dev.recur.math.PackedWeights b,
                           int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        MathKernels.checkPacked(n, k, b, bCol);
        if (serial(m, n, k)) {
            base.gemmPacked(m, n, k, a, aOff, lda, b, bCol, c, cOff, ldc, accumulate);
            return;
        }
        PackedTask t = packedTask;
        t.m = m;
        t.k = k;
        t.a = a;
        t.aOff = aOff;
        t.lda = lda;
        t.b = b;
        t.bCol = bCol;
        t.c = c;
        t.cOff = cOff;
        t.ldc = ldc;
        t.acc = accumulate;
        try {
            forColumns(m, n, 2L * m * n * k, t);
        } finally {
            t.a = null;
            t.b = null;
            t.c = null;
        }
    }

    @Override
    public void forColumns(int rows, int n, long flops, ColumnTask task) {
        int align = columnAlign(rows);
        if (pool.threads() == 1 || flops < THRESHOLD_FLOPS || n < 2 * align) {
            task.run(0, n, base);
            return;
        }
        ColumnsTask t = columns;
        t.n = n;
        t.align = align;
        t.task = task;
        try {
            pool.invoke(t);
        } finally {
            t.task = null;
        }
    }

    /** Memory-bound passes over at least this many elements are split too (W: 11.2 M logits per window). */
    static final long THRESHOLD_ELEMENTS = 1L << 18;

    private static final int ADD_ROW_VECTOR = 0;
    private static final int SUM_ROWS = 1;
    private static final int TRANSPOSE = 2;

    /**
     * Bias add (split by rows), column sums (split by columns: each column still summed over ascending rows)
     * and transpose (split by source columns, i.e. by rows of the result): the same bits as serially.
     */
    private final class PassTask implements ComputePool.Task {
        int kind;
        int rows;
        int cols;
        float[] a;
        int aOff;
        int lda;
        float[] out;
        int outOff;
        int ldo;

        @Override
        public void run(int part, int parts) {
            int n = kind == ADD_ROW_VECTOR ? rows : cols;
            int chunk = ((n + parts - 1) / parts + PASS_ALIGN - 1) / PASS_ALIGN * PASS_ALIGN;
            int s0 = Math.min(n, part * chunk);
            int s1 = Math.min(n, s0 + chunk);
            if (s1 <= s0) {
                return;
            }
            switch (kind) {
                case ADD_ROW_VECTOR -> base.addRowVector(s1 - s0, cols, a, aOff, out, outOff + s0 * ldo, ldo);
                case SUM_ROWS -> base.sumRows(rows, s1 - s0, a, aOff + s0, lda, out, outOff + s0);
                default -> base.transpose(rows, s1 - s0, a, aOff + s0, lda, out, outOff + s0 * ldo, ldo);
            }
        }
    }

    private final PassTask pass = new PassTask();

    private void pass(int kind, int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff, int ldo) {
        PassTask t = pass;
        t.kind = kind;
        t.rows = rows;
        t.cols = cols;
        t.a = a;
        t.aOff = aOff;
        t.lda = lda;
        t.out = out;
        t.outOff = outOff;
        t.ldo = ldo;
        try {
            pool.invoke(t);
        } finally {
            t.a = null;
            t.out = null;
        }
    }

    private boolean serialPass(int rows, int cols, int splitDim) {
        return pool.threads() == 1 || (long) rows * cols < THRESHOLD_ELEMENTS || splitDim < 2 * PASS_ALIGN;
    }

    @Override
    public void transpose(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff, int ldo) {
        if (serialPass(rows, cols, cols)) {
            base.transpose(rows, cols, a, aOff, lda, out, outOff, ldo);
        } else {
            pass(TRANSPOSE, rows, cols, a, aOff, lda, out, outOff, ldo);
        }
    }

    @Override
    public void gemv(int m, int n, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff, boolean acc) {
        base.gemv(m, n, a, aOff, lda, x, xOff, y, yOff, acc);
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        base.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOff) {
        base.scale(n, alpha, x, xOff);
    }

    @Override
    public double sumOfSquares(int n, float[] x, int xOff) {
        return base.sumOfSquares(n, x, xOff);
    }

    @Override
    public void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        base.multiply(n, a, aOff, b, bOff, out, outOff);
    }

    @Override
    public void activate(Activation act, int n, float[] x, int xOff, float[] y, int yOff, float[] d, int dOff) {
        base.activate(act, n, x, xOff, y, yOff, d, dOff);
    }

    @Override
    public void addRowVector(int rows, int cols, float[] v, int vOff, float[] c, int cOff, int ldc) {
        if (serialPass(rows, cols, rows)) {
            base.addRowVector(rows, cols, v, vOff, c, cOff, ldc);
        } else {
            pass(ADD_ROW_VECTOR, rows, cols, v, vOff, 0, c, cOff, ldc);
        }
    }

    @Override
    public void sumRows(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
        if (serialPass(rows, cols, cols)) {
            base.sumRows(rows, cols, a, aOff, lda, out, outOff);
        } else {
            pass(SUM_ROWS, rows, cols, a, aOff, lda, out, outOff, 0);
        }
    }

    /** Row-split softmax + cross-entropy; each part's loss lands in its own slot. */
    private final class SoftmaxTask implements ComputePool.Task {
        final double[] partial = new double[pool.threads()];
        int rows;
        int cols;
        float[] logits;
        int off;
        int ld;
        int[] targets;
        int tOff;
        float gradScale;

        @Override
        public void run(int part, int parts) {
            int chunk = (rows + parts - 1) / parts;
            int r0 = Math.min(rows, part * chunk);
            int r1 = Math.min(rows, r0 + chunk);
            partial[part] = r1 <= r0 ? 0
                    : base.softmaxCrossEntropy(r1 - r0, cols, logits, off + r0 * ld, ld, targets, tOff + r0, gradScale);
        }
    }

    private final SoftmaxTask softmaxTask;

    /**
     * Splits rows over the pool above the threshold. The gradient rows are identical to the serial ones; the
     * returned loss is a sum of per-part sums, so its last bits may depend on the thread count.
     */
    @Override
    public double softmaxCrossEntropy(int rows, int cols, float[] logits, int off, int ld, int[] targets, int tOff,
                                      float gradScale) {
        if (pool.threads() == 1 || 8L * rows * cols < THRESHOLD_FLOPS || rows < pool.threads()) {
            return base.softmaxCrossEntropy(rows, cols, logits, off, ld, targets, tOff, gradScale);
        }
        SoftmaxTask t = softmaxTask;
        t.rows = rows;
        t.cols = cols;
        t.logits = logits;
        t.off = off;
        t.ld = ld;
        t.targets = targets;
        t.tOff = tOff;
        t.gradScale = gradScale;
        try {
            pool.invoke(t);
        } finally {
            t.logits = null;
            t.targets = null;
        }
        double sum = 0;
        for (double d : t.partial) {
            sum += d;
        }
        return sum;
    }

    @Override
    public void softmax(int n, float[] x, int xOff, float temperature, float[] out, int outOff) {
        base.softmax(n, x, xOff, temperature, out, outOff);
    }
}
