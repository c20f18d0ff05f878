package dev.recur.spi;

import java.util.Map;

/**
 * Builds {@link OutputLayer}s. Register implementations in
 * {@code META-INF/services/dev.recur.spi.OutputLayerProvider}. See {@link Provider} for the lifecycle.
 */
public interface OutputLayerProvider extends Provider {

    /**
     * A new output layer with freshly initialised parameters.
     *
     * @param spec what to build
     * @return a new output layer
     * @throws IllegalArgumentException on unknown or invalid options, or a tied embedding this kind of layer
     *                                  cannot use (one line: what, expected, actual)
     */
    OutputLayer create(OutputSpec spec);

    /**
     * How many floats the parameters of such a layer hold, without building it: model-file readers compare it
     * with what a file holds BEFORE they allocate anything.
     *
     * @param inputSize the input width H
     * @param vocabSize V
     * @param tied whether the layer would use a tied embedding (not counted)
     * @param options the provider's options as {@code key → value}
     * @return the number of floats in its parameters
     * @throws IllegalArgumentException on invalid options
     */
    long parameterCount(int inputSize, int vocabSize, boolean tied, Map<String, String> options);

    /**
     * How a layer of this kind would group the vocabulary ({@link OutputLayer#tokenGroups()}), without building
     * it: what {@code recur inspect} shows.
     *
     * @param inputSize   H
     * @param vocabSize   V
     * @param options     the layer's options
     * @param tokenCounts each token's training count by id, or null
     * @return the group boundaries, from 0 to V
     * @throws IllegalArgumentException on invalid options
     */
    default int[] tokenGroups(int inputSize, int vocabSize, Map<String, String> options, long[] tokenCounts) {
        return new int[] {0, vocabSize};
    }
}
