package dev.recur.cells;

import dev.recur.output.SoftmaxOutputProvider;
import dev.recur.spi.OutputLayerProvider;
import dev.recur.testkit.OutputLayerContractTest;

/** The built-in {@code softmax} output layer (in recur-core) against the output-layer contract, untied and tied. */
class SoftmaxOutputContractTest extends OutputLayerContractTest {
    @Override
    protected OutputLayerProvider provider() {
        return new SoftmaxOutputProvider();
    }
}
