package dev.recur.output;

import dev.recur.math.MathKernels;
import dev.recur.spi.OutputLayer;
import dev.recur.spi.Parameter;
import java.util.List;
import java.util.random.RandomGenerator;

/** What the built-in output layers share: sizes, kernels, their parameter list and the uniform initialisation. */
abstract class BaseOutputLayer implements OutputLayer {

    /** H. */
    final int h;
    /** V. */
    final int vocab;
    final MathKernels k;
    private List<Parameter> parameters = List.of();

    BaseOutputLayer(int inputSize, int vocabSize, MathKernels kernels) {
        this.h = inputSize;
        this.vocab = vocabSize;
        this.k = kernels;
    }

    /** Sets the layer's own parameters, in their stable order (once, in the subclass's constructor). */
    final void parameters(List<Parameter> ps) {
        this.parameters = List.copyOf(ps);
    }

    /** a ~ U(−range, range), drawn in order from {@code rnd}. */
    static void uniform(float[] a, double range, RandomGenerator rnd) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
    }

    /** Rejects a workspace size below 1 or one whose buffers of {@code width} floats per row overflow an array. */
    static void checkMaxRows(int maxRows, long width) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxRows * width > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("rows*width is too large for one call: " + maxRows + " x " + width);
        }
    }

    @Override
    public final int inputSize() {
        return h;
    }

    @Override
    public final int vocabSize() {
        return vocab;
    }

    @Override
    public final List<Parameter> parameters() {
        return parameters;
    }
}
